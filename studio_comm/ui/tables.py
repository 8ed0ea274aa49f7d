"""What the manager windows (consent review, audit history, campaigns, consent history)
share: read-only tables of rows set up one way, and their exports' separator choice and
save dialog.

Row heights and column widths are fixed, from the font, the titles and the widest value
a column can show: never measured from the rows, which ResizeToContents would do on every
paint (too slow at 10,000 of them).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QFileDialog, QHeaderView, QStyle, QTableView, QWidget


def row_table(parent: QWidget, model: QAbstractItemModel, name: str, accessible: str) -> QTableView:
    """A table of `model` whose rows are selected whole, one at a time."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def size_columns(view: QTableView, widest: Callable[[int], list[str]]) -> None:
    """Each column as wide as its title (every line of it, and a sort arrow) and as the
    texts `widest(column)` names, whichever is wider."""
    header = view.horizontalHeader()
    model, style = view.model(), header.style()
    cells, titles = view.fontMetrics(), header.fontMetrics()
    title_margin = (2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
                    + style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header))
    cell_margin = 2 * cells.averageCharWidth()
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = max(titles.horizontalAdvance(line) for line in title.split("\n")) + title_margin
        width = max([width] + [cells.horizontalAdvance(text) + cell_margin for text in widest(column)])
        header.resizeSection(column, width)


def separator_combo(parent: QWidget, name: str) -> QComboBox:
    """The CSV separator of an export (its data): a semicolon where the locale writes decimal
    commas, which is what a German Excel opens without asking."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(QCoreApplication.translate("Tables", "CSV separator"))
    combo.addItem(QCoreApplication.translate("Tables", "Comma"), ",")
    combo.addItem(QCoreApplication.translate("Tables", "Semicolon (German Excel)"), ";")
    if QLocale().decimalPoint() == ",":
        combo.setCurrentIndex(1)
    return combo


def save_file_dialog(parent: QWidget, name: str, title: str, suggested: str, pattern: str) -> QFileDialog:
    """The question where to save an export: `await ask(dialog)` answers the path or None."""
    dialog = QFileDialog(parent, title, suggested, pattern)
    dialog.setObjectName(name)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog
