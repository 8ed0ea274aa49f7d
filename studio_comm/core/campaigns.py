"""One studio's campaigns: the use case behind Manager → Campaigns and `studio-comm campaign`.

Open a campaign (create it, or find the same definition again under its name), preview
one from the consent review's cache, list and report them, run one (start, or resume a
paused one; pause and cancel through the run), cancel one that no run holds. See
`campaign` for what a campaign is and `campaign_run` for what a run guarantees.
"""

from __future__ import annotations

import os
import socket

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Customer, StudioInformation
from studio_comm.core.audit import AuditLog
from studio_comm.core.campaign import (
    EXCLUDED_NOT_OFFERED,
    EXCLUDED_OFF,
    EXCLUDED_UNREADABLE,
    CampaignDefinition,
    CampaignPreview,
    CampaignReport,
    DefinitionMismatchError,
    SampleMessage,
    StopReason,
    all_counts,
    report,
)
from studio_comm.core.campaign_run import CampaignRun
from studio_comm.core.desk import Desk
from studio_comm.core.messaging import Messenger
from studio_comm.core.review import wire_cell_states
from studio_comm.core.templates import render, values_for
from studio_comm.journal import AsyncJournal
from studio_comm.journal.records import CampaignRecord, CampaignStatus


class Campaigns:
    """One studio's campaigns. `messenger` sends each message (as the desk's messages are
    sent); `host` and `pid` name this process in a run's lease (defaults: this one)."""

    def __init__(self, client: MagiclineClient, journal: AsyncJournal, audit: AuditLog,
                 studio: StudioInformation, desk: Desk, messenger: Messenger, *,
                 host: str | None = None, pid: int | None = None) -> None:
        self.client = client
        self.journal = journal
        self.audit = audit
        self.studio = studio
        self.desk = desk
        self.messenger = messenger
        self.host = host or socket.gethostname()
        self.pid = os.getpid() if pid is None else pid

    @property
    def studio_id(self) -> int:
        return self.studio.studio_id

    async def open(self, definition: CampaignDefinition) -> CampaignRecord:
        """The studio's campaign of this name: created from `definition`, or the existing
        one when its definition is the same. Raises DefinitionError or DefinitionMismatchError."""
        d = definition.checked()
        campaign, created = await self.journal.create_campaign(
            self.studio_id, d.name, category=d.category.value, channel=d.channel.value,
            statuses=[s.value for s in d.statuses], subject=d.subject, body=d.body,
            created_by=self.desk.staff, workstation=self.desk.workstation)
        if not created and (fields := d.differences(campaign)):
            raise DefinitionMismatchError(campaign, fields)
        return campaign

    async def find(self, name: str) -> CampaignRecord | None:
        return await self.journal.campaign_named(self.studio_id, name.strip())

    async def campaigns(self) -> list[CampaignRecord]:
        """The studio's campaigns, newest first."""
        return await self.journal.campaigns(self.studio_id)

    async def preview(self, definition: CampaignDefinition, *, samples: int = 3) -> CampaignPreview:
        """What the consent review's cache says of the definition: how many customers of
        its statuses it holds, how many consent, why the others would be skipped, and the
        text rendered for a few members who would get it (read fresh, so the preview
        shows what they would receive now). Nothing is stored or sent."""
        d = definition.checked()
        cell = (d.category.value, d.channel.value)
        records = await self.journal.cached_preferences(self.studio_id, statuses=[s.value for s in d.statuses])
        excluded = {EXCLUDED_OFF: 0, EXCLUDED_NOT_OFFERED: 0, EXCLUDED_UNREADABLE: 0}
        consenting: list[int] = []
        for record in records:
            if record.error is not None or record.preferences is None:
                excluded[EXCLUDED_UNREADABLE] += 1
                continue
            state = wire_cell_states(record.preferences).get(cell)
            if state is None:
                excluded[EXCLUDED_NOT_OFFERED] += 1
            elif state.active:
                consenting.append(record.customer_id)
            else:
                excluded[EXCLUDED_OFF] += 1
        return CampaignPreview(
            cached=len(records), consenting=len(consenting), excluded=excluded,
            oldest_read=min((r.read_at for r in records), default=None),
            samples=await self._samples(d, consenting, samples))

    async def _samples(self, d: CampaignDefinition, consenting: list[int], count: int) -> list[SampleMessage]:
        candidates: list[Customer] = []
        for customer_id in consenting[:count]:
            try:
                candidates.append(await self.client.customer(customer_id))
            except (errors.NotFoundError, errors.ForbiddenError):
                continue  # gone since the review read them
        if not candidates:  # no review yet: the first members of the first status
            async for page in self.client.customer_slices(d.statuses[0], slice_size=50):
                candidates = page.result[:count]
                break
        found = []
        for customer in candidates:
            values = values_for(customer, staff=self.desk.staff, studio=self.studio)
            found.append(SampleMessage(customer, render(d.subject, values), render(d.body, values)))
        return found

    async def report(self, campaign_id: int, *, members: bool = False) -> CampaignReport:
        return await report(self.journal, campaign_id, members=members)

    def run(self, campaign: CampaignRecord, **options) -> CampaignRun:
        """A run of the campaign (start, or resume a paused one): `await run.execute()`;
        `run.pause()` and `run.cancel()` stop it; `run.progress` is its state now.
        Options: see `CampaignRun`."""
        return CampaignRun(self, campaign, **options)

    async def cancel(self, campaign: CampaignRecord) -> bool:
        """Cancel a campaign no run holds (a running one: `run.cancel()`); False when a run
        holds it. Members not reached stay `pending`, and nothing more is sent."""
        done = await self.journal.release_campaign_lease(campaign.id, None, status=CampaignStatus.CANCELLED.value,
                                                         reason=StopReason.CANCELLED.value)
        if done:
            found = await self.journal.campaign(campaign.id) or campaign
            counts = all_counts(await self.journal.campaign_counts(campaign.id))
            await self.audit.campaign(found, outcome=CampaignStatus.CANCELLED.value, run_started_at=None,
                                      counts=counts, reason=StopReason.CANCELLED.value, reason_detail=None)
        return done
