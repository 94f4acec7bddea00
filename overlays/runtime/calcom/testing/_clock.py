"""The fake's notion of now: frozen unless a test moves it (or injects its own clock).

Minimum booking notice, "upcoming" vs "past", no-show marking and timestamps
all read this clock, so a test decides what time it is. A client made by
`FakeCal.client()` sleeps on it too: a retry after `Retry-After: 30` advances
the clock by 30 s instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["Clock"]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"the fake's clock needs a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)


class Clock:
    """A clock frozen at `now` (default: the wall clock when the fake was made).

    Pass `source=` (a callable returning an aware datetime) to drive it from
    elsewhere, e.g. a time-machine library; `set` and `advance` then add an
    offset to that source.
    """

    def __init__(
        self, now: datetime | None = None, *, source: Callable[[], datetime] | None = None
    ) -> None:
        if now is not None and source is not None:
            raise ValueError("give the clock a fixed `now` or a `source`, not both")
        self._source = source
        self._frozen = _aware(now) if now is not None else None
        if source is None and now is None:
            self._frozen = datetime.now(UTC).replace(microsecond=0)
        self._offset = timedelta()

    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen + self._offset
        assert self._source is not None
        return _aware(self._source()) + self._offset

    def set(self, now: datetime) -> None:
        """Jump to `now` (later or earlier)."""
        self._offset += _aware(now) - self.now()

    def advance(self, delta: timedelta | float = 0.0, /, **units: float) -> datetime:
        """Move forward by a timedelta, seconds, or `minutes=`/`hours=`/`days=`; returns now."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        step += timedelta(**units)
        if step < timedelta():
            raise ValueError("the clock only advances; use set() to go back")
        self._offset += step
        return self.now()

    def sleep(self, seconds: float) -> None:
        """What a client made by the fake sleeps with: time passes, nobody waits."""
        self.advance(max(seconds, 0.0))

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def __repr__(self) -> str:
        return f"Clock(now={self.now().isoformat()})"
