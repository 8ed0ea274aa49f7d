"""Desk events: every journal change another desk may show appends exactly one event, in the
same transaction (a change that never committed leaves none: the writer is SIGKILLed at its
COMMIT), and `core.desk_events` reads each into what a desk re-reads. Real SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from studio_comm.core.desk_events import View, desk_change
from studio_comm.journal import Journal
from studio_comm.journal.feed import NewEvent

ROOT = Path(__file__).resolve().parents[2]
STUDIO = 1210


def desk_events(journal, studio=STUDIO):
    return [(e.type, e.entity_id, e.content) for e in journal.events_after(studio).events]


def test_each_change_appends_one_event_naming_what_changed(journal):
    thread = journal.add_thread(STUDIO, 7, "Vertrag", "CREATED", "CONTRACT", workstation="desk-1")
    journal.add_message("r-1", thread.id, "OUTGOING", "EMAIL", "Vertrag", "Hallo", workstation="desk-1",
                        staff="Aylin D.")
    journal.mark_message("r-1", "sent", communication_id=91, remote_thread_id=2**40, thread_status="ONGOING")
    journal.update_thread(thread.id, status="CLOSED", workstation="desk-2")
    saved = journal.add_audit("preferences", request_id="r-2", studio_id=STUDIO, customer_id=7, staff="Jens P.",
                              workstation="desk-2", outcome="saved")
    sent = journal.add_audit("message", request_id="r-1", studio_id=STUDIO, customer_id=7, staff="Aylin D.",
                             workstation="desk-1", outcome="sent")
    run = journal.add_audit("campaign", studio_id=STUDIO, workstation="desk-1", outcome="finished")
    journal.add_audit("preferences", customer_id=7)  # no studio: no studio's feed to tell
    journal.cache_preferences(STUDIO, [{"customer_id": 7, "read_at": saved.created_at},
                                       {"customer_id": 8, "read_at": saved.created_at}], workstation="desk-3")
    t = thread.id
    assert desk_events(journal) == [
        ("thread.created", 7, {"thread": t, "status": "CREATED", "workstation": "desk-1"}),
        ("message.added", 7, {"thread": t, "request": "r-1", "state": "pending", "workstation": "desk-1"}),
        ("message.state", 7, {"thread": t, "request": "r-1", "state": "sent", "workstation": "desk-1",
                              "status": "ONGOING"}),
        ("thread.updated", 7, {"thread": t, "status": "CLOSED", "workstation": "desk-2"}),
        ("preferences.saved", 7, {"audit": saved.id, "action": "preferences", "request": "r-2", "outcome": "saved",
                                  "workstation": "desk-2", "staff": "Jens P."}),
        ("audit.added", 7, {"audit": sent.id, "action": "message", "request": "r-1", "outcome": "sent",
                            "workstation": "desk-1", "staff": "Aylin D."}),
        ("audit.added", None, {"audit": run.id, "action": "campaign", "request": None, "outcome": "finished",
                               "workstation": "desk-1", "staff": None}),
        ("review.cached", 7, {"workstation": "desk-3"}),
        ("review.cached", 8, {"workstation": "desk-3"}),
    ]
    assert all(e.source == "desk" and e.uuid is None for e in journal.events_after(STUDIO).events)


def test_a_failed_message_keeps_its_thread_status_out_of_the_event(journal):
    thread = journal.add_thread(STUDIO, 7, "Vertrag", "CREATED", workstation="desk-1")
    journal.add_message("r-1", thread.id, "OUTGOING", "EMAIL", "Vertrag", "Hallo", workstation="desk-1")
    journal.mark_message("r-1", "rejected", error="nope", http_status=400)
    [*_, last] = desk_events(journal)
    assert last == ("message.state", 7, {"thread": thread.id, "request": "r-1", "state": "rejected",
                                         "workstation": "desk-1"})


def test_messages_left_pending_by_a_crash_each_get_their_event(journal):
    first = journal.add_thread(STUDIO, 7, "A", "CREATED")
    second = journal.add_thread(STUDIO, 8, "B", "CREATED")
    for request_id, thread, workstation in (("a", first, "desk-1"), ("b", second, "desk-1"),
                                            ("c", second, "desk-2")):
        journal.add_message(request_id, thread.id, "OUTGOING", "EMAIL", "s", "t", workstation=workstation)
    end = journal.feed_end(STUDIO)
    assert journal.mark_stale_pending("desk-1") == 2
    events = journal.events_after(STUDIO, end).events
    assert sorted((e.type, e.entity_id, e.content["request"], e.content["state"]) for e in events) == [
        ("message.state", 7, "a", "unknown"), ("message.state", 8, "b", "unknown")]
    assert journal.mark_stale_pending("desk-1") == 0
    assert journal.events_after(STUDIO, journal.feed_end(STUDIO)).events == []


def test_events_read_into_the_views_a_desk_refreshes(journal):
    thread = journal.add_thread(STUDIO, 7, "Vertrag", "CREATED", workstation="desk-1")
    journal.add_message("r-1", thread.id, "OUTGOING", "EMAIL", "Vertrag", "Hallo", workstation="desk-1")
    journal.add_audit("preferences", request_id="r-2", studio_id=STUDIO, customer_id=7, staff="Jens P.",
                      workstation="desk-2", outcome="saved")
    journal.append_events([NewEvent(STUDIO, "CUSTOMER_UPDATED", "webhook", 7, "u-1"),
                           NewEvent(STUDIO, "desk.from_a_newer_version", entity_id=7)])
    changes = [desk_change(e) for e in journal.events_after(STUDIO).events]
    created, added, saved, webhook, unknown = changes
    assert (created.views, created.thread_id, created.made_by("desk-1")) == ({View.THREADS}, thread.id, True)
    assert (added.views, added.request_id, added.state) == ({View.THREADS, View.TIMELINE}, "r-1", "pending")
    assert (saved.views, saved.customer_id, saved.staff, saved.outcome, saved.made_by("desk-1")) == (
        {View.PREFERENCES, View.AUDIT}, 7, "Jens P.", "saved", False)
    assert webhook is None and unknown is None


# The child: one journal write, counting its COMMITs; with "kill", killed at the first one.
CHILD = """
import os, signal, sys
from sqlalchemy import event
from studio_comm.journal import Journal

target, kind, thread_id, kill = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "kill"
journal = Journal.open(target)
commits = 0

@event.listens_for(journal.engine, "commit")
def at_commit(conn):
    global commits
    commits += 1
    if kill:
        print("at commit", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

if kind == "message":
    journal.add_message("r-child", thread_id, "OUTGOING", "EMAIL", "s", "t", workstation="desk-9")
elif kind == "audit":
    journal.add_audit("preferences", request_id="r-child", studio_id=1210, customer_id=7, outcome="saved")
elif kind == "presence":
    journal.announce_presence(1210, "desk-9", 7, staff="Jens P.")
print(f"committed {commits}", flush=True)
"""


KIND_OF = {"message": "message.added", "audit": "preferences.saved", "presence": "presence.changed"}
WRITTEN = {
    "message": lambda journal: journal.message("r-child") is not None,
    "audit": lambda journal: len(journal.audit(STUDIO, customer_id=7)) == 1,
    "presence": lambda journal: len(journal.presence_at(STUDIO, 7, exclude_workstation=None, expiry=60)) == 1,
}


def write_in_child(target, kind: str, thread_id: int, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(target), kind, str(thread_id), mode],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("kind", ["message", "audit", "presence"])
def test_a_change_and_its_event_commit_together_or_not_at_all(journal_target, kind):
    journal = Journal.open(journal_target)
    try:
        thread = journal.add_thread(STUDIO, 7, "Vertrag", "CREATED", workstation="desk-1")
        before = journal.events_after(STUDIO).events
        killed = write_in_child(journal_target, kind, thread.id, "kill")
        assert (killed.returncode, killed.stdout) == (-signal.SIGKILL, "at commit\n"), killed.stderr
        assert journal.events_after(STUDIO).events == before
        assert journal.message("r-child") is None
        assert journal.audit(STUDIO, customer_id=7) == []
        assert journal.presence_at(STUDIO, 7, exclude_workstation=None, expiry=60) == []

        # The same write, not killed: one COMMIT brings the change and its one event.
        written = write_in_child(journal_target, kind, thread.id, "run")
        assert (written.returncode, written.stdout) == (0, "committed 1\n"), written.stderr
        [new] = journal.events_after(STUDIO).events[len(before):]
        assert (new.type, new.entity_id) == (KIND_OF[kind], 7)
        assert WRITTEN[kind](journal)
    finally:
        journal.close()
