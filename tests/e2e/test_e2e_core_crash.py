"""A process killed mid-send (a real SIGKILL) loses nothing: the journal reopens cleanly and
the next session of that workstation marks the message `unknown`, its text intact."""

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

from studio_comm.journal import Journal
from studio_comm.sandbox.demo_data import studio_information
from tests.fixtures.core import WORKSTATION, studio_session

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Anruf: Mitglied möchte den Vertrag pausieren 🧘 — bitte zurückrufen."

# The child: a real session (client + journal) sending one message into the hanging POST.
CHILD = """
import asyncio, os, sys
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Channel, Direction, MessageCategory
from studio_comm.core.messaging import Draft
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal

base_url, target, customer_id, workstation, text = sys.argv[1:]
key = os.environ["STUDIO_COMM_TEST_API_KEY"]  # not in argv: ps shows every command line

async def main():
    client = MagiclineClient(base_url, key, timeout=300)
    session = StudioSession(client, AsyncJournal(Journal.open(target)), profile_name="kraftwerk",
                            workstation=workstation, staff="Jens P.")
    await session.connect()
    await session.messaging.send(Draft(int(customer_id), None, Direction.INCOMING, Channel.PHONE,
                                       MessageCategory.CONTRACT, "Pause", text))
    print("the send returned", flush=True)

asyncio.run(main())
"""


def wait_for(condition, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_kill_9_mid_send_leaves_the_message_unknown_with_its_text(sandbox, journal_target, expect_log):
    sandbox.admin.set_faults("hang=120:method=POST@/v1/communications")
    customer_id = 1_000_001
    # Create the schema first, so the child and this test open the same journal.
    Journal.open(journal_target).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDIO_COMM_TEST_API_KEY": sandbox.api_key}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, sandbox.base_url, str(journal_target),
         str(customer_id), WORKSTATION, TEXT],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    watcher = Journal.open(journal_target)
    try:
        def pending_row():
            if child.poll() is not None:
                raise AssertionError(f"the child ended early: {child.communicate()}")
            if not any(r["method"] == "POST" for r in sandbox.admin.received()):
                return None  # the request has not arrived yet
            for profile in watcher.profiles():
                for thread in watcher.threads(profile.studio_id, customer_id):
                    return next((m for m in watcher.messages(thread.id) if m.state == "pending"), None)
            return None

        pending = wait_for(pending_row, what="the pending row and its request")
    finally:
        watcher.close()
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    sandbox.admin.set_faults("")

    reopened = Journal.open(journal_target)
    try:
        assert reopened.message(pending.request_id).state == "pending"
        expect_log("studio_comm.core.session", logging.WARNING, r"^1 message\(s\) left pending by an earlier run")

        async def next_start():
            async with studio_session(sandbox, reopened) as session:
                [message] = await session.messaging.timeline(pending.thread_id)
                assert (message.request_id, message.state) == (pending.request_id, "unknown")
                assert message.content == TEXT and message.subject == "Pause"

        asyncio.run(next_start())
        profile = reopened.profile("kraftwerk")
        assert (profile.base_url, profile.studio_name) == (sandbox.base_url, studio_information()["name"])
    finally:
        reopened.close()
    posts = [r for r in sandbox.admin.received() if r["method"] == "POST"]
    assert [r["request_id"] for r in posts] == [pending.request_id]  # sent once, not again
