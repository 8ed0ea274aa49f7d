"""The messages of one thread, oldest first, and the delegate that draws them.

Keys under Qt.UserRole (language-independent): StateRole is the message's state
("pending", "sent", "failed", "unknown", "rejected", or "sent_unrecorded" while the journal
has not recorded a message Magicline accepted), FieldsRole a dict of its fields
(request_id, direction, channel, category, subject, content, agent, time, ...),
RequestIdRole the request id. DisplayRole is the raw message text.

A thread can hold thousands of messages: every row has the same height and the delegate
draws elided plain text (never rich text); the full text is shown in a detail pane.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from studio_comm.journal.records import MessageState
from studio_comm.ui.icons import icon
from studio_comm.ui.labels import category_label, channel_label, direction_label, format_datetime

if TYPE_CHECKING:
    from studio_comm.api.enums import Channel, Direction, MessageCategory
    from studio_comm.journal.records import MessageRecord

_Index = QModelIndex | QPersistentModelIndex
_ONE_LINE_MAX = 1000
STATES = frozenset(MessageState)
# A send's outcome, not a stored state: Magicline has the message, the journal does not
# yet. core.messaging.SENT_UNRECORDED, spelled out: the window is built before core loads.
SENT_UNRECORDED = "sent_unrecorded"


@dataclass
class PendingMessage:
    """Stands in the timeline for a message of this desk whose send has not come back yet,
    under the request id its journal row and request will carry."""

    request_id: str
    direction: Direction
    channel: Channel
    category: MessageCategory
    subject: str
    content: str
    communication_time: datetime | None
    agent: str | None = None
    state: str = "pending"
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def state_icon(state: str) -> QIcon:
    """A state's icon; a message not recorded yet is sent all the same."""
    if state == SENT_UNRECORDED:
        return icon(MessageState.SENT)
    return icon(state) if state in STATES else icon("unknown")


def message_fields(message: MessageRecord | PendingMessage) -> dict[str, object]:
    """The fields of a journal MessageRecord (or a pending stand-in) as plain values."""
    def raw(value: object) -> str | None:
        return None if value is None else str(getattr(value, "value", value))

    return {
        "id": getattr(message, "id", None),
        "request_id": message.request_id,
        "state": message.state,
        "direction": raw(message.direction),
        "channel": raw(message.channel),
        "category": raw(getattr(message, "category", None)),
        "subject": message.subject or "",
        "content": message.content or "",
        "agent": getattr(message, "agent", None) or "",
        "time": message_time(message),
        "thread_id": getattr(message, "thread_id", None),  # the journal's (local) thread id
        "communication_id": getattr(message, "communication_id", None),
        "error": getattr(message, "error", None),
        "trace_id": getattr(message, "trace_id", None),
        "resend_of": getattr(message, "resend_of", None),
    }


def message_time(message: MessageRecord | PendingMessage) -> datetime | None:
    """When it happened: the back-dated time of a logged call, else when it was written."""
    return getattr(message, "communication_time", None) or getattr(message, "created_at", None)


def one_line(text: str) -> str:
    """Line breaks and tabs as spaces, so an elided row shows the start of the text."""
    # Only the start can be visible in one line; a huge body must not slow every paint.
    return " ".join(text[:_ONE_LINE_MAX].split()) if text else ""


class TimelineModel(QAbstractListModel):
    StateRole = Qt.ItemDataRole.UserRole
    FieldsRole = Qt.ItemDataRole.UserRole + 1
    RequestIdRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._messages: list = []

    def set_messages(self, messages: list) -> None:
        self.beginResetModel()
        self._messages = list(messages)
        self.endResetModel()

    def merge(self, messages: list) -> None:
        """Show the journal's `messages` of the thread (another desk wrote in it), keeping
        the rows that stand in for this desk's sends not back yet (they stay last, and
        leave once the journal has their message). Rows already shown are updated in place
        and new ones inserted before the stand-ins, so the selection stays on its message."""
        stored = {m.request_id for m in messages}
        for row in reversed(range(len(self._messages))):
            message = self._messages[row]
            if isinstance(message, PendingMessage) and message.request_id in stored:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._messages[row]
                self.endRemoveRows()
        shown = [m for m in self._messages if not isinstance(m, PendingMessage)]
        if [m.request_id for m in messages[:len(shown)]] != [m.request_id for m in shown] \
                or any(isinstance(m, PendingMessage) for m in self._messages[:len(shown)]):
            local = [m for m in self._messages if isinstance(m, PendingMessage)]
            self.set_messages(list(messages) + local)  # an order changed (a late commit): laid out anew
            return
        count = len(shown)
        self._messages[:count] = messages[:count]
        if count:
            self.dataChanged.emit(self.index(0, 0), self.index(count - 1, 0))
        if len(messages) > count:
            self.beginInsertRows(QModelIndex(), count, len(messages) - 1)
            self._messages[count:count] = messages[count:]
            self.endInsertRows()

    def append(self, message: MessageRecord | PendingMessage) -> None:
        row = len(self._messages)
        self.beginInsertRows(QModelIndex(), row, row)
        self._messages.append(message)
        self.endInsertRows()

    def replace(self, request_id: str, message: MessageRecord | PendingMessage) -> bool:
        """Put `message` in place of the row with `request_id` (e.g. pending -> sent)."""
        row = self.row_of(request_id)
        if row < 0:
            return False
        self._messages[row] = message
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)
        return True

    def remove(self, request_id: str) -> None:
        row = self.row_of(request_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._messages[row]
            self.endRemoveRows()

    def row_of(self, request_id: str) -> int:
        return next((i for i, m in enumerate(self._messages) if m.request_id == request_id), -1)

    def messages(self) -> list:
        return list(self._messages)

    def message(self, row: int) -> MessageRecord | PendingMessage | None:
        return self._messages[row] if 0 <= row < len(self._messages) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._messages)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._messages):
            return None
        message = self._messages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return message.content or ""
        if role == self.StateRole:
            return message.state
        if role == self.RequestIdRole:
            return message.request_id
        if role == self.FieldsRole:
            return message_fields(message)
        if role == Qt.ItemDataRole.DecorationRole:
            return state_icon(message.state)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return " · ".join(p for p in (header_text(message), state_label(message.state, message.direction),
                                          message.subject or "", one_line(message.content or "")) if p)
        return None


def state_label(state: str, direction: object = None) -> str:
    if str(getattr(direction, "value", direction)) == "INCOMING" and state in (MessageState.PENDING, MessageState.SENT):
        # An incoming message is a log of what the member did, not something sent to them.
        if state == MessageState.PENDING:
            return QCoreApplication.translate("Timeline", "Logging…")
        return QCoreApplication.translate("Timeline", "Logged")
    # Keyed by str: a MessageState is one, and a state this version does not know shows as stored.
    labels: dict[str, str] = {
        MessageState.PENDING: QCoreApplication.translate("Timeline", "Sending…"),
        MessageState.SENT: QCoreApplication.translate("Timeline", "Sent"),
        MessageState.FAILED: QCoreApplication.translate("Timeline", "Not sent"),
        MessageState.UNKNOWN: QCoreApplication.translate("Timeline", "Outcome unknown"),
        MessageState.REJECTED: QCoreApplication.translate("Timeline", "Rejected"),
        SENT_UNRECORDED: QCoreApplication.translate("Timeline", "Sent, not recorded yet"),
    }
    return labels.get(state, state)


def header_text(message: MessageRecord | PendingMessage) -> str:
    parts = (
        direction_label(message.direction),
        channel_label(message.channel),
        category_label(getattr(message, "category", None)),
        format_datetime(message_time(message)),
        getattr(message, "agent", None) or "",
    )
    return " · ".join(p for p in parts if p)


class TimelineDelegate(QStyledItemDelegate):
    """Three lines per message: header and state, subject, start of the text (elided)."""

    _PAD = 6
    _ICON = 16

    @classmethod
    def row_height(cls, font: QFont) -> int:
        # The subject line is bold: its line spacing can exceed the regular font's.
        bold = QFont(font)
        bold.setBold(True)
        lines = 2 * QFontMetrics(font).lineSpacing() + QFontMetrics(bold).lineSpacing()
        return lines + 2 * cls._PAD + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(200, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        message = model.message(index.row()) if isinstance(model, TimelineModel) else None
        if message is None:
            return super().paint(painter, option, index)
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:
            # Background and selection as the style draws them, without any text.
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.text = ""
            opt.icon = type(opt.icon)()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(option.palette.color(group, text_role))

        rect = option.rect.adjusted(self._PAD, self._PAD, -self._PAD, -self._PAD)
        fm = QFontMetrics(option.font)
        line = fm.lineSpacing()
        state = message.state
        icon_rect = QRect(rect.left(), rect.top() + (line - self._ICON) // 2, self._ICON, self._ICON)
        state_icon(state).paint(painter, icon_rect)

        label = state_label(state, message.direction)
        label_width = fm.horizontalAdvance(label)
        left = rect.left() + self._ICON + self._PAD
        header_rect = QRect(left, rect.top(), rect.right() - left - label_width - self._PAD, line)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(
            header_rect, flags, fm.elidedText(header_text(message), Qt.TextElideMode.ElideRight, header_rect.width())
        )
        painter.drawText(QRect(rect.right() - label_width, rect.top(), label_width, line), flags, label)

        bold = QFont(option.font)
        bold.setBold(True)
        bfm = QFontMetrics(bold)
        subject_rect = QRect(left, rect.top() + line, rect.right() - left, line)
        painter.setFont(bold)
        painter.drawText(
            subject_rect,
            flags,
            bfm.elidedText(one_line(message.subject or ""), Qt.TextElideMode.ElideRight, subject_rect.width()),
        )
        painter.setFont(option.font)
        body_rect = QRect(left, rect.top() + 2 * line, rect.right() - left, line)
        painter.drawText(
            body_rect,
            flags,
            fm.elidedText(one_line(message.content or ""), Qt.TextElideMode.ElideRight, body_rect.width()),
        )
        painter.restore()
