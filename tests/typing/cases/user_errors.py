"""Mistakes a type checker must catch before anything is sent (lines marked `# E`)."""

from __future__ import annotations

from calcom import Cal


def wrong_calls(cal: Cal) -> None:
    cal.bookings.list(stauts=["upcoming"])  # E: misspelt parameter
    cal.bookings.list(take="10")  # E: str where an int is expected
    cal.bookings.get()  # E: the path parameter is required
    cal.bookings.list(after_start="2026-12-01")  # E: a date or datetime, not a string


def missing_required_body_fields(cal: Cal) -> None:
    cal.bookings.create(event_type_id=123)  # E: start and attendee are required
    cal.bookings.create.with_raw_response(event_type_id=123)  # E: the same for the raw response


def iterated_items_are_typed(cal: Cal) -> None:
    for booking in cal.bookings.list.iter(take=1):
        print(booking.titel)  # E: no such attribute
