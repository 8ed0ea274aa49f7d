"""The saved replies' dialogs: the picker the compose area opens, and Edit → Saved replies.

The picker is made for the keyboard: the search field has the focus, every word typed
narrows the list (by name, code or text: `core.saved_replies.matching`), the arrow keys move
through it without leaving the field, Enter inserts and Escape closes. The preview shows
the reply filled in for the open member, as it will be inserted.

The management dialog lists the studio's replies with how often each was inserted (at
every desk), and creates, edits, duplicates and deletes them; it exports the set to a
JSON file and imports one, saying first which replies of the studio the file would change.
Every change is made in the journal at once, so the other desks offer it on their next
insertion. An edit made while another desk changed the same reply is refused, and the
text typed here stays in the form. A file that cannot be imported says why and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api.enums import Channel, MessageCategory
from studio_comm.core.saved_replies import (
    MAX_BODY,
    MAX_CODE,
    MAX_NAME,
    CodeTakenError,
    FileProblem,
    FilledReply,
    ImportFileError,
    Problem,
    ReplyChangedError,
    ReplyText,
    ReplyTextError,
    SavedReplies,
    matching,
)
from studio_comm.core.templates import VARIABLES
from studio_comm.journal.records import SavedReplyRecord
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.labels import category_label, channel_label, format_datetime
from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.review_window import attach_to_main_window
from studio_comm.ui.tables import save_file_dialog
from studio_comm.ui.tasks import TaskRunner, ask

if TYPE_CHECKING:
    from studio_comm.ui.main_window import MainWindow

LIST = "savedReplies.list"  # the runner's key of the management dialog's list


def _named(widget, name: str, accessible: str):
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _variables_text(variables: tuple[str, ...]) -> str:
    return ", ".join("{{" + v + "}}" for v in variables)


class SavedReplyPicker(QDialog):
    """Choose one saved reply: `await ask(picker)`, then `picker.chosen`."""

    _MOVES = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)

    def __init__(self, preview: Callable[[SavedReplyRecord], FilledReply], parent: QWidget | None = None):
        """`preview(reply)`: the reply filled in for the open member."""
        super().__init__(parent)
        self.setObjectName("savedReplyPicker")
        self.setAccessibleName(self.tr("Insert saved reply"))
        self.setWindowTitle(self.tr("Insert saved reply"))
        self.chosen: SavedReplyRecord | None = None
        self._preview = preview
        self._replies: list[SavedReplyRecord] | None = None  # None until read
        self._shown: list[SavedReplyRecord] = []

        self.search = _named(QLineEdit(self), "savedReplySearch", self.tr("Search saved replies"))
        self.search.setPlaceholderText(self.tr("Search by name, code or text"))
        self.search.setClearButtonEnabled(True)
        self.list = _named(QListWidget(self), "savedReplyPickerList", self.tr("Saved replies"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.status = PlainLabel(self, "savedReplyPickerStatus", self.tr("Saved replies found"))
        self.preview = _named(QPlainTextEdit(self), "savedReplyPreview", self.tr("The reply as it will be inserted"))
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        buttons = QDialogButtonBox(self)
        self.insert_button = buttons.addButton(self.tr("Insert"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.insert_button.setObjectName("savedReplyInsertButton")
        self.insert_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.currentRowChanged.connect(self._show_preview)
        self.list.itemActivated.connect(lambda _item: self.accept())

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setChildrenCollapsible(False)
        split.setSizes([300, 400])
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 420)
        self.status.setText(self.tr("Reading the saved replies…"))
        self.insert_button.setEnabled(False)
        self.search.setFocus()

    def set_replies(self, replies: list[SavedReplyRecord]) -> None:
        self._replies = list(replies)
        self._filter()

    def failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("The saved replies could not be read: {error}").format(
            error=ErrorBanner.describe(exc)))

    def _filter(self, *_: object) -> None:
        if self._replies is None:
            return
        self._shown = matching(self._replies, self.search.text())
        self.list.clear()
        for reply in self._shown:
            item = QListWidgetItem(f"{reply.name}   /{reply.code}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, reply.id)
        if self._shown:
            self.list.setCurrentRow(0)
            self.status.setText(self.tr("%n saved reply(s). Enter inserts the selected one.", "", len(self._shown)))
        elif self._replies:
            self.status.setText(self.tr("No saved reply matches."))
        else:
            self.status.setText(self.tr("The studio has no saved replies yet. Create them under Edit ▸ Saved replies…"))
        self.insert_button.setEnabled(bool(self._shown))
        self._show_preview(self.list.currentRow())

    def _show_preview(self, row: int) -> None:
        if not 0 <= row < len(self._shown):
            self.preview.setPlainText("")
            return
        filled = self._preview(self._shown[row])
        lines = []
        if filled.subject.text:
            lines += [self.tr("Subject: {subject}").format(subject=filled.subject.text), ""]
        lines.append(filled.body.text)
        if filled.unfilled:
            lines += ["", self.tr("No value for {variables}: replace it in the text before sending.").format(
                variables=_variables_text(filled.unfilled))]
        self.preview.setPlainText("\n".join(lines))

    def accept(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._shown):
            return  # nothing to insert: Enter in an empty list does not close the picker
        self.chosen = self._shown[row]
        super().accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in self._MOVES:  # move through the list without leaving the search
                QApplication.sendEvent(self.list, QKeyEvent(event.type(), event.key(), event.modifiers()))
                return True
        return False


class SavedRepliesDialog(QDialog):
    """Edit → Saved replies: the studio's set, shared by its desks."""

    def __init__(self, replies: SavedReplies, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("savedRepliesDialog")
        self.setAccessibleName(self.tr("Saved replies"))
        self.setWindowTitle(self.tr("Saved replies – studio-comm"))
        self.replies = replies
        self.tasks = tasks
        self.records: list[SavedReplyRecord] = []
        self.selected: SavedReplyRecord | None = None  # the reply in the form; None: a new one
        tasks.failed.connect(self._failed)

        self.filter = _named(QLineEdit(self), "savedRepliesFilter", self.tr("Filter saved replies"))
        self.filter.setPlaceholderText(self.tr("Filter by name, code or text"))
        self.filter.setClearButtonEnabled(True)
        self.list = _named(QTreeWidget(self), "savedRepliesList", self.tr("Saved replies"))
        self.list.setHeaderLabels([self.tr("Name"), self.tr("Code"), self.tr("Used")])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.new_button = _named(QPushButton(self.tr("New"), self), "savedReplyNewButton", self.tr("New saved reply"))
        self.duplicate_button = _named(QPushButton(self.tr("Duplicate"), self), "savedReplyDuplicateButton",
                                       self.tr("Duplicate the selected reply"))
        self.delete_button = _named(QPushButton(self.tr("Delete…"), self), "savedReplyDeleteButton",
                                    self.tr("Delete the selected reply"))

        self.name_edit = _named(QLineEdit(self), "savedReplyName", self.tr("Name"))
        self.name_edit.setMaxLength(MAX_NAME)
        self.code_edit = _named(QLineEdit(self), "savedReplyCode", self.tr("Code"))
        self.code_edit.setMaxLength(MAX_CODE + 1)  # with a "/" typed before it
        self.code_edit.setPlaceholderText(self.tr("e.g. kurs, typed as /kurs in the message"))
        self.category_combo = _named(QComboBox(self), "savedReplyCategory", self.tr("Message category"))
        self.category_combo.addItem(self.tr("Unchanged when inserted"), None)
        for category in MessageCategory:
            self.category_combo.addItem(category_label(category), category.value)
        self.channel_combo = _named(QComboBox(self), "savedReplyChannel", self.tr("Channel"))
        self.channel_combo.addItem(self.tr("Unchanged when inserted"), None)
        for channel in Channel:
            self.channel_combo.addItem(channel_label(channel), channel.value)
        self.subject_edit = _named(QLineEdit(self), "savedReplySubject", self.tr("Subject"))
        self.subject_edit.setPlaceholderText(self.tr("Optional; taken when the message has no subject yet"))
        self.body_edit = _named(QPlainTextEdit(self), "savedReplyBody", self.tr("Text"))
        self.body_edit.setTabChangesFocus(True)
        self.variable_button = _named(QToolButton(self), "savedReplyVariableButton", self.tr("Insert a variable"))
        self.variable_button.setText(self.tr("Insert variable"))
        self.variable_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        variables = QMenu(self.variable_button)
        for name in VARIABLES:
            action = variables.addAction(self.variable_label(name))
            action.triggered.connect(lambda _checked=False, n=name: self._insert_variable(n))
        self.variable_button.setMenu(variables)
        self.variables_hint = PlainLabel(self, "savedReplyVariablesHint", self.tr("About variables"))
        self.variables_hint.setText(self.tr(
            "Variables: {variables}. They are filled in when the reply is inserted. A fallback follows a "
            "bar, e.g. {example}; a variable with no value and no fallback stays marked in the message, "
            "which cannot be sent until it is replaced.").format(
                variables=_variables_text(VARIABLES), example="{{member.first_name|there}}"))
        self.usage_label = PlainLabel(self, "savedReplyUsage", self.tr("How often the reply was used"))
        self.save_button = _named(QPushButton(self.tr("Save"), self), "savedReplySaveButton",
                                  self.tr("Save the saved reply"))
        self.save_button.setDefault(True)
        self.message = PlainLabel(self, "savedRepliesMessage", self.tr("What happened"), lines=2)
        self.import_button = _named(QPushButton(self.tr("Import…"), self), "savedRepliesImportButton",
                                    self.tr("Import saved replies from a file"))
        self.export_button = _named(QPushButton(self.tr("Export…"), self), "savedRepliesExportButton",
                                    self.tr("Export the saved replies to a file"))
        close = QPushButton(self.tr("Close"), self)
        close.setObjectName("savedRepliesCloseButton")

        self.filter.textChanged.connect(lambda _text: self._show_list())
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.new_button.clicked.connect(self.new_reply)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button.clicked.connect(self.delete)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_file)
        close.clicked.connect(self.close)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.list, 1)
        list_buttons = QHBoxLayout()
        for button in (self.new_button, self.duplicate_button, self.delete_button):
            list_buttons.addWidget(button)
        list_buttons.addStretch(1)
        left_layout.addLayout(list_buttons)
        right = QWidget(self)
        form = QFormLayout(right)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Code"), self.code_edit)
        form.addRow(self.tr("Message category"), self.category_combo)
        form.addRow(self.tr("Channel"), self.channel_combo)
        form.addRow(self.tr("Subject"), self.subject_edit)
        form.addRow(self.tr("Text"), self.body_edit)
        variable_row = QHBoxLayout()
        variable_row.addWidget(self.variable_button, 0, Qt.AlignmentFlag.AlignTop)
        variable_row.addWidget(self.variables_hint, 1)
        form.addRow("", variable_row)
        form.addRow("", self.usage_label)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        form.addRow("", save_row)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setChildrenCollapsible(False)
        split.setSizes([360, 540])
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.resize(960, 620)
        self.new_reply()

    # -- texts ----------------------------------------------------------------------------------
    def variable_label(self, name: str) -> str:
        labels = {
            "member.first_name": self.tr("Member's first name"),
            "member.last_name": self.tr("Member's last name"),
            "member.customer_number": self.tr("Customer number"),
            "staff.name": self.tr("Staff member at the desk"),
            "studio.name": self.tr("Studio name"),
        }
        return labels.get(name, name) + "   {{" + name + "}}"

    def describe_problem(self, problem: Problem, detail: str | None) -> str:
        """Why a reply cannot be saved as written, in words."""
        sentences = {
            Problem.NAME: self.tr("Give the reply a name (up to {count} characters).").format(count=MAX_NAME),
            Problem.CODE: self.tr("The code is one short word of letters and digits (also - and _), up to "
                                  "{count} characters, e.g. kurs.").format(count=MAX_CODE),
            Problem.SUBJECT: self.tr("The subject is too long."),
            Problem.BODY: self.tr("Write the reply's text (up to {count} characters).").format(count=MAX_BODY),
            Problem.VARIABLE: self.tr("There is no variable {variable}; the variables are listed below the "
                                      "text.").format(variable="{{" + (detail or "") + "}}"),
            Problem.CATEGORY: self.tr("This version does not know the message category “{value}”.").format(
                value=detail or ""),
            Problem.CHANNEL: self.tr("This version does not know the channel “{value}”.").format(value=detail or ""),
            Problem.NUL: self.tr("The text contains a NUL character; remove it."),
        }
        return sentences[problem]

    def describe_file_problem(self, exc: ImportFileError) -> str:
        """Why a file cannot be imported, in words."""
        if exc.problem is FileProblem.INVALID_REPLY:
            reason = (self.describe_problem(exc.reply_problem, exc.detail) if exc.reply_problem is not None
                      else self.tr("It is not a saved reply."))
            if exc.name:
                return self.tr("Reply {position} in the file (“{name}”) cannot be saved as written. {reason}").format(
                    position=exc.position, name=exc.name, reason=reason)
            return self.tr("Reply {position} in the file cannot be saved as written. {reason}").format(
                position=exc.position, reason=reason)
        sentences = {
            FileProblem.UNREADABLE: self.tr("The file cannot be read ({reason}).").format(reason=exc.detail or ""),
            FileProblem.TOO_LARGE: self.tr("The file is too large for a set of saved replies."),
            FileProblem.NOT_JSON: self.tr("The file is damaged or not a JSON file."),
            FileProblem.FOREIGN: self.tr("The file is not an export of saved replies from studio-comm."),
            FileProblem.NEWER: self.tr("The file was exported by a newer version of studio-comm; update "
                                       "studio-comm on this computer to import it."),
            FileProblem.MALFORMED: self.tr("The file is an export of saved replies, but its list of replies is "
                                           "missing or damaged."),
            FileProblem.DUPLICATE_CODE: self.tr("Two replies in the file have the code /{code}; a code can stand "
                                                "for one reply only.").format(code=exc.detail or ""),
        }
        return sentences[exc.problem]

    def tell(self, text: str) -> None:
        self.message.setText(text)

    def _failed(self, exc: BaseException | str) -> None:
        self.tell(exc if isinstance(exc, str) else ErrorBanner.describe(exc))

    # -- the list -------------------------------------------------------------------------------
    def load(self, select_id: int | None = None, *, keep_form: bool = False):
        """Read the studio's replies (every desk's) and show them; keep or move the selection.
        `keep_form`: the form keeps what is typed in it (an edit that was not saved)."""
        keep = select_id if select_id is not None else (self.selected.id if self.selected else None)
        return self.tasks.run(self.replies.replies(), on_result=lambda found: self._loaded(found, keep, keep_form),
                              key=LIST)

    def _loaded(self, records: list[SavedReplyRecord], select_id: int | None, keep_form: bool) -> None:
        self.records = records
        if select_id is not None:
            self.selected = next((r for r in records if r.id == select_id), None)
            if self.selected is not None and not keep_form:
                self._fill_form(self.selected)
        self._show_list()

    def _show_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for record in matching(self.records, self.filter.text()) if self.filter.text().strip() else self.records:
            item = QTreeWidgetItem([record.name, f"/{record.code}", str(record.usage_count)])
            item.setData(0, Qt.ItemDataRole.UserRole, record.id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
            if self.selected is not None and record.id == self.selected.id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        for column in range(3):
            self.list.resizeColumnToContents(column)
        self._update_buttons()

    def item_of(self, reply_id: int) -> QTreeWidgetItem | None:
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item.data(0, Qt.ItemDataRole.UserRole) == reply_id:
                return item
        return None

    def _selection_changed(self) -> None:
        item = self.list.currentItem()
        reply_id = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.selected = next((r for r in self.records if r.id == reply_id), None)
        if self.selected is not None:
            self._fill_form(self.selected)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.duplicate_button.setEnabled(self.selected is not None)
        self.delete_button.setEnabled(self.selected is not None)
        self.export_button.setEnabled(bool(self.records))

    # -- the form -------------------------------------------------------------------------------
    def _fill_form(self, record: SavedReplyRecord) -> None:
        self.name_edit.setText(record.name)
        self.code_edit.setText(record.code)
        for combo, value in ((self.category_combo, record.category), (self.channel_combo, record.channel)):
            combo.setCurrentIndex(max(combo.findData(value), 0) if value else 0)
        self.subject_edit.setText(record.subject)
        self.body_edit.setPlainText(record.body)
        used = self.tr("Inserted %n time(s)", "", record.usage_count)
        if record.last_used_at is not None:
            used += " · " + self.tr("last on {when}").format(when=format_datetime(record.last_used_at))
        changed = self.tr("Last changed by {staff} at {workstation} on {when}").format(
            staff=record.updated_by or self.tr("(no name)"), workstation=record.updated_workstation or "?",
            when=format_datetime(record.updated_at))
        self.usage_label.setText(used + "\n" + changed)

    def new_reply(self) -> None:
        """An empty form for a new reply."""
        self.list.setCurrentItem(None)
        self.selected = None
        for edit in (self.name_edit, self.code_edit, self.subject_edit):
            edit.clear()
        self.body_edit.clear()
        self.category_combo.setCurrentIndex(0)
        self.channel_combo.setCurrentIndex(0)
        self.usage_label.setText("")
        self._update_buttons()
        self.name_edit.setFocus()

    def text(self) -> ReplyText:
        """What the form says."""
        category, channel = self.category_combo.currentData(), self.channel_combo.currentData()
        return ReplyText(self.name_edit.text(), self.code_edit.text(), self.subject_edit.text(),
                         self.body_edit.toPlainText(), MessageCategory(category) if category else None,
                         Channel(channel) if channel else None)

    def _insert_variable(self, name: str) -> None:
        self.body_edit.insertPlainText("{{" + name + "}}")
        self.body_edit.setFocus()

    # -- changes --------------------------------------------------------------------------------
    def save(self) -> None:
        text = self.text()
        try:
            text.checked()
        except ReplyTextError as exc:
            self.tell(self.describe_problem(exc.problem, exc.detail))
            return
        editing = self.selected
        work = self.replies.update(editing, text) if editing is not None else self.replies.create(text)
        self.save_button.setEnabled(False)

        def saved(record: SavedReplyRecord) -> None:
            self.save_button.setEnabled(True)
            self.selected = record
            self.tell(self.tr("Saved. Every desk of the studio offers it now."))
            self.load(record.id)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(exc, CodeTakenError):
                self.tell(self.tr("Another reply of the studio has the code /{code}; choose another code.").format(
                    code=exc.code))
            elif isinstance(exc, ReplyChangedError):
                # The other desk's version is kept; this text stays in the form to save over it knowingly.
                self.selected = exc.current
                if exc.current is None:
                    self.tell(self.tr("Not saved: this reply was deleted at another desk meanwhile. Save again "
                                      "to keep your text as a new reply."))
                else:
                    self.tell(self.tr("Not saved: this reply was changed at another desk meanwhile (see the list). "
                                      "Your text is still here; save again to replace that version with it."))
                self.load(keep_form=True)
            else:
                self.tell(self.tr("Not saved: {error}").format(error=ErrorBanner.describe(exc)))

        self.tasks.run(work, on_result=saved, on_error=failed)

    def duplicate(self) -> None:
        original = self.selected
        if original is None:
            return

        def done(copy: SavedReplyRecord) -> None:
            self.selected = copy
            self.tell(self.tr("Duplicated as /{code}; change its name, code and text as needed.").format(
                code=copy.code))
            self.load(copy.id)
            self.name_edit.setFocus()

        name = self.tr("{name} (copy)").format(name=original.name)
        self.tasks.run(self.replies.duplicate(original, name), on_result=done,
                       on_error=lambda exc: self.tell(self.tr("Not duplicated: {error}").format(
                           error=ErrorBanner.describe(exc))))

    def delete(self) -> None:
        if self.selected is not None:
            self.tasks.run(self._delete_flow(self.selected))

    async def _delete_flow(self, reply: SavedReplyRecord) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete saved reply"),
                          self.tr("Delete the saved reply “{name}” (/{code})? No desk of the studio will offer it "
                                  "any more.").format(name=reply.name, code=reply.code),
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("deleteSavedReplyConfirmation")
        box.setTextFormat(Qt.TextFormat.PlainText)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        delete.setObjectName("confirmDeleteSavedReplyButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if await ask(box) is not delete:
            return
        await self.replies.delete(reply)
        self.new_reply()
        self.tell(self.tr("Deleted “{name}”.").format(name=reply.name))
        self.load()

    def export(self) -> None:
        self.tasks.run(self._export_flow())

    async def _export_flow(self) -> None:
        dialog = save_file_dialog(self, "savedRepliesExportDialog", self.tr("Export saved replies"),
                                  self.tr("saved-replies.json"), self.tr("Saved replies (*.json)"))
        dialog.setDefaultSuffix("json")
        path = await ask(dialog)
        if path is None:
            return
        try:
            count = await self.replies.export_to(Path(path))
        except OSError as exc:
            self.tell(self.tr("Not exported: {error}").format(error=exc.strerror or ErrorBanner.describe(exc)))
            return
        self.tell(self.tr("%n saved reply(s) exported to {file}.", "", count).format(file=Path(path).name))

    def import_file(self) -> None:
        self.tasks.run(self._import_flow())

    async def _import_flow(self) -> None:
        dialog = QFileDialog(self, self.tr("Import saved replies"), "", self.tr("Saved replies (*.json)"))
        dialog.setObjectName("savedRepliesImportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        path = await ask(dialog)
        if path is None:
            return
        try:
            preview = await self.replies.preview_import(Path(path))
        except ImportFileError as exc:
            self.tell(self.tr("Nothing was imported. {reason}").format(reason=self.describe_file_problem(exc)))
            return
        if not preview.texts:
            self.tell(self.tr("The file holds no saved replies; nothing was imported."))
            return
        if preview.replacing:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Import saved replies"), self.tr(
                "The file has another text for %n of the studio's replies: {codes}. Importing replaces their "
                "texts at every desk.", "", len(preview.replacing)).format(
                    codes=", ".join("/" + code for code in preview.replacing)),
                QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("importSavedRepliesConfirmation")
            box.setTextFormat(Qt.TextFormat.PlainText)
            replace = box.addButton(self.tr("Import and replace"), QMessageBox.ButtonRole.AcceptRole)
            replace.setObjectName("confirmImportSavedRepliesButton")
            if await ask(box) is not replace:
                self.tell(self.tr("Nothing was imported."))
                return
        try:
            result = await self.replies.import_replies(preview.texts)
        except CodeTakenError:
            self.tell(self.tr("Nothing was imported: another desk changed the saved replies meanwhile. Import "
                              "the file again."))
            self.load()
            return
        self.tell(self.tr("Imported: {added} new, {updated} replaced, {unchanged} unchanged.").format(
            added=result.added, updated=result.updated, unchanged=result.unchanged))
        self.load()


def open_saved_replies_dialog(main_window: MainWindow) -> SavedRepliesDialog | None:
    """Show the saved replies of the main window's connected studio (menu entry)."""
    session = main_window.session
    if session is None or session.studio is None:
        main_window.tasks.report(SavedRepliesDialog.tr("Connect to a studio first."))  # type: ignore[call-arg,arg-type]
        return None
    dialog: SavedRepliesDialog | None = getattr(main_window, "saved_replies_dialog", None)
    if dialog is None:
        dialog = SavedRepliesDialog(session.saved_replies, TaskRunner(within=main_window.tasks), main_window)
        attach_to_main_window(main_window, "saved_replies_dialog", dialog)
    dialog.load()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
