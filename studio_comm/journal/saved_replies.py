"""Saved replies in the journal: the statements behind `Journal`'s saved-reply methods.

Each runs on the caller's connection (one transaction). Every desk on a shared journal
reads and writes the same rows, so two rules keep one desk from undoing another's work:
- a code is unique per studio (the table's constraint; an insert that meets it adds
  nothing), so `/kurs` means one reply at every desk;
- an edit names the revision it was made on, and is refused when the reply has a newer
  one (or is gone): the other desk's edit stays, and the user sees it.
An import merges a whole set in one transaction: all of it, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from studio_comm.journal import schema
from studio_comm.journal.records import SavedReplyRecord
from studio_comm.journal.schema import utc_now

_R = schema.saved_replies

# What a person writes of a reply; the rest the journal keeps itself.
FIELDS = ("name", "code", "category", "channel", "subject", "body")


class CodeTakenError(ValueError):
    """Another reply of the studio has this code."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"The studio already has a saved reply with the code /{code}.")


class StaleReplyError(RuntimeError):
    """The reply was edited or deleted since the revision an edit was made on."""

    def __init__(self, reply_id: int, current: SavedReplyRecord | None) -> None:
        self.reply_id = reply_id
        self.current = current  # None: deleted
        super().__init__(f"Saved reply {reply_id} was {'changed' if current else 'deleted'} meanwhile.")


def _record(row: Any) -> SavedReplyRecord | None:
    return None if row is None else SavedReplyRecord(**row._mapping)


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: values.get(name) for name in FIELDS}


def replies(conn: Connection, studio_id: int) -> list[SavedReplyRecord]:
    rows = conn.execute(select(_R).where(_R.c.studio_id == studio_id).order_by(_R.c.id))
    return [SavedReplyRecord(**row._mapping) for row in rows]


def reply(conn: Connection, reply_id: int) -> SavedReplyRecord | None:
    return _record(conn.execute(select(_R).where(_R.c.id == reply_id)).first())


def by_code(conn: Connection, studio_id: int, code: str) -> SavedReplyRecord | None:
    return _record(conn.execute(select(_R).where(_R.c.studio_id == studio_id, _R.c.code == code)).first())


def add(conn: Connection, studio_id: int, values: Mapping[str, Any], staff: str | None,
        workstation: str | None) -> SavedReplyRecord | None:
    """Insert the reply; None when the studio has a reply with its code already."""
    now = utc_now()
    row = {**_fields(values), "studio_id": studio_id, "usage_count": 0, "revision": 1,
           "created_by": staff, "created_workstation": workstation, "created_at": now,
           "updated_by": staff, "updated_workstation": workstation, "updated_at": now}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert = (dialect.insert(_R).values(row).on_conflict_do_nothing(index_elements=["studio_id", "code"])
              .returning(_R.c.id))
    inserted = conn.execute(insert).scalar()
    return None if inserted is None else reply(conn, inserted)


def update(conn: Connection, reply_id: int, revision: int, values: Mapping[str, Any], staff: str | None,
           workstation: str | None) -> SavedReplyRecord:
    """Replace what a person writes of the reply, if it is still at `revision`.

    Raises StaleReplyError (edited or deleted meanwhile) or CodeTakenError."""
    current = reply(conn, reply_id)
    if current is None or current.revision != revision:
        raise StaleReplyError(reply_id, current)
    fields = _fields(values)
    taken = by_code(conn, current.studio_id, fields["code"])
    if taken is not None and taken.id != reply_id:
        raise CodeTakenError(fields["code"])
    done = conn.execute(_R.update().where(_R.c.id == reply_id, _R.c.revision == revision).values(
        **fields, revision=revision + 1, updated_by=staff, updated_workstation=workstation, updated_at=utc_now()))
    if done.rowcount != 1:  # another desk's edit committed between the read and this update
        raise StaleReplyError(reply_id, reply(conn, reply_id))
    found = reply(conn, reply_id)
    assert found is not None  # updated in this transaction
    return found


def delete(conn: Connection, reply_id: int) -> bool:
    return conn.execute(_R.delete().where(_R.c.id == reply_id)).rowcount == 1


def count_use(conn: Connection, reply_id: int) -> bool:
    """One more use of the reply (in the database, so desks inserting at once all count)."""
    done = conn.execute(_R.update().where(_R.c.id == reply_id)
                        .values(usage_count=_R.c.usage_count + 1, last_used_at=utc_now()))
    return done.rowcount == 1


def merge(conn: Connection, studio_id: int, rows: Iterable[Mapping[str, Any]], staff: str | None,
          workstation: str | None) -> tuple[int, int, int]:
    """Take a set of replies in: a code the studio has gets the row's texts (its usage count
    stays), a new code a new reply. Returns (added, updated, unchanged)."""
    added = updated = unchanged = 0
    for values in rows:
        fields = _fields(values)
        current = by_code(conn, studio_id, fields["code"])
        if current is None:
            if add(conn, studio_id, fields, staff, workstation) is None:
                raise CodeTakenError(fields["code"])  # another desk added it just now: take nothing
            added += 1
        elif all(getattr(current, name) == fields[name] for name in FIELDS):
            unchanged += 1
        else:
            update(conn, current.id, current.revision, fields, staff, workstation)
            updated += 1
    return added, updated, unchanged


def add_if_none(conn: Connection, studio_id: int, rows: Iterable[Mapping[str, Any]], staff: str | None,
                workstation: str | None) -> int:
    """Add the replies when the studio has none at all (sample replies); how many were added."""
    if conn.execute(select(func.count()).select_from(_R).where(_R.c.studio_id == studio_id)).scalar_one():
        return 0
    return sum(add(conn, studio_id, values, staff, workstation) is not None for values in rows)
