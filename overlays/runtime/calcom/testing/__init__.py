"""`calcom.testing`: a stateful in-memory Cal.com for your own tests.

    from calcom.testing import FakeCal

    fake = FakeCal()
    cal = fake.client()                 # a real calcom.Cal; fake.async_client() for AsyncCal
    event_type = cal.event_types.create(title="Intro", slug="intro", length_in_minutes=30).data

Me, event types, schedules, slots, bookings and webhooks behave as Cal.com
does; every other operation answers its recorded response. The fake lives
behind an httpx transport (`fake.transport`, `fake.async_transport`), so no
socket is opened. With pytest, the `calcom_fake` fixture gives a fresh fake
per test. Needs nothing beyond the client's own dependencies.
"""

from __future__ import annotations

from . import factories
from ._clock import Clock
from ._fake import (
    AsyncFakeTransport,
    FakeCal,
    FakeTransport,
    RecordedRequest,
    UnimplementedOperation,
)
from ._webhooks import Delivery

__all__ = [
    "AsyncFakeTransport",
    "Clock",
    "Delivery",
    "FakeCal",
    "FakeTransport",
    "RecordedRequest",
    "UnimplementedOperation",
    "factories",
]
