"""The journal-wide lock on a thread's first POST: one holder at a time on PostgreSQL, no
transaction left open while it is held, and gone with its holder's session (a killed
desk, a dropped connection). On SQLite, one desk's journal, it never refuses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from studio_comm.journal import Journal, advisory
from tests.fixtures.journal import PG_URL_VARIABLE

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout: float = 30.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


def test_on_sqlite_the_lock_never_refuses(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite")
    try:
        first, second = journal.try_lock_thread(5), journal.try_lock_thread(5)
        assert first is not None and second is not None
        journal.unlock_thread(first)
        journal.unlock_thread(second)
    finally:
        journal.close()


def pg_journals(journal_target, count: int = 2) -> list[Journal]:
    if "://" not in str(journal_target):
        pytest.skip("a SQLite journal is one desk's: nothing to lock against")
    return [Journal.open(journal_target) for _ in range(count)]


def test_one_desk_at_a_time_holds_a_threads_first_post(journal_target):
    desk_1, desk_2 = pg_journals(journal_target)
    try:
        held = desk_1.try_lock_thread(5)
        assert held is not None
        assert desk_2.try_lock_thread(5) is None  # the other desk waits ...
        other_thread = desk_2.try_lock_thread(6)  # ... for this thread only
        assert other_thread is not None
        # Held without a transaction: nothing idles "in transaction" across the POST.
        with desk_2.engine.connect() as conn:
            states = conn.execute(text(
                "SELECT state FROM pg_stat_activity WHERE pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND classid = :c AND objid IN (5, 6))"), {"c": advisory.THREAD_FIRST_POST}).scalars().all()
            assert states == ["idle", "idle"]
        desk_1.unlock_thread(held)
        desk_1.unlock_thread(held)  # a second release does nothing
        again = desk_2.try_lock_thread(5)
        assert again is not None
        desk_2.unlock_thread(again)
        desk_2.unlock_thread(other_thread)
    finally:
        desk_1.close()
        desk_2.close()


HOLDER = """
import sys
from studio_comm.journal import Journal, advisory
journal = Journal.open(sys.argv[1])
assert journal.try_lock_thread(int(sys.argv[2])) is not None
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_desk_killed_while_holding_the_lock_releases_it(journal_target):
    [journal] = pg_journals(journal_target, 1)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(journal_target), "5"], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "holding\n", holder.stderr.read()
        assert journal.try_lock_thread(5) is None
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=60)
        lock = wait_until(lambda: journal.try_lock_thread(5), what="the killed desk's lock to end")
        journal.unlock_thread(lock)
    finally:
        if holder.poll() is None:
            holder.kill()
        journal.close()


def test_a_lock_whose_connection_was_dropped_is_gone_and_its_release_says_so(journal_target, caplog):
    desk_1, desk_2 = pg_journals(journal_target)
    try:
        held = desk_1.try_lock_thread(5)
        assert held is not None
        admin = create_engine(os.environ[PG_URL_VARIABLE])
        with admin.connect() as conn:
            pid = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                    "AND classid = :c AND objid = 5"), {"c": advisory.THREAD_FIRST_POST}).scalar_one()
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        admin.dispose()
        lock = wait_until(lambda: desk_2.try_lock_thread(5), what="the dropped session's lock to end")
        with caplog.at_level("INFO", logger="studio_comm.journal.thread_lock"):
            desk_1.unlock_thread(held)  # no error: the lock had ended with its session
        assert "the lock on thread 5 ended with its connection" in caplog.text
        assert desk_1.try_lock_thread(6) is not None  # desk 1's journal works on
        desk_2.unlock_thread(lock)
    finally:
        desk_1.close()
        desk_2.close()
