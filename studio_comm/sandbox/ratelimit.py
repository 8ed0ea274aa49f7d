"""The vendor's rate limit: per endpoint, a budget of requests per window, then 429.

A window starts with the first request after the previous window ended (not on a fixed
clock), and once its budget is spent every further request to that endpoint is refused
until the window ends. Budget and window can change at run time (admin); a change starts
every endpoint afresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimit:
    def __init__(self, budget: int = 1000, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # endpoint -> (start, count)
        self.configure(budget, window)
        self._initial = (self.budget, self.window)

    def reset(self) -> None:
        self.configure(*self._initial)

    def configure(self, budget: int, window: float) -> None:
        if budget < 1 or window <= 0:
            raise ValueError("budget must be at least 1 and window positive")
        with self._lock:
            self.budget, self.window = int(budget), float(window)
            self._windows.clear()

    def allow(self, endpoint: str) -> bool:
        """Count one request to `endpoint`; False when it must be refused with 429."""
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(endpoint, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            self._windows[endpoint] = (start, count + 1)
            return count < self.budget
