"""What a campaign is: its definition, its status, its report, the errors that refuse one.

A campaign is a definition (a name unique in the studio, message category and channel,
the customer statuses it targets, subject and body with variables) and a ledger in the
journal: one row per targeted member, listed once when the first run starts, so every run
resumes from what the ledger says and never from a position in a listing. Each member's
message is a thread of its own in the member's timeline, sent through `Messenger` (fresh
consent read, journal first, never re-sent blindly); the ledger row names the message by
its request id. How a run goes, and what it guarantees: `campaign_run`; the use case the
UI and the command line talk to: `campaigns.Campaigns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from studio_comm.api.models import Channel, Customer, CustomerStatus, MessageCategory
from studio_comm.core.templates import VARIABLES, Rendered, unfilled
from studio_comm.journal import AsyncJournal
from studio_comm.journal.records import (
    CampaignLease,
    CampaignMember,
    CampaignOutcome,
    CampaignRecord,
    CampaignStatus,
)
from studio_comm.journal.schema import utc_now

MAX_NAME = 200  # the journal's column


class StopReason(StrEnum):
    """Why a run stopped before every member had an outcome (the campaign's `reason`)."""

    PAUSED = "paused"  # someone paused it (or stopped the command)
    CANCELLED = "cancelled"
    FAILURES = "failures_in_a_row"  # the service keeps failing: a 503 storm, a lost permission
    KEY_REFUSED = "key_refused"  # 401: the key was revoked or replaced
    JOURNAL_UNAVAILABLE = "journal_unavailable"  # the journal could not record: nothing more is sent
    LEASE_LOST = "lease_lost"  # another desk took the campaign over after this run's lease expired
    FAILED_MEMBERS = "failed_members"  # everyone was tried, some failed: a resume tries them again
    ERROR = "error"  # something this program did not expect (the detail says what)
    INTERRUPTED = "interrupted"  # the run ended without a word (crash, kill): its lease expired


class CampaignError(Exception):
    """A campaign cannot be opened or run as asked; the message says why (English: the
    command line shows it, the UI words each subclass)."""


class DefinitionError(CampaignError, ValueError):
    """The definition cannot be sent as given (empty text, unknown variable, ...)."""


class DefinitionMismatchError(CampaignError):
    """The studio has a campaign of this name with another definition."""

    def __init__(self, campaign: CampaignRecord, fields: Sequence[str]) -> None:
        self.campaign = campaign
        self.fields = tuple(fields)
        super().__init__(
            f"The campaign “{campaign.name}” already exists with another {', '.join(self.fields)}; "
            "running it again continues it with its own definition. Give the same definition, "
            "or choose another name for a new campaign.")


class CampaignCancelledError(CampaignError):
    def __init__(self, campaign: CampaignRecord) -> None:
        self.campaign = campaign
        super().__init__(f"The campaign “{campaign.name}” was cancelled; it is not run again.")


class RunningElsewhereError(CampaignError):
    """Another run holds the campaign's lease: another desk, or another process here."""

    def __init__(self, campaign: CampaignRecord, lease: CampaignLease) -> None:
        self.campaign = campaign
        self.lease = lease
        who = lease.workstation + (f" ({lease.staff})" if lease.staff else "")
        super().__init__(
            f"The campaign “{campaign.name}” is running at {who} since "
            f"{lease.started_at:%Y-%m-%d %H:%M:%S} UTC. It can be taken over once that run stops "
            f"renewing its lease (it runs until {lease.expires_at:%H:%M:%S} UTC unless renewed).")


@dataclass(frozen=True)
class CampaignDefinition:
    """What a campaign sends, to whom: the part of a campaign a person writes."""

    name: str
    category: MessageCategory
    channel: Channel
    statuses: tuple[CustomerStatus, ...]
    subject: str
    body: str

    def checked(self) -> CampaignDefinition:
        """The definition normalised (name trimmed, statuses in a fixed order), or
        DefinitionError saying what cannot be sent."""
        name = self.name.strip()
        if not name or len(name) > MAX_NAME:
            raise DefinitionError(f"A campaign needs a name of 1 to {MAX_NAME} characters.")
        for value, enum, what in ((self.category, MessageCategory, "message category"),
                                  (self.channel, Channel, "channel")):
            if not enum(value).known:
                raise DefinitionError(f"Unknown {what} “{value}”; expected one of {', '.join(enum.__members__)}.")
        statuses = []
        for status in self.statuses:
            if not CustomerStatus(status).known:
                raise DefinitionError(f"Unknown customer status “{status}”; expected one of "
                                      f"{', '.join(CustomerStatus.__members__)}.")
            statuses.append(CustomerStatus(status))
        if not statuses:
            raise DefinitionError("A campaign targets at least one customer status.")
        if not self.subject.strip() or not self.body.strip():
            raise DefinitionError("A campaign needs a subject and a text.")
        if "\x00" in self.subject + self.body:
            raise DefinitionError("The text contains a NUL character; remove it.")
        unknown = [v for v in unfilled(self.subject + "\n" + self.body) if v not in VARIABLES]
        if unknown:
            raise DefinitionError(f"Unknown variable {{{{{unknown[0]}}}}}; the variables are "
                                  f"{', '.join('{{' + v + '}}' for v in VARIABLES)}.")
        order = list(CustomerStatus)
        return replace(self, name=name, category=MessageCategory(self.category), channel=Channel(self.channel),
                       statuses=tuple(sorted(set(statuses), key=order.index)))

    def differences(self, campaign: CampaignRecord) -> list[str]:
        """The fields in which a stored campaign differs from this definition."""
        mine = self.checked()
        fields = []
        for what, stored, given in (("category", campaign.category, mine.category.value),
                                    ("channel", campaign.channel, mine.channel.value),
                                    ("statuses", sorted(campaign.statuses), sorted(s.value for s in mine.statuses)),
                                    ("subject", campaign.subject, mine.subject),
                                    ("body", campaign.body, mine.body)):
            if stored != given:
                fields.append(what)
        return fields


def current_status(campaign: CampaignRecord, now: datetime | None = None) -> tuple[CampaignStatus, str | None]:
    """The campaign's status and reason as a person should read them now: a `running`
    campaign whose lease expired is paused (its run stopped without a word)."""
    status = CampaignStatus(campaign.status)
    if status is CampaignStatus.RUNNING:
        lease = campaign.lease
        if lease is None or lease.expires_at <= (now or utc_now()):
            return CampaignStatus.PAUSED, StopReason.INTERRUPTED.value
    return status, campaign.reason


@dataclass(frozen=True)
class SampleMessage:
    """The campaign's text as one real member would get it."""

    customer: Customer
    subject: Rendered
    body: Rendered


@dataclass(frozen=True)
class CampaignPreview:
    """What the consent review's cache says of a campaign before it starts. Only a
    forecast: each member's consent is read again right before their message."""

    cached: int  # customers of the targeted statuses the cache holds
    consenting: int  # of them, consent on for the campaign's category and channel
    excluded: dict[str, int]  # why the others would be skipped: EXCLUDED_* -> count
    oldest_read: datetime | None  # the oldest of those cached reads
    samples: list[SampleMessage]  # the text rendered for a few members who would get it


# Why the cached consent already excludes a member.
EXCLUDED_OFF = "inactive"  # the member said no (or the studio fixed it off)
EXCLUDED_NOT_OFFERED = "absent"  # the category does not carry this channel for them
EXCLUDED_UNREADABLE = "unreadable"  # the review could not read them (gone, access disabled)


@dataclass(frozen=True)
class CampaignReport:
    """A campaign's outcome so far: counts per outcome (every outcome, zeros included)
    and, when asked for, every member with theirs."""

    campaign: CampaignRecord
    status: CampaignStatus
    reason: str | None
    counts: dict[str, int]
    members: list[CampaignMember] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        """Every targeted member has an outcome that no run will change."""
        return self.campaign.targeted_at is not None and not any(
            self.counts[o] for o in (CampaignOutcome.PENDING, CampaignOutcome.SENDING, CampaignOutcome.FAILED))


def all_counts(found: dict[str, int]) -> dict[str, int]:
    """Counts per outcome with every outcome present, in the enum's order."""
    return {o.value: found.get(o.value, 0) for o in CampaignOutcome}


async def report(journal: AsyncJournal, campaign_id: int, *, members: bool = False) -> CampaignReport:
    """A campaign's report, from the journal alone (the command line needs no connection)."""
    campaign = await journal.campaign(campaign_id)
    if campaign is None:
        raise LookupError(f"There is no campaign {campaign_id} in the journal.")
    counts = all_counts(await journal.campaign_counts(campaign_id))
    rows = await journal.campaign_members(campaign_id) if members else []
    status, reason = current_status(campaign)
    return CampaignReport(campaign, status, reason, counts, rows)

