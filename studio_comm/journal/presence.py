"""Presence in the journal: which member each desk has open, and who is writing where.

The statements behind `Journal`'s presence methods, each on the caller's connection (one
transaction). A desk has one row (it shows one member at a time): announcing another
member moves it. Every row carries `seen_at`, the database's clock at the desk's last
announcement or heartbeat (`campaigns.database_now`): on a shared PostgreSQL journal the
server's clock, so a desk whose clock runs minutes ahead or behind neither vanishes early
nor lingers. A row older than the expiry is not listed, and any desk's heartbeat deletes
it: a desk that quit without withdrawing, crashed or lost its connection disappears.

Every change of who is at a member (announced, moved, withdrawn, expired) appends a
presence event for that member in the same transaction, so the other desks learn of it
at once; a heartbeat that changes nothing appends nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from studio_comm.journal import feed, schema
from studio_comm.journal.campaigns import database_now
from studio_comm.journal.desk_events import DeskEvent, desk_event
from studio_comm.journal.records import Activity, PresenceRecord

_P = schema.presence


def _gone(studio_id: int, workstation: str, customer_id: int):
    return desk_event(studio_id, DeskEvent.PRESENCE_CHANGED, customer_id, workstation=workstation, staff=None,
                      thread=None, activity=None)


def announce(conn: Connection, studio_id: int, workstation: str, staff: str | None, customer_id: int,
             thread_id: int | None, activity: str) -> PresenceRecord:
    """This desk is at `customer_id` now, viewing or writing (in `thread_id`)."""
    Activity(activity)  # refuses what the table's check would refuse, before anything is written
    now = database_now(conn)
    before = conn.execute(select(_P.c.customer_id).where(_P.c.studio_id == studio_id,
                                                        _P.c.workstation == workstation)).scalar()
    row: dict[str, Any] = dict(studio_id=studio_id, workstation=workstation, staff=staff, customer_id=customer_id,
                               thread_id=thread_id, activity=activity, seen_at=now)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(_P)
    conn.execute(insert.on_conflict_do_update(
        index_elements=["studio_id", "workstation"],
        set_={name: insert.excluded[name] for name in row if name not in ("studio_id", "workstation")}), row)
    events = [] if before in (None, customer_id) else [_gone(studio_id, workstation, before)]
    events.append(desk_event(studio_id, DeskEvent.PRESENCE_CHANGED, customer_id, workstation=workstation,
                             staff=staff, thread=thread_id, activity=activity))
    feed.append(conn, events)
    return PresenceRecord(**row)


def withdraw(conn: Connection, studio_id: int, workstation: str) -> bool:
    """This desk has no member open (any more); False when it had none."""
    gone = conn.execute(_P.delete().where(_P.c.studio_id == studio_id, _P.c.workstation == workstation)
                        .returning(_P.c.customer_id)).scalars().all()
    feed.append(conn, [_gone(studio_id, workstation, customer_id) for customer_id in gone])
    return bool(gone)


def heartbeat(conn: Connection, studio_id: int, workstation: str, expiry: float) -> bool:
    """This desk is still there: its row's `seen_at` becomes now. Every desk's row of the
    studio older than `expiry` seconds is deleted (with its event). False when this desk
    has no row (never announced, withdrawn, or deleted as expired by another desk)."""
    now = database_now(conn)
    mine = conn.execute(_P.update().where(_P.c.studio_id == studio_id, _P.c.workstation == workstation)
                        .values(seen_at=now)).rowcount == 1
    old = now - timedelta(seconds=expiry)
    expired = conn.execute(_P.delete().where(_P.c.studio_id == studio_id, _P.c.seen_at < old)
                           .returning(_P.c.workstation, _P.c.customer_id)).all()
    # Of two desks cleaning up at once, the second finds the row deleted: one event each.
    feed.append(conn, [_gone(studio_id, row.workstation, row.customer_id) for row in expired])
    return mine


def at_member(conn: Connection, studio_id: int, customer_id: int, exclude_workstation: str | None,
              expiry: float) -> list[PresenceRecord]:
    """The desks at a member, seen within `expiry` seconds, other than `exclude_workstation`;
    writing ones first, then by workstation."""
    now = database_now(conn)
    query = select(_P).where(_P.c.studio_id == studio_id, _P.c.customer_id == customer_id,
                             _P.c.seen_at >= now - timedelta(seconds=expiry))
    if exclude_workstation is not None:
        query = query.where(_P.c.workstation != exclude_workstation)
    rows = [PresenceRecord(**row._mapping) for row in conn.execute(query)]
    return sorted(rows, key=lambda r: (r.activity != Activity.WRITING, r.workstation))
