"""Customer search through the real path: core search + MagiclineClient + sandbox over loopback."""

from __future__ import annotations

import asyncio

import pytest

from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Customer, CustomerStatus
from studio_comm.core.search import CustomerSearch


def run(sandbox, body, **client_options) -> None:
    """Run `body(search, client)` on a client of the sandbox, in a loop of its own."""
    async def main():
        async with MagiclineClient(sandbox.base_url, sandbox.api_key, **client_options) as client:
            await body(CustomerSearch(client), client)

    asyncio.run(main())


async def first_members(client: MagiclineClient, count: int = 200) -> list[Customer]:
    page = await anext(client.customer_slices(CustomerStatus.MEMBER, slice_size=count))
    return page.result


def medium(customer: Customer, kind: str) -> str:
    return next(m.value for m in customer.access_mediums if m.type == kind)


def endpoints(sandbox) -> list[str]:
    return [r["endpoint"] for r in sandbox.admin.received()]


def test_customer_number_card_number_and_barcode_each_find_the_member(sandbox):
    async def body(search: CustomerSearch, client):
        members = await first_members(client)
        # A nine-digit card number reads like a customer number too: the 404 on
        # customerNumber must move on to cardNumber.
        member = next(m for m in members if len(medium(m, "CARD_NUMBER")) == 9)
        other = members[0]
        assert [c.id for c in await search.search(other.customer_number)] == [other.id]
        assert [c.id for c in await search.search(medium(member, "CARD_NUMBER"))] == [member.id]
        assert [c.id for c in await search.search(medium(other, "BARCODE"))] == [other.id]

    run(sandbox, body)


def test_unknown_number_finds_nobody_after_trying_every_kind(sandbox):
    async def body(search: CustomerSearch, client):
        assert await search.search("999999999") == []
        by_queries = [r["query"] for r in sandbox.admin.received() if r["path"] == "/v1/customers/by"]
        assert [sorted(q) for q in by_queries] == [["customerNumber"], ["cardNumber"], ["barcode"]]

    run(sandbox, body)


def test_email_and_date_of_birth(sandbox):
    async def body(search: CustomerSearch, client):
        member = next(m for m in await first_members(client) if m.email)
        dob = member.date_of_birth
        by_mail = await search.search(member.email.upper())
        assert member.id in [c.id for c in by_mail]
        by_dob_german = await search.search(f"{dob.day}.{dob.month}.{dob.year}")
        assert member.id in [c.id for c in by_dob_german]
        by_dob_iso = await search.search(dob.isoformat())
        assert [c.id for c in by_dob_german] == [c.id for c in by_dob_iso]
        assert all(c.date_of_birth == member.date_of_birth for c in by_dob_iso)

    run(sandbox, body)


def test_one_word_merges_last_and_first_name_prefixes_without_duplicates(sandbox):
    async def body(search: CustomerSearch, client):
        members = await first_members(client)
        word = members[0].last_name[:3]
        found = await search.search(word)
        ids = [c.id for c in found]
        assert len(ids) == len(set(ids))
        key = word.casefold()
        assert all(c.last_name.casefold().startswith(key) or c.first_name.casefold().startswith(key)
                   for c in found)
        assert any(c.last_name.casefold().startswith(key) for c in found)
        # Last-name matches come first: staff mostly ask by last name.
        first_names_only = [i for i, c in enumerate(found) if not c.last_name.casefold().startswith(key)]
        last_matches = [i for i, c in enumerate(found) if c.last_name.casefold().startswith(key)]
        assert not first_names_only or max(last_matches) < min(first_names_only)

    run(sandbox, body)


@pytest.mark.parametrize("order", ["first last", "last first", "last, first"])
def test_full_name_finds_the_member_in_either_order(sandbox, order):
    async def body(search: CustomerSearch, client):
        member = next(m for m in await first_members(client)
                      if " " not in m.first_name + m.last_name and m.first_name.isalpha())
        text = order.replace("first", member.first_name).replace("last", member.last_name)
        found = await search.search(text)
        assert member.id in [c.id for c in found]
        assert all(c.last_name == member.last_name and c.first_name == member.first_name
                   for c in found)

    run(sandbox, body)


def test_newest_search_wins_over_a_slower_earlier_one(sandbox):
    # Slow enough that the second search surely starts before the first is answered.
    sandbox.admin.set_faults("latency=2500:count=1@/v1/customers/search")

    async def body(search: CustomerSearch, client):
        slow = asyncio.create_task(search.search("Schmidt"))
        # Start the second search once the first has reached the server.
        while "POST /v1/customers/search" not in await asyncio.to_thread(endpoints, sandbox):
            await asyncio.sleep(0.02)
        fast = await search.search("Müller")
        assert fast and all(
            c.last_name.casefold().startswith("müller") or c.first_name.casefold().startswith("müller")
            for c in fast
        )
        assert await slow is None  # superseded: nobody wants its answer

    run(sandbox, body)


def test_browse_pages_through_all_members(sandbox):
    async def body(search: CustomerSearch, client):
        pages = [page async for page in search.browse(CustomerStatus.PROSPECT, slice_size=100)]
        customers = [c for page in pages for c in page]
        assert len(pages) > 1
        assert customers and all(c.status == CustomerStatus.PROSPECT for c in customers)
        assert len({c.id for c in customers}) == len(customers)

    run(sandbox, body)
