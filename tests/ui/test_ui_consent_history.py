"""Who, when, how: a consent save names a person (asked for when nobody is at the desk),
says how the member expressed the change, and the member's consent history shows and
exports it, through the real window against the sandbox and the run's journal."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton, QRadioButton

from studio_comm.journal import Journal
from studio_comm.ui.labels import cell_label, format_datetime
from studio_comm.ui.staff_prompt import ensure_staff
from tests.fixtures.app import WAIT_MS, open_customer, search, type_text
from tests.ui.test_ui_preferences import (
    NEWSLETTER_EMAIL,
    NEWSLETTER_SMS,
    api_get,
    preference_puts,
    set_in_magicline,
    stored,
    toggle,
    wait_saved,
)

NOTE = "asked at the counter"


@pytest.fixture
def member(qtbot, app_window):
    """A member with newsletter texts and emails on (and nothing else offered), open in the window."""
    sandbox = app_window.sandbox
    candidate = next(c for c in api_get(sandbox, "/v1/customers", sliceSize=50)["result"]
                     if {NEWSLETTER_SMS, NEWSLETTER_EMAIL} <= set(stored(sandbox, c["id"])))
    set_in_magicline(sandbox, candidate["id"], {NEWSLETTER_SMS: True, NEWSLETTER_EMAIL: True})
    search(qtbot, app_window, candidate["customerNumber"])
    open_customer(qtbot, app_window, candidate["id"])
    return candidate


def press_save(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # shortcuts reach the active window only
    qtbot.keyClick(window.preferences_panel.matrix_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def modal(qtbot, name: str):
    qtbot.waitUntil(lambda: (w := QApplication.activeModalWidget()) is not None and w.objectName() == name,
                    timeout=WAIT_MS)
    return QApplication.activeModalWidget()


def confirm(qtbot, window, source: str, note: str = ""):
    """Answer the confirmation: how the member said so, the note, Save. Returns the dialog's lines."""
    dialog = modal(qtbot, "confirmChangesDialog")
    assert dialog.findChild(QRadioButton, "confirmSource_desk").isChecked(), "at a desk, the member is there"
    qtbot.mouseClick(dialog.findChild(QRadioButton, f"confirmSource_{source}"), Qt.MouseButton.LeftButton)
    if note:
        type_text(dialog.note_edit, note)
    lines = dialog.lines(), dialog.recorded_label.text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "confirmSaveButton"), Qt.MouseButton.LeftButton)
    return lines


def audit_of(window, customer_id: int):
    journal = Journal.open(window.data_dir / "journal.sqlite")
    try:
        return journal.audit(customer_id=customer_id)
    finally:
        journal.close()


def open_history(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.search_panel.search_edit, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "consent_history_window", None) is not None
                    and window.consent_history_window.isVisible(), timeout=WAIT_MS)
    history = window.consent_history_window
    qtbot.waitUntil(lambda: window.tasks.pending == 0 and history.count_label.text() != "Reading the journal…",
                    timeout=WAIT_MS)
    return history


def test_a_save_with_nobody_at_the_desk_asks_who_and_records_the_name(qtbot, app_window, member):
    window, status = app_window, app_window.status
    qtbot.waitUntil(lambda: status.staff_combo.count() > 0, timeout=WAIT_MS)  # the studio's employees
    employee = status.staff_combo.itemText(0)
    status.set_staff("")  # the person before went home
    assert window.session.staff is None

    toggle(qtbot, window, NEWSLETTER_SMS)
    window.sandbox.admin.reset_received()
    press_save(qtbot, window)
    prompt = modal(qtbot, "staffPromptDialog")
    combo = prompt.combo
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert employee in offered and len(offered) > 1, "the studio's employees and the computer's user"
    assert combo.currentText() == "", "nobody is chosen for them"
    assert not prompt.continue_button.isEnabled()
    assert preference_puts(window.sandbox) == [], "nothing is written while the question is open"
    type_text(combo.lineEdit(), employee)
    qtbot.mouseClick(prompt.continue_button, Qt.MouseButton.LeftButton)

    (lines, recorded) = confirm(qtbot, window, "phone", NOTE)
    assert lines == ["Newsletter / Text message: on → off"]
    assert recorded == f"Recorded as {employee} at {window.session.workstation}."
    assert wait_saved(qtbot, window).outcome == "saved"
    assert status.staff == employee and status.staff_combo.currentText() == employee
    assert window.session.staff == employee and window.settings.value("staff") == employee
    [entry] = audit_of(window, member["id"])
    assert (entry.staff, entry.workstation) == (employee, window.session.workstation)
    assert (entry.intent["source"], entry.intent["note"]) == ("phone", NOTE)

    # Asked once: the next save goes straight to its confirmation.
    toggle(qtbot, window, NEWSLETTER_SMS)
    press_save(qtbot, window)
    modal(qtbot, "confirmChangesDialog").reject()


def test_declining_to_say_who_is_there_saves_nothing_and_keeps_the_edit(qtbot, app_window, member):
    window, panel = app_window, app_window.preferences_panel
    window.status.set_staff("")
    toggle(qtbot, window, NEWSLETTER_SMS)
    window.sandbox.admin.reset_received()
    press_save(qtbot, window)
    modal(qtbot, "staffPromptDialog").reject()
    qtbot.waitUntil(lambda: "who is at the desk" in panel.status_label.text(), timeout=WAIT_MS)
    assert panel.is_dirty and panel.confirmation_dialog is None
    assert preference_puts(window.sandbox) == [] and audit_of(window, member["id"]) == []
    assert stored(window.sandbox, member["id"])[NEWSLETTER_SMS] is True


def test_two_writers_at_once_get_one_question(qtbot, app_window):
    window = app_window
    window.status.set_staff("")
    first = window.tasks.run(ensure_staff(window.preferences_panel))
    second = window.tasks.run(ensure_staff(window.conversation_panel))
    prompt = modal(qtbot, "staffPromptDialog")
    qtbot.waitUntil(lambda: window.tasks.pending == 2, timeout=WAIT_MS)
    prompts = [w for w in QApplication.topLevelWidgets() if w.objectName() == "staffPromptDialog" and w.isVisible()]
    assert prompts == [prompt]
    type_text(prompt.combo.lineEdit(), "Aushilfe Kim")
    qtbot.mouseClick(prompt.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.done() and second.done(), timeout=WAIT_MS)
    assert (first.result(), second.result()) == ("Aushilfe Kim", "Aushilfe Kim")
    assert window.session.staff == "Aushilfe Kim"


def test_the_history_shows_who_when_and_how_newest_first(qtbot, app_window, member):
    window = app_window
    toggle(qtbot, window, NEWSLETTER_SMS)
    press_save(qtbot, window)
    confirm(qtbot, window, "phone", NOTE)
    assert wait_saved(qtbot, window).outcome == "saved"
    history = open_history(qtbot, window)
    [entry] = audit_of(window, member["id"])
    desk = f"Desk Test at {window.session.workstation}"
    assert history.lines() == [
        f"Newsletter / Text message: on → off · {desk} · by phone · {format_datetime(entry.at)} · “{NOTE}”"]
    assert history.member_label.text() == f"{window.customer.display_name} · Customer no. {member['customerNumber']}"

    # Changed again while the history is open: the new line comes first, at once.
    toggle(qtbot, window, NEWSLETTER_SMS)
    press_save(qtbot, window)
    confirm(qtbot, window, "writing")
    assert wait_saved(qtbot, window).outcome == "saved"
    qtbot.waitUntil(lambda: len(history.lines()) == 2, timeout=WAIT_MS)
    newest = audit_of(window, member["id"])[0]
    assert history.lines()[0] == (
        f"Newsletter / Text message: off → on · {desk} · in writing · {format_datetime(newest.at)}")


def test_a_change_seen_from_outside_and_a_save_that_did_not_go_through_are_in_the_history(
        qtbot, app_window, member):
    window, sandbox, panel = app_window, app_window.sandbox, app_window.preferences_panel
    # Texts changed in Magicline after the member was opened: the save is a conflict; once
    # it is settled, the rest (the emails) is saved with what the confirmation said.
    toggle(qtbot, window, NEWSLETTER_SMS)
    toggle(qtbot, window, NEWSLETTER_EMAIL)
    set_in_magicline(sandbox, member["id"], {NEWSLETTER_SMS: False, NEWSLETTER_EMAIL: True})
    press_save(qtbot, window)
    confirm(qtbot, window, "email", NOTE)
    conflict = modal(qtbot, "conflictDialog")
    qtbot.mouseClick(conflict.findChild(QPushButton, "conflictSaveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.last_report.outcome == "saved" and not panel.busy, timeout=WAIT_MS)
    # What the studio's setup records for a change made outside studio-comm (a webhook).
    texts = [{"messageCategory": "NEWSLETTER", "channels": [
        {"communicationChannel": "TEXT_MESSAGE", "customerOverridable": True, "active": active}]} for active in (0, 1)]
    added = window.tasks.run(window.session.journal.add_audit(
        "preferences_external", studio_id=window.session.studio_id, customer_id=member["id"],
        before=texts[:1], after=texts[1:], outcome="saved"))
    qtbot.waitUntil(added.done, timeout=WAIT_MS)

    history = open_history(qtbot, window)
    external, saved, conflicted = audit_of(window, member["id"])
    assert (external.action, saved.outcome, conflicted.outcome) == ("preferences_external", "saved", "conflict")
    desk = f"Desk Test at {window.session.workstation}"
    assert history.lines() == [
        f"Newsletter / Text message: off → on · changed outside studio-comm · {format_datetime(external.at)}",
        f"Newsletter / Email: on → off · {desk} · by email · {format_datetime(saved.at)} · “{NOTE}”",
        f"Newsletter / Text message: on → off (intended; Conflict, not saved) · {desk} · by email · "
        f"{format_datetime(conflicted.at)} · “{NOTE}”",
        f"Newsletter / Email: on → off (intended; Conflict, not saved) · {desk} · by email · "
        f"{format_datetime(conflicted.at)} · “{NOTE}”",
    ]


def test_the_history_exports_as_the_proof_a_dispute_needs(qtbot, app_window, member, tmp_path):
    window = app_window
    toggle(qtbot, window, NEWSLETTER_SMS)
    press_save(qtbot, window)
    confirm(qtbot, window, "phone", "=HYPERLINK(\"x\") am Tresen")
    assert wait_saved(qtbot, window).outcome == "saved"
    history = open_history(qtbot, window)
    path = tmp_path / "proof.csv"
    history.separator_combo.setCurrentIndex(history.separator_combo.findData(";"))
    qtbot.mouseClick(history.export_button, Qt.MouseButton.LeftButton)
    dialog = history.findChild(QFileDialog, "consentHistoryExportDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith(f"consent-history-{member['customerNumber']}-"
                                              f"{audit_of(window, member['id'])[0].at:%Y-%m-%d}.csv")
    dialog.selectFile(str(path))
    dialog.accept()
    qtbot.waitUntil(lambda: "Exported 1 change" in history.statusBar().currentMessage(), timeout=WAIT_MS)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    record = dict(zip(header, row, strict=True))
    [entry] = audit_of(window, member["id"])
    assert record["Time (UTC)"] == f"{entry.at:%Y-%m-%d %H:%M:%S}"
    assert (record["Customer ID"], record["Consent"], record["Before"], record["After"]) == (
        str(member["id"]), cell_label(NEWSLETTER_SMS), "on", "off")
    assert (record["Staff"], record["Workstation"], record["How the member said so"]) == (
        "Desk Test", window.session.workstation, "by phone")
    assert record["Note"] == "'=HYPERLINK(\"x\") am Tresen", "a note never runs as a formula"
    assert (record["Outcome"], record["Request ID"]) == ("Saved", entry.request_id)
    assert record["Change"] == history.lines()[0]


def test_the_history_follows_the_open_member_and_shows_names_as_plain_text(qtbot, app_window, member):
    window = app_window
    window.status.set_staff("<b>Kim</b>")
    toggle(qtbot, window, NEWSLETTER_SMS)
    press_save(qtbot, window)
    confirm(qtbot, window, "other", "<i>per Zettel</i>")
    assert wait_saved(qtbot, window).outcome == "saved"
    history = open_history(qtbot, window)
    [line] = history.lines()
    assert "<b>Kim</b> at " in line and " · another way · " in line and "“<i>per Zettel</i>”" in line
    tooltip = history.list.item(0).toolTip()
    assert "<b>" not in tooltip and "&lt;b&gt;Kim" in tooltip, "a tooltip that looks like markup is escaped"

    other = next(c for c in search(qtbot, window, "Weber") if c.id != member["id"])
    open_customer(qtbot, window, other.id)
    qtbot.waitUntil(lambda: history.customer is not None and history.customer.id == other.id
                    and history.count_label.text().startswith("No consent change"), timeout=WAIT_MS)
    assert history.lines() == [] and not history.export_button.isEnabled()
    assert other.display_name in history.windowTitle()
