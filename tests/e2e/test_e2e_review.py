"""Consent review end to end: the review window against a sandbox child process with a
low rate limit, a real SQLite journal, and the core making audit entries and messages.

One run of 600 customers (about 30 s at 60 reads per 3 s) with a cancel and a resume in
the middle: zero 429s, every customer's preferences read exactly once overall, totals and
heat map equal to what the sandbox serves, a CSV export whose rows match the sandbox's
data, and a one-member export with that member's audit entries and messages.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from PySide6.QtCore import Qt

from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Channel, Direction, MessageCategory, ThreadStatus
from studio_comm.api.ratelimit import RateLimiter
from studio_comm.core.export import export_member
from studio_comm.core.messaging import Draft
from studio_comm.core.review import CellState, ConsentReview
from studio_comm.core.session import StudioSession
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.sandbox import demo_data
from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
from studio_comm.ui.models.review_model import state_description
from studio_comm.ui.review_window import ReviewWindow
from studio_comm.ui.tasks import TaskRunner
from tests.fixtures.qt import run_async
from tests.fixtures.sandbox import seeded_states

CUSTOMERS = 600
BUDGET, WINDOW = 60, 3.0
PREFS_ENDPOINT = "GET /v1/communications/{customerId}/communication-preferences"
NL_MAIL = ("NEWSLETTER", "EMAIL")
RUN_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def limited_sandbox():
    with SandboxProcess(SandboxConfig(customers=CUSTOMERS, rate_limit=(BUDGET, WINDOW))) as sb:
        yield sb


def served_states() -> dict[int, dict[tuple[str, str], str]]:
    """What the sandbox serves for every seeded customer, as state words of the export."""
    return {customer.id: seeded_states(customer.id) for customer in demo_data.customers(CUSTOMERS, 1)}


def test_review_of_600_members_cancel_resume_totals_exports(qtbot, qloop, limited_sandbox, tmp_path):
    sb = limited_sandbox
    sb.admin.reset()
    journal = Journal.open(tmp_path / "journal.sqlite")
    aj = AsyncJournal(journal)
    # The vendor's budget, as the client would be configured for it, plus a margin.
    client = MagiclineClient(sb.base_url, sb.api_key, limiter=RateLimiter(BUDGET, WINDOW, margin=0.3))
    session = StudioSession(client, aj, profile_name="Review test", workstation="desk-1", staff="Anna K.")
    studio = run_async(qtbot, session.connect(), timeout=30)
    customers = {c.id: c for c in demo_data.customers(CUSTOMERS, 1)}
    expected = served_states()

    # One member gets a consent change and a logged call through the core first.
    member = next(c for c in customers.values() if c.status == "MEMBER")
    editor = session.preferences(member.id)
    matrix = run_async(qtbot, editor.load(), timeout=30)
    editor.set(NL_MAIL, not matrix.active(NL_MAIL))
    report = run_async(qtbot, editor.save(), timeout=30)
    assert report.outcome == "saved"
    expected[member.id][NL_MAIL] = "active" if not matrix.active(NL_MAIL) else "inactive"
    sent = run_async(qtbot, session.messaging.send(Draft(
        member.id, None, Direction.INCOMING, Channel.PHONE, MessageCategory.NEWSLETTER,
        subject="Newsletter by email", content="Called: wants the newsletter by email.",
        thread_status=ThreadStatus.CLOSED)), timeout=30)
    assert sent.state == "sent"
    sb.admin.reset_received()  # from here on, only the review reads preferences

    review = ConsentReview(client, aj, studio.studio_id)
    window = ReviewWindow(review, TaskRunner(), member_exporter=lambda cid, path: export_member(
        client, aj, studio.studio_id, cid, path))
    qtbot.addWidget(window)
    window.show()
    window.load()
    for box in window.status_boxes.values():
        if not box.isChecked():
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton)

    # Start, cancel part-way, resume.
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.last_progress is not None and window.last_progress.read >= 150,
                    timeout=RUN_TIMEOUT_MS)
    assert window.progress_bar.maximum() == CUSTOMERS  # the total is known by then
    assert "per minute" in window.progress_label.text() and "left" in window.progress_label.text()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.running, timeout=RUN_TIMEOUT_MS)
    cached = len(run_async(qtbot, aj.cached_preferences(studio.studio_id)))
    assert 150 <= cached < CUSTOMERS
    assert window.resume_button.isEnabled() and not window.cancel_button.isEnabled()
    qtbot.mouseClick(window.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.running and window.last_outcome is not None,
                    timeout=RUN_TIMEOUT_MS)
    outcome = window.last_outcome
    assert outcome.complete and outcome.failures == []
    assert (outcome.progress.skipped, outcome.progress.read) == (cached, CUSTOMERS - cached)

    # Zero 429s, and each customer's preferences read exactly once over both runs.
    stats = sb.admin.stats()["endpoints"]
    assert all("429" not in counts for counts in stats.values()), stats
    reads = Counter(int(r["path"].split("/")[3]) for r in sb.admin.received()
                    if r["endpoint"] == PREFS_ENDPOINT)
    assert reads == Counter(customers.keys())

    # Totals and heat map match what the sandbox serves.
    qtbot.waitUntil(lambda: window.table is not None and window.table.all_count == CUSTOMERS
                    and window.model.rowCount() == CUSTOMERS, timeout=30_000)
    assert window.count_label.text() == f"{CUSTOMERS} of {CUSTOMERS} customers"

    def share(cell, ids):
        return sum(expected[i].get(cell) in ("active", "fixed_active") for i in ids) / len(ids)

    for cell in [("CONTRACT", "PHONE"), NL_MAIL, ("LOYALTY_PROGRAM", "CHAT")]:
        assert window.summary.share(cell) == pytest.approx(share(cell, customers))
    # Filter to prospects through the status combo: counts and heat map follow.
    prospects = [i for i, c in customers.items() if c.status == "PROSPECT"]
    window.status_filter.setCurrentIndex(window.status_filter.findData("PROSPECT"))
    qtbot.waitUntil(lambda: window.model.rowCount() == len(prospects), timeout=30_000)
    assert window.summary.share(NL_MAIL) == pytest.approx(share(NL_MAIL, prospects))
    window.status_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.model.rowCount() == CUSTOMERS, timeout=30_000)

    # CSV export of the table (semicolon for German Excel): one row per customer, as served.
    path = tmp_path / "review.csv"
    run_async(qtbot, window.export_csv(path, ";"), timeout=30)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, rows = lines[0], lines[1:]
    cells = window.table.cells
    assert len(rows) == CUSTOMERS and len(header) == 6 + len(cells)
    words = {state_description(s): s.value for s in CellState}
    for line in rows:
        cid = int(line[0])
        customer = customers[cid]
        assert line[1] == customer.customer_number
        assert line[4]  # read time of the row
        states = {cell: words[text] for cell, text in zip(cells, line[6:], strict=True)}
        assert {c: s for c, s in states.items() if s != "absent"} == expected[cid]

    # One-member export: audit entries and messages made through the core, fresh preferences.
    export_path = tmp_path / "member.json"
    run_async(qtbot, window.export_member(member.id, export_path), timeout=30)
    data = json.loads(export_path.read_text(encoding="utf-8"))
    assert data["customer"]["id"] == member.id
    assert data["communication_preferences"]["source"] == "api"
    actions = {(e["action"], e["request_id"]) for e in data["audit"]}
    assert ("preferences", report.request_id) in actions
    assert ("message", sent.message.request_id) in actions
    [thread] = data["threads"]
    assert [m["content"] for m in thread["messages"]] == ["Called: wants the newsletter by email."]
    assert thread["messages"][0]["state"] == "sent"

    window.close()
    run_async(qtbot, client.aclose())
    run_async(qtbot, aj.aclose())
