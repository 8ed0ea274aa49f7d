"""The keyboard shortcuts overview (Help menu, F1): every shortcut the window has, read from
the window itself, with a word for what each does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication

from studio_comm.ui.shortcuts import SAVED_REPLY_KEYS, ShortcutsDialog, describe, shortcuts_of
from tests.fixtures.app import WAIT_MS


def native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def open_overview(qtbot, window) -> ShortcutsDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)  # shortcuts reach the active window only
    qtbot.keyClick(window.search_panel.search_edit, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "shortcuts_dialog", None) is not None
                    and window.shortcuts_dialog.isVisible(), timeout=WAIT_MS)
    return window.shortcuts_dialog


def test_f1_lists_what_the_desk_does_by_keyboard(qtbot, app_window):
    dialog = open_overview(qtbot, app_window)
    rows = dict((what, keys) for keys, what in dialog.rows())
    # The front desk's everyday work, each with a key.
    assert native("Ctrl+F") in rows["Find customer"]
    assert native("Ctrl+S") in rows["Save preferences"]
    assert native("F5") in rows["Refresh preferences"]
    assert native("Ctrl+Return") in rows["Send the message"] and native("Ctrl+Enter") in rows["Send the message"]
    assert native("Ctrl+N") in rows["Start a new thread"]
    assert native("Ctrl+H") in rows["Consent history of this member"]
    assert native(SAVED_REPLY_KEYS.toString()) in rows["Insert saved reply"]
    assert native("F1") in rows["Keyboard shortcuts"]
    assert all(what and keys for keys, what in dialog.rows()), "every row says its keys and what they do"
    dialog.close()


def test_the_overview_lists_every_shortcut_the_window_has(qtbot, app_window):
    """Read from the window: each key of each action, button and QShortcut is in it once
    (but the keys only some keyboards have, which Qt's standard bindings add)."""
    window = app_window
    dedicated = {QKeySequence(key) for key in (Qt.Key.Key_Refresh, Qt.Key.Key_Find, Qt.Key.Key_Help, Qt.Key.Key_Save)}
    every = [key for action in window.findChildren(QAction) for key in action.shortcuts()]
    every += [button.shortcut() for button in window.findChildren(QAbstractButton)]
    every += [key for shortcut in window.findChildren(QShortcut) for key in shortcut.keys()]
    expected = {key.toString(QKeySequence.SequenceFormat.NativeText) for key in every
                if not key.isEmpty() and key not in dedicated}
    listed = [key for shortcut in shortcuts_of(window) for key in shortcut.keys_text().split(", ")]
    assert len(listed) == len(set(listed)), "no key twice"
    assert set(listed) == expected
    assert len(expected) >= 10


def test_a_shortcut_added_later_appears_without_touching_the_overview(qtbot, app_window):
    """A QShortcut made after the window, with a description, is listed like the others."""
    window = app_window
    keys = QKeySequence("Ctrl+Alt+K")
    assert keys not in {k for s in shortcuts_of(window) for k in s.keys}
    later = describe(QShortcut(keys, window.conversation_panel), "Something added later")
    try:
        dialog = open_overview(qtbot, window)
        assert (native(keys.toString()), "Something added later") in dialog.rows()
        dialog.close()
    finally:
        later.setParent(None)
        later.deleteLater()
        QApplication.processEvents()
