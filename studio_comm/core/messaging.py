"""Threads and messages with a member: journal first, then the request, never sent twice blindly.

The API can create a thread (POST) and add to one (PUT), but cannot list or read them, and
has no idempotency key. So:
- every message is written to the journal (state `pending`, with a request id) before its
  request leaves, and the request carries that id (`X-Request-Id`);
- the answer decides the state: `sent` (with the remote thread and communication ids),
  `failed` (not sent or refused without acting: safe to send again), `rejected` (the
  server answered no: its message and trace id are kept), `unknown` (the request may have
  arrived: only the user can decide, after checking in Magicline);
- a send abandoned while its request is out (the task cancelled) leaves `unknown` too;
- an accepted message whose outcome the journal cannot take (a shared PostgreSQL whose
  connection just dropped) is `sent, not recorded`: its ids are kept in memory, follow-ups
  still go into its thread, and `record_outcomes()` writes them once the journal answers;
  it is never offered for a resend;
- nothing is re-sent automatically; `resend` is the user's explicit act and writes a new
  message row that points to the old one, which keeps its state;
- outgoing messages pass the consent guard on preferences read just before sending;
  a blocked message leaves no row and no request.
Every attempt whose request left this computer gets an audit entry, and nothing is sent
without a staff member named at the desk (`MissingStaffError`, before anything is written).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from studio_comm.api import errors
from studio_comm.api.client import MagiclineClient, new_request_id
from studio_comm.api.models import Channel, Direction, MessageCategory, ThreadRequest, ThreadResponse, ThreadStatus
from studio_comm.core.audit import AuditLog
from studio_comm.core.consent import Consent, Reason, consent, consent_by_channel
from studio_comm.core.desk import Desk
from studio_comm.core.matrix import Matrix
from studio_comm.journal import AsyncJournal, JournalUnavailableError
from studio_comm.journal.records import RESENDABLE, MessageRecord, MessageState, ThreadRecord

log = logging.getLogger(__name__)

# What a send ends as: the message's state; or blocked by the consent guard (no message);
# or accepted by Magicline while the journal could not record it yet.
BLOCKED: Literal["blocked"] = "blocked"
SENT_UNRECORDED: Literal["sent_unrecorded"] = "sent_unrecorded"
State = MessageState | Literal["blocked", "sent_unrecorded"]
# Answers that mean the server did not act on the request: sending again is safe.
_NOT_ACTED = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class Draft:
    """A message as composed. `thread` None starts a new thread.

    `thread_status` is the thread's status after this message; None means CREATED for a
    new thread and ONGOING for a follow-up. `communication_time` back-dates a logged call.
    An empty `subject` of a follow-up takes the thread's subject.
    """

    customer_id: int
    thread: ThreadRecord | None
    direction: Direction
    channel: Channel
    category: MessageCategory = MessageCategory.GENERAL
    subject: str = ""
    content: str = ""
    thread_status: ThreadStatus | None = None
    communication_time: datetime | None = None


@dataclass
class SendResult:
    """What became of one send. `message` is the journal row (None only when blocked)."""

    state: State
    message: MessageRecord | None = None
    thread: ThreadRecord | None = None
    reason: Reason | None = None  # why it was blocked
    error: errors.ApiError | None = None


@dataclass(frozen=True)
class _Accepted:
    """A message Magicline accepted, with what the journal must record of it."""

    message: MessageRecord  # as written, pending
    thread: ThreadRecord
    response: ThreadResponse


def state_after(exc: errors.ApiError) -> MessageState:
    """The message state a failed request leaves, by what is known about the server."""
    if isinstance(exc, errors.NotSentError):
        return MessageState.FAILED
    if isinstance(exc, errors.OutcomeUnknownError):
        return MessageState.UNKNOWN
    if exc.status in _NOT_ACTED:
        return MessageState.FAILED
    if exc.status is not None and exc.status >= 400:
        return MessageState.REJECTED
    # e.g. a 2xx whose body could not be read: it may well have been stored.
    return MessageState.UNKNOWN


class Messenger:
    """One studio's threads and messages. Get it as `session.messaging`."""

    def __init__(self, client: MagiclineClient, journal: AsyncJournal, audit: AuditLog,
                 studio_id: int, desk: Desk) -> None:
        self._client = client
        self._journal = journal
        self._audit = audit
        self._studio_id = studio_id
        self._desk = desk
        # One send per thread at a time: a second message to a thread whose POST is still
        # out must not POST another thread (between desks: the journal's lock, `_first_post`).
        self._thread_locks: dict[int, asyncio.Lock] = {}
        # Accepted messages the journal has not recorded yet, by request id, and the
        # Magicline thread ids they created (a follow-up must not start another thread).
        self._unrecorded: dict[str, _Accepted] = {}
        self._remote_ids: dict[int, int] = {}

    @property
    def unrecorded(self) -> list[MessageRecord]:
        """Messages Magicline accepted whose outcome the journal could not take yet."""
        return [item.message for item in self._unrecorded.values()]

    # ------------------------------------------------------------------ reading

    async def threads(self, customer_id: int) -> list[ThreadRecord]:
        """The member's threads this studio's journal knows, newest activity first."""
        return await self._journal.threads(self._studio_id, customer_id)

    async def open_threads(self, customer_id: int) -> list[ThreadRecord]:
        """Threads not CLOSED: offer a follow-up before a new thread is started."""
        return await self._journal.open_threads(self._studio_id, customer_id)

    async def timeline(self, thread_id: int) -> list[MessageRecord]:
        """A thread's messages, oldest first."""
        return await self._journal.messages(thread_id)

    async def consent(self, customer_id: int, category: MessageCategory) -> dict[Channel, Consent]:
        """A fresh read of the member's preferences, as allowed/blocked per channel."""
        return consent_by_channel(await self._read_matrix(customer_id), category)

    async def _read_matrix(self, customer_id: int) -> Matrix:
        return Matrix(await self._client.get_preferences(customer_id))

    # ------------------------------------------------------------------ sending

    async def send(self, draft: Draft, *, request_id: str | None = None) -> SendResult:
        """Guard, journal, request, outcome. Raises ApiError only when the consent read
        fails (then nothing was written or sent); every other failure is in the result.

        `request_id`: the id the message row and its request will carry, when the caller
        has recorded it beforehand (a campaign's ledger); a new one otherwise.
        """
        return await self._guarded(draft, resend_of=None, request_id=request_id)

    async def resend(self, message_request_id: str, *, request_id: str | None = None) -> SendResult:
        """Send a failed, unknown or rejected message again, as a new message row.

        The user's explicit decision (for `unknown`: after checking it did not arrive).
        Outgoing messages pass the consent guard again. `request_id` as for `send`.
        """
        journal = self._journal
        old = await journal.message(message_request_id)
        if old is None:
            raise ValueError("There is no such message.")
        if old.state not in RESENDABLE:
            raise ValueError(f"A message in state {old.state} is not sent again.")
        thread = await _existing(journal, old.thread_id)
        draft = Draft(
            customer_id=thread.customer_id,
            thread=thread,
            direction=Direction(old.direction),
            channel=Channel(old.channel),
            category=MessageCategory(old.category) if old.category else MessageCategory.GENERAL,
            subject=old.subject,
            content=old.content,
            thread_status=ThreadStatus(old.thread_status) if old.thread_status else None,
            communication_time=old.communication_time,
        )
        return await self._guarded(draft, resend_of=old.request_id, request_id=request_id)

    async def _guarded(self, draft: Draft, resend_of: str | None, request_id: str | None) -> SendResult:
        draft = _checked(draft)
        self._audit.author()  # nobody named at the desk: refused before anything is written
        if draft.direction == Direction.OUTGOING:
            matrix = await self._read_matrix(draft.customer_id)
            verdict = consent(matrix, draft.category, draft.channel)
            if not verdict.allowed:
                log.info("message to %s blocked: %s", draft.customer_id, verdict.reason)
                return SendResult(BLOCKED, thread=draft.thread, reason=verdict.reason)
        return await self._deliver(draft, resend_of, request_id or new_request_id())

    async def _deliver(self, draft: Draft, resend_of: str | None, request_id: str) -> SendResult:
        status = draft.thread_status
        assert status is not None, "_checked() fills in the thread status"
        thread = draft.thread
        if thread is None:
            thread = await self._journal.add_thread(
                studio_id=self._studio_id, customer_id=draft.customer_id, subject=draft.subject,
                status=str(status.value), category=str(draft.category.value),
                workstation=self._desk.workstation,
            )
        async with self._thread_locks.setdefault(thread.id, asyncio.Lock()):
            async with self._first_post(thread.id) as current:
                return await self._send_into(current, draft, resend_of, request_id)

    @contextlib.asynccontextmanager
    async def _first_post(self, thread_id: int) -> AsyncIterator[ThreadRecord]:
        """The thread as it is now, for sending into; while it has no Magicline id (its
        first POST is to come, or out from another desk), with the journal-wide lock on
        that POST held until the outcome is recorded. A desk that waited for another's
        POST finds the thread's id then, and sends a follow-up."""
        thread = await self._current(thread_id)
        if thread.remote_thread_id is not None:
            yield thread
            return
        journal = self._journal
        held, delay = await journal.try_lock_thread(thread_id), 0.02
        if held is None:
            log.info("thread %s: its first message is out from another desk; waiting for its answer", thread_id)
        while held is None:
            await asyncio.sleep(delay)
            held, delay = await journal.try_lock_thread(thread_id), min(delay * 2, 0.25)
        try:
            yield await self._current(thread_id)
        finally:
            await journal.unlock_thread(held)

    async def _current(self, thread_id: int) -> ThreadRecord:
        # Another desk (or an earlier send) may have given the thread its remote id.
        thread = await _existing(self._journal, thread_id)
        if thread.remote_thread_id is None and thread.id in self._remote_ids:
            thread = replace(thread, remote_thread_id=self._remote_ids[thread.id])
        return thread

    async def _send_into(self, thread: ThreadRecord, draft: Draft, resend_of: str | None,
                         request_id: str) -> SendResult:
        journal = self._journal
        staff = self._desk.staff
        status = draft.thread_status
        assert status is not None, "_checked() fills in the thread status"
        message = await journal.add_message(
            request_id=request_id, thread_id=thread.id, direction=str(draft.direction.value),
            channel=str(draft.channel.value), category=str(draft.category.value),
            subject=draft.subject, content=draft.content, agent=staff,
            communication_time=draft.communication_time,
            thread_status=str(status.value), workstation=self._desk.workstation,
            staff=staff, resend_of=resend_of,
        )
        request = ThreadRequest(
            communication_thread_status=status,
            subject=draft.subject,
            content=draft.content,
            communication_direction=draft.direction,
            communication_channel=draft.channel,
            agent=staff or None,
            communication_date_time=draft.communication_time,
        )
        client = self._client
        try:
            if thread.remote_thread_id is None:
                response = await client.create_thread(
                    draft.customer_id, request, request_id=request_id
                )
            else:
                response = await client.add_to_thread(
                    draft.customer_id, thread.remote_thread_id, request, request_id=request_id
                )
        except asyncio.CancelledError:
            # Abandoned while out (e.g. the app is closing): whether it arrived, nobody
            # can tell. The journal call runs to the end even though we are cancelled.
            await journal.mark_message(request_id, MessageState.UNKNOWN)
            raise
        except errors.ApiError as exc:
            state = state_after(exc)
            log.info("message %s to %s: %s", request_id, draft.customer_id, state)
            # Only the server's own words are kept as the error; the UI words the state.
            message = await journal.mark_message(
                request_id, state, error=exc.error_message, http_status=exc.status,
                trace_id=exc.trace_id,
            )
            result = SendResult(state, message, thread, error=exc)
            if not isinstance(exc, errors.NotSentError):
                await self._audit.message(message, thread, outcome=state, http_status=exc.status,
                                          trace_id=exc.trace_id)
            return result
        self._remote_ids[thread.id] = response.thread_id
        accepted = _Accepted(message, thread, response)
        try:
            return await self._record(accepted)
        except JournalUnavailableError as exc:
            log.warning("message %s was sent, but the journal could not record it (%s); kept to record later",
                        request_id, type(exc).__name__)
            self._unrecorded[request_id] = accepted
            return SendResult(
                SENT_UNRECORDED,
                replace(message, state=MessageState.SENT, communication_id=response.communication_id),
                replace(thread, remote_thread_id=response.thread_id),
            )

    async def record_outcomes(self) -> list[SendResult]:
        """Write what the journal could not take when it happened; returns the results now
        recorded. Stops at the first write that still fails (the journal is still away)."""
        recorded = []
        for request_id, accepted in list(self._unrecorded.items()):
            result = await self._record(accepted, again=True)
            del self._unrecorded[request_id]
            recorded.append(result)
        return recorded

    async def _record(self, accepted: _Accepted, again: bool = False) -> SendResult:
        journal, response = self._journal, accepted.response
        request_id = accepted.message.request_id
        # A write whose answer was lost may have committed: then it stands.
        message = await journal.message(request_id) if again else None
        if message is None or message.state != MessageState.SENT:
            # The thread's remote id in the same transaction: follow-ups must find it.
            message = await journal.mark_message(
                request_id, MessageState.SENT, communication_id=response.communication_id, http_status=200,
                remote_thread_id=response.thread_id, thread_status=str(response.communication_thread_status.value),
            )
        thread = await _existing(journal, accepted.thread.id)
        await self._audit.message(message, thread, outcome=MessageState.SENT, http_status=200, trace_id=None)
        return SendResult(MessageState.SENT, message, thread)


async def _existing(journal: AsyncJournal, thread_id: int) -> ThreadRecord:
    thread = await journal.thread(thread_id)
    if thread is None:
        raise LookupError(f"There is no thread {thread_id} in the journal.")
    return thread


def _checked(draft: Draft) -> Draft:
    """Fill the defaults and refuse what the API would refuse anyway."""
    if not draft.content.strip():
        raise ValueError("The message is empty.")
    if "\x00" in draft.subject + draft.content:
        # PostgreSQL cannot store it, and no member wrote it on purpose: refused before
        # anything is written, so no empty thread is left behind.
        raise ValueError("The message contains a NUL character; remove it and send again.")
    subject = draft.subject.strip() or (draft.thread.subject if draft.thread else "")
    if not subject:
        raise ValueError("A new thread needs a subject.")
    for value, enum in ((draft.channel, Channel), (draft.direction, Direction),
                        (draft.category, MessageCategory)):
        if not enum(value).known:
            raise ValueError(f"{value} cannot be sent by this version.")
    status = draft.thread_status or (
        ThreadStatus.CREATED if draft.thread is None else ThreadStatus.ONGOING
    )
    when = draft.communication_time
    if when is not None and when.tzinfo is None:
        when = when.astimezone()  # a time typed at the desk is this computer's local time
    return replace(
        draft, subject=subject, thread_status=ThreadStatus(status), communication_time=when,
        channel=Channel(draft.channel), direction=Direction(draft.direction),
        category=MessageCategory(draft.category),
    )
