"""Nothing typed is lost and nothing reaches the wrong member: the compose area's text is a
draft of its member and thread, kept in the journal through member switches, sends, the
window closing and a new start, and pasted text goes out exactly as pasted. Driven through
the real window against the sandbox, with the journal on disk read by a second opener."""

from __future__ import annotations

import contextlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from studio_comm.app import launch, shutdown
from studio_comm.core.credentials import SERVICE
from studio_comm.journal import Journal
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE, WAIT_MS, open_customer, search, type_text
from tests.fixtures.qt import run_async
from tests.ui.test_ui_conversation import shown_dialog, states, thread_requests
from tests.ui.test_ui_preferences import api_get

MEMBER, OTHER = 1_000_042, 1_000_043
LEFT = Qt.MouseButton.LeftButton
# What a pasted letter may hold that a plain text edit converts: no-break spaces, a line
# and a paragraph separator, CR LF and a lone CR (from a Windows or an old Mac program).
PASTED = "Liebe Frau Öztürk,\u00a0bitte\r\nbeachten:\u2028Sauna\u2029ab 18\u00a0Uhr\rEnde\t."
PASTED_SUBJECT = "Preis: 49\u00a0€ ab\u00a0März"


def allow_general_email(sandbox, customer_id: int) -> None:
    sandbox.admin.set_preferences(customer_id, [
        {"messageCategory": "GENERAL", "channels": [{"communicationChannel": "EMAIL", "active": True}]}])


@pytest.fixture
def members(app_window):
    """MEMBER and OTHER, both accepting general emails."""
    for customer_id in (MEMBER, OTHER):
        allow_general_email(app_window.sandbox, customer_id)


@pytest.fixture
def journal(app_window):
    """A second opener of the window's journal file: what a crash would leave."""
    second = Journal.open(app_window.data_dir / "journal.sqlite")
    yield second
    second.close()


def open_member(qtbot, window, customer_id: int) -> None:
    """Find the member by customer number, open them, wait until their threads are read."""
    number = api_get(window.sandbox, f"/v1/customers/{customer_id}")["customerNumber"]
    search(qtbot, window, number)
    open_customer(qtbot, window, customer_id)
    panel = window.conversation_panel
    qtbot.waitUntil(lambda: panel.read_for == customer_id, timeout=WAIT_MS)


def paste(qtbot, widget, text: str) -> None:
    """Through the clipboard and Ctrl+V, as from another program."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def type_into_body(qtbot, compose, text: str, *, new_line: bool = False) -> None:
    compose.body.setFocus()
    compose.body.moveCursor(QTextCursor.MoveOperation.End)
    if new_line:
        qtbot.keyClick(compose.body, Qt.Key.Key_Return)
    type_text(compose.body, text)


def drafts(window, journal) -> dict[tuple[int, int | None], tuple[str, str]]:
    session = window.session
    return {(d.customer_id, d.thread_id): (d.subject, d.content)
            for d in journal.drafts(session.studio_id, session.workstation)}


def message_states(window, journal, customer_id: int) -> list[str]:
    return [m.state for t in journal.threads(window.session.studio_id, customer_id) for m in journal.messages(t.id)]


def test_text_typed_while_a_send_is_out_stays_and_only_the_sent_text_leaves(qtbot, app_window, members, journal):
    window, panel, sandbox = app_window, app_window.conversation_panel, app_window.sandbox
    compose = panel.compose
    open_member(qtbot, window, MEMBER)
    sent = "Ihr Spindschlüssel liegt am Empfang."
    type_text(compose.subject, "Schlüssel")
    type_into_body(qtbot, compose, sent)
    sandbox.admin.set_faults("latency=1500:count=1:method=POST@/v1/communications")
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: len(thread_requests(sandbox)) == 1, timeout=WAIT_MS)  # arrived, not answered

    # The next message is begun below the first while the first is still out.
    type_into_body(qtbot, compose, "Ihr Handtuch auch.", new_line=True)
    assert states(panel) == ["pending"] and [r["status"] for r in thread_requests(sandbox)] == [None]

    qtbot.waitUntil(lambda: states(panel) == ["sent"] and panel.threads.rowCount() == 1, timeout=WAIT_MS)
    assert compose.text() == ("", "Ihr Handtuch auch.")
    assert "What you typed meanwhile is still here." in compose.notice.text()
    assert thread_requests(sandbox)[0]["json"]["content"] == sent
    # What is left is the draft of the thread the first message started, not the sent text.
    thread = panel.selected_thread()
    qtbot.waitUntil(lambda: drafts(window, journal) == {(MEMBER, thread.id): ("", "Ihr Handtuch auch.")},
                    timeout=WAIT_MS)


def test_a_send_that_ends_after_another_member_was_opened_settles_its_own_message(
        qtbot, app_window, members, journal):
    window, panel, sandbox = app_window, app_window.conversation_panel, app_window.sandbox
    compose = panel.compose
    open_member(qtbot, window, OTHER)
    type_text(compose.subject, "Kurs")
    type_into_body(qtbot, compose, "Ihr Kurs beginnt um 18 Uhr.")
    open_member(qtbot, window, MEMBER)
    assert compose.text() == ("", "")  # the other member's text stays theirs

    type_text(compose.subject, "Schlüssel")
    type_into_body(qtbot, compose, "Ihr Spindschlüssel liegt am Empfang.")
    sandbox.admin.set_faults("latency=2000:count=1:method=POST@/v1/communications")
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: len(thread_requests(sandbox)) == 1, timeout=WAIT_MS)  # arrived, not answered

    open_member(qtbot, window, OTHER)
    assert [r["status"] for r in thread_requests(sandbox)] == [None]  # still out
    # The other member's own draft, never the text on its way to MEMBER.
    assert compose.text() == ("Kurs", "Ihr Kurs beginnt um 18 Uhr.")
    assert compose.send_button.isEnabled()
    qtbot.waitUntil(lambda: message_states(window, journal, MEMBER) == ["sent"], timeout=WAIT_MS)
    assert [r["status"] for r in thread_requests(sandbox)] == [200]
    assert thread_requests(sandbox)[0]["path"] == f"/v1/communications/{MEMBER}/threads"
    # The late answer changed nothing on the other member's screen, and left no draft of
    # the sent text behind.
    assert compose.text() == ("Kurs", "Ihr Kurs beginnt um 18 Uhr.")
    assert panel.timeline.rowCount() == 0 and panel.threads.rowCount() == 0
    qtbot.waitUntil(lambda: drafts(window, journal) == {(OTHER, None): ("Kurs", "Ihr Kurs beginnt um 18 Uhr.")},
                    timeout=WAIT_MS)

    open_member(qtbot, window, MEMBER)
    qtbot.waitUntil(lambda: states(panel) == ["sent"], timeout=WAIT_MS)
    assert compose.text() == ("", "")


def test_a_draft_per_member_and_thread_is_back_when_they_are_opened_again(qtbot, app_window, members, journal):
    window, panel = app_window, app_window.conversation_panel
    compose = panel.compose
    open_member(qtbot, window, MEMBER)
    type_text(compose.subject, "Kündigung")
    type_into_body(qtbot, compose, "Liebe Frau Öztürk, Ihre Kündigung ist eingegangen.")
    qtbot.waitUntil(lambda: (MEMBER, None) in drafts(window, journal), timeout=WAIT_MS)  # saved after a pause

    open_member(qtbot, window, OTHER)
    assert compose.text() == ("", "")
    type_into_body(qtbot, compose, "Rückruf erbeten.")
    open_member(qtbot, window, MEMBER)
    assert compose.text() == ("Kündigung", "Liebe Frau Öztürk, Ihre Kündigung ist eingegangen.")
    assert compose.notice.text() == "Your unsent text is back."

    # Sending discards it; a follow-up typed next is the draft of the thread it started.
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent"] and panel.threads.rowCount() == 1, timeout=WAIT_MS)
    assert compose.text() == ("", "")
    thread = panel.selected_thread()
    type_into_body(qtbot, compose, "Nachtrag: die Schlüsselkarte bitte abgeben.")
    open_member(qtbot, window, OTHER)
    assert compose.text() == ("", "Rückruf erbeten.")
    open_member(qtbot, window, MEMBER)
    assert panel.selected_thread().id == thread.id
    assert compose.text() == ("", "Nachtrag: die Schlüsselkarte bitte abgeben.")
    assert drafts(window, journal) == {(MEMBER, thread.id): ("", "Nachtrag: die Schlüsselkarte bitte abgeben."),
                                       (OTHER, None): ("", "Rückruf erbeten.")}

    # Clearing the text discards the draft too.
    compose.body.setFocus()
    compose.body.selectAll()
    qtbot.keyClick(compose.body, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: drafts(window, journal) == {(OTHER, None): ("", "Rückruf erbeten.")}, timeout=WAIT_MS)


@contextlib.contextmanager
def running_app(qtbot, sandbox, data_dir, *arguments: str):
    """The app as a desk starts it; closed as the user closes it (the window's own close)."""
    window = launch(["--profile", PROFILE, "--base-url", sandbox.base_url, "--data-dir", str(data_dir),
                     "--staff", "Desk Test", *arguments])
    window.sandbox, window.data_dir = sandbox, data_dir
    window.resize(1280, 800)
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        yield window
    finally:
        window.close_discarding()  # a no-op when the test closed it already
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
        QApplication.processEvents()


def test_closing_right_after_typing_keeps_the_draft_for_the_next_start(
        qtbot, qloop, sandbox_process, memory_keyring, tmp_path):
    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    allow_general_email(sandbox_process, MEMBER)
    data_dir = tmp_path / "data"
    with running_app(qtbot, sandbox_process, data_dir) as first:
        compose = first.conversation_panel.compose
        open_member(qtbot, first, MEMBER)
        paste(qtbot, compose.subject, PASTED_SUBJECT)
        paste(qtbot, compose.body, PASTED)
        assert first.conversation_panel.drafts.unsettled  # typed a moment ago: not written yet
        first.close()  # no question: the draft is kept
        qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT_MS)
        assert QApplication.activeModalWidget() is None

    journal = Journal.open(data_dir / "journal.sqlite")
    try:
        [kept] = journal.drafts(first.session.studio_id, first.session.workstation)
        assert (kept.customer_id, kept.subject, kept.content) == (MEMBER, PASTED_SUBJECT, PASTED)
    finally:
        journal.close()

    with running_app(qtbot, sandbox_process, data_dir) as second:
        compose = second.conversation_panel.compose
        open_member(qtbot, second, MEMBER)
        assert compose.text() == (PASTED_SUBJECT, PASTED)
        assert compose.notice.text() == "Your unsent text is back."


def test_pasted_text_is_sent_exactly_as_pasted(qtbot, app_window, members, journal):
    window, panel, sandbox = app_window, app_window.conversation_panel, app_window.sandbox
    compose = panel.compose
    open_member(qtbot, window, MEMBER)
    paste(qtbot, compose.subject, PASTED_SUBJECT)
    paste(qtbot, compose.body, PASTED)
    type_text(compose.body, " Gruß")  # typed after the paste: plain text as typed
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent"], timeout=WAIT_MS)

    body = thread_requests(sandbox)[0]["json"]
    assert (body["subject"], body["content"]) == (PASTED_SUBJECT, PASTED + " Gruß")
    [thread] = sandbox.admin.threads(MEMBER)
    assert thread["communications"][0]["content"] == PASTED + " Gruß"
    [stored] = [m for t in journal.threads(window.session.studio_id, MEMBER) for m in journal.messages(t.id)]
    assert (stored.subject, stored.content) == (PASTED_SUBJECT, PASTED + " Gruß")


def test_copy_to_compose_asks_before_replacing_a_typed_draft(qtbot, app_window, members):
    window, panel, sandbox = app_window, app_window.conversation_panel, app_window.sandbox
    compose = panel.compose
    open_member(qtbot, window, MEMBER)
    sandbox.admin.set_faults("status=503:count=1:method=POST@/v1/communications")
    type_text(compose.subject, "Termin")
    type_into_body(qtbot, compose, "Ihr Termin am Freitag.")
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["failed"], timeout=WAIT_MS)
    assert compose.text() == ("Termin", "Ihr Termin am Freitag.")
    qtbot.mouseClick(panel.copy_button, LEFT)  # the same text: nothing to ask
    assert compose.text() == ("Termin", "Ihr Termin am Freitag.")

    compose.body.setFocus()
    compose.body.selectAll()
    type_text(compose.body, "Bitte rufen Sie uns zurück.")
    qtbot.mouseClick(panel.copy_button, LEFT)
    box = shown_dialog(qtbot, panel, QMessageBox)
    assert box.objectName() == "replaceComposeConfirmation"
    with qtbot.waitSignal(box.finished, timeout=WAIT_MS):
        box.button(QMessageBox.StandardButton.Cancel).click()
    assert compose.text() == ("Termin", "Bitte rufen Sie uns zurück.")

    qtbot.mouseClick(panel.copy_button, LEFT)
    box = shown_dialog(qtbot, panel, QMessageBox)
    with qtbot.waitSignal(box.finished, timeout=WAIT_MS):
        qtbot.mouseClick(next(b for b in box.buttons() if b.objectName() == "confirmReplaceComposeButton"), LEFT)
    qtbot.waitUntil(lambda: compose.text() == ("Termin", "Ihr Termin am Freitag."), timeout=WAIT_MS)
