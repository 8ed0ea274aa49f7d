"""Table model of the audit history: every consent change and message made through studio-comm.

Rows are journal `AuditEntry` records (filtered by the journal, newest first). A consent
change shows only the cells that changed, before and after ("Newsletter / Text message:
on" → "off"); a save that did not go through shows what was intended and the outcome.
Keys under Qt.UserRole: every cell gives the entry's request id; the horizontal header
gives the column key.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from studio_comm.core.review import preference_changes, wire_cell_states
from studio_comm.ui.labels import (
    category_label,
    cell_label,
    channel_label,
    direction_label,
    format_datetime,
    on_off,
    plain_tooltip,
)
from studio_comm.ui.models.review_model import state_text

Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the AuditEntry itself

COLUMNS = ("at", "staff", "action", "member", "outcome", "before", "after")


def action_label(action: str) -> str:
    translate = QCoreApplication.translate
    return {
        "preferences": translate("Audit", "Consent change"),
        "message": translate("Audit", "Message"),
    }.get(action, action)


def outcome_label(outcome: str | None) -> str:
    translate = QCoreApplication.translate
    return {
        "saved": translate("Audit", "Saved"),
        "differs": translate("Audit", "Saved, but the server differs"),
        "conflict": translate("Audit", "Conflict, not saved"),
        "failed": translate("Audit", "Failed"),
        "sent": translate("Audit", "Sent"),
        "rejected": translate("Audit", "Rejected"),
        "unknown": translate("Audit", "Outcome unknown"),
        "blocked": translate("Audit", "Blocked by consent"),
        "pending": translate("Audit", "Pending"),
    }.get(outcome or "", outcome or "")


def describe_side(entry, side: str) -> str:
    """One line per changed cell: its state on `side` ("before" or "after") of the entry.

    A message has no before; its after says what went out (direction, channel, category).
    """
    if entry.action == "message":
        sent = entry.intent if isinstance(entry.intent, dict) else {}
        if side == "before" or not sent:
            return ""
        return " · ".join(text for text in (
            direction_label(sent.get("direction")), channel_label(sent.get("channel")),
            category_label(sent.get("category"))) if text)
    if entry.action != "preferences":
        return ""
    changes = preference_changes(entry.before, entry.after)
    if entry.after is None:
        # Not saved: show what was intended against what was there.
        before = wire_cell_states(entry.before or ())
        intent = [(tuple((i["messageCategory"], i["communicationChannel"])), i["active"])
                  for i in (getattr(entry, "intent", None) or ())]
        if side == "before":
            return "\n".join(f"{cell_label(c)}: {state_text(before.get(c))}" for c, _ in intent)
        return "\n".join(
            QCoreApplication.translate("Audit", "{cell}: {state} (intended, not saved)").format(
                cell=cell_label(c), state=on_off(a))
            for c, a in intent)
    index = 1 if side == "before" else 2
    return "\n".join(f"{cell_label(change[0])}: {state_text(change[index])}" for change in changes)


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list = []
        self._names: dict[int, str] = {}
        self._texts: dict[tuple[int, str], str] = {}  # (row, side) -> worded before/after

    def set_entries(self, entries, names: dict[int, str] | None = None) -> None:
        """`names`: customer id -> "number · name" where known (from the review cache)."""
        self.beginResetModel()
        self._entries = list(entries)
        self._names = dict(names or {})
        self._texts = {}
        self.endResetModel()

    def entry(self, row: int):
        return self._entries[row]

    def member_text(self, customer_id: int) -> str:
        return self._names.get(customer_id) or f"#{customer_id}"

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key = COLUMNS[section]
        if role == Qt.ItemDataRole.UserRole:
            return key
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "at": self.tr("Time"),
                "staff": self.tr("Staff"),
                "action": self.tr("Action"),
                "member": self.tr("Member"),
                "outcome": self.tr("Outcome"),
                "before": self.tr("Before"),
                "after": self.tr("After"),
            }[key]
        return None

    def data(self, index: Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        key = COLUMNS[index.column()]
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.UserRole:
            return entry.request_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), entry, key, full=False)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Staff names and member names are typed by people: shown literally.
            return plain_tooltip(self._text(index.row(), entry, key, full=True))
        return None

    def _text(self, row: int, entry, key: str, *, full: bool) -> str:
        if key == "at":
            return format_datetime(entry.at)
        if key == "staff":
            return entry.staff or self.tr("(not given)")
        if key == "action":
            return action_label(entry.action)
        if key == "member":
            return self.member_text(entry.customer_id)
        if key == "outcome":
            text = outcome_label(entry.outcome)
            if full and getattr(entry, "trace_id", None):
                text += "\n" + self.tr("Trace id: {trace_id}").format(trace_id=entry.trace_id)
            return text
        text = self._texts.get((row, key))
        if text is None:
            text = self._texts[(row, key)] = describe_side(entry, key)
        if full:
            return text
        # One line in the table; the tooltip and the details pane show all of it.
        lines = text.splitlines()
        return lines[0] + (f" (+{len(lines) - 1})" if len(lines) > 1 else "") if lines else ""
