"""Editing a member's communication preferences without overwriting anyone else's change.

The flow (DESIGN.md, "Save preferences"): show a fresh read (snapshot S0); the user's edits
are an intent, only the cells they changed; on save, read again (S1); a cell the user
changed that also changed on the server since S0 is a conflict the user resolves; every
other cell takes S1's value, the intent is applied, and the whole array is PUT (once more
from a new read on 409); then read again (S2) and report whether S2 shows the intent.
Every save that reached the server leaves an audit entry, conflicts and failures too.
The matrix itself (cells, intents, display order) is `core.matrix`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient, new_request_id
from studio_comm.core.audit import SOURCES, AuditLog
from studio_comm.core.matrix import Cell, Intent, Matrix, as_cell

log = logging.getLogger(__name__)

T = TypeVar("T")
# saved / differs: the PUT answered and the re-read shows (or not) the intent; partial: the
# PUT's answer was lost and the re-read shows only some of the intent; unknown: neither the
# PUT's answer nor a re-read could be had.
Outcome = Literal["saved", "differs", "partial", "conflict", "failed", "unknown"]


@dataclass(frozen=True)
class Change:
    """One intended change, for the confirmation ("Newsletter / SMS: on -> off")."""

    cell: Cell
    before: bool
    after: bool


@dataclass(frozen=True)
class Conflict:
    """A cell the user changed that was also changed elsewhere since it was shown.

    `before`: the value the user saw (S0); `theirs`: the server's value now (None when the
    category no longer offers the channel); `mine`: the user's intended value.
    `editable` is False when the cell is now absent or fixed, so mine cannot be kept.
    """

    cell: Cell
    before: bool
    theirs: bool | None
    mine: bool
    editable: bool = True

    @property
    def agrees(self) -> bool:
        """Changed elsewhere to exactly what the user wants."""
        return self.theirs == self.mine


@dataclass(frozen=True)
class Difference:
    """After a save, a cell whose re-read value is not what was intended."""

    cell: Cell
    intended: bool
    actual: bool | None


@dataclass
class SaveReport:
    outcome: Outcome
    matrix: Matrix | None
    request_id: str | None = None
    changes: list[Change] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    error: errors.ApiError | None = None
    http_status: int | None = None


def _in_display_order(base: Matrix, items: Iterable[T], cell_of: Callable[[T], Cell]) -> list[T]:
    order = {cell: i for i, cell in enumerate(base.cells())}
    return sorted(items, key=lambda item: order.get(cell_of(item), len(order)))


def changes_between(base: Matrix, intent: Intent) -> list[Change]:
    """The intent as changes from `base`, in display order."""
    items = _in_display_order(base, intent.items(), lambda kv: kv[0])
    return [Change(cell, bool(base.active(cell)), after) for cell, after in items]


def merge(base: Matrix, fresh: Matrix, intent: Intent) -> tuple[dict[Cell, bool], list[Conflict]]:
    """Rebase an intent made on `base` onto `fresh`.

    A cell of the intent whose value, presence or fixedness differs between `base` and
    `fresh` was changed elsewhere meanwhile: a conflict, even when it now shows what the
    user wants (the user decided on what they saw; someone else acted too, they should
    know). The other cells of the intent are returned, to be applied onto `fresh`.
    """
    kept: dict[Cell, bool] = {}
    conflicts: list[Conflict] = []
    for cell, mine in intent.items():
        theirs = fresh.active(cell)
        if (theirs, fresh.fixed(cell)) != (base.active(cell), base.fixed(cell)):
            conflicts.append(
                Conflict(cell, bool(base.active(cell)), theirs, mine, fresh.editable(cell))
            )
        else:
            kept[cell] = mine
    return kept, _in_display_order(base, conflicts, lambda c: c.cell)


def differences(result: Matrix, intent: Intent) -> list[Difference]:
    return [
        Difference(cell, wanted, result.active(cell))
        for cell, wanted in intent.items()
        if result.active(cell) != wanted
    ]


class PreferenceEditor:
    """One member's preferences as the user edits them. Get one from `session.preferences(id)`."""

    def __init__(self, client: MagiclineClient, audit: AuditLog, studio_id: int, customer_id: int) -> None:
        self._client = client
        self._audit = audit
        self.studio_id = studio_id
        self.customer_id = customer_id
        self.matrix: Matrix | None = None
        self._intent: dict[Cell, bool] = {}
        self.conflicts: list[Conflict] = []
        self._saving = False

    # --------------------------------------------------------------- the intent

    @property
    def intent(self) -> dict[Cell, bool]:
        """cell -> intended active value, only cells the user changed (a copy)."""
        return dict(self._intent)

    @property
    def is_dirty(self) -> bool:
        return bool(self._intent)

    def changed(self, cell: Cell) -> bool:
        """Whether the user changed this cell (a change not saved yet)."""
        return as_cell(cell) in self._intent

    def value(self, cell: Cell) -> bool | None:
        """What the cell shows: the intended value if changed, else the snapshot's; None
        when the category does not offer the channel (or nothing is loaded)."""
        cell = as_cell(cell)
        if cell in self._intent:
            return self._intent[cell]
        return self.matrix.active(cell) if self.matrix is not None else None

    def set(self, cell: Cell, active: bool) -> None:
        """Record the user's choice for one cell; back to the snapshot's value is no change."""
        matrix = self._require_matrix()
        cell = as_cell(cell)
        matrix.check_intent({cell: active})
        if bool(active) == matrix.active(cell):
            self._intent.pop(cell, None)
        else:
            self._intent[cell] = bool(active)
        self.conflicts = [c for c in self.conflicts if c.cell != cell]

    def changes(self) -> list[Change]:
        """Exactly the intended changes, in display order, for the confirmation."""
        return changes_between(self._require_matrix(), self._intent)

    def revert(self) -> None:
        self._intent.clear()
        self.conflicts.clear()

    def resolve(self, cell: Cell, keep_mine: bool) -> None:
        """Settle one conflict of the last save: keep the user's value, or take theirs."""
        cell = as_cell(cell)
        conflict = next((c for c in self.conflicts if c.cell == cell), None)
        if conflict is None:
            raise ValueError(f"{cell[0]} / {cell[1]} is not in conflict.")
        if keep_mine and not conflict.editable:
            raise ValueError(f"{cell[0]} / {cell[1]} can no longer be changed.")
        self.conflicts.remove(conflict)
        if keep_mine:
            self.set(cell, conflict.mine)

    # --------------------------------------------------------------- server round trips

    async def load(self) -> Matrix:
        """A fresh read (S0); clears the intent and any conflicts."""
        self.matrix = Matrix(await self._client.get_preferences(self.customer_id))
        self.revert()
        return self.matrix

    async def save(self, *, source: str | None = None, note: str | None = None) -> SaveReport:
        """Read again, merge, PUT the whole array, read again, audit. Never raises ApiError.

        `source` (one of `core.audit.SOURCES`): how the member expressed the change;
        `note`: what staff add to it. Both go into the audit entry. Raises
        `MissingStaffError` before anything is sent when nobody is named at the desk.
        """
        base = self._require_matrix()
        if not self._intent:
            raise ValueError("There are no changes to save.")
        if self._saving:
            raise RuntimeError("A save of these preferences is already under way.")
        if source is not None and source not in SOURCES:
            raise ValueError(f"Unknown source of a consent change: {source!r}")
        author = self._audit.author()
        self._saving = True
        attempt = SaveAttempt(new_request_id(), dict(self._intent), base)
        try:
            try:
                report = await self._run(attempt, base)
            except errors.ApiError as exc:
                # The intent stays as it is: the user can retry without redoing anything.
                report = SaveReport("failed", self.matrix, attempt.request_id, error=exc,
                                    http_status=exc.status)
            report.changes = changes_between(base, attempt.intent)
            if attempt.reached_server:
                after = report.matrix if report.outcome in ("saved", "differs", "partial") else None
                await self._audit.preferences(
                    self.studio_id, self.customer_id, request_id=attempt.request_id,
                    before=attempt.before, after=after, intent=attempt.intent, outcome=report.outcome,
                    http_status=attempt.http_status, trace_id=attempt.trace_id,
                    author=author, source=source, note=note,
                )
            return report
        finally:
            self._saving = False

    async def _run(self, attempt: SaveAttempt, base: Matrix) -> SaveReport:
        client = self._client
        customer_id = self.customer_id
        for last_try in (False, True):
            fresh = Matrix(await attempt.call(client.get_preferences(customer_id)))
            kept, conflicts = merge(base, fresh, attempt.intent)
            if conflicts:
                # Nothing is sent; the editor now shows S1 with the rest of the intent.
                self.matrix, self._intent, self.conflicts = fresh, kept, list(conflicts)
                return SaveReport("conflict", fresh, attempt.request_id, conflicts=conflicts,
                                  http_status=attempt.http_status)
            attempt.before = fresh
            try:
                answer = await attempt.call(
                    client.put_preferences(
                        customer_id, fresh.to_preferences(kept), request_id=attempt.request_id
                    ),
                    put=True,
                )
            except errors.ConflictError:
                if last_try:
                    raise
                log.info("preferences of %s changed during the save; merging again", customer_id)
                continue
            except (errors.OutcomeUnknownError, errors.MalformedResponseError) as exc:
                # The PUT may have been applied: only a read can tell.
                return await self._settle_by_reading(attempt, exc)
            break
        try:
            after = Matrix(await client.get_preferences(customer_id))
        except errors.ApiError:
            # The PUT answered with the stored array; it stands in for the re-read.
            log.warning("re-read after saving the preferences of %s failed", customer_id)
            after = Matrix(answer)
        self.matrix = after
        self.revert()
        diffs = differences(after, attempt.intent)
        return SaveReport("differs" if diffs else "saved", after, attempt.request_id,
                          differences=diffs, http_status=attempt.http_status)

    async def _settle_by_reading(self, attempt: SaveAttempt, exc: errors.ApiError) -> SaveReport:
        """After a PUT whose answer was lost: read, and tell what really happened.

        Cells that show the intent were saved; the others stay in the intent (on the fresh
        read) for the user to save again. When not even the read works, nobody can tell:
        the intent stays as it was and the outcome is `unknown`.
        """
        try:
            after = Matrix(await attempt.call(self._client.get_preferences(self.customer_id)))
        except errors.ApiError:
            log.warning("preferences of %s: outcome of the save unknown, the re-read failed too", self.customer_id)
            return SaveReport("unknown", self.matrix, attempt.request_id, error=exc, http_status=attempt.http_status)
        applied = {cell for cell, wanted in attempt.intent.items() if after.active(cell) == wanted}
        self.matrix = after
        self._intent = {cell: wanted for cell, wanted in attempt.intent.items()
                        if cell not in applied and after.editable(cell)}
        self.conflicts = []
        if len(applied) == len(attempt.intent):
            outcome: Outcome = "saved"
        elif applied:
            outcome = "partial"
        else:
            outcome = "failed"
        log.info("preferences of %s: answer lost, the re-read shows %s", self.customer_id, outcome)
        return SaveReport(outcome, after, attempt.request_id, error=exc, http_status=attempt.http_status,
                          differences=differences(after, attempt.intent))

    def _require_matrix(self) -> Matrix:
        if self.matrix is None:
            raise RuntimeError("Load the preferences first.")
        return self.matrix


@dataclass
class SaveAttempt:
    """What the audit entry of one save says, filled in as the save goes."""

    request_id: str
    intent: dict[Cell, bool]
    before: Matrix  # S1 once a PUT was built on it, else S0
    reached_server: bool = False
    http_status: int | None = None  # of the (last) PUT
    trace_id: str | None = None

    async def call(self, request: Awaitable[T], *, put: bool = False) -> T:
        try:
            result = await request
        except errors.ApiError as exc:
            if not isinstance(exc, errors.NotSentError):
                self.reached_server = True
            if put:
                self.http_status = exc.status
            self.trace_id = exc.trace_id or self.trace_id
            raise
        self.reached_server = True
        if put:
            self.http_status = 200
        return result
