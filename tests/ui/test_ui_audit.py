"""The audit history window over a real journal whose entries the core made against the
sandbox: filters by member, staff, action and date; before/after; CSV export; model contract."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Channel, Direction, MessageCategory
from studio_comm.core.audit import AuditHistory
from studio_comm.core.messaging import Draft
from studio_comm.core.review import ConsentReview
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.sandbox import demo_data
from studio_comm.ui.audit_window import AuditWindow
from studio_comm.ui.tasks import TaskRunner
from tests.fixtures.qt import run_async

WAIT_MS = 20_000
NL_MAIL = ("NEWSLETTER", "EMAIL")
ANNA, BEN = demo_data.FIRST_CUSTOMER_ID + 1, demo_data.FIRST_CUSTOMER_ID + 2


@pytest.fixture
def audited(qtbot, qloop, sandbox_process, tmp_path):
    """Two consent changes by Anna K. for one member, one by Ben B. for another, one message."""
    journal = Journal.open(tmp_path / "journal.sqlite")
    aj = AsyncJournal(journal)
    client = MagiclineClient(sandbox_process.base_url, sandbox_process.api_key)
    session = StudioSession(client, aj, profile_name="Audit test", workstation="desk-2")
    studio = run_async(qtbot, session.connect())

    def toggle(customer_id: int, staff: str):
        session.staff = staff
        editor = session.preferences(customer_id)
        matrix = run_async(qtbot, editor.load())
        editor.set(NL_MAIL, not matrix.active(NL_MAIL))
        report = run_async(qtbot, editor.save())
        assert report.outcome == "saved"
        return matrix.active(NL_MAIL), report

    first = toggle(ANNA, "Anna K.")
    toggle(ANNA, "Anna K.")
    toggle(BEN, "Ben B.")
    session.staff = "Anna K."
    sent = run_async(qtbot, session.messaging.send(Draft(
        ANNA, None, Direction.INCOMING, Channel.CONVERSATION, MessageCategory.GENERAL,
        subject="At the desk", content="Asked about consent.")))
    assert sent.state == "sent"
    # The review cache supplies names and numbers for the member filter.
    run_async(qtbot, ConsentReview(client, aj, studio.studio_id).refresh(ANNA))
    window = AuditWindow(AuditHistory(aj, studio.studio_id), TaskRunner())
    qtbot.addWidget(window)
    window.show()
    window.load()
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=WAIT_MS)
    yield window, first
    window.close()
    run_async(qtbot, client.aclose())
    run_async(qtbot, aj.aclose())


def test_audit_model_contract_and_before_after(qtmodeltester, audited):
    window, (was_active, report) = audited
    model = window.model
    qtmodeltester.check(model)
    # Newest first: the message, then Ben's change, then Anna's two changes.
    actions = [model.entry(r).action for r in range(4)]
    assert actions == ["message", "preferences", "preferences", "preferences"]
    assert (model.index(0, 5).data(), model.index(0, 6).data()) == ("", "Incoming · Conversation · General")
    oldest = model.rowCount() - 1
    assert model.index(oldest, 0).data(Qt.ItemDataRole.UserRole) == report.request_id
    before = model.index(oldest, 5).data()
    after = model.index(oldest, 6).data()
    on, off = ("on", "off") if was_active else ("off", "on")
    assert (before, after) == (f"Newsletter / Email: {on}", f"Newsletter / Email: {off}")
    # The time and the action are shown whole; dates have four-digit years.
    header, metrics = window.table_view.horizontalHeader(), window.table_view.fontMetrics()
    for column in (0, 2):
        assert header.sectionSize(column) > metrics.horizontalAdvance(model.index(oldest, column).data())
    assert "yyyy" in window.from_date.displayFormat() and "yyyy" in window.to_date.displayFormat()
    window.table_view.selectRow(oldest)
    details = window.details.toPlainText()
    assert report.request_id in details and f"Newsletter / Email: {off}" in details


def test_filters_by_member_staff_action_and_date(qtbot, audited):
    window, _ = audited
    model = window.model

    def customers():
        return sorted({model.entry(r).customer_id for r in range(model.rowCount())})

    qtbot.keyClicks(window.member_filter, str(10000 + 1))  # Anna's customer number
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)
    assert customers() == [ANNA]
    window.member_filter.clear()
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=WAIT_MS)

    window.staff_filter.setCurrentText("Ben B.")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert customers() == [BEN]
    window.staff_filter.setCurrentText("")
    window.action_filter.setCurrentIndex(window.action_filter.findData("message"))
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.entry(0).action == "message", timeout=WAIT_MS)
    window.action_filter.setCurrentIndex(0)

    window.from_date.setDate(QDate.currentDate().addDays(1))
    window.from_check.setChecked(True)
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=WAIT_MS)
    window.from_date.setDate(QDate.currentDate())
    window.to_date.setDate(QDate.currentDate())
    window.to_check.setChecked(True)
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=WAIT_MS)


def test_export_writes_the_filtered_entries(qtbot, audited, tmp_path):
    window, (_was_active, report) = audited
    window.action_filter.setCurrentIndex(window.action_filter.findData("preferences"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=WAIT_MS)
    # Through the button and the save dialog, as a manager does it.
    path = tmp_path / "audit.csv"
    window.separator_combo.setCurrentIndex(window.separator_combo.findData(";"))
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(QFileDialog, "auditExportDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()
    qtbot.waitUntil(lambda: "Exported 3 entries" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    lines = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""),
                            delimiter=";"))
    assert lines[0][:3] == ["Time (UTC)", "Staff", "Action"]
    assert {line[1] for line in lines[1:]} == {"Anna K.", "Ben B."}
    assert {line[2] for line in lines[1:]} == {"Consent change"}
    assert report.request_id in {line[7] for line in lines[1:]}
    assert all(line[5].startswith("Newsletter / Email: ") for line in lines[1:])


def test_the_open_history_shows_a_message_logged_meanwhile(qtbot, app_window):
    from PySide6.QtGui import QAction

    from tests.fixtures.app import open_customer, search

    window = app_window
    member = search(qtbot, window, "Weber")[0]
    open_customer(qtbot, window, member.id)
    window.findChild(QAction, "auditHistoryAction").trigger()
    audit = window.audit_window
    qtbot.waitUntil(lambda: audit.isVisible() and audit.count_label.text() == "0 entries", timeout=WAIT_MS)

    compose = window.conversation_panel.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
    compose.subject.setText("Parking")
    compose.body.setPlainText("Asked where to park.")
    qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.model.rowCount() == 1, timeout=WAIT_MS)
    entry = audit.model.entry(0)
    assert (entry.action, entry.customer_id, entry.outcome) == ("message", member.id, "sent")
    assert audit.count_label.text() == "1 entry"
