"""Live updates at the desk, end to end: the sandbox changes a member as Magicline would and
sends its webhook to a real `studio-comm relay` (a child process) writing into the shared
journal; the desk (the real app, and for two desks a second app process) hears the event
through its feed listener and shows it without a click.

On SQLite and on PostgreSQL (a database of the module's own, so that its notifications
and its connections are this module's alone). The studio (journal, relay, sandbox) is
started once per module and the sandbox reset before each test; each test works on
members of its own, so the journal's earlier rows do not matter to it.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QRadioButton

from studio_comm.journal import Journal
from studio_comm.relay.server import RelayProcess
from studio_comm.sandbox import demo_data
from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
from tests.fixtures.app import WAIT_MS, close_app, search
from tests.fixtures.journal import OwnDatabase
from tests.fixtures.live import (
    RECONNECTING,
    api,
    editable_cells,
    in_member_app,
    journal_target,
    launch_desk,
    open_member,
    preferences,
    shown,
    toggle,
)
from tests.fixtures.qt import run_async
from tests.live_desk import DeskProcess

STUDIO = demo_data.STUDIO_ID
CUSTOMERS = 120
PROFILE = "Live studio"
REPAINT_MS = 2000  # the promise: the matrix shows a change within 2 s of its webhook


@dataclass
class Studio:
    target: str  # the shared journal
    relay: RelayProcess
    sandbox: SandboxProcess
    database: OwnDatabase | None  # PostgreSQL only
    key: str  # the webhook key the relay expects
    keys: Path  # the relay's key file

    @property
    def postgres(self) -> bool:
        return self.database is not None


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def studio(request, tmp_path_factory):
    target, database = journal_target(request.param, tmp_path_factory, "live")
    key = f"whk-{secrets.token_hex(12)}"
    keys = tmp_path_factory.mktemp("keys") / "relay-keys"
    keys.write_text(f"{STUDIO} {key}\n", encoding="utf-8")
    keys.chmod(0o600)
    relay = RelayProcess(target, keys, log_path=tmp_path_factory.mktemp("relay-log") / "relay.log").start()
    config = SandboxConfig(customers=CUSTOMERS, rate_limit=(100_000, 60.0),
                           webhook_url=f"{relay.url}/webhooks/{STUDIO}", webhook_key=key)
    sandbox = SandboxProcess(config)
    studio = Studio(target, relay, sandbox, database, key, keys)  # a test may restart the relay (same port)
    try:
        sandbox.start()
        yield studio
    finally:
        sandbox.stop()
        studio.relay.stop()
        if database is not None:
            database.drop()


@pytest.fixture
def fresh_studio(studio):
    studio.sandbox.admin.reset()
    journal = Journal.open(studio.target)
    studio.journal = journal
    try:
        yield studio
    finally:
        journal.close()


@pytest.fixture
def desk(qtbot, qloop, fresh_studio, memory_keyring, tmp_path):
    """The app at a desk of the studio, connected, its live updates live."""
    from studio_comm.core.credentials import SERVICE

    memory_keyring.set_password(SERVICE, PROFILE, fresh_studio.sandbox.api_key)
    window = launch_desk(qtbot, fresh_studio, tmp_path / "desk-1", "desk-1", PROFILE)
    window.studio_under_test = fresh_studio
    window.handled = []  # every feed event the desk told the app of, in order
    window.services.live.batchHandled.connect(window.handled.extend)
    window.states = []
    window.services.live.stateChanged.connect(window.states.append)
    try:
        yield window
    finally:
        close_app(qtbot, window)


# -- helpers ------------------------------------------------------------------------------

_used: set[int] = set()


def member(studio: Studio) -> dict:
    """A member of this studio with at least two channels they may change, not used by an
    earlier test of the module (the journal keeps what those did)."""
    for candidate in api(studio, "/v1/customers", sliceSize=100)["result"]:
        if candidate["id"] not in _used and len(editable_cells(preferences(studio, candidate["id"]))) >= 2:
            _used.add(candidate["id"])
            return candidate
    raise AssertionError("no member left with two channels of their own")


def repainted(window, cell, value: bool) -> bool:
    """The panel shows `value` for `cell` from a re-read it has finished (the note says so)."""
    panel = window.preferences_panel
    return not panel.busy and shown(window, cell) is value and panel.outside_note.isVisible()


def outside_entries(journal: Journal, customer_id: int) -> list:
    return [e for e in journal.audit(STUDIO, customer_id=customer_id) if e.action == "preferences_external"]


def settled(journal: Journal, seq: int) -> bool:
    """Whether some desk has settled feed event `seq` (read only: a test must not claim it)."""
    from sqlalchemy import select

    from studio_comm.journal import schema

    s = schema.event_settlements
    with journal.engine.connect() as conn:
        return conn.execute(select(s.c.settled_at).where(s.c.seq == seq)).scalar() is not None


def feed_events(journal: Journal, customer_id: int) -> list:
    return journal.entity_events(STUDIO, customer_id, limit=10_000)


# -- the open matrix ------------------------------------------------------------------------

def test_a_change_in_the_member_app_repaints_the_open_matrix_and_keeps_an_unsaved_edit(qtbot, desk):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    mine, theirs = editable_cells(preferences(studio, customer["id"]))[:2]
    before_mine = shown(desk, mine)
    toggle(qtbot, desk, mine)  # an unsaved edit
    panel = desk.preferences_panel
    assert panel.is_dirty and shown(desk, mine) is not before_mine

    value = in_member_app(studio, customer["id"], theirs)
    sent = time.monotonic()
    qtbot.waitUntil(lambda: repainted(desk, theirs, value), timeout=REPAINT_MS)
    took = time.monotonic() - sent
    assert shown(desk, mine) is not before_mine and panel.editor.changed(mine), "the unsaved edit survives"
    assert panel.is_dirty and panel.save_button.isEnabled()
    note = panel.outside_note.text()
    assert panel.outside_note.isVisible() and note.startswith("Changed outside studio-comm at ")
    assert took < REPAINT_MS / 1000

    # The consent history: one entry, from this desk, once the event is settled.
    [event] = [e for e in feed_events(studio.journal, customer["id"]) if e.type.endswith("PREFERENCES_UPDATED")]
    qtbot.waitUntil(lambda: settled(studio.journal, event.seq), timeout=WAIT_MS)
    [entry] = outside_entries(studio.journal, customer["id"])
    assert entry.workstation == "desk-1" and entry.staff is None and entry.intent["uuid"] == event.uuid
    before = {(p["messageCategory"], c["communicationChannel"]): c["active"] for p in entry.before
              for c in p["channels"]}
    after = {(p["messageCategory"], c["communicationChannel"]): c["active"] for p in entry.after for c in p["channels"]}
    assert before[theirs] is not value and after[theirs] is value
    assert {c for c in before if before[c] != after[c]} == {theirs}, "the other desk edit is not part of it"


def test_a_cell_changed_here_and_in_the_member_app_is_a_conflict_the_user_resolves(qtbot, desk):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    cell, other = editable_cells(preferences(studio, customer["id"]))[:2]
    was = shown(desk, cell)
    toggle(qtbot, desk, cell)
    toggle(qtbot, desk, other)
    studio.sandbox.admin.reset_received()
    in_member_app(studio, customer["id"], cell)  # the member switched the same cell over
    panel = desk.preferences_panel
    qtbot.waitUntil(lambda: panel.conflict_dialog is not None and panel.conflict_dialog.isVisible(), timeout=WAIT_MS)
    dialog = panel.conflict_dialog
    sentences = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Someone else made the same change." in text for text in sentences)
    keep = dialog.findChild(QPushButton, "conflictSaveButton")
    assert keep.text() == "Keep these choices"  # a change elsewhere is not saved from here
    qtbot.mouseClick(dialog.findChild(QRadioButton, "keepMine"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.conflict_dialog is None, timeout=WAIT_MS)
    assert shown(desk, cell) is not was and not panel.editor.changed(cell), "what both wanted, nothing left to save"
    assert panel.editor.changed(other) and panel.is_dirty, "the other unsaved edit stays"
    assert not any(r["method"] == "PUT" for r in studio.sandbox.admin.received()), "nothing was saved"


def test_a_save_at_this_desk_coming_back_as_a_webhook_is_no_change_from_outside(qtbot, desk):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    cell = editable_cells(preferences(studio, customer["id"]))[0]
    toggle(qtbot, desk, cell)
    panel = desk.preferences_panel
    settled_here: list[str] = []
    desk.services.live.eventSettled.connect(lambda _event, outcome: settled_here.append(outcome))
    panel.request_save()
    qtbot.waitUntil(lambda: panel.confirmation_dialog is not None and panel.confirmation_dialog.isVisible(),
                    timeout=WAIT_MS)
    qtbot.mouseClick(panel.confirmation_dialog.findChild(QPushButton, "confirmSaveButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.last_report is not None and not panel.busy, timeout=WAIT_MS)
    assert panel.last_report.outcome == "saved"
    # The sandbox sends the PUT's webhook, as Magicline does: the desk hears it and reads again.
    qtbot.waitUntil(lambda: len(preference_events(studio.journal, customer["id"])) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: settled_here == ["unchanged"], timeout=WAIT_MS)
    assert not panel.outside_note.isVisible(), "nothing changed outside studio-comm"
    assert outside_entries(studio.journal, customer["id"]) == []
    assert [e.action for e in studio.journal.audit(STUDIO, customer_id=customer["id"])] == ["preferences"]


def test_two_desks_show_the_change_and_the_consent_history_records_it_once(qtbot, desk, tmp_path):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    second = SecondDesk(studio, tmp_path / "desk-2", customer["id"])
    here: dict[int, str] = {}
    desk.services.live.eventSettled.connect(lambda event, outcome: here.__setitem__(event.seq, outcome))
    try:
        second.wait(qtbot, "open")
        second.wait(qtbot, "live")
        cell = editable_cells(preferences(studio, customer["id"]))[0]
        value = in_member_app(studio, customer["id"], cell)
        qtbot.waitUntil(lambda: repainted(desk, cell, value), timeout=REPAINT_MS)
        shown_there = json.loads(second.wait(qtbot, "matrix").split(" ", 1)[1])
        assert shown_there[f"{cell[0]}/{cell[1]}"] is value
        [event] = [e for e in feed_events(studio.journal, customer["id"]) if e.type.endswith("PREFERENCES_UPDATED")]
        there = second.wait(qtbot, f"settled {event.seq}").rsplit(" ", 1)[1]
        qtbot.waitUntil(lambda: event.seq in here, timeout=WAIT_MS)
        assert sorted([here[event.seq], there]) == ["changed", "elsewhere"], "one desk recorded it, the other saw that"
        assert len(outside_entries(studio.journal, customer["id"])) == 1
    finally:
        second.close()
    assert len(outside_entries(studio.journal, customer["id"])) == 1


# -- the listener's connection -----------------------------------------------------------

def test_a_killed_listener_connection_reconnects_and_the_desk_misses_nothing(qtbot, desk, expect_log):
    studio = desk.studio_under_test
    if not studio.postgres:
        pytest.skip("PostgreSQL only: the listener's connection is killed with pg_terminate_backend")
    expect_log(*RECONNECTING)
    customer = member(studio)
    open_member(qtbot, desk, customer)
    cell = editable_cells(preferences(studio, customer["id"]))[0]
    said: list[str] = []
    desk.services.live.stateChanged.connect(lambda _state: said.append(desk.status.live_label.text()))
    name = desk.services.live.listener.application_name
    values = []
    for i in range(11):  # a stream of changes (odd: the last differs from the first state)
        values.append(in_member_app(studio, customer["id"], cell))
        if i == 4:  # the listener's connection dies in the middle of it
            assert studio.database.terminate_connections(name) == 1
    qtbot.waitUntil(lambda: len(preference_events(studio.journal, customer["id"])) == 11, timeout=WAIT_MS)
    wanted = {e.seq for e in preference_events(studio.journal, customer["id"])}
    qtbot.waitUntil(lambda: wanted <= {e.seq for e in desk.handled}, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: repainted(desk, cell, values[-1]), timeout=WAIT_MS)
    handled = [e.seq for e in desk.handled if e.seq in wanted]
    assert sorted(handled) == sorted(wanted), "every event once, none twice"
    assert desk.states[-2:] == ["reconnecting", "live"] and "reconnecting" in desk.states
    assert "live updates paused, reconnecting" in said and desk.status.live_label.text() == "live"


def test_back_after_a_pause_the_desk_reads_again_what_it_shows_even_when_its_event_was_lost(qtbot, desk,
                                                                                          expect_log):
    studio = desk.studio_under_test
    if not studio.postgres:
        pytest.skip("PostgreSQL only: the listener's connection is killed with pg_terminate_backend")
    expect_log(*RECONNECTING)
    customer = member(studio)
    open_member(qtbot, desk, customer)
    cell = editable_cells(preferences(studio, customer["id"]))[0]
    relay = studio.relay
    relay.stop()  # Magicline's webhook finds nobody: the event is lost
    failed = studio.sandbox.admin.stats()["webhooks"]["failed"]
    try:
        value = in_member_app(studio, customer["id"], cell)
        qtbot.waitUntil(lambda: studio.sandbox.admin.stats()["webhooks"]["failed"] > failed, timeout=WAIT_MS)
        assert shown(desk, cell) is not value
        assert studio.database.terminate_connections(desk.services.live.listener.application_name) == 1
        qtbot.waitUntil(lambda: repainted(desk, cell, value), timeout=WAIT_MS)
        assert desk.preferences_panel.outside_note.text() == \
            "Changed outside studio-comm while live updates were paused"
        assert "reconnecting" in desk.states and desk.states[-1] == "live"
    finally:
        studio.relay = RelayProcess(studio.target, studio.keys, port=relay.port, log_path=relay.log_path).start()


def preference_events(journal: Journal, customer_id: int) -> list:
    return journal.entity_events(STUDIO, customer_id, ["CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED"], limit=10_000)


def test_switching_studio_and_closing_stop_the_listener(qtbot, qloop, fresh_studio, memory_keyring, tmp_path):
    from studio_comm.app import shutdown
    from studio_comm.core.credentials import SERVICE

    memory_keyring.set_password(SERVICE, PROFILE, fresh_studio.sandbox.api_key)
    window = launch_desk(qtbot, fresh_studio, tmp_path / "desk", "desk-3", PROFILE)
    live = window.services.live
    first = live.listener
    # The same studio under another profile: a new session, a new listener, the old one gone.
    window.connect_profile("Live studio, second profile", fresh_studio.sandbox.base_url, fresh_studio.sandbox.api_key)
    qtbot.waitUntil(lambda: window.profile_name == "Live studio, second profile", timeout=30_000)
    qtbot.waitUntil(lambda: not first._thread.is_alive(), timeout=WAIT_MS)
    assert first.state == "stopped"
    second = live.listener
    assert second is not first and second.studio_id == STUDIO
    qtbot.waitUntil(lambda: window.status.live_label.text() == "live", timeout=WAIT_MS)
    window.close_discarding()
    run_async(qtbot, shutdown(window), timeout=30)
    window.deleteLater()
    assert not second._thread.is_alive() and second.state == "stopped" and live.listener is None


# -- members gone or locked, other events -------------------------------------------------

@pytest.mark.parametrize("how", ["access_disabled", "deleted"])
def test_a_member_who_can_no_longer_be_read_says_so_and_nothing_can_be_changed_or_sent(qtbot, desk, how):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    cell = editable_cells(preferences(studio, customer["id"]))[0]
    toggle(qtbot, desk, cell)
    panel, compose = desk.preferences_panel, desk.conversation_panel.compose
    assert panel.save_button.isEnabled() and compose.isEnabled()
    qtbot.waitUntil(lambda: desk.tasks.pending == 0, timeout=WAIT_MS)  # the member's threads and consent read
    if how == "deleted":
        studio.sandbox.admin.delete_customer(customer["id"])
    else:
        studio.sandbox.admin.disable_access(customer["id"])
    words = "was deleted in Magicline" if how == "deleted" else "access disabled"
    qtbot.waitUntil(lambda: words in panel.outside_note.text(), timeout=REPAINT_MS)
    assert not panel.save_button.isEnabled() and not panel.refresh_button.isEnabled()
    assert words in panel.save_button.toolTip()
    assert not compose.isEnabled() and "Nothing can be sent" in compose.notice.text()
    was = shown(desk, cell)
    toggle(qtbot, desk, cell)
    assert shown(desk, cell) is was, "the matrix takes no edit any more"
    assert panel.customer.id == customer["id"] and not desk.error_banner.isVisible()
    # The journal keeps what it has: the event itself (next to the desks' own events of the
    # member, such as this desk's presence), and (for this desk) the member's audit.
    assert [e.type for e in studio.journal.entity_events(STUDIO, customer["id"]) if e.source == "webhook"] == [
        "CUSTOMER_DELETED" if how == "deleted" else "CUSTOMER_ACCESS_DISABLED"]


def test_a_changed_member_shown_among_the_results_is_read_again(qtbot, desk):
    studio = desk.studio_under_test
    customer = member(studio)
    found = search(qtbot, desk, customer["customerNumber"])
    assert [c.id for c in found] == [customer["id"]]
    studio.sandbox.admin.update_customer(customer["id"], {"lastName": "Neumann-Ölz"})
    model = desk.search_panel.model
    qtbot.waitUntil(lambda: model.customer(0).last_name == "Neumann-Ölz", timeout=REPAINT_MS)
    assert "Neumann-Ölz" in model.index(0, 0).data()


def test_an_event_of_an_unknown_type_is_kept_and_changes_nothing(qtbot, desk):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    qtbot.waitUntil(lambda: desk.tasks.pending == 0, timeout=WAIT_MS)  # the member's threads and consent read
    studio.sandbox.admin.reset_received()
    body = {"entityId": customer["id"], "uuid": str(uuid.uuid4()),
            "payload": [{"timestamp": int(time.time() * 1000), "type": "CUSTOMER_CONTRACT_SIGNED",
                         "content": {"contractId": 4711}}]}
    answer = httpx.post(f"{studio.relay.url}/webhooks/{STUDIO}", json=body, headers={"X-API-KEY": studio.key},
                        timeout=30)
    assert answer.status_code == 200
    qtbot.waitUntil(lambda: any(e.uuid == body["uuid"] for e in desk.handled), timeout=REPAINT_MS)
    [kept] = [e for e in studio.journal.entity_events(STUDIO, customer["id"]) if e.uuid == body["uuid"]]
    assert kept.type == "CUSTOMER_CONTRACT_SIGNED" and kept.content == {"contractId": 4711}
    assert desk.tasks.pending == 0 and studio.sandbox.admin.received() == [], "nothing was read for it"
    panel = desk.preferences_panel
    assert not panel.outside_note.isVisible() and not desk.error_banner.isVisible()


# -- the consent review -------------------------------------------------------------------

def test_the_review_reads_a_changed_member_again_and_marks_members_gone_or_locked(qtbot, desk):
    from studio_comm.core.review import ACCESS_DISABLED, NOT_FOUND
    from studio_comm.ui.review_window import open_review_window

    studio = desk.studio_under_test
    review = open_review_window(desk)
    with qtbot.waitSignal(review.reviewFinished, timeout=60_000):
        review.start()
    changed, locked, gone = member(studio), member(studio), member(studio)
    qtbot.waitUntil(lambda: all(review.select_customer(m["id"]) for m in (changed, locked, gone)), timeout=WAIT_MS)
    rows = {r.customer_id: r for r in review.table.rows}
    cell = editable_cells(preferences(studio, changed["id"]))[0]
    studio.sandbox.admin.reset_received()
    value = in_member_app(studio, changed["id"], cell)
    studio.sandbox.admin.disable_access(locked["id"])
    studio.sandbox.admin.delete_customer(gone["id"])

    def row(customer_id: int):
        return next(r for r in review.table.rows if r.customer_id == customer_id)

    qtbot.waitUntil(lambda: row(changed["id"]).read_at > rows[changed["id"]].read_at and not row(changed["id"]).stale,
                    timeout=WAIT_MS)
    assert row(changed["id"]).state(cell).active is value
    qtbot.waitUntil(lambda: row(locked["id"]).error == ACCESS_DISABLED and row(gone["id"]).error == NOT_FOUND,
                    timeout=WAIT_MS)
    prefs_path = f"/v1/communications/{changed['id']}/communication-preferences"
    reads = {r["path"] for r in studio.sandbox.admin.received() if r["method"] == "GET"}
    assert prefs_path in reads and reads <= {prefs_path, f"/v1/customers/{changed['id']}"}, \
        "no full pass: the changed member only"
    # The consent history knew the member from the review's cache alone.
    qtbot.waitUntil(lambda: len(outside_entries(studio.journal, changed["id"])) == 1, timeout=WAIT_MS)
    [entry] = outside_entries(studio.journal, changed["id"])
    assert entry.before is not None and entry.before != entry.after


class SecondDesk(DeskProcess):
    """tests/live_desk.py: the app in a second process on the same journal, one member open."""

    def __init__(self, studio: Studio, data_dir: Path, customer_id: int) -> None:
        super().__init__(base_url=studio.sandbox.base_url, journal=studio.target, api_key=studio.sandbox.api_key,
                         data_dir=data_dir, workstation="desk-2", customer=customer_id)
