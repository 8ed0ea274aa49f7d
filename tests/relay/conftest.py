"""Relay fixtures: `studio-comm relay` as a real child process on a free loopback port.

`relay_target`: a journal for a module's relay, [sqlite, postgresql] (PostgreSQL needs
STUDIO_COMM_TEST_PG_URL, as in tests/fixtures/journal.py: a schema of its own, dropped
afterwards). `keys_file`: a key file for STUDIO and OTHER_STUDIO, mode 0600.
`relay`: one relay for the module on that journal, with `relay.journal` open beside it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from studio_comm.journal import Journal
from studio_comm.relay.server import RelayProcess
from tests.fixtures.journal import PG_URL_VARIABLE
from tests.relay.support import pg_schema_target, write_keys


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def relay_target(request, tmp_path_factory):
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("relay") / "journal.sqlite")
        return
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(f"{PG_URL_VARIABLE} is not set: PostgreSQL relay tests skipped")
    schema = f"test_relay_{uuid.uuid4().hex}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield pg_schema_target(url, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="module")
def keys_file(tmp_path_factory) -> Path:
    return write_keys(tmp_path_factory.mktemp("keys") / "relay-keys")


@pytest.fixture(scope="module")
def relay(relay_target, keys_file, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("relay-log") / "relay.log"
    with RelayProcess(relay_target, keys_file, log_path=log_path) as running:
        running.journal = Journal.open(relay_target)
        try:
            yield running
        finally:
            running.journal.close()
