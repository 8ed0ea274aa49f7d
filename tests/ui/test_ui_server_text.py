"""What the server sends is shown as text and steers nothing: a category or channel this
version does not know, with markup in it, reads literally in every tooltip; a customer
number with slashes cannot point the export dialog at another folder.

The real app against a small sandbox child process, through a proxy that changes the
sandbox's answers the way a newer (or a misbehaving) server might.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QFileDialog, QToolTip

from studio_comm.app import launch, shutdown
from studio_comm.core.credentials import SERVICE
from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
from studio_comm.ui.review_window import open_review_window
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE, WAIT_MS, open_customer, search
from tests.fixtures.proxy import RewritingProxy
from tests.fixtures.qt import run_async

CUSTOMERS = 30
CHANNEL = "<b>PUSH</b>"  # a channel of a newer API, as the server spells it
CATEGORY = "<i>VIP</i>"
TRAVERSING_NUMBER = "x/../../target"


def with_markup(method, path, status, body):
    """Every member's preferences gain a channel and a category nobody knows yet."""
    if method == "GET" and status == 200 and path.endswith("/communication-preferences"):
        for pref in body:
            if pref["messageCategory"] == "NEWSLETTER":
                pref["channels"].append({"communicationChannel": CHANNEL, "active": True,
                                         "customerOverridable": True})
        return [*body, {"messageCategory": CATEGORY, "channels": [
            {"communicationChannel": "EMAIL", "active": False, "customerOverridable": True}]}]
    if method == "GET" and status == 200 and path == "/v1/customers" and body["result"]:
        # The first number of each slice, as a careless data import might have left it.
        body["result"][0]["customerNumber"] = TRAVERSING_NUMBER
        return body
    return None


@pytest.fixture(scope="module")
def small_sandbox():
    with SandboxProcess(SandboxConfig(customers=CUSTOMERS, rate_limit=(100_000, 60.0))) as sb:
        yield sb


@pytest.fixture
def proxied_window(qtbot, qloop, small_sandbox, memory_keyring, tmp_path):
    small_sandbox.admin.reset()
    with RewritingProxy(small_sandbox) as proxy:
        proxy.rewrite = with_markup
        memory_keyring.set_password(SERVICE, PROFILE, small_sandbox.api_key)
        window = launch(["--profile", PROFILE, "--base-url", proxy.base_url,
                         "--data-dir", str(tmp_path / "data"), "--staff", "Desk Test"])
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


def tooltip_at(qtbot, widget, pos: QPoint) -> str:
    """Hover: the tooltip `widget` shows at `pos`, as the user reads it (Qt renders a
    tooltip that looks like markup as rich text)."""
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=WAIT_MS)
    text = QToolTip.text()
    QToolTip.hideText()
    if not QtGui.Qt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_matrix_tooltips_show_unknown_values_literally(qtbot, proxied_window):
    window = proxied_window
    customer = search(qtbot, window, "a")[0]
    open_customer(qtbot, window, customer.id)
    view = window.preferences_panel.matrix_view
    model = window.preferences_panel.model
    cell = model.index_of(*next(c for c in model.matrix.cells() if str(c[1].value) == CHANNEL))
    shown = tooltip_at(qtbot, view.viewport(), view.visualRect(cell).center())
    assert shown.startswith(f"Newsletter by Unknown ({CHANNEL}): on")

    row = model.index_of(*next(c for c in model.matrix.cells() if str(c[0].value) == CATEGORY))
    shown = tooltip_at(qtbot, view.viewport(), view.visualRect(row).center())
    assert shown.startswith(f"Unknown ({CATEGORY}) by Email: off")


def read_review(qtbot, window):
    review = open_review_window(window)
    for box in review.status_boxes.values():
        box.setChecked(True)
    qtbot.mouseClick(review.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not review.running and review.model.rowCount() == CUSTOMERS, timeout=WAIT_MS)
    return review


def test_review_tooltips_show_unknown_values_literally(qtbot, proxied_window):
    review = read_review(qtbot, proxied_window)
    # The column header and the heat map name the unknown channel as the server spelt it.
    column = review.model.column_of(("NEWSLETTER", CHANNEL))
    header = review.table_view.horizontalHeader()
    review.table_view.scrollTo(review.model.index(0, column))
    qtbot.waitUntil(lambda: header.sectionViewportPosition(column) >= 0, timeout=WAIT_MS)
    section = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, 5)
    assert tooltip_at(qtbot, header.viewport(), section) == f"Newsletter / Unknown ({CHANNEL})"
    summary = review.summary
    assert tooltip_at(qtbot, summary, summary.cell_center(("NEWSLETTER", CHANNEL))).startswith(
        f"Newsletter / Unknown ({CHANNEL}): ")


def test_a_member_export_is_suggested_in_the_dialogs_folder_whatever_the_customer_number(
    qtbot, proxied_window
):
    review = read_review(qtbot, proxied_window)
    row = next(r for r in range(review.model.rowCount())
               if review.model.row(r).customer_number == TRAVERSING_NUMBER)
    review.table_view.selectRow(row)
    qtbot.mouseClick(review.member_export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.findChild(QFileDialog, "memberExportDialog") is not None, timeout=WAIT_MS)
    dialog = review.findChild(QFileDialog, "memberExportDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    (suggested,) = dialog.selectedFiles()
    assert Path(suggested).name == "member-x_target.json"
    assert Path(suggested).parent == Path(dialog.directory().absolutePath()) == Path.cwd()
    dialog.reject()
