"""The client over real loopback sockets: lost answers, refused connections, and the key
never leaking into errors or log lines (including httpx's and httpcore's DEBUG logs)."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import traceback

import httpx
import pytest

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from tests.fixtures.logs import OUTCOME_UNKNOWN, RETRY_SCHEDULED
from tests.unit.test_api_client import (
    FAST_RETRY,
    KEY,
    PREFS,
    THREAD,
    Mock,
    call,
    fail,
    fake_limiter,
    ok,
    run,
    thread_request,
)


class LoopbackServer:
    """A minimal HTTP/1.1 server on 127.0.0.1 in the test's own event loop.

    `respond(method, path, body)` returns (status, json) or None to leave the request
    unanswered (the client then times out after having sent it).
    """

    def __init__(self, respond) -> None:
        self.respond = respond
        self.received: list[tuple[str, str, dict[str, str]]] = []

    async def __aenter__(self):
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc):
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                self.received.append((method, path, headers))
                answer = self.respond(method, path, body)
                if answer is None:
                    await reader.read()  # never answer; end once the client gives up
                    return
                status, payload = answer
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(data)}\r\n\r\n".encode() + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


# Generous to connect on a loaded machine, short to wait for an answer that never comes.
ANSWER_TIMEOUT = httpx.Timeout(30.0, read=0.25)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_thread_post_whose_answer_never_comes_was_sent_once_and_is_unknown(expect_log):
    expect_log(*OUTCOME_UNKNOWN)

    async def body():
        async with LoopbackServer(lambda m, p, b: None) as server:
            async with MagiclineClient(server.url, KEY, timeout=ANSWER_TIMEOUT, retry=FAST_RETRY) as client:
                with pytest.raises(errors.OutcomeUnknownError) as caught:
                    await client.create_thread(7, thread_request(), request_id="rid-1")
            return server.received, caught.value

    received, error = run(body())
    assert [(m, p) for m, p, _ in received] == [("POST", "/v1/communications/7/threads")]
    assert received[0][2]["x-request-id"] == "rid-1"
    assert error.request_id == "rid-1"


def test_a_read_whose_answer_never_comes_is_retried_then_reported(expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    expect_log(*RETRY_SCHEDULED)

    async def body():
        async with LoopbackServer(lambda m, p, b: None) as server:
            async with MagiclineClient(server.url, KEY, timeout=ANSWER_TIMEOUT, retry=FAST_RETRY) as client:
                with pytest.raises(errors.OutcomeUnknownError):
                    await client.get_preferences(7)
            return server.received

    assert len(run(body())) == FAST_RETRY.attempts


def test_a_refused_connection_is_not_sent_and_retried(expect_log):
    expect_log(*RETRY_SCHEDULED)

    async def body():
        url = f"http://127.0.0.1:{free_port()}"
        async with MagiclineClient(url, KEY, retry=FAST_RETRY) as client:
            with pytest.raises(errors.NotSentError) as caught:
                await client.create_thread(7, thread_request())
        return caught.value

    assert "Not sent" in str(run(body()))


def test_reads_over_a_real_socket_carry_the_headers(caplog):
    caplog.set_level(logging.DEBUG)

    def respond(method, path, body):
        return (200, PREFS) if method == "GET" else (200, THREAD)

    async def body():
        async with LoopbackServer(respond) as server:
            async with MagiclineClient(server.url, KEY, language="de") as client:
                prefs = await client.get_preferences(7)
                await client.create_thread(7, thread_request())
            return server.received, prefs

    received, prefs = run(body())
    assert len(prefs) == 2
    assert [r[2]["x-api-key"] for r in received] == [KEY, KEY]
    assert received[0][2]["accept-language"] == "de"
    assert caplog.records  # the DEBUG logs of httpx/httpcore and the client were captured
    assert KEY not in caplog.text


# ------------------------------------------------------------------ redaction of the key

def _texts(error: BaseException) -> list[str]:
    """Every text an error could show: str, repr, args, attributes, the whole chain."""
    texts = ["".join(traceback.format_exception(error))]
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        texts += [str(error), repr(error), repr(error.args), repr(vars(error))]
        error = error.__cause__ or error.__context__
    return texts


ECHO = {"errorMessage": f"key {KEY} is wrong", "errorCode": KEY, "traceId": f"t-{KEY}", "reference": KEY}
PROVOKE = [
    # id, answers, error raised, warnings logged on the way
    ("400", [httpx.Response(400, json=ECHO)], errors.InvalidRequestError, []),
    ("401", [httpx.Response(401, json=ECHO)], errors.BadKeyError, []),
    ("403", [httpx.Response(403, json=ECHO)], errors.ForbiddenError, []),
    ("404", [httpx.Response(404, json=ECHO)], errors.NotFoundError, []),
    ("409", [httpx.Response(409, json=ECHO)], errors.ConflictError, []),
    ("429", [httpx.Response(429, json=ECHO)] * 2, errors.RateLimitedError, []),
    ("500", [httpx.Response(500, json=ECHO)], errors.ServerError, []),
    ("503", [httpx.Response(503, json=ECHO)] * 3, errors.ServerError, [RETRY_SCHEDULED]),
    ("malformed", [ok({"id": KEY, "status": "MEMBER", "accessRefusal": False})], errors.MalformedResponseError, []),
    ("not-sent", [httpx.ConnectError(f"refused {KEY}")] * 3, errors.NotSentError, [RETRY_SCHEDULED]),
    ("unknown", [httpx.ReadTimeout(f"timeout {KEY}")], errors.OutcomeUnknownError, [OUTCOME_UNKNOWN]),
]


@pytest.mark.parametrize("answers,kind,warnings", [p[1:] for p in PROVOKE], ids=[p[0] for p in PROVOKE])
def test_the_key_never_appears_in_errors_or_logs(answers, kind, warnings, caplog, expect_log):
    caplog.set_level(logging.DEBUG)
    for warning in warnings:
        expect_log(*warning)
    limiter, _ = fake_limiter()
    mock = Mock(*answers)
    in_repr = []

    async def ops(client):
        in_repr.append(repr(client))
        if kind is errors.OutcomeUnknownError:
            return await client.create_thread(7, thread_request())
        if kind is errors.MalformedResponseError:
            return await client.customer(7)
        return await client.put_preferences(7, [])

    with pytest.raises(kind) as caught:
        run(call(mock, ops, limiter=limiter))
    texts = _texts(caught.value) + in_repr + [caplog.text]
    assert all(KEY not in t for t in texts)


def test_server_text_echoing_the_key_is_shown_with_the_key_cut_out():
    mock = Mock(httpx.Response(401, json=ECHO))
    with pytest.raises(errors.BadKeyError) as caught:
        run(call(mock, lambda c: c.check_key()))
    e = caught.value
    assert e.error_message == "key *** is wrong" and e.trace_id == "t-***"
    assert "API key refused" in str(e) and "key ***" in str(e)


def test_a_503_body_echoing_the_key_is_scrubbed_too(expect_log):
    mock = Mock(default=fail(503, **ECHO))
    expect_log(*RETRY_SCHEDULED)
    with pytest.raises(errors.ServerError) as caught:
        run(call(mock, lambda c: c.get_preferences(7)))
    assert all(KEY not in t for t in _texts(caught.value))
