"""Three desks write 1,000 messages at once, each desk a process of its own writing through
the journal; a fourth desk listens. Every message's events are in the studio's feed once
each, in the order they committed (each desk's in the order it wrote them), and the
fourth desk's FeedListener delivers exactly that sequence, once each. Real SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from studio_comm.journal import Journal
from studio_comm.journal.listener import FeedListener

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 1000
DESKS = ("desk-1", "desk-2", "desk-3")

# A desk: its own thread, then COUNT messages once BARRIER exists, each written pending and
# then marked sent (two journal transactions, two events), as a send does.
WRITER = """
import os, sys, time
from studio_comm.journal import Journal

target, studio, workstation, count, barrier = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
journal = Journal.open(target)
thread = journal.add_thread(studio, 7, "Burst", "CREATED", workstation=workstation)
print("ready", flush=True)
while not os.path.exists(barrier):
    time.sleep(0.002)
for i in range(count):
    request_id = f"{workstation}-{i:04d}"
    journal.add_message(request_id, thread.id, "OUTGOING", "EMAIL", "Burst", f"message {i}", workstation=workstation)
    journal.mark_message(request_id, "sent", communication_id=i, http_status=200)
journal.close()
print("done", flush=True)
"""


class Delivered:
    def __init__(self) -> None:
        self.events: list = []
        self.lock = threading.Lock()

    def __call__(self, events) -> None:
        with self.lock:
            self.events.extend(events)

    def count(self, type_: str) -> int:
        with self.lock:
            return sum(e.type == type_ for e in self.events)


def test_a_thousand_messages_from_three_desks_reach_a_fourth_once_each_in_commit_order(journal_target, tmp_path):
    studio = random.randrange(10**9, 2 * 10**9)  # notifications are database-wide
    journal = Journal.open(journal_target)
    delivered = Delivered()
    start = journal.feed_end(studio)
    listener = FeedListener(journal, studio, delivered, position=start,
                            application_name=f"feed-test-{studio}").start()
    barrier = tmp_path / "go"
    counts = [MESSAGES // len(DESKS) + (i < MESSAGES % len(DESKS)) for i in range(len(DESKS))]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(journal_target), str(studio), desk, str(count),
                                 str(barrier)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for desk, count in zip(DESKS, counts, strict=True)]
    try:
        for writer in writers:
            assert writer.stdout.readline() == "ready\n", writer.stderr.read()
        barrier.touch()
        for writer in writers:
            out, err = writer.communicate(timeout=600)
            assert (writer.returncode, out) == (0, "done\n"), err
        deadline = time.monotonic() + 60
        while delivered.count("message.state") < MESSAGES:
            assert time.monotonic() < deadline, f"the listener delivered {delivered.count('message.state')} states"
            time.sleep(0.05)
    finally:
        listener.stop()
        for writer in writers:
            if writer.poll() is None:
                writer.kill()

    feed, position = [], start
    while True:
        batch = journal.events_after(studio, position)
        feed += batch.events
        position = batch.position
        if not batch.more:
            break
    journal.close()

    # In the feed once each: one "added" and one "sent" per message, one new thread per desk.
    kinds = Counter((e.type, e.content.get("request")) for e in feed)
    requests = [f"{desk}-{i:04d}" for desk, count in zip(DESKS, counts, strict=True) for i in range(count)]
    assert len(requests) == MESSAGES
    assert kinds == Counter({**{("message.added", r): 1 for r in requests},
                             **{("message.state", r): 1 for r in requests}, ("thread.created", None): 3})
    # Each desk's events in the order it committed them: added before sent, message after message.
    for desk in DESKS:
        own = [(e.type, e.content.get("request")) for e in feed if e.content["workstation"] == desk]
        assert own[1:] == [(kind, f"{desk}-{i:04d}") for i in range(len(own) // 2)
                           for kind in ("message.added", "message.state")]
    # The fourth desk got exactly the feed, once each, in the same order; its seqs never go
    # back, so no event became visible after one with a higher seq: the order they committed.
    assert [e.seq for e in delivered.events] == [e.seq for e in feed]
    assert [e.seq for e in feed] == sorted(e.seq for e in feed)
    desks_interleaved = len({e.content["workstation"] for e in feed[len(feed) // 3: 2 * len(feed) // 3]})
    assert desks_interleaved > 1  # the desks really wrote at the same time
