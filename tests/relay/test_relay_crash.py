"""The relay killed with SIGKILL in the middle of a stream of webhooks and started again:
every event it answered 200 is in the journal, once; the others may or may not be (the
sender had no answer and delivers again), and a redelivery is stored once."""

from __future__ import annotations

import asyncio
import threading

import httpx

from studio_comm.journal import Journal
from studio_comm.relay.server import RelayProcess
from tests.relay.support import KEY, STUDIO, body

EVENTS, KILL_AFTER, IN_FLIGHT = 1_200, 300, 8


async def stream(url: str, bodies: list[dict], answered: dict[str, int], failed: list[str],
                 kill_now: threading.Event) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30, headers={"X-API-KEY": KEY}) as client:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(sent: dict) -> None:
            async with gate:
                try:
                    response = await client.post(f"/webhooks/{STUDIO}", json=sent)
                except httpx.TransportError:  # the relay died under this request
                    failed.append(sent["uuid"])
                    return
                answered[sent["uuid"]] = response.status_code
                if len(answered) == KILL_AFTER:
                    kill_now.set()

        await asyncio.gather(*(one(sent) for sent in bodies))


def test_every_event_answered_200_survives_sigkill_and_restart(relay_target, keys_file, tmp_path):
    bodies = [body("CUSTOMER_UPDATED", entity=i) for i in range(EVENTS)]
    answered: dict[str, int] = {}
    failed: list[str] = []
    kill_now = threading.Event()
    log_path = tmp_path / "relay.log"

    relay = RelayProcess(relay_target, keys_file, log_path=log_path).start()
    port = relay.port
    sender = threading.Thread(target=lambda: asyncio.run(stream(relay.url, bodies, answered, failed, kill_now)))
    sender.start()
    try:
        assert kill_now.wait(120), "the stream did not get going"
    finally:
        relay.kill()
        sender.join(120)
    assert failed, "the kill landed after the stream ended: nothing was in flight"
    assert set(answered.values()) == {200}
    confirmed = set(answered)

    # Started again on the same port; Magicline delivers again what got no answer.
    with RelayProcess(relay_target, keys_file, port=port, log_path=log_path) as again:
        unanswered = [sent for sent in bodies if sent["uuid"] not in confirmed]
        assert len(unanswered) == EVENTS - len(confirmed)
        later: dict[str, int] = {}
        failed_again: list[str] = []
        asyncio.run(stream(again.url, unanswered + bodies[:50], later, failed_again, threading.Event()))
    assert failed_again == [] and set(later.values()) == {200}

    journal = Journal.open(relay_target)
    try:
        events = journal.events_after(STUDIO, limit=100_000).events
    finally:
        journal.close()
    uuids = [e.uuid for e in events]
    assert confirmed <= set(uuids)  # nothing answered 200 was lost
    assert len(uuids) == len(set(uuids)) == EVENTS  # and nothing stored twice
