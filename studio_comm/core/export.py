"""Exports for managers: the review table, the audit history and a campaign's members as
CSV, one member as JSON, and one member's consent history as CSV (the proof of who changed
which consent, when and how the member said so).

CSV files are written for Excel: UTF-8 with a byte order mark (without it Excel reads
"Müller" as "MÃ¼ller"), comma-separated by default, semicolon on request (German Excel
expects `;` because `,` is its decimal separator). Times are UTC, "YYYY-MM-DD HH:MM:SS",
which every spreadsheet reads as a date. A text that starts like a formula (=, +, -, @)
gets a leading apostrophe, so a member's name can never run as a formula on a manager's
computer.

Words (headers, states, statuses) come from a `Wording`: the UI passes translated ones,
the defaults are the API's wire values, so the core stays Qt-free and testable.

The one-member export (a data-protection access request) is a single JSON file: it nests
naturally (threads hold messages, audit entries hold before/after matrices), it is one
file to hand over or attach, it is the "structured, commonly used and machine-readable
format" the GDPR asks for, and it keeps values exact (no spreadsheet reinterpreting
customer numbers or dates), where a ZIP of CSVs would split one answer into several
files and flatten the nesting into ad-hoc columns.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from studio_comm.api import errors
from studio_comm.core.audit import ConsentStep
from studio_comm.core.review import Cell, CellState, ReviewRow, utc_now

SEPARATORS = (",", ";")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _identity(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Wording:
    """How values are worded in an export (defaults: wire values, English headers)."""

    headers: dict[str, str] = field(default_factory=dict)  # column key -> header text
    cell_header: Callable[[Cell], str] = lambda cell: f"{cell[0]} / {cell[1]}"
    state: Callable[[CellState | None], str] = _identity
    status: Callable[[str], str] = _identity
    error: Callable[[str | None], str] = _identity
    action: Callable[[str], str] = _identity
    outcome: Callable[[str | None], str] = _identity
    source: Callable[[str | None], str] = _identity  # how the member expressed a consent change

    def header(self, key: str, default: str) -> str:
        return self.headers.get(key, default)


def csv_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(target: Path | io.TextIOBase, header: Sequence[str],
               rows: Iterable[Sequence[Any]], delimiter: str) -> int:
    if delimiter not in SEPARATORS:
        raise ValueError("The separator must be a comma or a semicolon.")
    if isinstance(target, (str, Path)):
        path = Path(target)
        # Write beside the target and rename: a failed export never leaves half a file
        # in place of a good one.
        partial = path.with_name(path.name + ".partial")
        try:
            with open(partial, "w", encoding="utf-8-sig", newline="") as stream:
                count = _write_csv(stream, header, rows, delimiter)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return count
    writer = csv.writer(target, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_safe(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([_safe(v) for v in row])
        count += 1
    return count


# --------------------------------------------------------------------------- review


REVIEW_COLUMNS = (
    ("customer_id", "Customer ID"),
    ("customer_number", "Customer number"),
    ("name", "Name"),
    ("status", "Status"),
    ("read_at", "Read at (UTC)"),
    ("error", "Read error"),
)


def write_review_csv(
    target: Path | io.TextIOBase,
    rows: Sequence[ReviewRow],
    cells: Sequence[Cell],
    *,
    delimiter: str = ",",
    wording: Wording = Wording(),
) -> int:
    """The review table as shown (these rows, these cell columns); returns the row count."""
    header = [wording.header(key, text) for key, text in REVIEW_COLUMNS]
    header += [wording.cell_header(cell) for cell in cells]

    def lines():
        for row in rows:
            yield [
                row.customer_id, row.customer_number, row.name, wording.status(row.status),
                csv_time(row.read_at), wording.error(row.error),
                *(wording.state(row.state(cell)) for cell in cells),
            ]

    return _write_csv(target, header, lines(), delimiter)


# --------------------------------------------------------------------------- audit


AUDIT_COLUMNS = (
    ("at", "Time (UTC)"),
    ("staff", "Staff"),
    ("action", "Action"),
    ("customer_id", "Customer ID"),
    ("outcome", "Outcome"),
    ("before", "Before"),
    ("after", "After"),
    ("request_id", "Request ID"),
    ("workstation", "Workstation"),
)


def write_audit_csv(
    target: Path | io.TextIOBase,
    entries: Sequence[Any],
    *,
    delimiter: str = ",",
    wording: Wording = Wording(),
    describe: Callable[[Any, str], str] | None = None,
) -> int:
    """Audit entries, one per line; `describe(entry, "before"|"after")` words each side."""
    describe = describe or (lambda entry, side: compact_json(getattr(entry, side, None)))
    header = [wording.header(key, text) for key, text in AUDIT_COLUMNS]

    def lines():
        for e in entries:
            yield [
                csv_time(e.at), e.staff or "", wording.action(e.action), e.customer_id,
                wording.outcome(e.outcome), describe(e, "before"), describe(e, "after"),
                e.request_id or "", getattr(e, "workstation", None) or "",
            ]

    return _write_csv(target, header, lines(), delimiter)


# --------------------------------------------------------------------------- consent history


CONSENT_HISTORY_COLUMNS = (
    ("at", "Time (UTC)"),
    ("customer_id", "Customer ID"),
    ("consent", "Consent"),
    ("before", "Before"),
    ("after", "After"),
    ("staff", "Staff"),
    ("workstation", "Workstation"),
    ("source", "How the member said so"),
    ("note", "Note"),
    ("outcome", "Outcome"),
    ("action", "Action"),
    ("request_id", "Request ID"),
    ("text", "Change"),
)


def write_consent_history_csv(
    target: Path | io.TextIOBase,
    steps: Sequence[ConsentStep],
    *,
    delimiter: str = ",",
    wording: Wording = Wording(),
    describe: Callable[[ConsentStep], str] | None = None,
) -> int:
    """A member's consent history (`AuditHistory.consent_history`), one changed cell per
    line, newest first as given; `describe(step)` is the line as the history shows it."""
    header = [wording.header(key, text) for key, text in CONSENT_HISTORY_COLUMNS]

    def lines():
        for step in steps:
            entry = step.record.entry
            yield [
                csv_time(entry.at), entry.customer_id,
                wording.cell_header(step.cell) if step.cell is not None else "",
                wording.state(step.before), wording.state(step.after), entry.staff or "", entry.workstation or "",
                wording.source(step.record.source), step.record.note or "", wording.outcome(entry.outcome),
                wording.action(entry.action), entry.request_id or "", describe(step) if describe else "",
            ]

    return _write_csv(target, header, lines(), delimiter)


def compact_json(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if hasattr(value, "__dataclass_fields__"):
        return {k: getattr(value, k) for k in value.__dataclass_fields__}
    raise TypeError(f"{type(value).__name__} cannot be exported")


# --------------------------------------------------------------------------- one member

MEMBER_EXPORT_FORMAT = "studio-comm member export"
MEMBER_EXPORT_VERSION = 1
_CUSTOMER_LEFT_OUT = {"imageUrl"}  # expires after 15 minutes: worthless in an archive


def _record(record: Any, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {k: getattr(record, k) for k in record.__dataclass_fields__ if k not in leave_out}


async def member_export(client: Any, journal: Any, studio_id: int, customer_id: int) -> dict[str, Any]:
    """Everything studio-comm holds about one member, plus a fresh read of their consent.

    Current preferences come from the API; when that fails (customer gone, network down),
    from the review cache, and the export says which and why. Consent changes and
    messages come from the journal (the API cannot list threads or messages).
    """
    exported_at = utc_now()
    held = await journal.customer_export(studio_id, customer_id)
    cached = held.preferences
    customer: dict[str, Any] | None = None
    try:
        found = await client.customer(customer_id)
        prefs = await client.get_preferences(customer_id)
    except errors.ApiError as exc:
        preferences = {
            "source": "cache" if cached is not None else None,
            "read_at": cached.read_at if cached is not None else None,
            "preferences": cached.preferences if cached is not None else None,
            "fresh_read_failed": str(exc),
        }
    else:
        customer = {k: v for k, v in found.to_wire().items() if k not in _CUSTOMER_LEFT_OUT}
        preferences = {"source": "api", "read_at": exported_at,
                       "preferences": [p.to_wire() for p in prefs]}
    if customer is None:
        customer = {"id": customer_id}
        if cached is not None:
            customer.update(customerNumber=cached.customer_number, name=cached.name,
                            status=cached.status)
    by_thread: dict[int, list[dict]] = {}
    for message in held.messages:
        by_thread.setdefault(message.thread_id, []).append(
            _record(message, frozenset({"studio_id", "customer_id", "thread_id"})))
    threads = [
        {**_record(t, frozenset({"studio_id", "customer_id"})), "messages": by_thread.get(t.id, [])}
        for t in held.threads
    ]
    return {
        "export": {
            "format": MEMBER_EXPORT_FORMAT,
            "version": MEMBER_EXPORT_VERSION,
            "exported_at": exported_at,
            "studio_id": studio_id,
            "customer_id": customer_id,
        },
        "customer": customer,
        "communication_preferences": preferences,
        "audit": [_record(e, frozenset({"studio_id"})) for e in held.audit],
        "threads": threads,
    }


def write_member_export(target: Path | str, data: dict[str, Any]) -> None:
    """The export as one UTF-8 JSON file (written beside the target, then renamed)."""
    path = Path(target)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
                           + "\n", encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


async def export_member(client: Any, journal: Any, studio_id: int, customer_id: int,
                        target: Path | str) -> dict[str, Any]:
    """`member_export` written to `target` (the file write runs on a worker thread)."""
    data = await member_export(client, journal, studio_id, customer_id)
    await asyncio.to_thread(write_member_export, target, data)
    return data


# --------------------------------------------------------------------------- campaigns


CAMPAIGN_COLUMNS = (
    ("customer_id", "Customer ID"),
    ("customer_number", "Customer number"),
    ("name", "Name"),
    ("status", "Status"),
    ("outcome", "Outcome"),
    ("detail", "Detail"),
    ("thread_id", "Thread ID"),
    ("request_id", "Request ID"),
    ("updated_at", "Updated at (UTC)"),
    ("workstation", "Workstation"),
)


def write_campaign_csv(
    target: Path | io.TextIOBase,
    members: Sequence[Any],
    *,
    delimiter: str = ",",
    wording: Wording = Wording(),
) -> int:
    """A campaign's ledger, one member a line (`CampaignMember` records): who, with which
    outcome, and for a sent message its Magicline thread id and request id."""
    header = [wording.header(key, text) for key, text in CAMPAIGN_COLUMNS]

    def lines():
        for m in members:
            yield [
                m.customer_id, m.customer_number or "", m.name, wording.status(m.customer_status or ""),
                wording.outcome(m.outcome), m.detail or "", m.remote_thread_id or "", m.request_id or "",
                csv_time(m.updated_at), m.workstation or "",
            ]

    return _write_csv(target, header, lines(), delimiter)
