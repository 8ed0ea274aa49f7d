"""One running sandbox's state, shared by the vendor's operations and the admin endpoints."""

from __future__ import annotations

import hmac
import threading
from collections import Counter
from dataclasses import dataclass, field

from studio_comm.sandbox.faults import Faults
from studio_comm.sandbox.ratelimit import RateLimit
from studio_comm.sandbox.store import Store
from studio_comm.sandbox.webhooks import WebhookSender


@dataclass
class Sandbox:
    """All state of one running sandbox; the routes and the admin endpoints share it."""

    store: Store
    api_key: str = field(repr=False)
    rate_limit: RateLimit
    faults: Faults
    webhooks: WebhookSender
    admin: bool = False
    received: list[dict] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)  # (endpoint, status) -> count
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        """Back to how it started: seeded data, no history, the faults and limit of start."""
        self.store.reset()
        self.faults.reset()
        self.rate_limit.reset()
        self.webhooks.forget()
        with self.lock:
            self.received.clear()
            self.stats.clear()

    def key_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.api_key.encode())
