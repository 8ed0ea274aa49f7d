"""Freeze: the longest gap of a 5 ms heartbeat timer on the UI thread while the app works.

The real app (`launch()` on a qasync loop in this process, like the UI tests) is connected
to a sandbox child process with 3,200 customers: a search for "m" then finds 503 of them
(last-name or first-name prefix) and "Browse all" can page through 2,000 members. Before
the launch, the journal gets member 1000001 a thread of 10,000 messages and a newer small
one. The scenarios, each timed from the action until its result is shown plus 0.2 s:
(a) a search whose 503 results arrive; (b) selecting the 10,000-message thread (its
timeline replaces the small one's); (c) saving one changed matrix cell, which PUTs and
re-reads; (d) browsing until 2,000 members are listed, scrolling to the end of the list
whenever a page has arrived. The baseline is the same heartbeat with the app idle for
one second. Target: no gap over 50 ms.

The app's GC timer runs as usual meanwhile; the pause of its occasional full collection
is measured on its own by bench_memory, in the demo app's process.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import (
    SMALL_THREAD,
    Heartbeat,
    LaunchedApp,
    open_member,
    qt_loop,
    select_thread,
    settle,
    until,
    write_threads,
)

CUSTOMERS = 3_200
SEARCH = "m"
SEARCH_RESULTS = 503  # customers whose first or last name starts with "m" at seed 1
MEMBER = 1_000_001
MESSAGES = 10_000
BROWSE = 2_000


async def _idle(window, beat: Heartbeat) -> float:
    beat.start()
    await settle(1.0)
    return beat.stop()


async def _search(window, beat: Heartbeat) -> float:
    panel = window.search_panel
    panel.search_edit.setText(SEARCH)
    panel.model.set_customers([])
    beat.start()
    panel.search_now()  # what Enter or the end of the typing pause does
    await until(lambda: panel.model.rowCount() == SEARCH_RESULTS, 60, f"{SEARCH_RESULTS} search results")
    await settle()
    return beat.stop()


def _thread(big: int, small: int):
    async def measure(window, beat: Heartbeat) -> float:
        await select_thread(window, small, SMALL_THREAD)
        await settle()
        beat.start()
        await select_thread(window, big, MESSAGES)
        await settle()
        return beat.stop()

    return measure


async def _save(window, beat: Heartbeat) -> float:
    from PySide6.QtCore import Qt

    panel = window.preferences_panel
    model = panel.model
    cell = next(c for c in model.matrix.cells() if model.flags(model.index_of(*c)) & Qt.ItemFlag.ItemIsUserCheckable)
    checked = Qt.CheckState.Unchecked if model.value(cell) else Qt.CheckState.Checked
    model.setData(model.index_of(*cell), checked, Qt.ItemDataRole.CheckStateRole)
    assert panel.is_dirty
    before = panel.last_report
    beat.start()
    panel.save()  # what the confirmation's Save button does
    await until(lambda: panel.last_report is not before and not panel.busy, 60, "the save's report")
    await settle()
    gap = beat.stop()
    if panel.last_report.outcome != "saved":
        raise RuntimeError(f"the save ended {panel.last_report.outcome!r}")
    return gap


async def _browse(window, beat: Heartbeat) -> float:
    panel = window.search_panel
    view, model = panel.results_view, panel.model
    beat.start()
    panel.browse_all()
    while model.rowCount() < BROWSE:
        rows = model.rowCount()
        await until(lambda rows=rows: model.rowCount() > rows, 60, "the next page of members")
        view.scrollToBottom()  # as a user scrolling on: the view asks the model for more
    await settle()
    return beat.stop()


def run(quick: bool) -> list[Figure]:
    from studio_comm.sandbox.demo_data import STUDIO_ID
    from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

    runs = 1 if quick else 3
    config = SandboxConfig(customers=CUSTOMERS, rate_limit=(100_000, 60.0))
    with tempfile.TemporaryDirectory(prefix="bench-freeze-") as tmp, SandboxProcess(config) as sandbox, \
            qt_loop() as loop:
        data_dir = Path(tmp) / "data"
        big, small = write_threads(data_dir / "journal.sqlite", STUDIO_ID, MEMBER, MESSAGES)
        scenarios = {
            f"(a) {SEARCH_RESULTS} search results arrive": _search,
            f"(b) a {MESSAGES:,}-message thread opens": _thread(big, small),
            "(c) the matrix saves and re-reads": _save,
            f"(d) browsing pages through {BROWSE:,} members": _browse,
        }

        async def measure() -> dict[str, list[float]]:
            gaps: dict[str, list[float]] = {name: [] for name in ["idle", *scenarios]}
            async with LaunchedApp(sandbox, data_dir) as window:
                await open_member(window, MEMBER, threads=2)
                await settle(0.5)
                beat = Heartbeat()
                for _ in range(runs):
                    gaps["idle"].append(await _idle(window, beat))
                    for name, scenario in scenarios.items():
                        gaps[name].append(await scenario(window, beat))
                        print(f"  {name}: longest gap {gaps[name][-1]:.0f} ms, UI thread busy "
                              f"{beat.busy_ms:.0f} ms of it", file=sys.stderr, flush=True)
            return gaps

        gaps = loop.run_until_complete(measure())
    idle = statistics.median(gaps.pop("idle"))
    return [
        Figure(name=f"longest UI gap: {name}", value=statistics.median(values), baseline=idle, unit="ms",
               baseline_name="5 ms heartbeat, app idle", target="< 50 ms",
               met=statistics.median(values) < 50.0)
        for name, values in gaps.items()
    ]
