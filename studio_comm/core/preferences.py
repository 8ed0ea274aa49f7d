"""Editing a member's communication preferences without overwriting anyone else's change.

The flow (DESIGN.md, "Save preferences"): show a fresh read (snapshot S0); the user's edits
are an intent, only the cells they changed; on save, read again (S1); a cell the user
changed that also changed on the server since S0 is a conflict the user resolves; every
other cell takes S1's value, the intent is applied, and the whole array is PUT (once more
from a new read on 409); then read again (S2) and report whether S2 shows the intent.
Every save that reached the server leaves an audit entry, conflicts and failures too.

`Matrix` is one read, as categories x channels. The API's matrix is sparse: a cell a
category does not offer is *absent* (`setting() is None`), a cell the studio fixed
(`customerOverridable: false`) is *fixed*; neither can be part of an intent. Values this
program does not know (a newer API's category or channel) are kept, shown after the known
ones, and sent back unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from studio_comm.api import errors
from studio_comm.api.client import new_request_id
from studio_comm.api.models import Channel, ChannelSetting, CommunicationPreference, MessageCategory

if TYPE_CHECKING:
    from studio_comm.core.session import StudioSession

log = logging.getLogger(__name__)

Cell = tuple[MessageCategory, Channel]
T = TypeVar("T")
Intent = Mapping[Cell, bool]
Outcome = Literal["saved", "differs", "conflict", "failed"]

# Canonical order: the vendor's enum order. Unknown values follow in order of appearance.
CATEGORY_ORDER: tuple[MessageCategory, ...] = tuple(MessageCategory)
CHANNEL_ORDER: tuple[Channel, ...] = tuple(Channel)


def _ordered(canonical: Sequence, seen: Iterable) -> tuple:
    extra = []
    for value in seen:
        if value not in canonical and value not in extra:
            extra.append(value)
    return tuple(canonical) + tuple(extra)


class Matrix:
    """One read of a member's preferences as a categories x channels grid.

    `categories`: every known category (a member may lack one, e.g. not enrolled in the
    loyalty programme: its row is all absent), then unknown ones. `channels`: the channels
    any category offers, in canonical order, then unknown ones (a channel no category
    offers would only be an empty column).
    """

    def __init__(self, preferences: Iterable[CommunicationPreference]) -> None:
        self.preferences: tuple[CommunicationPreference, ...] = tuple(preferences)
        self._cells: dict[Cell, ChannelSetting] = {}
        for pref in self.preferences:
            for setting in pref.channels:
                # A duplicate cell would be a server bug; the first one is what we show.
                self._cells.setdefault((pref.message_category, setting.communication_channel), setting)
        self.categories: tuple[MessageCategory, ...] = _ordered(
            CATEGORY_ORDER, (p.message_category for p in self.preferences)
        )
        seen_channels = [cell[1] for cell in self._cells]
        self.channels: tuple[Channel, ...] = tuple(
            c for c in _ordered(CHANNEL_ORDER, seen_channels) if c in seen_channels
        )

    @classmethod
    def from_wire(cls, data: list[dict]) -> Matrix:
        return cls(CommunicationPreference.model_validate(item) for item in data)

    def __repr__(self) -> str:
        def shown(cell: Cell) -> str:
            return f"{cell[0]}/{cell[1]}={'on' if self.active(cell) else 'off'}" + (
                "*" if self.fixed(cell) else "")

        return f"Matrix({', '.join(shown(c) for c in self.cells())})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Matrix):
            return NotImplemented
        return self.values() == other.values()

    __hash__ = None  # type: ignore[assignment]

    def cells(self) -> list[Cell]:
        """The cells that exist, in display order (row by row)."""
        return [
            (cat, ch) for cat in self.categories for ch in self.channels if (cat, ch) in self._cells
        ]

    def setting(self, cell: Cell) -> ChannelSetting | None:
        """The server's entry for this cell; None when the category does not offer the channel."""
        return self._cells.get(_cell(cell))

    def active(self, cell: Cell) -> bool | None:
        """Whether this category may be sent on this channel; None when absent."""
        setting = self.setting(cell)
        if setting is None:
            return None
        return setting.active is True  # a missing `active` grants nothing

    def fixed(self, cell: Cell) -> bool:
        """Fixed by the studio (present and not customer-overridable)."""
        setting = self.setting(cell)
        return setting is not None and setting.fixed

    def editable(self, cell: Cell) -> bool:
        return self.setting(cell) is not None and not self.fixed(cell)

    def values(self) -> dict[Cell, tuple[bool | None, bool]]:
        """cell -> (active, fixed) for every present cell: what a comparison looks at."""
        return {cell: (self.active(cell), self.fixed(cell)) for cell in self._cells}

    def check_intent(self, intent: Intent) -> None:
        for cell in intent:
            if self.setting(cell) is None:
                raise ValueError(f"{cell[0]} / {cell[1]} is not offered; it cannot be changed.")
            if self.fixed(cell):
                raise ValueError(f"{cell[0]} / {cell[1]} is fixed by the studio; it cannot be changed.")

    def to_preferences(self, intent: Intent | None = None) -> list[CommunicationPreference]:
        """The FULL array as read, in the server's order, with the intent applied.

        The API does not say what a PUT does to categories left out, so nothing is left out.
        """
        intent = {_cell(c): bool(v) for c, v in (intent or {}).items()}
        self.check_intent(intent)
        result = []
        for pref in self.preferences:
            channels = []
            for setting in pref.channels:
                cell = (pref.message_category, setting.communication_channel)
                if cell in intent and setting.active is not intent[cell]:
                    setting = setting.model_copy(update={"active": intent[cell]})
                channels.append(setting)
            result.append(pref.model_copy(update={"channels": channels}))
        return result

    def to_wire(self) -> list[dict]:
        return [p.to_wire() for p in self.preferences]


def _cell(cell: Cell) -> Cell:
    category, channel = cell
    return MessageCategory(category), Channel(channel)


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

    def __init__(self, session: StudioSession, customer_id: int) -> None:
        self._session = session
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
        return _cell(cell) in self._intent

    def value(self, cell: Cell) -> bool | None:
        """What the cell shows: the intended value if changed, else the snapshot's; None
        when the category does not offer the channel (or nothing is loaded)."""
        cell = _cell(cell)
        if cell in self._intent:
            return self._intent[cell]
        return self.matrix.active(cell) if self.matrix is not None else None

    def set(self, cell: Cell, active: bool) -> None:
        """Record the user's choice for one cell; back to the snapshot's value is no change."""
        matrix = self._require_matrix()
        cell = _cell(cell)
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
        cell = _cell(cell)
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
        self.matrix = Matrix(await self._session.client.get_preferences(self.customer_id))
        self.revert()
        return self.matrix

    async def save(self) -> SaveReport:
        """Read again, merge, PUT the whole array, read again, audit. Never raises ApiError."""
        base = self._require_matrix()
        if not self._intent:
            raise ValueError("There are no changes to save.")
        if self._saving:
            raise RuntimeError("A save of these preferences is already under way.")
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
                await self._session.audit_preferences(self.customer_id, attempt, report)
            return report
        finally:
            self._saving = False

    async def _run(self, attempt: SaveAttempt, base: Matrix) -> SaveReport:
        client = self._session.client
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


def intent_to_wire(intent: Intent) -> list[dict[str, Any]]:
    """An intent as JSON-ready rows (for the audit)."""
    return [
        {"messageCategory": str(cat.value), "communicationChannel": str(ch.value), "active": active}
        for (cat, ch), active in intent.items()
    ]
