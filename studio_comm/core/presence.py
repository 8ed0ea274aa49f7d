"""Presence: tell the other desks which member this desk has open and whether its user is
writing, and list who else is at a member ("Also open at Desk 2, Jens P.").

The UI reports what the desk shows, and each report writes only when what the others see
changes: `viewing(customer_id)` when a member opens (also after writing ended: sent or
cleared), `writing(customer_id, thread_id)` from the first text typed into the compose
box of a thread (None: a new thread), `left()` when no member is open. `others(customer_id)`
lists the other desks at a member, writing ones first; read it again on every presence
event of that member (`core.desk_events`, View.PRESENCE).

`start()` runs the heartbeat as an asyncio task; `stop()` ends it and withdraws. Every
HEARTBEAT_S it keeps this desk's row alive, announces again what the journal lost (the
row expired while the computer slept, the journal was away), follows a change of the
staff member at the desk, and deletes every desk's row not renewed for EXPIRY_S (by the
database's clock, see `journal.presence`), which the other desks learn as presence events.
So a desk that quits disappears at once, and one that crashes or loses its connection
within EXPIRY_S + HEARTBEAT_S (a minute): three heartbeats may be missed first, and clock
differences between desks play no part.

A shared journal's feature: on SQLite (one desk's journal) there is nobody else to see,
so `active` is False, nothing is written and `others` is empty. A journal that cannot be
reached is logged once, not raised: presence is a courtesy that must not get in the way
of the desk's work; the heartbeat announces again as soon as the journal answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Final

from studio_comm.core.desk import Desk
from studio_comm.journal import AsyncJournal, JournalUnavailableError
from studio_comm.journal.records import Activity, PresenceRecord

log = logging.getLogger(__name__)

HEARTBEAT_S = 15.0
EXPIRY_S = 45.0

__all__ = ["EXPIRY_S", "HEARTBEAT_S", "Activity", "Presence", "PresenceRecord"]


@dataclass(frozen=True, slots=True)
class _Shown:
    """What this desk tells the others."""

    customer_id: int
    thread_id: int | None
    activity: Activity
    staff: str | None


# What the journal holds for this desk is not known (a write whose commit was not
# confirmed, a row left by an earlier run of this workstation): write what is wanted.
_UNKNOWN: Final = "unknown"


class Presence:
    """One desk's presence in one studio. Get it as `session.presence`."""

    def __init__(self, journal: AsyncJournal, studio_id: int, desk: Desk, *,
                 heartbeat: float | None = None, expiry: float | None = None) -> None:
        # The module's figures as they are now (a test's desk process makes them shorter).
        heartbeat = HEARTBEAT_S if heartbeat is None else heartbeat
        expiry = EXPIRY_S if expiry is None else expiry
        if expiry <= heartbeat:
            raise ValueError("Presence must outlive at least one heartbeat.")
        self._journal = journal
        self._studio_id = studio_id
        self._desk = desk
        self.heartbeat = heartbeat
        self.expiry = expiry
        self._wanted: tuple[int, int | None, Activity] | None = None  # member, thread, activity
        self._written: _Shown | None | str = _UNKNOWN  # as the journal has it; None: nothing
        self._lock = asyncio.Lock()  # one write at a time, in the order they were asked for
        self._task: asyncio.Task[None] | None = None
        self._unreachable = False

    @property
    def active(self) -> bool:
        """Whether there are other desks to tell (a shared PostgreSQL journal)."""
        return self._journal.journal.shared

    # ------------------------------------------------------------------ what the desk shows

    async def viewing(self, customer_id: int) -> None:
        await self._want((customer_id, None, Activity.VIEWING))

    async def writing(self, customer_id: int, thread_id: int | None) -> None:
        await self._want((customer_id, thread_id, Activity.WRITING))

    async def left(self) -> None:
        await self._want(None)

    async def others(self, customer_id: int) -> list[PresenceRecord]:
        """The other desks at this member now (none on a journal that is not shared)."""
        if not self.active:
            return []
        return await self._journal.presence_at(self._studio_id, customer_id,
                                               exclude_workstation=self._desk.workstation, expiry=self.expiry)

    # ------------------------------------------------------------------ the heartbeat

    def start(self) -> None:
        """Run the heartbeat (in the running event loop) until `stop()`."""
        if self._task is not None:
            raise RuntimeError("The presence heartbeat runs already.")
        if self.active:
            self._task = asyncio.get_running_loop().create_task(self._beat(), name="presence heartbeat")

    async def stop(self) -> None:
        """End the heartbeat and withdraw this desk's presence."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.left()

    async def _beat(self) -> None:
        while True:
            async with self._lock, self._reachable():
                alive = await self._journal.presence_heartbeat(self._studio_id, self._desk.workstation, self.expiry)
                if not alive and self._written is not None:
                    self._written = _UNKNOWN  # deleted as expired by another desk meanwhile
                await self._write()
            await asyncio.sleep(self.heartbeat)

    # ------------------------------------------------------------------ writing

    async def _want(self, wanted: tuple[int, int | None, Activity] | None) -> None:
        self._wanted = wanted
        if not self.active:
            return
        async with self._lock, self._reachable():
            await self._write()

    async def _write(self) -> None:
        """Bring the journal to what is wanted (the caller holds the lock)."""
        journal, studio_id, workstation = self._journal, self._studio_id, self._desk.workstation
        if self._wanted is None:
            if self._written is not None:
                await journal.withdraw_presence(studio_id, workstation)
                self._written = None
            return
        customer_id, thread_id, activity = self._wanted
        shown = _Shown(customer_id, thread_id, activity, self._desk.staff)
        if shown != self._written:
            await journal.announce_presence(studio_id, workstation, customer_id, staff=shown.staff,
                                            thread_id=thread_id, activity=str(activity))
            self._written = shown

    @contextlib.asynccontextmanager
    async def _reachable(self):
        try:
            yield
        except JournalUnavailableError as exc:
            self._written = _UNKNOWN  # whether the last write committed is not known
            if not self._unreachable:
                self._unreachable = True
                log.warning("presence: %s; trying again at the next heartbeat", exc)
            return
        if self._unreachable:
            self._unreachable = False
            log.info("presence: the journal answers again")
