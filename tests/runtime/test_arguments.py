"""Mistaken arguments raise before anything is sent, naming the method and the parameter
(issue 12, item 8; issue 11, item 8)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from _calmock import BOOKING_INPUT, MockAPI, bookings_page, ok

ADA = {"name": "Ada", "email": "ada@example.com", "timeZone": "UTC"}


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c: c.bookings.list(status="upcoming"),
            TypeError,
            "cal.bookings.list(): status must be a list of one of",
        ),
        (
            lambda c: c.bookings.list(stauts=["upcoming"]),
            TypeError,
            "cal.bookings.list() got an unexpected argument 'stauts' (did you mean 'status'?)",
        ),
        (
            lambda c: c.bookings.list(after_start="2026-12-01"),
            TypeError,
            "cal.bookings.list(): after_start must be",
        ),
        (lambda c: c.bookings.list(take="ten"), TypeError, "cal.bookings.list(): take must be int"),
        (
            lambda c: c.schedules.delete(None),
            TypeError,
            "cal.schedules.delete(): schedule_id must not be None",
        ),
        (
            lambda c: c.bookings.cancel(None),
            TypeError,
            "cal.bookings.cancel(): booking_uid must not be None",
        ),
        (
            lambda c: c.webhooks.delete(""),
            ValueError,
            "cal.webhooks.delete(): webhook_id must not be empty",
        ),
        (
            lambda c: c.bookings.get(),
            TypeError,
            "cal.bookings.get() missing required argument 'booking_uid'",
        ),
        (
            lambda c: c.bookings.create(event_type_id=123),
            TypeError,
            "cal.bookings.create() missing required argument 'start'",
        ),
        (
            lambda c: c.bookings.create(start=None, event_type_id=1, attendee=None),
            TypeError,
            "cal.bookings.create(): start must be",
        ),
        (
            lambda c: c.bookings.get("a", "b"),
            TypeError,
            "cal.bookings.get() takes 1 positional argument(s) (booking_uid), got 2",
        ),
        (
            lambda c: list(c.bookings.list.iter(status="past")),
            TypeError,
            "cal.bookings.list(): status must be a list",
        ),
    ],
)
def test_mistakes_raise_before_sending(
    make_cal: Any, api: MockAPI, call: Any, error: type[Exception], message: str
) -> None:
    cal = make_cal()
    with pytest.raises(error) as raised:
        call(cal)
    assert message in str(raised.value)
    assert api.requests == []


def test_lone_string_hint(make_cal: Any) -> None:
    with pytest.raises(TypeError, match=r"wrap a single value: \['upcoming'\]"):
        make_cal().bookings.list(status="upcoming")


async def test_async_calls_check_the_same(make_async_cal: Any, api: MockAPI) -> None:
    cal = make_async_cal()
    with pytest.raises(TypeError, match=r"cal.bookings.list\(\): status must be a list"):
        await cal.bookings.list(status="upcoming")
    with pytest.raises(TypeError, match="booking_uid must not be None"):
        await cal.bookings.get(None)
    assert api.requests == []


def test_good_calls_still_go_out(make_cal: Any, api: MockAPI) -> None:
    api.on("GET", "/v2/bookings", ok(bookings_page([])))
    api.on("POST", "/v2/bookings", ok({"status": "success", "data": {}}, status=201))
    cal = make_cal()
    cal.bookings.list(
        status=["upcoming", "past"], take=5, after_start=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert api.requests[-1].url.params["status"] == "upcoming,past"
    from calcom.models import CreateBookingAttendee

    attendee = CreateBookingAttendee.from_dict(ADA)
    try:
        cal.bookings.create(
            start=datetime(2026, 12, 1, 10, tzinfo=UTC), event_type_id=1, attendee=attendee
        )
    except Exception as error:  # the mock's empty answer may not parse; the request went out
        assert "cal.bookings.create()" not in str(error)
    assert api.requests[-1].method == "POST"
    # A plain JSON object is still a fine body (the recorder passes bodies so).
    try:
        cal.bookings.create(body=dict(BOOKING_INPUT))
    except Exception as error:
        assert "cal.bookings.create()" not in str(error)
    assert len(api.requests) == 3


@pytest.mark.parametrize(
    ("timeout", "error"), [("30", TypeError), (-1, ValueError), (0, ValueError), (True, TypeError)]
)
def test_bad_timeouts_raise_at_construction(timeout: Any, error: type[Exception]) -> None:
    from calcom import AsyncCal, Cal

    for client in (Cal, AsyncCal):
        with pytest.raises(error, match=rf"{client.__name__}\(\): timeout must be"):
            client(api_key="cal_test_x", timeout=timeout)
    with pytest.raises(error, match=r"with_options\(\): timeout must be"):
        Cal(api_key="cal_test_x").me.get.with_options(timeout=timeout)


def test_good_timeouts_are_kept() -> None:
    import httpx
    from calcom import Cal

    assert Cal(api_key="cal_test_x", timeout=2).timeout == 2
    assert Cal(api_key="cal_test_x", timeout=httpx.Timeout(3.0)).timeout == httpx.Timeout(3.0)
    Cal(api_key="cal_test_x").me.get.with_options(timeout=None)
