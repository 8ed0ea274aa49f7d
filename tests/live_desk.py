"""A desk of its own for the tests and benchmarks of desks working together: the real app in
a process of its own, on a shared journal, driven line by line through its widgets.

    python -m tests.live_desk --base-url URL --journal TARGET --data-dir DIR --workstation NAME
        [--customer ID] [--staff NAME] [--heartbeat S] [--expiry S]

The API key comes in STUDIO_COMM_BENCH_KEY, through the benchmarks' keyring backend
(PYTHON_KEYRING_BACKEND=tests.benchmarks.support.BenchKeyring): never on the command
line. `--customer` opens that member once connected; `--heartbeat` and `--expiry` set the
presence timing (studio_comm.core.presence) before the session connects, so that a test can
watch a killed desk expire within seconds. The desk shuts down the way the app does when
its standard input closes (or on SIGTERM); a test kills it with SIGKILL to play a crash.

Commands, one JSON object a line on standard input, `{"do": NAME, ...}`, are carried out one
after the other, each through the widgets a user would use; each is answered with one line,
`desk: done NAME JSON` (its result) or `desk: failed NAME TEXT`:

    open customer                   open the member as a click on a search result does; done once
                                    its preferences and threads are read -> its threads
    select thread                   select the thread of that journal id in the thread list (null:
                                    none, the compose area then starts a new thread); done once its
                                    timeline shows what the journal had of it
    choose direction? channel?      pick them in the compose area ("INCOMING", "PHONE": a logged call)
    type subject? body?             type into the compose area, key by key, after what is there
    clear                           select the compose text and delete it, as a user does
    send                            click Send (the send goes on: its outcome is a `sent` line)
    new_thread                      click New thread…
    answer dialog button timeout?   wait for the shown dialog of that object name, click its button
                                    of that object name (the Traffic Cop's trafficCopSendAnyway,
                                    trafficCopEdit, trafficCopDiscard; the consent confirmation's
                                    confirmSaveButton; the open threads' startNewThreadButton)
    toggle cell                     Space on the matrix cell [CATEGORY, CHANNEL]
    save                            click Save of the preferences
    burst count thread? via? cop?   send `count` messages into the thread of that journal id (null or
      subject? text?                absent: the first starts a new thread, the others follow it up),
                                    one after the other: through session.messaging (via "messaging",
                                    the default: logged phone calls, no consent read, no Traffic
                                    Cop; each told on the hub's messagesChanged, as the compose
                                    area tells its sends) or typed and sent in the compose area
                                    (via "compose", into the selected thread; when the Traffic Cop
                                    stops one, its button `cop` is clicked)
                                    -> {"sent": [request ids], "thread": id}
    wait_timeline ids timeout?      until the timeline shows exactly these request ids, in this
                                    order, all sent -> the state
    reset                           close dialogs unanswered, revert consent edits, clear the compose
                                    area (what an earlier test may have left) -> the state
    state                           what the desk shows (see `Desk.state`)

Lines it prints by itself, for a test to wait for:

    desk: live                      the feed listener is live (again)
    desk: reconnecting              it lost the feed's connection
    desk: open ID                   the --customer member's preferences are shown
    desk: matrix JSON               they were shown again: {"CATEGORY/CHANNEL": active, ...}
    desk: settled SEQ OUTCOME       this desk settled feed event SEQ (core.live.Settled)
    desk: sent JSON                 a send of this desk ended: {"request_id", "state", "thread",
                                    "remote", "committed": time.time() when its state "sent" was
                                    committed (null for another outcome), "at": time.time() now}
    desk: dialog NAME               a dialog of that object name was shown
    desk: report OUTCOME            a consent save ended (PreferencesPanel.last_report)

`DeskProcess` starts this program and talks to it from a test or a benchmark (whichever
event loop it waits in: `said()` never blocks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.benchmarks.support import PROFILE, until

ROOT = Path(__file__).resolve().parents[1]
WATCH_MS = 20  # how often the desk looks for dialogs shown and saves ended


def say(line: str) -> None:
    print(f"desk: {line}", flush=True)


def values(matrix) -> dict[str, bool]:
    return {f"{cat.value}/{ch.value}": bool(matrix.active((cat, ch))) for cat, ch in matrix.cells()}


# -- the desk (the child process) ----------------------------------------------------------

class Desk:
    """The app's window at this desk, and the commands it takes. A test may drive a window
    of its own process with it too (`say` then keeps the lines where the test wants them)."""

    def __init__(self, window, say: Callable[[str], None] = say) -> None:
        self.window = window
        self.say = say
        self._shown: set[str] = set()  # object names of the dialogs shown now
        self._report = None
        self._cop: str | None = None  # the Traffic Cop's button a burst clicks

    # ---------------------------------------------------------------- watching

    def instrument(self) -> None:
        """Say when each send of this desk ended (whichever way it was made), and when a
        dialog shows or a consent save ends."""
        from PySide6.QtCore import QTimer

        session = self.window.session
        journal, messenger = session.journal.journal, session.messaging
        mark, send = journal.mark_message, messenger.send
        committed: dict[str, float] = {}

        def timed(request_id, state, **kwargs):  # on the journal's worker thread
            record = mark(request_id, state, **kwargs)
            if state == "sent":
                committed[request_id] = time.time()  # the message's outcome is committed now
            return record

        async def told(draft, **kwargs):
            result = await send(draft, **kwargs)
            message, thread = result.message, result.thread
            request_id = message.request_id if message is not None else None
            self.say("sent " + json.dumps({
                "request_id": request_id, "state": str(result.state),
                "thread": thread.id if thread is not None else None,
                "remote": thread.remote_thread_id if thread is not None else None,
                "committed": committed.pop(request_id, None), "at": time.time()}))
            return result

        journal.mark_message = timed
        messenger.send = told  # this session's messenger: the compose area sends through it too
        self._watch = QTimer(self.window)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._look)
        self._watch.start()

    def _look(self) -> None:
        from PySide6.QtWidgets import QAbstractButton

        dialogs = self.dialogs()
        shown = {d.objectName() for d in dialogs}
        for name in sorted(shown - self._shown):
            self.say(f"dialog {name}")
        self._shown = shown
        if self._cop is not None:  # a burst answers the Traffic Cop as it was told to
            for stop in (d for d in dialogs if d.objectName() == "trafficCopDialog"):
                click(stop.findChild(QAbstractButton, self._cop))
        report = self.window.preferences_panel.last_report
        if report is not None and report is not self._report:
            self.say(f"report {report.outcome}")
        self._report = report

    def _stopped(self) -> bool:
        """The Traffic Cop stopped a send of a burst that has no answer for it."""
        if self._cop is None and self.dialog("trafficCopDialog") is not None:
            raise RuntimeError("the Traffic Cop stopped a reply of the burst")
        return False

    def dialog(self, name: str):
        return next((d for d in self.dialogs() if d.objectName() == name), None)

    def dialogs(self) -> list:
        from PySide6.QtWidgets import QApplication, QDialog

        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible() and w.objectName()]

    # ---------------------------------------------------------------- commands

    async def serve(self, commands: asyncio.Queue) -> None:
        while True:
            line = await commands.get()
            try:
                command = json.loads(line)
                name = command.pop("do")
            except (ValueError, KeyError, AttributeError):
                self.say(f"failed {line.strip()!r} not a command")
                continue
            try:
                result = await getattr(self, f"do_{name}")(**command)
            except Exception as exc:  # the test hears of it and goes on
                self.say(f"failed {name} {type(exc).__name__}: {exc}")
            else:
                self.say(f"done {name} {json.dumps(result)}")

    async def do_open(self, customer: int) -> list[dict]:
        window = self.window
        window.open_customer(await window.session.client.customer(customer))
        panel, conversation = window.preferences_panel, window.conversation_panel
        await until(lambda: panel.customer is not None and panel.customer.id == customer
                    and panel.model.matrix is not None and not panel.busy and conversation.read_for == customer,
                    60, "the member's preferences and threads")
        return self.threads()

    async def do_select(self, thread: int | None) -> int:
        from PySide6.QtCore import QModelIndex

        conversation = self.window.conversation_panel
        if thread is None:
            conversation.thread_view.setCurrentIndex(QModelIndex())
            return 0
        known = {m.request_id for m in await self.window.session.journal.messages(thread)}
        await until(lambda: conversation.threads.row_of(thread) >= 0, 30, f"thread {thread} in the thread list")
        conversation.thread_view.setCurrentIndex(conversation.threads.index(conversation.threads.row_of(thread), 0))

        def shown() -> bool:
            messages = conversation.timeline.messages()
            return (all(getattr(m, "thread_id", thread) == thread for m in messages)
                    and known <= {m.request_id for m in messages})

        await until(shown, 30, f"the timeline of thread {thread}")
        return conversation.timeline.rowCount()

    async def do_type(self, subject: str = "", body: str = "") -> dict:
        compose = self.window.conversation_panel.compose
        for widget, text in ((compose.subject, subject), (compose.body, body)):
            if text:
                widget.setFocus()
                type_text(widget, text)
        return self.compose_text()

    async def do_choose(self, direction: str | None = None, channel: str | None = None) -> dict:
        """Pick the compose area's direction and channel (e.g. "INCOMING", "PHONE": a logged call)."""
        compose = self.window.conversation_panel.compose
        for combo, value in ((compose.direction, direction), (compose.channel, channel)):
            if value is not None:
                row = combo.findData(value)
                if row < 0:
                    raise LookupError(f"{combo.objectName()} offers no {value}")
                combo.setCurrentIndex(row)
        return {"direction": compose.direction.currentData(), "channel": compose.channel.currentData()}

    async def do_clear(self) -> dict:
        from PySide6.QtCore import Qt

        compose = self.window.conversation_panel.compose
        for widget in (compose.subject, compose.body):
            widget.setFocus()
            widget.selectAll()
            press(widget, Qt.Key.Key_Delete)
        return self.compose_text()

    async def do_send(self) -> bool:
        return click(self.window.conversation_panel.compose.send_button)

    async def do_new_thread(self) -> bool:
        return click(self.window.conversation_panel.compose.new_thread_button)

    async def do_answer(self, dialog: str, button: str, timeout: float = 20.0) -> str:
        from PySide6.QtWidgets import QAbstractButton

        await until(lambda: any(d.objectName() == dialog for d in self.dialogs()), timeout, f"the dialog {dialog}")
        [shown] = [d for d in self.dialogs() if d.objectName() == dialog]
        target = shown.findChild(QAbstractButton, button)
        if target is None:
            names = sorted(b.objectName() for b in shown.findChildren(QAbstractButton) if b.objectName())
            raise LookupError(f"{dialog} has no button {button} (it has {names})")
        click(target)
        return button

    async def do_toggle(self, cell: list[str]) -> bool:
        from PySide6.QtCore import Qt

        from studio_comm.api.models import Channel, MessageCategory

        view = self.window.preferences_panel.matrix_view
        index = view.model().index_of(MessageCategory(cell[0]), Channel(cell[1]))
        view.setFocus()
        view.setCurrentIndex(index)
        press(view, Qt.Key.Key_Space)
        return index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked

    async def do_save(self) -> bool:
        return click(self.window.preferences_panel.save_button)

    async def do_burst(self, count: int, thread: int | None = None, via: str = "messaging",
                       subject: str = "Desk burst", text: str = "", cop: str | None = None) -> dict:
        if via == "compose":
            return await self._burst_compose(count, text, cop)
        from studio_comm.api.models import Channel, Direction, MessageCategory
        from studio_comm.core.messaging import Draft
        from studio_comm.ui.events import events

        session = self.window.session
        customer = self.window.customer
        if customer is None:
            raise RuntimeError("open a member first")
        record = await session.journal.thread(thread) if thread is not None else None
        sent = []
        for i in range(count):
            draft = Draft(customer.id, record, Direction.INCOMING, Channel.PHONE, MessageCategory.GENERAL,
                          subject, f"{text or session.workstation} {i + 1}")
            result = await session.messaging.send(draft)
            events().messagesChanged.emit(customer.id)  # as the compose area says of its sends
            record = record or result.thread
            sent.append(result.message.request_id)
        return {"sent": sent, "thread": record.id if record is not None else None}

    async def _burst_compose(self, count: int, text: str, cop: str | None) -> dict:
        """Type and send `count` replies into the selected thread; when the Traffic Cop stops
        one, click its button `cop` (without one, that is a failure)."""
        compose = self.window.conversation_panel.compose
        selected = self.window.conversation_panel.selected_thread()
        if selected is None:
            raise RuntimeError("select a thread first: a burst through the compose area follows it up")
        sent: list[str] = []
        told = self.say

        def tell(line: str) -> None:
            if line.startswith("sent "):
                sent.append(json.loads(line.removeprefix("sent "))["request_id"])
            told(line)

        self.say, self._cop = tell, cop
        try:
            for i in range(count):
                type_text(compose.body, f"{text or self.window.session.workstation} {i + 1}")
                await until(compose.send_button.isEnabled, 30, "Send enabled")
                click(compose.send_button)
                await until(lambda n=i + 1: self._stopped() or len(sent) >= n and not compose.has_text(), 60,
                            "the send")
        finally:
            self.say, self._cop = told, None
        return {"sent": sent, "thread": selected.id}

    async def do_wait_timeline(self, ids: list[str], timeout: float = 60.0) -> dict:
        """Until the timeline shows exactly these messages, in this order, all sent."""
        timeline = self.window.conversation_panel.timeline

        def there() -> bool:
            messages = timeline.messages()
            return [m.request_id for m in messages] == ids and all(m.state == "sent" for m in messages)

        try:
            await until(there, timeout, "the timeline")
        except TimeoutError:
            shown = [m.request_id for m in timeline.messages()]
            missing, extra = set(ids) - set(shown), set(shown) - set(ids)
            raise TimeoutError(f"the timeline shows {len(shown)} messages ({len(set(shown))} different), "
                               f"{len(missing)} missing, {len(extra)} not wanted") from None
        return self.state()

    async def do_reset(self) -> dict:
        """Back to a desk with nothing pending: dialogs closed unanswered, unsaved consent edits
        reverted, the compose area empty (what a test before may have left)."""
        for shown in self.dialogs():
            shown.reject()
        await until(lambda: not self.dialogs(), 10, "the dialogs closed")
        panel = self.window.preferences_panel
        await until(lambda: not panel.busy, 30, "the preferences idle")
        panel.revert()
        await self.do_clear()
        return self.state()

    async def do_state(self) -> dict:
        return self.state()

    # ---------------------------------------------------------------- what it shows

    def threads(self) -> list[dict]:
        model = self.window.conversation_panel.threads
        return [{"id": t.id, "remote": t.remote_thread_id, "subject": t.subject, "status": t.status}
                for t in map(model.thread, range(model.rowCount()))]

    def compose_text(self) -> dict:
        subject, body = self.window.conversation_panel.compose.text()
        return {"subject": subject, "body": body}

    def state(self) -> dict:
        """The member, threads, selected thread, its timeline (request ids, states), presence,
        who writes where, the dialogs shown, the compose text and the matrix."""
        from studio_comm.ui.models.thread_list_model import ThreadListModel

        window = self.window
        conversation, panel = window.conversation_panel, window.preferences_panel
        threads = conversation.threads
        writing = {}
        for row in range(threads.rowCount()):
            if (text := threads.data(threads.index(row, 0), ThreadListModel.WritingRole)) is not None:
                writing[str(threads.thread(row).id)] = text
        label = panel.header.presence_label
        selected = conversation.selected_thread()
        messages = conversation.timeline.messages()
        return {
            "customer": window.customer.id if window.customer is not None else None,
            "threads": self.threads(),
            "selected": selected.id if selected is not None else None,
            "timeline": [m.request_id for m in messages],
            "states": [str(m.state) for m in messages],
            "presence": label.text() if label.isVisible() else "",
            "writing": writing,
            "dialogs": sorted(d.objectName() for d in self.dialogs()),
            "traffic_cop": any(d.objectName() == "trafficCopDialog" for d in self.dialogs()),
            "compose": self.compose_text(),
            "matrix": values(panel.editor.matrix) if panel.editor is not None and panel.editor.matrix else None,
            "dirty": panel.is_dirty,
        }


def type_text(widget, text: str) -> None:
    """Key by key, as tests/fixtures/app.type_text does (Enter for a line break)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char == "\n":
            press(widget, Qt.Key.Key_Return)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def press(widget, key) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, key, Qt.KeyboardModifier.NoModifier)


def click(button) -> bool:
    """Click `button` as the user does (a disabled one cannot be: that raises)."""
    if not button.isEnabled():
        raise RuntimeError(f"{button.objectName()} is disabled")
    button.click()
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.live_desk")
    for name in ("--base-url", "--journal", "--data-dir", "--workstation"):
        parser.add_argument(name, required=True)
    parser.add_argument("--customer", type=int)
    parser.add_argument("--staff", default="Second desk")
    parser.add_argument("--heartbeat", type=float, help="presence heartbeat, seconds")
    parser.add_argument("--expiry", type=float, help="presence expiry, seconds")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from studio_comm.core import presence

    presence.HEARTBEAT_S = args.heartbeat or presence.HEARTBEAT_S
    presence.EXPIRY_S = args.expiry or presence.EXPIRY_S

    from studio_comm.app import event_loop, launch, shutdown
    from studio_comm.ui.events import events

    loop = event_loop()

    async def run() -> None:
        window = launch(["--profile", PROFILE, "--base-url", args.base_url, "--journal", args.journal,
                         "--data-dir", args.data_dir, "--workstation", args.workstation, "--staff", args.staff])
        window.resize(1280, 800)
        closed = asyncio.Event()
        commands: asyncio.Queue[str] = asyncio.Queue()

        def close() -> None:
            window.close_discarding()
            closed.set()

        def read() -> None:
            for line in sys.stdin:
                if line.strip():
                    loop.call_soon_threadsafe(commands.put_nowait, line)
            loop.call_soon_threadsafe(close)

        threading.Thread(target=read, daemon=True).start()
        signal.signal(signal.SIGTERM, lambda *_: loop.call_soon_threadsafe(close))
        live = window.services.live
        live.stateChanged.connect(lambda state: say(state) if state in ("live", "reconnecting") else None)
        live.eventSettled.connect(lambda event, outcome: say(f"settled {event.seq} {outcome}"))
        panel = window.preferences_panel
        desk = Desk(window)

        def shown(customer_id: int) -> None:
            if panel.editor is not None and panel.editor.matrix is not None and customer_id == args.customer:
                say(f"matrix {json.dumps(values(panel.editor.matrix), sort_keys=True)}")

        server = None
        try:
            await until(lambda: window.session is not None, 120, "the desk to connect")
            desk.instrument()
            if args.customer is not None:
                await desk.do_open(args.customer)
                events().preferencesChanged.connect(shown)
                say(f"open {args.customer}")
            server = asyncio.ensure_future(desk.serve(commands))
            await closed.wait()
        finally:
            if server is not None:
                server.cancel()
            window.close_discarding()
            await shutdown(window)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return 0


# -- the parent's side -------------------------------------------------------------------

class DeskEnded(RuntimeError):
    """The desk process ended before it said what was waited for."""


class DeskCommandFailed(RuntimeError):
    """The desk could not carry out a command."""


class DeskProcess:
    """`python -m tests.live_desk` as a child process: commands in, its lines kept.

    `said(prefix)` takes the first line `desk: PREFIX...` not taken yet (without "desk: "),
    or None: the caller waits in its own loop (qtbot.waitUntil, or the benchmarks' `until`)."""

    def __init__(self, *, base_url: str, journal: str, api_key: str, data_dir: Path, workstation: str,
                 customer: int | None = None, staff: str | None = None, heartbeat: float | None = None,
                 expiry: float | None = None) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STUDIO_COMM_BENCH_KEY=api_key,
                   PYTHON_KEYRING_BACKEND="tests.benchmarks.support.BenchKeyring")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
        cmd = [sys.executable, "-m", "tests.live_desk", "--base-url", base_url, "--journal", journal,
               "--data-dir", str(data_dir), "--workstation", workstation]
        for option, value in (("--customer", customer), ("--staff", staff), ("--heartbeat", heartbeat),
                              ("--expiry", expiry)):
            if value is not None:
                cmd += [option, str(value)]
        self.workstation = workstation
        self.staff = staff or "Second desk"
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        self.heard: list[str] = []  # every line, as it came
        # The lines not taken yet, by their first word after "desk: " (a burst says "sent" a
        # thousand times: a wait for "done burst" must not read through all of them).
        self._waiting: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self._stderr.extend(self.process.stderr), daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            line = line.rstrip("\n")
            word = line.removeprefix("desk: ").split(" ", 1)[0]
            with self._lock:
                self.heard.append(line)
                self._waiting.setdefault(word, []).append(line)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def said(self, prefix: str) -> str | None:
        """The first line `desk: PREFIX...` not taken yet, taken; None if there is none (yet).
        Raises DeskEnded when the desk has ended without saying it."""
        with self._lock:
            lines = self._waiting.get(prefix.split(" ", 1)[0], [])
            for i, line in enumerate(lines):
                if line.startswith(f"desk: {prefix}"):
                    return lines.pop(i).removeprefix("desk: ")
        if not self.alive:
            raise DeskEnded(f"{self.workstation} ended (status {self.process.returncode}) before saying "
                            f"{prefix!r}: {self.heard[-20:]}; stderr: {self.errors()}")
        return None

    def command(self, do: str, **args: Any) -> None:
        self.process.stdin.write(json.dumps({"do": do, **args}) + "\n")
        self.process.stdin.flush()

    def answer(self, do: str) -> tuple[Any] | None:
        """None until the command `do` is answered, then (its result,); a failure raises."""
        if (failed := self.said(f"failed {do} ")) is not None:
            raise DeskCommandFailed(f"{self.workstation}: {failed}; stderr: {self.errors()}")
        line = self.said(f"done {do} ")
        return None if line is None else (json.loads(line.split(" ", 2)[2]),)

    # With pytest-qt: these wait in qtbot.waitUntil, so the test's own loop keeps running.

    def wait(self, qtbot, prefix: str, timeout_ms: int = 60_000) -> str:
        """The first line `desk: PREFIX...` not waited for yet (without "desk: ")."""
        found: list[str] = []

        def said() -> bool:
            line = self.said(prefix)
            if line is not None:
                found.append(line)
            return line is not None

        self._wait(qtbot, said, timeout_ms, repr(prefix))
        return found[0]

    def do(self, qtbot, do: str, timeout_ms: int = 60_000, **args: Any) -> Any:
        """Carry out a command and wait for its answer: its result."""
        self.command(do, **args)
        found: list[tuple[Any]] = []

        def answered() -> bool:
            if (result := self.answer(do)) is not None:
                found.append(result)
            return bool(found)

        self._wait(qtbot, answered, timeout_ms, f"the answer to {do}")
        return found[0][0]

    def _wait(self, qtbot, condition: Callable[[], bool], timeout_ms: int, what: str) -> None:
        try:
            qtbot.waitUntil(condition, timeout=timeout_ms)
        except qtbot.TimeoutError:
            raise AssertionError(f"{self.workstation} said no {what} within {timeout_ms} ms: {self.heard[-20:]}; "
                                 f"stderr: {self.errors()}") from None

    # On an asyncio loop (the benchmarks' qasync loop): the same, awaited.

    async def wait_async(self, prefix: str, timeout_s: float = 60.0) -> str:
        found: list[str] = []

        def said() -> bool:
            line = self.said(prefix)
            if line is not None:
                found.append(line)
            return line is not None

        await until(said, timeout_s, f"{self.workstation} to say {prefix!r}")
        return found[0]

    async def do_async(self, do: str, timeout_s: float = 60.0, **args: Any) -> Any:
        self.command(do, **args)
        found: list[tuple[Any]] = []

        def answered() -> bool:
            if (result := self.answer(do)) is not None:
                found.append(result)
            return bool(found)

        await until(answered, timeout_s, f"{self.workstation}'s answer to {do}")
        return found[0][0]

    @staticmethod
    def sent(line: str) -> dict:
        """The JSON of a `sent JSON` line."""
        return json.loads(line.removeprefix("sent "))

    def errors(self) -> str:
        return "".join(self._stderr)[-3000:] or "(none)"

    def close(self, timeout: float = 60.0) -> int:
        """Close its standard input (the app shuts down), wait; killed if it does not end."""
        if self.alive:
            self.process.stdin.close()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._close_pipes()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL: the desk crashes, leaving whatever it had in the journal."""
        if self.alive:
            self.process.kill()
        self.process.wait(10)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin,):
            if not pipe.closed:
                try:
                    pipe.close()
                except BrokenPipeError:
                    pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
