"""PySide6 6.12.0 on Python 3.11 drops a reference to True/None on every Python-side signal
emit and timer callback, and the interpreter aborts after a few thousand. The dependency
pin keeps that combination out; this soak fails if any future version brings it back.
It runs in a child process so a fatal abort is reported as a failure, not a dead suite."""

import os
import subprocess
import sys

SOAK = r"""
import asyncio, sys
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication
import qasync

class Emitter(QObject):
    fired = Signal(bool)

app = QApplication(sys.argv)
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
emitter = Emitter()
seen = []
emitter.fired.connect(seen.append)

async def soak():
    for i in range(20_000):
        emitter.fired.emit(i % 2 == 0)
        await asyncio.sleep(0)
    fired = []
    for _ in range(2_000):
        QTimer.singleShot(0, lambda: fired.append(None))
    while len(fired) < 2_000:
        await asyncio.sleep(0)
    return len(seen), len(fired)

print(*loop.run_until_complete(soak()))
"""


def test_twenty_thousand_qasync_iterations_and_emits_do_not_abort():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SOAK], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["20000", "2000"]
