"""The desk's new question and windows hold texts 40 % longer (pseudo-translation): the
staff question, the consent history and the shortcuts overview cut nothing off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from studio_comm.ui.staff_prompt import ensure_staff
from tests.fixtures.app import WAIT_MS, type_text
from tests.fixtures.i18n import ask_to_save_one_change, member_open
from tests.ui.test_ui_consent_history import modal, open_history
from tests.ui.test_ui_pseudo import cut_off, pseudo_language  # noqa: F401 - the fixture
from tests.ui.test_ui_shortcuts import open_overview


def test_the_desk_windows_hold_longer_texts(qtbot, pseudo_language, app_window):  # noqa: F811
    window = app_window
    member_open(qtbot, window)
    window.status.set_staff("")
    asked = window.tasks.run(ensure_staff(window))
    prompt = modal(qtbot, "staffPromptDialog")
    assert prompt.windowTitle().startswith("[")  # the pseudo texts are on
    problems = cut_off(qtbot, [prompt])
    type_text(prompt.combo.lineEdit(), "Kim")
    qtbot.mouseClick(prompt.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(asked.done, timeout=WAIT_MS)

    dialog, _cell, _was = ask_to_save_one_change(qtbot, window)
    qtbot.mouseClick(dialog.findChild(QPushButton, "confirmSaveButton"), Qt.MouseButton.LeftButton)
    panel = window.preferences_panel
    qtbot.waitUntil(lambda: panel.last_report is not None and not panel.busy, timeout=WAIT_MS)
    history = open_history(qtbot, window)
    assert len(history.lines()) == 1
    problems += cut_off(qtbot, [history, open_overview(qtbot, window)])
    assert not problems, "cut off:\n" + "\n".join(problems)
