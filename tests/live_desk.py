"""A second desk for the live-update tests: the real app in a process of its own, on a shared
journal, with one member open.

    python -m tests.live_desk --base-url URL --journal TARGET --data-dir DIR --workstation NAME
        --customer ID

The API key comes in STUDIO_COMM_BENCH_KEY, through the benchmarks' keyring backend
(PYTHON_KEYRING_BACKEND=tests.benchmarks.support.BenchKeyring): never on the command
line. It prints one line per thing a test waits for, and shuts down the way the app does
when its standard input closes (or on SIGTERM):

    desk: live                    the feed listener is live (again)
    desk: reconnecting            it lost the feed's connection
    desk: open ID                 the member's preferences are shown
    desk: matrix JSON             they were shown again: {"CATEGORY/CHANNEL": active, ...}
    desk: settled SEQ OUTCOME     this desk settled feed event SEQ (core.live.Settled)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import threading

from tests.benchmarks.support import PROFILE, until


def say(line: str) -> None:
    print(f"desk: {line}", flush=True)


def values(matrix) -> dict[str, bool]:
    return {f"{cat.value}/{ch.value}": bool(matrix.active((cat, ch))) for cat, ch in matrix.cells()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.live_desk")
    for name in ("--base-url", "--journal", "--data-dir", "--workstation"):
        parser.add_argument(name, required=True)
    parser.add_argument("--customer", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from studio_comm.app import event_loop, launch, shutdown
    from studio_comm.ui.events import events

    loop = event_loop()

    async def run() -> None:
        window = launch(["--profile", PROFILE, "--base-url", args.base_url, "--journal", args.journal,
                         "--data-dir", args.data_dir, "--workstation", args.workstation, "--staff", "Second desk"])
        closed = asyncio.Event()

        def close() -> None:
            window.close_discarding()
            closed.set()

        threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(close)), daemon=True).start()
        signal.signal(signal.SIGTERM, lambda *_: loop.call_soon_threadsafe(close))
        live = window.services.live
        live.stateChanged.connect(lambda state: say(state) if state in ("live", "reconnecting") else None)
        live.eventSettled.connect(lambda event, outcome: say(f"settled {event.seq} {outcome}"))
        panel = window.preferences_panel

        def shown(customer_id: int) -> None:
            if panel.editor is not None and panel.editor.matrix is not None and customer_id == args.customer:
                say(f"matrix {json.dumps(values(panel.editor.matrix), sort_keys=True)}")

        try:
            await until(lambda: window.session is not None, 120, "the desk to connect")
            customer = await window.session.client.customer(args.customer)
            window.open_customer(customer)
            await until(lambda: panel.customer is not None and panel.model.matrix is not None and not panel.busy,
                        60, "the member's preferences")
            events().preferencesChanged.connect(shown)
            say(f"open {args.customer}")
            await closed.wait()
        finally:
            window.close_discarding()
            await shutdown(window)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
