"""`fake.seed`: state put in place directly, answered as the client's typed models.

Seeding goes through a client of its own (so what comes back is exactly what
`Cal` returns), but is not recorded in `fake.requests`, uses up no injected
fault and delivers no webhook. `seed.booking` skips the availability check, so
a test can place bookings in the past or outside working hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from . import _bookings

if TYPE_CHECKING:
    from calcom._client import Cal
    from calcom.models import BookingOutput, EventTypeOutput, ScheduleOutput, UserWebhookOutput

    from ._fake import FakeCal

M = TypeVar("M")


def _expect(model: type[M], value: object) -> M:
    # The client's answer types are unions (a booking may be recurring or seated); what
    # the fake answers is the plain member.
    if not isinstance(value, model):
        raise TypeError(f"expected {model.__name__}, the client parsed {type(value).__name__}")
    return value


__all__ = ["Seed"]


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "event"


class Seed:
    def __init__(self, fake: FakeCal) -> None:
        self._fake = fake

    @contextmanager
    def _quiet(self) -> Iterator[Cal]:
        from calcom._client import Cal

        fake = self._fake
        with fake._lock:
            fake._quiet += 1
            try:
                with Cal(
                    api_key=fake.api_key,
                    base_url=fake.base_url,
                    max_retries=0,
                    http_client=httpx.Client(transport=fake.transport),
                ) as cal:
                    yield cal
            finally:
                fake._quiet -= 1

    def event_type(
        self,
        title: str = "Intro call",
        *,
        slug: str | None = None,
        length_in_minutes: int = 30,
        **fields: Any,
    ) -> EventTypeOutput:
        """An event type (`cal.event_types.create` keyword arguments); its typed model."""
        with self._quiet() as cal:
            return cal.event_types.create(
                title=title,
                slug=slug or _slugify(title),
                length_in_minutes=length_in_minutes,
                **fields,
            ).data

    def schedule(
        self,
        name: str = "Working Hours",
        *,
        time_zone: str | None = None,
        is_default: bool = False,
        **fields: Any,
    ) -> ScheduleOutput:
        """A schedule (`cal.schedules.create` keyword arguments); its typed model."""
        with self._quiet() as cal:
            return cal.schedules.create(
                name=name,
                time_zone=time_zone or self._fake.store.user["timeZone"],
                is_default=is_default,
                **fields,
            ).data

    def webhook(
        self,
        subscriber_url: str,
        *,
        triggers: Sequence[str] = ("BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"),
        secret: str | None = None,
        active: bool = True,
        **fields: Any,
    ) -> UserWebhookOutput:
        """A webhook subscription (`cal.webhooks.create` keyword arguments); its typed model."""
        if secret is not None:
            fields["secret"] = secret
        with self._quiet() as cal:
            return cal.webhooks.create(
                subscriber_url=subscriber_url,
                triggers=cast(Any, list(triggers)),
                active=active,
                **fields,
            ).data

    def booking(
        self,
        start: datetime | str,
        *,
        event_type_id: int | None = None,
        attendee_name: str = "Ada Lovelace",
        attendee_email: str = "ada@example.com",
        attendee_time_zone: str = "Europe/London",
        status: str = "accepted",
        guests: Sequence[str] = (),
        metadata: dict[str, str] | None = None,
    ) -> BookingOutput:
        """A booking at `start` (any time: availability is not checked), with the given
        status (accepted, pending, cancelled, rejected), as `cal.bookings.get` returns it.
        Without `event_type_id`, the first event type (one is made if there is none)."""
        if status not in ("accepted", "pending", "cancelled", "rejected"):
            raise ValueError(f"status is accepted, pending, cancelled or rejected, not {status!r}")
        fake = self._fake
        if isinstance(start, datetime):
            if start.tzinfo is None:
                raise ValueError("start must be timezone-aware")
            start = start.isoformat()
        with self._quiet() as cal:
            if event_type_id is None:
                existing = sorted(fake.store.event_types)
                event_type_id = existing[0] if existing else self.event_type().id
            body = {
                "start": start,
                "eventTypeId": event_type_id,
                "attendee": {
                    "name": attendee_name,
                    "email": attendee_email,
                    "timeZone": attendee_time_zone,
                },
                "guests": list(guests),
                "metadata": dict(metadata or {}),
            }
            booking = _bookings.create(fake, body, check_slot=False)
            booking.status = status
            from calcom.models import BookingOutput

            return _expect(BookingOutput, cal.bookings.get(booking.uid).data)
