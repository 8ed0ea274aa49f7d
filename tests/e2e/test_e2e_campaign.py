"""Campaigns through the real path: core + client + sandbox over loopback + a real journal
(SQLite and PostgreSQL). What the sandbox received and stored is compared with the ledger,
so a member sent to twice, a member sent to without consent, or a request that left
before its row was written cannot pass.

The main run: 600 customers, a third of them consenting, a rate limit scaled down (60 per
3 s, the client's limiter matching it) so the budget sets the pace within the test's time;
members who turn consent off, lose their access or are deleted while it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from studio_comm.api.client import MagiclineClient, RetrySettings
from studio_comm.api.ratelimit import RateLimiter
from studio_comm.core.campaign import CampaignDefinition, RunningElsewhereError
from studio_comm.core.campaign_run import MAX_FAILURES_IN_A_ROW
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.sandbox import demo_data
from studio_comm.sandbox.server import SandboxConfig, SandboxThread
from tests.fixtures.logs import OUTCOME_UNKNOWN, RETRY_SCHEDULED
from tests.fixtures.sandbox import SMALL_CUSTOMERS

CUSTOMERS = 600
BUDGET, WINDOW = 60, 3.0
PREFS = "GET /v1/communications/{customerId}/communication-preferences"
POST = "POST /v1/communications/{customerId}/threads"
EVERYONE = ("MEMBER", "PROSPECT", "FORMER_MEMBER")
DEFINITION = CampaignDefinition(
    "Opening hours", "NEWSLETTER", "EMAIL", EVERYONE, "New hours, {{member.first_name|friend}}",
    "Dear {{member.first_name|member}}, from Monday we open at 6. Your number: {{member.customer_number}}.")
FAST_RETRY = RetrySettings(attempts=2, wait_initial=0.01, wait_max=0.02, wait_jitter=0.0)


@pytest.fixture(scope="module")
def limited_sandbox():
    with SandboxThread(SandboxConfig(customers=CUSTOMERS, rate_limit=(BUDGET, WINDOW))) as sb:
        yield sb


def ids(count: int) -> list[int]:
    return list(range(demo_data.FIRST_CUSTOMER_ID, demo_data.FIRST_CUSTOMER_ID + count))


def set_consent(sandbox, customer_ids, active: bool, by: str = "studio") -> None:
    for cid in customer_ids:
        sandbox.admin.set_preferences(cid, [{"messageCategory": "NEWSLETTER", "channels": [
            {"communicationChannel": "EMAIL", "active": active}]}], by=by)


@contextlib.asynccontextmanager
async def campaigns_of(sandbox, journal: Journal, *, limiter: RateLimiter | None = None,
                       retry: RetrySettings | None = None, timeout: float = 10.0, workstation: str = "Desk 1",
                       staff: str = "Anna K.", host: str | None = None) -> AsyncIterator:
    aj = AsyncJournal(journal)
    client = MagiclineClient(sandbox.base_url, sandbox.api_key, limiter=limiter, retry=retry, timeout=timeout)
    session = StudioSession(client, aj, profile_name="kraftwerk", workstation=workstation, staff=staff)
    try:
        await session.connect()
        uc = session.campaigns()
        if host is not None:
            uc.host = host
        yield uc
    finally:
        await client.aclose()
        await aj.aclose()


async def until(condition, timeout: float = 120.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def received(sandbox, endpoint: str) -> list[dict]:
    return [r for r in sandbox.admin.received() if r["endpoint"] == endpoint]


def per_customer(records: list[dict]) -> Counter:
    return Counter(int(r["path"].split("/")[3]) for r in records)


def sandbox_threads(sandbox, customer_ids) -> dict[int, list[dict]]:
    found = {}
    for cid in customer_ids:
        try:
            found[cid] = sandbox.admin.threads(cid)
        except httpx.HTTPStatusError:  # deleted: Magicline has nothing of it any more
            found[cid] = []
    return found


def assert_no_429(sandbox) -> None:
    stats = sandbox.admin.stats()["endpoints"]
    assert all("429" not in counts for counts in stats.values()), stats


def test_600_members_a_third_consenting_each_gets_exactly_one_thread(limited_sandbox, journal_target):
    sb = limited_sandbox
    sb.admin.reset()
    everyone = ids(CUSTOMERS)
    consenting = everyone[::3]
    set_consent(sb, everyone, False)
    set_consent(sb, consenting, True)
    no_number = consenting[1:3]  # their text's {{member.customer_number}} has no value
    for cid in no_number:
        sb.admin.update_customer(cid, {"customerNumber": None})
    switching_off = consenting[-8:]  # the last ones a run reaches (it goes by customer id)
    disabled, deleted = consenting[-10], consenting[-9]
    sb.admin.reset_received()
    journal = Journal.open(journal_target)

    async def scenario():
        async with campaigns_of(sb, journal, limiter=RateLimiter(BUDGET, WINDOW, margin=0.3)) as uc:
            campaign = await uc.open(DEFINITION)
            seen = []
            run = uc.run(campaign, on_progress=seen.append)
            running = asyncio.ensure_future(run.execute())
            await until(lambda: run.progress.done >= 60, what="60 members done")
            # While it runs: consent off in the member app, access disabled, a deletion.
            await asyncio.to_thread(set_consent, sb, switching_off, False, "member")
            await asyncio.to_thread(sb.admin.disable_access, disabled)
            await asyncio.to_thread(sb.admin.delete_customer, deleted)
            final = await running
            again = await uc.run(campaign).execute()  # a finished campaign sends nobody anything
            return uc.studio_id, campaign, seen, final, again

    try:
        studio_id, campaign, seen, final, again = asyncio.run(scenario())
        ledger = {m.customer_id: m for m in journal.campaign_members(campaign.id)}
        timelines = {cid: journal.threads(studio_id, cid) for cid in everyone}
        messages = {t.id: journal.messages(t.id) for threads in timelines.values() for t in threads}
        [entry] = journal.audit(studio_id, action="campaign", limit=1)
        entries = journal.audit(studio_id, action="campaign")
    finally:
        journal.close()

    sent = set(consenting) - set(switching_off) - {disabled, deleted} - set(no_number)
    assert (final.status, final.reason) == ("finished", None)
    assert final.counts == {"pending": 0, "sending": 0, "sent": len(sent),
                            "skipped_consent": CUSTOMERS - len(consenting) + len(switching_off),
                            "skipped_unavailable": 2, "skipped_unfilled": 2, "failed": 0, "unknown": 0}
    assert (again.status, again.counts) == ("finished", final.counts)
    assert {cid for cid, m in ledger.items() if m.outcome == "sent"} == sent
    assert {ledger[c].outcome for c in switching_off} == {"skipped_consent"}
    assert {ledger[c].detail for c in switching_off} == {"inactive"}
    assert (ledger[disabled].outcome, ledger[disabled].detail) == ("skipped_unavailable", "access disabled")
    assert (ledger[deleted].outcome, ledger[deleted].detail) == ("skipped_unavailable", "deleted")
    assert {(ledger[c].outcome, ledger[c].detail) for c in no_number} == {
        ("skipped_unfilled", "member.customer_number")}
    assert seen[0].listing and seen[-1].status == "finished" and seen[-1].done == CUSTOMERS
    assert any(p.seconds_left is not None and p.rate_per_minute > 0 for p in seen)

    # What Magicline got: no 429; each member's consent read once, right before the POST
    # (none for a text that could not be filled); one POST per member sent to, carrying
    # the ledger's request id, and the text filled in for that member.
    assert_no_429(sb)
    reads = received(sb, PREFS)
    assert per_customer(reads) == Counter({c: 1 for c in everyone if c not in no_number})
    posts = received(sb, POST)
    assert per_customer(posts) == Counter({c: 1 for c in sent})
    seeded = {c.id: json.loads(c.body) for c in demo_data.customers(CUSTOMERS, 1)}
    for post in posts:
        cid = int(post["path"].split("/")[3])
        assert post["request_id"] == ledger[cid].request_id
        assert post["json"]["subject"] == f"New hours, {seeded[cid]['firstName']}"
        assert post["json"]["content"] == (f"Dear {seeded[cid]['firstName']}, from Monday we open at 6. "
                                           f"Your number: {seeded[cid]['customerNumber']}.")
        assert (post["json"]["communicationDirection"], post["json"]["communicationChannel"]) == (
            "OUTGOING", "EMAIL")
        read_before = [r["index"] for r in reads if r["path"].split("/")[3] == str(cid)]
        assert read_before and read_before[0] < post["index"]

    # Each member sent to has exactly one thread in Magicline, the one the ledger names, and
    # a thread in the timeline; nobody else has one.
    threads = sandbox_threads(sb, everyone)
    for cid in everyone:
        if cid in sent:
            [thread] = threads[cid]
            assert thread["threadId"] == ledger[cid].remote_thread_id
            [local] = timelines[cid]
            assert local.remote_thread_id == ledger[cid].remote_thread_id
            [message] = messages[local.id]
            assert (message.state, message.request_id) == ("sent", ledger[cid].request_id)
        else:
            assert threads[cid] == [] and timelines[cid] == []

    # One audit entry per run: who, the targeting, the final counts.
    assert len(entries) == 2
    assert (entry.outcome, entry.staff, entry.workstation) == ("finished", "Anna K.", "Desk 1")
    assert entry.intent["campaign"] == "Opening hours" and entry.intent["statuses"] == list(EVERYONE)
    assert (entry.intent["category"], entry.intent["channel"]) == ("NEWSLETTER", "EMAIL")
    assert entry.after["counts"] == final.counts


def consenting_small_sandbox(sandbox) -> list[int]:
    everyone = ids(SMALL_CUSTOMERS)
    set_consent(sandbox, everyone, True)
    sandbox.admin.reset_received()
    return everyone


def test_a_503_storm_pauses_the_run_with_its_reason_and_the_resume_sends_nobody_twice(
        small_sandbox, journal_target, expect_log):
    expect_log(*RETRY_SCHEDULED)
    sb = small_sandbox
    everyone = consenting_small_sandbox(sb)
    journal = Journal.open(journal_target)
    # Some members go through, then every request to the communication endpoints is refused.
    sb.admin.set_faults("status=503:skip=40@/v1/communications")

    async def scenario():
        async with campaigns_of(sb, journal, retry=FAST_RETRY) as uc:
            campaign = await uc.open(DEFINITION)
            stormed = await uc.run(campaign).execute()
            failed = {m.customer_id: m for m in await uc.journal.campaign_members(campaign.id, ["failed"])}
            await asyncio.to_thread(sb.admin.set_faults, "")
            resumed = await uc.run(campaign).execute()
            return campaign, stormed, failed, resumed

    try:
        campaign, stormed, failed, resumed = asyncio.run(scenario())
        ledger = {m.customer_id: m for m in journal.campaign_members(campaign.id)}
        entries = journal.audit(action="campaign")
        retried = {cid: journal.messages(journal.message(m.request_id).thread_id)
                   for cid, m in failed.items() if journal.message(m.request_id) is not None}
    finally:
        journal.close()

    assert (stormed.status, stormed.reason) == ("paused", "failures_in_a_row")
    assert f"{MAX_FAILURES_IN_A_ROW} members failed in a row" in stormed.reason_detail
    assert "(503)" in stormed.reason_detail
    assert stormed.counts["failed"] >= MAX_FAILURES_IN_A_ROW and stormed.counts["unknown"] == 0
    assert 0 < stormed.counts["sent"] < SMALL_CUSTOMERS
    assert [(e.outcome, e.after["reason"]) for e in entries] == [("finished", None), ("paused", "failures_in_a_row")]

    assert resumed.status == "finished" and resumed.counts["sent"] == SMALL_CUSTOMERS
    threads = sandbox_threads(sb, everyone)
    assert all(len(threads[cid]) == 1 for cid in everyone)
    assert {ledger[cid].remote_thread_id for cid in everyone} == {t[0]["threadId"] for t in threads.values()}
    # A member whose POST was refused is sent again in the thread of the refused message.
    assert retried, "some POSTs were refused by the storm"
    for cid, timeline in retried.items():
        assert [m.state for m in timeline] == ["failed", "sent"]
        assert timeline[1].resend_of == timeline[0].request_id == failed[cid].request_id
        assert timeline[1].request_id == ledger[cid].request_id
    assert_no_429(sb)


@pytest.mark.parametrize(("spec", "reason"), [
    ("status=401:skip=20@/v1/communications", "key_refused"),  # the key revoked mid-run
    ("status=403:skip=20@/v1/communications", "failures_in_a_row"),  # a permission lost mid-run
])
def test_a_refused_key_or_permission_pauses_without_writing_anyone_off(small_sandbox, tmp_path, spec, reason):
    sb = small_sandbox
    everyone = consenting_small_sandbox(sb)
    journal = Journal.open(tmp_path / "journal.sqlite")
    sb.admin.set_faults(spec)

    async def scenario():
        async with campaigns_of(sb, journal) as uc:
            campaign = await uc.open(DEFINITION)
            refused = await uc.run(campaign).execute()
            await asyncio.to_thread(sb.admin.set_faults, "")
            return refused, await uc.run(campaign).execute()

    try:
        refused, resumed = asyncio.run(scenario())
    finally:
        journal.close()
    assert (refused.status, refused.reason) == ("paused", reason)
    # Members refused with 401/403 in the row were not sent to, and are not "unavailable".
    assert refused.counts["skipped_unavailable"] == 0 and refused.counts["sent"] >= 1
    assert refused.counts["pending"] + refused.counts["failed"] == SMALL_CUSTOMERS - refused.counts["sent"]
    assert resumed.status == "finished" and resumed.counts["sent"] == SMALL_CUSTOMERS
    assert all(len(t) == 1 for t in sandbox_threads(sb, everyone).values())


def test_an_outcome_unknown_is_reported_and_never_sent_again(small_sandbox, journal_target, expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    sb = small_sandbox
    everyone = consenting_small_sandbox(sb)
    journal = Journal.open(journal_target)
    sb.admin.set_faults("hang=30:count=3:method=POST@/v1/communications")  # the client gives up after 1 s

    async def scenario():
        async with campaigns_of(sb, journal, timeout=1.0) as uc:
            campaign = await uc.open(DEFINITION)
            first = await uc.run(campaign).execute()
            again = await uc.run(campaign).execute()
            return campaign, first, again, await uc.report(campaign.id, members=True)

    try:
        campaign, first, again, report = asyncio.run(scenario())
    finally:
        journal.close()
    assert (first.status, first.counts["unknown"], first.counts["sent"]) == ("finished", 3, SMALL_CUSTOMERS - 3)
    assert again.counts == first.counts and report.complete
    unknown = [m for m in report.members if m.outcome == "unknown"]
    assert len(unknown) == 3 and all(m.request_id for m in unknown)
    posts = per_customer(received(sb, POST))
    assert posts == Counter({cid: 1 for cid in everyone})  # the unknown ones too: posted once, never again


def test_one_run_at_a_time_across_desks_and_the_other_desk_resumes_a_paused_one(small_sandbox, journal_target):
    sb = small_sandbox
    everyone = consenting_small_sandbox(sb)
    journal = Journal.open(journal_target)
    sb.admin.set_faults("latency=50@/v1/communications")

    async def scenario():
        async with campaigns_of(sb, journal, workstation="Desk 1", staff="Anna K.", host="pc-1") as desk1, \
                campaigns_of(sb, journal, workstation="Desk 2", staff="Jens P.", host="pc-2") as desk2:
            campaign = await desk1.open(DEFINITION)
            run1 = desk1.run(campaign)
            running = asyncio.ensure_future(run1.execute())
            await until(lambda: run1.progress.done >= 10, what="desk 1 under way")
            same = await desk2.open(DEFINITION)
            with pytest.raises(RunningElsewhereError) as refused:
                await desk2.run(same).execute()
            run1.pause()
            paused = await running
            await asyncio.to_thread(sb.admin.set_faults, "")
            resumed = await desk2.run(same).execute()
            return refused.value, paused, resumed

    try:
        refused, paused, resumed = asyncio.run(scenario())
    finally:
        journal.close()
    assert (refused.lease.workstation, refused.lease.staff, refused.lease.host) == ("Desk 1", "Anna K.", "pc-1")
    assert "is running at Desk 1 (Anna K.)" in str(refused)
    assert (paused.status, paused.reason) == ("paused", "paused") and paused.counts["sending"] == 0
    assert 10 <= paused.counts["sent"] < SMALL_CUSTOMERS
    assert resumed.status == "finished" and resumed.counts["sent"] == SMALL_CUSTOMERS
    assert per_customer(received(sb, POST)) == Counter({cid: 1 for cid in everyone})


def test_the_preview_counts_from_the_review_cache_and_renders_real_members(small_sandbox, tmp_path):
    from studio_comm.core.review import ConsentReview

    sb = small_sandbox
    everyone = ids(SMALL_CUSTOMERS)
    set_consent(sb, everyone, False)
    set_consent(sb, everyone[::4], True)
    sb.admin.disable_access(everyone[5])  # left out of every list, the review's too
    journal = Journal.open(tmp_path / "journal.sqlite")

    async def scenario():
        async with campaigns_of(sb, journal) as uc:
            review = ConsentReview(uc.client, uc.journal, uc.studio_id)
            await review.run(EVERYONE)
            # A member deleted since: the review's refresh caches that it cannot be read.
            [gone] = [r for r in await review.cached_rows() if r.customer_id == everyone[6]]
            await asyncio.to_thread(sb.admin.delete_customer, gone.customer_id)
            await review.refresh(gone.customer_id, known=gone)
            sb.admin.reset_received()
            preview = await uc.preview(DEFINITION)
            by_phone = await uc.preview(dataclasses.replace(DEFINITION, channel="PHONE"))
            return preview, by_phone, await uc.campaigns()

    try:
        preview, by_phone, campaigns = asyncio.run(scenario())
    finally:
        journal.close()
    listed = SMALL_CUSTOMERS - 1  # lists leave out a customer whose access is disabled
    assert (preview.cached, preview.consenting) == (listed, len(everyone[::4]))
    assert preview.excluded == {"inactive": listed - len(everyone[::4]) - 1, "absent": 0, "unreadable": 1}
    assert preview.oldest_read is not None and campaigns == []  # nothing was stored
    seeded = {c.id: json.loads(c.body) for c in demo_data.customers(SMALL_CUSTOMERS, 1)}
    assert [s.customer.id for s in preview.samples] == everyone[::4][:3]
    for sample in preview.samples:
        first = seeded[sample.customer.id]["firstName"]
        assert sample.subject.text == f"New hours, {first}" and sample.body.complete
        assert sample.body.text.startswith(f"Dear {first}, from Monday")
    assert {r["method"] for r in sb.admin.received()} == {"GET"}  # the samples are read, nothing sent
    # Newsletters are not offered by phone: nobody would get it; the samples are listed members.
    assert (by_phone.consenting, by_phone.excluded["absent"], by_phone.excluded["unreadable"]) == (0, listed - 1, 1)
    members = [c for c in everyone if seeded[c]["status"] == "MEMBER" and c not in (everyone[5], everyone[6])]
    assert [s.customer.id for s in by_phone.samples] == members[:3]


def test_cancelling_the_runs_task_pauses_it_after_the_members_in_flight(small_sandbox, tmp_path):
    sb = small_sandbox
    everyone = consenting_small_sandbox(sb)
    journal = Journal.open(tmp_path / "journal.sqlite")
    sb.admin.set_faults("latency=100@/v1/communications")  # every member in flight for a while

    async def scenario():
        async with campaigns_of(sb, journal) as uc:
            campaign = await uc.open(DEFINITION)
            run = uc.run(campaign)
            task = asyncio.ensure_future(run.execute())
            await until(lambda: run.progress.done >= 10 and run.progress.counts["sending"] >= 1,
                        what="members in flight")
            task.cancel()  # as the app's shutdown cancels its tasks
            with pytest.raises(asyncio.CancelledError):
                await task
            paused = await uc.journal.campaign(campaign.id)
            counts = await uc.journal.campaign_counts(campaign.id)
            await asyncio.to_thread(sb.admin.set_faults, "")
            return paused, counts, await uc.run(campaign).execute()

    try:
        paused, counts, resumed = asyncio.run(scenario())
    finally:
        journal.close()
    assert (paused.status, paused.lease) == ("paused", None)
    assert set(counts) <= {"pending", "sent"}  # the ones in flight were sent and recorded: none unknown
    assert resumed.status == "finished" and resumed.counts["sent"] == SMALL_CUSTOMERS
    assert per_customer(received(sb, POST)) == Counter({cid: 1 for cid in everyone})
