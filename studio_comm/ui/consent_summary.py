"""Heat map of the consent review: share of members active per (category, channel).

Rows are categories, columns channels; each cell is shaded from white (nobody active)
to dark blue (everyone active): a single-hue scale that stays readable for colour-blind
readers and in greyscale print, with the percentage written in the cell. Cells outside
the current category/channel filter are drawn faded, cells no member carries are empty.
A click on a cell emits `cellClicked(category, channel)` (the review window narrows its
filter to it). The numbers behind each cell are in its tooltip and in `cell_text`, which
also serves as the accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from studio_comm.core.matrix import cell_order
from studio_comm.core.review import Cell, CellSummary
from studio_comm.ui.labels import category_label, cell_label, channel_label, plain_tooltip

_LOW = QColor("#f7fbff")
_HIGH = QColor("#08306b")
_GRID = QColor("#c8c8c8")
_PAD = 6


def _blend(share: float) -> QColor:
    share = min(max(share, 0.0), 1.0)
    return QColor(
        round(_LOW.red() + (_HIGH.red() - _LOW.red()) * share),
        round(_LOW.green() + (_HIGH.green() - _LOW.green()) * share),
        round(_LOW.blue() + (_HIGH.blue() - _LOW.blue()) * share),
    )


class ConsentSummary(QWidget):
    cellClicked = Signal(str, str)  # category, channel (wire values)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("consentSummary")
        self.setAccessibleName(self.tr("Share of members active per category and channel"))
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._summary: dict[Cell, CellSummary] = {}
        self._shown: set[Cell] = set()
        self._categories: list[str] = []
        self._channels: list[str] = []
        self._geometry: tuple[int, int, int, int] | None = None  # measured once per data/font

    # -- data -------------------------------------------------------------------------------
    def set_summary(self, summary: dict[Cell, CellSummary], shown: set[Cell] | None = None) -> None:
        cells = sorted(summary, key=cell_order)
        self._summary = dict(summary)
        self._shown = set(summary) if shown is None else set(shown)
        self._categories = list(dict.fromkeys(c[0] for c in cells))
        self._channels = sorted({c[1] for c in cells}, key=lambda ch: cell_order(("", ch)))
        self.setAccessibleDescription("\n".join(self.cell_text(c) for c in cells))
        self._geometry = None
        self.updateGeometry()
        self.update()

    def share(self, cell: Cell) -> float | None:
        summary = self._summary.get(cell)
        return None if summary is None or not summary.total else summary.share_active

    def cell_text(self, cell: Cell) -> str:
        s = self._summary.get(cell)
        title = cell_label(cell)
        if s is None:
            return self.tr("{cell}: no member has this channel").format(cell=title)
        return self.tr(
            "{cell}: {active} of {total} members active ({share:.0%}), {inactive} inactive, "
            "{absent} not offered, {fixed} fixed by the studio"
        ).format(cell=title, active=s.active, total=s.total, share=s.share_active,
                 inactive=s.inactive, absent=s.absent, fixed=s.fixed)

    # -- geometry ---------------------------------------------------------------------------
    def _metrics(self) -> tuple[int, int, int, int]:
        if self._geometry is None:
            self._geometry = self._measure()
        return self._geometry

    def _measure(self) -> tuple[int, int, int, int]:
        fm = QFontMetrics(self.font())
        label_width = max((fm.horizontalAdvance(category_label(c)) for c in self._categories),
                          default=0) + 2 * _PAD
        row_height = fm.height() + 2 * _PAD
        column_width = max([fm.horizontalAdvance(channel_label(c)) for c in self._channels]
                           + [fm.horizontalAdvance("100%")]) + 2 * _PAD
        return label_width, row_height, column_width, row_height

    def sizeHint(self) -> QSize:
        label_width, row_height, column_width, header = self._metrics()
        return QSize(label_width + column_width * max(len(self._channels), 1),
                     header + row_height * max(len(self._categories), 1) + 1)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _cell_rect(self, row: int, column: int) -> QRect:
        label_width, row_height, column_width, header = self._metrics()
        return QRect(label_width + column * column_width, header + row * row_height,
                     column_width, row_height)

    def cell_at(self, pos: QPoint) -> Cell | None:
        for r, category in enumerate(self._categories):
            for c, channel in enumerate(self._channels):
                if self._cell_rect(r, c).contains(pos):
                    return (category, channel)
        return None

    def cell_center(self, cell: Cell) -> QPoint:
        return self._cell_rect(self._categories.index(cell[0]),
                               self._channels.index(cell[1])).center()

    # -- painting and events ----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette_text = self.palette().windowText().color()
        label_width, row_height, column_width, header = self._metrics()
        for c, channel in enumerate(self._channels):
            rect = QRect(label_width + c * column_width, 0, column_width, header)
            painter.setPen(palette_text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, channel_label(channel))
        for r, category in enumerate(self._categories):
            rect = QRect(0, header + r * row_height, label_width - _PAD, row_height)
            painter.setPen(palette_text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             category_label(category))
            for c, channel in enumerate(self._channels):
                self._paint_cell(painter, self._cell_rect(r, c), (category, channel))
        painter.end()

    def _paint_cell(self, painter: QPainter, rect: QRect, cell: Cell) -> None:
        share = self.share(cell)
        painter.setPen(_GRID)
        if share is None:
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            return
        fill = _blend(share)
        if cell not in self._shown:
            fill.setAlpha(60)
        painter.fillRect(rect, fill)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        text_colour = QColor("white") if share > 0.55 else QColor("black")
        if cell not in self._shown:
            text_colour = QColor("#909090")
        painter.setPen(text_colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{share:.0%}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.LanguageChange):
            self._geometry = None  # labels and their widths changed
            self.updateGeometry()
        super().changeEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*cell)
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            cell = self.cell_at(event.pos())
            if cell is None:
                QToolTip.hideText()
            else:
                # A cell's text is never empty, so the tooltip is never None ("" would hide it).
                QToolTip.showText(event.globalPos(), plain_tooltip(self.cell_text(cell)) or "", self)
            return True
        return super().event(event)
