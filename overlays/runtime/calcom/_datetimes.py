"""How dates and date-times go on the wire.

One form for every operation: UTC with a `Z`, whole seconds, or milliseconds
when there are any (`2026-12-14T09:00:00Z`, `2026-12-14T09:00:00.250Z`).
Cal.com's out-of-office inputs accept nothing else (a `+00:00` offset answers
400 "Invalid Date.", ../shared/live-server/create_org_user_ooo_entry.json);
bookings and slots accept it too. Cal.com keeps milliseconds (JavaScript
dates), so microseconds below a millisecond are not sent.

A naive datetime (no tzinfo) is refused: Cal.com reads every time as an
instant, and guessing (local time? UTC?) would book the wrong hour for anyone
whose guess differs. `datetime.now()` is naive; `datetime.now(timezone.utc)`
is not.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable

# The generator names a union's members `<field>_type_<n>`; messages name the field.
_MEMBER_SUFFIX = re.compile(r"_type_\d+$")

__all__ = ["NaiveDatetimeError", "TimeValueError", "calendar_date", "utc_timestamp"]


class TimeValueError(ValueError):
    """A date or datetime argument that cannot be sent as it is. Raised while the
    request is built, so nothing is sent; the generated models let it through
    their lenient serialisation."""


class NaiveDatetimeError(TimeValueError):
    """A datetime without a time zone was given where Cal.com needs an instant."""


def utc_timestamp(value: object, name: str) -> str:
    """`value` as Cal.com's UTC form; raises NaiveDatetimeError for a naive datetime.

    The annotations ask for a datetime; an ISO 8601 string is taken too (it
    names one instant only with an offset, so it is held to the same rule)."""
    if isinstance(value, str):
        value = _parse(value, _dt.datetime.fromisoformat, name, "an ISO 8601 date-time")
    if not isinstance(value, _dt.datetime):
        raise TimeValueError(
            f"{_field(name)}: takes a datetime, got {type(value).__name__} {value!r}; "
            "e.g. datetime(2026, 12, 1, 10, tzinfo=timezone.utc)."
        )
    if value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{_field(name)}: {value.isoformat()} is a naive datetime (no time zone), and "
            "Cal.com needs an instant. Give it a tzinfo, e.g. "
            "datetime(2026, 12, 1, 10, tzinfo=timezone.utc) or "
            'value.replace(tzinfo=zoneinfo.ZoneInfo("Europe/London")).'
        )
    utc = value.astimezone(_dt.UTC)
    spec = "milliseconds" if utc.microsecond >= 1000 else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def calendar_date(value: object, name: str) -> str:
    """A date as `YYYY-MM-DD` (a `YYYY-MM-DD` string is taken too). A datetime is
    refused: which day it falls on depends on a time zone the field does not carry."""
    if isinstance(value, str):
        value = _parse(value, _dt.date.fromisoformat, name, "a YYYY-MM-DD date")
    if isinstance(value, _dt.datetime):
        raise TimeValueError(
            f"{_field(name)}: takes a date, got the datetime {value.isoformat()}; "
            "pass value.date() (or value.astimezone(tz).date() for the day in a zone)."
        )
    if not isinstance(value, _dt.date):
        raise TimeValueError(
            f"{_field(name)}: takes a date, got {type(value).__name__} {value!r}; "
            "e.g. date(2026, 12, 1)."
        )
    return value.isoformat()


def _parse(value: str, parse: Callable[[str], _dt.date], name: str, what: str) -> _dt.date:
    try:
        return parse(value)
    except ValueError:
        raise TimeValueError(f"{_field(name)}: {value!r} is not {what}") from None


def _field(name: str) -> str:
    return _MEMBER_SUFFIX.sub("", name)
