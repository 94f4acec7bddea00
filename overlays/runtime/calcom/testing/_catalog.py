"""me, event types and schedules: stored in Cal.com's wire form, answered as the
live server does (shapes from shared/live-server: get_event_type, list_event_types,
delete_event_type, create/list/update/delete_schedule, get_default_schedule, update_me)."""

from __future__ import annotations

import copy
from typing import Any

from ._registry import Call, handles
from ._store import Store
from ._wire import Answer, FakeError, bad_request, not_found, zone

__all__ = ["new_event_type", "new_schedule", "new_user"]

WORKING_HOURS = [
    {
        "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
        "startTime": "09:00",
        "endTime": "17:00",
    }
]

_DEFAULT_BOOKING_FIELDS: list[dict[str, Any]] = [
    {
        "isDefault": True,
        "type": "name",
        "slug": "name",
        "required": True,
        "label": "your_name",
        "disableOnPrefill": False,
    },
    {
        "isDefault": True,
        "type": "email",
        "slug": "email",
        "required": True,
        "disableOnPrefill": False,
        "hidden": False,
    },
    {
        "isDefault": True,
        "type": "radioInput",
        "slug": "location",
        "required": False,
        "hidden": False,
    },
    *(
        {
            "isDefault": True,
            "type": kind,
            "slug": slug,
            "required": False,
            "disableOnPrefill": False,
            "hidden": False,
        }
        for kind, slug in (
            ("textarea", "notes"),
            ("multiemail", "guests"),
            ("textarea", "rescheduleReason"),
        )
    ),
]

# Keys of an event type, in the live server's order, with their defaults.
_EVENT_TYPE_DEFAULTS: dict[str, Any] = {
    "description": "",
    "locations": [],
    "bookingFields": _DEFAULT_BOOKING_FIELDS,
    "recurrence": None,
    "disableGuests": False,
    "slotInterval": None,
    "minimumBookingNotice": 120,
    "beforeEventBuffer": 0,
    "afterEventBuffer": 0,
    "metadata": {},
    "price": 0,
    "currency": "usd",
    "lockTimeZoneToggleOnBookingPage": False,
    "forwardParamsSuccessRedirect": True,
    "successRedirectUrl": None,
    "isInstantEvent": False,
    "scheduleId": None,
    "onlyShowFirstAvailableSlot": False,
    "offsetStart": 0,
    "bookingWindow": {"disabled": True},
    "confirmationPolicy": {"disabled": True},
    "requiresBookerEmailVerification": False,
    "hideCalendarNotes": False,
    "seats": {"disabled": True},
    "useDestinationCalendarEmail": False,
    "hideCalendarEventDetails": False,
    "hideOrganizerEmail": False,
    # api.cal.com (real-responses GET /v2/event-types/{id}); the self-hosted server sends null.
    "calVideoSettings": {"sendTranscriptionEmails": True},
    "hidden": False,
    "bookingRequiresAuthentication": False,
    "bookerActiveBookingsLimit": {"disabled": True},
}
# Settings answered only once set.
_OPTIONAL_OUTPUTS = (
    "lengthInMinutesOptions",
    "bookingLimitsCount",
    "bookingLimitsDuration",
    "bookerLayouts",
    "color",
    "customName",
)
# Only the single-event-type answer carries these (list_event_types does not).
_GET_ONLY = ("calVideoSettings",)


def new_user(**overrides: Any) -> dict[str, Any]:
    user = {
        "id": 1,
        "email": "alice@example.com",
        "name": "Alice Example",
        "avatarUrl": None,
        "bio": "",
        "timeFormat": 24,
        "defaultScheduleId": None,
        "weekStart": "Monday",
        "timeZone": "Europe/London",
        "username": "alice",
        "organizationId": None,
    }
    unknown = set(overrides) - set(user)
    if unknown:
        raise TypeError(f"unknown user fields {sorted(unknown)}; known: {sorted(user)}")
    user.update(overrides)
    return user


def _require(body: dict[str, Any], kinds: dict[str, type | tuple[type, ...]]) -> None:
    for key, kind in kinds.items():
        value = body.get(key)
        if (
            value is None
            or not isinstance(value, kind)
            or isinstance(value, bool) is not (kind is bool)
        ):
            raise bad_request(f"{key} must be given as {getattr(kind, '__name__', kind)}")


def new_event_type(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    _require(body, {"lengthInMinutes": int, "title": str, "slug": str})
    if any(et["slug"] == body["slug"] for et in store.event_types.values()):
        raise bad_request(f"User already has an event type with slug {body['slug']}")
    event_type: dict[str, Any] = {
        "id": store.next_id("event_type"),
        "ownerId": store.user["id"],
        "lengthInMinutes": body["lengthInMinutes"],
        "title": body["title"],
        "slug": body["slug"],
        **copy.deepcopy(_EVENT_TYPE_DEFAULTS),
    }
    _apply_event_type(store, event_type, body)
    return event_type


def _apply_event_type(store: Store, event_type: dict[str, Any], body: dict[str, Any]) -> None:
    schedule_id = body.get("scheduleId")
    if schedule_id is not None and schedule_id not in store.schedules:
        raise not_found(f"Schedule with id {schedule_id} not found")
    for key, value in body.items():
        if key == "confirmationPolicy" and isinstance(value, dict) and not value.get("disabled"):
            value = {"blockUnconfirmedBookingsInBooker": False, **value}
        # Input-only settings (allowReschedulingPastBookings, ... the client sends
        # defaults for) are not echoed: the live server's answer lacks them
        # (shared/live-server/update_event_type.json).
        if key in event_type or key in _OPTIONAL_OUTPUTS:
            event_type[key] = copy.deepcopy(value)
    event_type.pop("users", None)
    event_type["users"] = [_event_type_user(store)]
    # api.cal.com sends bookingUrl (real-responses GET /v2/event-types/{id}) and the spec
    # requires it; the older self-hosted server of shared/live-server does not.
    event_type.pop("bookingUrl", None)
    event_type["bookingUrl"] = f"https://cal.com/{store.user['username']}/{event_type['slug']}"
    # Keep the live server's key order: users sit after isInstantEvent.
    ordered = {k: v for k, v in event_type.items() if k != "users"}
    position = list(ordered).index("isInstantEvent") + 1
    items = list(ordered.items())
    items.insert(position, ("users", event_type["users"]))
    event_type.clear()
    event_type.update(items)


def _event_type_user(store: Store) -> dict[str, Any]:
    u = store.user
    return {
        "id": u["id"],
        "name": u["name"],
        "username": u["username"],
        "avatarUrl": u["avatarUrl"],
        "brandColor": None,
        "darkBrandColor": None,
        "weekStart": u["weekStart"],
        "metadata": {},
    }


def requires_confirmation(event_type: dict[str, Any]) -> bool:
    policy = event_type.get("confirmationPolicy") or {}
    return isinstance(policy, dict) and not policy.get("disabled", False)


def new_schedule(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    _require(body, {"name": str, "timeZone": str, "isDefault": bool})
    zone(body["timeZone"])
    schedule = {
        "id": store.next_id("schedule"),
        "ownerId": store.user["id"],
        "name": body["name"],
        "timeZone": body["timeZone"],
        "availability": copy.deepcopy(body.get("availability") or WORKING_HOURS),
        "isDefault": False,
        "overrides": copy.deepcopy(body.get("overrides") or []),
    }
    store.schedules[schedule["id"]] = schedule
    if body["isDefault"] or store.default_schedule() is None:
        _make_default(store, schedule)
    return schedule


def _make_default(store: Store, schedule: dict[str, Any]) -> None:
    for other in store.schedules.values():
        other["isDefault"] = other is schedule
    store.user["defaultScheduleId"] = schedule["id"]


def _ok(data: Any, status: int = 200) -> Answer:
    return Answer(status, {"status": "success", "data": data})


# --- me -----------------------------------------------------------------------------


@handles("get_me")
def get_me(fake: Any, call: Call) -> Answer:
    return _ok(dict(fake.store.user))


@handles("update_me")
def update_me(fake: Any, call: Call) -> Answer:
    body = call.body_dict()
    user = fake.store.user
    if "timeZone" in body:
        try:
            zone(body["timeZone"])
        except FakeError:
            raise _validation_error("timeZone", body["timeZone"], "isTimeZone") from None
    if "defaultScheduleId" in body:
        schedule = fake.store.schedules.get(body["defaultScheduleId"])
        if schedule is None:
            raise not_found(f"Schedule with id {body['defaultScheduleId']} not found")
        _make_default(fake.store, schedule)
    for key in ("email", "name", "avatarUrl", "bio", "timeFormat", "weekStart", "timeZone"):
        if key in body:
            user[key] = body[key]
    return _ok(dict(user))


def _validation_error(prop: str, value: Any, constraint: str) -> FakeError:
    error = FakeError(400, "Bad Request Exception", details=False)
    error.extra = {
        "details": {
            "errors": [
                {
                    "target": {prop: value},
                    "value": value,
                    "property": prop,
                    "children": [],
                    "constraints": {constraint: f"{prop} must be a valid IANA time-zone"},
                }
            ]
        }
    }
    return error


# --- event types --------------------------------------------------------------------


def _event_type_or_404(fake: Any, call: Call, message: str) -> dict[str, Any]:
    event_type = fake.store.event_type(call.params["eventTypeId"])
    if event_type is None:
        raise not_found(message.format(id=call.params["eventTypeId"]))
    result: dict[str, Any] = event_type
    return result


@handles("create_event_type")
def create_event_type(fake: Any, call: Call) -> Answer:
    event_type = new_event_type(fake.store, call.body_dict())
    fake.store.event_types[event_type["id"]] = event_type
    return _ok(copy.deepcopy(event_type), 201)


@handles("get_event_type")
def get_event_type(fake: Any, call: Call) -> Answer:
    event_type = _event_type_or_404(fake, call, "Event type with id {id} not found")
    return _ok(copy.deepcopy(event_type))


@handles("list_event_types")
def list_event_types(fake: Any, call: Call) -> Answer:
    store: Store = fake.store
    username = call.query.get("username")
    usernames = call.query.get("usernames")
    slug = call.query.get("eventSlug")
    found = []
    for event_type in sorted(store.event_types.values(), key=lambda et: et["id"]):
        if username is not None and username != store.user["username"]:
            continue
        if usernames is not None and store.user["username"] not in usernames.split(","):
            continue
        if slug is not None and event_type["slug"] != slug:
            continue
        found.append({k: copy.deepcopy(v) for k, v in event_type.items() if k not in _GET_ONLY})
    return _ok(found)


@handles("update_event_type")
def update_event_type(fake: Any, call: Call) -> Answer:
    event_type = _event_type_or_404(fake, call, "Event type with id {id} not found")
    body = call.body_dict()
    slug = body.get("slug")
    if slug is not None and any(
        et["slug"] == slug and et is not event_type for et in fake.store.event_types.values()
    ):
        raise bad_request(f"User already has an event type with slug {slug}")
    _apply_event_type(fake.store, event_type, body)
    return _ok(copy.deepcopy(event_type))


@handles("delete_event_type")
def delete_event_type(fake: Any, call: Call) -> Answer:
    event_type = _event_type_or_404(fake, call, "Event type with ID={id} does not exist.")
    del fake.store.event_types[event_type["id"]]
    keys = ("id", "lengthInMinutes", "slug", "title")
    return _ok({key: event_type[key] for key in keys})


# --- schedules ----------------------------------------------------------------------


def _schedule_or_404(fake: Any, call: Call) -> dict[str, Any]:
    schedule = fake.store.schedules.get(call.int_param("scheduleId"))
    if schedule is None:
        raise not_found(f"Schedule with id={call.params['scheduleId']} not found")
    result: dict[str, Any] = schedule
    return result


@handles("create_schedule")
def create_schedule(fake: Any, call: Call) -> Answer:
    return _ok(copy.deepcopy(new_schedule(fake.store, call.body_dict())), 201)


@handles("list_schedules")
def list_schedules(fake: Any, call: Call) -> Answer:
    return _ok([copy.deepcopy(s) for _, s in sorted(fake.store.schedules.items())])


@handles("get_default_schedule")
def get_default_schedule(fake: Any, call: Call) -> Answer:
    schedule = fake.store.default_schedule()
    return _ok(copy.deepcopy(schedule) if schedule is not None else None)


@handles("get_schedule")
def get_schedule(fake: Any, call: Call) -> Answer:
    return _ok(copy.deepcopy(_schedule_or_404(fake, call)))


@handles("update_schedule")
def update_schedule(fake: Any, call: Call) -> Answer:
    schedule = _schedule_or_404(fake, call)
    body = call.body_dict()
    if "timeZone" in body:
        zone(body["timeZone"])
    for key in ("name", "timeZone", "availability", "overrides"):
        if key in body:
            schedule[key] = copy.deepcopy(body[key])
    if body.get("isDefault") is True:
        _make_default(fake.store, schedule)
    return _ok(copy.deepcopy(schedule))


@handles("delete_schedule")
def delete_schedule(fake: Any, call: Call) -> Answer:
    schedule = _schedule_or_404(fake, call)
    del fake.store.schedules[schedule["id"]]
    if fake.store.user.get("defaultScheduleId") == schedule["id"]:
        fake.store.user["defaultScheduleId"] = None
    return Answer(200, {"status": "success"})
