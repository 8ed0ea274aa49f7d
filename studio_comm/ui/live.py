"""The desk's live updates: the studio's event feed, heard on a thread of its own and told to
the app on the UI thread.

`LiveUpdates.set_session(session)` starts a `FeedListener` (core.live.listen) for the
connected studio and stops the one before (a studio switched, or disconnected). The
listener LISTENs before it catches up and reconnects with backoff by itself. Its callbacks
run on the listener's thread and only emit this object's signals, which Qt delivers on the
UI thread (queued: this object lives there), so no widget is ever touched from that thread.
There each batch, in feed order, is told on the app's hub (ui/events.py) by what each
event means (core.live.reaction; another desk's change as `deskChanged`, core.desk_events),
and every consent-change webhook is settled into the consent history
(core.live.ConsentHistory) on the window's runner. A batch or a state from a listener
already replaced is dropped; settling still under way for the previous studio is cancelled
(another desk, or the lease, settles what it left).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio_comm.api import errors
from studio_comm.ui.events import events
from studio_comm.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio_comm.core.session import StudioSession
    from studio_comm.journal.feed import FeedEvent
    from studio_comm.journal.listener import FeedListener

log = logging.getLogger(__name__)

STOPPED = "stopped"


class LiveUpdates(QObject):
    stateChanged = Signal(str)  # "connecting", "live", "reconnecting", "stopped"
    batchHandled = Signal(object)  # the batch (list of FeedEvent) just told on the hub
    eventSettled = Signal(object, str)  # (FeedEvent, core.live.Settled value) at this desk
    _heard = Signal(object, object)  # (listener token, batch), from the listener's thread
    _changed = Signal(object, str)  # (listener token, state), from the listener's thread

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("liveUpdates")
        self.tasks = tasks
        self.state = STOPPED
        self._session: StudioSession | None = None
        self._listener: FeedListener | None = None
        self._token: object | None = None
        self._settling: set[asyncio.Future] = set()
        self._heard.connect(self._arrived)
        self._changed.connect(self._state_changed)

    @property
    def listener(self) -> FeedListener | None:
        return self._listener

    def set_session(self, session: StudioSession | None) -> None:
        """Listen to `session`'s studio (None: to nothing)."""
        self._stop()
        self._session = session
        if session is None or session.studio is None:
            self._set_state(STOPPED)
            return
        from studio_comm.core.live import listen

        token = self._token = object()
        self._set_state("connecting")
        self._listener = listen(session.journal, session.studio_id,
                                lambda batch: self._heard.emit(token, batch),
                                lambda state: self._changed.emit(token, state),
                                name=f"studio-comm desk {session.history.holder}")

    async def aclose(self) -> None:
        """Stop listening and wait until the listener's thread has ended."""
        listener = self._detach()
        if listener is not None:
            await asyncio.to_thread(listener.stop)
        self._set_state(STOPPED)

    def _detach(self) -> FeedListener | None:
        listener, self._listener, self._token = self._listener, None, None
        for task in list(self._settling):
            task.cancel()
        return listener

    def _stop(self) -> None:
        listener = self._detach()
        if listener is not None:
            # Joining its thread may take a moment (a wait in progress): not on the UI thread.
            self.tasks.run(asyncio.to_thread(listener.stop))

    def _set_state(self, state: str) -> None:
        if state != self.state:
            resumed = self.state == "reconnecting" and state == "live"
            self.state = state
            self.stateChanged.emit(state)
            events().liveStateChanged.emit(state)
            if resumed:
                events().liveResumed.emit()

    def _state_changed(self, token: object, state: str) -> None:
        if token is self._token:
            self._set_state(state)

    def _arrived(self, token: object, batch: list[FeedEvent]) -> None:
        session = self._session
        if token is not self._token or session is None:
            return
        from studio_comm.core.desk_events import desk_change
        from studio_comm.core.live import UNAVAILABLE, Reaction, reaction, utc_now

        arrived_at = utc_now()
        hub = events()
        for event in batch:
            if (change := desk_change(event)) is not None:
                if not change.made_by(session.workstation):
                    hub.deskChanged.emit(change)
                continue
            what = reaction(event)
            if what is Reaction.PREFERENCES:
                if event.source == "webhook":  # first: it notes what was known before the re-reads below
                    task = self.tasks.run(session.history.settle(event, arrived_at),
                                          on_result=functools.partial(self._settled, event),
                                          on_error=self._settle_failed)
                    self._settling.add(task)
                    task.add_done_callback(self._settling.discard)
                hub.preferencesChangedOutside.emit(event.entity_id, event)
            elif what is Reaction.CUSTOMER:
                hub.customerChanged.emit(event.entity_id)
            elif what in UNAVAILABLE:
                hub.customerUnavailable.emit(event.entity_id, str(what))
        self.batchHandled.emit(batch)

    def _settled(self, event: FeedEvent, outcome: str) -> None:
        self.eventSettled.emit(event, str(outcome))

    def _settle_failed(self, exc: BaseException) -> None:
        from studio_comm.journal import JournalUnavailableError

        if isinstance(exc, (errors.ApiError, JournalUnavailableError)):
            # The claim runs out unsettled; another desk (or this one's next event) settles it.
            log.info("a consent change from a webhook was not settled: %s", type(exc).__name__)
            return
        self.tasks.report(exc)
