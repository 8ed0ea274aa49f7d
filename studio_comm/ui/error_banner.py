"""A dismissable error bar across the top of the main window.

Errors from the server must be visible (with the server's trace id, which support asks
for) without stopping anyone: the bar is not modal, the rest of the window keeps working,
and a newer error replaces the older one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from studio_comm.ui.icons import icon


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
        self._message = QLabel(self)
        self._message.setObjectName("errorBannerMessage")
        self._message.setTextFormat(Qt.TextFormat.PlainText)
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
            text = str(exc) or type(exc).__name__
            trace_id = getattr(exc, "trace_id", None)
            server_message = getattr(exc, "error_message", None)
            # The API error's sentence usually includes the server's words; add them if not.
            if server_message and server_message not in text:
                text = self.tr("{sentence}\nThe server said: {message}").format(
                    sentence=text, message=server_message
                )
        self._message.setText(text)
        self._trace.setProperty("traceId", trace_id or "")
        self._trace.setText(self.tr("Trace id: {trace_id}").format(trace_id=trace_id) if trace_id else "")
        self._trace.setVisible(bool(trace_id))
        self.setToolTip(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
