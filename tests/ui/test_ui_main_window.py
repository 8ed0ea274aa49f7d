"""The main window as a whole: UI contract, status bar, persistence, demo mode, shutdown."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget

from studio_comm.app import launch, shutdown
from studio_comm.core.credentials import SERVICE
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE, WAIT_MS, open_customer, search
from tests.fixtures.logs import RETRY_SCHEDULED
from tests.fixtures.qt import run_async

CONTRACT = [
    "mainWindow", "customerSearchEdit", "customerResultsView", "customerHeader", "preferencesMatrix",
    "savePreferencesButton", "revertPreferencesButton", "refreshPreferencesButton", "threadList",
    "timelineView", "composeSubject", "composeBody", "composeChannel", "composeCategory",
    "composeDirection", "composeThreadStatus", "sendButton", "newThreadButton", "errorBanner",
]


def test_ui_contract_names(app_window):
    for name in CONTRACT:
        widget = app_window if name == "mainWindow" else app_window.findChild(QWidget, name)
        assert widget is not None, f"no widget named {name}"
        assert widget.accessibleName(), f"{name} has no accessible name"


def test_status_bar_names_studio_and_staff(qtbot, app_window):
    status = app_window.status
    studio = app_window.studio
    assert studio.name and studio.name in status.studio_label.text()
    assert status.staff == "Desk Test" and app_window.session.staff == "Desk Test"
    # The studio's employees fill the combo; choosing one makes them the session's staff.
    qtbot.waitUntil(lambda: status.staff_combo.count() > 0, timeout=WAIT_MS)
    name = status.staff_combo.itemText(0)
    status.staff_combo.setCurrentIndex(0)
    status.staff_combo.activated.emit(0)
    assert app_window.session.staff == name
    # Typing another name works too (a temp, a trainee).
    status.staff_combo.setFocus()
    status.staff_combo.lineEdit().clear()
    qtbot.keyClicks(status.staff_combo.lineEdit(), "Aushilfe Kim")
    qtbot.keyClick(status.staff_combo.lineEdit(), Qt.Key.Key_Return)
    assert app_window.session.staff == "Aushilfe Kim"


def test_pending_requests_and_rate_limit_wait_are_visible(qtbot, app_window):
    status = app_window.status
    qtbot.waitUntil(lambda: status.pending_label.text() == "Ready", timeout=WAIT_MS)  # start-up reads
    # The client holds name searches back as if the studio's request limit were reached.
    app_window.services.client.limiter.hold("POST /v1/customers/search", 3)
    panel = app_window.search_panel
    qtbot.keyClicks(panel.search_edit, "Schmidt")
    qtbot.waitUntil(status.rate_label.isVisible, timeout=WAIT_MS)
    assert status.rate_label.text().startswith("Waiting ") and "request limit reached" in status.rate_label.text()
    # Requests to Magicline, not tasks: a name is searched as first and as last name.
    client = app_window.services.client
    qtbot.waitUntil(lambda: status.pending_label.text().endswith("under way"), timeout=WAIT_MS)
    assert client.requests_under_way == 2 and status.pending_label.text() == "2 requests under way"
    qtbot.waitUntil(lambda: not status.rate_label.isVisible() and panel.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status.pending_label.text() == "Ready", timeout=WAIT_MS)


def test_a_question_waiting_for_the_user_is_no_request_under_way(qtbot, app_window):
    status, conversation = app_window.status, app_window.conversation_panel
    member = search(qtbot, app_window, "Weber")[0]
    open_customer(qtbot, app_window, member.id)
    compose = conversation.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))  # never blocked
    for _ in range(2):
        compose.subject.setText("Parking")
        compose.body.setPlainText("Asked where to park.")
        compose.new_thread_button.click()
        if conversation.threads.rowCount() == 0:
            qtbot.waitUntil(lambda: conversation.threads.rowCount() == 1, timeout=WAIT_MS)
    # The second "New thread" first shows the member's open thread and waits for an answer.
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "openThreadsDialog"
    qtbot.waitUntil(lambda: status.pending_label.text() == "Ready", timeout=WAIT_MS)
    dialog.reject()


def test_error_banner_shows_server_message_and_trace_id(qtbot, app_window, expect_log):
    sandbox, banner = app_window.sandbox, app_window.error_banner
    sandbox.admin.set_faults("status=503:count=20@/v1/customers")
    expect_log(*RETRY_SCHEDULED)  # the search is retried before the banner shows the last 503
    search(qtbot, app_window, "Weber")
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.trace_id
    assert banner.trace_id in banner.findChild(QWidget, "errorBannerTrace").text()
    assert QApplication.activeModalWidget() is None
    assert "failed" in app_window.search_panel.status_label.text()
    banner.dismiss()
    assert not banner.isVisible()


def test_window_layout_and_profile_persist_across_restarts(qtbot, qloop, sandbox_process, memory_keyring, tmp_path):
    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    data_dir = tmp_path / "data"
    first = launch(["--profile", PROFILE, "--base-url", sandbox_process.base_url, "--data-dir", str(data_dir)])
    qtbot.waitUntil(lambda: first.session is not None, timeout=CONNECT_TIMEOUT_MS)
    first.resize(760, 700)  # within the offscreen screen (800 x 800), so nothing is clamped
    first.main_splitter.setSizes([300, 440])
    first.right_splitter.setSizes([220, 400])
    size, sizes = first.size(), (first.main_splitter.sizes(), first.right_splitter.sizes())
    first.close()
    run_async(qtbot, shutdown(first), timeout=30)
    first.deleteLater()

    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    assert isinstance(settings.value("window/geometry"), QByteArray)
    settings_text = (data_dir / "settings.ini").read_text(encoding="utf-8", errors="replace")
    assert sandbox_process.api_key not in settings_text

    # No --profile this time: the last profile is used, with its key from the keyring.
    second = launch(["--data-dir", str(data_dir)])
    try:
        qtbot.waitUntil(lambda: second.session is not None, timeout=CONNECT_TIMEOUT_MS)
        assert second.profile_name == PROFILE
        assert second.size() == size
        assert (second.main_splitter.sizes(), second.right_splitter.sizes()) == sizes
    finally:
        second.close()
        run_async(qtbot, shutdown(second), timeout=30)
        second.deleteLater()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert sandbox_process.api_key.encode() not in path.read_bytes(), f"key found in {path}"


def test_demo_mode_runs_its_own_studio_and_stops_it(qtbot, qloop, tmp_path):
    journal = tmp_path / "shared" / "journal.sqlite"
    journal.parent.mkdir()
    window = launch(["--demo", "--data-dir", str(tmp_path / "demo"), "--journal", f"sqlite:///{journal}"])
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        sandbox = window.services.sandbox
        assert sandbox is not None and sandbox.process.poll() is None
        assert window.studio.name in window.status.studio_label.text()
        assert search(qtbot, window, "Müller"), "the demo studio has members"
    finally:
        window.close()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
    assert sandbox.process is None, "the demo sandbox stopped with the app"
    assert window.services.client.closed
    assert journal.exists() and not (tmp_path / "demo" / "journal.sqlite").exists()


def test_first_start_asks_for_a_studio_and_keeps_the_key_out_of_files(
    qtbot, qloop, sandbox_process, memory_keyring, tmp_path
):
    data_dir = tmp_path / "fresh"
    window = launch(["--data-dir", str(data_dir)])
    try:
        qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible(),
                        timeout=WAIT_MS)
        available = window.screen().availableGeometry()  # a first start fits the screen
        assert window.width() <= available.width() and window.height() <= available.height()
        dialog = window.connection_dialog
        dialog.findChild(QWidget, "profileNameEdit").setText("Studio Mitte")
        dialog.findChild(QWidget, "baseUrlEdit").setText(sandbox_process.base_url)
        dialog.findChild(QWidget, "apiKeyEdit").setText(sandbox_process.api_key)
        qtbot.mouseClick(dialog.findChild(QWidget, "saveConnectionButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        assert window.profile_name == "Studio Mitte"
        assert memory_keyring.get_password(SERVICE, "Studio Mitte") == sandbox_process.api_key
    finally:
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "settings.ini" for p in files) and any(p.suffix == ".log" for p in files)
    for path in files:
        assert sandbox_process.api_key.encode() not in path.read_bytes(), f"key found in {path}"


def test_switching_studio_from_the_menu(qtbot, app_window, memory_keyring):
    sandbox = app_window.sandbox
    app_window.services.profiles.add("Fit & Fun", sandbox.base_url)  # "&" is no accelerator
    memory_keyring.set_password(SERVICE, "Fit & Fun", sandbox.api_key)
    first_session = app_window.session
    app_window.profiles_menu.aboutToShow.emit()
    actions = {a.text(): a for a in app_window.profiles_menu.actions()}
    assert actions[PROFILE].isChecked() and not actions["Fit && Fun"].isChecked()
    actions["Fit && Fun"].trigger()
    qtbot.waitUntil(lambda: app_window.session is not first_session and app_window.session is not None,
                    timeout=CONNECT_TIMEOUT_MS)
    assert app_window.profile_name == "Fit & Fun"
    assert "Fit & Fun" in app_window.status.studio_label.text()
    assert app_window.services.profiles.last_used == "Fit & Fun"
    qtbot.waitUntil(lambda: first_session.client.closed, timeout=WAIT_MS)


def test_opening_another_member_asks_before_dropping_unsaved_edits(qtbot, app_window):
    found = search(qtbot, app_window, "Schmidt")
    assert len(found) >= 2
    first, second = found[0], found[1]
    app_window.open_customer(first)
    panel = app_window.preferences_panel
    qtbot.waitUntil(lambda: panel.model.matrix is not None and not panel.busy, timeout=WAIT_MS)
    cell = next(c for c in panel.model.matrix.cells() if panel.model.matrix.editable(c))
    index = panel.model.index_of(*cell)
    panel.model.setData(
        index,
        Qt.CheckState.Unchecked.value if panel.model.value(cell) else Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert panel.is_dirty

    app_window.open_customer(second)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)
    box = QApplication.activeModalWidget()
    assert box.objectName() == "discardChangesDialog"
    assert box.textFormat() == Qt.TextFormat.PlainText  # it names the member
    box.reject()  # Cancel: the member and the edit stay
    assert app_window.customer.id == first.id and panel.is_dirty

    app_window.open_customer(second)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)
    box = QApplication.activeModalWidget()
    discard = next(b for b in box.buttons() if b.text() == "Discard changes")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app_window.customer is not None and app_window.customer.id == second.id, timeout=WAIT_MS)


def test_a_profile_without_a_stored_key_asks_for_it(qtbot, qloop, sandbox_process, memory_keyring, tmp_path):
    window = launch(["--profile", "Studio Nord", "--base-url", sandbox_process.base_url,
                     "--data-dir", str(tmp_path / "data")])
    try:
        qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible(),
                        timeout=WAIT_MS)
        dialog = window.connection_dialog
        assert (dialog.name_edit.text(), dialog.url_edit.text()) == ("Studio Nord", sandbox_process.base_url)
        assert window.session is None and not window.error_banner.isVisible(), "asked, not reported as an error"
    finally:
        window.close_discarding()
        run_async(qtbot, shutdown(window), timeout=30)
        window.deleteLater()
