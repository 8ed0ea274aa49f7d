"""The main window: search on the left, the open member's preferences and conversation on
the right, an error banner on top, the studio and the desk's staff member in the status bar.

The window knows nothing of how a studio connection is built: `services` (made by
studio_comm.app) connects a profile and hands back a core `StudioSession`. Long work runs
on the qasync loop through the window's `TaskRunner`, which the panels get from their
constructors; its failures (and whatever a panel reports to it) land in the error banner,
which opening another member clears (an error about one member must not stand over the next).

Closing keeps what the user typed: unsent text is a draft in the journal, shown again when
the member is opened next time, so the window closes without a question once the drafts
(and any sent message the journal has not recorded yet) are written. Only what could not
be written is asked about.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from studio_comm import __version__
from studio_comm.api import errors
from studio_comm.core.credentials import MissingKeyError
from studio_comm.ui.conversation_panel import ConversationPanel
from studio_comm.ui.desks import DeskPresence
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.i18n import LanguageMenu
from studio_comm.ui.icons import icon
from studio_comm.ui.preferences_panel import PreferencesPanel
from studio_comm.ui.saved_replies import install_saved_replies
from studio_comm.ui.search_panel import SearchPanel
from studio_comm.ui.shortcuts import ShortcutsDialog, describe
from studio_comm.ui.status_bar import StatusBar
from studio_comm.ui.tasks import TaskRunner, ask

if TYPE_CHECKING:  # the window is built before the API models are imported
    from studio_comm.api.models import Customer, Employee, StudioInformation
    from studio_comm.app import AppServices
    from studio_comm.core.session import StudioSession
    from studio_comm.journal.records import PresenceRecord
    from studio_comm.ui.connection_dialog import ConnectionDialog

log = logging.getLogger(__name__)

KEEP_TIMEOUT_S = 10.0  # how long closing waits for the journal to take what is not written yet


class MainWindow(QMainWindow):
    rateLimitWait = Signal(str, float)  # endpoint, seconds; safe to emit from any thread
    sessionChanged = Signal(object)  # the new StudioSession or None
    customerShown = Signal(object)  # the member now open (a Customer), or None

    def __init__(self, services: AppServices, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName(self.tr("studio-comm main window"))
        self.setWindowTitle("studio-comm")
        self.setWindowIcon(icon("studio-comm"))
        self.services = services
        self.settings = settings
        self.session: StudioSession | None = None
        self.studio: StudioInformation | None = None  # of the connected studio
        self.profile_name: str | None = None
        self.connection_dialog: ConnectionDialog | None = None
        self._close_confirmed = False
        self._kept = False  # what closing must write first is written (or the user chose to lose it)
        self._keeping = False

        self.tasks = TaskRunner(self)
        self.error_banner = ErrorBanner(self)
        self.tasks.failed.connect(self.error_banner.show_error)

        self.search_panel = SearchPanel(self.tasks, self)
        self.search_panel.customerOpened.connect(self.open_customer)
        self.preferences_panel = PreferencesPanel(self.tasks, self)
        self.conversation_panel = ConversationPanel(self.tasks, self)
        self.desks = DeskPresence(self.tasks, self.conversation_panel, self)  # the other desks of the studio
        self.desks.othersChanged.connect(self._others_at_member)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(self.preferences_panel)
        self.right_splitter.addWidget(self.conversation_panel)
        # The matrix keeps the height its rows need (its minimum, set once they are read);
        # the conversation takes whatever else the window has.
        self.right_splitter.setStretchFactor(0, 0)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.search_panel)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.rateLimitWait.connect(self.status.rate_limit_wait)
        self.status.staffChanged.connect(self._staff_changed)
        self.status.set_staff(str(settings.value("staff", "") or ""))

        self._build_menus()
        self.saved_replies = install_saved_replies(self)  # the compose area's saved replies, the Edit menu
        self._describe_panel_shortcuts()
        self._restore_layout()
        self.set_session(None)

    # -- menus -----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.connect_action = file_menu.addAction(self.tr("&Connect to studio…"))
        self.connect_action.setObjectName("connectAction")
        self.connect_action.triggered.connect(self.open_connection_dialog)
        self.profiles_menu = file_menu.addMenu(self.tr("&Switch studio"))
        self.profiles_menu.setObjectName("profilesMenu")
        self.profiles_menu.aboutToShow.connect(self._fill_profiles_menu)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        find = view_menu.addAction(self.tr("&Find customer"))
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search_panel.focus_search)
        browse = view_menu.addAction(self.tr("&Browse all members"))
        browse.triggered.connect(self.search_panel.browse_all)
        refresh = view_menu.addAction(self.tr("&Refresh preferences"))
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.preferences_panel.request_refresh)
        history = view_menu.addAction(self.tr("Consent &history of this member…"))
        history.setObjectName("consentHistoryAction")
        history.setShortcut(QKeySequence("Ctrl+H"))
        history.triggered.connect(self._open_consent_history)
        view_menu.addSeparator()
        self.banner_action = view_menu.addAction(self.tr("&Dismiss error message"))
        self.banner_action.triggered.connect(self.error_banner.dismiss)
        view_menu.addSeparator()
        self.language_menu = LanguageMenu(self.settings, view_menu)
        view_menu.addMenu(self.language_menu)
        # Actions with shortcuts must live in the window too, or a hidden menu bar disables them.
        self.addActions([quit_action, find, refresh, history])

        manager_menu = self.menuBar().addMenu(self.tr("&Manager"))
        review_action = manager_menu.addAction(self.tr("Consent &review…"))
        review_action.setObjectName("consentReviewAction")
        review_action.triggered.connect(self._open_review_window)
        audit_action = manager_menu.addAction(self.tr("&Audit history…"))
        audit_action.setObjectName("auditHistoryAction")
        audit_action.triggered.connect(self._open_audit_window)
        campaigns_action = manager_menu.addAction(self.tr("&Campaigns…"))
        campaigns_action.setObjectName("campaignsAction")
        campaigns_action.triggered.connect(self._open_campaign_window)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = help_menu.addAction(self.tr("&About studio-comm"))
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        shortcuts = help_menu.addAction(self.tr("&Keyboard shortcuts…"))
        shortcuts.setObjectName("shortcutsAction")
        shortcuts.setShortcut(QKeySequence(Qt.Key.Key_F1))
        shortcuts.triggered.connect(self.show_shortcuts)
        self.addAction(shortcuts)

    def _describe_panel_shortcuts(self) -> None:
        """Name what the conversation panel's keys do, for the shortcuts overview, where the
        panel does not name them itself (`shortcuts.describe`)."""
        what = {"Ctrl+Return": self.tr("Send the message"), "Ctrl+Enter": self.tr("Send the message"),
                "Ctrl+N": self.tr("Start a new thread")}
        for shortcut in self.conversation_panel.findChildren(QShortcut):
            keys = [what.get(key.toString(QKeySequence.SequenceFormat.PortableText)) for key in shortcut.keys()]
            if not shortcut.whatsThis() and (description := next(filter(None, keys), None)):
                describe(shortcut, description)

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard shortcuts (F1): every shortcut the window has now."""
        dialog = getattr(self, "shortcuts_dialog", None)
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.close()
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.show()

    def _open_consent_history(self) -> None:
        from studio_comm.ui.consent_history import open_consent_history  # with core.audit, on first use

        open_consent_history(self)

    def _open_review_window(self) -> None:
        from studio_comm.ui.review_window import open_review_window  # with core.review, on first use

        open_review_window(self)

    def _open_audit_window(self) -> None:
        from studio_comm.ui.audit_window import open_audit_window  # with core.audit, on first use

        open_audit_window(self)

    def _open_campaign_window(self) -> None:
        from studio_comm.ui.campaign_window import open_campaign_window  # with core.campaigns, on first use

        open_campaign_window(self)

    def _fill_profiles_menu(self) -> None:
        self.profiles_menu.clear()
        profiles = self.services.profiles.list() if self.services is not None else []
        group = QActionGroup(self.profiles_menu)
        for profile in profiles:
            action = self.profiles_menu.addAction(profile.name.replace("&", "&&"))  # "Fit & Fun"
            action.setCheckable(True)
            action.setChecked(profile.name == self.profile_name)
            action.setToolTip(profile.base_url)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, name=profile.name: self.switch_profile(name))
        if not profiles:
            empty = self.profiles_menu.addAction(self.tr("No saved studios yet"))
            empty.setEnabled(False)

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("aboutDialog")
        box.setWindowTitle(self.tr("About studio-comm"))
        box.setIconPixmap(icon("studio-comm").pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr(
                "studio-comm {version}\n\nCommunication consent and member conversations "
                "for Magicline studios."
            ).format(version=__version__)
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- connection ------------------------------------------------------------------------
    def set_session(self, session: StudioSession | None, studio: StudioInformation | None = None,
                    profile_name: str | None = None) -> None:
        """Show `session`'s studio (None: not connected); closes the open member."""
        self.session = session
        self.studio = studio
        self.profile_name = profile_name
        if session is not None:
            session.staff = self.status.staff or None
        studio_name = (studio.name if studio is not None else None) or profile_name
        self.status.set_studio(studio_name if session is not None else None, profile_name)
        self.setWindowTitle(f"{studio_name} – studio-comm" if session is not None and studio_name else "studio-comm")
        self.search_panel.set_session(session)
        self.preferences_panel.set_session(session)
        self.conversation_panel.set_session(session)
        self.desks.set_session(session)
        self.sessionChanged.emit(session)
        if session is not None:
            self.tasks.run(session.employees(), on_result=self._employees_loaded, on_error=self._employees_failed)
        # Also before the studio is connected: what is typed meanwhile is searched then.
        # Nothing selected: a name typed while the connection came must not be replaced.
        self.search_panel.focus_search(select=False)

    def _employees_loaded(self, employees: list[Employee]) -> None:
        self.status.set_employees(sorted({e.display_name for e in employees}, key=str.casefold))

    def _employees_failed(self, exc: BaseException) -> None:
        # Not fatal: the staff name can still be typed. The key may lack the employee scope.
        log.info("employee list unavailable: %s", type(exc).__name__)

    def _staff_changed(self, name: str) -> None:
        self.settings.setValue("staff", name)
        if self.session is not None:
            self.session.staff = name or None
            self.desks.staff_changed()

    def connect_profile(self, name: str, base_url: str, api_key: str | None = None) -> None:
        """Connect to a studio profile in the background (key from the keyring if not given)."""
        self.status.set_studio(None)
        self.status.studio_label.setText(self.tr("Connecting to {profile}…").format(profile=name))

        def connected(result: tuple[StudioSession, StudioInformation]) -> None:
            session, studio = result
            self.set_session(session, studio, name)

        def failed(exc: BaseException) -> None:
            # The previous studio (if any) stays connected; only the label changed.
            studio_name = (self.studio.name if self.studio is not None else None) or self.profile_name
            self.status.set_studio(studio_name if self.session is not None else None, self.profile_name)
            if isinstance(exc, MissingKeyError):
                self.open_connection_dialog(name)  # the dialog asks for the key
                return
            self.tasks.report(exc)
            if isinstance(exc, errors.BadKeyError):
                self.open_connection_dialog(name)

        self.tasks.run(self.services.connect(name, base_url, api_key), on_result=connected, on_error=failed)

    def switch_profile(self, name: str) -> None:
        if name == self.profile_name:
            return
        profile = self.services.profiles.get(name)
        if profile is None:
            return
        self._when_no_unsaved_changes(lambda: self.connect_profile(profile.name, profile.base_url))

    def open_connection_dialog(self, profile_name: str | None = None, problem: str | None = None) -> None:
        """Add or edit a studio profile; connect to it once it is saved. `problem`: why it opened."""
        from studio_comm.ui.connection_dialog import ConnectionDialog

        if self.connection_dialog is not None:
            self.connection_dialog.raise_()
            self.connection_dialog.activateWindow()
            return
        dialog = ConnectionDialog(
            self.tasks,
            profiles=self.services.profiles,
            credentials=self.services.credentials,
            parent=self,
            profile_name=profile_name,
            problem=problem,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.connection_dialog = dialog

        def closed(_result: int) -> None:
            self.connection_dialog = None

        def chosen(name: str, base_url: str) -> None:
            self._when_no_unsaved_changes(lambda: self.connect_profile(name, base_url))

        dialog.finished.connect(closed)
        dialog.profileChosen.connect(chosen)
        dialog.open()

    # -- members ---------------------------------------------------------------------------
    def open_customer(self, customer: Customer) -> None:
        if self.preferences_panel.customer is not None and customer.id == self.preferences_panel.customer.id:
            self.preferences_panel.matrix_view.setFocus()
            return
        self._when_no_unsaved_changes(lambda: self._show_customer(customer))

    def _show_customer(self, customer: Customer | None) -> None:
        self.error_banner.dismiss()
        self.preferences_panel.set_customer(customer)
        self.conversation_panel.set_customer(customer)
        self.customerShown.emit(customer)

    def _others_at_member(self, customer_id: int, others: list[PresenceRecord]) -> None:
        if self.customer is not None and self.customer.id == customer_id:
            self.preferences_panel.header.set_presence(others)
            self.conversation_panel.set_presence(customer_id, others)

    @property
    def customer(self) -> Customer | None:
        return self.preferences_panel.customer

    def _when_no_unsaved_changes(self, proceed: Callable[[], object]) -> None:
        """Run `proceed` now, or after the user agrees to drop unsaved preference edits."""
        if not self.preferences_panel.is_dirty:
            proceed()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved changes"),
            self.tr("The preferences of {member} have changes that are not saved. Discard them?").format(
                member=self.customer.display_name if self.customer else ""
            ),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("discardChangesDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the member's name, never markup
        discard = box.addButton(self.tr("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.tasks.run(ask(box), on_result=lambda button: proceed() if button is discard else None)

    # -- persistence -----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            # First start: a laptop at 150 % has about 1280 x 690 to offer, less than this.
            available = self.screen().availableGeometry()
            self.resize(min(1280, available.width()), min(800, available.height()))
        for key, splitter in self._splitters().items():
            state = s.value(f"window/{key}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)
            elif key == "mainSplitter":
                # Proportions (the splitter scales them to fit): the results' five columns
                # keep their titles whole in longer languages too.
                splitter.setSizes([630, 770])
            elif key == "rightSplitter":
                splitter.setSizes([0, 1])  # the matrix's minimum, the rest to the conversation

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "mainSplitter": self.main_splitter,
            "rightSplitter": self.right_splitter,
            "conversationSplitter": self.conversation_panel.splitter,
        }

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        for key, splitter in self._splitters().items():
            s.setValue(f"window/{key}", splitter.saveState())
        if self.profile_name and self.services is not None:
            self.services.profiles.last_used = self.profile_name
        s.sync()

    def close_discarding(self) -> None:
        """Close without asking about unsaved preference edits (the session is ending)."""
        self._close_confirmed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.preferences_panel.is_dirty and not self._close_confirmed:
            event.ignore()

            def confirmed() -> None:
                self._close_confirmed = True
                self.close()

            self._when_no_unsaved_changes(confirmed)
            return
        if not self._kept and self.conversation_panel.unsettled:
            event.ignore()
            if not self._keeping:
                self._keeping = True
                self.tasks.run(self._keep_then_close())
            return
        self.save_layout()
        super().closeEvent(event)

    async def _keep_then_close(self) -> None:
        """Write drafts and recorded outcomes, then close; ask only about what failed."""
        try:
            problems = await asyncio.wait_for(self.conversation_panel.keep_for_close(), KEEP_TIMEOUT_S)
        except TimeoutError:
            problems = [self.tr("The journal did not answer in time.")]
        finally:
            self._keeping = False
        if problems and not self._close_confirmed:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Close studio-comm"),
                "\n\n".join([*problems, self.tr("Close anyway?")]),
                QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setObjectName("closeUnkeptDialog")
            box.setTextFormat(Qt.TextFormat.PlainText)
            close = box.addButton(self.tr("Close anyway"), QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await ask(box) is not close:
                return
        self._kept = True
        self.close()
