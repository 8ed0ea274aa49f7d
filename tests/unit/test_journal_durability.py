"""The journal under concurrency and crashes: two writers on one journal, the async
wrapper's single worker thread, and a process killed with a pending message."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from studio_comm.journal import AsyncJournal, Journal

STUDIO = 1210
REPO = Path(__file__).resolve().parents[2]


def test_two_journals_on_one_store_write_at_the_same_time(journal_target):
    # Two desks (or a desk and the consent review) writing at once: SQLite's file lock must
    # make them wait for each other, never fail with "database is locked".
    first, second = Journal.open(journal_target), Journal.open(journal_target)
    thread = first.add_thread(STUDIO, 7, "Parallel", "CREATED")
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def write(journal: Journal, desk: str) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(60):
                journal.add_message(f"{desk}-{i}", thread.id, "OUTGOING", "EMAIL", "s",
                                    f"{desk} {i}", workstation=desk)
                journal.mark_message(f"{desk}-{i}", "sent")
                journal.add_audit("message", request_id=f"{desk}-{i}", studio_id=STUDIO)
        except BaseException as exc:  # reported below
            failures.append(exc)

    workers = [threading.Thread(target=write, args=(j, d))
               for j, d in ((first, "desk-1"), (second, "desk-2"))]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=100)
        assert failures == []
        timeline = second.messages(thread.id)
        assert len(timeline) == 120
        assert {m.state for m in timeline} == {"sent"}
        assert len(first.audit(STUDIO)) == 120
    finally:
        first.close()
        second.close()


def test_async_journal_offers_every_journal_method():
    public = {name for name, member in inspect.getmembers(Journal, inspect.isfunction)
              if not name.startswith("_") and name != "close"}
    assert public <= set(dir(AsyncJournal))
    for name in public:
        assert inspect.iscoroutinefunction(getattr(AsyncJournal, name)), name


def test_async_journal_runs_calls_in_order_on_one_worker_thread(journal):
    aj = AsyncJournal(journal)
    seen_threads: set[str] = set()
    original = journal.add_message

    def recording(*args, **kwargs):
        seen_threads.add(threading.current_thread().name)
        return original(*args, **kwargs)

    journal.add_message = recording

    async def scenario():
        thread = await aj.add_thread(STUDIO, 7, "Asynchron", "CREATED")
        # Submitted together: the worker runs them one after another, in call order.
        written = await asyncio.gather(*(
            aj.add_message(f"r-{i}", thread.id, "OUTGOING", "EMAIL", "s", f"Nachricht {i} ✉️")
            for i in range(30)))
        return thread, written, await aj.messages(thread.id)

    thread, written, timeline = asyncio.run(scenario())
    assert [m.id for m in written] == sorted(m.id for m in written)
    assert [m.content for m in timeline] == [f"Nachricht {i} ✉️" for i in range(30)]
    assert len(seen_threads) == 1 and threading.current_thread().name not in seen_threads
    assert aj.threads.__doc__ == Journal.threads.__doc__


def test_async_journal_aclose_closes_the_journal(journal_target):
    aj = AsyncJournal(Journal.open(journal_target))

    async def scenario():
        await aj.save_profile("Studio", "https://x.example")
        await aj.aclose()

    asyncio.run(scenario())
    reopened = Journal.open(journal_target)
    try:
        assert [p.name for p in reopened.profiles()] == ["Studio"]
    finally:
        reopened.close()


CHILD = """
import sys
from studio_comm.journal import Journal
journal = Journal.open(sys.argv[1])
thread = journal.add_thread(1210, 7, "Absturz", "CREATED", "GENERAL")
journal.add_message("req-crash", thread.id, "OUTGOING", "EMAIL", "Absturz", sys.argv[2],
                    workstation="desk-9", staff="Anna K.")
print("ready", flush=True)
sys.stdin.read()  # block until killed
"""


def test_a_message_committed_before_kill_9_survives_and_becomes_unknown(journal_target):
    text = "Ihre Kündigung ist eingegangen ✅\nMit freundlichen Grüßen"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(journal_target), text],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, text=True, encoding="utf-8",
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read() if child.poll() is not None else line
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()

    journal = Journal.open(journal_target)
    try:
        assert journal.message("req-crash").state == "pending"
        assert journal.mark_stale_pending("desk-9") == 1
        message = journal.message("req-crash")
        assert (message.state, message.content, message.staff) == ("unknown", text, "Anna K.")
        assert [t.subject for t in journal.threads(STUDIO, 7)] == ["Absturz"]
    finally:
        journal.close()
