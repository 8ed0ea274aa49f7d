"""The journal: studio-comm's own record of threads, messages, consent changes and caches.

The API cannot list threads nor tell who changed a consent, so these rows exist nowhere
else. Every write commits before its method returns; on SQLite the file runs in WAL mode
with synchronous=FULL, so a committed row survives `kill -9` and power loss.
A write another desk may be showing (threads, messages, audit entries, cached reads,
presence) appends its desk event to the studio's feed in the same transaction
(`studio_comm.journal.desk_events`).

A shared PostgreSQL journal takes its password the ways libpq offers (a .pgpass file,
PGPASSFILE, PGPASSWORD, PGSERVICE): psycopg leaves whatever the URL does not say to them.
A password in the URL itself works too, but every local user can read it in the process
list, so opening such a journal logs a warning (without the password).

Blocking: call it from a worker thread (see `AsyncJournal`), never from the UI thread.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from studio_comm.journal import campaigns, feed, presence, saved_replies, schema, thread_lock
from studio_comm.journal.campaigns import LeaseHolder
from studio_comm.journal.desk_events import DeskEvent, desk_event
from studio_comm.journal.feed import Appended, FeedBatch, FeedEvent, FeedPosition, NewEvent
from studio_comm.journal.migrations import migrate
from studio_comm.journal.records import (
    AuditEntry,
    CachedPreferences,
    CacheSummary,
    CampaignMember,
    CampaignRecord,
    Claim,
    CustomerExport,
    DraftRecord,
    MessageRecord,
    MessageState,
    PresenceRecord,
    ProfileRecord,
    SavedReplyRecord,
    ThreadRecord,
)
from studio_comm.journal.schema import utc_now
from studio_comm.journal.thread_lock import ThreadLock

log = logging.getLogger(__name__)

_BUSY_TIMEOUT_MS = 30_000  # another process holding the write lock: wait, do not fail


def _wal(cursor) -> None:
    # Switching a fresh file to WAL needs a moment of exclusive access; several desks (or
    # threads) opening it at once can be told "locked" right away, whatever busy_timeout says.
    for attempt in range(50):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.05)


def _sqlite_engine(url) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Transactions are begun explicitly below; pysqlite's own handling would defer them.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        _wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")  # fsync at every commit, WAL included
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writes take the write lock at BEGIN: a read-then-write transaction that had to
        # upgrade its lock later could fail with "database is locked" despite busy_timeout.
        read_only = conn.get_execution_options().get("journal_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _private_file(path: Path) -> None:
    # Member messages: a new journal is this user's only. SQLite gives its -wal and -shm
    # files the permissions of the database file.
    path.touch(mode=0o600, exist_ok=True)


def _engine(target: str | Path) -> Engine:
    text = str(target)
    if "://" not in text:
        path = Path(target).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(path)
        return _sqlite_engine(f"sqlite:///{path}")
    url = make_url(text)
    if url.get_backend_name() == "sqlite":
        if url.database not in (None, "", ":memory:") and not url.database.startswith("file:"):
            database = Path(url.database)
            if database.parent.is_dir():  # else SQLite says what is wrong, as before
                _private_file(database)
        return _sqlite_engine(url)
    if url_has_password(url):
        shown = url.difference_update_query(["password"])  # rendered with "***" for a password
        log.warning("The password of the journal %s is part of its URL, which every user of this computer "
                    "can see in the process list; keep it in a .pgpass file instead (or use PGPASSFILE "
                    "or PGSERVICE).", shown.render_as_string(hide_password=True))
    # A shared server may restart overnight; check a pooled connection before using it.
    return create_engine(url, pool_pre_ping=True)


class JournalUnavailableError(RuntimeError):
    """The journal's database cannot be reached (a shared server restarting, a dropped
    connection): nothing of this call was committed, or its commit was not confirmed."""


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        # The driver's first line says why (refused, timed out, no password supplied); it
        # names the host, never a password.
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise JournalUnavailableError(f"The journal's database cannot be reached: {reason}") from exc


def url_has_password(target: str | Path | URL) -> bool:
    """Whether a journal URL carries a password itself (user:password@, or ?password=)."""
    if isinstance(target, Path) or "://" not in str(target):
        return False
    url = target if isinstance(target, URL) else make_url(str(target))
    return bool(url.password) or "password" in url.query


def _record(cls, row) -> Any:
    return None if row is None else cls(**row._mapping)


def _records(cls, rows) -> list:
    return [cls(**row._mapping) for row in rows]


def _upsert(conn: Connection, table, keys: list[str]):
    """INSERT ... ON CONFLICT (keys) DO UPDATE every other column, for either dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=keys,
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
    )


class Journal:
    """Open with `Journal.open(path_or_url)`; close with `close()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, target: str | Path) -> Journal:
        """Open (and create or migrate) the journal at a SQLite path or an SQLAlchemy URL.

        Raises `JournalVersionError` when a newer studio-comm wrote it.
        """
        journal = cls(_engine(target))
        try:
            with journal._write() as conn:
                migrate(conn)
        except BaseException:
            journal.close()
            raise
        return journal

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with _reachable(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with _reachable(), self.engine.connect().execution_options(journal_read_only=True) as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A read whose statements all see one snapshot (PostgreSQL's default isolation
        gives each statement its own; a SQLite read transaction already has one)."""
        options: dict[str, Any] = {"journal_read_only": True}
        if self.engine.dialect.name == "postgresql":
            options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with _reachable(), self.engine.connect().execution_options(**options) as conn:
            with conn.begin():
                yield conn

    def ping(self) -> None:
        """Raise unless the journal answers a query (the relay's health check)."""
        with self._read() as conn:
            conn.exec_driver_sql("SELECT 1").scalar_one()

    # ------------------------------------------------------------------ profiles

    def save_profile(self, name: str, base_url: str, studio_id: int | None = None,
                     studio_name: str | None = None) -> ProfileRecord:
        """Insert or update a studio profile (never its API key)."""
        row: dict[str, Any] = dict(name=name, base_url=base_url, studio_id=studio_id, studio_name=studio_name,
                   updated_at=utc_now())
        with self._write() as conn:
            conn.execute(_upsert(conn, schema.profiles, ["name"]), row)
        return ProfileRecord(**row)

    def profiles(self) -> list[ProfileRecord]:
        with self._read() as conn:
            rows = conn.execute(select(schema.profiles).order_by(schema.profiles.c.name))
            return _records(ProfileRecord, rows)

    def profile(self, name: str) -> ProfileRecord | None:
        with self._read() as conn:
            rows = conn.execute(select(schema.profiles).where(schema.profiles.c.name == name))
            return _record(ProfileRecord, rows.first())

    # ------------------------------------------------------------------ threads

    def add_thread(self, studio_id: int, customer_id: int, subject: str, status: str,
                   category: str | None = None,
                   remote_thread_id: int | None = None, *, workstation: str | None = None) -> ThreadRecord:
        """A new local thread; its remote id follows once the first POST answered.
        `workstation`: the desk that starts it (named in its feed event)."""
        now = utc_now()
        row: dict[str, Any] = dict(studio_id=studio_id, customer_id=customer_id, remote_thread_id=remote_thread_id,
                   subject=subject, status=status, category=category, created_at=now,
                   updated_at=now)
        with self._write() as conn:
            result = conn.execute(schema.threads.insert().returning(schema.threads.c.id), row)
            thread = ThreadRecord(id=result.scalar_one(), **row)
            feed.append(conn, [desk_event(studio_id, DeskEvent.THREAD_CREATED, customer_id, thread=thread.id,
                                          status=status, workstation=workstation)])
            return thread

    def thread(self, thread_id: int) -> ThreadRecord | None:
        with self._read() as conn:
            return self._thread(conn, thread_id)

    @staticmethod
    def _thread(conn: Connection, thread_id: int) -> ThreadRecord | None:
        query = select(schema.threads).where(schema.threads.c.id == thread_id)
        return _record(ThreadRecord, conn.execute(query).first())

    def update_thread(self, thread_id: int, *, status: str | None = None,
                      remote_thread_id: int | None = None,
                      updated_at: datetime | None = None, workstation: str | None = None) -> ThreadRecord:
        """Set the status and/or remote id (None leaves a field alone); marks activity.
        `workstation`: the desk that changes it (named in its feed event)."""
        values: dict[str, Any] = {"updated_at": updated_at or utc_now()}
        if status is not None:
            values["status"] = status
        if remote_thread_id is not None:
            values["remote_thread_id"] = remote_thread_id
        with self._write() as conn:
            t = schema.threads
            if conn.execute(t.update().where(t.c.id == thread_id).values(values)).rowcount != 1:
                raise LookupError(f"There is no thread {thread_id} in the journal.")
            thread = _record(ThreadRecord, conn.execute(select(t).where(t.c.id == thread_id)).one())
            feed.append(conn, [desk_event(thread.studio_id, DeskEvent.THREAD_UPDATED, thread.customer_id,
                                          thread=thread.id, status=thread.status, workstation=workstation)])
            return thread

    def set_remote_thread_id(self, thread_id: int, remote_thread_id: int, *,
                             workstation: str | None = None) -> ThreadRecord:
        return self.update_thread(thread_id, remote_thread_id=remote_thread_id, workstation=workstation)

    def threads(self, studio_id: int, customer_id: int) -> list[ThreadRecord]:
        """The customer's threads in this studio, newest activity first."""
        t = schema.threads
        query = (select(t).where(t.c.studio_id == studio_id, t.c.customer_id == customer_id)
                 .order_by(t.c.updated_at.desc(), t.c.id.desc()))
        with self._read() as conn:
            return _records(ThreadRecord, conn.execute(query))

    def open_threads(self, studio_id: int, customer_id: int) -> list[ThreadRecord]:
        """Threads not CLOSED, newest activity first: offered before a new thread starts."""
        return [t for t in self.threads(studio_id, customer_id) if t.status != "CLOSED"]

    def try_lock_thread(self, thread_id: int) -> ThreadLock | None:
        """The journal-wide lock on a thread's first POST, None while another desk holds
        it; hold it until the POST's outcome is recorded (see `journal.thread_lock`)."""
        with _reachable():
            return thread_lock.try_lock(self.engine, thread_id)

    def unlock_thread(self, lock: ThreadLock) -> None:
        thread_lock.unlock(lock)

    # ------------------------------------------------------------------ messages

    def add_message(self, request_id: str, thread_id: int, direction: str, channel: str,
                    subject: str, content: str, *, category: str | None = None,
                    agent: str | None = None, communication_time: datetime | None = None,
                    thread_status: str | None = None, workstation: str | None = None,
                    staff: str | None = None, resend_of: str | None = None,
                    state: str = "pending") -> MessageRecord:
        """Write a message (committed on return: only then may its request leave).

        The thread's last activity moves to now in the same transaction.
        """
        _check_state(state)
        now = utc_now()
        with self._write() as conn:
            thread = self._thread(conn, thread_id)
            if thread is None:
                raise LookupError(f"There is no thread {thread_id} in the journal.")
            row: dict[str, Any] = dict(
                request_id=request_id, thread_id=thread_id, studio_id=thread.studio_id,
                customer_id=thread.customer_id, direction=direction, channel=channel,
                category=category, subject=subject, content=content, agent=agent,
                communication_time=communication_time, thread_status=thread_status,
                state=state, communication_id=None, error=None, http_status=None,
                trace_id=None, workstation=workstation, staff=staff, created_at=now,
                updated_at=now, resend_of=resend_of,
            )
            result = conn.execute(schema.messages.insert().returning(schema.messages.c.id), row)
            conn.execute(schema.threads.update().where(schema.threads.c.id == thread_id)
                         .values(updated_at=now))
            feed.append(conn, [desk_event(thread.studio_id, DeskEvent.MESSAGE_ADDED, thread.customer_id,
                                          thread=thread_id, request=request_id, state=state, workstation=workstation)])
            return MessageRecord(id=result.scalar_one(), **row)

    def mark_message(self, request_id: str, state: str, *, error: str | None = None,
                     http_status: int | None = None, trace_id: str | None = None,
                     communication_id: int | None = None, remote_thread_id: int | None = None,
                     thread_status: str | None = None) -> MessageRecord:
        """Record a pending message's outcome. Only `pending` messages change state: an
        outcome is final (a resend is a new message), so a late second outcome is refused
        with ValueError rather than overwriting the first.

        `remote_thread_id`/`thread_status`: what the answer said of the message's thread,
        written in the same transaction, so a crash cannot keep a message `sent` whose
        thread lost the id its follow-ups must go to."""
        _check_state(state)
        if state == "pending":
            raise ValueError("A message cannot go back to pending.")
        m = schema.messages
        values: dict[str, Any] = {"state": state, "updated_at": utc_now()}
        for name, value in (("error", error), ("http_status", http_status),
                            ("trace_id", trace_id), ("communication_id", communication_id)):
            if value is not None:
                values[name] = value
        with self._write() as conn:
            update = m.update().where(m.c.request_id == request_id, m.c.state == "pending")
            changed = conn.execute(update.values(values)).rowcount
            message = self._message(conn, request_id)
            if message is None:
                raise LookupError(f"There is no message {request_id} in the journal.")
            if not changed:
                raise ValueError(f"Message {request_id} is already {message.state}.")
            thread: dict[str, Any] = {"remote_thread_id": remote_thread_id, "status": thread_status}
            if any(v is not None for v in thread.values()):
                t = schema.threads
                conn.execute(t.update().where(t.c.id == message.thread_id).values(
                    updated_at=values["updated_at"], **{k: v for k, v in thread.items() if v is not None}))
            # The thread's new status, when the answer gave one, rides on the message's event.
            status = {"status": thread_status} if thread_status is not None else {}
            feed.append(conn, [desk_event(message.studio_id, DeskEvent.MESSAGE_STATE, message.customer_id,
                                          thread=message.thread_id, request=request_id, state=state,
                                          workstation=message.workstation, **status)])
            return message

    @staticmethod
    def _message(conn: Connection, request_id: str) -> MessageRecord | None:
        query = select(schema.messages).where(schema.messages.c.request_id == request_id)
        return _record(MessageRecord, conn.execute(query).first())

    def message(self, request_id: str) -> MessageRecord | None:
        with self._read() as conn:
            return self._message(conn, request_id)

    def messages(self, thread_id: int) -> list[MessageRecord]:
        """A thread's messages in the order they were written, oldest first."""
        m = schema.messages
        query = select(m).where(m.c.thread_id == thread_id).order_by(m.c.created_at, m.c.id)
        with self._read() as conn:
            return _records(MessageRecord, conn.execute(query))

    def resent_as(self, request_id: str) -> MessageRecord | None:
        """The message that sent this one again (the latest, if several), or None."""
        m = schema.messages
        query = select(m).where(m.c.resend_of == request_id).order_by(m.c.created_at.desc(), m.c.id.desc())
        with self._read() as conn:
            return _record(MessageRecord, conn.execute(query).first())

    def mark_stale_pending(self, workstation: str) -> int:
        """At start-up: this workstation's messages still `pending` from an earlier run
        (it died while they were out) become `unknown`, text intact. Returns how many.

        Only this workstation's: another desk sharing the journal may be sending now.
        """
        m = schema.messages
        update = (m.update().where(m.c.state == "pending", m.c.workstation == workstation)
                  .values(state="unknown", updated_at=utc_now())
                  .returning(m.c.studio_id, m.c.customer_id, m.c.thread_id, m.c.request_id))
        with self._write() as conn:
            changed = conn.execute(update).all()
            feed.append(conn, [desk_event(row.studio_id, DeskEvent.MESSAGE_STATE, row.customer_id, thread=row.thread_id,
                                          request=row.request_id, state=str(MessageState.UNKNOWN),
                                          workstation=workstation)
                               for row in changed])
            return len(changed)

    # ------------------------------------------------------------------ drafts

    def save_draft(self, studio_id: int, customer_id: int, thread_id: int | None, workstation: str, *,
                   subject: str, content: str, fields: Mapping[str, Any] | None = None) -> DraftRecord | None:
        """Keep this desk's unsent text for a member's thread (None: a new thread); an empty
        one is discarded. Returns what is kept."""
        if not subject.strip() and not content.strip():
            self.discard_draft(studio_id, customer_id, thread_id, workstation)
            return None
        row: dict[str, Any] = dict(studio_id=studio_id, customer_id=customer_id, thread_id=thread_id or 0,
                                   workstation=workstation, subject=subject, content=content,
                                   fields=dict(fields or {}), updated_at=utc_now())
        with self._write() as conn:
            conn.execute(_upsert(conn, schema.drafts, ["studio_id", "customer_id", "thread_id", "workstation"]),
                         row)
        return _draft(row)

    def draft(self, studio_id: int, customer_id: int, thread_id: int | None,
              workstation: str) -> DraftRecord | None:
        d = schema.drafts
        query = select(d).where(d.c.studio_id == studio_id, d.c.customer_id == customer_id,
                                d.c.thread_id == (thread_id or 0), d.c.workstation == workstation)
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _draft(dict(row._mapping))

    def drafts(self, studio_id: int, workstation: str) -> list[DraftRecord]:
        """This desk's unsent texts, newest first."""
        d = schema.drafts
        query = (select(d).where(d.c.studio_id == studio_id, d.c.workstation == workstation)
                 .order_by(d.c.updated_at.desc()))
        with self._read() as conn:
            return [_draft(dict(row._mapping)) for row in conn.execute(query)]

    def discard_draft(self, studio_id: int, customer_id: int, thread_id: int | None, workstation: str) -> None:
        d = schema.drafts
        with self._write() as conn:
            conn.execute(d.delete().where(d.c.studio_id == studio_id, d.c.customer_id == customer_id,
                                          d.c.thread_id == (thread_id or 0), d.c.workstation == workstation))

    # ------------------------------------------------------------------ audit

    def add_audit(self, action: str, *, request_id: str | None = None,
                  studio_id: int | None = None, customer_id: int | None = None,
                  staff: str | None = None, workstation: str | None = None,
                  before: Any = None, after: Any = None, intent: Any = None,
                  outcome: str | None = None, http_status: int | None = None,
                  trace_id: str | None = None) -> AuditEntry:
        """Append an audit entry; before/after/intent are JSON-serialisable values."""
        row = dict(request_id=request_id, action=action, studio_id=studio_id,
                   customer_id=customer_id, staff=staff, workstation=workstation, before=before,
                   after=after, intent=intent, outcome=outcome, http_status=http_status,
                   trace_id=trace_id)
        with self._write() as conn:
            return self._add_audit(conn, row)

    @staticmethod
    def _add_audit(conn: Connection, row: Mapping[str, Any]) -> AuditEntry:
        """Write an audit entry and, for a studio's entry, its feed event (a consent save's
        own kind: an open matrix re-reads on it)."""
        row = {**row, "created_at": utc_now()}
        result = conn.execute(schema.audit.insert().returning(schema.audit.c.id), row)
        entry = AuditEntry(id=result.scalar_one(), **row)
        if entry.studio_id is not None:
            kind = DeskEvent.PREFERENCES_SAVED if entry.action == "preferences" else DeskEvent.AUDIT_ADDED
            feed.append(conn, [desk_event(entry.studio_id, kind, entry.customer_id, audit=entry.id, action=entry.action,
                                          request=entry.request_id, outcome=entry.outcome,
                                          workstation=entry.workstation, staff=entry.staff)])
        return entry

    def audit(self, studio_id: int | None = None, *, customer_id: int | None = None,
              customer_ids: Iterable[int] | None = None, staff: str | None = None,
              action: str | None = None, since: datetime | None = None,
              until: datetime | None = None, limit: int | None = None) -> list[AuditEntry]:
        """Audit entries, newest first. `since` is inclusive, `until` exclusive; every
        filter left at None matches everything."""
        a = schema.audit
        query = select(a).order_by(a.c.created_at.desc(), a.c.id.desc())
        for column, value in ((a.c.studio_id, studio_id), (a.c.customer_id, customer_id),
                              (a.c.staff, staff), (a.c.action, action)):
            if value is not None:
                query = query.where(column == value)
        if customer_ids is not None:
            query = query.where(a.c.customer_id.in_(list(customer_ids)))
        if since is not None:
            query = query.where(a.c.created_at >= since)
        if until is not None:
            query = query.where(a.c.created_at < until)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return _records(AuditEntry, conn.execute(query))

    # ------------------------------------------------------------------ preference cache

    def cache_preferences(self, studio_id: int, entries: Iterable[Mapping[str, Any]], *,
                          workstation: str | None = None) -> int:
        """Insert or replace cached reads, all in one transaction; returns how many.

        Each entry: customer_id, read_at, and optionally customer_number, name, status,
        preferences (wire-format list, None when unread) and error. `workstation`: the
        desk that read them (named in each row's feed event).
        """
        rows = [
            dict(studio_id=studio_id, customer_id=e["customer_id"],
                 customer_number=e.get("customer_number"), name=e.get("name"),
                 status=e.get("status"), preferences=e.get("preferences"),
                 error=e.get("error"), read_at=e["read_at"])
            for e in entries
        ]
        if rows:
            with self._write() as conn:
                conn.execute(_upsert(conn, schema.preference_cache, ["studio_id", "customer_id"]),
                             rows)
                feed.append(conn, [desk_event(studio_id, DeskEvent.REVIEW_CACHED, row["customer_id"],
                                              workstation=workstation) for row in rows])
        return len(rows)

    def cached_preferences(self, studio_id: int, statuses: Iterable[str] | None = None,
                           older_than: datetime | None = None) -> list[CachedPreferences]:
        """Cached reads of a studio, by customer id; only these customer statuses when
        given, only reads made before `older_than` when given."""
        query = self._cache_query(studio_id, statuses, older_than)
        with self._read() as conn:
            return _records(CachedPreferences, conn.execute(query))

    def cached_customer(self, studio_id: int, customer_id: int) -> CachedPreferences | None:
        with self._read() as conn:
            return self._cached(conn, studio_id, customer_id)

    @staticmethod
    def _cached(conn: Connection, studio_id: int, customer_id: int) -> CachedPreferences | None:
        p = schema.preference_cache
        query = select(p).where(p.c.studio_id == studio_id, p.c.customer_id == customer_id)
        return _record(CachedPreferences, conn.execute(query).first())

    @staticmethod
    def _cache_query(studio_id, statuses, older_than):
        p = schema.preference_cache
        query = select(p).where(p.c.studio_id == studio_id).order_by(p.c.customer_id)
        if statuses is not None:
            query = query.where(p.c.status.in_(list(statuses)))
        if older_than is not None:
            query = query.where(p.c.read_at < older_than)
        return query

    def cache_summary(self, studio_id: int) -> CacheSummary:
        """How many cached reads a studio has (per customer status), the oldest and newest."""
        p = schema.preference_cache
        query = (select(p.c.status, func.count(), func.min(p.c.read_at), func.max(p.c.read_at))
                 .where(p.c.studio_id == studio_id).group_by(p.c.status))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return CacheSummary(
            count=sum(r[1] for r in rows),
            oldest=min((r[2] for r in rows), default=None),
            newest=max((r[3] for r in rows), default=None),
            by_status={r[0] or "": r[1] for r in rows},
        )

    # ------------------------------------------------------------------ event feed

    def append_events(self, events: Sequence[NewEvent]) -> list[Appended]:
        """Append events to their studios' feeds in one transaction (committed on return);
        a webhook event already stored (same studio, uuid and part) is not written again."""
        with self._write() as conn:
            return feed.append(conn, events)

    def events_after(self, studio_id: int, position: FeedPosition | None = None,
                     limit: int = 1000, *, entity_id: int | None = None,
                     types: Sequence[str] | None = None) -> FeedBatch:
        """The studio's events after `position` (default: the start), at most `limit` new
        ones, with the position to read from next (see studio_comm.journal.feed); only
        those about one entity (a customer) and of some types, when given."""
        with self._snapshot() as conn:
            return feed.read_after(conn, studio_id, position or FeedPosition(), limit,
                                   entity_id=entity_id, types=types)

    def feed_end(self, studio_id: int) -> FeedPosition:
        """The position after the studio's latest event: read from here to get only what
        comes next."""
        with self._snapshot() as conn:
            return feed.end(conn, studio_id)

    def entity_events(self, studio_id: int, entity_id: int, types: Sequence[str] | None = None,
                      limit: int = 100) -> list[FeedEvent]:
        """The studio's latest events about one customer (of these types), oldest first."""
        with self._read() as conn:
            return feed.of_entity(conn, studio_id, entity_id, types, limit)

    # ------------------------------------------------------------------ presence

    @property
    def shared(self) -> bool:
        """Whether several desks can use this journal at once (PostgreSQL): a SQLite file is
        one desk's."""
        return self.engine.dialect.name == "postgresql"

    def announce_presence(self, studio_id: int, workstation: str, customer_id: int, *, staff: str | None,
                          thread_id: int | None = None, activity: str = "viewing") -> PresenceRecord:
        """This desk is at a member now, `activity` "viewing" or "writing" (in `thread_id`,
        None for a new thread); its earlier member, if another, is left. By the database's
        clock (see `studio_comm.journal.presence`)."""
        with self._write() as conn:
            return presence.announce(conn, studio_id, workstation, staff, customer_id, thread_id, activity)

    def withdraw_presence(self, studio_id: int, workstation: str) -> bool:
        """This desk has no member open; False when it had announced none."""
        with self._write() as conn:
            return presence.withdraw(conn, studio_id, workstation)

    def presence_heartbeat(self, studio_id: int, workstation: str, expiry: float) -> bool:
        """Keep this desk's presence alive and delete every desk's presence older than
        `expiry` seconds; False when this desk has none (announce again)."""
        with self._write() as conn:
            return presence.heartbeat(conn, studio_id, workstation, expiry)

    def presence_at(self, studio_id: int, customer_id: int, *, exclude_workstation: str | None,
                    expiry: float) -> list[PresenceRecord]:
        """The other desks at a member, seen within `expiry` seconds, writing ones first."""
        with self._read() as conn:
            return presence.at_member(conn, studio_id, customer_id, exclude_workstation, expiry)

    # ------------------------------------------------------------------ campaigns

    def create_campaign(self, studio_id: int, name: str, *, category: str, channel: str,
                        statuses: list[str], subject: str, body: str, created_by: str | None,
                        workstation: str | None) -> tuple[CampaignRecord, bool]:
        """Create the campaign, or find the studio's campaign of that name (created False)."""
        values = dict(studio_id=studio_id, name=name, category=category, channel=channel,
                      statuses=list(statuses), subject=subject, body=body, created_by=created_by,
                      created_workstation=workstation)
        with self._write() as conn:
            return campaigns.create(conn, values)

    def campaign(self, campaign_id: int) -> CampaignRecord | None:
        with self._read() as conn:
            return campaigns.campaign(conn, campaign_id)

    def campaign_named(self, studio_id: int, name: str) -> CampaignRecord | None:
        with self._read() as conn:
            return campaigns.campaign_named(conn, studio_id, name)

    def campaigns(self, studio_id: int | None = None, *, name: str | None = None) -> list[CampaignRecord]:
        """Campaigns, newest first: of one studio, and/or of one name (every studio's)."""
        with self._read() as conn:
            return campaigns.campaigns(conn, studio_id, name)

    def add_campaign_members(self, campaign_id: int, members: Iterable[Mapping[str, Any]]) -> int:
        """Pending ledger rows for targeted members (customer_id, customer_number,
        first_name, last_name, customer_status); one already there stays as it is."""
        with self._write() as conn:
            return campaigns.add_members(conn, campaign_id, members)

    def mark_campaign_targeted(self, campaign_id: int) -> CampaignRecord:
        """Every targeted member has a ledger row now: the targets are fixed."""
        with self._write() as conn:
            return campaigns.mark_targeted(conn, campaign_id)

    def campaign_members(self, campaign_id: int, outcomes: Iterable[str] | None = None) -> list[CampaignMember]:
        """The ledger, by customer id; only these outcomes when given."""
        with self._read() as conn:
            return campaigns.members(conn, campaign_id, None if outcomes is None else list(outcomes))

    def campaign_counts(self, campaign_id: int) -> dict[str, int]:
        """Members per outcome (outcomes nobody has are left out)."""
        with self._read() as conn:
            return campaigns.counts(conn, campaign_id)

    def start_campaign_send(self, campaign_id: int, customer_id: int, request_id: str, workstation: str) -> bool:
        """Mark a pending member `sending` with the request id of its message (committed
        on return: only then may its requests leave). False when it was not pending."""
        with self._write() as conn:
            return campaigns.start_sending(conn, campaign_id, customer_id, request_id, workstation)

    def settle_campaign_member(self, campaign_id: int, customer_id: int, outcome: str, *,
                               request_id: str | None, detail: str | None = None,
                               http_status: int | None = None, thread_id: int | None = None,
                               remote_thread_id: int | None = None,
                               workstation: str | None = None) -> bool:
        """Record a member's outcome (see `campaigns.settle`)."""
        with self._write() as conn:
            return campaigns.settle(conn, campaign_id, customer_id, outcome, request_id=request_id,
                                    detail=detail, http_status=http_status, thread_id=thread_id,
                                    remote_thread_id=remote_thread_id, workstation=workstation)

    def campaign_leftovers(self, campaign_id: int) -> list[tuple[CampaignMember, MessageRecord | None]]:
        with self._read() as conn:
            return campaigns.leftovers(conn, campaign_id)

    def reopen_failed_campaign_members(self, campaign_id: int) -> int:
        with self._write() as conn:
            return campaigns.reopen_failed(conn, campaign_id)

    def acquire_campaign_lease(self, campaign_id: int, holder: LeaseHolder, ttl: float, *,
                               take_over: str | None = None) -> tuple[bool, CampaignRecord]:
        """Take the campaign's lease for `ttl` seconds (see `campaigns.acquire`)."""
        with self._write() as conn:
            return campaigns.acquire(conn, campaign_id, holder, ttl, take_over)

    def renew_campaign_lease(self, campaign_id: int, token: str, ttl: float) -> datetime | None:
        with self._write() as conn:
            return campaigns.renew(conn, campaign_id, token, ttl)

    def release_campaign_lease(self, campaign_id: int, token: str | None, *, status: str,
                               reason: str | None = None, reason_detail: str | None = None) -> bool:
        """End a run (see `campaigns.release`): the campaign takes `status`, the lease is free."""
        with self._write() as conn:
            return campaigns.release(conn, campaign_id, token, status, reason, reason_detail)

    # ------------------------------------------------------------------ saved replies

    def saved_replies(self, studio_id: int) -> list[SavedReplyRecord]:
        """The studio's saved replies, oldest first."""
        with self._read() as conn:
            return saved_replies.replies(conn, studio_id)

    def saved_reply(self, reply_id: int) -> SavedReplyRecord | None:
        with self._read() as conn:
            return saved_replies.reply(conn, reply_id)

    def saved_reply_by_code(self, studio_id: int, code: str) -> SavedReplyRecord | None:
        with self._read() as conn:
            return saved_replies.by_code(conn, studio_id, code)

    def add_saved_reply(self, studio_id: int, values: Mapping[str, Any], *, staff: str | None,
                        workstation: str | None) -> SavedReplyRecord:
        """A new reply (name, code, category, channel, subject, body); CodeTakenError when
        the studio has a reply with that code."""
        with self._write() as conn:
            found = saved_replies.add(conn, studio_id, values, staff, workstation)
        if found is None:
            raise saved_replies.CodeTakenError(values["code"])
        return found

    def update_saved_reply(self, reply_id: int, revision: int, values: Mapping[str, Any], *,
                           staff: str | None, workstation: str | None) -> SavedReplyRecord:
        """Edit a reply as read at `revision` (see `saved_replies.update`)."""
        try:
            with self._write() as conn:
                return saved_replies.update(conn, reply_id, revision, values, staff, workstation)
        except IntegrityError as exc:  # the code's constraint: another desk took it after the check
            raise saved_replies.CodeTakenError(values["code"]) from exc

    def delete_saved_reply(self, reply_id: int) -> bool:
        with self._write() as conn:
            return saved_replies.delete(conn, reply_id)

    def count_saved_reply_use(self, reply_id: int) -> bool:
        with self._write() as conn:
            return saved_replies.count_use(conn, reply_id)

    def merge_saved_replies(self, studio_id: int, rows: Sequence[Mapping[str, Any]], *, staff: str | None,
                            workstation: str | None) -> tuple[int, int, int]:
        """Take a set of replies in, by code, in one transaction: (added, updated, unchanged)."""
        with self._write() as conn:
            return saved_replies.merge(conn, studio_id, rows, staff, workstation)

    def add_saved_replies_if_none(self, studio_id: int, rows: Sequence[Mapping[str, Any]], *,
                                  staff: str | None, workstation: str | None) -> int:
        """Add these replies when the studio has none (the demo's samples); how many."""
        with self._write() as conn:
            return saved_replies.add_if_none(conn, studio_id, rows, staff, workstation)

    # ------------------------------------------------------------------ settling events

    def claim_event(self, studio_id: int, seq: int, holder: str, workstation: str | None = None, *,
                    lease: timedelta = timedelta(seconds=30)) -> Claim:
        """Claim the settling of feed event `seq` for `holder` (one run of one desk).

        MINE: this holder settles it (a first claim, its own claim again, or another's
        claim whose lease ran out unsettled); HELD: another holder's claim still runs;
        SETTLED: done already. Exactly one holder at a time gets MINE.
        """
        s = schema.event_settlements
        now = utc_now()
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        first = (dialect.insert(s).values(seq=seq, studio_id=studio_id, holder=holder, workstation=workstation,
                                           claimed_at=now)
                 .on_conflict_do_nothing(index_elements=["seq"]).returning(s.c.seq))
        with self._write() as conn:
            if conn.execute(first).first() is not None:
                return Claim.MINE
            row = conn.execute(select(s.c.holder, s.c.claimed_at, s.c.settled_at).where(s.c.seq == seq)).one()
            if row.settled_at is not None:
                return Claim.SETTLED
            if row.holder == holder:
                return Claim.MINE
            if row.claimed_at > now - lease:
                return Claim.HELD
            # Taken over only as it was read: of two desks taking over at once, one wins.
            taken = conn.execute(s.update().where(s.c.seq == seq, s.c.settled_at.is_(None),
                                                  s.c.holder == row.holder, s.c.claimed_at == row.claimed_at)
                                 .values(holder=holder, workstation=workstation, claimed_at=now)).rowcount
            return Claim.MINE if taken else Claim.HELD

    def settle_event(self, seq: int, holder: str, outcome: str, audit: Mapping[str, Any] | None = None) -> bool:
        """Settle event `seq` that `holder` has claimed, with `audit` (the keyword arguments
        of `add_audit`) written in the same transaction. False, and nothing written, when
        the claim is no longer this holder's or the event is settled already."""
        s = schema.event_settlements
        with self._write() as conn:
            settled = conn.execute(s.update().where(s.c.seq == seq, s.c.holder == holder, s.c.settled_at.is_(None))
                                   .values(settled_at=utc_now(), outcome=outcome)).rowcount
            if not settled:
                return False
            if audit is not None:
                entry = self._add_audit(conn, {name: None for name in _AUDIT_FIELDS} | dict(audit))
                conn.execute(s.update().where(s.c.seq == seq).values(audit_id=entry.id))
            return True

    # ------------------------------------------------------------------ data protection

    def customer_export(self, studio_id: int, customer_id: int) -> CustomerExport:
        """Everything held about one member, read in one consistent transaction."""
        t, m, a = schema.threads, schema.messages, schema.audit
        with self._read() as conn:
            threads = _records(ThreadRecord, conn.execute(
                select(t).where(t.c.studio_id == studio_id, t.c.customer_id == customer_id)
                .order_by(t.c.created_at, t.c.id)))
            messages = _records(MessageRecord, conn.execute(
                select(m).where(m.c.studio_id == studio_id, m.c.customer_id == customer_id)
                .order_by(m.c.created_at, m.c.id)))
            audit = _records(AuditEntry, conn.execute(
                select(a).where(a.c.studio_id == studio_id, a.c.customer_id == customer_id)
                .order_by(a.c.created_at.desc(), a.c.id.desc())))
            cached = self._cached(conn, studio_id, customer_id)
        return CustomerExport(studio_id, customer_id, cached, threads, messages, audit)


_AUDIT_FIELDS = ("request_id", "action", "studio_id", "customer_id", "staff", "workstation", "before", "after",
                 "intent", "outcome", "http_status", "trace_id")


def _draft(row: dict[str, Any]) -> DraftRecord:
    return DraftRecord(**{**row, "thread_id": row["thread_id"] or None, "fields": row["fields"] or {}})


def _check_state(state: str) -> None:
    if state not in set(MessageState):
        raise ValueError(f"Unknown message state {state!r}.")
