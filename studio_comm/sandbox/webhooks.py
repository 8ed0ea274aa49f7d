"""Webhook delivery: the vendor's event POST, sent from a background thread.

Requests never wait for a delivery: events go into a queue that one worker thread sends
with its own HTTP client. A failed delivery is logged and counted, never raised (the
vendor's delivery is best effort too).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid

import httpx

log = logging.getLogger(__name__)

PREFERENCES_UPDATED = "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED"
CUSTOMER_CREATED = "CUSTOMER_CREATED"
CUSTOMER_UPDATED = "CUSTOMER_UPDATED"
CUSTOMER_DELETED = "CUSTOMER_DELETED"
CUSTOMER_ACCESS_DISABLED = "CUSTOMER_ACCESS_DISABLED"


def event_body(entity_id: int, event_type: str) -> dict:
    return {"entityId": entity_id, "uuid": str(uuid.uuid4()),
            "payload": [{"timestamp": int(time.time() * 1000), "type": event_type}]}


class WebhookSender:
    def __init__(self, url: str | None, key: str | None, timeout: float = 5.0) -> None:
        self.url, self._key, self._timeout = url, key, timeout
        self.sent = self.failed = 0
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def send(self, entity_id: int, event_type: str = PREFERENCES_UPDATED) -> None:
        """Queue one event; returns at once. Does nothing without a configured URL."""
        if not self.url:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sandbox-webhooks",
                                            daemon=True)
            self._thread.start()
        self._queue.put(event_body(entity_id, event_type))

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=self._timeout + 1)
            self._thread = None

    def _run(self) -> None:
        headers = {"X-API-KEY": self._key or ""}
        with httpx.Client(timeout=self._timeout) as client:
            while (body := self._queue.get()) is not None:
                try:
                    response = client.post(self.url, json=body, headers=headers)
                    response.raise_for_status()
                    self.sent += 1
                except httpx.HTTPError as exc:
                    self.failed += 1
                    log.warning("webhook delivery for %s failed: %s", body["entityId"],
                                type(exc).__name__)
