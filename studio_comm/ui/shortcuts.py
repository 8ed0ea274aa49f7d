"""The keyboard shortcuts overview (Help ▸ Keyboard shortcuts, F1), read from the window.

Nothing is listed by hand, so the list cannot go stale: when it opens, the overview walks
the window's actions (its menus and window-wide actions), its buttons that have a shortcut
and its QShortcut objects, and lists each with what it does: an action's text, a button's
accessible name, a QShortcut's "What's this" text (`describe()` sets it; every QShortcut
gets one). Keys appear in the platform's words ("Strg+S" in German); several keys for one
thing share a row. The dedicated keys of some keyboards (Help, Refresh, Find) work too,
but are left out of the list: nobody looks them up.

`SAVED_REPLY_KEYS` inserts a saved reply from the compose area: Edit ▸ Insert saved reply
(`ui/saved_replies.py`) takes them, and the overview lists it like every other.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Insert a saved reply (the compose area's picker).
SAVED_REPLY_KEYS = QKeySequence("Ctrl+Shift+R")
# The first of Qt's keys that only some keyboards have (Help, Back, Refresh, Find, media keys).
_DEDICATED_KEYS = Qt.Key.Key_Help.value


@dataclass(frozen=True)
class Shortcut:
    """One thing the keyboard does, with every key that does it."""

    description: str
    keys: tuple[QKeySequence, ...]

    def keys_text(self) -> str:
        return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in self.keys)


def describe(shortcut: QShortcut, description: str) -> QShortcut:
    """Name what `shortcut` does, for the overview (and for "What's this")."""
    shortcut.setWhatsThis(description)
    return shortcut


def _plain(text: str) -> str:
    """A menu text without its accelerator and its trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()


def _listed(key: QKeySequence) -> bool:
    if key.isEmpty():
        return False
    first = key[0]  # type: ignore[index]  # a QKeyCombination; the stubs do not know QKeySequence.__getitem__
    return bool(first.keyboardModifiers()) or first.key().value < _DEDICATED_KEYS


def shortcuts_of(window: QWidget) -> list[Shortcut]:
    """Every shortcut of `window` and its children, in the order they were made."""
    found: dict[str, list[QKeySequence]] = {}

    def add(description: str, keys: list[QKeySequence]) -> None:
        listed = [key for key in keys if _listed(key)]
        if not listed:
            return
        known = found.setdefault(description.strip(), [])
        known += [key for key in listed if key not in known]

    for action in window.findChildren(QAction):
        add(_plain(action.text()), action.shortcuts())
    for button in window.findChildren(QAbstractButton):
        add(button.accessibleName() or _plain(button.text()), [button.shortcut()])
    for shortcut in window.findChildren(QShortcut):
        add(shortcut.whatsThis(), shortcut.keys())
    return [Shortcut(description, tuple(keys)) for description, keys in found.items()]


class ShortcutsDialog(QDialog):
    """The overview: keys and what they do, one row each."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        intro = QLabel(self.tr("Everything the keyboard does in this window. Enter in the search field opens the "
                               "member a card, barcode or customer number finds."), self)
        intro.setWordWrap(True)
        self.shortcuts = shortcuts_of(window)
        self.table = QTableWidget(len(self.shortcuts), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("What it does")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, shortcut in enumerate(self.shortcuts):
            self.table.setItem(row, 0, QTableWidgetItem(shortcut.keys_text()))
            self.table.setItem(row, 1, QTableWidgetItem(shortcut.description))
        self.table.horizontalHeader().resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what it does) as shown."""
        return [(self._text(row, 0), self._text(row, 1)) for row in range(self.table.rowCount())]

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""
