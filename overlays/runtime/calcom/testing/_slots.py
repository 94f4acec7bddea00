"""Free slots, computed the way Cal.com does from the state.

A slot is a start time inside one of the schedule's availability windows
(or that date's override, which replaces the weekly hours), stepping by the
event type's `slotInterval` (else its length), whose whole length fits in the
window; at least `minimumBookingNotice` minutes from now; and whose time,
widened by the event type's before/after buffers, does not overlap a booking
that holds its time (accepted or pending, widened by its own event type's
buffers). The schedule is the event type's `scheduleId`, else the user's
default one. The listing also hides slots a reservation holds; booking one is
allowed (the fake cannot tell the booker who reserved it from another).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from ._store import Store
from ._wire import zone

__all__ = ["free_slots", "is_free", "length_of"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def length_of(event_type: dict[str, Any], duration: int | None = None) -> int:
    return int(duration or event_type["lengthInMinutes"])


def _hm(text: str) -> time:
    hours, minutes = (int(part) for part in str(text).split(":")[:2])
    if hours >= 24:
        return time(23, 59, 59)
    return time(hours, minutes)


def _windows(
    schedule: dict[str, Any], first: datetime, last: datetime
) -> list[tuple[datetime, datetime]]:
    tz = zone(schedule.get("timeZone") or "UTC")
    overrides: dict[str, list[dict[str, Any]]] = {}
    for override in schedule.get("overrides") or []:
        overrides.setdefault(str(override["date"]), []).append(override)
    day = first.astimezone(tz).date() - timedelta(days=1)
    end_day = last.astimezone(tz).date() + timedelta(days=1)
    windows = []
    while day <= end_day:
        ranges = overrides.get(day.isoformat())
        if ranges is None:
            weekday = _WEEKDAYS[day.weekday()]
            ranges = [a for a in schedule.get("availability") or [] if weekday in a.get("days", [])]
        for entry in ranges:
            start = datetime.combine(day, _hm(entry["startTime"]), tzinfo=tz)
            end = datetime.combine(day, _hm(entry["endTime"]), tzinfo=tz)
            if end > start:
                windows.append((start.astimezone(UTC), end.astimezone(UTC)))
        day += timedelta(days=1)
    return windows


def _busy(
    store: Store, exclude_uid: str | None, now: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    busy = []
    if now is not None:
        busy += [(r.start, r.end) for r in store.reservations.values() if r.until > now]
    for booking in store.bookings.values():
        if not booking.blocks_time or booking.uid == exclude_uid:
            continue
        et = store.event_types.get(booking.event_type_id) or {}
        before = timedelta(minutes=int(et.get("beforeEventBuffer") or 0))
        after = timedelta(minutes=int(et.get("afterEventBuffer") or 0))
        busy.append((booking.start - before, booking.end + after))
    return busy


def free_slots(
    store: Store,
    event_type: dict[str, Any],
    first: datetime,
    last: datetime,
    now: datetime,
    *,
    duration: int | None = None,
    exclude_uid: str | None = None,
    hide_reserved: bool = False,
) -> list[datetime]:
    """Every free slot start in [first, last], in UTC, ascending; `hide_reserved` also
    leaves out slots held by a reservation (what a booker sees in the listing)."""
    schedule_id = event_type.get("scheduleId")
    schedule = store.schedules.get(schedule_id) if schedule_id else store.default_schedule()
    if schedule is None or last < first:
        return []
    length = timedelta(minutes=length_of(event_type, duration))
    step = timedelta(minutes=int(event_type.get("slotInterval") or length_of(event_type, duration)))
    before = timedelta(minutes=int(event_type.get("beforeEventBuffer") or 0))
    after = timedelta(minutes=int(event_type.get("afterEventBuffer") or 0))
    earliest = now + timedelta(minutes=int(event_type.get("minimumBookingNotice") or 0))
    busy = _busy(store, exclude_uid, now if hide_reserved else None)
    found = set()
    for window_start, window_end in _windows(schedule, first, last):
        start = window_start
        while start + length <= window_end:
            if first <= start <= last and start >= earliest:
                lo, hi = start - before, start + length + after
                if not any(lo < b_end and b_start < hi for b_start, b_end in busy):
                    found.add(start)
            start += step
    return sorted(found)


def is_free(
    store: Store,
    event_type: dict[str, Any],
    start: datetime,
    now: datetime,
    *,
    duration: int | None = None,
    exclude_uid: str | None = None,
) -> bool:
    start = start.astimezone(UTC)
    slots = free_slots(
        store, event_type, start, start, now, duration=duration, exclude_uid=exclude_uid
    )
    return start in slots
