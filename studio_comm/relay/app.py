"""The relay's HTTP side (Starlette): `POST /webhooks/{studioId}` and `GET /healthz`.

Answers to a webhook, in the order they are decided:
- 405 for another method (Starlette's routing);
- 401 for a missing or wrong X-API-KEY, and the same 401 for a studio the key file does
  not list, so studio ids cannot be probed; the body is not read;
- 415 when the Content-Type is given and is not JSON (application/json or */*+json), or
  the body is not UTF-8 JSON text; a body without a Content-Type is judged by its content;
- 413 when the body is larger than 64 KiB, by its Content-Length or, without one, while
  it is read;
- 400 with the reason when the JSON is not a WebhookEventRequest (relay.contract);
- 200 once the events are committed to the journal, also for a redelivery (stored once);
- 503 when the journal fails or does not confirm the commit within 4 s (Magicline gives
  up after 5): not the caller's fault; whether a late write still commits is unknown, and
  a redelivery is stored once either way.
Each answer is JSON: {"stored": n, "duplicates": n} or {"error": "..."}. One log line per
event (studio, type, entity, uuid, duplicate or not) and per refusal; never a key.

`GET /healthz`: 200 when the journal answers a query within 3 s, 503 otherwise.

`from_environment` is the app factory uvicorn calls in each worker process: the journal
target and the key file come in the environment (studio_comm.relay.server sets them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from studio_comm.journal import AsyncJournal, Journal, JournalUnavailableError
from studio_comm.relay import contract
from studio_comm.relay.keys import WebhookKeys, studio_id

log = logging.getLogger("studio_comm.relay")

MAX_BODY = 64 * 1024
# A body found too large is still read (and dropped) up to this much, so that a client
# still sending it gets the 413 rather than a connection reset.
_DRAIN_LIMIT = 1024 * 1024
APPEND_TIMEOUT_S = 4.0
JOURNAL_THREADS = 4  # per worker process, on PostgreSQL
HEALTH_TIMEOUT_S = 3.0

ENV_JOURNAL = "STUDIO_COMM_RELAY_JOURNAL"
ENV_KEYS = "STUDIO_COMM_RELAY_KEYS"
ENV_PARENT = "STUDIO_COMM_RELAY_PARENT"  # stop when this process (the one that started us) ends

LOG_FORMAT = "%(asctime)s relay[%(process)d] %(levelname)s %(message)s"


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)


def _answer(status: int, error: str | None = None, **fields) -> JSONResponse:
    return JSONResponse({"error": error} if error else fields, status_code=status)


def _shown(studio: str) -> str:
    """A studio path segment for a log line: the caller chose it, so only digits as they are."""
    return studio if studio_id(studio) else repr(studio[:40])


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class _TooLarge(Exception):
    pass


async def _drain(chunks: AsyncIterator[bytes], already: int) -> None:
    with contextlib.suppress(ClientDisconnect):
        async for chunk in chunks:
            already += len(chunk)
            if already > _DRAIN_LIMIT:
                return


async def _body(request: Request) -> bytes:
    """The body, at most MAX_BODY bytes; _TooLarge beyond that."""
    declared = request.headers.get("content-length", "")
    chunks = request.stream()
    if declared.isdigit() and int(declared) > MAX_BODY:
        await _drain(chunks, 0)
        raise _TooLarge
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_BODY:
            await _drain(chunks, len(body))
            raise _TooLarge
    return bytes(body)


def _presented_key(request: Request) -> bytes | None:
    # The raw header bytes, and only when sent exactly once.
    values = [value for name, value in request.scope["headers"] if name == b"x-api-key"]
    return values[0] if len(values) == 1 else None


def build(journal: AsyncJournal, keys: WebhookKeys, lifespan=None) -> Starlette:
    """The relay's app on an open journal."""
    health = {"ok": True}

    def refuse(status: int, reason: str, studio: str) -> JSONResponse:
        log.info("refused %d studio=%s: %s", status, _shown(studio), reason)
        return _answer(status, reason)

    async def webhook(request: Request) -> JSONResponse:
        studio_text = request.path_params["studio"]
        studio = keys.check(studio_text, _presented_key(request))
        if studio is None:
            return refuse(401, "missing or wrong X-API-KEY", studio_text)
        content_type = request.headers.get("content-type")
        if content_type is not None and not _is_json(content_type):
            return refuse(415, "the body must be application/json", studio_text)
        try:
            body = await _body(request)
        except _TooLarge:
            return refuse(413, f"the body is larger than {MAX_BODY // 1024} KiB", studio_text)
        except ClientDisconnect:
            return refuse(400, "the body ended early (the client went away)", studio_text)
        try:
            hook = contract.parse(contract.decode(body))
        except contract.NotJson as exc:
            return refuse(415, str(exc), studio_text)
        except contract.ContractError as exc:
            return refuse(400, f"not a WebhookEventRequest: {exc}", studio_text)
        events = hook.events(studio)
        try:
            appended = await asyncio.wait_for(journal.append_events(events), APPEND_TIMEOUT_S)
        except (JournalUnavailableError, SQLAlchemyError, OSError, TimeoutError) as exc:
            # Not known to be stored: a write that timed out still runs and may commit, and then
            # Magicline's redelivery is a duplicate, stored once.
            log.error("not confirmed studio=%d type=%s entity=%d uuid=%s: the journal failed (%s)", studio,
                      ",".join(event.type for event in events), hook.entity_id, hook.uuid, type(exc).__name__)
            return _answer(503, "the journal did not confirm the event; send it again")
        for event, result in zip(events, appended, strict=True):
            log.info("event studio=%d type=%s entity=%d uuid=%s part=%d seq=%d duplicate=%s",
                     studio, event.type, hook.entity_id, hook.uuid, event.part, result.seq,
                     "yes" if result.duplicate else "no")
        if not events:
            log.info("event studio=%d entity=%d uuid=%s: empty payload, nothing stored",
                     studio, hook.entity_id, hook.uuid)
        duplicates = sum(result.duplicate for result in appended)
        return _answer(200, stored=len(appended) - duplicates, duplicates=duplicates)

    async def healthz(request: Request) -> JSONResponse:
        try:
            await asyncio.wait_for(journal.ping(), HEALTH_TIMEOUT_S)
            ok = True
        except (JournalUnavailableError, SQLAlchemyError, OSError, TimeoutError) as exc:
            ok, reason = False, type(exc).__name__
        if ok != health["ok"]:  # a log line when it changes, not for every probe
            health["ok"] = ok
            if ok:
                log.info("the journal answers again")
            else:
                log.warning("the journal does not answer (%s)", reason)
        return _answer(200, journal="ok") if ok else _answer(503, "the journal does not answer")

    return Starlette(routes=[
        Route("/webhooks/{studio}", webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ], lifespan=lifespan)


def _stop_with_parent(parent: int) -> None:
    """End this process (cleanly, by SIGTERM) once `parent` is gone: a relay worker must
    not outlive its supervisor and keep the port, nor a relay the test or demo that ran it."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="relay-parent-watch", daemon=True).start()


def from_environment() -> Starlette:
    """The app factory of a relay process (uvicorn --factory)."""
    configure_logging()
    keys = WebhookKeys.load(os.environ[ENV_KEYS])
    if os.environ.get(ENV_PARENT):
        _stop_with_parent(int(os.environ[ENV_PARENT]))
    opened = Journal.open(os.environ[ENV_JOURNAL])
    # PostgreSQL commits concurrent appends side by side, so a slow fsync holds up one
    # answer, not all queued behind it (p99 at 200 events/s: 82-150 ms with one thread, 65-81
    # with four, on a loaded 2-core machine); SQLite takes one writer at a time anyway.
    postgres = opened.engine.dialect.name == "postgresql"
    journal = AsyncJournal(opened, workers=JOURNAL_THREADS if postgres else 1)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        try:
            yield
        finally:
            await journal.aclose()

    return build(journal, keys, lifespan)
