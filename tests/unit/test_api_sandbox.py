"""The client against the local sandbox (an independent implementation of the vendor's
contract) over loopback HTTP: every operation, paging, and the rate limit end to end."""

from __future__ import annotations

import asyncio

import pytest

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Channel, Direction, ThreadRequest, ThreadStatus
from studio_comm.api.ratelimit import RateLimiter

PREFS_ENDPOINT = "GET /v1/communications/{customerId}/communication-preferences"


def run(coro):
    return asyncio.run(coro)


def test_every_operation_round_trips_through_the_sandbox(sandbox):
    async def body():
        async with MagiclineClient(sandbox.base_url, sandbox.api_key, language="de") as client:
            await client.check_key()
            studio = await client.studio_information()
            employees = [e async for e in client.employees(slice_size=10)]
            first = await anext(client.customers(slice_size=50))
            same = await client.customer(first.id)
            by_number = await client.customer_by(customer_number=first.customer_number)
            found = await client.search_customers(last_name=first.last_name[:2], first_name=first.first_name)
            prefs = await client.get_preferences(first.id)
            saved = await client.put_preferences(first.id, prefs, request_id="pref-1")
            request = ThreadRequest(
                communication_thread_status=ThreadStatus.CREATED, subject="Ihr Vertrag", content="Hallo",
                communication_direction=Direction.OUTGOING, communication_channel=Channel.EMAIL, agent="K. V.")
            created = await client.create_thread(first.id, request, request_id="msg-1")
            added = await client.add_to_thread(
                first.id, created.thread_id,
                request.model_copy(update={"communication_thread_status": ThreadStatus.CLOSED}),
                request_id="msg-2")
            with pytest.raises(errors.NotFoundError):
                await client.customer(1)
        return studio, employees, first, same, by_number, found, prefs, saved, created, added

    studio, employees, first, same, by_number, found, prefs, saved, created, added = run(body())
    assert studio.name and employees
    assert same == first and by_number.id == first.id and first.id in {c.id for c in found}
    assert saved == prefs
    assert created.thread_id == added.thread_id and created.communication_id != added.communication_id
    assert added.communication_thread_status is ThreadStatus.CLOSED
    request_ids = [r["request_id"] for r in sandbox.admin.received()]
    assert {"pref-1", "msg-1", "msg-2"} <= set(request_ids)


def test_a_wrong_key_is_a_bad_key_error(sandbox):
    async def body():
        async with MagiclineClient(sandbox.base_url, "not-the-key") as client:
            await client.check_key()

    with pytest.raises(errors.BadKeyError):
        run(body())


def test_paging_lists_every_customer_of_each_status_once(sandbox):
    async def body():
        async with MagiclineClient(sandbox.base_url, sandbox.api_key) as client:
            return {s: [c.id async for c in client.customers(status=s, slice_size=500)]
                    for s in ("MEMBER", "PROSPECT", "FORMER_MEMBER")}

    ids = run(body())
    every = [i for group in ids.values() for i in group]
    assert len(every) == len(set(every)) == 2000
    assert all(ids.values())


def test_the_limiter_keeps_the_client_under_the_vendors_limit(sandbox):
    sandbox.admin.set_rate_limit(5, 1.0)

    async def body():
        # The default margin: what absorbs a loaded machine's jitter in production too.
        limiter = RateLimiter(budget=5, window=1.0, margin=0.5)
        async with MagiclineClient(sandbox.base_url, sandbox.api_key, limiter=limiter) as client:
            first = await anext(client.customers())
            return await asyncio.gather(*(client.get_preferences(first.id) for _ in range(12)))

    assert len(run(body())) == 12
    statuses = sandbox.admin.stats()["endpoints"][PREFS_ENDPOINT]
    assert "429" not in statuses and statuses.get("200") == 12


def test_after_a_429_the_client_holds_the_endpoint_and_succeeds_on_the_next_try(sandbox):
    # A window long enough that even a loaded machine sends the first five within it.
    sandbox.admin.set_rate_limit(5, 2.0)
    waits = []

    async def body():
        # A client that believes in a larger budget than the server grants.
        limiter = RateLimiter(budget=100, window=2.0, margin=0.2)
        async with MagiclineClient(sandbox.base_url, sandbox.api_key, limiter=limiter,
                                   on_wait=lambda ep, s: waits.append((ep, s))) as client:
            first = await anext(client.customers())
            return [await client.get_preferences(first.id) for _ in range(8)]

    assert len(run(body())) == 8
    statuses = sandbox.admin.stats()["endpoints"][PREFS_ENDPOINT]
    assert statuses.get("429") == 1 and statuses.get("200") == 8
    assert waits and waits[0][0] == PREFS_ENDPOINT and waits[0][1] >= 2.0
