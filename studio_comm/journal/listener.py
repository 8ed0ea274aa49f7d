"""A studio's event feed as it grows: `FeedListener` delivers new events to a callback.

It works where the app runs: its own thread with a blocking connection, not asyncio
(psycopg refuses async mode on Windows' Proactor loop, which qasync's loop is there).
- PostgreSQL: a dedicated connection in autocommit (an idle transaction while listening
  would keep the notification queue from being cleaned), named by `application_name`.
  It runs LISTEN first and then catches up from its position, so an event committed in
  between is read, never missed; then it waits with `notifies(timeout=...)` and reads
  after each notification for its studio.
- SQLite: no notifications; a dedicated connection polls `PRAGMA data_version`, which
  changes when any other connection (another process too) has committed.
When the connection drops it reconnects with backoff, LISTENs and catches up again: a
notification sent meanwhile is lost, the events are not (see studio_comm.journal.feed).

The callbacks run on the listener's thread: `on_events(list[FeedEvent])` with each batch
in seq order, `on_state(state)` on every change of `state` ("connecting", "live",
"reconnecting", "stopped"). A UI hands both to its own thread (a Qt signal). The position
moves past a batch once `on_events` returned, also when it raised (the error is logged;
the listener does not stop for it).
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from studio_comm.journal.feed import CHANNEL, FeedEvent, FeedPosition
from studio_comm.journal.store import Journal

log = logging.getLogger(__name__)

CONNECTING, LIVE, RECONNECTING, STOPPED = "connecting", "live", "reconnecting", "stopped"
_WAIT_S = 0.25  # longest blocking wait: how soon stop() is noticed
_SQLITE_POLL_S = 0.05
_BATCH = 1000


class FeedListener:
    """`FeedListener(journal, studio_id, on_events).start()` ... `.stop()`.

    `position`: where to start; None starts at the feed's end when first connected (only
    new events). `backoff`: first and longest wait between reconnection attempts, in s.
    """

    def __init__(self, journal: Journal, studio_id: int,
                 on_events: Callable[[list[FeedEvent]], object],
                 on_state: Callable[[str], object] | None = None, *,
                 position: FeedPosition | None = None,
                 application_name: str = "studio-comm feed",
                 backoff: tuple[float, float] = (0.5, 30.0)) -> None:
        self.journal = journal
        self.studio_id = studio_id
        self.application_name = application_name
        self._on_events = on_events
        self._on_state = on_state
        self._position = position
        self._backoff = backoff
        self._state = CONNECTING
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> str:
        return self._state

    @property
    def position(self) -> FeedPosition | None:
        """Everything before it was delivered (None until the first connection)."""
        return self._position

    def start(self) -> FeedListener:
        if self._thread is not None:
            raise RuntimeError("the listener was started already")
        self._thread = threading.Thread(target=self._run, name=f"feed-{self.studio_id}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and wait (at most `timeout`) until the thread has ended."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:
                log.exception("feed listener: the state callback failed")

    def _run(self) -> None:
        delay = self._backoff[0]
        while not self._stopping.is_set():
            try:
                with _open_waker(self.journal, self.application_name) as waker:
                    self._catch_up()
                    self._set_state(LIVE)
                    delay = self._backoff[0]
                    while not self._stopping.is_set():
                        if waker.wait(self.studio_id, _WAIT_S, self._stopping):
                            self._catch_up()
            except Exception as exc:  # the connection dropped, the server went away, ...
                if self._stopping.is_set():
                    break
                log.warning("feed listener for studio %s: %s: %s; reconnecting in %.1f s",
                            self.studio_id, type(exc).__name__, _first_line(exc), delay)
                self._set_state(RECONNECTING)
                # Jitter: desks that lost a restarting server must not all come back at once.
                self._stopping.wait(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self._backoff[1])
        self._set_state(STOPPED)

    def _catch_up(self) -> None:
        if self._position is None:
            self._position = self.journal.feed_end(self.studio_id)
        while not self._stopping.is_set():
            batch = self.journal.events_after(self.studio_id, self._position, limit=_BATCH)
            if batch.events:
                try:
                    self._on_events(batch.events)
                except Exception:
                    log.exception("feed listener: the events callback failed")
            self._position = batch.position
            if not batch.more:
                return


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def _open_waker(journal: Journal, application_name: str):
    if journal.engine.dialect.name == "postgresql":
        return _NotificationWaker(journal, application_name)
    return _DataVersionWaker(journal.engine.url.database or "")


class _NotificationWaker:
    """LISTEN on a dedicated psycopg connection; `wait` is True after a notification for
    the studio."""

    def __init__(self, journal: Journal, application_name: str) -> None:
        import psycopg

        engine = journal.engine
        _, params = engine.dialect.create_connect_args(engine.url)
        params.pop("context", None)  # SQLAlchemy's type adapters: not for this connection
        # A network cut otherwise leaves the wait blocked on a dead socket for many minutes.
        for name, value in (("keepalives", 1), ("keepalives_idle", 10), ("keepalives_interval", 5),
                            ("keepalives_count", 3), ("connect_timeout", 10)):
            params.setdefault(name, value)
        params["application_name"] = application_name
        self.conn = psycopg.connect(**params, autocommit=True)

    def __enter__(self) -> _NotificationWaker:
        try:
            self.conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            self.conn.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.conn.close()

    def wait(self, studio_id: int, timeout: float, stopping: threading.Event) -> bool:
        prefix = f"{studio_id}:"
        return any(n.payload.startswith(prefix) for n in self.conn.notifies(timeout=timeout, stop_after=1))


class _DataVersionWaker:
    """Polls PRAGMA data_version on a dedicated SQLite connection that never writes (its
    own commits would not change the number)."""

    def __init__(self, path: str) -> None:
        # mode=rw: never create a file where the journal should be.
        uri = Path(path).resolve().as_uri() + "?mode=rw"
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        self.version = self._version()

    def __enter__(self) -> _DataVersionWaker:
        return self

    def __exit__(self, *exc) -> None:
        self.conn.close()

    def _version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def wait(self, studio_id: int, timeout: float, stopping: threading.Event) -> bool:
        for _ in range(max(1, round(timeout / _SQLITE_POLL_S))):
            version = self._version()
            if version != self.version:
                self.version = version
                return True
            if stopping.wait(_SQLITE_POLL_S):
                return False
        return False
