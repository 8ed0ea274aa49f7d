"""A label for member and server text: plain text (never markup), word-wrapped, selectable.

Its minimum height follows its width. A splitter asks its panes only for their minimum
size, not for the height a wrapped text needs at the width they got, so without this a
long subject or a long explanation is cut off at the bottom when the window is small or
scaled. Up to MAX_WRAPPED_LINES: a longer text would make the window taller than the
screen, which is worse than a text cut off (it can still be selected and copied).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

MAX_WRAPPED_LINES = 5


class PlainLabel(QLabel):
    def __init__(self, parent: QWidget | None = None, name: str = "", accessible: str = "",
                 *, lines: int = 0):
        """`lines`: the height it keeps even when empty or shorter, so that what is
        below or beside it does not move when a message appears."""
        super().__init__(parent)
        self._lines = lines
        if name:
            self.setObjectName(name)
        if accessible:
            self.setAccessibleName(accessible)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        hint.setHeight(max(hint.height(), self._lines * self.fontMetrics().lineSpacing()))
        # Before it is shown its width is a placeholder, not the one the layout gives it.
        if self.isVisible() and self.text():
            most = MAX_WRAPPED_LINES * self.fontMetrics().lineSpacing() + 2 * self.margin()
            hint.setHeight(max(hint.height(), min(self.heightForWidth(self.width()), most)))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # the wrapped text may need more or fewer lines now
