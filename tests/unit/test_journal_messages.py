"""Threads and messages in the journal: the timeline's only source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from studio_comm.journal import schema

STUDIO, OTHER_STUDIO = 1210, 1211
TEXT = "Grüße aus Köln 🏋️‍♀️ — „Kündigung“ 日本語\nzweite Zeile"


def new_thread(journal, customer_id=7, subject="Vertrag", status="CREATED", studio=STUDIO):
    return journal.add_thread(studio, customer_id, subject, status, "CONTRACT")


def add(journal, thread, request_id, workstation="desk-1", **kwargs):
    kwargs.setdefault("content", TEXT)
    return journal.add_message(request_id, thread.id, "OUTGOING", "EMAIL", "Vertrag",
                               workstation=workstation, **kwargs)


def test_a_new_thread_has_no_remote_id_until_it_is_known(journal):
    thread = new_thread(journal)
    assert thread.remote_thread_id is None
    assert journal.thread(thread.id) == thread
    assert thread.created_at.tzinfo is not None and thread.created_at.utcoffset() == timedelta(0)

    known = journal.set_remote_thread_id(thread.id, 2**40 + 3)  # an int64 from the API
    assert known.remote_thread_id == 2**40 + 3
    assert journal.thread(thread.id).remote_thread_id == 2**40 + 3
    assert journal.thread(thread.id + 1000) is None


def test_update_thread_changes_status_and_marks_activity(journal):
    thread = new_thread(journal)
    later = thread.updated_at + timedelta(minutes=5)
    updated = journal.update_thread(thread.id, status="ONGOING", updated_at=later)
    assert (updated.status, updated.updated_at, updated.last_activity) == ("ONGOING", later, later)
    assert updated.remote_thread_id is None  # fields not given stay as they were
    with pytest.raises(LookupError):
        journal.update_thread(thread.id + 1000, status="CLOSED")


def test_a_sent_message_and_its_threads_remote_id_are_recorded_together(journal):
    thread = new_thread(journal)
    add(journal, thread, "r-1")
    sent = journal.mark_message("r-1", "sent", communication_id=91, http_status=200,
                                remote_thread_id=2**40 + 5, thread_status="ONGOING")
    assert (sent.state, sent.communication_id) == ("sent", 91)
    recorded = journal.thread(thread.id)
    assert (recorded.remote_thread_id, recorded.status) == (2**40 + 5, "ONGOING")
    assert recorded.updated_at == sent.updated_at
    with pytest.raises(ValueError, match="already sent"):  # nor a second outcome for its thread
        journal.mark_message("r-1", "sent", remote_thread_id=99)
    assert journal.thread(thread.id).remote_thread_id == 2**40 + 5


def test_threads_are_per_studio_and_customer_newest_activity_first(journal):
    old = new_thread(journal, subject="alt")
    mid = new_thread(journal, subject="mittel")
    new = new_thread(journal, subject="neu")
    new_thread(journal, customer_id=8)
    new_thread(journal, studio=OTHER_STUDIO)
    base = datetime(2026, 3, 1, tzinfo=UTC)
    journal.update_thread(old.id, updated_at=base + timedelta(days=3))
    journal.update_thread(mid.id, updated_at=base + timedelta(days=1), status="CLOSED")
    journal.update_thread(new.id, updated_at=base + timedelta(days=2))

    assert [t.subject for t in journal.threads(STUDIO, 7)] == ["alt", "neu", "mittel"]
    assert [t.subject for t in journal.open_threads(STUDIO, 7)] == ["alt", "neu"]
    assert journal.threads(STUDIO, 9) == []


def test_adding_a_message_commits_it_and_moves_the_threads_activity(journal):
    thread = new_thread(journal)
    message = add(journal, thread, "req-1", category="CONTRACT", agent="Anna K.", staff="Anna K.",
                  thread_status="CREATED")
    assert message.state == "pending"
    assert (message.studio_id, message.customer_id) == (STUDIO, 7)
    assert journal.message("req-1") == message
    assert journal.message("req-1").content == TEXT
    assert journal.thread(thread.id).updated_at == message.created_at
    with pytest.raises(LookupError):
        journal.add_message("req-x", thread.id + 1000, "OUTGOING", "EMAIL", "s", "c")


def test_a_request_id_is_written_once(journal):
    thread = new_thread(journal)
    add(journal, thread, "req-1")
    with pytest.raises(IntegrityError):
        add(journal, thread, "req-1", content="anders")
    assert journal.message("req-1").content == TEXT


def test_a_logged_call_keeps_its_back_dated_time(journal):
    thread = new_thread(journal)
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC) + timedelta(hours=1)
    message = journal.add_message("call-1", thread.id, "INCOMING", "PHONE", "Anruf", "Rückruf",
                                  communication_time=when.astimezone())  # a local-zone value
    assert journal.message("call-1").communication_time == when == message.communication_time


@pytest.mark.parametrize("outcome", ["sent", "failed", "rejected", "unknown"])
def test_a_pending_message_gets_exactly_one_outcome(journal, outcome):
    thread = new_thread(journal)
    add(journal, thread, "req-1")
    marked = journal.mark_message("req-1", outcome, error="Zeitüberschreitung", http_status=504,
                                  trace_id="trace-ä", communication_id=2**35)
    assert journal.message("req-1") == marked
    assert (marked.state, marked.error, marked.http_status, marked.trace_id,
            marked.communication_id) == (outcome, "Zeitüberschreitung", 504, "trace-ä", 2**35)
    assert marked.content == TEXT
    assert marked.updated_at >= marked.created_at

    # A late second outcome must not overwrite the first.
    with pytest.raises(ValueError, match=outcome):
        journal.mark_message("req-1", "sent")
    assert journal.message("req-1").state == outcome


def test_state_changes_that_make_no_sense_are_refused(journal):
    thread = new_thread(journal)
    add(journal, thread, "req-1")
    with pytest.raises(ValueError):
        journal.mark_message("req-1", "pending")
    with pytest.raises(ValueError):
        journal.mark_message("req-1", "delivered")
    with pytest.raises(ValueError):
        add(journal, thread, "req-2", state="queued")
    with pytest.raises(LookupError):
        journal.mark_message("no-such-request", "sent")
    assert journal.message("req-1").state == "pending"
    assert journal.message("req-2") is None


def test_a_resend_is_a_new_message_pointing_at_the_old_one(journal):
    thread = new_thread(journal)
    add(journal, thread, "req-1")
    journal.mark_message("req-1", "unknown")
    again = add(journal, thread, "req-2", resend_of="req-1")
    assert journal.message("req-2").resend_of == "req-1" == again.resend_of
    assert [m.request_id for m in journal.messages(thread.id)] == ["req-1", "req-2"]


def test_stale_pending_becomes_unknown_for_this_workstation_only(journal):
    thread = new_thread(journal)
    add(journal, thread, "mine-1")
    add(journal, thread, "mine-2")
    add(journal, thread, "mine-sent")
    journal.mark_message("mine-sent", "sent")
    add(journal, thread, "other-desk", workstation="desk-2")  # may be in flight right now

    assert journal.mark_stale_pending("desk-1") == 2
    states = {m.request_id: (m.state, m.content) for m in journal.messages(thread.id)}
    assert states == {"mine-1": ("unknown", TEXT), "mine-2": ("unknown", TEXT),
                      "mine-sent": ("sent", TEXT), "other-desk": ("pending", TEXT)}
    assert journal.mark_stale_pending("desk-1") == 0


def test_a_ten_thousand_message_thread_reads_back_complete_and_in_order(journal):
    thread = new_thread(journal)
    other = new_thread(journal, customer_id=8)
    start = datetime(2025, 1, 1, tzinfo=UTC)

    def row(i, thread_id):
        at = start + timedelta(minutes=i)
        return dict(request_id=f"{thread_id}-{i}", thread_id=thread_id, studio_id=STUDIO,
                    customer_id=7, direction="OUTGOING", channel="EMAIL", category="GENERAL",
                    subject="Serie", content=f"Nachricht {i} 🎉", state="sent", created_at=at,
                    updated_at=at)

    # Rows written in shuffled order: the timeline's order must come from the query.
    order = [(i * 7919) % 10_000 for i in range(10_000)]
    with journal.engine.begin() as conn:
        conn.execute(schema.messages.insert(), [row(i, thread.id) for i in order])
        conn.execute(schema.messages.insert(), [row(i, other.id) for i in range(50)])

    timeline = journal.messages(thread.id)
    assert len(timeline) == 10_000
    assert [m.content for m in timeline] == [f"Nachricht {i} 🎉" for i in range(10_000)]
    assert {m.thread_id for m in timeline} == {thread.id}


def test_the_timeline_query_is_served_by_the_thread_index(tmp_path):
    from studio_comm.journal import Journal

    journal = Journal.open(tmp_path / "plan.sqlite")
    try:
        with journal.engine.connect() as conn:
            plan = " ".join(r[-1] for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT * FROM messages WHERE thread_id = 1 "
                "ORDER BY created_at, id"))
        assert "ix_messages_thread" in plan
        assert "TEMP B-TREE" not in plan  # no sort of the whole thread
    finally:
        journal.close()
