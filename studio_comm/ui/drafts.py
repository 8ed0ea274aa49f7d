"""Unsent compose text, kept per member and thread in the journal: opening another member,
closing the window or a crash loses none of it.

A draft is this desk's (workstation's) text for one member and one thread (None: the
first message of a new thread). The keeper holds the drafts it has read or written in
memory, so that switching threads shows a draft at once, without a read to wait for;
memory is the truth for every draft touched in this run, the journal for the others.
It writes through the journal's worker thread: after a pause in typing (DEBOUNCE_MS),
and at once when the user leaves the member or thread, sends, or closes the window
(`flush`, `settle`). A write the journal does not take (a shared server that is away) is
tried again every RETRY_MS until it is; only the newest text of a draft is written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from studio_comm.core.session import StudioSession
    from studio_comm.journal.records import DraftRecord
    from studio_comm.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

DraftKey = tuple[int, int | None]  # (customer id, the journal's thread id, or None for a new thread)


@dataclass(frozen=True)
class DraftText:
    subject: str
    content: str
    fields: dict[str, Any] = field(default_factory=dict)  # the compose choices it was written with

    @property
    def empty(self) -> bool:
        return not (self.subject.strip() or self.content.strip())


def _text_of(record: DraftRecord) -> DraftText:
    return DraftText(record.subject, record.content, dict(record.fields))


class DraftKeeper(QObject):
    DEBOUNCE_MS = 600
    RETRY_MS = 3000

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self._session: StudioSession | None = None
        self._known: dict[DraftKey, DraftText | None] = {}  # None: no draft (discarded here)
        self._due: DraftKey | None = None  # edited, waiting for the pause in typing
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.DEBOUNCE_MS)
        self._debounce.timeout.connect(self.flush)
        # Writes under way and writes to try again, by what they write to.
        self._writing: set[asyncio.Future[Any]] = set()
        self._serial = 0
        self._latest: dict[tuple[StudioSession, DraftKey], int] = {}
        self._failed: dict[tuple[StudioSession, DraftKey], DraftText | None] = {}
        self._retry = QTimer(self)
        self._retry.setInterval(self.RETRY_MS)
        self._retry.timeout.connect(self._write_failed)

    # ---------------------------------------------------------------- reading

    def set_session(self, session: StudioSession | None) -> None:
        """Another studio (or none): what is due is written for the previous one first."""
        self.flush()
        self._session = session
        self._known.clear()

    async def read_member(self, customer_id: int) -> list[tuple[int | None, DraftText]]:
        """The member's drafts (thread id, text), the one edited last first. Memory wins over
        the journal for drafts written in this run; the result is remembered by `remember`."""
        session = self._session
        if session is None:
            return []
        records = await session.journal.drafts(session.studio_id, session.workstation)
        return [(r.thread_id, _text_of(r)) for r in records if r.customer_id == customer_id]

    def remember(self, customer_id: int, drafts: list[tuple[int | None, DraftText]]) -> None:
        """Take what `read_member` found, except for the drafts this run has touched."""
        for thread_id, text in drafts:
            self._known.setdefault((customer_id, thread_id), text)

    def get(self, key: DraftKey) -> DraftText | None:
        return self._known.get(key)

    # ---------------------------------------------------------------- writing

    def edited(self, key: DraftKey, text: DraftText) -> None:
        """The user changed the draft under `key`: written after a pause in typing."""
        if self._due is not None and self._due != key:
            self.flush()
        self._known[key] = None if text.empty else text
        self._due = key
        self._debounce.start()

    def put(self, key: DraftKey, text: DraftText | None) -> None:
        """Keep `text` (None or empty: no draft) under `key`, written now."""
        if self._due == key:
            self._debounce.stop()
            self._due = None
        else:
            self.flush()
        self._known[key] = None if text is None or text.empty else text
        self._write(key)

    def flush(self) -> None:
        """Write what waits for the pause in typing now."""
        self._debounce.stop()
        key, self._due = self._due, None
        if key is not None:
            self._write(key)

    @property
    def unsettled(self) -> bool:
        """Something is not in the journal yet: due, being written, or to be tried again."""
        return self._due is not None or bool(self._writing) or bool(self._failed)

    async def settle(self) -> bool:
        """Write everything now and wait for it; False when the journal did not take it all."""
        self.flush()
        self._write_failed()
        while self._writing:
            # wait(), not gather(): a caller that gives up must not cancel the writes.
            await asyncio.wait(list(self._writing))
        return not self._failed

    def _write(self, key: DraftKey) -> None:
        session = self._session
        if session is None:
            return
        target = (session, key)
        self._failed.pop(target, None)  # this write supersedes the one that failed
        self._send(target, self._known.get(key))

    def _send(self, target: tuple[StudioSession, DraftKey], text: DraftText | None) -> None:
        session, (customer_id, thread_id) = target
        self._serial += 1
        serial = self._latest[target] = self._serial
        journal, studio_id, workstation = session.journal, session.studio_id, session.workstation
        work: Coroutine[Any, Any, object]
        if text is None:
            work = journal.discard_draft(studio_id, customer_id, thread_id, workstation)
        else:
            work = journal.save_draft(studio_id, customer_id, thread_id, workstation, subject=text.subject,
                                      content=text.content, fields=text.fields)

        def failed(exc: BaseException) -> None:
            log.info("draft for customer %s not written yet (%s); trying again", customer_id, type(exc).__name__)
            if self._latest.get(target) == serial:  # no later write of it is under way
                self._failed[target] = text
                self._retry.start()

        def done(future: asyncio.Future[Any]) -> None:
            self._writing.discard(future)
            if self._latest.get(target) == serial and target not in self._failed:
                del self._latest[target]

        future = self.tasks.run(work, on_error=failed)
        self._writing.add(future)
        future.add_done_callback(done)

    def _write_failed(self) -> None:
        failed, self._failed = self._failed, {}
        if not failed:
            self._retry.stop()
        for target, text in failed.items():
            self._send(target, text)
