"""The GUI's composition root: QApplication + qasync loop + services + MainWindow.

`studio-comm [--demo] [--profile NAME] [--base-url URL] [--data-dir DIR] [--journal URL]
[--staff NAME] [--workstation NAME]` (parsed by studio_comm.cli). The data dir
(platformdirs' user data dir unless given) holds the journal (journal.sqlite), the rotating
log (logs/) and the settings (settings.ini). The API key of a profile comes from the OS
keyring (never from a file or an argument); `--demo` runs the bundled sandbox on a free
loopback port and needs no keyring. Its webhooks go to a `studio-comm relay` on loopback
(the same code path as a studio's relay) that writes them into the demo's journal, and a
demo-only menu item changes the open member's consent as the member app would.

Once connected, the desk listens to the studio's event feed (ui.live.LiveUpdates, started
and stopped with the session, stopped before the journal closes); the status bar shows
whether it is live.

The window needs only Qt and ui/; the Qt-free stack behind it (client, use cases, journal,
the demo sandbox) is imported on a worker thread once the window is shown, so it neither
delays the window nor freezes it.

`event_loop()` is the one way to get a QApplication with a qasync loop (for main(),
scripts and benchmarks). `launch(argv)` is for tests and scripts: it uses the running
QApplication and asyncio loop and returns the shown window without entering the event
loop. `main(options)` owns the loop and shuts everything down (sandbox, client, journal)
after the last window closes.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import importlib
import itertools
import logging
import logging.handlers
import os
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from studio_comm import __version__
from studio_comm.cli import parse_gui_args
from studio_comm.ui import i18n
from studio_comm.ui.icons import icon, stylesheet
from studio_comm.ui.live import LiveUpdates
from studio_comm.ui.main_window import MainWindow
from studio_comm.ui.profiles import ProfileStore

if TYPE_CHECKING:  # the stack behind the window is imported after it shows
    from studio_comm.api.client import MagiclineClient
    from studio_comm.api.models import StudioInformation
    from studio_comm.core.session import StudioSession
    from studio_comm.journal import AsyncJournal, Journal
    from studio_comm.relay.server import RelayProcess
    from studio_comm.sandbox.server import SandboxProcess

log = logging.getLogger(__name__)

APP_NAME = "studio-comm"
DEMO_PROFILE = "Demo studio"
GC_INTERVAL_MS = 100
FULL_GC_TICKS = 600  # one full collection a minute
FREEZE_GC_TICK = 10  # the window has shown: the imports (most of the heap) are done
# The Qt-free modules behind the window, imported on a worker thread once it shows.
JOURNAL = ("studio_comm.journal.store", "studio_comm.journal.async_journal")
STACK = ("studio_comm.api.client", "studio_comm.core.session", *JOURNAL)


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


async def imported(*modules: str) -> None:
    """Import `modules` on a worker thread, so the UI thread keeps painting and answering.

    Also when they seem loaded: a module another thread is still importing is in
    sys.modules already, and importing it on the UI thread would wait for that one."""
    await asyncio.to_thread(lambda: [importlib.import_module(name) for name in modules])


def ui_language() -> str:
    """Accept-Language of API requests: the server's messages in the UI's language."""
    return i18n.current_language()


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_PRIVATE = os.name != "nt"  # Windows: the user's profile folders are private already


def private_data_dir(data_dir: Path) -> None:
    """Create the data dir for this user's eyes only and tighten one an older version left
    readable to every local user: it holds member messages (journal), names (logs) and the
    studios' addresses (settings). Only what studio-comm keeps there is touched."""
    data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if not _PRIVATE:
        return
    data_dir.chmod(PRIVATE_DIR)
    logs = data_dir / "logs"
    if logs.is_dir():
        logs.chmod(PRIVATE_DIR)
    for path in [*data_dir.glob("journal.sqlite*"), data_dir / "settings.ini", *logs.glob("studio-comm.log*")]:
        if path.is_file():
            path.chmod(PRIVATE_FILE)
    # Qt keeps an existing file's permissions when it rewrites the settings.
    (data_dir / "settings.ini").touch(mode=PRIVATE_FILE)


class _PrivateLogHandler(logging.handlers.RotatingFileHandler):
    """The rotating log, created readable by this user only (also after each rotation)."""

    def _open(self):
        stream = super()._open()
        if _PRIVATE:
            os.chmod(self.baseFilename, PRIVATE_FILE)
        return stream


class _LogFile:
    """The rotating file log of the current data dir (one per process, replaced per run)."""

    handler: logging.Handler | None = None

    @classmethod
    def open(cls, data_dir: Path) -> None:
        cls.close()
        logs = data_dir / "logs"
        logs.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        handler = _PrivateLogHandler(
            logs / "studio-comm.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        # httpx logs every request line at INFO; URLs carry customer ids, not keys, but
        # they are noise at this level.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        cls.handler = handler

    @classmethod
    def close(cls) -> None:
        if cls.handler is not None:
            logging.getLogger().removeHandler(cls.handler)
            cls.handler.close()
            cls.handler = None


class AppServices:
    """What a run owns: settings, profiles, keys, the journal, the demo sandbox and the
    current studio's client and session. The window asks it to connect; `aclose` ends all."""

    def __init__(self, options: argparse.Namespace, data_dir: Path, settings: QSettings):
        self.options = options
        self.data_dir = data_dir
        self.settings = settings
        self.profiles = ProfileStore(settings)
        self.workstation = options.workstation or socket.gethostname()
        self.journal: AsyncJournal | None = None
        self._journal: Journal | None = None
        self.sandbox: SandboxProcess | None = None
        self.relay: RelayProcess | None = None  # the demo's webhook receiver
        self._relay_keys: Path | None = None
        self.live: LiveUpdates | None = None  # set by launch(): the desk's live updates
        self.client: MagiclineClient | None = None
        self.session: StudioSession | None = None
        self.studio: StudioInformation | None = None
        self.profile_name: str | None = None
        self.on_wait: Callable[[str, float], None] | None = None  # set by launch(): the rate-limit display
        self.on_activity: Callable[[int], None] | None = None  # set by launch(): requests under way
        self._under_way: dict[object, int] = {}  # per client: an old one may still finish some
        self._closed = False

    @functools.cached_property
    def credentials(self):
        # Imported on first use: keyring's backend discovery costs about 0.15 s, which
        # need not delay the window.
        from studio_comm.core.credentials import default_store

        return default_store()

    async def open_journal(self):
        if self.journal is None:
            await imported(*JOURNAL)
            from studio_comm.journal import AsyncJournal, Journal

            target = self.options.journal or (self.data_dir / "journal.sqlite")
            self._journal = await asyncio.to_thread(Journal.open, target)
            self.journal = AsyncJournal(self._journal)
        return self.journal

    async def start_demo(self) -> tuple[str, str]:
        """Start the relay and the sandbox child processes, the sandbox's webhooks going to
        the relay; returns the sandbox's base URL and key."""
        await imported("studio_comm.sandbox.server", "studio_comm.relay.server")
        from studio_comm.sandbox.server import SandboxConfig, SandboxProcess

        if self.sandbox is None:
            try:
                webhook_url, webhook_key = await self._start_relay()
            except (RuntimeError, OSError) as exc:  # the demo still runs, without live updates
                log.warning("the demo's webhook relay did not start: %s", exc)
                webhook_url = webhook_key = None
            sandbox = SandboxProcess(SandboxConfig(api_key=secrets.token_urlsafe(24), webhook_url=webhook_url,
                                                   webhook_key=webhook_key))
            await asyncio.to_thread(sandbox.start)
            self.sandbox = sandbox
            # Session-only: the demo key must not land in the OS keyring.
            await self.credentials.aset(DEMO_PROFILE, sandbox.api_key, session_only=True)
        return self.sandbox.base_url, self.sandbox.api_key

    async def _start_relay(self) -> tuple[str | None, str | None]:
        """`studio-comm relay` on loopback, writing into this run's journal; (its webhook
        URL for the demo studio, the webhook key). The key file lives in a private
        temporary folder until the run ends."""
        import tempfile

        from studio_comm.relay.server import RelayProcess
        from studio_comm.sandbox.demo_data import STUDIO_ID

        key = secrets.token_urlsafe(24)
        folder = Path(tempfile.mkdtemp(prefix="studio-comm-relay-"))  # 0700
        keys = folder / "relay-keys"
        keys.touch(mode=PRIVATE_FILE)
        keys.write_text(f"{STUDIO_ID} {key}\n", encoding="utf-8")
        self._relay_keys = folder
        target = self.options.journal or (self.data_dir / "journal.sqlite")
        relay = RelayProcess(target, keys, log_path=self.data_dir / "logs" / "relay.log")
        await asyncio.to_thread(relay.start)
        self.relay = relay
        return f"{relay.url}/webhooks/{STUDIO_ID}", key

    async def simulate_member_change(self, customer_id: int) -> None:
        """The demo: the member switches a channel over in the member app (the sandbox's
        admin, as the member). Its webhook then comes through the relay like any other."""
        if self.sandbox is None or self.sandbox.admin is None or self.client is None:
            raise RuntimeError("Only the demo studio can simulate the member app.")
        preferences = [p.to_wire() for p in await self.client.get_preferences(customer_id)]
        settings = [c for p in preferences for c in p["channels"] if c.get("customerOverridable") is not False]
        if not settings:
            raise RuntimeError("This member has no channel they may change themselves.")
        # The newsletter first: what members switch off most.
        newsletter = [c for p in preferences if p["messageCategory"] == "NEWSLETTER" for c in p["channels"]
                      if c.get("customerOverridable") is not False]
        chosen = (newsletter or settings)[0]
        chosen["active"] = not chosen.get("active")
        await asyncio.to_thread(self.sandbox.admin.set_preferences, customer_id, preferences, "member")

    async def connect(self, profile_name: str, base_url: str, api_key: str | None = None):
        """Connect to a studio; on success it replaces the current one. -> (session, studio)"""
        await imported(*STACK)
        from studio_comm.api.client import MagiclineClient
        from studio_comm.core.credentials import MissingKeyError
        from studio_comm.core.session import StudioSession

        if api_key is None:
            api_key = await self.credentials.aget(profile_name)
            if not api_key:
                raise MissingKeyError(profile_name)
        journal = await self.open_journal()
        client = MagiclineClient(base_url, api_key, language=ui_language(), on_wait=self._on_wait,
                                 on_activity=functools.partial(self._on_activity, object()))
        # The window sets the session's staff member from the status bar once connected.
        session = StudioSession(client, journal, profile_name=profile_name, workstation=self.workstation)
        try:
            studio = await session.connect()
            if profile_name == DEMO_PROFILE:
                from studio_comm.core.sample_replies import SAMPLE_REPLIES

                await session.saved_replies.add_samples(SAMPLE_REPLIES)  # a new demo studio starts with some
        except BaseException:
            await client.aclose()
            raise
        previous = self.client
        self.client, self.session, self.studio, self.profile_name = client, session, studio, profile_name
        if profile_name != DEMO_PROFILE:
            self.profiles.last_used = profile_name
        if previous is not None:
            await previous.aclose()
        return session, studio

    def _on_wait(self, endpoint: str, seconds: float) -> None:
        if self.on_wait is not None:
            self.on_wait(endpoint, seconds)

    def _on_activity(self, client_token: object, count: int) -> None:
        if count:
            self._under_way[client_token] = count
        else:
            self._under_way.pop(client_token, None)
        if self.on_activity is not None:
            self.on_activity(sum(self._under_way.values()))

    async def aclose(self) -> None:
        """Close the client, the journal and the sandbox; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        # Each step on its own: a failing one must not leave the demo sandbox running.
        steps: list[tuple[str, Awaitable[object]]] = []
        if self.live is not None:  # before the journal it reads
            steps.append(("live updates", self.live.aclose()))
        if self.client is not None:
            steps.append(("client", self.client.aclose()))
        if self._journal is not None:
            steps.append(("journal", asyncio.to_thread(self._journal.close)))
        if self.sandbox is not None:
            steps.append(("sandbox", asyncio.to_thread(self.sandbox.stop)))
        if self.relay is not None:
            steps.append(("relay", asyncio.to_thread(self.relay.stop)))
        if self._relay_keys is not None:
            import shutil

            steps.append(("relay keys", asyncio.to_thread(shutil.rmtree, self._relay_keys, True)))
        for what, step in steps:
            try:
                await step
            except Exception:
                log.exception("closing the %s failed", what)
        self.settings.sync()
        _LogFile.close()


async def _start(window: MainWindow, services: AppServices) -> None:
    """Connect the way the arguments and settings say; ask when nothing says how."""
    await imported(*STACK)  # whichever way follows needs it, the connection dialog too
    options = services.options
    if options.journal:
        from studio_comm.journal.store import url_has_password

        if url_has_password(options.journal):  # the journal logs it too, without the password
            window.tasks.report(QCoreApplication.translate(
                "app", "The shared journal's password is part of the --journal address, where every user of "
                "this computer can see it. Keep it in a .pgpass file instead (see the README)."))
    if options.demo:
        base_url, key = await services.start_demo()
        _demo_menu(window, services)
        window.connect_profile(DEMO_PROFILE, base_url, key)
        return
    name = options.profile or services.profiles.last_used
    if name is None:
        window.open_connection_dialog()
        return
    profile = services.profiles.get(name)
    given: str | None = options.base_url or (profile.base_url if profile else None)
    if not given:
        window.open_connection_dialog(name)
        return
    from studio_comm.core.connection import BaseUrlError, normalize_base_url

    try:
        base_url = normalize_base_url(given)
    except BaseUrlError as exc:
        from studio_comm.ui.connection_dialog import ConnectionDialog

        # Checked before anything is stored: a refused address may hold a password.
        log.warning("the address of studio profile %s was refused: %s", name, exc)
        window.open_connection_dialog(name, problem=ConnectionDialog.describe_address_problem(exc))
        return
    if profile is None or profile.base_url != base_url:
        services.profiles.add(name, base_url)
    window.connect_profile(name, base_url)


def _demo_menu(window: MainWindow, services: AppServices) -> None:
    """The demo's own menu: "Simulate a change in the member app" for the open member."""
    translate = QCoreApplication.translate
    menu = window.menuBar().addMenu(translate("app", "&Demo"))
    menu.setObjectName("demoMenu")
    action = menu.addAction(translate("app", "&Simulate a change in the member app"))
    action.setObjectName("simulateMemberChangeAction")
    action.setToolTip(translate("app", "The open member switches a channel over in the member app; "
                                       "Magicline's webhook then updates this window."))

    def simulate() -> None:
        customer = window.customer
        if customer is None:
            window.tasks.report(translate("app", "Open a member first: the change is made to the open member."))
            return
        window.tasks.run(services.simulate_member_change(customer.id))

    action.triggered.connect(simulate)


def _install_gc_timer(parent) -> QTimer:
    # Python's cyclic GC runs in whichever thread allocates; freeing a QObject from a
    # worker thread crashes Qt. So automatic collection is off and this timer runs it on
    # the main thread instead, generation by generation as Python would: young
    # generations are cheap and collected when their thresholds say so; a full
    # collection walks every live object (about 0.1 s with 10,000 rows loaded), so it
    # runs only once every FULL_GC_TICKS. What exists a second after launch (modules,
    # classes, the window: about 140,000 objects) lives as long as the app, so it is
    # frozen out of every later full collection, which then walks only what came since.
    gc.disable()
    ticks = itertools.count(1)

    def collect() -> None:
        tick = next(ticks)
        if tick == FREEZE_GC_TICK:
            gc.collect()
            gc.freeze()
            return
        if tick % FULL_GC_TICKS == 0:
            gc.collect()
            return
        young, middle, _ = gc.get_count()
        young_limit, middle_limit, _ = gc.get_threshold()
        if middle >= middle_limit:
            gc.collect(1)
        elif young >= young_limit:
            gc.collect(0)

    timer = QTimer(parent)
    timer.setObjectName("gcTimer")
    timer.setInterval(GC_INTERVAL_MS)
    timer.timeout.connect(collect)
    timer.start()
    return timer


def _application(qt_args: Sequence[str] = ()) -> QApplication:
    """The running QApplication, else a new one given Qt's own options `qt_args`."""
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([APP_NAME, *qt_args])


def event_loop(qt_args: Sequence[str] = ()) -> asyncio.AbstractEventLoop:
    """A qasync loop on the QApplication (the running one, else a new one given Qt's own
    options `qt_args`), set as this thread's asyncio event loop.

    The application does not quit when its last window closes: whoever runs the loop ends
    it, after the shutdown that needs the loop (client, journal, sandbox)."""
    import qasync

    app = _application(qt_args)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop


def launch(argv: Sequence[str]) -> MainWindow:
    """Build and show the main window on the running QApplication and asyncio loop."""
    return _launch(parse_gui_args(argv))


def _launch(options: argparse.Namespace) -> MainWindow:
    app = _application(options.qt_args)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("studio-comm"))
    if not app.styleSheet():
        app.setStyleSheet(stylesheet())

    data_dir = (options.data_dir or default_data_dir()).expanduser()
    private_data_dir(data_dir)
    _LogFile.open(data_dir)
    log.info("studio-comm %s starting (data dir %s)", __version__, data_dir)
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    i18n.install(settings)  # before any widget exists: widgets translate when built

    services = AppServices(options, data_dir, settings)
    window = MainWindow(services, settings)
    services.on_wait = window.rateLimitWait.emit
    services.on_activity = window.status.set_pending
    live = services.live = LiveUpdates(window.tasks, window)
    live.stateChanged.connect(window.status.set_live)
    window.sessionChanged.connect(live.set_session)
    if options.staff:
        window.status.set_staff(options.staff)
    _install_gc_timer(window)
    window.show()
    window.tasks.run(_start(window, services))
    return window


async def shutdown(window: MainWindow) -> None:
    """Stop the window's work and close the services (after the window has closed)."""
    window.tasks.cancel_all()
    await window.tasks.wait_idle()
    try:
        await window.desks.aclose()  # the other desks see this one leave at once
    except Exception:
        log.exception("withdrawing this desk's presence failed")
    await window.services.aclose()


def main(options: argparse.Namespace) -> int:
    """Run the GUI until its window is closed (options from studio_comm.cli)."""
    loop = event_loop(options.qt_args)
    app = _application()

    async def run() -> None:
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        window = _launch(options)
        # Ctrl+C in a terminal, or a session logout: close properly so the demo sandbox
        # and the journal are shut down. (Python runs the handler at the next timer tick.)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: window.close_discarding())
        from studio_comm.ui import smoke  # STUDIO_COMM_SMOKE=1: packaging's end-to-end check

        smoke.watch_if_requested(window)
        await closed.wait()
        await shutdown(window)

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return 0
