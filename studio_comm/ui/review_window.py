"""The consent review window: read every member's preferences, then filter, summarise, export.

The review runs as a task on the qasync loop (`core.review.ConsentReview`): the progress
bar shows count, rate and time left, Cancel stops it after the rows read so far are
cached, Resume continues without reading them again. The table and the heat map come
from the cache; every filter or sort change recomputes a `ReviewTable` on a worker thread
(plain lists, no proxy model) and resets the model with it, so 10,000 rows never hold up
the UI thread. Rows arriving during a run are merged and shown at most once a second;
the newest table computed wins (a runner key), an older one finishing late is dropped.
The window's runner runs within the main window's, so shutting down waits for a
cancelled run to cache what it read; its errors show in this window's own banner.

Live updates (the app's hub): a member whose consent a webhook says changed is marked
stale in the table and read again in the background, one at a time through the review's
own gate (the request budget a run keeps too), so the review stays current without a
full pass; one whose access was disabled, or who was deleted, is marked so (the cache
keeps their last read). Desks share the cache: when another desk cached a member's row
(`deskChanged` with `View.REVIEW`), the loaded table takes that row from the cache, no
API call; a burst of them is read in two goes (`TaskRunner.refresh`), the selection
kept. Back after a pause of the live updates, the loaded table reads the whole cache
again once, since desk events may have been missed meanwhile. This desk's own reads
name its workstation, so they do not come back to it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api import errors
from studio_comm.api.enums import CustomerStatus
from studio_comm.core import export
from studio_comm.core.desk_events import DeskChange, View
from studio_comm.core.review import (
    ACCESS_DISABLED,
    NOT_FOUND,
    Cell,
    CellState,
    ConsentReview,
    ReviewFilter,
    ReviewOutcome,
    ReviewProgress,
    ReviewRow,
    ReviewTable,
    build_table,
    utc_now,
)
from studio_comm.ui.consent_summary import ConsentSummary
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.events import events
from studio_comm.ui.labels import category_label, cell_label, channel_label, customer_status_label, format_datetime
from studio_comm.ui.models.review_model import ReviewModel, error_text, state_description, state_text
from studio_comm.ui.tables import row_table, save_file_dialog, separator_combo, size_columns
from studio_comm.ui.tasks import TaskRunner, ask

if TYPE_CHECKING:
    from studio_comm.journal.feed import FeedEvent
    from studio_comm.ui.audit_window import AuditWindow
    from studio_comm.ui.campaign_window import CampaignWindow
    from studio_comm.ui.consent_history import ConsentHistoryWindow
    from studio_comm.ui.main_window import MainWindow
    from studio_comm.ui.saved_reply_dialogs import SavedRepliesDialog

    # The windows the main window owns one of each, retired when the studio changes.
    OwnedWindow: TypeAlias = "ReviewWindow | AuditWindow | CampaignWindow | ConsentHistoryWindow | SavedRepliesDialog"

log = logging.getLogger(__name__)

TABLE = "review.table"  # the runner's key of the table being computed
CACHED = "review.cached"  # the runner's key of the re-read of rows other desks cached

LIVE_UPDATE_MS = 1000  # rows arriving during a run are shown at most this often
TEXT_FILTER_DELAY_MS = 200  # typing pauses this long before the table is filtered

# State filter choices: a label key and the states it keeps.
STATE_CHOICES = {
    "any": frozenset(),
    "active": frozenset({CellState.ACTIVE, CellState.FIXED_ACTIVE}),
    "inactive": frozenset({CellState.INACTIVE, CellState.FIXED_INACTIVE}),
    "absent": frozenset({CellState.ABSENT}),
    "fixed": frozenset({CellState.FIXED_ACTIVE, CellState.FIXED_INACTIVE}),
}

# (customer id, target file) -> writes that member's data-protection export
MemberExporter = Callable[[int, Path], Awaitable[object]]


def describe_age(seconds: float) -> str:
    translate = QCoreApplication.translate
    minutes = int(seconds // 60)
    if minutes < 1:
        return translate("Review", "less than a minute")
    # Plurals through tr(): pyside6-lupdate misses the count of translate(context, text, "", n).
    # (Qt's stubs declare tr() for instances only, hence the type: ignore of these calls.)
    if minutes < 120:
        return ReviewWindow.tr("%n minute(s)", "", minutes)  # type: ignore[arg-type]
    hours = minutes // 60
    if hours < 48:
        return ReviewWindow.tr("%n hour(s)", "", hours)  # type: ignore[arg-type]
    return ReviewWindow.tr("%n day(s)", "", hours // 24)  # type: ignore[arg-type]


def describe_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return ReviewWindow.tr("%n second(s)", "", seconds)  # type: ignore[arg-type]
    return describe_age(seconds)


class ReviewWindow(QMainWindow):
    tableChanged = Signal()  # the model was reset with a new table
    reviewFinished = Signal(object)  # ReviewOutcome, also after a cancel

    def __init__(self, review: ConsentReview, tasks: TaskRunner, parent: QWidget | None = None,
                 *, member_exporter: MemberExporter | None = None):
        """`tasks`: this window's runner; in the app it runs within the main window's."""
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.setWindowTitle(self.tr("Consent review – studio-comm"))
        self.setAccessibleName(self.tr("Consent review"))
        self.review = review
        self.member_exporter = member_exporter
        self.tasks = tasks
        self._rows: dict[int, ReviewRow] = {}
        self._table: ReviewTable | None = None
        self._sort: tuple[str | Cell, bool] = ("name", False)
        self._run_task: asyncio.Future[ReviewOutcome] | None = None
        self.last_outcome: ReviewOutcome | None = None
        self.last_progress: ReviewProgress | None = None
        self._stale: dict[int, None] = {}  # members to read again, oldest change first
        self._rereading: asyncio.Future[None] | None = None
        # Members whose row another desk cached, to read from the cache; None: the whole cache.
        self._cached_elsewhere: dict[int, None] | None = {}

        self.error_banner = ErrorBanner(self)
        tasks.failed.connect(self.error_banner.show_error)
        self._build_run_controls()
        self._build_filters()
        self.summary = ConsentSummary(self)
        self.summary.cellClicked.connect(self._summary_clicked)
        self.model = ReviewModel(self)
        self.table_view = row_table(self, self.model, "reviewTable",
                                    self.tr("Members by category and channel"))
        header = self.table_view.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._header_clicked)
        self.table_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._build_export_controls()

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.error_banner)
        layout.addLayout(self._run_row)
        layout.addLayout(self._progress_row)
        layout.addWidget(self.age_label)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table_view, 1)
        layout.addLayout(self._export_row)
        self.setCentralWidget(central)
        self.resize(1100, 760)

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_UPDATE_MS)
        self._live_timer.timeout.connect(self.rebuild)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_FILTER_DELAY_MS)
        self._text_timer.timeout.connect(self.rebuild)
        events().preferencesChangedOutside.connect(self._changed_outside)
        events().customerUnavailable.connect(self._customer_unavailable)
        events().deskChanged.connect(self._desk_changed)
        events().liveResumed.connect(self._live_resumed)
        self._update_buttons()

    # -- construction -------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot: Callable[[], object], accessible: str | None = None) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible or text.replace("…", ""))
        button.clicked.connect(slot)
        return button

    def _build_run_controls(self) -> None:
        self.status_boxes: dict[str, QCheckBox] = {}
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Read:"), self))
        for status in CustomerStatus:
            box = QCheckBox(customer_status_label(status), self)
            box.setObjectName(f"reviewStatus_{status.value}")
            box.setChecked(status == CustomerStatus.MEMBER)
            box.toggled.connect(self._update_buttons)
            self.status_boxes[status.value] = box
            row.addWidget(box)
        row.addSpacing(12)
        self.start_button = self._button("reviewStartButton", self.tr("Read all"), self.start)
        self.start_button.setToolTip(self.tr("Read the preferences of every customer of the chosen kinds"))
        self.resume_button = self._button("reviewResumeButton", self.tr("Resume"), self.resume)
        self.resume_button.setToolTip(self.tr("Continue the cancelled review without reading again what it has"))
        self.cancel_button = self._button("reviewCancelButton", self.tr("Cancel"), self.cancel)
        row.addWidget(self.start_button)
        row.addWidget(self.resume_button)
        row.addWidget(self.cancel_button)
        row.addSpacing(12)
        self.max_age_spin = QSpinBox(self)
        self.max_age_spin.setObjectName("reviewMaxAge")
        self.max_age_spin.setAccessibleName(self.tr("Maximum age"))
        self.max_age_spin.setRange(1, 999)
        self.max_age_spin.setValue(7)
        self.max_age_unit = QComboBox(self)
        self.max_age_unit.setObjectName("reviewMaxAgeUnit")
        self.max_age_unit.setAccessibleName(self.tr("Unit of the maximum age"))
        self.max_age_unit.addItem(self.tr("hours"), 3600)
        self.max_age_unit.addItem(self.tr("days"), 86400)
        self.max_age_unit.setCurrentIndex(1)
        self.refresh_old_button = self._button(
            "reviewRefreshOldButton", self.tr("Refresh older than"), self.refresh_old)
        row.addWidget(self.refresh_old_button)
        row.addWidget(self.max_age_spin)
        row.addWidget(self.max_age_unit)
        row.addStretch(1)
        self.refresh_member_button = self._button(
            "reviewRefreshMemberButton", self.tr("Refresh selected member"), self.refresh_selected)
        row.addWidget(self.refresh_member_button)
        self._run_row = row

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("reviewProgress")
        self.progress_bar.setAccessibleName(self.tr("Review progress"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("reviewProgressLabel")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.progress_label, 2)
        self._progress_row = progress_row

        self.age_label = QLabel(self)
        self.age_label.setObjectName("reviewAgeLabel")
        self.age_label.setTextFormat(Qt.TextFormat.PlainText)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        return combo

    def _build_filters(self) -> None:
        row = QHBoxLayout()
        self.category_filter = self._combo("reviewCategoryFilter", self.tr("Category"))
        self.category_filter.addItem(self.tr("All categories"), None)
        self.channel_filter = self._combo("reviewChannelFilter", self.tr("Channel"))
        self.channel_filter.addItem(self.tr("All channels"), None)
        self.state_filter = self._combo("reviewStateFilter", self.tr("State"))
        for key, text in (
            ("any", self.tr("Any state")),
            ("active", self.tr("Active")),
            ("inactive", self.tr("Inactive")),
            ("absent", self.tr("Not offered")),
            ("fixed", self.tr("Fixed by the studio")),
        ):
            self.state_filter.addItem(text, key)
        self.status_filter = self._combo("reviewStatusFilter", self.tr("Status"))
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status in CustomerStatus:
            self.status_filter.addItem(customer_status_label(status), status.value)
        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("reviewTextFilter")
        self.text_filter.setAccessibleName(self.tr("Name or number"))
        self.text_filter.setPlaceholderText(self.tr("Name or number"))
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(lambda _text: self._text_timer.start())
        for combo in (self.category_filter, self.channel_filter, self.state_filter,
                      self.status_filter):
            row.addWidget(combo)
            combo.currentIndexChanged.connect(self.rebuild)
        row.addWidget(self.text_filter, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("reviewCountLabel")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.count_label)
        self._filter_row: QHBoxLayout = row

    def _build_export_controls(self) -> None:
        row = QHBoxLayout()
        self.separator_combo = separator_combo(self, "reviewSeparator")
        self.export_button = self._button(
            "reviewExportButton", self.tr("Export table…"), self._choose_csv_file)
        self.member_export_button = self._button(
            "reviewMemberExportButton", self.tr("Export member data…"), self._choose_member_file)
        self.member_export_button.setToolTip(self.tr(
            "Everything studio-comm holds about the selected member, in one file "
            "(for a data-protection request)"))
        row.addWidget(QLabel(self.tr("Separator:"), self))
        row.addWidget(self.separator_combo)
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(self.member_export_button)
        self._export_row = row

    # -- state --------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._run_task is not None and not self._run_task.done()

    @property
    def table(self) -> ReviewTable | None:
        return self._table

    def chosen_statuses(self) -> list[str]:
        return [value for value, box in self.status_boxes.items() if box.isChecked()]

    def selected_row(self) -> ReviewRow | None:
        rows = self.table_view.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        running = self.running
        has_statuses = bool(self.chosen_statuses())
        self.start_button.setEnabled(not running and has_statuses)
        self.refresh_old_button.setEnabled(not running and has_statuses)
        self.resume_button.setEnabled(not running and self.review.resume_point is not None)
        self.cancel_button.setEnabled(running)
        for box in self.status_boxes.values():
            box.setEnabled(not running)
        selected = self.selected_row() is not None
        self.refresh_member_button.setEnabled(selected)
        self.member_export_button.setEnabled(selected and self.member_exporter is not None)
        self.export_button.setEnabled(bool(self._table and self._table.rows))

    def _selection_changed(self, *_args) -> None:
        self._update_buttons()

    # -- loading and showing ------------------------------------------------------------------
    def load(self) -> asyncio.Future[list[ReviewRow]]:
        """Load the cached rows (call once after showing the window)."""
        return self.tasks.run(self.review.cached_rows(), on_result=self._loaded)

    def _loaded(self, rows: list[ReviewRow]) -> None:
        self._rows = {r.customer_id: r for r in rows}
        self.rebuild()

    def current_filter(self) -> ReviewFilter:
        def chosen(combo: QComboBox) -> frozenset:
            value = combo.currentData()
            return frozenset() if value is None else frozenset({value})

        return ReviewFilter(
            categories=chosen(self.category_filter),
            channels=chosen(self.channel_filter),
            states=STATE_CHOICES[self.state_filter.currentData() or "any"],
            statuses=chosen(self.status_filter),
            text=self.text_filter.text(),
        )

    def rebuild(self) -> asyncio.Future[ReviewTable]:
        """Recompute the table for the current rows, filter and sort (off the UI thread)."""
        rows = list(self._rows.values())
        work = asyncio.to_thread(build_table, rows, self.current_filter(), self._sort)
        return self.tasks.run(work, on_result=self._show_table, key=TABLE)

    def _show_table(self, table: ReviewTable) -> None:
        selected = self.selected_row()
        self._table = table
        self._update_cell_filters(table.universe)
        columns_changed = table.cells != self.model.cells
        self.model.set_table(table)
        if columns_changed:
            self._size_columns()
        self.summary.set_summary(table.summary, shown=set(table.cells))
        header = self.table_view.horizontalHeader()
        key, descending = self._sort
        try:
            column = self.model.column_of(key)
        except ValueError:
            column = -1
        header.setSortIndicator(column, Qt.SortOrder.DescendingOrder if descending
                                else Qt.SortOrder.AscendingOrder)
        if selected is not None:
            self.select_customer(selected.customer_id)
        self._show_counts(table)
        self._update_buttons()
        self.tableChanged.emit()

    def _size_columns(self) -> None:
        # Keyed like the columns; the cell columns (tuple keys) all take the cell values.
        widest: dict[str | Cell, list[str]] = {
            "customer_number": ["0000000"],
            "name": ["M" * 16],  # longer names elide; the full name is a click away
            "status": [customer_status_label(s) for s in CustomerStatus],
            "read_at": [format_datetime(datetime(2026, 12, 28, 22, 58))],
        }
        cell_values = [state_text(state) for state in CellState]
        size_columns(self.table_view, lambda column: widest.get(self.model.column_key(column), cell_values))

    def _update_cell_filters(self, universe: list[Cell]) -> None:
        for combo, values, label in (
            (self.category_filter, dict.fromkeys(c[0] for c in universe), category_label),
            (self.channel_filter, dict.fromkeys(c[1] for c in universe), channel_label),
        ):
            present = [combo.itemData(i) for i in range(1, combo.count())]
            if present == list(values):
                continue
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(label(value), value)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def _show_counts(self, table: ReviewTable) -> None:
        locale = QLocale()
        text = self.tr("{shown} of {total} customers").format(
            shown=locale.toString(len(table.rows)), total=locale.toString(table.all_count))
        if table.unreadable:
            text += " · " + self.tr("{count} could not be read").format(
                count=locale.toString(table.unreadable))
        self.count_label.setText(text)
        if table.oldest_read is None:
            self.age_label.setText(self.tr(
                "No preferences read yet. Choose the kinds of customers and press “Read all”."))
            return
        now = utc_now()
        self.age_label.setText(self.tr(
            "Read between {oldest} and {newest}: the oldest row is {age} old."
        ).format(oldest=format_datetime(table.oldest_read), newest=format_datetime(table.newest_read),
                 age=describe_age((now - table.oldest_read).total_seconds())))

    def select_customer(self, customer_id: int) -> bool:
        for i, row in enumerate(self._table.rows if self._table else ()):
            if row.customer_id == customer_id:
                self.table_view.selectRow(i)
                return True
        return False

    # -- filters and sorting ------------------------------------------------------------------
    def _header_clicked(self, section: int) -> None:
        key = self.model.column_key(section)
        current, descending = self._sort
        self._sort = (key, not descending if key == current else False)
        self.rebuild()

    def sort_by(self, key: str | Cell, descending: bool = False) -> asyncio.Future[ReviewTable]:
        self._sort = (key, descending)
        return self.rebuild()

    def _summary_clicked(self, category: str, channel: str) -> None:
        for combo, value in ((self.category_filter, category), (self.channel_filter, channel)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.rebuild()

    # -- running ------------------------------------------------------------------------------
    def start(self) -> asyncio.Future[ReviewOutcome] | None:
        """Read every customer of the chosen statuses."""
        return self._run(self.chosen_statuses())

    def resume(self) -> asyncio.Future[ReviewOutcome] | None:
        """Continue the stopped run from where the review says (the core's rule)."""
        point = self.review.resume_point
        return self._run(list(point.statuses), resume=True) if point is not None else None

    def refresh_old(self) -> asyncio.Future[ReviewOutcome] | None:
        """Read only the customers whose cached row is older than the chosen age."""
        age = timedelta(seconds=self.max_age_spin.value() * self.max_age_unit.currentData())
        return self._run(self.chosen_statuses(), utc_now() - age)

    def cancel(self) -> None:
        task = self._run_task
        if task is not None and not task.done():  # self.running, on the task read once
            task.cancel()

    def _run(self, statuses: list[str], fresh_after: datetime | None = None, *,
             resume: bool = False) -> asyncio.Future[ReviewOutcome] | None:
        if self.running or not statuses:
            return None
        self.error_banner.dismiss()
        self.progress_bar.setRange(0, 0)  # busy until the total is known
        self.progress_label.setText(self.tr("Listing customers…"))

        def finished(task: asyncio.Future[ReviewOutcome]) -> None:
            self._run_task = None
            outcome = None
            if task.cancelled():
                self.progress_label.setText(self._progress_text(self.last_progress, cancelled=True))
            elif (error := task.exception()) is None:
                outcome = task.result()
                self.last_outcome = outcome
                self.progress_label.setText(self._progress_text(outcome.progress))
            else:
                self.progress_label.setText(self.tr("The review stopped: {error}").format(
                    error=ErrorBanner.describe(error)))  # in words, as in the banner
            if self.progress_bar.maximum() == 0:
                self.progress_bar.setRange(0, 1)
            self._live_timer.stop()
            self.rebuild()
            self._update_buttons()
            self.reviewFinished.emit(outcome)

        on_progress, on_rows = self._progress, self._rows_arrived
        reading = (self.review.resume(on_progress=on_progress, on_rows=on_rows) if resume
                   else self.review.run(statuses, fresh_after=fresh_after, on_progress=on_progress, on_rows=on_rows))
        task = self._run_task = self.tasks.run(reading)
        task.add_done_callback(finished)
        self._update_buttons()
        return task

    def _rows_arrived(self, rows: list[ReviewRow]) -> None:
        for row in rows:
            self._rows[row.customer_id] = row
            self._stale.pop(row.customer_id, None)  # read just now
        if not self._live_timer.isActive():
            self._live_timer.start()

    # -- live updates -------------------------------------------------------------------------
    @property
    def stale(self) -> list[int]:
        """Members marked changed and not read again yet."""
        return [cid for cid, row in self._rows.items() if row.stale]

    def _changed_outside(self, customer_id: int, _event: FeedEvent) -> None:
        row = self._rows.get(customer_id)
        if row is None or row.error is not None:
            return  # not in the review, or it can no longer be read
        self._rows[customer_id] = dataclasses.replace(row, stale=True)
        self._stale[customer_id] = None
        self._rows_changed()
        if self._rereading is None or self._rereading.done():
            self._rereading = self.tasks.run(self._reread_stale())

    async def _reread_stale(self) -> None:
        """Read the stale members again, one after the other (each through the review's gate)."""
        while self._stale:
            customer_id = next(iter(self._stale))
            del self._stale[customer_id]
            row = self._rows.get(customer_id)
            if row is None or not row.stale:
                continue
            try:
                fresh = await self.review.refresh(customer_id, known=row)
            except errors.ApiError as exc:
                # It stays marked; the next change, a refresh or a run reads it again.
                log.info("re-reading customer %s for the review failed: %s", customer_id, type(exc).__name__)
                continue
            current = self._rows.get(customer_id)
            if current is not None and current.stale and customer_id not in self._stale:
                self._rows[customer_id] = fresh
            self._rows_changed()

    def _customer_unavailable(self, customer_id: int, reason: str) -> None:
        code = NOT_FOUND if reason == "deleted" else ACCESS_DISABLED
        self._stale.pop(customer_id, None)

        def marked(row: ReviewRow | None) -> None:
            if row is not None and customer_id in self._rows:
                self._rows[customer_id] = row
                self._rows_changed()

        self.tasks.run(self.review.mark_unavailable(customer_id, code), on_result=marked)

    def _desk_changed(self, change: DeskChange) -> None:
        """Another desk cached a member's row: the loaded table takes it from the cache."""
        if View.REVIEW not in change.views or change.customer_id is None or self._table is None:
            return
        if self._cached_elsewhere is not None:  # (None: the whole cache is read next anyway)
            self._cached_elsewhere[change.customer_id] = None
        self._read_cached()

    def _live_resumed(self) -> None:
        """Back after a pause: another desk's rows may have been cached untold meanwhile."""
        if self._table is not None:
            self._cached_elsewhere = None
            self._read_cached()

    def _read_cached(self) -> None:
        # One key for both kinds of re-read: they never overtake each other.
        self.tasks.refresh(CACHED, self._cached_rows, on_result=self._take_cached)

    async def _cached_rows(self) -> list[ReviewRow]:
        # What was asked for until this read began; whatever is asked for meanwhile, the next one.
        wanted, self._cached_elsewhere = self._cached_elsewhere, {}
        if wanted is None:
            return await self.review.cached_rows()
        rows = [await self.review.cached_row(customer_id) for customer_id in wanted]
        return [row for row in rows if row is not None]

    def _take_cached(self, rows: list[ReviewRow]) -> None:
        """Show the cache's rows (it holds the last write of every desk, this one's too).
        A member marked stale stays marked: this desk's own read of them is still to come."""
        for row in rows:
            current = self._rows.get(row.customer_id)
            self._rows[row.customer_id] = (dataclasses.replace(row, stale=True)
                                           if current is not None and current.stale else row)
        if rows:
            self._rows_changed()

    def _rows_changed(self) -> None:
        if not self._live_timer.isActive():
            self._live_timer.start()

    def _progress(self, progress: ReviewProgress) -> None:
        self.last_progress = progress
        if progress.total is None:
            self.progress_bar.setRange(0, 0)
        else:
            self.progress_bar.setRange(0, max(progress.total, 1))
            self.progress_bar.setValue(min(progress.done, max(progress.total, 1)))
        self.progress_label.setText(self._progress_text(progress))

    def _progress_text(self, p: ReviewProgress | None, cancelled: bool = False) -> str:
        if p is None:
            return self.tr("Cancelled.") if cancelled else ""
        locale = QLocale()
        if p.total is None:
            text = self.tr("{done} of {listed}+ customers").format(
                done=locale.toString(p.done), listed=locale.toString(p.listed))
        else:
            text = self.tr("{done} of {total} customers").format(
                done=locale.toString(p.done), total=locale.toString(p.total))
        parts = [text, self.tr("{read} read, {skipped} already up to date, {failed} failed").format(
            read=locale.toString(p.read), skipped=locale.toString(p.skipped),
            failed=locale.toString(p.failed))]
        if cancelled:
            parts.append(self.tr("cancelled: “Resume” continues where it stopped"))
        elif p.finished:
            parts.append(self.tr("finished"))
        else:
            parts.append(self.tr("{rate} per minute").format(
                rate=locale.toString(round(p.rate_per_minute))))
            if p.seconds_left is not None:
                parts.append(self.tr("about {time} left").format(time=describe_duration(p.seconds_left)))
        return " · ".join(parts)

    def refresh_selected(self) -> asyncio.Future[ReviewRow] | None:
        row = self.selected_row()
        if row is None:
            return None

        def refreshed(new_row: ReviewRow) -> None:
            self._rows[new_row.customer_id] = new_row
            self.rebuild()

        return self.tasks.run(self.review.refresh(row.customer_id, known=row), on_result=refreshed)

    # -- exports ------------------------------------------------------------------------------
    def _wording(self) -> export.Wording:
        return export.Wording(
            headers={
                "customer_id": self.tr("Customer ID"),
                "customer_number": self.tr("Customer number"),
                "name": self.tr("Name"),
                "status": self.tr("Status"),
                "read_at": self.tr("Read at (UTC)"),
                "error": self.tr("Read error"),
            },
            cell_header=cell_label,
            state=state_description,
            status=customer_status_label,
            error=error_text,
        )

    def export_csv(self, path: Path | str, delimiter: str | None = None) -> asyncio.Future[int]:
        """Write the table as shown (filtered rows, shown cell columns) to `path`."""
        table = self._table
        delimiter = delimiter or self.separator_combo.currentData()
        wording = self._wording()

        async def write() -> int:
            if table is None:
                return 0
            return await asyncio.to_thread(export.write_review_csv, Path(path), table.rows,
                                           table.cells, delimiter=delimiter, wording=wording)

        def written(count: int) -> None:
            self.statusBar().showMessage(self.tr("Exported {count} rows to {path}").format(
                count=QLocale().toString(count), path=str(path)), 10_000)

        return self.tasks.run(write(), on_result=written)

    def export_member(self, customer_id: int, path: Path | str) -> asyncio.Future[object]:
        async def write() -> object:
            exporter = self.member_exporter
            if exporter is None:  # the button is disabled then; a caller of this method is wrong
                raise RuntimeError("This review window was opened without a member export.")
            return await exporter(customer_id, Path(path))

        def written(_result: object) -> None:
            self.statusBar().showMessage(
                self.tr("Member data exported to {path}").format(path=str(path)), 10_000)

        return self.tasks.run(write(), on_result=written)

    def _choose_csv_file(self) -> None:
        stamp = utc_now().strftime("%Y-%m-%d")
        dialog = save_file_dialog(self, "reviewExportDialog", self.tr("Export consent review"),
                                  f"consent-review-{stamp}.csv", self.tr("CSV files (*.csv)"))
        self.tasks.run(ask(dialog), on_result=lambda path: self.export_csv(path) if path else None)

    def _choose_member_file(self) -> None:
        row = self.selected_row()
        if row is None or self.member_exporter is None:
            return
        dialog = save_file_dialog(self, "memberExportDialog", self.tr("Export member data"),
                                  member_file_name(row), self.tr("JSON files (*.json)"))
        self.tasks.run(ask(dialog), on_result=lambda path: self.export_member(row.customer_id, path) if path else None)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing (hiding) stops a run; what it read is cached, so "Resume" continues.
        self.cancel()
        super().closeEvent(event)


def member_file_name(row: ReviewRow) -> str:
    """The suggested file of a member export. The customer number is the server's text: of
    it only letters, digits, "-" and "_" are kept, so it can name no other folder
    ("x/../../target") and no hidden file."""
    number = re.sub(r"[^A-Za-z0-9_-]+", "_", row.customer_number or "").strip("_")[:64]
    return f"member-{number or row.customer_id}.json"


_retiring: set[asyncio.Task] = set()


def retire_when_idle(window: OwnedWindow) -> None:
    """Close `window` for good: cancel its work, hide it, delete it once its tasks ended.

    Deleting at once would leave callbacks of running tasks with a deleted widget.
    """
    if hasattr(window, "cancel"):
        window.cancel()
    window.hide()

    async def delete() -> None:
        await window.tasks.wait_idle()
        window.deleteLater()

    task = asyncio.ensure_future(delete())
    _retiring.add(task)
    task.add_done_callback(_retiring.discard)


class _CloseWithOwner(QObject):
    """Closes a window when its owner window is closed (hidden by the program, not
    minimised), so a running review stops before the app shuts its services down."""

    def __init__(self, owner: QWidget, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        owner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and not event.spontaneous():
            self._window.close()
        return False


def attach_to_main_window(main_window: MainWindow, attribute: str,
                          window: OwnedWindow) -> None:
    """One window of this kind per main window, retired when the studio changes."""
    setattr(main_window, attribute, window)
    window.setWindowFlag(Qt.WindowType.Window)  # its own window, owned by the main one
    _CloseWithOwner(main_window, window)

    def session_changed(_session: object) -> None:
        if getattr(main_window, attribute, None) is window:
            setattr(main_window, attribute, None)
            retire_when_idle(window)

    main_window.sessionChanged.connect(session_changed)


def open_review_window(main_window: MainWindow) -> ReviewWindow | None:
    """Show the consent review of the main window's connected studio (menu entry)."""
    session = main_window.session
    if session is None or session.studio is None:
        main_window.tasks.report(QCoreApplication.translate("ReviewWindow", "Connect to a studio first."))
        return None
    window = getattr(main_window, "review_window", None)
    if window is None:
        review = ConsentReview(session.client, session.journal, session.studio_id,
                               workstation=session.workstation)
        window = ReviewWindow(review, TaskRunner(within=main_window.tasks), main_window,
                              member_exporter=functools.partial(
                                  export.export_member, session.client, session.journal,
                                  session.studio_id))
        attach_to_main_window(main_window, "review_window", window)
        window.load()
    window.show()
    window.raise_()
    window.activateWindow()
    return window
