"""MagiclineClient against a mock Magicline: requests on the wire, parsing, errors, retries."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

import httpx
import pytest

from studio_comm import __version__
from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient, RetrySettings
from studio_comm.api.models import (
    CardNumberFormat,
    Channel,
    CommunicationPreference,
    CustomerStatus,
    Direction,
    MessageCategory,
    ThreadRequest,
    ThreadStatus,
)
from studio_comm.api.ratelimit import RateLimiter
from tests.fixtures.logs import OUTCOME_UNKNOWN, RETRY_SCHEDULED
from tests.unit.test_api_ratelimit import FakeClock, max_in_any_span

KEY = "k3y-Sup3r-S3cret-0123456789"
BASE = "https://tenant.open-api.magicline.com"
PREFS = [
    {
        "messageCategory": "NEWSLETTER",
        "channels": [
            {"communicationChannel": "EMAIL", "customerOverridable": True, "active": True},
            {"communicationChannel": "TEXT_MESSAGE", "customerOverridable": False, "active": False},
        ],
    },
    {"messageCategory": "CONTRACT", "channels": [{"communicationChannel": "LETTER", "active": True}]},
]
CUSTOMER = {"id": 7, "status": "MEMBER", "accessRefusal": False, "firstName": "Ada", "lastName": "Lovelace",
            "customerNumber": "1007", "dateOfBirth": "1990-12-10", "imageUrl": "https://x/y.png"}
THREAD = {"customerId": 7, "threadId": 31, "communicationId": 401, "communicationThreadStatus": "CREATED",
          "subject": "Hello", "content": "Body", "communicationDirection": "OUTGOING",
          "communicationChannel": "EMAIL", "agent": "Anna K."}
FAST_RETRY = RetrySettings(attempts=3, timeout=10.0, wait_initial=0.001, wait_max=0.001, wait_jitter=0)


def thread_request(**kw) -> ThreadRequest:
    fields = dict(communication_thread_status=ThreadStatus.CREATED, subject="Hello", content="Body",
                  communication_direction=Direction.OUTGOING, communication_channel=Channel.EMAIL,
                  agent="Anna K.")
    return ThreadRequest(**{**fields, **kw})


class Mock:
    """A scripted Magicline: `answers` are returned (or raised) in order, requests are kept."""

    def __init__(self, *answers, default=None, clock=None) -> None:
        self.answers = list(answers)
        self.default = default
        self.clock = clock
        self.requests: list[httpx.Request] = []
        self.sent_at: list[float] = []  # by `clock`, when given

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.clock:
            self.sent_at.append(self.clock())
        answer = self.answers.pop(0) if self.answers else self.default
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self, **kw) -> MagiclineClient:
        kw.setdefault("retry", FAST_RETRY)
        return MagiclineClient(BASE, KEY, transport=httpx.MockTransport(self), **kw)


def ok(body) -> httpx.Response:
    return httpx.Response(200, json=body)


def fail(status: int, **body) -> httpx.Response:
    return httpx.Response(status, json={"errorMessage": "Something", **body} if body is not None else None)


def run(coro):
    return asyncio.run(coro)


async def call(mock: Mock, op, **client_kw):
    async with mock.client(**client_kw) as client:
        return await op(client)


# ------------------------------------------------------------------ every operation

def _collect(agen_factory):
    async def op(client):
        return [x async for x in agen_factory(client)]
    return op


OPERATIONS = [
    # id, operation, answer, method, path, query, body, is_write
    ("check_key", lambda c: c.check_key(), httpx.Response(200), "HEAD", "/v1/studios/information", {}, None, False),
    (
        "studio_information",
        lambda c: c.studio_information(),
        ok({"studioId": 3, "name": "Fit Berlin", "accessCodeConfiguration": {}}),
        "GET",
        "/v1/studios/information",
        {},
        None,
        False,
    ),
    (
        "employees",
        _collect(lambda c: c.employees(slice_size=10)),
        ok(
            {
                "result": [
                    {"id": 1, "firstName": "Anna", "lastName": "K", "employeeInitials": "AK", "gender": "FEMALE"}
                ],
                "hasNext": False,
                "offset": "1",
            }
        ),
        "GET",
        "/v1/employees",
        {"sliceSize": "10"},
        None,
        False,
    ),
    (
        "customer_slices",
        _collect(lambda c: c.customer_slices(CustomerStatus.PROSPECT, 50, "abc")),
        ok({"result": [CUSTOMER], "hasNext": False, "offset": "x"}),
        "GET",
        "/v1/customers",
        {"sliceSize": "50", "customerStatus": "PROSPECT", "offset": "abc"},
        None,
        False,
    ),
    ("customer", lambda c: c.customer(7), ok(CUSTOMER), "GET", "/v1/customers/7", {}, None, False),
    (
        "customer_by_number",
        lambda c: c.customer_by(customer_number="1007"),
        ok(CUSTOMER),
        "GET",
        "/v1/customers/by",
        {"customerNumber": "1007"},
        None,
        False,
    ),
    (
        "customer_by_card",
        lambda c: c.customer_by(card_number="0A1B", card_number_format=CardNumberFormat.HEX_MSB),
        ok(CUSTOMER),
        "GET",
        "/v1/customers/by",
        {"cardNumber": "0A1B", "cardNumberFormat": "HEX_MSB"},
        None,
        False,
    ),
    (
        "customer_by_barcode",
        lambda c: c.customer_by(barcode="B-77"),
        ok(CUSTOMER),
        "GET",
        "/v1/customers/by",
        {"barcode": "B-77"},
        None,
        False,
    ),
    (
        "search",
        lambda c: c.search_customers(last_name="Lov", date_of_birth=date(1990, 12, 10)),
        ok([CUSTOMER]),
        "POST",
        "/v1/customers/search",
        {},
        {"lastName": "Lov", "dateOfBirth": "1990-12-10"},
        False,
    ),
    (
        "get_preferences",
        lambda c: c.get_preferences(7),
        ok(PREFS),
        "GET",
        "/v1/communications/7/communication-preferences",
        {},
        None,
        False,
    ),
    (
        "put_preferences",
        lambda c: c.put_preferences(7, [CommunicationPreference.model_validate(p) for p in PREFS]),
        ok(PREFS),
        "PUT",
        "/v1/communications/7/communication-preferences",
        {},
        PREFS,
        True,
    ),
    (
        "create_thread",
        lambda c: c.create_thread(7, thread_request()),
        ok(THREAD),
        "POST",
        "/v1/communications/7/threads",
        {},
        {
            "communicationThreadStatus": "CREATED",
            "subject": "Hello",
            "content": "Body",
            "communicationDirection": "OUTGOING",
            "communicationChannel": "EMAIL",
            "agent": "Anna K.",
        },
        True,
    ),
    (
        "add_to_thread",
        lambda c: c.add_to_thread(
            7,
            31,
            thread_request(
                communication_thread_status=ThreadStatus.CLOSED,
                communication_direction=Direction.INCOMING,
                communication_channel=Channel.PHONE,
                agent=None,
                communication_date_time=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
            ),
        ),
        ok({**THREAD, "communicationThreadStatus": "CLOSED"}),
        "PUT",
        "/v1/communications/7/threads/31",
        {},
        {
            "communicationThreadStatus": "CLOSED",
            "subject": "Hello",
            "content": "Body",
            "communicationDirection": "INCOMING",
            "communicationChannel": "PHONE",
            "communicationDateTime": "2026-03-01T09:30:00.000+00:00",
        },
        True,
    ),
]


@pytest.mark.parametrize(
    "op,answer,method,path,query,body,is_write", [o[1:] for o in OPERATIONS], ids=[o[0] for o in OPERATIONS]
)
def test_every_operation_sends_the_documented_request(op, answer, method, path, query, body, is_write):
    mock = Mock(answer)
    result = run(call(mock, op, language="de"))
    [request] = mock.requests
    assert request.method == method
    assert request.url.scheme == "https" and request.url.host == "tenant.open-api.magicline.com"
    assert request.url.path == path
    assert dict(request.url.params) == query
    assert request.headers["X-API-KEY"] == KEY
    assert request.headers["Accept-Language"] == "de"
    assert request.headers["User-Agent"] == f"studio-comm/{__version__}"
    if body is None:
        assert request.content == b""
    else:
        assert json.loads(request.content) == body
        assert request.headers["Content-Type"] == "application/json"
    if is_write:
        request_id = request.headers["X-Request-Id"]
        assert len(request_id) == 32 and int(request_id, 16) >= 0
    else:
        assert "X-Request-Id" not in request.headers
    if method != "HEAD":
        assert result  # parsed into models
    if path.endswith("communication-preferences"):
        assert result[0].message_category is MessageCategory.NEWSLETTER
        assert result[0].channels[1].fixed
    if "threads" in path:
        assert (result.thread_id, result.communication_id) == (31, 401)


def test_the_caller_supplies_the_request_id_of_a_write():
    mock = Mock(ok(THREAD), ok(THREAD), ok(PREFS))

    async def ops(client):
        await client.create_thread(7, thread_request(), request_id="journal-row-1")
        await client.add_to_thread(7, 31, thread_request(), request_id="journal-row-2")
        await client.put_preferences(7, [], request_id="journal-row-3")

    run(call(mock, ops))
    assert [r.headers["X-Request-Id"] for r in mock.requests] == ["journal-row-1", "journal-row-2", "journal-row-3"]


def test_language_change_applies_to_later_requests():
    mock = Mock(default=ok(PREFS))

    async def ops(client):
        await client.get_preferences(1)
        client.language = "fr"
        await client.get_preferences(1)

    run(call(mock, ops))
    assert [r.headers["Accept-Language"] for r in mock.requests] == ["en", "fr"]


# ------------------------------------------------------------------ paging and arguments

def test_customers_are_paged_across_slices_by_passing_the_offset_back():
    slices = [
        ok({"result": [{**CUSTOMER, "id": i} for i in range(1, 4)], "hasNext": True, "offset": "o1"}),
        ok({"result": [{**CUSTOMER, "id": i} for i in range(4, 7)], "hasNext": True, "offset": "o2"}),
        ok({"result": [{**CUSTOMER, "id": 7, "status": "FORMER_MEMBER"}], "hasNext": False, "offset": "o3"}),
    ]
    mock = Mock(*slices)

    async def ops(client):
        return [c.id async for c in client.customers(status="FORMER_MEMBER", slice_size=500)]

    assert run(call(mock, ops)) == list(range(1, 8))
    assert [r.url.params.get("offset") for r in mock.requests] == [None, "o1", "o2"]
    assert {r.url.params["customerStatus"] for r in mock.requests} == {"FORMER_MEMBER"}
    assert {r.url.params["sliceSize"] for r in mock.requests} == {"500"}


def test_employees_are_paged_across_slices():
    emp = {"firstName": "A", "lastName": "B", "employeeInitials": "AB", "gender": "MALE"}
    mock = Mock(
        ok({"result": [{**emp, "id": 1}], "hasNext": True, "offset": 10}),  # a numeric offset is tolerated
        ok({"result": [{**emp, "id": 2, "publicName": "Bo"}], "hasNext": False, "offset": None}),
    )

    async def ops(client):
        return [e.display_name async for e in client.employees()]

    assert run(call(mock, ops)) == ["A B", "Bo"]
    assert [r.url.params.get("offset") for r in mock.requests] == [None, "10"]


def test_a_slice_that_does_not_advance_is_an_error_not_an_endless_loop():
    mock = Mock(default=ok({"result": [CUSTOMER], "hasNext": True, "offset": "same"}))

    async def ops(client):
        return [c async for c in client.customers()]

    with pytest.raises(errors.MalformedResponseError, match="did not advance"):
        run(call(mock, ops))
    assert len(mock.requests) == 2


@pytest.mark.parametrize(
    "op",
    [
        lambda c: c.customers(slice_size=49),
        lambda c: c.customers(slice_size=501),
        lambda c: c.customers(status="ACTIVE"),
        lambda c: c.employees(slice_size=9),
        lambda c: c.employees(slice_size=101),
    ],
    ids=["customers-49", "customers-501", "unknown-status", "employees-9", "employees-101"],
)
def test_invalid_paging_arguments_are_refused_before_sending(op):
    mock = Mock()

    async def ops(client):
        return [x async for x in op(client)]

    with pytest.raises(ValueError):
        run(call(mock, ops))
    assert mock.requests == []


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"customer_number": "1", "barcode": "2"}, {"barcode": "2", "card_number_format": "DECIMAL"},
     {"card_number": "1", "card_number_format": "OCTAL"}],
)
def test_customer_by_needs_exactly_one_identifier(kwargs):
    mock = Mock()
    with pytest.raises(ValueError):
        run(call(mock, lambda c: c.customer_by(**kwargs)))
    assert mock.requests == []


def test_customer_by_with_no_match_raises_not_found():
    mock = Mock(fail(404, errorCode="customer.not.found"))
    with pytest.raises(errors.NotFoundError) as caught:
        run(call(mock, lambda c: c.customer_by(customer_number="404")))
    assert caught.value.endpoint == "GET /v1/customers/by"
    assert caught.value.error_code == "customer.not.found"


def test_search_sends_only_the_given_fields():
    mock = Mock(ok([]), ok([CUSTOMER]))

    async def ops(client):
        assert await client.search_customers(email="ada@example.org") == []
        return await client.search_customers(first_name="A", last_name="", date_of_birth="1990-12-10")

    [found] = run(call(mock, ops))
    assert found.display_name == "Ada Lovelace"
    assert [json.loads(r.content) for r in mock.requests] == [
        {"email": "ada@example.org"},
        {"firstName": "A", "dateOfBirth": "1990-12-10"},
    ]


@pytest.mark.parametrize("kwargs", [{}, {"first_name": ""}, {"date_of_birth": "10.12.1990"}])
def test_search_without_a_usable_field_is_refused(kwargs):
    mock = Mock()
    with pytest.raises(ValueError):
        run(call(mock, lambda c: c.search_customers(**kwargs)))
    assert mock.requests == []


# ------------------------------------------------------------------ error statuses

@pytest.mark.parametrize(
    "status,kind,words",
    [
        (400, errors.InvalidRequestError, "refused as invalid"),
        (401, errors.BadKeyError, "API key refused (401)."),
        (403, errors.ForbiddenError, "lacks the permission"),
        (404, errors.NotFoundError, "Record not found (404)"),
        (409, errors.ConflictError, "modified by another request"),
        (500, errors.ServerError, "Server error at Magicline (500)"),
        (418, errors.ApiError, "Unexpected answer from Magicline (418)"),
    ],
)
def test_error_statuses_raise_one_type_per_meaning_with_the_server_details(status, kind, words):
    body = {"errorMessage": "Das Feld ist ungültig", "errorCode": "validation.error", "traceId": "trace-77",
            "reference": "email", "args": [1], "unknownField": True}
    mock = Mock(httpx.Response(status, json=body))
    with pytest.raises(errors.ApiError) as caught:
        run(call(mock, lambda c: c.put_preferences(7, [], request_id="rid-1")))
    e = caught.value
    assert type(e) is kind
    assert words in str(e)
    assert "Das Feld ist ungültig" in str(e) and "trace-77" in str(e)
    assert (e.status, e.error_message, e.error_code, e.trace_id, e.reference, e.request_id, e.endpoint) == (
        status, "Das Feld ist ungültig", "validation.error", "trace-77", "email", "rid-1",
        "PUT /v1/communications/{customerId}/communication-preferences")
    assert len(mock.requests) == 1  # none of these is retried


def test_an_error_without_a_json_body_still_gets_its_type():
    mock = Mock(httpx.Response(500, text="<html>Bad gateway</html>"))
    with pytest.raises(errors.ServerError) as caught:
        run(call(mock, lambda c: c.customer(1)))
    assert caught.value.error_message is None and "500" in str(caught.value)


def test_a_success_body_that_does_not_fit_the_schema_is_malformed_and_names_the_field_not_the_data():
    mock = Mock(ok({"status": "MEMBER", "firstName": "Zed-Private", "accessRefusal": False}), ok([1, 2]),
                httpx.Response(200, text="not json"))

    async def ops(client):
        out = []
        for coro in (client.customer(1), client.get_preferences(1), client.customer(2)):
            with pytest.raises(errors.MalformedResponseError) as caught:
                await coro
            out.append(caught.value)
        return out

    missing_id, wrong_items, not_json = run(call(mock, ops))
    assert "id: Field required" in str(missing_id) and "Zed-Private" not in str(missing_id)
    assert missing_id.endpoint == "GET /v1/customers/{customerId}"
    assert "0: Input should be an object" in str(wrong_items)
    assert "JSON" in str(not_json)


def test_unknown_enum_values_from_a_newer_api_pass_through():
    prefs = [{"messageCategory": "SURVEY", "channels": [{"communicationChannel": "WHATSAPP", "active": True}]}]
    mock = Mock(ok(prefs), ok({**CUSTOMER, "status": "PAUSED", "gender": "DIVERSE"}))

    async def ops(client):
        return await client.get_preferences(1), await client.customer(1)

    [pref], customer = run(call(mock, ops))
    assert (pref.message_category, pref.message_category.known) == ("SURVEY", False)
    assert pref.channels[0].communication_channel == "WHATSAPP"
    assert not pref.channels[0].communication_channel.known
    assert (customer.status, customer.status.known) == ("PAUSED", False)


# ------------------------------------------------------------------ retries

def test_a_preferences_read_is_retried_on_503_and_502(expect_log):
    mock = Mock(fail(503), fail(502), ok(PREFS))
    expect_log(*RETRY_SCHEDULED)
    assert len(run(call(mock, lambda c: c.get_preferences(7)))) == 2
    assert len(mock.requests) == 3


def test_retries_are_bounded_and_the_last_error_is_raised(expect_log):
    mock = Mock(default=fail(503, traceId="t-503"))
    expect_log(*RETRY_SCHEDULED)
    with pytest.raises(errors.ServerError) as caught:
        run(call(mock, lambda c: c.get_preferences(7)))
    assert caught.value.status == 503 and caught.value.trace_id == "t-503"
    assert len(mock.requests) == FAST_RETRY.attempts


def test_reads_are_retried_after_a_timeout_or_a_lost_connection(expect_log):
    mock = Mock(httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("closed"), ok(CUSTOMER))
    expect_log(*OUTCOME_UNKNOWN)
    expect_log(*RETRY_SCHEDULED)
    assert run(call(mock, lambda c: c.customer(7))).id == 7
    assert len(mock.requests) == 3


def test_the_preferences_put_is_retried_on_503_with_the_same_request_id(expect_log):
    mock = Mock(fail(503), httpx.ConnectError("refused"), ok(PREFS))
    expect_log(*RETRY_SCHEDULED)
    run(call(mock, lambda c: c.put_preferences(7, [])))
    assert len(mock.requests) == 3
    assert len({r.headers["X-Request-Id"] for r in mock.requests}) == 1


def test_a_preferences_put_that_timed_out_after_sending_is_not_resent(expect_log):
    mock = Mock(httpx.ReadTimeout("slow"), default=ok(PREFS))
    expect_log(*OUTCOME_UNKNOWN)
    with pytest.raises(errors.OutcomeUnknownError):
        run(call(mock, lambda c: c.put_preferences(7, [])))
    assert len(mock.requests) == 1


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("t"), httpx.WriteTimeout("t"),
                                 httpx.RemoteProtocolError("gone"), httpx.ReadError("reset")])
@pytest.mark.parametrize("operation", ["create_thread", "add_to_thread"])
def test_a_thread_write_that_may_have_arrived_is_sent_once_and_reported_unknown(exc, operation, expect_log):
    mock = Mock(exc, default=ok(THREAD))
    expect_log(*OUTCOME_UNKNOWN)

    async def ops(client):
        if operation == "create_thread":
            return await client.create_thread(7, thread_request(), request_id="rid-9")
        return await client.add_to_thread(7, 31, thread_request(), request_id="rid-9")

    with pytest.raises(errors.OutcomeUnknownError) as caught:
        run(call(mock, ops))
    assert len(mock.requests) == 1
    assert caught.value.request_id == "rid-9"
    assert "Outcome unknown" in str(caught.value)


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")])
def test_a_thread_post_that_never_left_is_retried(exc, expect_log):
    mock = Mock(exc, ok(THREAD))
    expect_log(*RETRY_SCHEDULED)
    assert run(call(mock, lambda c: c.create_thread(7, thread_request()))).thread_id == 31
    assert len(mock.requests) == 2
    assert mock.requests[0].headers["X-Request-Id"] == mock.requests[1].headers["X-Request-Id"]


def test_a_thread_post_answered_503_is_not_retried():
    mock = Mock(fail(503), default=ok(THREAD))
    with pytest.raises(errors.ServerError):
        run(call(mock, lambda c: c.create_thread(7, thread_request())))
    assert len(mock.requests) == 1


def test_no_connection_at_all_raises_not_sent_after_the_retries(expect_log):
    mock = Mock(default=httpx.ConnectError("refused"))
    expect_log(*RETRY_SCHEDULED)
    with pytest.raises(errors.NotSentError) as caught:
        run(call(mock, lambda c: c.create_thread(7, thread_request())))
    assert "Not sent" in str(caught.value)
    assert len(mock.requests) == FAST_RETRY.attempts


# ------------------------------------------------------------------ 429 and the limiter

def fake_limiter(budget=990) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(budget, 60.0, 0.5, clock=clock, sleep=clock.sleep), clock


@pytest.mark.parametrize("operation", ["get_preferences", "create_thread"])
def test_after_a_429_the_endpoint_is_held_a_window_and_the_request_tried_once_more(operation):
    limiter, clock = fake_limiter()
    reads = operation == "get_preferences"
    mock = Mock(fail(429), ok(PREFS if reads else THREAD), clock=clock)
    waits = []

    async def ops(client):
        if reads:
            return await client.get_preferences(7)
        return await client.create_thread(7, thread_request())

    assert run(call(mock, ops, limiter=limiter, on_wait=lambda ep, s: waits.append((ep, s))))
    assert len(mock.sent_at) == 2 and mock.sent_at[1] - mock.sent_at[0] >= 60.0
    assert waits == [(
        "GET /v1/communications/{customerId}/communication-preferences" if reads
        else "POST /v1/communications/{customerId}/threads",
        pytest.approx(60.5),
    )]


def test_a_second_429_raises_rate_limited():
    limiter, clock = fake_limiter()
    mock = Mock(default=fail(429, errorMessage="Too many requests"))
    with pytest.raises(errors.RateLimitedError) as caught:
        run(call(mock, lambda c: c.get_preferences(7), limiter=limiter))
    assert len(mock.requests) == 2
    assert caught.value.status == 429 and "Rate limit" in str(caught.value)


def test_many_concurrent_reads_never_exceed_the_budget_in_any_window():
    limiter, clock = fake_limiter(budget=20)
    mock = Mock(default=ok(PREFS), clock=clock)

    async def ops(client):
        return await asyncio.gather(*(client.get_preferences(i) for i in range(130)))

    assert len(run(call(mock, ops, limiter=limiter))) == 130
    assert len(mock.sent_at) == 130
    assert max_in_any_span(mock.sent_at, 60.0) == 20


# ------------------------------------------------------------------ addresses and keys

@pytest.mark.parametrize("url", ["http://tenant.open-api.magicline.com", "http://10.0.0.5:8080",
                                 "http://localhost.evil.com", "ftp://127.0.0.1", "tenant.open-api.magicline.com",
                                 "https://exa mple.com", "https://", ""])
def test_plain_http_or_other_schemes_are_refused_except_for_loopback(url):
    with pytest.raises(ValueError) as caught:
        MagiclineClient(url, KEY)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("url,base", [
    ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
    ("http://127.8.9.10", "http://127.8.9.10"),
    ("http://[::1]:9000/", "http://[::1]:9000"),
    ("http://localhost:8000/v1/", "http://localhost:8000"),
    ("https://tenant.open-api.magicline.com/", "https://tenant.open-api.magicline.com"),
    ("https://münchen-fit.example.com", "https://xn--mnchen-fit-9db.example.com"),
])
def test_loopback_may_use_plain_http_and_https_goes_anywhere(url, base):
    async def body():
        async with MagiclineClient(url, KEY) as client:
            return client.base_url

    assert run(body()) == base


@pytest.mark.parametrize("key", ["", "   ", "abc\ndef", "schlüssel"])
def test_an_unusable_key_is_refused_without_echoing_it(key):
    with pytest.raises(ValueError) as caught:
        MagiclineClient(BASE, key)
    assert key.strip() == "" or key not in str(caught.value)


def test_tls_verification_is_on_and_redirects_are_not_followed():
    async def body():
        async with MagiclineClient(BASE, KEY) as client:
            return client._http

    http = run(body())
    assert http.follow_redirects is False
    pool = http._transport._pool
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"
    assert pool._ssl_context.check_hostname
