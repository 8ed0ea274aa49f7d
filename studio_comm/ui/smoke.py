"""Smoke mode for installed builds: `STUDIO_COMM_SMOKE=1 studio-comm --demo`.

Prints `smoke: window shown` once the main window is up, lists the members as soon as a
studio is connected, prints `smoke: N customers` once the list shows N > 0 of them, and
closes the window (the normal shutdown: sandbox, client and journal are closed). Without
customers after GIVE_UP_MS it prints `smoke: gave up ...` and closes the window all the
same, so a broken install fails in seconds, not at a test's timeout. Packaging tests use
it to check an installed app end to end and to time its start.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from studio_comm.core.session import StudioSession
    from studio_comm.ui.main_window import MainWindow

ENV = "STUDIO_COMM_SMOKE"
GIVE_UP_MS = 90_000


def watch_if_requested(window: MainWindow) -> None:
    if os.environ.get(ENV):
        watch(window)


def watch(window: MainWindow) -> None:
    panel = window.search_panel
    model = panel.model
    done = False

    def say(line: str) -> None:
        print(f"smoke: {line}", flush=True)

    def connected(session: StudioSession | None) -> None:
        if session is not None:
            panel.browse_all()

    def rows_changed(*_args) -> None:
        nonlocal done
        count = model.rowCount()
        if count and not done:
            done = True
            say(f"{count} customers")
            QTimer.singleShot(0, window.close)

    def give_up() -> None:
        if not done:
            say(f"gave up: no customers after {GIVE_UP_MS // 1000} s ({window.status.studio_label.text()})")
            window.close()

    window.sessionChanged.connect(connected)
    model.rowsInserted.connect(rows_changed)
    model.modelReset.connect(rows_changed)
    # The first turn of the event loop after show(): the window is mapped and painted.
    QTimer.singleShot(0, lambda: say("window shown"))
    QTimer.singleShot(GIVE_UP_MS, window, give_up)
