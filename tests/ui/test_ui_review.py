"""The consent review window against a small sandbox child process: filters, sorting, heat map,
single-member refresh, unreadable members; the review model's contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt

from studio_comm.api.client import MagiclineClient
from studio_comm.core.review import CellState, ConsentReview, ReviewFilter, ReviewRow, build_table
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.sandbox import demo_data
from studio_comm.ui.consent_summary import ConsentSummary
from studio_comm.ui.models.review_model import ReviewModel
from studio_comm.ui.review_window import ReviewWindow
from studio_comm.ui.tasks import TaskRunner
from tests.fixtures.logs import BACKGROUND_FAILED
from tests.fixtures.qt import run_async
from tests.fixtures.sandbox import SMALL_CUSTOMERS as CUSTOMERS

WAIT_MS = 30_000
LOYALTY_CHAT = ("LOYALTY_PROGRAM", "CHAT")
NL_MAIL = ("NEWSLETTER", "EMAIL")


@pytest.fixture
def review_window(qtbot, qloop, small_sandbox_process, tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite")
    aj = AsyncJournal(journal)
    client = MagiclineClient(small_sandbox_process.base_url, small_sandbox_process.api_key)
    window = ReviewWindow(ConsentReview(client, aj, demo_data.STUDIO_ID), TaskRunner())
    window.sandbox = small_sandbox_process
    qtbot.addWidget(window)
    window.show()
    run_async(qtbot, window.load())
    yield window
    window.close()
    run_async(qtbot, client.aclose())
    run_async(qtbot, aj.aclose())


def read_all(qtbot, window) -> None:
    for box in window.status_boxes.values():
        box.setChecked(True)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.running and window.last_outcome is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.model.rowCount() == CUSTOMERS, timeout=WAIT_MS)


def shown_ids(window) -> list[int]:
    return [window.model.row(i).customer_id for i in range(window.model.rowCount())]


def seeded_preferences() -> dict[int, dict]:
    return {c.id: {(p["messageCategory"], ch["communicationChannel"]): ch
                   for p in demo_data.default_preferences(c.id, 1) for ch in p["channels"]}
            for c in demo_data.customers(CUSTOMERS, 1)}


def test_review_model_and_heat_map_contract(qtmodeltester, qapp):
    read_at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rows = [
        ReviewRow(1, "10001", "Anna", "MEMBER", read_at, {NL_MAIL: CellState.ACTIVE}),
        ReviewRow(2, "10002", "Ben", "PROSPECT", read_at, {NL_MAIL: CellState.FIXED_INACTIVE,
                                                           LOYALTY_CHAT: CellState.INACTIVE}),
        ReviewRow(3, "10003", "Gone", "MEMBER", read_at, {}, "not_found"),
    ]
    model = ReviewModel()
    table = build_table(rows, ReviewFilter())
    model.set_table(table)
    qtmodeltester.check(model)
    assert model.columnCount() == 4 + 2
    column = model.column_of(NL_MAIL)
    assert model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.UserRole) == NL_MAIL
    assert [model.index(r, column).data(Qt.ItemDataRole.UserRole) for r in range(3)] == [
        "active", "fixed_inactive", None]
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == 1
    assert "Not found" in model.index(2, column).data(Qt.ItemDataRole.ToolTipRole)

    summary = ConsentSummary()
    summary.set_summary(table.summary)
    assert summary.share(NL_MAIL) == 0.5  # of the two readable rows, one active
    assert "1 of 2 members active (50%)" in summary.cell_text(NL_MAIL)


def test_filters_sorting_and_heat_map_follow_the_sandbox(qtbot, review_window):
    window = review_window
    read_all(qtbot, window)
    served = seeded_preferences()

    # The heat map: a click on a cell narrows the table to that cell.
    summary = window.summary
    no_chat = [cid for cid, cells in served.items() if LOYALTY_CHAT not in cells]
    assert summary.share(LOYALTY_CHAT) == pytest.approx(
        sum(bool(served[c].get(LOYALTY_CHAT, {}).get("active")) for c in served) / CUSTOMERS)
    qtbot.mouseClick(summary, Qt.MouseButton.LeftButton, pos=summary.cell_center(LOYALTY_CHAT))
    qtbot.waitUntil(lambda: window.model.cells == [LOYALTY_CHAT], timeout=WAIT_MS)
    assert window.category_filter.currentData() == "LOYALTY_PROGRAM"
    assert window.channel_filter.currentData() == "CHAT"

    # "Who is not in the loyalty programme's chat?"
    window.state_filter.setCurrentIndex(window.state_filter.findData("absent"))
    qtbot.waitUntil(lambda: sorted(shown_ids(window)) == sorted(no_chat), timeout=WAIT_MS)
    assert window.summary.share(LOYALTY_CHAT) == 0.0
    window.state_filter.setCurrentIndex(0)

    # Sorting by a cell column: a header click, active first, then again for the reverse.
    column = window.model.column_of(LOYALTY_CHAT)
    header = window.table_view.horizontalHeader()
    section = QPoint(header.sectionViewportPosition(column) + 5, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=section)
    qtbot.waitUntil(lambda: window._sort == (LOYALTY_CHAT, False), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.model.index(0, column).data(Qt.ItemDataRole.UserRole) == "active",
                    timeout=WAIT_MS)
    states = [window.model.index(r, column).data(Qt.ItemDataRole.UserRole)
              for r in range(window.model.rowCount())]
    assert states == sorted(states, key=["active", "inactive", "absent"].index)

    # Text filter on the customer number.
    window.category_filter.setCurrentIndex(0)
    window.channel_filter.setCurrentIndex(0)
    target = list(served)[17]
    qtbot.keyClicks(window.text_filter, str(10000 + 17))
    qtbot.waitUntil(lambda: shown_ids(window) == [target], timeout=WAIT_MS)
    assert window.count_label.text() == f"1 of {CUSTOMERS} customers"


def test_column_titles_and_read_times_are_shown_whole(qtbot, review_window):
    window = review_window
    read_all(qtbot, window)
    view, model = window.table_view, window.model
    header = view.horizontalHeader()
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        widest_line = max(header.fontMetrics().horizontalAdvance(line) for line in title.split("\n"))
        assert header.sectionSize(column) > widest_line, f"title {title!r} is cut off"
    read_at = model.index(0, model.column_of("read_at")).data()
    assert header.sectionSize(model.column_of("read_at")) > view.fontMetrics().horizontalAdvance(read_at)


def test_refreshing_one_member_shows_a_change_made_elsewhere(qtbot, review_window):
    window = review_window
    read_all(qtbot, window)
    member = demo_data.FIRST_CUSTOMER_ID + 4
    was = seeded_preferences()[member][NL_MAIL]["active"]
    window.sandbox.admin.set_preferences(member, [{"messageCategory": "NEWSLETTER", "channels": [
        {"communicationChannel": "EMAIL", "active": not was}]}])
    assert window.select_customer(member)
    qtbot.mouseClick(window.refresh_member_button, Qt.MouseButton.LeftButton)
    column = window.model.column_of(NL_MAIL)

    def shown_state():
        row = next(i for i, cid in enumerate(shown_ids(window)) if cid == member)
        return window.model.index(row, column).data(Qt.ItemDataRole.UserRole)

    qtbot.waitUntil(lambda: shown_state() == ("active" if not was else "inactive"), timeout=WAIT_MS)
    assert window.selected_row().customer_id == member  # the selection survives the refresh


def test_a_gone_member_is_shown_as_unreadable(qtbot, review_window):
    window = review_window
    gone = demo_data.FIRST_CUSTOMER_ID + 9
    window.sandbox.admin.set_faults(f"status=404@/v1/communications/{gone}/")
    read_all(qtbot, window)
    assert [f.customer_id for f in window.last_outcome.failures] == [gone]
    assert window.count_label.text() == f"{CUSTOMERS} of {CUSTOMERS} customers · 1 could not be read"
    row = shown_ids(window).index(gone)
    tooltip = window.model.index(row, window.model.column_of(NL_MAIL)).data(Qt.ItemDataRole.ToolTipRole)
    assert "gone" in tooltip
    assert "0 failed" not in window.progress_label.text()


def test_a_refused_review_says_why_in_words_and_can_resume(qtbot, review_window, expect_log):
    expect_log(*BACKGROUND_FAILED)
    window = review_window
    window.sandbox.admin.set_faults("status=403@/v1/communications/")
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.start_button.isEnabled(), timeout=WAIT_MS)
    assert window.progress_label.text().startswith("The review stopped: The studio's API key is not allowed")
    assert window.error_banner.isVisible() and window.resume_button.isEnabled()


def test_main_window_menu_opens_one_review_and_one_audit_window(qtbot, app_window):
    from PySide6.QtGui import QAction

    window = app_window
    actions = {name: window.findChild(QAction, name) for name in ("consentReviewAction", "auditHistoryAction")}
    assert all(actions.values()), "the main window's menu offers the review and the audit history"
    actions["consentReviewAction"].trigger()
    review = window.review_window
    qtbot.waitUntil(lambda: review.isVisible() and review.table is not None, timeout=WAIT_MS)
    assert review.review.studio_id == window.session.studio_id
    assert review.age_label.text().startswith("No preferences read yet")
    actions["consentReviewAction"].trigger()
    assert window.review_window is review  # one per main window, raised again
    actions["auditHistoryAction"].trigger()
    audit = window.audit_window
    qtbot.waitUntil(lambda: audit.isVisible() and audit.count_label.text() == "0 entries", timeout=WAIT_MS)
    review.close()
    audit.close()


def test_closing_the_main_window_stops_a_review_and_keeps_what_it_read(qtbot, app_window):
    from PySide6.QtGui import QAction

    window = app_window
    window.findChild(QAction, "consentReviewAction").trigger()
    review = window.review_window
    qtbot.waitUntil(lambda: review.table is not None, timeout=WAIT_MS)
    qtbot.mouseClick(review.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.last_progress is not None and review.last_progress.read >= 30,
                    timeout=WAIT_MS)
    window.close()
    assert not review.isVisible()
    # The review window's runner runs within the main window's: the app's shutdown waits for the run.
    run_async(qtbot, window.tasks.wait_idle(), timeout=30)
    assert not review.running
    cached = run_async(qtbot, window.session.journal.cached_preferences(window.session.studio_id))
    assert len(cached) == review.last_progress.read >= 30
