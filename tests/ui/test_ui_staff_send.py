"""Nothing is sent without a person: with nobody named at the desk, Send asks who is there
first, and the name becomes the message's agent and the audit's author; declining sends
nothing and keeps the text. Through the real window against the sandbox."""

from __future__ import annotations

from PySide6.QtCore import Qt

from studio_comm.journal import Journal
from studio_comm.ui.models.timeline_model import TimelineModel
from tests.fixtures.app import WAIT_MS, wait_for_preferences
from tests.fixtures.qt import run_async
from tests.ui.test_ui_consent_history import modal

CUSTOMER_ID = 1_000_042
LEFT = Qt.MouseButton.LeftButton


def log_a_call(qtbot, window, text: str):
    window.open_customer(run_async(qtbot, window.session.client.customer(CUSTOMER_ID)))
    wait_for_preferences(qtbot, window, CUSTOMER_ID)
    compose = window.conversation_panel.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
    compose.channel.setCurrentIndex(compose.channel.findData("PHONE"))
    compose.subject.setText("Rückruf")
    compose.body.setPlainText(text)
    qtbot.waitUntil(compose.send_button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(compose.send_button, LEFT)
    return compose


def test_send_with_nobody_at_the_desk_asks_who_and_names_them_as_agent(qtbot, app_window):
    window = app_window
    window.status.set_staff("")
    assert window.session.staff is None
    log_a_call(qtbot, window, "Fragt nach den Sauna-Zeiten.")
    prompt = modal(qtbot, "staffPromptDialog")
    assert window.sandbox.admin.threads(CUSTOMER_ID) == [], "nothing leaves while asking"
    prompt.combo.lineEdit().setText("Aylin D.")
    qtbot.mouseClick(prompt.continue_button, LEFT)
    panel = window.conversation_panel
    # Shown as sent once the send came back: its journal row and audit entry are written by then.
    qtbot.waitUntil(lambda: panel.timeline.rowCount() == 1
                    and panel.timeline.index(0, 0).data(TimelineModel.StateRole) == "sent", timeout=WAIT_MS)
    [thread] = window.sandbox.admin.threads(CUSTOMER_ID)
    assert thread["communications"][0]["agent"] == "Aylin D."
    journal = Journal.open(window.data_dir / "journal.sqlite")
    try:
        [entry] = journal.audit(customer_id=CUSTOMER_ID)
        assert entry.staff == "Aylin D."
    finally:
        journal.close()


def test_declining_to_name_anyone_sends_nothing_and_keeps_the_text(qtbot, app_window):
    window = app_window
    window.status.set_staff("")
    compose = log_a_call(qtbot, window, "Kündigung besprochen.")
    modal(qtbot, "staffPromptDialog").reject()
    qtbot.waitUntil(lambda: "who is at the desk" in compose.notice.text(), timeout=WAIT_MS)
    assert compose.text() == ("Rückruf", "Kündigung besprochen.")
    assert window.sandbox.admin.threads(CUSTOMER_ID) == []
