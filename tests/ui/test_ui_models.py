"""The main window's item models: Qt's model contract (qtmodeltester) and what staff see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QLocale, QModelIndex, Qt
from PySide6.QtGui import QTextDocumentFragment

from studio_comm.api.models import Channel, Customer, MessageCategory
from studio_comm.core.audit import AuditRecord, Member
from studio_comm.core.matrix import Matrix
from studio_comm.core.preferences import PreferenceEditor
from studio_comm.journal.records import AuditEntry
from studio_comm.ui.models.audit_model import AuditModel
from studio_comm.ui.models.customer_results import CUSTOMER_ROLE, CustomerResultsModel
from studio_comm.ui.models.preferences_matrix import ABSENT_TEXT, PreferencesMatrixModel

NEWSLETTER_SMS = (MessageCategory.NEWSLETTER, Channel.TEXT_MESSAGE)
CONTRACT_EMAIL = (MessageCategory.CONTRACT, Channel.EMAIL)
CONTRACT_LETTER = (MessageCategory.CONTRACT, Channel.LETTER)


def customer(id: int, **fields) -> Customer:
    wire = {"id": id, "status": "MEMBER", "accessRefusal": False, "firstName": "Anna", "lastName": f"Muster{id}"}
    wire.update(fields)
    return Customer.model_validate(wire)


def matrix() -> Matrix:
    """Sparse, with a studio-fixed cell and a category from a newer API version."""
    return Matrix.from_wire(
        [
            {
                "messageCategory": "CONTRACT",
                "channels": [
                    {"communicationChannel": "EMAIL", "customerOverridable": True, "active": True},
                    {"communicationChannel": "LETTER", "customerOverridable": False, "active": True},
                ],
            },
            {
                "messageCategory": "NEWSLETTER",
                "channels": [
                    {"communicationChannel": "EMAIL", "customerOverridable": True, "active": True},
                    {"communicationChannel": "TEXT_MESSAGE", "customerOverridable": True, "active": True},
                ],
            },
            {
                "messageCategory": "BIRTHDAY_WISHES",
                "channels": [{"communicationChannel": "EMAIL", "customerOverridable": True, "active": False}],
            },
        ]
    )


def editor(intent: dict | None = None) -> PreferenceEditor:
    """The core editor over `matrix()` as just read, with the user's `intent` recorded.
    (No server round trip happens in these tests, so it needs no session.)"""
    editing = PreferenceEditor(client=None, audit=None, studio_id=1, customer_id=1)  # type: ignore[arg-type]
    editing.matrix = matrix()
    for cell, active in (intent or {}).items():
        editing.set(cell, active)
    return editing


def matrix_model(intent: dict | None = None) -> tuple[PreferencesMatrixModel, PreferenceEditor]:
    """The model over an editor, edits applied the way the preferences panel applies them."""
    model, editing = PreferencesMatrixModel(), editor(intent)
    model.set_editor(editing)
    model.cellEdited.connect(editing.set)
    return model, editing


# -- customer results -------------------------------------------------------------------------
def test_results_model_contract(qtmodeltester):
    model = CustomerResultsModel()
    model.set_customers(
        [
            customer(1, customerNumber="1001", email="anna@example.org", dateOfBirth="1990-04-01"),
            customer(2, accessRefusal=True, status="SUSPENDED_IN_A_NEWER_VERSION"),
            customer(3, firstName=None, lastName=None),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)  # Qt's own QAbstractItemModelTester as well


def test_results_rows_show_labels_and_keys(qapp):
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        model = CustomerResultsModel()
        model.set_customers(
            [
                customer(7, customerNumber="1007", email="a@example.org", dateOfBirth="1990-04-01"),
                customer(8, status="FORMER_MEMBER", accessRefusal=True),
                customer(9, status="NEWER_STATUS"),
            ]
        )
        row = [model.index(0, c).data() for c in range(model.columnCount())]
        assert row == ["Anna Muster7", "1007", "Member", "a@example.org", "01.04.1990"]
        assert model.index(0, 3).data(Qt.ItemDataRole.UserRole) == 7
        assert model.index(0, 0).data(CUSTOMER_ROLE).id == 7
        assert model.index(1, 2).data() == "Former member"
        assert model.index(2, 2).data() == "Unknown (NEWER_STATUS)"
        # Access refusal: an icon and a tooltip on the name, nothing on others.
        assert not model.index(1, 0).data(Qt.ItemDataRole.DecorationRole).isNull()
        assert "Access refused" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
    finally:
        QLocale.setDefault(previous)


def shown_in_tooltip(text: str) -> str:
    """What a tooltip of `text` displays: Qt renders text that looks like markup as rich text."""
    return QTextDocumentFragment.fromHtml(text).toPlainText() if QtGui.Qt.mightBeRichText(text) else text


def test_member_and_staff_text_shows_literally_in_tooltips(qapp):
    name, email = "<b>Bo</b> & <i>Co</i>", "<u>bo</u>@example.org"
    results = CustomerResultsModel()
    results.set_customers([customer(1, firstName="<b>Bo</b>", lastName="& <i>Co</i>", email=email)])
    assert shown_in_tooltip(results.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)) == name
    assert shown_in_tooltip(results.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)) == email

    audit = AuditModel()
    entry = AuditEntry(
        id=1, request_id="r1", action="message", studio_id=1, customer_id=1, staff="<b>Kim</b>",
        workstation="desk-1", before=None, after=None, outcome="sent", http_status=200, trace_id=None,
        intent={"direction": "OUTGOING", "channel": "EMAIL", "category": "GENERAL"},
        created_at=datetime(2026, 3, 1, tzinfo=UTC))
    audit.set_entries([AuditRecord.of(entry, Member(1, "1001", name))])
    assert shown_in_tooltip(audit.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)) == "<b>Kim</b>"
    assert shown_in_tooltip(audit.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)) == f"1001 · {name}"


def test_browse_pages_arrive_on_fetch_more(qtmodeltester):
    model = CustomerResultsModel()
    requests = []
    model.set_pager(lambda: requests.append(len(requests)))
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert requests == [0]
    assert not model.canFetchMore(QModelIndex()), "one page at a time"
    model.append_page([customer(i) for i in range(50)], last=False)
    assert model.rowCount() == 50 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.append_page([customer(i) for i in range(50, 60)], last=True)
    assert model.rowCount() == 60 and not model.canFetchMore(QModelIndex())
    assert requests == [0, 1]
    qtmodeltester.check(model, force_py=True)
    assert model.row_of(55) == 55


# -- preferences matrix -----------------------------------------------------------------------
def test_matrix_model_contract(qtmodeltester):
    model, _ = matrix_model({NEWSLETTER_SMS: False})
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    empty = PreferencesMatrixModel()
    qtmodeltester.check(empty, force_py=True)


def test_matrix_headers_and_keys(qapp):
    model, _ = matrix_model()
    rows = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert rows[:5] == ["Contract", "General", "Appointment", "Newsletter", "Loyalty programme"]
    assert rows[5] == "Unknown (BIRTHDAY_WISHES)"
    keys = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.UserRole) for c in range(model.columnCount())
    ]
    assert keys == ["LETTER", "EMAIL", "TEXT_MESSAGE"]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Text message"
    index = model.index_of(*NEWSLETTER_SMS)
    assert index.data(Qt.ItemDataRole.UserRole) == ("NEWSLETTER", "TEXT_MESSAGE")


def test_absent_and_fixed_cells_cannot_be_checked(qapp):
    model, editing = matrix_model()
    absent = model.index_of(MessageCategory.GENERAL, Channel.EMAIL)
    assert absent.data() == ABSENT_TEXT
    assert absent.data(Qt.ItemDataRole.CheckStateRole) is None
    assert not absent.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert absent.data(Qt.ItemDataRole.ToolTipRole) == "Not offered for this category"
    assert not model.setData(absent, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

    fixed = model.index_of(*CONTRACT_LETTER)
    assert fixed.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert not fixed.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "Fixed by the studio" in fixed.data(Qt.ItemDataRole.ToolTipRole)
    assert not fixed.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert not model.setData(fixed, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert not editing.is_dirty


def test_changed_cell_is_highlighted_until_unchanged(qapp):
    model, editing = matrix_model()
    edits = []
    model.cellEdited.connect(lambda cell, active: edits.append((cell, active)))
    index = model.index_of(*NEWSLETTER_SMS)
    assert index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None

    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert edits == [(NEWSLETTER_SMS, False)]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "not saved" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index_of(*CONTRACT_EMAIL).data(Qt.ItemDataRole.BackgroundRole) is None
    assert editing.intent == {NEWSLETTER_SMS: False}, "the edit is the editor's, not a copy in the model"

    # Back to the read value: no longer a change (the editor's rule).
    model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert not editing.is_dirty

    # What changes the intent elsewhere (Revert) shows once the model hears of it.
    model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    editing.revert()
    model.intent_changed()
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_read_only_while_busy(qapp):
    model, _ = matrix_model()
    model.set_editable(False)
    index = model.index_of(*NEWSLETTER_SMS)
    assert not index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    model.set_editable(True)
    assert index.flags() & Qt.ItemFlag.ItemIsUserCheckable


@pytest.mark.parametrize(
    "intent",
    [{}, {NEWSLETTER_SMS: False}, {NEWSLETTER_SMS: False, CONTRACT_EMAIL: False}],
)
def test_intent_keeps_contract(qtmodeltester, intent):
    model, _ = matrix_model(intent)
    qtmodeltester.check(model, force_py=True)
    for cell, value in intent.items():
        assert model.value(cell) is value


# -- the conversation: live updates from other desks ------------------------------------------

def message(n: int, state: str = "sent", **fields):
    from studio_comm.journal.records import MessageRecord

    at = datetime(2026, 12, 1, 10, n % 60, tzinfo=UTC)
    values = dict(id=n, request_id=f"req-{n}", thread_id=1, studio_id=1, customer_id=1, direction="OUTGOING",
                  channel="EMAIL", category="GENERAL", subject="Locker", content=f"message {n}", agent="Jens P.",
                  communication_time=None, thread_status="ONGOING", state=state, communication_id=None,
                  error=None, http_status=None, trace_id=None, workstation="desk-2", staff="Jens P.",
                  created_at=at, updated_at=at, resend_of=None)
    values.update(fields)
    return MessageRecord(**values)


def test_a_timeline_merged_with_another_desks_messages_keeps_rows_selection_and_own_sends(qtmodeltester):
    from studio_comm.api.enums import Direction
    from studio_comm.ui.models.timeline_model import PendingMessage, TimelineModel

    model = TimelineModel()
    model.set_messages([message(1), message(2, "pending")])
    selected = QtCore_persistent(model, 0)
    mine = PendingMessage("req-mine", Direction.OUTGOING, Channel.EMAIL, MessageCategory.GENERAL, "Locker",
                          "sent from here", None)
    model.append(mine)
    resets, inserted = [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))

    # Another desk's message 2 is sent now and its message 3 is new; this desk's send is still out.
    model.merge([message(1), message(2, "sent"), message(3)])
    assert [m.request_id for m in model.messages()] == ["req-1", "req-2", "req-3", "req-mine"]
    assert resets == [] and inserted == [(2, 2)], "in place: no new layout, the view keeps its scroll"
    assert model.message(model.row_of("req-2")).state == "sent"
    assert model.row_of("req-mine") >= 0, "the stand-in of this desk's send stays until its answer"
    assert selected.isValid() and selected.row() == 0
    qtmodeltester.check(model)

    # Once this desk's message is in the journal, its journal row takes the stand-in's place.
    model.merge([message(1), message(2), message(3), message(4, request_id="req-mine", workstation="desk-1")])
    assert [m.request_id for m in model.messages()] == ["req-1", "req-2", "req-3", "req-mine"]
    assert model.message(3).workstation == "desk-1" and resets == []


def QtCore_persistent(model, row: int):  # noqa: N802 (reads like the Qt class it makes)
    from PySide6.QtCore import QPersistentModelIndex

    return QPersistentModelIndex(model.index(row, 0))


def test_a_thread_list_read_again_in_the_same_order_updates_in_place_and_shows_who_writes(qtmodeltester):
    from studio_comm.journal.records import ThreadRecord
    from studio_comm.ui.models.thread_list_model import ThreadListModel

    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

    def thread(n: int, status: str = "ONGOING") -> ThreadRecord:
        return ThreadRecord(id=n, studio_id=1, customer_id=1, remote_thread_id=100 + n, subject=f"Subject {n}",
                            status=status, category="GENERAL", created_at=at, updated_at=at)

    model = ThreadListModel()
    model.set_threads([thread(1), thread(2)])
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    selected = QtCore_persistent(model, 1)
    model.set_threads([thread(1), thread(2, "FINISHED")])
    assert resets == [] and selected.isValid() and selected.row() == 1
    model.set_writing({2: ["Jens P."]})
    assert model.index(1, ThreadListModel.SUBJECT).data() == "Jens P. is writing… · Subject 2"
    assert model.index(1, 0).data(ThreadListModel.WritingRole) == "Jens P. is writing…"
    assert model.index(0, 0).data(ThreadListModel.WritingRole) is None
    assert "Jens P. is writing… · Subject 2" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model)
    model.set_threads([thread(2), thread(1)])  # another order: laid out anew
    assert resets == [1]
