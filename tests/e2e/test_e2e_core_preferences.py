"""Saving preferences through the real path: core + MagiclineClient + sandbox + journal.

The sandbox records every request it received, so the tests can assert exactly what was
sent: one PUT, the full array, only the intended cell different from the fresh read.
"""

from __future__ import annotations

import asyncio

from studio_comm.api import errors
from studio_comm.core.matrix import Matrix
from studio_comm.core.preferences import Change, Conflict, PreferenceEditor
from tests.fixtures.core import STAFF, WORKSTATION, cell, member_with, studio_session

NEWS_SMS = cell("NEWSLETTER", "TEXT_MESSAGE")
NEWS_MAIL = cell("NEWSLETTER", "EMAIL")
NEWS_LETTER = cell("NEWSLETTER", "LETTER")
CONTRACT_MAIL = cell("CONTRACT", "EMAIL")
PREFS_PATH = "/v1/communications/{}/communication-preferences"


def promotional_sms_on(m: Matrix) -> bool:
    return (m.active(NEWS_SMS) is True and m.editable(NEWS_SMS)
            and m.editable(NEWS_MAIL) and m.editable(NEWS_LETTER)
            and m.active(CONTRACT_MAIL) is not None)


def requests_to(sandbox, customer_id: int) -> list[dict]:
    path = PREFS_PATH.format(customer_id)
    return [r for r in sandbox.admin.received() if r["path"] == path]


async def editor_turning_sms_off(session) -> tuple[int, PreferenceEditor]:
    """A member with promotional SMS on, loaded, and the intent to turn it off."""
    customer_id, _ = await member_with(session, promotional_sms_on)
    editor = session.preferences(customer_id)
    await editor.load()
    editor.set(NEWS_SMS, False)
    return customer_id, editor


def changed_cells(before: list[dict], after: list[dict]) -> set:
    b, a = Matrix.from_wire(before).values(), Matrix.from_wire(after).values()
    return {c for c in set(a) | set(b) if a.get(c) != b.get(c)}


def test_member_disables_promotional_sms_and_keeps_transactional_email(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            s0 = editor.matrix
            sandbox.admin.reset_received()
            assert editor.changes() == [Change(NEWS_SMS, True, False)]  # what the confirmation shows

            report = await editor.save(source="phone", note="asked at the counter")
            assert report.outcome == "saved", report
            assert report.differences == [] and report.conflicts == [] and report.error is None
            assert not editor.is_dirty and editor.matrix == report.matrix

            reread = Matrix(await session.client.get_preferences(customer_id))
            received = requests_to(sandbox, customer_id)
            assert [r["method"] for r in received] == ["GET", "PUT", "GET", "GET"]  # S1, PUT, S2, check
            put = received[1]
            # The full array went out, and differs from the fresh read only in the intended cell.
            assert len(put["json"]) == len(s0.preferences)
            assert changed_cells(s0.to_wire(), put["json"]) == {NEWS_SMS}
            assert put["request_id"] == report.request_id

            assert reread.active(NEWS_SMS) is False
            assert reread.active(CONTRACT_MAIL) == s0.active(CONTRACT_MAIL)
            assert changed_cells(s0.to_wire(), reread.to_wire()) == {NEWS_SMS}
            assert report.matrix == reread

            [entry] = journal.audit(customer_id=customer_id)
            assert (entry.action, entry.outcome, entry.http_status) == ("preferences", "saved", 200)
            assert (entry.staff, entry.workstation, entry.request_id) == (STAFF, WORKSTATION, put["request_id"])
            assert entry.studio_id is not None
            assert entry.intent == {"cells": [{"messageCategory": "NEWSLETTER", "communicationChannel": "TEXT_MESSAGE",
                                               "active": False}],
                                    "source": "phone", "note": "asked at the counter"}
            assert Matrix.from_wire(entry.before) == s0
            assert Matrix.from_wire(entry.after) == reread

    asyncio.run(scenario())


def test_change_made_in_magicline_meanwhile_is_a_conflict_and_nothing_is_sent(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            s0 = editor.matrix
            editor.set(NEWS_MAIL, not s0.active(NEWS_MAIL))
            # Meanwhile, in Magicline: the member turned newsletter SMS off there too, and
            # someone switched newsletter letters.
            await asyncio.to_thread(sandbox.admin.set_preferences, customer_id, [
                {"messageCategory": "NEWSLETTER", "channels": [
                    {"communicationChannel": "TEXT_MESSAGE", "active": False},
                    {"communicationChannel": "LETTER", "active": not s0.active(NEWS_LETTER)},
                ]},
            ])
            sandbox.admin.reset_received()
            conflict = await editor.save()
            assert conflict.outcome == "conflict"
            assert conflict.conflicts == [Conflict(NEWS_SMS, before=True, theirs=False, mine=False)]
            assert [r["method"] for r in requests_to(sandbox, customer_id)] == ["GET"]  # read again, nothing PUT
            # Rebased onto the server's state, keeping the change that did not conflict.
            assert conflict.matrix.active(NEWS_LETTER) != s0.active(NEWS_LETTER)
            assert editor.intent == {NEWS_MAIL: not s0.active(NEWS_MAIL)}

            editor.resolve(NEWS_SMS, keep_mine=True)
            sandbox.admin.reset_received()
            saved = await editor.save()
            assert saved.outcome == "saved", saved
            put = next(r for r in requests_to(sandbox, customer_id) if r["method"] == "PUT")
            sent = Matrix.from_wire(put["json"])
            assert sent.active(NEWS_LETTER) != s0.active(NEWS_LETTER)  # their change survived
            assert sent.active(NEWS_MAIL) != s0.active(NEWS_MAIL)  # mine went through
            assert sent.active(NEWS_SMS) is False
            assert [e.outcome for e in journal.audit(customer_id=customer_id)] == ["saved", "conflict"]

    asyncio.run(scenario())


def test_409_on_save_merges_again_from_a_new_read_and_succeeds(sandbox, journal):
    sandbox.admin.set_faults("status=409:count=1:method=PUT@/v1/communications")

    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            sandbox.admin.reset_received()
            report = await editor.save()
            assert report.outcome == "saved", report
            received = requests_to(sandbox, customer_id)
            assert [(r["method"], r["status"]) for r in received] == [
                ("GET", 200), ("PUT", 409), ("GET", 200), ("PUT", 200), ("GET", 200)]
            assert Matrix.from_wire(received[3]["json"]).active(NEWS_SMS) is False
            [entry] = journal.audit(customer_id=customer_id)
            assert (entry.outcome, entry.http_status) == ("saved", 200)

    asyncio.run(scenario())


def test_failed_save_keeps_the_intent_is_audited_and_can_be_retried(sandbox, journal):
    sandbox.admin.set_faults("status=500:count=1:method=PUT@/v1/communications")

    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            failed = await editor.save()
            assert failed.outcome == "failed"
            assert isinstance(failed.error, errors.ServerError) and failed.error.status == 500
            assert editor.changes() == [Change(NEWS_SMS, True, False)]  # the intent is kept

            retried = await editor.save()
            assert retried.outcome == "saved"
            assert [(e.outcome, e.http_status) for e in journal.audit(customer_id=customer_id)] == [
                ("saved", 200), ("failed", 500)]

    asyncio.run(scenario())


def test_save_the_server_does_not_take_reports_the_difference(sandbox, journal):
    """The server answers 200 but keeps the old value: said plainly, not claimed saved."""
    async def scenario():
        async with studio_session(sandbox, journal) as session:
            customer_id, editor = await editor_turning_sms_off(session)
            # Magicline turns it back on right after the PUT (say, an automation): the
            # re-read after saving shows it on.
            original = session.client.put_preferences

            async def put_then_revert(*args, **kwargs):
                answer = await original(*args, **kwargs)
                await asyncio.to_thread(sandbox.admin.set_preferences, customer_id, [
                    {"messageCategory": "NEWSLETTER", "channels": [
                        {"communicationChannel": "TEXT_MESSAGE", "active": True}]}])
                return answer

            session.client.put_preferences = put_then_revert
            report = await editor.save()
            assert report.outcome == "differs"
            assert [(d.cell, d.intended, d.actual) for d in report.differences] == [(NEWS_SMS, False, True)]
            assert report.matrix.active(NEWS_SMS) is True

    asyncio.run(scenario())
