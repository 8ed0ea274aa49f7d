"""Outcomes told as they are, through the window: a message Magicline took while the shared
journal was away, an answer that arrived but could not be read, and a character that
cannot be sent. Against the sandbox with its faults, and a PostgreSQL journal of the
test's own for the journal's outage."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from studio_comm.core.credentials import SERVICE
from studio_comm.journal import Journal
from tests.fixtures.app import PROFILE, WAIT_MS
from tests.ui.test_ui_conversation import states, thread_requests
from tests.ui.test_ui_drafts import (
    MEMBER,
    OTHER,
    allow_general_email,
    open_member,
    paste,
    running_app,
    type_into_body,
)

LEFT = Qt.MouseButton.LeftButton
POSTS = "@/v1/communications"


@pytest.fixture
def members(app_window):
    """MEMBER and OTHER, both accepting general emails."""
    for customer_id in (MEMBER, OTHER):
        allow_general_email(app_window.sandbox, customer_id)


def write(qtbot, compose, subject: str, body: str) -> None:
    compose.subject.setFocus()
    compose.subject.setText(subject)
    type_into_body(qtbot, compose, body)


@pytest.mark.postgres
def test_a_message_taken_while_the_journal_is_away_shows_sent_not_recorded_then_recorded(
        qtbot, qloop, sandbox_process, memory_keyring, tmp_path, own_pg_database, expect_log):
    expect_log("studio_comm.core.messaging", logging.WARNING, r"was sent, but the journal could not record it")
    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    allow_general_email(sandbox_process, MEMBER)
    with running_app(qtbot, sandbox_process, tmp_path / "data", "--journal", own_pg_database.url) as window:
        panel = window.conversation_panel
        compose = panel.compose
        open_member(qtbot, window, MEMBER)
        write(qtbot, compose, "Kündigung", "Ihre Kündigung ist eingegangen.")
        sandbox_process.admin.set_faults(f"latency=1500:count=1:method=POST{POSTS}")
        qtbot.mouseClick(compose.new_thread_button, LEFT)
        qtbot.waitUntil(lambda: len(thread_requests(sandbox_process)) == 1, timeout=WAIT_MS)
        # The shared server goes away while the POST is out: its answer cannot be recorded.
        own_pg_database.refuse_connections()

        qtbot.waitUntil(lambda: states(panel) == ["sent_unrecorded"], timeout=WAIT_MS)
        assert thread_requests(sandbox_process)[0]["status"] == 200
        assert compose.notice.text().startswith("Sent, not recorded yet: Magicline has the message")
        assert "do not send it again" in panel.detail_state.text()
        assert "Sent, not recorded yet" in panel.timeline.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
        assert not panel.resend_button.isVisible() and not panel.copy_button.isVisible()
        assert compose.text() == ("", "")  # it went out: nothing kept to send twice
        assert not window.error_banner.isVisible()

        own_pg_database.allow_connections()
        qtbot.waitUntil(lambda: states(panel) == ["sent"] and panel.threads.rowCount() == 1, timeout=WAIT_MS)
        assert compose.notice.text() == "The sent message is recorded in the journal now."
        assert window.session.messaging.unrecorded == []

    journal = Journal.open(own_pg_database.url)
    try:
        [thread] = journal.threads(window.session.studio_id, MEMBER)
        [message] = journal.messages(thread.id)
        assert (message.state, message.content) == ("sent", "Ihre Kündigung ist eingegangen.")
        assert thread.remote_thread_id == sandbox_process.admin.threads(MEMBER)[0]["threadId"]
        assert journal.drafts(window.session.studio_id, window.session.workstation) == []
    finally:
        journal.close()


def test_an_answer_that_arrived_but_could_not_be_read_is_not_called_a_lost_connection(
        qtbot, app_window, members):
    window, panel, sandbox = app_window, app_window.conversation_panel, app_window.sandbox
    compose = panel.compose
    open_member(qtbot, window, MEMBER)
    write(qtbot, compose, "Termin", "Ihr Termin am Freitag.")
    sandbox.admin.set_faults(f"malformed:after:count=1:method=POST{POSTS}")
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["unknown"], timeout=WAIT_MS)
    for text in (compose.notice.text(), panel.detail_state.text()):
        assert "Magicline answered, but its answer could not be read" in text
        assert "connection was lost" not in text
    assert sandbox.admin.threads(MEMBER)  # it was stored, as the words allow
    assert panel.resend_button.isVisible()  # the user decides, after checking


def test_a_nul_character_is_named_selected_and_nothing_is_written(qtbot, app_window, members):
    window, panel, sandbox = app_window, app_window.conversation_panel, app_window.sandbox
    compose = panel.compose
    open_member(qtbot, window, MEMBER)
    compose.subject.setText("Rechnung")
    paste(qtbot, compose.body, "Betrag:\x00 49 €")
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    assert "invisible NUL character" in compose.notice.text()
    assert compose.body.textCursor().selectedText() == "\x00"
    assert thread_requests(sandbox) == [] and panel.timeline.rowCount() == 0
    session = window.session
    assert window.services._journal.threads(session.studio_id, MEMBER) == []  # no empty thread either

    qtbot.keyClick(compose.body, Qt.Key.Key_Delete)  # as the notice says
    qtbot.mouseClick(compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent"], timeout=WAIT_MS)
    assert thread_requests(sandbox)[0]["json"]["content"] == "Betrag: 49 €"
