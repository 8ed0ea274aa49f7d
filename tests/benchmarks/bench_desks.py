"""Desks together: how soon a message sent at one desk is on another desk's screen, and what
a burst of them costs the UI of the desk that watches.

Desk B is the real app in this process (`launch()` on a qasync loop), desk A the app in a
child process (tests/live_desk.py), on one PostgreSQL journal (a schema of the run's own at
STUDIO_COMM_TEST_PG_URL) and one sandbox child process. A has a member open and starts a
thread; B opens the member and shows that thread.

(a) A sends a message into the thread (a logged call through its session.messaging), one at
a time: the next once B has painted the one before. Per message, from A's send committed
(A's time.time() as the journal's commit of its state "sent" returns) to the first turn of
B's event loop after its timeline view painted the message's row in state sent: the desk
event's NOTIFY, B's listener thread and catch-up read, the hand-over to the UI thread, the
timeline's re-read and the paint. p50 and p99 over ROUNDS messages; the baseline, measured in the same
rounds, is a bare NOTIFY round trip (a bare LISTEN on a connection of its own, a NOTIFY from
another). Target: p99 < 500 ms.

(b) A sends BURST messages one after another as fast as it can; a 5 ms heartbeat on B's UI
thread runs from the command until B's timeline shows them all sent. The longest gap between
its ticks, median of the runs, next to the same heartbeat with B idle for a second.
Target: < 50 ms.

PostgreSQL only (a SQLite journal is one desk's): without STUDIO_COMM_TEST_PG_URL nothing is
measured, and a note on stderr says so.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import (
    PG_URL_VARIABLE,
    Heartbeat,
    LaunchedApp,
    NotifyRoundTrip,
    in_thread,
    open_member,
    percentile,
    pg_schema,
    qt_loop,
    select_thread,
    settle,
    until,
)
from tests.live_desk import DeskProcess

ROUNDS, QUICK_ROUNDS, WARM_UP = 300, 60, 5
BURST = 100
LATENCY_TARGET_MS, GAP_TARGET_MS = 500.0, 50.0


class _PaintWatch(QObject):
    """After `expect(shown)`: the first message not among `shown` (request ids) that the
    timeline model has in state sent; `done` becomes the time.time() of the first event-loop
    turn after the timeline view painted that message's row."""

    def __init__(self, panel) -> None:
        super().__init__()
        self.view, self.model = panel.timeline_view, panel.timeline
        self.shown: set[str] = set()
        self.request_id: str | None = None
        self.done: float | None = None
        self.view.viewport().installEventFilter(self)
        for signal in (self.model.rowsInserted, self.model.dataChanged, self.model.modelReset,
                       self.model.layoutChanged):
            signal.connect(self._changed)

    def expect(self, shown) -> None:
        self.shown, self.request_id, self.done = set(shown), None, None

    def _changed(self, *_args) -> None:
        if self.request_id is None:
            self.request_id = next((m.request_id for m in reversed(self.model.messages())
                                    if m.request_id not in self.shown and m.state == "sent"), None)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if self.request_id is not None and self.done is None and event.type() == QEvent.Type.Paint:
            row = self.model.row_of(self.request_id)
            if row >= 0 and event.rect().intersects(self.view.visualRect(self.model.index(row, 0))):
                self.shown.add(self.request_id)  # painted: the next paint does not count again
                QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        if self.done is None:
            self.done = time.time()


def _sent(model) -> int:
    return sum(m.state == "sent" for m in model.messages())


def run(quick: bool) -> list[Figure]:
    from studio_comm.journal import Journal
    from studio_comm.sandbox import demo_data
    from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        print(f"  bench_desks skipped: desks share a PostgreSQL journal; set {PG_URL_VARIABLE}",
              file=sys.stderr, flush=True)
        return []
    rounds = QUICK_ROUNDS if quick else ROUNDS
    runs = 1 if quick else 3
    customer = demo_data.FIRST_CUSTOMER_ID
    latencies: list[float] = []
    notifies: list[float] = []
    idle: list[float] = []
    gaps: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-desks-") as tmp, pg_schema(url, "bench_desks") as (target, plain), \
            SandboxProcess(SandboxConfig(customers=50, rate_limit=(100_000, 60.0))) as sandbox, qt_loop() as loop:
        Journal.open(target).close()  # the schema first, so neither desk waits on the other's migration
        a = DeskProcess(base_url=sandbox.base_url, journal=target, api_key=sandbox.api_key, data_dir=Path(tmp) / "a",
                        workstation="desk-A", staff="Anna A.")
        bare = NotifyRoundTrip(plain)

        async def measure() -> None:
            async with LaunchedApp(sandbox, Path(tmp) / "b", journal=target, workstation="desk-B") as window:
                await until(lambda: window.status.live_label.text() == "live", 60, "desk B live")
                await a.wait_async("live", 120)
                await a.do_async("open", customer=customer)
                thread = (await a.do_async("burst", count=1, subject="Benchmark"))["thread"]
                await a.wait_async("sent ")
                await open_member(window, customer)
                await select_thread(window, thread, 1)
                panel = window.conversation_panel
                watch = _PaintWatch(panel)
                for i in range(rounds + WARM_UP):  # the first rounds warm up (imports, connections)
                    watch.expect(m.request_id for m in panel.timeline.messages())
                    await a.do_async("burst", count=1, thread=thread)
                    sent = DeskProcess.sent(await a.wait_async("sent "))
                    await until(lambda: watch.done is not None, 30, "desk B's timeline painted")
                    if i >= WARM_UP:
                        latencies.append(watch.done - sent["committed"])
                        notifies.append(await in_thread(bare.measure))
                    await settle(0.02)
                beat = Heartbeat()
                for _ in range(runs):
                    beat.start()
                    await settle(1.0)
                    idle.append(beat.stop())
                    wanted = _sent(panel.timeline) + BURST
                    beat.start()
                    a.command("burst", count=BURST, thread=thread)
                    await until(lambda n=wanted: _sent(panel.timeline) >= n, 120, f"{BURST} messages at desk B")
                    await settle()
                    gaps.append(beat.stop())
                    print(f"  burst of {BURST}: longest gap {gaps[-1]:.0f} ms at desk B, UI thread busy "
                          f"{beat.busy_ms:.0f} ms of it", file=sys.stderr, flush=True)
                    await a.wait_async("done burst", 60)

        try:
            loop.run_until_complete(measure())
        finally:
            a.close()
            bare.close()

    print(f"  send to painted: {min(latencies) * 1000:.1f} to {max(latencies) * 1000:.1f} ms", file=sys.stderr)
    p50, p99 = statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
    bare_p50, bare_p99 = statistics.median(notifies) * 1000, percentile(notifies, 0.99) * 1000
    gap = statistics.median(gaps)
    sent_to_painted = f"desk A's send committed to desk B's timeline painted ({len(latencies)} messages)"
    return [
        Figure(name=f"{sent_to_painted}, p50", value=p50, baseline=bare_p50, unit="ms",
               baseline_name="bare NOTIFY round trip, p50", target="-", met=None),
        Figure(name=f"{sent_to_painted}, p99", value=p99, baseline=bare_p99, unit="ms",
               baseline_name="bare NOTIFY round trip, p99", target=f"< {LATENCY_TARGET_MS:g} ms",
               met=p99 < LATENCY_TARGET_MS),
        Figure(name=f"longest UI gap at desk B while desk A sends {BURST} messages in a burst", value=gap,
               baseline=statistics.median(idle), unit="ms", baseline_name="5 ms heartbeat, desk B idle",
               target=f"< {GAP_TARGET_MS:g} ms", met=gap < GAP_TARGET_MS),
    ]
