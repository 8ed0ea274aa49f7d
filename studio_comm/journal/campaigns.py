"""Campaigns in the journal: the definition, the per-member ledger and the run's lease.

The statements behind `Journal`'s campaign methods, each on the caller's connection (one
transaction). Two rules make a campaign safe to resume and to share between desks:
- a ledger row changes only from the outcome the caller expects (`pending` to `sending`
  with a request id, `sending` with that request id to its outcome), so a run that lost
  its lease cannot overwrite what another run recorded;
- the lease is taken and renewed by one conditional UPDATE of the campaign's row, timed by
  the database's clock on PostgreSQL (desks' clocks differ), so two desks cannot both
  hold it on either engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from studio_comm.journal import schema
from studio_comm.journal.records import (
    CampaignLease,
    CampaignMember,
    CampaignOutcome,
    CampaignRecord,
    CampaignStatus,
    MessageRecord,
)
from studio_comm.journal.schema import utc_now

_C = schema.campaigns
_L = schema.campaign_ledger


@dataclass(frozen=True)
class LeaseHolder:
    """Who asks for a campaign's lease: one run of one desk."""

    token: str
    workstation: str
    staff: str | None
    host: str
    pid: int


def database_now(conn: Connection) -> datetime:
    """The time by the database's clock: PostgreSQL's for a shared journal, so desks
    whose clocks differ agree on when a lease expired; this computer's for SQLite."""
    if conn.dialect.name == "postgresql":
        return conn.execute(select(func.statement_timestamp())).scalar_one().astimezone(UTC)
    return utc_now()


def campaign_record(row: Any) -> CampaignRecord | None:
    if row is None:
        return None
    values = dict(row._mapping)
    lease = None
    if values["lease_token"] is not None:
        lease = CampaignLease(
            token=values["lease_token"], workstation=values["lease_workstation"] or "",
            staff=values["lease_staff"], host=values["lease_host"] or "", pid=int(values["lease_pid"] or 0),
            started_at=values["lease_started_at"], expires_at=values["lease_expires_at"],
        )
    for name in ("lease_token", "lease_workstation", "lease_staff", "lease_host", "lease_pid",
                 "lease_started_at", "lease_expires_at"):
        del values[name]
    values["statuses"] = list(values["statuses"] or [])
    return CampaignRecord(**values, lease=lease)


def campaign(conn: Connection, campaign_id: int) -> CampaignRecord | None:
    return campaign_record(conn.execute(select(_C).where(_C.c.id == campaign_id)).first())


def campaign_named(conn: Connection, studio_id: int, name: str) -> CampaignRecord | None:
    query = select(_C).where(_C.c.studio_id == studio_id, _C.c.name == name)
    return campaign_record(conn.execute(query).first())


def campaigns(conn: Connection, studio_id: int | None, name: str | None) -> list[CampaignRecord]:
    query = select(_C).order_by(_C.c.created_at.desc(), _C.c.id.desc())
    if studio_id is not None:
        query = query.where(_C.c.studio_id == studio_id)
    if name is not None:
        query = query.where(_C.c.name == name)
    return [r for r in (campaign_record(row) for row in conn.execute(query)) if r is not None]


def create(conn: Connection, values: Mapping[str, Any]) -> tuple[CampaignRecord, bool]:
    """Insert the campaign unless its studio has one of that name; (campaign, created)."""
    now = utc_now()
    row = {**values, "created_at": now, "updated_at": now, "status": CampaignStatus.CREATED.value}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = (dialect.insert(_C).values(row).on_conflict_do_nothing(index_elements=["studio_id", "name"])
              .returning(_C.c.id))
    created = conn.execute(insert).first() is not None  # (rowcount is not reliable with RETURNING)
    found = campaign_named(conn, values["studio_id"], values["name"])
    assert found is not None  # inserted now, or there before
    return found, created


def add_members(conn: Connection, campaign_id: int, members: Iterable[Mapping[str, Any]]) -> int:
    """Ledger rows (pending) for these members; a member already there is left as it is."""
    now = utc_now()
    rows = [
        {"campaign_id": campaign_id, "customer_id": m["customer_id"],
         "customer_number": m.get("customer_number"), "first_name": m.get("first_name"),
         "last_name": m.get("last_name"), "customer_status": m.get("customer_status"),
         "outcome": CampaignOutcome.PENDING.value, "updated_at": now}
        for m in members
    ]
    if not rows:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = (dialect.insert(_L).on_conflict_do_nothing(index_elements=["campaign_id", "customer_id"])
              .returning(_L.c.customer_id))
    return len(conn.execute(insert, rows).all())  # the rows inserted (rowcount is -1 for many)


def mark_targeted(conn: Connection, campaign_id: int) -> CampaignRecord:
    now = utc_now()
    conn.execute(_C.update().where(_C.c.id == campaign_id, _C.c.targeted_at.is_(None))
                 .values(targeted_at=now, updated_at=now))
    found = campaign(conn, campaign_id)
    if found is None:
        raise LookupError(f"There is no campaign {campaign_id} in the journal.")
    return found


def members(conn: Connection, campaign_id: int, outcomes: Sequence[str] | None) -> list[CampaignMember]:
    query = select(_L).where(_L.c.campaign_id == campaign_id).order_by(_L.c.customer_id)
    if outcomes is not None:
        query = query.where(_L.c.outcome.in_(list(outcomes)))
    return [CampaignMember(**row._mapping) for row in conn.execute(query)]


def counts(conn: Connection, campaign_id: int) -> dict[str, int]:
    query = (select(_L.c.outcome, func.count()).where(_L.c.campaign_id == campaign_id)
             .group_by(_L.c.outcome))
    return {outcome: n for outcome, n in conn.execute(query)}


def start_sending(conn: Connection, campaign_id: int, customer_id: int, request_id: str,
                  workstation: str) -> bool:
    """`pending` -> `sending` with the request id its message will carry; False when the
    member is not pending (another run got there first)."""
    update = (_L.update()
              .where(_L.c.campaign_id == campaign_id, _L.c.customer_id == customer_id,
                     _L.c.outcome == CampaignOutcome.PENDING.value)
              .values(outcome=CampaignOutcome.SENDING.value, request_id=request_id, workstation=workstation,
                      detail=None, http_status=None, updated_at=utc_now()))
    return conn.execute(update).rowcount == 1


def settle(conn: Connection, campaign_id: int, customer_id: int, outcome: str, *,
           request_id: str | None, detail: str | None, http_status: int | None,
           thread_id: int | None, remote_thread_id: int | None, workstation: str | None) -> bool:
    """A member's outcome: from `sending` with `request_id`, or from `pending` when
    `request_id` is None (nothing was sent). `pending` as the outcome puts a member whose
    request never left back in the queue (the request id stays: the try it names may
    have left a message to send again). False when the row was not in that state."""
    where = [_L.c.campaign_id == campaign_id, _L.c.customer_id == customer_id]
    if request_id is None:
        where.append(_L.c.outcome == CampaignOutcome.PENDING.value)
    else:
        where += [_L.c.outcome == CampaignOutcome.SENDING.value, _L.c.request_id == request_id]
    values: dict[str, Any] = {
        "outcome": outcome, "detail": detail, "http_status": http_status, "thread_id": thread_id,
        "remote_thread_id": remote_thread_id, "updated_at": utc_now(),
    }
    if workstation is not None:
        values["workstation"] = workstation
    return conn.execute(_L.update().where(*where).values(values)).rowcount == 1


def leftovers(conn: Connection, campaign_id: int) -> list[tuple[CampaignMember, MessageRecord | None]]:
    """Members an earlier run left `sending`, each with the message its request id names
    (None when that message was never written: then its request never left)."""
    m = schema.messages
    query = (select(_L, m).select_from(_L.outerjoin(m, m.c.request_id == _L.c.request_id))
             .where(_L.c.campaign_id == campaign_id,
                    _L.c.outcome == CampaignOutcome.SENDING.value)
             .order_by(_L.c.customer_id))
    found = []
    ledger_columns = [c.name for c in _L.columns]
    message_columns = [c.name for c in m.columns]
    for row in conn.execute(query):
        values = list(row)
        ledger = CampaignMember(**dict(zip(ledger_columns, values[:len(ledger_columns)], strict=True)))
        message_values = dict(zip(message_columns, values[len(ledger_columns):], strict=True))
        message = MessageRecord(**message_values) if message_values["id"] is not None else None
        found.append((ledger, message))
    return found


def reopen_failed(conn: Connection, campaign_id: int) -> int:
    """Every `failed` member back to `pending`, for another try; how many. The request id
    of the failed try stays, so the next try can send that message again (in its thread)
    instead of starting another one."""
    update = (_L.update()
              .where(_L.c.campaign_id == campaign_id, _L.c.outcome == CampaignOutcome.FAILED.value)
              .values(outcome=CampaignOutcome.PENDING.value, updated_at=utc_now()))
    return conn.execute(update).rowcount


# ---------------------------------------------------------------------------- lease


def _lease_values(holder: LeaseHolder, now: datetime, ttl: float) -> dict[str, Any]:
    return {"lease_token": holder.token, "lease_workstation": holder.workstation,
            "lease_staff": holder.staff, "lease_host": holder.host, "lease_pid": holder.pid,
            "lease_started_at": now, "lease_expires_at": now + timedelta(seconds=ttl)}


def acquire(conn: Connection, campaign_id: int, holder: LeaseHolder, ttl: float,
            take_over: str | None) -> tuple[bool, CampaignRecord]:
    """Take the campaign's lease when nobody holds it, its holder's lease expired, or its
    holder is the run `take_over` names (found dead by the caller). The campaign becomes
    `running`. A cancelled campaign is never taken. Returns (taken, campaign as it is)."""
    now = database_now(conn)
    free = [_C.c.lease_token.is_(None), _C.c.lease_expires_at <= now, _C.c.lease_token == holder.token]
    if take_over is not None:
        free.append(_C.c.lease_token == take_over)
    update = (_C.update()
              .where(_C.c.id == campaign_id, _C.c.status != CampaignStatus.CANCELLED.value, or_(*free))
              .values(status=CampaignStatus.RUNNING.value, reason=None, reason_detail=None, updated_at=now,
                      **_lease_values(holder, now, ttl)))
    taken = conn.execute(update).rowcount == 1
    found = campaign(conn, campaign_id)
    if found is None:
        raise LookupError(f"There is no campaign {campaign_id} in the journal.")
    return taken, found


def renew(conn: Connection, campaign_id: int, token: str, ttl: float) -> datetime | None:
    """Extend the lease this run holds; its new expiry, or None when it holds it no more."""
    now = database_now(conn)
    expires = now + timedelta(seconds=ttl)
    update = (_C.update().where(_C.c.id == campaign_id, _C.c.lease_token == token)
              .values(lease_expires_at=expires))
    return expires if conn.execute(update).rowcount == 1 else None


def release(conn: Connection, campaign_id: int, token: str | None, status: str, reason: str | None,
            reason_detail: str | None) -> bool:
    """End the run holding the lease `token` (None: a campaign nobody runs, or whose run's
    lease expired): the campaign takes `status` and the lease is free. False when `token`
    no longer holds it, or (token None) a live run holds it: then nothing changed."""
    now = database_now(conn)
    if token is not None:
        holds = _C.c.lease_token == token
    else:
        holds = or_(_C.c.lease_token.is_(None), _C.c.lease_expires_at <= now)
    update = (_C.update().where(_C.c.id == campaign_id, holds)
              .values(status=status, reason=reason, reason_detail=reason_detail, updated_at=now,
                      lease_token=None, lease_workstation=None, lease_staff=None, lease_host=None,
                      lease_pid=None, lease_started_at=None, lease_expires_at=None))
    return conn.execute(update).rowcount == 1
