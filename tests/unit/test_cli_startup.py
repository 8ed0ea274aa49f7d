"""The start-up order that makes the window come fast, checked in a child process: the main
window is built and shown with Qt and ui/ alone, and the Qt-free stack behind it (client,
use cases, journal, pydantic, httpx, SQLAlchemy, keyring) is imported afterwards, while the
event loop runs. tests/benchmarks/bench_startup.py measures what this order gains."""

from __future__ import annotations

import json
import os
import subprocess
import sys

STACK = ["pydantic", "httpx", "sqlalchemy", "keyring", "uvicorn", "studio_comm.api.models", "studio_comm.api.client",
         "studio_comm.core.session", "studio_comm.journal.store", "studio_comm.sandbox.server"]

CHILD = """
import json, sys, time
from studio_comm.app import event_loop, launch, shutdown

stack = json.loads(sys.argv[1])
loop = event_loop()
window = launch(["--data-dir", sys.argv[2]])
shown_with = [m for m in stack if m in sys.modules]
visible = window.isVisible()

async def imported_later():
    deadline = time.monotonic() + 60
    while not all(m in sys.modules for m in ("studio_comm.api.client", "studio_comm.core.session",
                                             "studio_comm.journal.store")):
        if time.monotonic() > deadline:
            return False
        await __import__("asyncio").sleep(0.01)
    return True

later = loop.run_until_complete(imported_later())
window.close_discarding()
loop.run_until_complete(shutdown(window))
loop.close()
print(json.dumps({"visible": visible, "shown_with": shown_with, "imported_later": later}), flush=True)
"""


def test_the_window_shows_before_the_stack_behind_it_is_imported(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(STACK), str(tmp_path / "data")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result == {"visible": True, "shown_with": [], "imported_later": True}
