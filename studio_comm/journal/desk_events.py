"""The desks' own events in the studio's feed: one per journal change another desk may show.

Each journal write that another desk may be showing (a thread, a message and its state,
an audit entry, a consent save, a review's cache row, presence) appends one event of
source "desk" in the same transaction as the change itself, as its last statement
(`feed.append` on the write's connection; see the feed's order lock): a desk never reads
an event for a change that did not commit, nor a change without its event, and on
PostgreSQL the notification goes out at that commit. Like every feed event, a desk event
carries no data: `entity_id` is the member's customer id (None for an entry about no
member), `content` holds the small keys a desk needs to decide what to re-read, among
them the workstation that made the change. The types are lowercase and dotted, so they
can never be mistaken for one of Magicline's webhook types (UPPER_SNAKE_CASE).

What each kind means for a desk is described in `studio_comm.core.desk_events`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from studio_comm.journal.feed import NewEvent


class DeskEvent(StrEnum):
    """The type of a desk event, and the keys of its content."""

    THREAD_CREATED = "thread.created"  # thread, status, workstation
    THREAD_UPDATED = "thread.updated"  # thread, status, workstation
    MESSAGE_ADDED = "message.added"  # thread, request, state, workstation
    MESSAGE_STATE = "message.state"  # thread, request, state, workstation (+ status: the thread's, when it changed)
    PREFERENCES_SAVED = "preferences.saved"  # audit, action, request, outcome, workstation, staff
    AUDIT_ADDED = "audit.added"  # audit, action, request, outcome, workstation, staff (any other entry)
    REVIEW_CACHED = "review.cached"  # workstation
    PRESENCE_CHANGED = "presence.changed"  # workstation, staff, thread, activity (None: gone)


def desk_event(studio_id: int, kind: DeskEvent, customer_id: int | None, **content: Any) -> NewEvent:
    """A desk event about one member (`customer_id`), with its content keys."""
    return NewEvent(studio_id, str(kind), "desk", customer_id, content=content)

