"""The front desk's new questions and windows in German: who is at the desk, how the member
said so, the consent history and the shortcuts overview, with no English left."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QRadioButton

from studio_comm.ui.staff_prompt import ensure_staff
from tests.fixtures.app import WAIT_MS, type_text
from tests.fixtures.i18n import ask_to_save_one_change, member_open, visible_texts
from tests.ui.test_ui_consent_history import modal, open_history
from tests.ui.test_ui_german import english_words, words
from tests.ui.test_ui_shortcuts import open_overview


def english_in(widget, *data: str) -> list[str]:
    vocabulary = english_words() - words(" ".join(filter(None, data)))
    return [f"{where}: {text!r}" for where, text in visible_texts(widget) if words(text) & vocabulary]


def test_who_how_and_the_history_in_german(qtbot, german_settings, app_window):
    window = app_window
    member = member_open(qtbot, window)
    window.status.set_staff("")
    asked = window.tasks.run(ensure_staff(window))
    prompt = modal(qtbot, "staffPromptDialog")
    assert prompt.windowTitle() == "Wer ist am Empfang?"
    assert not english_in(prompt, *[prompt.combo.itemText(i) for i in range(prompt.combo.count())])
    type_text(prompt.combo.lineEdit(), "Kim Ölçer")
    qtbot.mouseClick(prompt.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(asked.done, timeout=WAIT_MS)

    dialog, _cell, _was = ask_to_save_one_change(qtbot, window)
    data = (member.display_name, window.status.staff, window.session.workstation)
    assert not english_in(dialog, *data), "English in the confirmation"
    assert dialog.recorded_label.text() == f"Erfasst als Kim Ölçer an {window.session.workstation}."
    qtbot.mouseClick(dialog.findChild(QRadioButton, "confirmSource_phone"), Qt.MouseButton.LeftButton)
    type_text(dialog.note_edit, "am Tresen gefragt")
    qtbot.mouseClick(dialog.findChild(QPushButton, "confirmSaveButton"), Qt.MouseButton.LeftButton)
    panel = window.preferences_panel
    qtbot.waitUntil(lambda: panel.last_report is not None and not panel.busy, timeout=WAIT_MS)

    history = open_history(qtbot, window)
    assert not english_in(history, *data, window.studio.name), "English in the consent history"
    [line] = history.lines()
    assert re.fullmatch(r".+: (an → aus|aus → an) · Kim Ölçer an .+ · telefonisch · "
                        r"\d\d\.\d\d\.\d{4} \d\d:\d\d · „am Tresen gefragt“", line), line
    assert history.count_label.text() == "1 Änderung der Einwilligungen"


def test_the_shortcuts_overview_in_german(qtbot, german_settings, app_window):
    dialog = open_overview(qtbot, app_window)
    rows = dict((what, keys) for keys, what in dialog.rows())
    assert rows["Mitglied suchen"] == "Strg+F"
    assert rows["Neuen Verlauf beginnen"] == "Strg+N" and rows["Einwilligungen speichern"] == "Strg+S"
    assert rows["Nachricht senden"].startswith("Strg+")
    assert "Tastenkürzel" in rows
    assert not english_in(dialog), "English in the shortcuts overview"
