"""Start-up: from spawning `python -m studio_comm` to its main window shown.

The app starts with a profile pointing at a sandbox that is already running (so the
sandbox's own start is not counted) and takes the key from a keyring (`BenchKeyring`
through PYTHON_KEYRING_BACKEND). `STUDIO_COMM_SMOKE=1` makes it print `smoke: window
shown` on the first turn of the event loop after the window is shown, then list the
members and quit. The baseline is a bare PySide6 window of the same size, shown the same
way, in the same run; the two alternate so drifting load hits both alike. One untimed
start of each comes first: it warms the disk cache and writes the bytecode an installed
app has (children run without PYTHONDONTWRITEBYTECODE). Target: under 0.6 s and at most 3x the bare
window. Also reported, without a target: spawn to the first members listed (connect and
the first page of "Browse all").
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.figure import Figure
from tests.benchmarks.support import KEY_ENV, PROFILE, ChildRun, bare_window, child_env


def _bare() -> float:
    child = bare_window()
    seconds = child.wait_line("window shown")[0]
    child.finish()
    return seconds


def _app(sandbox, data_dir: Path) -> tuple[float, float]:
    env = child_env(**{KEY_ENV: sandbox.api_key, "STUDIO_COMM_SMOKE": "1",
                       "PYTHON_KEYRING_BACKEND": "tests.benchmarks.support.BenchKeyring"})
    child = ChildRun([sys.executable, "-m", "studio_comm", "--profile", PROFILE, "--base-url",
                      sandbox.base_url, "--data-dir", str(data_dir)], env)
    shown = child.wait_line("smoke: window shown")[0]
    listed = child.wait_line("smoke: ", timeout=60, suffix=" customers")[0]
    child.finish()
    return shown, listed


def run(quick: bool) -> list[Figure]:
    from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

    runs = 3 if quick else 7
    bare, shown, listed = [], [], []
    with SandboxProcess(SandboxConfig()) as sandbox, tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        data_dir = Path(tmp) / "data"
        # Warm-up: the disk cache, compiled bytecode, a journal and settings exist after it.
        _bare()
        _app(sandbox, data_dir)
        for _ in range(runs):
            bare.append(_bare())
            window, members = _app(sandbox, data_dir)
            shown.append(window)
            listed.append(members)
    bare_s, shown_s, listed_s = (statistics.median(v) for v in (bare, shown, listed))
    return [
        Figure(name="start-up to main window shown (profile, keyring)", value=shown_s, baseline=bare_s,
               unit="s", baseline_name="bare PySide6 window (child process)", target="< 0.6 s and <= 3x",
               met=shown_s < 0.6 and shown_s <= 3 * bare_s),
        Figure(name="start-up to first members listed", value=listed_s, baseline=bare_s, unit="s",
               baseline_name="bare PySide6 window (child process)", target="-", met=None),
    ]
