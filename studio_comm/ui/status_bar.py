"""The main window's status bar: studio, staff member at the desk, requests, rate-limit wait.

The staff combo is editable: pick one of the studio's employees or type a name; the name
becomes the agent of messages and the author of audit entries. "Requests under way" counts
the client's requests to Magicline that have not been answered yet (a save is three), shown
at most a few times a second so quick requests do not make it flicker. A rate-limit wait
reported by the client counts down visibly, so nobody thinks the app hung.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QStatusBar, QWidget

PENDING_SHOWN_EVERY_MS = 250


class StatusBar(QStatusBar):
    staffChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setAccessibleName(self.tr("Status bar"))

        self.studio_label = QLabel(self)
        self.studio_label.setObjectName("studioLabel")
        self.studio_label.setAccessibleName(self.tr("Studio connected to"))
        self.studio_label.setTextFormat(Qt.TextFormat.PlainText)

        self.staff_caption = QLabel(self.tr("At the desk:"), self)
        self.staff_combo = QComboBox(self)
        self.staff_combo.setObjectName("staffCombo")
        self.staff_combo.setAccessibleName(self.tr("Staff member at the desk"))
        self.staff_combo.setEditable(True)
        self.staff_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.staff_combo.setMinimumContentsLength(16)
        self.staff_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        staff_edit = self.staff_combo.lineEdit()
        assert staff_edit is not None  # an editable combo box always has its line edit
        staff_edit.setPlaceholderText(self.tr("Your name"))
        self.staff_caption.setBuddy(self.staff_combo)
        staff_edit.editingFinished.connect(self._staff_edited)
        self.staff_combo.activated.connect(lambda _i: self._staff_edited())
        self._staff = ""

        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("pendingLabel")
        self.pending_label.setAccessibleName(self.tr("Requests under way"))
        self._pending = 0
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(PENDING_SHOWN_EVERY_MS)
        self._pending_timer.timeout.connect(self._show_pending)

        self.rate_label = QLabel(self)
        self.rate_label.setObjectName("rateLimitLabel")
        self.rate_label.setAccessibleName(self.tr("Request limit"))
        self.rate_label.hide()
        self._wait_until = 0.0
        self._rate_timer = QTimer(self)
        self._rate_timer.setInterval(1000)
        self._rate_timer.timeout.connect(self._tick)

        self.addWidget(self.studio_label, 1)
        self.addPermanentWidget(self.rate_label)
        self.addPermanentWidget(self.pending_label)
        self.addPermanentWidget(self.staff_caption)
        self.addPermanentWidget(self.staff_combo)
        self.set_studio(None)
        self._show_pending()

    # -- studio and staff -----------------------------------------------------------------
    def set_studio(self, name: str | None, profile: str | None = None) -> None:
        if name is None:
            self.studio_label.setText(self.tr("Not connected"))
        elif profile and profile != name:
            self.studio_label.setText(self.tr("Connected to {studio} ({profile})").format(studio=name, profile=profile))
        else:
            self.studio_label.setText(self.tr("Connected to {studio}").format(studio=name))

    def set_employees(self, names: list[str]) -> None:
        current = self.staff
        self.staff_combo.blockSignals(True)
        self.staff_combo.clear()
        self.staff_combo.addItems(names)
        self.staff_combo.setEditText(current)
        self.staff_combo.blockSignals(False)

    @property
    def staff(self) -> str:
        return self._staff

    def set_staff(self, name: str) -> None:
        self.staff_combo.setEditText(name)
        self._staff_edited()

    def _staff_edited(self) -> None:
        name = self.staff_combo.currentText().strip()
        if name != self._staff:
            self._staff = name
            self.staffChanged.emit(name)

    # -- requests and rate limit ----------------------------------------------------------
    def set_pending(self, count: int) -> None:
        """`count` requests to Magicline are under way (shown within PENDING_SHOWN_EVERY_MS)."""
        self._pending = count
        if not self._pending_timer.isActive():
            self._pending_timer.start()

    def _show_pending(self) -> None:
        if self._pending:
            self.pending_label.setText(self.tr("%n request(s) under way", "", self._pending))
        else:
            self.pending_label.setText(self.tr("Ready"))

    def rate_limit_wait(self, endpoint: str, seconds: float) -> None:
        """The client is holding requests back to stay under the studio's request limit."""
        self._wait_until = max(self._wait_until, time.monotonic() + seconds)
        self._tick()
        self._rate_timer.start()

    def _tick(self) -> None:
        left = math.ceil(self._wait_until - time.monotonic())
        if left <= 0:
            self._rate_timer.stop()
            self.rate_label.hide()
            return
        self.rate_label.setText(self.tr("Waiting %n s: request limit reached", "", left))
        self.rate_label.show()
