"""Webhook delivery from the sandbox to a local receiver."""

from __future__ import annotations

import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from studio_comm.sandbox.server import SandboxConfig, SandboxThread

WEBHOOK_KEY = "webhook-secret"


class Receiver:
    """A local HTTP endpoint that keeps every POST it gets (headers and JSON body)."""

    def __init__(self, status: int = 200) -> None:
        events: queue.Queue = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                events.put((dict(self.headers), json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.events = events
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self, timeout: float = 30.0):
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def put_body():
    return [{"messageCategory": "NEWSLETTER", "channels": [
        {"communicationChannel": "EMAIL", "active": False}]}]


def test_preference_changes_post_the_vendor_event(receiver):
    config = SandboxConfig(customers=20, webhook_url=receiver.url, webhook_key=WEBHOOK_KEY)
    with SandboxThread(config) as sb, \
            httpx.Client(base_url=sb.base_url, headers={"X-API-KEY": sb.api_key}) as http:
        before = int(time.time() * 1000)
        url = "/v1/communications/1000003/communication-preferences"
        assert http.put(url, json=put_body()).status_code == 200
        headers, body = receiver.next()
        assert {k.lower(): v for k, v in headers.items()}["x-api-key"] == WEBHOOK_KEY
        assert body["entityId"] == 1000003 and len(body["uuid"]) == 36
        (event,) = body["payload"]
        assert event["type"] == "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED"
        assert before <= event["timestamp"] <= int(time.time() * 1000)
        # a change "in Magicline itself" fires it too, with a new uuid
        sb.admin.set_preferences(1000004, put_body())
        _, second = receiver.next()
        assert second["entityId"] == 1000004 and second["uuid"] != body["uuid"]
        # reads and refused writes fire nothing
        http.get(url)
        assert http.put(url, json=[{"messageCategory": "BOGUS"}]).status_code == 400
        sb.admin.set_preferences(1000005, put_body())
        assert receiver.next()[1]["entityId"] == 1000005
        deadline = time.monotonic() + 30  # the sender counts once the receiver answered
        while sb.admin.stats()["webhooks"] != {"sent": 3, "failed": 0}:
            assert time.monotonic() < deadline, sb.admin.stats()["webhooks"]
            time.sleep(0.02)


def test_failing_receiver_does_not_block_or_break_requests():
    unreachable = Receiver()
    url = unreachable.url
    unreachable.close()  # nothing listens there any more
    config = SandboxConfig(customers=20, webhook_url=url, webhook_key=WEBHOOK_KEY)
    with SandboxThread(config) as sb, \
            httpx.Client(base_url=sb.base_url, headers={"X-API-KEY": sb.api_key}) as http:
        for _ in range(2):
            response = http.put("/v1/communications/1000003/communication-preferences",
                                json=put_body())
            assert response.status_code == 200
        deadline = time.monotonic() + 30
        while sb.admin.stats()["webhooks"]["failed"] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert sb.admin.stats()["webhooks"]["sent"] == 0
