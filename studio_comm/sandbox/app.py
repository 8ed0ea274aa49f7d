"""The sandbox's HTTP face: the vendor's operations as Starlette routes behind one gate.

Every request to the API passes `Gate`, in this order: recorded (so tests can assert
exactly what arrived), key checked (401; HEAD on any path only checks the key), rate
limited (429), faults applied, then routed. Admin requests (`/__sandbox__/...`) skip
recording, limits and faults.

Choices the vendor does not specify (the sandbox's documented behaviour):
- Preferences PUT changes only what it names: a category left out keeps all its
  channels, a channel left out keeps its value, a channel without `active` keeps it, and
  `customerOverridable` in the request is ignored (the studio decides it).
- A PUT that changes `active` of a channel the studio fixed (`customerOverridable:
  false`, e.g. CONTRACT x LETTER and CONTRACT x EMAIL) is refused with 400; sending the
  fixed value unchanged is accepted. A PUT naming a category the customer does not have
  or a channel the category does not offer is refused with 400. The whole PUT is
  refused, nothing is applied. `reference` is then `CATEGORY.CHANNEL` (or `CATEGORY`).
- Schema violations answer 400 with `reference` = the offending field: a query or path
  parameter's name, a body field's name for objects (`subject`), or a JSON path for
  arrays (`[1].channels[0].communicationChannel`); `body` for a malformed or missing body.
- Every accepted preferences PUT fires the CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED
  webhook, whether or not a value changed.
- `customerStatus` accepts FORMER_MEMBER (the vendor's newer versions have it; the 1.5.0
  description's parameter enum lacks it, its Customer.status enum has it).
- A customer search with no criterion is refused with 400; names match as prefixes from
  the start, case-insensitively (Unicode case folding); email and dateOfBirth exactly.
- Offsets are opaque strings (here: the last id of the slice); a malformed one is 400.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import re
import threading
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route, Router

from studio_comm.sandbox import demo_data
from studio_comm.sandbox.faults import Faults
from studio_comm.sandbox.ratelimit import RateLimit
from studio_comm.sandbox.store import Store
from studio_comm.sandbox.webhooks import WebhookSender

ADMIN_PREFIX = "/__sandbox__"
_MESSAGES = {
    400: ("Bad request", "BAD_REQUEST"),
    401: ("Invalid or missing API key", "UNAUTHORIZED"),
    403: ("Missing scope for this operation", "FORBIDDEN"),
    404: ("Entity not found", "NOT_FOUND"),
    405: ("Method not allowed", "METHOD_NOT_ALLOWED"),
    409: ("Entity was modified by another request", "CONFLICT"),
    429: ("Too many requests", "TOO_MANY_REQUESTS"),
    500: ("Internal server error", "INTERNAL_SERVER_ERROR"),
    502: ("Bad gateway", "BAD_GATEWAY"),
    503: ("Service temporarily unavailable, please retry later", "SERVICE_UNAVAILABLE"),
    504: ("Gateway timeout", "GATEWAY_TIMEOUT"),
}
THREAD_STATUSES = ("CREATED", "ONGOING", "CLOSED")
DIRECTIONS = ("INCOMING", "OUTGOING")
CUSTOMER_STATUSES = ("MEMBER", "PROSPECT", "FORMER_MEMBER")
CARD_FORMATS = ("DECIMAL", "HEX_MSB", "HEX_LSB")


class ApiError(Exception):
    def __init__(self, status: int, message: str | None = None,
                 reference: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.reference = status, message, reference


def error_body(status: int, message: str | None = None, reference: str | None = None) -> dict:
    default, code = _MESSAGES.get(status, ("Error", f"HTTP_{status}"))
    body = {"errorMessage": message or default, "errorCode": code,
            "traceId": uuid.uuid4().hex}
    if reference is not None:
        body["reference"] = reference
    return body


def json_response(body, status: int = 200) -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return Response(text, status_code=status, media_type="application/json")


def error_response(status: int, message: str | None = None,
                   reference: str | None = None) -> Response:
    return json_response(error_body(status, message, reference), status)


def zoned_now() -> str:
    """Now in the vendor's form: `2026-01-05T09:30:00.000+01:00[Europe/Berlin]`."""
    try:
        zone = ZoneInfo(demo_data.ZONE)
    except ZoneInfoNotFoundError:  # Windows without the tzdata package
        zone = dt.timezone(dt.timedelta(hours=1))
    now = dt.datetime.now(zone)
    return now.isoformat(timespec="milliseconds") + f"[{demo_data.ZONE}]"


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
        with self.lock:
            self.received.clear()
            self.stats.clear()

    def key_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.api_key.encode())


# --- validation helpers ---------------------------------------------------------------


_INTEGER = re.compile(r"[+-]?[0-9]+")


def int_param(value: str | None, name: str, default: int | None = None,
              minimum: int | None = None, maximum: int | None = None) -> int | None:
    if value is None:
        return default
    # Plain ASCII digits only: int() would also read "1_000", " 7" and other scripts' digits.
    if _INTEGER.fullmatch(value) is None:
        raise ApiError(400, f"{name} must be an integer", name)
    number = int(value)
    if minimum is not None and number < minimum:
        raise ApiError(400, f"{name} must be at least {minimum}", name)
    if maximum is not None and number > maximum:
        raise ApiError(400, f"{name} must be at most {maximum}", name)
    return number


def enum_param(value, name: str, allowed: tuple[str, ...], default: str | None = None):
    if value is None:
        return default
    if not isinstance(value, str) or value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}", name)
    return value


def offset_param(request: Request) -> int:
    """A slice's `offset`: opaque to clients, here a non-negative number (default 0)."""
    offset = request.query_params.get("offset") or "0"
    if not (offset.isascii() and offset.isdigit()):
        raise ApiError(400, "offset is not a valid offset", "offset")
    return int(offset)


def handling_errors(handler: Callable[[Request], Awaitable[Response]]):
    """The route endpoint for `handler`: an `ApiError` it raises becomes an ErrorResponse."""
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.reference)
    return endpoint


def existing_customer(store: Store, request: Request) -> int:
    """The path's `customerId`; 404 when there is no such customer."""
    customer_id = path_id(request, "customerId")
    if not store.exists(customer_id):
        raise ApiError(404, f"Customer {customer_id} not found")
    return customer_id


def path_id(request: Request, name: str) -> int:
    value = int_param(request.path_params[name], name)
    if not 0 < value < 2**63:
        raise ApiError(400, f"{name} out of range", name)
    return value


async def json_body(request: Request):
    raw = await request.body()
    if not raw.strip():
        raise ApiError(400, "Request body is required", "body")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Malformed JSON request body", "body") from None


def date_field(value, name: str) -> str:
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a date (YYYY-MM-DD)", name)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ApiError(400, f"{name} must be a date (YYYY-MM-DD)", name) from None


def datetime_field(value, name: str) -> str:
    """Accept RFC 3339 with or without a `[Zone/Id]` suffix; keep the value as sent."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(re.sub(r"\[[^\]]+\]$", "", value))
            if parsed.tzinfo is not None:
                return value
        except ValueError:
            pass
    raise ApiError(400, f"{name} must be a date-time with offset", name)


def string_field(body: dict, name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"{name} is required", name)
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string", name)
    return value


# --- the operations -------------------------------------------------------------------


class Api:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox
        self.store = sandbox.store

    def routes(self) -> list[Route]:
        op = handling_errors
        return [
            Route("/v1/customers", op(self.list_customers), methods=["GET"]),
            Route("/v1/customers/by", op(self.customer_by), methods=["GET"]),
            Route("/v1/customers/search", op(self.search), methods=["POST"]),
            Route("/v1/customers/{customerId}", op(self.customer), methods=["GET"]),
            Route("/v1/studios/information", op(self.studio), methods=["GET"]),
            Route("/v1/employees", op(self.employees), methods=["GET"]),
            Route("/v1/communications/{customerId}/communication-preferences",
                  op(self.get_preferences), methods=["GET"]),
            Route("/v1/communications/{customerId}/communication-preferences",
                  op(self.put_preferences), methods=["PUT"]),
            Route("/v1/communications/{customerId}/threads", op(self.create_thread),
                  methods=["POST"]),
            Route("/v1/communications/{customerId}/threads/{threadId}", op(self.add_to_thread),
                  methods=["PUT"]),
        ]

    @staticmethod
    def _card_format(request: Request) -> str:
        return enum_param(request.query_params.get("cardNumberFormat"), "cardNumberFormat",
                          CARD_FORMATS, "DECIMAL")

    async def list_customers(self, request: Request) -> Response:
        q = request.query_params
        size = int_param(q.get("sliceSize"), "sliceSize", 100, 50, 500)
        status = enum_param(q.get("customerStatus"), "customerStatus", CUSTOMER_STATUSES,
                            "MEMBER")
        self._card_format(request)
        offset = offset_param(request)
        bodies, has_next = self.store.customer_slice(status, offset, size)
        last = json.loads(bodies[-1])["id"] if bodies else offset
        return json_response(f'{{"result":[{",".join(bodies)}],'
                             f'"hasNext":{json.dumps(has_next)},"offset":"{last}"}}')

    async def customer_by(self, request: Request) -> Response:
        q = request.query_params
        fmt = self._card_format(request)
        criteria = {column: q[name] for name, column in (
            ("customerNumber", "customer_number"), ("barcode", "barcode"),
            ("debtorId", "debtor_id")) if q.get(name)}
        if q.get("cardNumber"):
            criteria["card_number"] = self._card_decimal(q["cardNumber"], fmt)
        if not criteria:
            raise ApiError(400, "One of customerNumber, cardNumber, barcode, debtorId is "
                                "required", "customerNumber")
        bodies = self.store.customers_by(criteria)
        if not bodies:
            raise ApiError(404, "No customer matches")
        return json_response(bodies[0])

    @staticmethod
    def _card_decimal(value: str, fmt: str) -> str:
        """Card numbers are stored in decimal; HEX_MSB/HEX_LSB are its 4 bytes in hex."""
        try:
            if fmt == "DECIMAL":
                return str(int(value, 10))
            number = int(value, 16)
            if fmt == "HEX_LSB":
                number = int.from_bytes(number.to_bytes(4, "big"), "little")
            return str(number)
        except (ValueError, OverflowError):
            raise ApiError(400, f"cardNumber is not a valid {fmt} card number",
                           "cardNumber") from None

    async def search(self, request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object", "body")
        first = string_field(body, "firstName")
        last = string_field(body, "lastName")
        email = string_field(body, "email")
        dob = body.get("dateOfBirth")
        dob = None if dob is None else date_field(dob, "dateOfBirth")
        enum_param(body.get("cardNumberFormat"), "cardNumberFormat", CARD_FORMATS)
        if first is None and last is None and email is None and dob is None:
            raise ApiError(400, "At least one search criterion is required", "firstName")
        bodies = self.store.search(first, last, email, dob)
        return json_response(f"[{','.join(bodies)}]")

    async def customer(self, request: Request) -> Response:
        customer_id = path_id(request, "customerId")
        self._card_format(request)
        body = self.store.customer(customer_id)
        if body is None:
            raise ApiError(404, f"Customer {customer_id} not found")
        return json_response(body)

    async def studio(self, request: Request) -> Response:
        return json_response(demo_data.studio_information())

    async def employees(self, request: Request) -> Response:
        q = request.query_params
        size = int_param(q.get("sliceSize"), "sliceSize", 50, 10, 100)
        start = offset_param(request)
        everyone = demo_data.employees()
        page = everyone[start:start + size]
        return json_response({"result": page, "hasNext": start + size < len(everyone),
                              "offset": str(start + len(page))})

    async def get_preferences(self, request: Request) -> Response:
        customer_id = existing_customer(self.store, request)
        return json_response(self.store.preferences(customer_id))

    async def put_preferences(self, request: Request) -> Response:
        customer_id = existing_customer(self.store, request)
        body = await json_body(request)
        current = self.store.preferences(customer_id)
        updated = apply_preferences(current, body, studio_change=False)
        self.store.set_preferences(customer_id, updated)
        self.sb.webhooks.send(customer_id)
        return json_response(updated)

    async def create_thread(self, request: Request) -> Response:
        return await self._communicate(request, thread=False)

    async def add_to_thread(self, request: Request) -> Response:
        return await self._communicate(request, thread=True)

    async def _communicate(self, request: Request, thread: bool) -> Response:
        customer_id = existing_customer(self.store, request)
        thread_id = path_id(request, "threadId") if thread else None
        message = thread_request(await json_body(request))
        stored = dict(message)
        stored.setdefault("communicationDateTime", zoned_now())
        ids = self.store.add_communication(customer_id, thread_id, stored)
        if ids is None:
            raise ApiError(404, f"Thread {thread_id} not found for customer {customer_id}")
        message.pop("communicationDateTime", None)
        return json_response({**message, "customerId": customer_id, "threadId": ids[0],
                              "communicationId": ids[1]})


def thread_request(body) -> dict:
    """Validate a CommunicationThreadRequest; returns the known fields that were sent."""
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object", "body")
    message = {
        "communicationThreadStatus": enum_param(
            body.get("communicationThreadStatus"), "communicationThreadStatus",
            THREAD_STATUSES),
        "subject": string_field(body, "subject", required=True),
        "content": string_field(body, "content", required=True),
        "communicationDirection": enum_param(
            body.get("communicationDirection"), "communicationDirection", DIRECTIONS),
        "communicationChannel": enum_param(
            body.get("communicationChannel"), "communicationChannel", demo_data.CHANNELS),
    }
    for name in ("communicationThreadStatus", "communicationDirection", "communicationChannel"):
        if message[name] is None:
            raise ApiError(400, f"{name} is required", name)
    for name in ("ticketNumber", "ticketLink", "agent"):
        if (value := string_field(body, name)) is not None:
            message[name] = value
    if body.get("communicationDateTime") is not None:
        message["communicationDateTime"] = datetime_field(
            body["communicationDateTime"], "communicationDateTime")
    return message


def apply_preferences(current: list[dict], body, studio_change: bool) -> list[dict]:
    """The preferences after applying a PUT body to `current` (see the module docstring).

    `studio_change` is a change made in Magicline itself (admin): it may set fixed channels.
    """
    if not isinstance(body, list):
        raise ApiError(400, "The body must be a JSON array of CommunicationPreference", "body")
    result = json.loads(json.dumps(current))
    by_category = {p["messageCategory"]: p for p in result}
    seen = set()
    for i, item in enumerate(body):
        if not isinstance(item, dict):
            raise ApiError(400, "Each preference must be an object", f"[{i}]")
        category = enum_param(item.get("messageCategory"), f"[{i}].messageCategory",
                              demo_data.CATEGORIES)
        if category is None:
            raise ApiError(400, "messageCategory is required", f"[{i}].messageCategory")
        if category in seen:
            raise ApiError(400, f"{category} appears twice", f"[{i}].messageCategory")
        seen.add(category)
        channels = item.get("channels")
        channels = [] if channels is None else channels
        if not isinstance(channels, list):
            raise ApiError(400, "channels must be an array", f"[{i}].channels")
        target = by_category.get(category)
        if target is None:
            raise ApiError(400, f"This customer has no {category} preferences", category)
        offered = {c["communicationChannel"]: c for c in target["channels"]}
        for j, wrapper in enumerate(channels):
            where = f"[{i}].channels[{j}]"
            if not isinstance(wrapper, dict):
                raise ApiError(400, "Each channel must be an object", where)
            channel = enum_param(wrapper.get("communicationChannel"),
                                 f"{where}.communicationChannel", demo_data.CHANNELS)
            if channel is None:
                raise ApiError(400, "communicationChannel is required",
                               f"{where}.communicationChannel")
            for flag in ("active", "customerOverridable"):
                if wrapper.get(flag) is not None and not isinstance(wrapper[flag], bool):
                    raise ApiError(400, f"{flag} must be a boolean", f"{where}.{flag}")
            cell = offered.get(channel)
            if cell is None:
                raise ApiError(400, f"{category} is not offered on {channel}",
                               f"{category}.{channel}")
            active = wrapper.get("active")
            if active is None or active == cell["active"]:
                continue
            if not cell["customerOverridable"] and not studio_change:
                raise ApiError(400, f"{category} on {channel} is fixed by the studio",
                               f"{category}.{channel}")
            cell["active"] = active
    return result


# --- the gate -------------------------------------------------------------------------


class Gate:
    """Pure ASGI wrapper: record, authenticate, rate-limit and apply faults (see top)."""

    def __init__(self, sandbox: Sandbox, api: Router, admin: Router) -> None:
        self.sb, self.api, self.admin = sandbox, api, admin

    def endpoint(self, scope) -> tuple[str, Match]:
        """`METHOD /path/{template}` for rate limits and stats, and how well it matched
        (PARTIAL: a known path with another method)."""
        method, partial = scope["method"], None
        for route in self.api.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return f"{method} {route.path}", Match.FULL
            if match is Match.PARTIAL and partial is None:
                partial = route.path
        if partial:
            return f"{method} {partial}", Match.PARTIAL
        return f"{method} {scope['path']}", Match.NONE

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        if scope["path"].startswith(ADMIN_PREFIX + "/") or scope["path"] == ADMIN_PREFIX:
            await self._admin(scope, receive, send)
            return
        body = await _read_body(receive)
        endpoint, match = self.endpoint(scope)
        record = self._record(scope, endpoint, body)

        def settle(status) -> None:
            # Recorded before the client can see the outcome, so whoever asks the admin
            # endpoints right after an answer (or a dropped connection) finds it counted.
            if record["status"] is None:
                record["status"] = status
                with self.sb.lock:
                    self.sb.stats[(endpoint, str(status))] += 1

        settle(await self._serve(scope, body, receive, send, endpoint, match, settle))

    async def _admin(self, scope, receive, send) -> None:
        headers = _headers(scope)
        if not self.sb.admin:
            response = error_response(404, "The admin interface is not enabled")
        elif not self.sb.key_ok(headers.get("x-api-key")):
            response = error_response(401)
        else:
            await self.admin(scope, receive, send)
            return
        await response(scope, receive, send)

    def _record(self, scope, endpoint: str, body: bytes) -> dict:
        headers = _headers(scope)
        headers.pop("x-api-key", None)
        try:
            parsed, raw = (json.loads(body), None) if body else (None, None)
        except (ValueError, UnicodeDecodeError):
            parsed, raw = None, body.decode("utf-8", "replace")
        record = {
            "method": scope["method"], "path": scope["path"], "endpoint": endpoint,
            "query": dict(parse_qsl(scope["query_string"].decode("latin-1"),
                                    keep_blank_values=True)),
            "headers": headers, "request_id": headers.get("x-request-id"),
            "json": parsed, "body": raw,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "status": None,
        }
        with self.sb.lock:
            record["index"] = len(self.sb.received)
            self.sb.received.append(record)
        return record

    async def _serve(self, scope, body: bytes, client_receive, send, endpoint: str,
                     match: Match, settle):
        """Answer one API request; returns the status sent (or "dropped"/"disconnected")."""
        sent: dict = {}

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def tracking_send(message):
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                settle(message["status"])
            await send(message)

        async def respond(response: Response):
            await response(scope, receive, tracking_send)
            return sent.get("status")

        method = scope["method"]
        if not self.sb.key_ok(_headers(scope).get("x-api-key")):
            return await respond(Response(status_code=401) if method == "HEAD"
                                 else error_response(401))
        if not self.sb.rate_limit.allow(endpoint):
            return await respond(error_response(429, "Rate limit exceeded for this endpoint"))
        decision = self.sb.faults.decide(method, scope["path"])
        if decision.latency:
            await asyncio.sleep(decision.latency)
        if method == "HEAD":
            return await respond(Response(status_code=200))
        fault = decision.outcome
        kind = fault.kind if fault is not None else None
        if kind == "hang":
            if await _client_gone_within(client_receive, fault.value or 60.0):
                return "disconnected"
        if kind == "status":
            return await respond(error_response(int(fault.value or 500)))
        if kind == "drop":
            settle("dropped")
            await _drop(send)
            return "dropped"
        if kind == "malformed":
            return await respond(Response(b'{"result": [{"id": 1, "firstName": "Ann',
                                          media_type="application/json"))
        if match is not Match.FULL:
            return await respond(error_response(405 if match is Match.PARTIAL else 404,
                                                f"No operation {method} {scope['path']}"))
        if kind == "enum":
            return await respond(await self._with_unknown_enum(scope, receive))
        await self.api(scope, receive, tracking_send)
        return sent.get("status")

    async def _with_unknown_enum(self, scope, receive) -> Response:
        """Run the operation, then put an enum value into its answer no client knows."""
        captured: dict = {"body": b""}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")

        await self.api(scope, receive, capture)
        body = json.loads(captured["body"]) if captured["body"] else None
        if captured.get("status") == 200:
            body = _inject_unknown_enum(body)
        return json_response(body, captured.get("status", 500))


def _inject_unknown_enum(body):
    """Preferences get a WHATSAPP channel, threads and customers the status PAUSED,
    employees the gender DIVERSE, the studio an opening day HOLIDAY."""
    if isinstance(body, dict) and isinstance(body.get("result"), list):
        items = body["result"]  # a slice: change its first item
    else:
        items = body if isinstance(body, list) else [body]
    first = items[0] if items and isinstance(items[0], dict) else {}
    if "messageCategory" in first:
        first.setdefault("channels", []).append(
            {"communicationChannel": "WHATSAPP", "customerOverridable": True, "active": True})
    elif "threadId" in first:
        first["communicationThreadStatus"] = "PAUSED"
    elif "status" in first:
        first["status"] = "PAUSED"
    elif "employeeInitials" in first:
        first["gender"] = "DIVERSE"
    elif first.get("openingHours"):
        first["openingHours"][0]["dayOfWeekFrom"] = "HOLIDAY"
    return body


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _client_gone_within(receive, seconds: float) -> bool:
    """Wait up to `seconds`; True as soon as the client disconnects (a hang fault)."""
    try:
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
        return True
    except TimeoutError:
        return False


async def _drop(send) -> None:
    """Close the connection without a response (uvicorn keeps its transport on `send`)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("dropping the connection")  # the server closes it mid-response
    transport.close()
    # Let the server notice the closed connection, so it does not try to answer.
    for _ in range(1000):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0.001)


def build(sandbox: Sandbox) -> Gate:
    from studio_comm.sandbox.admin import admin_routes

    return Gate(sandbox, Router(routes=Api(sandbox).routes()), Router(routes=admin_routes(sandbox)))
