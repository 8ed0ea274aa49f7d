"""A member's consent history: who changed which consent, when, and how the member said so.

Magicline keeps no author, time or source with a consent; the journal's audit does. This
window lists every consent change of the member open in the main window (the core's
`AuditHistory.consent_history`), newest first, one cell per line, each line a sentence
that stands on its own:

    Newsletter / Text message: on → off · Anna K. at Desk 1 · by phone · 01.12.2026 10:02 · “asked at the counter”

Saves from every desk that shares the journal are there, saves that did not go through
(said so, with what was intended), and changes seen from outside studio-comm (any
"preferences_..." audit action, which names no staff member). It follows the main
window's member, and a consent change made meanwhile (the app's `preferencesChanged`)
shows up while it is open; the newest read wins (a runner key). The list exports to CSV:
the proof a data-protection request or a dispute needs. Member, staff and note text is
plain text throughout. Like the manager windows, its runner runs within the main window's
and its errors show in its own banner.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_comm.core import export
from studio_comm.core.audit import AuditHistory, ConsentStep
from studio_comm.core.review import CellState
from studio_comm.ui.error_banner import ErrorBanner
from studio_comm.ui.events import events
from studio_comm.ui.labels import cell_label, format_datetime, plain_tooltip
from studio_comm.ui.models.audit_model import action_label, outcome_label
from studio_comm.ui.models.review_model import state_text
from studio_comm.ui.plain_label import PlainLabel
from studio_comm.ui.review_window import attach_to_main_window
from studio_comm.ui.tables import save_file_dialog, separator_combo
from studio_comm.ui.tasks import TaskRunner, ask

if TYPE_CHECKING:
    from studio_comm.api.models import Customer
    from studio_comm.ui.main_window import MainWindow

STEPS = "consentHistory.steps"  # the runner's key of the read that fills the list


def source_label(source: str | None) -> str:
    """How the member expressed a change, as a history line says it ("by phone")."""
    translate = QCoreApplication.translate
    return {
        "desk": translate("ConsentHistory", "at the desk"),
        "phone": translate("ConsentHistory", "by phone"),
        "writing": translate("ConsentHistory", "in writing"),
        "email": translate("ConsentHistory", "by email"),
        "other": translate("ConsentHistory", "another way"),
    }.get(source or "", source or "")


def source_choice(source: str) -> str:
    """The same as a choice in the save confirmation, with its keyboard accelerator."""
    translate = QCoreApplication.translate
    return {
        "desk": translate("ConsentHistory", "At the &desk"),
        "phone": translate("ConsentHistory", "By &phone"),
        "writing": translate("ConsentHistory", "In &writing"),
        "email": translate("ConsentHistory", "By e&mail"),
        "other": translate("ConsentHistory", "&Other"),
    }[source]


def _state(state: CellState | None) -> str:
    return QCoreApplication.translate("ConsentHistory", "unknown") if state is None else state_text(state)


def consent_line(step: ConsentStep) -> str:
    """One consent change of one cell as a sentence that needs nothing around it."""
    translate = QCoreApplication.translate
    record, entry = step.record, step.record.entry
    if step.cell is None:
        change = translate("ConsentHistory", "Consent changed (no details recorded)")
    else:
        change = f"{cell_label(step.cell)}: {_state(step.before)} → {_state(step.after)}"
        if not record.applied:
            change += " " + translate("ConsentHistory", "(intended; {outcome})").format(
                outcome=outcome_label(entry.outcome))
    if entry.staff and entry.workstation:
        who = translate("ConsentHistory", "{staff} at {workstation}").format(
            staff=entry.staff, workstation=entry.workstation)
    elif entry.staff:
        who = entry.staff
    elif entry.action == "preferences":
        who = translate("ConsentHistory", "staff member not recorded")
    else:
        who = translate("ConsentHistory", "changed outside studio-comm")
    parts = [change, who]
    if record.source:
        parts.append(source_label(record.source))
    parts.append(format_datetime(entry.at))
    if record.note:
        parts.append(translate("ConsentHistory", "“{note}”").format(note=record.note))
    return " · ".join(parts)


class ConsentHistoryWindow(QMainWindow):
    def __init__(self, history: AuditHistory, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("consentHistoryWindow")
        self.setAccessibleName(self.tr("Consent history"))
        self.history = history
        self.tasks = tasks
        self.customer: Customer | None = None
        self.steps: list[ConsentStep] = []
        self.error_banner = ErrorBanner(self)
        tasks.failed.connect(self.error_banner.show_error)

        self.member_label = PlainLabel(self, "consentHistoryMember", self.tr("Member"))
        intro = QLabel(self.tr("Every change of this member's consent recorded in the journal, newest first: "
                               "who made it, at which desk, how the member said so, and when."), self)
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("consentHistoryList")
        self.list.setAccessibleName(self.tr("Consent changes"))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.count_label = PlainLabel(self, "consentHistoryCount", self.tr("Number of changes"))

        self.separator_combo = separator_combo(self, "consentHistorySeparator")
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.setObjectName("consentHistoryExportButton")
        self.export_button.setAccessibleName(self.tr("Export the consent history"))
        self.export_button.setToolTip(self.tr("Save this member's consent history as a CSV file"))
        self.export_button.clicked.connect(self._choose_file)
        events().preferencesChanged.connect(self._preferences_changed)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(QLabel(self.tr("Separator:"), self))
        bottom.addWidget(self.separator_combo)
        bottom.addWidget(self.export_button)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.member_label)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        self.setCentralWidget(central)
        self.resize(900, 480)
        self.set_customer(None)

    # -- the member ----------------------------------------------------------------------------
    def set_customer(self, customer: Customer | None) -> asyncio.Future[list[ConsentStep]] | None:
        """Show `customer`'s history (None: nobody is open)."""
        self.customer = customer
        self.tasks.drop(STEPS)
        self._show([])
        if customer is None:
            self.setWindowTitle(self.tr("Consent history – studio-comm"))
            self.member_label.setText(self.tr("No member open"))
            self.count_label.setText("")
            return None
        self.setWindowTitle(self.tr("Consent history of {member} – studio-comm").format(member=customer.display_name))
        self.member_label.setText(
            self.tr("{member} · Customer no. {number}").format(member=customer.display_name,
                                                               number=customer.customer_number)
            if customer.customer_number else customer.display_name)
        self.count_label.setText(self.tr("Reading the journal…"))
        return self.reload()

    def follow(self, customer: Customer | None) -> None:
        """The main window opened another member: show theirs, if this window is open."""
        if self.isVisible():
            self.set_customer(customer)

    def reload(self) -> asyncio.Future[list[ConsentStep]] | None:
        if self.customer is None:
            return None
        customer = self.customer
        return self.tasks.run(self.history.consent_history(customer.id), on_result=self._show, key=STEPS)

    def _preferences_changed(self, customer_id: int) -> None:
        if self.customer is not None and customer_id == self.customer.id and self.isVisible():
            self.reload()

    def _show(self, steps: list[ConsentStep]) -> None:
        self.steps = steps
        self.list.clear()
        for step in steps:
            line = consent_line(step)
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, step.record.entry.request_id)
            item.setToolTip(plain_tooltip(line) or "")  # staff names and notes are typed by people
            self.list.addItem(item)
        if self.customer is not None:
            self.count_label.setText(self.tr("%n consent change(s)", "", len(steps)) if steps else
                                     self.tr("No consent change of this member is recorded in the journal."))
        self.export_button.setEnabled(bool(steps))

    def lines(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    # -- export -------------------------------------------------------------------------------
    def export_csv(self, path: Path | str, delimiter: str | None = None) -> asyncio.Future[int]:
        steps = list(self.steps)
        delimiter = delimiter or self.separator_combo.currentData()
        wording = export.Wording(
            headers={
                "at": self.tr("Time (UTC)"), "customer_id": self.tr("Customer ID"), "consent": self.tr("Consent"),
                "before": self.tr("Before"), "after": self.tr("After"), "staff": self.tr("Staff"),
                "workstation": self.tr("Workstation"), "source": self.tr("How the member said so"),
                "note": self.tr("Note"), "outcome": self.tr("Outcome"), "action": self.tr("Action"),
                "request_id": self.tr("Request ID"), "text": self.tr("Change"),
            },
            cell_header=cell_label, state=_state, outcome=outcome_label, action=action_label, source=source_label,
        )
        # Worded here, on the UI thread: the labels go through Qt's translation.
        worded = {id(step): consent_line(step) for step in steps}

        async def write() -> int:
            return await asyncio.to_thread(export.write_consent_history_csv, Path(path), steps, delimiter=delimiter,
                                           wording=wording, describe=lambda step: worded[id(step)])

        def written(count: int) -> None:
            self.statusBar().showMessage(self.tr("Exported %n change(s) to {path}", "", count).format(
                path=str(path)), 10_000)

        return self.tasks.run(write(), on_result=written)

    def _choose_file(self) -> None:
        customer = self.customer
        if customer is None:
            return
        who = customer.customer_number or str(customer.id)
        dialog = save_file_dialog(self, "consentHistoryExportDialog", self.tr("Export the consent history"),
                                  f"consent-history-{who}-{datetime.now(UTC):%Y-%m-%d}.csv",
                                  self.tr("CSV files (*.csv)"))
        self.tasks.run(ask(dialog), on_result=lambda path: self.export_csv(path) if path else None)


def open_consent_history(main_window: MainWindow) -> ConsentHistoryWindow | None:
    """Show the consent history of the member open in the main window (menu entry)."""
    session = main_window.session
    if session is None or session.studio is None:
        main_window.tasks.report(QCoreApplication.translate("ConsentHistory", "Connect to a studio first."))
        return None
    window: ConsentHistoryWindow | None = getattr(main_window, "consent_history_window", None)
    if window is None:
        window = ConsentHistoryWindow(AuditHistory(session.journal, session.studio_id),
                                      TaskRunner(within=main_window.tasks), main_window)
        attach_to_main_window(main_window, "consent_history_window", window)
        main_window.customerShown.connect(window.follow)
    window.set_customer(main_window.customer)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
