"""Saved replies in the compose area: the picker (Ctrl+Shift+R, `shortcuts.SAVED_REPLY_KEYS`),
`/code` typed in the text, and Send held back while a variable is left in the text.

`install_saved_replies(window)` is the whole integration: it finds the compose widgets by
their object names (composeSubject, composeBody, composeCategory, composeChannel,
sendButton, newThreadButton), adds the Edit menu's entries and watches what is typed.
The compose area and the conversation panel know nothing of saved replies.

- Inserting a reply fills its variables with the open member, the staff member at the
  desk and the studio at that moment, so staff see what goes out; the reply's category
  and channel become the compose area's choices, its subject the subject when none is
  written yet, and its use is counted.
- `/code` followed by a space, Enter or Tab is replaced by the reply of that code (Tab
  then stays in the text). The code is looked up in the journal when it is typed, so a
  reply another desk created a moment ago is found.
- A `{{variable}}` in the subject or text (left unfilled, or typed) is marked, and Send and
  New thread stay disabled, with the reason beside them, until it is replaced.

Start-up: this module is imported with the main window, so it imports Qt and ui/ only;
the picker and the management dialog (`ui/saved_reply_dialogs.py`, with core) and the
variables' rules (`core/templates.py`) are imported when first needed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QComboBox,
    QDialog,
    QLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.shortcuts import SAVED_REPLY_KEYS
from studio_comm.ui.tasks import ask

if TYPE_CHECKING:
    from studio_comm.core.saved_replies import SavedReplies
    from studio_comm.journal.records import SavedReplyRecord
    from studio_comm.ui.main_window import MainWindow

CODE_LOOKUP = "savedReplies.code"  # the runner's key: a newer `/code` supersedes the one before

# "/code" right before the cursor, at the start of the text or after a space (not in "24/7").
_CODE_BEFORE_CURSOR = re.compile(r"(?:^|(?<=\s))/([^\W_][\w-]*)$")
_TRIGGERS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


def install_saved_replies(window: MainWindow) -> SavedReplyHook:
    """Give the window's compose area saved replies (call once the menus are built)."""
    return SavedReplyHook(window)


def _find(window: QWidget, kind: type, name: str):
    widget = window.findChild(kind, name)
    if widget is None:
        raise LookupError(f"the window has no {kind.__name__} named {name}")
    return widget


def _layout_holding(layout: QLayout, widget: QWidget) -> QBoxLayout | None:
    """The box layout (nested anywhere in `layout`) that holds `widget` itself."""
    if isinstance(layout, QBoxLayout) and layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        item = layout.itemAt(i)
        child = item.layout() if item is not None else None
        if child is not None and (found := _layout_holding(child, widget)) is not None:
            return found
    return None


def _utf16_offset(text: str, index: int) -> int:
    # Qt's document positions count UTF-16 units: an emoji before a variable counts two.
    return len(text[:index].encode("utf-16-le")) // 2


class SavedReplyHook(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("savedReplyHook")
        self.main = window
        self.subject: QLineEdit = _find(window, QLineEdit, "composeSubject")
        self.body: QPlainTextEdit = _find(window, QPlainTextEdit, "composeBody")
        self.category: QComboBox = _find(window, QComboBox, "composeCategory")
        self.channel: QComboBox = _find(window, QComboBox, "composeChannel")
        self.send_buttons: list[QAbstractButton] = [_find(window, QPushButton, "sendButton"),
                                                    _find(window, QPushButton, "newThreadButton")]
        self.unfilled: list[str] = []  # the variables in the text now: while any, Send is held back
        self._missed: tuple[int, str] | None = None  # where a `/code` was typed that no reply has
        self._transient = False  # the notice says what became of a `/code`, until the next edit
        self._wanted: dict[QAbstractButton, bool] = {}  # what the panel wants each button to be
        self._holding = False

        # Beside Send: why it is held back, or what became of a `/code`.
        self.notice = PlainLabel(None, "savedReplyNotice", self.tr("Saved reply notice"))
        self.notice.hide()
        area = self.send_buttons[0].parentWidget()
        outer = area.layout() if area is not None else None
        row = _layout_holding(outer, self.send_buttons[1]) if outer is not None else None
        if row is None:
            raise LookupError("the compose area's buttons are not in a row of its layout")
        row.insertWidget(row.indexOf(self.send_buttons[1]), self.notice, 1)

        self.subject.textChanged.connect(self._check)
        self.body.textChanged.connect(self._check)
        self.body.installEventFilter(self)
        for button in self.send_buttons:
            button.installEventFilter(self)
        self._build_menu()

    # -- the menu ----------------------------------------------------------------------------
    def _build_menu(self) -> None:
        bar = self.main.menuBar()
        menu = QMenu(self.tr("&Edit"), bar)
        menu.setObjectName("editMenu")
        menus = [a for a in bar.actions() if a.menu() is not None]
        if len(menus) > 1:
            bar.insertMenu(menus[1], menu)  # after File, where an Edit menu belongs
        else:
            bar.addMenu(menu)
        self.insert_action = QAction(self.tr("&Insert saved reply…"), self.main)
        self.insert_action.setObjectName("insertSavedReplyAction")
        self.insert_action.setShortcut(SAVED_REPLY_KEYS)
        self.insert_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.insert_action.triggered.connect(self.open_picker)
        self.manage_action = QAction(self.tr("&Saved replies…"), self.main)
        self.manage_action.setObjectName("savedRepliesAction")
        self.manage_action.triggered.connect(self.open_manager)
        menu.addAction(self.insert_action)
        menu.addAction(self.manage_action)
        self.main.addAction(self.insert_action)  # the shortcut works with the menu bar hidden too

    def _use_case(self) -> SavedReplies | None:
        session = self.main.session
        return session.saved_replies if session is not None and session.studio is not None else None

    # -- inserting ---------------------------------------------------------------------------
    def open_picker(self) -> None:
        """Choose a reply (search by name, code or text) and insert it at the cursor."""
        if self._use_case() is None:
            self.main.tasks.report(self.tr("Connect to a studio first."))
        elif self.main.customer is None or not self.body.isEnabled():
            self.main.tasks.report(self.tr("Open a member first: a saved reply is inserted into a message to them."))
        else:
            self.main.tasks.run(self._pick())

    async def _pick(self) -> None:
        from studio_comm.ui.saved_reply_dialogs import SavedReplyPicker

        replies, customer = self._use_case(), self.main.customer
        if replies is None:
            return
        picker = SavedReplyPicker(lambda reply: replies.fill(reply, customer), self.main)
        self.main.tasks.run(replies.replies(), on_result=picker.set_replies, on_error=picker.failed)
        if await ask(picker) == QDialog.DialogCode.Accepted and picker.chosen is not None:
            if self._use_case() is replies and self.main.customer is customer:
                cursor = self.body.textCursor()
                self.insert(picker.chosen, cursor)
                self.body.setTextCursor(cursor)  # typing goes on after the reply
                self.body.setFocus(Qt.FocusReason.OtherFocusReason)

    def insert(self, reply: SavedReplyRecord, cursor: QTextCursor) -> None:
        """Put `reply`, filled in for the open member, in place of the cursor's selection."""
        replies = self._use_case()
        if replies is None:
            return
        filled = replies.fill(reply, self.main.customer)
        cursor.insertText(filled.body.text)
        if filled.subject.text.strip() and not self.subject.text().strip():
            self.subject.setText(filled.subject.text)
        for combo, value in ((self.category, reply.category), (self.channel, reply.channel)):
            if value and (row := combo.findData(value)) >= 0:
                combo.setCurrentIndex(row)
        self.main.tasks.run(replies.used(reply))

    def _code_before_cursor(self) -> tuple[QTextCursor, str] | None:
        """The `/code` that ends at the cursor, as a cursor selecting it, and the code."""
        cursor = self.body.textCursor()
        if cursor.hasSelection():
            return None
        block = cursor.block()
        before = block.text()[:cursor.positionInBlock()]
        match = _CODE_BEFORE_CURSOR.search(before)
        if match is None:
            return None
        typed = QTextCursor(cursor)
        typed.setPosition(block.position() + _utf16_offset(before, match.start()))
        typed.setPosition(cursor.position(), QTextCursor.MoveMode.KeepAnchor)
        typed.setKeepPositionOnInsert(True)  # the space or Enter typed next is not part of the code
        return typed, match.group(1)

    def _expand(self, typed: QTextCursor, code: str) -> None:
        replies = self._use_case()
        if replies is None or self.main.customer is None:
            return
        written = typed.selectedText()

        def found(reply: SavedReplyRecord | None) -> None:
            if reply is None:
                self._missed = (typed.anchor(), written)
                self._say(self.tr("No saved reply has the code /{code}.").format(code=code), transient=True)
            elif typed.selectedText() == written and self._use_case() is replies:  # still there as typed
                self.insert(reply, typed)

        self.main.tasks.run(replies.find_code(code), on_result=found, key=CODE_LOOKUP)

    # -- unfilled variables ------------------------------------------------------------------
    def _check(self) -> None:
        subject, body = self.subject.text(), self.body.toPlainText()
        spans: list[tuple[int, int, str]] = []
        names: list[str] = []
        if "{{" in subject + body:  # else nothing to import for (the window may be starting)
            from studio_comm.core.templates import unfilled, unfilled_at

            spans = unfilled_at(body)
            names = list(dict.fromkeys(unfilled(subject) + [name for _, _, name in spans]))
        self._mark(body, spans)
        if names != self.unfilled or self._transient:
            self.unfilled = names
            self._hold(bool(names))
            self._say(self.tr("Not ready to send: replace {variables} with the right text.").format(
                variables=", ".join("{{" + name + "}}" for name in names)) if names else "")

    def _mark(self, body: str, spans: list[tuple[int, int, str]]) -> None:
        marks = []
        for start, end, _name in spans:
            mark = QTextEdit.ExtraSelection()
            mark.cursor = QTextCursor(self.body.document())
            mark.cursor.setPosition(_utf16_offset(body, start))
            mark.cursor.setPosition(_utf16_offset(body, end), QTextCursor.MoveMode.KeepAnchor)
            look = QTextCharFormat()
            look.setBackground(QColor(255, 214, 102))
            look.setForeground(QColor(0, 0, 0))
            look.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            look.setUnderlineColor(QColor(200, 0, 0))
            mark.format = look
            marks.append(mark)
        self.body.setExtraSelections(marks)

    def _say(self, text: str, *, transient: bool = False) -> None:
        if transient and self.unfilled:
            return  # the reason Send is held back comes first
        self._transient = transient
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _hold(self, hold: bool) -> None:
        """Disable Send and New thread while `hold`; then give them back as the panel left them."""
        if hold == self._holding:
            return
        self._holding = hold
        for button in self.send_buttons:
            if hold:
                self._wanted[button] = not button.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
                button.setEnabled(False)
            else:
                button.setEnabled(self._wanted.pop(button, True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.body and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            plain = modifiers == Qt.KeyboardModifier.NoModifier or (
                event.key() == Qt.Key.Key_Space and modifiers == Qt.KeyboardModifier.ShiftModifier)
            if plain and event.key() in _TRIGGERS and (code := self._code_before_cursor()) is not None:
                typed, name = code
                if event.key() == Qt.Key.Key_Tab and self._missed == (typed.anchor(), typed.selectedText()):
                    return False  # Tab again after "no such code": leave the text as Tab does
                self._expand(typed, name)
                return event.key() == Qt.Key.Key_Tab  # Tab expands here instead of leaving the text
        elif (self._holding and event.type() == QEvent.Type.EnabledChange
              and isinstance(watched, QAbstractButton) and watched in self.send_buttons
              and watched.isEnabled()):
            # The panel enabled it (a send ended, a member opened): remember that, keep it held.
            self._wanted[watched] = True
            watched.setEnabled(False)
        return False

    # -- managing ----------------------------------------------------------------------------
    def open_manager(self) -> None:
        """The dialog that creates, edits, duplicates, deletes, exports and imports replies."""
        from studio_comm.ui.saved_reply_dialogs import open_saved_replies_dialog

        open_saved_replies_dialog(self.main)
