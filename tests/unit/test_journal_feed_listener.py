"""FeedListener: new events reach the callback on SQLite (another process writing) and on
PostgreSQL (NOTIFY), also one that committed after a higher seq, and none is missed when
the listener's connection is killed with pg_terminate_backend in the middle of a stream."""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from studio_comm.journal.feed import FeedPosition, NewEvent, append
from studio_comm.journal.listener import FeedListener
from tests.fixtures.journal import PG_URL_VARIABLE

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def studio():
    return random.randrange(10**9, 2 * 10**9)  # notifications are database-wide


class Collector:
    """What a listener delivered (seqs in delivery order) and the states it went through."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.states: list[str] = []
        self.lock = threading.Lock()

    def on_events(self, events) -> None:
        with self.lock:
            self.seqs.extend(e.seq for e in events)

    def on_state(self, state: str) -> None:
        with self.lock:
            self.states.append(state)

    def wait_for(self, condition, timeout: float = 30.0, what: str = "the condition") -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if condition(self):
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: seqs={self.seqs} states={self.states}")
            time.sleep(0.01)


def listen(journal, studio, collector, **kwargs) -> FeedListener:
    name = f"feed-test-{uuid.uuid4().hex[:12]}"
    listener = FeedListener(journal, studio, collector.on_events, collector.on_state,
                            application_name=name, **kwargs)
    return listener.start()


def event(studio: int, type_: str = "CUSTOMER_UPDATED") -> NewEvent:
    return NewEvent(studio, type_, "webhook", 42, str(uuid.uuid4()), 0, 1_700_000_000_000)


def test_the_listener_delivers_new_events_once_and_says_it_is_live(journal, studio):
    collector = Collector()
    journal.append_events([event(studio, "BEFORE")])  # it starts at the feed's end: not delivered
    listener = listen(journal, studio, collector)
    try:
        collector.wait_for(lambda c: c.states[-1:] == ["live"], what="live")
        assert collector.states == ["live"]  # from the initial "connecting"
        first = event(studio)
        new = journal.append_events([first, event(studio)])
        assert journal.append_events([first])[0].duplicate  # a redelivery: no new event
        journal.append_events([event(studio + 1)])  # another studio's
        last = journal.append_events([event(studio, "LAST")])[0]
        collector.wait_for(lambda c: last.seq in c.seqs, what="the last event")
        assert collector.seqs == [new[0].seq, new[1].seq, last.seq]
    finally:
        listener.stop()
    assert listener.state == "stopped" and collector.states[-1] == "stopped"
    assert not listener._thread.is_alive()


def test_the_listener_catches_up_from_a_saved_position(journal, studio):
    written = [a.seq for a in journal.append_events([event(studio) for _ in range(5)])]
    collector = Collector()
    listener = listen(journal, studio, collector, position=FeedPosition())
    try:
        collector.wait_for(lambda c: len(c.seqs) == 5, what="the five events")
        assert collector.seqs == written
        assert listener.position.seq == written[-1]
    finally:
        listener.stop()


def test_a_failing_callback_does_not_stop_the_listener(journal, studio, expect_log):
    expect_log("studio_comm.journal.listener", logging.ERROR, r"^feed listener: the events callback failed$")

    class Failing(Collector):
        def on_events(self, events) -> None:
            super().on_events(events)
            if len(self.seqs) == 1:
                raise RuntimeError("the UI went away for a moment")

    collector = Failing()
    listener = listen(journal, studio, collector)
    try:
        collector.wait_for(lambda c: c.states[-1:] == ["live"], what="live")
        first = journal.append_events([event(studio)])[0].seq
        collector.wait_for(lambda c: c.seqs, what="the first event")
        second = journal.append_events([event(studio)])[0].seq
        collector.wait_for(lambda c: second in c.seqs, what="the second event")
        assert collector.seqs == [first, second] and collector.states == ["live"]
    finally:
        listener.stop()


WRITER = """
import sys, uuid
from studio_comm.journal import Journal
from studio_comm.journal.feed import NewEvent
journal = Journal.open(sys.argv[1])
for i in range(int(sys.argv[3])):
    journal.append_events([NewEvent(int(sys.argv[2]), "CUSTOMER_UPDATED", "webhook", i, str(uuid.uuid4()))])
journal.close()
print("done", flush=True)
"""


def test_sqlite_listener_sees_events_another_process_writes(tmp_path, studio):
    from studio_comm.journal import Journal

    path = tmp_path / "Studio #1? 50% ü" / "journal.sqlite"  # characters a file URI must escape
    journal = Journal.open(path)
    collector = Collector()
    listener = listen(journal, studio, collector)
    try:
        collector.wait_for(lambda c: c.states[-1:] == ["live"], what="live")
        result = subprocess.run([sys.executable, "-c", WRITER, str(path), str(studio), "40"],
                                capture_output=True, text=True, timeout=120, cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
        assert result.stdout.strip() == "done", result.stderr
        collector.wait_for(lambda c: len(c.seqs) == 40, what="40 events from the other process")
        assert collector.seqs == [e.seq for e in journal.events_after(studio).events]
    finally:
        listener.stop()
        journal.close()


# -- PostgreSQL ----------------------------------------------------------------------------

def postgres_only(journal):
    if journal.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")


def test_the_listener_gets_an_event_that_commits_after_a_higher_seq(journal, studio, unordered_appends):
    # Written as before the feed's order lock (an older version still running).
    postgres_only(journal)
    collector = Collector()
    listener = listen(journal, studio, collector)
    try:
        collector.wait_for(lambda c: c.states[-1:] == ["live"], what="live")
        with journal.engine.connect() as slow, journal.engine.connect() as fast:
            slow_tx = slow.begin()
            [low] = append(slow, [event(studio, "SLOW")])
            with fast.begin():
                [high] = append(fast, [event(studio, "FAST")])
            collector.wait_for(lambda c: high.seq in c.seqs, what="the higher seq")
            slow_tx.commit()
        collector.wait_for(lambda c: low.seq in c.seqs, what="the lower seq, committed last")
        assert low.seq < high.seq
        assert collector.seqs == [high.seq, low.seq]
    finally:
        listener.stop()


def backend_pids(application_name: str) -> list[int]:
    admin = create_engine(os.environ[PG_URL_VARIABLE])
    try:
        with admin.connect() as conn:
            return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                                     {"name": application_name}).scalars())
    finally:
        admin.dispose()


def terminate(pid: int) -> bool:
    admin = create_engine(os.environ[PG_URL_VARIABLE])
    try:
        with admin.connect() as conn:
            return conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    finally:
        admin.dispose()


def test_a_killed_listener_connection_reconnects_and_misses_nothing(journal, studio, expect_log):
    postgres_only(journal)
    expect_log("studio_comm.journal.listener", logging.WARNING,
               r"^feed listener for studio \d+: OperationalError: .*; reconnecting in [\d.]+ s$")
    collector = Collector()
    listener = listen(journal, studio, collector, backoff=(0.2, 2.0))
    name = listener.application_name
    try:
        collector.wait_for(lambda c: c.states[-1:] == ["live"], what="live")
        [first_pid] = backend_pids(name)
        written: list[int] = []
        killed = threading.Event()

        def write() -> None:
            for i in range(300):
                written.append(journal.append_events([event(studio, f"E{i}")])[0].seq)
                if i == 60:
                    killed.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert killed.wait(60)
        assert terminate(first_pid)
        collector.wait_for(lambda c: "reconnecting" in c.states, what="the listener to notice")
        writer.join(120)
        collector.wait_for(lambda c: c.states[-1] == "live" and len(c.seqs) >= len(written),
                           timeout=60, what="all 300 events after reconnecting")
        assert sorted(collector.seqs) == sorted(written) and len(collector.seqs) == 300
        assert collector.states[:3] == ["live", "reconnecting", "live"]
        assert backend_pids(name) not in ([], [first_pid])  # a new connection, under the same name
    finally:
        listener.stop()
