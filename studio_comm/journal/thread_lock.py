"""The journal-wide lock on a thread's first POST: one desk at a time may create the thread.

A local thread has no Magicline id until the POST of its first message answered. A second
message into it meanwhile (the thread reached another desk through the feed, and a
colleague answers there) must wait for that answer and go in as a follow-up PUT, not POST
a second thread. Within one process `Messenger`'s per-thread asyncio lock does this;
between the desks of a shared PostgreSQL journal, this lock: `try_lock` while the thread
has no remote id, the POST, its outcome committed (with the remote id), `unlock`.

The lock is a PostgreSQL advisory lock held by a session, on a connection of its own in
autocommit, for as long as the POST is out:
- not a row lock or a transaction-level advisory lock: those live as long as a
  transaction, which would then stay open across an HTTP request of up to a minute,
  holding its snapshot back from vacuum, and which `idle_in_transaction_session_timeout`
  is there to kill;
- not a lease row with an expiry: the lease would have to outlast the longest POST (and
  be renewed while it runs), and a desk killed mid-POST would block the thread until it
  expired. A session lock ends with its session: a killed desk's lock is gone as soon as
  the server sees its connection close.
The price of the latter: a holder whose connection to the journal breaks while its POST
is out loses the lock then. Its answer cannot be recorded either (the message is "sent,
not recorded" at that desk until the journal is back), so a second desk sending into the
thread in that window finds no remote id and POSTs a second thread. That needs the
journal to fail and two desks to answer one member within the same seconds.

`try_lock` never waits (the caller polls without blocking its journal worker); the key
is (`advisory.THREAD_FIRST_POST`, thread id). On SQLite, one desk's journal, `try_lock`
always succeeds and holds nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from studio_comm.journal import advisory

log = logging.getLogger(__name__)

_LOCK = "SELECT pg_try_advisory_lock(%(class)s::int4, %(thread)s::int4)"
_UNLOCK = "SELECT pg_advisory_unlock(%(class)s::int4, %(thread)s::int4)"


@dataclass
class ThreadLock:
    """A held lock on one thread's first POST; give it back with `unlock`."""

    thread_id: int
    _conn: Connection | None = field(default=None, repr=False)


def _key(thread_id: int) -> dict[str, int]:
    return {"class": advisory.THREAD_FIRST_POST, "thread": advisory.key(thread_id)}


def try_lock(engine: Engine, thread_id: int) -> ThreadLock | None:
    """The lock on `thread_id`'s first POST, or None while another desk holds it."""
    if engine.dialect.name != "postgresql":
        return ThreadLock(thread_id)
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        if conn.exec_driver_sql(_LOCK, _key(thread_id)).scalar_one():
            return ThreadLock(thread_id, conn)
    except BaseException:
        conn.close()
        raise
    conn.close()
    return None


def unlock(lock: ThreadLock) -> None:
    """Give the lock back (a second call does nothing)."""
    conn, lock._conn = lock._conn, None
    if conn is None:
        return
    try:
        conn.exec_driver_sql(_UNLOCK, _key(lock.thread_id))
    except DBAPIError as exc:
        # The connection broke: the lock ended with its session already.
        log.info("the lock on thread %s ended with its connection (%s)", lock.thread_id, type(exc.orig).__name__)
        conn.invalidate()
    finally:
        conn.close()
