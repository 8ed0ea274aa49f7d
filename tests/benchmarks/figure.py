"""One row of the benchmark table, and the table itself."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str          # what was measured, e.g. "start-up to first window"
    value: float       # median of the runs
    baseline: float    # the same-run baseline it is compared with
    unit: str          # "s", "ms", "MB", "req/min", ...
    baseline_name: str  # what the baseline is, e.g. "bare PySide6 window"
    target: str        # the target in words, e.g. "< 0.6 s and <= 3x baseline"
    met: bool | None   # None when the target cannot be judged from the numbers

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def table(figures: list[Figure]) -> str:
    header = ("figure", "value", "baseline", "ratio", "target", "met", "baseline is")
    rows = [header] + [
        (
            f.name,
            f"{f.value:.3g} {f.unit}",
            f"{f.baseline:.3g} {f.unit}",
            f"{f.ratio:.2f}x",
            f.target,
            {True: "yes", False: "NO", None: "-"}[f.met],
            f.baseline_name,
        )
        for f in figures
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
