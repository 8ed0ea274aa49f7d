"""Nothing is written without a person: who is at the desk, asked when nobody is named.

`await ensure_staff(widget)` answers the staff member at the desk of `widget`'s window:
at once when the status bar's staff combo names one; otherwise it asks once (the studio's
employees and the computer's user are offered, any name can be typed), sets the staff
combo, so the session's agent and the audit's author follow, and answers the name. It
answers None when the person at the desk declined: the caller then writes nothing. Two
callers at the same time share one question.

Every path that writes in someone's name awaits it first: the consent save before its
confirmation, and the send path before a message is written, with the one line
`if await ensure_staff(self) is None: return`.
"""

from __future__ import annotations

import asyncio
import weakref

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from studio_comm.core.desk import os_user_name
from studio_comm.ui.status_bar import StatusBar
from studio_comm.ui.tasks import ask

# The question under way per status bar: a second caller waits for the same answer.
_asking: weakref.WeakKeyDictionary[StatusBar, asyncio.Future[str | None]] = weakref.WeakKeyDictionary()


class StaffDialog(QDialog):
    """Who is at the desk: one of the studio's employees, the computer's user, or a name typed."""

    def __init__(self, employees: list[str], computer_user: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("staffPromptDialog")
        self.setAccessibleName(self.tr("Who is at the desk?"))
        self.setWindowTitle(self.tr("Who is at the desk?"))
        intro = QLabel(self.tr("Consent changes and messages are recorded with the name of the staff member "
                               "who makes them. Choose your name or type it."), self)
        intro.setWordWrap(True)
        self.combo = QComboBox(self)
        self.combo.setObjectName("staffPromptCombo")
        self.combo.setAccessibleName(self.tr("Your name"))
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # The computer's user first: on a desk's own account, that is who is there. Not
        # chosen for them, though: a shared front-desk login must not become the author
        # by one press of Enter.
        self.combo.addItems(list(dict.fromkeys(n for n in [computer_user, *employees] if n.strip())))
        self.combo.setCurrentIndex(-1)
        self.combo.setCurrentText("")
        edit = self.combo.lineEdit()
        assert edit is not None  # an editable combo box always has its line edit
        edit.setPlaceholderText(self.tr("Your name"))
        buttons = QDialogButtonBox(self)
        self.continue_button: QPushButton = buttons.addButton(self.tr("Continue"),
                                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setObjectName("staffPromptContinue")
        self.continue_button.setDefault(True)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.combo.currentTextChanged.connect(self._name_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.name = ""  # the answer, once the dialog is done (ask() deletes the dialog)
        self._name_changed(self.combo.currentText())
        self.combo.setFocus()

    def _name_changed(self, text: str) -> None:
        self.continue_button.setEnabled(bool(text.strip()))

    def done(self, code: int) -> None:
        self.name = self.combo.currentText().strip() if code == QDialog.DialogCode.Accepted else ""
        super().done(code)


def staff_field(widget: QWidget) -> StatusBar:
    """The status bar that names the staff member at the desk of `widget`'s window."""
    window = widget.window()
    status = window if isinstance(window, StatusBar) else window.findChild(StatusBar)
    if status is None:
        raise RuntimeError(f"{window.objectName() or window} has no staff field")
    return status


async def ensure_staff(widget: QWidget) -> str | None:
    """The staff member at the desk, asked for when nobody is named; None when declined."""
    status = staff_field(widget)
    if status.staff:
        return status.staff
    if (question := _asking.get(status)) is not None:
        return await asyncio.shield(question)  # one caller going away does not end it for the others
    question = asyncio.get_running_loop().create_future()
    _asking[status] = question
    name: str | None = None
    try:
        name = await _ask(status)
    finally:
        del _asking[status]
        question.set_result(name)
    return name


async def _ask(status: StatusBar) -> str | None:
    computer_user = await asyncio.to_thread(os_user_name)  # may ask a directory service
    combo = status.staff_combo
    dialog = StaffDialog([combo.itemText(i) for i in range(combo.count())], computer_user, status.window())
    if await ask(dialog) != QDialog.DialogCode.Accepted or not dialog.name:
        return None
    status.set_staff(dialog.name)
    return status.staff or None
