"""Shared pieces of the benchmarks: the app in this process, child processes, a UI heartbeat.

- `BenchKeyring`: a keyring backend that holds keys in memory, seeded from the environment
  variable STUDIO_COMM_BENCH_KEY (any profile of studio-comm gets that key). Its priority
  is below zero, so it is never anyone's default; a child app gets it through
  `PYTHON_KEYRING_BACKEND=tests.benchmarks.support.BenchKeyring`.
- `qt_loop()` and `LaunchedApp`: `studio_comm.app.launch` on a qasync loop in this
  process, connected to a sandbox through a profile (the way the UI tests do it), on its
  own journal or a shared one.
- `pg_schema()`: a PostgreSQL schema of the run's own at STUDIO_COMM_TEST_PG_URL, and
  `NotifyRoundTrip`, the bare LISTEN/NOTIFY that live updates are compared with.
- `Heartbeat`: a 5 ms timer on the UI thread; the longest gap between two of its ticks is
  the longest time the UI could not react.
- `ChildRun`: a child process whose output lines are time-stamped as they arrive, so
  "spawned to line X" is measured in the parent; `peak_rss_mb()` is read in the child.
- `write_threads`: a member's threads written straight into a journal file (one
  transaction), e.g. one of 10,000 messages.
- `python -m tests.benchmarks.support demo --data-dir D --customer C --big-thread T
  --messages N`: the demo with member C open, then thread T; prints its peak RSS after
  each, then the longest heartbeat gap idle and across a full garbage collection.

Imports stay light at module level: child processes import this module for the keyring.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.backend
import keyring.errors

ROOT = Path(__file__).resolve().parents[2]
KEY_ENV = "STUDIO_COMM_BENCH_KEY"
PROFILE = "Benchmark studio"
SMALL_THREAD = 3  # messages in the member's newest (small) thread

# A bare PySide6 window, the baseline of start-up and memory: same size as the app's
# first window, "window shown" on the first turn of the event loop after show(), then
# its peak RSS once it has painted.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)
window.show()
def shown():
    print("window shown", flush=True)
    QTimer.singleShot(300, done)
def done():
    with open("/proc/self/status") as status:
        hwm = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    print(f"peak-rss window {hwm / 1024:.1f}", flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


class BenchKeyring(keyring.backend.KeyringBackend):
    priority = -1  # never chosen on its own: only when named explicitly

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        if (service, username) in self.passwords:
            return self.passwords[(service, username)]
        return os.environ.get(KEY_ENV) if service == "studio-comm" else None

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)
    # An installed app has its bytecode compiled; let the first (warm-up) run write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


class ChildRun:
    """Start `cmd`; every stdout line is stored with the time it arrived (perf_counter,
    relative to just before the spawn). stderr goes to a temp file for error messages."""

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        self._lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self.lines: list[tuple[float, str]] = []
        self.start = time.perf_counter()
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env or child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, encoding="utf-8", errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put((time.perf_counter() - self.start, line.rstrip("\n")))
        self._lines.put(None)

    def wait_line(self, prefix: str, timeout: float = 120.0, suffix: str = "") -> tuple[float, str]:
        """(seconds from spawn, line) of the first line with this prefix and suffix."""
        def wanted(line: str) -> bool:
            return line.startswith(prefix) and line.endswith(suffix)

        for seconds, line in self.lines:
            if wanted(line):
                return seconds, line
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise TimeoutError(f"no line {prefix!r} within {timeout:g} s{self._errors()}") from None
            if item is None:
                self.process.wait()
                raise RuntimeError(
                    f"the child ended (status {self.process.returncode}) before {prefix!r}{self._errors()}")
            self.lines.append(item)
            if wanted(item[1]):
                return item

    def _errors(self) -> str:
        self._stderr.seek(0)
        tail = self._stderr.read()[-2000:]
        return f"; its stderr ends:\n{tail}" if tail else ""

    def finish(self, timeout: float = 60.0) -> int:
        """Wait for the child to exit on its own (killed after `timeout`)."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            return self.process.returncode
        finally:
            self._stderr.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def bare_window() -> ChildRun:
    return ChildRun([sys.executable, "-c", BARE_WINDOW])


def value_of(run: ChildRun, prefix: str, timeout: float = 120.0) -> float:
    """The number ending the child's first line `PREFIX N` (e.g. "peak-rss member")."""
    return float(run.wait_line(f"{prefix} ", timeout)[1].split()[-1])


# -- the app in this process ---------------------------------------------------------------

@contextlib.contextmanager
def qt_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A QApplication (reused when one exists) and a qasync loop for this process.

    launch() disables the cyclic GC (Qt objects must be freed on the UI thread); afterwards
    the garbage is collected here, on the main thread, and the GC set back as it was.
    """
    import gc

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from studio_comm.app import event_loop

    loop = event_loop()
    app = QApplication.instance()
    # The teardown below runs the loop's callbacks outside run_until_complete; httpx and
    # anyio look for a running loop there too (as in tests/fixtures/qt.py).
    asyncio._set_running_loop(loop)
    gc_was_enabled = gc.isenabled()
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        for _ in range(200):
            if all(t.done() for t in pending):
                break
            app.processEvents()
        app.processEvents()
        gc.collect()
        asyncio._set_running_loop(None)
        loop.close()
        asyncio.set_event_loop(None)
        if gc_was_enabled:
            gc.enable()


async def until(condition: Callable[[], object], timeout: float = 60.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


class LaunchedApp:
    """`async with LaunchedApp(sandbox, data_dir) as window`: the real app, connected
    to the sandbox through a profile whose key sits in a BenchKeyring; shut down the way
    `main()` does on exit. `journal` and `workstation`: a shared journal, and this desk's name."""

    def __init__(self, sandbox, data_dir: Path, *, journal: str | None = None, workstation: str | None = None) -> None:
        self.sandbox = sandbox
        self.data_dir = data_dir
        self.options = [*(["--journal", journal] if journal else []),
                        *(["--workstation", workstation] if workstation else [])]
        self.window = None
        self._previous_keyring = None

    async def __aenter__(self):
        import keyring

        from studio_comm.app import launch
        from studio_comm.core.credentials import SERVICE

        backend = BenchKeyring()
        backend.set_password(SERVICE, PROFILE, self.sandbox.api_key)
        self._previous_keyring = keyring.get_keyring()
        keyring.set_keyring(backend)
        self.window = launch(["--profile", PROFILE, "--base-url", self.sandbox.base_url,
                              "--data-dir", str(self.data_dir), "--staff", "Benchmark", *self.options])
        try:
            await until(lambda: self.window.session is not None, 60, "the app to connect")
        except TimeoutError:
            banner = self.window.error_banner
            shown = banner.message if banner.isVisible() else "no error shown"
            status = self.window.status.studio_label.text()
            await self.__aexit__()
            raise TimeoutError(f"the app did not connect within 60 s ({shown}; status bar: {status!r})") from None
        return self.window

    async def __aexit__(self, *exc) -> None:
        import keyring

        from studio_comm.app import shutdown

        window = self.window
        window._close_confirmed = True  # a run may leave an edit behind
        window.close()
        await shutdown(window)
        window.deleteLater()
        keyring.set_keyring(self._previous_keyring)


async def open_member(window, customer_id: int, threads: int | None = None) -> None:
    """Open a member the way a click on a result does; wait until the preferences show
    and (with `threads`) the conversation lists that many threads with the newest open."""
    customer = await window.session.client.customer(customer_id)
    window.open_customer(customer)
    panel = window.preferences_panel
    await until(lambda: panel.customer is not None and panel.customer.id == customer_id
                and panel.model.matrix is not None and not panel.busy, 60, "the member's preferences")
    if threads is not None:
        conversation = window.conversation_panel
        await until(lambda: conversation.threads.rowCount() == threads
                    and conversation.timeline.rowCount() > 0, 60, "the member's threads")


async def select_thread(window, thread_id: int, messages: int) -> None:
    """Select the thread in the thread list and wait until its timeline shows."""
    conversation = window.conversation_panel
    index = conversation.threads.index(conversation.threads.row_of(thread_id), 0)
    conversation.thread_view.setCurrentIndex(index)
    await until(lambda: conversation.timeline.rowCount() == messages, 60, f"{messages} messages in the timeline")


class Heartbeat:
    """A 5 ms timer on the UI thread; `stop()` returns the longest gap between ticks in ms.

    `busy_ms` is the UI thread's own CPU time within that longest gap: close to the gap,
    the app was working; far below it, the thread waited (e.g. for a CPU on a loaded
    machine)."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = self.longest = self.last_cpu = self.busy = 0.0

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if now - self.last > self.longest:
            self.longest, self.busy = now - self.last, cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu

    @property
    def busy_ms(self) -> float:
        return self.busy * 1000.0

    def start(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.longest = self.busy = 0.0
        self.timer.start()

    def stop(self) -> float:
        self._tick()  # a stall at the very end counts too
        self.timer.stop()
        return self.longest * 1000.0


async def settle(seconds: float = 0.2) -> None:
    """Let the loop run (paints, late callbacks) for a moment."""
    await asyncio.sleep(seconds)


# -- a shared journal ----------------------------------------------------------------------

PG_URL_VARIABLE = "STUDIO_COMM_TEST_PG_URL"


@contextlib.contextmanager
def pg_schema(url: str, prefix: str) -> Iterator[tuple[str, str]]:
    """A schema of its own on the PostgreSQL server at `url` (SQLAlchemy's form), dropped
    afterwards: (the journal's target, which selects it; the server's libpq URL)."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    schema = f"{prefix}_{uuid.uuid4().hex}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        target = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        yield target.render_as_string(hide_password=False), plain
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


class NotifyRoundTrip:
    """A bare LISTEN on a dedicated connection; `measure()` is one NOTIFY from another
    connection until the listener has it, in seconds."""

    def __init__(self, url: str) -> None:
        import uuid

        import psycopg

        self.channel = f"bench_notify_{uuid.uuid4().hex[:12]}"
        self.listener = psycopg.connect(url, autocommit=True)
        self.listener.execute(f"LISTEN {self.channel}")
        self.sender = psycopg.connect(url, autocommit=True)

    def measure(self) -> float:
        start = time.perf_counter()
        self.sender.execute(f"NOTIFY {self.channel}, 'x'")
        for _ in self.listener.notifies(timeout=10, stop_after=1):
            return time.perf_counter() - start
        raise RuntimeError("the bare NOTIFY did not arrive")

    def close(self) -> None:
        self.listener.close()
        self.sender.close()


def percentile(values: list[float], share: float) -> float:
    """The `share` (0.5, 0.99) percentile of `values`."""
    import statistics

    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def in_thread(work):
    """Run blocking `work()` on a thread; an awaitable of its result (the UI loop keeps turning)."""
    return asyncio.get_running_loop().run_in_executor(None, work)


# -- journal content ---------------------------------------------------------------------

_WORDS = ("Hallo", "Termin", "Vertrag", "Kündigung", "Beitrag", "Probetraining", "Sauna", "Kurs",
          "morgen", "Rückruf", "Größe", "Öffnungszeiten", "bitte", "danke", "Mitgliedschaft",
          "Zahlung", "Lastschrift", "Änderung", "Adresse", "Ruhezeit", "Kursplan", "ab", "um",
          "Uhr", "neue", "Nachricht", "wegen", "Ihres", "Anrufs", "Grüße")


def write_threads(journal_path: Path, studio_id: int, customer_id: int, messages: int) -> tuple[int, int]:
    """Two threads of the member in the journal: a big one of `messages` messages, and a
    newer small one (so opening the member shows the small one). -> (big_id, small_id)"""
    import random
    from datetime import UTC, datetime, timedelta

    from studio_comm.journal import Journal, schema

    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    journal = Journal.open(journal_path)
    try:
        with journal.engine.begin() as conn:
            ids = []
            for subject, count, last in (("Mitgliedschaft und Termine", messages, start + timedelta(days=300)),
                                         ("Rückruf wegen Kursplan", SMALL_THREAD, start + timedelta(days=400))):
                thread_id = conn.execute(schema.threads.insert().returning(schema.threads.c.id), dict(
                    studio_id=studio_id, customer_id=customer_id, remote_thread_id=None, subject=subject,
                    status="ONGOING", category="GENERAL", created_at=start, updated_at=last)).scalar_one()
                rows = []
                for i in range(count):
                    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 200)))
                    if i % 50 == 0:
                        words += " مرحبا 😀"
                    at = start + (last - start) * (i + 1) / count
                    rows.append(dict(
                        request_id=f"bench-{thread_id}-{i}", thread_id=thread_id, studio_id=studio_id,
                        customer_id=customer_id, direction="OUTGOING" if i % 3 else "INCOMING",
                        channel=("EMAIL", "PHONE", "TEXT_MESSAGE")[i % 3], category="GENERAL",
                        subject=f"{subject} ({i + 1})", content=words, agent="Anna K.",
                        communication_time=None, thread_status="ONGOING", state="sent",
                        communication_id=100_000 + i, error=None, http_status=None, trace_id=None,
                        workstation="desk-1", staff="Anna K.", created_at=at, updated_at=at,
                        resend_of=None))
                conn.execute(schema.messages.insert(), rows)
                ids.append(thread_id)
    finally:
        journal.close()
    return ids[0], ids[1]


async def full_gc_gap(beat: Heartbeat) -> tuple[float, float]:
    """(longest gap idle for 1 s, longest gap across one full `gc.collect()`), in ms.

    The app turns Python's automatic GC off and collects on the UI thread from a timer
    (Qt objects must not be freed on another thread); now and then that is a full
    collection, which walks every live object. Here one runs the same way, from the loop."""
    import gc

    from PySide6.QtCore import QTimer

    beat.start()
    await settle(1.0)
    idle = beat.stop()
    done: list[bool] = []
    beat.start()
    QTimer.singleShot(0, lambda: done.append(gc.collect() >= 0))
    await until(lambda: done, 30, "the collection")
    await settle()
    return idle, beat.stop()


# -- the demo child ------------------------------------------------------------------------

def _demo_child(argv: list[str]) -> int:
    import argparse

    from studio_comm.app import event_loop, launch, shutdown

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.support demo")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--customer", type=int, required=True)
    parser.add_argument("--big-thread", type=int, required=True)
    parser.add_argument("--messages", type=int, required=True)
    args = parser.parse_args(argv)

    loop = event_loop()

    async def run() -> None:
        window = launch(["--demo", "--data-dir", args.data_dir])
        try:
            await until(lambda: window.session is not None, 120, "the demo to connect")
            await open_member(window, args.customer, threads=2)
            await settle(0.5)
            print(f"peak-rss member {peak_rss_mb():.1f}", flush=True)
            await select_thread(window, args.big_thread, args.messages)
            await settle(0.5)
            print(f"peak-rss thread {peak_rss_mb():.1f}", flush=True)
            idle, gap = await full_gc_gap(Heartbeat())
            print(f"gap idle {idle:.1f}", flush=True)
            print(f"gap gc {gap:.1f}", flush=True)
        finally:
            window._close_confirmed = True
            window.close()
            await shutdown(window)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["demo"]:
        sys.exit("usage: python -m tests.benchmarks.support demo --data-dir D --customer C "
                 "--big-thread T --messages N")
    sys.exit(_demo_child(sys.argv[2:]))
