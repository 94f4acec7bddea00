"""Dates, datetimes and ids on the wire, and the slots -> booking flow.

- Datetimes go out as UTC with `Z` (the out-of-office inputs refuse `+00:00`:
  ../shared/live-server/create_org_user_ooo_entry.json), whatever zone the
  caller's datetime is in; a naive datetime is refused before anything is sent.
- Slot ranges take a date or a datetime; busy times take dates.
- The slots answer is a map of days: iterable, len(), items(); a slot's start
  is a datetime that bookings.create(start=...) takes as it is.
- Ids are ints in paths and queries, id lists are comma-joined.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from _calmock import MockAPI, ok
from calcom.models import CalendarToLoadInput

LIVE = Path(__file__).resolve().parents[3] / "shared" / "live-server"
UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")  # what Cal.com's OOO DTO accepts

SLOTS = {
    "status": "success",
    "data": {
        "2026-10-12": [
            {"start": "2026-10-12T09:00:00.000-04:00"},
            {"start": "2026-10-12T09:30:00.000-04:00"},
        ],
        "2026-10-13": [{"start": "2026-10-13T09:00:00.000-04:00"}],
    },
}
ATTENDEE = {"name": "Bob", "email": "bob@example.com", "timeZone": "America/New_York"}


def _attendee() -> Any:
    from calcom.models import CreateBookingAttendee

    return CreateBookingAttendee.from_dict(ATTENDEE)


def _sent_json(api: MockAPI) -> Any:
    return json.loads(api.requests[-1].content)


# --- the wire form -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), "2026-12-01T10:00:00Z"),
        (dt.datetime(2026, 12, 1, 10, 0, 0, 250_000, tzinfo=dt.UTC), "2026-12-01T10:00:00.250Z"),
        # sub-millisecond digits are not sent: Cal.com keeps milliseconds
        (dt.datetime(2026, 12, 1, 10, 0, 0, 250_999, tzinfo=dt.UTC), "2026-12-01T10:00:00.250Z"),
        (dt.datetime(2026, 12, 1, 10, 0, 0, 999, tzinfo=dt.UTC), "2026-12-01T10:00:00Z"),
        (dt.datetime(2026, 7, 1, 10, tzinfo=ZoneInfo("Europe/London")), "2026-07-01T09:00:00Z"),
        (
            dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2026-12-02T04:30:00Z",
        ),
    ],
)
def test_datetimes_go_out_as_utc_z(value: dt.datetime, wire: str) -> None:
    from calcom._datetimes import utc_timestamp

    assert utc_timestamp(value, "start") == wire
    assert UTC_Z.match(wire)
    assert dt.datetime.fromisoformat(wire) == value.replace(
        microsecond=value.microsecond // 1000 * 1000
    )


def test_ooo_create_sends_the_form_the_server_accepts(api: MockAPI, make_cal: Any) -> None:
    make_cal().orgs.users.ooo.create(
        100,
        2,
        start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC),
        end=dt.datetime(2027, 1, 8, 23, 59, 59, 999_000, tzinfo=dt.UTC),
        reason="vacation",
    )
    body = _sent_json(api)
    assert body["start"] == "2027-01-04T00:00:00Z"
    assert body["end"] == "2027-01-08T23:59:59.999Z"
    assert all(UTC_Z.match(body[key]) for key in ("start", "end"))


def test_live_ooo_refusal_is_what_the_old_form_got() -> None:
    """The capture behind the `Z` form: +00:00 answered 400 "Invalid Date."."""
    capture = LIVE / "create_org_user_ooo_entry.json"
    if not capture.is_file():
        pytest.skip("../shared/live-server is not on this machine")
    exchange = json.loads(capture.read_text())
    assert exchange["request_body"]["start"].endswith("+00:00")
    assert exchange["status"] == 400
    assert exchange["response_body"]["error"]["message"] == "Invalid Date."
    # The accepted answers carry the same instants in the form we now send.
    listed = json.loads((LIVE / "list_org_user_ooo_entries--after-seed.json").read_text())
    assert UTC_Z.match(listed["response_body"]["data"][0]["start"])


def test_an_iso_string_in_a_model_goes_out_as_z() -> None:
    """A model built by hand with the capture's ISO strings sends the accepted form."""
    from calcom.models import CreateOutOfOfficeEntryInput

    entry = CreateOutOfOfficeEntryInput(
        start="2027-01-04T00:00:00Z",  # type: ignore[arg-type]
        end="2027-01-08T23:59:59+01:00",  # type: ignore[arg-type]
    )
    body = entry.to_dict()
    assert (body["start"], body["end"]) == ("2027-01-04T00:00:00Z", "2027-01-08T22:59:59Z")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2027-01-04T00:00:00", "naive datetime"),  # a string without offset is naive too
        ("next monday", "'next monday' is not an ISO 8601 date-time"),
        (dt.date(2027, 1, 4), "takes a datetime, got date"),
        (1767225600, "takes a datetime, got int"),
    ],
)
def test_what_is_not_an_instant_is_refused(
    api: MockAPI, make_cal: Any, value: Any, message: str
) -> None:
    from calcom._datetimes import utc_timestamp

    with pytest.raises(ValueError, match=message):
        utc_timestamp(value, "start")
    with pytest.raises((TypeError, ValueError), match="start"):
        make_cal().orgs.users.ooo.create(
            100, 2, start=value, end=dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
        )
    assert api.requests == []


def test_query_datetimes_are_utc_z(api: MockAPI, make_cal: Any) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    make_cal().bookings.list(after_start=dt.datetime(2026, 12, 1, 9, tzinfo=berlin))
    assert api.requests[0].url.params["afterStart"] == "2026-12-01T08:00:00Z"


def test_booking_filters_take_dates(api: MockAPI, make_cal: Any) -> None:
    make_cal().bookings.list(
        after_start=dt.date(2026, 12, 1), before_end=dt.datetime(2026, 12, 8, tzinfo=dt.UTC)
    )
    params = api.requests[0].url.params
    assert params["afterStart"] == "2026-12-01"
    assert params["beforeEnd"] == "2026-12-08T00:00:00Z"


# --- naive datetimes -----------------------------------------------------------------


def test_naive_datetime_in_a_body_is_refused_and_nothing_is_sent(
    api: MockAPI, make_cal: Any
) -> None:
    cal = make_cal()
    with pytest.raises(ValueError, match=r"start: 2026-12-01T10:00:00 is a naive datetime"):
        cal.bookings.create(
            start=dt.datetime(2026, 12, 1, 10), event_type_id=11, attendee=_attendee()
        )
    assert api.requests == []


def test_naive_datetime_in_a_query_is_refused(api: MockAPI, make_cal: Any) -> None:
    with pytest.raises(ValueError, match="after_start: .* naive datetime"):
        make_cal().bookings.list(after_start=dt.datetime(2026, 12, 1))
    with pytest.raises(ValueError, match=r"^start: .* naive datetime"):
        make_cal().slots.list(start=dt.datetime(2026, 12, 1), end=dt.date(2026, 12, 2))
    assert api.requests == []


def test_naive_datetime_is_refused_in_lenient_and_strict_mode(make_cal: Any) -> None:
    from calcom import strict_parsing
    from calcom.models import CreateOutOfOfficeEntryInput

    entry = CreateOutOfOfficeEntryInput(
        start=dt.datetime(2027, 1, 4), end=dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    )
    with pytest.raises(ValueError, match="naive"):
        entry.to_dict()  # lenient serialisation keeps raw values, never a naive datetime
    with strict_parsing(), pytest.raises(ValueError, match="naive"):
        entry.to_dict()


# --- dates and slot ranges -----------------------------------------------------------


def test_slot_range_takes_dates_and_datetimes(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal()
    cal.slots.list(start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 13), event_type_id=7)
    cal.slots.list(
        start=dt.datetime(2026, 10, 12, 9, tzinfo=dt.UTC),
        end=dt.datetime(2026, 10, 12, 17, tzinfo=ZoneInfo("America/New_York")),
        event_type_id=7,
    )
    first, second = (dict(r.url.params) for r in api.requests)
    assert (first["start"], first["end"], first["eventTypeId"]) == ("2026-10-12", "2026-10-13", "7")
    assert (second["start"], second["end"]) == ("2026-10-12T09:00:00Z", "2026-10-12T21:00:00Z")


def test_a_date_field_refuses_a_datetime(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal()
    calendars = [CalendarToLoadInput(credential_id=1, external_id="fake@example.com")]
    cal.calendars.get_busy_times(
        logged_in_users_tz="Europe/London",
        date_from=dt.date(2026, 12, 14),
        date_to=dt.date(2026, 12, 15),
        calendars_to_load=calendars,
    )
    assert api.requests[0].url.params["dateFrom"] == "2026-12-14"
    with pytest.raises(ValueError, match="date_from: takes a date, got the datetime"):
        cal.calendars.get_busy_times(
            logged_in_users_tz="Europe/London",
            date_from=dt.datetime(2026, 12, 14, tzinfo=dt.UTC),
            calendars_to_load=calendars,
        )
    assert len(api.requests) == 1


CALENDARS = [CalendarToLoadInput(credential_id=1, external_id="fake@example.com")]


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-12-14T10:00:00Z", "'2026-12-14T10:00:00Z' is not a YYYY-MM-DD date"), (5, "got int")],
)
def test_a_date_field_refuses_what_is_not_a_date(value: Any, message: str) -> None:
    from calcom._datetimes import calendar_date

    with pytest.raises(ValueError, match=message):
        calendar_date(value, "date_from")
    assert calendar_date("2026-12-14", "date_from") == "2026-12-14"


def test_schedule_override_dates(api: MockAPI, make_cal: Any) -> None:
    from calcom.models import ScheduleOverrideInput

    override = ScheduleOverrideInput(
        date=dt.date(2026, 12, 24), start_time="09:00", end_time="12:00"
    )
    make_cal().schedules.update(3, overrides=[override])
    assert _sent_json(api)["overrides"] == [
        {"date": "2026-12-24", "startTime": "09:00", "endTime": "12:00"}
    ]


# --- the slots map and the booking flow ----------------------------------------------


def test_slot_days_are_a_mapping(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/slots", ok(SLOTS))
    page = make_cal().slots.list(start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 13))
    days = page.data
    assert list(days) == ["2026-10-12", "2026-10-13"]  # no KeyError: 0
    assert len(days) == 2 and "2026-10-13" in days and "2026-10-14" not in days
    assert [(day, len(slots)) for day, slots in days.items()] == [
        ("2026-10-12", 2),
        ("2026-10-13", 1),
    ]
    assert list(days.keys()) == ["2026-10-12", "2026-10-13"]
    assert [len(v) for v in days.values()] == [2, 1]
    assert days.get("2026-10-14") is None and days.get("2026-10-14", []) == []
    assert dict(days)["2026-10-13"][0].start == dt.datetime.fromisoformat(
        "2026-10-13T09:00:00-04:00"
    )
    assert days.to_dict() == {
        day: [{"start": s.start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")} for s in slots]
        for day, slots in days.items()
    }


def test_no_slots_is_an_empty_falsy_map(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/slots", ok({"status": "success", "data": {}}))
    page = make_cal().slots.list(start=dt.date(2026, 12, 15), end=dt.date(2026, 12, 14))
    assert not page.data and len(page.data) == 0 and list(page.data.items()) == []


def test_slot_times_are_datetimes_with_the_askers_offset(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/slots", ok(SLOTS))
    page = make_cal().slots.list(
        start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 13), time_zone="America/New_York"
    )
    slot = page.data["2026-10-12"][0]
    assert isinstance(slot.start, dt.datetime)
    assert slot.start.utcoffset() == dt.timedelta(hours=-4)


def test_range_slots_have_datetime_ends(api: MockAPI, make_cal: Any) -> None:
    body = {
        "status": "success",
        "data": {
            "2026-12-14": [
                {"start": "2026-12-14T09:00:00.000+00:00", "end": "2026-12-14T09:30:00.000+00:00"}
            ]
        },
    }
    api.on("GET", "/v2/slots", ok(body))
    page = make_cal().slots.list(
        start=dt.date(2026, 12, 14), end=dt.date(2026, 12, 14), format_="range"
    )
    (slot,) = page.data["2026-12-14"]
    assert isinstance(slot.end, dt.datetime)
    assert slot.end - slot.start == dt.timedelta(minutes=30)


def test_book_the_first_free_slot(api: MockAPI, make_cal: Any) -> None:
    """The headline flow, with no conversion between the two calls."""
    from calcom.models import CreateBookingAttendee

    api.on("GET", "/v2/slots", ok(SLOTS))
    cal = make_cal()
    page = cal.slots.list(start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 13), event_type_id=7)
    first = next(slot for slots in page.data.values() for slot in slots)
    cal.bookings.create(
        start=first.start,
        event_type_id=7,
        attendee=CreateBookingAttendee(name="Bob", email="bob@example.com", time_zone="UTC"),
    )
    assert _sent_json(api)["start"] == "2026-10-12T13:00:00Z"  # 09:00 -04:00 as UTC


async def test_book_the_first_free_slot_async(api: MockAPI, make_async_cal: Any) -> None:
    api.on("GET", "/v2/slots", ok(SLOTS))
    async with make_async_cal() as cal:
        page = await cal.slots.list(start=dt.date(2026, 10, 13), end=dt.date(2026, 10, 13))
        (day, slots), *_ = page.data.items()
        await cal.bookings.create(start=slots[-1].start, event_type_id=7, attendee=ATTENDEE)
    assert day == "2026-10-12"
    assert _sent_json(api)["start"] == "2026-10-12T13:30:00Z"


def test_live_slots_answer_books_through_the_client(api: MockAPI, make_cal: Any) -> None:
    capture = LIVE / "list_available_slots.json"
    if not capture.is_file():
        pytest.skip("../shared/live-server is not on this machine")
    exchange = json.loads(capture.read_text())
    api.on("GET", "/v2/slots", ok(exchange["response_body"]))
    from calcom import strict_parsing

    cal = make_cal()
    with strict_parsing():  # the live answer parses with nothing kept raw
        page = cal.slots.list(
            start=dt.date(2026, 12, 14), end=dt.date(2026, 12, 15), event_type_id=3
        )
    assert set(page.data) == set(exchange["response_body"]["data"])
    day, slots = next(iter(page.data.items()))
    cal.slots.reservations.create(event_type_id=3, slot_start=slots[0].start, slot_duration=30)
    wire = exchange["response_body"]["data"][day][0]["start"]  # e.g. ...T09:00:00.000+00:00
    assert _sent_json(api)["slotStart"] == wire.replace(".000+00:00", "Z")


# --- ids -----------------------------------------------------------------------------


def test_ids_from_one_call_go_into_the_next(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal()
    cal.event_types.get(3)
    cal.schedules.update(2, name="Evening")
    cal.orgs.teams.stripe.get_connect_url(
        100, 4, return_to="https://x", on_error_return_to="https://y"
    )
    assert [r.url.path for r in api.requests] == [
        "/v2/event-types/3",
        "/v2/schedules/2",
        "/v2/organizations/100/teams/4/stripe/connect",
    ]


def test_id_list_filters_are_comma_joined(api: MockAPI, make_cal: Any) -> None:
    make_cal().bookings.list(event_type_ids=[100, 200], teams_ids=[5], event_type_id=100, team_id=5)
    params = api.requests[0].url.params
    assert params.get_list("eventTypeIds") == ["100,200"]
    assert params.get_list("teamsIds") == ["5"]
    assert (params["eventTypeId"], params["teamId"]) == ("100", "5")
