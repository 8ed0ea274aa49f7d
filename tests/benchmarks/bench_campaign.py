"""Campaign: members per minute through a run against the permitted rate.

Every member consents, so each needs a consent read and a thread POST: two endpoint
budgets, both used in full. The sandbox (a child process, so it shares no interpreter
with the client) allows 100 requests per endpoint per 6 s window, as the vendor's 1000 a
minute scaled down; the client's limiter has the same budget plus a small margin. The
run writes everything to a real SQLite journal (ledger row, message, thread, audit) as
it would at a desk. Under that rule POST number k * 100 (counting from 0) cannot arrive
earlier than k * 6 s after POST 0, so the measured rate is k * 100 members over the
sandbox's arrival times of POST 0 and POST k * 100, with k the last full window; the
baseline is the permitted 100 per 6 s (1000 a minute). Target: at least 95%, zero 429.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from tests.benchmarks.figure import Figure

BUDGET, WINDOW, MARGIN = 100, 6.0, 0.15
POST = "POST /v1/communications/{customerId}/threads"


def _throughput(quick: bool) -> list[Figure]:
    from studio_comm.api.client import MagiclineClient
    from studio_comm.api.ratelimit import RateLimiter
    from studio_comm.core.campaign import CampaignDefinition
    from studio_comm.core.session import StudioSession
    from studio_comm.journal import AsyncJournal, Journal
    from studio_comm.sandbox import demo_data
    from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

    members = 400 if quick else 1000
    definition = CampaignDefinition("Benchmark", "NEWSLETTER", "EMAIL", ("MEMBER", "PROSPECT", "FORMER_MEMBER"),
                                    "New hours, {{member.first_name|friend}}",
                                    "Dear {{member.first_name|member}}, from Monday we open at 6.")
    with SandboxProcess(SandboxConfig(customers=members, rate_limit=(BUDGET, WINDOW))) as sb, \
            tempfile.TemporaryDirectory() as tmp:
        for cid in range(demo_data.FIRST_CUSTOMER_ID, demo_data.FIRST_CUSTOMER_ID + members):
            sb.admin.set_preferences(cid, [{"messageCategory": "NEWSLETTER", "channels": [
                {"communicationChannel": "EMAIL", "active": True}]}])
        sb.admin.reset_received()
        journal = Journal.open(Path(tmp) / "journal.sqlite")

        async def campaign():
            aj = AsyncJournal(journal)
            limiter = RateLimiter(BUDGET, WINDOW, MARGIN)
            async with MagiclineClient(sb.base_url, sb.api_key, limiter=limiter) as client:
                session = StudioSession(client, aj, profile_name="Benchmark", workstation="bench", staff="Bench")
                await session.connect()
                uc = session.campaigns()
                progress = await uc.run(await uc.open(definition)).execute()
            await aj.aclose()
            return progress

        progress = asyncio.run(campaign())
        journal.close()
        received = [r for r in sb.admin.received() if r["endpoint"] == POST]
        stats = sb.admin.stats()["endpoints"]
        refused = sum(counts.get("429", 0) for counts in stats.values())
    times = sorted(datetime.fromisoformat(r["time"]) for r in received)
    posts = len(times)
    paced = (posts - 1) // BUDGET * BUDGET  # the first POST of the last window
    rate = paced / (times[paced] - times[0]).total_seconds() * 60.0
    permitted = BUDGET / WINDOW * 60.0
    met = (progress.status == "finished" and progress.counts["sent"] == members == posts and refused == 0
           and rate >= 0.95 * permitted)
    return [
        Figure(
            name=f"campaign members per minute ({posts} sent, {refused} refused with 429)",
            value=rate, baseline=permitted, unit="/min",
            baseline_name=f"permitted: {BUDGET} per {WINDOW:g} s",
            target=">= 95% of permitted, zero 429", met=met,
        )
    ]


def run(quick: bool = False) -> list[Figure]:
    return _throughput(quick)
