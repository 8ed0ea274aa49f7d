"""`--workstation NAME` names the desk in what the app writes to the journal (default: the
computer's name), through the real app: a call is logged in the compose area, and the
journal file is read afterwards."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt

from studio_comm.app import launch, shutdown
from studio_comm.core.credentials import SERVICE
from studio_comm.journal import Journal
from studio_comm.ui.models.timeline_model import TimelineModel
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE, WAIT_MS, wait_for_preferences
from tests.fixtures.qt import run_async

CUSTOMER_ID = 1_000_042


@pytest.mark.parametrize(("args", "workstation"), [
    (["--workstation", "Theke 3"], "Theke 3"),
    ([], socket.gethostname()),
])
def test_the_workstation_names_the_desk_in_the_journal(qtbot, qloop, sandbox_process, memory_keyring, tmp_path,
                                                       args, workstation):
    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    data_dir = tmp_path / "data"
    window = launch(["--profile", PROFILE, "--base-url", sandbox_process.base_url, "--data-dir", str(data_dir),
                     "--staff", "Aylin D.", *args])
    try:
        window.resize(1280, 800)
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        studio_id = window.session.studio_id
        window.open_customer(run_async(qtbot, window.session.client.customer(CUSTOMER_ID)))
        wait_for_preferences(qtbot, window, CUSTOMER_ID)
        panel = window.conversation_panel
        compose = panel.compose
        compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
        compose.channel.setCurrentIndex(compose.channel.findData("PHONE"))
        compose.subject.setText("Rückruf")
        compose.body.setPlainText("Fragt nach den Sauna-Zeiten.")
        qtbot.waitUntil(compose.send_button.isEnabled, timeout=WAIT_MS)
        qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.timeline.rowCount() == 1
                        and panel.timeline.index(0, 0).data(TimelineModel.StateRole) == "sent", timeout=WAIT_MS)
    finally:
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()

    journal = Journal.open(data_dir / "journal.sqlite")
    try:
        (thread,) = journal.threads(studio_id, CUSTOMER_ID)
        assert [(m.subject, m.workstation) for m in journal.messages(thread.id)] == [("Rückruf", workstation)]
    finally:
        journal.close()
