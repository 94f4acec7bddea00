"""Slots and bookings (cal-api-version 2024-09-04 / 2024-08-13) with Cal.com's semantics.

Shapes and messages follow the live server's answers in shared/live-server:
list_available_slots (+ --by-username-slug, --bad-range, --not-found),
create_booking (+ --outside-availability, --bad-body, --not-found,
--requires-confirmation), list_bookings (+ --filtered, --cancelled),
cancel_booking (+ --already-cancelled), decline_booking and
mark_booking_no_show (+ --past-booking). A reschedule answers the new booking,
which carries `rescheduledFromUid` (shared/real-responses, reschedule); the old
one becomes cancelled and carries `rescheduledToUid`.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from ._catalog import requires_confirmation
from ._registry import Call, handles
from ._slots import free_slots, is_free, length_of
from ._store import Booking, Person, Reservation, Store
from ._wire import Answer, FakeError, bad_request, iso_ms, not_found, parse_instant, zone

__all__ = ["create", "render"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOT_AVAILABLE = "User either already has booking at this time or is not available"


def render(store: Store, booking: Booking) -> dict[str, Any]:
    """A booking as cal-api-version 2024-08-13 answers it."""
    event_type = store.event_types.get(booking.event_type_id)
    slug = event_type["slug"] if event_type else None
    data: dict[str, Any] = {
        "id": booking.id,
        "uid": booking.uid,
        "title": booking.title,
        "description": booking.description,
        "hosts": [store.host()],
        "status": booking.status,
        "cancellationReason": booking.cancellation_reason,
        "cancelledByEmail": booking.cancelled_by_email,
    }
    if booking.rescheduling_reason is not None:
        data["reschedulingReason"] = booking.rescheduling_reason
    data["rescheduledByEmail"] = booking.rescheduled_by_email
    if booking.rescheduled_from_uid is not None:
        data["rescheduledFromUid"] = booking.rescheduled_from_uid
    if booking.rescheduled_to_uid is not None:
        data["rescheduledToUid"] = booking.rescheduled_to_uid
    data.update(
        {
            "start": iso_ms(booking.start),
            "end": iso_ms(booking.end),
            "duration": int((booking.end - booking.start).total_seconds() // 60),
            "eventTypeId": booking.event_type_id,
            "eventType": {"id": booking.event_type_id, "slug": slug},
            "meetingUrl": booking.location,
            "location": booking.location,
            "absentHost": booking.absent_host,
            "createdAt": iso_ms(booking.created_at),
            "updatedAt": iso_ms(booking.updated_at),
            "metadata": dict(booking.metadata),
            "rating": None,
            "icsUid": f"{booking.uid}@Cal.com",
            "attendees": [_attendee(p) for p in booking.attendees],
        }
    )
    if booking.guests:
        data["guests"] = list(booking.guests)
    data["bookingFieldsResponses"] = dict(booking.responses)
    return data


def _attendee(person: Person) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": person.name,
        "email": person.email,
        "displayEmail": person.email,
        "timeZone": person.time_zone,
        "language": person.language,
        "absent": person.absent,
    }
    if person.phone_number is not None:
        data["phoneNumber"] = person.phone_number
    return data


def _ok(data: Any, status: int = 200) -> Answer:
    return Answer(status, {"status": "success", "data": data})


# --- slots --------------------------------------------------------------------------


def _event_type_for(store: Store, source: Any) -> dict[str, Any] | None:
    get = source.get
    if get("eventTypeId") is not None:
        return store.event_type(get("eventTypeId"))
    if get("eventTypeSlug") is not None:
        return store.event_type_by_slug(get("username"), get("eventTypeSlug"))
    return None


@handles("list_available_slots")
def list_available_slots(fake: Any, call: Call) -> Answer:
    query = call.query
    store: Store = fake.store
    event_type = _event_type_for(store, query)
    if event_type is None:
        raise not_found("Event Type not found")
    tz_name = query.get("timeZone")
    tz = zone(tz_name) if tz_name else UTC
    first = parse_instant(query.get("start"), "start", tz=tz)
    last = parse_instant(query.get("end"), "end", tz=tz, end_of_day=True)
    duration = int(query["duration"]) if query.get("duration") else None
    ranged = query.get("format") == "range"
    length = timedelta(minutes=length_of(event_type, duration))
    slots = free_slots(
        store,
        event_type,
        first,
        last,
        fake.clock.now(),
        duration=duration,
        exclude_uid=query.get("bookingUidToReschedule"),
        hide_reserved=True,
    )
    days: dict[str, list[dict[str, str]]] = {}
    out_tz = tz if tz_name else None
    for start in slots:
        day = start.astimezone(tz).date().isoformat()
        entry = {"start": iso_ms(start, out_tz)}
        if ranged:
            entry["end"] = iso_ms(start + length, out_tz)
        days.setdefault(day, []).append(entry)
    return Answer(200, {"data": days, "status": "success"})


# --- bookings -----------------------------------------------------------------------


def create(
    fake: Any,
    body: dict[str, Any],
    *,
    check_slot: bool = True,
    rescheduled_from: Booking | None = None,
) -> Booking:
    """Validate a 2024-08-13 create body and store the booking (no webhook)."""
    store: Store = fake.store
    for unsupported in ("recurrenceCount", "instant"):
        if body.get(unsupported):
            raise bad_request(f"calcom.testing.FakeCal does not simulate {unsupported} bookings")
    attendee = body.get("attendee")
    if not isinstance(attendee, dict) or not attendee.get("name") or not attendee.get("timeZone"):
        raise bad_request("attendee must be an object with name, timeZone and email")
    email = attendee.get("email")
    if not isinstance(email, str) or not _EMAIL.match(email):
        # Booking-form validation answers outside Nest: own code, no details.
        raise FakeError(
            400, "responses - {email}email_validation_error, ", code="BAD_REQUEST", details=False
        )
    zone(attendee["timeZone"], "attendee.timeZone")
    event_type = _event_type_for(store, body)
    if event_type is None:
        ref = body.get("eventTypeId", body.get("eventTypeSlug"))
        raise not_found(f"Event type with id {ref} not found.")
    start = parse_instant(body.get("start"), "start").astimezone(UTC)
    duration = body.get("lengthInMinutes")
    if duration is not None:
        options = event_type.get("lengthInMinutesOptions") or []
        if duration != event_type["lengthInMinutes"] and duration not in options:
            raise bad_request(
                f"Provided lengthInMinutes {duration} is not one of the event type's"
                f" lengthInMinutesOptions {options}"
            )
    now = fake.clock.now()
    if check_slot and not is_free(
        store,
        event_type,
        start,
        now,
        duration=duration,
        exclude_uid=rescheduled_from.uid if rescheduled_from else None,
    ):
        raise bad_request(NOT_AVAILABLE)
    guests = [str(g) for g in body.get("guests") or []]
    person = Person(
        name=attendee["name"],
        email=email,
        time_zone=attendee["timeZone"],
        language=attendee.get("language") or "en",
        phone_number=attendee.get("phoneNumber"),
    )
    attendees = [person] + [
        Person(name="", email=g, time_zone=person.time_zone, language=person.language)
        for g in guests
    ]
    responses: dict[str, Any] = {"email": email, "name": person.name}
    if guests:
        responses["guests"] = guests
    extra = body.get("bookingFieldsResponses")
    if isinstance(extra, dict):
        responses.update(extra)
    booking = Booking(
        id=store.next_id("booking"),
        uid=store.uid(),
        event_type_id=event_type["id"],
        title=f"{event_type['title']} between {store.user['name']} and {person.name}",
        description="",
        start=start,
        end=start + timedelta(minutes=length_of(event_type, duration)),
        status="pending" if requires_confirmation(event_type) else "accepted",
        attendees=attendees,
        guests=guests,
        location=_location(event_type, body),
        metadata=dict(body.get("metadata") or {}),
        responses=responses,
        created_at=now,
        updated_at=now,
    )
    store.bookings[booking.uid] = booking
    return booking


def _location(event_type: dict[str, Any], body: dict[str, Any]) -> str:
    location = body.get("location")
    if isinstance(location, str):
        return location
    if isinstance(location, dict):
        for key in ("address", "link", "phone", "location"):
            if isinstance(location.get(key), str):
                return str(location[key])
    for entry in event_type.get("locations") or []:
        for key in ("address", "link", "phone"):
            if isinstance(entry.get(key), str):
                return str(entry[key])
    return "integrations:daily"


def _booking_or_404(fake: Any, uid: str) -> Booking:
    booking = fake.store.bookings.get(uid)
    if booking is None:
        raise not_found(f"Booking with uid={uid} was not found in the database")
    result: Booking = booking
    return result


@handles("create_booking")
def create_booking(fake: Any, call: Call) -> Answer:
    booking = create(fake, call.body_dict())
    fake.emit_booking(
        "BOOKING_REQUESTED" if booking.status == "pending" else "BOOKING_CREATED", booking
    )
    return _ok(render(fake.store, booking), 201)


@handles("get_booking")
def get_booking(fake: Any, call: Call) -> Answer:
    return _ok(render(fake.store, _booking_or_404(fake, call.params["bookingUid"])))


_SORTS = {
    "sortStart": lambda b: b.start,
    "sortEnd": lambda b: b.end,
    "sortCreated": lambda b: b.created_at,
    "sortUpdatedAt": lambda b: b.updated_at,
}


def _status_matches(booking: Booking, statuses: list[str], now: datetime) -> bool:
    for status in statuses:
        live = booking.status in ("accepted", "pending")
        if status == "upcoming" and live and booking.end >= now:
            return True
        if status == "past" and live and booking.end < now:
            return True
        if status == "cancelled" and booking.status in ("cancelled", "rejected"):
            return True
        if status == "unconfirmed" and booking.status == "pending" and booking.end >= now:
            return True
    return False


@handles("list_bookings")
def list_bookings(fake: Any, call: Call) -> Answer:
    q = call.query
    store: Store = fake.store
    now = fake.clock.now()
    found = list(store.bookings.values())
    statuses = [s for part in q.get_list("status") for s in part.split(",") if s]
    if statuses:
        found = [b for b in found if _status_matches(b, statuses, now)]
    if q.get("attendeeEmail"):
        email = q["attendeeEmail"].lower()
        found = [b for b in found if any(p.email.lower() == email for p in b.attendees)]
    if q.get("attendeeName"):
        name = q["attendeeName"].lower()
        found = [b for b in found if any(name in p.name.lower() for p in b.attendees)]
    if q.get("bookingUid"):
        found = [b for b in found if b.uid == q["bookingUid"]]
    ids = [i for key in ("eventTypeIds", "eventTypeId") for i in (q.get(key) or "").split(",") if i]
    if ids:
        found = [b for b in found if str(b.event_type_id) in ids]
    for key, attr, after in (
        ("afterStart", "start", True),
        ("beforeEnd", "end", False),
        ("afterCreatedAt", "created_at", True),
        ("beforeCreatedAt", "created_at", False),
        ("afterUpdatedAt", "updated_at", True),
        ("beforeUpdatedAt", "updated_at", False),
    ):
        if q.get(key):
            bound = parse_instant(q[key], key)
            found = [
                b
                for b in found
                if (getattr(b, attr) >= bound if after else getattr(b, attr) <= bound)
            ]
    found.sort(key=lambda b: (b.start, b.id))
    for key, sort_key in _SORTS.items():
        if q.get(key) in ("asc", "desc"):
            found.sort(key=sort_key, reverse=q[key] == "desc")
    take = int(q.get("take") or 100)
    skip = int(q.get("skip") or 0)
    if take < 1 or skip < 0:
        raise bad_request("take must be >= 1 and skip >= 0")
    page = found[skip : skip + take]
    total = len(found)
    pages = math.ceil(total / take)
    current = min(skip // take + 1, pages)
    return Answer(
        200,
        {
            "status": "success",
            "data": [render(store, b) for b in page],
            "pagination": {
                "returnedItems": len(page),
                "totalItems": total,
                "itemsPerPage": take,
                "remainingItems": max(total - skip - len(page), 0),
                "currentPage": current,
                "totalPages": pages,
                "hasNextPage": skip + len(page) < total,
                "hasPreviousPage": skip > 0 and total > 0,
            },
        },
    )


@handles("cancel_booking")
def cancel_booking(fake: Any, call: Call) -> Answer:
    uid = call.params["bookingUid"]
    booking = _booking_or_404(fake, uid)
    body = call.body_dict()
    if booking.status == "cancelled":
        raise bad_request(
            f"Can't cancel booking with uid={uid} because it has been cancelled already. "
            "Please provide uid of a booking that is not cancelled."
        )
    booking.status = "cancelled"
    booking.cancellation_reason = str(body.get("cancellationReason") or "")
    booking.updated_at = fake.clock.now()
    fake.emit_booking("BOOKING_CANCELLED", booking)
    return _ok(render(fake.store, booking))


@handles("reschedule_booking")
def reschedule_booking(fake: Any, call: Call) -> Answer:
    uid = call.params["bookingUid"]
    old = _booking_or_404(fake, uid)
    body = call.body_dict()
    if old.status in ("cancelled", "rejected"):
        raise bad_request(f"Can't reschedule booking with uid={uid} because it is {old.status}.")
    first = old.attendees[0]
    new = create(
        fake,
        {
            "start": body.get("start"),
            "eventTypeId": old.event_type_id,
            "attendee": {
                "name": first.name,
                "email": first.email,
                "timeZone": first.time_zone,
                "language": first.language,
                "phoneNumber": first.phone_number,
            },
            "guests": old.guests,
            "metadata": old.metadata,
            "lengthInMinutes": int((old.end - old.start).total_seconds() // 60),
        },
        rescheduled_from=old,
    )
    new.location = old.location
    new.rescheduled_from_uid = old.uid
    by = body.get("rescheduledBy")
    reason = body.get("reschedulingReason")
    old.status = "cancelled"
    old.rescheduled_to_uid = new.uid
    old.rescheduled_by_email = by if isinstance(by, str) else None
    old.rescheduling_reason = reason if isinstance(reason, str) else None
    old.updated_at = fake.clock.now()
    fake.emit_booking("BOOKING_RESCHEDULED", new, previous=old)
    return _ok(render(fake.store, new), 201)


def _pending_or_400(booking: Booking, action: str) -> None:
    if booking.status != "pending":
        raise bad_request(
            f"Can't {action} booking with uid={booking.uid}: it is {booking.status}, not pending."
        )


@handles("confirm_booking")
def confirm_booking(fake: Any, call: Call) -> Answer:
    booking = _booking_or_404(fake, call.params["bookingUid"])
    _pending_or_400(booking, "confirm")
    booking.status = "accepted"
    booking.updated_at = fake.clock.now()
    fake.emit_booking("BOOKING_CREATED", booking)
    return _ok(render(fake.store, booking))


@handles("decline_booking")
def decline_booking(fake: Any, call: Call) -> Answer:
    booking = _booking_or_404(fake, call.params["bookingUid"])
    _pending_or_400(booking, "decline")
    reason = call.body_dict().get("reason")
    booking.status = "rejected"
    booking.rejection_reason = reason if isinstance(reason, str) else None
    booking.updated_at = fake.clock.now()
    fake.emit_booking("BOOKING_REJECTED", booking)
    return _ok(render(fake.store, booking))


@handles("mark_booking_no_show")
def mark_booking_no_show(fake: Any, call: Call) -> Answer:
    booking = _booking_or_404(fake, call.params["bookingUid"])
    now = fake.clock.now()
    if now < booking.start:
        raise bad_request(
            "Bookings can only be marked as absent after their scheduled start time. "
            f"Current time in UTC+0: {iso_ms(now)}, Booking start time in UTC+0: "
            f"{iso_ms(booking.start)}"
        )
    body = call.body_dict()
    if isinstance(body.get("host"), bool):
        booking.absent_host = body["host"]
    changed = []
    for mark in body.get("attendees") or []:
        for person in booking.attendees:
            if isinstance(mark, dict) and person.email == mark.get("email"):
                person.absent = bool(mark.get("absent"))
                changed.append(person)
    booking.updated_at = now
    fake.emit_no_show(booking, changed)
    return _ok(render(fake.store, booking))


# --- slot reservations (shapes: shared/live-server reserve_slot--bearer,
# get_slot_reservation (+ --not-found: data null), update_slot_reservation,
# reserve_slot: the slotDuration error) ------------------------------------------------


def _reservation_answer(fake: Any, body: dict[str, Any], uid: str) -> Reservation:
    store: Store = fake.store
    event_type = store.event_type(body.get("eventTypeId"))
    if event_type is None:
        raise not_found(f"Event type with id {body.get('eventTypeId')} not found")
    duration = body.get("slotDuration")
    if duration is not None and not event_type.get("lengthInMinutesOptions"):
        raise bad_request(
            "You passed 'slotDuration' but this event type is not a variable length event type."
        )
    start = parse_instant(body.get("slotStart"), "slotStart").astimezone(UTC)
    now = fake.clock.now()
    if not is_free(store, event_type, start, now, duration=duration):
        raise bad_request(NOT_AVAILABLE)
    minutes = int(body.get("reservationDuration") or 5)
    return Reservation(
        uid=uid,
        event_type_id=event_type["id"],
        start=start,
        end=start + timedelta(minutes=length_of(event_type, duration)),
        minutes=minutes,
        until=now + timedelta(minutes=minutes),
    )


def _reservation(r: Reservation, *, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "eventTypeId": r.event_type_id,
        "slotStart": iso_ms(r.start),
        "slotEnd": iso_ms(r.end),
        "slotDuration": int((r.end - r.start).total_seconds() // 60),
        "reservationUid": r.uid,
        "reservationDuration": r.minutes,
        "reservationUntil": iso_ms(r.until),
    }
    if not full:  # GET answers without reservationDuration, uid first
        data.pop("reservationDuration")
        data = {"reservationUid": r.uid, **data}
    return data


@handles("reserve_slot")
def reserve_slot(fake: Any, call: Call) -> Answer:
    reservation = _reservation_answer(fake, call.body_dict(), fake.store.uuid())
    fake.store.reservations[reservation.uid] = reservation
    return _ok(_reservation(reservation), 201)


@handles("get_slot_reservation")
def get_slot_reservation(fake: Any, call: Call) -> Answer:
    reservation = fake.store.reservations.get(call.params["uid"])
    return _ok(None if reservation is None else _reservation(reservation, full=False))


@handles("update_slot_reservation")
def update_slot_reservation(fake: Any, call: Call) -> Answer:
    uid = call.params["uid"]
    old = fake.store.reservations.pop(uid, None)
    if old is None:
        raise not_found(f"Reserved slot with uid={uid} not found")
    try:
        reservation = _reservation_answer(fake, call.body_dict(), uid)
    except FakeError:
        fake.store.reservations[uid] = old
        raise
    fake.store.reservations[uid] = reservation
    return _ok(_reservation(reservation))


@handles("delete_slot_reservation")
def delete_slot_reservation(fake: Any, call: Call) -> Answer:
    uid = call.params["uid"]
    if fake.store.reservations.pop(uid, None) is None:
        raise not_found(f"Reserved slot with uid={uid} not found")
    return Answer(200, {})
