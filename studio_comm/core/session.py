"""One connected studio: its API client, the shared journal, and who is at the desk.

The composition of the use cases for one studio profile, nothing more: the GUI makes one
`StudioSession` per profile and reaches every use case through it: `search`,
`preferences(customer_id)`, `messaging`, `saved_replies`, `campaigns()`, `history` (consent
changes webhooks tell of), `employees()`, and between desks `presence` and `traffic_cop`;
`sightings` is what this desk has read of members' preferences. Each use case gets its
collaborators (client, journal, audit log, studio id, desk) explicitly. `staff` (picked
from the studio's employees, or typed) is the agent of messages and the author of audit
entries; `workstation` names this computer in the journal, which several desks may share.
"""

from __future__ import annotations

import logging

from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Employee, StudioInformation
from studio_comm.core.audit import AuditLog
from studio_comm.core.campaigns import Campaigns
from studio_comm.core.desk import Desk
from studio_comm.core.live import ConsentHistory, Sightings
from studio_comm.core.messaging import Messenger
from studio_comm.core.preferences import PreferenceEditor
from studio_comm.core.presence import Presence
from studio_comm.core.saved_replies import SavedReplies
from studio_comm.core.search import CustomerSearch
from studio_comm.core.traffic_cop import TrafficCop
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
        self.desk = Desk(workstation, staff)
        self.audit = AuditLog(journal, self.desk)
        self.studio: StudioInformation | None = None
        self.search = CustomerSearch(client)
        self.sightings = Sightings()
        self._messaging: Messenger | None = None
        self._saved_replies: SavedReplies | None = None
        self._history: ConsentHistory | None = None
        self._presence: Presence | None = None
        self._traffic_cop: TrafficCop | None = None

    def __repr__(self) -> str:
        return f"StudioSession({self.profile_name!r}, workstation={self.workstation!r})"

    @property
    def workstation(self) -> str:
        return self.desk.workstation

    @property
    def staff(self) -> str | None:
        return self.desk.staff

    @staff.setter
    def staff(self, name: str | None) -> None:
        self.desk.staff = name

    @property
    def studio_id(self) -> int:
        if self.studio is None:
            raise RuntimeError("The session is not connected yet.")
        return self.studio.studio_id

    @property
    def messaging(self) -> Messenger:
        if self._messaging is None:
            raise RuntimeError("The session is not connected yet.")
        return self._messaging

    @property
    def saved_replies(self) -> SavedReplies:
        if self._saved_replies is None:
            raise RuntimeError("The session is not connected yet.")
        return self._saved_replies

    @property
    def history(self) -> ConsentHistory:
        if self._history is None:
            raise RuntimeError("The session is not connected yet.")
        return self._history

    @property
    def presence(self) -> Presence:
        """This desk's presence for the other desks (start its heartbeat with `start()`)."""
        if self._presence is None:
            raise RuntimeError("The session is not connected yet.")
        return self._presence

    @property
    def traffic_cop(self) -> TrafficCop:
        if self._traffic_cop is None:
            raise RuntimeError("The session is not connected yet.")
        return self._traffic_cop

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
        self._messaging = Messenger(self.client, self.journal, self.audit, self.studio.studio_id, self.desk)
        self._saved_replies = SavedReplies(self.journal, self.studio, self.desk)
        self._history = ConsentHistory(self.client, self.journal, self.audit, self.studio.studio_id, self.sightings,
                                       workstation=self.workstation)
        self._presence = Presence(self.journal, self.studio.studio_id, self.desk)
        self._traffic_cop = TrafficCop(self.journal, self.studio.studio_id, self.desk)
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
        return PreferenceEditor(self.client, self.audit, self.studio_id, customer_id, self.sightings)

    def campaigns(self) -> Campaigns:
        if self.studio is None:
            raise RuntimeError("The session is not connected yet.")
        return Campaigns(self.client, self.journal, self.audit, self.studio, self.desk, self.messaging)

    async def employees(self) -> list[Employee]:
        """The studio's employees, by name (for the staff picker)."""
        found = [e async for e in self.client.employees()]
        return sorted(found, key=lambda e: e.display_name.casefold())
