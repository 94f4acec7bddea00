"""The fake's state: one user and what they own, in memory.

Event types and schedules are kept in their wire form (Cal.com's own keys),
since the API hands them back as they were stored; bookings and webhooks are
records rendered per api version / endpoint, since Cal.com answers them in
several shapes.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Booking", "Person", "Reservation", "Store", "Subscription"]

_UID_ALPHABET = string.ascii_letters + string.digits


@dataclass
class Person:
    name: str
    email: str
    time_zone: str
    language: str = "en"
    absent: bool = False
    phone_number: str | None = None


@dataclass
class Booking:
    id: int
    uid: str
    event_type_id: int
    title: str
    description: str
    start: datetime
    end: datetime
    status: str  # accepted | pending | cancelled | rejected (Cal.com's 2024-08-13 spelling)
    attendees: list[Person]
    guests: list[str]
    location: str
    metadata: dict[str, Any]
    responses: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    cancellation_reason: str = ""
    cancelled_by_email: str = ""
    rejection_reason: str | None = None
    rescheduling_reason: str | None = None
    rescheduled_by_email: str | None = None
    rescheduled_from_uid: str | None = None
    rescheduled_to_uid: str | None = None
    absent_host: bool = False

    @property
    def blocks_time(self) -> bool:
        """Whether the booking holds its slot (Cal.com frees cancelled and rejected ones)."""
        return self.status in ("accepted", "pending")


@dataclass
class Subscription:
    id: str
    subscriber_url: str
    triggers: list[str]
    active: bool
    secret: str | None
    payload_template: str | None
    version: str
    created_at: datetime
    time: int | None = None
    time_unit: str | None = None
    event_type_id: int | None = None  # set: an event type's webhook (/v2/event-types/{id}/webhooks)


@dataclass
class Reservation:
    """A slot held for a booker (POST /v2/slots/reservations) until `until`."""

    uid: str
    event_type_id: int
    start: datetime
    end: datetime
    minutes: int
    until: datetime


@dataclass
class Store:
    user: dict[str, Any]
    event_types: dict[int, dict[str, Any]] = field(default_factory=dict)
    schedules: dict[int, dict[str, Any]] = field(default_factory=dict)
    bookings: dict[str, Booking] = field(default_factory=dict)
    webhooks: dict[str, Subscription] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    _ids: dict[str, int] = field(default_factory=dict)

    def next_id(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]

    def uid(self) -> str:
        """A booking uid like Cal.com's: 22 characters of base62."""
        return "".join(self.rng.choice(_UID_ALPHABET) for _ in range(22))

    def uuid(self) -> str:
        """A UUID4-shaped id (webhooks), reproducible from the store's seed."""
        hexes = f"{self.rng.getrandbits(128):032x}"
        return f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-a{hexes[17:20]}-{hexes[20:]}"

    def host(self) -> dict[str, Any]:
        u = self.user
        return {
            "id": u["id"],
            "name": u["name"],
            "email": u["email"],
            "displayEmail": u["email"],
            "username": u["username"],
            "timeZone": u["timeZone"],
        }

    def default_schedule(self) -> dict[str, Any] | None:
        default_id = self.user.get("defaultScheduleId")
        return self.schedules.get(default_id) if isinstance(default_id, int) else None

    def event_type(self, ref: object) -> dict[str, Any] | None:
        try:
            return self.event_types.get(int(str(ref)))
        except ValueError:
            return None

    def event_type_by_slug(self, username: object, slug: object) -> dict[str, Any] | None:
        if username != self.user["username"]:
            return None
        return next((et for et in self.event_types.values() if et["slug"] == slug), None)
