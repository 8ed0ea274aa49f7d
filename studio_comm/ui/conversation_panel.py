"""The member's conversation: threads, the selected thread's timeline, message detail, compose.

Everything goes through core's Messenger (session.messaging): the journal is the
timeline's source, because the API cannot list threads. A message shows as pending the
moment it is sent; failed and unknown ones say what happened in words and offer an
explicit, confirmed resend; one Magicline took while the journal was away shows as sent,
not recorded yet, is recorded on a timer once the journal answers, and is never offered
for a resend. Member and server text is shown as plain text only.

The compose text is a draft of the member and thread it was typed for (ui/drafts.py):
kept in the journal, back when they are opened again, and it follows the user to a thread
that has no draft of its own. A send settles its own message and draft even when another
member was opened meanwhile, and takes out of the compose area only what it sent.

Everything read for a member runs under a key of the window's runner; opening another
member drops the keys, so a late answer for the previous one never reaches the screen.

Other desks (the app's hub, `deskChanged`): their new threads, messages and states show in
the thread list and the open timeline without a click (re-read, coalesced: a burst costs
two reads; rows shown are updated in place, the selection stays on its message, and
follows a new last message only from the last one). Who writes in which thread at another
desk shows in the thread list (`set_presence`); what this desk shows and whether its user
is writing is `activity()`, told by `activityChanged` (ui/desks.py reports it). The Traffic
Cop: a follow-up into a thread that got messages from another desk since this desk's user
began the reply stops first and shows them (ui/traffic_cop.py); the reply stays unless the
user discards it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api import errors
from studio_comm.api.enums import Channel, Direction, MessageCategory, ThreadStatus
from studio_comm.journal.records import RESENDABLE, MessageState
from studio_comm.ui.compose import ComposeArea, fit_lines
from studio_comm.ui.drafts import DraftKeeper, DraftKey, DraftText
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.events import events
from studio_comm.ui.labels import category_label, channel_label, format_datetime, thread_status_label
from studio_comm.ui.models.thread_list_model import ThreadListModel
from studio_comm.ui.models.timeline_model import (
    SENT_UNRECORDED,
    PendingMessage,
    TimelineDelegate,
    TimelineModel,
    header_text,
    state_label,
)
from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.staff_prompt import ensure_staff
from studio_comm.ui.tasks import TaskRunner, ask
from studio_comm.ui.traffic_cop import TrafficCopDialog, thread_news_dialog

if TYPE_CHECKING:  # the window is built before the API models and core are imported
    from studio_comm.api.errors import ApiError
    from studio_comm.api.models import Customer
    from studio_comm.core.consent import Consent, Reason
    from studio_comm.core.desk_events import DeskChange
    from studio_comm.core.messaging import Draft, Messenger, SendResult
    from studio_comm.core.session import StudioSession
    from studio_comm.journal.records import MessageRecord, PresenceRecord, ThreadRecord

log = logging.getLogger(__name__)

# The runner's keys of what is read for the open member. A send has none: its answer
# always settles its own message and draft, whoever is open by then.
THREADS, TIMELINE, CONSENT = (f"conversation.{what}" for what in ("threads", "timeline", "consent"))
NUL = "\x00"
# Line breaks between a sent text and what was typed after it, dropped with the sent text.
_BREAKS = "\r\n\u2028\u2029"


class OpenThreadsDialog(QDialog):
    """Before a new thread: the member's open threads, to follow up in one instead."""

    FOLLOW_UP, NEW_THREAD = 2, 3

    def __init__(self, threads: list[ThreadRecord], parent: QWidget | None = None):
        super().__init__(parent)
        self._threads = list(threads)
        self.chosen: ThreadRecord | None = None  # the thread to follow up in, once the dialog is done
        self.setObjectName("openThreadsDialog")
        self.setAccessibleName(self.tr("Open threads of the member"))
        self.setWindowTitle(self.tr("Open threads"))
        intro = PlainLabel(self, "openThreadsIntro", self.tr("Explanation"))
        intro.setText(self.tr(
            "This member already has open threads. Follow up in one of them, "
            "or start a new thread if this is a different topic."))
        self.list = QListWidget(self)
        self.list.setObjectName("openThreadsList")
        self.list.setAccessibleName(self.tr("Open threads"))
        for thread in threads:
            text = " — ".join(p for p in (thread.subject or "", thread_status_label(thread.status),
                                          format_datetime(thread.last_activity)) if p)
            QListWidgetItem(text, self.list).setData(Qt.ItemDataRole.UserRole, thread.id)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(self)
        self.follow_up = buttons.addButton(
            self.tr("Follow up in selected thread"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.follow_up.setObjectName("followUpButton")
        self.new_thread = buttons.addButton(self.tr("Start a new thread"), QDialogButtonBox.ButtonRole.ActionRole)
        self.new_thread.setObjectName("startNewThreadButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.follow_up.clicked.connect(lambda: self.done(self.FOLLOW_UP))
        self.new_thread.clicked.connect(lambda: self.done(self.NEW_THREAD))
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _: self.done(self.FOLLOW_UP))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def done(self, code: int) -> None:
        row = self.list.currentRow()
        self.chosen = self._threads[row] if code == self.FOLLOW_UP and 0 <= row < len(self._threads) else None
        super().done(code)


class ConversationPanel(QWidget):
    RECORD_RETRY_MS = 2000  # how often to try again to record what Magicline accepted
    activityChanged = Signal()  # what `activity()` says changed

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conversationPanel")
        self.setAccessibleName(self.tr("Conversation"))
        self.tasks = tasks
        self._session: StudioSession | None = None
        self._customer: Customer | None = None
        self.drafts = DraftKeeper(tasks, self)
        self._draft_key: DraftKey | None = None  # whose draft the compose area shows (None: no member)
        self._sending: set[DraftKey] = set()  # one send per draft: a double click must not send twice
        self._asking = False  # the open-threads offer is being prepared or shown
        self._programmatic = 0  # > 0 while the panel itself moves the thread selection
        self.read_for: int | None = None  # the customer whose threads and drafts are read and shown
        self._timeline_of: int | None = None  # the thread whose messages the timeline shows
        # Per draft: the request ids the timeline showed when its reply began (None: not
        # shown yet, taken when the thread's timeline is), what the Traffic Cop compares with.
        self._began: dict[DraftKey, set[str] | None] = {}
        self._typed: DraftKey | None = None  # the draft the user typed into since it was shown
        self._activity: tuple[int, int | None, bool] | None = None  # as last told
        # Messengers holding messages Magicline accepted that the journal has not recorded.
        self._unrecorded: set[Messenger] = set()
        self._recording: set[Messenger] = set()  # an attempt to record is under way
        self._record_timer = QTimer(self)
        self._record_timer.setInterval(self.RECORD_RETRY_MS)
        self._record_timer.timeout.connect(self._record_outcomes)

        self.threads = ThreadListModel(self)
        self.thread_view = QTreeView(self)
        self.thread_view.setObjectName("threadList")
        self.thread_view.setAccessibleName(self.tr("Threads"))
        self.thread_view.setModel(self.threads)
        self.thread_view.setRootIsDecorated(False)
        self.thread_view.setUniformRowHeights(True)
        self.thread_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.thread_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.thread_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths from the font, not ResizeToContents: no pass over all rows per paint.
        fm = self.thread_view.fontMetrics()
        header.resizeSection(1, fm.horizontalAdvance(thread_status_label(ThreadStatus.ONGOING)) + 24)
        header.resizeSection(2, fm.horizontalAdvance(format_datetime(datetime(2026, 12, 28, 22, 58))) + 24)
        self.thread_view.selectionModel().currentRowChanged.connect(self._thread_changed)

        self.timeline = TimelineModel(self)
        self.timeline_view = QListView(self)
        self.timeline_view.setObjectName("timelineView")
        self.timeline_view.setAccessibleName(self.tr("Messages of the thread"))
        self.timeline_view.setModel(self.timeline)
        self.timeline_view.setItemDelegate(TimelineDelegate(self.timeline_view))
        self.timeline_view.setUniformItemSizes(True)
        self.timeline_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Two whole messages stay visible however the splitters are dragged or the window
        # is scaled: a row cut in half reads as a different message.
        self.timeline_view.setMinimumHeight(
            2 * TimelineDelegate.row_height(self.timeline_view.font()) + 2 * self.timeline_view.frameWidth())
        self.timeline_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.timeline.dataChanged.connect(lambda *_: self._show_detail())

        # Detail of the selected message: the full text, what happened, resend.
        self.detail_header = PlainLabel(self, "messageDetailHeader", self.tr("Message details"))
        self.detail_state = PlainLabel(self, "messageStateText", self.tr("What happened to the message"))
        self.detail_text = QPlainTextEdit(self)
        self.detail_text.setObjectName("messageDetail")
        self.detail_text.setAccessibleName(self.tr("Full message text"))
        self.detail_text.setReadOnly(True)
        fit_lines(self.detail_text, 2)
        self.resend_button = QPushButton(self.tr("Resend…"), self)
        self.resend_button.setObjectName("resendButton")
        self.resend_button.setAccessibleName(self.tr("Resend this message"))
        self.resend_button.clicked.connect(self._resend_clicked)
        self.copy_button = QPushButton(self.tr("Copy to compose"), self)
        self.copy_button.setObjectName("copyToComposeButton")
        self.copy_button.setAccessibleName(self.tr("Copy this message into the compose area"))
        self.copy_button.clicked.connect(self._copy_to_compose)

        self.compose = ComposeArea(self)
        self.compose.edited.connect(self._compose_edited)
        self.compose.sendRequested.connect(self._send_clicked)
        self.compose.newThreadRequested.connect(self._new_thread_clicked)
        self.compose.consentContextChanged.connect(self.refresh_consent)
        # A channel switched off in the matrix is blocked here at once.
        events().preferencesChanged.connect(self._preferences_changed)
        # A member deleted or locked in Magicline (a webhook said so) can be sent nothing.
        self._unavailable: dict[int, str] = {}
        events().customerUnavailable.connect(self._customer_unavailable)
        events().deskChanged.connect(self._desk_changed)
        events().messagesChanged.connect(self._messages_changed)  # also sends of this desk's other windows
        events().liveResumed.connect(self._live_resumed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.compose.send_button.click)
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)  # also from the search pane
        shortcut.activated.connect(self.compose.new_thread_button.click)

        detail = QWidget(self)
        detail_top = QHBoxLayout()
        detail_top.addWidget(self.detail_header, 1)
        detail_top.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        detail_top.addWidget(self.resend_button, 0, Qt.AlignmentFlag.AlignTop)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(detail_top)
        detail_layout.addWidget(self.detail_state)  # the full width: it can be a long sentence
        detail_layout.addWidget(self.detail_text, 1)

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.timeline_view)
        right.addWidget(detail)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setChildrenCollapsible(False)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.thread_view)
        top.addWidget(right)
        top.setStretchFactor(1, 2)
        self.thread_view.setMinimumWidth(fm.horizontalAdvance("M") * 14)
        top.setSizes([340, 660])
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("conversationSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.compose)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._show_detail()
        self._update_enabled()

    # ---------------------------------------------------------------- public

    def set_session(self, session: StudioSession | None) -> None:
        self.set_customer(None)
        self.drafts.set_session(session)
        self._session = session

    def set_customer(self, customer: Customer | None) -> None:
        self.tasks.drop(THREADS, TIMELINE, CONSENT)  # their answers are for the previous member
        self.drafts.flush()  # the previous member's text is their draft now
        self._customer = customer
        self.read_for = None
        self._timeline_of = None
        self._began.clear()
        self._typed = None
        # No thread is selected until the member's threads are read: a new thread's draft.
        self._draft_key = (customer.id, None) if customer is not None else None
        with self._selecting():
            self.threads.set_threads([])
            self.threads.set_writing({})
        self.timeline.set_messages([])
        self.compose.clear_text()
        self.compose.show_notice("")
        self._update_enabled()
        if customer is not None and self._session is not None:
            self._load_member(customer)
            self.refresh_consent()

    @property
    def unsettled(self) -> bool:
        """Something typed or sent is not in the journal yet (closing must wait for it)."""
        return self.drafts.unsettled or any(m.unrecorded for m in self._unrecorded)

    async def keep_for_close(self) -> list[str]:
        """Write drafts and unrecorded outcomes now; what could not be kept, in sentences."""
        from studio_comm.journal import JournalUnavailableError

        problems = []
        if not await self.drafts.settle():
            problems.append(self.tr("Text you have not sent could not be kept in the journal."))
        for messenger in list(self._unrecorded):
            with contextlib.suppress(JournalUnavailableError):
                await messenger.record_outcomes()
        if count := sum(len(m.unrecorded) for m in self._unrecorded):
            problems.append(self.tr(
                "%n sent message(s) could not be recorded in the journal: the next start shows them as "
                "outcome unknown, although Magicline has them.", "", count))
        return problems

    def activity(self) -> tuple[int, int | None, bool] | None:
        """(member, thread or None for a new one, whether the user is writing a reply there)
        of what this desk shows; None without a member."""
        if self._draft_key is None:
            return None
        customer_id, thread_id = self._draft_key
        return customer_id, thread_id, self._typed == self._draft_key and self.compose.has_text()

    def _tell_activity(self) -> None:
        if (now := self.activity()) != self._activity:
            self._activity = now
            self.activityChanged.emit()

    def set_presence(self, customer_id: int, others: list[PresenceRecord]) -> None:
        """Who is at the open member at other desks (ui/desks.py): the writers in the thread list."""
        if self._customer is None or self._customer.id != customer_id:
            return
        writing: dict[int, list[str]] = {}
        for record in others:
            if record.activity == "writing" and record.thread_id is not None:
                writing.setdefault(record.thread_id, []).append(record.staff or record.workstation)
        self.threads.set_writing(writing)

    @property
    def draft_key(self) -> DraftKey | None:
        """(customer id, thread id or None for a new thread): whose draft the compose area shows."""
        return self._draft_key

    def selected_thread(self) -> ThreadRecord | None:
        index = self.thread_view.selectionModel().currentIndex()
        return self.threads.thread(index.row()) if index.isValid() else None

    # ---------------------------------------------------------------- loading

    @property
    def _messenger(self) -> Messenger:
        if self._session is None:
            raise RuntimeError("No studio is connected.")
        return self._session.messaging

    def _load_member(self, customer: Customer) -> None:
        """The member's threads and this desk's drafts for them; the thread of the draft
        edited last is selected and its text shown, else the latest conversation."""
        async def read() -> tuple[list[ThreadRecord], list[tuple[int | None, DraftText]]]:
            threads, drafts = await asyncio.gather(self._messenger.threads(customer.id),
                                                   self.drafts.read_member(customer.id))
            return threads, drafts

        def loaded(result: tuple[list[ThreadRecord], list[tuple[int | None, DraftText]]]) -> None:
            threads, drafts = result
            self.drafts.remember(customer.id, drafts)
            listed = {thread.id for thread in threads}
            drafted = next((thread_id for thread_id, _ in drafts if thread_id is None or thread_id in listed), -1)
            select_id = drafted if drafted != -1 else (threads[0].id if threads else None)
            self._threads_loaded(threads, select_id)
            self.read_for = customer.id
            if self.compose.has_text() or self._draft_key in self._sending:
                self._switch_draft(select_id)  # typed, or even sent, before the read came back
            else:
                self._draft_key = (customer.id, select_id)
                if (waiting := self.drafts.get(self._draft_key)) is not None:
                    self._show_draft(waiting)
            self._update_enabled()

        self.tasks.run(read(), on_result=loaded, key=THREADS)

    def _reload_threads(self, select_id: int | None = None) -> None:
        """Re-read the threads, keeping (or moving to) a selection."""
        keep = select_id
        if keep is None and (current := self.selected_thread()) is not None:
            keep = current.id
        if self._customer is None:
            return
        self.tasks.run(self._messenger.threads(self._customer.id),
                       on_result=lambda t: self._threads_loaded(t, keep), key=THREADS)

    def _threads_loaded(self, threads: list[ThreadRecord], select_id: int | None) -> None:
        with self._selecting():
            self.threads.set_threads(threads)
            row = self.threads.row_of(select_id) if select_id is not None else -1
            if row >= 0:
                index = self.threads.index(row, 0)
                self.thread_view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            else:
                self.timeline.set_messages([])
                self._thread_selected(None)
        self._tell_activity()

    @contextlib.contextmanager
    def _selecting(self) -> Iterator[None]:
        """The panel moves the selection: the compose text stays where it is."""
        self._programmatic += 1
        try:
            yield
        finally:
            self._programmatic -= 1

    def _thread_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        thread = self.threads.thread(current.row()) if current.isValid() else None
        if not self._programmatic:
            self._switch_draft(thread.id if thread is not None else None)
        self._thread_selected(thread)

    def _thread_selected(self, thread: ThreadRecord | None) -> None:
        self._update_enabled()
        if thread is not None:
            self._load_timeline(thread.id)  # supersedes the load of the thread selected before
        else:
            self.tasks.drop(TIMELINE)
            self._timeline_of = None

    def _load_timeline(self, thread_local_id: int, select_request_id: str | None = None) -> None:
        self.tasks.run(self._messenger.timeline(thread_local_id), key=TIMELINE,
                       on_result=lambda messages: self._show_timeline(thread_local_id, messages, select_request_id))

    def _show_timeline(self, thread_id: int, messages: list[MessageRecord], select_request_id: str | None) -> None:
        """The thread's messages as just read; the selection stays on its message unless
        `select_request_id` names one, or it was on the last one (it follows to the new last)."""
        current = self._current_message()
        last = self.timeline.rowCount() - 1
        again = self._timeline_of == thread_id
        unrecorded = {m.request_id for messenger in self._unrecorded for m in messenger.unrecorded}
        if unrecorded:  # Magicline has them; the journal still says pending
            messages = [replace(m, state=SENT_UNRECORDED) if m.request_id in unrecorded else m for m in messages]
        if again:
            self.timeline.merge(messages)  # this desk's sends still out keep their rows
        else:
            self.timeline.set_messages(messages)
        self._timeline_of = thread_id
        key = (self._customer.id, thread_id) if self._customer is not None else None
        if key is not None and key in self._began and self._began[key] is None:
            self._began[key] = {m.request_id for m in messages}  # the reply began before this read
        row = self.timeline.row_of(select_request_id) if select_request_id else -1
        if row < 0 and again and current is not None and self.timeline_view.currentIndex().row() != last:
            row = self.timeline.row_of(current.request_id)
        self._select_message(row if row >= 0 else self.timeline.rowCount() - 1)

    # ---------------------------------------------------------------- other desks

    def _desk_changed(self, change: DeskChange) -> None:
        """Another desk changed the open member's threads or messages: read them again."""
        customer = self._customer
        if customer is None or change.customer_id != customer.id or self.read_for != customer.id:
            return
        if "threads" in change.views:  # core.desk_events.View, a StrEnum
            self._threads_again()
        thread = self.selected_thread()
        if "timeline" in change.views and thread is not None and change.thread_id == thread.id:
            self._timeline_again()

    def _messages_changed(self, customer_id: int) -> None:
        if self._customer is not None and self._customer.id == customer_id and self.read_for == customer_id:
            self._threads_again()
            self._timeline_again()

    def _live_resumed(self) -> None:
        """Back after a pause: what other desks did meanwhile may never have been told."""
        if self._customer is not None and self.read_for == self._customer.id:
            self._threads_again()
            self._timeline_again()

    def _threads_again(self) -> None:
        customer = self._customer
        if customer is not None:
            self.tasks.refresh(THREADS, lambda: self._messenger.threads(customer.id), on_result=self._show_threads,
                               on_error=self._not_read_again)

    def _show_threads(self, threads: list[ThreadRecord]) -> None:
        current = self.selected_thread()
        self._threads_loaded(threads, current.id if current is not None else None)

    def _timeline_again(self) -> None:
        async def read() -> tuple[int, list[MessageRecord]] | None:
            thread = self.selected_thread()  # the one selected when this read starts
            return None if thread is None else (thread.id, await self._messenger.timeline(thread.id))

        def shown(result: tuple[int, list[MessageRecord]] | None) -> None:
            current = self.selected_thread()
            if result is not None and current is not None and current.id == result[0]:
                self._show_timeline(result[0], result[1], None)

        self.tasks.refresh(TIMELINE, read, on_result=shown, on_error=self._not_read_again)

    def _not_read_again(self, exc: BaseException) -> None:
        """A re-read for what changed elsewhere failed: what is shown stays, the next change
        (or the live updates' return) reads again; a journal away is said by the status bar."""
        from studio_comm.journal import JournalUnavailableError

        if not isinstance(exc, JournalUnavailableError):
            self.tasks.report(exc)

    def _select_message(self, row: int) -> None:
        if row < 0:
            self._show_detail()
            return
        index = self.timeline.index(row, 0)
        self.timeline_view.setCurrentIndex(index)
        self.timeline_view.scrollTo(index)

    # ---------------------------------------------------------------- consent

    def _preferences_changed(self, customer_id: int) -> None:
        if self._customer is not None and self._customer.id == customer_id:
            self.refresh_consent()

    def refresh_consent(self) -> None:
        """Re-read the member's consent for the chosen category (e.g. after preferences changed).

        Called whenever the direction or category changes, so the newest read (its key)
        is always the one for the current choice."""
        if self._customer is None or self._session is None:
            return
        if self.compose.selected_direction() != Direction.OUTGOING:
            self.tasks.drop(CONSENT)
            self.compose.set_consent(None)
            return
        category = self.compose.selected_category()

        def loaded(consents: dict[Channel, Consent]) -> None:
            self.compose.set_consent({
                str(getattr(channel, "value", channel)): self._blocked_reason(consent.reason, channel, category)
                for channel, consent in consents.items() if not consent.allowed
            })

        def failed(exc: BaseException) -> None:
            self.compose.show_notice(
                self.tr("Could not read the member's consent: {error}").format(error=ErrorBanner.describe(exc))
            )

        self.tasks.run(self._messenger.consent(self._customer.id, category), on_result=loaded, on_error=failed,
                       key=CONSENT)

    def _blocked_reason(self, reason: Reason | None, channel: Channel | str,
                        category: MessageCategory | str | None) -> str:
        values = {"channel": channel_label(channel), "category": category_label(category)}
        if reason == "absent":
            return self.tr("{channel} is not offered for {category} messages to this member.").format(**values)
        return self.tr("The member has not agreed to {category} messages by {channel}.").format(**values)

    # ---------------------------------------------------------------- drafts

    def _compose_text(self) -> DraftText:
        subject, body = self.compose.text()
        return DraftText(subject, body, self.compose.fields())

    def _compose_edited(self) -> None:
        key = self._draft_key
        if key is not None:
            self.drafts.edited(key, self._compose_text())
            self._typed = key
            if not self.compose.has_text():
                self._began.pop(key, None)  # cleared: the next text is a new reply
            elif key not in self._began:
                self._began[key] = self._shown_ids(key)
        self._tell_activity()

    def _shown_ids(self, key: DraftKey) -> set[str] | None:
        """The messages the timeline shows of the key's thread (None: it does not show them yet)."""
        if key[1] is None or self._timeline_of != key[1]:
            return None
        return {m.request_id for m in self.timeline.messages()}

    def _show_draft(self, text: DraftText) -> None:
        self.compose.set_fields(text.fields)
        self.compose.set_text(text.subject, text.content)
        self.compose.show_notice(self.tr("Your unsent text is back."))
        if self._draft_key is not None and self._draft_key not in self._began:
            self._began[self._draft_key] = self._shown_ids(self._draft_key)  # shown with what is there now

    def _switch_draft(self, thread_id: int | None) -> None:
        """The user chose another thread: its own draft, or the text typed so far, goes with it."""
        if self._draft_key is None or self._customer is None:
            return
        old, key = self._draft_key, (self._customer.id, thread_id)
        if key == old:
            return
        self.drafts.flush()
        self._draft_key = key
        if (waiting := self.drafts.get(key)) is not None:
            self._show_draft(waiting)  # what was typed for the other thread stays its draft
        elif old in self._sending:
            self.compose.clear_text()  # that text is on its way into the other thread
        elif self.compose.has_text():
            text = self._compose_text()
            self.drafts.put(old, None)
            self.drafts.put(key, text)
            self._typed = key if self._typed == old else self._typed
            self._began.pop(old, None)
            self._began[key] = self._shown_ids(key)
        self._update_enabled()

    def _settle_draft(self, key: DraftKey, draft: Draft, sent: bool, thread_after: int | None) -> None:
        """After a send: what it sent leaves the draft; the draft belongs to the thread the
        message went into (a new thread now has an id)."""
        if key != self._draft_key:  # not on screen: only its draft changes
            if sent and (kept := self.drafts.get(key)) is not None:
                self.drafts.put(key, _left_after(kept, draft))
            return
        text = self._compose_text()
        left = _left_after(text, draft) if sent else text
        if left != text:
            self.compose.set_text(left.subject, left.content)
        moved = (key[0], thread_after)
        waiting = self.drafts.get(moved) if moved != key else None
        if moved == key or waiting is not None:
            self.drafts.put(key, left)
        else:
            self.drafts.put(key, None)
            self.drafts.put(moved, left)
        self._draft_key = moved
        if sent:
            self._began.pop(key, None)  # what is left, or typed next, is the next reply
            if left.empty:
                self._typed = None
        if waiting is not None:
            self._show_draft(waiting)
        self._tell_activity()

    # ---------------------------------------------------------------- sending

    def _send_clicked(self) -> None:
        if self._draft_key in self._sending or self._asking:
            return
        thread = self.selected_thread()
        if thread is None:
            self._new_thread_clicked()  # nothing to follow up in: a send starts the first thread
            return
        self.tasks.run(self._follow_up_flow(thread))

    async def _follow_up_flow(self, thread: ThreadRecord) -> None:
        customer, key = self._customer, self._draft_key
        if not await self._staff_named() or self._customer is not customer or key is None:
            return
        if not self._check_input(new_thread=False):
            return
        self._asking = True
        self._update_enabled()
        try:
            go = await self._traffic_cop(thread, key)
        finally:
            self._asking = False
            self._update_enabled()
        if go and self._customer is customer and self._draft_key == key:
            self._start_send(thread)

    async def _traffic_cop(self, thread: ThreadRecord, key: DraftKey) -> bool:
        """Whether to send: yes unless other desks wrote in the thread since the reply
        began here and the user, shown what they wrote, edits or discards instead."""
        from studio_comm.journal import JournalUnavailableError

        session = self._session
        if session is None:
            return False
        began = self._began.get(key) or self._shown_ids(key) or set()
        try:
            news = await session.traffic_cop.thread_news(thread.id, began)
        except JournalUnavailableError:
            return True  # the send says what the journal's absence means
        if not news:
            return True
        if self._draft_key != key:
            return False
        answer = await ask(thread_news_dialog(news, self))
        seen = began | {m.request_id for m in news}
        if self._draft_key != key:
            return False  # another member or thread meanwhile: nothing goes anywhere
        if answer == TrafficCopDialog.SEND:
            self._began[key] = seen
            return True
        if answer == TrafficCopDialog.DISCARD:
            self.compose.clear_text()
            self.drafts.put(key, None)
            self._began.pop(key, None)
            self._typed = None
            self.compose.show_notice(self.tr("Your reply was discarded; nothing was sent."))
        else:
            self._began[key] = seen
            self.compose.show_notice(self.tr("Nothing was sent. Your reply is kept; the new messages are "
                                             "in the thread."))
            self._timeline_again()
        self._tell_activity()
        return False

    async def _staff_named(self) -> bool:
        """Nothing is sent without a person: who is at the desk is asked when nobody is named."""
        if self._session is not None and self._session.staff:
            return True
        if await ensure_staff(self) is not None:
            return True
        self.compose.show_notice(self.tr(
            "Nothing was sent: every message records who sent it. Choose who is at the desk, then send again."))
        return False

    def _new_thread_clicked(self) -> None:
        if (self._customer is None or self._session is None or self._draft_key is None
                or self._draft_key in self._sending or self._asking):
            return
        if self._check_input():
            self.tasks.run(self._new_thread_flow(self._customer))

    async def _new_thread_flow(self, customer: Customer) -> None:
        if not await self._staff_named() or self._customer is not customer:
            return
        self._asking = True
        self._update_enabled()
        try:
            open_threads = await self._messenger.open_threads(customer.id)
            code, chosen = OpenThreadsDialog.NEW_THREAD, None
            if open_threads and self._customer is customer:
                dialog = OpenThreadsDialog(open_threads, self)
                code = await ask(dialog)
                chosen = dialog.chosen
        finally:
            self._asking = False
            self._update_enabled()
        if self._customer is not customer:
            return  # another member was opened meanwhile: never send to the wrong one
        if code == OpenThreadsDialog.FOLLOW_UP and chosen is not None:
            self._reload_threads(select_id=chosen.id)
            self._start_send(chosen)
        elif code == OpenThreadsDialog.NEW_THREAD:
            with self._selecting():
                self.thread_view.selectionModel().clearCurrentIndex()
                self.thread_view.clearSelection()
            self.timeline.set_messages([])
            self._start_send(None)

    def _check_input(self, new_thread: bool = True) -> bool:
        subject, body = self.compose.text()
        if NUL in subject + body:
            # Usually pasted from another program, and invisible: selected, for Delete to remove.
            self.compose.select_first(NUL)
            self.compose.show_notice(self.tr(
                "The text contains an invisible NUL character, which Magicline and the journal cannot "
                "store. It is selected now: press Delete to remove it, then send again."))
            return False
        if new_thread and not subject.strip():  # a follow-up may take the thread's subject
            self.compose.show_notice(self.tr("Enter a subject first."))
            self.compose.subject.setFocus()
            return False
        if not body.strip():
            self.compose.show_notice(self.tr("Write the message first."))
            self.compose.body.setFocus()
            return False
        return True

    def _showing(self, session: StudioSession, customer_id: int) -> bool:
        """Whether `customer_id` of `session` is the member open now."""
        return self._session is session and self._customer is not None and self._customer.id == customer_id

    def _start_send(self, thread: ThreadRecord | None) -> None:
        from studio_comm.api.client import new_request_id
        from studio_comm.core.messaging import Draft

        if self._customer is None or self._session is None or not self._check_input(thread is None):
            return
        key = self._draft_key
        if key is None or key in self._sending:
            return
        session, messenger = self._session, self._messenger
        request_id = new_request_id()
        subject, body = self.compose.text()
        draft = Draft(
            customer_id=self._customer.id,
            thread=thread,
            direction=self.compose.selected_direction(),
            channel=self.compose.selected_channel(),
            category=self.compose.selected_category(),
            subject=subject,
            content=body,
            thread_status=self.compose.selected_thread_status(),
            communication_time=self.compose.communication_time(),
        )
        pending = PendingMessage(request_id, draft.direction, draft.channel, draft.category, subject, body,
                                 draft.communication_time, agent=session.staff)
        self.timeline.append(pending)
        self._select_message(self.timeline.rowCount() - 1)
        self.compose.show_notice(self.tr("Sending…"))
        self.drafts.flush()  # in the journal should the app die while the send is out
        self._sending.add(key)
        self._update_enabled()

        async def send() -> SendResult:
            try:
                return await messenger.send(draft, request_id=request_id)
            finally:  # also when another member was opened meanwhile
                self._sending.discard(key)
                self._update_enabled()
                events().messagesChanged.emit(draft.customer_id)

        def failed(exc: BaseException) -> None:
            if self._showing(session, draft.customer_id):
                self.timeline.remove(pending.request_id)
                self.compose.show_notice(self.tr("Not sent: {error}").format(error=ErrorBanner.describe(exc)))

        def answered(result: SendResult) -> None:
            if self._session is session:
                self._settle_draft(key, draft, result.state in (MessageState.SENT, SENT_UNRECORDED),
                                   result.thread.id if result.thread is not None else None)
            if result.state == SENT_UNRECORDED:
                self._keep_recording(messenger)
            if self._showing(session, draft.customer_id):
                self._sent(pending, draft, result)

        self.tasks.run(send(), on_result=answered, on_error=failed)

    def _sent(self, pending: PendingMessage, draft: Draft, result: SendResult) -> None:
        """Show what became of a send of the member open now."""
        if result.state == "blocked" or result.message is None:  # by the consent guard
            self.timeline.remove(pending.request_id)
            reason = self._blocked_reason(result.reason, draft.channel, draft.category)
            self.compose.block_channel(draft.channel, reason)
            self.compose.show_notice(self.tr("Not sent. {reason} The text is kept.").format(reason=reason))
            return
        message = result.message
        if result.state == SENT_UNRECORDED:
            message = replace(message, state=SENT_UNRECORDED)  # shown so until it is recorded
        # The pending stand-in, or the journal's row of it when the member was opened again.
        if not self.timeline.replace(pending.request_id, message):
            self.timeline.replace(message.request_id, message)
        incoming = draft.direction == Direction.INCOMING
        if result.state == MessageState.SENT:
            done = self.tr("Logged.") if incoming else self.tr("Sent.")
            if self.compose.has_text():
                done += " " + self.tr("What you typed meanwhile is still here.")
            self.compose.show_notice(done)
        elif result.state == SENT_UNRECORDED:
            self.compose.show_notice(self._explain(SENT_UNRECORDED, message=message))
        else:
            self.compose.show_notice(self._explain(message.state, result.error, message)
                                     + " " + self.tr("The text is kept."))
        if result.state != SENT_UNRECORDED:  # the journal is away: reading it would fail
            self._reload_threads(select_id=result.thread.id if result.thread else message.thread_id)
        self._select_message(self.timeline.row_of(message.request_id))

    # ---------------------------------------------------------------- recording outcomes

    def _keep_recording(self, messenger: Messenger) -> None:
        self._unrecorded.add(messenger)
        if not self._record_timer.isActive():
            self._record_timer.start()

    def _record_outcomes(self) -> None:
        """Try again to record what Magicline accepted while the journal was away."""
        for messenger in list(self._unrecorded):
            if not messenger.unrecorded:
                self._unrecorded.discard(messenger)
            elif messenger not in self._recording:
                self._recording.add(messenger)
                work = messenger.record_outcomes()
                future = self.tasks.run(work, on_result=self._recorded, on_error=self._not_recorded_yet)
                future.add_done_callback(functools.partial(self._recorded_by, messenger))
        if not self._unrecorded:
            self._record_timer.stop()

    def _recorded_by(self, messenger: Messenger, _attempt: object) -> None:
        self._recording.discard(messenger)

    def _recorded(self, results: list[SendResult]) -> None:
        for result in results:
            message = result.message
            if message is None:  # a recorded send always has its message
                continue
            events().messagesChanged.emit(message.customer_id)
            if self._customer is not None and self._customer.id == message.customer_id:
                self.timeline.replace(message.request_id, message)
                self.compose.show_notice(self.tr("The sent message is recorded in the journal now."))
                self._reload_threads(select_id=result.thread.id if result.thread else message.thread_id)

    def _not_recorded_yet(self, exc: BaseException) -> None:
        from studio_comm.journal import JournalUnavailableError

        if not isinstance(exc, JournalUnavailableError):
            self.tasks.report(exc)
            return
        log.info("sent messages not recorded yet: the journal is still unavailable")

    # ---------------------------------------------------------------- detail, resend

    def _explain(self, state: str, error: ApiError | None = None,
                 message: MessageRecord | PendingMessage | None = None) -> str:
        """What happened to a message, in words (server text quoted, never interpreted)."""
        server = getattr(error, "error_message", None) or getattr(message, "error", None)
        trace = getattr(error, "trace_id", None) or getattr(message, "trace_id", None)
        said = " " + self.tr("Magicline said: “{message}”").format(message=server) if server else ""
        traced = " " + self.tr("(Trace id: {trace_id})").format(trace_id=trace) if trace else ""
        if state == "pending":
            return self.tr("Sending…")
        if state == "sent":
            incoming = str(getattr(message, "direction", "")) == Direction.INCOMING.value
            return self.tr("Logged in Magicline.") if incoming else self.tr("Sent: Magicline has it.")
        if state == SENT_UNRECORDED:
            return self.tr("Sent, not recorded yet: Magicline has the message, but the journal could not "
                           "record it. It is recorded as soon as the journal answers; do not send it again.")
        if state == "failed":
            return self.tr("Not sent: Magicline did not take the message. It is safe to send it again.") + said
        if state == "rejected":
            return self.tr("Rejected by Magicline.") + said + traced
        if state == "unknown":
            status = getattr(error, "status", None) or getattr(message, "http_status", None)
            if isinstance(error, errors.MalformedResponseError) or (status is not None and 200 <= status < 300):
                return self.tr("Outcome unknown: Magicline answered, but its answer could not be read, so it "
                               "may have stored the message. Check with the member before sending it "
                               "again.") + traced
            return self.tr("Outcome unknown: the connection was lost after sending, so Magicline may have "
                           "received it. Check with the member before sending it again.") + traced
        return state_label(state)

    def _current_message(self) -> MessageRecord | PendingMessage | None:
        index = self.timeline_view.currentIndex()
        return self.timeline.message(index.row()) if index.isValid() else None

    def _resent_as(self, message: MessageRecord | PendingMessage) -> MessageRecord | PendingMessage | None:
        """The later message that resent this one, if the timeline has it."""
        return next((m for m in self.timeline.messages() if getattr(m, "resend_of", None) == message.request_id), None)

    def _show_detail(self) -> None:
        message = self._current_message()
        if message is None:
            self.detail_header.setText("")
            self.detail_state.setText("")
            self.detail_text.setPlainText("")
            self.resend_button.hide()
            self.copy_button.hide()
            return
        self.detail_header.setText(header_text(message) + "\n" + (message.subject or ""))
        explanation = self._explain(message.state, message=message)
        resendable = message.state in RESENDABLE
        if resendable and (later := self._resent_as(message)) is not None:
            resendable = False
            explanation += " " + self.tr("It was sent again as a later message (see below: {state}).").format(
                state=state_label(later.state)
            )
        self.detail_state.setText(explanation)
        if self.detail_text.toPlainText() != (message.content or ""):
            self.detail_text.setPlainText(message.content or "")
        self.resend_button.setVisible(resendable)
        self.copy_button.setVisible(message.state in RESENDABLE)

    def _copy_to_compose(self) -> None:
        message = self._current_message()
        if message is None:
            return
        if self.compose.has_text() and self.compose.text() != (message.subject or "", message.content or ""):
            self.tasks.run(self._copy_after_asking(message, self._draft_key))
        else:
            self._copy(message)

    async def _copy_after_asking(self, message: MessageRecord | PendingMessage, key: DraftKey | None) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Copy to compose"),
                          self.tr("The compose area holds text you have not sent. Replace it with this "
                                  "message? Your text is then discarded."),
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("replaceComposeConfirmation")
        box.setTextFormat(Qt.TextFormat.PlainText)
        replace_button = box.addButton(self.tr("Replace text"), QMessageBox.ButtonRole.DestructiveRole)
        replace_button.setObjectName("confirmReplaceComposeButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if await ask(box) is replace_button and self._draft_key == key:
            self._copy(message)

    def _copy(self, message: MessageRecord | PendingMessage) -> None:
        self.compose.set_text(message.subject or "", message.content or "")
        self._compose_edited()  # the user's act: the copy is the draft now

    def _resend_clicked(self) -> None:
        message = self._current_message()
        # A message still being sent (PendingMessage) has no outcome to resend yet.
        if message is not None and not isinstance(message, PendingMessage) and message.state in RESENDABLE:
            self.tasks.run(self._resend_flow(message))

    async def _resend_flow(self, message: MessageRecord) -> None:
        question = {
            "unknown": self.tr("Magicline may already have received this message. Check with the member "
                               "before sending it again, or they may get it twice."),
            "rejected": self.tr("Magicline refused this message. Sent unchanged, it may be refused again."),
        }.get(message.state, self.tr("This message was not sent."))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Resend message"),
                          question + "\n\n" + self.tr("Send it again now?"), QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("resendConfirmation")
        box.setTextFormat(Qt.TextFormat.PlainText)
        resend = box.addButton(self.tr("Resend"), QMessageBox.ButtonRole.AcceptRole)
        resend.setObjectName("confirmResendButton")
        if await ask(box) is not resend or not await self._staff_named():
            return
        session = self._session
        if session is None:
            return
        try:
            result = await session.messaging.resend(message.request_id)
        finally:
            events().messagesChanged.emit(message.customer_id)
        if result.state == SENT_UNRECORDED:
            self._keep_recording(session.messaging)
        if not self._showing(session, message.customer_id):
            return
        if result.message is None:
            reason = self._blocked_reason(result.reason, message.channel, message.category)
            self.compose.show_notice(self.tr("Not sent again. {reason}").format(reason=reason))
            return
        if result.state in (MessageState.SENT, SENT_UNRECORDED):
            if self._draft_key is not None and self.compose.text() == (message.subject, message.content):
                self.compose.clear_text()  # the text kept in compose went out after all
                self.drafts.put(self._draft_key, None)
            self.compose.show_notice(self._explain(result.state, message=result.message))
        else:
            self.compose.show_notice(self._explain(result.state, result.error, result.message))
        current = self.selected_thread()
        if current is not None and current.id == message.thread_id:
            self._load_timeline(message.thread_id, select_request_id=result.message.request_id)
        self._reload_threads()

    def _customer_unavailable(self, customer_id: int, reason: str) -> None:
        self._unavailable[customer_id] = reason
        if self._customer is not None and self._customer.id == customer_id:
            self._update_enabled()

    def _update_enabled(self) -> None:
        ready = self._customer is not None and self._session is not None
        if ready and self._customer is not None and (reason := self._unavailable.get(self._customer.id)):
            ready = False
            self.compose.show_notice(
                self.tr("Nothing can be sent: this member was deleted in Magicline.") if reason == "deleted"
                else self.tr("Nothing can be sent: Magicline no longer gives out this member's data "
                             "(access disabled)."))
        self.compose.setEnabled(ready)
        idle = ready and self._draft_key is not None and self._draft_key not in self._sending and not self._asking
        self.compose.send_button.setEnabled(idle)
        self.compose.new_thread_button.setEnabled(idle)
        self._tell_activity()


def _left_after(text: DraftText, sent: Draft) -> DraftText:
    """What stays of `text` once `sent` went out: only the text sent is taken away."""
    body = text.content
    if body == sent.content:
        body = ""
    elif sent.content and body.startswith(sent.content):
        body = body[len(sent.content):].lstrip(_BREAKS)  # typed after it, while it was out
    else:
        return text  # changed since: the user's to decide
    subject = "" if text.subject == sent.subject else text.subject
    return DraftText(subject, body, text.fields)
