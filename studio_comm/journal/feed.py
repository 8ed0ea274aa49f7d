"""The studio's event feed: one ordered table of events, on SQLite and PostgreSQL.

Magicline's webhooks arrive through the relay (source "webhook"); the desks add their own
events (source "desk"). An event carries no data: a reader learns that something changed
and reads the state through the API. A webhook event is stored once per studio, uuid and
place in the delivery's payload, however often it is delivered.

Reading after a position without losing events. `seq` values are handed out before
commit, so on PostgreSQL a transaction holding seq 7 can commit after one holding seq 8:
a reader that saw 8 and then asks for `seq > 8` would skip 7 for ever. Every append first
fixes its transaction id (`pg_current_xact_id()`) and stores it in the row, before its
seq is drawn. A row that is not yet visible but has a lower seq than a visible one was
then written by a transaction that already had its id when the reader's snapshot was
taken and had not committed: the snapshot either lists it as running (`xip`) or, when no
transaction with an id at or above it had finished yet, leaves it out as one of the ids
from `xmax` on, all of which it treats as running. A `FeedPosition` keeps both (`waiting`,
`waiting_from`), and the next read asks for `seq > position.seq` and for the rows up to
it of those transactions (none of which the earlier read could see): every event exactly
once, without an overlap window to guess.
On SQLite a writer holds the database's write lock from its BEGIN to its COMMIT, so seqs
become visible in order and `waiting` stays empty.

In the order they committed. A reader that finds an event committed late delivers it
after higher seqs, so two desks could see one studio's events in different orders, and
neither in the order they happened. So on PostgreSQL an append first takes its studio's
advisory lock for the rest of its transaction (`advisory.FEED_ORDER`), before its seq is
drawn: the studio's seqs are then handed out in the order their transactions commit,
and every reader gets the same sequence. The lock is held from the append to COMMIT, so
a transaction appends last, after its other writes (a lock taken after it could wait on
a transaction that waits for this studio's feed). The relay's appends are the whole of
their transactions.

On PostgreSQL an append notifies channel `CHANNEL` in the same transaction (delivered at
COMMIT, never for a rollback or a duplicate) with a small key, "STUDIO_ID:SEQ", never the
event: payloads are limited to 8000 bytes. `studio_comm.journal.listener` waits for it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from studio_comm.journal import advisory, schema
from studio_comm.journal.schema import utc_now

CHANNEL = "studio_comm_feed"
SOURCES = ("webhook", "desk")

_COLUMNS = ("seq", "studio_id", "source", "type", "entity_id", "uuid", "part", "timestamp_ms",
            "received_at", "content")


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append. `uuid` is the webhook's (None for a desk event); `part` its
    index in the webhook's payload array; `timestamp_ms` when it happened (ms since the
    epoch, as the vendor sends it); `content` the event's JSON object, if any."""

    studio_id: int
    type: str
    source: str = "desk"
    entity_id: int | None = None
    uuid: str | None = None
    part: int = 0
    timestamp_ms: int | None = None
    content: Any = None


@dataclass(frozen=True, slots=True)
class FeedEvent:
    seq: int
    studio_id: int
    source: str  # "webhook" (Magicline, through the relay) or "desk"
    type: str  # the wire string, also one this version does not know
    entity_id: int | None  # for the customer events: the customer id
    uuid: str | None
    part: int
    timestamp_ms: int | None
    received_at: datetime
    content: Any

    @property
    def occurred_at(self) -> datetime | None:
        """`timestamp_ms` as a UTC datetime; None when absent or beyond what a datetime holds."""
        if self.timestamp_ms is None:
            return None
        try:
            return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class Appended:
    seq: int  # the event's place in the feed; for a duplicate, the one stored first
    duplicate: bool  # already in the feed (a redelivered webhook): nothing was written


@dataclass(frozen=True, slots=True)
class FeedPosition:
    """Where a reader is in a studio's feed: every event up to `seq` has been read except
    those of the transactions still running at that read (PostgreSQL transaction ids:
    those in `waiting`, and every id from `waiting_from` on). `FeedPosition()` is the start
    of the feed."""

    seq: int = 0
    waiting: tuple[int, ...] = ()
    waiting_from: int | None = None


@dataclass(frozen=True, slots=True)
class FeedBatch:
    events: list[FeedEvent]  # in seq order; each event is in exactly one batch of a reader
    position: FeedPosition  # pass it to the next read
    more: bool  # the read stopped at its limit: read again at once


def _postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _check(event: NewEvent) -> None:
    if event.source not in SOURCES:
        raise ValueError(f"Unknown event source {event.source!r}.")
    if event.source == "webhook" and not event.uuid:
        raise ValueError("A webhook event needs its uuid.")


_GIVEN = ("studio_id", "source", "type", "entity_id", "uuid", "part", "timestamp_ms", "content")  # by NewEvent
_ROW = (*_GIVEN, "received_at", "xid")


@functools.cache
def _statements(dialect_name: str):
    """(insert, find the first of a duplicate), built once: an append is the relay's hot path."""
    e = schema.events
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = (dialect.insert(e).values({name: bindparam(f"p_{name}", type_=e.c[name].type) for name in _ROW})
              .on_conflict_do_nothing(index_elements=["studio_id", "uuid", "part"])
              .returning(e.c.seq, e.c.studio_id))
    if dialect_name == "postgresql":  # the notification in the same statement: one round trip
        inserted = insert.cte("inserted")
        key = func.concat(inserted.c.studio_id, ":", inserted.c.seq)
        insert = select(inserted.c.seq, func.pg_notify(CHANNEL, key))
    first = select(e.c.seq).where(e.c.studio_id == bindparam("p_studio_id"), e.c.uuid == bindparam("p_uuid"),
                                  e.c.part == bindparam("p_part"))
    return insert, first


# The locks (in the array's order), then the id: one round trip.
_LOCK_AND_XID = ("SELECT pg_current_xact_id()::text::bigint FROM (SELECT"
                 " count(pg_advisory_xact_lock(%(class)s::int4, k)) FROM unnest(%(studios)s::int4[]) AS k) AS locked")


def append(conn: Connection, events: Sequence[NewEvent]) -> list[Appended]:
    """Append events inside the caller's write transaction (they count once it commits)."""
    for event in events:
        _check(event)
    if not events:
        return []
    # Before any seq is drawn (see the module's docstring): the studios' feeds locked, in
    # one order (two transactions appending to the same two studios must not deadlock),
    # and the transaction id fixed.
    xid = None
    if _postgres(conn):
        studios = sorted({advisory.key(event.studio_id) for event in events})
        xid = conn.exec_driver_sql(_LOCK_AND_XID, {"class": advisory.FEED_ORDER, "studios": studios}).scalar_one()
    received_at = utc_now()
    insert, first = _statements(conn.dialect.name)
    results = []
    for event in events:
        row = {f"p_{name}": getattr(event, name) for name in _GIVEN}
        row.update(p_received_at=received_at, p_xid=xid)
        seq = conn.execute(insert, row).scalar()
        if seq is not None:
            results.append(Appended(seq, False))
        else:
            results.append(Appended(conn.execute(first, row).scalar_one(), True))
    return results


def _running_transactions(conn: Connection) -> tuple[tuple[int, ...], int | None]:
    """The transactions this transaction's snapshot sees as running (PostgreSQL): the ids
    it lists, and the id from which on every one is (its xmax)."""
    if not _postgres(conn):
        return (), None
    snapshot = conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one()
    _, xmax, running = snapshot.split(":")  # "xmin:xmax:xip,xip,..."
    return tuple(int(x) for x in running.split(",") if x), int(xmax)


def _select():
    e = schema.events
    return select(*(e.c[name] for name in _COLUMNS))


def read_after(conn: Connection, studio_id: int, position: FeedPosition, limit: int, *,
               entity_id: int | None = None, types: Sequence[str] | None = None) -> FeedBatch:
    """Events after `position`, in one snapshot (the caller's repeatable-read transaction);
    only those about `entity_id` and of `types`, when given (the position then moves past
    the last event read, and the next read looks at the others again: no event is lost)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    e = schema.events
    # The snapshot first: the rows below are read in it, so a transaction it lists as
    # running has no row in them, and one it does not list has all of them.
    waiting, waiting_from = _running_transactions(conn)
    wanted: list[ColumnElement[bool]] = [e.c.studio_id == studio_id]
    if entity_id is not None:
        wanted.append(e.c.entity_id == entity_id)
    if types is not None:
        wanted.append(e.c.type.in_(list(types)))
    late: Sequence[Any] = []
    if position.waiting or position.waiting_from is not None:
        was_running: list[ColumnElement[bool]] = [e.c.xid.in_(position.waiting)] if position.waiting else []
        if position.waiting_from is not None:
            was_running.append(e.c.xid >= position.waiting_from)
        late = conn.execute(_select().where(*wanted, e.c.seq <= position.seq, or_(*was_running))).all()
    new = conn.execute(_select().where(*wanted, e.c.seq > position.seq)
                       .order_by(e.c.seq).limit(limit)).all()
    events = sorted((FeedEvent(**row._mapping) for row in [*late, *new]), key=lambda event: event.seq)
    seq = new[-1].seq if new else position.seq
    return FeedBatch(events, FeedPosition(seq, waiting, waiting_from), more=len(new) == limit)


def of_entity(conn: Connection, studio_id: int, entity_id: int, types: Sequence[str] | None,
              limit: int) -> list[FeedEvent]:
    """The studio's latest events about one entity (a customer), of these types when given,
    oldest first."""
    e = schema.events
    query = _select().where(e.c.studio_id == studio_id, e.c.entity_id == entity_id)
    if types is not None:
        query = query.where(e.c.type.in_(list(types)))
    rows = conn.execute(query.order_by(e.c.seq.desc()).limit(limit)).all()
    return [FeedEvent(**row._mapping) for row in reversed(rows)]


def end(conn: Connection, studio_id: int) -> FeedPosition:
    """The position after the studio's latest event: a reader starting there gets only
    what is appended (or still commits) from now on."""
    waiting, waiting_from = _running_transactions(conn)
    e = schema.events
    seq = conn.execute(select(func.max(e.c.seq)).where(e.c.studio_id == studio_id)).scalar()
    return FeedPosition(seq or 0, waiting, waiting_from)
