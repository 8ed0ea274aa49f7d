"""The Traffic Cop's question: another desk was here first, what now?

Asked (with `ask()`, window-modal) before a follow-up goes into a thread that received
messages from another desk since this desk's user began the reply, and before a consent
save when another desk saved the member's consent since the member was opened here
(core.traffic_cop finds both). It shows what is new, as plain text, and offers three
answers, its result codes `TrafficCopDialog.SEND`, `EDIT` or `DISCARD` (closing it is EDIT: nothing is
sent or saved and nothing is thrown away):
- send anyway (save anyway: the usual confirmation follows);
- edit first: the reply (the unsaved edits) stays, the news is shown;
- discard the reply (revert the unsaved edits), the user's explicit choice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QPushButton, QVBoxLayout, QWidget

from studio_comm.ui.labels import format_moment
from studio_comm.ui.models.timeline_model import one_line
from studio_comm.ui.plain_label import PlainLabel

if TYPE_CHECKING:
    from studio_comm.core.traffic_cop import OtherSave
    from studio_comm.journal.records import MessageRecord


class TrafficCopDialog(QDialog):
    SEND, EDIT, DISCARD = 2, 3, 4

    def __init__(self, intro: str, lines: list[str], send: str, discard: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trafficCopDialog")
        self.setWindowTitle(self.tr("Another desk was here first"))
        self.intro = PlainLabel(self, "trafficCopIntro")
        self.intro.setText(intro)
        self.news = QListWidget(self)
        self.news.setObjectName("trafficCopNews")
        self.news.setAccessibleName(self.tr("What is new"))
        self.news.addItems(lines)  # QListWidget items are plain text
        self.news.setWordWrap(True)
        self.news.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.news.setMinimumWidth(460)
        buttons = QDialogButtonBox(self)
        self.send_button = self._button(buttons, "trafficCopSendAnyway", send, self.SEND)
        self.edit_button = self._button(buttons, "trafficCopEdit", self.tr("Edit first"), self.EDIT)
        self.discard_button = self._button(buttons, "trafficCopDiscard", discard, self.DISCARD)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.news, 1)
        layout.addWidget(buttons)
        self.edit_button.setDefault(True)  # Enter looks at the news first

    def _button(self, box: QDialogButtonBox, name: str, text: str, code: int) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.done(code))
        return button

    def reject(self) -> None:  # Escape or the window's close button: change nothing
        self.done(self.EDIT)


def thread_news_dialog(news: list[MessageRecord], parent: QWidget | None = None) -> TrafficCopDialog:
    """Before a follow-up: the messages other desks added to the thread meanwhile."""
    intro = QCoreApplication.translate(
        "TrafficCopDialog", "Other desks wrote in this thread since you began your reply. Read what is new "
        "before you send: a colleague may have answered already.")
    lines = [QCoreApplication.translate("TrafficCopDialog", "{time} · {who}: {text}").format(
        time=format_moment(m.created_at), who=_who(m.workstation, m.staff or m.agent),
        text=one_line(m.content or m.subject or "")) for m in news]
    return TrafficCopDialog(intro, lines, QCoreApplication.translate("TrafficCopDialog", "Send anyway"),
                            QCoreApplication.translate("TrafficCopDialog", "Discard my reply"), parent)


def consent_saves_dialog(saves: list[OtherSave], parent: QWidget | None = None) -> TrafficCopDialog:
    """Before a consent save: the saves other desks made of the member since it was opened."""
    intro = QCoreApplication.translate(
        "TrafficCopDialog", "Another desk saved this member's consent since you opened the member. The matrix "
        "shows that save now, with your changes on top: check them against it before you save.")
    lines = [QCoreApplication.translate("TrafficCopDialog", "{time} · saved by {who}").format(
        time=format_moment(s.at), who=_who(s.workstation, s.staff)) for s in saves]
    return TrafficCopDialog(intro, lines, QCoreApplication.translate("TrafficCopDialog", "Save anyway"),
                            QCoreApplication.translate("TrafficCopDialog", "Discard my changes"), parent)


def _who(workstation: str | None, staff: str | None) -> str:
    if workstation and staff:
        return QCoreApplication.translate("TrafficCopDialog", "{staff} at {workstation}").format(
            staff=staff, workstation=workstation)
    return staff or workstation or QCoreApplication.translate("TrafficCopDialog", "another desk")
