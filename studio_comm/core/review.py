"""Consent review: every customer's preferences, read at the API's full permitted speed.

The API gives one customer's preferences per request (1000 per minute per endpoint, and
a minute-long lock-out past that), so a studio of 5,000 members takes at least five
minutes. `ConsentReview.run` pages through the customers of the chosen statuses
(500 per slice, the most the API allows) and keeps a bounded pool of preference reads in
flight: one sequential loop would be bound by the network's round trip instead of the
budget. Each read first passes a gate with the client's `RateLimiter` budget (a hair
stricter), so the budget, not the pool, sets the pace and no request is ever refused
with 429. Each result goes to the journal's preference cache with the time it was read,
in batches on the journal's worker thread. Cancelling waits only for reads already sent
(their answers are kept) and writes everything read; the next run skips customers whose
cached read is newer than a cut-off (the cancelled run's start to resume, or "now minus
a chosen age" to refresh only old rows). A run that stops early (cancelled, or an error)
leaves a `resume_point`: `resume()` continues from the earliest cut-off any unfinished
run began with, so nothing that a stopped run skipped or never reached is left unread.
A customer that is gone (404) is recorded and skipped, never fatal.

A 403 means two different things: the key lacks a permission (every request of that kind
fails: the run stops), or that one customer's access was disabled (Magicline answers 403
for a customer after CUSTOMER_ACCESS_DISABLED: recorded as ACCESS_DISABLED and skipped).
The rule telling them apart: a 403 for one customer's read is that customer's when the
studio's event feed holds a CUSTOMER_ACCESS_DISABLED event for the customer (or one
arrived while the review was open), or when the preferences of a customer this review
read before are answered again at once (a probe, one request: the key still holds the
permission). Otherwise (no such customer yet, or the probe is refused too, or fails) it
is the key's, and the run stops.

Live updates (core.live) keep the cache current between runs: `refresh` re-reads one
customer through the same gate as a run (within the request budget), and
`mark_unavailable` records a customer that a webhook said is gone or locked. Desks share
the cache: `cached_row` reads one customer's row as it is now, which another desk's read
may have written (its desk event says so), without asking the API again.

The second half is Qt-free table logic for the review view: rows of customers by
(category, channel) cell, filters, sorting and the per-cell summary, as plain functions
over lists so the UI can run them off its thread and reset its model with the result.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from studio_comm.api import errors
from studio_comm.api.enums import EventType
from studio_comm.api.models import CommunicationPreference, Customer, CustomerStatus
from studio_comm.api.ratelimit import RateLimiter
from studio_comm.core.matrix import cell_order
from studio_comm.core.pace import RateMeter

log = logging.getLogger(__name__)

Cell = tuple[str, str]  # (category, channel) as API wire values

# Read failures that concern one customer: recorded and skipped.
NOT_FOUND = "not_found"
ACCESS_DISABLED = "access_disabled"  # a 403 for this customer only (see the module)
# This many transient failures in a row mean the service is down, not one customer.
MAX_FAILURES_IN_A_ROW = 25
PROGRESS_INTERVAL = 0.1  # seconds between progress reports, at least
IN_FLIGHT_GRACE = 20.0  # a cancelled run waits this long at most for reads already sent
_GATE = "GET preferences"
# The run's own gate is a little stricter than the client's limiter, so a read that
# passed the gate does not wait again inside the client (where it could not be told
# apart from a request on the wire).
GATE_EXTRA_MARGIN = 0.02


def utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- states


class CellState(StrEnum):
    """What one customer's preferences say about one (category, channel) cell."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    ABSENT = "absent"  # the category does not carry this channel for this customer
    FIXED_ACTIVE = "fixed_active"  # fixed by the studio (not customer-overridable)
    FIXED_INACTIVE = "fixed_inactive"

    @property
    def active(self) -> bool:
        return self in _ACTIVE_STATES

    @property
    def fixed(self) -> bool:
        return self in _FIXED_STATES


# Looked up once: enum attribute access is slow in Python 3.11, and these run per cell
# of 10,000 rows. Keyed by (fixed by the studio, active).
_STATE_OF = {
    (False, True): CellState.ACTIVE,
    (False, False): CellState.INACTIVE,
    (True, True): CellState.FIXED_ACTIVE,
    (True, False): CellState.FIXED_INACTIVE,
}
_ACTIVE_STATES = frozenset({CellState.ACTIVE, CellState.FIXED_ACTIVE})
_FIXED_STATES = frozenset({CellState.FIXED_ACTIVE, CellState.FIXED_INACTIVE})
_ABSENT = CellState.ABSENT


def cell_states(prefs: Iterable[CommunicationPreference]) -> dict[Cell, CellState]:
    """The present cells of a preferences array (absent cells are simply missing)."""
    return {
        (str(pref.message_category.value), str(setting.communication_channel.value)):
            _STATE_OF[setting.fixed, bool(setting.active)]
        for pref in prefs
        for setting in pref.channels
    }


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One customer in the review: who, when read, and the state of each present cell."""

    customer_id: int
    customer_number: str
    name: str
    status: str
    read_at: datetime
    states: Mapping[Cell, CellState] = field(default_factory=dict)
    error: str | None = None  # NOT_FOUND (or another code) when no preferences could be read
    stale: bool = False  # changed since it was read (a webhook said so): being read again

    def state(self, cell: Cell) -> CellState | None:
        """The cell's state; None when the customer's preferences could not be read."""
        if self.error is not None:
            return None
        return self.states.get(cell, _ABSENT)


class Reading(NamedTuple):
    """One read (or failed read) of one customer, as written to the cache."""

    customer_id: int
    customer_number: str
    name: str
    status: str
    preferences: list[CommunicationPreference] | None
    read_at: datetime
    error: str | None = None

    @classmethod
    def of(cls, customer: Customer, prefs: list[CommunicationPreference] | None,
           read_at: datetime, error: str | None = None) -> Reading:
        return cls(customer.id, customer.customer_number or "", customer.display_name,
                   str(customer.status.value), prefs, read_at, error)

    def row(self) -> ReviewRow:
        return ReviewRow(self.customer_id, self.customer_number, self.name, self.status,
                         self.read_at, cell_states(self.preferences or ()), self.error)

    def cache_entry(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "customer_number": self.customer_number,
            "name": self.name,
            "status": self.status,
            "preferences": None if self.preferences is None
            else [p.to_wire() for p in self.preferences],
            "read_at": self.read_at,
            "error": self.error,
        }


def wire_cell_states(raw: Iterable[Mapping[str, Any]]) -> dict[Cell, CellState]:
    """`cell_states` straight from the wire JSON (the cache): no model validation, because
    loading 10,000 cached rows must stay well under a second."""
    states: dict[Cell, CellState] = {}
    for pref in raw:
        category = pref.get("messageCategory")
        for setting in pref.get("channels") or ():
            channel = setting.get("communicationChannel")
            if category and channel:
                fixed = setting.get("customerOverridable") is False
                states[(category, channel)] = _STATE_OF[fixed, bool(setting.get("active"))]
    return states


def row_from_cache(record: Any) -> ReviewRow:
    """A review row from a journal `CachedPreferences` record."""
    raw = record.preferences
    if isinstance(raw, str):
        raw = json.loads(raw)
    return ReviewRow(
        customer_id=int(record.customer_id),
        customer_number=record.customer_number or "",
        name=record.name or f"#{record.customer_id}",
        status=str(record.status or ""),
        read_at=record.read_at,
        states=wire_cell_states(raw or ()),
        error=record.error,
    )


def _rows_from_records(held: list[list[Any]]) -> list[ReviewRow]:
    records = held.pop()  # the last reference: the records are freed on this thread
    return [row_from_cache(r) for r in records]


def _read_since(held: list[list[Any]], since: datetime) -> set[int]:
    records = held.pop()  # as above
    return {r.customer_id for r in records if r.read_at >= since}


# --------------------------------------------------------------------------- runner


@dataclass(frozen=True)
class ReviewProgress:
    read: int  # preferences read by this run
    skipped: int  # listed customers whose cached read was fresh enough
    failed: int  # could not be read (gone, or a transient error)
    listed: int  # customers listed so far
    total: int | None  # customers of the chosen statuses, once the listing is complete
    rate_per_minute: float  # recent reads per minute
    seconds_left: float | None  # None until the total and a rate are known
    finished: bool = False

    @property
    def done(self) -> int:
        return self.read + self.skipped + self.failed


@dataclass(frozen=True)
class ReviewFailure:
    customer_id: int
    code: str  # NOT_FOUND, or the error's class name for transient failures
    error: errors.ApiError


@dataclass
class ReviewOutcome:
    started_at: datetime
    progress: ReviewProgress
    failures: list[ReviewFailure]
    complete: bool  # False when cancelled or stopped by a fatal error


@dataclass(frozen=True)
class ResumePoint:
    """Where `ConsentReview.resume` continues: the stopped run's statuses, and the cut-off
    (customers whose cached read is newer than `fresh_after` are skipped)."""

    statuses: tuple[str, ...]
    fresh_after: datetime


ProgressCallback = Callable[[ReviewProgress], None]
RowsCallback = Callable[[list[ReviewRow]], None]


class ConsentReview:
    """Reads and caches the preferences of one studio's customers.

    `journal` is an `AsyncJournal` (every call runs on its worker thread). `on_rows`, if
    given, receives each batch of rows just after it was written to the cache, so a view
    can show results while the run goes on. `workstation`: the desk that reads, named in
    the feed event of each row it caches (other desks' open reviews refresh on them).
    """

    def __init__(
        self,
        client: Any,
        journal: Any,
        studio_id: int,
        *,
        concurrency: int = 12,
        slice_size: int = 500,
        flush_rows: int = 100,
        flush_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        workstation: str | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("At least one read must be allowed in flight.")
        self.client = client
        self.journal = journal
        self.studio_id = studio_id
        self.concurrency = concurrency
        self.slice_size = slice_size
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._clock = clock
        self.workstation = workstation
        self.resume_point: ResumePoint | None = None  # set while a stopped run can be resumed
        self.readable: deque[int] = deque(maxlen=4)  # customers whose preferences the key was given
        self.disabled: set[int] = set()  # customers whose access a webhook said was disabled
        limiter = getattr(client, "limiter", None)
        self.gate = None if limiter is None else RateLimiter(
            limiter.budget, limiter.window, limiter.margin + GATE_EXTRA_MARGIN, clock=clock)

    # -- the cache --------------------------------------------------------------------

    async def cached_rows(
        self, statuses: Iterable[CustomerStatus | str] | None = None,
        older_than: datetime | None = None,
    ) -> list[ReviewRow]:
        """Every cached row of these statuses (all when None), optionally only stale ones."""
        held = [await self.journal.cached_preferences(
            self.studio_id, statuses=_status_values(statuses), older_than=older_than
        )]
        # Converting 10,000 records takes a while, and so does freeing them (hundreds of
        # thousands of small objects): both happen on a worker thread, not the caller's.
        return await asyncio.to_thread(_rows_from_records, held)

    async def cached_row(self, customer_id: int) -> ReviewRow | None:
        """The customer's row as the cache holds it now (whichever desk wrote it last);
        None when no review has read the customer."""
        record = await self.journal.cached_customer(self.studio_id, customer_id)
        return None if record is None else row_from_cache(record)

    async def _write(self, batch: list[Reading]) -> None:
        await self.journal.cache_preferences(self.studio_id, [r.cache_entry() for r in batch],
                                             workstation=self.workstation)

    # -- one member -------------------------------------------------------------------

    async def refresh(self, customer_id: int, *, known: ReviewRow | None = None) -> ReviewRow:
        """Read one customer (details and preferences) now and cache the result.

        The read passes the same gate as a run's. A customer that is gone, or whose
        access was disabled (the module's rule), is cached as such when `known` (its last
        row) says who it was; without it, the error is raised.
        """
        if self.gate is not None:
            await self.gate.acquire(_GATE)
        read_at = utc_now()
        try:
            customer = await self.client.customer(customer_id)
            reading = Reading.of(customer, await self.client.get_preferences(customer_id), read_at)
            self._readable(customer_id)
        except (errors.NotFoundError, errors.ForbiddenError) as exc:
            code = NOT_FOUND if isinstance(exc, errors.NotFoundError) else ACCESS_DISABLED
            if known is None or (code == ACCESS_DISABLED and not await self.forbidden_for_customer(customer_id)):
                raise
            reading = Reading(customer_id, known.customer_number, known.name, known.status,
                              None, read_at, code)
        await self._write([reading])
        return reading.row()

    async def forbidden_for_customer(self, customer_id: int) -> bool:
        """Whether a 403 for this customer is the customer's, not the key's (the module's rule)."""
        if customer_id in self.disabled:
            return True
        if await self.journal.entity_events(self.studio_id, customer_id, [EventType.CUSTOMER_ACCESS_DISABLED],
                                            limit=1):
            self.disabled.add(customer_id)
            return True
        probe = next((c for c in reversed(self.readable) if c != customer_id), None)
        if probe is None:
            return False
        if self.gate is not None:
            await self.gate.acquire(_GATE)
        try:
            await self.client.get_preferences(probe)
        except errors.ApiError as exc:
            log.info("a 403 for customer %s, and the probe of customer %s failed too (%s): the key's",
                     customer_id, probe, type(exc).__name__)
            return False
        return True

    def _readable(self, customer_id: int) -> None:
        if not self.readable or self.readable[-1] != customer_id:
            self.readable.append(customer_id)

    async def mark_unavailable(self, customer_id: int, code: str) -> ReviewRow | None:
        """Record that a customer can no longer be read (NOT_FOUND: deleted; ACCESS_DISABLED).
        The cached row keeps its last read preferences; None when the cache has no row."""
        if code == ACCESS_DISABLED:
            self.disabled.add(customer_id)
        record = await self.journal.cached_customer(self.studio_id, customer_id)
        if record is None:
            return None
        entry = {"customer_id": customer_id, "customer_number": record.customer_number, "name": record.name,
                 "status": record.status, "preferences": record.preferences, "error": code, "read_at": utc_now()}
        await self.journal.cache_preferences(self.studio_id, [entry], workstation=self.workstation)
        return await self.cached_row(customer_id)

    # -- the whole studio -------------------------------------------------------------

    async def run(
        self,
        statuses: Iterable[CustomerStatus | str],
        *,
        fresh_after: datetime | None = None,
        on_progress: ProgressCallback | None = None,
        on_rows: RowsCallback | None = None,
    ) -> ReviewOutcome:
        """Read every customer of `statuses` whose cached read is older than `fresh_after`.

        `fresh_after=None` reads everyone; to refresh only rows older than an age pass
        `now - age`. Cancelling the task stops the run after writing what it has read.
        Raises the error when the key or its scope is refused, or the service keeps failing.
        A run that ends early sets `resume_point`; one that completes clears it.
        """
        wanted = _status_values(statuses)
        if not wanted:
            raise ValueError("Choose at least one customer status.")
        run = _Run(self, wanted, fresh_after, on_progress, on_rows)
        try:
            outcome = await run.execute()
        except BaseException:  # cancelled too: what it read is cached, the rest is still to do
            cut_off = fresh_after if fresh_after is not None else run.started_at
            if self.resume_point is not None:
                # An earlier stopped run's customers may still be unread: keep its cut-off.
                cut_off = min(cut_off, self.resume_point.fresh_after)
            self.resume_point = ResumePoint(tuple(wanted), cut_off)
            raise
        self.resume_point = None
        return outcome

    async def resume(
        self, *, on_progress: ProgressCallback | None = None, on_rows: RowsCallback | None = None,
    ) -> ReviewOutcome:
        """Continue the stopped run: skip whatever it (or anything after it) has read."""
        point = self.resume_point
        if point is None:
            raise ValueError("No stopped review to resume.")
        return await self.run(point.statuses, fresh_after=point.fresh_after,
                              on_progress=on_progress, on_rows=on_rows)


class _Run:
    """The state of one `ConsentReview.run`."""

    def __init__(self, review: ConsentReview, statuses: list[str], fresh_after: datetime | None,
                 on_progress: ProgressCallback | None, on_rows: RowsCallback | None) -> None:
        self.review = review
        self.client = review.client
        self.statuses = statuses
        self.fresh_after = fresh_after
        self.on_progress = on_progress
        self.on_rows = on_rows
        self.started_at = utc_now()
        self.clock = review._clock
        self.meter = RateMeter(self.clock)
        self.queue: asyncio.Queue[Customer | None] = asyncio.Queue()
        self.buffer: list[Reading] = []
        self.buffer_full = asyncio.Event()
        self.write_lock = asyncio.Lock()
        self.failures: list[ReviewFailure] = []
        self.failures_in_a_row = 0
        self.in_flight: set[asyncio.Future] = set()
        self.read = self.skipped = self.failed = self.listed = 0
        self.total: int | None = None
        self.last_report = float("-inf")
        gate = review.gate
        self.ceiling = gate.budget / gate.span * 60.0 if gate is not None else float("inf")

    async def execute(self) -> ReviewOutcome:
        fresh: set[int] = set()
        if self.fresh_after is not None:
            held = [await self.review.journal.cached_preferences(self.review.studio_id)]
            fresh = await asyncio.to_thread(_read_since, held, self.fresh_after)
        complete = False
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._list(fresh))
                workers = [group.create_task(self._work()) for _ in range(self.review.concurrency)]
                flusher = group.create_task(self._flush_periodically())
                await asyncio.gather(*workers)
                flusher.cancel()
            complete = True
        except BaseExceptionGroup as group_error:
            # Surface the first real error rather than the group wrapper.
            first = group_error.exceptions[0]
            raise first from None
        finally:
            # Keep every read: a resume must not pay for it again. Shielded, so a second
            # cancel while writing does not lose the batch.
            await asyncio.shield(self._settle())
            self._report(force=True, finished=True)
        return ReviewOutcome(self.started_at, self._progress(complete), self.failures, complete)

    async def _settle(self) -> None:
        """Wait for the reads already sent (bounded), then write everything read."""
        if self.in_flight:
            done, late = await asyncio.wait(set(self.in_flight), timeout=IN_FLIGHT_GRACE)
            for task in late:
                task.cancel()
            for task in done:
                if not task.cancelled():
                    task.exception()  # retrieved: the run already reports its own error
        await self._flush()

    async def _list(self, fresh: set[int]) -> None:
        try:
            for status in self.statuses:
                async for page in self.client.customer_slices(
                    status, slice_size=self.review.slice_size
                ):
                    for customer in page.result:
                        self.listed += 1
                        if customer.id in fresh:
                            self.skipped += 1
                        else:
                            self.queue.put_nowait(customer)
                    self._report()
            self.total = self.listed
        finally:
            for _ in range(self.review.concurrency):
                self.queue.put_nowait(None)

    async def _work(self) -> None:
        gate = self.review.gate
        while (customer := await self.queue.get()) is not None:
            if gate is not None:
                # Waiting here sends nothing, so a cancel here costs nothing.
                await gate.acquire(_GATE)
            # Past the gate the request goes out at once: let it finish even when the run
            # is cancelled, so its answer is kept and a resume does not pay for it again.
            read = asyncio.ensure_future(self._read(customer))
            self.in_flight.add(read)
            read.add_done_callback(self._read_done)
            await asyncio.shield(read)
            self._report()

    def _read_done(self, read: asyncio.Future) -> None:
        self.in_flight.discard(read)
        # A read whose worker was cancelled meanwhile (another read's error stopped the run)
        # has nobody awaiting it: its error is the run's, already raised by the first one.
        if not read.cancelled():
            read.exception()

    async def _read(self, customer: Customer) -> None:
        read_at = utc_now()
        try:
            prefs = await self.client.get_preferences(customer.id)
        except errors.NotFoundError as exc:
            # Gone: nothing more can be read; cache that fact.
            self._fail(customer, NOT_FOUND, exc)
            self._keep(Reading.of(customer, None, read_at, NOT_FOUND))
        except errors.BadKeyError:
            raise
        except errors.ForbiddenError as exc:
            if not await self.review.forbidden_for_customer(customer.id):
                raise  # the key lacks the permission: every read would fail
            self._fail(customer, ACCESS_DISABLED, exc)
            self._keep(Reading.of(customer, None, read_at, ACCESS_DISABLED))
            self._count_failure(exc)
        except errors.ApiError as exc:
            self._fail(customer, type(exc).__name__, exc)
            self._count_failure(exc)
        else:
            self.failures_in_a_row = 0
            self.review._readable(customer.id)
            self.read += 1
            self.meter.tick()
            self._keep(Reading.of(customer, prefs, read_at))

    def _count_failure(self, exc: errors.ApiError) -> None:
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
            raise exc  # this many in a row: the service (or the key), not one customer

    def _fail(self, customer: Customer, code: str, exc: errors.ApiError) -> None:
        log.info("preferences of customer %s not read: %s", customer.id, code)
        self.failed += 1
        self.failures.append(ReviewFailure(customer.id, code, exc))

    def _keep(self, reading: Reading) -> None:
        self.buffer.append(reading)
        if len(self.buffer) >= self.review.flush_rows:
            self.buffer_full.set()

    async def _flush_periodically(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.buffer_full.wait(), self.review.flush_seconds)
            except TimeoutError:
                pass
            self.buffer_full.clear()
            await self._flush()

    async def _flush(self) -> None:
        # Shielded: a batch taken from the buffer is written and reported even when the
        # flusher is cancelled meanwhile (the reads ended, or the user cancelled); the
        # last flush waits for it on the lock, so nothing read is lost or left unshown.
        await asyncio.shield(self._write_buffer())

    async def _write_buffer(self) -> None:
        async with self.write_lock:
            batch, self.buffer = self.buffer, []
            if not batch:
                return
            await self.review._write(batch)
        if self.on_rows is not None:
            self.on_rows([reading.row() for reading in batch])

    def _progress(self, finished: bool) -> ReviewProgress:
        rate = self.meter.per_minute()
        left = None
        if self.total is not None:
            remaining = max(self.total - self.read - self.skipped - self.failed, 0)
            if remaining == 0:
                left = 0.0
            elif rate > 0:
                # The first `budget` reads go at once; after that the limiter sets the pace,
                # so the estimate never assumes more than the limiter allows.
                left = remaining / min(rate, self.ceiling) * 60.0
        return ReviewProgress(
            read=self.read, skipped=self.skipped, failed=self.failed, listed=self.listed,
            total=self.total, rate_per_minute=rate, seconds_left=left, finished=finished,
        )

    def _report(self, *, force: bool = False, finished: bool = False) -> None:
        if self.on_progress is None:
            return
        now = self.clock()
        if not force and now - self.last_report < PROGRESS_INTERVAL:
            return
        self.last_report = now
        try:
            self.on_progress(self._progress(finished))
        except Exception:  # a broken progress display must not stop the review
            log.exception("progress callback failed")


def _status_values(statuses: Iterable[CustomerStatus | str] | None) -> list[str] | None:
    if statuses is None:
        return None
    values = []
    for status in statuses:
        value = str(CustomerStatus(status).value)
        if value not in values:
            values.append(value)
    return values


# --------------------------------------------------------------------------- table logic


def cell_universe(rows: Iterable[ReviewRow]) -> list[Cell]:
    """Every cell that any customer's preferences carry, in canonical order."""
    cells: set[Cell] = set()
    for row in rows:
        cells.update(row.states)
    return sorted(cells, key=cell_order)


@dataclass(frozen=True)
class ReviewFilter:
    """Empty sets mean "any"."""

    categories: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    states: frozenset[CellState] = frozenset()  # a row matches if any shown cell is in one
    statuses: frozenset[str] = frozenset()
    text: str = ""  # matched against name, customer number and id, ignoring case

    def shows(self, cell: Cell) -> bool:
        return (not self.categories or cell[0] in self.categories) and (
            not self.channels or cell[1] in self.channels
        )


def filter_rows(rows: Iterable[ReviewRow], flt: ReviewFilter, cells: Sequence[Cell]) -> list[ReviewRow]:
    needle = flt.text.strip().casefold()
    kept = []
    for row in rows:
        if flt.statuses and row.status not in flt.statuses:
            continue
        if needle and not (
            needle in row.name.casefold()
            or needle in row.customer_number.casefold()
            or needle == str(row.customer_id)
        ):
            continue
        if flt.states and not any(row.state(c) in flt.states for c in cells):
            continue
        kept.append(row)
    return kept


_STATE_ORDER = {s: i for i, s in enumerate(CellState)}


def _natural(text: str) -> tuple:
    # "10002" after "9999": numbers compare as numbers, others as text after them.
    return (0, int(text), "") if text.isdigit() else (1, 0, text.casefold())


_STATUS_NAMES = tuple(str(s.value) for s in CustomerStatus)


def _status_order(status: str) -> tuple[int, str]:
    return (_STATUS_NAMES.index(status), "") if status in _STATUS_NAMES else (len(_STATUS_NAMES), status)


def sort_rows(rows: list[ReviewRow], column: str | Cell, descending: bool = False) -> list[ReviewRow]:
    """Sorted by "customer_number", "name", "status", "read_at" or a cell's state."""
    if column == "customer_number":
        key = lambda r: _natural(r.customer_number)  # noqa: E731
    elif column == "name":
        key = lambda r: (r.name.casefold(), r.customer_id)  # noqa: E731
    elif column == "status":
        key = lambda r: (_status_order(r.status), r.customer_id)  # noqa: E731
    elif column == "read_at":
        key = lambda r: (r.read_at, r.customer_id)  # noqa: E731
    else:
        cell = tuple(column)
        # Unreadable rows sort after every state.
        key = lambda r: (  # noqa: E731
            _STATE_ORDER.get(r.state(cell), len(_STATE_ORDER)), r.customer_id
        )
    return sorted(rows, key=key, reverse=descending)


@dataclass(frozen=True)
class CellSummary:
    """One cell over a set of readable rows."""

    total: int
    active: int
    inactive: int
    absent: int
    fixed: int

    @property
    def share_active(self) -> float:
        return self.active / self.total if self.total else 0.0


def summarize(rows: Sequence[ReviewRow], cells: Sequence[Cell]) -> dict[Cell, CellSummary]:
    total = 0
    counts: Counter[tuple[Cell, CellState]] = Counter()
    for row in rows:
        if row.error is None:
            total += 1
            counts.update(row.states.items())
    summary = {}
    for cell in cells:
        by_state = {state: counts[(cell, state)] for state in _STATE_OF.values()}
        active = sum(n for state, n in by_state.items() if state in _ACTIVE_STATES)
        present = sum(by_state.values())
        fixed = sum(n for state, n in by_state.items() if state in _FIXED_STATES)
        summary[cell] = CellSummary(total, active, present - active, total - present, fixed)
    return summary


@dataclass(frozen=True)
class ReviewTable:
    """What the review view shows for one filter and sort: computed off the UI thread."""

    rows: list[ReviewRow]  # filtered and sorted
    cells: list[Cell]  # the cell columns shown (the universe narrowed by the filter)
    universe: list[Cell]  # every cell any customer carries (the summary grid)
    summary: dict[Cell, CellSummary]  # over `rows`, for every cell of the universe
    all_count: int  # rows before filtering
    unreadable: int  # filtered rows whose preferences could not be read
    oldest_read: datetime | None  # over the filtered rows
    newest_read: datetime | None


def build_table(
    rows: Sequence[ReviewRow], flt: ReviewFilter, sort: tuple[str | Cell, bool] = ("name", False)
) -> ReviewTable:
    universe = cell_universe(rows)
    cells = [c for c in universe if flt.shows(c)]
    kept = sort_rows(filter_rows(rows, flt, cells), *sort)
    times = [r.read_at for r in kept]
    return ReviewTable(
        rows=kept,
        cells=cells,
        universe=universe,
        summary=summarize(kept, universe),
        all_count=len(rows),
        unreadable=sum(1 for r in kept if r.error is not None),
        oldest_read=min(times) if times else None,
        newest_read=max(times) if times else None,
    )
