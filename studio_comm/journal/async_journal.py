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
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from studio_comm.journal.store import Journal

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _on_worker(
    method: Callable[Concatenate[Journal, P], R],
) -> Callable[Concatenate[AsyncJournal, P], Coroutine[Any, Any, R]]:
    """`Journal.method` as a coroutine method of AsyncJournal, with the same signature."""

    @functools.wraps(method)
    async def call(self: AsyncJournal, /, *args: P.args, **kwargs: P.kwargs) -> R:
        # Positional-only self: `save_profile(name=...)` must reach the journal's `name`.
        bound = getattr(self.journal, method.__name__)
        loop = asyncio.get_running_loop()
        submitted = loop.run_in_executor(self._worker, functools.partial(bound, *args, **kwargs))
        # Shielded: cancelling a plain executor future also drops a call still queued behind
        # others, so a write given up on (a timeout, a closed window) would never happen.
        try:
            return await asyncio.shield(submitted)
        except asyncio.CancelledError:
            submitted.add_done_callback(functools.partial(_unawaited_outcome, method.__name__))
            raise

    return call


def _unawaited_outcome(name: str, submitted: asyncio.Future) -> None:
    """A call nobody waits for any more still ends: its error is logged, not left unretrieved."""
    if not submitted.cancelled() and (error := submitted.exception()) is not None:
        log.warning("journal %s failed after its caller stopped waiting: %s: %s", name,
                    type(error).__name__, error)


class AsyncJournal:
    """`await aj.add_message(...)` etc.; `await aj.aclose()` closes the journal too."""

    def __init__(self, journal: Journal, workers: int = 1) -> None:
        self.journal = journal
        self._worker = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="journal")

    async def aclose(self) -> None:
        """Finish queued calls, close the journal, stop the worker thread."""
        await self._close()
        self._worker.shutdown(wait=False)

    _close = _on_worker(Journal.close)

    save_profile = _on_worker(Journal.save_profile)
    profiles = _on_worker(Journal.profiles)
    profile = _on_worker(Journal.profile)

    add_thread = _on_worker(Journal.add_thread)
    thread = _on_worker(Journal.thread)
    update_thread = _on_worker(Journal.update_thread)
    set_remote_thread_id = _on_worker(Journal.set_remote_thread_id)
    threads = _on_worker(Journal.threads)
    open_threads = _on_worker(Journal.open_threads)
    try_lock_thread = _on_worker(Journal.try_lock_thread)
    unlock_thread = _on_worker(Journal.unlock_thread)

    add_message = _on_worker(Journal.add_message)
    mark_message = _on_worker(Journal.mark_message)
    message = _on_worker(Journal.message)
    messages = _on_worker(Journal.messages)
    resent_as = _on_worker(Journal.resent_as)
    mark_stale_pending = _on_worker(Journal.mark_stale_pending)

    save_draft = _on_worker(Journal.save_draft)
    draft = _on_worker(Journal.draft)
    drafts = _on_worker(Journal.drafts)
    discard_draft = _on_worker(Journal.discard_draft)

    add_audit = _on_worker(Journal.add_audit)
    audit = _on_worker(Journal.audit)

    cache_preferences = _on_worker(Journal.cache_preferences)
    cached_preferences = _on_worker(Journal.cached_preferences)
    cached_customer = _on_worker(Journal.cached_customer)
    cache_summary = _on_worker(Journal.cache_summary)

    customer_export = _on_worker(Journal.customer_export)

    append_events = _on_worker(Journal.append_events)
    events_after = _on_worker(Journal.events_after)
    feed_end = _on_worker(Journal.feed_end)
    entity_events = _on_worker(Journal.entity_events)
    claim_event = _on_worker(Journal.claim_event)
    settle_event = _on_worker(Journal.settle_event)
    ping = _on_worker(Journal.ping)

    announce_presence = _on_worker(Journal.announce_presence)
    withdraw_presence = _on_worker(Journal.withdraw_presence)
    presence_heartbeat = _on_worker(Journal.presence_heartbeat)
    presence_at = _on_worker(Journal.presence_at)

    create_campaign = _on_worker(Journal.create_campaign)
    campaign = _on_worker(Journal.campaign)
    campaign_named = _on_worker(Journal.campaign_named)
    campaigns = _on_worker(Journal.campaigns)
    add_campaign_members = _on_worker(Journal.add_campaign_members)
    mark_campaign_targeted = _on_worker(Journal.mark_campaign_targeted)
    campaign_members = _on_worker(Journal.campaign_members)
    campaign_counts = _on_worker(Journal.campaign_counts)
    start_campaign_send = _on_worker(Journal.start_campaign_send)
    settle_campaign_member = _on_worker(Journal.settle_campaign_member)
    campaign_leftovers = _on_worker(Journal.campaign_leftovers)
    reopen_failed_campaign_members = _on_worker(Journal.reopen_failed_campaign_members)
    acquire_campaign_lease = _on_worker(Journal.acquire_campaign_lease)
    renew_campaign_lease = _on_worker(Journal.renew_campaign_lease)
    release_campaign_lease = _on_worker(Journal.release_campaign_lease)

    saved_replies = _on_worker(Journal.saved_replies)
    saved_reply = _on_worker(Journal.saved_reply)
    saved_reply_by_code = _on_worker(Journal.saved_reply_by_code)
    add_saved_reply = _on_worker(Journal.add_saved_reply)
    update_saved_reply = _on_worker(Journal.update_saved_reply)
    delete_saved_reply = _on_worker(Journal.delete_saved_reply)
    count_saved_reply_use = _on_worker(Journal.count_saved_reply_use)
    merge_saved_replies = _on_worker(Journal.merge_saved_replies)
    add_saved_replies_if_none = _on_worker(Journal.add_saved_replies_if_none)
