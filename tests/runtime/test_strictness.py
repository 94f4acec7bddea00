"""Strict mode means it, lenient mode never changes data.

Small inline bodies, one per kind of divergence: strict mode raises naming the
JSON path of the first divergence (for a union, the divergence of its closest
member); lenient mode keeps the value exactly as received, `to_dict()` gives
the body back, and each surprise is logged once per (model, field, kind) in a
bounded registry.
"""

from __future__ import annotations

import copy
import logging
from datetime import date
from typing import Any

import pytest
from _calmock import MockAPI, booking, ok
from _compare import differences
from calcom import ResponseParseError, strict_parsing
from calcom._lenient import StrictParseError, Surprise, collect_surprises, forget_reported


def _body(**changes: Any) -> dict[str, Any]:
    return {"status": "success", "data": booking(1, **changes)}


def _host(**changes: Any) -> dict[str, Any]:
    host = dict(booking(1)["hosts"][0])
    for key, value in changes.items():
        if value is _ABSENT:
            host.pop(key)
        else:
            host[key] = value
    return host


_ABSENT: Any = object()


def _strict_error(api: MockAPI, make_cal: Any, body: dict[str, Any]) -> str:
    api.on("GET", "/v2/bookings/uid0001", ok(body))
    with pytest.raises(ResponseParseError) as caught:
        make_cal(strict=True).bookings.get("uid0001")
    assert isinstance(caught.value.__cause__, StrictParseError)
    return str(caught.value)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        (_host(id="1"), "data.hosts[0].id: expected integer, got string"),
        (_host(name=5), "data.hosts[0].name: expected string, got integer"),
        (_host(id=True), "data.hosts[0].id: expected integer, got boolean"),
        (_host(email=None), "data.hosts[0].email: null, not nullable"),
        (_host(email=_ABSENT), "data.hosts[0].email: missing"),
    ],
    ids=["str-in-int", "int-in-str", "bool-in-int", "null", "missing"],
)
def test_strict_names_the_path_of_the_divergence(
    api: MockAPI, make_cal: Any, host: dict[str, Any], expected: str
) -> None:
    message = _strict_error(api, make_cal, _body(hosts=[host]))
    assert message.startswith(expected), message
    assert "(BookingHost)" in message
    # the booking is a oneOf member: the error says which member was the closest
    assert "closest member of" in message and message.endswith(": BookingOutput")


def test_strict_rejects_an_unknown_enum_value(api: MockAPI, make_cal: Any) -> None:
    message = _strict_error(api, make_cal, _body(status="awaiting_review"))
    assert message.startswith("data.status: unknown enum value 'awaiting_review'"), message


def test_strict_rejects_a_string_where_a_list_belongs(api: MockAPI, make_cal: Any) -> None:
    message = _strict_error(api, make_cal, _body(hosts="ada@example.com"))
    assert message.startswith("data.hosts: expected array, got string"), message


def test_strict_rejects_an_array_where_an_object_belongs(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/me", ok({"status": "success", "data": []}))
    with pytest.raises(ResponseParseError, match=r"^data: expected object, got array"):
        make_cal(strict=True).me.get()


def test_strict_reports_unknown_fields_and_can_raise_on_them(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings/uid0001", ok(_body(brandNewField=1)))
    cal = make_cal(strict=True)
    with collect_surprises() as surprises:
        got = cal.bookings.get("uid0001").data
    assert got.additional_properties == {"brandNewField": 1}
    assert surprises == [
        Surprise("BookingOutput", "brandNewField", "unknown field", "not declared")
    ]
    with (
        strict_parsing(unknown_fields="raise"),
        pytest.raises(ResponseParseError, match=r"^data\.brandNewField: not declared"),
    ):
        make_cal().bookings.get("uid0001")


def test_a_conforming_answer_parses_strictly(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings/uid0001", ok(_body()))
    with collect_surprises() as surprises:
        got = make_cal(strict=True).bookings.get("uid0001")
    assert differences(_body(), got.to_dict()) == []
    assert surprises == []


# --- lenient ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"status": "success", "data": []},  # an array where the spec has an object
        {"status": "success", "data": [["id", 7]]},  # dict() would make an object of it
        {"status": "success", "data": {"id": "7", "email": None, "extra": [1]}},
    ],
    ids=["empty-array", "pairs", "mistyped-fields"],
)
def test_lenient_never_changes_data(api: MockAPI, make_cal: Any, body: dict[str, Any]) -> None:
    api.on("GET", "/v2/me", ok(body))
    got = make_cal().me.get()
    assert got.to_dict() == body


def test_lenient_keeps_slots_data_that_is_an_empty_array(api: MockAPI, make_cal: Any) -> None:
    body = {"status": "success", "data": []}
    api.on("GET", "/v2/slots", ok(body))
    with collect_surprises() as surprises:
        got = make_cal().slots.list(start=date(2026, 12, 1), end=date(2026, 12, 2), event_type_id=1)
    assert got.data == []
    assert got.to_dict() == body
    assert [(s.model, s.field, s.kind) for s in surprises] == [("GetSlotsOutput", "data", "type")]


def test_lenient_missing_required_field_is_unset_and_left_out(api: MockAPI, make_cal: Any) -> None:
    from calcom._generated.types import Unset

    body = _body(hosts=[_host(email=_ABSENT)])
    api.on("GET", "/v2/bookings/uid0001", ok(body))
    got = make_cal().bookings.get("uid0001")
    host = got.data.hosts[0]
    assert isinstance(host.email, Unset) and not host.email  # falsy, as documented
    assert "email" not in got.to_dict()["data"]["hosts"][0]


def test_each_surprise_is_logged_once_per_model_field_and_kind(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    forget_reported()
    host = _host(email=_ABSENT)
    attendee = copy.deepcopy(booking(1)["attendees"][0])
    attendee.pop("email")
    api.on("GET", "/v2/bookings/uid0001", ok(_body(hosts=[host], attendees=[attendee])))
    cal = make_cal()
    with caplog.at_level(logging.DEBUG, logger="calcom"):
        cal.bookings.get("uid0001")
        cal.bookings.get("uid0001")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    # same field name, two models: two lines; the second call adds none
    assert sorted(lines) == [
        "calcom: BookingAttendee.email: missing (kept as received)",
        "calcom: BookingHost.email: missing (kept as received)",
    ]


def test_union_probing_reports_only_the_chosen_member(api: MockAPI, make_cal: Any) -> None:
    # Fits no member exactly (unknown status): the closest, BookingOutput, is kept, and
    # only its surprise is reported, none from the seated/recurring members probed.
    api.on("GET", "/v2/bookings/uid0001", ok(_body(status="awaiting_review")))
    with collect_surprises() as surprises:
        got = make_cal().bookings.get("uid0001")
    assert type(got.data).__name__ == "BookingOutput"
    assert [(s.model, s.field, s.kind) for s in surprises] == [("BookingOutput", "status", "enum")]
    assert differences(_body(status="awaiting_review"), got.to_dict()) == []


def test_the_logged_once_registry_is_bounded(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import calcom._lenient as lenient
    from calcom.models import BookingHost

    forget_reported()
    monkeypatch.setattr(lenient, "MAX_REPORTED", 5)
    with caplog.at_level(logging.DEBUG, logger="calcom"):
        for n in range(50):
            BookingHost.from_dict({**_host(), f"field{n}": n})
    assert len(lenient._reported) == 5
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(lines) == 6
    assert lines[-1] == "calcom: 5 distinct parsing surprises logged; no more"
    forget_reported()
