"""Outcomes told as they are, through the window: a message Magicline took while the shared
journal was away, an answer that arrived but could not be read, an error that must not
stay over the next member, a character that cannot be sent, and a preferences save whose
answer was lost and that a read settled. Against the sandbox with its faults, and a
PostgreSQL journal of the test's own for the journal's outage."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from studio_comm.core.credentials import SERVICE
from studio_comm.journal import Journal
from tests.fixtures.app import PROFILE, WAIT_MS, open_customer, search
from tests.fixtures.logs import OUTCOME_UNKNOWN, RETRY_SCHEDULED
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
from tests.ui.test_ui_preferences import (
    NEWSLETTER_EMAIL,
    NEWSLETTER_SMS,
    api_get,
    confirm_save,
    set_in_magicline,
    stored,
    toggle,
    wait_saved,
)

LEFT = Qt.MouseButton.LeftButton
POSTS = "@/v1/communications"


@pytest.fixture
def members(app_window):
    """MEMBER and OTHER, both accepting general emails."""
    for customer_id in (MEMBER, OTHER):
        allow_general_email(app_window.sandbox, customer_id)


@pytest.fixture
def member(qtbot, app_window) -> dict:
    """A member with newsletter texts and emails on, open in the window."""
    sandbox = app_window.sandbox
    candidates = api_get(sandbox, "/v1/customers", sliceSize=50)["result"]
    chosen = next(c for c in candidates
                  if {("NEWSLETTER", "TEXT_MESSAGE"), ("NEWSLETTER", "EMAIL")} <= set(stored(sandbox, c["id"])))
    set_in_magicline(sandbox, chosen["id"], {("NEWSLETTER", "TEXT_MESSAGE"): True, ("NEWSLETTER", "EMAIL"): True})
    search(qtbot, app_window, chosen["customerNumber"])
    open_customer(qtbot, app_window, chosen["id"])
    return chosen


def write(qtbot, compose, subject: str, body: str) -> None:
    compose.subject.setFocus()
    compose.subject.setText(subject)
    type_into_body(qtbot, compose, body)


@pytest.mark.postgres
def test_a_message_taken_while_the_journal_is_away_shows_sent_not_recorded_then_recorded(
        qtbot, qloop, sandbox_process, memory_keyring, tmp_path, own_pg_database, expect_log):
    expect_log("studio_comm.core.messaging", logging.WARNING, r"was sent, but the journal could not record it")
    # The desk's live-update listener loses its connection too, and says so while it reconnects.
    expect_log("studio_comm.journal.listener", logging.WARNING, r"feed listener for studio \d+: .*reconnecting")
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


def test_the_window_spells_sent_not_recorded_as_core_does():
    # The timeline names it without importing core (the window is built before core loads).
    from studio_comm.core import messaging
    from studio_comm.ui.models import timeline_model

    assert timeline_model.SENT_UNRECORDED == messaging.SENT_UNRECORDED


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


def test_the_error_of_one_member_is_cleared_when_another_is_opened(qtbot, app_window, members, expect_log):
    expect_log(*RETRY_SCHEDULED)
    window, banner = app_window, app_window.error_banner
    open_member(qtbot, window, OTHER)
    window.sandbox.admin.set_faults(f"status=503:count=20:method=GET@/v1/communications/{MEMBER}/")
    number_search_and_open(qtbot, window, MEMBER)
    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert "Magicline had a problem on its side" in banner.message

    open_member(qtbot, window, OTHER)
    assert not banner.isVisible()
    assert window.preferences_panel.model.matrix is not None  # the other member's good data, uncovered


def number_search_and_open(qtbot, window, customer_id: int) -> None:
    """Open a member whose preferences fail to load (open_member waits for them)."""
    search(qtbot, window, api_get(window.sandbox, f"/v1/customers/{customer_id}")["customerNumber"])
    view = window.search_panel.results_view
    view.setFocus()
    view.setCurrentIndex(view.model().index(window.search_panel.model.row_of(customer_id), 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)


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


# ---------------------------------------------------------------- preferences saves whose answer was lost

PUTS = "method=PUT@/v1/communications"


def preferences_path(customer_id: int) -> str:
    return f"/v1/communications/{customer_id}/communication-preferences"


def wait_until_opened(qtbot, sandbox, customer_id: int) -> None:
    """Until the reads of opening the member (the matrix, the compose area's consent) are
    answered: the faults set next are for the save."""
    def answered() -> bool:
        reads = [r for r in sandbox.admin.received() if r["path"] == preferences_path(customer_id)]
        return len(reads) >= 2 and all(r["status"] is not None for r in reads)

    qtbot.waitUntil(answered, timeout=WAIT_MS)


def save_sms_off(qtbot, window, customer_id: int, fault: str) -> None:
    wait_until_opened(qtbot, window.sandbox, customer_id)
    window.sandbox.admin.set_faults(fault)
    toggle(qtbot, window, NEWSLETTER_SMS)
    confirm_save(qtbot, window)


@pytest.mark.parametrize(("fault", "lost"), [
    ("drop:after", "The connection was lost before Magicline's answer arrived."),
    ("malformed:after", "Magicline answered, but its answer could not be read."),
])
def test_a_save_whose_answer_was_lost_is_reported_saved_once_a_read_confirms_it(
        qtbot, app_window, member, fault, lost, expect_log):
    if fault.startswith("drop"):
        expect_log(*OUTCOME_UNKNOWN)
    window, panel = app_window, app_window.preferences_panel
    save_sms_off(qtbot, window, member["id"], f"{fault}:count=1:{PUTS}")
    report = wait_saved(qtbot, window)
    assert report.outcome == "saved"
    assert panel.status_label.text() == lost + " Reading the preferences again confirmed that your changes are saved."
    assert not panel.is_dirty and stored(window.sandbox, member["id"])[("NEWSLETTER", "TEXT_MESSAGE")] is False
    assert not window.error_banner.isVisible()


def test_a_save_applied_in_part_says_what_is_saved_and_what_is_not(qtbot, app_window, member, expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    window, panel, sandbox = app_window, app_window.preferences_panel, app_window.sandbox
    customer_id = member["id"]
    prefs = preferences_path(customer_id)
    wait_until_opened(qtbot, sandbox, customer_id)
    # The PUT is applied and its answer lost; the read after it is slow, and meanwhile
    # someone turns the newsletter emails on again in Magicline.
    sandbox.admin.set_faults(f"drop:after:count=1:{PUTS};latency=2000:method=GET@{prefs}")
    toggle(qtbot, window, NEWSLETTER_SMS)
    toggle(qtbot, window, NEWSLETTER_EMAIL)
    confirm_save(qtbot, window)

    def reread_arrived() -> bool:
        methods = [r["method"] for r in sandbox.admin.received() if r["path"] == prefs]
        return methods[-2:] == ["PUT", "GET"]

    qtbot.waitUntil(reread_arrived, timeout=WAIT_MS)
    sandbox.admin.set_preferences(customer_id, [
        {"messageCategory": "NEWSLETTER", "channels": [{"communicationChannel": "EMAIL", "active": True}]}])
    report = wait_saved(qtbot, window)
    assert report.outcome == "partial"
    assert panel.status_label.text() == (
        "The connection was lost before Magicline's answer arrived. Reading the preferences again shows that "
        "only part of your changes is saved.\n"
        "Saved: Newsletter / Text message: on → off\n"
        "Not saved, still marked here: Newsletter / Email: on → off. Save again to send them.")
    assert panel.editor.intent == {NEWSLETTER_EMAIL: False}  # marked, ready to save again


def test_a_save_lost_before_it_was_applied_says_nothing_was_saved(qtbot, app_window, member, expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    window, panel = app_window, app_window.preferences_panel
    save_sms_off(qtbot, window, member["id"], f"drop:count=1:{PUTS}")
    report = wait_saved(qtbot, window)
    assert report.outcome == "failed"
    assert panel.status_label.text() == (
        "The connection was lost before Magicline's answer arrived. Reading the preferences again shows that "
        "nothing was saved. Your changes are still marked; save again.")
    assert panel.editor.intent == {NEWSLETTER_SMS: False}


def test_a_save_nobody_can_settle_is_reported_unknown_with_what_to_check(
        qtbot, app_window, member, expect_log):
    expect_log(*OUTCOME_UNKNOWN)
    expect_log(*RETRY_SCHEDULED)
    expect_log("studio_comm.core.preferences", logging.WARNING, r"outcome of the save unknown, the re-read failed")
    window, panel, sandbox = app_window, app_window.preferences_panel, app_window.sandbox
    prefs = preferences_path(member["id"])
    # The PUT is slow, then applied and its answer lost; while it is out, the server
    # starts refusing reads, so the read that would tell fails too.
    save_sms_off(qtbot, window, member["id"], f"latency=1000:count=1:{PUTS};drop:after:count=1:{PUTS}")
    qtbot.waitUntil(lambda: any(r["method"] == "PUT" for r in sandbox.admin.received() if r["path"] == prefs),
                    timeout=WAIT_MS)
    sandbox.admin.set_faults(f"status=503:method=GET@{prefs}")
    report = wait_saved(qtbot, window)
    assert report.outcome == "unknown"
    text = panel.status_label.text()
    assert text.startswith("The connection was lost before Magicline's answer arrived. Reading the preferences "
                           "again failed too, so it is not known whether your changes are saved.")
    assert "Check with Refresh" in text
    assert panel.editor.intent == {NEWSLETTER_SMS: False}
    assert stored_after_all(sandbox, member["id"])[("NEWSLETTER", "TEXT_MESSAGE")] is False  # it was, in fact


def stored_after_all(sandbox, customer_id: int) -> dict[tuple[str, str], bool]:
    sandbox.admin.set_faults("")
    return stored(sandbox, customer_id)
