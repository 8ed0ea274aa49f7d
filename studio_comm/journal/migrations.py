"""Versioned schema migrations, applied in order when a journal is opened.

`schema_version` holds one row per applied step. Opening runs every missing step in one
transaction, so a journal is never left half-migrated. Two desks opening a fresh shared
PostgreSQL journal at once must not both migrate: the transaction first takes an advisory
lock (PostgreSQL) or the write lock (SQLite: the engine begins every write with BEGIN
IMMEDIATE), then reads the version.

A new schema version appends a step here; earlier steps never change, because journals in
the field were built by them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, func, select

from studio_comm.journal import schema
from studio_comm.journal.schema import utc_now

# Arbitrary constant: "studio-comm journal" as a 64-bit advisory lock key.
_PG_LOCK_KEY = 0x5354_5544_4A52_4E4C


class JournalVersionError(RuntimeError):
    """The journal was written by a newer studio-comm than this one."""

    def __init__(self, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            f"This journal was written by a newer version of studio-comm (schema {found}; "
            f"this version knows up to {known}). Update studio-comm on this computer before "
            "opening it; the journal was left unchanged."
        )


def _v1(conn: Connection) -> None:
    # Version 1 is the initial shape of these tables. A later change to them gets its own
    # step below (ALTER/CREATE), never an edit here.
    schema.metadata.create_all(
        conn,
        tables=[schema.profiles, schema.threads, schema.messages, schema.audit,
                schema.preference_cache],
    )


# Columns that hold what the server sends, bounded in version 1 (see schema.py).
_SERVER_STRINGS = (("messages", "trace_id"), ("audit", "trace_id"), ("threads", "status"),
                   ("preference_cache", "customer_number"), ("preference_cache", "status"))


def _v2_server_strings_unbounded(conn: Connection) -> None:
    # PostgreSQL refused a trace id over 200 characters (and so the journal write of a
    # message the server had answered). SQLite never enforced the lengths: nothing to do
    # there. From varchar to text PostgreSQL rewrites neither the table nor its indexes.
    if conn.dialect.name != "postgresql":
        return
    for table, column in _SERVER_STRINGS:
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT")


def _v3_drafts(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.drafts])


def _v4_event_feed(conn: Connection) -> None:
    # The studio's event feed (webhooks through the relay, desk events).
    schema.metadata.create_all(conn, tables=[schema.events])


def _v5_campaign_ledger(conn: Connection) -> None:
    # Campaigns, with the lease of the run that holds one, and their per-member ledger.
    schema.metadata.create_all(conn, tables=[schema.campaigns, schema.campaign_ledger])


def _v6_saved_replies(conn: Connection) -> None:
    # The studio's saved replies, shared by its desks.
    schema.metadata.create_all(conn, tables=[schema.saved_replies])


def _v7_event_settlements(conn: Connection) -> None:
    # Which desk settled an event (the consent history's "changed outside studio-comm"
    # entry, once per event), and a member's events found without reading the whole feed.
    schema.metadata.create_all(conn, tables=[schema.event_settlements])
    conn.exec_driver_sql("CREATE INDEX ix_events_entity ON events (studio_id, entity_id, seq)")


def _v8_desk_presence(conn: Connection) -> None:
    # Which member each desk has open and who is writing where (studio_comm.journal.presence).
    schema.metadata.create_all(conn, tables=[schema.presence])


MIGRATIONS: list[Callable[[Connection], None]] = [
    _v1,
    _v2_server_strings_unbounded,
    _v3_drafts,
    _v4_event_feed,
    _v5_campaign_ledger,
    _v6_saved_replies,
    _v7_event_settlements,
    _v8_desk_presence,
]  # step i brings the schema to i + 1


def current_version(conn: Connection) -> int:
    """The applied version; 0 for an empty database."""
    if not conn.dialect.has_table(conn, schema.schema_version.name):
        return 0
    return conn.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0


def migrate(conn: Connection, steps: list[Callable[[Connection], None]] | None = None) -> int:
    """Bring the schema up to date inside the caller's (write) transaction; return the version."""
    steps = MIGRATIONS if steps is None else steps
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
    schema.metadata.create_all(conn, tables=[schema.schema_version])
    version = current_version(conn)
    if version > len(steps):
        raise JournalVersionError(version, len(steps))
    for number, step in enumerate(steps[version:], start=version + 1):
        step(conn)
        conn.execute(schema.schema_version.insert().values(version=number, applied_at=utc_now()))
    return len(steps)
