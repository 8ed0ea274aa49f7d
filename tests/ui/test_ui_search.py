"""Finding a member in the main window, against the sandbox over loopback HTTP."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fixtures.app import WAIT_MS, open_customer, search


@pytest.fixture
def members(sandbox_process) -> list[dict]:
    """A page of the sandbox's members as the API returns them (wire JSON)."""
    response = httpx.get(
        f"{sandbox_process.base_url}/v1/customers",
        params={"sliceSize": 100},
        headers={"X-API-KEY": sandbox_process.api_key},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["result"]


def pick(members: list[dict], *fields: str) -> dict:
    """A member with every field given, whose values are unique within the page."""
    for member in members:
        if all(member.get(f) for f in fields) and all(
            sum(1 for other in members if other.get(f) == member[f]) == 1 for f in fields
        ):
            return member
    raise AssertionError(f"no member with unique {fields} in the sample")


def test_search_by_name_lists_the_member(qtbot, app_window, members):
    member = pick(members, "firstName", "lastName")
    found = search(qtbot, app_window, f"{member['firstName']} {member['lastName']}")
    assert member["id"] in [c.id for c in found]
    view = app_window.search_panel.results_view
    row = app_window.search_panel.model.row_of(member["id"])
    assert view.model().index(row, 0).data() == f"{member['firstName']} {member['lastName']}"
    assert view.model().index(row, 0).data(Qt.ItemDataRole.UserRole) == member["id"]


def test_search_by_email_finds_exactly_that_member(qtbot, app_window, members):
    member = pick(members, "email")
    found = search(qtbot, app_window, member["email"].upper())
    assert [c.id for c in found] == [member["id"]]
    assert app_window.search_panel.model.index(0, 3).data() == member["email"]


def test_search_by_customer_number_and_open_with_enter(qtbot, app_window, members):
    member = pick(members, "customerNumber")
    found = search(qtbot, app_window, member["customerNumber"])
    assert [c.id for c in found] == [member["id"]]

    open_customer(qtbot, app_window, member["id"])
    header = app_window.preferences_panel.header
    assert header.name_label.text() == f"{member.get('firstName', '')} {member.get('lastName', '')}".strip()
    assert member["customerNumber"] in header.details_label.text()
    assert header.name_label.textFormat() == Qt.TextFormat.PlainText
    matrix = app_window.preferences_panel.matrix_view.model()
    assert matrix.rowCount() >= 5 and matrix.columnCount() >= 1


def test_no_result_is_said_and_nothing_is_listed(qtbot, app_window):
    found = search(qtbot, app_window, "Zzyzxqwv")
    assert found == []
    assert "No customer found" in app_window.search_panel.status_label.text()


def test_keyboard_only_from_ctrl_f_to_an_open_member(qtbot, app_window, members):
    member = pick(members, "customerNumber")
    panel = app_window.search_panel
    app_window.activateWindow()
    qtbot.waitUntil(app_window.isActiveWindow, timeout=WAIT_MS)  # shortcuts need the active window
    app_window.preferences_panel.matrix_view.setFocus()
    qtbot.keyClick(app_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.search_edit, timeout=WAIT_MS)
    search(qtbot, app_window, member["customerNumber"])
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.results_view
    qtbot.keyClick(panel.results_view, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: app_window.customer is not None and app_window.customer.id == member["id"], timeout=WAIT_MS
    )


def test_browse_all_pages_as_the_list_scrolls(qtbot, app_window):
    panel = app_window.search_panel
    qtbot.mouseClick(panel.browse_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and not panel.model._loading, timeout=WAIT_MS)
    first = panel.model.rowCount()
    assert panel.model.canFetchMore(), "the studio has more members than one page"
    panel.results_view.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() > first, timeout=WAIT_MS)
    ids = [panel.model.customer(row).id for row in range(panel.model.rowCount())]
    assert len(ids) == len(set(ids)), "pages do not repeat members"
    assert all(panel.model.customer(row).status.value == "MEMBER" for row in range(len(ids)))


def test_a_slow_earlier_search_does_not_overwrite_a_newer_one(qtbot, app_window):
    sandbox, panel = app_window.sandbox, app_window.search_panel
    # One word is searched as a last and as a first name: the two requests of "Schmidt".
    sandbox.admin.set_faults("latency=3000:count=2@/v1/customers/search")
    sandbox.admin.reset_received()

    def searches() -> list:
        return [r for r in sandbox.admin.received() if r["path"] == "/v1/customers/search"]

    panel.search_edit.setText("Schmidt")
    panel.search_now()
    qtbot.waitUntil(lambda: len(searches()) == 2, timeout=WAIT_MS)
    found = search(qtbot, app_window, "Müller")
    assert found and all("müller" in f"{c.first_name} {c.last_name}".casefold() for c in found)
    # The answers to "Schmidt" come last; once every callback they scheduled has run ...
    qtbot.waitUntil(lambda: None not in [r["status"] for r in searches()[:2]], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app_window.tasks.pending == 0, timeout=WAIT_MS)
    after = []
    app_window.tasks.run(asyncio.sleep(0), on_result=after.append)
    qtbot.waitUntil(lambda: after == [None], timeout=WAIT_MS)
    # ... the list still shows what was asked last.
    assert [panel.model.customer(row).id for row in range(panel.model.rowCount())] == [c.id for c in found]
    assert panel.status_label.text().startswith(f"{len(found)} customer")
