"""The gate every request to the sandbox passes, and the ASGI application built around it.

Every request to the API passes `Gate`, in this order: recorded (so tests can assert
exactly what arrived), key checked (401; HEAD on any path only checks the key), rate
limited (429), faults applied, then routed. Admin requests (`/__sandbox__/...`) skip
recording, limits and faults.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.routing import Match, Route, Router

from studio_comm.sandbox.admin import PREFIX as ADMIN_PREFIX
from studio_comm.sandbox.admin import admin_routes
from studio_comm.sandbox.http import error_response, json_response
from studio_comm.sandbox.operations import Operations
from studio_comm.sandbox.state import Sandbox


class Gate:
    """Pure ASGI wrapper: record, authenticate, rate-limit and apply faults (see top)."""

    def __init__(self, sandbox: Sandbox, api: Router, admin: Router) -> None:
        self.sb, self.api, self.admin = sandbox, api, admin

    def endpoint(self, scope) -> tuple[str, Match]:
        """`METHOD /path/{template}` for rate limits and stats, and how well it matched
        (PARTIAL: a known path with another method)."""
        method, partial = scope["method"], None
        for route in self.api.routes:
            if not isinstance(route, Route):
                continue
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
        raw: str | None
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
        value = fault.value if fault is not None else None
        if fault is not None and fault.after and match is Match.FULL:
            await self._carry_out(scope, body)  # applied; the answer is lost below
        if kind == "hang":
            if await _client_gone_within(client_receive, value or 60.0):
                return "disconnected"
        if kind == "status":
            return await respond(error_response(int(value or 500)))
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

    async def _carry_out(self, scope, body: bytes) -> None:
        """Run the operation and throw its answer away."""
        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def discard(message):
            pass

        await self.api(scope, receive, discard)

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
    """The sandbox's ASGI application: the gate before the operations and the admin routes."""
    return Gate(sandbox, Router(routes=Operations(sandbox).routes()),
                Router(routes=admin_routes(sandbox)))
