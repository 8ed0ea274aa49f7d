"""Presence between desks (core.presence) on a shared PostgreSQL journal: a desk's member and
writing reach the others, a heartbeat keeps it listed, and it disappears when the desk
quits, when its process is killed with SIGKILL, and comes back after the journal was away.
On SQLite (one desk's journal) nothing is written."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio_comm.core.desk import Desk
from studio_comm.core.desk_events import View, desk_change
from studio_comm.core.presence import Presence
from studio_comm.journal import AsyncJournal, Journal

ROOT = Path(__file__).resolve().parents[2]
STUDIO, MEMBER, OTHER_MEMBER = 1210, 7, 8


def shared_only(target) -> None:
    if "://" not in str(target):
        pytest.skip("presence is a shared journal's: SQLite is one desk's")


async def until(condition, timeout: float = 30.0, what: str = "the condition"):
    """Await `condition()` (a coroutine function) until it returns something true."""
    deadline = time.monotonic() + timeout
    while not (value := await condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return value


def desk(target, workstation: str, staff: str | None, **timing) -> Presence:
    return Presence(AsyncJournal(Journal.open(target)), STUDIO, Desk(workstation, staff), **timing)


async def close(*desks: Presence) -> None:
    for d in desks:
        await d.stop()
        await d._journal.aclose()


def listed(records):
    return [(r.workstation, r.staff, r.thread_id, r.activity) for r in records]


def presence_changes(journal: Journal, position):
    batch = journal.events_after(STUDIO, position)
    changes = [desk_change(e) for e in batch.events]
    return [(c.customer_id, c.workstation, c.activity) for c in changes if c and View.PRESENCE in c.views]


def test_on_sqlite_there_is_nobody_to_tell(tmp_path):
    async def scenario():
        a = desk(tmp_path / "journal.sqlite", "desk-1", "Aylin D.")
        a.start()
        await a.viewing(MEMBER)
        await a.writing(MEMBER, 31)
        others = await a.others(MEMBER)
        await close(a)
        return a.active, others

    assert asyncio.run(scenario()) == (False, [])
    journal = Journal.open(tmp_path / "journal.sqlite")
    try:
        assert journal.presence_at(STUDIO, MEMBER, exclude_workstation=None, expiry=60) == []
        assert journal.events_after(STUDIO).events == []
    finally:
        journal.close()


def test_what_one_desk_shows_reaches_the_other_once_per_change(journal_target):
    shared_only(journal_target)
    watcher = Journal.open(journal_target)
    start = watcher.feed_end(STUDIO)

    async def scenario():
        a, b = desk(journal_target, "desk-1", "Aylin D."), desk(journal_target, "desk-2", "Jens P.")
        try:
            await a.viewing(MEMBER)
            await b.viewing(MEMBER)
            seen = [listed(await b.others(MEMBER)), listed(await a.others(MEMBER))]
            await a.writing(MEMBER, 31)
            await a.writing(MEMBER, 31)  # every keystroke reports it: one write
            seen.append(listed(await b.others(MEMBER)))
            await a.viewing(MEMBER)  # sent or cleared
            await a.viewing(MEMBER)
            seen.append(listed(await b.others(MEMBER)))
            await a.viewing(OTHER_MEMBER)
            seen.append(listed(await b.others(MEMBER)))
            await a.left()
            seen.append(listed(await b.others(OTHER_MEMBER)))
            return seen
        finally:
            await close(a, b)

    try:
        assert asyncio.run(scenario()) == [
            [("desk-1", "Aylin D.", None, "viewing")], [("desk-2", "Jens P.", None, "viewing")],
            [("desk-1", "Aylin D.", 31, "writing")],
            [("desk-1", "Aylin D.", None, "viewing")],
            [],  # desk-1 went to another member
            [],
        ]
        assert presence_changes(watcher, start) == [
            (MEMBER, "desk-1", "viewing"), (MEMBER, "desk-2", "viewing"), (MEMBER, "desk-1", "writing"),
            (MEMBER, "desk-1", "viewing"), (MEMBER, "desk-1", None), (OTHER_MEMBER, "desk-1", "viewing"),
            (OTHER_MEMBER, "desk-1", None), (MEMBER, "desk-2", None),  # b stopped: withdrawn
        ]
    finally:
        watcher.close()


def test_the_heartbeat_keeps_a_desk_listed_and_follows_the_staff_member(journal_target):
    shared_only(journal_target)

    async def scenario():
        a = desk(journal_target, "desk-1", "Aylin D.", heartbeat=0.1, expiry=0.6)
        b = desk(journal_target, "desk-2", "Jens P.", heartbeat=0.1, expiry=0.6)
        a.start()
        b.start()
        try:
            await a.viewing(MEMBER)
            first = (await b.others(MEMBER))[0].seen_at
            # Several expiries later (by the database's clock) desk-1 is still there.
            await until(lambda: _later_than(b, first, 3 * a.expiry), what="three expiries to pass")
            still = listed(await b.others(MEMBER))
            a._desk.staff = "Mia K."  # the staff picker: the next heartbeat tells the others
            await until(lambda: _staff_is(b, "Mia K."), what="the new staff member")
            return still
        finally:
            await close(a, b)

    assert asyncio.run(scenario()) == [("desk-1", "Aylin D.", None, "viewing")]


async def _later_than(presence: Presence, moment, seconds: float) -> bool:
    others = await presence.others(MEMBER)
    return bool(others) and (others[0].seen_at - moment).total_seconds() > seconds


async def _staff_is(presence: Presence, staff: str) -> bool:
    return [r.staff for r in await presence.others(MEMBER)] == [staff]


# The child: a desk at MEMBER with a fast heartbeat, until it is stopped or killed.
CHILD = """
import asyncio, sys
from studio_comm.core.desk import Desk
from studio_comm.core.presence import Presence
from studio_comm.journal import AsyncJournal, Journal

target, member, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]

async def main():
    presence = Presence(AsyncJournal(Journal.open(target)), 1210, Desk("desk-9", "Jens P."), heartbeat=0.2,
                        expiry=1.5)
    presence.start()
    await presence.viewing(member)
    print("there", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if how == "quit":
        await presence.stop()
        print("gone", flush=True)

asyncio.run(main())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("how", ["quit", "kill"])
def test_a_desk_that_quits_or_is_killed_disappears(journal_target, how):
    shared_only(journal_target)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(journal_target), str(MEMBER), how], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watcher = Journal.open(journal_target)

    async def scenario():
        b = desk(journal_target, "desk-2", "Aylin D.", heartbeat=0.2, expiry=1.5)
        b.start()
        try:
            await b.viewing(MEMBER)
            await until(lambda: b.others(MEMBER), what="the child desk")
            position = await b._journal.feed_end(STUDIO)
            if how == "quit":
                child.stdin.write("\n")
                child.stdin.flush()
            else:
                child.send_signal(signal.SIGKILL)
            # Gone from the list, and the others told by an event (withdrawn, or cleaned up
            # by desk-2's heartbeat once expired).
            await until(lambda: _gone(b, watcher, position), what="the child desk to disappear")
        finally:
            await close(b)

    try:
        assert child.stdout.readline() == "there\n", child.stderr.read()
        asyncio.run(scenario())
    finally:
        watcher.close()
        try:
            out, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
    assert (child.returncode, out) == ((0, "gone\n") if how == "quit" else (-signal.SIGKILL, "")), err


async def _gone(presence: Presence, watcher: Journal, position) -> bool:
    return (await presence.others(MEMBER) == []
            and (MEMBER, "desk-9", None) in presence_changes(watcher, position))


def test_a_desk_whose_journal_was_away_is_announced_again(own_pg_database, expect_log):
    expect_log("studio_comm.core.presence", logging.WARNING,
               r"^presence: The journal's database cannot be reached: .*; trying again at the next heartbeat$")
    target = own_pg_database.url

    async def scenario():
        a = desk(target, "desk-1", "Aylin D.", heartbeat=0.1, expiry=0.6)
        b = desk(target, "desk-2", "Jens P.", heartbeat=0.1, expiry=0.6)
        a.start()
        try:
            await a.viewing(MEMBER)
            await until(lambda: b.others(MEMBER), what="desk-1")
            own_pg_database.refuse_connections()
            await a.writing(MEMBER, 31)  # not written: logged, not raised
            own_pg_database.allow_connections()
            # Back: desk-1's heartbeat writes what it shows now.
            await until(lambda: _writing_in(b, 31), what="desk-1 writing, announced again")
        finally:
            await close(a, b)

    asyncio.run(scenario())


async def _writing_in(presence: Presence, thread_id: int) -> bool:
    return [(r.activity, r.thread_id) for r in await presence.others(MEMBER)] == [("writing", thread_id)]
