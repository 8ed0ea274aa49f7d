"""Suite-wide setup: offscreen Qt, garbage collection on the main thread, fixture modules
(among them tests.fixtures.logs: Python warnings fail tests, as Qt warnings do)."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR", "1")
# The app follows the OS language; tests run in English on any machine (German tests
# choose German through the app's own setting). Qt reads LANGUAGE before LC_ALL and LANG.
os.environ["LANGUAGE"] = "en"

pytest_plugins = [
    "tests.fixtures.qt",
    "tests.fixtures.keyring",
    "tests.fixtures.sandbox",
    "tests.fixtures.journal",
    "tests.fixtures.app",
    "tests.fixtures.i18n",
    "tests.fixtures.logs",
    "pytester",  # tests/unit/test_log_failures.py runs a small suite of its own
]


def pytest_sessionstart(session):
    # Python's cyclic GC runs in whichever thread allocates; if a server or executor thread
    # frees a QObject with live timers, Qt aborts. Collect only here, on the main thread.
    gc.disable()


def pytest_runtest_teardown(item, nextitem):
    gc.collect()
