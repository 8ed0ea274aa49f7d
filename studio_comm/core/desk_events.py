"""What another desk's change means for this desk: the desk events of the feed, read.

Every journal change another desk may be showing appends a desk event in the same
transaction (`studio_comm.journal.desk_events`). `desk_change(event)` reads one into a
`DeskChange`: its kind, the member it is about, the keys of its content, and the views
that show what changed (`View`), which re-read:
- `thread.created`, `thread.updated`: the member's thread list;
- `message.added`, `message.state`: the thread list (last activity, status) and that
  thread's timeline;
- `preferences.saved`: the member's consent matrix (it re-reads and merges the user's
  unsaved changes, as for the webhook) and the audit history;
- `audit.added`: the audit history (a message's entry, a campaign run's, ...);
- `review.cached`: the consent review's row of the member;
- `presence.changed`: who else is at the member (`core.presence`).
A change made at this very desk (`DeskChange.workstation`) is usually on screen already.
Webhook events (source "webhook") are not desk changes: `desk_change` returns None for
them, and for a desk event of a kind this version does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from studio_comm.journal.desk_events import DeskEvent
from studio_comm.journal.feed import FeedEvent

__all__ = ["DeskChange", "DeskEvent", "View", "desk_change"]


class View(StrEnum):
    """What a desk shows that a desk event may have made stale."""

    THREADS = "threads"  # the member's thread list
    TIMELINE = "timeline"  # one thread's messages (`DeskChange.thread_id`)
    PREFERENCES = "preferences"  # the member's consent matrix
    AUDIT = "audit"  # the audit history
    REVIEW = "review"  # the consent review's row of the member
    PRESENCE = "presence"  # who else is at the member


_VIEWS: dict[DeskEvent, frozenset[View]] = {
    DeskEvent.THREAD_CREATED: frozenset({View.THREADS}),
    DeskEvent.THREAD_UPDATED: frozenset({View.THREADS}),
    DeskEvent.MESSAGE_ADDED: frozenset({View.THREADS, View.TIMELINE}),
    DeskEvent.MESSAGE_STATE: frozenset({View.THREADS, View.TIMELINE}),
    DeskEvent.PREFERENCES_SAVED: frozenset({View.PREFERENCES, View.AUDIT}),
    DeskEvent.AUDIT_ADDED: frozenset({View.AUDIT}),
    DeskEvent.REVIEW_CACHED: frozenset({View.REVIEW}),
    DeskEvent.PRESENCE_CHANGED: frozenset({View.PRESENCE}),
}


@dataclass(frozen=True, slots=True)
class DeskChange:
    """One desk event, read. Fields the kind does not carry are None."""

    seq: int  # its place in the studio's feed
    kind: DeskEvent
    customer_id: int | None  # the member; None for an audit entry about no member (a campaign run)
    workstation: str | None  # the desk that made the change
    at: datetime  # when it was written, by the writing desk's clock
    thread_id: int | None = None  # local thread id
    request_id: str | None = None  # a message's, or the audit entry's
    state: str | None = None  # a message's MessageState value
    status: str | None = None  # the thread's status, when the change set one
    audit_id: int | None = None
    action: str | None = None  # the audit entry's action ("preferences", "message", ...)
    outcome: str | None = None  # the audit entry's outcome (a save's: "saved", "conflict", ...)
    staff: str | None = None  # who made it (audit entries, presence)
    activity: str | None = None  # presence: "viewing", "writing", or None when the desk left

    @property
    def views(self) -> frozenset[View]:
        return _VIEWS[self.kind]

    def made_by(self, workstation: str) -> bool:
        return self.workstation == workstation


def desk_change(event: FeedEvent) -> DeskChange | None:
    """`event` read as a desk's change; None for a webhook event or an unknown kind."""
    if event.source != "desk" or event.type not in set(DeskEvent):
        return None
    content: dict[str, Any] = event.content if isinstance(event.content, dict) else {}
    return DeskChange(
        seq=event.seq, kind=DeskEvent(event.type), customer_id=event.entity_id,
        workstation=content.get("workstation"), at=event.received_at, thread_id=content.get("thread"),
        request_id=content.get("request"), state=content.get("state"), status=content.get("status"),
        audit_id=content.get("audit"), action=content.get("action"), outcome=content.get("outcome"),
        staff=content.get("staff"), activity=content.get("activity"),
    )
