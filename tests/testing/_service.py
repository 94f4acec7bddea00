"""A small "service" as a user of calcom would write it: books the first free
slot of a day and receives Cal.com's webhooks. The tests run it against FakeCal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from calcom import AsyncCal, Cal, webhooks
from calcom.models import CreateBookingAttendee

WEBHOOK_SECRET = "whsec_service_test_secret"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # when the tests happen: a Tuesday


def free_starts(slots_data: Any) -> list[datetime]:
    """Every slot start of a `cal.slots.list(...)` answer, ascending."""
    return sorted(slot.start for day in slots_data.values() for slot in day)


def book_first_free(cal: Cal, event_type_id: int, day: date, email: str) -> Any:
    slots = cal.slots.list(start=day, end=day, event_type_id=event_type_id, time_zone="UTC").data
    starts = free_starts(slots)
    if not starts:
        raise LookupError(f"no free slot on {day}")
    return cal.bookings.create(
        start=starts[0],
        event_type_id=event_type_id,
        attendee=CreateBookingAttendee(name="Grace Hopper", email=email, time_zone="UTC"),
    ).data


async def abook_first_free(cal: AsyncCal, event_type_id: int, day: date, email: str) -> Any:
    slots = (
        await cal.slots.list(start=day, end=day, event_type_id=event_type_id, time_zone="UTC")
    ).data
    starts = free_starts(slots)
    if not starts:
        raise LookupError(f"no free slot on {day}")
    return (
        await cal.bookings.create(
            start=starts[0],
            event_type_id=event_type_id,
            attendee=CreateBookingAttendee(name="Grace Hopper", email=email, time_zone="UTC"),
        )
    ).data


class WebhookInbox:
    """The service's receiving endpoint, as a WSGI and an ASGI app: verifies each
    delivery with calcom.webhooks and keeps the events."""

    def __init__(self, secret: str = WEBHOOK_SECRET) -> None:
        self.secret = secret
        self.events: list[webhooks.WebhookEvent] = []
        self.rejected = 0

    def _receive(self, body: bytes, signature: str | None) -> int:
        try:
            event = webhooks.construct_event(body, signature, self.secret)
        except webhooks.WebhookVerificationError:
            self.rejected += 1
            return 401
        self.events.append(event)
        return 200

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        status = self._receive(body, environ.get("HTTP_X_CAL_SIGNATURE_256"))
        start_response(f"{status} {'OK' if status == 200 else 'Unauthorized'}", [])
        return [json.dumps({"received": status == 200}).encode()]

    async def asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        status = self._receive(body, headers.get("x-cal-signature-256"))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})
