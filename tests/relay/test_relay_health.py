"""The relay while its journal is gone: /healthz says 503 and a webhook is answered 503
(not stored, not a 500); once the database takes connections again both recover without
a restart. PostgreSQL, in a database of the test's own that it closes to connections."""

from __future__ import annotations

import time

import httpx
import pytest

from studio_comm.journal import Journal
from studio_comm.relay.server import RelayProcess
from tests.relay.support import KEY, STUDIO, body, post, stored

pytestmark = pytest.mark.postgres


def wait_for_status(url: str, status: int, timeout: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        answer = httpx.get(f"{url}/healthz", timeout=30)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_a_journal_that_stops_answering_gives_503_until_it_is_back(own_pg_database, keys_file, tmp_path):
    target = own_pg_database.url
    with RelayProcess(target, keys_file, log_path=tmp_path / "relay.log") as relay:
        assert post(relay.url, json=body()).status_code == 200
        own_pg_database.refuse_connections()  # the database goes away for the relay
        answer = wait_for_status(relay.url, 503)
        assert (answer.status_code, answer.json()) == (503, {"error": "the journal does not answer"})
        lost = body()
        answer = post(relay.url, json=lost)
        assert (answer.status_code, answer.json()) == (
            503, {"error": "the journal did not confirm the event; send it again"})

        own_pg_database.allow_connections()
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
