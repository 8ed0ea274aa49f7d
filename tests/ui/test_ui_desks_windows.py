"""The manager windows of a desk while another desk writes into the shared journal: the open
audit history and the open consent review show what the other desk wrote, without a click.

Desk B is the real app (`launch_desk`, workstation "desk-1") against a sandbox child
process. The other desk is a small Python child process (workstation "desk-2") that opens
the same journal with `Journal` and writes through core, as a desk does: audit entries of
consent saves (`AuditLog`), a member's review row read from the sandbox
(`ConsentReview.refresh`). Each write appends its desk event; desk B hears it through its
feed listener. On SQLite (the listener polls `PRAGMA data_version`) and on PostgreSQL (a
database of the module's own); the pause of the live updates on PostgreSQL only, where the
listener's connection can be killed. The studio is started once per module; each test
works on members of its own, so the journal's earlier rows do not matter to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from studio_comm.journal import Journal
from studio_comm.sandbox import demo_data
from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
from tests.fixtures.app import WAIT_MS, close_app, open_customer, search
from tests.fixtures.journal import OwnDatabase
from tests.fixtures.live import (
    RECONNECTING,
    api,
    editable_cells,
    in_member_app,
    journal_target,
    launch_desk,
    preferences,
)

REPO = Path(__file__).resolve().parents[2]
STUDIO = demo_data.STUDIO_ID
CUSTOMERS = 60
SHOWN_MS = 5000  # the promise is a second; the tests allow for a slow machine
HERE, OTHER = "desk-1", "desk-2"
PROFILE = "Desks windows studio"

# The other desk: `audit` writes COUNT consent saves of the member through AuditLog (no
# API needed: an audit entry is the journal's alone); `review` reads the members through
# ConsentReview.refresh from the sandbox and caches their rows, as that desk's open review does.
OTHER_DESK = """
import asyncio, copy, os, sys, uuid
from studio_comm.api.client import MagiclineClient
from studio_comm.api.models import Channel, MessageCategory
from studio_comm.core.audit import AuditLog
from studio_comm.core.desk import Desk
from studio_comm.core.matrix import Matrix
from studio_comm.core.review import ConsentReview
from studio_comm.journal import AsyncJournal, Journal
from studio_comm.sandbox import demo_data

target, studio, workstation, what, customers, count = sys.argv[1:]
studio, customers, count = int(studio), [int(c) for c in customers.split(",")], int(count)


async def main():
    journal = AsyncJournal(Journal.open(target))
    try:
        if what == "audit":
            log = AuditLog(journal, Desk(workstation, "Other Staff"))
            for customer in customers:
                prefs = demo_data.default_preferences(customer, 1)
                for _ in range(count):
                    after = copy.deepcopy(prefs)
                    setting = after[0]["channels"][0]
                    setting["active"] = not setting["active"]
                    cell = (MessageCategory(after[0]["messageCategory"]), Channel(setting["communicationChannel"]))
                    await log.preferences(studio, customer, request_id=f"{workstation}-{uuid.uuid4().hex[:12]}",
                                          before=Matrix.from_wire(prefs), after=Matrix.from_wire(after),
                                          intent={cell: setting["active"]}, outcome="saved", http_status=200,
                                          trace_id=None, author=log.author(), source="phone")
                    prefs = after
        else:
            client = MagiclineClient(os.environ["OTHER_DESK_BASE_URL"], os.environ["OTHER_DESK_API_KEY"])
            try:
                review = ConsentReview(client, journal, studio, workstation=workstation)
                for customer in customers:
                    await review.refresh(customer)
            finally:
                await client.aclose()
    finally:
        await journal.aclose()


asyncio.run(main())
print("done", flush=True)
"""


@dataclass
class Studio:
    target: str  # the shared journal
    sandbox: SandboxProcess
    database: OwnDatabase | None  # PostgreSQL only

    @property
    def postgres(self) -> bool:
        return self.database is not None


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def studio(request, tmp_path_factory):
    target, database = journal_target(request.param, tmp_path_factory, "desk")
    sandbox = SandboxProcess(SandboxConfig(customers=CUSTOMERS, rate_limit=(100_000, 60.0)))
    try:
        sandbox.start()
        yield Studio(target, sandbox, database)
    finally:
        sandbox.stop()
        if database is not None:
            database.drop()


@pytest.fixture
def desk(qtbot, qloop, studio, memory_keyring, tmp_path):
    """Desk B: the app, connected, its live updates live; `journal` a journal of the test's own."""
    from studio_comm.core.credentials import SERVICE

    studio.sandbox.admin.reset()
    memory_keyring.set_password(SERVICE, PROFILE, studio.sandbox.api_key)
    window = launch_desk(qtbot, studio, tmp_path / HERE, HERE, PROFILE)
    window.studio_under_test = studio
    window.journal = Journal.open(studio.target)
    window.handled = []  # every feed event the desk told the app of, in order
    window.services.live.batchHandled.connect(lambda batch: window.handled.append(list(batch)))
    window.states = []
    window.services.live.stateChanged.connect(window.states.append)
    try:
        yield window
    finally:
        close_app(qtbot, window)
        window.journal.close()


# -- helpers ------------------------------------------------------------------------------

_used: set[int] = set()


def member(studio: Studio) -> dict:
    """A member with a channel of their own to change, not used by an earlier test of the module."""
    for candidate in api(studio, "/v1/customers", sliceSize=100)["result"]:
        if candidate["id"] not in _used and editable_cells(preferences(studio, candidate["id"])):
            _used.add(candidate["id"])
            return candidate
    raise AssertionError("no member left with a channel of their own")


def other_desk(qtbot, studio: Studio, what: str, *customer_ids: int, count: int = 1,
               workstation: str = OTHER) -> None:
    """Run the other desk's writes (a child process) while this process's loop runs on."""
    env = dict(os.environ, OTHER_DESK_BASE_URL=studio.sandbox.base_url, OTHER_DESK_API_KEY=studio.sandbox.api_key)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    process = subprocess.Popen(
        [sys.executable, "-c", OTHER_DESK, studio.target, str(STUDIO), workstation, what,
         ",".join(str(c) for c in customer_ids), str(count)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=120_000)
    finally:
        if process.poll() is None:
            process.kill()
        out, err = process.communicate(timeout=30)
    assert (process.returncode, out) == (0, "done\n"), err[-3000:]


def open_audit(qtbot, desk):
    """Manager > Audit history, its entries shown."""
    desk.findChild(QAction, "auditHistoryAction").trigger()
    audit = desk.audit_window
    qtbot.waitUntil(lambda: audit.isVisible() and audit.tasks.pending == 0 and audit.count_label.text() != "",
                    timeout=WAIT_MS)
    return audit


def open_review(qtbot, desk):
    """Manager > Consent review, its table loaded from the cache."""
    from studio_comm.ui.review_window import open_review_window

    review = open_review_window(desk)
    qtbot.waitUntil(lambda: review.table is not None and review.tasks.pending == 0, timeout=WAIT_MS)
    return review


def entry_ids(audit, customer_id: int) -> list[int]:
    """The audit ids the window shows of the member, top to bottom."""
    model = audit.model
    return [model.entry(r).id for r in range(model.rowCount()) if model.entry(r).customer_id == customer_id]


def journal_ids(journal: Journal, customer_id: int) -> list[int]:
    return [e.id for e in journal.audit(STUDIO, customer_id=customer_id)]


def in_view(audit, audit_id: int) -> bool:
    """Whether the entry's row is on screen."""
    view = audit.table_view
    row = audit.model.row_of(audit_id)
    bottom = view.rowAt(view.viewport().height() - 1)
    return row is not None and view.rowAt(0) <= row and (bottom < 0 or row <= bottom)


def shown_row(review, customer_id: int):
    return next((r for r in review.table.rows if r.customer_id == customer_id), None)


def told(desk, kind: str, customer_id: int, workstation: str) -> bool:
    """Whether the desk's listener has heard (and handled) such a desk event."""
    return any(e.type == kind and e.entity_id == customer_id and e.content.get("workstation") == workstation
               for batch in desk.handled for e in batch)


@pytest.fixture
def desk_changes():
    """Every `deskChanged` the hub tells during the test."""
    from studio_comm.ui.events import events

    changes: list = []
    events().deskChanged.connect(changes.append)
    yield changes
    events().deskChanged.disconnect(changes.append)


# -- the audit history ----------------------------------------------------------------------

def test_entries_another_desk_writes_show_in_the_open_audit_history_and_the_selection_stays(qtbot, desk):
    studio = desk.studio_under_test
    customer = member(studio)["id"]
    other_desk(qtbot, studio, "audit", customer)  # one entry before the window opens
    qtbot.waitUntil(lambda: told(desk, "preferences.saved", customer, OTHER), timeout=WAIT_MS)
    audit = open_audit(qtbot, desk)
    [first] = entry_ids(audit, customer)
    row = audit.model.row_of(first)
    audit.table_view.selectRow(row)
    assert audit.selected_audit_id() == first
    request_id = audit.model.entry(row).request_id
    assert request_id in audit.details.toPlainText()
    reads: list[object] = []
    entries = audit.history.entries
    audit.history.entries = lambda flt: (reads.append(flt), entries(flt))[1]
    batches_before = len(desk.handled)

    other_desk(qtbot, studio, "audit", customer, count=30)  # a burst, no click
    wanted = journal_ids(desk.journal, customer)
    assert len(wanted) == 31
    qtbot.waitUntil(lambda: sorted(entry_ids(audit, customer)) == sorted(wanted), timeout=SHOWN_MS)
    qtbot.waitUntil(lambda: audit.tasks.pending == 0, timeout=WAIT_MS)
    assert entry_ids(audit, customer) == wanted, "newest first, each once"
    assert audit.selected_audit_id() == first, "the selected entry stays selected"
    assert request_id in audit.details.toPlainText(), "and its details shown"
    assert in_view(audit, first), "and in view"
    entry = audit.model.entry(0)
    assert (entry.workstation, entry.staff, entry.action) == (OTHER, "Other Staff", "preferences")
    # Coalesced: every batch the listener handled asks for one read now and one after it, at most.
    told_batches = [b for b in desk.handled[batches_before:]
                    if any(e.type == "preferences.saved" and e.entity_id == customer for e in b)]
    assert 1 <= len(reads) <= 2 * len(told_batches)

    # Nothing selected, the table at its top: the newest entries come in there, in view.
    audit.table_view.clearSelection()
    audit.table_view.scrollToTop()
    other_desk(qtbot, studio, "audit", customer, count=2)
    newest = journal_ids(desk.journal, customer)[0]
    qtbot.waitUntil(lambda: entry_ids(audit, customer)[:1] == [newest], timeout=SHOWN_MS)
    assert audit.table_view.rowAt(0) == 0 and in_view(audit, newest)


def test_an_entry_made_at_this_desk_shows_once(qtbot, desk, desk_changes):
    studio = desk.studio_under_test
    customer = member(studio)
    search(qtbot, desk, customer["customerNumber"])
    open_customer(qtbot, desk, customer["id"])
    audit = open_audit(qtbot, desk)
    assert entry_ids(audit, customer["id"]) == []

    compose = desk.conversation_panel.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
    compose.subject.setText("Parking")
    compose.body.setPlainText("Asked where to park.")
    qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(entry_ids(audit, customer["id"])) == 1, timeout=SHOWN_MS)
    [mine] = journal_ids(desk.journal, customer["id"])
    # The desk hears its own entry's event too; it is no other desk's change.
    qtbot.waitUntil(lambda: told(desk, "audit.added", customer["id"], HERE), timeout=WAIT_MS)
    other_desk(qtbot, studio, "audit", customer["id"])
    qtbot.waitUntil(lambda: len(entry_ids(audit, customer["id"])) == 2, timeout=SHOWN_MS)
    qtbot.waitUntil(lambda: audit.tasks.pending == 0, timeout=WAIT_MS)
    theirs = [i for i in journal_ids(desk.journal, customer["id"]) if i != mine]
    assert entry_ids(audit, customer["id"]) == theirs + [mine], "each entry once"
    assert audit.model.entry(audit.model.row_of(mine)).workstation == HERE
    assert all(c.workstation != HERE for c in desk_changes), "this desk's own changes are not told as another desk's"
    assert any(c.workstation == OTHER and c.customer_id == customer["id"] for c in desk_changes)


# -- the consent review ----------------------------------------------------------------------

def test_a_row_another_desk_read_shows_in_the_open_review_from_the_cache(qtbot, desk):
    studio = desk.studio_under_test
    known, new = member(studio), member(studio)
    other_desk(qtbot, studio, "review", known["id"])  # the row the review window opens with
    qtbot.waitUntil(lambda: told(desk, "review.cached", known["id"], OTHER), timeout=WAIT_MS)
    review = open_review(qtbot, desk)
    assert review.select_customer(known["id"]) and shown_row(review, new["id"]) is None
    before = shown_row(review, known["id"])
    cell = editable_cells(preferences(studio, known["id"]))[0]
    value = in_member_app(studio, known["id"], cell)
    assert before.state(cell).active is not value
    studio.sandbox.admin.reset_received()

    other_desk(qtbot, studio, "review", known["id"], new["id"])  # the other desk reads both again
    qtbot.waitUntil(lambda: shown_row(review, known["id"]).read_at > before.read_at
                    and shown_row(review, new["id"]) is not None, timeout=SHOWN_MS)
    row = shown_row(review, known["id"])
    assert row.state(cell).active is value and not row.stale
    assert review.selected_row().customer_id == known["id"], "the selection stays"
    cached = desk.journal.cached_customer(STUDIO, known["id"])
    assert row.read_at == cached.read_at, "the other desk's read, from the cache"
    # Desk B asked the API nothing: each member was read once, by the other desk.
    reads = sorted(r["path"] for r in studio.sandbox.admin.received())
    assert reads == sorted(f"/v1/{path}" for m in (known["id"], new["id"])
                           for path in (f"customers/{m}", f"communications/{m}/communication-preferences"))


# -- back after a pause ------------------------------------------------------------------------

def test_back_after_a_pause_both_windows_read_again(qtbot, desk, expect_log):
    """A change whose desk event this desk never hears (written past the feed, as by a desk
    of a version that wrote none): once live updates come back from a pause, both windows
    read again and show it."""
    from sqlalchemy import update

    from studio_comm.journal import schema

    studio = desk.studio_under_test
    if not studio.postgres:
        pytest.skip("PostgreSQL only: the listener's connection is killed with pg_terminate_backend")
    expect_log(*RECONNECTING)
    customer = member(studio)["id"]
    other_desk(qtbot, studio, "review", customer)
    qtbot.waitUntil(lambda: told(desk, "review.cached", customer, OTHER), timeout=WAIT_MS)
    audit, review = open_audit(qtbot, desk), open_review(qtbot, desk)
    assert review.select_customer(customer)
    shown_before = len(entry_ids(audit, customer))
    read_at = datetime.now(UTC).replace(microsecond=0)
    with desk.journal.engine.begin() as conn:
        conn.execute(schema.audit.insert().values(
            action="message", studio_id=STUDIO, customer_id=customer, staff="Untold", workstation="desk-3",
            intent={"direction": "INCOMING", "channel": "CONVERSATION", "category": "GENERAL"}, outcome="sent",
            created_at=read_at))
        conn.execute(update(schema.preference_cache).where(
            schema.preference_cache.c.studio_id == STUDIO, schema.preference_cache.c.customer_id == customer)
            .values(name="Untold Name", read_at=read_at))
    QApplication.processEvents()
    assert len(entry_ids(audit, customer)) == shown_before and shown_row(review, customer).name != "Untold Name"

    states = len(desk.states)
    assert studio.database.terminate_connections(desk.services.live.listener.application_name) == 1
    qtbot.waitUntil(lambda: desk.states[states:][-2:] == ["reconnecting", "live"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(entry_ids(audit, customer)) == shown_before + 1, timeout=SHOWN_MS)
    assert "Untold" in {audit.model.entry(audit.model.row_of(i)).staff for i in entry_ids(audit, customer)}
    qtbot.waitUntil(lambda: shown_row(review, customer).name == "Untold Name", timeout=SHOWN_MS)
    assert shown_row(review, customer).read_at == read_at
    assert review.selected_row().customer_id == customer, "the selection stays"
