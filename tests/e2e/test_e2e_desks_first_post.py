"""Two desks, one new thread: however their sends meet, Magicline gets one POST (the thread)
and one follow-up PUT into it. Each desk is its own process with its own session (client,
journal, messenger) on one PostgreSQL journal and one sandbox; the sandbox's POST is slowed
so that the second desk's send always arrives while the first one's POST is out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio_comm.journal import Journal
from studio_comm.sandbox.demo_data import STUDIO_ID

ROOT = Path(__file__).resolve().parents[2]
MEMBER = 1_000_001
SLOW_POST = "latency=1500:method=POST@/v1/communications"

# A desk: connects, says "ready", and then sends one logged call
# - "into THREAD": into that journal thread once the file BARRIER exists;
# - "new": as a new thread once BARRIER exists;
# - "follow": into the member's first thread another desk creates, as soon as this desk's
#   feed listener tells of it.
DESK = """
import asyncio, json, os, sys, threading
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Channel, Direction, MessageCategory
from studio_comm.core.desk_events import DeskEvent, desk_change
from studio_comm.core.messaging import Draft
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.journal.listener import FeedListener

base_url, target, workstation, mode, thread_arg, member, barrier = sys.argv[1:]
member = int(member)

async def main():
    client = MagiclineClient(base_url, os.environ["STUDIO_COMM_TEST_API_KEY"], timeout=60)
    session = StudioSession(client, AsyncJournal(Journal.open(target)), profile_name="kraftwerk",
                            workstation=workstation, staff=workstation.upper())
    await session.connect()
    loop = asyncio.get_running_loop()
    created = loop.create_future()

    def on_events(events):
        for change in filter(None, map(desk_change, events)):
            mine = change.made_by(workstation)
            if change.kind == DeskEvent.THREAD_CREATED and change.customer_id == member and not mine:
                loop.call_soon_threadsafe(lambda t=change.thread_id: created.done() or created.set_result(t))

    listener = FeedListener(session.journal.journal, session.studio_id, on_events).start() if mode == "follow" else None
    print("ready", flush=True)
    if mode == "follow":
        thread = await session.journal.thread(await created)
    else:
        while not os.path.exists(barrier):
            await asyncio.sleep(0.002)
        thread = await session.journal.thread(int(thread_arg)) if mode == "into" else None
    result = await session.messaging.send(Draft(member, thread, Direction.INCOMING, Channel.PHONE,
                                                MessageCategory.GENERAL, "Sauna", f"Call taken at {workstation}"))
    if listener is not None:
        listener.stop()
    print(json.dumps({"state": str(result.state), "thread": result.thread.id,
                      "remote": result.thread.remote_thread_id, "request": result.message.request_id}), flush=True)

asyncio.run(main())
"""


def start_desk(sandbox, target, workstation: str, mode: str, barrier: Path, thread_id: int | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDIO_COMM_TEST_API_KEY": sandbox.api_key}
    return subprocess.Popen(
        [sys.executable, "-c", DESK, sandbox.base_url, str(target), workstation, mode, str(thread_id or 0),
         str(MEMBER), str(barrier)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(desk: subprocess.Popen) -> dict:
    out, err = desk.communicate(timeout=120)
    assert desk.returncode == 0, err
    return json.loads(out.splitlines()[-1])


def wait_ready(*desks: subprocess.Popen) -> None:
    for desk in desks:
        line = desk.stdout.readline()
        if line != "ready\n":
            desk.kill()
            raise AssertionError(f"a desk did not start: {line!r} {desk.communicate(timeout=60)[1]}")


def thread_requests(sandbox) -> list[tuple[str, str]]:
    prefix = f"/v1/communications/{MEMBER}/threads"
    return [(r["method"], r["path"]) for r in sandbox.admin.received() if r["path"].startswith(prefix)]


@pytest.fixture
def shared_target(journal_target):
    if "://" not in str(journal_target):
        pytest.skip("desks share a PostgreSQL journal; a SQLite journal is one desk's")
    Journal.open(journal_target).close()  # the schema first, so no desk waits on another's migration
    return journal_target


def test_two_desks_sending_into_one_new_thread_at_once_post_once_and_put_once(sandbox, shared_target, tmp_path):
    journal = Journal.open(shared_target)
    barrier = tmp_path / "go"
    try:
        # The thread as a desk shows it before its first message: in the journal, no Magicline id.
        thread = journal.add_thread(STUDIO_ID, MEMBER, "Sauna", "CREATED", "GENERAL", workstation="desk-0")
        sandbox.admin.set_faults(SLOW_POST)
        desks = [start_desk(sandbox, shared_target, name, "into", barrier, thread.id) for name in ("desk-1", "desk-2")]
        wait_ready(*desks)
        barrier.touch()  # both desks send now
        results = [finish(desk) for desk in desks]
        assert_one_post_then_one_put(sandbox, journal, results, thread.id)
    finally:
        journal.close()


def test_a_follow_up_into_a_thread_another_desk_is_still_creating_waits_and_puts(sandbox, shared_target, tmp_path):
    journal = Journal.open(shared_target)
    barrier = tmp_path / "go"
    try:
        sandbox.admin.set_faults(SLOW_POST)
        follower = start_desk(sandbox, shared_target, "desk-2", "follow", barrier)
        creator = start_desk(sandbox, shared_target, "desk-1", "new", barrier)
        wait_ready(follower, creator)
        barrier.touch()
        created, followed = finish(creator), finish(follower)
        assert created["thread"] == followed["thread"]
        assert_one_post_then_one_put(sandbox, journal, [created, followed], created["thread"])
        # The follow-up left while the POST was out: it waited for its answer, then PUT.
        assert journal.message(followed["request"]).created_at > journal.message(created["request"]).updated_at
    finally:
        journal.close()


def assert_one_post_then_one_put(sandbox, journal, results, thread_id) -> None:
    remote = journal.thread(thread_id).remote_thread_id
    assert remote is not None
    assert thread_requests(sandbox) == [("POST", f"/v1/communications/{MEMBER}/threads"),
                                        ("PUT", f"/v1/communications/{MEMBER}/threads/{remote}")]
    assert [(r["state"], r["remote"]) for r in results] == [("sent", remote)] * 2
    assert sorted((m.workstation, m.state) for m in journal.messages(thread_id)) == [
        ("desk-1", "sent"), ("desk-2", "sent")]
