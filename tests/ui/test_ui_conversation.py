"""The conversation panel driven like a studio employee would, against the sandbox over
loopback, with the real core session and a journal on disk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from studio_comm.api.client import MagiclineClient
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.journal.records import MessageRecord
from studio_comm.sandbox.demo_data import FIXED, OFFERED
from studio_comm.ui.conversation_panel import ConversationPanel, OpenThreadsDialog
from studio_comm.ui.models.timeline_model import TimelineModel
from studio_comm.ui.tasks import TaskRunner
from tests.fixtures.logs import OUTCOME_UNKNOWN
from tests.fixtures.qt import run_async

CUSTOMER_ID = 1_000_042
WAIT = 20_000  # ms: generous, for a loaded 2-core machine
LEFT = Qt.MouseButton.LeftButton


def preferences(*, off: set[tuple[str, str]]) -> list[dict]:
    """Every channel the studio offers active, except the (category, channel) cells in `off`."""
    return [
        {"messageCategory": category, "channels": [
            {"communicationChannel": channel, "customerOverridable": (category, channel) not in FIXED,
             "active": (category, channel) not in off}
            for channel in channels]}
        for category, channels in OFFERED.items()
    ]


@pytest.fixture
def session(qtbot, qloop, sandbox_process, tmp_path):
    sandbox_process.admin.set_preferences(CUSTOMER_ID, preferences(off={("GENERAL", "TEXT_MESSAGE")}))
    journal = AsyncJournal(Journal.open(tmp_path / "data" / "journal.sqlite3"))
    client = MagiclineClient(sandbox_process.base_url, sandbox_process.api_key)
    studio = StudioSession(client, journal, profile_name="Sandbox", workstation="desk-1", staff="Anna K.")
    run_async(qtbot, studio.connect(), timeout=30)
    yield studio
    run_async(qtbot, client.aclose())
    run_async(qtbot, journal.aclose())


@pytest.fixture
def panel(qtbot, session):
    widget = ConversationPanel(TaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1000, 760)
    widget.show()
    widget.set_session(session)
    widget.set_customer(run_async(qtbot, session.client.customer(CUSTOMER_ID)))
    qtbot.waitUntil(lambda: not channel_item(widget, "TEXT_MESSAGE").isEnabled(), timeout=WAIT)
    yield widget
    # Retired as the app retires a panel: its work ends before qtbot deletes it (a reload
    # still under way would otherwise answer into deleted widgets).
    widget.tasks.cancel_all()
    qtbot.waitUntil(lambda: widget.tasks.pending == 0, timeout=WAIT)


def channel_item(panel, channel: str):
    combo = panel.compose.channel
    return combo.model().item(combo.findData(channel))


def write(panel, subject: str, body: str, channel: str = "EMAIL") -> None:
    compose = panel.compose
    compose.channel.setCurrentIndex(compose.channel.findData(channel))
    compose.subject.setText(subject)
    compose.body.setPlainText(body)


def states(panel) -> list[str]:
    model = panel.timeline
    return [model.index(row, 0).data(TimelineModel.StateRole) for row in range(model.rowCount())]


def shown_dialog(qtbot, panel, kind):
    """The dialog of that kind the panel is showing now (an earlier one may await deletion)."""
    def visible():
        return next((d for d in panel.findChildren(kind) if d.isVisible()), None)

    qtbot.waitUntil(lambda: visible() is not None, timeout=WAIT)
    return visible()


def thread_requests(sandbox) -> list[dict]:
    return [r for r in sandbox.admin.received() if "/threads" in r["path"]]


def test_a_channel_without_consent_is_disabled_and_a_forced_send_is_blocked(qtbot, panel, sandbox_process):
    item = channel_item(panel, "TEXT_MESSAGE")
    assert item.toolTip() == "The member has not agreed to General messages by Text message."
    assert channel_item(panel, "EMAIL").isEnabled()
    assert not channel_item(panel, "FAX").isEnabled()  # not offered for GENERAL at all
    assert "not offered" in channel_item(panel, "FAX").toolTip()

    write(panel, "Kursplan", "Ab Montag neue Zeiten.", channel="TEXT_MESSAGE")  # as if forced
    qtbot.mouseClick(panel.compose.send_button, LEFT)
    qtbot.waitUntil(lambda: panel.compose.notice.text().startswith("Not sent."), timeout=WAIT)
    assert "has not agreed to General messages by Text message" in panel.compose.notice.text()
    assert panel.compose.text() == ("Kursplan", "Ab Montag neue Zeiten.")
    assert panel.threads.rowCount() == 0 and panel.timeline.rowCount() == 0
    assert thread_requests(sandbox_process) == []

    # A phone call the member made is logged on any channel: incoming logs are never blocked.
    panel.compose.direction.setCurrentIndex(panel.compose.direction.findData("INCOMING"))
    assert channel_item(panel, "TEXT_MESSAGE").isEnabled()


def test_new_thread_then_follow_up_goes_into_the_same_remote_thread(qtbot, qtmodeltester, panel, sandbox_process):
    write(panel, "Vertragspause", "Ihre Pause ist eingetragen.")
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent"] and panel.threads.rowCount() == 1, timeout=WAIT)
    assert panel.compose.text() == ("", "")  # cleared only after the successful send

    write(panel, "", "Bitte melden Sie sich bei Fragen.")  # a follow-up takes the thread's subject
    panel.compose.body.setFocus()
    qtbot.keyClick(panel.compose.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: states(panel) == ["sent", "sent"], timeout=WAIT)

    # "New thread" first offers the open thread; following up there sends a PUT too.
    write(panel, "Vertragspause", "Die Pause endet am 1. März.")
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    dialog = shown_dialog(qtbot, panel, OpenThreadsDialog)
    assert dialog.list.count() == 1 and dialog.list.item(0).text().startswith("Vertragspause")
    qtbot.mouseClick(dialog.follow_up, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent", "sent", "sent"], timeout=WAIT)

    thread = panel.threads.thread(0)
    requests = thread_requests(sandbox_process)
    assert [(r["method"], r["status"]) for r in requests] == [("POST", 200), ("PUT", 200), ("PUT", 200)]
    assert requests[0]["path"] == f"/v1/communications/{CUSTOMER_ID}/threads"
    assert {r["path"] for r in requests[1:]} == {
        f"/v1/communications/{CUSTOMER_ID}/threads/{thread.remote_thread_id}"}
    assert [m["subject"] for m in (r["json"] for r in requests)] == ["Vertragspause"] * 3
    assert panel.threads.index(0, 0).data(Qt.ItemDataRole.UserRole) == thread.id

    qtmodeltester.check(panel.threads)
    qtmodeltester.check(panel.timeline)

    # Opening the member again shows the latest conversation from the journal.
    panel.set_customer(panel._customer)
    assert panel.timeline.rowCount() == 0
    qtbot.waitUntil(lambda: states(panel) == ["sent", "sent", "sent"], timeout=WAIT)
    assert panel.selected_thread().id == thread.id

    # A different topic: "Start a new thread" in the same offer POSTs a second thread.
    write(panel, "Personal Training", "Ihr Probetraining ist am Dienstag.")
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.mouseClick(shown_dialog(qtbot, panel, OpenThreadsDialog).new_thread, LEFT)
    qtbot.waitUntil(lambda: panel.threads.rowCount() == 2 and states(panel) == ["sent"], timeout=WAIT)
    assert panel.selected_thread().subject == "Personal Training"
    assert [r["method"] for r in thread_requests(sandbox_process)] == ["POST", "PUT", "PUT", "POST"]


@pytest.mark.parametrize(("fault", "state", "words"), [
    ("status=503:count=1:method=POST@/v1/communications", "failed", "safe to send it again"),
    ("drop:count=1:method=POST@/v1/communications", "unknown", "may have received it"),
])
def test_a_failed_send_keeps_its_text_and_is_resent_on_confirmation(
    qtbot, panel, sandbox_process, fault, state, words, expect_log
):
    sandbox_process.admin.set_faults(fault)
    if state == "unknown":
        expect_log(*OUTCOME_UNKNOWN)  # a dropped POST may have arrived: the client says so in its log
    write(panel, "Beitragserhöhung", "Ab April kostet der Tarif 2 € mehr.")
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == [state], timeout=WAIT)
    assert panel.compose.text() == ("Beitragserhöhung", "Ab April kostet der Tarif 2 € mehr.")
    assert words in panel.compose.notice.text()
    assert words in panel.detail_state.text()
    assert panel.detail_text.toPlainText() == "Ab April kostet der Tarif 2 € mehr."

    qtbot.mouseClick(panel.resend_button, LEFT)
    box = shown_dialog(qtbot, panel, QMessageBox)
    confirm = next(b for b in box.buttons() if b.objectName() == "confirmResendButton")
    qtbot.mouseClick(confirm, LEFT)
    qtbot.waitUntil(lambda: states(panel) == [state, "sent"], timeout=WAIT)
    assert panel.compose.text() == ("", "")  # the kept text went out
    panel.timeline_view.setCurrentIndex(panel.timeline.index(0, 0))
    assert not panel.resend_button.isVisible()  # already resent: no second resend offered
    posts = [(r["method"], r["status"]) for r in thread_requests(sandbox_process)]
    assert posts == [("POST", 503 if state == "failed" else "dropped"), ("POST", 200)]


def test_cancelling_the_resend_sends_nothing(qtbot, panel, sandbox_process):
    sandbox_process.admin.set_faults("status=503:count=1:method=POST@/v1/communications")
    write(panel, "Termin", "Ihr Termin am Freitag.")
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["failed"], timeout=WAIT)
    qtbot.mouseClick(panel.resend_button, LEFT)
    box = shown_dialog(qtbot, panel, QMessageBox)
    with qtbot.waitSignal(box.finished, timeout=WAIT):
        box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox, "resendConfirmation") is None, timeout=WAIT)
    assert states(panel) == ["failed"] and len(thread_requests(sandbox_process)) == 1
    assert panel.resend_button.isVisible() and panel.compose.text() == ("Termin", "Ihr Termin am Freitag.")


def test_an_incoming_call_is_logged_back_dated_without_a_consent_check(qtbot, panel, sandbox_process):
    compose = panel.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
    write(panel, "Anruf", "Fragt nach den Sauna-Zeiten.", channel="TEXT_MESSAGE")
    compose.backdate.setChecked(True)
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    compose.time.setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp())))
    qtbot.mouseClick(compose.send_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent"] and panel.threads.rowCount() == 1, timeout=WAIT)

    body = thread_requests(sandbox_process)[0]["json"]
    assert (body["communicationDirection"], body["communicationChannel"]) == ("INCOMING", "TEXT_MESSAGE")
    assert abs(datetime.fromisoformat(body["communicationDateTime"]) - when) < timedelta(minutes=1)
    assert "Logged" in panel.timeline.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert compose.text() == ("", "")


def test_a_small_window_cuts_no_message_in_half(qtbot, panel):
    compose = panel.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
    for n in range(2):
        write(panel, "Frage zur Pause der Mitgliedschaft während der Elternzeit ab März", f"Anruf {n}")
        qtbot.mouseClick(compose.send_button, LEFT)
        # Sent, and the thread selected again: the next one follows up in it.
        qtbot.waitUntil(lambda n=n: states(panel) == ["sent"] * (n + 1) and panel.selected_thread() is not None,
                        timeout=WAIT)
    # As small as the panel goes: a laptop screen at 150 %.
    panel.resize(620, 200)
    qtbot.waitUntil(lambda: panel.height() == panel.minimumSizeHint().height(), timeout=WAIT)
    view = panel.timeline_view
    assert view.viewport().height() >= 2 * view.sizeHintForRow(0), "two whole messages stay visible"
    # The labels' heights follow their new widths (a layout pass or two later).
    labels = (panel.detail_header, panel.detail_state)
    qtbot.waitUntil(lambda: all(label.height() >= label.heightForWidth(label.width()) for label in labels),
                    timeout=WAIT)


def test_member_text_is_plain_text_everywhere(qtbot, panel):
    subject = "<i>Hallo</i> & <b>Willkommen</b>"
    body = ("<b>fett</b> <a href='https://example.com'>Link</a> &amp; <script>x()</script>\n"
            "😀🏋️ مرحبا بك في النادي\n" + "lang " * 2000)
    write(panel, subject, body)
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["sent"] and panel.threads.rowCount() == 1, timeout=WAIT)

    index = panel.timeline.index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == body
    assert index.data(TimelineModel.FieldsRole)["subject"] == subject
    assert panel.detail_text.toPlainText() == body
    assert panel.detail_header.text().endswith("\n" + subject)
    for label in panel.findChildren(QLabel):
        if label.objectName():  # every label that shows member or server text has a name
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert panel.threads.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == subject
    # The row draws the elided plain text without laying out 10,000 characters of it.
    assert panel.timeline_view.sizeHintForRow(0) < 5 * panel.timeline_view.fontMetrics().lineSpacing()


def journal_messages(count: int) -> list[MessageRecord]:
    """Records as the journal returns them, with every state, long and right-to-left text."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cycle = ("sent", "failed", "unknown", "rejected", "pending")
    return [
        MessageRecord(
            id=i, request_id=f"req-{i}", thread_id=1, studio_id=1, customer_id=CUSTOMER_ID,
            direction="OUTGOING" if i % 2 else "INCOMING", channel="EMAIL", category="GENERAL",
            subject=f"Betreff {i}", content=("Text " * (i % 300)) + "مرحبا 😀", agent="Anna K.",
            communication_time=None, thread_status=None, state=cycle[i % 5], communication_id=i,
            error=None, http_status=None, trace_id=None, workstation="desk-1", staff="Anna K.",
            created_at=start + timedelta(minutes=i), updated_at=start + timedelta(minutes=i),
            resend_of=None,
        )
        for i in range(count)
    ]


def test_a_thread_of_10000_messages_paints_only_the_visible_rows(qtbot, qtmodeltester, qloop, monkeypatch):
    from studio_comm.ui.models.timeline_model import TimelineDelegate

    widget = ConversationPanel(TaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1000, 760)
    widget.show()
    painted = []
    original = TimelineDelegate.paint
    monkeypatch.setattr(
        TimelineDelegate, "paint", lambda self, p, o, i: (painted.append(i.row()), original(self, p, o, i))
    )

    messages = journal_messages(10_000)
    widget.timeline.set_messages(messages)
    widget.timeline_view.scrollToBottom()
    widget.timeline_view.viewport().grab()
    visible = widget.timeline_view.viewport().height() // widget.timeline_view.sizeHintForRow(0) + 2
    assert 0 < len(set(painted)) <= visible
    assert max(painted) == 9_999

    index = widget.timeline.index(4_321, 0)
    widget.timeline_view.setCurrentIndex(index)
    assert widget.detail_text.toPlainText() == messages[4_321].content
    assert [widget.timeline.index(r, 0).data(TimelineModel.StateRole) for r in range(5)] == [
        "sent", "failed", "unknown", "rejected", "pending"]
    assert widget.timeline.index(7, 0).data(TimelineModel.RequestIdRole) == "req-7"

    small = TimelineModel()
    small.set_messages(messages[:50])
    qtmodeltester.check(small)


def test_opening_another_member_mid_send_keeps_the_answer_out_of_their_view(qtbot, panel, sandbox_process, session):
    sandbox_process.admin.set_faults("latency=4000:count=1:method=POST@/v1/communications")
    write(panel, "Schlüssel", "Ihr Spindschlüssel liegt am Empfang.")
    qtbot.mouseClick(panel.compose.new_thread_button, LEFT)
    qtbot.waitUntil(lambda: states(panel) == ["pending"], timeout=WAIT)
    assert not panel.compose.send_button.isEnabled()  # one send at a time

    other = run_async(qtbot, session.client.customer(CUSTOMER_ID + 1))
    panel.set_customer(other)
    qtbot.waitUntil(lambda: [r["status"] for r in thread_requests(sandbox_process)] == [200], timeout=WAIT)
    qtbot.waitUntil(panel.compose.send_button.isEnabled, timeout=WAIT)
    assert panel.timeline.rowCount() == 0 and panel.threads.rowCount() == 0
    assert thread_requests(sandbox_process)[0]["path"] == f"/v1/communications/{CUSTOMER_ID}/threads"
