"""Who, when, how: a consent change names its author and how the member expressed it, and
a member's consent history reads every change of that member back, on real journals
(SQLite and PostgreSQL) and, for the save itself, against the sandbox."""

from __future__ import annotations

import asyncio

import pytest

from studio_comm.api.models import Channel, MessageCategory
from studio_comm.core.audit import AuditHistory, AuditLog, MissingStaffError
from studio_comm.core.desk import Desk, os_user_name
from studio_comm.core.matrix import Matrix
from studio_comm.core.review import CellState
from studio_comm.journal import AsyncJournal
from tests.fixtures.core import member_with, studio_session

STUDIO = 7
ANNA, BEN = 1_000_001, 1_000_002
NL_MAIL, NL_SMS = ("NEWSLETTER", "EMAIL"), ("NEWSLETTER", "TEXT_MESSAGE")
ON, OFF = CellState.ACTIVE, CellState.INACTIVE


def wire(cells: dict[tuple[str, str], bool]) -> list[dict]:
    by_category: dict[str, list] = {}
    for (category, channel), active in cells.items():
        by_category.setdefault(category, []).append(
            {"communicationChannel": channel, "customerOverridable": True, "active": active})
    return [{"messageCategory": c, "channels": chs} for c, chs in by_category.items()]


BOTH_ON = wire({NL_MAIL: True, NL_SMS: True})
SMS_OFF = wire({NL_MAIL: True, NL_SMS: False})
BOTH_OFF = wire({NL_MAIL: False, NL_SMS: False})
SMS = (MessageCategory.NEWSLETTER, Channel.TEXT_MESSAGE)


def history_of(journal, customer_id: int, write=None):
    """Run `write(audit_log, async_journal)` first, then read the member's consent history."""

    async def main():
        aj = AsyncJournal(journal)
        try:
            if write is not None:
                await write(AuditLog(aj, Desk("Desk 1", "Anna K.")), aj)
            return await AuditHistory(aj, STUDIO).consent_history(customer_id)
        finally:
            await aj.aclose()

    return asyncio.run(main())


def test_the_history_lists_every_consent_change_of_one_member_newest_first(journal):
    async def write(audit: AuditLog, aj: AsyncJournal):
        # An entry from before source and note were recorded: the bare list of cells.
        await aj.add_audit("preferences", request_id="old", studio_id=STUDIO, customer_id=ANNA, staff="Ben B.",
                           workstation="Desk 2", before=BOTH_ON, after=SMS_OFF, outcome="saved",
                           intent=[{"messageCategory": "NEWSLETTER", "communicationChannel": "TEXT_MESSAGE",
                                    "active": False}])
        await audit.preferences(STUDIO, ANNA, request_id="by-phone", before=Matrix.from_wire(SMS_OFF),
                                after=Matrix.from_wire(BOTH_OFF), intent={
                                    (MessageCategory.NEWSLETTER, Channel.EMAIL): False},
                                outcome="saved", http_status=200, trace_id=None, author=audit.author(),
                                source="phone", note="  asked at the counter ")
        await audit.preferences(STUDIO, ANNA, request_id="conflict", before=Matrix.from_wire(BOTH_OFF), after=None,
                                intent={SMS: True}, outcome="conflict", http_status=None, trace_id=None,
                                author="Anna K.", source="desk", note="")
        # Seen from outside studio-comm (a webhook): no staff member, no desk.
        await aj.add_audit("preferences_external", studio_id=STUDIO, customer_id=ANNA,
                           before=BOTH_OFF, after=wire({NL_MAIL: False, NL_SMS: True}),
                           outcome="saved")
        await aj.add_audit("message", request_id="msg", studio_id=STUDIO, customer_id=ANNA, staff="Anna K.",
                           outcome="sent", intent={"direction": "OUTGOING", "channel": "EMAIL"})
        await aj.add_audit("preferences", request_id="ben", studio_id=STUDIO, customer_id=BEN, staff="Anna K.",
                           before=BOTH_ON, after=BOTH_OFF, outcome="saved", intent={"cells": []})
        await aj.add_audit("preferences", request_id="other-studio", studio_id=STUDIO + 1, customer_id=ANNA,
                           staff="Anna K.", before=BOTH_ON, after=BOTH_OFF, outcome="saved")

    steps = history_of(journal, ANNA, write)
    assert [(s.record.entry.action, s.record.entry.request_id, s.cell, s.before, s.after) for s in steps] == [
        ("preferences_external", None, NL_SMS, OFF, ON),
        ("preferences", "conflict", NL_SMS, OFF, ON),  # intended, not saved
        ("preferences", "by-phone", NL_MAIL, ON, OFF),
        ("preferences", "old", NL_SMS, ON, OFF),
    ], "this member's consent changes only, newest first, the message left out"
    external, conflict, by_phone, old = (s.record for s in steps)
    assert (by_phone.entry.staff, by_phone.entry.workstation, by_phone.source, by_phone.note) == (
        "Anna K.", "Desk 1", "phone", "asked at the counter")
    assert by_phone.applied and not conflict.applied
    assert (conflict.source, conflict.note) == ("desk", None), "an empty note is no note"
    assert (old.source, old.note, old.entry.staff) == (None, None, "Ben B."), "older entries read as they are"
    assert external.entry.staff is None and external.source is None and external.applied


def test_an_entry_that_names_no_cell_or_that_this_version_cannot_read_is_listed_once(journal):
    async def write(_audit: AuditLog, aj: AsyncJournal):
        await aj.add_audit("preferences_external", studio_id=STUDIO, customer_id=BEN, outcome="saved")
        # Another program's shape: one preference instead of an array, an intent of its own.
        await aj.add_audit("preferences_sync", studio_id=STUDIO, customer_id=BEN, outcome="saved",
                           before=BOTH_ON[0], after=SMS_OFF[0], intent={"cells": "all"})

    steps = history_of(journal, BEN, write)
    assert [(s.record.entry.action, s.cell, s.before, s.after) for s in steps] == [
        ("preferences_sync", None, None, None), ("preferences_external", None, None, None)]


def test_nobody_at_the_desk_means_nothing_is_sent_or_written(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal, staff="  ") as session:
            customer_id, matrix = await member_with(session, lambda m: m.editable(SMS))
            editor = session.preferences(customer_id)
            await editor.load()
            editor.set(SMS, not matrix.active(SMS))
            sandbox.admin.reset_received()
            with pytest.raises(MissingStaffError):
                await editor.save(source="desk")
            assert sandbox.admin.received() == [], "no request left"
            assert editor.is_dirty, "the edit is kept for when a name is given"

            session.staff = "Anna K."
            with pytest.raises(ValueError, match="Unknown source"):
                await editor.save(source="fax")
            report = await editor.save(source="writing", note="Brief vom 1.12.")
            assert report.outcome == "saved"
            return customer_id

    customer_id = asyncio.run(scenario())
    [entry] = journal.audit(customer_id=customer_id)
    assert (entry.staff, entry.intent["source"], entry.intent["note"]) == ("Anna K.", "writing", "Brief vom 1.12.")


def test_the_operating_system_user_has_a_name():
    name = os_user_name()
    assert isinstance(name, str) and name.strip() == name and name
