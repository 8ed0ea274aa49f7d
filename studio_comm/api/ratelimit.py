"""Per-endpoint request budget: wait instead of letting Magicline refuse a whole minute.

Magicline counts requests per endpoint and, once one passes 1000 in a minute, refuses
every request to it (429) for the rest of that minute. The limiter keeps a sliding log of
the times it let requests through: never more than `budget` within any `window + margin`
seconds. That is safe whether the vendor counts fixed or rolling minutes, and the margin
absorbs network jitter that could squeeze two requests' arrival closer than their sending.
A caller over budget waits (in arrival order) until a slot frees; nobody is refused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

OnWait = Callable[[str, float], None]

# Waits shorter than this are not worth telling the user about.
REPORT_THRESHOLD = 0.5


class _Endpoint:
    __slots__ = ("granted", "hold_until", "lock")

    def __init__(self) -> None:
        self.granted: deque[float] = deque()
        self.hold_until = 0.0
        self.lock = asyncio.Lock()


class RateLimiter:
    """Keeps every endpoint ("METHOD /path/{template}") under `budget` per `window` s."""

    def __init__(
        self,
        budget: int = 990,
        window: float = 60.0,
        margin: float = 0.5,
        *,
        on_wait: OnWait | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if budget < 1:
            raise ValueError("The request budget must be at least 1.")
        if window <= 0 or margin < 0:
            raise ValueError("The window must be positive and the margin not negative.")
        self.budget = budget
        self.window = window
        self.margin = margin
        self.on_wait = on_wait
        self._clock = clock
        self._sleep = sleep
        self._endpoints: dict[str, _Endpoint] = {}

    def __repr__(self) -> str:
        return f"RateLimiter(budget={self.budget}, window={self.window}, margin={self.margin})"

    @property
    def span(self) -> float:
        """The span no `budget + 1` requests of one endpoint may share."""
        return self.window + self.margin

    def _state(self, endpoint: str) -> _Endpoint:
        state = self._endpoints.get(endpoint)
        if state is None:
            state = self._endpoints[endpoint] = _Endpoint()
        return state

    def _delay(self, state: _Endpoint, now: float) -> float:
        """Seconds until a request may go; 0 when it may go now."""
        granted = state.granted
        while granted and granted[0] <= now - self.span:
            granted.popleft()
        delay = state.hold_until - now
        if len(granted) >= self.budget:
            delay = max(delay, granted[-self.budget] + self.span - now)
        return max(delay, 0.0)

    async def acquire(self, endpoint: str, *, on_wait: OnWait | None = None) -> float:
        """Wait until a request to `endpoint` fits the budget; returns the seconds waited."""
        state = self._state(endpoint)
        now = self._clock()
        # Fast path: nobody queued and room in the budget, no await at all.
        if not state.lock.locked() and self._delay(state, now) == 0.0:
            state.granted.append(now)
            return 0.0
        start = now
        async with state.lock:
            reported = False
            while (delay := self._delay(state, now := self._clock())) > 0.0:
                if not reported and delay >= REPORT_THRESHOLD:
                    reported = True
                    self._report(endpoint, delay, on_wait)
                await self._sleep(delay)
            state.granted.append(now)
        return now - start

    def hold(self, endpoint: str, seconds: float | None = None) -> None:
        """Let no request to `endpoint` go for `seconds` (default: a whole window).

        Called after a 429: the vendor refuses the rest of its minute, so the next try
        waits until any minute that could have been counted against us is over.
        """
        seconds = self.span if seconds is None else seconds
        state = self._state(endpoint)
        state.hold_until = max(state.hold_until, self._clock() + seconds)
        log.info("holding %s for %.1f s after the server refused it", endpoint, seconds)

    def _report(self, endpoint: str, seconds: float, on_wait: OnWait | None) -> None:
        log.info("waiting %.1f s to stay within the request budget of %s", seconds, endpoint)
        for callback in (on_wait, self.on_wait):
            if callback is not None:
                try:
                    callback(endpoint, seconds)
                except Exception:  # a broken status display must not break the request
                    log.exception("on_wait callback failed")
