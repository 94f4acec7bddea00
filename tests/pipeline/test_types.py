"""Whole numbers are integers, timestamps are date-times, comma lists are comma lists.

The pinned spec types 688 numeric fields `number` (3 `integer`), so ids came
back as floats; only 37 fields said `format: date-time`; and array query
parameters that Cal.com reads as one comma-separated value were sent as
repeated parameters. overlays/30-integers.yaml, 31-datetimes.yaml and
32-query-style.yaml fix that. These tests apply every overlay (strictly, as
scripts/generate.py does) to the pinned spec and check the result, mostly by
rules derived from the spec itself, so that a spec update that adds a `number`
or a non-integral example fails here and gets reviewed.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import overlay
import pytest

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# The one numeric field that stays `number`: a NUMBER-type org attribute's value.
NUMBERS_ALLOWED = {"components.schemas.NumberAttribute.properties.option"}

INTEGER_FIELDS = [
    ("BookingOutput_2024_08_13", "id"),
    ("BookingOutput_2024_08_13", "eventTypeId"),
    ("BookingOutput_2024_08_13", "duration"),
    ("BookingOutput_2024_08_13", "rating"),
    ("BookingHost", "id"),
    ("EventType", "id"),
    ("EventTypeOutput_2024_06_14", "id"),
    ("EventTypeOutput_2024_06_14", "ownerId"),
    ("EventTypeOutput_2024_06_14", "lengthInMinutes"),
    ("EventTypeOutput_2024_06_14", "price"),
    ("EventTypeOutput_2024_06_14", "scheduleId"),
    ("EventTypeOutput_2024_06_14", "minimumBookingNotice"),
    ("EventTypeOutput_2024_06_14", "beforeEventBuffer"),
    ("EventTypeOutput_2024_06_14", "afterEventBuffer"),
    ("EventTypeOutput_2024_06_14", "slotInterval"),
    ("EventTypeOutput_2024_06_14", "seatsPerTimeSlot"),
    ("TeamEventTypeOutput_2024_06_14", "teamId"),
    ("TeamEventTypeOutput_2024_06_14", "ownerId"),
    ("TeamEventTypeOutput_2024_06_14", "parentEventTypeId"),
    ("ScheduleOutput_2024_06_11", "id"),
    ("ScheduleOutput_2024_06_11", "ownerId"),
    ("UserWebhookOutputDto", "userId"),
    ("TeamOutputDto", "id"),
    ("MeOutput", "id"),
    ("MeOutput", "defaultScheduleId"),
    ("MeOutput", "organizationId"),
    ("PaginationMetaDto", "totalItems"),
    ("PaginationMetaDto", "currentPage"),
    ("PaginationMetaDto", "totalPages"),
]

INTEGER_ITEMS = [
    ("EventTypeOutput_2024_06_14", "lengthInMinutesOptions"),
    ("CreateEventTypeInput_2024_06_14", "lengthInMinutesOptions"),
    ("WorkflowActivationDto", "activeOnEventTypeIds"),
    ("AssignedOptionOutput", "assignedUserIds"),
]

DATE_TIME_FIELDS = [
    ("BookingOutput_2024_08_13", "start"),
    ("BookingOutput_2024_08_13", "end"),
    ("BookingOutput_2024_08_13", "createdAt"),
    ("BookingOutput_2024_08_13", "updatedAt"),
    ("RecurringBookingOutput_2024_08_13", "start"),
    ("GetSeatedBookingOutput_2024_08_13", "end"),
    ("CreateBookingInput_2024_08_13", "start"),
    ("RescheduleBookingInput_2024_08_13", "start"),
    ("ReserveSlotOutput_2024_09_04", "slotStart"),
    ("ReserveSlotOutput_2024_09_04", "reservationUntil"),
    ("RoutingFormOutput", "createdAt"),
    ("EventTypeWorkflowOutput", "updatedAt"),
    ("ManagedUserOutput", "createdDate"),
    ("UserOooOutputDto", "start"),  # already date-time upstream
    ("UserWebhookOutputDto", "createdAt"),  # added by 40-live-divergences, typed by 48
    ("Slot_2024_09_04", "start"),
    ("Slot_2024_09_04", "end"),
]

# Values that are dates or times of day, not timestamps: they must stay strings.
NOT_DATE_TIME_FIELDS = [
    ("ScheduleAvailabilityInput_2024_06_11", "startTime"),
    ("ScheduleAvailabilityInput_2024_06_11", "endTime"),
    ("ScheduleOverrideInput_2024_06_11", "startTime"),
]

BOOKING_FILTERS = (
    "afterStart",
    "beforeEnd",
    "afterCreatedAt",
    "beforeCreatedAt",
    "afterUpdatedAt",
    "beforeUpdatedAt",
)


@pytest.fixture(scope="module")
def spec(raw_spec: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(raw_spec)
    overlay.apply_overlays(
        document, [overlay.load_overlay(p) for p in overlay.overlay_files()], strict=True
    )
    return document


def walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every mapping in the document with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, str(index)))


def is_schema(path: tuple[str, ...], node: dict[str, Any]) -> bool:
    """A schema object (not an example value or a `properties` map that has a `type` field)."""
    return isinstance(node.get("type"), str) and "example" not in path and "examples" not in path


def parameters(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            for parameter in item.get(method, {}).get("parameters", []):
                yield path, method, parameter


def counts(document: dict[str, Any]) -> dict[str, int]:
    types = [node["type"] for path, node in walk(document) if is_schema(path, node)]
    date_times = [1 for path, node in walk(document) if node.get("format") == "date-time"]
    return {
        "number": types.count("number"),
        "integer": types.count("integer"),
        "date-time": len(date_times),
    }


def schema_of(document: dict[str, Any], key: str, prop: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][key]["properties"][prop]
    return schema


# -- integers --------------------------------------------------------------------


def test_the_overlays_change_the_counts(raw_spec: dict[str, Any], spec: dict[str, Any]) -> None:
    before, after = counts(raw_spec), counts(spec)
    assert before["number"] > 600 and before["integer"] < 10, before  # the pinned spec
    assert after["number"] == len(NUMBERS_ALLOWED), after
    assert after["integer"] > 650, after
    assert after["date-time"] >= before["date-time"] + 60, (before, after)


def test_no_number_left_but_the_reviewed_ones(spec: dict[str, Any]) -> None:
    left = {
        ".".join(path)
        for path, node in walk(spec)
        if is_schema(path, node) and node["type"] == "number"
    }
    assert left == NUMBERS_ALLOWED, (
        "a `type: number` field that is not in the reviewed list: decide in "
        "overlays/30-integers.yaml whether it is a whole number: " + ", ".join(sorted(left))
    )


def test_no_path_parameter_is_a_number(spec: dict[str, Any]) -> None:
    numeric = [
        f"{method.upper()} {path} {{{p['name']}}}"
        for path, method, p in parameters(spec)
        if p["in"] == "path" and p.get("schema", {}).get("type") == "number"
    ]
    assert numeric == []
    ids = [p for _, _, p in parameters(spec) if p["in"] == "path" and p["name"].endswith("Id")]
    assert ids and all(p["schema"]["type"] in ("integer", "string") for p in ids)
    assert sum(p["schema"]["type"] == "integer" for p in ids) > 250


def test_no_query_parameter_is_a_number(spec: dict[str, Any]) -> None:
    numeric = [
        f"{method.upper()} {path} ?{p['name']}"
        for path, method, p in parameters(spec)
        if p["in"] == "query"
        and "number" in (p["schema"].get("type"), p["schema"].get("items", {}).get("type"))
    ]
    assert numeric == []


@pytest.mark.parametrize("name", ["take", "skip", "limit", "offset"])
def test_pagination_parameters_are_integers(spec: dict[str, Any], name: str) -> None:
    found = [p for _, _, p in parameters(spec) if p["in"] == "query" and p["name"] == name]
    assert found, f"no ?{name} parameter in the spec"
    assert {p["schema"]["type"] for p in found} == {"integer"}


@pytest.mark.parametrize(
    ("key", "prop"), INTEGER_FIELDS, ids=[f"{k}.{p}" for k, p in INTEGER_FIELDS]
)
def test_named_fields_are_integers(spec: dict[str, Any], key: str, prop: str) -> None:
    assert schema_of(spec, key, prop).get("type") == "integer"


@pytest.mark.parametrize(("key", "prop"), INTEGER_ITEMS, ids=[f"{k}.{p}" for k, p in INTEGER_ITEMS])
def test_named_lists_hold_integers(spec: dict[str, Any], key: str, prop: str) -> None:
    assert schema_of(spec, key, prop)["items"].get("type") == "integer"


def test_uuid_ids_are_strings(spec: dict[str, Any]) -> None:
    # The spec had them as numbers, but webhooks and routing forms have uuid ids.
    schema = schema_of(spec, "WorkflowFormActivationDto", "activeOnRoutingFormIds")
    assert schema["items"]["type"] == "string"
    for key in ("UserWebhookOutputDto", "TeamWebhookOutputDto", "EventTypeWebhookOutputDto"):
        assert schema_of(spec, key, "id")["type"] == "string", key


# Ids that really are strings: cuid/uuid keys and external ids. Every other
# `...Id` / `...Ids` parameter is an integer (a list of ids, integers).
STRING_ID_PARAMETERS = {
    "assignedOptionIds",
    "attributeId",
    "attributeOptionId",
    # Unified calendars (spec of 2026-03-26): the provider's calendar id (default
    # "primary") and event id, and a connection id the spec documents as an opaque
    # string ("Stable ID for this calendar connection"); no live answer shows a number.
    "calendarId",
    "clientId",
    "connectionId",
    "delegationCredentialId",
    "eventId",
    "externalId",
    "linkId",
    "optionId",
    "roleId",
    "routingFormId",
    "webhookId",
}
# A delegation credential is a uuid; a calendar credential (?credentialId=) an integer.
STRING_ID_ROUTES = {
    ("credentialId", "/v2/organizations/{orgId}/delegation-credentials/{credentialId}")
}

# Property names that are integer keys wherever they appear.
INTEGER_ID_PROPERTIES = (
    "eventTypeId",
    "teamId",
    "userId",
    "scheduleId",
    "bookingId",
    "organizationId",
    "orgId",
    "membershipId",
    "ownerId",
    "toUserId",
)


def test_every_id_parameter_is_an_integer_unless_reviewed(spec: dict[str, Any]) -> None:
    bad = []
    for route, method, p in parameters(spec):
        name = p["name"]
        if not (name.endswith("Id") or name.endswith("Ids")) or name in STRING_ID_PARAMETERS:
            continue
        if (name, route) in STRING_ID_ROUTES:
            assert p["schema"]["type"] == "string"
            continue
        schema = p["schema"]
        kind = schema["items"]["type"] if schema.get("type") == "array" else schema.get("type")
        if kind != "integer" or name.endswith("Ids") != (schema.get("type") == "array"):
            bad.append(f"{method.upper()} {route} {p['in']} {name}: {json.dumps(schema)}")
    assert bad == [], "\n".join(bad)


def test_siblings_agree_on_id_types(spec: dict[str, Any]) -> None:
    # Issue 11 item 6: GET wanted a str where PATCH/DELETE on the same path want an int.
    for route in ("/v2/event-types/{eventTypeId}", "/v2/schedules/{scheduleId}"):
        types = {
            p["schema"]["type"]
            for method, operation in spec["paths"][route].items()
            if method in METHODS
            for p in operation.get("parameters", [])
            if p["in"] == "path"
        }
        assert types == {"integer"}, route


@pytest.mark.parametrize("name", ["eventTypeIds", "teamsIds", "userIds"])
def test_id_lists_are_comma_joined_integer_arrays(spec: dict[str, Any], name: str) -> None:
    found = [p for _, _, p in parameters(spec) if p["in"] == "query" and p["name"] == name]
    assert found, name
    for p in found:
        assert p["schema"]["type"] == "array" and p["schema"]["items"] == {"type": "integer"}
        assert p.get("style") == "form" and p.get("explode") is False
        assert all(_integral(v) for v in p["schema"]["example"])


def test_integer_key_properties_are_integers(spec: dict[str, Any]) -> None:
    bad = []
    for key, schema in spec["components"]["schemas"].items():
        for name, prop in (schema.get("properties") or {}).items():
            if name in INTEGER_ID_PROPERTIES and prop.get("type") not in ("integer", None):
                bad.append(f"{key}.{name}: {prop.get('type')}")
    # CalMeetingParticipant.userId is Daily's participant id ("user123"), not a Cal.com key.
    assert bad == ["CalMeetingParticipant.userId: string"], bad


def test_surface_lock_ids_are_ints(repo_root: Path) -> None:
    """What a user sees: every numeric `*_id` argument of a public method is an `int`."""
    lock = (repo_root / "spec" / "surface.lock").read_text()
    strings = {re.sub(r"(?<!^)([A-Z])", r"_\1", n).lower() for n in STRING_ID_PARAMETERS}
    strings |= {"credential_id"}  # delegation credentials (uuid); checked per route above
    bad = set()
    for name, annotation in re.findall(r"\b(\w+_ids?): ([\w\[\]]+)", lock):
        if name in strings:
            continue
        expected = "list[int]" if name.endswith("_ids") else "int"
        if annotation != expected:
            bad.add(f"{name}: {annotation}")
    assert bad == set(), sorted(bad)
    assert "cal.event_types.get(event_type_id: int)" in lock
    assert "cal.schedules.update(schedule_id: int," in lock


def _integral(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def test_every_example_of_an_integer_is_integral(spec: dict[str, Any]) -> None:
    bad = []
    for path, node in walk(spec):
        if not is_schema(path, node):
            continue
        where = ".".join(path)
        if node["type"] == "integer":
            for key in ("example", "default", "minimum", "maximum"):
                if key in node and not _integral(node[key]):
                    if node[key] is None and key in ("example", "default") and node.get("nullable"):
                        continue
                    bad.append(f"{where}.{key} = {node[key]!r}")
            bad += [f"{where}.enum has {v!r}" for v in node.get("enum", []) if not _integral(v)]
        items = node.get("items")
        if node["type"] == "array" and isinstance(items, dict) and items.get("type") == "integer":
            example = node.get("example")
            if example is not None and not (
                isinstance(example, list) and all(_integral(v) for v in example)
            ):
                bad.append(f"{where}.example = {example!r}")
    for route, method, p in parameters(spec):
        if p.get("schema", {}).get("type") == "integer" and "example" in p:
            if not _integral(p["example"]):
                bad.append(f"{method.upper()} {route} ?{p['name']} example = {p['example']!r}")
    assert bad == [], "\n".join(bad)


# -- date-times ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "prop"), DATE_TIME_FIELDS, ids=[f"{k}.{p}" for k, p in DATE_TIME_FIELDS]
)
def test_timestamps_are_date_times(spec: dict[str, Any], key: str, prop: str) -> None:
    schema = schema_of(spec, key, prop)
    assert (schema.get("type"), schema.get("format")) == ("string", "date-time")


@pytest.mark.parametrize(
    ("key", "prop"), NOT_DATE_TIME_FIELDS, ids=[f"{k}.{p}" for k, p in NOT_DATE_TIME_FIELDS]
)
def test_dates_and_times_of_day_stay_strings(spec: dict[str, Any], key: str, prop: str) -> None:
    schema = schema_of(spec, key, prop)
    assert schema.get("type") == "string" and "format" not in schema


def test_booking_filters_take_a_date_time_or_a_date(spec: dict[str, Any]) -> None:
    # The server reads them with new Date(value) after @IsISO8601 (a bare date
    # passes): a datetime or a date, datetime first as for the slot ranges.
    found = [
        p
        for path, _, p in parameters(spec)
        if path.endswith("/bookings") and p["in"] == "query" and p["name"] in BOOKING_FILTERS
    ]
    assert len(found) >= 22
    for parameter in found:
        assert parameter["schema"]["oneOf"] == [
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"},
        ], parameter["name"]
        assert "type" not in parameter["schema"]
        assert not parameter["schema"]["example"].startswith("?")
    # The routing-form twins (afterCreatedAt…) are date-time in the spec already.
    twins = [
        p
        for path, _, p in parameters(spec)
        if "/routing-forms" in path and p["in"] == "query" and p["name"] in BOOKING_FILTERS
    ]
    assert twins and {p["schema"].get("format") for p in twins} == {"date-time"}


SLOT_RANGE_ROUTES = (
    ("/v2/slots", "get"),
    ("/v2/routing-forms/{routingFormId}/calculate-slots", "post"),
    ("/v2/organizations/{orgId}/routing-forms/{routingFormId}/responses", "post"),
    ("/v2/organizations/{orgId}/teams/{teamId}/routing-forms/{routingFormId}/responses", "post"),
)


@pytest.mark.parametrize(("route", "method"), SLOT_RANGE_ROUTES)
def test_slot_ranges_take_a_date_time_or_a_date(
    spec: dict[str, Any], route: str, method: str
) -> None:
    # Documented to take a date ("2050-09-05") or a timestamp; date-time first,
    # since a Python datetime is also a date and the first fitting member is sent.
    found = {p["name"]: p for p in spec["paths"][route][method]["parameters"]}
    for name in ("start", "end"):
        assert found[name]["schema"]["oneOf"] == [
            {"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"},
        ]
        assert "type" not in found[name]["schema"]


def test_calendar_dates_are_dates(spec: dict[str, Any]) -> None:
    busy = {p["name"]: p for p in spec["paths"]["/v2/calendars/busy-times"]["get"]["parameters"]}
    assert busy["dateFrom"]["schema"]["format"] == busy["dateTo"]["schema"]["format"] == "date"
    assert schema_of(spec, "ScheduleOverrideInput_2024_06_11", "date")["format"] == "date"


def test_slot_times_are_date_times(spec: dict[str, Any]) -> None:
    for prop in ("start", "end"):
        schema = schema_of(spec, "Slot_2024_09_04", prop)
        assert (schema["type"], schema["format"]) == ("string", "date-time")


def test_the_slots_answer_is_a_typed_map(spec: dict[str, Any]) -> None:
    # What makes GetSlotsOutputData a MutableMapping in the generated model.
    data = schema_of(spec, "GetSlotsOutput_2024_09_04", "data")
    assert not data.get("properties")
    assert data["additionalProperties"]["items"] == {"$ref": "#/components/schemas/Slot_2024_09_04"}


def test_every_date_time_example_is_a_timestamp(spec: dict[str, Any]) -> None:
    bad = []
    for path, node in walk(spec):
        if is_schema(path, node) and node.get("format") == "date-time" and "example" in node:
            example = node["example"]
            if example is None and node.get("nullable"):
                continue
            try:
                parsed = datetime.datetime.fromisoformat(example)
            except (TypeError, ValueError):
                bad.append(f"{'.'.join(path)}.example = {example!r}")
                continue
            if "T" not in example or parsed.tzinfo is None:
                bad.append(f"{'.'.join(path)}.example = {example!r} (no time or offset)")
    assert bad == [], "\n".join(bad)


# -- comma-separated query parameters --------------------------------------------


@pytest.mark.parametrize("name", ["status", "teamIds", "assignedOptionIds"])
def test_comma_lists_are_not_exploded(spec: dict[str, Any], name: str) -> None:
    found = [
        p
        for _, _, p in parameters(spec)
        if p["in"] == "query" and p["name"] == name and p["schema"].get("type") == "array"
    ]
    assert found
    assert all(p.get("style") == "form" and p.get("explode") is False for p in found)
    assert all(isinstance(p["schema"].get("example", []), list) for p in found)


def test_comma_email_filters_are_not_exploded(spec: dict[str, Any]) -> None:
    for path in ("/v2/oauth-clients/{clientId}/users", "/v2/teams/{teamId}/memberships"):
        (emails,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "emails"]
        assert emails.get("explode") is False, path
    # The org users filter takes one address or a repeated parameter, not a comma list.
    (emails,) = [
        p
        for p in spec["paths"]["/v2/organizations/{orgId}/users"]["get"]["parameters"]
        if p["name"] == "emails"
    ]
    assert emails.get("explode") is not False


# -- the generated model ---------------------------------------------------------


def test_a_real_booking_id_parses_as_int(
    overlaid_spec: dict[str, Any], real_responses_dir: Path
) -> None:
    from calcom._generated import models
    from calcom._lenient import strict_parsing
    from openapi_python_client.strings import ClassName

    record = json.loads(
        (real_responses_dir / "nango__GET__v2_bookings_bookingUid__1.json").read_text()
    )
    response = overlaid_spec["paths"]["/v2/bookings/{bookingUid}"]["get"]["responses"]["200"]
    wrapper = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schemas = overlaid_spec["components"]["schemas"]
    data = schemas[wrapper]["properties"]["data"]
    key = data["oneOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert key == "BookingOutput_2024_08_13"
    model = getattr(models, ClassName(schemas[key].get("title") or key, "field_"))

    with strict_parsing():
        booking = model.from_dict(record["body"]["data"])

    assert booking.id == record["body"]["data"]["id"]
    assert isinstance(booking.id, int) and not isinstance(booking.id, bool)
    assert isinstance(booking.start, datetime.datetime)
    assert booking.start.tzinfo is not None
