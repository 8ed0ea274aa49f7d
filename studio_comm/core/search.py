"""Customer search: one entry point for whatever staff type at the desk.

`classify` decides what the text is and which API calls answer it:
- contains "@": an email address (`POST /customers/search` with `email`);
- a date (DD.MM.YYYY, D.M.YYYY, YYYY-MM-DD): date of birth;
- one token with digits: a customer number, card number or barcode (`GET /customers/by`).
  The same digits can be either kind, so every lookup is tried in the likelier order and
  a 404 moves on to the next one;
- anything else: names. One word is a last-name prefix and a first-name prefix, merged;
  two or more words are first + last name, also tried the other way round ("Schmidt Anna",
  "Schmidt, Anna").
Results are deduplicated by customer id, first lookups first.

`CustomerSearch.search` lets the newest search win: when a later search started while one
was waiting for the server, the earlier one returns None instead of stale results.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Customer, CustomerStatus

QueryKind = Literal["email", "date_of_birth", "customer_number", "card_number", "name", "empty"]
Lookup = tuple[str, str]  # (keyword of MagiclineClient.customer_by, value)
NameQuery = tuple[str | None, str | None]  # (first name prefix, last name prefix)

_GERMAN_DATE = re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$")
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")
_NUMBER_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")
# Customer numbers are short (the sandbox's are 5 digits); RFID card numbers in decimal
# have up to 10 digits (32 bits). Ten or more digits are tried as a card first.
_CUSTOMER_NUMBER_MAX_DIGITS = 9


@dataclass(frozen=True)
class Query:
    """What the typed text means. `kind` names it; the rest says which calls answer it.

    For kind "date_of_birth", `date_of_birth` is None when the text looks like a date but
    is not one (31.02.2000): the search finds nothing.
    """

    kind: QueryKind
    text: str
    email: str | None = None
    date_of_birth: date | None = None
    lookups: tuple[Lookup, ...] = ()
    names: tuple[NameQuery, ...] = ()


def classify(text: str) -> Query:
    text = " ".join((text or "").split())
    if not text:
        return Query("empty", text)
    if "@" in text:
        return Query("email", text, email=text)
    if (match := _GERMAN_DATE.match(text) or _ISO_DATE.match(text)) is not None:
        return Query("date_of_birth", text, date_of_birth=_date(**match.groupdict()))
    if " " not in text and _NUMBER_TOKEN.match(text) and any(c.isdigit() for c in text):
        return _number_query(text)
    return Query("name", text, names=_name_queries(text))


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _number_query(text: str) -> Query:
    if text.isdigit():
        order: tuple[str, ...]
        if len(text) <= _CUSTOMER_NUMBER_MAX_DIGITS:
            order = ("customer_number", "card_number", "barcode")
            kind: QueryKind = "customer_number"
        else:
            order = ("card_number", "barcode", "customer_number")
            kind = "card_number"
    else:
        # Letters and digits: a barcode (the sandbox's look like "SC0100000112") or a
        # customer number with a prefix; a decimal card number it cannot be.
        order = ("barcode", "customer_number")
        kind = "card_number"
    return Query(kind, text, lookups=tuple((field, text) for field in order))


def _name_queries(text: str) -> tuple[NameQuery, ...]:
    if "," in text:
        last, _, first = (part.strip() for part in text.partition(","))
        if last and first:
            return ((first, last),)
        text = last or first
    words = text.split()
    if len(words) == 1:
        return ((None, words[0]), (words[0], None))  # last name first: that is how staff ask
    candidates: list[NameQuery] = []
    # Split after the first word and before the last: covers two- and three-word names
    # and keeps a pasted sentence to four requests.
    for split in sorted({1, len(words) - 1}):
        head, tail = " ".join(words[:split]), " ".join(words[split:])
        candidates += [(head, tail), (tail, head)]
    # "Anna Schmidt" before "Schmidt Anna"; the most likely split first.
    candidates.sort(key=lambda q: 0 if q[0] == words[0] or q[1] == words[-1] else 1)
    return tuple(dict.fromkeys(candidates))


def dedupe(groups: Iterable[Iterable[Customer]]) -> list[Customer]:
    seen: dict[int, Customer] = {}
    for group in groups:
        for customer in group:
            seen.setdefault(customer.id, customer)
    return list(seen.values())


class CustomerSearch:
    """Search and browse one studio's customers. Newest search wins."""

    def __init__(self, client: MagiclineClient) -> None:
        self._client = client
        self._generation = 0

    classify = staticmethod(classify)

    async def search(self, text: str) -> list[Customer] | None:
        """Customers matching `text`; None when a newer search started meanwhile.

        API errors other than "not found" propagate (the caller shows them), unless a
        newer search has started: then nobody wants this answer.
        """
        self._generation += 1
        generation = self._generation
        query = classify(text)
        try:
            result = await self.run(query)
        except errors.ApiError:
            if generation != self._generation:
                return None
            raise
        return result if generation == self._generation else None

    async def run(self, query: Query) -> list[Customer]:
        """The API calls of one classified query, without the newest-wins bookkeeping."""
        client = self._client
        if query.kind == "email":
            return await client.search_customers(email=query.email)
        if query.kind == "date_of_birth":
            if query.date_of_birth is None:
                return []
            return await client.search_customers(date_of_birth=query.date_of_birth)
        if query.lookups:
            return await self._lookup(query.lookups)
        if query.names:
            # A task group: when one search fails, the other stops too instead of retrying
            # on behind an error the user already sees.
            try:
                async with asyncio.TaskGroup() as group:
                    searches = [group.create_task(client.search_customers(first_name=first, last_name=last))
                                for first, last in query.names]
            except BaseExceptionGroup as failed:
                raise failed.exceptions[0] from None
            return dedupe([s.result() for s in searches])
        return []

    async def customer(self, customer_id: int) -> Customer | None:
        """The customer as Magicline has them now (a webhook said they changed); None when
        they cannot be read any more (deleted, or access disabled)."""
        try:
            return await self._client.customer(customer_id)
        except (errors.NotFoundError, errors.ForbiddenError):
            return None

    async def _lookup(self, lookups: Iterable[Lookup]) -> list[Customer]:
        for field, value in lookups:
            try:
                return [await self._client.customer_by(**{field: value})]
            except (errors.NotFoundError, errors.InvalidRequestError):
                # Not this kind (400: e.g. a value the server cannot read as a card number).
                continue
        return []

    async def browse(
        self, status: CustomerStatus | str = CustomerStatus.MEMBER, slice_size: int = 100
    ) -> AsyncIterator[list[Customer]]:
        """All customers of one status, a page at a time."""
        async for page in self._client.customer_slices(status, slice_size):
            yield list(page.result)
