"""The Traffic Cop through the real path: two desks (sessions with their own workstation) on
one journal and the sandbox. Desk B learns what desk A added to a thread B shows, and that
desk A saved the consent of the member B has open (who, when), before B sends or saves.
Real SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from studio_comm.api.models import Channel, Direction, MessageCategory
from studio_comm.core.matrix import Matrix
from studio_comm.core.messaging import Draft
from tests.fixtures.core import cell, studio_session

NEWS_SMS = cell("NEWSLETTER", "TEXT_MESSAGE")
MEMBER = 1_000_001


def call(thread, text: str) -> Draft:
    return Draft(MEMBER, thread, Direction.INCOMING, Channel.PHONE, MessageCategory.GENERAL, "Sauna", text)


def sms_editable(m: Matrix) -> bool:
    return m.active(NEWS_SMS) is not None and m.editable(NEWS_SMS)


def test_a_desk_learns_what_another_added_to_the_thread_it_shows(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal, workstation="desk-1", staff="Aylin D.") as a, \
                studio_session(sandbox, journal, workstation="desk-2", staff="Jens P.") as b:
            first = await a.messaging.send(call(None, "Member called about the sauna."))
            thread = first.thread
            shown = [m.request_id for m in await b.messaging.timeline(thread.id)]  # desk B paints the timeline
            assert await b.traffic_cop.thread_news(thread.id, shown) == []
            second = await a.messaging.send(call(thread, "Called again: still no sauna."))
            news = await b.traffic_cop.thread_news(thread.id, shown)
            assert [(m.request_id, m.workstation, m.staff, m.content) for m in news] == [
                (second.message.request_id, "desk-1", "Aylin D.", "Called again: still no sauna.")]
            # Desk B's own message is on its screen already; once it shows desk A's, nothing is new.
            own = await b.messaging.send(call(thread, "Rang back, sauna booked."))
            shown = [m.request_id for m in await b.messaging.timeline(thread.id)]
            assert await b.traffic_cop.thread_news(thread.id, shown) == []
            assert own.message.request_id in shown
            # Desk A learns of desk B's message the same way.
            assert [m.request_id for m in await a.traffic_cop.thread_news(
                thread.id, [first.message.request_id, second.message.request_id])] == [own.message.request_id]

    asyncio.run(scenario())


async def two_members_with_sms_editable(session) -> list[int]:
    found = []
    async for customer in session.client.customers(slice_size=100):
        if sms_editable(Matrix(await session.client.get_preferences(customer.id))):
            found.append(customer.id)
            if len(found) == 2:
                return found
    raise LookupError("no two members in the sandbox fit")


def test_a_desk_learns_who_saved_the_consent_of_the_member_it_has_open(sandbox, journal):
    async def scenario():
        async with studio_session(sandbox, journal, workstation="desk-1", staff="Aylin D.") as a, \
                studio_session(sandbox, journal, workstation="desk-2", staff="Jens P.") as b:
            customer_id, other_id = await two_members_with_sms_editable(a)
            mark = await b.traffic_cop.mark()  # desk B opens the member: first the mark, then the read
            editor_b = b.preferences(customer_id)
            await editor_b.load()
            assert await b.traffic_cop.consent_saved_since(customer_id, mark) == []

            for desk, member in ((a, customer_id), (a, other_id)):  # desk A saves this member, and another
                editor = desk.preferences(member)
                await editor.load()
                editor.set(NEWS_SMS, not editor.value(NEWS_SMS))
                assert (await editor.save()).outcome == "saved"
            [save] = await b.traffic_cop.consent_saved_since(customer_id, mark)
            entry = next(e for e in await a.journal.audit(a.studio_id, customer_id=customer_id)
                         if e.action == "preferences")
            assert (save.workstation, save.staff, save.outcome, save.request_id) == (
                "desk-1", "Aylin D.", "saved", entry.request_id)
            assert abs((save.at - entry.created_at).total_seconds()) < 5

            # Desk B reopens the member (mark, read) and saves: its own save is not news to it.
            mark = await b.traffic_cop.mark()
            await editor_b.load()
            editor_b.set(NEWS_SMS, not editor_b.value(NEWS_SMS))
            assert (await editor_b.save()).outcome == "saved"
            assert await b.traffic_cop.consent_saved_since(customer_id, mark) == []
            assert [s.workstation for s in await a.traffic_cop.consent_saved_since(customer_id, mark)] == ["desk-2"]

    asyncio.run(scenario())
