"""The journal holds what the server sends, on SQLite and PostgreSQL alike: a trace id, a
thread status or a customer number longer than any length version 1 gave its column.

Through the real path (core + client over loopback + journal): the sandbox answers, and a
proxy in front of it lengthens the answer's strings, as a real server may.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import Text, inspect

from studio_comm.api.models import Channel, Direction, MessageCategory
from studio_comm.core.messaging import Draft
from studio_comm.core.review import ConsentReview
from studio_comm.journal import Journal, migrations, schema
from tests.fixtures.core import member_with, studio_session
from tests.fixtures.proxy import RewritingProxy

LONG_TRACE = "trace-" + "0123456789abcdef" * 20  # 326 characters
LONG_STATUS = "WAITING_FOR_" + "X" * 250
LONG_NUMBER = "M-" + "7" * 250
# The bounded columns of version 1 that take server strings, as journals in the field have them.
VERSION_1 = {("messages", "trace_id"): 200, ("audit", "trace_id"): 200, ("threads", "status"): 40,
             ("preference_cache", "customer_number"): 100, ("preference_cache", "status"): 40}


def call(customer_id: int) -> Draft:
    return Draft(customer_id, None, Direction.OUTGOING, Channel.EMAIL, MessageCategory.GENERAL,
                 "Your membership", "Hello, your new card is ready at the front desk.")


def anyone(_matrix) -> bool:
    return True


def test_a_rejected_message_keeps_the_servers_long_trace_id_and_message(sandbox, journal):
    def lengthen(method, path, status, body):
        if status == 400 and path.endswith("/threads"):
            return {**body, "traceId": LONG_TRACE, "errorMessage": "Nicht erlaubt. " * 40}
        return None

    async def scenario(proxy):
        async with studio_session(proxy, journal) as session:
            customer_id, _ = await member_with(session, lambda m: m.active((MessageCategory.GENERAL,
                                                                              Channel.EMAIL)))
            sandbox.admin.set_faults(f"status=400:count=1:method=POST@/v1/communications/{customer_id}/threads")
            result = await session.messaging.send(call(customer_id))
            return customer_id, result

    with RewritingProxy(sandbox) as proxy:
        proxy.rewrite = lengthen
        customer_id, result = asyncio.run(scenario(proxy))
    assert result.state == "rejected" and result.error.trace_id == LONG_TRACE
    message = journal.message(result.message.request_id)
    assert message.state == "rejected" and message.trace_id == LONG_TRACE
    assert message.error == "Nicht erlaubt. " * 40
    (entry,) = journal.audit(customer_id=customer_id)
    assert entry.trace_id == LONG_TRACE and entry.outcome == "rejected"


def test_a_thread_status_this_version_does_not_know_is_kept_whatever_its_length(sandbox, journal):
    def unknown_status(method, path, status, body):
        if status == 200 and method == "POST" and path.endswith("/threads"):
            return {**body, "communicationThreadStatus": LONG_STATUS}
        return None

    async def scenario(proxy):
        async with studio_session(proxy, journal) as session:
            customer_id, _ = await member_with(session, lambda m: m.active((MessageCategory.GENERAL,
                                                                              Channel.EMAIL)))
            return await session.messaging.send(call(customer_id))

    with RewritingProxy(sandbox) as proxy:
        proxy.rewrite = unknown_status
        result = asyncio.run(scenario(proxy))
    assert result.state == "sent"
    assert journal.thread(result.thread.id).status == LONG_STATUS
    assert journal.message(result.message.request_id).state == "sent"


def test_a_long_customer_number_and_an_unknown_status_are_cached(sandbox, journal):
    def lengthen(method, path, status, body):
        if status == 200 and method == "GET" and path.startswith("/v1/customers/") and path.count("/") == 3:
            return {**body, "customerNumber": LONG_NUMBER, "status": LONG_STATUS}
        return None

    async def scenario(proxy):
        async with studio_session(proxy, journal) as session:
            customer_id, _ = await member_with(session, anyone)
            review = ConsentReview(session.client, session.journal, session.studio.studio_id)
            return customer_id, session.studio.studio_id, await review.refresh(customer_id)

    with RewritingProxy(sandbox) as proxy:
        proxy.rewrite = lengthen
        customer_id, studio_id, row = asyncio.run(scenario(proxy))
    assert (row.customer_number, row.status) == (LONG_NUMBER, LONG_STATUS)
    cached = journal.cached_customer(studio_id, customer_id)
    assert (cached.customer_number, cached.status) == (LONG_NUMBER, LONG_STATUS)


def test_a_version_1_journal_is_migrated_to_unbounded_server_strings(journal_target, monkeypatch):
    # A journal built by version 1, with the lengths version 1 gave these columns.
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        old = Journal.open(journal_target)
    postgres = old.engine.dialect.name == "postgresql"
    if postgres:
        with old.engine.begin() as conn:
            for (table, column), length in VERSION_1.items():
                conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({length})")
    # Rows as version 1 wrote them (today's journal also writes feed events, a later step).
    now = datetime.now(UTC)
    with old.engine.begin() as conn:
        thread_id = conn.execute(schema.threads.insert().returning(schema.threads.c.id), dict(
            studio_id=1, customer_id=7, subject="Kündigung", status="CREATED", category="CONTRACT",
            created_at=now, updated_at=now)).scalar_one()
        conn.execute(schema.messages.insert(), dict(
            request_id="r-1", thread_id=thread_id, studio_id=1, customer_id=7, direction="OUTGOING",
            channel="EMAIL", subject="Kündigung", content="Bestätigt.", state="pending",
            created_at=now, updated_at=now))
    old.close()

    journal = Journal.open(journal_target)
    try:
        if postgres:
            columns = {table: {c["name"]: c["type"] for c in inspect(journal.engine).get_columns(table)}
                       for table in {t for t, _ in VERSION_1}}
            assert [key for key in VERSION_1 if not isinstance(columns[key[0]][key[1]], Text)] == []
        message = journal.mark_message("r-1", "rejected", trace_id=LONG_TRACE, http_status=400)
        assert message.trace_id == LONG_TRACE
        assert journal.update_thread(thread_id, status=LONG_STATUS).status == LONG_STATUS
        assert journal.message("r-1").thread_id == thread_id  # the rows of version 1 are kept
    finally:
        journal.close()
