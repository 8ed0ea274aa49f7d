"""The per-endpoint limiter waits instead of failing and never lets a window overflow."""

from __future__ import annotations

import asyncio
import time

import pytest

from studio_comm.api.ratelimit import RateLimiter

EP = "GET /v1/communications/{customerId}/communication-preferences"


class FakeClock:
    """Virtual monotonic time: sleeping advances it, so no test really waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def limiter(budget=3, window=60.0, margin=0.5, **kw) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(budget, window, margin, clock=clock, sleep=clock.sleep, **kw), clock


def max_in_any_span(times: list[float], span: float) -> int:
    """Most timestamps that fall inside one half-open span of this length."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= span:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_requests_within_budget_go_at_once_and_the_next_one_waits_a_window():
    async def body():
        rl, clock = limiter(budget=3)
        waits = []
        rl.on_wait = lambda ep, s: waits.append((ep, s))
        start = clock.now
        for _ in range(3):
            assert await rl.acquire(EP) == 0.0
        assert clock.sleeps == []
        await rl.acquire(EP)
        assert clock.now == pytest.approx(start + 60.5)
        assert waits == [(EP, pytest.approx(60.5))]

    asyncio.run(body())


def test_many_concurrent_callers_never_exceed_the_budget_in_any_window():
    async def body():
        rl, clock = limiter(budget=10, window=60.0, margin=0.5)
        granted: list[tuple[int, float]] = []

        async def call(i: int) -> None:
            await asyncio.sleep(0)
            await rl.acquire(EP)
            granted.append((i, clock()))

        await asyncio.gather(*(call(i) for i in range(95)))
        times = [t for _, t in granted]
        assert len(times) == 95
        assert max_in_any_span(times, 60.5) == 10
        # The vendor counts fixed minutes or rolling ones: both stay within 10.
        assert max_in_any_span(times, 60.0) <= 10
        # Nobody waited longer than needed: 95 requests need exactly 9 more windows.
        assert max(times) - min(times) == pytest.approx(9 * 60.5)

    asyncio.run(body())


def test_callers_arriving_while_others_wait_are_served_in_arrival_order():
    async def body():
        rl, clock = limiter(budget=2)
        order = []

        async def call(i):
            await rl.acquire(EP)
            order.append(i)

        tasks = []
        for i in range(7):
            tasks.append(asyncio.create_task(call(i)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        assert order == list(range(7))

    asyncio.run(body())


def test_endpoints_have_separate_budgets():
    async def body():
        rl, clock = limiter(budget=2)
        for ep in ("GET /v1/customers", "GET /v1/customers/{customerId}", EP):
            await rl.acquire(ep)
            await rl.acquire(ep)
        assert clock.sleeps == []

    asyncio.run(body())


def test_hold_after_a_refusal_blocks_the_endpoint_for_a_whole_window_and_reports_it():
    async def body():
        waits = []
        rl, clock = limiter(budget=100, on_wait=lambda ep, s: waits.append((ep, s)))
        await rl.acquire(EP)
        start = clock.now
        rl.hold(EP)
        await rl.acquire("GET /v1/customers")  # other endpoints are not held
        assert clock.now == start
        await rl.acquire(EP)
        assert clock.now >= start + 60.0
        assert waits == [(EP, pytest.approx(60.5))]

    asyncio.run(body())


def test_short_waits_are_not_reported_but_still_kept():
    async def body():
        waits = []
        rl, clock = limiter(budget=1, window=0.2, margin=0.05, on_wait=lambda *a: waits.append(a))
        await rl.acquire(EP)
        await rl.acquire(EP)
        assert clock.sleeps == [pytest.approx(0.25)]
        assert waits == []

    asyncio.run(body())


def test_a_cancelled_waiter_does_not_block_the_ones_behind_it():
    async def body():
        rl, clock = limiter(budget=1)
        await rl.acquire(EP)
        gate = asyncio.Event()

        async def stuck_sleep(seconds):
            await gate.wait()

        rl._sleep = stuck_sleep
        first = asyncio.create_task(rl.acquire(EP))
        await asyncio.sleep(0)
        second = asyncio.create_task(rl.acquire(EP))
        await asyncio.sleep(0)
        first.cancel()
        rl._sleep = clock.sleep
        gate.set()
        await asyncio.wait_for(second, 5)
        assert first.cancelled()

    asyncio.run(body())


def test_real_clock_concurrent_callers_stay_within_the_budget():
    async def body():
        rl = RateLimiter(budget=4, window=0.15, margin=0.05)
        times = []

        async def call():
            await rl.acquire(EP)
            times.append(time.monotonic())

        await asyncio.gather(*(call() for _ in range(14)))
        # Limiter and check use the same clock, so load can only spread requests out.
        assert max_in_any_span(times, 0.2) <= 4

    asyncio.run(body())


@pytest.mark.parametrize("args", [(0, 60.0, 0.5), (10, 0.0, 0.5), (10, 60.0, -1.0)])
def test_nonsense_settings_are_refused(args):
    with pytest.raises(ValueError):
        RateLimiter(*args)
