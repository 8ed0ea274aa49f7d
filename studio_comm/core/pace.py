"""How fast a long run goes: events per minute over the last half minute.

The consent review and a campaign both show a rate and, from it, the time left; both
measure it the same way, over a sliding window, so a pause (a rate-limit wait, a slow
server) shows in the figure within seconds rather than averaging away.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

RATE_WINDOW = 30.0  # seconds the rate is measured over


class RateMeter:
    """Ticks per minute over the last RATE_WINDOW seconds (fewer at the start of a run)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._started = clock()
        self._times: deque[float] = deque()

    def tick(self) -> None:
        self._times.append(self._clock())

    def per_minute(self) -> float:
        now = self._clock()
        while self._times and self._times[0] < now - RATE_WINDOW:
            self._times.popleft()
        span = now - max(self._started, now - RATE_WINDOW)
        return len(self._times) / span * 60.0 if self._times and span > 0 else 0.0
