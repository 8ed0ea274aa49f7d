"""The consent guard: may this category be sent to the member on this channel?

Only the member's current preferences answer that: the channel must be offered for the
category and active. A category that does not offer the channel blocks it too (there is
no consent to rely on). Incoming logs (a phone call, a word at the desk) record what the
member did and are never blocked; `Messenger` applies the guard to outgoing messages only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from studio_comm.api.models import Channel, MessageCategory
from studio_comm.core.matrix import CHANNEL_ORDER, Matrix

Reason = Literal["inactive", "absent"]


@dataclass(frozen=True)
class Consent:
    """`allowed`, or the `reason` why not: "inactive" (the member said no) or "absent"
    (the category does not offer this channel)."""

    allowed: bool
    reason: Reason | None = None


def consent(matrix: Matrix, category: MessageCategory | str, channel: Channel | str) -> Consent:
    active = matrix.active((category, channel))
    if active is None:
        return Consent(False, "absent")
    return Consent(True) if active else Consent(False, "inactive")


def consent_by_channel(matrix: Matrix, category: MessageCategory | str) -> dict[Channel, Consent]:
    """Every known channel (and any unknown one the server sent), in display order."""
    channels = list(CHANNEL_ORDER) + [c for c in matrix.channels if c not in CHANNEL_ORDER]
    return {channel: consent(matrix, category, channel) for channel in channels}
