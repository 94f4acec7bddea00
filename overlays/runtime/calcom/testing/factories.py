"""Plain model objects for tests that need a Cal.com object but no fake server.

    from calcom.testing import factories
    booking = factories.booking(title="Intro call", status="cancelled")

Each factory returns the model the client returns (`calcom.models.BookingOutput`,
...), built from the answer a fresh `FakeCal` gives and parsed strictly, so it is
valid by the overlaid spec; keyword arguments (attribute names) replace fields.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from ._seed import _expect

if TYPE_CHECKING:
    from calcom.models import (
        BookingOutput,
        EventTypeOutput,
        MeOutput,
        ScheduleOutput,
        UserWebhookOutput,
    )

M = TypeVar("M")

__all__ = ["booking", "event_type", "me", "schedule", "webhook"]

_NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _fake() -> Any:
    from ._fake import FakeCal

    return FakeCal(now=_NOW)


def _strict(fake: Any) -> Any:
    return fake.client(strict=True, max_retries=0)


def _evolve(model: M, overrides: dict[str, Any]) -> M:
    fields = attrs.fields_dict(type(cast(Any, model)))
    unknown = [name for name in overrides if name not in fields]
    if unknown:
        raise TypeError(f"{type(model).__name__} has no field(s) {', '.join(unknown)}")
    return cast(M, attrs.evolve(cast(Any, model), **overrides))


def event_type(**overrides: Any) -> EventTypeOutput:
    """An event type (`EventTypeOutput`): "Intro call", 30 minutes."""
    from calcom.models import EventTypeOutput

    fake = _fake()
    created = fake.seed.event_type()
    with _strict(fake) as cal:
        found = _expect(EventTypeOutput, cal.event_types.get(created.id).data)
        return _evolve(found, overrides)


def booking(**overrides: Any) -> BookingOutput:
    """An accepted booking (`BookingOutput`) of a 30-minute "Intro call"."""
    from calcom.models import BookingOutput

    fake = _fake()
    uid = fake.seed.booking("2026-01-05T10:00:00Z").uid
    with _strict(fake) as cal:
        return _evolve(_expect(BookingOutput, cal.bookings.get(uid).data), overrides)


def schedule(**overrides: Any) -> ScheduleOutput:
    """A schedule (`ScheduleOutput`): weekdays 09:00-17:00, Europe/London, the default."""
    fake = _fake()
    with _strict(fake) as cal:
        from calcom.models import ScheduleOutput

        return _evolve(_expect(ScheduleOutput, cal.schedules.get_default().data), overrides)


def me(**overrides: Any) -> MeOutput:
    """The authenticated user (`MeOutput`)."""
    from calcom.models import MeOutput

    with _strict(_fake()) as cal:
        return _evolve(_expect(MeOutput, cal.me.get().data), overrides)


def webhook(**overrides: Any) -> UserWebhookOutput:
    """A webhook subscription (`UserWebhookOutput`) to https://example.com/webhooks."""
    fake = _fake()
    created = fake.seed.webhook("https://example.com/webhooks", secret="whsec_example")
    with _strict(fake) as cal:
        from calcom.models import UserWebhookOutput

        return _evolve(_expect(UserWebhookOutput, cal.webhooks.get(created.id).data), overrides)
