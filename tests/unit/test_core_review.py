"""Consent review core: the runner against the sandbox over loopback HTTP with a real journal,
and the table logic (filters, sorting, summary) and CSV export over plain rows."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from studio_comm.api.models import CommunicationPreference
from studio_comm.core.export import write_review_csv
from studio_comm.core.review import (
    CellState,
    ReviewFilter,
    ReviewRow,
    build_table,
    cell_states,
    filter_rows,
    sort_rows,
    summarize,
    wire_cell_states,
)

A, I, X, FA, FI = (CellState.ACTIVE, CellState.INACTIVE, CellState.ABSENT,
                   CellState.FIXED_ACTIVE, CellState.FIXED_INACTIVE)
NL_SMS = ("NEWSLETTER", "TEXT_MESSAGE")
NL_MAIL = ("NEWSLETTER", "EMAIL")
CO_MAIL = ("CONTRACT", "EMAIL")
T0 = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def row(cid, name, states, *, status="MEMBER", number=None, error=None, read_at=T0):
    return ReviewRow(cid, number or str(10000 + cid), name, status, read_at,
                     {c: s for c, s in states.items() if s is not X}, error)


ROWS = [
    row(1, "Anna Müller", {NL_SMS: A, NL_MAIL: I, CO_MAIL: FA}),
    row(2, "Jörg Öztürk", {NL_SMS: I, NL_MAIL: A, CO_MAIL: FA}, status="PROSPECT"),
    row(3, "Zoë Weiß", {NL_MAIL: A, CO_MAIL: FI}, number="9999"),
    row(4, "=HYPERLINK(\"x\")", {NL_SMS: A, CO_MAIL: FA}, status="FORMER_MEMBER"),
    row(5, "Gone Member", {}, error="not_found"),
]


# --------------------------------------------------------------------------- table logic


def test_states_from_models_and_from_cached_wire_json_agree():
    wire = [
        {"messageCategory": "NEWSLETTER", "channels": [
            {"communicationChannel": "TEXT_MESSAGE", "customerOverridable": True, "active": True},
            {"communicationChannel": "EMAIL", "active": False}]},
        {"messageCategory": "CONTRACT", "channels": [
            {"communicationChannel": "EMAIL", "customerOverridable": False, "active": True},
            {"communicationChannel": "LETTER", "customerOverridable": False, "active": False}]},
    ]
    expected = {NL_SMS: A, NL_MAIL: I, CO_MAIL: FA, ("CONTRACT", "LETTER"): FI}
    models = [CommunicationPreference.model_validate(p) for p in wire]
    assert cell_states(models) == expected
    assert wire_cell_states(wire) == expected


def test_missing_cell_is_absent_and_unreadable_row_has_no_states():
    assert ROWS[2].state(NL_SMS) is X
    assert ROWS[4].state(NL_SMS) is None


def test_filters_combine_category_channel_state_status_and_text():
    table = build_table(ROWS, ReviewFilter(categories=frozenset({"NEWSLETTER"})))
    assert table.cells == [NL_MAIL, NL_SMS]  # canonical channel order: EMAIL before TEXT_MESSAGE
    assert len(table.rows) == 5

    # "Who has no newsletter texts?": absent in the only shown cell.
    absent = ReviewFilter(categories=frozenset({"NEWSLETTER"}), channels=frozenset({"TEXT_MESSAGE"}),
                          states=frozenset({X}))
    assert [r.customer_id for r in build_table(ROWS, absent).rows] == [3]

    fixed = ReviewFilter(states=frozenset({FA, FI}), statuses=frozenset({"MEMBER"}))
    assert {r.customer_id for r in build_table(ROWS, fixed).rows} == {1, 3}

    # Text: part of the name ignoring case and accents as typed, or the number, or the id.
    assert [r.customer_id for r in filter_rows(ROWS, ReviewFilter(text="weiß"), [])] == [3]
    assert [r.customer_id for r in filter_rows(ROWS, ReviewFilter(text="10002"), [])] == [2]
    assert [r.customer_id for r in filter_rows(ROWS, ReviewFilter(text=" 5 "), [])] == [5]


def test_summary_counts_share_active_over_readable_filtered_rows():
    table = build_table(ROWS, ReviewFilter(statuses=frozenset({"MEMBER"})))
    # Members: rows 1, 3 and the unreadable 5 (not counted).
    sms = table.summary[NL_SMS]
    assert (sms.total, sms.active, sms.inactive, sms.absent, sms.fixed) == (2, 1, 0, 1, 0)
    assert sms.share_active == 0.5
    contract = table.summary[CO_MAIL]
    assert (contract.active, contract.inactive, contract.fixed) == (1, 1, 2)
    assert table.unreadable == 1
    # The summary covers every cell, also those the category filter hides from the table.
    narrowed = build_table(ROWS, ReviewFilter(categories=frozenset({"CONTRACT"})))
    assert narrowed.cells == [CO_MAIL] and set(narrowed.summary) == {CO_MAIL, NL_MAIL, NL_SMS}
    assert summarize([], [NL_SMS])[NL_SMS].share_active == 0.0


def test_sorting_by_number_is_numeric_and_by_cell_follows_state_order():
    by_number = sort_rows(ROWS, "customer_number")
    assert [r.customer_number for r in by_number][:2] == ["9999", "10001"]
    by_cell = sort_rows(ROWS, NL_SMS)
    assert [r.customer_id for r in by_cell] == [1, 4, 2, 3, 5]  # active, inactive, absent, unreadable
    assert [r.customer_id for r in sort_rows(ROWS, NL_SMS, descending=True)][0] == 5
    assert [r.name for r in sort_rows(ROWS, "name")][:2] == ["=HYPERLINK(\"x\")", "Anna Müller"]


# --------------------------------------------------------------------------- CSV


def parse_csv(raw: bytes, delimiter: str) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_review_csv_is_excel_ready_with_read_times_and_safe_text(tmp_path, delimiter):
    table = build_table(ROWS, ReviewFilter(categories=frozenset({"NEWSLETTER"})), ("customer_number", False))
    path = tmp_path / "review.csv"
    assert write_review_csv(path, table.rows, table.cells, delimiter=delimiter) == 5
    lines = parse_csv(path.read_bytes(), delimiter)
    assert lines[0] == ["Customer ID", "Customer number", "Name", "Status", "Read at (UTC)", "Read error",
                        "NEWSLETTER / EMAIL", "NEWSLETTER / TEXT_MESSAGE"]
    by_id = {line[0]: line for line in lines[1:]}
    assert by_id["1"] == ["1", "10001", "Anna Müller", "MEMBER", "2026-11-20 08:30:00", "", "inactive", "active"]
    assert by_id["3"][-2:] == ["active", "absent"]
    assert by_id["5"][5:] == ["not_found", "", ""]
    # A name that looks like a formula is written as text.
    assert by_id["4"][2] == "'=HYPERLINK(\"x\")"
    assert not list(tmp_path.glob("*.partial"))


def test_csv_separator_must_be_comma_or_semicolon(tmp_path):
    with pytest.raises(ValueError):
        write_review_csv(tmp_path / "x.csv", ROWS, [], delimiter="\t")
    assert not (tmp_path / "x.csv").exists()
