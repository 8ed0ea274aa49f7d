"""Manager → Campaigns: one message to every member who agreed, started, watched, reported.

The window is a view of the core's `Campaigns`: on the left the studio's campaigns, on the
right the selected one (or a new one being written: name, category and channel, the
customer statuses it targets, subject and body with variables, optionally taken from the
consent review's current filter). "Preview" asks the core what the review's cache says
(how many it targets, how many the cached consent already excludes and why) and shows the
text rendered for a few real members. Start, pause, resume and cancel drive a
`CampaignRun` on the window's runner; its progress (done/total, rate, time left, counts
per outcome) arrives as the core reports it. The report below lists every member with the
outcome, filters by outcome and exports to CSV. A campaign running at another desk says
where. The runner runs within the main window's; closing the window pauses a run after
the members in flight, and the app's shutdown waits for that.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio_comm.api.models import Channel, CustomerStatus, MessageCategory
from studio_comm.core import export
from studio_comm.core.audit import MissingStaffError
from studio_comm.core.campaign import (
    CampaignCancelledError,
    CampaignDefinition,
    CampaignPreview,
    CampaignReport,
    DefinitionError,
    DefinitionMismatchError,
    RunningElsewhereError,
    current_status,
)
from studio_comm.core.campaign_run import CampaignProgress, CampaignRun
from studio_comm.core.campaigns import Campaigns
from studio_comm.core.review import ReviewFilter
from studio_comm.core.templates import VARIABLES, unfilled
from studio_comm.journal.records import CampaignOutcome, CampaignRecord, CampaignStatus
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.labels import (
    campaign_outcome_label,
    campaign_status_label,
    category_label,
    channel_label,
    customer_status_label,
    format_datetime,
    stop_reason_label,
)
from studio_comm.ui.models.campaign_model import COLUMNS, CampaignMembersModel, detail_text
from studio_comm.ui.review_window import attach_to_main_window, describe_duration
from studio_comm.ui.staff_prompt import ensure_staff
from studio_comm.ui.tables import row_table, save_file_dialog, separator_combo, size_columns
from studio_comm.ui.tasks import TaskRunner, ask

if TYPE_CHECKING:
    from studio_comm.ui.main_window import MainWindow

LIST, REPORT, PREVIEW = "campaigns.list", "campaigns.report", "campaigns.preview"  # the runner's keys
FINAL = [o.value for o in CampaignOutcome if o not in (CampaignOutcome.PENDING, CampaignOutcome.SENDING)]

ReviewFilterSource = Callable[[], ReviewFilter | None]


class CampaignWindow(QMainWindow):
    campaignsChanged = Signal()  # the list was read again
    reportChanged = Signal()  # the selected campaign's report was read again
    previewChanged = Signal()
    runFinished = Signal(object)  # the final CampaignProgress, or None when the run could not start

    def __init__(self, campaigns: Campaigns, tasks: TaskRunner, parent: QWidget | None = None, *,
                 review_filter: ReviewFilterSource | None = None) -> None:
        """`tasks`: this window's runner; `review_filter`: the consent review's current
        filter, when a review window is open (for "From the consent review")."""
        super().__init__(parent)
        self.setObjectName("campaignWindow")
        self.setWindowTitle(self.tr("Campaigns – studio-comm"))
        self.setAccessibleName(self.tr("Campaigns"))
        self.campaigns = campaigns
        self.tasks = tasks
        self.review_filter = review_filter
        self.selected: CampaignRecord | None = None
        self.run: CampaignRun | None = None
        self._run_task: asyncio.Future | None = None
        self.last_progress: CampaignProgress | None = None
        self.last_preview: CampaignPreview | None = None
        self.last_report: CampaignReport | None = None

        self.error_banner = ErrorBanner(self)
        tasks.failed.connect(self.error_banner.show_error)
        self._build_list()
        self._build_form()
        self._build_run_controls()
        self._build_report()

        right = QWidget(self)
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._form)
        layout.addLayout(self._form_buttons)
        layout.addWidget(self.preview_text)
        layout.addLayout(self._run_row)
        layout.addWidget(self.state_label)
        layout.addLayout(self._progress_row)
        layout.addWidget(self.counts_label)
        layout.addLayout(self._report_filters)
        layout.addWidget(self.report_view, 1)
        layout.addLayout(self._export_row)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list_view, 1)
        left_layout.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([260, 940])
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.addWidget(self.error_banner)
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.resize(1200, 860)
        self._show_selected()

    # -- construction -------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot: Callable[[], object], accessible: str | None = None) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible or text.replace("…", "").strip())
        button.clicked.connect(slot)
        return button

    def _build_list(self) -> None:
        self.list_view = QListWidget(self)
        self.list_view.setObjectName("campaignList")
        self.list_view.setAccessibleName(self.tr("Campaigns of this studio"))
        self.list_view.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.new_button = self._button("newCampaignButton", self.tr("New campaign"), self.new_campaign)

    def _build_form(self) -> None:
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("campaignNameEdit")
        self.name_edit.setAccessibleName(self.tr("Campaign name"))
        self.name_edit.setMaxLength(200)
        self.category_combo = QComboBox(self)
        self.category_combo.setObjectName("campaignCategory")
        self.category_combo.setAccessibleName(self.tr("Message category"))
        for category in MessageCategory:
            self.category_combo.addItem(category_label(category), category.value)
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("campaignChannel")
        self.channel_combo.setAccessibleName(self.tr("Channel"))
        for channel in Channel:
            self.channel_combo.addItem(channel_label(channel), channel.value)
        self.status_boxes: dict[str, QCheckBox] = {}
        statuses = QHBoxLayout()
        for status in CustomerStatus:
            box = QCheckBox(customer_status_label(status), self)
            box.setObjectName(f"campaignStatus_{status.value}")
            box.setChecked(status == CustomerStatus.MEMBER)
            self.status_boxes[status.value] = box
            statuses.addWidget(box)
        statuses.addStretch(1)
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setObjectName("campaignSubject")
        self.subject_edit.setAccessibleName(self.tr("Subject"))
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setObjectName("campaignBody")
        self.body_edit.setAccessibleName(self.tr("Text"))
        self.body_edit.setTabChangesFocus(True)
        line = self.fontMetrics().lineSpacing()
        # A few lines each: the report below gets the rest of the window.
        self.body_edit.setMinimumHeight(line * 4)
        self.body_edit.setMaximumHeight(line * 9)
        self.variables_label = QLabel(self.tr(
            "Variables: {variables}. A fallback follows a bar, e.g. {example}; a member for whom "
            "a variable has no value is not sent to.").format(
                variables=", ".join("{{" + v + "}}" for v in VARIABLES), example="{{member.first_name|there}}"),
            self)
        self.variables_label.setObjectName("campaignVariablesLabel")
        self.variables_label.setTextFormat(Qt.TextFormat.PlainText)
        self.variables_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name_edit)
        cell = QHBoxLayout()
        cell.addWidget(self.category_combo)
        cell.addWidget(QLabel(self.tr("by"), self))
        cell.addWidget(self.channel_combo)
        cell.addStretch(1)
        form.addRow(self.tr("Message:"), cell)
        form.addRow(self.tr("To:"), statuses)
        form.addRow(self.tr("Subject:"), self.subject_edit)
        form.addRow(self.tr("Text:"), self.body_edit)
        form.addRow("", self.variables_label)
        self._form = form

        buttons = QHBoxLayout()
        self.from_review_button = self._button("campaignFromReviewButton", self.tr("From the consent review"),
                                               self.take_review_filter)
        self.from_review_button.setToolTip(self.tr(
            "Take the category, channel and customer statuses of the consent review's current filter"))
        self.preview_button = self._button("campaignPreviewButton", self.tr("Preview"), self.preview)
        self.preview_button.setToolTip(self.tr(
            "How many members it reaches by the consent review's last read, and the text for a few of them"))
        buttons.addWidget(self.from_review_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        self._form_buttons = buttons

        self.preview_text = QPlainTextEdit(self)
        self.preview_text.setObjectName("campaignPreview")
        self.preview_text.setAccessibleName(self.tr("Preview"))
        self.preview_text.setReadOnly(True)
        self.preview_text.setPlaceholderText(self.tr("Preview: how many members it reaches, and sample messages."))
        self.preview_text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.preview_text.setMaximumHeight(self.fontMetrics().lineSpacing() * 10)

    def _build_run_controls(self) -> None:
        row = QHBoxLayout()
        self.start_button = self._button("campaignStartButton", self.tr("Start"), self.start)
        self.start_button.setToolTip(self.tr("Send it to every targeted member whose consent allows it"))
        self.pause_button = self._button("campaignPauseButton", self.tr("Pause"), self.pause)
        self.resume_button = self._button("campaignResumeButton", self.tr("Resume"), self.resume)
        self.resume_button.setToolTip(self.tr("Continue with the members not reached yet; nobody gets it twice"))
        self.cancel_button = self._button("campaignCancelButton", self.tr("Cancel campaign…"), self.cancel_campaign)
        for button in (self.start_button, self.pause_button, self.resume_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        self._run_row = row

        self.state_label = QLabel(self)
        self.state_label.setObjectName("campaignStateLabel")
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.state_label.setWordWrap(True)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("campaignProgress")
        self.progress_bar.setAccessibleName(self.tr("Campaign progress"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("campaignProgressLabel")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_bar, 1)
        progress.addWidget(self.progress_label, 2)
        self._progress_row = progress
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("campaignCountsLabel")
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.counts_label.setWordWrap(True)

    def _build_report(self) -> None:
        filters = QHBoxLayout()
        self.outcome_filter = QComboBox(self)
        self.outcome_filter.setObjectName("campaignOutcomeFilter")
        self.outcome_filter.setAccessibleName(self.tr("Outcome"))
        self.outcome_filter.addItem(self.tr("All members"), None)
        for outcome in CampaignOutcome:
            self.outcome_filter.addItem(campaign_outcome_label(outcome.value), outcome.value)
        self.outcome_filter.currentIndexChanged.connect(self._show_members)
        self.report_count = QLabel(self)
        self.report_count.setObjectName("campaignReportCount")
        self.report_count.setTextFormat(Qt.TextFormat.PlainText)
        filters.addWidget(QLabel(self.tr("Report:"), self))
        filters.addWidget(self.outcome_filter)
        filters.addStretch(1)
        filters.addWidget(self.report_count)
        self._report_filters = filters

        self.model = CampaignMembersModel(self)
        self.report_view = row_table(self, self.model, "campaignReportTable", self.tr("Members and outcomes"))
        self.report_view.horizontalHeader().setStretchLastSection(True)
        widest = {
            "customer_number": ["0000000"],
            "name": ["M" * 16],
            "status": [customer_status_label(s) for s in CustomerStatus],
            "outcome": [campaign_outcome_label(o.value) for o in CampaignOutcome],
            "detail": ["M" * 24],
            "thread": ["00000000000"],
        }
        size_columns(self.report_view, lambda column: widest.get(COLUMNS[column], []))

        row = QHBoxLayout()
        self.separator_combo = separator_combo(self, "campaignSeparator")
        self.export_button = self._button("campaignExportButton", self.tr("Export report…"), self._choose_file)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Separator:"), self))
        row.addWidget(self.separator_combo)
        row.addWidget(self.export_button)
        self._export_row = row

    # -- state --------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._run_task is not None and not self._run_task.done()

    def _update_buttons(self) -> None:
        running = self.running
        campaign = self.selected
        status = current_status(campaign)[0] if campaign is not None else None
        elsewhere = status == CampaignStatus.RUNNING and not running
        new = campaign is None
        self.start_button.setEnabled(not running and (new or status == CampaignStatus.CREATED))
        self.resume_button.setEnabled(not running and status == CampaignStatus.PAUSED)
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(
            not new and not elsewhere and status not in (CampaignStatus.FINISHED, CampaignStatus.CANCELLED))
        self.preview_button.setEnabled(new or status in (CampaignStatus.CREATED, CampaignStatus.PAUSED))
        editable = new and not running
        for edit in (self.name_edit, self.subject_edit):
            edit.setReadOnly(not editable)
        self.body_edit.setReadOnly(not editable)
        choices: list[QWidget] = [self.category_combo, self.channel_combo, *self.status_boxes.values()]
        for choice in choices:
            choice.setEnabled(editable)
        self.from_review_button.setEnabled(editable and self.review_filter is not None)
        self.new_button.setEnabled(not running)
        self.list_view.setEnabled(not running)
        self.export_button.setEnabled(self.model.rowCount() > 0)

    def definition(self) -> CampaignDefinition:
        """What the form says (for a new campaign)."""
        return CampaignDefinition(
            name=self.name_edit.text(), category=MessageCategory(self.category_combo.currentData()),
            channel=Channel(self.channel_combo.currentData()),
            statuses=tuple(CustomerStatus(v) for v, box in self.status_boxes.items() if box.isChecked()),
            subject=self.subject_edit.text(), body=self.body_edit.toPlainText())

    def problem(self) -> str | None:
        """Why the form cannot be sent as it is, in words; None when it can."""
        d = self.definition()
        if not d.name.strip():
            return self.tr("Give the campaign a name.")
        if not d.statuses:
            return self.tr("Choose at least one kind of customer.")
        if not d.subject.strip() or not d.body.strip():
            return self.tr("Write a subject and a text.")
        unknown = [v for v in unfilled(d.subject + "\n" + d.body) if v not in VARIABLES]
        if unknown:
            return self.tr("There is no variable {variable}; the variables are listed below the text.").format(
                variable="{{" + unknown[0] + "}}")
        try:
            d.checked()
        except DefinitionError as exc:
            return str(exc)  # nothing the checks above let through, but never lose the reason
        return None

    # -- the list -----------------------------------------------------------------------------
    def load(self) -> asyncio.Future:
        """Read the studio's campaigns (call once after showing the window)."""
        return self.tasks.run(self.campaigns.campaigns(), on_result=self._show_campaigns, key=LIST)

    def _show_campaigns(self, records: list[CampaignRecord]) -> None:
        keep = self.selected.id if self.selected is not None else None
        self.list_view.blockSignals(True)
        self.list_view.clear()
        for record in records:
            status, _reason = current_status(record)
            item = QListWidgetItem(f"{record.name} · {campaign_status_label(status.value)}")
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, record)
            item.setToolTip(record.name)
            self.list_view.addItem(item)
            if record.id == keep:
                self.list_view.setCurrentItem(item)
                self.selected = record
        self.list_view.blockSignals(False)
        self._show_selected()
        self.campaignsChanged.emit()

    def select_campaign(self, campaign_id: int) -> bool:
        for row in range(self.list_view.count()):
            item = self.list_view.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == campaign_id:
                self.list_view.setCurrentItem(item)
                return True
        return False

    def _selection_changed(self) -> None:
        item = self.list_view.currentItem()
        self.selected = item.data(Qt.ItemDataRole.UserRole + 1) if item is not None else None
        self.last_preview = None
        self.preview_text.clear()
        self._fill_form()
        self._show_selected()
        if self.selected is not None:
            self.load_report()

    def new_campaign(self) -> None:
        """An empty form for a new campaign."""
        self.list_view.setCurrentRow(-1)
        self.list_view.clearSelection()
        self.selected = None
        self.model.set_members([])
        self.last_report = None
        for edit in (self.name_edit, self.subject_edit):
            edit.clear()
        self.body_edit.clear()
        self.preview_text.clear()
        self._show_selected()
        self.name_edit.setFocus()

    def _fill_form(self) -> None:
        c = self.selected
        if c is None:
            return
        self.name_edit.setText(c.name)
        for combo, value in ((self.category_combo, c.category), (self.channel_combo, c.channel)):
            index = combo.findData(value)
            if index < 0:  # a value of a newer version: shown, not lost
                combo.addItem(category_label(value) if combo is self.category_combo else channel_label(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
        for value, box in self.status_boxes.items():
            box.setChecked(value in c.statuses)
        self.subject_edit.setText(c.subject)
        self.body_edit.setPlainText(c.body)

    def _show_selected(self) -> None:
        """The state line of the selected campaign (who runs it where, why it stopped)."""
        c = self.selected
        if c is None:
            self.state_label.setText(self.tr("A new campaign: write it, preview it, then start it."))
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            self.progress_label.clear()
            self.counts_label.clear()
            self.report_count.clear()
        elif not self.running:
            self.state_label.setText(self._state_text(c))
        self._update_buttons()

    def _state_text(self, c: CampaignRecord) -> str:
        status, reason = current_status(c)
        text = campaign_status_label(status.value)
        if status == CampaignStatus.RUNNING and c.lease is not None:
            who = c.lease.workstation + (f" ({c.lease.staff})" if c.lease.staff else "")
            text = self.tr("Running at {desk} since {time}. Another desk can take it over only once that run "
                           "stops.").format(desk=who, time=format_datetime(c.lease.started_at))
        elif reason:
            text += ": " + stop_reason_label(reason)
            if c.reason_detail and reason in ("failures_in_a_row", "error"):
                text += f" ({c.reason_detail})"
        created = self.tr("Created {time}").format(time=format_datetime(c.created_at))
        if c.created_by:
            created += " " + self.tr("by {staff}").format(staff=c.created_by)
        return f"{text} · {created}"

    # -- from the review, preview -------------------------------------------------------------
    def take_review_filter(self) -> bool:
        """Category, channel and statuses from the consent review's current filter."""
        flt = self.review_filter() if self.review_filter is not None else None
        if flt is None:
            self.error_banner.show_error(self.tr("Open the consent review and filter it first."))
            return False
        for combo, values in ((self.category_combo, flt.categories), (self.channel_combo, flt.channels)):
            if len(values) == 1:
                combo.setCurrentIndex(max(combo.findData(next(iter(values))), 0))
        if flt.statuses:
            for value, box in self.status_boxes.items():
                box.setChecked(value in flt.statuses)
        return True

    def _definition_or_problem(self) -> CampaignDefinition | None:
        if self.selected is not None:
            c = self.selected
            return CampaignDefinition(c.name, MessageCategory(c.category), Channel(c.channel),
                                      tuple(CustomerStatus(s) for s in c.statuses), c.subject, c.body)
        problem = self.problem()
        if problem is not None:
            self.error_banner.show_error(problem)
            return None
        return self.definition()

    def preview(self) -> asyncio.Future | None:
        definition = self._definition_or_problem()
        if definition is None:
            return None
        self.preview_text.setPlainText(self.tr("Reading the preview…"))
        return self.tasks.run(self.campaigns.preview(definition), on_result=self._show_preview, key=PREVIEW)

    def _show_preview(self, p: CampaignPreview) -> None:
        self.last_preview = p
        locale = QLocale()
        lines = []
        if p.cached == 0:
            lines.append(self.tr("The consent review has read no customers of these kinds yet, so how many it "
                                 "reaches is not known before it runs. Run the consent review for the numbers."))
        else:
            lines.append(self.tr("By the consent review (read {time} at the oldest), {consenting} of {cached} "
                                 "customers of these kinds would get it.").format(
                consenting=locale.toString(p.consenting), cached=locale.toString(p.cached),
                time=format_datetime(p.oldest_read)))
            lines.append(self.tr("Already excluded: {off} with consent off, {absent} not offered this channel, "
                                 "{unreadable} who could not be read.").format(
                off=locale.toString(p.excluded.get("inactive", 0)),
                absent=locale.toString(p.excluded.get("absent", 0)),
                unreadable=locale.toString(p.excluded.get("unreadable", 0))))
        lines.append(self.tr("Consent is read again for each member right before the message goes out."))
        for sample in p.samples:
            customer = sample.customer
            lines += ["", self.tr("To {name} ({number}):").format(name=customer.display_name,
                                                                  number=customer.customer_number or customer.id)]
            lines.append(self.tr("Subject: {subject}").format(subject=sample.subject.text))
            lines.append(sample.body.text)
            missing = list(dict.fromkeys(sample.subject.unfilled + sample.body.unfilled))
            if missing:
                lines.append(self.tr("Not sent to this member: no value for {variables}.").format(
                    variables=", ".join("{{" + v + "}}" for v in missing)))
        self.preview_text.setPlainText("\n".join(lines))
        self.previewChanged.emit()

    # -- running ------------------------------------------------------------------------------
    def start(self) -> asyncio.Future | None:
        """Create the campaign (a new one) and run it."""
        if self.selected is not None:
            return self._run_campaign(self.selected)
        definition = self._definition_or_problem()
        if definition is None:
            return None
        return self._run_campaign(definition)

    def resume(self) -> asyncio.Future | None:
        """Run the selected paused campaign on: the members not reached yet."""
        return self._run_campaign(self.selected) if self.selected is not None else None

    def pause(self) -> None:
        if self.run is not None and self.running:
            self.run.pause()
            self.progress_label.setText(self.tr("Pausing after the members in flight…"))

    def cancel(self) -> None:
        """Stop the window's work (closing it, the studio changing): a running campaign
        pauses after the members in flight and can be resumed. Not the campaign's
        cancellation: that is `cancel_campaign`."""
        self.pause()

    def _run_campaign(self, target: CampaignDefinition | CampaignRecord) -> asyncio.Future | None:
        if self.running:
            return None
        self.error_banner.dismiss()
        self.progress_bar.setRange(0, 0)  # busy until the members are listed
        self.progress_label.setText(self.tr("Starting…"))

        async def running() -> CampaignProgress:
            owner = self.parentWidget()  # the main window, whose status bar names the staff
            if owner is not None and await ensure_staff(owner) is None:
                raise MissingStaffError(self.tr("Name the staff member at the desk first: a campaign records who "
                                                "sent it."))
            campaign = target if isinstance(target, CampaignRecord) else await self.campaigns.open(target)
            self.selected = campaign
            self.run = self.campaigns.run(campaign, on_progress=self._progress)
            return await self.run.execute()

        self._run_task = self.tasks.run(running(), on_result=self._run_ended, on_error=self._run_failed)
        self._update_buttons()
        return self._run_task

    def _progress(self, p: CampaignProgress) -> None:
        self.last_progress = p
        locale = QLocale()
        if p.listing:
            self.progress_bar.setRange(0, 0)
            self.progress_label.setText(self.tr("Listing the members: {count} so far").format(
                count=locale.toString(p.total)))
            return
        self.progress_bar.setRange(0, max(p.total, 1))
        self.progress_bar.setValue(min(p.done, max(p.total, 1)))
        parts = [self.tr("{done} of {total} members").format(done=locale.toString(p.done),
                                                             total=locale.toString(p.total))]
        if p.status == CampaignStatus.RUNNING:
            parts.append(self.tr("{rate} per minute").format(rate=locale.toString(round(p.rate_per_minute))))
            if p.seconds_left is not None:
                parts.append(self.tr("about {time} left").format(time=describe_duration(p.seconds_left)))
            self.state_label.setText(self.tr("Running here."))
        self.progress_label.setText(" · ".join(parts))
        self.counts_label.setText(self._counts_text(p.counts))

    def _counts_text(self, counts: dict[str, int]) -> str:
        locale = QLocale()
        return " · ".join(f"{campaign_outcome_label(o)}: {locale.toString(counts[o])}" for o in FINAL if counts.get(o))

    def _run_ended(self, progress: CampaignProgress) -> None:
        self._progress(progress)
        self.run = None
        self.runFinished.emit(progress)
        self.load()
        self.load_report()

    def _run_failed(self, exc: BaseException) -> None:
        self.run = None
        self.progress_bar.setRange(0, 1)
        self.progress_label.clear()
        if isinstance(exc, RunningElsewhereError):
            self.selected = exc.campaign
            self.state_label.setText(self._state_text(exc.campaign))
            lease = exc.lease
            self.error_banner.show_error(self.tr(
                "This campaign is running at {desk} since {time}. It can be taken over once that run stops.").format(
                    desk=lease.workstation + (f" ({lease.staff})" if lease.staff else ""),
                    time=format_datetime(lease.started_at)))
        elif isinstance(exc, DefinitionMismatchError):
            self.error_banner.show_error(self.tr(
                "A campaign of this name already exists with another text or target. Choose it in the list to "
                "resume it, or give the new one another name."))
        elif isinstance(exc, CampaignCancelledError):
            self.error_banner.show_error(self.tr("This campaign was cancelled; it is not sent again."))
        else:
            self.tasks.report(exc)
        self.runFinished.emit(None)
        self.load()

    def cancel_campaign(self) -> asyncio.Future | None:
        """Cancel the selected campaign, after asking: nobody more gets it, not even by resuming."""
        campaign = self.selected
        if campaign is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Cancel campaign"), self.tr(
            "Cancel the campaign “{name}”? Members not reached yet will not get it, and it cannot be "
            "resumed.").format(name=campaign.name), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("cancelCampaignDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the name is typed by people
        confirm = box.addButton(self.tr("Cancel campaign"), QMessageBox.ButtonRole.DestructiveRole)
        confirm.setObjectName("confirmCancelCampaignButton")
        keep = box.addButton(self.tr("Keep it"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)

        async def decide() -> None:
            if await ask(box) is not confirm:
                return
            if self.running and self.run is not None:
                self.run.cancel()
                self.progress_label.setText(self.tr("Cancelling after the members in flight…"))
                return
            if not await self.campaigns.cancel(campaign):
                self.error_banner.show_error(self.tr("The campaign is running at another desk; it was not "
                                                     "cancelled."))
            self.load()
            self.load_report()

        return self.tasks.run(decide())

    # -- the report ---------------------------------------------------------------------------
    def load_report(self) -> asyncio.Future | None:
        if self.selected is None:
            return None
        return self.tasks.run(self.campaigns.report(self.selected.id, members=True),
                              on_result=self._show_report, key=REPORT)

    def _show_report(self, report: CampaignReport) -> None:
        self.last_report = report
        if self.selected is not None and report.campaign.id == self.selected.id:
            self.selected = report.campaign
            if not self.running:
                self.state_label.setText(self._state_text(report.campaign))
                total = report.total
                self.progress_bar.setRange(0, max(total, 1))
                self.progress_bar.setValue(total - report.counts["pending"] - report.counts["sending"])
                self.progress_label.setText(self.tr("{done} of {total} members").format(
                    done=QLocale().toString(total - report.counts["pending"] - report.counts["sending"]),
                    total=QLocale().toString(total)))
                self.counts_label.setText(self._counts_text(report.counts))
        self._show_members()
        self.reportChanged.emit()

    def _show_members(self, *_args) -> None:
        report = self.last_report
        members = report.members if report is not None else []
        wanted = self.outcome_filter.currentData()
        shown = [m for m in members if wanted is None or m.outcome == wanted]
        self.model.set_members(shown)
        self.report_count.setText(self.tr("{shown} of {total} members").format(
            shown=QLocale().toString(len(shown)), total=QLocale().toString(len(members))))
        self._update_buttons()

    def export_csv(self, path: Path | str, delimiter: str | None = None) -> asyncio.Future:
        """The report's members as shown (the outcome filter applies) to `path`."""
        members = self.model.members()
        delimiter = delimiter or self.separator_combo.currentData()
        wording = export.Wording(
            headers={
                "customer_id": self.tr("Customer ID"), "customer_number": self.tr("Customer number"),
                "name": self.tr("Name"), "status": self.tr("Status"), "outcome": self.tr("Outcome"),
                "detail": self.tr("Why"), "thread_id": self.tr("Thread ID"), "request_id": self.tr("Request ID"),
                "updated_at": self.tr("When (UTC)"), "workstation": self.tr("Workstation"),
            },
            status=customer_status_label,
            outcome=campaign_outcome_label,
        )
        # Worded here, on the UI thread: the details go through Qt's translation.
        rows = [dataclasses.replace(m, detail=detail_text(m)) for m in members]

        async def write() -> int:
            return await asyncio.to_thread(export.write_campaign_csv, Path(path), rows, delimiter=delimiter,
                                           wording=wording)

        def written(count: int) -> None:
            self.statusBar().showMessage(self.tr("Exported {count} members to {path}").format(
                count=QLocale().toString(count), path=str(path)), 10_000)

        return self.tasks.run(write(), on_result=written)

    def _choose_file(self) -> None:
        name = self.selected.name if self.selected is not None else "campaign"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")[:60] or "campaign"
        dialog = save_file_dialog(self, "campaignExportDialog", self.tr("Export campaign report"),
                                  f"campaign-{safe}-{datetime.now(UTC):%Y-%m-%d}.csv", self.tr("CSV files (*.csv)"))
        self.tasks.run(ask(dialog), on_result=lambda path: self.export_csv(path) if path else None)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing (hiding) pauses a run after the members in flight; Resume continues it.
        self.cancel()
        super().closeEvent(event)


def open_campaign_window(main_window: MainWindow) -> CampaignWindow | None:
    """Show the campaigns of the main window's connected studio (menu entry)."""
    session = main_window.session
    if session is None or session.studio is None:
        # (Qt's stubs declare tr() for instances only.)
        main_window.tasks.report(CampaignWindow.tr("Connect to a studio first."))  # type: ignore[call-arg,arg-type]
        return None
    window = getattr(main_window, "campaign_window", None)
    if window is None:
        def review_filter() -> ReviewFilter | None:
            review = getattr(main_window, "review_window", None)
            return review.current_filter() if review is not None and review.isVisible() else None

        window = CampaignWindow(session.campaigns(), TaskRunner(within=main_window.tasks), main_window,
                                review_filter=review_filter)
        attach_to_main_window(main_window, "campaign_window", window)
        window.load()
    else:
        window.load()
    window.show()
    window.raise_()
    window.activateWindow()
    return window
