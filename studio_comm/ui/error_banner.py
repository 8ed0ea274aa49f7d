"""A dismissable error bar across the top of the main window.

Errors from the server must be visible (with the server's trace id, which support asks
for) without stopping anyone: the bar is not modal, the rest of the window keeps working,
and a newer error replaces the older one.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from studio_comm.api import errors
from studio_comm.core.credentials import KeyringFailedError, KeyringLockedError, NoKeyringError
from studio_comm.ui.icons import icon
from studio_comm.ui.plain_label import PlainLabel


class ErrorBanner(QFrame):
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName(self.tr("Error message"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self._icon = QLabel(self)
        self._icon.setPixmap(icon("error").pixmap(20, 20))
        self._message = PlainLabel(self, "errorBannerMessage")
        self._trace = QLabel(self)
        self._trace.setObjectName("errorBannerTrace")
        self._trace.setTextFormat(Qt.TextFormat.PlainText)
        self._trace.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._dismiss = QPushButton(self.tr("Dismiss"), self)
        self._dismiss.setObjectName("errorBannerDismiss")
        self._dismiss.setAccessibleName(self.tr("Dismiss error message"))
        self._dismiss.clicked.connect(self.dismiss)

        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.addWidget(self._message)
        texts.addWidget(self._trace)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(self._dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @property
    def message(self) -> str:
        return self._message.text()

    @property
    def trace_id(self) -> str | None:
        return self._trace.property("traceId") or None

    def show_error(self, exc: BaseException | str) -> None:
        """Show `exc` (an API error, any exception, or a sentence) until dismissed."""
        if isinstance(exc, str):
            text, trace_id = exc, None
        else:
            text = self.describe(exc)
            trace_id = getattr(exc, "trace_id", None)
        self._message.setText(text)
        self._trace.setProperty("traceId", trace_id or "")
        self._trace.setText(self.tr("Trace id for support: {trace_id}").format(trace_id=trace_id) if trace_id else "")
        self._trace.setVisible(bool(trace_id))
        self.show()

    # Static methods, so dialogs and status lines word errors the same way (ErrorBanner.describe);
    # the texts keep the ErrorBanner context of the translation catalogue.
    @staticmethod
    def describe(exc: BaseException) -> str:
        """A sentence in the UI's language, plus the server's own words when it sent some."""
        sentence = ErrorBanner._sentence(exc)
        server_message = getattr(exc, "error_message", None)
        if sentence is None:
            # Not an API or keyring error: its own message (the others word themselves).
            return str(exc) or type(exc).__name__
        if server_message:
            return QCoreApplication.translate("ErrorBanner", "{sentence}\nMagicline says: {message}").format(
                sentence=sentence, message=server_message
            )
        return sentence

    @staticmethod
    def _sentence(exc: BaseException) -> str | None:
        keyring = [
            (
                NoKeyringError,
                QCoreApplication.translate(
                    "ErrorBanner", "No system keyring is available on this computer, so the API key cannot be stored."
                ),
            ),
            (
                KeyringLockedError,
                QCoreApplication.translate(
                    "ErrorBanner", "The system keyring is locked; unlock it to use the stored API key."
                ),
            ),
            (KeyringFailedError, QCoreApplication.translate("ErrorBanner", "The system keyring could not be used.")),
        ]
        for credential_kind, sentence in keyring:
            if isinstance(exc, credential_kind):
                return sentence + (f" ({exc.detail})" if exc.detail else "")
        sentences = [
            (
                errors.BadKeyError,
                QCoreApplication.translate(
                    "ErrorBanner", "The studio's API key was refused. Check the key in the connection settings."
                ),
            ),
            (
                errors.ForbiddenError,
                QCoreApplication.translate(
                    "ErrorBanner",
                    "The studio's API key is not allowed to do this. Ask the studio to grant the permission.",
                ),
            ),
            (
                errors.NotFoundError,
                QCoreApplication.translate(
                    "ErrorBanner", "Magicline does not know this record; it may have been deleted."
                ),
            ),
            (
                errors.InvalidRequestError,
                QCoreApplication.translate("ErrorBanner", "Magicline did not accept the request."),
            ),
            (
                errors.ConflictError,
                QCoreApplication.translate(
                    "ErrorBanner", "The record was changed elsewhere at the same time. Reload it and try again."
                ),
            ),
            (
                errors.RateLimitedError,
                QCoreApplication.translate(
                    "ErrorBanner",
                    "Too many requests within a minute; Magicline is refusing more for now. "
                    "Wait a minute and try again.",
                ),
            ),
            (
                errors.ServerError,
                QCoreApplication.translate(
                    "ErrorBanner", "Magicline had a problem on its side. Try again in a moment."
                ),
            ),
            (
                errors.MalformedResponseError,
                QCoreApplication.translate("ErrorBanner", "Magicline answered, but its answer could not be read."),
            ),
            (
                errors.NotSentError,
                QCoreApplication.translate(
                    "ErrorBanner", "Could not connect to Magicline; nothing was sent. Check the network and try again."
                ),
            ),
            (
                errors.OutcomeUnknownError,
                QCoreApplication.translate(
                    "ErrorBanner",
                    "The connection was lost after the request was sent; Magicline may or may not have carried it out.",
                ),
            ),
            (errors.NetworkError, QCoreApplication.translate("ErrorBanner", "The connection to Magicline failed.")),
            (
                errors.ApiError,
                QCoreApplication.translate("ErrorBanner", "Magicline answered with an unexpected status."),
            ),
        ]
        for kind, sentence in sentences:
            if isinstance(exc, kind):
                status = getattr(exc, "status", None)
                if status is not None and kind in (errors.ServerError, errors.ApiError, errors.InvalidRequestError):
                    sentence += " " + QCoreApplication.translate("ErrorBanner", "(HTTP status {status})").format(
                        status=status
                    )
                detail = getattr(exc, "detail", None)
                if detail and isinstance(exc, (errors.NetworkError, errors.MalformedResponseError)):
                    sentence += f" ({detail})"
                reference = getattr(exc, "reference", None)
                if reference:
                    sentence += " " + QCoreApplication.translate("ErrorBanner", "Field: {field}.").format(
                        field=reference
                    )
                return sentence
        return None

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
