"""Manager → Campaigns through the real window against a sandbox child process: written
from the consent review's filter, previewed from its cache, started, paused, resumed,
cancelled, reported and exported; a campaign running at another desk says where; the
report model's contract; the main window's menu opens it, and closing the app pauses a
run after the members in flight."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from studio_comm.api.client import MagiclineClient
from studio_comm.core.review import ConsentReview
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.journal.campaigns import LeaseHolder
from studio_comm.journal.records import CampaignMember
from studio_comm.sandbox import demo_data
from studio_comm.ui.campaign_window import CampaignWindow
from studio_comm.ui.models.campaign_model import CampaignMembersModel
from studio_comm.ui.review_window import ReviewWindow
from studio_comm.ui.tasks import TaskRunner
from tests.fixtures.app import type_text
from tests.fixtures.qt import run_async
from tests.fixtures.sandbox import SMALL_CUSTOMERS as CUSTOMERS

WAIT_MS = 60_000
POST = "POST /v1/communications/{customerId}/threads"
EVERYONE = list(range(demo_data.FIRST_CUSTOMER_ID, demo_data.FIRST_CUSTOMER_ID + CUSTOMERS))
CONSENTING = EVERYONE[::4]


def set_consent(sandbox, customer_ids, active: bool) -> None:
    for cid in customer_ids:
        sandbox.admin.set_preferences(cid, [{"messageCategory": "NEWSLETTER", "channels": [
            {"communicationChannel": "EMAIL", "active": active}]}])


@pytest.fixture
def desk(qtbot, qloop, small_sandbox_process, tmp_path):
    """A connected session on a small sandbox, a quarter of it consenting to newsletters by
    email, and the consent review's window (the campaign window takes its filter)."""
    sb = small_sandbox_process
    set_consent(sb, EVERYONE, False)
    set_consent(sb, CONSENTING, True)
    journal = Journal.open(tmp_path / "journal.sqlite")
    aj = AsyncJournal(journal)
    client = MagiclineClient(sb.base_url, sb.api_key)
    session = StudioSession(client, aj, profile_name="Kraftwerk", workstation="Desk 1", staff="Anna K.")
    run_async(qtbot, session.connect(), timeout=30)
    review = ReviewWindow(ConsentReview(client, aj, session.studio_id), TaskRunner())
    qtbot.addWidget(review)
    session.sandbox, session.review_window, session.sync_journal = sb, review, journal
    yield session
    review.close()
    run_async(qtbot, client.aclose())
    run_async(qtbot, aj.aclose())
    journal.close()


def campaign_window(qtbot, desk) -> CampaignWindow:
    window = CampaignWindow(desk.campaigns(), TaskRunner(), review_filter=desk.review_window.current_filter)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.campaignsChanged, timeout=WAIT_MS):
        window.load()
    return window


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def write_campaign(qtbot, window, name: str, *, from_review: bool = True) -> None:
    qtbot.mouseClick(window.name_edit, Qt.MouseButton.LeftButton)
    type_text(window.name_edit, name)
    if from_review:
        click(qtbot, window.from_review_button)
    else:
        window.category_combo.setCurrentIndex(window.category_combo.findData("NEWSLETTER"))
        window.channel_combo.setCurrentIndex(window.channel_combo.findData("EMAIL"))
    type_text(window.subject_edit, "Neue Öffnungszeiten, {{member.first_name|Mitglied}}")
    window.body_edit.setPlainText("Hallo {{member.first_name|zusammen}},\nab Montag öffnen wir um 6 Uhr.")


def shown_dialog(qtbot, window, name: str) -> QMessageBox:
    def shown():
        return next((d for d in window.findChildren(QMessageBox, name) if d.isVisible()), None)

    qtbot.waitUntil(lambda: shown() is not None, timeout=WAIT_MS)
    return shown()


def retire(qtbot, window) -> None:
    """Close the window as the app retires it: once its reads have ended."""
    run_async(qtbot, window.tasks.wait_idle(), timeout=60)
    window.close()


def posts(sandbox) -> Counter:
    return Counter(int(r["path"].split("/")[3]) for r in sandbox.admin.received() if r["endpoint"] == POST)


def test_the_report_model_contract(qtmodeltester, qapp):
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    rows = [CampaignMember(1, 1_000_001, "10001", "Anna", "Müller", "MEMBER", "sent", "r1", 5, 70_000_000_001,
                           None, 200, "Desk 1", now),
            CampaignMember(1, 1_000_002, None, None, None, "PROSPECT", "skipped_unfilled", None, None, None,
                           "member.customer_number", None, "Desk 1", now),
            CampaignMember(1, 1_000_003, "10003", "<b>Bo</b>", "", "MEMBER", "unknown", "r3", 6, None, None,
                           None, "Desk 1", now)]
    model = CampaignMembersModel()
    model.set_members(rows)
    qtmodeltester.check(model)
    outcome = 3
    assert [model.index(r, outcome).data(Qt.ItemDataRole.UserRole) for r in range(3)] == [
        "sent", "skipped_unfilled", "unknown"]
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == 1_000_001
    assert model.index(0, 5).data() == "70000000001"
    assert model.index(1, 4).data() == "No value for {{member.customer_number}}"
    assert model.index(2, 1).data() == "<b>Bo</b>"  # a name is the server's text: shown literally
    assert "&lt;b&gt;" in model.index(2, 1).data(Qt.ItemDataRole.ToolTipRole)


def test_written_from_the_review_previewed_started_reported_and_exported(qtbot, desk, tmp_path):
    sb, review = desk.sandbox, desk.review_window
    # The consent review reads every customer; its filter says newsletters by email to members.
    review.show()
    run_async(qtbot, review.load())
    for box in review.status_boxes.values():
        box.setChecked(True)
    click(qtbot, review.start_button)
    qtbot.waitUntil(lambda: not review.running and review.last_outcome is not None
                    and review.category_filter.findData("NEWSLETTER") >= 0, timeout=WAIT_MS)
    review.category_filter.setCurrentIndex(review.category_filter.findData("NEWSLETTER"))
    review.channel_filter.setCurrentIndex(review.channel_filter.findData("EMAIL"))
    review.status_filter.setCurrentIndex(review.status_filter.findData("MEMBER"))
    seeded = {c.id: c for c in demo_data.customers(CUSTOMERS, 1)}
    members = [cid for cid in EVERYONE if seeded[cid].status == "MEMBER"]
    consenting_members = [cid for cid in CONSENTING if cid in members]

    window = campaign_window(qtbot, desk)
    write_campaign(qtbot, window, "Öffnungszeiten")
    assert (window.category_combo.currentData(), window.channel_combo.currentData()) == ("NEWSLETTER", "EMAIL")
    assert [v for v, box in window.status_boxes.items() if box.isChecked()] == ["MEMBER"]

    with qtbot.waitSignal(window.previewChanged, timeout=WAIT_MS):
        click(qtbot, window.preview_button)
    preview = window.preview_text.toPlainText()
    assert (f"{len(consenting_members)} of {len(members)} customers of these kinds would get it" in preview)
    assert f"Already excluded: {len(members) - len(consenting_members)} with consent off, 0 not offered" in preview
    first = window.last_preview.samples[0].customer
    assert f"Subject: Neue Öffnungszeiten, {first.first_name}" in preview
    assert f"Hallo {first.first_name},\nab Montag öffnen wir um 6 Uhr." in preview
    assert window.campaigns is not None and not window.list_view.count()  # a preview stores nothing

    # Two members turn consent off after the preview: the fresh read before each POST skips them.
    turned_off = consenting_members[-2:]
    set_consent(sb, turned_off, False)
    with qtbot.waitSignal(window.runFinished, timeout=WAIT_MS) as finished:
        click(qtbot, window.start_button)
    progress = finished.args[0]
    sent = set(consenting_members) - set(turned_off)
    assert progress.status == "finished" and progress.total == len(members)
    assert (progress.counts["sent"], progress.counts["skipped_consent"]) == (len(sent), len(members) - len(sent))
    qtbot.waitUntil(lambda: window.model.rowCount() == len(members), timeout=WAIT_MS)
    assert window.list_view.count() == 1 and window.list_view.item(0).text() == "Öffnungszeiten · Finished"
    assert window.state_label.text().startswith("Finished · Created ")
    assert f"Sent: {len(sent)}" in window.counts_label.text()
    assert not window.start_button.isEnabled() and not window.resume_button.isEnabled()
    assert posts(sb) == Counter({cid: 1 for cid in sent})

    window.outcome_filter.setCurrentIndex(window.outcome_filter.findData("skipped_consent"))
    assert window.model.rowCount() == len(members) - len(sent)
    assert window.report_count.text() == f"{len(members) - len(sent)} of {len(members)} members"
    window.outcome_filter.setCurrentIndex(window.outcome_filter.findData("sent"))
    assert {window.model.member(r).customer_id for r in range(window.model.rowCount())} == sent
    path = tmp_path / "report.csv"
    run_async(qtbot, window.export_csv(path, ";"))
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == len(sent) and {r["Outcome"] for r in rows} == {"Sent"}
    threads = {int(r["Customer ID"]): r["Thread ID"] for r in rows}
    for cid in sent:
        [thread] = sb.admin.threads(cid)
        assert str(thread["threadId"]) == threads[cid]
    retire(qtbot, window)


def test_paused_resumed_and_cancelled_and_running_elsewhere_says_where(qtbot, desk):
    sb = desk.sandbox
    sb.admin.set_faults("latency=250@/v1/communications")  # slow enough to pause by hand
    window = campaign_window(qtbot, desk)
    write_campaign(qtbot, window, "Kurse", from_review=False)
    for box in window.status_boxes.values():
        box.setChecked(True)
    click(qtbot, window.start_button)
    qtbot.waitUntil(lambda: window.last_progress is not None and window.last_progress.done >= 10, timeout=WAIT_MS)
    assert "per minute" in window.progress_label.text() and window.state_label.text() == "Running here."
    with qtbot.waitSignal(window.runFinished, timeout=WAIT_MS) as paused:
        click(qtbot, window.pause_button)
    assert paused.args[0].status == "paused" and paused.args[0].counts["sending"] == 0
    qtbot.waitUntil(lambda: window.resume_button.isEnabled(), timeout=WAIT_MS)
    assert window.state_label.text().startswith("Paused: paused by hand")

    click(qtbot, window.resume_button)
    done_before = paused.args[0].done
    qtbot.waitUntil(lambda: window.running and window.last_progress.done >= done_before + 10, timeout=WAIT_MS)
    with qtbot.waitSignal(window.runFinished, timeout=WAIT_MS) as cancelled:
        click(qtbot, window.cancel_button)
        box = shown_dialog(qtbot, window, "cancelCampaignDialog")
        assert "Cancel the campaign “Kurse”?" in box.text()
        click(qtbot, box.findChild(QPushButton, "confirmCancelCampaignButton"))
    final = cancelled.args[0]
    assert final.status == "cancelled" and 0 < final.counts["pending"] < CUSTOMERS
    qtbot.waitUntil(lambda: window.list_view.count() == 1
                    and window.list_view.item(0).text() == "Kurse · Cancelled", timeout=WAIT_MS)
    assert not window.resume_button.isEnabled() and not window.cancel_button.isEnabled()
    assert max(posts(sb).values()) == 1  # paused and resumed: nobody got it twice

    # Another desk runs a second campaign: this desk sees where, and cannot resume it.
    journal = desk.sync_journal
    other, _ = journal.create_campaign(desk.studio_id, "Sauna", category="GENERAL", channel="EMAIL",
                                       statuses=["MEMBER"], subject="Sauna", body="Die Sauna ist offen.",
                                       created_by="Jens P.", workstation="Desk 2")
    journal.acquire_campaign_lease(other.id, LeaseHolder("run-2", "Desk 2", "Jens P.", "desk-2-pc", 4711), 600)
    with qtbot.waitSignal(window.campaignsChanged, timeout=WAIT_MS):
        window.load()
    assert window.select_campaign(other.id)
    qtbot.waitUntil(lambda: window.state_label.text().startswith("Running at Desk 2 (Jens P.) since"),
                    timeout=WAIT_MS)
    assert not window.resume_button.isEnabled() and not window.cancel_button.isEnabled()
    assert not window.start_button.isEnabled()
    retire(qtbot, window)


def test_the_manager_menu_opens_it_and_closing_the_app_pauses_a_run(qtbot, app_window):
    from PySide6.QtGui import QAction

    window = app_window
    window.sandbox.admin.set_faults("latency=50@/v1/communications")
    window.findChild(QAction, "campaignsAction").trigger()
    campaigns = window.campaign_window
    qtbot.waitUntil(lambda: campaigns.isVisible(), timeout=WAIT_MS)
    assert campaigns.objectName() == "campaignWindow" and campaigns.list_view.count() == 0
    window.findChild(QAction, "campaignsAction").trigger()
    assert window.campaign_window is campaigns  # one per main window
    write_campaign(qtbot, campaigns, "Newsletter", from_review=False)
    for box in campaigns.status_boxes.values():
        box.setChecked(False)
    campaigns.status_boxes["PROSPECT"].setChecked(True)
    click(qtbot, campaigns.start_button)
    qtbot.waitUntil(lambda: campaigns.last_progress is not None and campaigns.last_progress.done >= 5,
                    timeout=WAIT_MS)
    window.close()
    run_async(qtbot, window.tasks.wait_idle(), timeout=60)  # the app's shutdown waits for the run to pause
    [campaign] = run_async(qtbot, window.session.journal.campaigns(window.session.studio_id))
    counts = run_async(qtbot, window.session.journal.campaign_counts(campaign.id))
    assert (campaign.status, campaign.reason, campaign.lease) == ("paused", "paused", None)
    assert "sending" not in counts and "unknown" not in counts  # the ones in flight were recorded
