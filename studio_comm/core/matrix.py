"""One read of a member's communication preferences, as categories x channels.

The vocabulary every use case shares: a `Cell` is a (category, channel) pair, an `Intent`
maps cells to the active value the user wants, and `CATEGORY_ORDER` / `CHANNEL_ORDER` are
the display order. The API's matrix is sparse: a cell a category does not offer is
*absent* (`setting() is None`), a cell the studio fixed (`customerOverridable: false`) is
*fixed*; neither can be part of an intent. Values this program does not know (a newer
API's category or channel) are kept, shown after the known ones, and sent back unchanged.

A leaf module: it imports only the API's models, so every core module can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from studio_comm.api.models import Channel, ChannelSetting, CommunicationPreference, MessageCategory

Cell = tuple[MessageCategory, Channel]
CellLike = tuple[MessageCategory | str, Channel | str]  # a cell, or its wire strings
Intent = Mapping[Cell, bool]

# Canonical order: the vendor's enum order. Unknown values follow in order of appearance.
CATEGORY_ORDER: tuple[MessageCategory, ...] = tuple(MessageCategory)
CHANNEL_ORDER: tuple[Channel, ...] = tuple(Channel)
CATEGORY_NAMES = tuple(str(c.value) for c in CATEGORY_ORDER)
CHANNEL_NAMES = tuple(str(c.value) for c in CHANNEL_ORDER)


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

    def setting(self, cell: CellLike) -> ChannelSetting | None:
        """The server's entry for this cell; None when the category does not offer the channel."""
        return self._cells.get(as_cell(cell))

    def active(self, cell: CellLike) -> bool | None:
        """Whether this category may be sent on this channel; None when absent."""
        setting = self.setting(cell)
        if setting is None:
            return None
        return setting.active is True  # a missing `active` grants nothing

    def fixed(self, cell: CellLike) -> bool:
        """Fixed by the studio (present and not customer-overridable)."""
        setting = self.setting(cell)
        return setting is not None and setting.fixed

    def editable(self, cell: CellLike) -> bool:
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
        intent = {as_cell(c): bool(v) for c, v in (intent or {}).items()}
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


def cell_order(cell: CellLike) -> tuple[int, str, int, str]:
    """The display order of any cell, enums or wire strings: the API's category order,
    then its channel order; values this version does not know last, by name."""
    return (*_position(CATEGORY_NAMES, cell[0]), *_position(CHANNEL_NAMES, cell[1]))


def _position(names: tuple[str, ...], value: object) -> tuple[int, str]:
    wire = str(getattr(value, "value", value))
    return (names.index(wire), "") if wire in names else (len(names), wire)


def as_cell(cell: CellLike) -> Cell:
    """A cell with its values as the API's enums (wire strings accepted)."""
    category, channel = cell
    return MessageCategory(category), Channel(channel)


def intent_to_wire(intent: Intent) -> list[dict[str, Any]]:
    """An intent as JSON-ready rows (for the audit)."""
    return [
        {"messageCategory": str(cat.value), "communicationChannel": str(ch.value), "active": active}
        for (cat, ch), active in intent.items()
    ]
