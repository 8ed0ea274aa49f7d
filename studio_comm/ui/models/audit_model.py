"""Table model of the audit history: every consent change and message made through studio-comm.

Rows are the core's `AuditRecord`s (filtered by `AuditHistory`, newest first, their JSON
already read); this module only words them. A consent change shows only the cells that
changed, before and after ("Newsletter / Text message: on" → "off"); a save that did not
go through shows what was intended and the outcome; a change made outside studio-comm shows
its cells as studio-comm knew them and as read after the webhook. Keys under Qt.UserRole: every cell
gives the entry's request id; the horizontal header gives the column key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt

from studio_comm.ui.labels import (
    category_label,
    cell_label,
    channel_label,
    direction_label,
    format_datetime,
    on_off,
    plain_tooltip,
)
from studio_comm.ui.models.keyed_rows import Index, KeyedRowsModel
from studio_comm.ui.models.review_model import state_text

if TYPE_CHECKING:
    from studio_comm.core.audit import AuditRecord
    from studio_comm.journal.records import AuditEntry

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1  # the AuditRecord itself

COLUMNS = ("at", "staff", "action", "member", "outcome", "before", "after")


def action_label(action: str) -> str:
    translate = QCoreApplication.translate
    return {
        "preferences": translate("Audit", "Consent change"),
        "preferences_external": translate("Audit", "Changed outside studio-comm"),
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
        "changed": translate("Audit", "Told by a webhook"),
    }.get(outcome or "", outcome or "")


def describe_side(record: AuditRecord, side: str) -> str:
    """One line per changed cell: its state on `side` ("before" or "after") of the entry.

    A message has no before; its after says what went out (direction, channel, category).
    """
    if record.message is not None:
        sent = record.message
        if side == "before":
            return ""
        return " · ".join(text for text in (
            direction_label(sent.direction), channel_label(sent.channel), category_label(sent.category)) if text)
    if record.intended:
        # Not saved: what was intended against what was there.
        if side == "before":
            return "\n".join(f"{cell_label(i.cell)}: {state_text(i.before)}" for i in record.intended)
        return "\n".join(
            QCoreApplication.translate("Audit", "{cell}: {state} (intended, not saved)").format(
                cell=cell_label(i.cell), state=on_off(i.active))
            for i in record.intended)
    return "\n".join(f"{cell_label(change.cell)}: {state_text(change.before if side == 'before' else change.after)}"
                     for change in record.changes)


def member_text(record: AuditRecord) -> str:
    """"number · name" where the review cache knows the member, else "#id"."""
    member = record.member
    if member is not None and (text := f"{member.number} · {member.name}" if member.number else member.name):
        return text
    return f"#{record.entry.customer_id}"


class AuditModel(KeyedRowsModel):
    COLUMNS = COLUMNS

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._texts: dict[tuple[int, str], str] = {}  # (row, side) -> worded before/after

    def set_entries(self, records: list[AuditRecord]) -> None:
        self._texts = {}
        self.set_rows(records)

    def record(self, row: int) -> AuditRecord:
        return self._rows[row]

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row].entry

    def row_of(self, audit_id: int | None) -> int | None:
        """The row of the entry with this audit id; None when it is not shown."""
        if audit_id is not None:
            for row, record in enumerate(self._rows):
                if record.entry.id == audit_id:
                    return row
        return None

    def titles(self) -> dict[str, str]:
        return {
            "at": self.tr("Time"),
            "staff": self.tr("Staff"),
            "action": self.tr("Action"),
            "member": self.tr("Member"),
            "outcome": self.tr("Outcome"),
            "before": self.tr("Before"),
            "after": self.tr("After"),
        }

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        key = COLUMNS[index.column()]
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.UserRole:
            return record.entry.request_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), record, key, full=False)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Staff names and member names are typed by people: shown literally.
            return plain_tooltip(self._text(index.row(), record, key, full=True))
        return None

    def _text(self, row: int, record: AuditRecord, key: str, *, full: bool) -> str:
        entry = record.entry
        if key == "at":
            return format_datetime(entry.at)
        if key == "staff":
            return entry.staff or self.tr("(not given)")
        if key == "action":
            return action_label(entry.action)
        if key == "member":
            return member_text(record)
        if key == "outcome":
            outcome = outcome_label(entry.outcome)
            if full and getattr(entry, "trace_id", None):
                outcome += "\n" + self.tr("Trace id: {trace_id}").format(trace_id=entry.trace_id)
            return outcome
        text = self._texts.get((row, key))
        if text is None:
            text = self._texts[(row, key)] = describe_side(record, key)
        if full:
            return text
        # One line in the table; the tooltip and the details pane show all of it.
        lines = text.splitlines()
        return lines[0] + (f" (+{len(lines) - 1})" if len(lines) > 1 else "") if lines else ""
