"""The bookings flow a user writes: list, iterate, create, reschedule, cancel (issue 11)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import assert_type, reveal_type

from calcom import APIResponse, AsyncCal, Cal
from calcom.models import (
    CreateBookingAttendee,
    CreateBookingInput,
    CreateBookingOutput,
    GetBookingOutput,
    GetBookingsOutput,
    GetMeOutput,
)

START = datetime(2026, 12, 1, 10, tzinfo=UTC)
ADA = CreateBookingAttendee(name="Ada", email="ada@example.com", time_zone="Europe/London")


def listing(cal: Cal) -> None:
    page = cal.bookings.list(status=["upcoming"], take=10)
    reveal_type(page.data[0])
    # A booking filter takes a date (00:00 UTC) or an aware datetime.
    cal.bookings.list(after_start=date(2026, 12, 1), before_end=START)
    for booking in cal.bookings.list.iter(status=["past"], take=100):
        reveal_type(booking)
        reveal_type(booking.start)
    for each in cal.bookings.list.pages(take=5):
        assert_type(each, GetBookingsOutput)
    for membership in cal.orgs.teams.memberships.list.iter(1, 2):
        reveal_type(membership)


def creating(cal: Cal) -> None:
    created = cal.bookings.create(start=START, event_type_id=123, attendee=ADA)
    assert_type(created, CreateBookingOutput)
    reveal_type(created.data)
    body = CreateBookingInput(start=START, attendee=ADA, event_type_id=123)
    assert_type(cal.bookings.create(body=body), CreateBookingOutput)


def options(cal: Cal) -> None:
    fast = cal.bookings.list.with_options(timeout=60, api_version="2024-08-13")
    assert_type(fast(take=5), GetBookingsOutput)
    for booking in fast.iter(take=5):
        reveal_type(booking)
    raw = cal.me.get.with_raw_response()
    assert_type(raw, APIResponse[GetMeOutput])
    print(raw.status_code, raw.headers)
    assert_type(raw.parse(), GetMeOutput)
    one = cal.bookings.get.with_options(max_retries=0)("uid")
    assert_type(one, GetBookingOutput)


async def asynchronous(cal: AsyncCal) -> None:
    me = await cal.me.get()
    assert_type(me, GetMeOutput)
    async for booking in cal.bookings.list.iter(take=50):
        reveal_type(booking)
    async for page in cal.bookings.list.pages(take=50):
        assert_type(page, GetBookingsOutput)
    raw = await cal.bookings.get.with_raw_response("uid")
    assert_type(raw, APIResponse[GetBookingOutput])
    created = await cal.bookings.create(start=START, event_type_id=1, attendee=ADA)
    assert_type(created, CreateBookingOutput)


def narrowing(cal: Cal) -> None:
    """The README's pattern: a recurring event type answers a list of occurrences."""
    created = cal.bookings.create(start=START, event_type_id=123, attendee=ADA).data
    booking = created[0] if isinstance(created, list) else created
    reveal_type(booking)
    reveal_type(booking.uid)
    cal.bookings.reschedule(booking.uid, start=START)
    cal.bookings.cancel(booking.uid, cancellation_reason="Moved")
    got = cal.bookings.get(booking.uid).data
    one = got[0] if isinstance(got, list) else got
    reveal_type(one.start)


def ids_are_ints(cal: Cal) -> None:
    for event_type in cal.event_types.list().data:
        assert_type(event_type.id, int)
        cal.event_types.get(event_type.id)
    for schedule in cal.schedules.list().data:
        cal.schedules.update(schedule.id)
