"""Qt-free persistence: threads, messages, audit log, caches, on SQLite or PostgreSQL."""

from studio_comm.journal.async_journal import AsyncJournal
from studio_comm.journal.migrations import JournalVersionError
from studio_comm.journal.store import Journal, JournalUnavailableError

__all__ = ["AsyncJournal", "Journal", "JournalUnavailableError", "JournalVersionError"]
