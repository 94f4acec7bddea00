"""The whole booking flow of a service, on FakeCal, sync and async, as a user writes it:
schedule + event type, slots, book, the slot vanishes, reschedule, cancel, and the
service's own webhook endpoint receives signed BOOKING_* deliveries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from _service import WEBHOOK_SECRET, WebhookInbox, abook_first_free, book_first_free, free_starts
from calcom import BadRequestError
from calcom.models import CreateBookingAttendee, ScheduleAvailabilityInput
from calcom.testing import FakeCal

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 12, 14)  # a Monday
HOOK_URL = "https://service.example/cal/webhooks"
TRIGGERS = ["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=UTC)


ALL_FOUR = [at(10), at(10, 30), at(11), at(11, 30)]


def test_booking_flow_sync(calcom_fake: FakeCal) -> None:
    fake = calcom_fake
    fake.clock.set(NOW)
    inbox = WebhookInbox()
    fake.route_webhooks(HOOK_URL, wsgi=inbox.wsgi)
    with fake.client(strict=True) as cal:
        schedule = cal.schedules.create(
            name="Clinic",
            time_zone="UTC",
            is_default=False,
            availability=[
                ScheduleAvailabilityInput(days=["Monday"], start_time="10:00", end_time="12:00")
            ],
        ).data
        event_type = cal.event_types.create(
            title="Consultation", slug="consultation", length_in_minutes=30, schedule_id=schedule.id
        ).data
        cal.webhooks.create(
            subscriber_url=HOOK_URL, triggers=TRIGGERS, active=True, secret=WEBHOOK_SECRET
        )

        def free() -> list[datetime]:
            return free_starts(cal.slots.list(start=DAY, end=DAY, event_type_id=event_type.id).data)

        assert free() == ALL_FOUR
        booking = book_first_free(cal, event_type.id, DAY, "grace@example.com")
        assert (booking.start, booking.status) == (at(10), "accepted")
        assert free() == ALL_FOUR[1:]

        with pytest.raises(BadRequestError) as taken:
            cal.bookings.create(
                start=at(10),
                event_type_id=event_type.id,
                attendee=CreateBookingAttendee(
                    name="Ada", email="ada@example.com", time_zone="UTC"
                ),
            )
        assert taken.value.message == (
            "User either already has booking at this time or is not available"
        )

        moved = cal.bookings.reschedule(booking.uid, start=at(11)).data
        assert moved.rescheduled_from_uid == booking.uid
        assert moved.start == at(11)
        old = cal.bookings.get(booking.uid).data
        assert (old.status, old.rescheduled_to_uid) == ("cancelled", moved.uid)
        assert free() == [at(10), at(10, 30), at(11, 30)]

        cancelled = cal.bookings.cancel(moved.uid, cancellation_reason="Feeling better").data
        assert (cancelled.status, cancelled.cancellation_reason) == ("cancelled", "Feeling better")
        assert free() == ALL_FOUR

    assert [event.trigger_event for event in inbox.events] == TRIGGERS
    created, rescheduled, gone = (event.payload for event in inbox.events)
    assert (created.uid, created.start_time) == (booking.uid, at(10))
    assert (rescheduled.uid, rescheduled.reschedule_uid) == (moved.uid, booking.uid)
    assert rescheduled.start_time == at(11)
    assert (gone.uid, gone.cancellation_reason) == (moved.uid, "Feeling better")
    assert inbox.rejected == 0
    assert [(d.url, d.trigger, d.status) for d in fake.deliveries] == [
        (HOOK_URL, trigger, 200) for trigger in TRIGGERS
    ]


async def test_booking_flow_async() -> None:
    fake = FakeCal(now=NOW)
    inbox = WebhookInbox()
    fake.route_webhooks(HOOK_URL, asgi=inbox.asgi)
    async with fake.async_client(strict=True) as cal:
        event_type = (
            await cal.event_types.create(
                title="Consultation", slug="consultation", length_in_minutes=60
            )
        ).data
        await cal.webhooks.create(
            subscriber_url=HOOK_URL, triggers=TRIGGERS, active=True, secret=WEBHOOK_SECRET
        )

        async def free() -> list[datetime]:
            answer = await cal.slots.list(start=DAY, end=DAY, event_type_id=event_type.id)
            return free_starts(answer.data)

        # The account's default schedule: weekdays 09:00-17:00, Europe/London (UTC+0 in December).
        assert await free() == [at(h) for h in range(9, 17)]
        booking = await abook_first_free(cal, event_type.id, DAY, "grace@example.com")
        assert booking.start == at(9)
        assert at(9) not in await free()
        moved = (await cal.bookings.reschedule(booking.uid, start=at(15))).data
        assert (await cal.bookings.get(booking.uid)).data.status == "cancelled"
        assert await free() == [at(h) for h in range(9, 17) if h != 15]
        await cal.bookings.cancel(moved.uid, cancellation_reason="No longer needed")
        assert await free() == [at(h) for h in range(9, 17)]

    assert [event.trigger_event for event in inbox.events] == TRIGGERS
    assert [d.status for d in fake.deliveries] == [200, 200, 200]
    for delivery in fake.deliveries:
        assert delivery.event(WEBHOOK_SECRET).payload.uid in (booking.uid, moved.uid)
