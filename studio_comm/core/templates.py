"""Variables in message texts: `{{member.first_name}}`, with a fallback `{{member.first_name|there}}`.

Saved replies and campaigns write texts with variables; they are filled in when the text
is inserted (or, for a campaign, per member right before its message goes out), so staff
see exactly what is sent. A variable with no value and no fallback stays in the text as
it was written, and `unfilled()` finds it: such a text must not be sent until a person
replaces it. An unknown variable name is left alone the same way (a typo must not vanish
into an empty string).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from studio_comm.api.models import Customer, StudioInformation

# The variables a text may use, in the order a picker offers them.
VARIABLES = (
    "member.first_name",
    "member.last_name",
    "member.customer_number",
    "staff.name",
    "studio.name",
)

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*(?:\|([^{}]*))?\}\}")


@dataclass(frozen=True)
class Rendered:
    text: str
    unfilled: tuple[str, ...]  # variables left in the text, in order of appearance

    @property
    def complete(self) -> bool:
        return not self.unfilled


def render(template: str, values: Mapping[str, str | None]) -> Rendered:
    """Fill every known variable that has a value (or a fallback); leave the rest as written."""
    left: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        value = (values.get(name) or "").strip() if name in VARIABLES else ""
        if value:
            return value
        if fallback is not None and fallback.strip() and name in VARIABLES:
            return fallback.strip()
        left.append(name)
        return match.group(0)

    return Rendered(_PLACEHOLDER.sub(fill, template), tuple(left))


def unfilled(text: str) -> list[str]:
    """The variables still in a text (as typed or inserted): what blocks sending it."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(text)]


def unfilled_at(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each variable still in a text: where to mark it."""
    return [(m.start(), m.end(), m.group(1)) for m in _PLACEHOLDER.finditer(text)]


def values_for(customer: Customer | None, *, staff: str | None,
               studio: StudioInformation | None) -> dict[str, str | None]:
    """The variables' values for one member, the staff member at the desk and the studio."""
    return {
        "member.first_name": customer.first_name if customer else None,
        "member.last_name": customer.last_name if customer else None,
        "member.customer_number": customer.customer_number if customer else None,
        "staff.name": staff,
        "studio.name": studio.name if studio else None,
    }
