"""Cal.com's wire conventions: timestamps, error envelopes, the answer a handler returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "Answer",
    "FakeError",
    "bad_request",
    "error_body",
    "iso_ms",
    "not_found",
    "parse_instant",
    "zone",
]

_STATUS_NAMES = {
    400: ("BadRequestException", "Bad Request"),
    401: ("UnauthorizedException", "Unauthorized"),
    403: ("ForbiddenException", "Forbidden"),
    404: ("NotFoundException", "Not Found"),
    409: ("ConflictException", "Conflict"),
    429: ("ThrottlerException", "Too Many Requests"),
    500: ("InternalServerErrorException", "Internal Server Error"),
    502: ("BadGatewayException", "Bad Gateway"),
    503: ("ServiceUnavailableException", "Service Unavailable"),
}


@dataclass
class Answer:
    """What a handler answers: status, JSON body (None: no content), extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeError(Exception):
    """Raised inside a handler: answered as Cal.com's error envelope."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, details: bool = True
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.details = details
        self.extra: dict[str, Any] = {}  # more keys of the envelope's `error`


def error_body(
    status: int,
    message: str,
    path: str,
    now: datetime,
    *,
    code: str | None = None,
    details: bool = True,
) -> dict[str, Any]:
    """The envelope of Cal.com's HttpExceptionFilter, as the live server answers
    (shared/live-server/get_booking--not-found.json): the NestJS exception name as
    `code`, and `details` repeating message, reason phrase and status. Errors the
    server raises outside Nest (e.g. booking-form validation, create_booking--bad-body)
    have their own code and no details."""
    default_code, reason = _STATUS_NAMES.get(status, ("HttpException", "Error"))
    error: dict[str, Any] = {"code": code or default_code, "message": message}
    if details:
        error["details"] = {"message": message, "error": reason, "statusCode": status}
    return {"status": "error", "timestamp": iso_ms(now), "path": path, "error": error}


def not_found(message: str) -> FakeError:
    return FakeError(404, message)


def bad_request(message: str) -> FakeError:
    return FakeError(400, message)


def iso_ms(value: datetime, tz: tzinfo | None = None) -> str:
    """`2026-12-14T10:00:00.000Z` (UTC), or with the offset of `tz` when given
    (`2026-12-14T09:00:00.000+00:00`, as slots answer when a timeZone is asked)."""
    if tz is None:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + _ms(value) + "Z"
    local = value.astimezone(tz)
    offset = local.strftime("%z") or "+0000"
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + _ms(value) + f"{offset[:3]}:{offset[3:]}"


def _ms(value: datetime) -> str:
    return f"{value.microsecond // 1000:03d}"


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_instant(
    value: object, what: str, *, tz: tzinfo = UTC, end_of_day: bool = False
) -> datetime:
    """An ISO date-time (a `Z` or offset; naive ones read in `tz`) or a date (its
    start in `tz`, or its end with `end_of_day`)."""
    if not isinstance(value, str) or not value:
        raise bad_request(f"{what} must be an ISO 8601 date or date-time")
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=tz)
            return start + timedelta(days=1) - timedelta(microseconds=1) if end_of_day else start
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise bad_request(f"{what} must be an ISO 8601 date or date-time, got {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def zone(name: object, what: str = "timeZone") -> tzinfo:
    if not isinstance(name, str) or not name:
        raise bad_request(f"{what} must be a valid IANA time-zone")
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise bad_request(f"{what} must be a valid IANA time-zone") from None
