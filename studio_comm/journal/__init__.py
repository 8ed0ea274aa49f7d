"""Qt-free persistence: threads, messages, audit log, caches, on SQLite or PostgreSQL.

The names below are loaded on first use: `studio_comm.journal.records` (the message states
the UI shows) then comes without SQLAlchemy, which the store needs and which the first
window does not wait for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio_comm.journal.async_journal import AsyncJournal
    from studio_comm.journal.migrations import JournalVersionError
    from studio_comm.journal.store import Journal, JournalUnavailableError

__all__ = ["AsyncJournal", "Journal", "JournalUnavailableError", "JournalVersionError"]

_MODULES = {"AsyncJournal": "async_journal", "JournalVersionError": "migrations", "Journal": "store",
            "JournalUnavailableError": "store"}


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value
