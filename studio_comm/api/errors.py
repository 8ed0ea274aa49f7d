"""Errors of the Magicline API client: one type per meaning.

`str(e)` is a short technical description in English, for logs, the command line and
support ("API key refused (401). Trace id: ..."). Sentences for a studio employee, in the
UI's language, have one home: `ui/error_banner.py` words each of these types.

Every error carries what the server said (`errorMessage`, `errorCode`, `traceId`,
`reference` of an `ErrorResponse` body), the `X-Request-Id` of a write and the endpoint
("METHOD /path/{template}"), so the UI can word it and support can trace it. The API key
is never part of any of it: the client scrubs it from server text before building an error.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base of every error the client raises."""

    summary = "Unexpected answer from Magicline{status_part}."

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        error_message: str | None = None,
        error_code: str | None = None,
        trace_id: str | None = None,
        reference: str | None = None,
        request_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.detail = detail
        self.status = status
        self.error_message = error_message
        self.error_code = error_code
        self.trace_id = trace_id
        self.reference = reference
        self.request_id = request_id
        self.endpoint = endpoint
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        status_part = f" ({self.status})" if self.status is not None else ""
        parts = [self.summary.format(status_part=status_part, detail=self.detail or "")]
        if self.reference:
            parts.append(f"Field: {self.reference}.")
        if self.error_message:
            parts.append(f"Magicline says: “{self.error_message}”")
        if self.trace_id:
            parts.append(f"Trace id: {self.trace_id}.")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.args[0] if self.args else ""

    def __repr__(self) -> str:
        fields = ("status", "error_code", "trace_id", "reference", "request_id", "endpoint")
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in fields if getattr(self, f))
        return f"{type(self).__name__}({shown})"

    def __reduce__(self):
        # Keyword-only constructor: tell pickle (and copy) how to rebuild the error.
        return _rebuild, (type(self), self.__dict__.copy())


def _rebuild(cls: type[ApiError], state: dict) -> ApiError:
    return cls(**state)


class BadKeyError(ApiError):
    summary = "API key refused{status_part}."


class ForbiddenError(ApiError):
    summary = "API key lacks the permission for this operation{status_part}."


class NotFoundError(ApiError):
    summary = "Record not found{status_part}."


class InvalidRequestError(ApiError):
    summary = "Request refused as invalid{status_part}."


class ConflictError(ApiError):
    summary = "Record modified by another request at the same time{status_part}."


class RateLimitedError(ApiError):
    summary = "Rate limit of the endpoint exceeded{status_part}."


class ServerError(ApiError):
    summary = "Server error at Magicline{status_part}."


class MalformedResponseError(ApiError):
    summary = "Unreadable answer from Magicline ({detail})."


class NetworkError(ApiError):
    summary = "Connection to Magicline failed ({detail})."


class NotSentError(NetworkError):
    summary = "Not sent: could not connect to Magicline ({detail})."


class OutcomeUnknownError(NetworkError):
    summary = "Outcome unknown: the connection was lost after the request was sent ({detail})."


_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidRequestError,
    401: BadKeyError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def error_class_for(status: int) -> type[ApiError]:
    """The error type for an HTTP status that is not a success."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else ApiError
