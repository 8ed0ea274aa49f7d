"""Desks together: this desk's presence for the others, and the others' at the open member.

`DeskPresence` follows what the conversation panel shows (`ConversationPanel.activity()`:
the member, the thread, whether the user is writing a reply) and tells it to the other
desks through the session's `core.presence.Presence`, whose heartbeat runs while the
session is connected (started with it, stopped and withdrawn when another studio is
connected or the app shuts down, `aclose()`). A report is written only when what the
others see changes.

The other desks at the open member are read again whenever the feed tells of a presence
change there (the hub's `deskChanged`), when another member is opened, and once live
updates are back after a pause; `othersChanged(customer_id, records)` hands them to the
member header ("Also open at Desk 2, Jens P.") and the thread list ("Jens P. is
writing…"). On a journal that is not shared (SQLite) there is nobody else: nothing is
written and the list stays empty.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio_comm.ui.events import events
from studio_comm.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from studio_comm.core.desk_events import DeskChange
    from studio_comm.core.session import StudioSession
    from studio_comm.journal.records import PresenceRecord
    from studio_comm.ui.conversation_panel import ConversationPanel

log = logging.getLogger(__name__)

OTHERS = "desks.others"  # the runner's key of the read of who else is at the open member


class DeskPresence(QObject):
    othersChanged = Signal(object, object)  # customer id, list of PresenceRecord (other desks)

    def __init__(self, tasks: TaskRunner, conversation: ConversationPanel, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("deskPresence")
        self.tasks = tasks
        self._conversation = conversation
        self._session: StudioSession | None = None
        self._told: tuple[int, int | None, bool] | None = None  # the activity last reported
        self._staff: str | None = None  # who was at the desk then
        conversation.activityChanged.connect(self._activity_changed)
        events().deskChanged.connect(self._desk_changed)
        events().liveResumed.connect(self._read_others)  # presence events may have been missed

    def set_session(self, session: StudioSession | None) -> None:
        """Be present in `session`'s studio (None: nowhere); the previous one is left."""
        if session is self._session:
            return
        old, self._session = self._session, session
        if old is not None and old.studio is not None:
            self.tasks.run(old.presence.stop())
        self._told = None
        if session is not None and session.studio is not None:
            session.presence.start()
            self._activity_changed()

    async def aclose(self) -> None:
        """Withdraw from the studio (the app is shutting down): the others see it at once."""
        session, self._session = self._session, None
        if session is not None and session.studio is not None:
            await session.presence.stop()

    def staff_changed(self) -> None:
        """Someone else is at the desk now: the others see the new name at once."""
        self._told = None
        self._activity_changed()

    def _activity_changed(self) -> None:
        session = self._session
        if session is None or session.studio is None:
            return
        activity = self._conversation.activity()
        if activity == self._told and session.staff == self._staff:
            return
        opened = activity is None or self._told is None or activity[0] != self._told[0]
        self._told, self._staff = activity, session.staff
        presence = session.presence
        if activity is None:
            self.tasks.run(presence.left())
        else:
            customer_id, thread_id, writing = activity
            self.tasks.run(presence.writing(customer_id, thread_id) if writing else presence.viewing(customer_id))
            if opened:
                self._read_others()

    def _desk_changed(self, change: DeskChange) -> None:
        if "presence" in change.views and self._told is not None and change.customer_id == self._told[0]:
            self._read_others()

    def _read_others(self) -> None:
        session, told = self._session, self._told
        if session is None or told is None:
            return
        customer_id = told[0]

        def shown(others: list[PresenceRecord]) -> None:
            if self._told is not None and self._told[0] == customer_id:
                self.othersChanged.emit(customer_id, others)

        def failed(exc: BaseException) -> None:
            from studio_comm.journal import JournalUnavailableError

            if not isinstance(exc, JournalUnavailableError):
                self.tasks.report(exc)
            # else: a courtesy, not worth a banner; the next presence event reads again

        self.tasks.refresh(OTHERS, lambda: session.presence.others(customer_id), on_result=shown, on_error=failed)
