"""The shared journal's password without putting it on the command line: libpq's own ways
(.pgpass, PGPASSFILE, PGPASSWORD, PGSERVICE) reach the server, and a password in the
--journal URL still works but is warned about, never repeated.

Against a PostgreSQL server of the test's own that demands a password (scram-sha-256 for
TCP connections): the shared test server trusts every local connection, so a journal
opening there would prove nothing about the password. It needs PostgreSQL's server
programs (initdb, pg_ctl); as root they run as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from studio_comm.journal import Journal, JournalUnavailableError

pytestmark = pytest.mark.postgres

ROLE = "front_desk"
PASSWORD = "h0rse-Battery-st4ple"


def server_program(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


@dataclass
class PasswordServer:
    socket_dir: Path
    port: int

    def superuser(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres",
                               autocommit=True)

    def database(self, name: str) -> str:
        with self.superuser() as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER {ROLE}')
        return name


@pytest.fixture(scope="module")
def password_server():
    initdb, pg_ctl = server_program("initdb"), server_program("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and there is no postgres user to run the server as")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="studio-comm-pg-"))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = root / "data"
    subprocess.run([*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth-local=trust",
                    "--auth-host=scram-sha-256", "-N"], check=True, capture_output=True)
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                    f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    server = PasswordServer(root, port)
    try:
        with server.superuser() as conn:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
            # What decides the test: TCP connections from here must prove a password.
            rules = conn.execute("SELECT type, auth_method FROM pg_hba_file_rules").fetchall()
        assert ("host", "scram-sha-256") in rules and ("host", "trust") not in rules
        yield server
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def libpq_environment(monkeypatch, tmp_path):
    """No password from the test machine's own environment or home."""
    for name in ("PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGHOST", "PGPORT", "PGUSER",
                 "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def pgpass(path: Path, server: PasswordServer) -> Path:
    path.write_text(f"127.0.0.1:{server.port}:*:{ROLE}:{PASSWORD}\n", encoding="utf-8")
    path.chmod(0o600)  # libpq ignores a password file others can read
    return path


def url(server: PasswordServer, database: str, password: str | None = None) -> str:
    secret = f":{password}" if password else ""
    return f"postgresql+psycopg://{ROLE}{secret}@127.0.0.1:{server.port}/{database}"


@contextlib.contextmanager
def opened(target: str):
    journal = Journal.open(target)
    try:
        yield journal
    finally:
        journal.close()


def works(journal: Journal) -> None:
    thread = journal.add_thread(1, 7, "Kündigung", "CREATED", "CONTRACT")
    assert journal.thread(thread.id) == thread
    with journal.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT current_user").scalar() == ROLE


def test_without_a_password_the_server_refuses_the_journal(password_server, libpq_environment):
    with pytest.raises(JournalUnavailableError, match="password"):
        Journal.open(url(password_server, password_server.database("refused")))


def test_a_pgpass_file_in_the_home_or_named_by_pgpassfile_gives_the_password(
    password_server, libpq_environment, monkeypatch, caplog
):
    pgpass(libpq_environment / ".pgpass", password_server)
    with opened(url(password_server, password_server.database("home_pgpass"))) as journal:
        works(journal)

    (libpq_environment / ".pgpass").unlink()
    monkeypatch.setenv("PGPASSFILE", str(pgpass(libpq_environment / "studio.pgpass", password_server)))
    with opened(url(password_server, password_server.database("pgpassfile"))) as journal:
        works(journal)
        # libpq took the password from the file: the URL had none.
        with journal.engine.connect() as conn:
            assert conn.connection.driver_connection.info.password == PASSWORD
    assert "password" not in caplog.text.lower()  # nothing to warn about


def test_pgpassword_and_a_pgservice_give_the_password(password_server, libpq_environment, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    with opened(url(password_server, password_server.database("pgpassword"))) as journal:
        works(journal)
    monkeypatch.delenv("PGPASSWORD")

    # The whole connection from a service: --journal postgresql+psycopg:// says only "PostgreSQL".
    database = password_server.database("pgservice")
    services = libpq_environment / "pg_service.conf"
    services.write_text(f"[studio-journal]\nhost=127.0.0.1\nport={password_server.port}\n"
                        f"dbname={database}\nuser={ROLE}\n", encoding="utf-8")
    pgpass(libpq_environment / ".pgpass", password_server)
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGSERVICE", "studio-journal")
    with opened("postgresql+psycopg://") as journal:
        works(journal)


def test_a_password_in_the_url_works_but_is_warned_about_without_repeating_it(
    password_server, libpq_environment, caplog, expect_log
):
    expect_log("studio_comm.journal.store", logging.WARNING, "process list")
    caplog.set_level(logging.WARNING, logger="studio_comm.journal")
    with opened(url(password_server, password_server.database("in_url"), PASSWORD)) as journal:
        works(journal)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "process list" in warnings[0] and ".pgpass" in warnings[0]
    assert f"{ROLE}:***@127.0.0.1:{password_server.port}/in_url" in warnings[0]
    assert PASSWORD not in caplog.text

    # A password given as a URL parameter is the same thing.
    caplog.clear()
    database = password_server.database("in_query")
    with opened(f"postgresql+psycopg://{ROLE}@127.0.0.1:{password_server.port}/{database}?password={PASSWORD}"):
        pass
    assert "process list" in caplog.text and PASSWORD not in caplog.text


def test_the_window_says_so_when_the_journal_url_holds_a_password(
    qtbot, qloop, password_server, libpq_environment, sandbox_process, memory_keyring, tmp_path, expect_log
):
    expect_log("studio_comm.journal.store", logging.WARNING, "process list")
    from studio_comm.app import launch, shutdown
    from studio_comm.core.credentials import SERVICE
    from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE
    from tests.fixtures.qt import run_async

    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    data_dir = tmp_path / "data"
    journal = url(password_server, password_server.database("window"), PASSWORD)
    window = launch(["--profile", PROFILE, "--base-url", sandbox_process.base_url, "--data-dir", str(data_dir),
                     "--journal", journal])
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        banner = window.error_banner
        assert banner.isVisible() and "--journal address" in banner.message and ".pgpass" in banner.message
        assert PASSWORD not in banner.message
    finally:
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
    log_text = (data_dir / "logs" / "studio-comm.log").read_text(encoding="utf-8")
    assert "process list" in log_text
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), f"the password is in {path}"
