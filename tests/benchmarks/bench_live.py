"""Live updates: from a webhook's POST to the open matrix repainted, against a bare NOTIFY
round trip plus a bare GET of the same preferences.

The real app (`launch()` on a qasync loop in this process) has a member open, on a journal
shared with a `studio-comm relay` child process (PostgreSQL at STUDIO_COMM_TEST_PG_URL, in
a schema of its own; a SQLite file without it) and a sandbox child process. Each round the
member's consent changes in the sandbox (its admin, as the member app; the sandbox sends
no webhook itself), then the clock starts and a thread POSTs the vendor's webhook to the
relay; it stops on the first turn of the event loop after the matrix view painted the new
value. In between: the relay's commit and NOTIFY, the desk's listener thread, its catch-up
read, the hand-over to the UI thread, the re-read of the preferences and the repaint.

The baseline, measured in the same rounds: a bare NOTIFY on a channel of its own received
by a bare psycopg listener (on SQLite: a commit seen by a bare PRAGMA data_version poll at
the listener's interval), plus a bare httpx GET of the same preferences. Target: the app
adds under 100 ms at p99; p50s in the figure's name.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import (
    PG_URL_VARIABLE,
    PROFILE,
    BenchKeyring,
    NotifyRoundTrip,
    child_env,
    in_thread,
    percentile,
    pg_schema,
    qt_loop,
    settle,
    until,
)

WEBHOOK_KEY = f"bench-live-{uuid.uuid4().hex}"
TARGET_MS = 100.0


@contextlib.contextmanager
def _journal():
    """(target, what it is, baseline waker factory); a PostgreSQL schema of its own is dropped afterwards."""
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "journal.sqlite"
            yield str(path), "SQLite", lambda: _DataVersionRoundTrip(path)
        return
    with pg_schema(url, "bench_live") as (target, plain):
        yield target, "PostgreSQL", lambda: NotifyRoundTrip(plain)


class _DataVersionRoundTrip:
    """SQLite's counterpart: a commit from one connection until a poll of PRAGMA
    data_version on another (at the feed listener's interval) sees it."""

    def __init__(self, path: Path) -> None:
        from studio_comm.journal.listener import _SQLITE_POLL_S

        self.interval = _SQLITE_POLL_S
        self.writer = sqlite3.connect(path, isolation_level=None)
        self.writer.execute("CREATE TABLE IF NOT EXISTS bench_live (n INTEGER)")
        self.poller = sqlite3.connect(path, isolation_level=None)

    def measure(self) -> float:
        version = self.poller.execute("PRAGMA data_version").fetchone()[0]
        start = time.perf_counter()
        self.writer.execute("INSERT INTO bench_live VALUES (1)")
        while self.poller.execute("PRAGMA data_version").fetchone()[0] == version:
            time.sleep(self.interval)
        return time.perf_counter() - start

    def close(self) -> None:
        self.writer.close()
        self.poller.close()


class _RepaintWatch(QObject):
    """After the matrix model is reset showing `expected` in `cell`, `done` becomes the time
    of the first event-loop turn after the matrix view's viewport received a paint event."""

    def __init__(self, panel) -> None:
        super().__init__()
        self.panel = panel
        self.cell = None
        self.expected: bool | None = None
        self.armed = False
        self.done: float | None = None
        panel.matrix_view.viewport().installEventFilter(self)
        panel.model.modelReset.connect(self._reset)

    def expect(self, cell, value: bool) -> None:
        self.cell, self.expected, self.armed, self.done = cell, value, False, None

    def _reset(self) -> None:
        state = self.panel.model.index_of(*self.cell).data(Qt.ItemDataRole.CheckStateRole) if self.cell else None
        self.armed = state is not None and (state == Qt.CheckState.Checked) is self.expected

    def close(self) -> None:
        self.panel.model.modelReset.disconnect(self._reset)

    def eventFilter(self, watched, event) -> bool:
        if self.armed and event.type() == QEvent.Type.Paint:
            self.armed = False
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        self.done = time.perf_counter()


def _webhook(customer_id: int) -> bytes:
    return json.dumps({"entityId": customer_id, "uuid": str(uuid.uuid4()), "payload": [
        {"timestamp": int(time.time() * 1000), "type": "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED"}]}).encode()


def run(quick: bool) -> list[Figure]:
    import httpx
    import keyring

    from studio_comm.api.models import Channel, MessageCategory
    from studio_comm.app import launch, shutdown
    from studio_comm.core.credentials import SERVICE
    from studio_comm.relay.server import RelayProcess
    from studio_comm.sandbox import demo_data
    from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

    rounds = 30 if quick else 120
    app_times: list[float] = []
    base_times: list[float] = []
    studio = demo_data.STUDIO_ID
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp, _journal() as (target, engine, waker), \
            SandboxProcess(SandboxConfig(customers=200, rate_limit=(100_000, 60.0))) as sandbox, qt_loop() as loop:
        keys = Path(tmp) / "relay-keys"
        keys.write_text(f"{studio} {WEBHOOK_KEY}\n")
        keys.chmod(0o600)
        relay = RelayProcess(target, keys, env=child_env(), log_path=Path(tmp) / "relay.log").start()
        bare = waker()
        http = httpx.Client(base_url=sandbox.base_url, headers={"X-API-KEY": sandbox.api_key}, timeout=30)
        poster = httpx.Client(base_url=relay.url, headers={"X-API-KEY": WEBHOOK_KEY,
                                                          "Content-Type": "application/json"}, timeout=30)
        backend = BenchKeyring()
        backend.set_password(SERVICE, PROFILE, sandbox.api_key)
        previous = keyring.get_keyring()
        keyring.set_keyring(backend)

        async def measure() -> None:
            window = launch(["--profile", PROFILE, "--base-url", sandbox.base_url, "--journal", target,
                             "--data-dir", str(Path(tmp) / "data"), "--staff", "Benchmark"])
            try:
                await until(lambda: window.session is not None, 60, "the app to connect")
                await until(lambda: window.status.live_label.text() == "live", 60, "live updates")
                customer_id = demo_data.FIRST_CUSTOMER_ID
                prefs_path = f"/v1/communications/{customer_id}/communication-preferences"
                prefs = http.get(prefs_path).raise_for_status().json()
                cell_wire = next((p["messageCategory"], c["communicationChannel"]) for p in prefs
                                 for c in p["channels"] if c.get("customerOverridable") is not False)
                cell = (MessageCategory(cell_wire[0]), Channel(cell_wire[1]))
                customer = await window.session.client.customer(customer_id)
                window.open_customer(customer)
                panel = window.preferences_panel
                await until(lambda: panel.model.matrix is not None and not panel.busy, 60, "the member's preferences")
                watch = _RepaintWatch(panel)
                try:
                    for i in range(rounds + 3):  # the first rounds warm up (imports, connections)
                        for pref in prefs:
                            for channel in pref["channels"]:
                                if (pref["messageCategory"], channel["communicationChannel"]) == cell_wire:
                                    channel["active"] = not channel["active"]
                                    value = channel["active"]
                        await in_thread(lambda: sandbox.admin.set_preferences(customer_id, prefs, "member"))
                        watch.expect(cell, value)
                        body = _webhook(customer_id)

                        def post(body: bytes = body) -> float:
                            start = time.perf_counter()
                            poster.post(f"/webhooks/{studio}", content=body).raise_for_status()
                            return start

                        start = await in_thread(post)
                        await until(lambda: watch.done is not None, 30, "the matrix repainted")
                        await until(lambda: not panel.busy, 30, "the panel idle")
                        if i >= 3:
                            app_times.append(watch.done - start)

                            def baseline() -> float:
                                notified = bare.measure()
                                got = time.perf_counter()
                                http.get(prefs_path).raise_for_status().json()
                                return notified + time.perf_counter() - got

                            base_times.append(await in_thread(baseline))
                        await settle(0.05)
                finally:
                    watch.close()
            finally:
                window._close_confirmed = True
                window.close()
                await shutdown(window)
                window.deleteLater()

        try:
            loop.run_until_complete(measure())
        finally:
            keyring.set_keyring(previous)
            poster.close()
            http.close()
            bare.close()
            relay.stop()

    app_p99, base_p99 = percentile(app_times, 0.99) * 1000, percentile(base_times, 0.99) * 1000
    app_p50, base_p50 = statistics.median(app_times) * 1000, statistics.median(base_times) * 1000
    baseline = "bare NOTIFY round trip + bare GET" if engine == "PostgreSQL" else "bare data_version poll + bare GET"
    return [
        Figure(name=f"webhook POST to open matrix repainted, p99 (p50 {app_p50:.1f} ms; baseline p50 "
                    f"{base_p50:.1f} ms; {engine})", value=app_p99, baseline=base_p99, unit="ms",
               baseline_name=f"{baseline}, p99", target=f"app adds < {TARGET_MS:g} ms at p99",
               met=app_p99 - base_p99 < TARGET_MS),
    ]
