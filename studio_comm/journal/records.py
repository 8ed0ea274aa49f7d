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


class Claim(StrEnum):
    """A desk's claim on settling an event of the feed (`Journal.claim_event`)."""

    MINE = "mine"  # this desk holds it now: it settles the event
    HELD = "held"  # another desk holds it and its lease has not run out yet
    SETTLED = "settled"  # settled already (by whichever desk)
