"""The audit history window: every consent change and message made through studio-comm, and
the consent changes made outside it that a webhook told of.

The filters (member: a customer number, id or part of a name; staff member; action; days)
go to the core's `AuditHistory`, which resolves the member through the review cache, turns
the days into times and reads the entries; this window shows and words what it answers.
The selected entry's full before/after is shown below the table. While the window is
open, entries made meanwhile show up without a click, one way for all of them: a consent
change or a message made at this desk (the app's `events()`), an entry another desk wrote
(`deskChanged` with `View.AUDIT`), and, back after a pause of the live updates, whatever
desk events may have been missed. Each re-reads with the current filter, coalesced
(`TaskRunner.refresh`: a burst of them costs two reads); the selected entry stays selected
(by its audit id) and, while in view, where it is on screen; otherwise the top row shown
stays in place, unless the table is at its very top, where the newest entries come in.
The filtered list exports to CSV like the review table. The newest query wins (a runner
key); like the review window, its runner runs within the main window's and its errors
show in its own banner.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QItemSelectionModel, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio_comm.core import export
from studio_comm.core.audit import AuditFilter, AuditHistory, AuditRecord
from studio_comm.core.desk_events import DeskChange, View
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.events import events
from studio_comm.ui.labels import date_pattern, format_datetime
from studio_comm.ui.models.audit_model import (
    COLUMNS,
    AuditModel,
    action_label,
    describe_side,
    member_text,
    outcome_label,
)
from studio_comm.ui.review_window import attach_to_main_window
from studio_comm.ui.tables import row_table, save_file_dialog, separator_combo, size_columns
from studio_comm.ui.tasks import TaskRunner, ask

if TYPE_CHECKING:
    from studio_comm.ui.main_window import MainWindow

FILTER_DELAY_MS = 250
ENTRIES = "audit.entries"  # the runner's key of the query that fills the table
ACTIONS = ("preferences", "preferences_external", "message")


class AuditWindow(QMainWindow):
    entriesChanged = Signal()

    def __init__(self, history: AuditHistory, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("auditWindow")
        self.setWindowTitle(self.tr("Audit history – studio-comm"))
        self.setAccessibleName(self.tr("Audit history"))
        self.history = history
        self.tasks = tasks
        self.error_banner = ErrorBanner(self)
        tasks.failed.connect(self.error_banner.show_error)

        self.member_filter = QLineEdit(self)
        self.member_filter.setObjectName("auditMemberFilter")
        self.member_filter.setAccessibleName(self.tr("Member"))
        self.member_filter.setPlaceholderText(self.tr("Member: number, id or name"))
        self.member_filter.setClearButtonEnabled(True)
        self.staff_filter = QComboBox(self)
        self.staff_filter.setObjectName("auditStaffFilter")
        self.staff_filter.setAccessibleName(self.tr("Staff member"))
        self.staff_filter.setEditable(True)
        staff_edit = self.staff_filter.lineEdit()
        assert staff_edit is not None  # an editable combo box always has its line edit
        staff_edit.setPlaceholderText(self.tr("Any staff member"))
        self.action_filter = QComboBox(self)
        self.action_filter.setObjectName("auditActionFilter")
        self.action_filter.setAccessibleName(self.tr("Action"))
        self.action_filter.addItem(self.tr("All actions"), None)
        for action in ACTIONS:
            self.action_filter.addItem(action_label(action), action)
        self.from_check = QCheckBox(self.tr("From"), self)
        self.from_check.setObjectName("auditFromCheck")
        self.from_date = self._date_edit("auditFromDate", self.tr("From date"),
                                         QDate.currentDate().addDays(-30))
        self.to_check = QCheckBox(self.tr("to"), self)
        self.to_check.setObjectName("auditToCheck")
        self.to_date = self._date_edit("auditToDate", self.tr("To date"), QDate.currentDate())

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.reload)
        self.member_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.staff_filter.currentTextChanged.connect(lambda _t: self._filter_timer.start())
        self.action_filter.currentIndexChanged.connect(self.reload)
        for widget in (self.from_check, self.to_check):
            widget.toggled.connect(self.reload)
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(lambda _d: self._filter_timer.start())
        events().preferencesChanged.connect(self._entries_added)
        events().messagesChanged.connect(self._entries_added)
        events().deskChanged.connect(self._desk_changed)
        events().liveResumed.connect(self._entries_added)  # another desk's entries may have come untold

        self.model = AuditModel(self)
        self.table_view = row_table(self, self.model, "auditTable", self.tr("Audit entries"))
        self.table_view.horizontalHeader().setStretchLastSection(True)
        widest = {
            "at": [format_datetime(datetime(2026, 12, 28, 22, 58))],
            "staff": ["M" * 8],
            "action": [action_label(a) for a in ACTIONS],
            "member": ["0000000 · " + "M" * 8],
            "outcome": [outcome_label(o) for o in ("saved", "blocked", "unknown")],
            "before": ["M" * 12],  # "after" takes the rest; both show all in the tooltip
        }
        size_columns(self.table_view, lambda column: widest.get(COLUMNS[column], []))
        self.table_view.selectionModel().selectionChanged.connect(self._show_details)

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("auditDetails")
        self.details.setAccessibleName(self.tr("Selected entry"))
        self.details.setReadOnly(True)

        self.separator_combo = separator_combo(self, "auditSeparator")
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setObjectName("auditExportButton")
        self.export_button.setAccessibleName(self.tr("Export audit history"))
        self.export_button.clicked.connect(self._choose_file)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCountLabel")

        filters = QHBoxLayout()
        filters.addWidget(self.member_filter, 2)
        filters.addWidget(self.staff_filter, 1)
        filters.addWidget(self.action_filter)
        filters.addWidget(self.from_check)
        filters.addWidget(self.from_date)
        filters.addWidget(self.to_check)
        filters.addWidget(self.to_date)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(QLabel(self.tr("Separator:"), self))
        bottom.addWidget(self.separator_combo)
        bottom.addWidget(self.export_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table_view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.error_banner)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)
        self.resize(1100, 640)

    def _date_edit(self, name: str, accessible: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value, self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(date_pattern())  # a four-digit year, like every date on screen
        return edit

    # -- loading ------------------------------------------------------------------------------
    def load(self) -> asyncio.Future[None]:
        """Load member names from the review cache, then the entries."""
        return self.tasks.run(self.history.load_members(), on_result=lambda _: self.reload())

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            member=self.member_filter.text(),
            staff=self.staff_filter.currentText(),
            action=self.action_filter.currentData(),
            first_day=_day(self.from_date) if self.from_check.isChecked() else None,
            last_day=_day(self.to_date) if self.to_check.isChecked() else None,
        )

    def reload(self) -> asyncio.Future[list[AuditRecord]]:
        return self.tasks.run(self.history.entries(self.current_filter()), on_result=self._show_entries, key=ENTRIES)

    def _entries_added(self, _customer_id: int | None = None) -> None:
        """Entries may have been written meanwhile: read again with the filter as it is then.
        Under the query's key, so a filter change meanwhile supersedes it or runs after it."""
        if self.isVisible():
            self.tasks.refresh(ENTRIES, lambda: self.history.entries(self.current_filter()),
                               on_result=self._show_entries)

    def _desk_changed(self, change: DeskChange) -> None:
        if View.AUDIT in change.views:
            self._entries_added(change.customer_id)

    def selected_audit_id(self) -> int | None:
        rows = self.table_view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()).id if rows else None

    def _show_entries(self, entries: list[AuditRecord]) -> None:
        selected, place = self.selected_audit_id(), self._place()
        self.model.set_entries(entries)
        self._update_staff_choices(entries)
        self.count_label.setText(self.tr("%n entries", "", len(entries)))
        self.export_button.setEnabled(bool(entries))
        self.details.clear()
        view = self.table_view
        view.doItemsLayout()  # the scroll range of the new rows, before scrolling among them
        if (row := self.model.row_of(selected)) is not None:
            view.selectionModel().setCurrentIndex(  # its details are shown again
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if place is not None and (row := self.model.row_of(place[0])) is not None:
            view.scrollTo(self.model.index(max(row - place[1], 0), 0), QAbstractItemView.ScrollHint.PositionAtTop)
        else:
            view.scrollToTop()
        self.entriesChanged.emit()

    def _place(self) -> tuple[int, int] | None:
        """What stays where it is on screen when the entries are read again: the selected
        entry if it is in view, else the top row if the table is scrolled, as (audit id,
        rows below the top row). None at the very top: the newest entries come in there."""
        view = self.table_view
        top = view.rowAt(0)
        if top < 0:
            return None
        bottom = view.rowAt(view.viewport().height() - 1)
        selected = view.selectionModel().selectedRows()
        if selected and top <= selected[0].row() and (bottom < 0 or selected[0].row() <= bottom):
            row = selected[0].row()
        elif view.verticalScrollBar().value() > view.verticalScrollBar().minimum():
            row = top
        else:
            return None
        return self.model.entry(row).id, row - top

    def _update_staff_choices(self, entries: list[AuditRecord]) -> None:
        known = {self.staff_filter.itemText(i) for i in range(self.staff_filter.count())}
        new = sorted({r.entry.staff for r in entries if r.entry.staff and r.entry.staff not in known},
                     key=str.casefold)
        if new:
            self.staff_filter.blockSignals(True)
            current = self.staff_filter.currentText()
            if self.staff_filter.count() == 0:
                self.staff_filter.addItem("")
            self.staff_filter.addItems(new)
            self.staff_filter.setCurrentText(current)
            self.staff_filter.blockSignals(False)

    def _show_details(self, *_args) -> None:
        rows = self.table_view.selectionModel().selectedRows()
        if not rows:
            self.details.clear()
            return
        record = self.model.record(rows[0].row())
        entry = record.entry
        lines = [
            f"{self.tr('Action')}: {action_label(entry.action)}",
            f"{self.tr('Member')}: {member_text(record)}",
            f"{self.tr('Outcome')}: {outcome_label(entry.outcome)}",
            f"{self.tr('Request ID')}: {entry.request_id}",
        ]
        if getattr(entry, "trace_id", None):
            lines.append(self.tr("Trace id: {trace_id}").format(trace_id=entry.trace_id))
        for side, title in (("before", self.tr("Before")), ("after", self.tr("After"))):
            text = describe_side(record, side)
            if text:
                lines += ["", f"{title}:", text]
        self.details.setPlainText("\n".join(lines))

    # -- export -------------------------------------------------------------------------------
    def export_csv(self, path: Path | str, delimiter: str | None = None) -> asyncio.Future[int]:
        records = [self.model.record(i) for i in range(self.model.rowCount())]
        entries = [r.entry for r in records]
        delimiter = delimiter or self.separator_combo.currentData()
        wording = export.Wording(
            headers={
                "at": self.tr("Time (UTC)"), "staff": self.tr("Staff"), "action": self.tr("Action"),
                "customer_id": self.tr("Customer ID"), "outcome": self.tr("Outcome"),
                "before": self.tr("Before"), "after": self.tr("After"),
                "request_id": self.tr("Request ID"), "workstation": self.tr("Workstation"),
            },
            action=action_label,
            outcome=outcome_label,
        )
        # Worded here, on the UI thread: the labels go through Qt's translation.
        worded = {(id(r.entry), side): describe_side(r, side) for r in records for side in ("before", "after")}

        async def write() -> int:
            return await asyncio.to_thread(
                export.write_audit_csv, Path(path), entries, delimiter=delimiter, wording=wording,
                describe=lambda e, side: worded[(id(e), side)])

        def written(count: int) -> None:
            self.statusBar().showMessage(self.tr("Exported {count} entries to {path}").format(
                count=QLocale().toString(count), path=str(path)), 10_000)

        return self.tasks.run(write(), on_result=written)

    def _choose_file(self) -> None:
        dialog = save_file_dialog(self, "auditExportDialog", self.tr("Export audit history"),
                                  f"audit-{datetime.now(UTC):%Y-%m-%d}.csv", self.tr("CSV files (*.csv)"))
        self.tasks.run(ask(dialog), on_result=lambda path: self.export_csv(path) if path else None)


def _day(edit: QDateEdit) -> date:
    """The edit's day as a Python date (QDate.toPython() is typed as returning object)."""
    day = edit.date()
    return date(day.year(), day.month(), day.day())


def open_audit_window(main_window: MainWindow) -> AuditWindow | None:
    """Show the audit history of the main window's connected studio (menu entry)."""
    session = main_window.session
    if session is None or session.studio is None:
        main_window.tasks.report(QCoreApplication.translate("AuditWindow", "Connect to a studio first."))
        return None
    window = getattr(main_window, "audit_window", None)
    if window is None:
        history = AuditHistory(session.journal, session.studio_id)
        window = AuditWindow(history, TaskRunner(within=main_window.tasks), main_window)
        attach_to_main_window(main_window, "audit_window", window)
        window.load()
    else:
        window.reload()  # entries made since it was last shown
    window.show()
    window.raise_()
    window.activateWindow()
    return window
