"""The audit log: who did what to a member's consent and messages, and what came of it.

Magicline keeps no author, time or source with a consent change, and cannot list messages:
the journal's audit log is the only record. Writing: every use case writes its entries
through `AuditLog`, so each entry names the staff member and workstation the same way. A
campaign gets one entry each time a run of it ends or pauses, besides each message's.

Reading: `AuditHistory` answers the history window's question: the journal's audit
entries of this studio, filtered by member, staff member, action and days, newest first,
each read into what a view shows (`AuditRecord`): the cells a saved consent change
changed, what a save that did not go through meant to change, where a message went. The
JSON of an entry is read here, and only here.

The member filter takes what staff type: a customer number, an id, or part of a name. The
audit keeps only customer ids, so numbers and names come from the consent review's cache
(a member no review has read is found by id only). Days are the computer's local days:
"from" starts at the first day's midnight, "to" includes the whole last day.

Who, when, how: a consent change is written only with a person (`author()` refuses a
blank staff name before anything is sent), and says how the member expressed it. The
JSON of a "preferences" entry (no schema column of its own):
- `before`, `after`: the preference arrays (wire JSON) the PUT was built on and the
  re-read after it (`after` is null when the save did not go through);
- `intent`: `{"cells": [{"messageCategory", "communicationChannel", "active"}, ...],
  "source": "desk" | "phone" | "writing" | "email" | "other" | null, "note": str | null}`;
  entries written before source and note existed hold the bare list of cells.
Any action that starts with "preferences" is a consent change (`is_consent_action`): also
the ones written for changes seen from outside studio-comm (a webhook, Magicline itself),
which name no staff member. `AuditHistory.consent_history(customer_id)` answers the member
view's question: every consent change of one member, newest first, cell by cell.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from studio_comm.core.desk import Desk
from studio_comm.core.matrix import Intent, Matrix, cell_order, intent_to_wire
from studio_comm.core.review import Cell, CellState, wire_cell_states
from studio_comm.journal import AsyncJournal
from studio_comm.journal.records import AuditEntry, CampaignRecord, MessageRecord, ThreadRecord

# How a member expressed a consent change, as the save confirmation asks it: at the desk,
# by phone, in writing, by email, or another way (the note says which).
SOURCES = ("desk", "phone", "writing", "email", "other")


class MissingStaffError(ValueError):
    """Nobody is named at the desk: nothing is written without a person."""


def is_consent_action(action: str) -> bool:
    """Whether an audit action records a consent change ("preferences", and any
    "preferences_..." another writer adds, such as changes seen from outside)."""
    return action.startswith("preferences")


class AuditLog:
    """Writes the audit entries of one desk into the journal."""

    def __init__(self, journal: AsyncJournal, desk: Desk) -> None:
        self._journal = journal
        self._desk = desk

    def author(self) -> str:
        """The staff member at the desk, who will be named in the entry; asked before
        anything is sent, because an entry without a person proves nothing."""
        staff = (self._desk.staff or "").strip()
        if not staff:
            raise MissingStaffError("Name the staff member at the desk before changing anything.")
        return staff

    async def preferences(
        self, studio_id: int, customer_id: int, *, request_id: str, before: Matrix, after: Matrix | None,
        intent: Intent, outcome: str, http_status: int | None, trace_id: str | None,
        author: str, source: str | None = None, note: str | None = None,
    ) -> None:
        """One save of a member's preferences that reached the server (`after`: the re-read).

        `author`: the staff member who saved (from `author()` when the save began);
        `source`: one of SOURCES, how the member expressed the change; `note`: free text.
        """
        await self._journal.add_audit(
            "preferences", request_id=request_id, studio_id=studio_id, customer_id=customer_id,
            staff=author, workstation=self._desk.workstation,
            before=before.to_wire(), after=after.to_wire() if after is not None else None,
            intent={"cells": intent_to_wire(intent), "source": source, "note": note or None},
            outcome=outcome, http_status=http_status, trace_id=trace_id,
        )

    async def message(
        self, message: MessageRecord, thread: ThreadRecord, *, outcome: str,
        http_status: int | None, trace_id: str | None,
    ) -> None:
        """One message whose request reached the server."""
        # What went out, so the entry reads on its own; the text stays in the message row.
        sent = {"direction": message.direction, "channel": message.channel,
                "category": message.category, "threadId": thread.remote_thread_id,
                "resendOf": message.resend_of}
        await self._journal.add_audit(
            "message", request_id=message.request_id, studio_id=message.studio_id,
            customer_id=thread.customer_id, staff=self._desk.staff, workstation=self._desk.workstation,
            intent=sent, outcome=outcome, http_status=http_status, trace_id=trace_id,
        )

    async def campaign(
        self, campaign: CampaignRecord, *, outcome: str, run_started_at: datetime | None,
        counts: Mapping[str, int], reason: str | None, reason_detail: str | None,
    ) -> None:
        """A run of a campaign that ended or paused, or a campaign cancelled while no run
        held it (`run_started_at` None); `outcome` is the campaign's status now. The entry
        holds the campaign and its targeting, who ran it from when, and the counts per
        outcome of the whole campaign so far."""
        targeting = {"campaign": campaign.name, "campaignId": campaign.id, "category": campaign.category,
                     "channel": campaign.channel, "statuses": list(campaign.statuses),
                     "subject": campaign.subject, "createdBy": campaign.created_by,
                     "createdAt": campaign.created_at.isoformat(),
                     "runStartedAt": run_started_at.isoformat() if run_started_at else None}
        await self._journal.add_audit(
            "campaign", studio_id=campaign.studio_id, staff=self._desk.staff,
            workstation=self._desk.workstation, intent=targeting,
            after={"counts": dict(counts), "reason": reason, "reasonDetail": reason_detail},
            outcome=outcome,
        )


@dataclass(frozen=True, slots=True)
class Member:
    """A member as the review cache names them."""

    customer_id: int
    number: str  # "" when unknown
    name: str  # "" when unknown


@dataclass(frozen=True)
class AuditFilter:
    """What the manager asks for; an empty field matches everything."""

    member: str = ""  # a customer number, an id, or part of a name
    staff: str | None = None
    action: str | None = None  # "preferences" or "message"
    first_day: date | None = None
    last_day: date | None = None  # included


@dataclass(frozen=True, slots=True)
class CellChange:
    """A cell a saved consent change changed."""

    cell: Cell
    before: CellState
    after: CellState


@dataclass(frozen=True, slots=True)
class IntendedCell:
    """A cell a consent change that was not saved meant to set."""

    cell: Cell
    before: CellState | None  # as it was then; None when the entry does not say
    active: bool


@dataclass(frozen=True, slots=True)
class SentMessage:
    """Where a message (or a logged call) went; the text stays in the message's row."""

    direction: str | None
    channel: str | None
    category: str | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit entry and what it says, read from its JSON."""

    entry: AuditEntry
    member: Member | None = None  # None when the review cache does not know the member
    changes: tuple[CellChange, ...] = ()  # a saved consent change
    intended: tuple[IntendedCell, ...] = ()  # a consent change that was not saved
    message: SentMessage | None = None  # a message
    source: str | None = None  # a consent change: how the member expressed it (one of SOURCES)
    note: str | None = None  # a consent change: the note staff added

    @classmethod
    def of(cls, entry: AuditEntry, member: Member | None = None) -> AuditRecord:
        if entry.action == "message":
            sent = entry.intent if isinstance(entry.intent, Mapping) else {}
            message = SentMessage(sent.get("direction"), sent.get("channel"), sent.get("category")) if sent else None
            return cls(entry, member, message=message)
        if not is_consent_action(entry.action):
            return cls(entry, member)
        try:
            return cls._consent(entry, member)
        except (TypeError, KeyError, AttributeError, ValueError):
            # Written by another program in a shape this version does not read: the entry
            # is still shown, with its details unknown rather than guessed.
            return cls(entry, member)

    @classmethod
    def _consent(cls, entry: AuditEntry, member: Member | None) -> AuditRecord:
        said = entry.intent if isinstance(entry.intent, Mapping) else {"cells": entry.intent}
        source, note = _text(said.get("source")), _text(said.get("note"))
        if entry.after is None:
            # Not saved (a conflict, a failure): what was intended against what was there.
            before = wire_cell_states(entry.before or ())
            intended = []
            for row in said.get("cells") or ():
                cell = (row["messageCategory"], row["communicationChannel"])
                intended.append(IntendedCell(cell, before.get(cell), bool(row["active"])))
            return cls(entry, member, intended=tuple(intended), source=source, note=note)
        return cls(entry, member, changes=tuple(preference_changes(entry.before, entry.after)), source=source,
                   note=note)

    @property
    def applied(self) -> bool:
        """A consent change whose result the journal holds (saved, or seen from outside)."""
        return self.entry.after is not None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class ConsentStep:
    """One cell of one consent change, as a member's consent history lists it.

    `after` is what the cell became, or for a change that did not go through (a conflict,
    a failure, an outcome nobody knows) what was intended (`record.applied` is False).
    `cell` is None for an entry that names no cell (a change seen from outside whose
    details were not recorded); `before` None when the entry does not say.
    """

    record: AuditRecord
    cell: Cell | None
    before: CellState | None
    after: CellState | None


def consent_steps(records: Sequence[AuditRecord]) -> list[ConsentStep]:
    """The records' consent changes cell by cell, in the records' order."""
    steps: list[ConsentStep] = []
    for record in records:
        if record.changes:
            steps += [ConsentStep(record, c.cell, c.before, c.after) for c in record.changes]
        elif record.intended:
            steps += [ConsentStep(record, i.cell, i.before, CellState.ACTIVE if i.active else CellState.INACTIVE)
                      for i in record.intended]
        else:
            steps.append(ConsentStep(record, None, None, None))
    return steps


def preference_changes(before: Any, after: Any) -> list[CellChange]:
    """The cells whose state differs between two preference arrays (wire JSON), in the
    canonical order; a missing side counts as all absent."""
    old = wire_cell_states(before or ())
    new = wire_cell_states(after or ())
    absent = CellState.ABSENT
    return [
        CellChange(cell, old.get(cell, absent), new.get(cell, absent))
        for cell in sorted(set(old) | set(new), key=cell_order)
        if old.get(cell, absent) is not new.get(cell, absent)
    ]


def day_range(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC instants from the start of local day `first` to the end of local day `last`
    (the journal's `since`, inclusive, and `until`, exclusive)."""

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time.min).astimezone().astimezone(UTC)

    # The day after's start, not the start plus 24 hours: a day with a clock change has 23 or 25.
    return (start_of(first) if first is not None else None,
            start_of(last + timedelta(days=1)) if last is not None else None)


class AuditHistory:
    """The audit entries of one studio. `journal` is an `AsyncJournal`."""

    def __init__(self, journal: AsyncJournal, studio_id: int) -> None:
        self.journal = journal
        self.studio_id = studio_id
        self._members: dict[int, Member] = {}

    async def load_members(self) -> None:
        """Numbers and names of the members the consent review has read."""
        records = await self.journal.cached_preferences(self.studio_id)
        self._members = {r.customer_id: Member(r.customer_id, r.customer_number or "", r.name or "")
                         for r in records}

    def member(self, customer_id: int) -> Member | None:
        return self._members.get(customer_id)

    def member_ids(self, text: str) -> list[int] | None:
        """The customer ids `text` means (a number, an id, part of a name); None when empty."""
        text = text.strip()
        if not text:
            return None
        needle = text.casefold()
        ids = {m.customer_id for m in self._members.values() if m.number == text or needle in m.name.casefold()}
        if text.isdigit():
            ids.add(int(text))
        return sorted(ids)

    async def entries(self, flt: AuditFilter) -> list[AuditRecord]:
        """The entries the filter asks for, newest first."""
        ids = self.member_ids(flt.member)
        if ids == []:
            return []  # nobody is called that
        since, until = day_range(flt.first_day, flt.last_day)
        entries = await self.journal.audit(self.studio_id, customer_ids=ids, staff=(flt.staff or "").strip() or None,
                                           action=flt.action, since=since, until=until)
        # Reading thousands of entries' JSON takes a while: not on the caller's (UI) thread.
        return await asyncio.to_thread(self._read, entries)

    async def consent_history(self, customer_id: int) -> list[ConsentStep]:
        """Every consent change of one member the journal holds, newest first, cell by
        cell: saves made at any desk (also those that did not go through) and changes
        seen from outside studio-comm."""
        entries = await self.journal.audit(self.studio_id, customer_id=customer_id)
        consent = [e for e in entries if is_consent_action(e.action)]
        return await asyncio.to_thread(lambda: consent_steps(self._read(consent)))

    def _read(self, entries: Sequence[AuditEntry]) -> list[AuditRecord]:
        return [AuditRecord.of(e, self._members.get(e.customer_id) if e.customer_id is not None else None)
                for e in entries]
