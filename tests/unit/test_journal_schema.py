"""Journal opening: migrations from empty, reopen, refusal of a newer schema, first opens
racing, and the SQLite settings that make commits durable."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, inspect, select

from studio_comm.journal import Journal, JournalVersionError, migrations, schema
from studio_comm.journal.schema import utc_now


def versions(journal: Journal) -> list[int]:
    with journal.engine.connect() as conn:
        return list(conn.execute(select(schema.schema_version.c.version)
                                 .order_by(schema.schema_version.c.version)).scalars())


def test_open_creates_every_table_and_records_the_version(journal):
    tables = set(inspect(journal.engine).get_table_names())
    assert {"schema_version", "profiles", "threads", "messages", "audit",
            "preference_cache"} <= tables
    assert versions(journal) == list(range(1, len(migrations.MIGRATIONS) + 1))


def test_reopen_keeps_rows_and_migrates_nothing(journal_target):
    first = Journal.open(journal_target)
    thread = first.add_thread(1, 7, "Kündigung", "CREATED", "CONTRACT")
    first.close()

    again = Journal.open(journal_target)
    try:
        assert again.thread(thread.id) == thread
        assert versions(again) == list(range(1, len(migrations.MIGRATIONS) + 1))
    finally:
        again.close()


def test_a_new_step_runs_once_on_an_older_journal(journal_target, monkeypatch):
    Journal.open(journal_target).close()
    runs = []
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, runs.append])

    for _ in range(2):
        journal = Journal.open(journal_target)
        latest = versions(journal)[-1]
        journal.close()
    assert len(runs) == 1
    assert latest == len(migrations.MIGRATIONS)


def test_a_journal_from_a_newer_version_is_refused_and_left_alone(journal_target, monkeypatch):
    journal = Journal.open(journal_target)
    journal.add_thread(1, 7, "Kündigung", "CREATED")
    known = len(migrations.MIGRATIONS)
    with journal.engine.begin() as conn:
        conn.execute(schema.schema_version.insert(), [
            {"version": v, "applied_at": utc_now()} for v in range(known + 1, known + 3)])
    journal.close()

    with pytest.raises(JournalVersionError) as caught:
        Journal.open(journal_target)
    assert (caught.value.found, caught.value.known) == (known + 2, known)
    assert str(caught.value).startswith(
        f"This journal was written by a newer version of studio-comm (schema {known + 2}; "
        f"this version knows up to {known}). Update studio-comm")

    # The newer version still finds its journal as it left it.
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, *[lambda c: None] * 2])
    newer = Journal.open(journal_target)
    try:
        assert versions(newer) == list(range(1, known + 3))
        assert len(newer.threads(1, 7)) == 1
    finally:
        newer.close()


def test_first_opens_racing_migrate_once(journal_target):
    # Two desks starting on a fresh shared journal at the same moment.
    barrier = threading.Barrier(4)
    opened, failures = [], []

    def open_it():
        try:
            barrier.wait(timeout=30)
            opened.append(Journal.open(journal_target))
        except Exception as exc:  # reported below, with the exception itself
            failures.append(exc)

    workers = [threading.Thread(target=open_it) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    try:
        assert failures == []
        assert len(opened) == 4
        assert versions(opened[0]) == list(range(1, len(migrations.MIGRATIONS) + 1))
    finally:
        for journal in opened:
            journal.close()


def test_naive_datetimes_are_refused(journal):
    thread = journal.add_thread(1, 7, "Anruf", "CREATED")
    with pytest.raises(Exception, match="timezone-aware"):
        journal.add_message("r-naive", thread.id, "INCOMING", "PHONE", "Anruf", "x",
                            communication_time=datetime(2026, 1, 1, 9, 0))
    assert journal.message("r-naive") is None


def test_sqlite_runs_in_wal_with_synchronous_commits(tmp_path):
    journal = Journal.open(tmp_path / "deep" / "er" / "journal.sqlite")
    try:
        with journal.engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 2  # FULL
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") >= 5000
    finally:
        journal.close()


def test_sqlite_url_targets_get_the_same_settings(tmp_path):
    journal = Journal.open(f"sqlite:///{tmp_path / 'by-url.sqlite'}")
    try:
        with journal.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.execute(select(func.count()).select_from(schema.threads)).scalar() == 0
    finally:
        journal.close()
