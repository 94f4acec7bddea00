"""Parsing answers: leniency (and strict mode), pagination, raw responses."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import pytest
from _calmock import ME, MockAPI, booking, bookings_page, ok
from calcom import APIResponse, ResponseParseError, strict_parsing

# --- leniency ------------------------------------------------------------------------


def _surprising_booking(status: str) -> dict[str, Any]:
    return {
        "status": "success",
        "data": booking(1, status=status, eventType=None, brandNewField={"x": 1}),
    }


def test_unknown_enum_extra_field_and_null_are_kept(api: MockAPI, make_cal: Any) -> None:
    status = f"awaiting_{uuid.uuid4().hex[:8]}"
    api.on("GET", "/v2/bookings/uid0001", ok(_surprising_booking(status)))
    got = make_cal().bookings.get("uid0001").data
    assert got.uid == "uid0001"
    assert got.status == status  # the raw value, reachable as is
    assert got.additional_properties["brandNewField"] == {"x": 1}
    assert got.event_type is None  # required nested model, null on the wire: raw kept
    assert got.attendees[0].email == "bob@example.com"  # the rest parsed as usual


def test_surprises_are_logged_once_at_debug(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from calcom._lenient import forget_reported

    forget_reported()  # once per (model, field, kind): an earlier test may have logged it
    status = f"awaiting_{uuid.uuid4().hex[:8]}"
    api.on("GET", "/v2/bookings/uid0001", ok(_surprising_booking(status)))
    cal = make_cal()
    with caplog.at_level(logging.DEBUG, logger="calcom"):
        cal.bookings.get("uid0001")
        cal.bookings.get("uid0001")
    about = [r for r in caplog.records if status in r.getMessage()]
    assert len(about) == 1
    assert about[0].levelno == logging.DEBUG
    assert about[0].name == "calcom"


def test_strict_client_raises(api: MockAPI, make_cal: Any) -> None:
    status = f"awaiting_{uuid.uuid4().hex[:8]}"
    api.on("GET", "/v2/bookings/uid0001", ok(_surprising_booking(status)))
    with pytest.raises(ResponseParseError) as caught:
        make_cal(strict=True).bookings.get("uid0001")
    assert caught.value.response.status_code == 200


def test_strict_client_raises_on_null_nested_model(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET", "/v2/bookings/uid0001", ok({"status": "success", "data": booking(1, eventType=None)})
    )
    with pytest.raises(ResponseParseError):
        make_cal(strict=True).bookings.get("uid0001")


def test_strict_client_accepts_a_conforming_answer(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings/uid0001", ok({"status": "success", "data": booking(1)}))
    got = make_cal(strict=True).bookings.get("uid0001").data
    assert got.status == "accepted"


def test_strict_parsing_context(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings/uid0001", ok(_surprising_booking("odd")))
    cal = make_cal()
    with strict_parsing(), pytest.raises(ResponseParseError):
        cal.bookings.get("uid0001")
    cal.bookings.get("uid0001")  # lenient again outside the block


def test_non_json_success_raises_parse_error(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/me", lambda request: httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(ResponseParseError) as caught:
        make_cal().me.get()
    assert caught.value.response.text == "<html>maintenance</html>"


# --- pagination ------------------------------------------------------------------------


def _skips(api: MockAPI) -> list[int]:
    return [int(r.url.params["skip"]) for r in api.sent("GET", "/v2/bookings")]


def test_iter_walks_pages_until_a_short_one(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)], has_next=True)),
        ok(bookings_page([booking(3), booking(4)], has_next=True)),
        ok(bookings_page([booking(5)], has_next=False)),
        ok(bookings_page([booking(99)], has_next=False)),  # must never be asked for
    )
    uids = [b.uid for b in make_cal().bookings.list.iter(take=2)]
    assert uids == ["uid0001", "uid0002", "uid0003", "uid0004", "uid0005"]
    assert _skips(api) == [0, 2, 4]
    assert {r.url.params["take"] for r in api.requests} == {"2"}


def test_short_page_stops_without_pagination_meta(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)])),
        ok(bookings_page([booking(3)])),
        ok(bookings_page([booking(99)])),
    )
    assert len(list(make_cal().bookings.list.iter(take=2))) == 3
    assert _skips(api) == [0, 2]


def test_short_page_against_the_default_page_size(api: MockAPI, make_cal: Any) -> None:
    """No `take` given: the server pages by its default (100), so 2 items are the end."""
    api.on("GET", "/v2/bookings", ok(bookings_page([booking(1), booking(2)])))
    assert len(list(make_cal().bookings.list.iter())) == 2
    assert _skips(api) == [0]


def test_iter_stops_on_an_empty_page(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)])),
        ok(bookings_page([])),
        ok(bookings_page([booking(99)])),
    )
    assert [b.uid for b in make_cal().bookings.list.iter(take=2)] == ["uid0001", "uid0002"]
    assert _skips(api) == [0, 2]


def test_iter_stops_on_a_page_without_a_list(api: MockAPI, make_cal: Any) -> None:
    """Leniency keeps what came instead of `data`; iteration ends rather than crashing."""
    api.on("GET", "/v2/bookings", ok({"status": "success", "data": None}))
    assert list(make_cal().bookings.list.iter(take=2)) == []
    assert len(api.requests) == 1


def test_iter_stops_when_the_server_says_no_next_page(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)], has_next=False)),
        ok(bookings_page([booking(3), booking(4)], has_next=False)),
    )
    assert len(list(make_cal().bookings.list.iter(take=2))) == 2
    assert _skips(api) == [0]


def test_iter_follows_has_next_page_past_a_capped_page(api: MockAPI, make_cal: Any) -> None:
    """A server that caps `take` answers fewer items than asked; hasNextPage decides."""
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)], has_next=True)),
        ok(bookings_page([booking(3)], has_next=False)),
    )
    assert len(list(make_cal().bookings.list.iter(take=5))) == 3
    assert _skips(api) == [0, 2]


@pytest.mark.parametrize("has_more", [True, False])
def test_iter_stops_after_a_cursor_page(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture, has_more: bool
) -> None:
    """cal-api-version 2026-05-01 pages by cursor ({nextCursor, hasMore}), which the
    pinned spec cannot ask for: one page, never an offset request that repeats it."""
    page = {
        "status": "success",
        "data": [booking(1), booking(2)],
        "pagination": {"nextCursor": "c2" if has_more else None, "hasMore": has_more},
    }
    api.on("GET", "/v2/bookings", ok(page), ok(page))
    cal = make_cal(api_versions={"bookings": "2026-05-01"})
    with caplog.at_level(logging.WARNING, logger="calcom"):
        assert len(list(cal.bookings.list.iter(take=2))) == 2
    assert len(api.requests) == 1
    assert any("cursor page" in r.getMessage() for r in caplog.records) is has_more


def test_iter_stops_when_the_server_ignores_skip(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings", ok(bookings_page([booking(1), booking(2)])))
    assert len(list(make_cal().bookings.list.iter(take=2))) == 2
    assert len(api.requests) == 2


def test_iter_starts_at_the_given_skip_and_keeps_filters(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)])),
        ok(bookings_page([])),
    )
    list(make_cal().bookings.list.iter(take=2, skip=10, attendee_email="bob@example.com"))
    assert _skips(api) == [10, 12]
    assert {r.url.params["attendeeEmail"] for r in api.requests} == {"bob@example.com"}


def test_pages_yields_whole_pages(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)], has_next=True)),
        ok(bookings_page([booking(3)], has_next=False)),
    )
    pages = list(make_cal().bookings.list.pages(take=2))
    assert [len(page.data) for page in pages] == [2, 1]
    assert pages[0].pagination.has_next_page is True


def test_iter_is_lazy(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings", ok(bookings_page([booking(1), booking(2)], has_next=True)))
    first = next(iter(make_cal().bookings.list.iter(take=2)))
    assert first.uid == "uid0001"
    assert len(api.requests) == 1


async def test_async_iter(api: MockAPI, make_async_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)], has_next=True)),
        ok(bookings_page([booking(3), booking(4)], has_next=True)),
        ok(bookings_page([booking(5)], has_next=False)),
    )
    uids = [b.uid async for b in make_async_cal().bookings.list.iter(take=2)]
    assert uids == ["uid0001", "uid0002", "uid0003", "uid0004", "uid0005"]
    assert _skips(api) == [0, 2, 4]


async def test_async_iter_stops_on_an_empty_page(api: MockAPI, make_async_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)])),
        ok(bookings_page([])),
    )
    assert len([b async for b in make_async_cal().bookings.list.iter(take=2)]) == 2
    assert _skips(api) == [0, 2]


async def test_async_iter_stops_when_the_server_ignores_skip(
    api: MockAPI, make_async_cal: Any
) -> None:
    api.on("GET", "/v2/bookings", ok(bookings_page([booking(1), booking(2)])))
    assert len([b async for b in make_async_cal().bookings.list.iter(take=2)]) == 2
    assert len(api.requests) == 2


def test_iter_other_paginated_operations(api: MockAPI, make_cal: Any) -> None:
    """org team memberships: path parameters are kept on every page."""
    path = "/v2/organizations/1/teams/2/memberships"
    member = {"id": 1, "userId": 5, "teamId": 2, "accepted": True, "role": "MEMBER"}
    api.on(
        "GET",
        path,
        ok({"status": "success", "data": [member, {**member, "id": 2}]}),
        ok({"status": "success", "data": [{**member, "id": 3}]}),
    )
    cal = make_cal()
    assert [m.id for m in cal.orgs.teams.memberships.list.iter(1, 2, take=2)] == [1, 2, 3]
    assert [r.url.params["skip"] for r in api.sent("GET", path)] == ["0", "2"]


# --- raw responses -----------------------------------------------------------------------


def test_with_raw_response(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET", "/v2/me", ok(ME, headers={"x-request-id": "req-9", "X-RateLimit-Remaining": "99"})
    )
    raw = make_cal().me.get.with_raw_response()
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-9"
    assert raw.headers["x-ratelimit-remaining"] == "99"
    assert raw.json() == ME
    me = raw.parse()
    assert me.data.username == "ada"
    assert raw.parse() is me  # parsed once


def test_with_raw_response_keeps_options(api: MockAPI, make_cal: Any) -> None:
    raw = make_cal().bookings.get.with_options(api_version="2026-02-25").with_raw_response("u1")
    assert raw.http_response.request.headers["cal-api-version"] == "2026-02-25"


async def test_async_with_raw_response(api: MockAPI, make_async_cal: Any) -> None:
    api.on("GET", "/v2/me", ok(ME, headers={"x-request-id": "req-9"}))
    raw = await make_async_cal().me.get.with_raw_response()
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-9"
    assert raw.parse().data.id == 7


def test_parsed_models_pickle_and_copy(api: MockAPI, make_cal: Any) -> None:
    """Models are slotted attrs classes without attrs' __getstate__: protocol-2
    pickling and deepcopy must still carry every field, extras and raw markers."""
    import copy
    import pickle

    api.on("GET", "/v2/bookings/uid0001", ok(_surprising_booking("awaiting_pickle")))
    got = make_cal().bookings.get("uid0001").data
    for clone in (pickle.loads(pickle.dumps(got)), copy.deepcopy(got)):
        assert clone == got
        assert clone.to_dict() == got.to_dict()
        assert clone.additional_properties == {"brandNewField": {"x": 1}}
