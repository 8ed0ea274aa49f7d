"""The relay while its journal is gone: /healthz says 503 and a webhook is answered 503
(not stored, not a 500); once the database takes connections again both recover without
a restart. PostgreSQL, in a database of the test's own that it closes to connections."""

from __future__ import annotations

import os
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from studio_comm.journal import Journal
from studio_comm.relay.server import RelayProcess
from tests.fixtures.journal import PG_URL_VARIABLE
from tests.relay.support import KEY, STUDIO, body, post, stored

pytestmark = pytest.mark.postgres


@pytest.fixture
def own_database():
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(f"{PG_URL_VARIABLE} is not set")
    name = f"test_relay_{uuid.uuid4().hex}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin, name, make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def wait_for_status(url: str, status: int, timeout: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        answer = httpx.get(f"{url}/healthz", timeout=30)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_a_journal_that_stops_answering_gives_503_until_it_is_back(own_database, keys_file, tmp_path):
    admin, name, target = own_database
    with RelayProcess(target, keys_file, log_path=tmp_path / "relay.log") as relay:
        assert post(relay.url, json=body()).status_code == 200
        with admin.connect() as conn:  # the database goes away for the relay
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            conn.exec_driver_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        answer = wait_for_status(relay.url, 503)
        assert (answer.status_code, answer.json()) == (503, {"error": "the journal does not answer"})
        lost = body()
        answer = post(relay.url, json=lost)
        assert (answer.status_code, answer.json()) == (
            503, {"error": "the journal did not confirm the event; send it again"})

        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert wait_for_status(relay.url, 200).status_code == 200
        assert post(relay.url, json=lost).json() == {"stored": 1, "duplicates": 0}  # Magicline's retry
    log_text = relay.log()
    assert "the journal does not answer" in log_text and "the journal answers again" in log_text
    assert f"not confirmed studio={STUDIO}" in log_text and "Traceback" not in log_text
    assert KEY not in log_text
    journal = Journal.open(target)
    try:
        assert len(stored(journal, lost["uuid"])) == 1
    finally:
        journal.close()
