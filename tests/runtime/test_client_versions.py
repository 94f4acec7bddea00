"""The cal-api-version header: per-family defaults and the three ways to override them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from _calmock import BOOKING_INPUT, MockAPI, body_for

CALLS: dict[str, Callable[[Any], Any]] = {
    "bookings.get": lambda cal: cal.bookings.get("uid1"),
    "bookings.list": lambda cal: cal.bookings.list(),
    "bookings.create": lambda cal: cal.bookings.create(
        body=body_for(cal.bookings.create, BOOKING_INPUT)
    ),
    "event_types.get": lambda cal: cal.event_types.get(12),
    "event_types.list": lambda cal: cal.event_types.list(),
    "schedules.get_default": lambda cal: cal.schedules.get_default(),
    "schedules.list": lambda cal: cal.schedules.list(),
    "slots.list": lambda cal: cal.slots.list(start=date(2026, 9, 1), end=date(2026, 9, 2)),
    "slots.reservations.create": lambda cal: cal.slots.reservations.create(
        body=body_for(
            cal.slots.reservations.create, {"eventTypeId": 11, "slotStart": "2026-09-01T10:00:00Z"}
        )
    ),
}


@pytest.mark.parametrize(
    ("call", "version"),
    [
        ("bookings.get", "2024-08-13"),
        ("bookings.list", "2024-08-13"),
        ("bookings.create", "2024-08-13"),
        ("event_types.get", "2024-06-14"),
        ("event_types.list", "2024-06-14"),
        ("schedules.get_default", "2024-06-11"),
        ("schedules.list", "2024-06-11"),
        ("slots.list", "2024-09-04"),
        ("slots.reservations.create", "2024-09-04"),
    ],
)
def test_default_version_per_family(api: MockAPI, make_cal: Any, call: str, version: str) -> None:
    CALLS[call](make_cal())
    (request,) = api.requests
    assert request.headers["cal-api-version"] == version


def test_no_header_on_unversioned_operations(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_versions={"me": "2099-01-01", "webhooks": "2099-01-01"})
    assert cal.me.get.operation.api_version is None
    cal.me.get()
    cal.webhooks.list()
    for request in api.requests:
        assert "cal-api-version" not in request.headers


def test_per_call_override(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal()
    cal.bookings.get.with_options(api_version="2026-02-25")("uid1")
    cal.bookings.get("uid1")  # the override does not stick
    assert [r.headers["cal-api-version"] for r in api.requests] == ["2026-02-25", "2024-08-13"]


async def test_per_call_override_async(api: MockAPI, make_async_cal: Any) -> None:
    cal = make_async_cal()
    await cal.bookings.get.with_options(api_version="2026-02-25")("uid1")
    assert api.requests[0].headers["cal-api-version"] == "2026-02-25"


def test_per_client_override_by_namespace(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_versions={"bookings": "2026-02-25"})
    cal.bookings.get("uid1")
    cal.bookings.attendees.list("uid1")  # sub-namespaces follow their parent
    cal.event_types.get(12)  # other families keep their default
    assert [r.headers["cal-api-version"] for r in api.requests] == [
        "2026-02-25",
        "2026-02-25",
        "2024-06-14",
    ]


def test_per_client_override_by_operation_id(api: MockAPI, make_cal: Any) -> None:
    probe = make_cal()
    operation_id = probe.bookings.get.operation.operation_id
    cal = make_cal(api_versions={operation_id: "2026-02-25", "bookings": "2025-01-01"})
    cal.bookings.get("uid1")  # the operation id is more specific than the namespace
    cal.bookings.list()
    assert [r.headers["cal-api-version"] for r in api.requests] == ["2026-02-25", "2025-01-01"]


def test_per_call_beats_per_client(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_versions={"bookings": "2025-01-01"})
    cal.bookings.get.with_options(api_version="2026-02-25")("uid1")
    assert api.requests[0].headers["cal-api-version"] == "2026-02-25"


def test_exactly_one_version_header(api: MockAPI, make_cal: Any) -> None:
    make_cal(api_versions={"bookings": "2026-02-25"}).bookings.list()
    assert api.requests[0].headers.get_list("cal-api-version") == ["2026-02-25"]
