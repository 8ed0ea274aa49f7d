"""Table model of customer search results and of the "Browse all" listing.

Rows are `api.models.Customer`s; Qt.UserRole of any cell gives the customer id (the
language-independent key), CUSTOMER_ROLE the Customer itself. In browse mode the model
pages through the studio's customers as the view scrolls: Qt calls canFetchMore/fetchMore,
and `fetchMore` asks the owner (through `set_pager`) to load the next page asynchronously.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from studio_comm.ui.icons import icon
from studio_comm.ui.labels import customer_status_label, format_date, plain_tooltip

if TYPE_CHECKING:  # the window is built before the API models are imported
    from studio_comm.api.models import Customer

CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 1

NAME, NUMBER, STATUS, EMAIL, BIRTH = range(5)

Index = QModelIndex | QPersistentModelIndex


class CustomerResultsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[Customer] = []
        self._request_more: Callable[[], None] | None = None
        self._loading = False

    # -- filling --------------------------------------------------------------------------
    def set_customers(self, customers: Sequence[Customer]) -> None:
        """Replace the rows (a search result); ends browse mode."""
        self.beginResetModel()
        self._rows = list(customers)
        self._request_more = None
        self._loading = False
        self.endResetModel()

    def set_pager(self, request_more: Callable[[], None] | None) -> None:
        """Browse mode: `request_more()` starts loading the next page, which ends with
        `append_page`; None when the last page has arrived."""
        self._request_more = request_more
        self._loading = False

    def append_page(self, customers: Sequence[Customer], *, last: bool) -> None:
        self._loading = False
        if last:
            self._request_more = None
        if customers:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(customers) - 1)
            self._rows.extend(customers)
            self.endInsertRows()

    def page_failed(self) -> None:
        # Stop asking; the owner shows the error and the user can press "Browse all" again.
        self._loading = False
        self._request_more = None

    def customer(self, row: int) -> Customer | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, customer_id: int) -> int:
        return next((i for i, c in enumerate(self._rows) if c.id == customer_id), -1)

    # -- Qt model contract ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._request_more is not None and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        request_more = self._request_more
        if request_more is not None and self.canFetchMore(parent):
            self._loading = True
            request_more()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 5:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("Name"),
                self.tr("Customer no."),
                self.tr("Status"),
                self.tr("Email"),
                self.tr("Date of birth"),
            )[section]
        if role == Qt.ItemDataRole.UserRole:
            return ("name", "customerNumber", "status", "email", "dateOfBirth")[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        customer = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(customer, column)
        if role == Qt.ItemDataRole.UserRole:
            return customer.id
        if role == CUSTOMER_ROLE:
            return customer
        if column == NAME and customer.access_refusal:
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("access-refused")
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Access refused: this person may not enter the studio at the moment.")
            if role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return self.tr("Access refused")
        if role == Qt.ItemDataRole.ToolTipRole and column in (NAME, EMAIL):
            return plain_tooltip(self._display(customer, column))
        return None

    def _display(self, customer: Customer, column: int) -> str:
        if column == NAME:
            return customer.display_name
        if column == NUMBER:
            return customer.customer_number or ""
        if column == STATUS:
            return customer_status_label(customer.status)
        if column == EMAIL:
            return customer.email or ""
        return format_date(customer.date_of_birth)
