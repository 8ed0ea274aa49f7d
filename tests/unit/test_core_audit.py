"""The audit history use case (core/audit.py) over real journals, SQLite and PostgreSQL:
the member filter (number, id, part of a name, through the review cache), staff, action
and local days, and the entries' JSON read into what the history window shows."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from studio_comm.core.audit import (
    AuditFilter,
    AuditHistory,
    CellChange,
    IntendedCell,
    Member,
    SentMessage,
    day_range,
)
from studio_comm.core.review import CellState
from studio_comm.journal import AsyncJournal

STUDIO = 7
ANNA, BEN, NOBODY = 1_000_001, 1_000_002, 1_000_003  # NOBODY: never read by a review
NL_MAIL, NL_SMS, CO_LETTER = ("NEWSLETTER", "EMAIL"), ("NEWSLETTER", "TEXT_MESSAGE"), ("CONTRACT", "LETTER")


def wire(cells: dict[tuple[str, str], bool], fixed: frozenset = frozenset({CO_LETTER})) -> list[dict]:
    """A preferences array as the API sends it (and the journal keeps it)."""
    by_category: dict[str, list] = {}
    for (category, channel), active in cells.items():
        by_category.setdefault(category, []).append(
            {"communicationChannel": channel, "customerOverridable": (category, channel) not in fixed,
             "active": active})
    return [{"messageCategory": c, "channels": chs} for c, chs in by_category.items()]


BEFORE = wire({NL_MAIL: True, NL_SMS: True, CO_LETTER: True})
AFTER = wire({NL_MAIL: False, NL_SMS: True, CO_LETTER: True})


def audited(journal) -> dict[str, str]:
    """The entries core writes: two consent changes (one not saved) and a message; the
    review cache names two of the three members. Returns request ids by what they are."""
    journal.cache_preferences(STUDIO, [
        {"customer_id": ANNA, "customer_number": "10001", "name": "Anna Müller", "status": "MEMBER",
         "preferences": BEFORE, "read_at": datetime.now(UTC)},
        {"customer_id": BEN, "customer_number": "10002", "name": "Ben Schmidt", "status": "MEMBER",
         "preferences": BEFORE, "read_at": datetime.now(UTC)},
    ])
    saved = journal.add_audit(
        "preferences", request_id="req-saved", studio_id=STUDIO, customer_id=ANNA, staff="Aylin D.",
        workstation="desk-1", before=BEFORE, after=AFTER,
        intent=[{"messageCategory": "NEWSLETTER", "communicationChannel": "EMAIL", "active": False}],
        outcome="saved", http_status=200)
    conflict = journal.add_audit(
        "preferences", request_id="req-conflict", studio_id=STUDIO, customer_id=BEN, staff="Kim B.",
        workstation="desk-2", before=BEFORE, after=None,
        intent=[{"messageCategory": "NEWSLETTER", "communicationChannel": "TEXT_MESSAGE", "active": False}],
        outcome="conflict")
    message = journal.add_audit(
        "message", request_id="req-message", studio_id=STUDIO, customer_id=NOBODY, staff="Aylin D.",
        workstation="desk-1", outcome="sent", http_status=200,
        intent={"direction": "INCOMING", "channel": "PHONE", "category": "CONTRACT", "threadId": 5,
                "resendOf": None})
    journal.add_audit("preferences", request_id="other-studio", studio_id=STUDIO + 1, customer_id=ANNA,
                      before=BEFORE, after=AFTER, outcome="saved")
    return {"saved": saved.request_id, "conflict": conflict.request_id, "message": message.request_id}


def ask(journal, *filters: AuditFilter) -> list[list]:
    """The history's answer to each filter (its members loaded from the review cache first)."""

    async def main():
        aj = AsyncJournal(journal)
        try:
            history = AuditHistory(aj, STUDIO)
            await history.load_members()
            return [await history.entries(f) for f in filters]
        finally:
            await aj.aclose()

    return asyncio.run(main())


def ids(records) -> list[str]:
    return [r.entry.request_id for r in records]


def test_entries_are_read_into_what_the_history_shows(journal):
    audited(journal)
    (records,) = ask(journal, AuditFilter())
    assert ids(records) == ["req-message", "req-conflict", "req-saved"], "this studio's, newest first"
    message, conflict, saved = records

    assert saved.member == Member(ANNA, "10001", "Anna Müller")
    assert saved.changes == (CellChange(NL_MAIL, CellState.ACTIVE, CellState.INACTIVE),)
    assert saved.intended == () and saved.message is None

    assert conflict.member.name == "Ben Schmidt"
    assert conflict.changes == ()
    assert conflict.intended == (IntendedCell(NL_SMS, CellState.ACTIVE, False),), "what was meant, not saved"

    assert message.member is None, "a member no review has read is known by id only"
    assert message.message == SentMessage("INCOMING", "PHONE", "CONTRACT")
    assert message.changes == () and message.intended == ()


def test_the_member_filter_takes_a_number_an_id_or_part_of_a_name(journal):
    audited(journal)
    answers = ask(
        journal,
        AuditFilter(member="10001"),  # Anna's customer number
        AuditFilter(member=f" {BEN} "),  # Ben's id, as pasted
        AuditFilter(member="MÜLL"),  # part of a name, any case
        AuditFilter(member=str(NOBODY)),  # an id the cache does not know
        AuditFilter(member="Weber"),  # nobody of that name
        AuditFilter(member=" "),  # empty: everyone
    )
    assert [ids(a) for a in answers] == [
        ["req-saved"], ["req-conflict"], ["req-saved"], ["req-message"], [],
        ["req-message", "req-conflict", "req-saved"],
    ]


def test_staff_action_and_days_narrow_the_entries(journal):
    audited(journal)
    today = datetime.now().date()
    day = timedelta(days=1)
    answers = ask(
        journal,
        AuditFilter(staff="Aylin D."),
        AuditFilter(staff="Aylin D.", action="preferences"),
        AuditFilter(action="message"),
        AuditFilter(first_day=today, last_day=today),
        AuditFilter(first_day=today + day),
        AuditFilter(last_day=today - day),
        AuditFilter(member="Schmidt", first_day=today - day, last_day=today),
    )
    assert [ids(a) for a in answers] == [
        ["req-message", "req-saved"], ["req-saved"], ["req-message"],
        ["req-message", "req-conflict", "req-saved"], [], [], ["req-conflict"],
    ]


@pytest.fixture
def berlin(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_days_are_local_and_a_day_with_a_clock_change_is_whole(berlin):
    # 29 March 2026: the clocks go forward in Berlin, so the day has 23 hours.
    since, until = day_range(date(2026, 3, 29), date(2026, 3, 29))
    assert since == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert until == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert day_range(None, None) == (None, None)
