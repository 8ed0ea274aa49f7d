"""One connected studio: its API client, the shared journal, and who is at the desk.

The GUI makes one `StudioSession` per studio profile and reaches every use case through
it: `search`, `preferences(customer_id)`, `messaging`, `employees()`. `staff` (picked from
the studio's employees, or typed) is the agent of messages and the author of audit
entries; `workstation` names this computer in the journal, which several desks may share.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Employee, StudioInformation
from studio_comm.core.messaging import Messenger
from studio_comm.core.preferences import PreferenceEditor, intent_to_wire
from studio_comm.core.search import CustomerSearch

if TYPE_CHECKING:
    from studio_comm.core.messaging import SendResult
    from studio_comm.core.preferences import SaveAttempt, SaveReport
    from studio_comm.journal import AsyncJournal

log = logging.getLogger(__name__)

# (journal URL, workstation) pairs whose leftovers this process has already settled.
_SETTLED: set[tuple[str, str]] = set()


class StudioSession:
    def __init__(
        self,
        client: MagiclineClient,
        journal: AsyncJournal,
        *,
        profile_name: str,
        workstation: str,
        staff: str | None = None,
    ) -> None:
        self.client = client
        self.journal = journal
        self.profile_name = profile_name
        self.workstation = workstation
        self.staff = staff
        self.studio: StudioInformation | None = None
        self.search = CustomerSearch(client)
        self.messaging = Messenger(self)

    def __repr__(self) -> str:
        return f"StudioSession({self.profile_name!r}, workstation={self.workstation!r})"

    @property
    def studio_id(self) -> int:
        if self.studio is None:
            raise RuntimeError("The session is not connected yet.")
        return self.studio.studio_id

    async def connect(self) -> StudioInformation:
        """Check the key, read the studio, record the profile, settle an earlier crash.

        Messages this workstation left `pending` (the app died while they were out) become
        `unknown`, text intact: nobody can tell whether they arrived.
        """
        await self.client.check_key()
        self.studio = await self.client.studio_information()
        await self.journal.save_profile(
            self.profile_name, self.client.base_url,
            studio_id=self.studio.studio_id, studio_name=self.studio.name,
        )
        # Once per process and journal: a later connect (another profile, a reconnect) must
        # not turn this run's own messages, still out, into `unknown`.
        key = (str(self.journal.journal.engine.url), self.workstation)
        if key not in _SETTLED:
            stale = await self.journal.mark_stale_pending(self.workstation)
            _SETTLED.add(key)
            if stale:
                log.warning("%d message(s) left pending by an earlier run are now unknown", stale)
        return self.studio

    def preferences(self, customer_id: int) -> PreferenceEditor:
        return PreferenceEditor(self, customer_id)

    async def employees(self) -> list[Employee]:
        """The studio's employees, by name (for the staff picker)."""
        found = [e async for e in self.client.employees()]
        return sorted(found, key=lambda e: e.display_name.casefold())

    # ------------------------------------------------------------------ audit

    async def audit_preferences(
        self, customer_id: int, attempt: SaveAttempt, report: SaveReport
    ) -> None:
        after = report.matrix if report.outcome in ("saved", "differs") else None
        await self.journal.add_audit(
            "preferences", request_id=attempt.request_id, studio_id=self.studio_id,
            customer_id=customer_id, staff=self.staff, workstation=self.workstation,
            before=attempt.before.to_wire(), after=after.to_wire() if after else None,
            intent=intent_to_wire(attempt.intent), outcome=report.outcome,
            http_status=attempt.http_status, trace_id=attempt.trace_id,
        )

    async def audit_message(self, result: SendResult, http_status: int | None,
                            trace_id: str | None) -> None:
        message, thread = result.message, result.thread
        # What went out, so the audit reads on its own; the text stays in the message row.
        sent = {"direction": message.direction, "channel": message.channel,
                "category": message.category, "threadId": thread.remote_thread_id,
                "resendOf": message.resend_of}
        await self.journal.add_audit(
            "message", request_id=message.request_id, studio_id=self.studio_id,
            customer_id=thread.customer_id, staff=self.staff, workstation=self.workstation,
            intent=sent, outcome=result.state, http_status=http_status, trace_id=trace_id,
        )
