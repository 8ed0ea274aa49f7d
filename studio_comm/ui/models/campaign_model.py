"""The campaign report's table: every targeted member with what became of them.

Rows are the journal's ledger rows (`CampaignMember`), filtered in the window and set
whole. `Qt.UserRole` gives language-independent keys: the customer id for a row, the
outcome's wire value ("sent", "unknown", ...) in the outcome column, the column's key in
the header. Member names and numbers are the server's text, shown literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt

from studio_comm.journal.records import CampaignMember
from studio_comm.ui.labels import campaign_outcome_label, customer_status_label, format_datetime, plain_tooltip
from studio_comm.ui.models.keyed_rows import Index, KeyedRowsModel

COLUMNS = ("customer_number", "name", "status", "outcome", "detail", "thread", "updated_at")


def detail_text(member: CampaignMember) -> str:
    """Why a member was skipped or what went wrong, in words (the ledger keeps codes)."""
    translate = QCoreApplication.translate
    detail = member.detail or ""
    outcome = member.outcome
    if outcome == "skipped_consent":
        return (translate("CampaignModel", "The category does not offer this channel to the member")
                if detail == "absent" else translate("CampaignModel", "Consent is off"))
    if outcome == "skipped_unavailable":
        return (translate("CampaignModel", "Deleted in Magicline") if detail == "deleted"
                else translate("CampaignModel", "Access disabled in Magicline"))
    if outcome == "skipped_unfilled":
        return translate("CampaignModel", "No value for {variables}").format(
            variables=", ".join("{{" + v.strip() + "}}" for v in detail.split(",") if v.strip()))
    if outcome == "unknown":
        return translate("CampaignModel", "May have arrived: check in Magicline before sending it again")
    if outcome == "failed":
        return translate("CampaignModel", "Not sent ({detail}); resuming the campaign tries again").format(
            detail=detail) if detail else translate("CampaignModel", "Not sent; resuming the campaign tries again")
    return ""


class CampaignMembersModel(KeyedRowsModel):
    COLUMNS = COLUMNS

    def set_members(self, members: Sequence[CampaignMember]) -> None:
        self.set_rows(members)

    def member(self, row: int) -> CampaignMember:
        return self._rows[row]

    def members(self) -> list[CampaignMember]:
        return list(self._rows)

    def titles(self) -> dict[str, str]:
        return {
            "customer_number": self.tr("Customer no."),
            "name": self.tr("Name"),
            "status": self.tr("Status"),
            "outcome": self.tr("Outcome"),
            "detail": self.tr("Why"),
            "thread": self.tr("Thread ID"),
            "updated_at": self.tr("When"),
        }

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        member = self._rows[index.row()]
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return member.outcome if key == "outcome" else member.customer_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(member, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self.text(member, key))
        return None

    def text(self, member: CampaignMember, key: str) -> str:
        if key == "customer_number":
            return member.customer_number or ""
        if key == "name":
            return member.name
        if key == "status":
            return customer_status_label(member.customer_status)
        if key == "outcome":
            return campaign_outcome_label(member.outcome)
        if key == "detail":
            return detail_text(member)
        if key == "thread":
            return str(member.remote_thread_id) if member.remote_thread_id is not None else ""
        return format_datetime(member.updated_at)
