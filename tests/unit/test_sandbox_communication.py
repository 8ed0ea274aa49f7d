"""Preferences and threads in the sandbox, and the record of what it received."""

from __future__ import annotations

import httpx
import pytest

CUSTOMER = 1_000_001
OTHER = 1_000_002


@pytest.fixture
def http(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers={"X-API-KEY": sandbox.api_key},
                      timeout=30) as client:
        yield client


def prefs_url(customer_id=CUSTOMER):
    return f"/v1/communications/{customer_id}/communication-preferences"


def cell(prefs, category, channel):
    for p in prefs:
        if p["messageCategory"] == category:
            for c in p["channels"]:
                if c["communicationChannel"] == channel:
                    return c
    return None


def test_preferences_are_sparse_with_fixed_contract_channels(http):
    prefs = http.get(prefs_url()).json()
    assert cell(prefs, "CONTRACT", "LETTER") == {
        "communicationChannel": "LETTER", "customerOverridable": False, "active": True}
    assert cell(prefs, "CONTRACT", "EMAIL")["customerOverridable"] is False
    assert cell(prefs, "CONTRACT", "TEXT_MESSAGE") is None
    sizes = {len(p["channels"]) for p in prefs}
    assert len(sizes) > 1  # not every category offers every channel


def test_preferences_vary_between_customers(http):
    seen = {str(http.get(prefs_url(CUSTOMER + i)).json()) for i in range(10)}
    assert len(seen) > 3


def test_put_changes_only_what_it_names_and_returns_the_result(http):
    before = http.get(prefs_url()).json()
    old = cell(before, "NEWSLETTER", "EMAIL")["active"]
    response = http.put(prefs_url(), json=[{"messageCategory": "NEWSLETTER", "channels": [
        {"communicationChannel": "EMAIL", "active": not old}]}])
    assert response.status_code == 200
    after = http.get(prefs_url()).json()
    assert response.json() == after
    assert cell(after, "NEWSLETTER", "EMAIL")["active"] is (not old)
    cell(before, "NEWSLETTER", "EMAIL")["active"] = not old
    assert after == before  # everything else, left-out categories included, is kept


def test_put_of_the_whole_array_round_trips(http):
    prefs = http.get(prefs_url(OTHER)).json()
    target = cell(prefs, "APPOINTMENT", "TEXT_MESSAGE")
    target["active"] = not target["active"]
    assert http.put(prefs_url(OTHER), json=prefs).json() == prefs
    assert http.get(prefs_url(OTHER)).json() == prefs


def test_put_changing_a_fixed_channel_is_refused_and_changes_nothing(http):
    before = http.get(prefs_url()).json()
    response = http.put(prefs_url(), json=[
        {"messageCategory": "GENERAL", "channels": [
            {"communicationChannel": "EMAIL", "active": False}]},
        {"messageCategory": "CONTRACT", "channels": [
            {"communicationChannel": "LETTER", "customerOverridable": True, "active": False}]}])
    assert response.status_code == 400
    assert response.json()["reference"] == "CONTRACT.LETTER"
    assert http.get(prefs_url()).json() == before
    # the fixed value sent back unchanged is fine
    same = http.put(prefs_url(), json=[{"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "LETTER", "customerOverridable": False, "active": True}]}])
    assert same.status_code == 200


@pytest.mark.parametrize("body, reference", [
    ([{"messageCategory": "CONTRACT", "channels": [
        {"communicationChannel": "TEXT_MESSAGE", "active": True}]}], "CONTRACT.TEXT_MESSAGE"),
    ([{"messageCategory": "MARKETING", "channels": []}], "[0].messageCategory"),
    ([{"channels": []}], "[0].messageCategory"),
    ([{"messageCategory": "GENERAL", "channels": [{"active": True}]}],
     "[0].channels[0].communicationChannel"),
    ([{"messageCategory": "GENERAL", "channels": [
        {"communicationChannel": "SMS", "active": True}]}],
     "[0].channels[0].communicationChannel"),
    ([{"messageCategory": "GENERAL", "channels": [
        {"communicationChannel": "EMAIL", "active": "yes"}]}], "[0].channels[0].active"),
    ([{"messageCategory": "GENERAL", "channels": {}}], "[0].channels"),
    ([{"messageCategory": "GENERAL", "channels": ""}], "[0].channels"),
    ({"messageCategory": "GENERAL"}, "body"),
])
def test_put_rejects_bodies_that_break_the_schema(http, body, reference):
    response = http.put(prefs_url(), json=body)
    assert response.status_code == 400
    assert response.json()["reference"] == reference


def test_preferences_of_unknown_customer_are_404(http):
    assert http.get(prefs_url(42)).status_code == 404
    assert http.put(prefs_url(42), json=[]).status_code == 404


def test_admin_change_may_set_fixed_channels(sandbox, http):
    updated = sandbox.admin.set_preferences(CUSTOMER, [{"messageCategory": "CONTRACT",
        "channels": [{"communicationChannel": "EMAIL", "active": False}]}])
    assert cell(updated, "CONTRACT", "EMAIL")["active"] is False
    assert cell(http.get(prefs_url()).json(), "CONTRACT", "EMAIL")["active"] is False


def test_reset_restores_seeded_preferences(sandbox, http):
    before = http.get(prefs_url()).json()
    sandbox.admin.set_preferences(CUSTOMER, [{"messageCategory": "CONTRACT",
        "channels": [{"communicationChannel": "EMAIL", "active": False}]}])
    sandbox.admin.reset()
    assert http.get(prefs_url()).json() == before


MESSAGE = {"communicationThreadStatus": "CREATED", "subject": "Kündigung",
           "content": "Guten Tag, Frau Müller …", "communicationDirection": "OUTGOING",
           "communicationChannel": "EMAIL", "agent": "Anna K."}


def test_thread_post_then_put_appends_and_updates_status(sandbox, http):
    created = http.post(f"/v1/communications/{CUSTOMER}/threads", json=MESSAGE)
    assert created.status_code == 200
    first = created.json()
    assert first["customerId"] == CUSTOMER and first["subject"] == "Kündigung"
    assert first["agent"] == "Anna K." and "communicationDateTime" not in first
    reply = {**MESSAGE, "communicationThreadStatus": "CLOSED", "communicationDirection":
             "INCOMING", "communicationChannel": "PHONE", "subject": "Rückruf",
             "communicationDateTime": "2026-01-05T09:30:00.000+01:00[Europe/Berlin]"}
    second = http.put(f"/v1/communications/{CUSTOMER}/threads/{first['threadId']}", json=reply)
    assert second.status_code == 200
    assert second.json()["threadId"] == first["threadId"]
    assert second.json()["communicationId"] > first["communicationId"]
    other = http.post(f"/v1/communications/{CUSTOMER}/threads", json=MESSAGE).json()
    assert other["threadId"] > first["threadId"] > 2**32
    threads = sandbox.admin.threads(CUSTOMER)
    assert [t["status"] for t in threads] == ["CLOSED", "CREATED"]
    messages = threads[0]["communications"]
    assert [m["subject"] for m in messages] == ["Kündigung", "Rückruf"]
    assert messages[1]["communicationDateTime"] == reply["communicationDateTime"]
    assert messages[0]["communicationDateTime"].endswith("[Europe/Berlin]")


def test_thread_ids_never_repeat_across_reset(sandbox, http):
    first = http.post(f"/v1/communications/{CUSTOMER}/threads", json=MESSAGE).json()
    sandbox.admin.reset()
    assert sandbox.admin.threads(CUSTOMER) == []
    second = http.post(f"/v1/communications/{CUSTOMER}/threads", json=MESSAGE).json()
    assert second["threadId"] > first["threadId"]
    assert second["communicationId"] > first["communicationId"]


def test_thread_put_to_unknown_or_foreign_thread_is_404(http):
    thread = http.post(f"/v1/communications/{CUSTOMER}/threads", json=MESSAGE).json()
    foreign = http.put(f"/v1/communications/{OTHER}/threads/{thread['threadId']}", json=MESSAGE)
    assert foreign.status_code == 404
    unknown = http.put(f"/v1/communications/{CUSTOMER}/threads/123456", json=MESSAGE)
    assert unknown.status_code == 404
    assert http.post("/v1/communications/77/threads", json=MESSAGE).status_code == 404


@pytest.mark.parametrize("change, reference", [
    ({"subject": None}, "subject"), ({"content": None}, "content"),
    ({"communicationThreadStatus": "PAUSED"}, "communicationThreadStatus"),
    ({"communicationDirection": None}, "communicationDirection"),
    ({"communicationChannel": "SMS"}, "communicationChannel"),
    ({"subject": 12}, "subject"), ({"agent": ["x"]}, "agent"),
    ({"communicationDateTime": "yesterday"}, "communicationDateTime"),
])
def test_thread_request_schema_violations_are_400(http, change, reference):
    body = {k: v for k, v in {**MESSAGE, **change}.items() if v is not None}
    response = http.post(f"/v1/communications/{CUSTOMER}/threads", json=body)
    assert response.status_code == 400 and response.json()["reference"] == reference


def test_received_requests_are_recorded_without_the_key(sandbox, http):
    http.put(prefs_url(), json=[], headers={"X-Request-Id": "req-1", "Accept-Language": "de"})
    http.get("/v1/customers", params={"sliceSize": 50, "offset": "7"})
    received = sandbox.admin.received()
    assert [r["method"] for r in received] == ["PUT", "GET"]
    put, get = received
    assert put["request_id"] == "req-1" and put["json"] == [] and put["status"] == 200
    assert put["endpoint"] == "PUT /v1/communications/{customerId}/communication-preferences"
    assert "x-api-key" not in put["headers"] and put["headers"]["accept-language"] == "de"
    assert get["query"] == {"sliceSize": "50", "offset": "7"}
    assert sandbox.api_key not in str(received)
    assert sandbox.admin.received(since=1) == [get]
    sandbox.admin.reset_received()
    assert sandbox.admin.received() == []


def test_stats_count_per_endpoint_and_status(sandbox, http):
    http.get("/v1/customers/1000001")
    http.get("/v1/customers/5")
    http.get("/v1/customers/1000002")
    stats = sandbox.admin.stats()["endpoints"]
    assert stats == {"GET /v1/customers/{customerId}": {"200": 2, "404": 1}}
