"""The consent review and a member whose access was disabled: that member's 403 is recorded
and skipped, not taken for a key without the permission (which still stops the run); a
webhook's word marks a cached row unavailable, and one member is re-read on its own.

Against the sandbox over loopback with a real journal. The sandbox leaves a customer whose
access is disabled out of its lists, so the test disables one while the run is under way:
from the run's first progress report, after the listing and before any read of it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient
from studio_comm.api.enums import EventType
from studio_comm.core.review import ACCESS_DISABLED, NOT_FOUND, ConsentReview
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.journal.feed import NewEvent
from studio_comm.sandbox import demo_data
from tests.fixtures.sandbox import SMALL_CUSTOMERS as CUSTOMERS

STUDIO = demo_data.STUDIO_ID
ALL = ["MEMBER", "PROSPECT", "FORMER_MEMBER"]
PREFS_ENDPOINT = "GET /v1/communications/{customerId}/communication-preferences"


@pytest.fixture
def journal(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite")
    yield journal
    journal.close()


def listed_ids(status: str | None = None) -> list[int]:
    """The customers (of one status) in the order the sandbox lists them: by status, then by id."""
    customers = list(demo_data.customers(CUSTOMERS, 1))
    return [c.id for s in ALL for c in customers if c.status == s and status in (None, s)]


def preference_reads(sandbox) -> Counter:
    return Counter(int(r["path"].split("/")[3]) for r in sandbox.admin.received()
                   if r["endpoint"] == PREFS_ENDPOINT)


def run_with_one_disabled(sandbox, journal, disabled: int):
    sandbox.admin.reset_received()

    async def main():
        aj = AsyncJournal(journal)
        try:
            async with MagiclineClient(sandbox.base_url, sandbox.api_key) as client:
                review = ConsentReview(client, aj, STUDIO)
                done = []

                def progress(_p) -> None:
                    if not done:  # the first report: listed, nothing read yet
                        done.append(True)
                        sandbox.admin.disable_access(disabled)

                outcome = await review.run(ALL, on_progress=progress)
                return outcome, {r.customer_id: r for r in await review.cached_rows()}
        finally:
            await aj.aclose()

    return asyncio.run(main())


def test_a_member_disabled_during_the_run_is_recorded_and_the_run_completes(small_sandbox, journal):
    # The last of the first status listed: others were read with the key before it.
    disabled = listed_ids("MEMBER")[-1]
    outcome, rows = run_with_one_disabled(small_sandbox, journal, disabled)
    assert outcome.complete
    assert [(f.customer_id, f.code) for f in outcome.failures] == [(disabled, ACCESS_DISABLED)]
    assert outcome.progress.read == CUSTOMERS - 1
    assert len(rows) == CUSTOMERS and rows[disabled].error == ACCESS_DISABLED
    assert rows[disabled].state(("CONTRACT", "EMAIL")) is None
    reads = preference_reads(small_sandbox)
    # One probe: a customer read before is asked again, and answered.
    assert sum(reads.values()) == CUSTOMERS + 1 and max(reads.values()) == 2


def test_the_feeds_word_tells_a_members_403_apart_without_a_probe(small_sandbox, journal):
    disabled = listed_ids()[0]  # among the first reads: nothing read before it
    journal.append_events([NewEvent(STUDIO, EventType.CUSTOMER_ACCESS_DISABLED, "webhook", disabled,
                                    str(uuid.uuid4()))])
    outcome, rows = run_with_one_disabled(small_sandbox, journal, disabled)
    assert outcome.complete and rows[disabled].error == ACCESS_DISABLED
    assert preference_reads(small_sandbox) == Counter(listed_ids()), "each customer once, no probe"


def test_a_key_without_the_permission_still_stops_the_run_after_a_probe(small_sandbox, journal):
    async def main():
        aj = AsyncJournal(journal)
        try:
            async with MagiclineClient(small_sandbox.base_url, small_sandbox.api_key) as client:
                review = ConsentReview(client, aj, STUDIO)
                first = listed_ids()[0]
                await review.refresh(first)  # the key was given preferences once
                await asyncio.to_thread(small_sandbox.admin.set_faults, "status=403@/v1/communications")
                with pytest.raises(errors.ForbiddenError):
                    await review.run(ALL)
                return review.resume_point
        finally:
            await aj.aclose()

    assert asyncio.run(main()) is not None  # stopped, resumable
    rows = journal.cached_preferences(STUDIO)
    assert [r.error for r in rows if r.error] == [], "nobody taken for a member whose access was disabled"


def test_one_member_re_read_and_a_webhooks_word_mark_the_cached_row(small_sandbox, journal):
    gone, locked = listed_ids()[3], listed_ids()[4]

    async def main():
        aj = AsyncJournal(journal)
        try:
            async with MagiclineClient(small_sandbox.base_url, small_sandbox.api_key) as client:
                review = ConsentReview(client, aj, STUDIO)
                known = {cid: await review.refresh(cid) for cid in (gone, locked)}
                await asyncio.to_thread(small_sandbox.admin.disable_access, locked)
                with pytest.raises(errors.ForbiddenError):
                    await ConsentReview(client, aj, STUDIO).refresh(locked)  # knows nothing of it
                refreshed = await review.refresh(locked, known=known[locked])
                await asyncio.to_thread(small_sandbox.admin.delete_customer, gone)
                marked = await review.mark_unavailable(gone, NOT_FOUND)
                nobody = await review.mark_unavailable(listed_ids()[5], NOT_FOUND)
                return known, refreshed, marked, nobody
        finally:
            await aj.aclose()

    known, refreshed, marked, nobody = asyncio.run(main())
    assert refreshed.error == ACCESS_DISABLED and refreshed.name == known[locked].name
    assert marked.error == NOT_FOUND and marked.name == known[gone].name
    assert nobody is None  # no cached row to mark
    kept = journal.cached_customer(STUDIO, gone)
    assert kept.error == NOT_FOUND and kept.preferences, "the last read preferences stay in the cache"
