"""Every public import a user writes, and the quickstart's first lines (issue 11, item 1)."""

from __future__ import annotations

from typing import assert_type, reveal_type

import calcom
from calcom import (
    UNSET,
    APIConnectionError,
    APIResponse,
    APIStatusError,
    APITimeoutError,
    AsyncCal,
    AuthenticationError,
    BadRequestError,
    Cal,
    CalError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    TokenPair,
    UnprocessableEntityError,
    Unset,
    models,
    strict_parsing,
    webhooks,
)
from calcom.models import BookingOutput, CreateBookingAttendee, GetBookingsOutput
from calcom.webhooks import BookingPayload, WebhookEvent, construct_event

ERRORS: tuple[type[CalError], ...] = (
    APIConnectionError,
    APITimeoutError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    UnprocessableEntityError,
)


def quickstart() -> None:
    cal = Cal(api_key="cal_live_xxx")
    assert_type(cal, Cal)
    page = cal.bookings.list(status=["upcoming"], take=10)
    assert_type(page, GetBookingsOutput)
    reveal_type(page.data)
    for booking in page.data:
        print(booking.uid, booking.start, booking.title)
    try:
        cal.bookings.get("missing-uid")
    except NotFoundError as err:
        print(err.status_code, err.code, err.message, err.details)
    except RateLimitError:
        pass


def modules() -> None:
    assert_type(calcom.Cal, type[Cal])
    assert_type(models.BookingOutput, type[BookingOutput])
    attendee = CreateBookingAttendee(name="Ada", email="ada@example.com", time_zone="UTC")
    assert_type(attendee, CreateBookingAttendee)
    with strict_parsing():
        pass
    assert_type(UNSET, Unset)
    raw: APIResponse[GetBookingsOutput] | None = None
    print(raw, TokenPair, AsyncCal)


def receive(body: bytes, signature: str | None, secret: str) -> None:
    event = construct_event(body, signature, secret)
    assert_type(event, WebhookEvent)
    if isinstance(event.payload, BookingPayload):
        reveal_type(event.payload.uid)
    print(webhooks.SIGNATURE_HEADER)
