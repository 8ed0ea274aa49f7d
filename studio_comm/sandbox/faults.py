"""Faults on demand: the bad days of a real server, for tests and demos.

A spec is a list of faults separated by ";". Each fault is
`KIND[=VALUE][:OPTION=VALUE...][@PATH_PREFIX]`:

- `latency=MS`      add MS milliseconds before answering (adds up with other faults)
- `status=CODE`     answer CODE (500, 503, 409, 429, ...) with an ErrorResponse body
- `drop`            close the connection without any response
- `hang=SECONDS`    answer nothing for SECONDS (default 60) or until the client gives up
- `malformed`       answer 200 with a truncated JSON body
- `enum`            answer normally but with an enum value no client knows
                    (channel WHATSAPP in preferences, status PAUSED elsewhere)

Options: `share=0.25` (fraction of matching requests, drawn from a seeded random
generator), `count=N` (only the next N matching requests; deterministic), `skip=N` (let
the next N matching requests pass first), `method=PUT`,
`after` (drop, hang and malformed only: carry the request out first, then lose or garble
its answer: a write that was applied although the client cannot tell).
`@/v1/communications` limits a fault to paths starting with that prefix.
Example: `status=503:count=1@/v1/communications;latency=150`.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

KINDS = ("latency", "status", "drop", "hang", "malformed", "enum")


class FaultSpecError(ValueError):
    pass


@dataclass
class Fault:
    kind: str
    value: float | None = None
    share: float = 1.0
    count: int | None = None
    method: str | None = None
    prefix: str = ""
    after: bool = False  # the operation runs before the answer is lost
    skip: int = 0  # matching requests still to let pass

    def matches(self, method: str, path: str) -> bool:
        return (path.startswith(self.prefix) and (self.method is None or self.method == method)
                and (self.count is None or self.count > 0))


def parse(spec: str) -> list[Fault]:
    faults = []
    for part in filter(None, (p.strip() for p in (spec or "").split(";"))):
        body, _, prefix = part.partition("@")
        head, *options = body.split(":")
        kind, _, value = head.partition("=")
        kind = kind.strip().lower()
        if kind not in KINDS:
            raise FaultSpecError(f"unknown fault kind {kind!r} (known: {', '.join(KINDS)})")
        fault = Fault(kind, prefix=prefix.strip())
        try:
            if kind in ("latency", "status", "hang"):
                if value:
                    fault.value = float(value)
                elif kind == "hang":
                    fault.value = 60.0
                else:
                    raise FaultSpecError(f"fault {kind!r} needs a value, e.g. {kind}=500")
            for option in options:
                name, _, val = option.partition("=")
                if name == "share":
                    fault.share = float(val)
                    if not 0.0 <= fault.share <= 1.0:
                        raise FaultSpecError("share must be between 0 and 1")
                elif name == "count":
                    fault.count = int(val)
                elif name == "skip":
                    fault.skip = int(val)
                elif name == "method":
                    fault.method = val.upper()
                elif name == "after" and not val:
                    if kind not in ("drop", "hang", "malformed"):
                        raise FaultSpecError(f"option 'after' does not apply to fault {kind!r}")
                    fault.after = True
                else:
                    raise FaultSpecError(f"unknown fault option {name!r}")
        except FaultSpecError:
            raise
        except ValueError:
            raise FaultSpecError(f"bad number in fault {part!r}") from None
        faults.append(fault)
    return faults


@dataclass(frozen=True)
class Decision:
    latency: float = 0.0          # seconds
    outcome: Fault | None = None  # the one non-latency fault that applies, if any


class Faults:
    """The active faults; `decide` picks what happens to one request (thread-safe)."""

    def __init__(self, spec: str = "", seed: int = 1) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self.set(spec)
        self._initial = self.spec

    def reset(self) -> None:
        """Back to the spec given at start, with fresh counts and random sequence."""
        self.set(self._initial)

    def set(self, spec: str) -> None:
        faults = parse(spec)  # raises before anything changes
        with self._lock:
            self.spec, self._faults = spec or "", faults
            self._rng = random.Random(f"faults-{self._seed}")

    def decide(self, method: str, path: str) -> Decision:
        latency, outcome = 0.0, None
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.kind != "latency" and outcome is not None:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.share < 1.0 and self._rng.random() >= fault.share:
                    continue
                if fault.count is not None:
                    fault.count -= 1
                if fault.kind == "latency":
                    latency += (fault.value or 0.0) / 1000.0
                else:
                    outcome = fault
        return Decision(latency, outcome)
