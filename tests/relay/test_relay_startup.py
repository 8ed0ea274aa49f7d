"""Starting `studio-comm relay`: what it refuses (key file open to others, short keys,
malformed lines, half-given TLS, a journal it cannot open) with one line saying why and a
non-zero status; a database password never shown; libpq's own ways to find the database;
a clean stop on SIGTERM."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine

from studio_comm.journal import Journal
from studio_comm.relay.keys import KeyFileError, parse
from studio_comm.relay.server import RelayProcess, relay_command
from tests.fixtures.journal import PG_URL_VARIABLE
from tests.relay.support import KEY, OTHER_KEY, STUDIO, body, post, stored, write_keys


def run_relay(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(relay_command() + list(args), capture_output=True, text=True, timeout=60,
                          env=env, stdin=subprocess.DEVNULL)


def refused(result: subprocess.CompletedProcess, status: int, *words: str) -> str:
    assert result.returncode == status, (result.returncode, result.stderr)
    assert result.stdout == ""  # no ready line
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("studio-comm relay: "), result.stderr
    for word in words:
        assert word in message
    for secret in (KEY, OTHER_KEY):
        assert secret not in result.stderr
    return message


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o620, 0o602])
def test_a_key_file_open_to_group_or_others_is_refused(tmp_path, mode):
    keys = write_keys(tmp_path / "keys", mode=mode)
    result = run_relay("--journal", str(tmp_path / "j.sqlite"), "--keys", str(keys), "--port", "0")
    refused(result, 2, str(keys), f"mode {mode:04o}", f"chmod 600 {keys}")
    assert not (tmp_path / "j.sqlite").exists()  # refused before anything was opened


SHORT = "0123456789abcde"  # 15 characters


@pytest.mark.parametrize(("text", "words"), [
    (f"# keys\n{STUDIO} {KEY}\n1300 {SHORT}\n", ["line 3", "studio 1300", "shorter than 16 characters"]),
    ("# only comments\n\n   # indented\n", ["lists no studio"]),
    (f"{STUDIO} {KEY}\n{STUDIO} {OTHER_KEY}\n", ["line 2", f"studio {STUDIO} is listed twice"]),
    (f"{STUDIO} {KEY} {OTHER_KEY}\n", ["line 1", "expected 'STUDIO_ID WEBHOOK_KEY'"]),
    (f"{KEY}\n", ["line 1", "expected 'STUDIO_ID WEBHOOK_KEY'"]),
    (f"studio-{STUDIO} {KEY}\n", ["line 1", "positive whole number"]),
    (f"0 {KEY}\n", ["line 1", "positive whole number"]),
])
def test_a_malformed_key_file_is_refused_naming_the_line_not_the_key(tmp_path, text, words):
    keys = write_keys(tmp_path / "keys", text)
    result = run_relay("--journal", str(tmp_path / "j.sqlite"), "--keys", str(keys))
    message = refused(result, 2, *words)
    assert SHORT not in message


def test_keys_of_16_characters_and_trailing_comments_are_accepted():
    assert parse(f"1 {SHORT}x  # sixteen\n2 {KEY}#not-a-comment\n") == {1: SHORT + "x", 2: KEY + "#not-a-comment"}
    with pytest.raises(KeyFileError, match="line 1"):
        parse(f"1 {SHORT} # fifteen\n")


def test_a_missing_key_file_is_refused(tmp_path):
    result = run_relay("--journal", str(tmp_path / "j.sqlite"), "--keys", str(tmp_path / "nowhere"))
    refused(result, 2, "cannot read the key file", "nowhere")
    result = run_relay("--journal", str(tmp_path / "j.sqlite"), "--keys", str(tmp_path))
    refused(result, 2, "not a regular file")


def test_tls_certificate_and_key_go_together(tmp_path):
    keys = write_keys(tmp_path / "keys")
    result = run_relay("--journal", str(tmp_path / "j.sqlite"), "--keys", str(keys), "--tls-cert", str(keys))
    assert result.returncode == 2 and "--tls-cert and --tls-key go together" in result.stderr
    junk = tmp_path / "cert.pem"
    junk.write_text("not a certificate\n")
    result = run_relay("--journal", str(tmp_path / "j.sqlite"), "--keys", str(keys),
                       "--tls-cert", str(junk), "--tls-key", str(junk))
    refused(result, 2, "--tls-cert/--tls-key")


def test_a_journal_that_cannot_be_opened_stops_the_start(tmp_path):
    keys = write_keys(tmp_path / "keys")
    result = run_relay("--journal", "postgresql+psycopg://studio_comm@127.0.0.1:1/journal", "--keys", str(keys))
    refused(result, 1, "cannot open the journal postgresql+psycopg://studio_comm@127.0.0.1:1/journal")
    result = run_relay("--journal", "/proc/no-such-dir/journal.sqlite", "--keys", str(keys))
    assert result.returncode != 0 and "journal" in result.stderr.splitlines()[-1]


def test_sigterm_stops_the_relay_with_status_0(tmp_path):
    keys = write_keys(tmp_path / "keys")
    for workers in (1, 2):
        relay = RelayProcess(tmp_path / "j.sqlite", keys, workers=workers).start()
        assert post(relay.url, json=body()).status_code == 200
        assert relay.stop() == 0, relay.log()


# -- PostgreSQL: the password stays off the command line -------------------------------------

@pytest.fixture
def pg_schema():
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(f"{PG_URL_VARIABLE} is not set")
    schema = f"test_relay_{uuid.uuid4().hex}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.mark.postgres
def test_a_password_in_the_journal_url_works_with_a_warning_and_is_never_shown(tmp_path, pg_schema):
    from sqlalchemy.engine import make_url

    url, schema = pg_schema
    password = f"pw-{uuid.uuid4().hex}"  # the test server trusts loopback: any password will do
    target = make_url(url).set(password=password).update_query_dict({"options": f"-csearch_path={schema}"})
    keys = write_keys(tmp_path / "keys")
    with RelayProcess(target.render_as_string(hide_password=False), keys, log_path=tmp_path / "relay.log") as relay:
        sent = body()
        assert post(relay.url, json=sent).status_code == 200
    log_text = relay.log()
    assert "is part of its URL" in log_text and ".pgpass" in log_text
    assert password not in log_text + "\n".join(relay.output)
    journal = Journal.open(make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}))
    try:
        assert len(stored(journal, sent["uuid"])) == 1
    finally:
        journal.close()


@pytest.mark.postgres
def test_libpq_finds_the_journal_through_a_service_file(tmp_path, pg_schema):
    from sqlalchemy.engine import make_url

    url, schema = pg_schema
    parts = make_url(url)
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text(f"[studio-comm-journal]\nhost={parts.host}\nport={parts.port or 5432}\n"
                            f"dbname={parts.database}\nuser={parts.username}\noptions=-csearch_path={schema}\n")
    keys = write_keys(tmp_path / "keys")
    env = {**os.environ, "PGSERVICEFILE": str(service_file)}
    with RelayProcess("postgresql+psycopg:///?service=studio-comm-journal", keys, env=env,
                      log_path=tmp_path / "relay.log") as relay:
        sent = body()
        assert post(relay.url, json=sent).status_code == 200
    assert "is part of its URL" not in relay.log()
    journal = Journal.open(make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}))
    try:
        assert len(stored(journal, sent["uuid"])) == 1
    finally:
        journal.close()

