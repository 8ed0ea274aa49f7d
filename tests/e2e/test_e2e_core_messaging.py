"""Sending and logging messages through the real path: core + client + sandbox + journal.

What the sandbox received (and stored) is compared with what the journal says, so a
message that left twice, or a row written after its request, cannot pass.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from studio_comm.api import errors
from studio_comm.api.client import RetrySettings
from studio_comm.api.models import Channel, Direction, MessageCategory, ThreadStatus
from studio_comm.core.matrix import Matrix
from studio_comm.core.messaging import Draft
from studio_comm.sandbox.server import SandboxConfig, SandboxThread
from tests.fixtures.core import STAFF, WORKSTATION, cell, member_with, studio_session
from tests.fixtures.logs import OUTCOME_UNKNOWN, RETRY_SCHEDULED

NEWS_SMS = cell("NEWSLETTER", "TEXT_MESSAGE")
GENERAL_MAIL = cell("GENERAL", "EMAIL")


def thread_requests(sandbox, customer_id: int) -> list[dict]:
    prefix = f"/v1/communications/{customer_id}/threads"
    return [r for r in sandbox.admin.received() if r["path"].startswith(prefix)]


def phone_call(customer_id, thread=None) -> Draft:
    return Draft(customer_id, thread, Direction.INCOMING, Channel.PHONE, MessageCategory.GENERAL,
                 "Sauna", "Member called: please cancel the sauna booking.")


async def until_post_arrived(sandbox, customer_id: int) -> None:
    """Wait (without blocking the loop) until the sandbox has received the thread POST."""
    while not any(r["method"] == "POST" for r in await asyncio.to_thread(
            thread_requests, sandbox, customer_id)):
        await asyncio.sleep(0.02)


def general_email_allowed(m: Matrix) -> bool:
    return m.active(GENERAL_MAIL) is True


def outgoing(customer_id, thread=None, **fields) -> Draft:
    values = dict(direction=Direction.OUTGOING, channel=Channel.EMAIL,
                  category=MessageCategory.GENERAL, subject="Your membership",
                  content="Hello, your new card is ready at the front desk.")
    values.update(fields)
    return Draft(customer_id, thread, **values)


def test_new_thread_then_two_follow_ups_post_then_put_into_the_returned_thread(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, _ = await member_with(session, general_email_allowed)
            messaging = session.messaging
            first = await messaging.send(outgoing(customer_id))
            assert first.state == "sent"
            remote_id = first.thread.remote_thread_id
            assert remote_id is not None
            second = await messaging.send(outgoing(customer_id, first.thread, subject="",
                                                   content="We also extended your locker."))
            assert second.state == "sent"
            call_time = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
            third = await messaging.send(Draft(
                customer_id, second.thread, Direction.INCOMING, Channel.PHONE,
                MessageCategory.GENERAL, "", "Member called: will pick it up Friday.",
                ThreadStatus.CLOSED, communication_time=call_time))
            assert third.state == "sent"

            requests = thread_requests(sandbox, customer_id)
            assert [(r["method"], r["path"]) for r in requests] == [
                ("POST", f"/v1/communications/{customer_id}/threads"),
                ("PUT", f"/v1/communications/{customer_id}/threads/{remote_id}"),
                ("PUT", f"/v1/communications/{customer_id}/threads/{remote_id}"),
            ]
            timeline = await messaging.timeline(first.thread.id)
            # Each request carried the id of the journal row written before it.
            assert [r["request_id"] for r in requests] == [m.request_id for m in timeline]
            assert [r["json"]["communicationThreadStatus"] for r in requests] == ["CREATED", "ONGOING", "CLOSED"]
            assert all(r["json"]["agent"] == STAFF for r in requests)
            assert requests[1]["json"]["subject"] == "Your membership"  # a follow-up keeps the subject
            assert datetime.fromisoformat(requests[2]["json"]["communicationDateTime"]) == datetime(
                2026, 3, 2, 9, 30, tzinfo=UTC)

            [stored] = sandbox.admin.threads(customer_id)
            assert stored["threadId"] == remote_id and stored["status"] == "CLOSED"
            assert [c["communicationId"] for c in stored["communications"]] == [
                m.communication_id for m in timeline]
            assert [m.content for m in timeline] == [c["content"] for c in stored["communications"]]
            assert all((m.state, m.staff, m.workstation) == ("sent", STAFF, WORKSTATION) for m in timeline)

            [thread] = await messaging.threads(customer_id)
            assert (thread.remote_thread_id, thread.status) == (remote_id, "CLOSED")
            assert await messaging.open_threads(customer_id) == []

            audit = journal.audit(customer_id=customer_id, action="message")
            assert sorted((e.request_id, e.outcome, e.http_status) for e in audit) == sorted(
                (m.request_id, "sent", 200) for m in timeline)
            assert sorted(e.intent["channel"] for e in audit) == ["EMAIL", "EMAIL", "PHONE"]
            assert all(e.intent["threadId"] == remote_id and e.staff == STAFF for e in audit)

    asyncio.run(scenario())


def test_threads_come_newest_activity_first_and_open_ones_are_offered(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, _ = await member_with(session, general_email_allowed)
            messaging = session.messaging
            older = await messaging.send(outgoing(customer_id, subject="Older topic"))
            newer = await messaging.send(outgoing(customer_id, subject="Newer topic"))
            closed = await messaging.send(outgoing(customer_id, subject="Done", thread_status=ThreadStatus.CLOSED))
            await messaging.send(outgoing(customer_id, older.thread, content="Back to this one."))

            threads = await messaging.threads(customer_id)
            assert [t.id for t in threads] == [older.thread.id, closed.thread.id, newer.thread.id]
            open_threads = await messaging.open_threads(customer_id)
            assert [t.id for t in open_threads] == [older.thread.id, newer.thread.id]

    asyncio.run(scenario())


def test_outgoing_message_on_an_inactive_channel_is_blocked_before_anything_is_written_or_sent(
        sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, _ = await member_with(
                session, lambda mx: mx.active(NEWS_SMS) is False)
            messaging = session.messaging
            consent = await messaging.consent(customer_id, MessageCategory.NEWSLETTER)
            assert consent[Channel.TEXT_MESSAGE].allowed is False
            assert consent[Channel.TEXT_MESSAGE].reason == "inactive"
            assert consent[Channel.FAX].reason == "absent"

            inactive = await messaging.send(outgoing(customer_id, channel=Channel.TEXT_MESSAGE,
                                                     category=MessageCategory.NEWSLETTER))
            assert (inactive.state, inactive.reason, inactive.message) == ("blocked", "inactive", None)
            absent = await messaging.send(outgoing(customer_id, channel=Channel.FAX))
            assert (absent.state, absent.reason, absent.message) == ("blocked", "absent", None)

            # What the member tells us is always logged, whatever the consent.
            logged = await messaging.send(Draft(customer_id, None, Direction.INCOMING, Channel.TEXT_MESSAGE,
                                                MessageCategory.NEWSLETTER, "Texts", "Asked us to stop texts."))
            assert logged.state == "sent"
            requests = thread_requests(sandbox, customer_id)
            assert [r["json"]["communicationDirection"] for r in requests] == ["INCOMING"]
            threads = await messaging.threads(customer_id)
            assert [t.id for t in threads] == [logged.thread.id]  # blocked ones left no thread
            assert [m.content for m in journal.messages(logged.thread.id)] == ["Asked us to stop texts."]

    asyncio.run(scenario())


def test_timeout_after_sending_leaves_the_message_unknown_and_sends_it_exactly_once(sandbox, journal, expect_log):
    sandbox.admin.set_faults("hang=30:count=1:method=POST@/v1/communications")
    expect_log(*OUTCOME_UNKNOWN)

    async def scenario():
        # A short wait for answers only; connecting may take long on a loaded machine.
        async with studio_session(sandbox, journal, timeout=httpx.Timeout(30.0, read=1.0)) as session:
            customer_id, _ = await member_with(session, general_email_allowed)
            sandbox.admin.reset_received()
            result = await session.messaging.send(outgoing(customer_id))
            assert result.state == "unknown"
            assert isinstance(result.error, errors.OutcomeUnknownError)
            assert result.message.state == "unknown"
            assert result.message.content == "Hello, your new card is ready at the front desk."
            assert journal.message(result.message.request_id).state == "unknown"
            assert [r["method"] for r in thread_requests(sandbox, customer_id)] == ["POST"]
            [entry] = journal.audit(customer_id=customer_id, action="message")
            assert (entry.outcome, entry.request_id) == ("unknown", result.message.request_id)

    asyncio.run(scenario())


@pytest.mark.parametrize(("status", "state"), [(503, "failed"), (400, "rejected")])
def test_failed_send_keeps_the_text_and_an_explicit_resend_posts_again(sandbox, journal, status, state):
    sandbox.admin.set_faults(f"status={status}:count=1:method=POST@/v1/communications")

    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, _ = await member_with(session, general_email_allowed)
            sandbox.admin.reset_received()
            failed = await session.messaging.send(outgoing(customer_id))
            assert failed.state == state and failed.error.status == status
            assert failed.thread.remote_thread_id is None

            resent = await session.messaging.resend(failed.message.request_id)
            assert resent.state == "sent"
            assert resent.message.resend_of == failed.message.request_id
            timeline = await session.messaging.timeline(failed.thread.id)
            assert [(m.request_id, m.state) for m in timeline] == [
                (failed.message.request_id, state), (resent.message.request_id, "sent")]
            assert timeline[0].content == timeline[1].content
            # The thread never got a remote id, so the resend starts it again with a POST.
            requests = thread_requests(sandbox, customer_id)
            assert [(r["method"], r["status"], r["request_id"]) for r in requests] == [
                ("POST", status, failed.message.request_id), ("POST", 200, resent.message.request_id)]
            assert resent.thread.remote_thread_id == sandbox.admin.threads(customer_id)[0]["threadId"]
            assert {e.outcome for e in journal.audit(customer_id=customer_id, action="message")} == {
                state, "sent"}

    asyncio.run(scenario())


def test_a_sent_message_is_not_sent_again(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, _ = await member_with(session, general_email_allowed)
            sent = await session.messaging.send(outgoing(customer_id))
            with pytest.raises(ValueError):
                await session.messaging.resend(sent.message.request_id)
            assert len(thread_requests(sandbox, customer_id)) == 1

    asyncio.run(scenario())


def test_employees_are_listed_by_name_for_the_staff_picker(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            names = [e.display_name for e in await session.employees()]
            assert len(names) > 1 and names == sorted(names, key=str.casefold)

    asyncio.run(scenario())


async def send_while_the_post_hangs(sandbox, session) -> tuple[int, asyncio.Task]:
    """Start a send whose POST the sandbox holds (set a hang fault first); returns once the
    POST has arrived, with the customer id and the task still waiting for the answer."""
    customer_id, _ = await member_with(session, general_email_allowed)
    sending = asyncio.create_task(session.messaging.send(outgoing(customer_id)))
    await until_post_arrived(sandbox, customer_id)
    return customer_id, sending


def test_a_second_connect_in_the_same_run_leaves_a_message_in_flight_alone(sandbox, journal):
    # The POST is answered after a few seconds: time enough for the reconnect.
    sandbox.admin.set_faults("hang=4:count=1:method=POST@/v1/communications")

    async def scenario():
        async with studio_session(sandbox, journal) as first:
            customer_id, sending = await send_while_the_post_hangs(sandbox, first)
            async with studio_session(sandbox, journal):  # e.g. a reconnect, same desk
                pass
            [thread] = await first.messaging.threads(customer_id)
            during = await first.messaging.timeline(thread.id)
            assert [m.state for m in during] == ["pending"]  # the reconnect happened while it was out
            result = await sending
            assert result.state == "sent"
            assert journal.message(result.message.request_id).state == "sent"

    asyncio.run(scenario())


def test_a_send_abandoned_while_out_is_unknown_not_pending(sandbox, journal):
    sandbox.admin.set_faults("hang=30:count=1:method=POST@/v1/communications")

    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, sending = await send_while_the_post_hangs(sandbox, session)
            sending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await sending
            [thread] = await session.messaging.threads(customer_id)
            [message] = await session.messaging.timeline(thread.id)
            assert (message.state, message.content) == (
                "unknown", "Hello, your new card is ready at the front desk.")
            assert len(thread_requests(sandbox, customer_id)) == 1

    asyncio.run(scenario())


def test_a_server_that_cannot_be_reached_leaves_the_message_failed_and_safe_to_send_again(
        journal, expect_log):
    """Could not connect: nothing left this computer, so `failed` (safe to retry), text kept;
    once the server is back, the explicit resend goes out exactly once. (An outgoing message
    cannot even be checked for consent then: it is refused before anything is written.)"""
    config = SandboxConfig(customers=200)
    fast_retry = RetrySettings(wait_initial=0.01, wait_max=0.05, wait_jitter=0)
    expect_log(*RETRY_SCHEDULED)  # the client retries the refused connections first

    async def scenario():
        first = SandboxThread(config).start()
        try:
            async with studio_session(first, journal, retry=fast_retry) as session:
                customer_id, _ = await member_with(session, general_email_allowed)
                first.stop()  # the server goes away; its port refuses connections
                with pytest.raises(errors.NotSentError):
                    await session.messaging.send(outgoing(customer_id))
                failed = await session.messaging.send(phone_call(customer_id))
                assert failed.state == "failed"
                assert isinstance(failed.error, errors.NotSentError)
                assert failed.message.content == "Member called: please cancel the sauna booking."

                port = int(first.base_url.rsplit(":", 1)[1])
                with SandboxThread(replace(config, port=port)) as back:
                    resent = await session.messaging.resend(failed.message.request_id)
                    threads = await session.messaging.threads(customer_id)
                    assert [t.id for t in threads] == [failed.thread.id]  # the refused outgoing one left none
                    assert resent.state == "sent" and resent.message.resend_of == failed.message.request_id
                    # The resend is a row of its own: the failed attempt stays failed.
                    assert journal.message(failed.message.request_id).state == "failed"
                    received = back.admin.received()
                    assert [(r["method"], r["request_id"]) for r in received if r["path"].endswith("/threads")] == [
                        ("POST", resent.message.request_id)]
                    # Only the attempt that reached the server is in the audit.
                    assert [e.request_id for e in journal.audit(customer_id=customer_id, action="message")] == [
                        resent.message.request_id]
        finally:
            first.stop()

    asyncio.run(scenario())
