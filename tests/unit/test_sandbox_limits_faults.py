"""The sandbox's rate limit and faults, as a client meets them over HTTP."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from studio_comm.sandbox.faults import FaultSpecError, parse
from studio_comm.sandbox.ratelimit import RateLimit
from studio_comm.sandbox.server import SandboxConfig, SandboxThread

PREFS = "/v1/communications/1000001/communication-preferences"
THREADS = "/v1/communications/1000001/threads"
MESSAGE = {"communicationThreadStatus": "CREATED", "subject": "Hallo", "content": "Text",
           "communicationDirection": "OUTGOING", "communicationChannel": "EMAIL"}


@pytest.fixture
def http(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-KEY": sandbox.api_key},
                      timeout=30) as client:
        yield client


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_rate_limit_window_starts_at_first_request_after_the_last_ended():
    clock = FakeClock()
    limit = RateLimit(3, 10.0, clock=clock)
    assert [limit.allow("GET /a") for _ in range(5)] == [True, True, True, False, False]
    assert limit.allow("GET /b")  # counted per endpoint
    clock.now += 9.9
    assert not limit.allow("GET /a")
    clock.now += 0.1
    assert limit.allow("GET /a")
    clock.now += 25.0  # idle: the next window begins with the next request
    assert [limit.allow("GET /a") for _ in range(4)] == [True, True, True, False]
    clock.now += 9.0
    assert not limit.allow("GET /a")


def test_exactly_the_budget_passes_then_429_until_the_window_ends(sandbox, http):
    window = 3.0  # long enough that the first requests surely fall into one window
    sandbox.admin.set_rate_limit(4, window)
    started = time.monotonic()
    statuses = [http.get(f"/v1/customers/{1000001 + i}").status_code for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]  # one budget per path template
    refused = http.get("/v1/customers/1000009")
    assert refused.status_code == 429 and refused.json()["errorMessage"]
    assert http.get("/v1/studios/information").status_code == 200  # other endpoint
    deadline = started + 60
    while (status := http.get("/v1/customers/1000001").status_code) == 429:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert status == 200 and time.monotonic() - started >= window
    stats = sandbox.admin.stats()["endpoints"]["GET /v1/customers/{customerId}"]
    assert stats["200"] == 5 and stats["429"] >= 3


def test_rate_limit_from_configuration():
    with SandboxThread(SandboxConfig(customers=10, rate_limit=(2, 60.0))) as sb, \
            httpx.Client(base_url=sb.base_url, headers={"X-API-KEY": sb.api_key}) as http:
        assert [http.get("/v1/employees").status_code for _ in range(3)] == [200, 200, 429]
        assert sb.admin.rate_limit() == (2, 60.0)


def test_fault_spec_parsing():
    faults = parse("status=503:count=1@/v1/communications; latency=150 ;drop:share=0.5:method=put")
    assert [(f.kind, f.value, f.count, f.prefix, f.method, f.share) for f in faults] == [
        ("status", 503.0, 1, "/v1/communications", None, 1.0),
        ("latency", 150.0, None, "", None, 1.0),
        ("drop", None, None, "", "PUT", 0.5)]
    assert parse("hang")[0].value == 60.0
    for bad in ("explode", "status", "status=abc", "drop:often=1", "drop:share=2"):
        with pytest.raises(FaultSpecError):
            parse(bad)


def test_status_fault_once_on_a_path_prefix(sandbox, http):
    sandbox.admin.set_faults("status=503:count=1@/v1/communications")
    assert http.get("/v1/customers/1000001").status_code == 200
    first = http.get(PREFS)
    assert first.status_code == 503 and first.json()["errorCode"] == "SERVICE_UNAVAILABLE"
    assert http.get(PREFS).status_code == 200


@pytest.mark.parametrize("status", [500, 409, 429])
def test_status_fault_for_a_method(sandbox, http, status):
    sandbox.admin.set_faults(f"status={status}:method=PUT")
    assert http.get(PREFS).status_code == 200
    response = http.put(PREFS, json=[])
    assert response.status_code == status and response.json()["errorMessage"]


def test_a_share_of_faults_is_seeded_and_repeatable(sandbox, http):
    def run():
        sandbox.admin.reset()
        sandbox.admin.set_faults("status=500:share=0.5@/v1/studios")
        return [http.get("/v1/studios/information").status_code for _ in range(40)]

    first = run()
    assert first == run()
    assert 5 < first.count(500) < 35 and set(first) == {200, 500}


def test_latency_fault_delays_answers(sandbox, http):
    sandbox.admin.set_faults("latency=400@/v1/employees")
    started = time.monotonic()
    assert http.get("/v1/employees").status_code == 200
    assert time.monotonic() - started >= 0.4


def test_dropped_connection_gives_no_response(sandbox, http):
    sandbox.admin.set_faults("drop:count=1")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(THREADS, json=MESSAGE)
    assert http.post(THREADS, json=MESSAGE).status_code == 200
    assert [r["status"] for r in sandbox.admin.received()] == ["dropped", 200]


def test_hang_outlasts_the_client_timeout(sandbox, http):
    sandbox.admin.set_faults("hang=30:count=1")
    with pytest.raises(httpx.ReadTimeout):
        # Only the answer is waited for briefly: connecting may be slow on a loaded machine.
        http.get("/v1/studios/information", timeout=httpx.Timeout(30.0, read=0.5))
    assert http.get("/v1/studios/information").status_code == 200
    # the hung request ends as soon as the client gives up
    deadline = time.monotonic() + 20
    while sandbox.admin.received()[0]["status"] is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert sandbox.admin.received()[0]["status"] == "disconnected"


def test_malformed_json_fault(sandbox, http):
    sandbox.admin.set_faults("malformed:count=1@/v1/customers")
    response = http.get("/v1/customers")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_unknown_enum_values(sandbox, http):
    sandbox.admin.set_faults("enum")
    channels = [c["communicationChannel"] for p in http.get(PREFS).json() for c in p["channels"]]
    assert "WHATSAPP" in channels
    assert http.post(THREADS, json=MESSAGE).json()["communicationThreadStatus"] == "PAUSED"
    assert http.get("/v1/customers/1000001").json()["status"] == "PAUSED"
    assert http.get("/v1/customers").json()["result"][0]["status"] == "PAUSED"
    assert http.get("/v1/employees").json()["result"][0]["gender"] == "DIVERSE"
    assert http.get("/v1/customers/3").status_code == 404  # errors stay as they are


def test_faults_from_configuration_and_bad_specs_from_admin():
    with SandboxThread(SandboxConfig(customers=10, faults="status=500:count=1")) as sb, \
            httpx.Client(base_url=sb.base_url, headers={"X-API-KEY": sb.api_key}) as http:
        assert [http.get("/v1/employees").status_code for _ in range(2)] == [500, 200]
        with pytest.raises(httpx.HTTPStatusError):
            sb.admin.set_faults("explode")
        assert sb.admin.faults() == "status=500:count=1"


def test_admin_is_off_unless_enabled():
    with SandboxThread(SandboxConfig(customers=10, admin=False)) as sb:
        response = httpx.get(f"{sb.base_url}/__sandbox__/stats",
                             headers={"X-API-KEY": sb.api_key})
        assert response.status_code == 404


def test_admin_needs_the_key(sandbox):
    assert httpx.get(f"{sandbox.base_url}/__sandbox__/stats").status_code == 401


def test_a_write_carried_out_before_its_answer_is_lost(sandbox, http):
    sandbox.admin.set_faults("drop:after:count=1:method=POST")
    with pytest.raises(httpx.RemoteProtocolError):
        http.post(THREADS, json=MESSAGE)
    customer = THREADS.split("/")[3]
    assert len(sandbox.admin.threads(int(customer))) == 1  # stored, although nobody was told
    sandbox.admin.set_faults("malformed:after:count=1:method=POST")
    assert http.post(THREADS, json=MESSAGE).status_code == 200  # a body nobody can read
    assert len(sandbox.admin.threads(int(customer))) == 2
    sandbox.admin.set_faults("status=503:skip=1:count=1:method=GET")
    assert [http.get("/v1/employees").status_code for _ in range(3)] == [200, 503, 200]
    with pytest.raises(httpx.HTTPStatusError):  # only a lost or garbled answer comes after
        sandbox.admin.set_faults("status=503:after")
