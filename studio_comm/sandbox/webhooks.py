"""Webhook delivery: the vendor's event POST, sent from a background thread.

Each event is the vendor's WebhookEventRequest (webhooks.json): `{entityId, uuid,
payload: [{timestamp, type}]}` with a fresh uuid and the time of the change in
milliseconds, POSTed as JSON with the studio's webhook key in `X-API-KEY`. The vendor
sends no `content` for the customer events, so neither does the sandbox.

Requests never wait for a delivery: events go into a bounded queue that one worker thread
sends with its own HTTP client, giving up on a receiver after 5 s as the vendor does. A
failed delivery (or one the full queue cannot take) is logged and counted, never raised:
the vendor's delivery is best effort too. The last events are kept, so a test can have
them delivered again with their original uuid, as a vendor retry would.
"""

from __future__ import annotations

import collections
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
TIMEOUT = 5.0  # the vendor expects an answer within 5 s
KEPT = 1000  # events kept for redelivery
QUEUED = 10_000  # deliveries waiting at most; beyond that an event is dropped (and counted)


def event_body(entity_id: int, event_type: str) -> dict:
    return {"entityId": entity_id, "uuid": str(uuid.uuid4()),
            "payload": [{"timestamp": int(time.time() * 1000), "type": event_type}]}


class WebhookSender:
    def __init__(self, url: str | None, key: str | None, timeout: float = TIMEOUT) -> None:
        if url and not key:
            raise ValueError("a webhook URL needs a webhook key: the vendor always sends one")
        self.url, self._key, self._timeout = url, key, timeout
        self._counts_lock = threading.Lock()
        self._sent = self._failed = 0
        self._kept: collections.deque[dict] = collections.deque(maxlen=KEPT)
        self._queue: queue.Queue[dict | None] = queue.Queue(QUEUED)
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    @property
    def sent(self) -> int:
        """Deliveries the receiver answered with a 2xx."""
        return self._sent

    @property
    def failed(self) -> int:
        """Deliveries that did not reach a 2xx answer, or found the queue full."""
        return self._failed

    def send(self, entity_id: int, event_type: str = PREFERENCES_UPDATED) -> dict | None:
        """Queue one new event and return it; returns at once. Does nothing (None) without
        a configured URL."""
        if not self.url:
            return None
        body = event_body(entity_id, event_type)
        with self._counts_lock:
            self._kept.append(body)
        self._enqueue(body)
        return body

    def recent(self) -> list[dict]:
        """The events kept for redelivery, oldest first."""
        with self._counts_lock:
            return list(self._kept)

    def redeliver(self, count: int) -> list[dict]:
        """Queue the last `count` events again, unchanged (same uuid and timestamp)."""
        events = self.recent()[-count:] if count > 0 else []
        for body in events:
            self._enqueue(body)
        return events

    def forget(self) -> None:
        """Drop the kept events (a sandbox reset); deliveries under way still go out."""
        with self._counts_lock:
            self._kept.clear()

    def close(self) -> None:
        if self._thread is not None:
            try:
                self._queue.put(None, timeout=self._timeout)
            except queue.Full:
                pass  # the worker is a daemon thread: it ends with the process
            self._thread.join(timeout=self._timeout + 1)
            self._thread = None

    def _enqueue(self, body: dict) -> None:
        with self._start_lock:
            if self._thread is None and self.url and self._key:
                self._thread = threading.Thread(target=self._run, args=(self.url, self._key),
                                                name="sandbox-webhooks", daemon=True)
                self._thread.start()
        try:
            self._queue.put_nowait(body)
        except queue.Full:
            self._count(ok=False)
            log.warning("webhook for %s dropped: %d deliveries are waiting", body["entityId"],
                        QUEUED)

    def _count(self, ok: bool) -> None:
        with self._counts_lock:
            if ok:
                self._sent += 1
            else:
                self._failed += 1

    def _run(self, url: str, key: str) -> None:
        headers = {"X-API-KEY": key}
        # trust_env off: the vendor posts straight to the URL, whatever proxy this machine has.
        with httpx.Client(timeout=self._timeout, trust_env=False) as client:
            while (body := self._queue.get()) is not None:
                try:
                    response = client.post(url, json=body, headers=headers)
                    response.raise_for_status()
                    self._count(ok=True)
                except httpx.HTTPError as exc:
                    self._count(ok=False)
                    log.warning("webhook delivery for %s failed: %s", body["entityId"],
                                type(exc).__name__)
