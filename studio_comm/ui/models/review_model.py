"""Table model of the consent review: one row per customer, one column per (category, channel).

The model only shows a `core.review.ReviewTable` that was filtered and sorted elsewhere
(off the UI thread, over plain lists): a QSortFilterProxyModel over a Python model takes
seconds at 10,000+ rows, resetting this model with a ready list takes milliseconds.
Keys under Qt.UserRole: a row's cells give the customer id in the fixed columns and the
cell state's value ("active", "inactive", "absent", "fixed_active", "fixed_inactive", or
None when unreadable) in the cell columns; the horizontal header gives the column key
("customer_number", "name", "status", "read_at") or the `(category, channel)` pair.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from studio_comm.core.review import CellState, ReviewRow, ReviewTable
from studio_comm.ui.labels import (
    category_label,
    cell_label,
    channel_label,
    customer_status_label,
    format_datetime,
    on_off,
    plain_tooltip,
)

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ReviewRow itself

FIXED_COLUMNS = ("customer_number", "name", "status", "read_at")
_STATE_COLOURS = {
    # Light tints that keep dark text readable; active and inactive differ in lightness
    # too, not only in hue, for colour-blind readers.
    CellState.ACTIVE: QColor("#cfe8d6"),
    CellState.FIXED_ACTIVE: QColor("#cfe8d6"),
    CellState.INACTIVE: QColor("#f6d5d1"),
    CellState.FIXED_INACTIVE: QColor("#f6d5d1"),
}


def state_text(state: CellState | None) -> str:
    translate = QCoreApplication.translate
    return {
        CellState.ACTIVE: on_off(True),
        CellState.INACTIVE: on_off(False),
        CellState.ABSENT: "—",
        CellState.FIXED_ACTIVE: translate("Review", "on (studio)"),
        CellState.FIXED_INACTIVE: translate("Review", "off (studio)"),
        None: translate("Review", "not read"),
    }[state]


def state_description(state: CellState | None) -> str:
    translate = QCoreApplication.translate
    return {
        CellState.ACTIVE: translate("Review", "Active"),
        CellState.INACTIVE: translate("Review", "Inactive"),
        CellState.ABSENT: translate("Review", "Not offered for this member"),
        CellState.FIXED_ACTIVE: translate("Review", "Active, fixed by the studio"),
        CellState.FIXED_INACTIVE: translate("Review", "Inactive, fixed by the studio"),
        None: translate("Review", "The preferences could not be read"),
    }[state]


def error_text(code: str | None) -> str:
    if code is None:
        return ""
    if code == "not_found":
        return QCoreApplication.translate(
            "Review", "Not found: the customer is gone or access is disabled")
    return QCoreApplication.translate("Review", "Could not be read ({code})").format(code=code)


# Role constants looked up once: data() runs for every visible cell and role on each
# paint, and attribute access on PySide's enums is slow.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_USER = Qt.ItemDataRole.UserRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ROLES = frozenset(int(r) for r in (_DISPLAY, _USER, _TOOLTIP, _BACKGROUND, _FONT, _ALIGNMENT, ROW_ROLE))
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_FIXED_COUNT = len(FIXED_COLUMNS)


class ReviewModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[ReviewRow] = []
        self._cells: list[tuple[str, str]] = []
        self._italic = QFont()
        self._italic.setItalic(True)
        # Keyed by CellState | None so a cell without a state (unreadable preferences) gets no brush.
        self._brushes: dict[CellState | None, QBrush] = {
            state: QBrush(colour) for state, colour in _STATE_COLOURS.items()
        }
        self._words: dict = {}  # state -> cell text, status -> label (per language)
        self._times: dict[int, str] = {}  # row -> read time as shown, filled as painted

    # -- filling --------------------------------------------------------------------------
    def set_table(self, table: ReviewTable) -> None:
        self.beginResetModel()
        self._rows = table.rows
        self._cells = list(table.cells)
        # Worded once per table (and so once per language switch), not per painted cell.
        self._words = {state: state_text(state) for state in (*CellState, None)}
        self._words.update({status: customer_status_label(status)
                            for status in {row.status for row in table.rows}})
        self._times = {}
        self.endResetModel()

    @property
    def cells(self) -> list[tuple[str, str]]:
        return list(self._cells)

    def row(self, row: int) -> ReviewRow:
        return self._rows[row]

    def column_key(self, column: int) -> str | tuple[str, str]:
        if column < _FIXED_COUNT:
            return FIXED_COLUMNS[column]
        return self._cells[column - _FIXED_COUNT]

    def column_of(self, key: str | tuple[str, str]) -> int:
        if isinstance(key, str):
            return FIXED_COLUMNS.index(key)
        return _FIXED_COUNT + self._cells.index(key)

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else _FIXED_COUNT + len(self._cells)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        key = self.column_key(section)
        if role == _USER:
            return key
        if role in (_DISPLAY, _TOOLTIP):
            if isinstance(key, tuple):
                if role == _DISPLAY:
                    # Two lines keep sixteen cell columns narrow enough to see at once.
                    return f"{category_label(key[0])}\n{channel_label(key[1])}"
                # A category or channel this version does not know shows the server's raw value.
                return plain_tooltip(cell_label(key))
            return {
                "customer_number": self.tr("Number"),
                "name": self.tr("Name"),
                "status": self.tr("Status"),
                "read_at": self.tr("Read at"),
            }[key]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        if role not in _ROLES or not index.isValid():
            return None
        r = index.row()
        row = self._rows[r]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if column < _FIXED_COUNT:
            return self._fixed_data(r, row, column, role)
        state = row.state(self._cells[column - _FIXED_COUNT])
        if role == _DISPLAY:
            return self._words[state]
        if role == _BACKGROUND:
            return self._brushes.get(state)
        if role == _ALIGNMENT:
            return _CENTER
        if role == _FONT:
            return self._italic if state is not None and state.fixed else None
        if role == _USER:
            return None if state is None else state.value
        return plain_tooltip(error_text(row.error) if state is None else state_description(state))  # tooltip

    def _fixed_data(self, r: int, row: ReviewRow, column: int, role: int) -> object:
        if role == _DISPLAY:
            if column == 0:
                return row.customer_number
            if column == 1:
                return row.name
            if column == 2:
                return self._words.get(row.status) or customer_status_label(row.status)
            text = self._times.get(r)
            if text is None:
                text = self._times[r] = format_datetime(row.read_at)
            return text
        if role == _USER:
            return row.customer_id
        if role == _TOOLTIP and row.error is not None:
            return plain_tooltip(error_text(row.error))
        return None
