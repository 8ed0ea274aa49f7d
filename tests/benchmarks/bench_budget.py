"""Request budget: reading the preferences of 2,000 customers through the client, with
the sandbox refusing (429) more than 100 requests per endpoint in a 6 s window.

The client's RateLimiter has the same budget and window and a margin of 0.15 s (the
app's 0.5 s margin belongs to the vendor's 60 s window; at 6 s it alone would cost 8%).
The reads go one after another, as fast as the limiter lets them. The achieved rate is
taken from the sandbox's arrival times (first read to last); the baseline is the best
the sandbox's rule permits for the same reads: ceil(n / 100) full windows, the first
starting at the first read, so (ceil(n / 100) - 1) * 6 s from the first read to the last.
429s are counted by the sandbox (admin stats). Target: at least 95% of the permitted
rate and no 429. One run (about 2 minutes; 300 customers with --quick).
"""

from __future__ import annotations

import asyncio
import math
from datetime import datetime

from tests.benchmarks.figure import Figure

BUDGET, WINDOW, MARGIN = 100, 6.0, 0.15
ENDPOINT = "GET /v1/communications/{customerId}/communication-preferences"


async def _read_all(base_url: str, api_key: str, customer_ids: range) -> int:
    from studio_comm.api.client import MagiclineClient
    from studio_comm.api.ratelimit import RateLimiter

    limiter = RateLimiter(BUDGET, WINDOW, MARGIN)
    async with MagiclineClient(base_url, api_key, limiter=limiter) as client:
        for customer_id in customer_ids:
            await client.get_preferences(customer_id)
    return len(customer_ids)


def run(quick: bool) -> list[Figure]:
    from studio_comm.sandbox.demo_data import FIRST_CUSTOMER_ID
    from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

    customers = 300 if quick else 2_000
    config = SandboxConfig(customers=customers, rate_limit=(BUDGET, WINDOW))
    with SandboxProcess(config) as sandbox:
        ids = range(FIRST_CUSTOMER_ID, FIRST_CUSTOMER_ID + customers)
        asyncio.run(_read_all(sandbox.base_url, sandbox.api_key, ids))
        arrivals = sorted(datetime.fromisoformat(r["time"]) for r in sandbox.admin.received()
                          if r["endpoint"] == ENDPOINT)
        refused = sum(counts.get("429", 0) for counts in sandbox.admin.stats()["endpoints"].values())
    reads = len(arrivals) - refused  # a refused read is sent again: it arrives twice
    span = (arrivals[-1] - arrivals[0]).total_seconds()
    rate = reads / span * 60
    permitted = reads / ((math.ceil(reads / BUDGET) - 1) * WINDOW) * 60
    return [
        Figure(name=f"preference reads per minute ({reads:,} reads, {refused} refused with 429)",
               value=rate, baseline=permitted, unit="/min",
               baseline_name=f"permitted by {BUDGET} per {WINDOW:g} s for the same reads",
               target=">= 95% of permitted, zero 429", met=refused == 0 and rate >= 0.95 * permitted),
    ]
