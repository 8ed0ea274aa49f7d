"""The journal for asyncio code: the same methods as `Journal`, as coroutines.

Every call runs on one dedicated worker thread, in call order, so the UI thread never
waits on the disk and SQLite writes of this process never contend with each other.
A cancelled await does not cancel the call: once submitted, a write still commits (a
message row must exist whether or not anyone still waits for it).

A server whose calls are independent (the webhook relay on PostgreSQL) may ask for more
worker threads: its calls then run side by side, and one slow commit does not hold up
the others; call order is no longer kept.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from studio_comm.journal.store import Journal

_METHODS = (
    "save_profile", "profiles", "profile",
    "add_thread", "thread", "update_thread", "set_remote_thread_id",
    "threads", "open_threads",
    "add_message", "mark_message", "message", "messages", "mark_stale_pending",
    "add_audit", "audit",
    "cache_preferences", "cached_preferences", "cached_customer", "cache_summary",
    "customer_export",
    "append_events", "events_after", "feed_end", "ping",
)


class AsyncJournal:
    """`await aj.add_message(...)` etc.; `await aj.aclose()` closes the journal too."""

    def __init__(self, journal: Journal, workers: int = 1) -> None:
        self.journal = journal
        self._worker = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="journal")

    async def _call(self, method_name: str, /, *args, **kwargs):
        # Positional-only: `save_profile(name=...)` must reach the journal's `name`.
        method = getattr(self.journal, method_name)
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._worker, functools.partial(method, *args, **kwargs))
        # Shielded: cancelling a plain executor future also drops a call still queued behind
        # others, so a write given up on (a timeout, a closed window) would never happen.
        return await asyncio.shield(call)

    async def aclose(self) -> None:
        """Finish queued calls, close the journal, stop the worker thread."""
        await self._call("close")
        self._worker.shutdown(wait=False)


def _coroutine(name: str):
    @functools.wraps(getattr(Journal, name))
    async def method(self: AsyncJournal, *args, **kwargs):
        return await self._call(name, *args, **kwargs)

    return method


for _name in _METHODS:
    setattr(AsyncJournal, _name, _coroutine(_name))
