"""The errors the client raises. Everything derives from `CalError`.

Cal.com answers errors in three shapes, all mapped here:
`{"status": "error", "timestamp", "path", "error": {"code", "message", "details"}}`,
the same without `details`, and NestJS's bare `{"statusCode": 500, "message": …}`.
A body that is not JSON at all still maps by status. Messages are cut at
MAX_MESSAGE characters, whatever the server sent.

`CalError` covers every failure of a call: the client turns every httpx
error, an unreadable or oversized body and JSON nested too deep into one of
these, with the httpx exception as `__cause__`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from ._redact import scrub

MAX_MESSAGE = 500

__all__ = [
    "CalError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "ResponseParseError",
    "ResponseTooLargeError",
    "RedirectError",
    "TokenCallbackError",
]


class CalError(Exception):
    """Base of every error raised by calcom."""


class APIConnectionError(CalError):
    """The request got no (complete) HTTP answer: DNS, refused, reset, cut off, …"""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out, or the call's deadline passed."""


class ResponseParseError(CalError):
    """A 2xx answer whose body could not be read (not JSON, or strict mode refused it)."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response


class ResponseTooLargeError(ResponseParseError):
    """The answer is larger than the client's `max_response_size`; it was not read."""


class RedirectError(CalError):
    """Cal.com answered 3xx and the client did not follow: the redirect leads to
    another origin (credentials never leave for one), or there were too many."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.location: str | None = response.headers.get("location")


class TokenCallbackError(CalError):
    """`on_token_refresh` raised. The client keeps the new pair (`cal.pending_tokens`)
    and hands it over again before its next request, until the callback returns."""


class APIStatusError(CalError):
    """Cal.com answered with a 4xx or 5xx status."""

    status_code: int

    def __init__(
        self,
        response: httpx.Response,
        body: Any,
        *,
        hint: str | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.code: str | None = None
        self.details: Any = None
        message: str | None = None
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict):
                self.code = _str_or_none(error.get("code"))
                message = _str_or_none(error.get("message"))
                self.details = error.get("details")
            elif isinstance(error, str):
                self.code = error
            message = message or _message_text(body.get("message"))
        elif isinstance(body, str) and body.strip():
            message = body.strip()
        message = message or response.reason_phrase or "error"
        if len(message) > MAX_MESSAGE:
            message = message[:MAX_MESSAGE] + f"… ({len(message)} characters)"
        self.message = scrub(message, secrets)
        if self.code is not None:
            self.code = scrub(self.code[:MAX_MESSAGE], secrets)
        request = response.request
        super().__init__(
            f"{self.status_code} {request.method} {request.url.path}: "
            + (f"[{self.code}] " if self.code else "")
            + self.message
            + (f" ({hint})" if hint else "")
        )

    @property
    def request_id(self) -> str | None:
        value = self.response.headers.get("x-request-id")
        return str(value) if value is not None else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _message_text(value: Any) -> str | None:
    # NestJS validation errors carry a list of messages.
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return value if isinstance(value, str) else None


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    """Any 5xx."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for(
    response: httpx.Response, *, hint: str | None = None, secrets: Iterable[str] = ()
) -> APIStatusError:
    """The typed error for a non-2xx response, whatever its body looks like."""
    try:
        body: Any = response.json()
    except (ValueError, RecursionError):
        try:
            body = response.text
        except (UnicodeDecodeError, LookupError):
            body = None
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(response, body, hint=hint, secrets=secrets)
