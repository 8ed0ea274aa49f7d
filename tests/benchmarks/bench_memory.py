"""Peak memory of the app: the demo with a member open, then with a 10,000-message thread.

A child process runs `launch(["--demo", ...])` (the demo's sandbox is its own process and
not counted), opens a member whose newest thread is small, prints its peak RSS (VmHWM),
selects the member's thread of 10,000 messages (written into the journal beforehand) and
prints its peak RSS again. The baseline is a bare PySide6 window of the same size in a
child of the same run. Targets: under 150 MB with the member open; the big thread adds
under 50 MB.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import ChildRun, bare_window, rss_of, write_threads

CUSTOMER = 1_000_001
MESSAGES = 10_000


def run(quick: bool) -> list[Figure]:
    from studio_comm.sandbox.demo_data import STUDIO_ID

    runs = 1 if quick else 3
    bare, member, thread = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        data_dir = Path(tmp) / "data"
        big_thread, _small = write_threads(data_dir / "journal.sqlite", STUDIO_ID, CUSTOMER, MESSAGES)
        for _ in range(runs):
            window = bare_window()
            bare.append(rss_of(window, "window"))
            window.finish()
            app = ChildRun([sys.executable, "-m", "tests.benchmarks.support", "memory", "--data-dir",
                            str(data_dir), "--customer", str(CUSTOMER), "--big-thread", str(big_thread),
                            "--messages", str(MESSAGES)])
            member.append(rss_of(app, "member"))
            thread.append(rss_of(app, "thread"))
            app.finish()
    bare_mb, member_mb, thread_mb = (statistics.median(v) for v in (bare, member, thread))
    return [
        Figure(name="peak RSS, demo with a member open", value=member_mb, baseline=bare_mb, unit="MB",
               baseline_name="bare PySide6 window (child process)", target="< 150 MB",
               met=member_mb < 150),
        Figure(name=f"peak RSS after opening a {MESSAGES:,}-message thread", value=thread_mb,
               baseline=member_mb, unit="MB", baseline_name="the same demo before opening it",
               target="< +50 MB", met=thread_mb - member_mb < 50),
    ]
