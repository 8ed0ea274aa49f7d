"""Live updates: what each event of the studio's feed means for a desk, and the consent
history of changes made outside studio-comm.

What an event means (`reaction`), by its type (webhooks.json; entityId is the customer):
- CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED: the member's consent changed somewhere
  (the member app, Magicline's own screens, or studio-comm itself): re-read what is shown;
- CUSTOMER_CREATED, CUSTOMER_UPDATED: the member's details may differ: re-read them where shown;
- CUSTOMER_ACCESS_DISABLED: the member's data can no longer be requested (the API answers
  403 for it from now on); CUSTOMER_DELETED: the member is gone (404). What the journal
  holds about the member stays;
- any other type (a newer vendor's, or a desk's own event): kept in the feed, no reaction.

The consent history (`ConsentHistory.settle`). Magicline stores no author with a consent
change, so a change made outside studio-comm is recorded when its webhook arrives: an
audit entry "preferences_external" (source webhook, with the event's uuid) with `before`,
the last state studio-comm knew, and `after`, a read made after the event arrived. Once
per event however many desks are open: the first desk to claim the event in the journal
settles it (a lease lets another desk take over from one that went away). The rules:
- `after` is a read of the member's preferences made since the event arrived at this
  desk (the open matrix's re-read), else a read made now by the desk settling it;
- `before` is the newest of: what this desk read before the event arrived, the consent
  review's cached row read before it, and the `after` of the member's latest audit entry
  (a save at any desk, or an earlier outside change), also one written since: a save's
  own webhook comes back while its desk is still re-reading and auditing;
- no entry when `before` equals `after` (cell by cell, fixed or not): nothing changed
  that studio-comm did not know, e.g. studio-comm's own save coming back as a webhook, or
  a redelivery under a new uuid. A desk settles an event only after SETTLE_GRACE, and
  after its own save of that member has ended, so that the save's entry is there to
  compare with; a save at another desk that takes longer than that is not told apart;
- a desk that never read the member waits HANDOFF longer before it claims the event, so
  that a desk that has the member open (and knows what it showed) settles it first;
- `before` is None when studio-comm never knew the member's preferences (unknown, not
  empty); a member that cannot be read any more (404/403) settles without an entry.

`Sightings` keeps what a desk read of each member and when, and whose save is under way
at it; the preference editor reports to it. `listen` starts a `FeedListener` for a
studio; its callbacks run on the listener's thread (a UI hands them to its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from studio_comm.api.enums import EventType
from studio_comm.core.audit import EXTERNAL, AuditLog
from studio_comm.core.matrix import Matrix
from studio_comm.core.review import wire_cell_states
from studio_comm.journal import AsyncJournal
from studio_comm.journal.feed import FeedEvent
from studio_comm.journal.listener import FeedListener
from studio_comm.journal.records import CachedPreferences, Claim

log = logging.getLogger(__name__)

SETTLE_GRACE = 1.0  # seconds after an event arrived before it is settled
HANDOFF = 2.0  # seconds more for a desk that never read the member
CLAIM_LEASE = timedelta(seconds=30)  # a claim not settled by then may be taken over
_KNOWN_ACTIONS = ("preferences", EXTERNAL)  # audit entries whose `after` is a known state


class Reaction(StrEnum):
    PREFERENCES = "preferences"  # re-read the member's preferences where shown
    CUSTOMER = "customer"  # re-read the member's details where shown
    ACCESS_DISABLED = "access_disabled"  # the member's data can no longer be requested
    DELETED = "deleted"  # the member is gone
    NONE = "none"


_REACTIONS = {
    EventType.CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED: Reaction.PREFERENCES,
    EventType.CUSTOMER_CREATED: Reaction.CUSTOMER,
    EventType.CUSTOMER_UPDATED: Reaction.CUSTOMER,
    EventType.CUSTOMER_ACCESS_DISABLED: Reaction.ACCESS_DISABLED,
    EventType.CUSTOMER_DELETED: Reaction.DELETED,
}
UNAVAILABLE = (Reaction.ACCESS_DISABLED, Reaction.DELETED)


def reaction(event: FeedEvent) -> Reaction:
    """What `event` asks of a desk; NONE for a type this version does not know and for a
    customer event without a customer."""
    if event.entity_id is None:
        return Reaction.NONE
    return _REACTIONS.get(EventType(event.type), Reaction.NONE) if event.type else Reaction.NONE


def utc_now() -> datetime:
    return datetime.now(UTC)


def listen(journal: AsyncJournal, studio_id: int, on_events: Callable[[list[FeedEvent]], object],
           on_state: Callable[[str], object], *, name: str) -> FeedListener:
    """A started `FeedListener` for the studio's new events (`name`: its connection's
    application_name on PostgreSQL, at most 63 characters)."""
    return FeedListener(journal.journal, studio_id, on_events, on_state, application_name=name[:63]).start()


# --------------------------------------------------------------------------- sightings


@dataclass(frozen=True, slots=True)
class Sighting:
    at: datetime
    preferences: list[dict[str, Any]]  # wire JSON


class Sightings:
    """What this desk read of members' preferences (the newest few reads each, for the
    members read most recently) and whose save is under way here."""

    def __init__(self, *, members: int = 500, reads: int = 4, clock: Callable[[], datetime] = utc_now) -> None:
        self._reads: OrderedDict[int, deque[Sighting]] = OrderedDict()
        self._members = members
        self._keep = reads
        self._clock = clock
        self._saving: dict[int, int] = {}

    def saw(self, customer_id: int, matrix: Matrix) -> None:
        reads = self._reads.pop(customer_id, None) or deque(maxlen=self._keep)
        reads.append(Sighting(self._clock(), matrix.to_wire()))
        self._reads[customer_id] = reads
        while len(self._reads) > self._members:
            self._reads.popitem(last=False)

    def before(self, customer_id: int, moment: datetime) -> Sighting | None:
        """The newest read made before `moment`."""
        return next((s for s in reversed(self._reads.get(customer_id, ())) if s.at < moment), None)

    def since(self, customer_id: int, moment: datetime) -> Sighting | None:
        """The newest read made at `moment` or later."""
        reads = self._reads.get(customer_id)
        return reads[-1] if reads and reads[-1].at >= moment else None

    @contextlib.contextmanager
    def saving(self, customer_id: int) -> Iterator[None]:
        self._saving[customer_id] = self._saving.get(customer_id, 0) + 1
        try:
            yield
        finally:
            self._saving[customer_id] -= 1
            if not self._saving[customer_id]:
                del self._saving[customer_id]

    def is_saving(self, customer_id: int) -> bool:
        return customer_id in self._saving


# --------------------------------------------------------------------------- history


class Settled(StrEnum):
    """What settling one event came to at this desk."""

    RECORDED = "changed"  # an entry "changed outside studio-comm" was written
    UNCHANGED = "unchanged"  # nothing studio-comm did not know: no entry
    UNREADABLE = "unreadable"  # the member can no longer be read: no entry
    ELSEWHERE = "elsewhere"  # another desk settled it
    LOST = "lost"  # another desk took the claim over meanwhile
    IGNORED = "ignored"  # not an outside consent change


def same_preferences(a: Any, b: Any) -> bool:
    """Whether two preference arrays (wire JSON) say the same for every cell."""
    return wire_cell_states(a or ()) == wire_cell_states(b or ())


class ConsentHistory:
    """Settles the consent-change webhooks of one studio for one desk (see the module)."""

    def __init__(self, client: MagiclineClient, journal: AsyncJournal, audit: AuditLog, studio_id: int,
                 sightings: Sightings, *, workstation: str, grace: float = SETTLE_GRACE,
                 handoff: float = HANDOFF, lease: timedelta = CLAIM_LEASE) -> None:
        self.client = client
        self.journal = journal
        self.audit = audit
        self.studio_id = studio_id
        self.sightings = sightings
        self.workstation = workstation
        self.holder = uuid.uuid4().hex  # this run of this desk
        self.grace = grace
        self.handoff = handoff
        self.lease = lease

    async def settle(self, event: FeedEvent, arrived_at: datetime) -> Settled:
        """Settle `event` (arrived at this desk at `arrived_at`), or leave it to the desk
        that claimed it. Raises ApiError for a read that failed otherwise than 404/403
        (the claim then runs out, and another desk may settle the event)."""
        if event.source != "webhook" or reaction(event) is not Reaction.PREFERENCES:
            return Settled.IGNORED
        customer_id = event.entity_id
        assert customer_id is not None  # reaction() said so
        # The review's row as it was: a re-read the event causes overwrites it. (Asked for
        # first thing: the journal's calls run in order, so this one comes before that write.)
        cached = await self.journal.cached_customer(self.studio_id, customer_id)
        wait = self.grace if self.sightings.before(customer_id, arrived_at) is not None else self.grace + self.handoff
        await asyncio.sleep(max(0.0, wait - (utc_now() - arrived_at).total_seconds()))
        recheck = max(self.grace, 0.05)
        while (claim := await self.journal.claim_event(self.studio_id, event.seq, self.holder, self.workstation,
                                                       lease=self.lease)) is Claim.HELD:
            # Another desk is at it (it usually settles within a grace); should it go away
            # unsettled, its lease runs out and this desk takes over.
            await asyncio.sleep(recheck)
            recheck = min(recheck * 2, self.lease.total_seconds())
        if claim is Claim.SETTLED:
            return Settled.ELSEWHERE
        while self.sightings.is_saving(customer_id):
            await asyncio.sleep(0.05)
        after = await self._after(customer_id, arrived_at)
        if after is None:
            outcome, entry = Settled.UNREADABLE, None
        else:
            before = await self._before(customer_id, arrived_at, cached)
            if before is not None and same_preferences(before, after):
                outcome, entry = Settled.UNCHANGED, None
            else:
                outcome = Settled.RECORDED
                entry = self.audit.outside_change(self.studio_id, customer_id, before=before, after=after,
                                                  event=event)
        if not await self.journal.settle_event(event.seq, self.holder, str(outcome), entry):
            return Settled.LOST
        log.info("event %s (%s of customer %s) settled: %s", event.seq, event.type, customer_id, outcome)
        return outcome

    async def _after(self, customer_id: int, arrived_at: datetime) -> list[dict[str, Any]] | None:
        seen = self.sightings.since(customer_id, arrived_at)
        if seen is not None:
            return seen.preferences
        cached = await self.journal.cached_customer(self.studio_id, customer_id)
        if cached is not None and cached.read_at >= arrived_at and cached.preferences is not None:
            return cached.preferences
        try:
            matrix = Matrix(await self.client.get_preferences(customer_id))
        except (errors.NotFoundError, errors.ForbiddenError):
            return None
        self.sightings.saw(customer_id, matrix)
        return matrix.to_wire()

    async def _before(self, customer_id: int, arrived_at: datetime, cached: CachedPreferences | None,
                      ) -> list[dict[str, Any]] | None:
        known: list[tuple[datetime, list[dict[str, Any]]]] = []
        seen = self.sightings.before(customer_id, arrived_at)
        if seen is not None:
            known.append((seen.at, seen.preferences))
        if cached is not None and cached.read_at < arrived_at and cached.preferences is not None:
            known.append((cached.read_at, cached.preferences))
        entries = await self.journal.audit(self.studio_id, customer_id=customer_id, limit=20)
        saved = next((e for e in entries if e.action in _KNOWN_ACTIONS and e.after is not None), None)
        if saved is not None:
            known.append((saved.created_at, saved.after))
        return max(known, key=lambda k: k[0])[1] if known else None
