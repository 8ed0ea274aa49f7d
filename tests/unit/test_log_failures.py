"""Python warnings fail the test that logs them (tests/fixtures/logs.py), run on a small suite
in a separate pytest process, so that its records stay out of this test's own log."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SUITE = '''
import logging
import threading

import pytest

log = logging.getLogger("studio_comm.example")


def test_unexpected_warning():
    log.warning("disk %s almost full", "/var")


def test_error_from_another_thread():
    worker = threading.Thread(target=lambda: logging.getLogger("uvicorn.error").error("worker died"))
    worker.start()
    worker.join()


@pytest.fixture
def closes_badly():
    yield
    log.error("could not close the journal")


def test_error_in_a_fixture_teardown(closes_badly):
    pass


def test_info_and_debug_pass():
    log.info("connected")
    log.debug("details")


def test_expected_warning_passes(expect_log):
    expect_log("studio_comm", logging.WARNING, r"outcome unknown: ReadTimeout")
    log.warning("POST /threads outcome unknown: %s", "ReadTimeout")
    log.warning("PUT /threads/1 outcome unknown: ReadTimeout")


def test_expected_warning_that_never_came(expect_log):
    expect_log("studio_comm.example", logging.WARNING, r"retry")


def test_expectation_is_for_its_level_and_logger_only(expect_log):
    expect_log("studio_comm.example", logging.WARNING, r"lost")
    log.warning("connection lost")
    log.error("connection lost")
    logging.getLogger("studio_comm.examples").warning("connection lost")


def test_failing_test_is_not_also_blamed_for_the_missing_warning(expect_log):
    expect_log("studio_comm.example", logging.WARNING, r"retry")
    assert False, "the test's own failure"
'''


def test_warnings_fail_unless_declared_and_declared_ones_must_come(pytester, monkeypatch):
    pytester.makeconftest('pytest_plugins = ["tests.fixtures.logs"]\n')
    pytester.makepyfile(test_suite=SUITE)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA")

    summary = result.stdout.str()
    # -rA's summary: a line per outcome ("PASSED test_suite.py::name"); an error at teardown
    # comes after the test's own outcome, so the last line of a test is its verdict.
    verdict = {}
    for line in result.stdout.lines:
        word, _, rest = line.partition(" test_suite.py::")
        if rest and word in ("PASSED", "FAILED", "ERROR"):
            verdict[rest.split(" ")[0]] = word
    assert verdict == {
        "test_unexpected_warning": "ERROR",
        "test_error_from_another_thread": "ERROR",
        "test_error_in_a_fixture_teardown": "ERROR",
        "test_info_and_debug_pass": "PASSED",
        "test_expected_warning_passes": "PASSED",
        "test_expected_warning_that_never_came": "ERROR",
        "test_expectation_is_for_its_level_and_logger_only": "ERROR",
        "test_failing_test_is_not_also_blamed_for_the_missing_warning": "FAILED",
    }, summary

    # Each record is listed with its level, logger and message.
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_unexpected_warning*",
        "Python log records at WARNING or above*",
        "WARNING studio_comm.example (*test_suite.py:*): disk /var almost full",
    ])
    result.stdout.fnmatch_lines(["ERROR uvicorn.error (*): worker died"])
    result.stdout.fnmatch_lines(["ERROR studio_comm.example (*): could not close the journal"])
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_expectation_is_for_its_level_and_logger_only*",
        "Python log records at WARNING or above*",
        "ERROR studio_comm.example (*): connection lost",
        "WARNING studio_comm.examples (*): connection lost",
    ])
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_expected_warning_that_never_came*",
        "Python log records at WARNING or above*",
        "expected and not logged: studio_comm.example WARNING matching 'retry'",
    ])
    assert "ERROR at teardown of test_failing_test_is_not_also_blamed" not in summary
