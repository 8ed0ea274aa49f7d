"""Saved replies at the front desk, through the real app against the sandbox: inserted with
the picker (Ctrl+Shift+R) and by typing `/code`, every variable filled with the open
member, the staff member at the desk and the studio; a variable without a value marked
and holding Send back until it is replaced; a reply another desk created on a shared
PostgreSQL journal offered at once; the set exported, imported into a fresh journal, and
broken or foreign files refused without a change; the demo's German sample replies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from studio_comm.api.enums import Channel, MessageCategory
from studio_comm.app import launch, shutdown
from studio_comm.core.credentials import SERVICE
from studio_comm.core.saved_replies import ReplyText
from studio_comm.ui.saved_reply_dialogs import SavedRepliesDialog, SavedReplyPicker
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE, WAIT_MS, type_text, wait_for_preferences
from tests.fixtures.qt import run_async
from tests.ui.test_ui_conversation import preferences

CUSTOMER_ID = 1_000_042
OTHER_ID = 1_000_043
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton

COURSES = ReplyText(
    "Kursplan", "kurs", "Kursplan für {{member.first_name}}",
    "Hallo {{member.first_name}} {{member.last_name}} ({{member.customer_number}}), der Kursplan hängt an "
    "der Theke. {{staff.name}}, {{studio.name}}")


def create(qtbot, window, text: ReplyText):
    return run_async(qtbot, window.session.saved_replies.create(text), timeout=WAIT_MS / 1000)


def open_member(qtbot, window, customer_id: int = CUSTOMER_ID):
    if customer_id == CUSTOMER_ID:  # every channel on, so a message to them goes out
        window.sandbox.admin.set_preferences(customer_id, preferences(off=set()))
    customer = run_async(qtbot, window.session.client.customer(customer_id))
    window.open_customer(customer)
    wait_for_preferences(qtbot, window, customer_id)
    compose = window.conversation_panel.compose
    qtbot.waitUntil(lambda: compose.body.isEnabled() and window.tasks.pending == 0, timeout=WAIT_MS)
    return customer


def expected_courses(window, customer) -> str:
    return (f"Hallo {customer.first_name} {customer.last_name} ({customer.customer_number}), der Kursplan hängt an "
            f"der Theke. Desk Test, {window.studio.name}")


def shown(qtbot, parent, kind):
    def visible():
        return next((w for w in parent.findChildren(kind) if w.isVisible()), None)

    qtbot.waitUntil(lambda: visible() is not None, timeout=WAIT_MS)
    return visible()


def pick(qtbot, window, query: str) -> None:
    """Ctrl+Shift+R in the message text, type `query`, Enter."""
    body = window.conversation_panel.compose.body
    window.activateWindow()  # as a desktop does when a dialog before closed (the offscreen platform does not)
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    body.setFocus()
    qtbot.keyClick(body, Qt.Key.Key_R, CTRL_SHIFT)
    picker = shown(qtbot, window, SavedReplyPicker)
    qtbot.waitUntil(lambda: picker.list.count() > 0, timeout=WAIT_MS)
    assert picker.search.hasFocus()
    type_text(picker.search, query)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tasks.pending == 0, timeout=WAIT_MS)  # the picker answered, the reply is in


def sent_texts(sandbox) -> list[tuple[str, str]]:
    return [(r["json"]["subject"], r["json"]["content"]) for r in sandbox.admin.received()
            if "/threads" in r["path"] and r["method"] == "POST"]


def send_new_thread(qtbot, window) -> None:
    panel = window.conversation_panel
    qtbot.waitUntil(panel.compose.new_thread_button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: panel.compose.notice.text() == "Sent.", timeout=WAIT_MS)


def test_the_picker_inserts_the_reply_filled_in_for_the_member_and_counts_it(qtbot, app_window):
    window = app_window
    create(qtbot, window, COURSES)
    create(qtbot, window, ReplyText("Sauna", "sauna", "", "Die Sauna öffnet um 10 Uhr."))
    customer = open_member(qtbot, window)
    compose = window.conversation_panel.compose
    compose.category.setCurrentIndex(compose.category.findData("CONTRACT"))
    type_text(compose.body, "Vorab: ")

    pick(qtbot, window, "kursplan")
    assert compose.body.toPlainText() == "Vorab: " + expected_courses(window, customer)
    assert compose.subject.text() == f"Kursplan für {customer.first_name}"
    # Back in the text (the offscreen platform activates no window once the picker closed).
    assert window.focusWidget() is compose.body
    assert compose.body.textCursor().atEnd()
    assert compose.category.currentData() == "CONTRACT"  # the reply names no category: the choice stays
    assert compose.send_button.isEnabled() and not window.saved_replies.notice.isVisible()

    send_new_thread(qtbot, window)
    assert sent_texts(window.sandbox) == [(f"Kursplan für {customer.first_name}",
                                           "Vorab: " + expected_courses(window, customer))]
    (counted,) = [r for r in run_async(qtbot, window.session.saved_replies.replies()) if r.code == "kurs"]
    assert counted.usage_count == 1

    # The keyboard alone: the arrow keys move through the list from the search field, Enter inserts.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    compose.body.setFocus()
    qtbot.keyClick(compose.body, Qt.Key.Key_R, CTRL_SHIFT)
    picker = shown(qtbot, window, SavedReplyPicker)
    qtbot.waitUntil(lambda: picker.list.count() == 2, timeout=WAIT_MS)
    assert picker.list.currentItem().text().startswith("Kursplan")  # used once: first
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.search.hasFocus() and picker.list.currentItem().text().startswith("Sauna")
    assert picker.preview.toPlainText() == "Die Sauna öffnet um 10 Uhr."
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: compose.body.toPlainText() == "Die Sauna öffnet um 10 Uhr.", timeout=WAIT_MS)
    compose.body.clear()

    # The reply's own category and channel become the compose area's choices.
    create(qtbot, window, ReplyText("Termin", "termin", "", "Ihr Termin ist bestätigt.",
                                    MessageCategory.APPOINTMENT, Channel.TEXT_MESSAGE))
    pick(qtbot, window, "/termin")
    assert (compose.category.currentData(), compose.channel.currentData()) == ("APPOINTMENT", "TEXT_MESSAGE")
    assert compose.body.toPlainText() == "Ihr Termin ist bestätigt."


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Tab])
def test_typing_a_code_in_the_text_puts_the_reply_in_its_place(qtbot, app_window, key):
    window = app_window
    create(qtbot, window, COURSES)
    customer = open_member(qtbot, window)
    compose = window.conversation_panel.compose
    compose.body.setFocus()
    type_text(compose.body, "Guten Tag! /Kurs")
    qtbot.keyClick(compose.body, key)
    after = {Qt.Key.Key_Space: " ", Qt.Key.Key_Return: "\n", Qt.Key.Key_Tab: ""}[key]
    want = "Guten Tag! " + expected_courses(window, customer) + after
    qtbot.waitUntil(lambda: compose.body.toPlainText() == want, timeout=WAIT_MS)
    assert compose.body.hasFocus()  # Tab expanded the code instead of leaving the text
    assert compose.subject.text() == f"Kursplan für {customer.first_name}"
    type_text(compose.body, "Danke.")
    assert compose.body.toPlainText() == want + "Danke."  # the caret stayed where typing goes on


def test_a_code_no_reply_has_is_left_as_typed_and_said_so(qtbot, app_window):
    window = app_window
    create(qtbot, window, COURSES)
    open_member(qtbot, window)
    compose = window.conversation_panel.compose
    compose.body.setFocus()
    type_text(compose.body, "Öffnungszeiten 24/7 und/oder /gibtsnicht")
    qtbot.keyClick(compose.body, Qt.Key.Key_Tab)
    notice = window.saved_replies.notice
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=WAIT_MS)
    assert notice.text() == "No saved reply has the code /gibtsnicht."
    assert compose.body.toPlainText() == "Öffnungszeiten 24/7 und/oder /gibtsnicht" and compose.body.hasFocus()
    qtbot.keyClick(compose.body, Qt.Key.Key_Tab)  # Tab again: the text is left, as Tab does
    qtbot.waitUntil(lambda: not compose.body.hasFocus(), timeout=WAIT_MS)
    type_text(compose.body, "")
    compose.body.setFocus()
    type_text(compose.body, " ok")
    assert not notice.isVisible()  # said until the next edit
    assert compose.body.toPlainText() == "Öffnungszeiten 24/7 und/oder /gibtsnicht ok"


def test_a_variable_without_a_value_is_marked_and_holds_send_back_until_replaced(qtbot, app_window):
    window = app_window
    create(qtbot, window, COURSES)
    customer = open_member(qtbot, window)
    panel, compose, hook = window.conversation_panel, window.conversation_panel.compose, window.saved_replies
    window.status.set_staff("")  # nobody named at the desk: {{staff.name}} has no value
    assert window.session.staff is None
    compose.body.setFocus()
    type_text(compose.body, "/kurs")
    qtbot.keyClick(compose.body, Qt.Key.Key_Space)
    held = expected_courses(window, customer).replace("Desk Test", "{{staff.name}}") + " "
    qtbot.waitUntil(lambda: compose.body.toPlainText() == held, timeout=WAIT_MS)

    assert not compose.send_button.isEnabled() and not compose.new_thread_button.isEnabled()
    assert hook.notice.isVisible()
    assert hook.notice.text() == "Not ready to send: replace {{staff.name}} with the right text."
    (mark,) = compose.body.extraSelections()
    assert mark.cursor.selectedText() == "{{staff.name}}"
    qtbot.waitUntil(lambda: window.tasks.pending == 0, timeout=WAIT_MS)  # the insertion was counted
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # the send shortcut
    qtbot.keyClick(compose.body, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.tasks.pending == 0 and sent_texts(window.sandbox) == []  # no send started

    # Another member's (empty) text can be sent; back with this member, the kept draft holds Send again,
    # though the panel enabled it when the member opened.
    open_member(qtbot, window, OTHER_ID)
    assert compose.body.toPlainText() == "" and compose.send_button.isEnabled() and not hook.notice.isVisible()
    open_member(qtbot, window)
    qtbot.waitUntil(lambda: compose.body.toPlainText() == held, timeout=WAIT_MS)
    assert not compose.send_button.isEnabled() and not compose.new_thread_button.isEnabled()
    assert hook.notice.isVisible()
    (mark,) = compose.body.extraSelections()

    # A variable typed by hand holds Send back too, in the subject as well.
    compose.subject.setText("Kurs {{member.first_name}}")
    assert hook.notice.text() == "Not ready to send: replace {{member.first_name}}, {{staff.name}} with the right text."
    compose.subject.setText("Kursplan")

    cursor = mark.cursor
    compose.body.setTextCursor(cursor)
    type_text(compose.body, "Ben")
    assert compose.body.extraSelections() == []
    assert compose.send_button.isEnabled() and compose.new_thread_button.isEnabled()
    assert not hook.notice.isVisible()
    window.status.set_staff("Desk Test")
    send_new_thread(qtbot, window)
    assert sent_texts(window.sandbox) == [("Kursplan", held.replace("{{staff.name}}", "Ben"))]
    assert panel.compose.text() == ("", "") and compose.send_button.isEnabled()


CHILD_DESK = """
import asyncio, json, sys
from studio_comm.api.models import StudioInformation
from studio_comm.core.desk import Desk
from studio_comm.core.saved_replies import ReplyText, SavedReplies
from studio_comm.journal import AsyncJournal, Journal

async def main(url, studio_id, action):
    journal = AsyncJournal(await asyncio.to_thread(Journal.open, url))
    try:
        replies = SavedReplies(journal, StudioInformation(studio_id=studio_id), Desk("Theke 2", "Ben K."))
        if action == "create":
            await replies.create(ReplyText("Hausordnung", "haus", "", "Hallo {{member.first_name}}, bitte "
                                           "Handtuch nicht vergessen. {{staff.name}}"))
        elif action == "edit":
            reply = await replies.find_code("haus")
            await replies.update(reply, ReplyText("Hausordnung", "haus", "", "Bitte Handtuch mitbringen."))
        print(json.dumps([[r.code, r.usage_count, r.created_workstation] for r in await replies.replies()]))
    finally:
        await journal.aclose()

asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
"""


def other_desk(url: str, studio_id: int, action: str) -> list:
    done = subprocess.run([sys.executable, "-c", CHILD_DESK, url, str(studio_id), action], env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@contextmanager
def running_app(qtbot, sandbox, memory_keyring, data_dir, *args):
    memory_keyring.set_password(SERVICE, PROFILE, sandbox.api_key)
    window = launch(["--profile", PROFILE, "--base-url", sandbox.base_url, "--data-dir", str(data_dir),
                     "--staff", "Desk Test", *args])
    window.sandbox = sandbox
    window.resize(1280, 800)
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        yield window
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget is not window and widget.isVisible():
                widget.close()
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
        QApplication.processEvents()


@pytest.mark.postgres
def test_a_reply_created_at_another_desk_is_offered_here_on_a_shared_journal(
        qtbot, qloop, sandbox_process, memory_keyring, own_pg_database, tmp_path):
    with running_app(qtbot, sandbox_process, memory_keyring, tmp_path / "desk1", "--journal",
                     own_pg_database.url, "--workstation", "Theke 1") as window:
        customer = open_member(qtbot, window)
        studio_id = window.session.studio_id
        assert other_desk(own_pg_database.url, studio_id, "create") == [["haus", 0, "Theke 2"]]

        pick(qtbot, window, "handtuch")  # found by its text
        compose = window.conversation_panel.compose
        text = f"Hallo {customer.first_name}, bitte Handtuch nicht vergessen. Desk Test"
        assert compose.body.toPlainText() == text
        compose.body.clear()
        type_text(compose.body, "/haus")
        qtbot.keyClick(compose.body, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: compose.body.toPlainText() == text + " ", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.tasks.pending == 0, timeout=WAIT_MS)
        assert other_desk(own_pg_database.url, studio_id, "list") == [["haus", 2, "Theke 2"]]

        # Both desks edit it: the one that saves second is told, and keeps its text to save knowingly.
        dialog = open_manager(qtbot, window)
        dialog.list.setCurrentItem(dialog.list.topLevelItem(0))
        dialog.body_edit.setPlainText("Handtuchpflicht auf allen Flächen.")
        other_desk(own_pg_database.url, studio_id, "edit")
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(lambda: dialog.message.text().startswith("Not saved: this reply was changed at another desk")
                        and dialog.tasks.pending == 0, timeout=WAIT_MS)
        assert run_async(qtbot, window.session.saved_replies.find_code("haus")).body == "Bitte Handtuch mitbringen."
        assert dialog.body_edit.toPlainText() == "Handtuchpflicht auf allen Flächen."
        qtbot.mouseClick(dialog.save_button, LEFT)
        qtbot.waitUntil(lambda: dialog.message.text() == "Saved. Every desk of the studio offers it now.",
                        timeout=WAIT_MS)
        assert run_async(qtbot, window.session.saved_replies.find_code("haus")).body == (
            "Handtuchpflicht auf allen Flächen.")


def open_manager(qtbot, window) -> SavedRepliesDialog:
    window.findChild(QAction, "savedRepliesAction").trigger()
    dialog = shown(qtbot, window, SavedRepliesDialog)
    qtbot.waitUntil(lambda: dialog.tasks.pending == 0, timeout=WAIT_MS)
    return dialog


def listed(dialog) -> list[tuple[str, str, str]]:
    return [tuple(dialog.list.topLevelItem(row).text(c) for c in range(3))
            for row in range(dialog.list.topLevelItemCount())]


def write_reply(qtbot, dialog, name, code, body, *, subject="", category=None, channel=None) -> None:
    qtbot.mouseClick(dialog.new_button, LEFT)
    dialog.name_edit.setText(name)
    dialog.code_edit.setText(code)
    dialog.subject_edit.setText(subject)
    dialog.body_edit.setPlainText(body)
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData(category))
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData(channel))
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.message.text() == "Saved. Every desk of the studio offers it now."
                    and dialog.tasks.pending == 0, timeout=WAIT_MS)


def choose_file(qtbot, dialog, name: str, path) -> None:
    chooser = shown(qtbot, dialog, QFileDialog)
    assert chooser.objectName() == name
    # Typed into its file name field, as a user does (selectFile leaves a field that has the focus alone).
    chooser.findChild(QLineEdit, "fileNameEdit").setText(str(path))
    chooser.accept()


def test_replies_written_in_the_dialog_are_exported_and_imported_into_a_fresh_journal(
        qtbot, qloop, sandbox_process, memory_keyring, tmp_path):
    path = tmp_path / "Textbausteine.json"
    with running_app(qtbot, sandbox_process, memory_keyring, tmp_path / "first") as window:
        dialog = open_manager(qtbot, window)
        write_reply(qtbot, dialog, "Kursplan", "/Kurs", COURSES.body, subject=COURSES.subject,
                    category="GENERAL", channel="EMAIL")
        write_reply(qtbot, dialog, "Parken", "parken", "Parkplätze gibt es im Hof.")
        dialog.body_edit.setPlainText("Hallo {{member.vorname}}")  # a misspelt variable is refused
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert dialog.message.text().startswith("There is no variable {{member.vorname}}")
        assert listed(dialog) == [("Kursplan", "/kurs", "0"), ("Parken", "/parken", "0")]

        dialog.list.setCurrentItem(dialog.item_of(dialog.records[0].id))
        qtbot.mouseClick(dialog.duplicate_button, LEFT)
        qtbot.waitUntil(lambda: len(listed(dialog)) == 3 and dialog.tasks.pending == 0, timeout=WAIT_MS)
        assert listed(dialog)[1] == ("Kursplan (copy)", "/kurs-2", "0")
        assert dialog.selected.code == "kurs-2" and dialog.body_edit.toPlainText() == COURSES.body
        qtbot.mouseClick(dialog.delete_button, LEFT)
        box = shown(qtbot, dialog, QMessageBox)
        qtbot.mouseClick(next(b for b in box.buttons() if b.objectName() == "confirmDeleteSavedReplyButton"), LEFT)
        qtbot.waitUntil(lambda: len(listed(dialog)) == 2 and dialog.tasks.pending == 0, timeout=WAIT_MS)

        # Used at the desk: the dialog shows the count.
        open_member(qtbot, window)
        pick(qtbot, window, "parken")
        qtbot.waitUntil(lambda: window.tasks.pending == 0, timeout=WAIT_MS)
        dialog.load()
        qtbot.waitUntil(lambda: ("Parken", "/parken", "1") in listed(dialog), timeout=WAIT_MS)
        dialog.list.setCurrentItem(dialog.item_of(dialog.records[1].id))
        assert dialog.usage_label.text().startswith("Inserted 1 time · last on ")

        qtbot.mouseClick(dialog.export_button, LEFT)
        choose_file(qtbot, dialog, "savedRepliesExportDialog", path)
        qtbot.waitUntil(lambda: dialog.tasks.pending == 0, timeout=WAIT_MS)
        assert dialog.message.text() == "2 saved replies exported to Textbausteine.json."
        exported = [ReplyText.of(r) for r in run_async(qtbot, window.session.saved_replies.replies())]

    with running_app(qtbot, sandbox_process, memory_keyring, tmp_path / "second") as window:
        dialog = open_manager(qtbot, window)
        assert listed(dialog) == []
        qtbot.mouseClick(dialog.import_button, LEFT)
        choose_file(qtbot, dialog, "savedRepliesImportDialog", path)
        qtbot.waitUntil(lambda: dialog.message.text() == "Imported: 2 new, 0 replaced, 0 unchanged.", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: listed(dialog) == [("Kursplan", "/kurs", "0"), ("Parken", "/parken", "0")],
                        timeout=WAIT_MS)
        assert [ReplyText.of(r) for r in run_async(qtbot, window.session.saved_replies.replies())] == exported


def test_a_broken_a_foreign_and_a_wrong_file_change_nothing_and_say_why(qtbot, app_window, tmp_path):
    window = app_window
    create(qtbot, window, COURSES)
    dialog = open_manager(qtbot, window)
    before = run_async(qtbot, window.session.saved_replies.replies())
    good = {"format": "studio-comm saved replies", "version": 1,
            "replies": [{"name": "Neu", "code": "neu", "body": "Neuer Text"},
                        {"name": "Kursplan", "code": "kurs", "body": "Anderer Kursplan"}]}
    files = {
        "broken.json": (json.dumps(good)[:60].encode(),
                        "Nothing was imported. The file is damaged or not a JSON file."),
        "campaign.csv": ("Name;Status\nSommer;läuft\n".encode(),
                         "Nothing was imported. The file is damaged or not a JSON file."),
        "other.json": (json.dumps({"campaign": "Sommer", "body": "Hallo"}).encode(),
                       "Nothing was imported. The file is not an export of saved replies from studio-comm."),
        "newer.json": (json.dumps({**good, "version": 2}).encode(),
                       "Nothing was imported. The file was exported by a newer version of studio-comm; update "
                       "studio-comm on this computer to import it."),
        "wrong.json": (json.dumps({**good, "replies": [*good["replies"], {"name": "Kaputt", "code": "kaputt",
                                                                          "body": "Hallo {{kunde.name}}"}]}).encode(),
                       "Nothing was imported. Reply 3 in the file (“Kaputt”) cannot be saved as written. There is "
                       "no variable {{kunde.name}}; the variables are listed below the text."),
    }
    for name, (content, said) in files.items():
        (tmp_path / name).write_bytes(content)
        dialog.tell("")
        qtbot.mouseClick(dialog.import_button, LEFT)
        choose_file(qtbot, dialog, "savedRepliesImportDialog", tmp_path / name)
        qtbot.waitUntil(lambda: dialog.message.text() != "" and dialog.tasks.pending == 0, timeout=WAIT_MS)
        assert dialog.message.text() == said, name
        assert run_async(qtbot, window.session.saved_replies.replies()) == before, name

    # A good file that would change a reply of the studio asks first; cancelled, nothing changes.
    (tmp_path / "good.json").write_text(json.dumps(good), encoding="utf-8")
    for answer, said in (("Cancel", "Nothing was imported."),
                         ("confirmImportSavedRepliesButton", "Imported: 1 new, 1 replaced, 0 unchanged.")):
        qtbot.mouseClick(dialog.import_button, LEFT)
        choose_file(qtbot, dialog, "savedRepliesImportDialog", tmp_path / "good.json")
        box = shown(qtbot, dialog, QMessageBox)
        assert box.text() == ("The file has another text for 1 of the studio's replies: /kurs. Importing replaces "
                              "its text at every desk.")
        button = next(b for b in box.buttons() if answer in (b.objectName(), b.text()))
        qtbot.mouseClick(button, LEFT)
        qtbot.waitUntil(lambda s=said: dialog.message.text() == s, timeout=WAIT_MS)
        if answer == "Cancel":
            assert run_async(qtbot, window.session.saved_replies.replies()) == before
    qtbot.waitUntil(lambda: listed(dialog) == [("Kursplan", "/kurs", "0"), ("Neu", "/neu", "0")], timeout=WAIT_MS)
    assert run_async(qtbot, window.session.saved_replies.find_code("kurs")).body == "Anderer Kursplan"


def test_the_demo_studio_starts_with_german_sample_replies(qtbot, qloop, tmp_path):
    window = launch(["--demo", "--data-dir", str(tmp_path / "demo")])
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        dialog = open_manager(qtbot, window)
        qtbot.waitUntil(lambda: len(listed(dialog)) >= 5, timeout=WAIT_MS)
        names = [name for name, _code, _used in listed(dialog)]
        assert {"Öffnungszeiten", "Kursplan", "Kündigung erhalten"} <= set(names)
        assert {code for _name, code, _used in listed(dialog)} >= {"/zeiten", "/kurs", "/pause"}
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget is not window and widget.isVisible():
                widget.close()
        window.close()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()


def test_the_saved_replies_speak_german(qtbot, german_settings, app_window):
    from tests.fixtures.i18n import visible_texts
    from tests.ui.test_ui_german import api_values_in, english_words, words

    window = app_window
    create(qtbot, window, COURSES)
    customer = open_member(qtbot, window)
    window.status.set_staff("")  # the hold-back notice beside Send, too
    compose = window.conversation_panel.compose
    compose.body.setFocus()
    type_text(compose.body, "/kurs")
    qtbot.keyClick(compose.body, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.saved_replies.notice.isVisible(), timeout=WAIT_MS)
    assert window.saved_replies.notice.text() == (
        "Noch nicht sendebereit: Ersetzen Sie {{staff.name}} durch den passenden Text.")

    # Data is allowed: the member, the studio, the staff member, the reply's own (German) text and its variables.
    data = " ".join(filter(None, [customer.first_name, customer.last_name, customer.email, window.studio.name,
                                  window.profile_name, "Desk Test", COURSES.name, COURSES.subject, COURSES.body]))
    vocabulary = english_words() - words(data)
    dialog = open_manager(qtbot, window)
    dialog.list.setCurrentItem(dialog.list.topLevelItem(0))
    compose.body.clear()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    compose.body.setFocus()
    qtbot.keyClick(compose.body, Qt.Key.Key_R, CTRL_SHIFT)
    picker = shown(qtbot, window, SavedReplyPicker)
    qtbot.waitUntil(lambda: picker.list.count() == 1, timeout=WAIT_MS)
    english = []
    for widget in (window, dialog, picker):
        texts = visible_texts(widget)
        english += [f"{widget.objectName()} {where}: {text!r} ({', '.join(sorted(words(text) & vocabulary))})"
                    for where, text in texts if words(text) & vocabulary]
        english += api_values_in(texts)
    assert not english, "English or API values on the saved replies in German:\n" + "\n".join(english)
    assert window.findChild(QAction, "insertSavedReplyAction").text() == "Textbaustein &einfügen …"
    picker.reject()
