"""Desks together, end to end: every desk is the real app, desk B in this process, desks A and C
(and, for presence, desks D and E) each in a process of its own (tests/live_desk.py), on one
PostgreSQL journal (a database of the module's own) and one sandbox. What one desk does
reaches the others through the journal's feed without a click: messages and threads,
consent saves, presence ("Also open at …", "… is writing…"); the Traffic Cop stops a send
or a save that would go out over news the user has not seen; two desks starting one
thread at once make one thread; and 1,000 messages from three desks show at every desk
once each, in one order.

PostgreSQL only (a SQLite journal is one desk's): skipped without STUDIO_COMM_TEST_PG_URL.
Desks A and C are started once for the module (each test opens a member of its own); the
sandbox is reset before each test. Every desk's presence beats every HEARTBEAT_S and
expires after EXPIRY_S, so that a killed desk is gone within seconds.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from studio_comm.journal import Journal
from studio_comm.sandbox import demo_data
from studio_comm.sandbox.server import SandboxConfig, SandboxProcess
from tests.fixtures.app import WAIT_MS, close_app, type_text
from tests.fixtures.journal import PG_URL_VARIABLE, OwnDatabase
from tests.fixtures.live import api, editable_cells, open_member, preferences, shown, toggle
from tests.live_desk import Desk, DeskProcess

pytestmark = pytest.mark.postgres

STUDIO = demo_data.STUDIO_ID
CUSTOMERS = 60
PROFILE = "Desks studio"
HEARTBEAT_S, EXPIRY_S = 0.5, 2.0  # presence timing of every desk of the module
LIVE_S = 1.0  # the promise: another desk's message is in the open timeline within a second
START_S = 120  # a desk process connects and listens within this
SLOW_POST = "latency=4000:method=POST@/v1/communications"  # the first POST of a thread stays out
THOUSAND_S = 240  # three desks send 1,000 messages (about 75 s on 2 cores)


@dataclass
class Studio:
    target: str  # the shared journal
    sandbox: SandboxProcess
    database: OwnDatabase
    journal: Journal | None = None  # this test's own connection, for reading what the desks wrote


@pytest.fixture(scope="module")
def studio():
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(f"{PG_URL_VARIABLE} is not set: desks share a PostgreSQL journal")
    database = OwnDatabase(url)
    database.create()
    Journal.open(database.url).close()  # the schema first, so no desk waits on another's migration
    sandbox = SandboxProcess(SandboxConfig(customers=CUSTOMERS, rate_limit=(100_000, 60.0)))
    try:
        sandbox.start()
        yield Studio(database.url, sandbox, database)
    finally:
        sandbox.stop()
        database.drop()


def start_desk(studio: Studio, data_dir: Path, workstation: str, staff: str) -> DeskProcess:
    return DeskProcess(base_url=studio.sandbox.base_url, journal=studio.target, api_key=studio.sandbox.api_key,
                       data_dir=data_dir, workstation=workstation, staff=staff, heartbeat=HEARTBEAT_S,
                       expiry=EXPIRY_S)


def wait_live(*desks: DeskProcess) -> None:
    """Until every desk's feed listener is live (no Qt loop needs to turn meanwhile)."""
    deadline = time.monotonic() + START_S
    waiting = list(desks)
    while waiting:
        waiting = [d for d in waiting if d.said("live") is None]
        if time.monotonic() > deadline:
            raise AssertionError(f"not live within {START_S} s: {[(d.workstation, d.errors()) for d in waiting]}")
        time.sleep(0.05)


@dataclass
class Others:
    a: DeskProcess
    c: DeskProcess


@pytest.fixture(scope="module")
def other_desks(studio, tmp_path_factory):
    """Desks A (Anna A.) and C (Carl C.), each the app in a process of its own."""
    folder = tmp_path_factory.mktemp("desks")
    desks = Others(start_desk(studio, folder / "a", "desk-A", "Anna A."),
                   start_desk(studio, folder / "c", "desk-C", "Carl C."))
    try:
        wait_live(desks.a, desks.c)
        yield desks
    finally:
        for desk in (desks.a, desks.c):
            desk.close()


@pytest.fixture
def others(qtbot, other_desks):
    """Desks A and C with nothing left open from an earlier test (a dialog, an edit, a text)."""
    for other in (other_desks.a, other_desks.c):
        other.do(qtbot, "reset")
    return other_desks


@pytest.fixture
def fresh_studio(studio):
    studio.sandbox.admin.reset()
    studio.journal = Journal.open(studio.target)
    try:
        yield studio
    finally:
        studio.journal.close()


@pytest.fixture
def desk(qtbot, qloop, fresh_studio, memory_keyring, tmp_path, monkeypatch):
    """Desk B (Berta B.): the app in this process, connected, live."""
    from studio_comm.app import launch
    from studio_comm.core import presence
    from studio_comm.core.credentials import SERVICE

    monkeypatch.setattr(presence, "HEARTBEAT_S", HEARTBEAT_S)
    monkeypatch.setattr(presence, "EXPIRY_S", EXPIRY_S)
    memory_keyring.set_password(SERVICE, PROFILE, fresh_studio.sandbox.api_key)
    window = launch(["--profile", PROFILE, "--base-url", fresh_studio.sandbox.base_url, "--journal",
                     fresh_studio.target, "--data-dir", str(tmp_path / "desk-B"), "--staff", "Berta B.",
                     "--workstation", "desk-B"])
    window.resize(1280, 800)
    window.studio_under_test = fresh_studio
    try:
        qtbot.waitUntil(lambda: window.session is not None, timeout=30_000)
        qtbot.waitUntil(lambda: window.status.live_label.text() == "live", timeout=30_000)
        yield window
    finally:
        close_app(qtbot, window)


# -- helpers ------------------------------------------------------------------------------

_used: set[int] = set()


def member(studio: Studio, cells: int = 0) -> dict:
    """A member no earlier test of the module used, with at least `cells` channels of their own."""
    for candidate in api(studio, "/v1/customers", sliceSize=100)["result"]:
        if candidate["id"] not in _used and (
                not cells or len(editable_cells(preferences(studio, candidate["id"]))) >= cells):
            _used.add(candidate["id"])
            return candidate
    raise AssertionError("no member left")


def new_thread(qtbot, desk: DeskProcess, customer: dict, subject: str) -> int:
    """`desk` opens the member and starts a thread with a logged call, as its user does; the
    thread's id (selected there now)."""
    desk.do(qtbot, "open", customer=customer["id"])
    desk.do(qtbot, "choose", direction="INCOMING", channel="PHONE")
    desk.do(qtbot, "type", subject=subject, body=f"Anruf an {desk.workstation}")
    desk.do(qtbot, "new_thread")  # a member of the test's own has no open threads: no question first
    sent = DeskProcess.sent(desk.wait(qtbot, "sent "))
    assert sent["state"] == "sent"
    return sent["thread"]


def select_thread(qtbot, window, thread_id: int) -> None:
    """Select the thread in desk B's thread list; wait for its timeline to show the journal's messages."""
    panel = window.conversation_panel
    qtbot.waitUntil(lambda: panel.threads.row_of(thread_id) >= 0, timeout=WAIT_MS)
    panel.thread_view.setCurrentIndex(panel.threads.index(panel.threads.row_of(thread_id), 0))
    known = {m.request_id for m in window.studio_under_test.journal.messages(thread_id)}
    qtbot.waitUntil(lambda: known <= set(timeline(window)), timeout=WAIT_MS)


def log_a_call(window) -> None:
    """Desk B's compose area logs an incoming phone call (never blocked by consent)."""
    compose = window.conversation_panel.compose
    compose.direction.setCurrentIndex(compose.direction.findData("INCOMING"))
    compose.channel.setCurrentIndex(compose.channel.findData("PHONE"))


def timeline(window) -> list[str]:
    return [m.request_id for m in window.conversation_panel.timeline.messages()]


def presence_text(window) -> str:
    label = window.preferences_panel.header.presence_label
    return label.text() if label.isVisible() else ""


def writing(window, thread_id: int):
    from studio_comm.ui.models.thread_list_model import ThreadListModel

    threads = window.conversation_panel.threads
    row = threads.row_of(thread_id)
    return threads.data(threads.index(row, 0), ThreadListModel.WritingRole) if row >= 0 else None


def dialog(name: str) -> QDialog | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QDialog) and w.objectName() == name and w.isVisible()), None)


def answer(qtbot, name: str, button: str) -> None:
    qtbot.waitUntil(lambda: dialog(name) is not None, timeout=WAIT_MS)
    qtbot.mouseClick(dialog(name).findChild(QPushButton, button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog(name) is None, timeout=WAIT_MS)


def thread_requests(studio: Studio, customer_id: int) -> list[tuple[str, str]]:
    prefix = f"/v1/communications/{customer_id}/threads"
    return [(r["method"], r["path"]) for r in studio.sandbox.admin.received() if r["path"].startswith(prefix)]


def draft(studio: Studio, customer_id: int, thread_id: int) -> str | None:
    """Desk B's draft for the thread, as the journal keeps it."""
    kept = studio.journal.draft(STUDIO, customer_id, thread_id, "desk-B")
    return None if kept is None else kept.content


def sent_by(studio: Studio, thread_id: int, workstation: str) -> list:
    return [m for m in studio.journal.messages(thread_id) if m.workstation == workstation]


class Arrivals:
    """When each message first showed in state sent in a timeline model (time.time())."""

    def __init__(self, model) -> None:
        self.model = model
        self.at: dict[str, float] = {}
        for signal in (model.rowsInserted, model.dataChanged, model.modelReset, model.layoutChanged):
            signal.connect(self._look)

    def _look(self, *_args) -> None:
        now = time.time()
        for message in self.model.messages():
            if message.state == "sent" and message.request_id not in self.at:
                self.at[message.request_id] = now


# -- messages and threads -------------------------------------------------------------------

def test_a_message_sent_at_another_desk_is_in_the_open_timeline_within_a_second(qtbot, desk, others):
    studio = desk.studio_under_test
    customer = member(studio)
    thread_id = new_thread(qtbot, others.a, customer, "Kursplan")
    open_member(qtbot, desk, customer)
    select_thread(qtbot, desk, thread_id)
    arrivals = Arrivals(desk.conversation_panel.timeline)
    others.a.do(qtbot, "select", thread=thread_id)
    others.a.do(qtbot, "choose", direction="INCOMING", channel="PHONE")
    took = []
    for i in range(3):  # typed and sent at desk A, as its user does
        others.a.do(qtbot, "type", body=f"Rückruf wegen Kursplan ({i + 1})")
        others.a.do(qtbot, "send")
        sent = DeskProcess.sent(others.a.wait(qtbot, "sent "))
        assert sent["state"] == "sent" and sent["thread"] == thread_id
        qtbot.waitUntil(lambda request_id=sent["request_id"]: request_id in arrivals.at, timeout=WAIT_MS)
        took.append(arrivals.at[sent["request_id"]] - sent["committed"])
    assert max(took) < LIVE_S, f"from desk A's commit to desk B's timeline: {took} s"
    assert timeline(desk) == [m.request_id for m in studio.journal.messages(thread_id)]
    assert [m.state for m in desk.conversation_panel.timeline.messages()] == ["sent"] * 4
    assert desk.conversation_panel.selected_thread().id == thread_id, "the selection stays"


def test_two_desks_sending_the_first_message_of_one_thread_at_once_post_once_and_put_once(qtbot, desk, others):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    a = others.a
    a.do(qtbot, "open", customer=customer["id"])
    studio.sandbox.admin.set_faults(SLOW_POST)
    a.do(qtbot, "choose", direction="INCOMING", channel="PHONE")
    a.do(qtbot, "type", subject="Sauna", body="Anruf an Desk A")
    a.do(qtbot, "new_thread")  # the member has no threads: no question first
    # The thread shows at desk B with desk A's message in it while its POST is still out.
    panel = desk.conversation_panel
    qtbot.waitUntil(lambda: panel.threads.rowCount() == 1, timeout=WAIT_MS)
    thread = panel.threads.thread(0)
    assert thread.remote_thread_id is None
    select_thread(qtbot, desk, thread.id)
    qtbot.waitUntil(lambda: len(timeline(desk)) == 1, timeout=WAIT_MS)
    [first] = timeline(desk)
    log_a_call(desk)
    type_text(panel.compose.body, "Anruf an Desk B")
    assert studio.journal.message(first).state == "pending", "desk A's POST is still out"
    qtbot.mouseClick(panel.compose.send_button, Qt.MouseButton.LeftButton)
    sent_a = DeskProcess.sent(a.wait(qtbot, "sent ", timeout_ms=30_000))
    qtbot.waitUntil(lambda: [m.state for m in sent_by(studio, thread.id, "desk-B")] == ["sent"], timeout=30_000)
    remote = studio.journal.thread(thread.id).remote_thread_id
    assert (sent_a["state"], sent_a["thread"], sent_a["remote"]) == ("sent", thread.id, remote)
    assert thread_requests(studio, customer["id"]) == [
        ("POST", f"/v1/communications/{customer['id']}/threads"),
        ("PUT", f"/v1/communications/{customer['id']}/threads/{remote}")]
    assert [t.id for t in studio.journal.threads(STUDIO, customer["id"])] == [thread.id], "one thread"
    assert [(m.workstation, m.state) for m in studio.journal.messages(thread.id)] == [
        ("desk-A", "sent"), ("desk-B", "sent")]
    qtbot.waitUntil(lambda: not panel.compose.has_text(), timeout=WAIT_MS)


# -- presence -------------------------------------------------------------------------------

def test_who_else_has_the_member_open_shows_and_goes_when_that_desk_quits_or_is_killed(qtbot, desk, tmp_path):
    studio = desk.studio_under_test
    customer = member(studio)
    open_member(qtbot, desk, customer)
    label = desk.preferences_panel.header.presence_label
    assert label.objectName() == "presenceLabel"
    assert label.text() == "" and label.isHidden(), "nobody else is at the member"
    quitting = start_desk(studio, tmp_path / "d", "desk-D", "Dora D.")
    crashing = start_desk(studio, tmp_path / "e", "desk-E", "Emil E.")
    try:
        wait_live(quitting, crashing)
        quitting.do(qtbot, "open", customer=customer["id"])
        qtbot.waitUntil(lambda: presence_text(desk).startswith("Also open at desk-D, Dora D."), timeout=WAIT_MS)
        assert "desk-E" not in presence_text(desk)
        assert quitting.close() == 0
        rows = studio.journal.presence_at(STUDIO, customer["id"], exclude_workstation=None, expiry=3600)
        assert "desk-D" not in {r.workstation for r in rows}, "a desk that quits withdraws at once"
        qtbot.waitUntil(lambda: presence_text(desk) == "" and label.isHidden(), timeout=WAIT_MS)

        crashing.do(qtbot, "open", customer=customer["id"])
        qtbot.waitUntil(lambda: presence_text(desk).startswith("Also open at desk-E, Emil E."), timeout=WAIT_MS)
        crashing.kill()
        killed = time.monotonic()
        qtbot.waitUntil(lambda: presence_text(desk) == "" and label.isHidden(),
                        timeout=int((EXPIRY_S + HEARTBEAT_S) * 1000) + WAIT_MS)
        assert time.monotonic() - killed < EXPIRY_S + 2 * HEARTBEAT_S + 5, "gone within the expiry"
    finally:
        quitting.close()
        crashing.kill()


def test_the_thread_list_shows_who_is_writing_in_which_thread_until_it_is_sent_or_cleared(qtbot, desk, others):
    studio = desk.studio_under_test
    customer = member(studio)
    a = others.a
    thread_id = new_thread(qtbot, a, customer, "Probetraining")
    open_member(qtbot, desk, customer)
    select_thread(qtbot, desk, thread_id)
    assert writing(desk, thread_id) is None
    qtbot.waitUntil(lambda: presence_text(desk).startswith("Also open at desk-A, Anna A."), timeout=WAIT_MS)
    a.do(qtbot, "select", thread=thread_id)
    a.do(qtbot, "choose", direction="INCOMING", channel="PHONE")
    a.do(qtbot, "type", body="Probetraining am")
    qtbot.waitUntil(lambda: writing(desk, thread_id) == "Anna A. is writing…", timeout=WAIT_MS)
    a.do(qtbot, "clear")
    qtbot.waitUntil(lambda: writing(desk, thread_id) is None, timeout=WAIT_MS)
    a.do(qtbot, "type", body="Probetraining am Montag, 18 Uhr")
    qtbot.waitUntil(lambda: writing(desk, thread_id) == "Anna A. is writing…", timeout=WAIT_MS)
    a.do(qtbot, "send")
    assert DeskProcess.sent(a.wait(qtbot, "sent "))["state"] == "sent"
    qtbot.waitUntil(lambda: writing(desk, thread_id) is None, timeout=WAIT_MS)
    assert presence_text(desk).startswith("Also open at desk-A, Anna A."), "still at the member"


# -- the Traffic Cop --------------------------------------------------------------------------

def test_the_traffic_cop_stops_a_reply_into_a_thread_that_got_news_and_keeps_the_draft(qtbot, desk, others):
    studio = desk.studio_under_test
    customer = member(studio)
    a = others.a
    thread_id = new_thread(qtbot, a, customer, "Kündigung")
    open_member(qtbot, desk, customer)
    select_thread(qtbot, desk, thread_id)
    panel = desk.conversation_panel
    log_a_call(desk)
    reply = "Kündigung zum Monatsende bestätigt"
    type_text(panel.compose.body, reply)

    def news() -> str:  # desk A adds to the thread; desk B's timeline shows it without a click
        request_id = a.do(qtbot, "burst", count=1, thread=thread_id, text="Mitglied ruft wieder an")["sent"][0]
        a.wait(qtbot, "sent ")
        qtbot.waitUntil(lambda: request_id in timeline(desk), timeout=WAIT_MS)
        return request_id

    # Edit first: nothing is sent, the reply stays, in the compose area and in the journal.
    news()
    puts = len(thread_requests(studio, customer["id"]))
    qtbot.mouseClick(panel.compose.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog("trafficCopDialog") is not None, timeout=WAIT_MS)
    cop = dialog("trafficCopDialog")
    assert cop.parentWidget().window() is desk and cop.windowModality() == Qt.WindowModality.WindowModal
    answer(qtbot, "trafficCopDialog", "trafficCopEdit")
    assert panel.compose.text()[1] == reply
    qtbot.waitUntil(lambda: draft(studio, customer["id"], thread_id) == reply, timeout=WAIT_MS)
    assert sent_by(studio, thread_id, "desk-B") == [] and len(thread_requests(studio, customer["id"])) == puts

    # More news, and Send anyway: the reply goes out after it.
    later = news()
    qtbot.mouseClick(panel.compose.send_button, Qt.MouseButton.LeftButton)
    answer(qtbot, "trafficCopDialog", "trafficCopSendAnyway")
    qtbot.waitUntil(lambda: [m.state for m in sent_by(studio, thread_id, "desk-B")] == ["sent"], timeout=WAIT_MS)
    [mine] = sent_by(studio, thread_id, "desk-B")
    assert mine.content == reply
    qtbot.waitUntil(lambda: not panel.compose.has_text(), timeout=WAIT_MS)
    assert timeline(desk)[-2:] == [later, mine.request_id]
    qtbot.waitUntil(lambda: draft(studio, customer["id"], thread_id) is None, timeout=WAIT_MS)

    # A reply typed before more news, then discarded: gone, nothing sent.
    type_text(panel.compose.body, "Doch nicht")
    news()
    qtbot.mouseClick(panel.compose.send_button, Qt.MouseButton.LeftButton)
    answer(qtbot, "trafficCopDialog", "trafficCopDiscard")
    qtbot.waitUntil(lambda: not panel.compose.has_text(), timeout=WAIT_MS)
    assert [m.content for m in sent_by(studio, thread_id, "desk-B")] == [reply]
    qtbot.waitUntil(lambda: draft(studio, customer["id"], thread_id) is None, timeout=WAIT_MS)


def test_the_traffic_cop_stops_a_consent_save_after_another_desk_saved_that_member(qtbot, desk, others):
    studio = desk.studio_under_test
    customer = member(studio, cells=3)
    a = others.a
    open_member(qtbot, desk, customer)
    a.do(qtbot, "open", customer=customer["id"])
    mine, theirs, more = editable_cells(preferences(studio, customer["id"]))[:3]
    panel = desk.preferences_panel

    def saved_at_a(cell, over_b: bool = False) -> bool:
        value = a.do(qtbot, "toggle", cell=list(cell))
        a.do(qtbot, "save")
        if over_b:  # desk B saved since desk A opened the member: desk A's Traffic Cop first
            a.do(qtbot, "answer", dialog="trafficCopDialog", button="trafficCopSendAnyway")
        a.do(qtbot, "answer", dialog="confirmChangesDialog", button="confirmSaveButton")
        assert a.wait(qtbot, "report ") == "report saved"
        qtbot.waitUntil(lambda: not panel.busy and shown(desk, cell) is value, timeout=WAIT_MS)  # merged here
        return value

    def stored(cell) -> bool:
        return next(c["active"] for p in preferences(studio, customer["id"]) for c in p["channels"]
                    if (p["messageCategory"], c["communicationChannel"]) == cell)

    # Edit first: no save, no confirmation; the edit stays and desk A's save shows.
    mine_was = shown(desk, mine)
    toggle(qtbot, desk, mine)
    theirs_now = saved_at_a(theirs)
    assert panel.is_dirty and panel.editor.changed(mine) and shown(desk, mine) is not mine_was
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog("trafficCopDialog") is not None, timeout=WAIT_MS)
    assert dialog("confirmChangesDialog") is None, "the Traffic Cop comes before the confirmation"
    cop = dialog("trafficCopDialog")
    assert cop.parentWidget().window() is desk and cop.windowModality() == Qt.WindowModality.WindowModal
    answer(qtbot, "trafficCopDialog", "trafficCopEdit")
    assert dialog("confirmChangesDialog") is None and panel.confirmation_dialog is None
    assert panel.is_dirty and shown(desk, mine) is not mine_was and shown(desk, theirs) is theirs_now
    assert stored(mine) is mine_was

    # Desk A saves again; Save anyway: the usual confirmation follows and the merge keeps both.
    more_now = saved_at_a(more)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    answer(qtbot, "trafficCopDialog", "trafficCopSendAnyway")
    qtbot.waitUntil(lambda: panel.confirmation_dialog is not None and panel.confirmation_dialog.isVisible(),
                    timeout=WAIT_MS)
    answer(qtbot, "confirmChangesDialog", "confirmSaveButton")
    qtbot.waitUntil(lambda: panel.last_report is not None and not panel.busy, timeout=WAIT_MS)
    assert panel.last_report.outcome == "saved"
    assert (stored(mine), stored(theirs), stored(more)) == (not mine_was, theirs_now, more_now)

    # An edit over another save, discarded: reverted, nothing saved.
    theirs_then = saved_at_a(theirs, over_b=True)
    toggle(qtbot, desk, more)
    assert panel.is_dirty
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    answer(qtbot, "trafficCopDialog", "trafficCopDiscard")
    qtbot.waitUntil(lambda: not panel.is_dirty, timeout=WAIT_MS)
    assert shown(desk, more) is more_now
    assert dialog("confirmChangesDialog") is None
    assert (stored(mine), stored(theirs), stored(more)) == (not mine_was, theirs_then, more_now)
    assert not panel.editor.changed(more)


# -- many messages ---------------------------------------------------------------------------

@pytest.mark.timeout(THOUSAND_S + 60)
def test_a_thousand_messages_from_three_desks_show_at_every_desk_once_in_one_order(qtbot, desk, others):
    studio = desk.studio_under_test
    customer = member(studio)
    thread_id = new_thread(qtbot, others.a, customer, "Tausend Anrufe")  # the first of the 1,000
    open_member(qtbot, desk, customer)
    select_thread(qtbot, desk, thread_id)
    log_a_call(desk)
    others.c.do(qtbot, "open", customer=customer["id"])
    for other in (others.a, others.c):
        other.do(qtbot, "select", thread=thread_id)
        other.do(qtbot, "choose", direction="INCOMING", channel="PHONE")
    # Each desk logs its calls into the thread through its session as fast as it can (the compose
    # area's sends, with the Traffic Cop between them, are the other tests'); every desk shows all.
    here = Desk(desk, say=lambda line: None)
    here.instrument()
    counts = {others.a: 332, others.c: 333}
    for other, count in counts.items():
        other.command("burst", count=count, thread=thread_id)
    burst = asyncio.ensure_future(here.do_burst(334, thread=thread_id))
    answers: dict[DeskProcess, dict] = {}

    def all_sent() -> bool:
        for other in counts:
            if other not in answers and (answer := other.answer("burst")) is not None:
                answers[other] = answer[0]
        return burst.done() and len(answers) == len(counts)

    qtbot.waitUntil(all_sent, timeout=THOUSAND_S * 1000)
    messages = studio.journal.messages(thread_id)
    ids = [m.request_id for m in messages]
    sent = [*burst.result()["sent"], *answers[others.a]["sent"], *answers[others.c]["sent"]]
    assert len(sent) == len(set(sent)) == 999
    assert len(ids) == len(set(ids)) == 1000 and set(ids) == {ids[0], *sent}
    assert {m.state for m in messages} == {"sent"}
    threads = f"/v1/communications/{customer['id']}/threads"
    remote = studio.journal.thread(thread_id).remote_thread_id
    assert thread_requests(studio, customer["id"]) == [("POST", threads)] + [("PUT", f"{threads}/{remote}")] * 999
    here_now = desk.conversation_panel.timeline.messages
    qtbot.waitUntil(lambda: timeline(desk) == ids and {m.state for m in here_now()} == {"sent"}, timeout=WAIT_MS)
    for other in counts:
        shown_there = other.do(qtbot, "wait_timeline", ids=ids, timeout=WAIT_MS / 1000)
        assert shown_there["timeline"] == ids and set(shown_there["states"]) == {"sent"}
