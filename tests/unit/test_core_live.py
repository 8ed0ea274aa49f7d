"""Live updates in the core: what each feed event means for a desk, and the consent history of
changes made outside studio-comm, settled once by whichever desk claims the event first.

Two desks are two `StudioSession`s on one journal (SQLite and PostgreSQL) talking to the
sandbox over loopback; the sandbox changes consent as the member app does, and the event
is appended to the feed as the relay appends it (the relay's own path is tested with it in
tests/ui/test_ui_live.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import uuid
from datetime import timedelta

import pytest

from studio_comm.api.enums import EventType
from studio_comm.core.live import Reaction, Settled, reaction, same_preferences, utc_now
from studio_comm.core.matrix import Matrix
from studio_comm.journal.feed import FeedEvent, NewEvent
from studio_comm.journal.records import Claim
from studio_comm.sandbox import demo_data
from tests.fixtures.core import member_with, studio_session

STUDIO = demo_data.STUDIO_ID
PREFERENCES = EventType.CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED


def event(type_: str, entity: int | None = 42, source: str = "webhook") -> FeedEvent:
    return FeedEvent(1, STUDIO, source, type_, entity, str(uuid.uuid4()), 0, None, utc_now(), None)


def test_each_event_type_asks_for_its_reaction_and_unknown_ones_for_none():
    assert [reaction(event(t)) for t in EventType] == [
        Reaction.PREFERENCES, Reaction.CUSTOMER, Reaction.CUSTOMER, Reaction.DELETED, Reaction.ACCESS_DISABLED]
    assert reaction(event("CUSTOMER_CONTRACT_SIGNED")) is Reaction.NONE  # a newer vendor's: kept, no reaction
    assert reaction(event("")) is Reaction.NONE
    assert reaction(event(PREFERENCES, entity=None)) is Reaction.NONE
    assert reaction(event(PREFERENCES, source="desk")) is Reaction.PREFERENCES


def editable_cell(matrix: Matrix):
    return next(c for c in matrix.cells() if matrix.editable(c))


def flipped(matrix: Matrix, cell) -> list[dict]:
    """The member app's change: `cell` switched over, everything else as read."""
    wire = copy.deepcopy(matrix.to_wire())
    for pref in wire:
        for channel in pref["channels"]:
            if (pref["messageCategory"], channel["communicationChannel"]) == (cell[0].value, cell[1].value):
                channel["active"] = not channel["active"]
    return wire


def arrive(journal, customer_id: int) -> FeedEvent:
    """The webhook as the relay stores it; returns the event as a desk reads it."""
    stored = journal.append_events([NewEvent(STUDIO, PREFERENCES, "webhook", customer_id, str(uuid.uuid4()), 0,
                                             1_700_000_000_000)])[0]
    return next(e for e in journal.events_after(STUDIO).events if e.seq == stored.seq)


@contextlib.asynccontextmanager
async def two_desks(sandbox, journal):
    async with studio_session(sandbox, journal, workstation="desk-1") as one, \
            studio_session(sandbox, journal, workstation="desk-2", staff="Jonas") as two:
        for session in (one, two):
            session.history.grace, session.history.handoff = 0.1, 0.5
        yield one, two


def externals(journal) -> list:
    return [e for e in journal.audit(STUDIO) if e.action == "preferences_external"]


def test_a_change_in_the_member_app_is_recorded_once_by_the_desk_that_showed_the_member(sandbox, journal):
    async def main():
        async with two_desks(sandbox, journal) as (shown, other):
            customer_id, _ = await member_with(shown, lambda m: any(m.editable(c) for c in m.cells()))
            editor = shown.preferences(customer_id)
            before = await editor.load()
            cell = editable_cell(before)
            await asyncio.to_thread(sandbox.admin.set_preferences, customer_id, flipped(before, cell), "member")
            arrived = utc_now()
            feed_event = arrive(journal, customer_id)
            await editor.reload()  # the open matrix re-reads on the event
            results = await asyncio.gather(shown.history.settle(feed_event, arrived),
                                           other.history.settle(feed_event, arrived))
            return results, before, editor.matrix, feed_event, cell

    results, before, after, feed_event, cell = asyncio.run(main())
    assert results == [Settled.RECORDED, Settled.ELSEWHERE]
    [entry] = externals(journal)
    assert (entry.customer_id, entry.workstation, entry.staff, entry.outcome) == (
        entry.customer_id, "desk-1", None, "changed")
    assert entry.before == before.to_wire() and entry.after == after.to_wire()
    assert after.active(cell) is not before.active(cell)
    assert entry.intent["via"] == "webhook" and entry.intent["uuid"] == feed_event.uuid
    assert entry.intent["seq"] == feed_event.seq and entry.intent["type"] == PREFERENCES
    # And it reads as the change of that one cell.
    from studio_comm.core.audit import AuditRecord

    [change] = AuditRecord.of(entry).changes
    assert change.cell == (cell[0].value, cell[1].value) and change.before.active is before.active(cell)


def test_a_save_at_a_desk_coming_back_as_a_webhook_is_not_recorded_as_outside(sandbox, journal):
    async def main():
        async with two_desks(sandbox, journal) as (saving, other):
            for session in (saving, other):
                session.history.grace = 1.0  # the default: the save's audit entry lands meanwhile
            customer_id, _ = await member_with(saving, lambda m: any(m.editable(c) for c in m.cells()))
            watching = other.preferences(customer_id)
            await watching.load()  # the other desk has the member open too
            editor = saving.preferences(customer_id)
            shown = await editor.load()
            cell = editable_cell(shown)
            editor.set(cell, not shown.active(cell))
            await asyncio.to_thread(sandbox.admin.reset_received)
            save = asyncio.create_task(editor.save())
            while not any(r["method"] == "PUT" for r in await asyncio.to_thread(sandbox.admin.received)):
                await asyncio.sleep(0.001)
            # The PUT's webhook reaches both desks, perhaps while the save still re-reads.
            arrived = utc_now()
            feed_event = arrive(journal, customer_id)
            await watching.reload()
            results = await asyncio.gather(saving.history.settle(feed_event, arrived),
                                           other.history.settle(feed_event, arrived))
            return results, (await save).outcome

    results, outcome = asyncio.run(main())
    assert outcome == "saved"
    assert sorted(results) == sorted([Settled.UNCHANGED, Settled.ELSEWHERE])
    assert externals(journal) == []
    assert [e.action for e in journal.audit(STUDIO)] == ["preferences"]


def test_an_event_that_changed_nothing_studio_comm_did_not_know_writes_no_entry(sandbox, journal):
    async def main():
        async with studio_session(sandbox, journal) as desk:
            desk.history.grace = 0.1
            customer_id, matrix = await member_with(desk, lambda m: True)
            await desk.preferences(customer_id).load()
            # Magicline re-sends the same state (an unchanged save in its own screens).
            await asyncio.to_thread(sandbox.admin.set_preferences, customer_id, matrix.to_wire(), "member")
            return await desk.history.settle(arrive(journal, customer_id), utc_now())

    assert asyncio.run(main()) is Settled.UNCHANGED
    assert journal.audit(STUDIO) == []


def test_a_member_nobody_had_read_is_recorded_with_before_unknown(sandbox, journal):
    async def main():
        async with studio_session(sandbox, journal) as desk:
            desk.history.grace, desk.history.handoff = 0.1, 0.1
            customer_id, matrix = await member_with(desk, lambda m: any(m.editable(c) for c in m.cells()))
            desk.sightings = type(desk.sightings)()  # member_with's read is not what the desk showed
            desk.history.sightings = desk.sightings
            changed = flipped(matrix, editable_cell(matrix))
            await asyncio.to_thread(sandbox.admin.set_preferences, customer_id, changed, "member")
            return await desk.history.settle(arrive(journal, customer_id), utc_now()), changed

    result, changed = asyncio.run(main())
    assert result is Settled.RECORDED
    [entry] = externals(journal)
    assert entry.before is None and same_preferences(entry.after, changed)


def test_a_member_deleted_before_the_event_is_settled_leaves_no_entry(sandbox, journal):
    async def main():
        async with studio_session(sandbox, journal) as desk:
            desk.history.grace, desk.history.handoff = 0.1, 0.1
            customer_id, _ = await member_with(desk, lambda m: True)
            feed_event = arrive(journal, customer_id)
            await asyncio.to_thread(sandbox.admin.delete_customer, customer_id)
            return await desk.history.settle(feed_event, utc_now())

    assert asyncio.run(main()) is Settled.UNREADABLE
    assert journal.audit(STUDIO) == []


def test_an_event_claimed_by_a_desk_that_went_away_is_settled_after_its_lease(sandbox, journal):
    async def main():
        async with studio_session(sandbox, journal) as desk:
            history = desk.history
            history.grace, history.handoff, history.lease = 0.1, 0.1, timedelta(seconds=1)
            customer_id, matrix = await member_with(desk, lambda m: any(m.editable(c) for c in m.cells()))
            await asyncio.to_thread(sandbox.admin.set_preferences, customer_id,
                                    flipped(matrix, editable_cell(matrix)), "member")
            feed_event = arrive(journal, customer_id)
            # A desk claimed it and then crashed.
            assert journal.claim_event(STUDIO, feed_event.seq, "crashed", "desk-9") is Claim.MINE
            return await history.settle(feed_event, utc_now())

    assert asyncio.run(main()) is Settled.RECORDED
    [entry] = externals(journal)
    assert entry.workstation == "front-desk-1"


@pytest.mark.parametrize("type_,source", [(EventType.CUSTOMER_UPDATED, "webhook"), (PREFERENCES, "desk")])
def test_other_events_and_desk_events_are_not_settled(sandbox, journal, type_, source):
    async def main():
        async with studio_session(sandbox, journal) as desk:
            return await desk.history.settle(event(type_, source=source), utc_now())

    assert asyncio.run(main()) is Settled.IGNORED
    assert journal.audit(STUDIO) == []
