"""What the journal returns: immutable records, one per row.

Enum-like fields hold the API's wire strings ("TEXT_MESSAGE", "OUTGOING", "CLOSED"), so a
value a newer API introduced survives a round trip. Every datetime is timezone-aware UTC.
JSON fields (audit before/after/intent, cached preferences) are plain lists and dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class MessageState(StrEnum):
    """A message's life: written `pending` before its request leaves, then one outcome.

    `failed`: not sent, or refused without acting (safe to send again); `rejected`: the
    server said no (its message is kept); `unknown`: the request may or may not have
    reached the server (timeout, crash mid-send). Stored as these lowercase strings.
    """

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


# The states a user may decide to send again (as a new message row).
RESENDABLE = frozenset({MessageState.FAILED, MessageState.UNKNOWN, MessageState.REJECTED})


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """A studio connection as staff named it. The API key is never stored here."""

    name: str
    base_url: str
    studio_id: int | None
    studio_name: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ThreadRecord:
    id: int  # local id; the API cannot list threads, so this is how the app knows one
    studio_id: int
    customer_id: int
    remote_thread_id: int | None  # Magicline's threadId, once the first POST answered
    subject: str
    status: str
    category: str | None
    created_at: datetime
    updated_at: datetime  # last activity: a message added or the status changed

    @property
    def last_activity(self) -> datetime:
        return self.updated_at


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    request_id: str  # also the X-Request-Id of the request that carried it
    thread_id: int  # local thread id
    studio_id: int
    customer_id: int
    direction: str
    channel: str
    category: str | None
    subject: str
    content: str
    agent: str | None
    communication_time: datetime | None  # a back-dated logged call; None = when sent
    thread_status: str | None  # the thread status sent with this message
    state: str  # a MessageState value
    communication_id: int | None
    error: str | None
    http_status: int | None
    trace_id: str | None
    workstation: str | None
    staff: str | None
    created_at: datetime
    updated_at: datetime
    resend_of: str | None  # request id of the message this one sends again


@dataclass(frozen=True, slots=True)
class DraftRecord:
    """A text typed for a member and not sent yet, as this desk left it."""

    studio_id: int
    customer_id: int
    thread_id: int | None  # local thread id; None = the first message of a new thread
    workstation: str
    subject: str
    content: str
    fields: dict[str, Any]  # the compose choices: direction, channel, category, status
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    request_id: str | None
    action: str  # e.g. "preferences", "message"
    studio_id: int | None
    customer_id: int | None
    staff: str | None
    workstation: str | None
    before: Any
    after: Any
    intent: Any
    outcome: str | None
    http_status: int | None
    trace_id: str | None
    created_at: datetime

    @property
    def at(self) -> datetime:
        return self.created_at


@dataclass(frozen=True, slots=True)
class CachedPreferences:
    """One customer's preferences as the consent review last read them."""

    studio_id: int
    customer_id: int
    customer_number: str | None
    name: str | None
    status: str | None  # customer status (MEMBER, PROSPECT, FORMER_MEMBER)
    preferences: list[Any] | None  # wire-format list; None when it could not be read
    error: str | None  # e.g. NOT_FOUND when the customer is gone
    read_at: datetime


@dataclass(frozen=True, slots=True)
class CacheSummary:
    """How much of a studio the preference cache holds, and how old it is."""

    count: int
    oldest: datetime | None
    newest: datetime | None
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CustomerExport:
    """Everything the journal holds about one member (a data-protection access request)."""

    studio_id: int
    customer_id: int
    preferences: CachedPreferences | None
    threads: list[ThreadRecord]
    messages: list[MessageRecord]  # of those threads, oldest first
    audit: list[AuditEntry]  # newest first


class CampaignStatus(StrEnum):
    """Where a campaign stands. A `running` campaign whose lease expired is read as paused:
    its run stopped without saying so (a crash, a kill, a lost connection)."""

    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class CampaignOutcome(StrEnum):
    """What became of one member of a campaign: the ledger row's outcome.

    `pending`: not reached yet. `sending`: written (with the message's request id) before
    the member's fresh consent read and POST; the answer settles it. A `sending` row found
    by the next run is settled from the message it names: its request never left when
    there is no message, the message's state otherwise (a message still `pending` is
    `unknown`). `failed`: not sent, safe to try again (the next run does); `unknown`: may
    have arrived, never sent again automatically. The `skipped_*` outcomes sent nothing.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED_CONSENT = "skipped_consent"  # consent off (or not offered) at send time
    SKIPPED_UNAVAILABLE = "skipped_unavailable"  # access disabled (403) or deleted (404)
    SKIPPED_UNFILLED = "skipped_unfilled"  # a variable without a value for this member
    FAILED = "failed"
    UNKNOWN = "unknown"


# A member in one of these outcomes is still to be tried by the campaign.
CAMPAIGN_OPEN = frozenset({CampaignOutcome.PENDING, CampaignOutcome.SENDING, CampaignOutcome.FAILED})


@dataclass(frozen=True, slots=True)
class CampaignLease:
    """The desk whose run holds a campaign, until `expires_at` unless it renews."""

    token: str  # one per run
    workstation: str
    staff: str | None
    host: str  # the computer's name, to tell a dead process on this computer from a live one
    pid: int
    started_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    id: int
    studio_id: int
    name: str  # unique per studio
    category: str  # MessageCategory wire value
    channel: str  # Channel wire value
    statuses: list[str]  # the customer statuses it targets
    subject: str  # with variables, as written
    body: str
    created_by: str | None
    created_workstation: str | None
    created_at: datetime
    targeted_at: datetime | None  # when every targeted member had a ledger row
    status: str  # a CampaignStatus value, as last written (see `lease`)
    reason: str | None  # why it paused: a code the UI and the command line word
    reason_detail: str | None  # e.g. the last error, in English
    lease: CampaignLease | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CampaignMember:
    """One row of a campaign's ledger: one targeted member and what became of them."""

    campaign_id: int
    customer_id: int
    customer_number: str | None
    first_name: str | None
    last_name: str | None
    customer_status: str | None
    outcome: str  # a CampaignOutcome value
    request_id: str | None  # the message's request id (its X-Request-Id), once sending
    thread_id: int | None  # the local thread of the message
    remote_thread_id: int | None  # Magicline's threadId, once sent
    detail: str | None  # why skipped or failed (consent reason, variables, error)
    http_status: int | None
    workstation: str | None
    updated_at: datetime

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or f"#{self.customer_id}"


@dataclass(frozen=True, slots=True)
class SavedReplyRecord:
    """One of a studio's saved replies: a text staff insert with a short code or the picker."""

    id: int
    studio_id: int
    name: str
    code: str  # casefolded; typed as "/code" in the message text
    category: str | None  # MessageCategory wire value the compose area takes; None keeps its choice
    channel: str | None  # Channel wire value, likewise
    subject: str  # with variables, as written
    body: str
    usage_count: int  # how often it was inserted, at every desk
    last_used_at: datetime | None
    revision: int  # 1 when created, one more with every edit
    created_by: str | None
    created_workstation: str | None
    created_at: datetime
    updated_by: str | None
    updated_workstation: str | None
    updated_at: datetime


class Claim(StrEnum):
    """A desk's claim on settling an event of the feed (`Journal.claim_event`)."""

    MINE = "mine"  # this desk holds it now: it settles the event
    HELD = "held"  # another desk holds it and its lease has not run out yet
    SETTLED = "settled"  # settled already (by whichever desk)


class Activity(StrEnum):
    """What a desk is doing with the member it has open."""

    VIEWING = "viewing"
    WRITING = "writing"  # text is typed into the compose box of `thread_id` (None: a new thread)


@dataclass(frozen=True, slots=True)
class PresenceRecord:
    """One desk at one member, as it last announced itself."""

    studio_id: int
    workstation: str
    staff: str | None
    customer_id: int
    thread_id: int | None  # the local thread being written in; None: none, or a new thread
    activity: str  # an Activity value
    seen_at: datetime  # the database's clock at its last announcement or heartbeat
