"""HTTP helpers of the sandbox: the vendor's ErrorResponse and JSON answers, and reading
parameters and bodies, where anything invalid becomes a `VendorError` (a 400 that names the
offending field in `reference`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import overload

from starlette.requests import Request
from starlette.responses import Response

_MESSAGES = {
    400: ("Bad request", "BAD_REQUEST"),
    401: ("Invalid or missing API key", "UNAUTHORIZED"),
    403: ("Missing scope for this operation", "FORBIDDEN"),
    404: ("Entity not found", "NOT_FOUND"),
    405: ("Method not allowed", "METHOD_NOT_ALLOWED"),
    409: ("Entity was modified by another request", "CONFLICT"),
    429: ("Too many requests", "TOO_MANY_REQUESTS"),
    500: ("Internal server error", "INTERNAL_SERVER_ERROR"),
    502: ("Bad gateway", "BAD_GATEWAY"),
    503: ("Service temporarily unavailable, please retry later", "SERVICE_UNAVAILABLE"),
    504: ("Gateway timeout", "GATEWAY_TIMEOUT"),
}


class VendorError(Exception):
    """An error answer as the vendor gives it: status, message and `reference`."""

    def __init__(self, status: int, message: str | None = None,
                 reference: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.reference = status, message, reference


def error_body(status: int, message: str | None = None, reference: str | None = None) -> dict:
    default, code = _MESSAGES.get(status, ("Error", f"HTTP_{status}"))
    body = {"errorMessage": message or default, "errorCode": code,
            "traceId": uuid.uuid4().hex}
    if reference is not None:
        body["reference"] = reference
    return body


def json_response(body, status: int = 200) -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return Response(text, status_code=status, media_type="application/json")


def error_response(status: int, message: str | None = None,
                   reference: str | None = None) -> Response:
    return json_response(error_body(status, message, reference), status)


def handling_errors(handler: Callable[[Request], Awaitable[Response]]):
    """The route endpoint for `handler`: a `VendorError` it raises becomes an ErrorResponse."""
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except VendorError as exc:
            return error_response(exc.status, exc.message, exc.reference)
    return endpoint


_INTEGER = re.compile(r"[+-]?[0-9]+")


@overload
def int_param(value: str | None, name: str, default: int, minimum: int | None = None,
              maximum: int | None = None) -> int: ...
@overload
def int_param(value: str | None, name: str, default: None = None, minimum: int | None = None,
              maximum: int | None = None) -> int | None: ...
def int_param(value: str | None, name: str, default: int | None = None,
              minimum: int | None = None, maximum: int | None = None) -> int | None:
    if value is None:
        return default
    number = _integer(value, name)
    if minimum is not None and number < minimum:
        raise VendorError(400, f"{name} must be at least {minimum}", name)
    if maximum is not None and number > maximum:
        raise VendorError(400, f"{name} must be at most {maximum}", name)
    return number


def _integer(value: str, name: str) -> int:
    # Plain ASCII digits only: int() would also read "1_000", " 7" and other scripts' digits.
    if _INTEGER.fullmatch(value) is None:
        raise VendorError(400, f"{name} must be an integer", name)
    return int(value)


def enum_param(value, name: str, allowed: tuple[str, ...], default: str | None = None):
    if value is None:
        return default
    if not isinstance(value, str) or value not in allowed:
        raise VendorError(400, f"{name} must be one of {', '.join(allowed)}", name)
    return value


def offset_param(request: Request) -> int:
    """A slice's `offset`: opaque to clients, here a non-negative number (default 0)."""
    offset = request.query_params.get("offset") or "0"
    if not (offset.isascii() and offset.isdigit()):
        raise VendorError(400, "offset is not a valid offset", "offset")
    return int(offset)


def path_id(request: Request, name: str) -> int:
    value = _integer(request.path_params[name], name)
    if not 0 < value < 2**63:
        raise VendorError(400, f"{name} out of range", name)
    return value


async def json_body(request: Request):
    raw = await request.body()
    if not raw.strip():
        raise VendorError(400, "Request body is required", "body")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise VendorError(400, "Malformed JSON request body", "body") from None


def date_field(value, name: str) -> str:
    if not isinstance(value, str):
        raise VendorError(400, f"{name} must be a date (YYYY-MM-DD)", name)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise VendorError(400, f"{name} must be a date (YYYY-MM-DD)", name) from None


def datetime_field(value, name: str) -> str:
    """Accept RFC 3339 with or without a `[Zone/Id]` suffix; keep the value as sent."""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(re.sub(r"\[[^\]]+\]$", "", value))
            if parsed.tzinfo is not None:
                return value
        except ValueError:
            pass
    raise VendorError(400, f"{name} must be a date-time with offset", name)


def string_field(body: dict, name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise VendorError(400, f"{name} is required", name)
        return None
    if not isinstance(value, str):
        raise VendorError(400, f"{name} must be a string", name)
    return value
