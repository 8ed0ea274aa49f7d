"""The compose area under the timeline: direction, channel, category, subject, text, status.

It only collects input and shows consent; the conversation panel decides what happens on
send and keeps the text as a draft (`edited` says when the user changed something).
Channels the member has not consented to (outgoing, for the chosen category) are
disabled with the reason as tooltip. Incoming logs (a phone call, a desk conversation)
are never blocked and may be back-dated.

The text goes out exactly as typed or pasted: a QPlainTextEdit turns every line break it
is given (CR, CR LF, U+2029) into a paragraph of its own and reports no-break spaces and
U+2028 as plain spaces and newlines, so the body is an `ExactTextEdit`, which remembers
each pasted line break as it was and reads the text back unconverted.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QDateTime, QMimeData, Signal
from PySide6.QtGui import QStandardItemModel, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api.enums import Channel, Direction, MessageCategory, ThreadStatus
from studio_comm.ui.labels import category_label, channel_label, datetime_pattern, thread_status_label
from studio_comm.ui.plain_label import PlainLabel

W = TypeVar("W", bound=QWidget)


def fit_lines(edit: QPlainTextEdit, lines: int) -> None:
    """Let `edit` shrink to `lines` lines of text (Qt's own minimum is about five): on a
    small or scaled screen the splitters can then keep the timeline's rows whole."""
    margins = 2 * (edit.frameWidth() + round(edit.document().documentMargin()))
    edit.setMinimumHeight(lines * edit.fontMetrics().lineSpacing() + margins)


# Line breaks the document would turn into paragraphs (or, for U+2028, report as "\n"):
# inserted as U+2028, which it keeps and shows as a line break, with the original in
# the character's format. FDD0/FDD1 are Qt's frame markers, which it also breaks on.
_BREAKS = re.compile("\r\n|[\r\u2028\u2029\ufdd0\ufdd1]")
_LINE_SEPARATOR = "\u2028"
_ORIGINAL = int(QTextFormat.Property.UserProperty) + 1


class ExactTextEdit(QPlainTextEdit):
    """A plain text edit whose `exact_text()` is what was typed and pasted, unconverted."""

    def exact_text(self) -> str:
        """The text, character for character; an Enter typed here is a "\n"."""
        parts: list[str] = []
        block = self.document().begin()
        while block.isValid():
            if parts:
                parts.append("\n")
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                original = fragment.charFormat().property(_ORIGINAL)
                # A U+2028 without an original is a Shift+Enter typed here: a newline.
                parts.append(fragment.text().replace(
                    _LINE_SEPARATOR, original if isinstance(original, str) else "\n"))
                fragments += 1
            block = block.next()
        return "".join(parts)

    def set_exact_text(self, text: str) -> None:
        """Replace the whole text with `text` (kept exactly, as pasted text is); like
        setPlainText, it starts a new undo history."""
        document = self.document()
        document.setUndoRedoEnabled(False)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        self._insert(cursor, text)
        document.setUndoRedoEnabled(True)
        self.moveCursor(QTextCursor.MoveOperation.End)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        if source.hasText():  # a paste or a drop: as plain text, exactly
            self._insert(self.textCursor(), source.text())
            self.ensureCursorVisible()

    def _insert(self, cursor: QTextCursor, text: str) -> None:
        plain = QTextCharFormat(cursor.charFormat())
        plain.clearProperty(_ORIGINAL)
        cursor.beginEditBlock()  # one step to undo
        start = 0
        for match in _BREAKS.finditer(text):
            cursor.insertText(text[start:match.start()], plain)
            kept = QTextCharFormat(plain)
            kept.setProperty(_ORIGINAL, match.group())
            cursor.insertText(_LINE_SEPARATOR, kept)
            start = match.end()
        cursor.insertText(text[start:], plain)
        cursor.endEditBlock()
        # What is typed next must not take on a pasted break's original.
        self.setCurrentCharFormat(plain)


def _named(widget: W, name: str, accessible: str) -> W:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class ComposeArea(QWidget):
    sendRequested = Signal()
    newThreadRequested = Signal()
    consentContextChanged = Signal()  # direction or category changed: consent must be re-read
    edited = Signal()  # the text or a choice changed, other than by set_text/clear_text/set_fields

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.direction = _named(QComboBox(self), "composeDirection", self.tr("Direction"))
        self.direction.addItem(self.tr("Send to member"), Direction.OUTGOING.value)
        self.direction.addItem(self.tr("Log incoming (phone call, desk conversation)"), Direction.INCOMING.value)

        self.channel = _named(QComboBox(self), "composeChannel", self.tr("Channel"))
        for channel in Channel:
            self.channel.addItem(channel_label(channel), channel.value)
        self.channel.setCurrentIndex(self.channel.findData(Channel.EMAIL.value))

        self.category = _named(QComboBox(self), "composeCategory", self.tr("Message category"))
        for category in MessageCategory:
            self.category.addItem(category_label(category), category.value)
        self.category.setCurrentIndex(self.category.findData(MessageCategory.GENERAL.value))

        self.thread_status = _named(QComboBox(self), "composeThreadStatus", self.tr("Thread status after this message"))
        # Automatic: core picks "new" for a new thread and "ongoing" for a follow-up.
        self.thread_status.addItem(self.tr("Status: automatic"), None)
        for status in ThreadStatus:
            self.thread_status.addItem(thread_status_label(status), status.value)

        self.backdate = _named(
            QCheckBox(self.tr("Happened at"), self), "composeBackdate", self.tr("Back-date this log")
        )
        self.time = _named(QDateTimeEdit(QDateTime.currentDateTime(), self), "composeTime", self.tr("When it happened"))
        self.time.setCalendarPopup(True)
        self.time.setDisplayFormat(datetime_pattern())  # like every other date on screen
        self.time.setEnabled(False)
        self.backdate.toggled.connect(self.time.setEnabled)

        self.subject = _named(QLineEdit(self), "composeSubject", self.tr("Subject"))
        self.subject.setPlaceholderText(self.tr("Subject"))
        self.body = _named(ExactTextEdit(self), "composeBody", self.tr("Message text"))
        self.body.setPlaceholderText(self.tr("Message to the member, or notes of the call or conversation"))
        self.body.setTabChangesFocus(True)
        fit_lines(self.body, 3)

        # Two lines held free even when empty: the area does not jump when a reason appears.
        self.notice = PlainLabel(self, "composeNotice", self.tr("Compose notice"), lines=2)

        self.send_button = _named(
            QPushButton(self.tr("Send"), self), "sendButton", self.tr("Send into the selected thread")
        )
        self.send_button.setToolTip(self.tr("Send into the selected thread (Ctrl+Enter)"))
        self.new_thread_button = _named(
            QPushButton(self.tr("New thread…"), self), "newThreadButton", self.tr("Start a new thread")
        )
        self.new_thread_button.setToolTip(self.tr("Start a new thread with this message (Ctrl+N)"))
        self.send_button.clicked.connect(self.sendRequested)
        self.new_thread_button.clicked.connect(self.newThreadRequested)

        self.direction.currentIndexChanged.connect(self._direction_changed)
        self.category.currentIndexChanged.connect(lambda _: self.consentContextChanged.emit())
        self.channel.currentIndexChanged.connect(lambda _: self._show_channel_reason())
        self._quiet = 0  # > 0 while the text or the choices are set from outside
        for signal in (self.subject.textChanged, self.body.textChanged, self.direction.currentIndexChanged,
                       self.channel.currentIndexChanged, self.category.currentIndexChanged,
                       self.thread_status.currentIndexChanged):
            signal.connect(self._changed)

        # Two short rows, and combos that do not grow to their longest label: the panel
        # shares a window that may be narrow.
        self.direction.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.direction.setMinimumContentsLength(16)
        options = QGridLayout()
        options.addWidget(self.direction, 0, 0)
        options.addWidget(self.channel, 0, 1)
        options.addWidget(self.category, 0, 2)
        options.addWidget(self.thread_status, 1, 0)
        options.addWidget(self.backdate, 1, 1)
        options.addWidget(self.time, 1, 2)
        options.setColumnStretch(3, 1)
        form = QFormLayout()
        form.addRow(self.tr("Subject"), self.subject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addWidget(self.new_thread_button)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(options)
        layout.addLayout(form)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self._reasons: dict[str, str] = {}
        self._notice_is_reason = False  # the notice line shows why the channel is blocked
        self._direction_changed()

    # ---------------------------------------------------------------- values

    def selected_direction(self) -> Direction:
        return Direction(self.direction.currentData())

    def selected_channel(self) -> Channel:
        return Channel(self.channel.currentData())

    def selected_category(self) -> MessageCategory:
        return MessageCategory(self.category.currentData())

    def selected_thread_status(self) -> ThreadStatus | None:
        value = self.thread_status.currentData()
        return ThreadStatus(value) if value else None

    def communication_time(self) -> datetime | None:
        """The back-dated moment of an incoming log, timezone-aware, or None for "now"."""
        if self.selected_direction() != Direction.INCOMING or not self.backdate.isChecked():
            return None
        seconds = self.time.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds, tz=UTC).astimezone()

    def text(self) -> tuple[str, str]:
        """Subject and body exactly as typed or pasted."""
        return self.subject.text(), self.body.exact_text()

    def has_text(self) -> bool:
        subject, body = self.text()
        return bool(subject.strip() or body.strip())

    def set_text(self, subject: str, body: str) -> None:
        """Show `subject` and `body` (a draft, a message copied here); not an edit."""
        with self._quietly():
            if self.subject.text() != subject:
                self.subject.setText(subject)
            if self.body.exact_text() != body:
                self.body.set_exact_text(body)

    def clear_text(self) -> None:
        with self._quietly():
            self.subject.clear()
            self.body.clear()
            self.backdate.setChecked(False)

    def fields(self) -> dict[str, Any]:
        """The choices kept with a draft: direction, channel, category, thread status."""
        return {
            "direction": self.direction.currentData(),
            "channel": self.channel.currentData(),
            "category": self.category.currentData(),
            "thread_status": self.thread_status.currentData(),
        }

    def set_fields(self, fields: dict[str, Any]) -> None:
        """Choose what a draft was written with (values this version does not know are skipped)."""
        with self._quietly():
            for name, combo in (("direction", self.direction), ("channel", self.channel),
                                ("category", self.category), ("thread_status", self.thread_status)):
                if name in fields and (row := combo.findData(fields[name])) >= 0:
                    combo.setCurrentIndex(row)

    def select_first(self, char: str) -> bool:
        """Select the first `char` in the subject or the body (for the user to delete it)."""
        subject, body = self.text()
        if char in subject:
            self.subject.setFocus()
            self.subject.setSelection(subject.index(char), len(char))
            return True
        document: QTextDocument = self.body.document()
        found = document.find(char)
        if found.isNull():
            return False
        self.body.setFocus()
        self.body.setTextCursor(found)
        return True

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self._notice_is_reason = False

    # ---------------------------------------------------------------- consent

    def set_consent(self, reasons: dict[str, str] | None, *, announce: bool = True) -> None:
        """Disable the channels in `reasons` (channel value -> why), enable all others.

        `announce` shows the current channel's reason in the notice line (off when the
        notice already says something more specific, e.g. why a send was blocked).
        """
        self._reasons = dict(reasons or {})
        model = self.channel.model()
        assert isinstance(model, QStandardItemModel)
        for row in range(self.channel.count()):
            item = model.item(row)
            reason = self._reasons.get(self.channel.itemData(row))
            item.setEnabled(reason is None)
            item.setToolTip(reason or "")
        if announce:
            self._show_channel_reason()

    def block_channel(self, channel: Channel | str, reason: str) -> None:
        """Mark one channel as not allowed (a send was just refused for it)."""
        self.set_consent({**self._reasons, str(getattr(channel, "value", channel)): reason}, announce=False)

    def _show_channel_reason(self) -> None:
        """The current channel's reason in the notice line; an allowed channel clears only a
        reason shown before, not what a send or a restored draft said meanwhile."""
        reason = self._reasons.get(self.channel.currentData())
        self.channel.setToolTip(reason or "")
        if reason or self._notice_is_reason:
            self.show_notice(reason or "")
            self._notice_is_reason = bool(reason)

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _changed(self, *_: object) -> None:
        if not self._quiet:
            self.edited.emit()

    def _direction_changed(self, *_: object) -> None:
        incoming = self.selected_direction() == Direction.INCOMING
        self.backdate.setEnabled(incoming)
        self.time.setEnabled(incoming and self.backdate.isChecked())
        if incoming:
            self.set_consent(None)  # logs of what the member did are never blocked
        self.consentContextChanged.emit()
