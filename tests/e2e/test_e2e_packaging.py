"""The offline builds, end to end: build both artifacts once, install each in a fresh
home inside a network namespace with no network (`unshare -n`, loopback only), and start
the installed app offscreen on its demo studio. The frozen app's keyring is checked
against a real Secret Service (gnome-keyring on a private D-Bus session).

Slow (one build of both artifacts per session, about 1-2 minutes on 2 cores); CI runs it.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from studio_comm import __version__

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900
RUN_TIMEOUT = 180

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT + 300)]


def _offline_unavailable() -> str | None:
    for tool in ("unshare", "ip", "tar"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"cannot make a network namespace here (unshare -n: {probe.stderr.strip()})"
    return None


NO_NETNS = _offline_unavailable()
SECRET_SERVICE_MISSING = [t for t in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool") if not shutil.which(t)]


def run(cmd, *, env, timeout=RUN_TIMEOUT, offline=True, stdin=None) -> subprocess.CompletedProcess:
    """Run `cmd`; offline: in a new network namespace whose only interface is loopback.

    The whole process group is killed on timeout (the app starts a sandbox child).
    """
    if offline:
        # Prove the namespace has no way out before running anything in it.
        guard = ('ip link set lo up && [ "$(ip -o link show | cut -d: -f2)" = " lo" ] '
                 '|| { echo "the namespace has more than loopback" >&2; exit 97; }; exec "$@"')
        cmd = ["unshare", "-n", "bash", "-c", guard, "offline", *map(str, cmd)]
    # From the user's home, as on a workstation: never from this checkout, which Python
    # would import instead of what was installed.
    proc = subprocess.Popen(cmd, env=env, cwd=env["HOME"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{cmd} did not finish in {timeout} s\nstdout:\n{out}\nstderr:\n{err[-3000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A workstation user's environment: nothing from this checkout, its venv or pip config."""
    runtime = home.parent / f"{home.name}-runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
        "XDG_RUNTIME_DIR": str(runtime), "QT_QPA_PLATFORM": "offscreen",
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> dict[str, Path]:
    pytest.importorskip("PyInstaller", reason="needs the packaging extra (pip install -e '.[packaging]')")
    base = tmp_path_factory.mktemp("packaging")
    log = base / "build.log"
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(base / "dist"),
             "--work", str(base / "work")],
            stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT, cwd=ROOT,
        )
    assert done.returncode == 0, log.read_text()[-5000:]
    print(log.read_text().rsplit("\n\n", 1)[-1])  # the size table, for the test log
    return {path.name: path for path in (base / "dist").iterdir()}


def unpack(archive: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "xzf", str(archive), "-C", str(into)], check=True)
    (folder,) = into.iterdir()
    return folder


def smoke(executable: Path, env: dict[str, str]) -> int:
    """Start the installed app on the demo studio; the number of customers it listed."""
    done = run([executable, "--demo"], env={**env, "STUDIO_COMM_SMOKE": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "smoke: window shown" in lines, done.stderr[-3000:]
    counts = [int(m.group(1)) for line in lines if (m := re.fullmatch(r"smoke: (\d+) customers", line))]
    assert counts, f"no customers shown\nstdout:\n{done.stdout}\nstderr:\n{done.stderr[-3000:]}"
    return counts[0]


APP_ARCHIVE = f"studio-comm-{__version__}-linux-x86_64.tar.gz"
WHEELHOUSE_ARCHIVE = re.compile(rf"studio-comm-{re.escape(__version__)}-wheelhouse-cp3\d+-linux-x86_64\.tar\.gz")


def test_both_artifacts_are_named_with_the_version(artifacts):
    assert APP_ARCHIVE in artifacts
    assert any(WHEELHOUSE_ARCHIVE.fullmatch(name) for name in artifacts), sorted(artifacts)


@pytest.fixture(scope="module")
def app_unpacked(artifacts, tmp_path_factory) -> Path:
    return unpack(artifacts[APP_ARCHIVE], tmp_path_factory.mktemp("app-archive"))


@pytest.fixture(scope="module")
def app_home(app_unpacked, tmp_path_factory) -> Path:
    if NO_NETNS:
        pytest.skip(NO_NETNS)
    home = tmp_path_factory.mktemp("workstation") / "home"
    home.mkdir()
    done = run([app_unpacked / "install.sh"], env=clean_env(home))
    assert done.returncode == 0, done.stderr
    return home


def test_install_puts_command_menu_entry_and_icon_in_the_users_home(app_home):
    program = app_home / ".local/opt/studio-comm/studio-comm"
    link = app_home / ".local/bin/studio-comm"
    assert link.is_symlink() and link.resolve() == program.resolve()
    entry = (app_home / ".local/share/applications/studio-comm.desktop").read_text()
    assert f'Exec="{program}"' in entry.splitlines()
    assert "Icon=studio-comm" in entry.splitlines()
    assert (app_home / ".local/share/icons/hicolor/scalable/apps/studio-comm.svg").read_text().startswith("<?xml")


def test_installed_application_folder_stays_under_150_mb(app_home):
    # The budget of a USB-stick install; an unused Qt module or plugin creeping back in
    # (each is megabytes) shows up here.
    folder = app_home / ".local/opt/studio-comm"
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 150e6, f"{size / 1e6:.1f} MB"


def test_installed_app_shows_demo_customers_without_network(app_home):
    assert smoke(app_home / ".local/bin/studio-comm", clean_env(app_home)) > 0


def test_installed_app_keeps_its_journal_where_told(app_home, journal_target):
    # The frozen app's SQLAlchemy dialects: SQLite, and PostgreSQL through psycopg's binary
    # build (outside the namespace here: the test server listens on the host's loopback).
    from studio_comm.app import DEMO_PROFILE
    from studio_comm.journal import Journal

    env = clean_env(app_home)
    done = run([app_home / ".local/bin/studio-comm", "--demo", "--journal", journal_target],
               env={**env, "STUDIO_COMM_SMOKE": "1"}, offline=False)
    assert re.search(r"^smoke: \d+ customers$", done.stdout, re.M), done.stdout + done.stderr[-3000:]
    journal = Journal.open(journal_target)
    try:
        assert [p.name for p in journal.profiles()] == [DEMO_PROFILE]
    finally:
        journal.close()


@pytest.mark.skipif(bool(SECRET_SERVICE_MISSING), reason=f"needs a Secret Service: {SECRET_SERVICE_MISSING} "
                    "not installed (Debian: dbus gnome-keyring libsecret-tools; ./dev test installs them)")
def test_installed_app_stores_and_reads_a_key_in_the_secret_service(app_home):
    secret = secrets.token_urlsafe(16)
    inner = (
        'eval "$(printf %s PASS | gnome-keyring-daemon --unlock --components=secrets)"; '
        "export GNOME_KEYRING_CONTROL; "
        '"$APP" keyring-selftest --keep && secret-tool lookup service studio-comm-selftest username selftest'
    )
    env = clean_env(app_home, APP=str(app_home / ".local/bin/studio-comm"))
    done = run(["dbus-run-session", "--", "bash", "-c", inner], env=env, stdin=secret + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    # keyring found its Secret Service backend in the frozen app, and libsecret reads the key.
    assert lines[0] == "keyring-selftest: ok (backend keyring.backends.SecretService.Keyring)"
    assert lines[-1] == secret


def test_uninstall_removes_what_install_placed(app_unpacked, tmp_path):
    if NO_NETNS:
        pytest.skip(NO_NETNS)
    home = tmp_path / "home"
    (home / ".local/share/applications").mkdir(parents=True)
    (home / ".local/share/applications/other.desktop").write_text("[Desktop Entry]\n")
    env = clean_env(home)
    assert run([app_unpacked / "install.sh"], env=env).returncode == 0
    done = run([home / ".local/opt/studio-comm/uninstall.sh"], env=env)
    assert done.returncode == 0, done.stderr
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() or p.is_symlink())
    assert left == [".local/share/applications/other.desktop"]


def test_wheelhouse_installs_without_network_and_shows_demo_customers(artifacts, tmp_path):
    if NO_NETNS:
        pytest.skip(NO_NETNS)
    (name,) = [name for name in artifacts if WHEELHOUSE_ARCHIVE.fullmatch(name)]
    folder = unpack(artifacts[name], tmp_path / "archive")
    home = tmp_path / "home"
    home.mkdir()
    # The interpreter the wheels were built for, outside this checkout's virtual environment.
    env = clean_env(home, PYTHON=os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    done = run([folder / "install-wheelhouse.sh"], env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    venv_python = home / ".local/opt/studio-comm/bin/python"
    assert (home / ".local/bin/studio-comm").resolve() == (home / ".local/opt/studio-comm/bin/studio-comm").resolve()
    assert smoke(home / ".local/bin/studio-comm", clean_env(home)) > 0
    # The installed package is the wheel, not this checkout.
    where = run([venv_python, "-c", "import studio_comm; print(studio_comm.__file__)"], env=clean_env(home))
    assert where.stdout.strip().startswith(str(home / ".local/opt/studio-comm/lib"))
