"""Consent review core: the runner against the sandbox over loopback HTTP with a real journal,
and the table logic (filters, sorting, summary) and CSV export over plain rows."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import CommunicationPreference
from studio_comm.api.ratelimit import RateLimiter
from studio_comm.core.export import export_member, write_review_csv
from studio_comm.core.review import (
    NOT_FOUND,
    CellState,
    ConsentReview,
    ReviewFilter,
    ReviewRow,
    build_table,
    cell_states,
    filter_rows,
    sort_rows,
    summarize,
    utc_now,
    wire_cell_states,
)
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.sandbox import demo_data
from tests.fixtures.sandbox import SMALL_CUSTOMERS as CUSTOMERS
from tests.fixtures.sandbox import seeded_states

A, IN, X, FA, FI = (CellState.ACTIVE, CellState.INACTIVE, CellState.ABSENT,
                   CellState.FIXED_ACTIVE, CellState.FIXED_INACTIVE)
NL_SMS = ("NEWSLETTER", "TEXT_MESSAGE")
NL_MAIL = ("NEWSLETTER", "EMAIL")
CO_MAIL = ("CONTRACT", "EMAIL")
T0 = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def row(cid, name, states, *, status="MEMBER", number=None, error=None, read_at=T0):
    return ReviewRow(cid, number or str(10000 + cid), name, status, read_at,
                     {c: s for c, s in states.items() if s is not X}, error)


ROWS = [
    row(1, "Anna Müller", {NL_SMS: A, NL_MAIL: IN, CO_MAIL: FA}),
    row(2, "Jörg Öztürk", {NL_SMS: IN, NL_MAIL: A, CO_MAIL: FA}, status="PROSPECT"),
    row(3, "Zoë Weiß", {NL_MAIL: A, CO_MAIL: FI}, number="9999"),
    row(4, "=HYPERLINK(\"x\")", {NL_SMS: A, CO_MAIL: FA}, status="FORMER_MEMBER"),
    row(5, "Gone Member", {}, error="not_found"),
]


STUDIO = demo_data.STUDIO_ID
ALL = ["MEMBER", "PROSPECT", "FORMER_MEMBER"]
PREFS_ENDPOINT = "GET /v1/communications/{customerId}/communication-preferences"


# --------------------------------------------------------------------------- the runner


@pytest.fixture
def aj(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite")
    yield AsyncJournal(journal)
    journal.close()


def seeded_customers() -> dict[int, str]:
    return {c.id: c.status for c in demo_data.customers(CUSTOMERS, 1)}


def preference_reads(sandbox) -> Counter:
    return Counter(int(r["path"].split("/")[3]) for r in sandbox.admin.received()
                   if r["endpoint"] == PREFS_ENDPOINT)


def run_review(sandbox, aj, body, limiter=None):
    async def main():
        async with MagiclineClient(sandbox.base_url, sandbox.api_key, limiter=limiter) as client:
            return await body(ConsentReview(client, aj, STUDIO))

    return asyncio.run(main())


def test_review_reads_each_customer_once_and_caches_what_the_sandbox_serves(small_sandbox, aj):
    progress = []

    async def body(review):
        outcome = await review.run(ALL, on_progress=progress.append)
        return outcome, await review.cached_rows()

    outcome, rows = run_review(small_sandbox, aj, body)
    customers = seeded_customers()
    assert outcome.complete and outcome.failures == []
    assert (outcome.progress.read, outcome.progress.total) == (CUSTOMERS, CUSTOMERS)
    assert progress[-1].finished and progress[-1].done == CUSTOMERS
    assert preference_reads(small_sandbox) == Counter(customers.keys())  # every customer exactly once
    assert {r.customer_id: r.status for r in rows} == customers
    for row in rows:
        assert {c: s.value for c, s in row.states.items()} == seeded_states(row.customer_id)
        assert row.error is None and row.read_at <= utc_now()
    # Customers are listed 500 at a time, the most the API allows, to save requests.
    listing = [r["query"] for r in small_sandbox.admin.received() if r["endpoint"] == "GET /v1/customers"]
    assert {q["sliceSize"] for q in listing} == {"500"} and len(listing) == 3


def test_each_cached_row_tells_the_other_desks_which_desk_read_it(small_sandbox, aj):
    async def main():
        async with MagiclineClient(small_sandbox.base_url, small_sandbox.api_key) as client:
            review = ConsentReview(client, aj, STUDIO, workstation="back-office")
            await review.run(["MEMBER"])
            return await review.cached_rows(), (await aj.events_after(STUDIO)).events

    rows, events = asyncio.run(main())
    assert rows and sorted((e.type, e.entity_id, e.content["workstation"]) for e in events) == sorted(
        ("review.cached", r.customer_id, "back-office") for r in rows)


class SlowJournal:
    """The journal on a slow disk: each cache write takes a while."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def cache_preferences(self, *args, **kwargs):
        await asyncio.sleep(0.1)
        return await self.inner.cache_preferences(*args, **kwargs)


def test_a_write_still_under_way_when_the_reads_end_is_kept_and_reported(small_sandbox, aj):
    seen = []

    async def main():
        async with MagiclineClient(small_sandbox.base_url, small_sandbox.api_key) as client:
            review = ConsentReview(client, SlowJournal(aj), STUDIO, flush_rows=10)
            outcome = await review.run(ALL, on_rows=seen.extend)
            return outcome, await review.cached_rows()

    outcome, rows = asyncio.run(main())
    assert outcome.complete and outcome.progress.read == CUSTOMERS
    assert sorted(r.customer_id for r in seen) == sorted(seeded_customers())
    assert len(rows) == CUSTOMERS


def test_cancel_then_resume_reads_nobody_twice_and_never_exceeds_the_limit(small_sandbox, aj):
    # A low limit makes the run long enough to cancel in the middle.
    small_sandbox.admin.set_rate_limit(40, 1.0)
    limiter = RateLimiter(40, 1.0, margin=0.25)

    async def body(review):
        seen = []
        task = asyncio.create_task(review.run(ALL, on_rows=seen.extend))
        while len(seen) < 50:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        kept = len(await review.cached_rows())
        point = review.resume_point
        resumed = await review.resume()
        return kept, point, resumed, review.resume_point

    started = utc_now()
    kept, point, resumed, after = run_review(small_sandbox, aj, body, limiter)
    assert 50 <= kept < CUSTOMERS
    assert point.statuses == tuple(ALL) and started <= point.fresh_after <= utc_now()
    assert resumed.complete and after is None, "a completed run leaves nothing to resume"
    assert (resumed.progress.skipped, resumed.progress.read) == (kept, CUSTOMERS - kept)
    assert preference_reads(small_sandbox) == Counter(seeded_customers().keys())
    refused = [r for r in small_sandbox.admin.received() if r["status"] == 429]
    assert refused == []


def test_a_resume_starts_where_the_earliest_stopped_run_began(small_sandbox, aj):
    """A full read is cancelled; a refresh of what is older than "now" then stops on a
    refused key. Resuming must still read what the first run never reached."""
    small_sandbox.admin.set_rate_limit(40, 1.0)
    limiter = RateLimiter(40, 1.0, margin=0.25)

    async def body(review):
        seen = []
        task = asyncio.create_task(review.run(ALL, on_rows=seen.extend))
        while len(seen) < 50:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        first = review.resume_point
        await asyncio.to_thread(small_sandbox.admin.set_faults, "status=403@/v1/communications")
        with pytest.raises(errors.ForbiddenError):
            await review.run(["MEMBER"], fresh_after=utc_now())
        second = review.resume_point
        await asyncio.to_thread(small_sandbox.admin.set_faults, "")
        kept = {r.customer_id for r in await review.cached_rows()}
        await asyncio.to_thread(small_sandbox.admin.reset_received)
        resumed = await review.resume()
        return first, second, kept, resumed

    first, second, kept, resumed = run_review(small_sandbox, aj, body, limiter)
    assert second.fresh_after == first.fresh_after, "the earlier cut-off is kept"
    assert second.statuses == ("MEMBER",), "the stopped run's statuses are resumed"
    members = {cid for cid, status in seeded_customers().items() if status == "MEMBER"}
    assert resumed.complete
    assert preference_reads(small_sandbox) == Counter(members - kept), "each member the first run missed, once"


def test_gone_customer_is_recorded_and_skipped(small_sandbox, aj):
    gone = demo_data.FIRST_CUSTOMER_ID + 7
    small_sandbox.admin.set_faults(f"status=404@/v1/communications/{gone}/")

    async def body(review):
        return await review.run(ALL), await review.cached_rows()

    outcome, rows = run_review(small_sandbox, aj, body)
    assert outcome.complete
    assert [(f.customer_id, f.code) for f in outcome.failures] == [(gone, NOT_FOUND)]
    assert outcome.progress.read == CUSTOMERS - 1
    by_id = {r.customer_id: r for r in rows}
    assert len(by_id) == CUSTOMERS and by_id[gone].error == NOT_FOUND
    assert by_id[gone].state(("CONTRACT", "EMAIL")) is None


def test_refused_scope_stops_the_run(small_sandbox, aj):
    small_sandbox.admin.set_faults("status=403@/v1/communications")

    async def body(review):
        return await review.run(["PROSPECT"])

    with pytest.raises(errors.ForbiddenError):
        run_review(small_sandbox, aj, body)


def test_refresh_reads_only_rows_older_than_the_age_and_single_members(small_sandbox, aj):
    old_ids = [demo_data.FIRST_CUSTOMER_ID + i for i in (3, 40, 99)]
    member = demo_data.FIRST_CUSTOMER_ID + 5

    async def body(review):
        await review.run(ALL)
        # Three rows read two days ago: rewrite their read time as the journal would hold it.
        rows = {r.customer_id: r for r in await aj.cached_preferences(STUDIO)}
        await aj.cache_preferences(STUDIO, [
            {**{f: getattr(rows[i], f) for f in ("customer_id", "customer_number", "name",
                                                   "status", "preferences", "error")},
             "read_at": utc_now() - timedelta(days=2)} for i in old_ids])
        small_sandbox.admin.reset_received()
        outcome = await review.run(ALL, fresh_after=utc_now() - timedelta(days=1))
        refreshed_ids = set(preference_reads(small_sandbox))
        small_sandbox.admin.set_preferences(member, [{"messageCategory": "NEWSLETTER", "channels": [
            {"communicationChannel": "EMAIL", "active": True}]}])
        row = await review.refresh(member)
        return outcome, refreshed_ids, row, await aj.cached_customer(STUDIO, member)

    outcome, refreshed_ids, row, cached = run_review(small_sandbox, aj, body)
    assert refreshed_ids == set(old_ids)
    assert (outcome.progress.read, outcome.progress.skipped) == (3, CUSTOMERS - 3)
    assert row.state(NL_MAIL) is A
    assert wire_cell_states(cached.preferences)[NL_MAIL] is A and cached.read_at == row.read_at


def test_member_export_falls_back_to_the_cache_when_the_member_is_gone(small_sandbox, aj, tmp_path):
    member = demo_data.FIRST_CUSTOMER_ID + 6
    path = tmp_path / "member.json"

    async def body(review):
        cached = await review.refresh(member)
        small_sandbox.admin.set_faults(f"status=404@/v1/customers/{member};"
                            f"status=404@/v1/communications/{member}/")
        return cached, await export_member(review.client, aj, STUDIO, member, path)

    cached, returned = run_review(small_sandbox, aj, body)
    data = json.loads(path.read_text(encoding="utf-8"))  # what the member receives
    assert data["export"]["customer_id"] == member and returned["export"]["customer_id"] == member
    prefs = data["communication_preferences"]
    assert prefs["source"] == "cache" and prefs["read_at"] == cached.read_at.isoformat()
    assert wire_cell_states(prefs["preferences"]) == dict(cached.states)
    assert "not found" in prefs["fresh_read_failed"].lower()
    assert data["customer"] == {"id": member, "customerNumber": cached.customer_number,
                                "name": cached.name, "status": cached.status}
    assert data["audit"] == [] and data["threads"] == []


# --------------------------------------------------------------------------- table logic


def test_states_from_models_and_from_cached_wire_json_agree():
    wire = [
        {"messageCategory": "NEWSLETTER", "channels": [
            {"communicationChannel": "TEXT_MESSAGE", "customerOverridable": True, "active": True},
            {"communicationChannel": "EMAIL", "active": False}]},
        {"messageCategory": "CONTRACT", "channels": [
            {"communicationChannel": "EMAIL", "customerOverridable": False, "active": True},
            {"communicationChannel": "LETTER", "customerOverridable": False, "active": False}]},
    ]
    expected = {NL_SMS: A, NL_MAIL: IN, CO_MAIL: FA, ("CONTRACT", "LETTER"): FI}
    models = [CommunicationPreference.model_validate(p) for p in wire]
    assert cell_states(models) == expected
    assert wire_cell_states(wire) == expected


def test_missing_cell_is_absent_and_unreadable_row_has_no_states():
    assert ROWS[2].state(NL_SMS) is X
    assert ROWS[4].state(NL_SMS) is None


def test_filters_combine_category_channel_state_status_and_text():
    table = build_table(ROWS, ReviewFilter(categories=frozenset({"NEWSLETTER"})))
    assert table.cells == [NL_MAIL, NL_SMS]  # canonical channel order: EMAIL before TEXT_MESSAGE
    assert len(table.rows) == 5

    # "Who has no newsletter texts?": absent in the only shown cell.
    absent = ReviewFilter(categories=frozenset({"NEWSLETTER"}), channels=frozenset({"TEXT_MESSAGE"}),
                          states=frozenset({X}))
    assert [r.customer_id for r in build_table(ROWS, absent).rows] == [3]

    fixed = ReviewFilter(states=frozenset({FA, FI}), statuses=frozenset({"MEMBER"}))
    assert {r.customer_id for r in build_table(ROWS, fixed).rows} == {1, 3}

    # Text: part of the name ignoring case and accents as typed, or the number, or the id.
    assert [r.customer_id for r in filter_rows(ROWS, ReviewFilter(text="weiß"), [])] == [3]
    assert [r.customer_id for r in filter_rows(ROWS, ReviewFilter(text="10002"), [])] == [2]
    assert [r.customer_id for r in filter_rows(ROWS, ReviewFilter(text=" 5 "), [])] == [5]


def test_summary_counts_share_active_over_readable_filtered_rows():
    table = build_table(ROWS, ReviewFilter(statuses=frozenset({"MEMBER"})))
    # Members: rows 1, 3 and the unreadable 5 (not counted).
    sms = table.summary[NL_SMS]
    assert (sms.total, sms.active, sms.inactive, sms.absent, sms.fixed) == (2, 1, 0, 1, 0)
    assert sms.share_active == 0.5
    contract = table.summary[CO_MAIL]
    assert (contract.active, contract.inactive, contract.fixed) == (1, 1, 2)
    assert table.unreadable == 1
    # The summary covers every cell, also those the category filter hides from the table.
    narrowed = build_table(ROWS, ReviewFilter(categories=frozenset({"CONTRACT"})))
    assert narrowed.cells == [CO_MAIL] and set(narrowed.summary) == {CO_MAIL, NL_MAIL, NL_SMS}
    assert summarize([], [NL_SMS])[NL_SMS].share_active == 0.0


def test_sorting_by_number_is_numeric_and_by_cell_follows_state_order():
    by_number = sort_rows(ROWS, "customer_number")
    assert [r.customer_number for r in by_number][:2] == ["9999", "10001"]
    by_cell = sort_rows(ROWS, NL_SMS)
    assert [r.customer_id for r in by_cell] == [1, 4, 2, 3, 5]  # active, inactive, absent, unreadable
    assert [r.customer_id for r in sort_rows(ROWS, NL_SMS, descending=True)][0] == 5
    assert [r.name for r in sort_rows(ROWS, "name")][:2] == ["=HYPERLINK(\"x\")", "Anna Müller"]


# --------------------------------------------------------------------------- CSV


def parse_csv(raw: bytes, delimiter: str) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_review_csv_is_excel_ready_with_read_times_and_safe_text(tmp_path, delimiter):
    table = build_table(ROWS, ReviewFilter(categories=frozenset({"NEWSLETTER"})), ("customer_number", False))
    path = tmp_path / "review.csv"
    assert write_review_csv(path, table.rows, table.cells, delimiter=delimiter) == 5
    lines = parse_csv(path.read_bytes(), delimiter)
    assert lines[0] == ["Customer ID", "Customer number", "Name", "Status", "Read at (UTC)", "Read error",
                        "NEWSLETTER / EMAIL", "NEWSLETTER / TEXT_MESSAGE"]
    by_id = {line[0]: line for line in lines[1:]}
    assert by_id["1"] == ["1", "10001", "Anna Müller", "MEMBER", "2026-11-20 08:30:00", "", "inactive", "active"]
    assert by_id["3"][-2:] == ["active", "absent"]
    assert by_id["5"][5:] == ["not_found", "", ""]
    # A name that looks like a formula is written as text.
    assert by_id["4"][2] == "'=HYPERLINK(\"x\")"
    assert not list(tmp_path.glob("*.partial"))


def test_csv_separator_must_be_comma_or_semicolon(tmp_path):
    with pytest.raises(ValueError):
        write_review_csv(tmp_path / "x.csv", ROWS, [], delimiter="\t")
    assert not (tmp_path / "x.csv").exists()
