"""Changing a member's communication preferences through the matrix, against the sandbox.

The flow staff rely on: tick boxes, Save (Ctrl+S), a confirmation that lists exactly the
intended changes, the save, the re-read shown; a change made elsewhere meanwhile is not
overwritten; a server error is shown with its trace id and nothing is lost.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QRadioButton

from studio_comm.api.models import Channel, CommunicationPreference, MessageCategory
from studio_comm.core.preferences import Conflict, Matrix
from studio_comm.ui.preferences_panel import ConflictDialog
from tests.fixtures.app import WAIT_MS, open_customer, search, wait_for_preferences

NEWSLETTER_SMS = (MessageCategory.NEWSLETTER, Channel.TEXT_MESSAGE)
NEWSLETTER_EMAIL = (MessageCategory.NEWSLETTER, Channel.EMAIL)
APPOINTMENT_EMAIL = (MessageCategory.APPOINTMENT, Channel.EMAIL)


def api_get(sandbox, path: str, **params):
    response = httpx.get(
        f"{sandbox.base_url}{path}", params=params, headers={"X-API-KEY": sandbox.api_key}, timeout=30
    )
    response.raise_for_status()
    return response.json()


def stored(sandbox, customer_id: int) -> dict[tuple[str, str], bool]:
    """The sandbox's preferences of a member, read over its API: (category, channel) -> active."""
    prefs = api_get(sandbox, f"/v1/communications/{customer_id}/communication-preferences")
    return {
        (p["messageCategory"], c["communicationChannel"]): c["active"] for p in prefs for c in p["channels"]
    }


def set_in_magicline(sandbox, customer_id: int, values: dict[tuple[str, str], bool]) -> None:
    """A change made "in Magicline" (the sandbox's admin), not through this app."""
    by_category: dict[str, list] = {}
    for (category, channel), active in values.items():
        by_category.setdefault(category, []).append({"communicationChannel": channel, "active": active})
    sandbox.admin.set_preferences(
        customer_id, [{"messageCategory": c, "channels": chs} for c, chs in by_category.items()]
    )


@pytest.fixture
def member(qtbot, app_window):
    """A member with promotional texts and appointment emails on, open in the window."""
    sandbox = app_window.sandbox
    candidates = api_get(sandbox, "/v1/customers", sliceSize=50)["result"]
    for candidate in candidates:
        cells = stored(sandbox, candidate["id"])
        if {("NEWSLETTER", "TEXT_MESSAGE"), ("NEWSLETTER", "EMAIL"), ("APPOINTMENT", "EMAIL")} <= set(cells):
            break
    else:
        raise AssertionError("no member offers newsletter texts in the sample")
    set_in_magicline(
        sandbox,
        candidate["id"],
        {("NEWSLETTER", "TEXT_MESSAGE"): True, ("NEWSLETTER", "EMAIL"): True, ("APPOINTMENT", "EMAIL"): True},
    )
    search(qtbot, app_window, candidate["customerNumber"])
    open_customer(qtbot, app_window, candidate["id"])
    return candidate


def toggle(qtbot, window, cell) -> None:
    """Move to the cell and press Space, as a keyboard user does."""
    view = window.preferences_panel.matrix_view
    index = view.model().index_of(*cell)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Space)


def confirm_save(qtbot, window) -> list[str]:
    """Press Ctrl+S, read the confirmation's lines, press its Save button."""
    panel = window.preferences_panel
    # Shortcuts reach the active window only (a closed dialog may leave none active offscreen).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(panel.matrix_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: panel.confirmation_dialog is not None and panel.confirmation_dialog.isVisible(), timeout=WAIT_MS
    )
    dialog = panel.confirmation_dialog
    assert QApplication.activeModalWidget() is dialog
    lines = dialog.lines()
    qtbot.mouseClick(dialog.findChild(QPushButton, "confirmSaveButton"), Qt.MouseButton.LeftButton)
    return lines


def wait_saved(qtbot, window):
    panel = window.preferences_panel
    qtbot.waitUntil(lambda: panel.last_report is not None and not panel.busy, timeout=WAIT_MS)
    return panel.last_report


def preference_puts(sandbox) -> list[dict]:
    return [
        r for r in sandbox.admin.received()
        if r["method"] == "PUT" and r["path"].endswith("/communication-preferences")
    ]


def shown(window, cell) -> bool | None:
    model = window.preferences_panel.model
    state = model.index_of(*cell).data(Qt.ItemDataRole.CheckStateRole)
    return None if state is None else state == Qt.CheckState.Checked


def test_promotional_texts_off_appointment_emails_kept(qtbot, app_window, member):
    sandbox, panel = app_window.sandbox, app_window.preferences_panel
    before = stored(sandbox, member["id"])
    assert shown(app_window, NEWSLETTER_SMS) is True and shown(app_window, APPOINTMENT_EMAIL) is True

    # The compose area offers newsletter texts until the save.
    compose = app_window.conversation_panel.compose
    compose.category.setCurrentIndex(compose.category.findData("NEWSLETTER"))
    sms = compose.channel.model().item(compose.channel.findData("TEXT_MESSAGE"))
    qtbot.waitUntil(lambda: app_window.tasks.pending == 0, timeout=WAIT_MS)  # consent read
    assert sms.isEnabled()

    toggle(qtbot, app_window, NEWSLETTER_SMS)
    assert shown(app_window, NEWSLETTER_SMS) is False
    changed = panel.model.index_of(*NEWSLETTER_SMS)
    assert changed.data(Qt.ItemDataRole.BackgroundRole) is not None, "a changed cell is highlighted"
    assert panel.save_button.isEnabled() and panel.revert_button.isEnabled()

    sandbox.admin.reset_received()
    lines = confirm_save(qtbot, app_window)
    assert lines == ["Newsletter / Text message: on → off"]
    report = wait_saved(qtbot, app_window)
    assert report.outcome == "saved"

    # The sandbox received exactly that one change, everything else as it was.
    puts = preference_puts(sandbox)
    assert len(puts) == 1
    sent = {
        (p["messageCategory"], c["communicationChannel"]): c["active"] for p in puts[0]["json"] for c in p["channels"]
    }
    assert {cell for cell in before if sent.get(cell) != before[cell]} == {("NEWSLETTER", "TEXT_MESSAGE")}
    assert sent[("NEWSLETTER", "TEXT_MESSAGE")] is False
    # The window shows the re-read: promotional texts off, appointment emails still on.
    assert stored(sandbox, member["id"])[("NEWSLETTER", "TEXT_MESSAGE")] is False
    assert shown(app_window, NEWSLETTER_SMS) is False and shown(app_window, APPOINTMENT_EMAIL) is True
    assert changed.data(Qt.ItemDataRole.BackgroundRole) is None, "no highlight once saved"
    assert not panel.save_button.isEnabled()
    assert "Saved" in panel.status_label.text()
    # ... and blocks them once saved, without the member being opened again.
    qtbot.waitUntil(lambda: not sms.isEnabled(), timeout=WAIT_MS)
    assert "has not agreed to Newsletter messages by Text message" in sms.toolTip()


def test_cancelled_confirmation_saves_nothing_and_keeps_the_edit(qtbot, app_window, member):
    sandbox, panel = app_window.sandbox, app_window.preferences_panel
    toggle(qtbot, app_window, NEWSLETTER_SMS)
    sandbox.admin.reset_received()
    qtbot.keyClick(panel.matrix_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: panel.confirmation_dialog is not None and panel.confirmation_dialog.isVisible(), timeout=WAIT_MS
    )
    panel.confirmation_dialog.reject()
    assert preference_puts(sandbox) == []
    assert shown(app_window, NEWSLETTER_SMS) is False and panel.is_dirty

    qtbot.mouseClick(panel.revert_button, Qt.MouseButton.LeftButton)
    assert shown(app_window, NEWSLETTER_SMS) is True and not panel.is_dirty


def test_conflict_with_a_change_made_in_magicline_meanwhile(qtbot, app_window, member):
    sandbox, panel = app_window.sandbox, app_window.preferences_panel
    toggle(qtbot, app_window, NEWSLETTER_SMS)
    toggle(qtbot, app_window, NEWSLETTER_EMAIL)
    # Meanwhile, in Magicline: newsletter texts off too, and appointment emails off.
    set_in_magicline(sandbox, member["id"], {("NEWSLETTER", "TEXT_MESSAGE"): False, ("APPOINTMENT", "EMAIL"): False})
    assert shown(app_window, APPOINTMENT_EMAIL) is True, "the window still shows what it read"

    sandbox.admin.reset_received()
    assert confirm_save(qtbot, app_window) == [
        "Newsletter / Email: on → off",
        "Newsletter / Text message: on → off",
    ]
    report = wait_saved(qtbot, app_window)
    assert report.outcome == "conflict"
    assert preference_puts(sandbox) == [], "nothing is written before the user decides"
    qtbot.waitUntil(lambda: panel.conflict_dialog is not None and panel.conflict_dialog.isVisible(), timeout=WAIT_MS)
    dialog = panel.conflict_dialog
    assert list(dialog.choices) == [NEWSLETTER_SMS]
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Newsletter / Text message" in text and "same change" in text
    qtbot.mouseClick(dialog.findChild(QRadioButton, "takeTheirs"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.findChild(QPushButton, "conflictSaveButton"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: panel.last_report.outcome == "saved" and not panel.busy, timeout=WAIT_MS)
    puts = preference_puts(sandbox)
    assert len(puts) == 1
    now = stored(sandbox, member["id"])
    assert now[("NEWSLETTER", "EMAIL")] is False, "the user's other change was saved"
    assert now[("APPOINTMENT", "EMAIL")] is False, "the change made in Magicline was not overwritten"
    assert now[("NEWSLETTER", "TEXT_MESSAGE")] is False
    assert shown(app_window, APPOINTMENT_EMAIL) is False and shown(app_window, NEWSLETTER_EMAIL) is False


def test_a_change_the_server_did_not_keep_is_explained(qtbot, app_window, member):
    sandbox, panel = app_window.sandbox, app_window.preferences_panel
    toggle(qtbot, app_window, NEWSLETTER_SMS)
    # Slow reads, so that "Magicline" can undo the change between the save and the re-read.
    sandbox.admin.set_faults("latency=2500:method=GET@/v1/communications")
    sandbox.admin.reset_received()
    confirm_save(qtbot, app_window)

    def reread_arrived() -> bool:
        methods = [r["method"] for r in sandbox.admin.received() if r["path"].endswith("/communication-preferences")]
        return methods[-2:] == ["PUT", "GET"]

    qtbot.waitUntil(reread_arrived, timeout=WAIT_MS)
    set_in_magicline(sandbox, member["id"], {("NEWSLETTER", "TEXT_MESSAGE"): True})
    sandbox.admin.set_faults("")
    report = wait_saved(qtbot, app_window)
    assert report.outcome == "differs"
    text = panel.status_label.text()
    assert "did not apply everything" in text
    assert "Newsletter / Text message: you chose off, Magicline has on" in text
    assert shown(app_window, NEWSLETTER_SMS) is True, "the window shows what Magicline has"
    assert not panel.is_dirty


def test_server_conflict_is_merged_again_and_saved(qtbot, app_window, member):
    sandbox = app_window.sandbox
    toggle(qtbot, app_window, NEWSLETTER_SMS)
    sandbox.admin.set_faults("status=409:count=1:method=PUT@/v1/communications")
    sandbox.admin.reset_received()
    confirm_save(qtbot, app_window)
    report = wait_saved(qtbot, app_window)
    assert report.outcome == "saved"
    assert [r["status"] for r in preference_puts(sandbox)] == [409, 200]
    assert stored(sandbox, member["id"])[("NEWSLETTER", "TEXT_MESSAGE")] is False


def test_server_error_shows_in_banner_and_keeps_the_edit(qtbot, app_window, member):
    sandbox, panel, banner = app_window.sandbox, app_window.preferences_panel, app_window.error_banner
    toggle(qtbot, app_window, NEWSLETTER_SMS)
    sandbox.admin.set_faults("status=500@/v1/communications")
    confirm_save(qtbot, app_window)
    report = wait_saved(qtbot, app_window)
    assert report.outcome == "failed"

    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.trace_id and banner.trace_id in banner.findChild(QLabel, "errorBannerTrace").text()
    assert "problem on its side" in banner.message
    assert QApplication.activeModalWidget() is None, "the banner blocks nothing"
    # The edit is still there, highlighted, and can be saved once the server is well.
    assert shown(app_window, NEWSLETTER_SMS) is False and panel.is_dirty
    assert "kept" in panel.status_label.text()
    assert app_window.search_panel.search_edit.isEnabled()

    sandbox.admin.set_faults("")
    confirm_save(qtbot, app_window)
    qtbot.waitUntil(lambda: panel.last_report.outcome == "saved", timeout=WAIT_MS)
    qtbot.mouseClick(banner.findChild(QPushButton, "errorBannerDismiss"), Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_fixed_and_absent_cells_do_not_toggle(qtbot, app_window, member):
    panel = app_window.preferences_panel
    model = panel.model
    matrix = model.matrix
    fixed = next((cell for cell in matrix.cells() if matrix.fixed(cell)), None)
    absent = next(
        ((cat, ch) for cat in matrix.categories for ch in matrix.channels if matrix.setting((cat, ch)) is None), None
    )
    for cell in filter(None, (fixed, absent)):
        before = model.index_of(*cell).data(Qt.ItemDataRole.CheckStateRole)
        toggle(qtbot, app_window, cell)
        assert model.index_of(*cell).data(Qt.ItemDataRole.CheckStateRole) == before
    assert not panel.is_dirty
    assert fixed is not None, "the demo studio fixes some channels"


def test_conflict_dialog_offers_only_what_is_still_possible(qtbot):
    conflicts = [
        Conflict(NEWSLETTER_SMS, before=True, theirs=True, mine=False, editable=False),
        Conflict(NEWSLETTER_EMAIL, before=True, theirs=None, mine=False, editable=False),
        Conflict(APPOINTMENT_EMAIL, before=False, theirs=False, mine=True, editable=True),
    ]
    dialog = ConflictDialog(conflicts)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Newsletter / Text message" in t and "fixed" in t for t in texts)
    assert any("Newsletter / Email" in t and "no longer offers" in t for t in texts)
    assert dialog.keep_mine() == {NEWSLETTER_SMS: False, NEWSLETTER_EMAIL: False, APPOINTMENT_EMAIL: True}
    assert not dialog.choices[NEWSLETTER_SMS].isEnabled() and dialog.choices[APPOINTMENT_EMAIL].isEnabled()


def test_a_late_answer_for_the_previous_member_is_dropped(qtbot, app_window):
    """Staff open one member, then at once another, while the first one's reads are slow:
    the first one's answers arrive last and must not reach the matrix or the compose area."""
    sandbox, panel = app_window.sandbox, app_window.preferences_panel
    slow, other = search(qtbot, app_window, "Schmidt")[:2]
    set_in_magicline(sandbox, slow.id, dict.fromkeys(stored(sandbox, slow.id), True))
    set_in_magicline(sandbox, other.id, dict.fromkeys(stored(sandbox, other.id), False))
    slow_path = f"/v1/communications/{slow.id}/"
    sandbox.admin.set_faults(f"latency=3000:method=GET@{slow_path}")
    sandbox.admin.reset_received()

    app_window.open_customer(slow)
    qtbot.waitUntil(lambda: panel.busy and panel.customer.id == slow.id, timeout=WAIT_MS)
    app_window.open_customer(other)
    wait_for_preferences(qtbot, app_window, other.id)

    def slow_reads() -> list:
        return [r["status"] for r in sandbox.admin.received() if r["path"].startswith(slow_path)]

    # The preferences read and the consent read of the first member are answered...
    qtbot.waitUntil(lambda: len(slow_reads()) == 2 and None not in slow_reads(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app_window.tasks.pending == 0, timeout=WAIT_MS)
    # ... and every callback their tasks scheduled has run once a later one has.
    after = []
    app_window.tasks.run(asyncio.sleep(0), on_result=after.append)
    qtbot.waitUntil(lambda: after == [None], timeout=WAIT_MS)

    assert panel.customer.id == other.id and panel.editor.customer_id == other.id
    assert panel.model.matrix == Matrix(api_get_preferences(sandbox, other.id))
    assert not any(shown(app_window, cell) for cell in panel.model.matrix.cells()
                   if panel.model.matrix.editable(cell)), "the second member has everything off"
    assert not panel.busy and panel.status_label.text() == ""
    compose = app_window.conversation_panel.compose
    email = compose.channel.model().item(compose.channel.findData("EMAIL"))
    assert not email.isEnabled(), "the compose area shows the second member's consent"


def api_get_preferences(sandbox, customer_id: int) -> list:
    prefs = api_get(sandbox, f"/v1/communications/{customer_id}/communication-preferences")
    return [CommunicationPreference.model_validate(p) for p in prefs]
