"""Presence in the journal: which member each desk has open and who is writing where, by the
database's clock, with an event for every change (announced, moved, withdrawn, expired).
Real SQLite and PostgreSQL; the clock tests on PostgreSQL, whose clock is the server's."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from studio_comm.journal import campaigns, feed, presence, schema, store

STUDIO = 1210
MEMBER, OTHER_MEMBER = 7, 8


def who(journal, customer_id=MEMBER, me="desk-1", expiry=45.0):
    return [(p.workstation, p.staff, p.thread_id, p.activity)
            for p in journal.presence_at(STUDIO, customer_id, exclude_workstation=me, expiry=expiry)]


def presence_events(journal, position):
    batch = journal.events_after(STUDIO, position)
    return [(e.entity_id, e.content) for e in batch.events if e.type == "presence.changed"], batch.position


def wait_until(condition, timeout: float = 30.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_desk_sees_the_others_at_a_member_never_itself(journal):
    journal.announce_presence(STUDIO, "desk-1", MEMBER, staff="Aylin D.")
    journal.announce_presence(STUDIO, "desk-2", MEMBER, staff="Jens P.", thread_id=31, activity="writing")
    journal.announce_presence(STUDIO, "desk-3", MEMBER, staff=None)
    journal.announce_presence(STUDIO, "desk-4", OTHER_MEMBER, staff="Mia K.")
    journal.announce_presence(STUDIO + 1, "desk-5", MEMBER, staff="Other studio")
    assert who(journal) == [("desk-2", "Jens P.", 31, "writing"), ("desk-3", None, None, "viewing")]
    assert who(journal, me="desk-2") == [("desk-1", "Aylin D.", None, "viewing"), ("desk-3", None, None, "viewing")]
    assert who(journal, OTHER_MEMBER) == [("desk-4", "Mia K.", None, "viewing")]


def test_every_change_of_who_is_at_a_member_is_an_event(journal):
    start = journal.feed_end(STUDIO)
    journal.announce_presence(STUDIO, "desk-2", MEMBER, staff="Jens P.")
    journal.announce_presence(STUDIO, "desk-2", MEMBER, staff="Jens P.", thread_id=31, activity="writing")
    journal.announce_presence(STUDIO, "desk-2", OTHER_MEMBER, staff="Jens P.")  # opens another member
    assert journal.withdraw_presence(STUDIO, "desk-2") is True
    assert journal.withdraw_presence(STUDIO, "desk-2") is False  # nothing left: no event
    events, _ = presence_events(journal, start)
    gone = {"workstation": "desk-2", "staff": None, "thread": None, "activity": None}
    assert events == [
        (MEMBER, {"workstation": "desk-2", "staff": "Jens P.", "thread": None, "activity": "viewing"}),
        (MEMBER, {"workstation": "desk-2", "staff": "Jens P.", "thread": 31, "activity": "writing"}),
        (MEMBER, gone),  # left the first member ...
        (OTHER_MEMBER, {"workstation": "desk-2", "staff": "Jens P.", "thread": None, "activity": "viewing"}),
        (OTHER_MEMBER, gone),
    ]
    assert who(journal) == [] and who(journal, OTHER_MEMBER) == []


def test_an_unknown_activity_is_refused_before_anything_is_written(journal):
    with pytest.raises(ValueError):
        journal.announce_presence(STUDIO, "desk-2", MEMBER, staff=None, activity="typing")
    assert who(journal) == [] and journal.events_after(STUDIO).events == []


def test_a_desk_that_stops_its_heartbeat_expires_and_is_cleaned_up_once(journal):
    journal.announce_presence(STUDIO, "desk-2", MEMBER, staff="Jens P.")
    journal.announce_presence(STUDIO, "desk-1", OTHER_MEMBER, staff="Aylin D.")
    assert journal.presence_heartbeat(STUDIO, "desk-2", expiry=45) is True
    assert who(journal, expiry=0.5) == [("desk-2", "Jens P.", None, "viewing")]
    # desk-2 goes quiet: past the expiry it is no longer listed, by any desk's reading.
    wait_until(lambda: who(journal, expiry=0.5) == [], what="desk-2 to expire")
    assert who(journal, expiry=45) == [("desk-2", "Jens P.", None, "viewing")]  # a read deletes nothing
    position = journal.feed_end(STUDIO)
    # Another desk's heartbeat deletes the expired row, with the event the others need.
    assert journal.presence_heartbeat(STUDIO, "desk-1", expiry=0.5) is True
    assert journal.presence_heartbeat(STUDIO, "desk-1", expiry=0.5) is True  # nothing more to clean
    events, _ = presence_events(journal, position)
    assert events == [(MEMBER, {"workstation": "desk-2", "staff": None, "thread": None, "activity": None})]
    assert who(journal, expiry=45) == []
    # desk-2 comes back (a laptop waking up): its heartbeat says it must announce again.
    assert journal.presence_heartbeat(STUDIO, "desk-2", expiry=45) is False
    assert who(journal, OTHER_MEMBER, me="desk-2", expiry=45) == [("desk-1", "Aylin D.", None, "viewing")]


def test_a_heartbeat_keeps_a_desk_listed_past_the_expiry(journal):
    journal.announce_presence(STUDIO, "desk-2", MEMBER, staff="Jens P.")
    first = journal.presence_at(STUDIO, MEMBER, exclude_workstation=None, expiry=45)[0].seen_at
    wait_until(lambda: who(journal, expiry=0.5) == [], what="the announcement to age")
    journal.presence_heartbeat(STUDIO, "desk-2", expiry=45)
    [again] = journal.presence_at(STUDIO, MEMBER, exclude_workstation=None, expiry=0.5)
    assert again.seen_at > first + timedelta(seconds=0.5)


# -- the database's clock --------------------------------------------------------------------

def skew_this_desk(monkeypatch, offset: timedelta) -> None:
    """This process's clock, as the journal reads it, off by `offset`."""
    real = schema.utc_now
    for module in (schema, store, feed, campaigns, presence):
        if hasattr(module, "utc_now"):
            monkeypatch.setattr(module, "utc_now", lambda: real() + offset)


@pytest.mark.parametrize("offset", [timedelta(minutes=10), timedelta(minutes=-10)], ids=["ahead", "behind"])
def test_a_desk_whose_clock_is_off_neither_vanishes_nor_lingers(journal, monkeypatch, offset):
    if journal.engine.dialect.name != "postgresql":
        pytest.skip("a SQLite journal is one computer's: its clock is the database's")
    journal.announce_presence(STUDIO, "desk-1", OTHER_MEMBER, staff="Aylin D.")  # a desk whose clock is right
    with monkeypatch.context() as skewed:
        skew_this_desk(skewed, offset)
        assert abs(store.utc_now() - datetime.now(UTC) - offset) < timedelta(seconds=5)
        announced = journal.announce_presence(STUDIO, "desk-2", MEMBER, staff="Jens P.")
        assert journal.presence_heartbeat(STUDIO, "desk-2", expiry=45) is True
    with journal.engine.connect() as conn:
        server_now = conn.execute(select(func.now())).scalar_one()
    # Stamped by the server's clock, not the desk's: 10 minutes off would have been
    # "expired long ago" (behind) or "alive for 10 more minutes" (ahead).
    assert abs(announced.seen_at - server_now) < timedelta(seconds=5)
    assert who(journal, expiry=45) == [("desk-2", "Jens P.", None, "viewing")]
    # Another desk's heartbeat does not clean it up as expired ...
    assert journal.presence_heartbeat(STUDIO, "desk-1", expiry=45) is True
    assert who(journal, expiry=45) == [("desk-2", "Jens P.", None, "viewing")]
    # ... and once desk-2 stops, it expires by the server's clock, not 10 minutes later.
    wait_until(lambda: who(journal, expiry=0.5) == [], what="desk-2 to expire")
