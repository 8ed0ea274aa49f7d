"""Who acts at this computer: the workstation's name and the staff member at the desk.

One `Desk` per run. `staff` changes while the app runs (the status bar's picker); every
use case that writes a message's agent or an audit entry's author reads it at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Desk:
    workstation: str
    staff: str | None = None
