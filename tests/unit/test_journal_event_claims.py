"""Settling an event of the feed once, however many desks react to it: one claim at a time,
the audit entry written with the settlement or not at all, a claim whose desk went away
taken over after its lease, and desks racing for the same event (threads and processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from studio_comm.journal.feed import NewEvent
from studio_comm.journal.records import Claim

REPO = Path(__file__).resolve().parents[2]
STUDIO = 1210


def webhook(journal, customer: int = 42) -> int:
    event = NewEvent(STUDIO, "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED", "webhook", customer, str(uuid.uuid4()))
    return journal.append_events([event])[0].seq


def outside_entry(customer: int = 42) -> dict:
    return {"action": "preferences_external", "studio_id": STUDIO, "customer_id": customer,
            "workstation": "desk-1", "before": [], "after": [], "outcome": "changed"}


def test_the_first_claim_wins_and_the_settlement_writes_its_audit_entry_once(journal):
    seq = webhook(journal)
    assert journal.claim_event(STUDIO, seq, "desk-1-run", "desk-1") is Claim.MINE
    assert journal.claim_event(STUDIO, seq, "desk-2-run", "desk-2") is Claim.HELD
    assert journal.claim_event(STUDIO, seq, "desk-1-run", "desk-1") is Claim.MINE  # its own, again

    assert not journal.settle_event(seq, "desk-2-run", "changed", outside_entry())  # not its claim
    assert journal.audit(STUDIO) == []
    assert journal.settle_event(seq, "desk-1-run", "changed", outside_entry())
    assert not journal.settle_event(seq, "desk-1-run", "changed", outside_entry())  # settled once

    [entry] = journal.audit(STUDIO)
    assert (entry.action, entry.customer_id, entry.workstation, entry.outcome) == (
        "preferences_external", 42, "desk-1", "changed")
    for holder in ("desk-1-run", "desk-2-run", "desk-3-run"):
        assert journal.claim_event(STUDIO, seq, holder) is Claim.SETTLED


def test_a_settlement_without_an_entry_still_settles(journal):
    seq = webhook(journal)
    assert journal.claim_event(STUDIO, seq, "a") is Claim.MINE
    assert journal.settle_event(seq, "a", "unchanged")
    assert journal.claim_event(STUDIO, seq, "b") is Claim.SETTLED
    assert journal.audit(STUDIO) == []


def test_a_claim_left_unsettled_is_taken_over_after_its_lease(journal):
    seq = webhook(journal)
    assert journal.claim_event(STUDIO, seq, "crashed-desk") is Claim.MINE
    assert journal.claim_event(STUDIO, seq, "other", lease=timedelta(minutes=5)) is Claim.HELD
    # A lease of zero: the first claim is older than it, so it has run out.
    assert journal.claim_event(STUDIO, seq, "other", lease=timedelta(0)) is Claim.MINE
    assert not journal.settle_event(seq, "crashed-desk", "changed", outside_entry())  # it lost the claim
    assert journal.settle_event(seq, "other", "changed", outside_entry())
    assert len(journal.audit(STUDIO)) == 1


def test_threads_racing_for_one_event_settle_it_once(journal):
    seq = webhook(journal)
    barrier = threading.Barrier(6)
    results: list[tuple[Claim, bool]] = []
    lock = threading.Lock()

    def desk(name: str) -> None:
        barrier.wait(timeout=30)
        claim = journal.claim_event(STUDIO, seq, name, name, lease=timedelta(0))
        settled = claim is Claim.MINE and journal.settle_event(seq, name, "changed", outside_entry())
        with lock:
            results.append((claim, settled))

    threads = [threading.Thread(target=desk, args=(f"desk-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 6
    assert sum(settled for _, settled in results) == 1
    assert len(journal.audit(STUDIO)) == 1


DESK = """
import sys
from datetime import timedelta
from studio_comm.journal import Journal
from studio_comm.journal.records import Claim
journal = Journal.open(sys.argv[1])
seq, name = int(sys.argv[2]), sys.argv[3]
entry = {"action": "preferences_external", "studio_id": 1210, "customer_id": 42, "outcome": "changed"}
sys.stdin.readline()  # all desks start together
claim = journal.claim_event(1210, seq, name, name, lease=timedelta(0))
print("settled" if claim is Claim.MINE and journal.settle_event(seq, name, "changed", entry) else "not", flush=True)
journal.close()
"""


def test_desk_processes_racing_for_one_event_settle_it_once(journal, journal_target):
    seq = webhook(journal)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    desks = [subprocess.Popen([sys.executable, "-c", DESK, str(journal_target), str(seq), f"process-{i}"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
             for i in range(4)]
    for desk in desks:
        desk.stdin.write("go\n")
        desk.stdin.flush()
    answers = [desk.communicate(timeout=120)[0].strip() for desk in desks]
    assert sorted(answers) == ["not", "not", "not", "settled"]
    assert len(journal.audit(STUDIO)) == 1


def test_a_customers_events_are_found_by_type(journal):
    new = [NewEvent(STUDIO, t, "webhook", c, str(uuid.uuid4())) for t, c in (
        ("CUSTOMER_ACCESS_DISABLED", 7), ("CUSTOMER_UPDATED", 7), ("CUSTOMER_ACCESS_DISABLED", 8),
        ("CUSTOMER_DELETED", 7))]
    journal.append_events(new)
    journal.append_events([NewEvent(STUDIO + 1, "CUSTOMER_ACCESS_DISABLED", "webhook", 7, str(uuid.uuid4()))])
    found = journal.entity_events(STUDIO, 7, ["CUSTOMER_ACCESS_DISABLED", "CUSTOMER_DELETED"])
    assert [(e.type, e.entity_id, e.studio_id) for e in found] == [
        ("CUSTOMER_ACCESS_DISABLED", 7, STUDIO), ("CUSTOMER_DELETED", 7, STUDIO)]
    assert [e.type for e in journal.entity_events(STUDIO, 7)] == [
        "CUSTOMER_ACCESS_DISABLED", "CUSTOMER_UPDATED", "CUSTOMER_DELETED"]
