"""Every answer of `studio-comm relay`, over real HTTP to the relay as a child process, on
SQLite and PostgreSQL: 200 once committed (a redelivery stored once), 401 alike for a wrong
key and an unknown studio, 400 with the reason, 413, 415, 405, /healthz, never a 500, and
one log line per event that never holds a key."""

from __future__ import annotations

import json
import random
import re
import uuid
from pathlib import Path

import httpx
import jsonschema
import pytest

from tests.relay.support import KEY, OTHER_KEY, OTHER_STUDIO, STUDIO, body, post, stored

WEBHOOK_SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "magicline_webhooks_schema.json")
                            .read_text(encoding="utf-8"))


def test_an_event_is_answered_200_once_committed_and_stored_as_sent(relay):
    sent = body("CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED", entity=1000042,
                content={"field": "value", "Grüße": ["✅", None]})
    answer = post(relay.url, json=sent)
    assert (answer.status_code, answer.json()) == (200, {"stored": 1, "duplicates": 0})
    [event] = stored(relay.journal, sent["uuid"])  # committed before the answer
    assert (event.studio_id, event.source, event.type, event.entity_id, event.part, event.timestamp_ms,
            event.content) == (STUDIO, "webhook", "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED", 1000042, 0,
                               1642779144176, {"field": "value", "Grüße": ["✅", None]})


def test_a_redelivered_event_is_answered_200_and_stored_once(relay):
    sent = body("CUSTOMER_UPDATED")
    assert post(relay.url, json=sent).json() == {"stored": 1, "duplicates": 0}
    again = post(relay.url, json=sent)
    shouted = post(relay.url, json={**sent, "uuid": sent["uuid"].upper()})  # the same uuid
    assert [again.status_code, shouted.status_code] == [200, 200]
    assert again.json() == shouted.json() == {"stored": 0, "duplicates": 1}
    assert len(stored(relay.journal, sent["uuid"])) == 1
    # The same uuid sent to the other studio is that studio's event.
    assert post(relay.url, OTHER_STUDIO, sent, OTHER_KEY).json() == {"stored": 1, "duplicates": 0}
    assert len(stored(relay.journal, sent["uuid"], OTHER_STUDIO)) == 1


def test_unknown_event_types_and_fields_are_stored_not_refused(relay):
    sent = {**body("MEMBER_TELEPORTED", note="a field the schema does not name"), "version": 2}
    assert post(relay.url, json=sent).status_code == 200
    [event] = stored(relay.journal, sent["uuid"])
    assert event.type == "MEMBER_TELEPORTED" and event.content is None


def test_every_element_of_a_payload_is_stored(relay):
    sent = body("CUSTOMER_CREATED")
    sent["payload"].append({"timestamp": 1642779144999, "type": "CUSTOMER_UPDATED", "content": {}})
    assert post(relay.url, json=sent).json() == {"stored": 2, "duplicates": 0}
    events = stored(relay.journal, sent["uuid"])
    assert [(e.part, e.type) for e in events] == [(0, "CUSTOMER_CREATED"), (1, "CUSTOMER_UPDATED")]
    empty = {**body(), "payload": []}
    assert post(relay.url, json=empty).json() == {"stored": 0, "duplicates": 0}


def test_a_wrong_key_and_an_unknown_studio_get_the_same_401(relay):
    sent = body()
    answers = [
        post(relay.url, json=sent, key=None),
        post(relay.url, json=sent, key=""),
        post(relay.url, json=sent, key=KEY[:-1]),
        post(relay.url, json=sent, key=KEY + "x"),
        post(relay.url, json=sent, key=KEY.upper()),
        post(relay.url, json=sent, key=OTHER_KEY),  # another studio's key
        post(relay.url, 999999, sent),  # a studio the relay does not know, with a valid key
        post(relay.url, "not-a-studio", sent),
        post(relay.url, 2**64, sent),
        httpx.post(f"{relay.url}/webhooks/{STUDIO}", json=sent, timeout=30,
                   headers=[("X-API-KEY", KEY), ("X-API-KEY", KEY)]),  # which one counts?
    ]
    assert {(a.status_code, a.text) for a in answers} == {(401, '{"error":"missing or wrong X-API-KEY"}')}
    assert stored(relay.journal, sent["uuid"]) == []
    assert post(relay.url, json=sent, headers={"x-api-key": KEY}, key=None).status_code == 200  # any case


NOT_A_WEBHOOK = [
    ([], "the body must be a JSON object"),
    ({"uuid": str(uuid.uuid4()), "payload": []}, "entityId is required"),
    ({**body(), "entityId": "7893459"}, "entityId must be an integer (int64), not a string"),
    ({**body(), "entityId": 2**63}, "entityId is out of the int64 range"),
    ({**body(), "entityId": 7.5}, "entityId must be an integer (int64), not a fraction"),
    ({**body(), "entityId": True}, "entityId must be an integer (int64), not a boolean"),
    ({**body(), "uuid": None}, "uuid must be a string, not null"),
    ({**body(), "uuid": "not-a-uuid"}, "uuid must be a UUID"),
    ({**body(), "uuid": uuid.uuid4().hex}, "uuid must be a UUID"),
    ({"entityId": 1, "uuid": str(uuid.uuid4())}, "payload is required"),
    ({**body(), "payload": {"type": "CUSTOMER_CREATED"}}, "payload must be an array, not an object"),
    ({**body(), "payload": ["CUSTOMER_CREATED"]}, "payload[0] must be an object (WebhookEvent), not a string"),
    ({**body(), "payload": [{"type": "CUSTOMER_CREATED"}]}, "payload[0].timestamp is required"),
    ({**body(), "payload": [{"timestamp": "2022-01-21", "type": "X"}]}, "payload[0].timestamp must be an integer"),
    ({**body(), "payload": [{"timestamp": 1, "type": "X"}, {"timestamp": 1}]}, "payload[1].type is required"),
    ({**body(), "payload": [{"timestamp": 1, "type": 5}]}, "payload[0].type must be a string, not an integer"),
    ({**body(), "payload": [{"timestamp": 1, "type": "A\nB"}]}, "payload[0].type must be at most 200 printable"),
    ({**body(), "payload": [{"timestamp": 1, "type": "X", "content": [1]}]},
     "payload[0].content must be an object, not an array"),
]


@pytest.mark.parametrize(("sent", "reason"), NOT_A_WEBHOOK, ids=[r for _, r in NOT_A_WEBHOOK])
def test_a_body_that_is_no_webhook_event_request_gets_400_with_the_reason(relay, sent, reason):
    answer = post(relay.url, json=sent)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith(f"not a WebhookEventRequest: {reason}")
    if isinstance(sent, dict) and isinstance(sent.get("uuid"), str):
        assert stored(relay.journal, sent["uuid"]) == []


def padded(size: int) -> tuple[bytes, str]:
    """A valid body of exactly `size` bytes (padded inside a string of its content)."""
    sent = body(content={"pad": ""})
    room = size - len(json.dumps(sent).encode())
    sent["payload"][0]["content"]["pad"] = "x" * room
    data = json.dumps(sent).encode()
    assert len(data) == size
    return data, sent["uuid"]


def test_json_nested_too_deeply_to_read_gets_400(relay):
    answer = post(relay.url, content=b"[" * 30_000 + b"]" * 30_000, headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()) == (
        400, {"error": "not a WebhookEventRequest: the body is nested too deeply"})


def test_a_body_above_64_kib_gets_413_with_or_without_a_content_length(relay):
    headers = {"X-API-KEY": KEY, "Content-Type": "application/json"}
    url = f"{relay.url}/webhooks/{STUDIO}"
    limit, over_uuid = padded(64 * 1024)
    assert httpx.post(url, content=limit, headers=headers, timeout=30).status_code == 200
    over, over_uuid = padded(64 * 1024 + 1)
    assert httpx.post(url, content=over, headers=headers, timeout=30).status_code == 413

    def chunks():  # no Content-Length: the relay counts while it reads
        for i in range(0, len(over), 1000):
            yield over[i:i + 1000]

    streamed = httpx.post(url, content=chunks(), headers=headers, timeout=30)
    assert streamed.request.headers.get("transfer-encoding") == "chunked"
    assert (streamed.status_code, streamed.json()) == (413, {"error": "the body is larger than 64 KiB"})
    huge = httpx.post(url, content=b"[" * (3 * 1024 * 1024), headers=headers, timeout=30)
    assert huge.status_code == 413
    assert stored(relay.journal, over_uuid) == []


def test_a_body_that_is_not_json_gets_415(relay):
    url = f"{relay.url}/webhooks/{STUDIO}"
    valid = json.dumps(body()).encode()
    cases = [
        (valid, "text/plain"),
        (valid, "application/x-www-form-urlencoded"),
        (b"entityId=7&uuid=x", "application/x-www-form-urlencoded"),
        (b"{entityId: 7}", "application/json"),
        (b"", "application/json"),
        (b'{"entityId": 7, "uuid": "\xff"}', "application/json"),
        (b'{"entityId": NaN, "uuid": "x", "payload": []}', "application/json"),
        (b"not json at all", None),
    ]
    for content, content_type in cases:
        headers = {"X-API-KEY": KEY} | ({"Content-Type": content_type} if content_type else {})
        answer = httpx.post(url, content=content, headers=headers, timeout=30)
        assert answer.status_code == 415, (content, content_type, answer.text)
    # A JSON media type with parameters, a +json type, or none at all: judged by the body.
    for content_type in ("application/json; charset=utf-8", "application/vnd.magicline+json", None):
        sent = json.dumps(body()).encode()
        headers = {"X-API-KEY": KEY} | ({"Content-Type": content_type} if content_type else {})
        assert httpx.post(url, content=sent, headers=headers, timeout=30).status_code == 200


def test_other_methods_get_405(relay):
    for method in ("GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
        answer = httpx.request(method, f"{relay.url}/webhooks/{STUDIO}", headers={"X-API-KEY": KEY}, timeout=30)
        assert answer.status_code == 405, method
    assert httpx.post(f"{relay.url}/healthz", timeout=30).status_code == 405


def test_healthz_says_the_journal_answers(relay):
    answer = httpx.get(f"{relay.url}/healthz", timeout=30)
    assert (answer.status_code, answer.json()) == (200, {"journal": "ok"})


def test_nothing_a_caller_sends_gets_a_500(relay):
    rng = random.Random(14)
    valid = json.dumps(body(content={"a": [1, 2, {"b": "c"}]})).encode()
    bodies = [b"null", b"0", b'"text"', b"[" * 60_000, b'{"a":' * 12_000, b"\x00" * 100,
              json.dumps({**body(), "entityId": 10**400}).encode(),
              json.dumps({**body(), "payload": [{"timestamp": -(2**63), "type": "", "content": {"\u0000": "\ud800"}}]},
                         ).encode()]
    for _ in range(300):  # the valid body with random bytes changed, dropped or repeated
        data = bytearray(valid)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.random()
            if action < 0.5:
                data[at] = rng.randrange(256)
            elif action < 0.8:
                del data[at]
            else:
                data[at:at] = data[at:at + rng.randint(1, 20)]
        bodies.append(bytes(data))
    statuses = set()
    with httpx.Client(timeout=30) as client:
        for content in bodies:
            answer = client.post(f"{relay.url}/webhooks/{STUDIO}", content=content,
                                 headers={"X-API-KEY": KEY, "Content-Type": "application/json"})
            statuses.add(answer.status_code)
        for path in ("/webhooks/%00", "/webhooks/" + "9" * 5000, "/webhooks/%E2%9C%85", "/webhooks/-1",
                     "/webhooks/1210%0Aforged", "/webhooks/", "/webhooks/1210/extra"):
            statuses.add(client.post(f"{relay.url}{path}", content=valid, headers={"X-API-KEY": KEY}).status_code)
        statuses.add(client.post(f"{relay.url}/webhooks/{STUDIO}", content=valid,
                                 headers={"X-API-KEY": "schlüssel ✅".encode()}).status_code)
    assert statuses <= {200, 400, 401, 404, 413, 415}, statuses
    assert {200, 400, 415} <= statuses  # the mutations reached every kind of answer
    assert httpx.get(f"{relay.url}/healthz", timeout=30).status_code == 200


def test_one_log_line_per_event_and_never_a_key(relay):
    first, second = body("CUSTOMER_CREATED", entity=11), body("CUSTOMER_DELETED", entity=12)
    for sent in (first, second, first):
        assert post(relay.url, json=sent).status_code == 200
    wrong = "wrong-key-0123456789abcdef"
    assert post(relay.url, json=body(), key=wrong).status_code == 401
    log_text = relay.log()
    lines = [line for line in log_text.splitlines() if f"uuid={first['uuid']}" in line]
    assert len(lines) == 2
    assert re.search(rf"event studio={STUDIO} type=CUSTOMER_CREATED entity=11 uuid={first['uuid']} part=0 "
                     r"seq=\d+ duplicate=no$", lines[0])
    assert lines[1].endswith("duplicate=yes")
    assert sum(f"uuid={second['uuid']}" in line for line in log_text.splitlines()) == 1
    assert f"refused 401 studio={STUDIO}: missing or wrong X-API-KEY" in log_text
    everything = log_text + "\n".join(relay.output)
    for secret in (KEY, OTHER_KEY, wrong, KEY[4:], OTHER_KEY[4:]):
        assert secret not in everything


# -- the vendor's schema decides -------------------------------------------------------------

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("uuid")
def _uuid(value):
    return not isinstance(value, str) or bool(re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}",
                                                           value))


@FORMATS.checks("int64")
def _int64(value):
    return not isinstance(value, int) or -2**63 <= value < 2**63


def vendor_accepts(sent) -> bool:
    schema = {"$ref": "#/components/schemas/WebhookEventRequest", **WEBHOOK_SCHEMA}
    return jsonschema.Draft4Validator(schema, format_checker=FORMATS).is_valid(sent)


def test_the_relay_stores_what_the_vendor_schema_allows_and_refuses_the_rest(relay):
    allowed = [
        body(), body(content={}), body(content={"x": {"y": [1]}}), {**body(), "payload": []},
        {**body(), "entityId": -(2**63)}, {**body(), "entityId": 2**63 - 1}, {**body(), "extra": [1]},
        {**body(), "uuid": str(uuid.uuid4()).upper()},
        {**body(), "payload": [{"timestamp": 0, "type": "", "more": True}]},
    ]
    for sent in allowed:
        assert vendor_accepts(sent), sent
        assert post(relay.url, json=sent).status_code == 200, sent
    for sent, reason in NOT_A_WEBHOOK:
        assert post(relay.url, json=sent).status_code == 400, sent
        # The one documented deviation this way: a type must be printable (it is logged).
        assert vendor_accepts(sent) == ("printable" in reason), sent
    # And the other way: `content: null` is taken as absent (Java writes absent fields so).
    nullable = body(content=None)
    assert not vendor_accepts(nullable)
    assert post(relay.url, json=nullable).status_code == 200
