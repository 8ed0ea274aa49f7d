"""The open member's header and communication preferences (top right of the main window).

Follows the vendor's advice for saving: the matrix shows a fresh read; edits are an
intent; Save first lists exactly the intended changes for confirmation, then the core
merges them into a fresh read, writes, re-reads and reports. Before the confirmation the
app makes sure someone is named at the desk (`ensure_staff`), and the confirmation asks
how the member expressed the change, with an optional note: both go into the audit. This panel words the report:
saved, a conflict with a change made elsewhere (the user decides per cell), a server that
did not apply a change ("differs"), or a failure (the edits are kept). When the answer to
the write was lost, core reads again to find out what happened, and the words say so:
saved (the read confirmed it), partly saved (which changes are saved, which are still
marked), not saved, or unknown (not even the read worked: what to check).

Dialogs are asked with `ask()` (window-modal, never `exec()`), so the event loop keeps
running and tests can find them through `confirmation_dialog` / `conflict_dialog`. Reads
and saves run under runner keys that opening another member drops: a late answer for the
previous member never reaches the matrix. A re-read or a save says so on the app's
`preferencesChanged` (the compose area re-reads the member's consent).

Live updates (the app's hub, fed by ui/live.py): when a webhook says the open member's
consent changed elsewhere, the matrix is read again without a click and the unsaved edits
stay (`PreferenceEditor.reload`); a cell changed both here and there is a conflict the
user resolves in the same dialog as a save's (without saving: Save still lists what will
be saved); a quiet note says when it changed (only when the re-read differs from what was
shown: a save of this desk coming back as a webhook is no change). Once live updates are
back after a pause, the matrix is read again the same way, since an event may have been
lost meanwhile. A re-read asked for while the panel is busy or a dialog is open follows
once it is done. When the member's data can no longer be read
(access disabled, or deleted), the note says so and nothing can be changed or saved.

Other desks (the hub's `deskChanged`): a consent save at another desk reads the matrix
again the same way, and the note says who and when ("Saved at Desk 2 by Jens P. at
10:02"). The Traffic Cop (ui/traffic_cop.py): before the confirmation, a save stops when
other desks saved the member's consent since it was opened here (the feed is marked
before the first read); the user saves anyway, edits first, or discards the edits.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api import errors
from studio_comm.ui.events import events
from studio_comm.ui.icons import icon
from studio_comm.ui.labels import cell_label, customer_status_label, format_moment, on_off
from studio_comm.ui.models.preferences_matrix import PreferencesMatrixModel
from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.staff_prompt import ensure_staff
from studio_comm.ui.tasks import TaskRunner, ask
from studio_comm.ui.traffic_cop import TrafficCopDialog, consent_saves_dialog

if TYPE_CHECKING:  # the window is built before the API models are imported
    from studio_comm.api.models import Customer
    from studio_comm.core.desk_events import DeskChange
    from studio_comm.core.preferences import Cell, Change, Conflict, Matrix, PreferenceEditor, SaveReport
    from studio_comm.core.session import StudioSession
    from studio_comm.journal.feed import FeedEvent, FeedPosition
    from studio_comm.journal.records import PresenceRecord

# The runner's keys of the open member's reads and saves.
READ, SAVE = "preferences.read", "preferences.save"
NOTE_MAX_CHARS = 500  # a sentence or two; the audit is no place for a letter


def change_line(change: Change) -> str:
    """"Newsletter / Text message: on → off" for one intended change."""
    return f"{cell_label(change.cell)}: {on_off(change.before)} → {on_off(change.after)}"


class CustomerHeader(QFrame):
    """Name, number, status, email and phones of the open member, and the other desks that
    have the member open (`presenceLabel`), as plain text."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("customerHeader")
        self.setAccessibleName(self.tr("Member details"))
        self.name_label = self._label("customerHeaderName")
        self.details_label = self._label("customerHeaderDetails")
        self.contact_label = self._label("customerHeaderContact")
        self.refusal_label = self._label("customerHeaderRefusal")
        self.presence_label = self._label("presenceLabel")  # who else has the member open (ui/desks.py)
        self.presence_label.setAccessibleName(self.tr("Other desks at this member"))
        refusal_icon = QLabel(self)
        refusal_icon.setPixmap(icon("access-refused").pixmap(16, 16))
        self._refusal_row = QWidget(self)
        row = QHBoxLayout(self._refusal_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(refusal_icon)
        row.addWidget(self.refusal_label, 1)
        self.refusal_label.setParent(self._refusal_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 6)
        layout.setSpacing(2)
        layout.addWidget(self.name_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.contact_label)
        layout.addWidget(self._refusal_row)
        layout.addWidget(self.presence_label)
        self.set_customer(None)

    def _label(self, name: str) -> QLabel:
        label = PlainLabel(self, name)
        # Absolute: a right-to-left name would otherwise jump to the far right, away from
        # the lines below it.
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
        return label

    def set_presence(self, others: list[PresenceRecord]) -> None:
        """The other desks at the member shown ([]: none, the label hides)."""
        desks = []
        for other in others:
            desk = self.tr("{workstation}, {staff}").format(workstation=other.workstation, staff=other.staff) \
                if other.staff else other.workstation
            if other.activity == "writing" and other.thread_id is None:
                desk = self.tr("{desk} (writing a new message)").format(desk=desk)
            desks.append(desk)
        self.presence_label.setText(self.tr("Also open at {desks}").format(desks="; ".join(desks)) if desks else "")
        self.presence_label.setVisible(bool(desks))

    def set_customer(self, customer: Customer | None) -> None:
        self.set_presence([])
        if customer is None:
            self.name_label.setText(self.tr("No member open"))
            self.details_label.setText(self.tr("Search on the left and press Enter to open a member."))
            self.contact_label.setText("")
            self._refusal_row.hide()
            return
        self.name_label.setText(customer.display_name)
        details = [customer_status_label(customer.status)]
        if customer.customer_number:
            details.insert(0, self.tr("Customer no. {number}").format(number=customer.customer_number))
        self.details_label.setText(" · ".join(details))
        phones = [
            (self.tr("mobile"), customer.phone_private_mobile),
            (self.tr("home"), customer.phone_private),
            (self.tr("business mobile"), customer.phone_business_mobile),
            (self.tr("business"), customer.phone_business),
        ]
        contact = [customer.email or self.tr("no email address")]
        contact += [f"{number} ({kind})" for kind, number in phones if number]
        self.contact_label.setText(" · ".join(contact))
        self.refusal_label.setText(self.tr("Access refused: this person may not enter the studio at the moment."))
        self._refusal_row.setVisible(customer.access_refusal)


class ConfirmChangesDialog(QDialog):
    """Lists exactly the intended changes and asks how the member expressed them (and an
    optional note), for the audit; Save confirms them. Says who will be recorded."""

    def __init__(self, lines: list[str], member: str, parent: QWidget | None = None, *,
                 recorded_as: str = ""):
        # With the stack behind the window, which is there once a member is open.
        from studio_comm.core.audit import SOURCES
        from studio_comm.ui.consent_history import source_choice

        super().__init__(parent)
        self.setObjectName("confirmChangesDialog")
        self.setAccessibleName(self.tr("Confirm preference changes"))
        self.setWindowTitle(self.tr("Save communication preferences"))
        intro = QLabel(self.tr("Save these changes for {member}?").format(member=member), self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.changes_list = QListWidget(self)
        self.changes_list.setObjectName("confirmChangesList")
        self.changes_list.setAccessibleName(self.tr("Changes to save"))
        self.changes_list.addItems(lines)
        self.changes_list.setMinimumWidth(380)

        how = QLabel(self.tr("How did the member say so?"), self)
        self.sources = QButtonGroup(self)
        source_row = QHBoxLayout()
        for source in SOURCES:
            button = QRadioButton(source_choice(source), self)
            button.setObjectName(f"confirmSource_{source}")
            button.setProperty("source", source)
            self.sources.addButton(button)
            source_row.addWidget(button)
        source_row.addStretch(1)
        # At a front desk the member is usually standing there; a call or a letter is one key away.
        self.sources.buttons()[0].setChecked(True)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("confirmNote")
        self.note_edit.setAccessibleName(self.tr("Note"))
        self.note_edit.setPlaceholderText(self.tr("Note (optional), e.g. asked at the counter"))
        self.note_edit.setMaxLength(NOTE_MAX_CHARS)
        note_label = QLabel(self.tr("&Note:"), self)
        note_label.setBuddy(self.note_edit)
        note_row = QHBoxLayout()
        note_row.addWidget(note_label)
        note_row.addWidget(self.note_edit, 1)
        self.recorded_label = PlainLabel(self, "confirmRecordedAs", self.tr("Recorded as"))
        self.recorded_label.setText(self.tr("Recorded as {who}.").format(who=recorded_as) if recorded_as else "")
        self.recorded_label.setVisible(bool(recorded_as))

        buttons = QDialogButtonBox(self)
        save = buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("confirmSaveButton")
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.changes_list)
        layout.addWidget(how)
        layout.addLayout(source_row)
        layout.addLayout(note_row)
        layout.addWidget(self.recorded_label)
        layout.addWidget(buttons)
        save.setDefault(True)
        self.source, self.note = "", ""  # the answers, once the dialog is done (ask() deletes it)

    def lines(self) -> list[str]:
        return [self.changes_list.item(i).text() for i in range(self.changes_list.count())]

    def chosen_source(self) -> str:
        button = self.sources.checkedButton()
        return str(button.property("source")) if button is not None else ""

    def done(self, code: int) -> None:
        self.source, self.note = self.chosen_source(), self.note_edit.text().strip()
        super().done(code)


class ConflictDialog(QDialog):
    """One row per cell someone else changed too: keep mine or take theirs."""

    def __init__(self, conflicts: list[Conflict], parent: QWidget | None = None, *, saving: bool = True):
        """`saving`: the choices are saved at once (a save's conflict); else they are kept as
        unsaved changes (a change elsewhere that a webhook told of)."""
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setAccessibleName(self.tr("Resolve conflicting changes"))
        self.setWindowTitle(self.tr("Changed elsewhere meanwhile"))
        intro = QLabel(
            self.tr(
                "While you were editing, these preferences were changed elsewhere (in Magicline, "
                "by the member or at another desk). Choose for each which value to save."
            ),
            self,
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        self.choices: dict[Cell, QRadioButton] = {}
        self.kept: dict[Cell, bool] = {}  # keep_mine() as chosen, once the dialog is done
        for row, conflict in enumerate(conflicts):
            sentence = self.tr("{cell}: was {before} when you opened it; you chose {mine}; it is now {theirs}.").format(
                cell=cell_label(conflict.cell),
                before=on_off(conflict.before),
                mine=on_off(conflict.mine),
                theirs=on_off(conflict.theirs),
            )
            if conflict.theirs == conflict.mine:
                sentence += " " + self.tr("Someone else made the same change.")
            elif conflict.theirs is None:
                sentence += " " + self.tr("The category no longer offers this channel.")
            elif not conflict.editable:
                sentence += " " + self.tr("The studio has fixed this channel meanwhile, so it cannot be changed here.")
            text = QLabel(sentence, self)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            mine = QRadioButton(self.tr("Keep mine ({value})").format(value=on_off(conflict.mine)), self)
            theirs = QRadioButton(self.tr("Take theirs ({value})").format(value=on_off(conflict.theirs)), self)
            mine.setObjectName("keepMine")
            theirs.setObjectName("takeTheirs")
            group = QButtonGroup(self)
            group.addButton(mine)
            group.addButton(theirs)
            # A cell that is now absent or fixed cannot take the user's value any more.
            mine.setEnabled(conflict.editable)
            (mine if conflict.editable else theirs).setChecked(True)
            grid.addWidget(text, row, 0)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            grid.setColumnStretch(0, 1)
            self.choices[conflict.cell] = mine
        buttons = QDialogButtonBox(self)
        save = buttons.addButton(self.tr("Save with these choices") if saving else self.tr("Keep these choices"),
                                 QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("conflictSaveButton")
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def keep_mine(self) -> dict[Cell, bool]:
        """cell -> True to keep the user's value, False to take the other one."""
        return {cell: button.isChecked() for cell, button in self.choices.items()}

    def done(self, code: int) -> None:
        self.kept = self.keep_mine()  # the answer outlives the dialog, which ask() deletes
        super().done(code)


class PreferencesPanel(QWidget):
    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preferencesPanel")
        self.tasks = tasks
        self._session: StudioSession | None = None
        self._customer: Customer | None = None
        self._editor: PreferenceEditor | None = None
        self._busy = False
        self._outside_pending = False  # a change elsewhere waits for the panel to be idle
        self._outside_at: datetime | None = None  # when it happened
        self._outside_by: tuple[str | None, str | None] | None = None  # the other desk's save: workstation, staff
        self._mark: FeedPosition | None = None  # the feed before the member's first read (Traffic Cop)
        self._unavailable: str | None = None  # why the member's data can no longer be read
        self.confirmation_dialog: ConfirmChangesDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.last_report: SaveReport | None = None
        # How the member expressed the change and the note, as the confirmation asked them:
        # the save after a conflict is resolved records them too.
        self._statement: tuple[str | None, str] = (None, "")

        self.header = CustomerHeader(self)

        self.model = PreferencesMatrixModel(self)
        self.model.cellEdited.connect(self._cell_edited)
        self.matrix_view = QTableView(self)
        self.matrix_view.setObjectName("preferencesMatrix")
        self.matrix_view.setAccessibleName(self.tr("Communication preferences"))
        self.matrix_view.setModel(self.model)
        self.matrix_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_view.setWordWrap(False)
        self.matrix_view.horizontalHeader().setMinimumSectionSize(90)
        self.matrix_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.matrix_view.setToolTip(
            self.tr("Space or click toggles a channel. Changed cells stay highlighted until saved.")
        )

        self.save_button = self._button("savePreferencesButton", self.tr("&Save"), self.tr("Save preferences"))
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.revert_button = self._button(
            "revertPreferencesButton", self.tr("&Revert"), self.tr("Revert preference changes")
        )
        self.revert_button.setToolTip(self.tr("Discard the changes you have not saved"))
        self.refresh_button = self._button(
            "refreshPreferencesButton", self.tr("R&efresh"), self.tr("Refresh preferences")
        )
        self.refresh_button.setToolTip(self.tr("Read the preferences from Magicline again"))
        self.save_button.clicked.connect(self.request_save)
        self.revert_button.clicked.connect(self.revert)
        self.refresh_button.clicked.connect(self.request_refresh)

        self.status_label = PlainLabel(self, "preferencesStatus", self.tr("Preferences status"))
        self.outside_note = PlainLabel(self, "preferencesOutsideNote", self.tr("Changes made elsewhere"))
        self.outside_note.setWordWrap(True)
        self.outside_note.hide()
        events().preferencesChangedOutside.connect(self._changed_outside)
        events().customerUnavailable.connect(self._customer_unavailable)
        events().liveResumed.connect(self._live_resumed)
        events().deskChanged.connect(self._desk_changed)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        title = QLabel(self.tr("Communication preferences"), self)
        title.setObjectName("preferencesTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(title)
        layout.addWidget(self.outside_note)
        layout.addWidget(self.matrix_view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    # -- state -----------------------------------------------------------------------------
    @property
    def editor(self) -> PreferenceEditor | None:
        return self._editor

    @property
    def customer(self) -> Customer | None:
        return self._customer

    @property
    def is_dirty(self) -> bool:
        return self._editor is not None and self._editor.is_dirty

    @property
    def busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.model.set_editable(not busy and self._unavailable is None)
        self._update_buttons()
        if not busy and self._outside_pending:
            QTimer.singleShot(0, self._reload_outside)  # after the caller has shown its outcome

    def _update_buttons(self) -> None:
        loaded = self._editor is not None and self.model.matrix is not None and self._unavailable is None
        self.save_button.setEnabled(loaded and not self._busy and self.is_dirty)
        self.revert_button.setEnabled(loaded and not self._busy and self.is_dirty)
        self.refresh_button.setEnabled(self._editor is not None and not self._busy and self._unavailable is None)
        self.save_button.setToolTip(self._unavailable or self.tr("Save the changed preferences (Ctrl+S)"))

    def _say(self, text: str, tone: str = "") -> None:
        self.status_label.setProperty("tone", tone)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.status_label.setText(text)

    # -- opening ---------------------------------------------------------------------------
    def set_session(self, session: StudioSession | None) -> None:
        self._session = session
        self.set_customer(None)

    def set_customer(self, customer: Customer | None) -> None:
        self.tasks.drop(READ, SAVE)  # their answers are for the previous member
        self._customer = customer
        self.header.set_customer(customer)
        self.model.set_editor(None)
        self._close_dialogs()
        self._editor = None
        self._statement = (None, "")
        self._busy = False
        self._outside_pending = False
        self._outside_by = None
        self._mark = None
        self._unavailable = None
        self._note("")
        self.model.set_editable(True)
        self._say("")
        if customer is not None and self._session is not None:
            self._editor = self._session.preferences(customer.id)
            self.refresh(first=True)
        self._update_buttons()

    def _close_dialogs(self) -> None:
        for dialog in (self.confirmation_dialog, self.conflict_dialog):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.reject()  # its answer is "no"; ask() deletes it
        self.confirmation_dialog = self.conflict_dialog = None

    # -- reading ---------------------------------------------------------------------------
    def request_refresh(self) -> None:
        if not self.is_dirty:
            self.refresh()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Refresh preferences"),
            self.tr("Refreshing discards the changes you have not saved. Refresh anyway?"),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("refreshDiscardDialog")
        discard = box.addButton(self.tr("Discard and refresh"), QMessageBox.ButtonRole.DestructiveRole)
        self.tasks.run(ask(box), on_result=lambda button: self.refresh() if button is discard else None)

    def refresh(self, *, first: bool = False) -> None:
        """Read the preferences; `first`: the member was just opened (nothing changed yet)."""
        editor = self._editor
        if editor is None:
            return
        self._set_busy(True)
        self._say(self.tr("Reading preferences…"))

        def loaded(_matrix: Matrix) -> None:
            self._show_matrix(editor)
            self._set_busy(False)
            self._say("")
            if not first:
                events().preferencesChanged.emit(editor.customer_id)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._say(self.tr("The preferences could not be read; see the message above."), "warning")
            self.tasks.report(exc)

        self.tasks.run(self._marked_load(editor) if first else editor.load(), on_result=loaded, on_error=failed,
                       key=READ)

    async def _marked_load(self, editor: PreferenceEditor) -> Matrix:
        """The first read of a member, after marking where the studio's feed stands: the
        Traffic Cop looks for other desks' saves of the member after that mark."""
        from studio_comm.journal import JournalUnavailableError

        if self._session is not None:
            try:
                self._mark = await self._session.traffic_cop.mark()
            except JournalUnavailableError:
                self._mark = None  # no Traffic Cop for this member; the save itself still merges
        return await editor.load()

    def _show_matrix(self, editor: PreferenceEditor) -> None:
        """Lay the matrix out anew for the editor's snapshot (just read)."""
        self.model.set_editor(editor)
        # Compact columns keep a row's boxes close together, easy to read across; measured
        # once per load (a ResizeToContents mode would measure again on every paint).
        view = self.matrix_view
        view.resizeColumnsToContents()
        view.verticalHeader().resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        # Every category row stays visible: the splitter may not squeeze the matrix below it.
        height = view.horizontalHeader().sizeHint().height() + view.verticalHeader().length() + 2 * view.frameWidth()
        if view.horizontalHeader().length() > view.viewport().width():
            height += view.horizontalScrollBar().sizeHint().height()
        view.setMinimumHeight(height)

    # -- changes elsewhere (live updates) ------------------------------------------------------
    def _note(self, text: str, tone: str = "") -> None:
        self.outside_note.setProperty("tone", tone)
        self.outside_note.style().unpolish(self.outside_note)
        self.outside_note.style().polish(self.outside_note)
        self.outside_note.setText(text)
        self.outside_note.setVisible(bool(text))

    def _changed_outside(self, customer_id: int, event: FeedEvent) -> None:
        """A webhook says the member's consent changed elsewhere: read it again, keep the edits."""
        if self._customer is None or customer_id != self._customer.id or self._editor is None:
            return
        if self._unavailable is not None:
            return
        self._outside_at = event.occurred_at or event.received_at
        self._outside_pending = True
        self._reload_outside()

    def _desk_changed(self, change: DeskChange) -> None:
        """Another desk saved the open member's consent: read it again (keeping the edits) and say who."""
        if (self._customer is None or change.customer_id != self._customer.id or self._editor is None
                or self._unavailable is not None or "preferences" not in change.views):
            return
        if change.outcome in ("saved", "differs", "partial", "unknown"):  # it may have changed something
            self._outside_by = (change.workstation, change.staff)
        self._outside_at = change.at
        self._outside_pending = True
        self._reload_outside()

    def _live_resumed(self) -> None:
        """Back after a pause: what changed meanwhile may never have been told."""
        if self._editor is not None and self._unavailable is None and not self._outside_pending:
            self._outside_at = None  # when is unknown
            self._outside_pending = True
            self._reload_outside()

    def _reload_outside(self) -> None:
        editor = self._editor
        if editor is None or not self._outside_pending or self._unavailable is not None:
            return
        if self._busy:
            return  # _set_busy(False) asks again
        for dialog in (self.confirmation_dialog, self.conflict_dialog):
            if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
                # The user is deciding on what the matrix shows: once decided, read again.
                dialog.finished.connect(lambda _code: QTimer.singleShot(0, self._reload_outside))
                return
        self._outside_pending = False
        at, by = self._outside_at, self._outside_by
        self._outside_by = None
        shape = _shape(editor.matrix)
        shown = editor.matrix.values() if editor.matrix is not None else None
        self._set_busy(True)

        def loaded(conflicts: list[Conflict]) -> None:
            if _shape(editor.matrix) == shape:
                self.model.set_editor(editor)  # the same rows and columns: no new layout
            else:
                self._show_matrix(editor)
            self._set_busy(False)
            self._sync_intent()
            if by is not None and at is not None:  # said also when the webhook's re-read showed it already
                workstation, staff = by
                desk = self.tr("{workstation} by {staff}").format(workstation=workstation, staff=staff) \
                    if staff else (workstation or self.tr("another desk"))
                self._note(self.tr("Saved at {desk} at {time}").format(desk=desk, time=format_moment(at)))
            elif editor.matrix is not None and editor.matrix.values() != shown:
                self._note(self.tr("Changed outside studio-comm at {time}").format(time=format_moment(at)) if at else
                           self.tr("Changed outside studio-comm while live updates were paused"))
            events().preferencesChanged.emit(editor.customer_id)
            if conflicts:
                self._ask_conflicts(conflicts, saving=False)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._say(self.tr("The preferences could not be read; see the message above."), "warning")
            self.tasks.report(exc)

        self.tasks.run(editor.reload(), on_result=loaded, on_error=failed, key=READ)

    def _customer_unavailable(self, customer_id: int, reason: str) -> None:
        """A webhook says the member's data can no longer be read: keep what is shown, change nothing."""
        if self._customer is None or customer_id != self._customer.id:
            return
        self.tasks.drop(READ)  # a read under way would only be refused
        self._outside_pending = False
        self._close_dialogs()
        if reason == "deleted":
            self._unavailable = self.tr("This member was deleted in Magicline. The preferences shown are the last "
                                        "ones read; nothing can be changed here. The journal keeps its records.")
        else:
            self._unavailable = self.tr("Magicline no longer gives out this member's data (access disabled). The "
                                        "preferences shown are the last ones read; nothing can be changed here.")
        self.model.set_editable(False)
        self._note(self._unavailable, "warning")
        self._say("")
        self._update_buttons()

    # -- editing ---------------------------------------------------------------------------
    def _cell_edited(self, cell: Cell, active: bool) -> None:
        if self._editor is None:
            return
        try:
            self._editor.set(cell, active)
        except ValueError:
            self._say(self.tr("{cell} cannot be changed here.").format(cell=cell_label(cell)), "warning")
        self._sync_intent()

    def _sync_intent(self) -> None:
        changes = self._editor.changes() if self._editor is not None else []
        self.model.intent_changed()
        if changes:
            self._say(self.tr("%n unsaved change(s)", "", len(changes)))
        else:
            self._say("")
        self._update_buttons()

    def revert(self) -> None:
        if self._editor is None or self._busy:
            return
        self._editor.revert()
        self._sync_intent()

    # -- saving ----------------------------------------------------------------------------
    def request_save(self) -> None:
        """Ask who is at the desk if nobody is named, then show the confirmation listing
        exactly the intended changes (and asking how the member said so); Save there saves."""
        if self._editor is None or self._busy or not self._editor.is_dirty:
            return
        self.tasks.run(self._confirm_and_save(self._editor))

    async def _confirm_and_save(self, editor: PreferenceEditor) -> None:
        staff = await ensure_staff(self)
        if editor is not self._editor or not editor.is_dirty:
            return  # another member was opened meanwhile
        if staff is None:
            self._say(self.tr("Not saved: say who is at the desk first. Your changes are kept."), "warning")
            return
        if not await self._traffic_cop(editor) or editor is not self._editor or not editor.is_dirty:
            return
        lines = [change_line(change) for change in editor.changes()]
        self._close_dialogs()
        where = self._session.workstation if self._session is not None else ""
        dialog = ConfirmChangesDialog(
            lines, self._customer.display_name if self._customer else "", self,
            recorded_as=self.tr("{staff} at {workstation}").format(staff=staff, workstation=where) if where else staff,
        )
        self.confirmation_dialog = dialog
        code = await ask(dialog)
        if self.confirmation_dialog is dialog:
            self.confirmation_dialog = None
        if code == QDialog.DialogCode.Accepted and editor is self._editor:
            self._statement = (dialog.source or None, dialog.note)
            self.save()

    async def _traffic_cop(self, editor: PreferenceEditor) -> bool:
        """Whether to go on to the confirmation: yes unless other desks saved the member's
        consent since it was opened here and the user, told who and when, edits or
        discards instead. Either way the matrix is read again, the edits kept on top."""
        from studio_comm.journal import JournalUnavailableError

        session, mark = self._session, self._mark
        if session is None or mark is None:
            return True
        try:
            now = await session.traffic_cop.mark()
            saves = await session.traffic_cop.consent_saved_since(editor.customer_id, mark)
        except JournalUnavailableError:
            return True  # the save's own merge still guards it; its audit says what the journal's absence means
        if not saves:
            return True
        if editor is not self._editor:
            return False
        answer = await ask(consent_saves_dialog(saves, self))
        if editor is not self._editor:
            return False
        self._mark = now  # these saves are told now
        if answer == TrafficCopDialog.SEND:
            return True
        if answer == TrafficCopDialog.DISCARD:
            self.revert()
        last = saves[-1]
        self._outside_at, self._outside_by, self._outside_pending = last.at, (last.workstation, last.staff), True
        self._reload_outside()
        return False

    def save(self) -> None:
        """Save the intent, with how the member said so as the last confirmation recorded it."""
        editor = self._editor
        if editor is None or self._busy:
            return
        source, note = self._statement
        self._set_busy(True)
        self._say(self.tr("Saving…"))

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._say(self.tr("Not saved; your changes are kept. See the message above."), "warning")
            self.tasks.report(exc)

        self.tasks.run(editor.save(source=source, note=note),
                       on_result=lambda report: self._show_report(editor, report), on_error=failed, key=SAVE)

    def _show_report(self, editor: PreferenceEditor, report: SaveReport) -> None:
        self.last_report = report
        self._set_busy(False)
        outcome = report.outcome
        if report.matrix is not None:  # the editor's snapshot now
            self._show_matrix(editor)
            events().preferencesChanged.emit(editor.customer_id)
        self._sync_intent()
        lost = self._lost_answer(report.error)  # then core read again to find out what happened

        def after_lost(*sentences: str) -> str:
            return " ".join(part for part in (lost, *sentences) if part)

        if outcome == "saved" and lost:
            self._say(after_lost(self.tr("Reading the preferences again confirmed that your changes are saved.")),
                      "ok")
        elif outcome == "saved":
            self._say(self.tr("Saved. Showing the preferences as Magicline has them now."), "ok")
        elif outcome == "partial":
            self._say(
                after_lost(self.tr("Reading the preferences again shows that only part of your changes is saved."))
                + "\n" + self.tr("Saved: {changes}").format(changes=self._listed(report, saved=True))
                + "\n" + self.tr("Not saved, still marked here: {changes}. Save again to send them.").format(
                    changes=self._listed(report, saved=False)),
                "warning",
            )
        elif outcome == "failed" and lost and report.differences:
            # Settled by the read (a failure before the write has no differences): nothing applied.
            self._say(after_lost(self.tr("Reading the preferences again shows that nothing was saved. "
                                         "Your changes are still marked; save again.")), "warning")
        elif outcome == "unknown":
            self._say(
                after_lost(self.tr(
                    "Reading the preferences again failed too, so it is not known whether your changes "
                    "are saved. They are still marked here. Check with Refresh once Magicline answers "
                    "again (it asks before discarding them), or save again.")),
                "warning",
            )
            if report.error is not None:
                self.tasks.report(report.error)
        elif outcome == "differs":
            lines = [
                self.tr("{cell}: you chose {intended}, Magicline has {actual}").format(
                    cell=cell_label(d.cell), intended=on_off(d.intended), actual=on_off(d.actual)
                )
                for d in report.differences
            ]
            self._say(
                self.tr("Saved, but Magicline did not apply everything as intended:")
                + "\n" + "\n".join(lines),
                "warning",
            )
        elif outcome == "conflict":
            self._say(self.tr("Someone changed these preferences meanwhile; choose what to keep."), "warning")
            self._ask_conflicts(report.conflicts)
        else:
            self._say(self.tr("Not saved; your changes are kept. See the message above."), "warning")
            if report.error is not None:
                self.tasks.report(report.error)

    def _lost_answer(self, error: BaseException | None) -> str | None:
        """How the answer to the write was lost, if it was."""
        if isinstance(error, errors.MalformedResponseError):
            return self.tr("Magicline answered, but its answer could not be read.")
        if isinstance(error, errors.OutcomeUnknownError):
            return self.tr("The connection was lost before Magicline's answer arrived.")
        return None

    def _listed(self, report: SaveReport, *, saved: bool) -> str:
        """The intended changes the re-read shows as saved (or not), in display order."""
        missed = {difference.cell for difference in report.differences}
        return ", ".join(change_line(c) for c in report.changes if (c.cell not in missed) == saved)

    def _ask_conflicts(self, conflicts: list[Conflict], *, saving: bool = True) -> None:
        """`saving`: a save's conflicts, saved with the choices; else (a change elsewhere)
        the choices stay unsaved changes."""
        self._close_dialogs()
        dialog = ConflictDialog(conflicts, self, saving=saving)
        self.conflict_dialog = dialog
        editor = self._editor

        def answered(code: int) -> None:
            if self.conflict_dialog is dialog:
                self.conflict_dialog = None
            if code != QDialog.DialogCode.Accepted or editor is None or editor is not self._editor:
                return
            for cell, keep_mine in dialog.kept.items():
                editor.resolve(cell, keep_mine)
            self._sync_intent()
            if not saving:
                return
            if editor.is_dirty:
                self.save()
            else:
                self._say(self.tr("Nothing left to save: the other values were taken."), "ok")

        self.tasks.run(ask(dialog), on_result=answered)


def _shape(matrix: Matrix | None) -> tuple | None:
    """A matrix's rows and columns, as the layout depends on them."""
    return None if matrix is None else (matrix.categories, matrix.channels)
