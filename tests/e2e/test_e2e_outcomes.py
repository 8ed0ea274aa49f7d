"""Outcomes told as they are, when the server or the shared journal misbehave at the worst
moment: a message Magicline accepted while the PostgreSQL journal was away, and a
preferences PUT whose answer was lost although Magicline applied it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from studio_comm.api.client import RetrySettings
from studio_comm.journal import Journal, JournalUnavailableError
from studio_comm.journal.records import MessageState
from tests.e2e.test_e2e_core_messaging import general_email_allowed, outgoing, thread_requests, until_post_arrived
from tests.e2e.test_e2e_core_preferences import NEWS_SMS, editor_turning_sms_off, requests_to
from tests.fixtures.core import member_with, studio_session
from tests.fixtures.logs import OUTCOME_UNKNOWN


@pytest.mark.postgres
def test_a_message_accepted_while_the_journal_is_away_is_sent_not_recorded_then_recorded(
        sandbox, own_pg_database, expect_log):
    expect_log("studio_comm.core.messaging", logging.WARNING, r"was sent, but the journal could not record it")
    journal = Journal.open(own_pg_database.url)

    async def scenario():
        async with studio_session(sandbox, journal) as session:
            messenger = session.messaging
            customer_id, _ = await member_with(session, general_email_allowed)
            sandbox.admin.set_faults("latency=1500:count=1:method=POST@/v1/communications")
            sending = asyncio.ensure_future(messenger.send(outgoing(customer_id)))
            await until_post_arrived(sandbox, customer_id)
            # The shared server goes away while the POST is out: its answer cannot be recorded.
            await asyncio.to_thread(own_pg_database.refuse_connections)
            result = await sending

            assert result.state == "sent_unrecorded"
            assert result.message.state == MessageState.SENT and result.message.communication_id is not None
            assert result.thread.remote_thread_id is not None
            assert [m.request_id for m in messenger.unrecorded] == [result.message.request_id]
            with pytest.raises(JournalUnavailableError):  # still away: nothing can be recorded yet
                await messenger.record_outcomes()
            assert len(messenger.unrecorded) == 1

            await asyncio.to_thread(own_pg_database.allow_connections)
            # A follow-up before the outcome is recorded still goes into Magicline's thread.
            follow_up = await messenger.send(outgoing(customer_id, thread=result.thread, subject=""))
            assert follow_up.state == MessageState.SENT
            recorded = await messenger.record_outcomes()
            assert [r.message.request_id for r in recorded] == [result.message.request_id]
            assert messenger.unrecorded == []
            return customer_id, result

    customer_id, result = asyncio.run(scenario())
    requests = thread_requests(sandbox, customer_id)
    assert [r["method"] for r in requests] == ["POST", "PUT"]  # one thread, never a second POST
    assert requests[1]["path"].endswith(f"/threads/{result.thread.remote_thread_id}")
    stored = journal.message(result.message.request_id)
    assert (stored.state, stored.communication_id) == ("sent", result.message.communication_id)
    assert journal.thread(result.thread.id).remote_thread_id == result.thread.remote_thread_id
    audit = journal.audit(customer_id=customer_id)
    assert sorted(e.outcome for e in audit) == ["sent", "sent"]
    journal.close()


@pytest.mark.parametrize("fault", ["drop:after", "malformed:after"])
def test_a_preferences_put_applied_but_unanswered_is_reported_saved_after_a_read(sandbox, journal, fault,
                                                                                 expect_log):
    if fault.startswith("drop"):
        expect_log(*OUTCOME_UNKNOWN)
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            sandbox.admin.set_faults(f"{fault}:count=1:method=PUT@/v1/communications")
            report = await editor.save()
            return customer_id, editor, report

    customer_id, editor, report = asyncio.run(scenario())
    assert report.outcome == "saved", report
    assert report.error is not None  # the answer was lost: the UI says the read confirmed it
    assert report.matrix.active(NEWS_SMS) is False and not editor.is_dirty
    assert [r["method"] for r in requests_to(sandbox, customer_id)][-2:] == ["PUT", "GET"]
    [entry] = journal.audit(customer_id=customer_id)
    assert entry.outcome == "saved" and entry.after is not None


def test_a_preferences_put_lost_before_it_was_applied_is_reported_not_saved_and_kept(sandbox, journal, expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            sandbox.admin.set_faults("drop:count=1:method=PUT@/v1/communications")
            report = await editor.save()
            return customer_id, editor, report

    customer_id, editor, report = asyncio.run(scenario())
    assert report.outcome == "failed", report
    assert editor.intent == {NEWS_SMS: False}  # kept: saving again needs no re-typing
    [entry] = journal.audit(customer_id=customer_id)
    assert entry.outcome == "failed"


def test_a_preferences_put_unanswered_and_unreadable_is_reported_unknown(sandbox, journal, expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    expect_log("studio_comm.core.preferences", logging.WARNING, r"outcome of the save unknown, the re-read failed")
    async def scenario():
        async with studio_session(sandbox, journal, retry=RetrySettings(attempts=1)) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            # The PUT's answer is lost, and so is the read after it that would tell.
            sandbox.admin.set_faults("drop:after:count=1:method=PUT@/v1/communications;"
                                     "status=503:skip=1:count=5:method=GET@/v1/communications")
            report = await editor.save()
            return customer_id, editor, report

    customer_id, editor, report = asyncio.run(scenario())
    assert report.outcome == "unknown", report
    assert editor.intent == {NEWS_SMS: False}
    [entry] = journal.audit(customer_id=customer_id)
    assert entry.outcome == "unknown"
