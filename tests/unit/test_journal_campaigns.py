"""The journal's campaigns: one name per studio, one ledger row per member whose outcome
changes only from the state its writer expects, and one lease holder at a time, on SQLite
and PostgreSQL (several connections racing for the lease at once included)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from studio_comm.journal import Journal
from studio_comm.journal.campaigns import LeaseHolder, database_now

STUDIO = 1210005678


def new_campaign(journal: Journal, name: str = "Opening hours", studio: int = STUDIO):
    return journal.create_campaign(studio, name, category="NEWSLETTER", channel="EMAIL", statuses=["MEMBER"],
                                   subject="New hours", body="Hello {{member.first_name|there}}",
                                   created_by="Anna K.", workstation="desk-1")


def holder(token: str, workstation: str = "desk-1", host: str = "pc-1", pid: int = 4242) -> LeaseHolder:
    return LeaseHolder(token, workstation, "Anna K.", host, pid)


def members(*ids: int) -> list[dict]:
    return [{"customer_id": i, "customer_number": str(i - 990_000), "first_name": f"F{i}", "last_name": "L",
             "customer_status": "MEMBER"} for i in ids]


def test_a_name_is_one_campaign_per_studio(journal):
    first, created = new_campaign(journal)
    again, created_again = new_campaign(journal)
    other, created_other = new_campaign(journal, studio=STUDIO + 1)
    assert created and not created_again and created_other
    assert again.id == first.id and other.id != first.id
    assert (first.status, first.statuses, first.created_by, first.lease) == ("created", ["MEMBER"], "Anna K.", None)
    assert [c.id for c in journal.campaigns(name="Opening hours")] == [other.id, first.id]
    assert journal.campaign_named(STUDIO, "Opening hours") == first


def test_a_member_has_one_ledger_row_and_listing_again_keeps_its_outcome(journal):
    campaign, _ = new_campaign(journal)
    assert journal.add_campaign_members(campaign.id, members(1_000_001, 1_000_002)) == 2
    assert journal.start_campaign_send(campaign.id, 1_000_001, "r-1", "desk-1")
    assert journal.settle_campaign_member(campaign.id, 1_000_001, "sent", request_id="r-1", remote_thread_id=77)
    # A listing interrupted by a crash runs again: the rows already there stay as they are.
    assert journal.add_campaign_members(campaign.id, members(1_000_001, 1_000_002, 1_000_003)) == 1
    rows = journal.campaign_members(campaign.id)
    assert [(r.customer_id, r.outcome) for r in rows] == [
        (1_000_001, "sent"), (1_000_002, "pending"), (1_000_003, "pending")]
    assert rows[0].remote_thread_id == 77 and rows[0].request_id == "r-1" and rows[0].name == "F1000001 L"
    assert journal.campaign_counts(campaign.id) == {"sent": 1, "pending": 2}
    assert journal.mark_campaign_targeted(campaign.id).targeted_at is not None


def test_an_outcome_is_written_only_from_the_state_its_writer_expects(journal):
    campaign, _ = new_campaign(journal)
    journal.add_campaign_members(campaign.id, members(1_000_001, 1_000_002, 1_000_003))
    cid = campaign.id
    assert journal.start_campaign_send(cid, 1_000_001, "r-1", "desk-1")
    assert not journal.start_campaign_send(cid, 1_000_001, "r-2", "desk-2")  # not pending any more
    assert not journal.settle_campaign_member(cid, 1_000_001, "sent", request_id="r-2")  # another try's id
    assert not journal.settle_campaign_member(cid, 1_000_001, "skipped_unfilled", request_id=None)  # not pending
    assert journal.settle_campaign_member(cid, 1_000_001, "unknown", request_id="r-1", detail="no answer")
    assert not journal.settle_campaign_member(cid, 1_000_001, "sent", request_id="r-1")  # settled already
    assert journal.settle_campaign_member(cid, 1_000_002, "skipped_unfilled", request_id=None,
                                          detail="member.customer_number")
    rows = {r.customer_id: r for r in journal.campaign_members(cid)}
    assert (rows[1_000_001].outcome, rows[1_000_001].detail) == ("unknown", "no answer")
    assert rows[1_000_002].outcome == "skipped_unfilled"
    with pytest.raises(Exception, match="ck_campaign_ledger_outcome|CHECK constraint"):
        journal.settle_campaign_member(cid, 1_000_003, "delivered", request_id=None)


def test_leftovers_name_their_message_and_failed_members_are_reopened_with_their_request_id(journal):
    campaign, _ = new_campaign(journal)
    cid = campaign.id
    journal.add_campaign_members(cid, members(1_000_001, 1_000_002, 1_000_003))
    thread = journal.add_thread(STUDIO, 1_000_001, "New hours", "CREATED", "NEWSLETTER")
    journal.start_campaign_send(cid, 1_000_001, "r-1", "desk-1")
    journal.add_message("r-1", thread.id, "OUTGOING", "EMAIL", "New hours", "Hello", category="NEWSLETTER")
    journal.start_campaign_send(cid, 1_000_002, "r-2", "desk-1")  # killed before its message was written
    journal.start_campaign_send(cid, 1_000_003, "r-3", "desk-1")
    journal.settle_campaign_member(cid, 1_000_003, "failed", request_id="r-3", detail="503")

    left = journal.campaign_leftovers(cid)
    assert [(m.customer_id, message.request_id if message else None) for m, message in left] == [
        (1_000_001, "r-1"), (1_000_002, None)]
    assert left[0][1].state == "pending"
    assert journal.reopen_failed_campaign_members(cid) == 1
    [reopened] = journal.campaign_members(cid, ["pending"])
    assert (reopened.customer_id, reopened.request_id) == (1_000_003, "r-3")


def test_one_lease_holder_at_a_time_until_it_releases(journal):
    campaign, _ = new_campaign(journal)
    taken, held = journal.acquire_campaign_lease(campaign.id, holder("run-a"), 60)
    assert taken and held.status == "running"
    assert (held.lease.token, held.lease.workstation, held.lease.staff, held.lease.host, held.lease.pid) == (
        "run-a", "desk-1", "Anna K.", "pc-1", 4242)
    taken_b, seen = journal.acquire_campaign_lease(campaign.id, holder("run-b", "desk-2", "pc-2"), 60)
    assert not taken_b and seen.lease.token == "run-a"  # desk 2 sees who holds it
    assert journal.renew_campaign_lease(campaign.id, "run-a", 60) > held.lease.expires_at - timedelta(seconds=1)
    assert journal.renew_campaign_lease(campaign.id, "run-b", 60) is None
    assert not journal.release_campaign_lease(campaign.id, "run-b", status="paused")
    assert not journal.release_campaign_lease(campaign.id, None, status="cancelled")  # a live run holds it
    assert journal.release_campaign_lease(campaign.id, "run-a", status="paused", reason="paused")
    paused = journal.campaign(campaign.id)
    assert (paused.status, paused.reason, paused.lease) == ("paused", "paused", None)
    assert journal.acquire_campaign_lease(campaign.id, holder("run-b", "desk-2", "pc-2"), 60)[0]


def test_an_expired_lease_can_be_taken_over_and_its_holder_cannot_renew_it(journal):
    campaign, _ = new_campaign(journal)
    _, held = journal.acquire_campaign_lease(campaign.id, holder("run-a"), 0.5)
    assert not journal.acquire_campaign_lease(campaign.id, holder("run-b", "desk-2", "pc-2"), 60)[0]
    deadline = time.monotonic() + 30
    with journal.engine.connect() as conn:
        while database_now(conn) <= held.lease.expires_at:  # by the database's clock, as the lease
            assert time.monotonic() < deadline
            time.sleep(0.05)
    taken, now_held = journal.acquire_campaign_lease(campaign.id, holder("run-b", "desk-2", "pc-2"), 60)
    assert taken and now_held.lease.workstation == "desk-2"
    assert journal.renew_campaign_lease(campaign.id, "run-a", 60) is None  # run A learns it lost it
    assert not journal.release_campaign_lease(campaign.id, "run-a", status="paused")


def test_a_named_dead_holder_is_taken_over_and_a_cancelled_campaign_never(journal):
    campaign, _ = new_campaign(journal)
    journal.acquire_campaign_lease(campaign.id, holder("run-a"), 60)
    assert not journal.acquire_campaign_lease(campaign.id, holder("run-b"), 60, take_over="run-x")[0]
    assert journal.acquire_campaign_lease(campaign.id, holder("run-b"), 60, take_over="run-a")[0]
    assert journal.release_campaign_lease(campaign.id, "run-b", status="cancelled", reason="cancelled")
    taken, seen = journal.acquire_campaign_lease(campaign.id, holder("run-c"), 60)
    assert not taken and seen.status == "cancelled" and seen.lease is None


def test_desks_racing_for_one_lease_get_one_holder(journal_target):
    setup = Journal.open(journal_target)
    campaign, _ = new_campaign(setup)
    desks = [Journal.open(journal_target) for _ in range(6)]
    start = threading.Barrier(len(desks))
    won: list[str] = []

    def race(index: int, desk: Journal) -> None:
        start.wait()
        if desk.acquire_campaign_lease(campaign.id, holder(f"run-{index}", f"desk-{index}"), 60)[0]:
            won.append(f"run-{index}")

    threads = [threading.Thread(target=race, args=(i, d)) for i, d in enumerate(desks)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(won) == 1
        assert setup.campaign(campaign.id).lease.token == won[0]
    finally:
        for desk in desks:
            desk.close()
        setup.close()
