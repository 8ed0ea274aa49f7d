"""The studio connection dialog: profile name, base URL, API key, test, save.

Save puts the key in the OS keyring (service studio-comm, user = profile name) on a worker
thread, since keyring calls can block on D-Bus, and only the URL in settings. Without a
keyring the dialog says so and offers to keep the key for this session only, in memory.
Its work runs on the window's runner, under keys dropped when the dialog is done, so a
test or save still under way then does not call back into a deleted dialog.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api import errors
from studio_comm.api.models import StudioInformation
from studio_comm.core import connection
from studio_comm.core.connection import BaseUrlError, BaseUrlProblem
from studio_comm.core.credentials import (
    CredentialError,
    CredentialStore,
    KeyringLockedError,
    NoKeyringError,
    default_store,
    keyring_available,
)
from studio_comm.ui import i18n
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.profiles import ProfileStore
from studio_comm.ui.tasks import TaskRunner

W = TypeVar("W", bound=QWidget)

URL_PATTERN = "https://<tenant>.open-api.magicline.com"
KEYRING, TEST, SAVE = "connection.keyring", "connection.test", "connection.save"  # the runner's keys


class ConnectionDialog(QDialog):
    """Add or edit a studio profile. `profileChosen(name, base_url)` fires after a save."""

    profileChosen = Signal(str, str)

    def __init__(
        self,
        tasks: TaskRunner,
        profiles: ProfileStore | None = None,
        credentials: CredentialStore | None = None,
        parent: QWidget | None = None,
        *,
        profile_name: str | None = None,
        problem: str | None = None,
    ):
        """`problem`: a sentence shown when the dialog opens (why it was opened)."""
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setAccessibleName(self.tr("Studio connection"))
        self.setWindowTitle(self.tr("Studio connection"))
        self.profiles = profiles if profiles is not None else ProfileStore(parent=self)
        self.credentials = credentials or default_store()
        self.tasks = tasks
        self.finished.connect(lambda _code: tasks.drop(KEYRING, TEST, SAVE))

        self.name_edit = self._named(QLineEdit(self), "profileNameEdit", self.tr("Profile name"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Studio Mitte"))
        self.url_edit = self._named(QLineEdit(self), "baseUrlEdit", self.tr("Base URL"))
        self.url_edit.setPlaceholderText(URL_PATTERN)
        self.key_edit = self._named(QLineEdit(self), "apiKeyEdit", self.tr("API key"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData)
        self.test_button = self._named(QPushButton(self.tr("Test connection"), self), "testConnectionButton",
                                       self.tr("Test connection"))
        # Server text (the studio's name, errors) is plain text.
        self.result_label = PlainLabel(self, "connectionResult", self.tr("Connection test result"))
        self.keyring_label = PlainLabel(self, "keyringNotice", self.tr("Keyring notice"))
        self.keyring_label.setText(self.tr(
            "No system keyring is available on this computer, so the API key cannot be stored. "
            "You can keep it for this session only: it is forgotten when the program closes, "
            "and is never written to a file."))
        self.session_only = self._named(QCheckBox(self.tr("Keep the key for this session only"), self),
                                        "sessionOnlyCheck", self.tr("Keep the key for this session only"))
        self.keyring_label.hide()
        self.session_only.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveConnectionButton")
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self._test_clicked)

        form = QFormLayout()
        form.addRow(self.tr("Profile name"), self.name_edit)
        form.addRow(self.tr("Base URL"), self.url_edit)
        form.addRow(self.tr("API key"), self.key_edit)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.keyring_label)
        layout.addWidget(self.session_only)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

        if profile_name:
            self.select_profile(profile_name)
        if problem:
            self.result_label.setText(problem)
        # Finding the keyring backend may talk to D-Bus: ask on a worker thread.
        self.tasks.run(asyncio.to_thread(keyring_available), on_result=self._keyring_checked, key=KEYRING)

    def select_profile(self, name: str) -> None:
        """Fill in a saved profile to edit it (the stored key is kept unless one is typed)."""
        profile = self.profiles.get(name)
        self.name_edit.setText(name)
        if profile is not None:
            self.url_edit.setText(profile.base_url)
            self.key_edit.setPlaceholderText(self.tr("stored; leave empty to keep it"))

    # ---------------------------------------------------------------- helpers

    @staticmethod
    def _named(widget: W, name: str, accessible: str) -> W:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        return widget

    def _keyring_checked(self, available: bool) -> None:
        if not available:
            self._offer_session_only()

    def _offer_session_only(self) -> None:
        self.keyring_label.show()
        self.session_only.show()
        self.session_only.setChecked(True)

    def _set_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    async def _stored_key(self, name: str) -> str:
        """The key typed in, or (editing an existing profile) the one already stored."""
        key = self.key_edit.text().strip()
        if key or not name:
            return key
        return (await self.credentials.aget(name)) or ""

    # ---------------------------------------------------------------- test

    def _test_clicked(self) -> None:
        self._set_busy(True)
        self.result_label.setText(self.tr("Connecting…"))
        self.tasks.run(self._test(), on_result=self._tested, on_error=self._tested, key=TEST)

    async def _test(self) -> StudioInformation:
        key = await self._stored_key(self.name_edit.text().strip())
        return await connection.test_connection(self.url_edit.text(), key, i18n.current_language())

    def _tested(self, outcome: StudioInformation | BaseException) -> None:
        self._set_busy(False)
        if isinstance(outcome, StudioInformation):
            text = self.tr("Connected to: {studio}").format(
                studio=outcome.name or self.tr("studio {id}").format(id=outcome.studio_id))
        elif isinstance(outcome, BaseUrlError):
            text = self.describe_address_problem(outcome)
        elif isinstance(outcome, errors.ApiError):
            text = self.tr("Could not connect: {error}").format(error=ErrorBanner.describe(outcome))
        elif isinstance(outcome, CredentialError):
            text = ErrorBanner.describe(outcome)
        elif isinstance(outcome, ValueError):  # the client words a bad key without echoing it
            text = str(outcome)
        else:
            text = self.tr("Could not connect: {error}").format(error=type(outcome).__name__)
        self.result_label.setText(text)

    # A static method, so the command line's --base-url is worded like the dialog's field.
    @staticmethod
    def describe_address_problem(exc: BaseUrlError) -> str:
        """Why the address cannot be used, in the UI's language (never repeating it)."""
        return {
            BaseUrlProblem.NOT_A_WEB_ADDRESS: QCoreApplication.translate(
                "ConnectionDialog", "The address is not a web address (expected {pattern})."
            ).format(pattern=URL_PATTERN),
            BaseUrlProblem.PLAIN_HTTP: QCoreApplication.translate(
                "ConnectionDialog", "Plain http:// is only allowed for this computer; use https:// for {host}."
            ).format(host=exc.host),
            BaseUrlProblem.CREDENTIALS: QCoreApplication.translate(
                "ConnectionDialog",
                "The address must not contain a user name or password. Enter the API key in its own field.",
            ),
            BaseUrlProblem.QUERY: QCoreApplication.translate(
                "ConnectionDialog", "The address must not contain a query (the part from “?”)."
            ),
            BaseUrlProblem.FRAGMENT: QCoreApplication.translate(
                "ConnectionDialog", "The address must not contain a fragment (the part from “#”)."
            ),
        }[exc.problem]

    # ---------------------------------------------------------------- save

    def _save_clicked(self) -> None:
        name = self.name_edit.text().strip()
        url = self.url_edit.text().strip()
        key = self.key_edit.text().strip()
        existing = self.profiles.get(name) if name else None
        problem = None
        if not name:
            problem = self.tr("Enter a profile name.")
        elif not url:
            problem = self.tr("Enter the studio's base URL ({pattern}).").format(pattern=URL_PATTERN)
        elif not key and existing is None:
            problem = self.tr("Enter the API key.")
        else:
            try:
                url = connection.normalize_base_url(url)
            except BaseUrlError as exc:
                problem = self.describe_address_problem(exc)
        if problem:
            self.result_label.setText(problem)
            return
        self._set_busy(True)
        self.tasks.run(self._save(name, url, key), on_result=lambda _: self._saved(name, url),
                       on_error=self._save_failed, key=SAVE)

    async def _save(self, name: str, url: str, key: str) -> None:
        if key:
            await self.credentials.aset(name, key, session_only=self.session_only.isChecked())
        self.profiles.add(name, url)
        self.profiles.last_used = name

    def _saved(self, name: str, url: str) -> None:
        self._set_busy(False)
        self.key_edit.clear()
        self.profileChosen.emit(name, url)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, NoKeyringError):
            self._offer_session_only()
            self.result_label.setText(self.tr(
                "The key was not saved: no system keyring is available. "
                "Choose “Keep the key for this session only” and save again."))
        elif isinstance(exc, KeyringLockedError):
            self.result_label.setText(self.tr("The key was not saved: the system keyring is locked. "
                                              "Unlock it and save again."))
        elif isinstance(exc, CredentialError):
            self.result_label.setText(self.tr("The key was not saved: the system keyring reported an "
                                              "error ({detail}).").format(detail=exc.detail))
        else:
            self.result_label.setText(self.tr("The profile was not saved: {error}").format(error=exc))
