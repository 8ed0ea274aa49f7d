"""Peak memory of the app, the demo with a member open and with a 10,000-message thread,
and the pause of a full garbage collection in that state.

A child process runs `launch(["--demo", ...])` (the demo's sandbox is its own process and
not counted), opens a member whose newest thread is small, prints its peak RSS (VmHWM),
selects the member's thread of 10,000 messages (written into the journal beforehand) and
prints its peak RSS again. The baseline is a bare PySide6 window of the same size in a
child of the same run. Targets: under 150 MB with the member open; the big thread adds
under 50 MB.

The same child then runs a 5 ms heartbeat idle for a second, and across one full
`gc.collect()` run from the event loop: the app turns Python's automatic GC off and
collects on the UI thread from a timer (so Qt objects are never freed on another thread),
and now and then that is a full collection, which walks every live object. Target: no
gap over 50 ms, as for the other freeze figures.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import ChildRun, bare_window, value_of, write_threads

CUSTOMER = 1_000_001
MESSAGES = 10_000


def run(quick: bool) -> list[Figure]:
    from studio_comm.sandbox.demo_data import STUDIO_ID

    runs = 1 if quick else 3
    values: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        data_dir = Path(tmp) / "data"
        big_thread, _small = write_threads(data_dir / "journal.sqlite", STUDIO_ID, CUSTOMER, MESSAGES)
        for _ in range(runs):
            window = bare_window()
            values.setdefault("bare", []).append(value_of(window, "peak-rss window"))
            window.finish()
            app = ChildRun([sys.executable, "-m", "tests.benchmarks.support", "demo", "--data-dir",
                            str(data_dir), "--customer", str(CUSTOMER), "--big-thread", str(big_thread),
                            "--messages", str(MESSAGES)])
            for key, line in (("member", "peak-rss member"), ("thread", "peak-rss thread"),
                              ("idle", "gap idle"), ("gc", "gap gc")):
                values.setdefault(key, []).append(value_of(app, line))
            app.finish()
    bare, member, thread, idle, gc = (statistics.median(values[k]) for k in ("bare", "member", "thread", "idle", "gc"))
    return [
        Figure(name="peak RSS, demo with a member open", value=member, baseline=bare, unit="MB",
               baseline_name="bare PySide6 window (child process)", target="< 150 MB", met=member < 150),
        Figure(name=f"peak RSS after opening a {MESSAGES:,}-message thread", value=thread,
               baseline=member, unit="MB", baseline_name="the same demo before opening it",
               target="< +50 MB", met=thread - member < 50),
        Figure(name="longest UI gap: a full GC (demo, big thread open)", value=gc,
               baseline=idle, unit="ms", baseline_name="5 ms heartbeat, same app idle", target="< 50 ms",
               met=gc < 50),
    ]
