"""Shared bits of the fault tests: a booking call and the texts a user can see of an error."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from typing import Any


def booking_kwargs(name: str = "Bob") -> dict[str, Any]:
    from calcom.models import CreateBookingAttendee

    return {
        "start": datetime(2026, 9, 1, 10, tzinfo=UTC),
        "event_type_id": 11,
        "attendee": CreateBookingAttendee(name=name, email="bob@example.com", time_zone="UTC"),
    }


def visible(error: BaseException) -> list[str]:
    """Everything of an error a user can print: str, repr, the traceback with its
    chained causes and notes, the reprs of the request and response it carries and
    the body of that request (the server's own answer body is its data, not ours)."""
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for name in ("request", "response"):
            message = getattr(current, name, None) if name in vars(current) else None
            if message is None:
                continue
            texts += [repr(message), repr(message.headers)]
            if name == "request":
                texts.append(_content(message))
            inner = getattr(message, "_request", None) if name == "response" else None
            if inner is not None:
                texts += [repr(inner), repr(inner.headers), _content(inner)]
        current = current.__cause__ or current.__context__
    return texts


def _content(message: Any) -> str:
    try:
        return bytes(message.content).decode("utf-8", "replace")
    except Exception:  # a streamed body never read
        return ""
