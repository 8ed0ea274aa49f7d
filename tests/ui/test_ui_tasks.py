"""The UI's one way to run background work and to ask: `TaskRunner` and `ask`, on real
dialogs and the real qasync loop (the panels' use of them is tested through the panels)."""

from __future__ import annotations

import asyncio

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from studio_comm.ui.tasks import TaskRunner, ask
from tests.fixtures.logs import BACKGROUND_FAILED

WAIT_MS = 5_000


@pytest.fixture
def parent(qtbot, qloop):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def answered(qtbot, future):
    qtbot.waitUntil(future.done, timeout=WAIT_MS)
    return future.result()


def test_ask_a_message_box_answers_the_clicked_button_without_blocking_the_loop(qtbot, parent):
    box = QMessageBox(QMessageBox.Icon.Question, "Resend", "Send it again?", QMessageBox.StandardButton.Cancel, parent)
    resend = box.addButton("Resend", QMessageBox.ButtonRole.AcceptRole)
    answer = ask(box)
    # Open at once, modal to its window only, and the loop runs on: a timer still fires.
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.WindowModal
    ticks = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=WAIT_MS)
    assert not answer.done()

    qtbot.mouseClick(resend, Qt.MouseButton.LeftButton)
    assert answered(qtbot, answer) is resend
    qtbot.waitUntil(lambda: not shiboken6.isValid(box), timeout=WAIT_MS)  # deleted once answered


def test_ask_a_message_box_closed_with_cancel_answers_cancel(qtbot, parent):
    box = QMessageBox(QMessageBox.Icon.Question, "Refresh", "Discard?", QMessageBox.StandardButton.Cancel, parent)
    box.addButton("Discard and refresh", QMessageBox.ButtonRole.DestructiveRole)
    answer = ask(box)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert answered(qtbot, answer) is box.button(QMessageBox.StandardButton.Cancel)


def test_ask_a_file_dialog_answers_the_chosen_file_or_none(qtbot, parent, tmp_path):
    dialog = QFileDialog(parent, "Export", str(tmp_path / "export.csv"), "CSV files (*.csv)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    answer = ask(dialog)
    dialog.selectFile(str(tmp_path / "chosen.csv"))
    dialog.accept()
    assert answered(qtbot, answer) == str(tmp_path / "chosen.csv")

    dialog = QFileDialog(parent, "Export", str(tmp_path), "CSV files (*.csv)")
    answer = ask(dialog)
    dialog.reject()
    assert answered(qtbot, answer) is None


def test_ask_any_other_dialog_answers_its_result_code(qtbot, parent):
    dialog = QDialog(parent)
    answer = ask(dialog)
    dialog.done(3)  # e.g. "follow up" in the open-threads offer
    assert answered(qtbot, answer) == 3

    dialog = QDialog(parent)
    answer = ask(dialog)
    dialog.accept()
    assert answered(qtbot, answer) == QDialog.DialogCode.Accepted


def test_a_question_nobody_waits_for_is_closed(qtbot, parent):
    dialog = QDialog(parent)
    runner = TaskRunner(parent)

    async def flow():
        await ask(dialog)

    task = runner.run(flow())
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    task.cancel()  # e.g. the app shuts down
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=WAIT_MS)
    assert task.cancelled()


def test_a_dialog_destroyed_unanswered_answers_as_declined(qtbot, qloop):
    owner = QWidget()
    owner.show()
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", "Discard?", QMessageBox.StandardButton.Cancel,
                      owner)
    box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    answer = ask(box)
    owner.deleteLater()  # the window goes, and its dialog with it
    assert answered(qtbot, answer) is None


# -- the runner --------------------------------------------------------------------------------

def test_a_newer_run_under_a_key_drops_the_late_answer_of_the_older(qtbot, qloop):
    runner = TaskRunner()
    slow, fast = asyncio.Event(), asyncio.Event()
    shown, failures = [], []
    runner.failed.connect(failures.append)

    async def answer(event: asyncio.Event, value: str) -> str:
        await event.wait()
        return value

    async def failing(event: asyncio.Event) -> str:
        await event.wait()
        raise RuntimeError("the old member's read failed")

    older = runner.run(answer(slow, "Anna"), on_result=shown.append, key="member")
    newer = runner.run(answer(fast, "Ben"), on_result=shown.append, key="member")
    other = runner.run(answer(fast, "threads"), on_result=shown.append, key="threads")
    fast.set()
    qtbot.waitUntil(lambda: newer.done() and other.done(), timeout=WAIT_MS)
    slow.set()
    qtbot.waitUntil(lambda: older.done() and runner.pending == 0, timeout=WAIT_MS)
    assert shown == ["Ben", "threads"], "the older answer came last and was dropped"
    assert not older.cancelled(), "superseded work is not cancelled: it may be a write"

    # drop(): the member was closed; neither the result nor the error of a run for it arrives.
    late = asyncio.Event()
    result = runner.run(answer(late, "Anna again"), on_result=shown.append, key="member")
    error = runner.run(failing(late), on_result=shown.append, key="member.consent")
    runner.drop("member", "member.consent")
    late.set()
    qtbot.waitUntil(lambda: result.done() and error.done() and runner.pending == 0, timeout=WAIT_MS)
    assert shown == ["Ben", "threads"] and failures == []


def test_refreshes_asked_for_while_one_runs_make_one_more_run_with_the_newest_answer(qtbot, qloop):
    """A burst of changes from other desks: two reads, not one per change, the last one fresh."""
    runner = TaskRunner()
    gate = asyncio.Event()
    reads, shown = [], []
    state = {"value": 0}

    async def read() -> int:
        reads.append(state["value"])
        await gate.wait()
        return state["value"]

    runner.refresh("timeline", read, on_result=shown.append)
    for value in range(1, 51):  # 50 changes arrive while the first read runs
        state["value"] = value
        runner.refresh("timeline", read, on_result=shown.append)
    qtbot.waitUntil(lambda: len(reads) == 1, timeout=WAIT_MS)
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_MS)
    assert len(reads) == 2 and shown[-1] == 50, "one more read, started after the last change"

    # drop(): the member was closed; the refresh asked for meanwhile does not run either.
    gate.clear()
    runner.refresh("timeline", read, on_result=shown.append)
    runner.refresh("timeline", read, on_result=shown.append)
    runner.drop("timeline")
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_MS)
    assert len(reads) == 3 and shown[-1] == 50


def test_errors_reach_the_failed_signal_unless_handled_and_runs_within_count_for_the_outer(qtbot, qloop, expect_log):
    expect_log(*BACKGROUND_FAILED)
    main = TaskRunner()
    window = TaskRunner(within=main)
    failures, handled = [], []
    main.failed.connect(lambda exc: failures.append(("main", exc)))
    window.failed.connect(lambda exc: failures.append(("window", exc)))
    gate = asyncio.Event()

    async def fails(message: str) -> None:
        await gate.wait()
        raise ValueError(message)

    window.run(fails("shown in the window's banner"))
    window.run(fails("worded in place"), on_error=handled.append)
    assert (window.pending, main.pending) == (2, 2), "the main runner's shutdown waits for both"
    gate.set()
    qtbot.waitUntil(lambda: main.pending == 0, timeout=WAIT_MS)
    assert [(where, str(exc)) for where, exc in failures] == [("window", "shown in the window's banner")]
    assert [str(exc) for exc in handled] == ["worded in place"]
    window.report("Connect to a studio first.")
    assert failures[-1] == ("window", "Connect to a studio first.")
