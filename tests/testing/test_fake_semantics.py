"""FakeCal's semantics, one behaviour per test, through the public client."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from _service import NOW, free_starts
from calcom import (
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    Cal,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from calcom.models import CreateBookingAttendee, MarkAbsentAttendee
from calcom.testing import FakeCal, UnimplementedOperation

MONDAY = date(2026, 12, 14)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def attendee(email: str = "ada@example.com") -> CreateBookingAttendee:
    return CreateBookingAttendee(name="Ada Lovelace", email=email, time_zone="Europe/London")


def slots(cal: Cal, event_type_id: int, day: date = MONDAY, **kwargs: object) -> list[datetime]:
    answer = cal.slots.list(start=day, end=day, event_type_id=event_type_id, **kwargs)
    return free_starts(answer.data)


# --- slots --------------------------------------------------------------------------


def test_slots_step_by_interval_and_fit_the_window(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=30, slot_interval=15)
    starts = slots(cal, et.id)
    assert starts[0] == at(9) and starts[1] == at(9, 15)
    assert starts[-1] == at(16, 30)  # ends at 17:00, the end of working hours
    assert len(starts) == 31  # as the live server answered (list_available_slots.json)


def test_slots_respect_minimum_notice(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60, minimum_booking_notice=180)
    fake.clock.set(at(10))
    assert slots(cal, et.id)[0] == at(13)


def test_buffers_block_neighbouring_slots(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60, before_event_buffer=30, after_event_buffer=30)
    fake.seed.booking(at(12), event_type_id=et.id)
    # 11:00 would end at 12:00 + 30 min buffer, into the booking; 13:00 starts inside its buffer.
    assert slots(cal, et.id) == [at(9), at(10), at(14), at(15), at(16)]


def test_cancelled_booking_frees_its_slot(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60)
    booking = cal.bookings.create(start=at(11), event_type_id=et.id, attendee=attendee()).data
    assert at(11) not in slots(cal, et.id)
    cal.bookings.cancel(booking.uid)
    assert at(11) in slots(cal, et.id)


def test_slots_in_requested_time_zone_and_range_format(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60)
    raw = cal.slots.list.with_raw_response(
        start=date(2026, 12, 14),
        end=date(2026, 12, 14),
        event_type_id=et.id,
        time_zone="America/New_York",
        format_="range",
    )
    days = raw.json()["data"]
    # 09:00 London is 04:00 in New York; the day is the New York day.
    assert list(days) == ["2026-12-14"]
    assert days["2026-12-14"][0] == {
        "start": "2026-12-14T04:00:00.000-05:00",
        "end": "2026-12-14T05:00:00.000-05:00",
    }


def test_slots_without_time_zone_are_utc(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60)
    raw = cal.slots.list.with_raw_response(
        start=date(2026, 12, 14), end=date(2026, 12, 14), event_type_id=et.id
    )
    assert raw.json()["data"]["2026-12-14"][0] == {"start": "2026-12-14T09:00:00.000Z"}
    assert raw.parse().data["2026-12-14"][0].start == at(9)


def test_schedule_override_replaces_the_day(fake: FakeCal, cal: Cal) -> None:
    schedule = fake.seed.schedule(
        "Special",
        time_zone="UTC",
        overrides=[{"date": "2026-12-14", "startTime": "13:00", "endTime": "14:00"}],
    )
    et = fake.seed.event_type(length_in_minutes=30, schedule_id=schedule.id)
    assert slots(cal, et.id) == [at(13), at(13, 30)]


def test_slots_by_username_and_slug(fake: FakeCal, cal: Cal) -> None:
    fake.seed.event_type("Intro call", length_in_minutes=60)
    answer = cal.slots.list(
        start=date(2026, 12, 14),
        end=date(2026, 12, 14),
        username="alice",
        event_type_slug="intro-call",
    )
    assert free_starts(answer.data)[0] == at(9)


def test_slots_of_unknown_event_type_is_404(cal: Cal) -> None:
    with pytest.raises(NotFoundError) as error:
        cal.slots.list(start=date(2026, 12, 14), end=date(2026, 12, 15), event_type_id=999999)
    assert error.value.message == "Event Type not found"


def test_reschedule_slots_ignore_the_booking_being_moved(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60)
    booking = fake.seed.booking(at(10), event_type_id=et.id)
    assert at(10) not in slots(cal, et.id)
    assert at(10) in slots(cal, et.id, booking_uid_to_reschedule=booking.uid)


def test_a_reservation_holds_its_slot_until_it_expires(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(length_in_minutes=60)
    held = cal.slots.reservations.create(
        event_type_id=et.id, slot_start=at(10), reservation_duration=10
    ).data
    assert at(10) not in slots(cal, et.id)
    # The live server's GET lacks reservationDuration, which ReserveSlotOutput requires.
    got = cal.slots.reservations.get.with_raw_response(held.reservation_uid).json()["data"]
    assert got["slotStart"] == "2026-12-14T10:00:00.000Z"
    fake.clock.advance(minutes=11)
    assert at(10) in slots(cal, et.id)
    moved = cal.slots.reservations.update(
        held.reservation_uid, event_type_id=et.id, slot_start=at(11)
    )
    assert moved.data.slot_start == at(11) and at(11) not in slots(cal, et.id)
    cal.slots.reservations.delete(held.reservation_uid)
    assert at(11) in slots(cal, et.id)
    assert cal.slots.reservations.get(held.reservation_uid).data is None


# --- bookings -----------------------------------------------------------------------


def test_booking_outside_availability_is_refused(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    with pytest.raises(BadRequestError) as error:
        cal.bookings.create(start=at(3), event_type_id=et.id, attendee=attendee())
    assert error.value.code == "BadRequestException"
    assert fake.store.bookings == {}


def test_booking_with_bad_email_has_cal_coms_form_error(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    with pytest.raises(BadRequestError) as error:
        cal.bookings.create(start=at(10), event_type_id=et.id, attendee=attendee("not-an-email"))
    assert (error.value.code, error.value.details) == ("BAD_REQUEST", None)


def test_booking_of_unknown_event_type_is_404(cal: Cal) -> None:
    with pytest.raises(NotFoundError) as error:
        cal.bookings.create(start=at(10), event_type_id=999999, attendee=attendee())
    assert error.value.message == "Event type with id 999999 not found."


def test_get_unknown_booking_is_404(cal: Cal) -> None:
    with pytest.raises(NotFoundError) as error:
        cal.bookings.get("nonexistent-uid-0000")
    assert error.value.message == (
        "Booking with uid=nonexistent-uid-0000 was not found in the database"
    )


def test_cancel_twice_is_refused(fake: FakeCal, cal: Cal) -> None:
    booking = fake.seed.booking(at(10))
    cal.bookings.cancel(booking.uid)
    with pytest.raises(BadRequestError) as error:
        cal.bookings.cancel(booking.uid)
    assert "has been cancelled already" in error.value.message


def test_list_filters_and_pages(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    made = [
        fake.seed.booking(at(9 + i), event_type_id=et.id, attendee_email=f"p{i % 2}@example.com")
        for i in range(5)
    ]
    fake.seed.booking(at(10, day=date(2026, 11, 30)), event_type_id=et.id)  # in the past
    cal.bookings.cancel(made[4].uid)

    page = cal.bookings.list(status=["upcoming"], take=2, skip=2)
    assert [b.uid for b in page.data] == [made[2].uid, made[3].uid]
    assert page.pagination.total_items == 4
    assert (page.pagination.current_page, page.pagination.total_pages) == (2, 2)
    assert (page.pagination.has_next_page, page.pagination.has_previous_page) == (False, True)

    by_email = cal.bookings.list(attendee_email="p0@example.com", sort_start="desc")
    assert [b.uid for b in by_email.data] == [made[4].uid, made[2].uid, made[0].uid]
    assert [b.uid for b in cal.bookings.list(status=["cancelled"]).data] == [made[4].uid]
    assert len(cal.bookings.list(status=["past"]).data) == 1
    every = [b.uid for b in cal.bookings.list.iter(take=2)]
    assert len(every) == 6


def test_requires_confirmation_then_confirm_or_decline(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type(
        "Consult",
        confirmation_policy={"type": "always", "blockUnconfirmedBookingsInBooker": False},
    )
    first = cal.bookings.create(start=at(10), event_type_id=et.id, attendee=attendee()).data
    second = cal.bookings.create(start=at(11), event_type_id=et.id, attendee=attendee()).data
    assert (first.status, second.status) == ("pending", "pending")
    assert cal.bookings.confirm(first.uid).data.status == "accepted"
    assert cal.bookings.decline(second.uid, reason="Fully booked").data.status == "rejected"
    assert at(11) in slots(cal, et.id)  # a rejected booking frees its slot
    with pytest.raises(BadRequestError):
        cal.bookings.confirm(first.uid)  # no longer pending


def test_no_show_only_after_start(fake: FakeCal, cal: Cal) -> None:
    booking = fake.seed.booking(at(10))
    mark = [MarkAbsentAttendee(email="ada@example.com", absent=True)]
    with pytest.raises(BadRequestError) as early:
        cal.bookings.mark_no_show(booking.uid, attendees=mark)
    assert "only be marked as absent after their scheduled start" in early.value.message
    fake.clock.set(at(10, 45))
    marked = cal.bookings.mark_no_show(booking.uid, attendees=mark).data
    assert marked.attendees[0].absent is True


def test_guests_become_attendees(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    booking = cal.bookings.create(
        start=at(10), event_type_id=et.id, attendee=attendee(), guests=["erin@example.com"]
    ).data
    assert [a.email for a in booking.attendees] == ["ada@example.com", "erin@example.com"]
    assert booking.guests == ["erin@example.com"]


# --- event types, schedules, me ------------------------------------------------------


def test_event_type_crud(cal: Cal) -> None:
    created = cal.event_types.create(title="Demo", slug="demo", length_in_minutes=45).data
    assert cal.event_types.get(created.id).data.length_in_minutes == 45
    updated = cal.event_types.update(created.id, description="New").data
    assert updated.description == "New"
    assert [et.slug for et in cal.event_types.list().data] == ["demo"]
    assert cal.event_types.delete(created.id).data.slug == "demo"
    with pytest.raises(NotFoundError):
        cal.event_types.get(created.id)


def test_schedule_crud_and_default(fake: FakeCal, cal: Cal) -> None:
    original = cal.schedules.get_default().data
    evening = cal.schedules.create(name="Evening", time_zone="Europe/Paris", is_default=True).data
    assert cal.schedules.get_default().data.id == evening.id
    assert cal.me.get().data.default_schedule_id == evening.id
    assert cal.schedules.get(original.id).data.is_default is False
    renamed = cal.schedules.update(evening.id, name="Late").data
    assert renamed.name == "Late"
    cal.schedules.delete(original.id)
    assert [s.id for s in cal.schedules.list().data] == [evening.id]


def test_update_me(cal: Cal) -> None:
    assert cal.me.update(time_zone="America/New_York").data.time_zone == "America/New_York"
    with pytest.raises(BadRequestError) as error:
        cal.me.update(time_zone="Not/AZone")
    assert error.value.message == "Bad Request Exception"


# --- auth and versions ----------------------------------------------------------------


def test_wrong_key_is_the_real_401(fake: FakeCal) -> None:
    cal = fake.client(api_key="cal_test_wrong")
    with pytest.raises(AuthenticationError) as error:
        cal.bookings.list()
    assert (error.value.code, error.value.message) == (
        "UnauthorizedException",
        "CustomThrottlerGuard - Invalid API Key",
    )


def test_missing_key_is_401_where_auth_is_required(fake: FakeCal) -> None:
    booking = fake.seed.booking(at(10))
    anonymous = Cal(http_client=httpx.Client(transport=fake.transport), max_retries=0)
    with pytest.raises(AuthenticationError):
        anonymous.me.get()
    # Getting a booking is public, as on Cal.com (live-server get_booking--no-auth.json).
    assert anonymous.bookings.get(booking.uid).data.uid == booking.uid


def test_cal_api_version_is_required(fake: FakeCal) -> None:
    cal = fake.client(api_versions={"bookings": "2024-04-15"})
    with pytest.raises(BadRequestError) as error:
        cal.bookings.list()
    assert "cal-api-version: 2024-08-13" in error.value.message


# --- faults, clock, requests ------------------------------------------------------------


def test_fail_next_with_503_then_success(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    fake.fail_next("bookings.create", status=503)
    with pytest.raises(InternalServerError):  # a POST is never retried
        cal.bookings.create(start=at(10), event_type_id=et.id, attendee=attendee())
    assert fake.store.bookings == {}
    assert cal.bookings.create(start=at(10), event_type_id=et.id, attendee=attendee()).data


def test_429_with_retry_after_is_waited_on_the_fake_clock(fake: FakeCal, cal: Cal) -> None:
    fake.fail_next("bookings.list", status=429, retry_after=30)
    started = fake.clock.now()
    assert cal.bookings.list().data == []
    assert fake.clock.now() - started == timedelta(seconds=30)
    fake.fail_next("bookings.list", status=429, retry_after=1, times=3)
    with pytest.raises(RateLimitError):
        cal.bookings.list()


def test_timeout(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    fake.fail_next("create_booking", timeout=True)
    with pytest.raises(APITimeoutError):
        cal.bookings.create(start=at(10), event_type_id=et.id, attendee=attendee())


def test_fail_next_names_must_exist(fake: FakeCal) -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        fake.fail_next("bookings.explode")


def test_requests_are_recorded_parsed(fake: FakeCal, cal: Cal) -> None:
    et = fake.seed.event_type()
    cal.bookings.create(start=at(10), event_type_id=et.id, attendee=attendee())
    cal.bookings.list(take=5)
    assert [r.operation for r in fake.requests] == ["bookings.create", "bookings.list"]
    create, listing = fake.requests
    assert create.body["eventTypeId"] == et.id
    assert create.api_version == "2024-08-13"
    assert listing.query["take"] == "5"
    assert fake.requests_for("bookings.list") == [listing]


def test_strict_unimplemented(fake: FakeCal, cal: Cal) -> None:
    assert cal.teams.list().data is not None  # answered from its recording
    fake.strict_unimplemented()
    with pytest.raises(UnimplementedOperation, match="teams.list"):
        cal.teams.list()


def test_clock_is_frozen_and_movable(fake: FakeCal) -> None:
    assert fake.clock.now() == NOW
    fake.clock.advance(hours=2)
    assert fake.clock.now() == NOW + timedelta(hours=2)
    with pytest.raises(ValueError):
        fake.clock.advance(-1)


def test_injected_clock_source() -> None:
    moments = iter([NOW, NOW + timedelta(days=1)])
    from calcom.testing import Clock

    clock = Clock(source=lambda: next(moments))
    assert clock.now() == NOW
    assert clock.now() == NOW + timedelta(days=1)
