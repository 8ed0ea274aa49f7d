"""Table model of one member's communication preferences: categories x channels.

A view of the core `PreferenceEditor`: its snapshot (the last read from the server) gives
the rows, columns and each cell's state, and its intent (the cells changed but not saved)
what a box shows; the model keeps no copy of either. Each cell that exists is a checkbox;
a cell the category does not offer is visibly absent ("—", not checkable); a channel the
studio fixed shows its state locked; changed cells are highlighted until saved. Keys under
Qt.UserRole: headers give the enum's wire value, cells the `(category, channel)` pair of
wire values.

Checking a box emits `cellEdited(cell, active)`; the owner applies it to the editor (the
one place that decides that going back to the snapshot's value is no change), and calls
`intent_changed()` when the editor's intent changed otherwise (revert, a conflict settled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from studio_comm.ui.icons import icon
from studio_comm.ui.labels import category_label, channel_label, on_off, plain_tooltip

if TYPE_CHECKING:
    from studio_comm.api.models import Channel, MessageCategory
    from studio_comm.core.preferences import Cell, Matrix, PreferenceEditor

Index = QModelIndex | QPersistentModelIndex

ABSENT_TEXT = "—"
CHANGED_BACKGROUND = QColor("#ffe8a3")  # readable with dark text, distinct from selection


class PreferencesMatrixModel(QAbstractTableModel):
    cellEdited = Signal(object, bool)  # (category, channel) enums, new active value

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._editor: PreferenceEditor | None = None
        self._matrix: Matrix | None = None  # the editor's snapshot the rows were laid out for
        self._categories: list[MessageCategory] = []
        self._channels: list[Channel] = []
        self._editable = True

    # -- filling --------------------------------------------------------------------------
    @property
    def matrix(self) -> Matrix | None:
        return self._matrix

    def set_editor(self, editor: PreferenceEditor | None) -> None:
        """Show `editor`'s snapshot and intent (again, after it read a new snapshot)."""
        self.beginResetModel()
        self._editor = editor
        self._matrix = editor.matrix if editor is not None else None
        self._categories = list(self._matrix.categories) if self._matrix is not None else []
        self._channels = list(self._matrix.channels) if self._matrix is not None else []
        self.endResetModel()

    def intent_changed(self) -> None:
        """The editor's intent changed: every cell may look different (there are a few dozen)."""
        if self._categories and self._channels:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._categories) - 1, len(self._channels) - 1))

    def set_editable(self, editable: bool) -> None:
        """Read-only while a save or refresh is under way."""
        if editable != self._editable:
            self._editable = editable
            self.intent_changed()

    def cell(self, index: Index) -> Cell | None:
        if not index.isValid():
            return None
        return self._categories[index.row()], self._channels[index.column()]

    def _cell_at(self, index: Index) -> Cell:
        return self._categories[index.row()], self._channels[index.column()]

    def index_of(self, category: MessageCategory, channel: Channel) -> QModelIndex:
        return self.index(self._categories.index(category), self._channels.index(channel))

    def value(self, cell: Cell) -> bool | None:
        """The value shown: the intent if changed, else the snapshot's; None if absent."""
        return self._editor.value(cell) if self._editor is not None else None

    # -- Qt model contract ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._categories)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._channels)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        values = self._channels if orientation == Qt.Orientation.Horizontal else self._categories
        if not 0 <= section < len(values):
            return None
        value = values[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return channel_label(value)
            return category_label(value)
        if role == Qt.ItemDataRole.UserRole:
            return str(value.value)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        cell = self._cell_at(index)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._matrix is not None and self._present(cell) and not self._matrix.fixed(cell) and self._editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        matrix = self._matrix
        if not index.isValid() or matrix is None:
            return None
        cell = self._cell_at(index)
        category, channel = cell
        if role == Qt.ItemDataRole.UserRole:
            return (str(category.value), str(channel.value))
        present = self._present(cell)
        if not present:
            if role == Qt.ItemDataRole.DisplayRole:
                return ABSENT_TEXT
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Not offered for this category")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#8a8a8a"))
            return None
        value = bool(self.value(cell))
        changed = self._editor is not None and self._editor.changed(cell)
        fixed = matrix.fixed(cell)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole:
            if fixed:
                return icon("lock")
            if changed:
                return icon("changed")
            return None
        if role == Qt.ItemDataRole.BackgroundRole and changed:
            return QBrush(CHANGED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and changed:
            return QBrush(QColor("#000000"))
        if role == Qt.ItemDataRole.FontRole and changed:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            # A category or channel this version does not know shows the server's raw value.
            return plain_tooltip(self._describe(matrix, cell, value, changed, fixed))
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return self._describe(matrix, cell, value, changed, fixed)
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsUserCheckable:
            return False
        active = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.cellEdited.emit(self.cell(index), active)  # the owner hands it to the editor
        self.dataChanged.emit(index, index)
        return True

    # -- helpers ----------------------------------------------------------------------------
    def _present(self, cell: Cell) -> bool:
        return self._matrix is not None and self._matrix.setting(cell) is not None

    def _describe(self, matrix: Matrix, cell: Cell, value: bool, changed: bool, fixed: bool) -> str:
        category, channel = cell
        text = self.tr("{category} by {channel}: {state}").format(
            category=category_label(category), channel=channel_label(channel), state=on_off(value)
        )
        if fixed:
            text += "\n" + self.tr("Fixed by the studio: this channel cannot be changed here.")
        if changed:
            text += "\n" + self.tr("Changed, not saved yet (was {before}).").format(
                before=on_off(matrix.active(cell))
            )
        return text
