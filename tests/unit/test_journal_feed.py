"""The studio's event feed in the journal: append (a redelivered webhook stored once), read
after a position (each event exactly once, also one that committed after a higher seq),
and PostgreSQL's notification at commit. Real SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid

import psycopg
import pytest
from sqlalchemy import inspect

from studio_comm.journal import AsyncJournal, Journal, advisory, migrations
from studio_comm.journal.feed import CHANNEL, FeedPosition, NewEvent, append


@pytest.fixture
def studio():
    # Notifications are database-wide: a studio id of its own keeps other tests' out.
    return random.randrange(10**9, 2 * 10**9)


def webhook(studio: int, type_: str = "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED", *,
            entity: int = 7893459, uuid_: str | None = None, part: int = 0, content=None) -> NewEvent:
    return NewEvent(studio, type_, "webhook", entity, uuid_ or str(uuid.uuid4()), part,
                    1642779144176, content)


def seqs(batch) -> list[int]:
    return [e.seq for e in batch.events]


def test_an_appended_event_reads_back_with_every_field(journal, studio):
    content = {"field": "Grüße ✅", "nested": [1, {"deep": None}], "nul": "a\u0000b", "odd": "\ud800"}
    sent = webhook(studio, "CUSTOMER_CREATED", uuid_="1f4c8a9e-0b7d-4c21-9e7a-3f1d2b6c5a40", content=content)
    [appended] = journal.append_events([sent])
    assert appended.duplicate is False
    [event] = journal.events_after(studio).events
    assert (event.seq, event.studio_id, event.source, event.type, event.entity_id, event.uuid, event.part) == (
        appended.seq, studio, "webhook", "CUSTOMER_CREATED", 7893459, "1f4c8a9e-0b7d-4c21-9e7a-3f1d2b6c5a40", 0)
    assert event.timestamp_ms == 1642779144176
    assert event.occurred_at.isoformat() == "2022-01-21T15:32:24.176000+00:00"
    assert event.received_at.tzinfo is not None
    assert event.content == content


def test_a_redelivered_webhook_is_stored_once_per_studio(journal, studio):
    first = webhook(studio)
    [original] = journal.append_events([first])
    [again] = journal.append_events([first])
    assert again == type(again)(original.seq, True)
    # The same uuid in another studio, or another element of the same delivery, is new.
    other_studio, second_part = journal.append_events([
        webhook(studio + 1, uuid_=first.uuid), webhook(studio, uuid_=first.uuid, part=1)])
    assert not other_studio.duplicate and not second_part.duplicate
    assert seqs(journal.events_after(studio)) == [original.seq, second_part.seq]
    assert seqs(journal.events_after(studio + 1)) == [other_studio.seq]


def test_desk_events_carry_no_uuid_and_never_collide(journal, studio):
    appended = journal.append_events([NewEvent(studio, "PRESENCE", entity_id=5) for _ in range(3)])
    assert [a.duplicate for a in appended] == [False] * 3
    events = journal.events_after(studio).events
    assert [(e.source, e.uuid, e.timestamp_ms, e.content) for e in events] == [("desk", None, None, None)] * 3


def test_reading_after_a_position_pages_through_the_feed_in_order(journal, studio):
    written = [a.seq for a in journal.append_events([webhook(studio, f"TYPE_{i}") for i in range(7)])]
    journal.append_events([webhook(studio + 1)])  # another studio's: not in this feed
    position, seen, pages = FeedPosition(), [], 0
    while True:
        batch = journal.events_after(studio, position, limit=3)
        seen += seqs(batch)
        position, pages = batch.position, pages + 1
        if not batch.more:
            break
    assert seen == written == sorted(written)
    assert pages == 3  # 3 + 3 + 1
    assert journal.events_after(studio, position).events == []
    later = journal.append_events([webhook(studio, "LATER")])[0].seq
    assert seqs(journal.events_after(studio, position)) == [later]


def test_the_feed_end_skips_what_is_already_there(journal, studio):
    journal.append_events([webhook(studio) for _ in range(4)])
    end = journal.feed_end(studio)
    assert journal.events_after(studio, end).events == []
    assert journal.feed_end(studio + 1).seq == 0
    new = journal.append_events([webhook(studio)])[0].seq
    assert seqs(journal.events_after(studio, end)) == [new]


def test_an_event_needs_a_known_source_and_a_webhook_its_uuid(journal, studio):
    with pytest.raises(ValueError, match="source"):
        journal.append_events([NewEvent(studio, "X", source="mail")])
    with pytest.raises(ValueError, match="uuid"):
        journal.append_events([NewEvent(studio, "X", source="webhook")])
    assert journal.events_after(studio).events == []


def test_timestamps_beyond_a_datetime_are_kept_as_sent(journal, studio):
    journal.append_events([NewEvent(studio, "FAR", timestamp_ms=2**63 - 1),
                           NewEvent(studio, "PAST", timestamp_ms=-2**63)])
    events = journal.events_after(studio).events
    assert [(e.timestamp_ms, e.occurred_at) for e in events] == [(2**63 - 1, None), (-2**63, None)]


def test_the_async_journal_appends_and_reads(journal, studio):
    async def scenario():
        aj = AsyncJournal(journal)
        [appended] = await aj.append_events([webhook(studio)])
        batch = await aj.events_after(studio)
        await aj.ping()
        return appended, batch

    appended, batch = asyncio.run(scenario())
    assert seqs(batch) == [appended.seq]


def test_an_append_whose_await_was_given_up_still_commits(journal, studio):
    # The relay answers 503 after 4 s; a write queued behind a slow one must still happen,
    # so that Magicline's redelivery finds it (and it is stored once).
    aj = AsyncJournal(journal)
    release = threading.Event()
    original_ping = journal.ping

    def slow_ping():
        release.wait(30)
        original_ping()

    journal.ping = slow_ping

    async def scenario():
        slow = asyncio.ensure_future(aj.ping())  # holds the AsyncJournal's one worker thread
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(aj.append_events([webhook(studio, "QUEUED")]), 0.05)
        release.set()
        await slow
        return (await aj.events_after(studio)).events

    assert [e.type for e in asyncio.run(scenario())] == ["QUEUED"]


def test_with_more_workers_a_slow_call_does_not_hold_up_an_append(journal, studio):
    # The relay on PostgreSQL: one commit waiting on the disk must not delay the others.
    aj = AsyncJournal(journal, workers=2)
    release = threading.Event()
    original_ping = journal.ping

    def slow_ping():
        release.wait(30)
        original_ping()

    journal.ping = slow_ping

    async def scenario():
        slow = asyncio.ensure_future(aj.ping())
        try:
            appended = await asyncio.wait_for(aj.append_events([webhook(studio, "BESIDE")]), 20)
            return appended, slow.done()
        finally:
            release.set()
            await slow

    (appended,), slow_was_done = asyncio.run(scenario())
    assert not appended.duplicate and not slow_was_done
    assert seqs(journal.events_after(studio)) == [appended.seq]


def test_an_older_journal_gains_the_feed_when_opened(journal_target, studio, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        Journal.open(journal_target).close()
    journal = Journal.open(journal_target)
    try:
        assert "events" in inspect(journal.engine).get_table_names()
        journal.append_events([webhook(studio)])
        assert len(journal.events_after(studio).events) == 1
    finally:
        journal.close()


def test_a_members_events_of_some_types_are_read_once_each(journal, studio, unordered_appends):
    wanted = dict(entity_id=7, types=["CUSTOMER_UPDATED", "CUSTOMER_DELETED"])
    start = journal.feed_end(studio)
    mine = [journal.append_events([webhook(studio, "CUSTOMER_UPDATED", entity=7),
                                   webhook(studio, "CUSTOMER_UPDATED", entity=8),
                                   webhook(studio, "CUSTOMER_CREATED", entity=7)])[0].seq]
    first = journal.events_after(studio, start, **wanted)
    assert seqs(first) == mine
    journal.append_events([webhook(studio, "CUSTOMER_CREATED", entity=7)])
    assert journal.events_after(studio, first.position, **wanted).events == []
    if journal.engine.dialect.name == "postgresql":
        # A matching event that commits after later ones is still read, once.
        with journal.engine.connect() as slow, journal.engine.connect() as fast:
            slow_tx = slow.begin()
            [low] = append(slow, [webhook(studio, "CUSTOMER_DELETED", entity=7)])
            with fast.begin():
                append(fast, [webhook(studio, "CUSTOMER_UPDATED", entity=8)])
            between = journal.events_after(studio, first.position, **wanted)
            assert between.events == []
            slow_tx.commit()
        assert seqs(journal.events_after(studio, between.position, **wanted)) == [low.seq]


# -- PostgreSQL: transactions that commit out of seq order, and NOTIFY -----------------------

def postgres_only(journal):
    if journal.engine.dialect.name != "postgresql":
        pytest.skip("SQLite commits one writer at a time, in seq order")


def test_a_studios_appends_commit_in_the_order_of_their_seqs(journal, studio):
    postgres_only(journal)
    start = journal.feed_end(studio)
    with journal.engine.connect() as first, journal.engine.connect() as second:
        first_tx = first.begin()
        [low] = append(first, [webhook(studio, "FIRST")])
        # Another studio's feed does not wait for this one ...
        [elsewhere] = journal.append_events([webhook(studio + 1, "ELSEWHERE")])
        # ... this studio's next append waits until the first has committed, before its seq.
        appended = []
        waiter = threading.Thread(target=lambda: appended.extend(journal.append_events([webhook(studio, "SECOND")])))
        waiter.start()
        deadline = time.monotonic() + 30
        while not waiting_for_the_feed(second):
            assert time.monotonic() < deadline, "the second append never waited"
            time.sleep(0.01)
        assert not appended
        first_tx.commit()
        waiter.join(30)
    [high] = appended
    assert low.seq < high.seq
    assert seqs(journal.events_after(studio, start)) == [low.seq, high.seq]
    assert seqs(journal.events_after(studio + 1)) == [elsewhere.seq]


def waiting_for_the_feed(conn) -> bool:
    return conn.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                                "AND classid = %(c)s", {"c": advisory.FEED_ORDER}).scalar_one() > 0


def test_an_event_committed_after_a_higher_seq_is_still_read(journal, studio, unordered_appends):
    # Written as before the feed's order lock (an older version still running).
    postgres_only(journal)
    reader_start = journal.feed_end(studio)
    with journal.engine.connect() as slow, journal.engine.connect() as fast:
        slow_tx = slow.begin()
        [low] = append(slow, [webhook(studio, "SLOW")])
        end_while_open = journal.feed_end(studio)  # a reader that starts now
        with fast.begin():
            [high] = append(fast, [webhook(studio, "FAST")])
        assert low.seq < high.seq  # the order the sequence handed them out

        first = journal.events_after(studio, reader_start)
        assert seqs(first) == [high.seq]
        assert first.position.seq == high.seq and first.position.waiting  # `seq > high` alone would skip low
        slow_tx.commit()

    second = journal.events_after(studio, first.position)
    assert seqs(second) == [low.seq]
    assert journal.events_after(studio, second.position).events == []
    assert seqs(journal.events_after(studio, end_while_open)) == [low.seq, high.seq]


def test_an_event_of_a_transaction_younger_than_every_finished_one_is_still_read(journal, studio, unordered_appends):
    # The writer of the higher seq got its transaction id first (a desk's message row, its
    # event last), the writer of the lower seq later: no transaction with an id at or above
    # the slow one's had finished at the read, so the snapshot does not list it as running.
    postgres_only(journal)
    reader_start = journal.feed_end(studio)
    with journal.engine.connect() as slow, journal.engine.connect() as fast:
        fast_tx = fast.begin()
        fast.exec_driver_sql("SELECT pg_current_xact_id()")  # its first write, before the event
        slow_tx = slow.begin()
        [low] = append(slow, [webhook(studio, "SLOW")])
        [high] = append(fast, [webhook(studio, "FAST")])
        fast_tx.commit()
        assert low.seq < high.seq

        first = journal.events_after(studio, reader_start)
        assert seqs(first) == [high.seq]
        slow_tx.commit()
    assert seqs(journal.events_after(studio, first.position)) == [low.seq]


def test_a_rolled_back_append_leaves_no_event(journal, studio):
    postgres_only(journal)
    start = journal.feed_end(studio)
    with journal.engine.connect() as conn:
        with conn.begin() as tx:
            append(conn, [webhook(studio, "ROLLED_BACK")])
            tx.rollback()
    kept = journal.append_events([webhook(studio, "KEPT")])[0].seq
    assert seqs(journal.events_after(studio, start)) == [kept]


def _listen(journal) -> psycopg.Connection:
    _, params = journal.engine.dialect.create_connect_args(journal.engine.url)
    params.pop("context", None)
    conn = psycopg.connect(**params, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def notifications_for(conn: psycopg.Connection, studio: int, until_seq: int) -> list[str]:
    """This studio's notification payloads, up to the one for `until_seq` (bounded wait)."""
    payloads = []
    for _ in range(200):
        for n in conn.notifies(timeout=0.1):
            assert n.channel == CHANNEL
            if n.payload.startswith(f"{studio}:"):
                payloads.append(n.payload)
        if f"{studio}:{until_seq}" in payloads:
            return payloads
    raise AssertionError(f"no notification for seq {until_seq}; got {payloads}")


def test_an_append_notifies_at_commit_with_only_a_small_key(journal, studio):
    postgres_only(journal)
    listener = _listen(journal)
    try:
        first = journal.append_events([webhook(studio, content={"big": "x" * 20_000})])[0]
        journal.append_events([webhook(studio, uuid_=journal.events_after(studio).events[0].uuid)])  # duplicate
        with journal.engine.connect() as conn:
            with conn.begin() as tx:
                append(conn, [webhook(studio, "ROLLED_BACK")])
                tx.rollback()
        last = journal.append_events([webhook(studio)])[0]
        # One for each committed new event: none for the duplicate, none for the rollback.
        assert notifications_for(listener, studio, last.seq) == [f"{studio}:{first.seq}", f"{studio}:{last.seq}"]
    finally:
        listener.close()
