"""The member's conversation threads as a table: subject, status, last activity.

Qt.UserRole of every cell is the thread's local (journal) id; ThreadRole gives the record.
Records come from core (journal ThreadRecord), newest activity first. Who is writing in a
thread at another desk (`set_writing`) shows before its subject, and as WritingRole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from studio_comm.ui.labels import format_datetime, plain_tooltip, thread_status_label

if TYPE_CHECKING:
    from studio_comm.journal.records import ThreadRecord

_Index = QModelIndex | QPersistentModelIndex


class ThreadListModel(QAbstractTableModel):
    SUBJECT, STATUS, LAST_ACTIVITY = range(3)
    IdRole = Qt.ItemDataRole.UserRole
    ThreadRole = Qt.ItemDataRole.UserRole + 1
    WritingRole = Qt.ItemDataRole.UserRole + 2  # "Jens P. is writing…", or None

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._threads: list = []
        self._writing: dict[int, str] = {}  # thread id -> who is writing in it at another desk

    def set_threads(self, threads: list) -> None:
        """Show `threads`; the same threads in the same order are updated in place (the
        selection stays where it is), anything else is laid out anew."""
        threads = list(threads)
        if [t.id for t in threads] == [t.id for t in self._threads]:
            self._threads = threads
            if threads:
                self.dataChanged.emit(self.index(0, 0), self.index(len(threads) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._threads = threads
        self.endResetModel()

    def set_writing(self, writing: dict[int, list[str]]) -> None:
        """thread id -> the staff names writing in it at other desks."""
        texts = {thread_id: self.tr("{names} is writing…").format(names=", ".join(names))
                 for thread_id, names in writing.items() if names}
        if texts != self._writing:
            self._writing = texts
            if self._threads:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._threads) - 1, 0))

    # Shadows QObject.thread() for Python callers (Qt's own C++ calls are unaffected); the
    # conversation panel looks threads up by this name.
    def thread(self, row: int) -> ThreadRecord | None:  # type: ignore[override]
        return self._threads[row] if 0 <= row < len(self._threads) else None

    def row_of(self, local_id: int) -> int:
        return next((i for i, t in enumerate(self._threads) if t.id == local_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._threads)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Subject"), self.tr("Status"), self.tr("Last activity"))[section] if 0 <= section < 3 else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._threads):
            return None
        thread = self._threads[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._text(thread, index.column())
            if index.column() == self.SUBJECT and (writing := self._writing.get(thread.id)):
                return f"{writing} · {text}"  # first: a narrow column elides the end
            return text
        if role == self.WritingRole:
            return self._writing.get(thread.id)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.SUBJECT:
            return plain_tooltip(str(self.data(index)))  # the whole subject, which the column may elide
        if role == self.IdRole:
            return thread.id
        if role == self.ThreadRole:
            return thread
        return None

    @staticmethod
    def _text(thread: ThreadRecord, column: int) -> str:
        if column == ThreadListModel.SUBJECT:
            return thread.subject or ""
        if column == ThreadListModel.STATUS:
            return thread_status_label(thread.status)
        return format_datetime(thread.last_activity)
