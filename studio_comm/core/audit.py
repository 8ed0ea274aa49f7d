"""The audit log: who did what to a member's consent and messages, and what came of it.

Magicline keeps no author, time or source with a consent change, and cannot list messages:
the journal's audit log is the only record. Every use case writes its entries through
`AuditLog`, so each entry names the staff member and workstation the same way. A campaign
gets one entry each time a run of it ends or pauses, besides the entry of each message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from studio_comm.core.desk import Desk
from studio_comm.core.matrix import Intent, Matrix, intent_to_wire
from studio_comm.journal import AsyncJournal
from studio_comm.journal.records import CampaignRecord, MessageRecord, ThreadRecord


class AuditLog:
    """Writes the audit entries of one desk into the journal."""

    def __init__(self, journal: AsyncJournal, desk: Desk) -> None:
        self._journal = journal
        self._desk = desk

    async def preferences(
        self, studio_id: int, customer_id: int, *, request_id: str, before: Matrix, after: Matrix | None,
        intent: Intent, outcome: str, http_status: int | None, trace_id: str | None,
    ) -> None:
        """One save of a member's preferences that reached the server (`after`: the re-read)."""
        await self._journal.add_audit(
            "preferences", request_id=request_id, studio_id=studio_id, customer_id=customer_id,
            staff=self._desk.staff, workstation=self._desk.workstation,
            before=before.to_wire(), after=after.to_wire() if after is not None else None,
            intent=intent_to_wire(intent), outcome=outcome, http_status=http_status, trace_id=trace_id,
        )

    async def message(
        self, message: MessageRecord, thread: ThreadRecord, *, outcome: str,
        http_status: int | None, trace_id: str | None,
    ) -> None:
        """One message whose request reached the server."""
        # What went out, so the entry reads on its own; the text stays in the message row.
        sent = {"direction": message.direction, "channel": message.channel,
                "category": message.category, "threadId": thread.remote_thread_id,
                "resendOf": message.resend_of}
        await self._journal.add_audit(
            "message", request_id=message.request_id, studio_id=message.studio_id,
            customer_id=thread.customer_id, staff=self._desk.staff, workstation=self._desk.workstation,
            intent=sent, outcome=outcome, http_status=http_status, trace_id=trace_id,
        )

    async def campaign(
        self, campaign: CampaignRecord, *, outcome: str, run_started_at: datetime | None,
        counts: Mapping[str, int], reason: str | None, reason_detail: str | None,
    ) -> None:
        """A run of a campaign that ended or paused, or a campaign cancelled while no run
        held it (`run_started_at` None); `outcome` is the campaign's status now. The entry
        holds the campaign and its targeting, who ran it from when, and the counts per
        outcome of the whole campaign so far."""
        targeting = {"campaign": campaign.name, "campaignId": campaign.id, "category": campaign.category,
                     "channel": campaign.channel, "statuses": list(campaign.statuses),
                     "subject": campaign.subject, "createdBy": campaign.created_by,
                     "createdAt": campaign.created_at.isoformat(),
                     "runStartedAt": run_started_at.isoformat() if run_started_at else None}
        await self._journal.add_audit(
            "campaign", studio_id=campaign.studio_id, staff=self._desk.staff,
            workstation=self._desk.workstation, intent=targeting,
            after={"counts": dict(counts), "reason": reason, "reasonDetail": reason_detail},
            outcome=outcome,
        )
