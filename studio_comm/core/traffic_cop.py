"""The Traffic Cop: before a desk sends into a thread or saves a member's consent, what did
other desks do there since this desk showed it?

- A thread: `thread_news(thread_id, shown)` are the messages other desks added to the
  thread that are not among `shown`, the request ids of the messages this desk's timeline
  shows. A set, not "after the last one shown": a timeline is ordered by the writers'
  clocks, and a message can commit after a later-numbered one, so a position in the
  timeline could hide a message another desk wrote. A message still pending counts: its
  desk is sending it right now. Messages this workstation wrote are on its screen already.
- A consent save: `mark()` where the studio's feed stands, taken *before* the read of the
  member's preferences that the desk shows; `consent_saved_since(customer_id, mark)` are
  the consent saves other desks made of that member since (who, when, the outcome), read
  from the feed's desk events, which commit with their audit entries: no save is missed,
  whatever the desks' clocks say. A save that changed nothing (conflict, failed) is not
  one. The merge onto a fresh read still decides what is sent (`core.preferences`);
  this is what the user is told first.
Either answer empty: go ahead. Otherwise the UI stops the send or save, shows what is new
and lets the user send anyway, edit first, or discard; the draft stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from studio_comm.core.desk import Desk
from studio_comm.journal import AsyncJournal
from studio_comm.journal.desk_events import DeskEvent
from studio_comm.journal.feed import FeedPosition
from studio_comm.journal.records import MessageRecord

# Save outcomes after which the member's consent may differ from what was shown.
_CHANGED = frozenset({"saved", "differs", "partial", "unknown"})

__all__ = ["FeedPosition", "OtherSave", "TrafficCop"]


@dataclass(frozen=True, slots=True)
class OtherSave:
    """A consent save another desk made."""

    workstation: str | None
    staff: str | None
    at: datetime  # by the saving desk's clock
    outcome: str  # "saved", "differs", "partial" or "unknown"
    request_id: str | None


class TrafficCop:
    """One desk's checks in one studio. Get it as `session.traffic_cop`."""

    def __init__(self, journal: AsyncJournal, studio_id: int, desk: Desk) -> None:
        self._journal = journal
        self._studio_id = studio_id
        self._desk = desk

    async def thread_news(self, thread_id: int, shown: Iterable[str]) -> list[MessageRecord]:
        """Messages other desks added to the thread that this desk does not show, oldest first."""
        seen = set(shown)
        return [m for m in await self._journal.messages(thread_id)
                if m.request_id not in seen and m.workstation != self._desk.workstation]

    async def mark(self) -> FeedPosition:
        """Now, in the studio's feed: take it before reading what the desk will show."""
        return await self._journal.feed_end(self._studio_id)

    async def consent_saved_since(self, customer_id: int, mark: FeedPosition) -> list[OtherSave]:
        """Consent saves of this member by other desks since `mark`, oldest first."""
        saves: list[OtherSave] = []
        position, more = mark, True
        while more:
            batch = await self._journal.events_after(self._studio_id, position, entity_id=customer_id,
                                                     types=[str(DeskEvent.PREFERENCES_SAVED)])
            position, more = batch.position, batch.more
            for event in batch.events:
                content = event.content if isinstance(event.content, dict) else {}
                if event.source != "desk" or content.get("workstation") == self._desk.workstation:
                    continue
                if content.get("outcome") in _CHANGED:
                    saves.append(OtherSave(content.get("workstation"), content.get("staff"), event.received_at,
                                           content["outcome"], content.get("request")))
        return saves
