"""`studio-comm campaign run|report` as automation runs it: real child processes, the key in
a real Secret Service (gnome-keyring on a private D-Bus session), the sandbox over
loopback, a real journal (SQLite in the data dir, or a shared PostgreSQL).

The run is killed with SIGKILL twice and resumed: every member it reports sent has
exactly one thread in Magicline, the ones whose POST the kill cut are reported unknown
(at most one thread each, never a second), nobody else has one. Two desks starting one
campaign at once: one runs, the other is told where it runs. A 503 storm pauses it with
its reason; answers lost after the POST was applied are reported, not retried.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from studio_comm.core.campaign_run import CONCURRENCY
from studio_comm.journal import Journal
from studio_comm.journal.campaigns import LeaseHolder, database_now
from studio_comm.sandbox import demo_data
from studio_comm.sandbox.server import SandboxConfig, SandboxThread
from tests.e2e.test_e2e_campaign import POST, ids, per_customer, received, sandbox_threads, set_consent

MISSING = [tool for tool in ("dbus-daemon", "gnome-keyring-daemon") if shutil.which(tool) is None]
pytestmark = [
    pytest.mark.skipif(bool(MISSING), reason=f"needs a Secret Service: {', '.join(MISSING)} not installed "
                       "(Debian packages: dbus gnome-keyring; ./dev test installs them)"),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and D-Bus are POSIX"),
]

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = 600
PROFILE = "Kraftwerk Mitte"
NAME = "Opening hours"
SUBJECT = "New hours, {{member.first_name|friend}}"
BODY = "Dear {{member.first_name|member}},\nfrom Monday we open at 6.\n"
EVERYONE = "MEMBER,PROSPECT,FORMER_MEMBER"
HOST = socket.gethostname()


@pytest.fixture(scope="module")
def cli_sandbox():
    with SandboxThread(SandboxConfig(customers=CUSTOMERS)) as sb:  # the vendor's 1000 a minute
        yield sb


@pytest.fixture(scope="module")
def keyring_env(cli_sandbox, tmp_path_factory):
    """The environment of a desk whose keyring (a real gnome-keyring, unlocked) holds the
    profile's key; the key itself is stored by a child through CredentialStore."""
    root = tmp_path_factory.mktemp("secret-service")
    home, runtime = root / "home", root / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING", "GNOME_KEYRING"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CONFIG_HOME=str(home / ".config"), PYTHONPATH=str(ROOT))
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"], env=env,
                           stdout=subprocess.PIPE, text=True)
    daemon = None
    try:
        assert bus.stdout is not None
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        daemon = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        assert daemon.stdin is not None
        daemon.stdin.write(b"keyring-password")
        daemon.stdin.close()
        store = ("import os\nfrom studio_comm.core.credentials import CredentialStore\n"
                 "CredentialStore().set(os.environ['PROFILE'], os.environ['KEY'])\n")
        deadline = time.monotonic() + 30
        while True:  # until the daemon has taken its name on the bus
            stored = subprocess.run([sys.executable, "-c", store], env={**env, "PROFILE": PROFILE,
                                    "KEY": cli_sandbox.api_key}, capture_output=True, text=True, timeout=60)
            if stored.returncode == 0:
                break
            assert time.monotonic() < deadline, stored.stderr
            time.sleep(0.2)
        yield env
    finally:
        for process in (daemon, bus):
            if process is not None:
                process.terminate()
                process.wait(10)
        if bus.stdout is not None:
            bus.stdout.close()


@pytest.fixture
def desk(cli_sandbox, keyring_env, journal_target, tmp_path):
    """Runs the command as a desk of this studio: `desk.run(...)`, `desk.start(...)`."""
    cli_sandbox.admin.reset()
    return Desk(cli_sandbox, keyring_env, journal_target, tmp_path)


class Desk:
    def __init__(self, sandbox, env, journal_target, tmp_path: Path) -> None:
        self.sandbox, self.env = sandbox, env
        self.body = tmp_path / "body.txt"
        self.body.write_text(BODY, encoding="utf-8")
        if isinstance(journal_target, Path):
            self.storage = ["--data-dir", str(journal_target.parent)]
        else:
            self.storage = ["--journal", journal_target]
        self.target = journal_target

    def run_args(self, *extra: str, base_url: bool = True) -> list[str]:
        args = ["run", "--profile", PROFILE, "--name", NAME, "--category", "NEWSLETTER", "--channel", "EMAIL",
                "--subject", SUBJECT, "--body-file", str(self.body), "--status", EVERYONE, "--staff", "Anna K.",
                *self.storage, *extra]
        return args + (["--base-url", self.sandbox.base_url] if base_url else [])

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "studio_comm", "campaign", *args]

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), env=self.env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args), env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)

    def ledger(self, journal: Journal) -> dict[int, object]:
        [campaign] = journal.campaigns(name=NAME)
        return {m.customer_id: m for m in journal.campaign_members(campaign.id)}


def done(journal: Journal) -> int:
    found = journal.campaigns(name=NAME)
    if not found:
        return 0
    counts = journal.campaign_counts(found[0].id)
    return sum(counts.values()) - counts.get("pending", 0) - counts.get("sending", 0)


def wait_for(condition, child: subprocess.Popen | None = None, timeout: float = 120, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if child is not None and child.poll() is not None:
            raise AssertionError(f"the run ended before {what}: {child.communicate()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def a_third_consenting(sandbox) -> list[int]:
    everyone = ids(CUSTOMERS)
    set_consent(sandbox, everyone, False)
    set_consent(sandbox, everyone[::3], True)
    sandbox.admin.reset_received()
    return everyone[::3]


def test_killed_twice_and_resumed_every_member_once_at_most(desk):
    sb = desk.sandbox
    consenting = a_third_consenting(sb)
    switching_off = consenting[-6:]
    sb.admin.set_faults("latency=40@/v1/communications")  # slow enough to be killed mid-run
    Journal.open(desk.target).close()  # the schema first, so the watcher and the runs share it
    watcher = Journal.open(desk.target)
    try:
        for kill_at in (150, 350):
            child = desk.start(*desk.run_args())
            try:
                wait_for(lambda at=kill_at: done(watcher) >= at, child, what=f"{kill_at} members done")
            finally:
                child.send_signal(signal.SIGKILL)
                child.communicate(timeout=60)
            assert child.returncode == -signal.SIGKILL
            [killed] = watcher.campaigns(name=NAME)
            assert killed.status == "running" and killed.lease.pid == child.pid  # the kill left its lease
            assert watcher.campaign_counts(killed.id).get("sending", 0) >= 1  # and members in flight
        last = desk.start(*desk.run_args())
        wait_for(lambda: done(watcher) >= 400, last, what="400 members done")
        # While the last run is under way, members it has yet to reach turn consent off.
        set_consent(sb, switching_off, False, by="member")
        _, stderr = last.communicate(timeout=300)
        ledger = desk.ledger(watcher)
    finally:
        watcher.close()
    assert last.returncode == 0, stderr
    assert "“Opening hours”: 600/600 done" in stderr

    outcomes = Counter(m.outcome for m in ledger.values())
    assert set(outcomes) <= {"sent", "skipped_consent", "unknown"}
    assert outcomes["unknown"] <= 2 * CONCURRENCY  # at most the members in flight at each kill
    threads = sandbox_threads(sb, ledger)
    posts = per_customer(received(sb, POST))
    assert max(posts.values()) == 1  # nobody's message left twice
    for cid, member in ledger.items():
        if member.outcome == "sent":
            [thread] = threads[cid]
            assert thread["threadId"] == member.remote_thread_id and cid in consenting
        elif member.outcome == "unknown":
            assert len(threads[cid]) <= 1 and cid in consenting  # cut by a kill: a person checks
        else:
            assert threads[cid] == [] and posts[cid] == 0
    assert {(ledger[c].outcome, ledger[c].detail) for c in switching_off} == {("skipped_consent", "inactive")}
    assert outcomes["skipped_consent"] >= CUSTOMERS - len(consenting)

    shown = desk.run("report", "--name", NAME, *desk.storage)
    assert shown.returncode == 0
    lines = dict(line.rsplit(" ", 1) for line in shown.stdout.splitlines()[2:])
    assert {k.strip(): int(v) for k, v in lines.items()} == {
        **{o: 0 for o in ("pending", "sending", "skipped_unavailable", "skipped_unfilled", "failed")},
        **outcomes, "total": CUSTOMERS}
    assert shown.stdout.splitlines()[0] == (
        "campaign “Opening hours”: NEWSLETTER by EMAIL to MEMBER, PROSPECT, FORMER_MEMBER: finished")


def test_two_desks_starting_one_campaign_one_runs_the_other_sees_where(desk):
    sb = desk.sandbox
    consenting = a_third_consenting(sb)
    sb.admin.set_faults("latency=20@/v1/communications")
    Journal.open(desk.target).close()
    first, second = desk.start(*desk.run_args()), desk.start(*desk.run_args())
    results = [(p.wait(300), *p.communicate()) for p in (first, second)]
    assert sorted(r[0] for r in results) == [0, 3]
    status, _, stderr = next(r for r in results if r[0] == 3)
    assert f"The campaign “Opening hours” is running at {HOST} (campaign command) (Anna K.) since" in stderr
    assert per_customer(received(sb, POST)) == Counter({cid: 1 for cid in consenting})


@pytest.mark.parametrize("journal_target", ["sqlite"], indirect=True)
def test_sigint_pauses_after_the_members_in_flight(desk):
    sb = desk.sandbox
    a_third_consenting(sb)
    sb.admin.set_faults("latency=40@/v1/communications")
    Journal.open(desk.target).close()
    watcher = Journal.open(desk.target)
    try:
        child = desk.start(*desk.run_args())
        wait_for(lambda: done(watcher) >= 100, child, what="100 members done")
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
        [paused] = watcher.campaigns(name=NAME)
        counts = watcher.campaign_counts(paused.id)
    finally:
        watcher.close()
    assert child.returncode == 1
    assert "pausing after the members in flight" in stderr and "“Opening hours” paused" in stderr
    assert (paused.status, paused.reason, paused.lease) == ("paused", "paused", None)
    assert set(counts) <= {"pending", "sent", "skipped_consent"}  # nobody left in flight or unknown


@pytest.mark.parametrize("journal_target", ["sqlite"], indirect=True)  # the core's tests run it on both
def test_a_503_storm_pauses_with_its_reason_and_running_again_finishes_it(desk):
    sb = desk.sandbox
    consenting = a_third_consenting(sb)
    sb.admin.set_faults("status=503:skip=60@/v1/communications")
    stormed = desk.run(*desk.run_args())
    assert stormed.returncode == 1
    assert "“Opening hours” paused itself: members failed in a row: 10 members failed in a row" in stormed.stderr
    assert "(503)" in stormed.stderr
    sb.admin.set_faults("")
    resumed = desk.run(*desk.run_args())
    assert resumed.returncode == 0, resumed.stderr
    threads = sandbox_threads(sb, ids(CUSTOMERS))
    assert {cid for cid, found in threads.items() if found} == set(consenting)
    assert all(len(threads[cid]) == 1 for cid in consenting)


@pytest.mark.parametrize("journal_target", ["sqlite"], indirect=True)
def test_lost_answers_are_reported_unknown_and_not_sent_again(desk, tmp_path):
    sb = desk.sandbox
    consenting = a_third_consenting(sb)
    # The address comes from the profile as the app saved it in the data dir's settings.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from studio_comm.ui.profiles import ProfileStore

    settings = QSettings(str(Path(desk.storage[1]) / "settings.ini"), QSettings.Format.IniFormat)
    ProfileStore(settings).add(PROFILE, sb.base_url)
    del settings
    sb.admin.set_faults("drop:after:count=3:method=POST@/v1/communications")  # applied, answer lost
    first = desk.run(*desk.run_args(base_url=False))
    assert first.returncode == 0, first.stderr
    assert "3 member(s) may or may not have received it (outcome unknown" in first.stderr
    again = desk.run(*desk.run_args(base_url=False))
    assert again.returncode == 0 and per_customer(received(sb, POST)) == Counter({c: 1 for c in consenting})

    listed = desk.run("report", "--name", NAME, "--members", *desk.storage)
    unknown = [line.split("\t") for line in listed.stdout.splitlines() if line.startswith("unknown\t")]
    assert len(unknown) == 3 and "unknown 3" in " ".join(listed.stdout.split())
    threads = sandbox_threads(sb, [int(u[1]) for u in unknown])
    assert all(len(t) == 1 for t in threads.values())  # the lost answers' POSTs were applied
    exported = tmp_path / "members.csv"
    written = desk.run("report", "--name", NAME, "--csv", str(exported), *desk.storage)
    assert written.returncode == 0
    rows = list(csv.DictReader(exported.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == CUSTOMERS
    assert Counter(r["Outcome"] for r in rows) == Counter(
        {"sent": len(consenting) - 3, "unknown": 3, "skipped_consent": CUSTOMERS - len(consenting)})
    assert all(r["Thread ID"] for r in rows if r["Outcome"] == "sent")


def test_another_definition_or_a_missing_key_is_refused_and_an_expired_lease_taken_over(desk):
    sb = desk.sandbox
    a_third_consenting(sb)
    journal = Journal.open(desk.target)
    try:
        # Desk 2 started this campaign and died: its lease runs out in a few seconds.
        campaign, _ = journal.create_campaign(
            demo_data.STUDIO_ID, NAME, category="NEWSLETTER", channel="EMAIL", statuses=EVERYONE.split(","),
            subject=SUBJECT, body=BODY, created_by="Jens P.", workstation="Desk 2")
        _, held = journal.acquire_campaign_lease(campaign.id, LeaseHolder("run-of-desk-2", "Desk 2", "Jens P.",
                                                                          "desk-2-pc", 4711), 4.0)
        other_body = desk.body.with_name("other.txt")
        other_body.write_text("Another text", encoding="utf-8")
        changed = desk.run(*[other_body.as_posix() if a == str(desk.body) else a for a in desk.run_args()])
        no_key = desk.run(*["Nobody" if a == PROFILE else a for a in desk.run_args()])
        blocked = desk.run(*desk.run_args())
        posted_before = len(received(sb, POST))
        with journal.engine.connect() as conn:
            wait_for(lambda: database_now(conn) > held.lease.expires_at, what="the lease to expire")
        taken_over = desk.run(*desk.run_args())
    finally:
        journal.close()
    assert changed.returncode == 2
    assert "already exists with another body; running it again continues it with its own" in changed.stderr
    assert no_key.returncode == 2 and "No API key is stored for the studio profile “Nobody”" in no_key.stderr
    assert blocked.returncode == 3
    assert "is running at Desk 2 (Jens P.) since" in blocked.stderr
    assert posted_before == 0  # nothing was sent by the refused runs
    assert taken_over.returncode == 0, taken_over.stderr
    assert "600/600 done" in taken_over.stderr
