"""Webhook delivery from the sandbox to a local receiver: the vendor's contract
(webhooks.json, checked against tests/data/magicline_webhook_schema.json, a facts-only
extract of it), every event the sandbox fires, redelivery, and best effort off the
request path."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jsonschema
import pytest

from studio_comm.sandbox.server import SandboxConfig, SandboxThread

WEBHOOK_KEY = "webhook-secret"
SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "magicline_webhook_schema.json")
                    .read_text(encoding="utf-8"))
WAIT = 30.0


class Receiver:
    """A local HTTP endpoint that keeps every POST it gets (headers and JSON body).

    Clear `answering` to hold every answer until it is set again (a slow receiver);
    `arrived` is set once a request came in.
    """

    def __init__(self, status: int = 200) -> None:
        events: queue.Queue = queue.Queue()
        self.answering, self.arrived = threading.Event(), threading.Event()
        self.answering.set()
        self.requests: list[tuple[str, str, bytes]] = []  # method, path, raw body
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.command, self.path, body))
                events.put((dict(self.headers), json.loads(body)))
                receiver.arrived.set()
                receiver.answering.wait(WAIT)
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
        self.answering.set()
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


def test_failing_receiver_does_not_block_or_break_requests(expect_log):
    expect_log("studio_comm.sandbox.webhooks", logging.WARNING, r"webhook delivery for \d+ failed: ConnectError")
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


def strict(schema):
    """Close every object schema that lists properties: the sandbox sends no field the
    vendor does not name."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    return [strict(s) for s in schema] if isinstance(schema, list) else schema


FORMATS = jsonschema.FormatChecker(formats=("uuid",))


@FORMATS.checks("int64")
def _int64(value):
    return not isinstance(value, int) or -2**63 <= value < 2**63


EVENT_REQUEST = jsonschema.Draft202012Validator(
    strict({**SCHEMA["paths"]["/webhook"]["post"]["requestBody"],
            "components": SCHEMA["components"]}), format_checker=FORMATS)


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.fixture
def hooked(receiver):
    """A sandbox whose webhooks go to `receiver`, and an API client for it."""
    config = SandboxConfig(customers=20, webhook_url=receiver.url, webhook_key=WEBHOOK_KEY)
    with SandboxThread(config) as sb, \
            httpx.Client(base_url=sb.base_url, headers={"X-API-KEY": sb.api_key},
                         timeout=WAIT) as http:
        yield sb, http


def test_every_event_the_sandbox_fires_fits_the_vendors_contract(receiver, hooked):
    sb, http = hooked
    customer = 1_000_003
    before = int(time.time() * 1000)
    assert http.put(f"/v1/communications/{customer}/communication-preferences",
                    json=put_body()).status_code == 200
    sb.admin.set_preferences(customer, put_body(), by="member")
    sb.admin.set_preferences(customer, put_body(), by="studio")
    created = sb.admin.create_customer({"firstName": "Zora", "lastName": "Quist"})["id"]
    sb.admin.update_customer(created, {"lastName": "Quast"})
    sb.admin.disable_access(customer)
    sb.admin.delete_customer(created)
    expected = [(customer, "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED")] * 3 + [
        (created, "CUSTOMER_CREATED"), (created, "CUSTOMER_UPDATED"),
        (customer, "CUSTOMER_ACCESS_DISABLED"), (created, "CUSTOMER_DELETED")]
    received = [receiver.next() for _ in expected]
    after = int(time.time() * 1000)
    seen = []
    for headers, body in received:
        EVENT_REQUEST.validate(body)
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers[SCHEMA["paths"]["/webhook"]["post"]["apiKeyHeader"].lower()] == WEBHOOK_KEY
        assert headers["content-type"] == "application/json"
        (event,) = body["payload"]  # "currently single element"
        assert before <= event["timestamp"] <= after  # milliseconds since the epoch
        assert str(uuid.UUID(body["uuid"])) == body["uuid"]
        seen.append((body["entityId"], event["type"]))
    assert seen == expected  # in the order the changes happened
    assert len({body["uuid"] for _, body in received}) == len(expected)  # each one fresh
    assert {(method, path) for method, path, _ in receiver.requests} == {("POST", "/webhook")}
    assert [body for _, body in received] == sb.admin.webhook_events()
    wait_for(lambda: sb.admin.stats()["webhooks"] == {"sent": len(expected), "failed": 0},
             "every delivery counted as sent")


def test_refused_changes_fire_nothing(receiver, hooked):
    sb, http = hooked
    fixed = [{"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "LETTER", "active": False}]}]
    for call in (lambda: sb.admin.set_preferences(1_000_004, fixed, by="member"),
                 lambda: sb.admin.create_customer({"firstName": "Ann"}),
                 lambda: sb.admin.update_customer(1_000_004, {"id": 1}),
                 lambda: sb.admin.delete_customer(5)):
        with pytest.raises(httpx.HTTPStatusError):
            call()
    sb.admin.disable_access(1_000_005)  # the one change that is accepted: its event comes next
    assert receiver.next()[1]["payload"][0]["type"] == "CUSTOMER_ACCESS_DISABLED"
    assert receiver.events.empty() and len(sb.admin.webhook_events()) == 1


def test_redelivery_repeats_the_last_events_with_their_original_uuid(receiver, hooked):
    sb, _ = hooked
    for customer in (1_000_001, 1_000_002, 1_000_003):
        sb.admin.set_preferences(customer, put_body())
    originals = [receiver.next()[1] for _ in range(3)]
    again = sb.admin.redeliver_webhooks(2)
    assert again == originals[1:]
    assert [receiver.next()[1] for _ in range(2)] == originals[1:]  # same uuid, same time
    assert sb.admin.webhook_events() == originals  # a redelivery is no new event
    assert sb.admin.redeliver_webhooks(10) == originals  # at most what there is
    assert [receiver.next()[1] for _ in range(3)] == originals
    wait_for(lambda: sb.admin.stats()["webhooks"] == {"sent": 8, "failed": 0},
             "each delivery counted")
    for bad in ({"count": 0}, {"count": "2"}, {"count": True}, {}):
        response = httpx.post(f"{sb.base_url}/__sandbox__/webhooks/redeliver", json=bad,
                              headers={"X-API-KEY": sb.api_key})
        assert response.status_code == 400 and response.json()["reference"] == "count"
    sb.admin.reset()
    assert sb.admin.webhook_events() == [] and sb.admin.redeliver_webhooks(5) == []


def test_a_slow_receiver_never_holds_up_the_api(receiver, hooked):
    sb, http = hooked
    receiver.answering.clear()
    url = "/v1/communications/{}/communication-preferences"
    assert http.put(url.format(1_000_001), json=put_body()).status_code == 200
    assert receiver.arrived.wait(WAIT)
    # The first delivery is waiting for its answer; the API goes on answering meanwhile.
    for customer in range(1_000_002, 1_000_012):
        assert http.put(url.format(customer), json=put_body()).status_code == 200
        assert http.get(f"/v1/customers/{customer}").status_code == 200
    created = sb.admin.create_customer({"firstName": "Zora", "lastName": "Quist"})
    assert sb.admin.stats()["webhooks"] == {"sent": 0, "failed": 0}  # still held
    receiver.answering.set()
    entities = [receiver.next()[1]["entityId"] for _ in range(12)]
    assert entities == list(range(1_000_001, 1_000_012)) + [created["id"]]
    wait_for(lambda: sb.admin.stats()["webhooks"] == {"sent": 12, "failed": 0},
             "all held deliveries went out")


def test_a_receiver_that_answers_an_error_is_counted_as_failed(expect_log):
    expect_log("studio_comm.sandbox.webhooks", logging.WARNING, r"webhook delivery for \d+ failed: HTTPStatusError")
    failing = Receiver(status=503)
    config = SandboxConfig(customers=20, webhook_url=failing.url, webhook_key=WEBHOOK_KEY)
    try:
        with SandboxThread(config) as sb:
            sb.admin.delete_customer(1_000_002)
            assert failing.next()[1]["payload"][0]["type"] == "CUSTOMER_DELETED"
            wait_for(lambda: sb.admin.stats()["webhooks"] == {"sent": 0, "failed": 1},
                     "a 503 is a failed delivery")
    finally:
        failing.close()


def test_without_a_webhook_url_nothing_is_sent_or_kept(sandbox):
    sandbox.admin.disable_access(1_000_002)
    assert sandbox.admin.webhook_events() == []
    assert sandbox.admin.stats()["webhooks"] == {"sent": 0, "failed": 0}
