"""The data dir (journal with member messages, logs, settings) is readable by its user only:
a new one, and one an older version left readable to every local user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from studio_comm.app import launch, shutdown
from studio_comm.core.credentials import SERVICE
from studio_comm.journal import Journal
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE
from tests.fixtures.qt import run_async

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows keeps a user's profile folders private")


@pytest.fixture
def open_umask():
    """The usual umask of a desktop session, which leaves new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(data_dir: Path) -> dict[str, int]:
    found = {".": mode(data_dir)}
    for path in data_dir.rglob("*"):
        found[str(path.relative_to(data_dir))] = mode(path)
    return found


def older_versions_data_dir(data_dir: Path) -> None:
    """What a run of an earlier studio-comm left behind: everything readable by all."""
    data_dir.mkdir(mode=0o755)
    Journal.open(data_dir / "journal.sqlite").close()
    (data_dir / "settings.ini").write_text("[General]\nlanguage=en\n", encoding="utf-8")
    (data_dir / "logs").mkdir(mode=0o755)
    (data_dir / "logs" / "studio-comm.log").write_text("an earlier run\n", encoding="utf-8")
    (data_dir / "logs" / "studio-comm.log.1").write_text("an even earlier run\n", encoding="utf-8")
    for path in (data_dir / "journal.sqlite", data_dir / "settings.ini"):
        path.chmod(0o644)


@pytest.mark.parametrize("existing", [False, True], ids=["new", "left-open-by-an-older-version"])
def test_the_data_dir_and_its_files_are_the_users_only(
    qtbot, qloop, sandbox_process, memory_keyring, tmp_path, open_umask, existing
):
    data_dir = tmp_path / "data"
    if existing:
        older_versions_data_dir(data_dir)
        assert mode(data_dir / "journal.sqlite") == 0o644 and mode(data_dir / "logs") == 0o755
    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    window = launch(["--profile", PROFILE, "--base-url", sandbox_process.base_url, "--data-dir", str(data_dir)])
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        # The journal is open and has written (the start-up sweep), so its WAL files exist.
        assert {"journal.sqlite", "journal.sqlite-wal", "journal.sqlite-shm", "logs/studio-comm.log",
                "settings.ini"} <= set(modes(data_dir))
        window.settings.sync()
        from studio_comm.app import _LogFile

        _LogFile.handler.doRollover()  # as at 1 MB: the new log file is private too
        running = modes(data_dir)
    finally:
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
    folders = {".", "logs"}
    assert {name: oct(m) for name, m in running.items() if m != (0o700 if name in folders else 0o600)} == {}
    assert {name: oct(m) for name, m in modes(data_dir).items()
            if m != (0o700 if name in folders else 0o600)} == {}
