"""The shape the manager windows' read-only tables share: rows set whole, columns named by
language-independent keys.

A subclass names its `COLUMNS` (keys) and their `titles()`, and reads its rows from
`self._rows`; `Qt.UserRole` of the header gives a column's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class KeyedRowsModel(QAbstractTableModel):
    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def titles(self) -> dict[str, str]:
        """Column key -> its title, translated."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        key = self.COLUMNS[section]
        if role == Qt.ItemDataRole.UserRole:
            return key
        if role == Qt.ItemDataRole.DisplayRole:
            return self.titles()[key]
        return None
