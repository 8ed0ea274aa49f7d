"""The preference matrix, the intent and its merge onto a fresh read (no server needed)."""

from __future__ import annotations

import pytest

from studio_comm.api.models import Channel, MessageCategory
from studio_comm.core.matrix import Matrix
from studio_comm.core.preferences import (
    Change,
    Conflict,
    Difference,
    changes_between,
    differences,
    merge,
)

C, CH = MessageCategory, Channel
NEWS_SMS = (C.NEWSLETTER, CH.TEXT_MESSAGE)
NEWS_MAIL = (C.NEWSLETTER, CH.EMAIL)
CONTRACT_MAIL = (C.CONTRACT, CH.EMAIL)
GENERAL_PHONE = (C.GENERAL, CH.PHONE)


def wire(cells: dict[tuple[str, str], tuple[bool, bool]]) -> list[dict]:
    """Preferences JSON from {(category, channel): (active, overridable)}, in the given order."""
    prefs: dict[str, list[dict]] = {}
    for (category, channel), (active, overridable) in cells.items():
        prefs.setdefault(category, []).append(
            {"communicationChannel": channel, "customerOverridable": overridable, "active": active}
        )
    return [{"messageCategory": cat, "channels": chans} for cat, chans in prefs.items()]


BASE = {
    ("NEWSLETTER", "TEXT_MESSAGE"): (True, True),
    ("NEWSLETTER", "EMAIL"): (True, True),
    ("CONTRACT", "EMAIL"): (True, False),
    ("GENERAL", "PHONE"): (False, True),
}


def matrix(**overrides) -> Matrix:
    cells = dict(BASE)
    for key, value in overrides.items():
        category, channel = key.split("__")
        if value is None:
            cells.pop((category, channel))
        else:
            cells[(category, channel)] = value
    return Matrix.from_wire(wire(cells))


def test_matrix_orders_rows_and_columns_canonically_whatever_the_server_order():
    m = matrix()
    assert m.categories == tuple(MessageCategory)  # every known row, also one with no cells
    assert m.channels == (CH.EMAIL, CH.TEXT_MESSAGE, CH.PHONE)  # only offered channels
    assert m.cells() == [CONTRACT_MAIL, GENERAL_PHONE, NEWS_MAIL, NEWS_SMS]


def test_unknown_category_and_channel_are_kept_shown_last_and_sent_back_unchanged():
    data = wire({**BASE, ("VIP_EVENTS", "EMAIL"): (True, True),
                 ("NEWSLETTER", "WHATSAPP"): (False, True)})
    m = Matrix.from_wire(data)
    assert [c.value for c in m.categories[-1:]] == ["VIP_EVENTS"]
    assert [c.value for c in m.channels] == ["EMAIL", "TEXT_MESSAGE", "PHONE", "WHATSAPP"]
    assert not m.categories[-1].known and not m.channels[-1].known
    assert m.active((C("VIP_EVENTS"), CH.EMAIL)) is True
    sent = [p.to_wire() for p in m.to_preferences({NEWS_SMS: False})]
    expected = Matrix.from_wire(data).to_wire()
    expected[0]["channels"][0]["active"] = False
    assert sent == expected


def test_absent_and_fixed_cells_are_told_apart():
    m = matrix()
    assert m.setting((C.GENERAL, CH.TEXT_MESSAGE)) is None
    assert m.active((C.GENERAL, CH.TEXT_MESSAGE)) is None
    assert not m.fixed((C.GENERAL, CH.TEXT_MESSAGE))
    assert m.fixed(CONTRACT_MAIL) and m.active(CONTRACT_MAIL) is True
    assert not m.fixed(NEWS_SMS) and m.editable(NEWS_SMS)
    assert m.active(GENERAL_PHONE) is False


def test_cells_accept_wire_strings():
    m = matrix()
    assert m.active(("NEWSLETTER", "TEXT_MESSAGE")) is True


def test_to_preferences_returns_the_full_array_with_only_the_intent_changed():
    m = matrix()
    before = m.to_wire()
    after = [p.to_wire() for p in m.to_preferences({NEWS_SMS: False})]
    assert len(after) == len(before)
    changed = [
        (b["messageCategory"], bc["communicationChannel"])
        for b, a in zip(before, after, strict=True)
        for bc, ac in zip(b["channels"], a["channels"], strict=True)
        if bc != ac
    ]
    assert changed == [("NEWSLETTER", "TEXT_MESSAGE")]
    assert m.to_wire() == before  # the snapshot itself is untouched


@pytest.mark.parametrize("cell", [CONTRACT_MAIL, (C.GENERAL, CH.TEXT_MESSAGE)])
def test_fixed_or_absent_cells_cannot_be_part_of_an_intent(cell):
    with pytest.raises(ValueError):
        matrix().to_preferences({cell: False})


def test_changes_list_exactly_the_intent_in_display_order():
    m = matrix()
    assert changes_between(m, {NEWS_SMS: False, GENERAL_PHONE: True}) == [
        Change(GENERAL_PHONE, False, True),
        Change(NEWS_SMS, True, False),
    ]


def test_merge_keeps_the_intent_when_other_cells_changed_elsewhere():
    s0 = matrix()
    s1 = matrix(NEWSLETTER__EMAIL=(False, True))
    kept, conflicts = merge(s0, s1, {NEWS_SMS: False})
    assert kept == {NEWS_SMS: False} and conflicts == []
    merged = Matrix(s1.to_preferences(kept))
    assert merged.active(NEWS_MAIL) is False  # their change survives
    assert merged.active(NEWS_SMS) is False   # and so does mine


def test_merge_reports_a_cell_the_studio_fixed_meanwhile_as_conflict():
    s0 = matrix()
    # Meanwhile, in Magicline: the studio fixes newsletter SMS on, someone turns phone on.
    s1 = matrix(NEWSLETTER__TEXT_MESSAGE=(True, False), GENERAL__PHONE=(True, True))
    kept, conflicts = merge(s0, s1, {NEWS_SMS: False, NEWS_MAIL: False})
    assert conflicts == [Conflict(NEWS_SMS, True, True, False, editable=False)]
    assert kept == {NEWS_MAIL: False}


def test_a_switch_flipped_elsewhere_the_same_way_is_still_a_conflict_that_agrees():
    s0 = matrix()
    s1 = matrix(NEWSLETTER__TEXT_MESSAGE=(False, True))
    kept, conflicts = merge(s0, s1, {NEWS_SMS: False, GENERAL_PHONE: True})
    assert conflicts == [Conflict(NEWS_SMS, True, False, False)]
    assert conflicts[0].agrees
    assert kept == {GENERAL_PHONE: True}


def test_cell_that_became_fixed_or_absent_is_a_conflict_that_cannot_keep_mine():
    s0 = matrix()
    s1 = matrix(NEWSLETTER__TEXT_MESSAGE=(True, False), NEWSLETTER__EMAIL=None)
    kept, conflicts = merge(s0, s1, {NEWS_SMS: False, NEWS_MAIL: False})
    assert kept == {}
    assert conflicts == [
        Conflict(NEWS_MAIL, True, None, False, editable=False),
        Conflict(NEWS_SMS, True, True, False, editable=False),
    ]


def test_differences_name_the_cells_not_as_intended():
    s2 = matrix(NEWSLETTER__EMAIL=None)
    intent = {NEWS_SMS: False, NEWS_MAIL: False, GENERAL_PHONE: False}
    assert differences(s2, intent) == [
        Difference(NEWS_SMS, False, True),
        Difference(NEWS_MAIL, False, None),
    ]


def test_matrix_equality_compares_values():
    assert matrix() == matrix()
    assert matrix() != matrix(GENERAL__PHONE=(True, True))


def editor_on(m: Matrix):
    from studio_comm.core.preferences import PreferenceEditor

    editor = PreferenceEditor(client=None, audit=None, studio_id=1, customer_id=1)  # type: ignore[arg-type]
    editor.matrix = m
    return editor


def test_editor_intent_holds_only_cells_that_differ_from_the_snapshot():
    editor = editor_on(matrix())
    editor.set(NEWS_SMS, False)
    editor.set(GENERAL_PHONE, True)
    editor.set(GENERAL_PHONE, False)  # back to the snapshot's value: no change
    assert editor.intent == {NEWS_SMS: False}
    assert editor.changes() == [Change(NEWS_SMS, True, False)]
    assert editor.is_dirty
    # What a matrix shows: the intent where changed, else the snapshot; None where absent.
    assert (editor.value(NEWS_SMS), editor.changed(NEWS_SMS)) == (False, True)
    assert (editor.value(GENERAL_PHONE), editor.changed(("GENERAL", "PHONE"))) == (False, False)
    assert editor.value((C.GENERAL, CH.TEXT_MESSAGE)) is None
    editor.revert()
    assert not editor.is_dirty and editor.changes() == []


@pytest.mark.parametrize("cell", [CONTRACT_MAIL, (C.GENERAL, CH.TEXT_MESSAGE)])
def test_editor_refuses_fixed_and_absent_cells(cell):
    editor = editor_on(matrix())
    with pytest.raises(ValueError):
        editor.set(cell, False)
    assert editor.intent == {}


def test_resolving_a_conflict_keeps_mine_or_takes_theirs():
    editor = editor_on(matrix(GENERAL__PHONE=(True, True)))
    editor.conflicts = [
        Conflict(GENERAL_PHONE, False, True, False),
        Conflict(NEWS_MAIL, True, None, False, editable=False),
    ]
    with pytest.raises(ValueError):
        editor.resolve(NEWS_MAIL, keep_mine=True)
    editor.resolve(GENERAL_PHONE, keep_mine=True)
    editor.resolve(NEWS_MAIL, keep_mine=False)
    assert editor.intent == {GENERAL_PHONE: False}
    assert editor.conflicts == []
    with pytest.raises(ValueError):
        editor.resolve(GENERAL_PHONE, keep_mine=False)  # no longer in conflict
