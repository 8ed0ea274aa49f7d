"""The customer search pane: one field for every kind of query, results as a table.

Keyboard first: typing searches after a short pause (the core decides whether the text is
a name, an email, a customer number, a card number or a birthday), Down moves into the
results, arrows move, Enter opens. "Browse all" lists the studio's members page by page
as the list scrolls.

Scan and go: Enter in the search field means "open it". A keyboard-wedge scanner types a
card number or barcode and Enter within milliseconds, before any search has run: Enter
searches at once, and when exactly one member matches, that member opens without a second
Enter (the text stays selected, so the next scan replaces it). Several matches or none:
the list and a message. What is typed (or scanned) before the studio is connected stays
in the field and is searched as soon as the connection is there, Enter included.

A search and each page of the listing run under one key of the window's runner: whatever
started last owns the result list, and an answer for an earlier one is dropped (the core's
own newest-wins rule is for callers without a runner, so this pane calls `run` directly).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api.enums import CustomerStatus
from studio_comm.ui.icons import icon
from studio_comm.ui.labels import customer_status_label, format_date
from studio_comm.ui.models.customer_results import BIRTH, EMAIL, NAME, NUMBER, STATUS, CustomerResultsModel
from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the window is built before the API models are imported
    from PySide6.QtCore import QModelIndex

    from studio_comm.api.models import Customer
    from studio_comm.core.session import StudioSession

SEARCH_PAUSE_MS = 300
RESULTS = "search.results"  # the runner's key of what fills the result list


class SearchPanel(QWidget):
    customerOpened = Signal(object)  # Customer

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.tasks = tasks
        self._session: StudioSession | None = None
        self._browse_pages: AsyncIterator[list[Customer]] | None = None  # while browsing
        self._searching: str | None = None  # the text of the search under way
        self._open_single = False  # Enter was pressed: open the member if exactly one matches
        self._waiting = False  # typed before the studio was connected: searched once it is

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("customerSearchEdit")
        self.search_edit.setAccessibleName(self.tr("Search customers"))
        self.search_edit.setPlaceholderText(
            self.tr("Name, email, customer no., card no. or birthday")
        )
        self.search_edit.setToolTip(
            self.tr(
                "Type a name (\"Anna Schmidt\" or \"Schm\"), an email address, a customer number,\n"
                "a card number or a date of birth; the search starts when you pause typing."
            )
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_edit.installEventFilter(self)

        self.browse_button = QPushButton(self.tr("Browse all"), self)
        self.browse_button.setObjectName("browseAllButton")
        self.browse_button.setAccessibleName(self.tr("Browse all members"))
        self.browse_button.setToolTip(self.tr("List all members, page by page as you scroll"))

        self.model = CustomerResultsModel(self)
        self.results_view = QTableView(self)
        self.results_view.setObjectName("customerResultsView")
        self.results_view.setAccessibleName(self.tr("Customer search results"))
        self.results_view.setModel(self.model)
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setAlternatingRowColors(True)
        self.results_view.setWordWrap(False)
        self.results_view.verticalHeader().hide()
        self.results_view.viewport().installEventFilter(self)
        self._fit_columns()
        self.results_view.activated.connect(self._open_index)

        self.status_label = PlainLabel(self, "searchStatus", self.tr("Search status"))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_PAUSE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.search_edit.textEdited.connect(self._text_edited)
        self.search_edit.returnPressed.connect(self._return_pressed)
        self.browse_button.clicked.connect(self.browse_all)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.results_view, 1)
        layout.addWidget(self.status_label)
        self.set_session(None)

    def _fit_columns(self) -> None:
        # Name and email share the width; the short columns get what their longest value
        # needs (measured, not ResizeToContents: that re-measures every row on each paint).
        view, header = self.results_view, self.results_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        cell, head = view.fontMetrics(), header.fontMetrics()
        samples = {
            NUMBER: ["0000000"],
            STATUS: [customer_status_label(s) for s in CustomerStatus],
            BIRTH: [format_date(date(2000, 12, 28))],
        }
        for column in range(self.model.columnCount()):
            if column in samples:
                title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
                width = max([cell.horizontalAdvance(t) for t in samples[column]] + [head.horizontalAdvance(title)])
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(column, width + 2 * cell.averageCharWidth() + 8)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        view.verticalHeader().setDefaultSectionSize(cell.height() + 10)
        self._share_width()

    def _share_width(self) -> None:
        # Name and email split what the short columns leave, the name first: staff find
        # people by name, and the full email is in the tooltip.
        view, header = self.results_view, self.results_view.horizontalHeader()
        fixed = sum(header.sectionSize(c) for c in (NUMBER, STATUS, BIRTH))
        free = max(view.viewport().width() - fixed - 1, 2 * header.minimumSectionSize())
        # Cells may elide, titles must not (a longer language scrolls rather than cuts them).
        titles = {c: str(self.model.headerData(c, Qt.Orientation.Horizontal) or "") for c in (NAME, EMAIL)}
        title = {c: header.fontMetrics().horizontalAdvance(text) + 12 for c, text in titles.items()}
        name = max(int(free * 0.55), header.minimumSectionSize(), title[NAME])
        header.resizeSection(NAME, name)
        header.resizeSection(EMAIL, max(free - name, header.minimumSectionSize(), title[EMAIL]))

    # -- session ---------------------------------------------------------------------------
    def set_session(self, session: StudioSession | None) -> None:
        self.tasks.drop(RESULTS)  # an answer from the previous studio
        self._session = session
        self._browse_pages = None
        self._searching = None
        self.model.set_customers([])
        connected = session is not None
        # The field stays open while connecting: what is typed meanwhile waits for the studio.
        self.browse_button.setEnabled(connected)
        self.status_label.setText("" if connected else self.tr("Connect to a studio to search."))
        if connected and self._waiting:
            self._waiting = False
            self.search_now(open_single=self._open_single)

    def focus_search(self, *, select: bool = True) -> None:
        """Put the cursor into the search field; `select`: select what is there (Ctrl+F),
        so the next keystroke replaces it."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if select:
            self.search_edit.selectAll()

    # -- searching -------------------------------------------------------------------------
    def _text_edited(self, _text: str) -> None:
        self._open_single = False  # an Enter pressed before was for the text as it was
        self._debounce.start()

    def search_now(self, *, open_single: bool = False) -> None:
        """Search what the field holds; `open_single`: open the member if exactly one matches."""
        self._debounce.stop()
        text = self.search_edit.text().strip()
        self._open_single = open_single and bool(text)
        if self._session is None:
            self._waiting = bool(text)
            self.status_label.setText(
                self.tr("“{text}” is searched as soon as the studio is connected.").format(text=text) if text
                else self.tr("Connect to a studio to search."))
            return
        self._stop_browsing()
        if not text:
            self.tasks.drop(RESULTS)  # nothing is asked for any more
            self._searching = None
            self.model.set_customers([])
            self.status_label.setText("")
            return
        self.status_label.setText(self.tr("Searching…"))
        self._searching = text
        search = self._session.search
        self.tasks.run(
            search.run(search.classify(text)),
            on_result=lambda customers: self._show_results(text, customers),
            on_error=self._search_failed,
            key=RESULTS,
        )

    def _show_results(self, text: str, customers: list[Customer]) -> None:
        self._searching = None
        open_single, self._open_single = self._open_single, False
        self.model.set_customers(customers)
        if not customers:
            self.status_label.setText(self.tr("No customer found for “{text}”.").format(text=text))
            return
        self.results_view.selectRow(0)
        if open_single and len(customers) == 1:
            self.status_label.setText(self.tr("%n customer(s) found", "", 1))
            self.search_edit.selectAll()  # the next scan replaces this one
            self.customerOpened.emit(customers[0])
        elif open_single:
            self.status_label.setText(
                self.tr("%n customer(s) match: choose one and press Enter.", "", len(customers)))
        else:
            self.status_label.setText(self.tr("%n customer(s) found", "", len(customers)))

    def _search_failed(self, exc: BaseException) -> None:
        self._searching = None
        self._open_single = False
        self.status_label.setText(self.tr("The search failed; see the message above."))
        self.tasks.report(exc)

    # -- browsing --------------------------------------------------------------------------
    def browse_all(self) -> None:
        if self._session is None:
            return
        self._debounce.stop()
        self._searching, self._open_single = None, False  # the listing owns the results now
        self.model.set_customers([])
        self._browse_pages = aiter(self._session.search.browse())
        self.model.set_pager(self._load_page)
        self.status_label.setText(self.tr("Loading members…"))
        self.model.fetchMore()

    def _load_page(self) -> None:
        pages = self._browse_pages
        if pages is None:
            return

        async def next_page() -> tuple[list[Customer], bool]:
            try:
                return await anext(pages), False
            except StopAsyncIteration:
                return [], True

        def arrived(result: tuple[list[Customer], bool]) -> None:
            page, last = result
            had_rows = self.model.rowCount() > 0
            self.model.append_page(page, last=last)
            if last:
                self._browse_pages = None
            if not had_rows and self.model.rowCount():
                self.results_view.selectRow(0)
            self.status_label.setText(
                self.tr("%n member(s) listed", "", self.model.rowCount())
                + ("" if last else " " + self.tr("(scroll for more)"))
            )
            # A page that does not fill the view leaves no scrollbar to trigger the next one.
            if not last and self.results_view.verticalScrollBar().maximum() == 0:
                QTimer.singleShot(0, self.model.fetchMore)

        def failed(exc: BaseException) -> None:
            self.model.page_failed()
            self._browse_pages = None
            self._search_failed(exc)

        self.tasks.run(next_page(), on_result=arrived, on_error=failed, key=RESULTS)

    def _stop_browsing(self) -> None:
        self._browse_pages = None
        self.model.set_pager(None)

    # -- opening ---------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        customer = self.model.customer(index.row())
        if customer is not None:
            self.customerOpened.emit(customer)

    def _return_pressed(self) -> None:
        if self._debounce.isActive() or self._session is None:
            self.search_now(open_single=True)  # a scan: the text has not been searched yet
            return
        if self._searching is not None and self._searching == self.search_edit.text().strip():
            self._open_single = True  # its answer is on the way: open what it finds
            return
        index = self.results_view.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self._open_index(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.results_view.viewport() and event.type() == QEvent.Type.Resize:
            self._share_width()
            return False
        # Down from the search field goes into the results, as in a browser's address bar.
        if (
            watched is self.search_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.results_view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.results_view.currentIndex().isValid():
                self.results_view.selectRow(0)
            return True
        return super().eventFilter(watched, event)
