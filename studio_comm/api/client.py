"""Async client of one studio's Magicline Open API (base URL + key): a method per operation.

Safety rules it enforces, because the rest of the app relies on them:
- HTTPS only, except to this computer (loopback) for the local sandbox; TLS verified;
  redirects are not followed (they could carry the key elsewhere).
- The key travels only in the `X-API-KEY` header; it never appears in a repr, a log
  line or an error (server text that echoes it is scrubbed).
- Every write carries an `X-Request-Id`, which the caller may supply so that its journal
  row and the request share one id.
- Each endpoint stays under the rate limiter's budget by waiting. A 429 holds the
  endpoint for a whole window, then the same request is tried once more.
- Reads and the (idempotent) preferences PUT retry with jittered exponential backoff on
  connect errors and 502/503/504; reads also on timeouts. Thread POST/PUT retry only when
  the request provably never left; if it may have arrived, `OutcomeUnknownError` is raised
  and nothing is re-sent (the API has no idempotency key).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import httpx
import stamina
from pydantic import TypeAdapter, ValidationError

from studio_comm import __version__
from studio_comm.api import errors
from studio_comm.api.models import (
    ApiEnum,
    CardNumberFormat,
    CommunicationPreference,
    Customer,
    CustomerSearchRequest,
    CustomerStatus,
    Employee,
    ErrorResponse,
    Slice,
    StudioInformation,
    ThreadRequest,
    ThreadResponse,
)
from studio_comm.api.ratelimit import OnWait, RateLimiter

log = logging.getLogger(__name__)

M = TypeVar("M", bound=ApiEnum)



@functools.cache
def _adapter(schema: Any) -> TypeAdapter:
    """The validator of `schema`, built on first use (not while the app starts)."""
    return TypeAdapter(schema)


_PREFERENCES = list[CommunicationPreference]
_CUSTOMERS = list[Customer]
_CUSTOMER_SLICE = Slice[Customer]
_EMPLOYEE_SLICE = Slice[Employee]
_CUSTOMER = Customer
_STUDIO = StudioInformation
_THREAD = ThreadResponse

CUSTOMER_SLICE_SIZES = range(50, 501)
EMPLOYEE_SLICE_SIZES = range(10, 101)
_HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?")
_RETRYABLE_STATUS = frozenset({502, 503, 504})
# Raised before a single byte of the request went out: always safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class _Policy:
    """Which failures an operation may retry (the 429 retry applies to all)."""

    server_errors: bool  # 502/503/504
    after_sending: bool  # timeouts and lost connections once the request was sent


READ = _Policy(server_errors=True, after_sending=True)
IDEMPOTENT_WRITE = _Policy(server_errors=True, after_sending=False)
UNSAFE_WRITE = _Policy(server_errors=False, after_sending=False)


@dataclass
class RetrySettings:
    """Backoff of retried requests; tests shorten it (or use `stamina.set_testing`).

    Bounded by attempts and the longest wait, not by a total time: a request may first
    wait a minute in the rate limiter, and that must not use up its retries.
    """

    attempts: int = 4
    timeout: float | None = None
    wait_initial: float = 0.5
    wait_max: float = 5.0
    wait_jitter: float = 0.5


class _Secret(str):
    """The key: a str whose repr does not show it."""

    def __repr__(self) -> str:
        return "'***'"


class BaseUrlProblem(StrEnum):
    """Why a studio address was refused (the UI words each in its language)."""

    NOT_A_WEB_ADDRESS = "not_a_web_address"
    PLAIN_HTTP = "plain_http"  # http:// to another computer: the key would travel in clear
    CREDENTIALS = "credentials"  # a user name or password in the address
    QUERY = "query"  # "?..." would be stored with the address and sent nowhere useful
    FRAGMENT = "fragment"


class BaseUrlError(ValueError):
    """An address the client will not use. The message never repeats the address, which
    may hold a password; `host` is given where it helps (plain http)."""

    _SENTENCES = {
        BaseUrlProblem.NOT_A_WEB_ADDRESS: "The address is not a web address (expected https://<tenant>...).",
        BaseUrlProblem.PLAIN_HTTP: "Plain http:// is only allowed for this computer; use https:// for {host}.",
        BaseUrlProblem.CREDENTIALS: "The address must not contain a user name or password.",
        BaseUrlProblem.QUERY: "The address must not contain a query (the part from “?”).",
        BaseUrlProblem.FRAGMENT: "The address must not contain a fragment (the part from “#”).",
    }

    def __init__(self, problem: BaseUrlProblem, host: str = "") -> None:
        self.problem = problem
        self.host = host
        super().__init__(self._SENTENCES[problem].format(host=host))


def normalize_base_url(base_url: str) -> str:
    """The studio's API address as the client uses and the settings store it:
    `scheme://host[:port][/path]` without a trailing slash or "/v1". https is required
    except to this computer (the sandbox); user names, passwords, queries and fragments
    are refused with `BaseUrlError` rather than dropped, so nobody stores or believes in
    what was never going to be used."""
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL:
        url = httpx.URL()
    if url.scheme not in ("http", "https") or not _is_host(url.raw_host.decode("ascii")):
        raise BaseUrlError(BaseUrlProblem.NOT_A_WEB_ADDRESS)
    if url.userinfo:
        raise BaseUrlError(BaseUrlProblem.CREDENTIALS)
    if url.query:
        raise BaseUrlError(BaseUrlProblem.QUERY)
    if url.fragment:
        raise BaseUrlError(BaseUrlProblem.FRAGMENT)
    if url.scheme == "http" and not _is_loopback(url.host):
        raise BaseUrlError(BaseUrlProblem.PLAIN_HTTP, url.host)
    path = url.path.rstrip("/")
    path = path.removesuffix("/v1")  # a copied "…/v1" base would otherwise double it
    return str(url.copy_with(path=path or "/", query=None, fragment=None)).rstrip("/")


def _is_host(host: str) -> bool:
    # httpx percent-encodes what it cannot use ("exa mple.com"); refuse it here instead of
    # failing later as a connection error. Unicode names arrive as punycode.
    if _HOSTNAME.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_key(api_key: str) -> _Secret:
    key = api_key.strip() if isinstance(api_key, str) else ""
    if not key:
        raise ValueError("The API key is empty.")
    if not key.isascii() or not key.isprintable():
        # Never echo the key: it could end up in a dialog or a log.
        raise ValueError("The API key contains characters that cannot be sent; paste it again.")
    return _Secret(key)


def _validation_summary(exc: ValidationError, limit: int = 3) -> str:
    """What did not fit, by location and reason, without the offending values."""
    items = exc.errors(include_input=False, include_url=False)
    parts = [
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in items[:limit]
    ]
    if len(items) > limit:
        parts.append(f"and {len(items) - limit} more")
    return "; ".join(parts)


class MagiclineClient:
    """One studio's API: `async with MagiclineClient(url, key) as client: ...`."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        language: str = "en",
        timeout: float | httpx.Timeout = 10.0,
        limiter: RateLimiter | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_wait: OnWait | None = None,
        retry: RetrySettings | None = None,
        on_activity: Callable[[int], None] | None = None,
    ) -> None:
        """`on_activity(n)`: called whenever the number of requests under way changes
        (a request counts from its call until its answer, retries and waits included)."""
        self.base_url = normalize_base_url(base_url)
        self._key = _check_key(api_key)
        self.language = language
        self.limiter = limiter or RateLimiter()
        self.on_wait = on_wait
        self.retry = retry or RetrySettings()
        self.on_activity = on_activity
        self.requests_under_way = 0
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "X-API-KEY": self._key,
                "Accept": "application/json",
                "User-Agent": f"studio-comm/{__version__}",
            },
            timeout=timeout,
            transport=transport,
            verify=True,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"MagiclineClient({self.base_url!r}, language={self.language!r})"

    async def __aenter__(self) -> MagiclineClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    # ----------------------------------------------------------------- operations

    async def check_key(self) -> None:
        """HEAD request: returns when the key is valid, raises `BadKeyError` when not."""
        await self._request("HEAD", "/v1/studios/information", policy=READ)

    async def studio_information(self) -> StudioInformation:
        return await self._request("GET", "/v1/studios/information", policy=READ, parse=_STUDIO)

    async def employees(self, *, slice_size: int = 100) -> AsyncIterator[Employee]:
        """Every employee, fetching slices of `slice_size` (10..100) as needed."""
        _check_slice_size(slice_size, EMPLOYEE_SLICE_SIZES)
        params = {"sliceSize": slice_size}
        async for page in self._slices("/v1/employees", _EMPLOYEE_SLICE, params, None):
            for employee in page.result:
                yield employee

    async def customer_slices(
        self,
        status: CustomerStatus | str = CustomerStatus.MEMBER,
        slice_size: int = 100,
        offset: str | None = None,
    ) -> AsyncIterator[Slice[Customer]]:
        """Customers of one status, slice by slice (`slice_size` 50..500), from `offset`."""
        _check_slice_size(slice_size, CUSTOMER_SLICE_SIZES)
        status = _known(CustomerStatus, status, "customer status")
        params = {"sliceSize": slice_size, "customerStatus": status.value}
        async for page in self._slices("/v1/customers", _CUSTOMER_SLICE, params, offset):
            yield page

    async def customers(
        self, status: CustomerStatus | str = CustomerStatus.MEMBER, slice_size: int = 100
    ) -> AsyncIterator[Customer]:
        async for page in self.customer_slices(status, slice_size):
            for customer in page.result:
                yield customer

    async def customer(self, customer_id: int) -> Customer:
        return await self._request(
            "GET", "/v1/customers/{customerId}", customerId=customer_id, policy=READ,
            parse=_CUSTOMER,
        )

    async def customer_by(
        self,
        *,
        customer_number: str | None = None,
        card_number: str | None = None,
        card_number_format: CardNumberFormat | str | None = None,
        barcode: str | None = None,
    ) -> Customer:
        """The one customer with this number, card or barcode; `NotFoundError` if none."""
        given = {
            "customerNumber": customer_number,
            "cardNumber": card_number,
            "barcode": barcode,
        }
        params = {k: str(v) for k, v in given.items() if v not in (None, "")}
        if len(params) != 1:
            raise ValueError("Give exactly one of customer number, card number or barcode.")
        if card_number_format is not None:
            if "cardNumber" not in params:
                raise ValueError("A card number format only goes with a card number.")
            params["cardNumberFormat"] = _known(
                CardNumberFormat, card_number_format, "card number format"
            ).value
        return await self._request(
            "GET", "/v1/customers/by", params=params, policy=READ, parse=_CUSTOMER
        )

    async def search_customers(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        date_of_birth: date | str | None = None,
    ) -> list[Customer]:
        """Customers matching all given fields (names match as prefixes); unpaged."""
        date_of_birth = date_of_birth or None
        if isinstance(date_of_birth, str):
            try:
                date_of_birth = date.fromisoformat(date_of_birth)
            except ValueError:
                raise ValueError("The date of birth must be a date (YYYY-MM-DD).") from None
        request = CustomerSearchRequest(
            first_name=first_name or None,
            last_name=last_name or None,
            email=email or None,
            date_of_birth=date_of_birth,
        )
        body = request.to_wire()
        if not body:
            raise ValueError("Give at least one search field.")
        # A search changes nothing: retried like a read.
        return await self._request(
            "POST", "/v1/customers/search", json=body, policy=READ, parse=_CUSTOMERS
        )

    async def get_preferences(self, customer_id: int) -> list[CommunicationPreference]:
        return await self._request(
            "GET", _PREFS_PATH, customerId=customer_id, policy=READ, parse=_PREFERENCES
        )

    async def put_preferences(
        self,
        customer_id: int,
        prefs: Iterable[CommunicationPreference],
        *,
        request_id: str | None = None,
    ) -> list[CommunicationPreference]:
        """Replace the customer's preferences with `prefs` (send the whole array)."""
        body = [p.to_wire() for p in prefs]
        return await self._request(
            "PUT", _PREFS_PATH, customerId=customer_id, json=body,
            request_id=request_id or new_request_id(), policy=IDEMPOTENT_WRITE,
            parse=_PREFERENCES,
        )

    async def create_thread(
        self, customer_id: int, request: ThreadRequest, *, request_id: str | None = None
    ) -> ThreadResponse:
        """Start a new thread with its first message (POST; never re-sent blindly)."""
        return await self._request(
            "POST", "/v1/communications/{customerId}/threads", customerId=customer_id,
            json=request.to_wire(), request_id=request_id or new_request_id(),
            policy=UNSAFE_WRITE, parse=_THREAD,
        )

    async def add_to_thread(
        self,
        customer_id: int,
        thread_id: int,
        request: ThreadRequest,
        *,
        request_id: str | None = None,
    ) -> ThreadResponse:
        """Add a message to an existing thread (PUT; never re-sent blindly)."""
        return await self._request(
            "PUT", "/v1/communications/{customerId}/threads/{threadId}",
            customerId=customer_id, threadId=thread_id, json=request.to_wire(),
            request_id=request_id or new_request_id(), policy=UNSAFE_WRITE, parse=_THREAD,
        )

    # ----------------------------------------------------------------- machinery

    async def _slices(
        self, template: str, schema: Any, params: dict[str, Any], offset: str | None
    ) -> AsyncIterator[Any]:
        while True:
            query = dict(params) if offset is None else {**params, "offset": offset}
            page = await self._request("GET", template, params=query, policy=READ, parse=schema)
            yield page
            if not page.has_next:
                return
            if page.offset is None or page.offset == offset:
                # A server bug would otherwise loop over the same slice forever.
                raise errors.MalformedResponseError(
                    "the list of results did not advance", endpoint=f"GET {template}"
                )
            offset = page.offset

    async def _request(
        self,
        method: str,
        template: str,
        *,
        policy: _Policy,
        params: dict[str, Any] | None = None,
        json: Any = None,
        request_id: str | None = None,
        parse: Any = None,
        **path_params: int,
    ) -> Any:
        endpoint = f"{method} {template}"
        path = template.format(**{k: _path_int(k, v) for k, v in path_params.items()})
        headers = {"Accept-Language": self.language}
        if request_id is not None:
            headers["X-Request-Id"] = request_id
        request = self._http.build_request(method, path, params=params, json=json, headers=headers)
        context = {"endpoint": endpoint, "request_id": request_id}
        self._count_under_way(+1)
        try:
            response = await self._send_with_retries(request, policy, context)
            if response.status_code == 429:
                # Refused without acting: wait until the vendor's minute is surely over
                # (the limiter reports the wait), then try the same request once more.
                self.limiter.hold(endpoint)
                response = await self._send_with_retries(request, policy, context)
        finally:
            self._count_under_way(-1)
        if not response.is_success:
            raise self._error(response, context)
        return None if parse is None else self._parse(parse, response, context)

    def _count_under_way(self, change: int) -> None:
        self.requests_under_way += change
        if self.on_activity is not None:
            self.on_activity(self.requests_under_way)

    async def _send_with_retries(
        self, request: httpx.Request, policy: _Policy, context: dict[str, Any]
    ) -> httpx.Response:
        def retryable(exc: Exception) -> bool:
            if isinstance(exc, errors.NotSentError):
                return True
            if isinstance(exc, errors.OutcomeUnknownError):
                return policy.after_sending
            return isinstance(exc, errors.ServerError) and policy.server_errors

        settings = self.retry
        async for attempt in stamina.retry_context(
            on=retryable,
            attempts=settings.attempts,
            timeout=settings.timeout,
            wait_initial=settings.wait_initial,
            wait_max=settings.wait_max,
            wait_jitter=settings.wait_jitter,
        ):
            with attempt:
                response = await self._send_once(request, context)
                if response.status_code in _RETRYABLE_STATUS and policy.server_errors:
                    raise self._error(response, context)
        return response

    async def _send_once(self, request: httpx.Request, context: dict[str, Any]) -> httpx.Response:
        endpoint = context["endpoint"]
        await self.limiter.acquire(endpoint, on_wait=self.on_wait)
        started = time.perf_counter()
        failure: httpx.TransportError | None = None
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            failure = exc
        if failure is not None:
            # Raised outside the except block so the error drags no context along; the
            # httpx error stays attached as the cause unless its text holds the key.
            kind: type[errors.NetworkError]
            if isinstance(failure, _NOT_SENT):
                log.info("%s not sent: %s", endpoint, type(failure).__name__)
                kind = errors.NotSentError
            else:
                log.warning("%s outcome unknown: %s", endpoint, type(failure).__name__)
                kind = errors.OutcomeUnknownError
            raise kind(self._scrub(_describe(failure)), **context) from self._safe(failure)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s -> %s in %.0f ms%s", endpoint, response.status_code,
                (time.perf_counter() - started) * 1000,
                f" (request id {context['request_id']})" if context["request_id"] else "",
            )
        return response

    def _error(self, response: httpx.Response, context: dict[str, Any]) -> errors.ApiError:
        status = response.status_code
        body = ErrorResponse()
        if response.content:
            try:
                body = ErrorResponse.model_validate_json(response.content)
            except ValidationError:
                pass  # e.g. an HTML page from a proxy: the status alone must do
        scrub = self._scrub
        return errors.error_class_for(status)(
            status=status,
            error_message=scrub(body.error_message) or None,
            error_code=scrub(body.error_code),
            trace_id=scrub(body.trace_id),
            reference=scrub(body.reference),
            **context,
        )

    def _parse(self, schema: Any, response: httpx.Response, context: dict) -> Any:
        try:
            return _adapter(schema).validate_json(response.content)
        except ValidationError as exc:
            problem = _validation_summary(exc)
        # Outside the except block: the ValidationError quotes the body (member data, or
        # anything a server echoes), so it must not ride along as context.
        raise errors.MalformedResponseError(
            self._scrub(problem), status=response.status_code, **context
        )

    def _safe(self, exc: BaseException) -> BaseException | None:
        return None if self._key in f"{exc!s}{exc!r}" else exc

    def _scrub(self, text: str | None) -> str | None:
        """Server or library text with the key cut out, in case anything echoes it."""
        if text and self._key in text:
            return text.replace(self._key, "***")
        return text


_PREFS_PATH = "/v1/communications/{customerId}/communication-preferences"


def new_request_id() -> str:
    return uuid.uuid4().hex


def _describe(exc: httpx.TransportError) -> str:
    kind = {
        httpx.ConnectTimeout: "connecting timed out",
        httpx.PoolTimeout: "no free connection",
        httpx.ReadTimeout: "no answer in time",
        httpx.WriteTimeout: "sending timed out",
        httpx.RemoteProtocolError: "the server closed the connection",
    }.get(type(exc))
    return kind or str(exc) or type(exc).__name__


def _path_int(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer id, not {type(value).__name__}.")
    return value


def _check_slice_size(size: int, allowed: range) -> None:
    if not isinstance(size, int) or size not in allowed:
        raise ValueError(f"The slice size must be between {allowed.start} and {allowed.stop - 1}.")


def _known(enum: type[M], value: Any, what: str) -> M:
    member = enum(value)
    if not member.known:
        allowed = ", ".join(enum.__members__)
        raise ValueError(f"Unknown {what} “{value}”; expected one of {allowed}.")
    return member
