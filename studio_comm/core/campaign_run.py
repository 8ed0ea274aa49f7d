"""One run of a campaign: each targeted member once, at the pace the API permits.

What a run guarantees, and how:
- One run per campaign at a time, across desks: the run holds the campaign's lease in the
  journal and renews it while it works; another desk sees who holds it and may take over
  only once it expired (or, on the same computer, once the holding process is gone).
- Resume from the ledger, never from a cursor. A member is written `sending`, with the
  request id its message will carry, before the member's consent is read and the POST
  leaves; the answer settles it. The next run first settles what an earlier one left
  `sending`: no message written means its request never left (back to `pending`); a
  message still `pending` may have arrived (`unknown`, never sent again automatically).
  `failed` members (refused without acting, or never sent) are tried again, in the thread
  of the failed message.
- Consent is read fresh for each member right before its POST (`Messenger.send`); the
  cached consent is only for the preview. A text with a variable this member has no value
  for is not sent (`skipped_unfilled`).
- Pace: the consent reads and the thread POSTs are two endpoint budgets of the client's
  `RateLimiter`, the one gate at the send point. Several members are in flight, so the
  budget, not the round trip, sets the pace, and no request is refused with 429.
- After MAX_FAILURES_IN_A_ROW members failed in a row (a 503 storm, timeouts) the run
  pauses itself and says why; a refused key (401) pauses it at once. A 403 can mean the
  member's access was disabled or that the key lost a permission: such a member counts
  as a failure in the row and is recorded `skipped_unavailable` only once a later member
  succeeds (which proves the permission); if the row ends the run instead, it is tried
  again by the next.
- Pausing or cancelling waits for the members in flight; their outcomes are recorded. So
  does cancelling the run's task (the app shutting down); only `abandon()` does not.
  Each run that ends or pauses writes one audit entry for the campaign.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from studio_comm.api import errors
from studio_comm.api.client import new_request_id
from studio_comm.api.models import Channel, Customer, Direction, MessageCategory
from studio_comm.core.campaign import (
    CampaignCancelledError,
    RunningElsewhereError,
    StopReason,
    all_counts,
)
from studio_comm.core.messaging import BLOCKED, SENT_UNRECORDED, Draft, SendResult
from studio_comm.core.pace import RateMeter
from studio_comm.core.templates import render, values_for
from studio_comm.journal import JournalUnavailableError
from studio_comm.journal.campaigns import LeaseHolder
from studio_comm.journal.records import (
    CampaignMember,
    CampaignOutcome,
    CampaignRecord,
    CampaignStatus,
    MessageRecord,
    MessageState,
)
from studio_comm.journal.schema import utc_now

if TYPE_CHECKING:
    from studio_comm.core.campaigns import Campaigns

log = logging.getLogger(__name__)

CONCURRENCY = 8  # members in flight: enough that the round trip never sets the pace
MAX_FAILURES_IN_A_ROW = 10
LEASE_SECONDS = 30.0  # renewed every third of it
SLICE_SIZE = 500  # customers per listing request, the most the API gives
PROGRESS_INTERVAL = 0.1  # seconds between progress reports, at least
_UNAVAILABLE = {403: "access disabled", 404: "deleted"}

Outcome = CampaignOutcome


@dataclass(frozen=True)
class CampaignProgress:
    """A run's state, for a progress display: counts cover the whole campaign."""

    campaign_id: int
    status: CampaignStatus  # running while the run works, then what it left
    counts: dict[str, int]  # members per outcome, every outcome present
    rate_per_minute: float  # members settled per minute, recently
    seconds_left: float | None  # None until the targets are listed
    listing: bool = False  # the targets are still being listed
    reason: str | None = None  # a StopReason value, once stopped early
    reason_detail: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def remaining(self) -> int:
        return self.counts[Outcome.PENDING] + self.counts[Outcome.SENDING]

    @property
    def done(self) -> int:
        return self.total - self.remaining


ProgressCallback = Callable[[CampaignProgress], None]


class _Proof(Enum):
    """What a later member's outcome proves about the key's permissions."""

    READ = 1  # its consent could be read
    WRITE = 2  # its message was accepted


@dataclass
class _Doubt:
    """A member refused with 403: access disabled, or the key lost a permission."""

    member: CampaignMember
    request_id: str
    needs: _Proof
    detail: str
    message: MessageRecord | None
    after: int = 0  # attempts started when the 403 came: only a later one can explain it


def pid_alive(pid: int) -> bool:
    """Whether a process of this computer is still there (True when that cannot be told)."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CampaignRun:
    """One run; get it from `Campaigns.run(campaign)`. `execute()` runs it to its end and
    returns the final progress; `pause()`/`cancel()` ask it to stop; `progress` is now."""

    def __init__(self, campaigns: Campaigns, campaign: CampaignRecord, *,
                 on_progress: ProgressCallback | None = None, concurrency: int = CONCURRENCY,
                 max_failures: int = MAX_FAILURES_IN_A_ROW, lease_seconds: float = LEASE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if concurrency < 1 or max_failures < 1 or lease_seconds <= 0:
            raise ValueError("concurrency, max_failures and lease_seconds must be positive")
        self._uc = campaigns
        self._journal = campaigns.journal
        self.campaign = campaign
        self.on_progress = on_progress
        self.concurrency = concurrency
        self.max_failures = max_failures
        self.lease_seconds = lease_seconds
        self._clock = clock
        desk = campaigns.desk
        self._holder = LeaseHolder(new_request_id(), desk.workstation, desk.staff, campaigns.host, campaigns.pid)
        self._meter = RateMeter(clock)
        self._counts: Counter[str] = Counter()
        self._listing = False
        self._status = CampaignStatus.RUNNING
        self._stop: StopReason | None = None
        self._stop_detail: str | None = None
        self._streak = 0
        # A 403 is explained only by a success whose requests left after it: attempts are
        # numbered as they start, and each proof keeps the latest attempt that gave it.
        self._attempts = 0
        self._started: dict[str, int] = {}  # request id -> attempt number
        self._proof: dict[_Proof, int] = {_Proof.READ: 0, _Proof.WRITE: 0}
        self._doubts: list[_Doubt] = []
        self._last_report = float("-inf")
        self._started_at: datetime | None = None
        self._lease_renewed = clock()
        self._working: asyncio.Future[CampaignProgress] | None = None

    # -- control ---------------------------------------------------------------------

    def pause(self) -> None:
        """Send to nobody new; the members in flight finish. The campaign is left paused."""
        self._stop_with(StopReason.PAUSED)

    def cancel(self) -> None:
        """As pause, but the campaign is cancelled: no run sends anything more."""
        self._stop_with(StopReason.CANCELLED)

    def _stop_with(self, reason: StopReason, detail: str | None = None) -> None:
        if self._stop is None:
            log.info("campaign %s stops: %s %s", self.campaign.id, reason.value, detail or "")
            self._stop, self._stop_detail = reason, detail

    @property
    def progress(self) -> CampaignProgress:
        counts = all_counts(dict(self._counts))
        remaining = counts[Outcome.PENDING] + counts[Outcome.SENDING]
        rate = self._meter.per_minute()
        left = None
        if not self._listing and self._started_at is not None:
            # Every member needs one consent read and those who agreed a POST as well: two
            # budgets of the same size, so the reads' budget bounds the pace.
            limiter = self._uc.client.limiter
            ceiling = limiter.budget / limiter.span * 60.0
            left = 0.0 if remaining == 0 else remaining / min(rate or ceiling, ceiling) * 60.0
        reason = self._stop.value if self._stop is not None else None
        return CampaignProgress(self.campaign.id, self._status, counts, rate, left, self._listing,
                                reason, self._stop_detail)

    def _report(self, force: bool = False) -> None:
        if self.on_progress is None:
            return
        now = self._clock()
        if not force and now - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = now
        try:
            self.on_progress(self.progress)
        except Exception:  # a broken progress display must not stop the campaign
            log.exception("campaign progress callback failed")

    # -- the run ---------------------------------------------------------------------

    async def execute(self) -> CampaignProgress:
        """Run until every member has an outcome or the run stops; the final progress.

        Raises RunningElsewhereError when another run holds the campaign and
        CampaignCancelledError for a cancelled one (then nothing was done). Cancelling
        the task pauses the run: the members in flight finish and are recorded, then
        CancelledError; cancelled again meanwhile (or `abandon()`), it stops at once.
        """
        await self._take_lease()
        self._started_at = utc_now()
        working = self._working = asyncio.ensure_future(self._work())
        try:
            return await asyncio.shield(working)
        except asyncio.CancelledError:
            if not working.done():
                self.pause()
                try:
                    await asyncio.shield(working)
                except asyncio.CancelledError:
                    working.cancel()
                    await asyncio.wait([working])
                    raise
            raise

    def abandon(self) -> None:
        """Stop at once, without waiting for the members in flight: whether their
        messages arrived nobody can tell, so they end `unknown` (the next run says so)."""
        if self._working is not None:
            self._working.cancel()

    async def _work(self) -> CampaignProgress:
        heartbeat = asyncio.create_task(self._heartbeat(), name=f"campaign-{self.campaign.id}-lease")
        try:
            try:
                await self._prepare()
                queue = deque(await self._journal.campaign_members(self.campaign.id, [Outcome.PENDING.value]))
                self._report(force=True)
                async with asyncio.TaskGroup() as group:
                    for _ in range(self.concurrency):
                        group.create_task(self._worker(queue))
                await self._settle_doubts(at_end=True)
            except JournalUnavailableError as exc:
                self._stop_with(StopReason.JOURNAL_UNAVAILABLE, str(exc))
            except errors.BadKeyError as exc:
                self._stop_with(StopReason.KEY_REFUSED, str(exc))
            except errors.ApiError as exc:  # the targets could not be listed
                self._stop_with(StopReason.FAILURES, str(exc))
        except asyncio.CancelledError:
            self._stop_with(StopReason.PAUSED, "the run was stopped at once")
            raise
        finally:
            heartbeat.cancel()
            # Shielded: a second cancel must not leave the campaign running with a dead lease.
            await asyncio.shield(self._end())
        return self.progress

    async def _take_lease(self) -> None:
        journal, cid = self._journal, self.campaign.id
        taken, campaign = await journal.acquire_campaign_lease(cid, self._holder, self.lease_seconds)
        lease = campaign.lease
        if (not taken and lease is not None and lease.host == self._holder.host
                and lease.pid != self._holder.pid and not pid_alive(lease.pid)):
            # The holder was a process of this computer that is gone (killed, crashed):
            # nobody renews that lease, so there is nothing to wait for.
            log.info("campaign %s: taking over from process %s, which is gone", cid, lease.pid)
            taken, campaign = await journal.acquire_campaign_lease(cid, self._holder, self.lease_seconds,
                                                                   take_over=lease.token)
        if not taken:
            if campaign.status == CampaignStatus.CANCELLED:
                raise CampaignCancelledError(campaign)
            assert campaign.lease is not None
            raise RunningElsewhereError(campaign, campaign.lease)
        self.campaign = campaign
        self._lease_renewed = self._clock()

    async def _heartbeat(self) -> None:
        interval = self.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            try:
                expires = await self._journal.renew_campaign_lease(self.campaign.id, self._holder.token,
                                                                   self.lease_seconds)
            except JournalUnavailableError as exc:
                # Past two thirds of the lease unrenewed, another desk may soon take over:
                # stop sending before that can happen.
                if self._clock() - self._lease_renewed > 2 * interval:
                    self._stop_with(StopReason.JOURNAL_UNAVAILABLE, str(exc))
                continue
            if expires is None:
                self._stop_with(StopReason.LEASE_LOST)
                return
            self._lease_renewed = self._clock()

    async def _prepare(self) -> None:
        """Settle what an earlier run left, list the targets once, count."""
        journal, cid = self._journal, self.campaign.id
        messenger = self._uc.messenger
        if messenger.unrecorded:
            # Messages accepted while the journal was away: recorded first, so their
            # members below count as sent rather than unknown.
            await messenger.record_outcomes()
        for member, message in await journal.campaign_leftovers(cid):
            outcome, detail = Outcome.PENDING, None
            if message is not None:
                outcome, detail = _outcome_of(message)
                if message.state == MessageState.PENDING:
                    # Left while its request was out: whether it arrived nobody can tell.
                    await journal.mark_message(message.request_id, MessageState.UNKNOWN)
            await journal.settle_campaign_member(
                cid, member.customer_id, outcome.value, request_id=member.request_id, detail=detail,
                http_status=message.http_status if message else None,
                thread_id=message.thread_id if message else None,
                remote_thread_id=await self._remote_thread(message))
        retried = await journal.reopen_failed_campaign_members(cid)
        if retried:
            log.info("campaign %s: %d failed member(s) are tried again", cid, retried)
        if self.campaign.targeted_at is None:
            await self._target()
        self._counts = Counter(await journal.campaign_counts(cid))

    async def _target(self) -> None:
        """Every customer of the targeted statuses gets a ledger row, listed once: the
        campaign targets the members it found when it first started."""
        self._listing = True
        listed = 0
        for status in self.campaign.statuses:
            async for page in self._uc.client.customer_slices(status, slice_size=SLICE_SIZE):
                rows = [{"customer_id": c.id, "customer_number": c.customer_number, "first_name": c.first_name,
                         "last_name": c.last_name, "customer_status": str(c.status.value)} for c in page.result]
                await self._journal.add_campaign_members(self.campaign.id, rows)
                listed += len(rows)
                self._counts[Outcome.PENDING] = listed
                self._report()
        self.campaign = await self._journal.mark_campaign_targeted(self.campaign.id)
        self._listing = False

    async def _worker(self, queue: deque[CampaignMember]) -> None:
        while queue and self._stop is None:
            member = queue.popleft()
            try:
                await self._one(member)
            except JournalUnavailableError as exc:
                # Nothing more may be sent that could not be recorded; the member's row
                # says `sending` and the next run settles it from its message.
                self._stop_with(StopReason.JOURNAL_UNAVAILABLE, str(exc))
            except Exception as exc:
                log.exception("campaign %s: member %s", self.campaign.id, member.customer_id)
                self._stop_with(StopReason.ERROR, f"{type(exc).__name__}: {exc}")
            self._report()

    async def _one(self, member: CampaignMember) -> None:
        journal, cid, campaign = self._journal, self.campaign.id, self.campaign
        values = values_for(_customer(member), staff=self._uc.desk.staff, studio=self._uc.studio)
        subject, body = render(campaign.subject, values), render(campaign.body, values)
        missing = list(dict.fromkeys(subject.unfilled + body.unfilled))
        if missing:
            await self._settle(member, Outcome.SKIPPED_UNFILLED, None, detail=", ".join(missing))
            return
        earlier = await journal.message(member.request_id) if member.request_id else None
        if earlier is not None and earlier.state not in (MessageState.FAILED, MessageState.REJECTED):
            earlier = None  # a try that never got as far as a message: send afresh
        if earlier is not None and (again := await journal.resent_as(earlier.request_id)) is not None:
            # Someone already sent the failed message again from the member's timeline.
            await self._follow(member, again)
            return
        request_id = new_request_id()
        if not await journal.start_campaign_send(cid, member.customer_id, request_id, self._holder.workstation):
            return  # not pending any more: another run got to this member
        self._counts[Outcome.PENDING] -= 1
        self._counts[Outcome.SENDING] += 1
        self._attempts += 1
        self._started[request_id] = self._attempts
        messenger = self._uc.messenger
        try:
            if earlier is not None:
                result = await messenger.resend(earlier.request_id, request_id=request_id)
            else:
                draft = Draft(member.customer_id, None, Direction.OUTGOING, Channel(campaign.channel),
                              MessageCategory(campaign.category), subject.text, body.text)
                result = await messenger.send(draft, request_id=request_id)
        except errors.BadKeyError as exc:
            await self._settle(member, Outcome.PENDING, request_id)
            self._stop_with(StopReason.KEY_REFUSED, str(exc))
        except errors.NotFoundError as exc:
            await self._settle(member, Outcome.SKIPPED_UNAVAILABLE, request_id, detail=_UNAVAILABLE[404],
                               http_status=exc.status)
        except errors.ForbiddenError:
            await self._doubt(_Doubt(member, request_id, _Proof.READ, _UNAVAILABLE[403], None))
        except errors.ApiError as exc:  # the consent read failed: nothing was sent
            await self._settle(member, Outcome.FAILED, request_id, detail=str(exc), http_status=exc.status)
        else:
            await self._settle_result(member, request_id, result)

    async def _settle_result(self, member: CampaignMember, request_id: str, result: SendResult) -> None:
        message, thread = result.message, result.thread
        if result.state == BLOCKED:
            await self._settle(member, Outcome.SKIPPED_CONSENT, request_id, detail=result.reason)
            return
        assert message is not None and thread is not None  # only a blocked send has none
        if result.state in (MessageState.SENT, SENT_UNRECORDED):
            await self._settle(member, Outcome.SENT, request_id, message=message,
                               remote_thread_id=thread.remote_thread_id)
            return
        status = result.error.status if result.error is not None else None
        if result.state == MessageState.REJECTED and status == 403:
            await self._doubt(_Doubt(member, request_id, _Proof.WRITE, _UNAVAILABLE[403], message))
            return
        outcome, detail = _outcome_of(message)
        await self._settle(member, outcome, request_id, detail=str(result.error) if result.error else detail,
                           message=message, http_status=status)

    async def _follow(self, member: CampaignMember, message: MessageRecord) -> None:
        """Record the outcome of a message sent for this member outside the campaign."""
        if not await self._journal.start_campaign_send(self.campaign.id, member.customer_id, message.request_id,
                                                       self._holder.workstation):
            return
        self._counts[Outcome.PENDING] -= 1
        self._counts[Outcome.SENDING] += 1
        outcome, detail = _outcome_of(message)
        await self._settle(member, outcome, message.request_id, detail=detail, message=message,
                           remote_thread_id=await self._remote_thread(message))

    async def _settle(self, member: CampaignMember, outcome: Outcome, request_id: str | None, *,
                      detail: str | None = None, http_status: int | None = None,
                      message: MessageRecord | None = None, remote_thread_id: int | None = None) -> None:
        written = await self._journal.settle_campaign_member(
            self.campaign.id, member.customer_id, outcome.value, request_id=request_id, detail=detail,
            http_status=http_status if http_status is not None else (message.http_status if message else None),
            thread_id=message.thread_id if message else None, remote_thread_id=remote_thread_id,
            workstation=self._holder.workstation)
        if not written:
            log.warning("campaign %s: member %s was settled by another run", self.campaign.id, member.customer_id)
            return
        self._counts[Outcome.PENDING if request_id is None else Outcome.SENDING] -= 1
        self._counts[outcome] += 1
        if outcome is not Outcome.PENDING:
            self._meter.tick()
        await self._count(outcome, detail, request_id)

    async def _count(self, outcome: Outcome, detail: str | None, request_id: str | None) -> None:
        """Keep the row of failures: successes end it, failures lengthen it."""
        attempt = self._started.pop(request_id, None) if request_id is not None else None
        if outcome in (Outcome.SENT, Outcome.SKIPPED_CONSENT):
            self._streak = 0
            if attempt is not None:
                self._proof[_Proof.READ] = max(self._proof[_Proof.READ], attempt)
                if outcome is Outcome.SENT:
                    self._proof[_Proof.WRITE] = max(self._proof[_Proof.WRITE], attempt)
            await self._settle_doubts()
        elif outcome in (Outcome.FAILED, Outcome.UNKNOWN):
            self._failed(detail)

    def _failed(self, detail: str | None) -> None:
        self._streak += 1
        if self._streak >= self.max_failures:
            self._stop_with(StopReason.FAILURES, f"{self._streak} members failed in a row; the last: {detail}")

    async def _doubt(self, doubt: _Doubt) -> None:
        self._started.pop(doubt.request_id, None)
        doubt.after = self._attempts
        self._doubts.append(doubt)
        self._failed(f"refused with 403 ({doubt.detail}, or the key lacks a permission)")

    async def _settle_doubts(self, at_end: bool = False) -> None:
        """403s a later success explains: those members' access is disabled. At the end of
        the run, unexplained ones are tried again by the next run."""
        for doubt in list(self._doubts):
            proven = self._proof[doubt.needs] > doubt.after
            if not proven and not at_end:
                continue
            self._doubts.remove(doubt)
            if proven:
                outcome = Outcome.SKIPPED_UNAVAILABLE
            else:
                outcome = Outcome.PENDING if doubt.message is None else Outcome.FAILED
            await self._settle(doubt.member, outcome, doubt.request_id, detail=doubt.detail, http_status=403,
                               message=doubt.message)

    async def _remote_thread(self, message: MessageRecord | None) -> int | None:
        if message is None or message.state != MessageState.SENT:
            return None
        thread = await self._journal.thread(message.thread_id)
        return thread.remote_thread_id if thread is not None else None

    async def _end(self) -> None:
        """Leave the campaign as the run ends: its status, the lease free, one audit entry."""
        journal = self._journal
        counts = all_counts(dict(self._counts))
        try:
            counts = all_counts(await journal.campaign_counts(self.campaign.id))
        except JournalUnavailableError:
            pass
        if self._stop is StopReason.CANCELLED:
            status = CampaignStatus.CANCELLED
        elif self._stop is not None:
            status = CampaignStatus.PAUSED
        elif counts[Outcome.PENDING] or counts[Outcome.SENDING] or counts[Outcome.FAILED]:
            status = CampaignStatus.PAUSED
            open_ = counts[Outcome.PENDING] + counts[Outcome.SENDING] + counts[Outcome.FAILED]
            self._stop_with(StopReason.FAILED_MEMBERS, f"{open_} member(s) could not be sent to")
        else:
            status = CampaignStatus.FINISHED
        self._counts = Counter(counts)
        reason = self._stop.value if self._stop is not None else None
        try:
            released = await journal.release_campaign_lease(
                self.campaign.id, self._holder.token, status=status.value, reason=reason,
                reason_detail=self._stop_detail)
            if not released:
                log.warning("campaign %s: the lease was taken over; its status is the other run's", self.campaign.id)
            campaign = await journal.campaign(self.campaign.id) or self.campaign
            assert self._started_at is not None
            await self._uc.audit.campaign(campaign, outcome=status.value, run_started_at=self._started_at,
                                          counts=counts, reason=reason, reason_detail=self._stop_detail)
            self.campaign = campaign
        except JournalUnavailableError:
            # The lease runs out by itself: the campaign then reads as paused (interrupted).
            log.warning("campaign %s: the journal could not record the end of the run", self.campaign.id)
        self._status = status
        self._report(force=True)


def _outcome_of(message: MessageRecord) -> tuple[Outcome, str | None]:
    """A member's outcome from the state of the message sent to them."""
    state = message.state
    if state == MessageState.SENT:
        return Outcome.SENT, None
    if state in (MessageState.PENDING, MessageState.UNKNOWN):
        return Outcome.UNKNOWN, message.error
    if state == MessageState.REJECTED and message.http_status == 404:
        return Outcome.SKIPPED_UNAVAILABLE, _UNAVAILABLE[404]
    # Refused without acting (a 403 too: access disabled or a lost permission, which the
    # next try tells apart): safe to try again.
    return Outcome.FAILED, message.error


def _customer(member: CampaignMember) -> Customer:
    """The member as listed when the campaign started, for the text's variables."""
    return Customer(id=member.customer_id, status=member.customer_status or "MEMBER", access_refusal=False,
                    customer_number=member.customer_number, first_name=member.first_name,
                    last_name=member.last_name)
