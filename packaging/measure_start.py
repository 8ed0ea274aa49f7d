"""Time an installed or built studio-comm from process start to its first window.

    python packaging/measure_start.py [EXECUTABLE] [-n RUNS]

EXECUTABLE defaults to the application folder that `./dev build` left in build/packaging/.
Each run starts `EXECUTABLE --demo` offscreen in smoke mode (STUDIO_COMM_SMOKE=1) and
notes when it prints `smoke: window shown` and `smoke: N customers`; one warm-up run is
not counted. Prints the medians.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120.0


def one_run(executable: Path, data_dir: Path) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDIO_COMM_SMOKE": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen([str(executable), "--demo", "--data-dir", str(data_dir)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    window = customers = None
    try:
        for line in proc.stdout:  # the app flushes each smoke line
            now = time.perf_counter() - started
            if line.startswith("smoke: window shown"):
                window = now
            elif line.startswith("smoke:") and line.rstrip().endswith("customers"):
                customers = now
            if now > TIMEOUT:
                break
        proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if window is None or customers is None:
        raise SystemExit(f"{executable} did not reach its window and customers (exit {proc.returncode})")
    return window, customers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executable", nargs="?", type=Path)
    parser.add_argument("-n", "--runs", type=int, default=7)
    options = parser.parse_args(argv)
    executable = options.executable
    if executable is None:
        found = sorted((ROOT / "build" / "packaging").glob("studio-comm-*-linux-*/app/studio-comm"))
        if not found:
            parser.error("no built application folder: run ./dev build, or name the executable")
        executable = found[-1]
    with tempfile.TemporaryDirectory() as data_dir:
        one_run(executable, Path(data_dir))  # warm-up: disk cache, first journal
        runs = [one_run(executable, Path(data_dir)) for _ in range(options.runs)]
    window = statistics.median(r[0] for r in runs)
    customers = statistics.median(r[1] for r in runs)
    print(f"{executable}: median of {options.runs} runs (offscreen, --demo)")
    print(
        f"  first window      {window:.3f} s   (min {min(r[0] for r in runs):.3f}, max {max(r[0] for r in runs):.3f})"
    )
    print(
        f"  demo customers    {customers:.3f} s   "
        f"(min {min(r[1] for r in runs):.3f}, max {max(r[1] for r in runs):.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
