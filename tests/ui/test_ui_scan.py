"""Scan, type and go: a card, barcode or customer number opens its member with one Enter,
and what is typed before the studio is connected is searched once it is.

A keyboard-wedge scanner types the digits and Enter within milliseconds: the tests send
the keys and the Enter in one go, with no wait between them, against the sandbox.
"""

from __future__ import annotations

import contextlib

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio_comm.core.search import classify
from tests.fixtures.app import CONNECT_TIMEOUT_MS, PROFILE, WAIT_MS, close_app, type_text


@pytest.fixture
def members(sandbox_process) -> list[dict]:
    """A page of the sandbox's members as the API returns them (wire JSON)."""
    response = httpx.get(f"{sandbox_process.base_url}/v1/customers", params={"sliceSize": 100},
                         headers={"X-API-KEY": sandbox_process.api_key}, timeout=30)
    response.raise_for_status()
    return response.json()["result"]


def medium(member: dict, kind: str) -> str:
    """The member's card number or barcode, or the customer number."""
    if kind == "customerNumber":
        return member["customerNumber"]
    return next(m["value"] for m in member["accessMediums"] if m["type"] == kind)


def scan(qtbot, window, text: str) -> None:
    """What a keyboard-wedge scanner does: the characters and Enter, at once."""
    edit = window.search_panel.search_edit
    edit.setFocus()
    edit.selectAll()  # as after the previous scan: the next one replaces it
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def lookups(sandbox) -> list[dict]:
    return [r for r in sandbox.admin.received() if r["path"] == "/v1/customers/by"]


@pytest.mark.parametrize("kind", ["CARD_NUMBER", "BARCODE", "customerNumber"])
def test_a_scan_opens_its_member_with_one_enter(qtbot, app_window, members, kind):
    member = members[7]
    panel = app_window.search_panel
    scan(qtbot, app_window, medium(member, kind))
    qtbot.waitUntil(lambda: app_window.customer is not None, timeout=WAIT_MS)
    assert app_window.customer.id == member["id"]
    assert app_window.preferences_panel.header.name_label.text() == \
        f"{member.get('firstName', '')} {member.get('lastName', '')}".strip()
    # The field keeps the scan, selected: the next card replaces it instead of adding to it.
    assert panel.search_edit.selectedText() == medium(member, kind)


def test_scan_after_scan_opens_each_member(qtbot, app_window, members):
    panel = app_window.search_panel
    for member in (members[3], members[4]):
        scan(qtbot, app_window, medium(member, "CARD_NUMBER"))
        qtbot.waitUntil(lambda m=member: app_window.customer is not None and app_window.customer.id == m["id"],
                        timeout=WAIT_MS)
        assert panel.search_edit.text() == medium(member, "CARD_NUMBER")


def test_an_unknown_card_opens_nobody_and_says_so(qtbot, app_window, members):
    known = {medium(m, "CARD_NUMBER") for m in members}
    unknown = next(str(n) for n in range(4_294_967_000, 4_294_967_295) if str(n) not in known)
    panel = app_window.search_panel
    app_window.sandbox.admin.reset_received()
    scan(qtbot, app_window, unknown)
    qtbot.waitUntil(lambda: "No customer found" in panel.status_label.text(), timeout=WAIT_MS)
    assert unknown in panel.status_label.text()
    assert app_window.customer is None and panel.model.rowCount() == 0
    # Every kind of number was asked for, each once.
    assert len(lookups(app_window.sandbox)) == len(classify(unknown).lookups)


def test_several_matches_list_them_and_ask_to_choose(qtbot, app_window):
    panel = app_window.search_panel
    scan(qtbot, app_window, "Schmidt")
    qtbot.waitUntil(lambda: "choose one" in panel.status_label.text(), timeout=WAIT_MS)
    assert panel.model.rowCount() > 1
    assert panel.status_label.text().startswith(f"{panel.model.rowCount()} customer")
    assert app_window.customer is None, "nobody is opened when several match"
    # The list is ready for the keyboard: the first row is selected, one more Enter opens it.
    first = panel.model.customer(0)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app_window.customer is not None, timeout=WAIT_MS)
    assert app_window.customer.id == first.id


def test_enter_while_the_search_is_under_way_opens_what_it_finds(qtbot, app_window, members):
    """Typed by hand with a pause: the search has started when Enter comes."""
    member = members[11]
    panel, sandbox = app_window.search_panel, app_window.sandbox
    sandbox.admin.set_faults("latency=1500@/v1/customers/by")
    sandbox.admin.reset_received()
    panel.search_edit.setFocus()
    qtbot.keyClicks(panel.search_edit, member["customerNumber"])
    qtbot.waitUntil(lambda: len(lookups(sandbox)) == 1, timeout=WAIT_MS)  # the pause's search is out
    assert panel.status_label.text() == "Searching…"
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app_window.customer is not None, timeout=WAIT_MS)
    assert app_window.customer.id == member["id"]
    assert len(lookups(sandbox)) == 1, "Enter did not search a second time"


@contextlib.contextmanager
def slow_start(qtbot, sandbox_process, memory_keyring, tmp_path, faults: str):
    """The app launched against a sandbox whose first answers are slow (`faults`)."""
    from studio_comm.app import launch
    from studio_comm.core.credentials import SERVICE

    memory_keyring.set_password(SERVICE, PROFILE, sandbox_process.api_key)
    sandbox_process.admin.set_faults(faults)
    window = launch(["--profile", PROFILE, "--base-url", sandbox_process.base_url,
                     "--data-dir", str(tmp_path / "data"), "--staff", "Desk Test"])
    window.resize(1280, 800)
    try:
        yield window
    finally:
        close_app(qtbot, window)


def test_a_name_typed_before_the_connection_is_searched_once_connected(
        qtbot, qloop, sandbox_process, memory_keyring, tmp_path, members):
    member = next(m for m in members if m.get("firstName") and m.get("lastName"))
    text = f"{member['firstName']} {member['lastName']}"
    with slow_start(qtbot, sandbox_process, memory_keyring, tmp_path, "latency=3000:count=1@/v1/studios") as window:
        panel = window.search_panel
        assert panel.search_edit.isEnabled() and QApplication.focusWidget() in (panel.search_edit, None)
        type_text(panel.search_edit, text)  # names are full of letters keyClicks cannot type
        qtbot.waitUntil(lambda: not panel._debounce.isActive(), timeout=WAIT_MS)
        assert window.session is None, "typed while the studio's first answer is still on its way"
        assert panel.status_label.text() == f"“{text}” is searched as soon as the studio is connected."
        assert panel.search_edit.text() == text

        qtbot.waitUntil(lambda: window.session is not None, timeout=CONNECT_TIMEOUT_MS)
        qtbot.waitUntil(lambda: panel.model.row_of(member["id"]) >= 0, timeout=WAIT_MS)
        assert panel.search_edit.text() == text, "nothing typed was lost"
        assert "found" in panel.status_label.text()
        received = sandbox_process.admin.received()
        searches = [i for i, r in enumerate(received) if r["path"] == "/v1/customers/search"]
        connected = max(i for i, r in enumerate(received) if r["path"] == "/v1/studios/information")
        # Searched once (each of the name's readings one request), after the studio answered.
        assert len(searches) == len(classify(text).names)
        assert min(searches) > connected


def test_a_card_scanned_before_the_connection_opens_its_member_once_connected(
        qtbot, qloop, sandbox_process, memory_keyring, tmp_path, members):
    member = members[5]
    card = medium(member, "CARD_NUMBER")
    with slow_start(qtbot, sandbox_process, memory_keyring, tmp_path,
                    "latency=3000:count=1:method=HEAD@/v1/studios") as window:
        panel = window.search_panel
        scan(qtbot, window, card)
        assert window.session is None and panel.search_edit.text() == card
        assert "as soon as the studio is connected" in panel.status_label.text()
        qtbot.waitUntil(lambda: window.customer is not None, timeout=CONNECT_TIMEOUT_MS)
        assert window.customer.id == member["id"]
        # Searched once: each kind of number asked for in turn, up to the card that matched.
        order = [field for field, _ in classify(card).lookups]
        assert len(lookups(sandbox_process)) == order.index("card_number") + 1
