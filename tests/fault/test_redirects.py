"""Item 1 and 14: credentials never leave for another origin; 3xx is not an APIStatusError.

A user-supplied `httpx.Client(follow_redirects=True)` is the dangerous case: httpx
follows and strips only `Authorization`, so `x-cal-secret-key` and a re-POSTed
body would reach the other host. The client does its own (same-origin) following.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _faultserver import (
    BOOKING_INPUT,
    CLIENT_ID,
    CLIENT_SECRET,
    ME,
    FaultServer,
    booking,
    redirect,
    reply,
)
from calcom import APIStatusError, CalError, RedirectError

STATUSES = [301, 302, 303, 307, 308]


def _platform(make: Any, **kwargs: Any) -> Any:
    return make(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **kwargs)


@pytest.mark.parametrize("status", STATUSES)
def test_nothing_reaches_another_origin_even_with_a_following_client(
    api: FaultServer, other: FaultServer, make_cal: Any, status: int
) -> None:
    path = f"/v2/oauth-clients/{CLIENT_ID}/users"
    api.route("POST", path, redirect(status, f"{other.url}{path}"))
    other.route("POST", path, reply(201, {"status": "success", "data": {}}))
    other.route("GET", path, reply(200, {"status": "success", "data": []}))
    with httpx.Client(follow_redirects=True) as http:
        cal = _platform(make_cal, http_client=http)
        with pytest.raises(RedirectError) as caught:
            cal.platform.managed_users.create(CLIENT_ID, email="u@example.com", name="U")
    assert other.received == []  # no secret, no body, not even a GET
    assert api.count("POST", path) == 1
    error = caught.value
    assert isinstance(error, CalError) and not isinstance(error, APIStatusError)
    assert error.status_code == status and error.location == f"{other.url}{path}"
    assert "another origin" in str(error) and other.url in str(error)


@pytest.mark.parametrize("status", STATUSES)
async def test_async_nothing_reaches_another_origin(
    api: FaultServer, other: FaultServer, make_async_cal: Any, status: int
) -> None:
    api.route("GET", "/v2/me", redirect(status, f"{other.url}/v2/me"))
    other.route("GET", "/v2/me", reply(200, ME))
    async with httpx.AsyncClient(follow_redirects=True) as http:
        cal = make_async_cal(http_client=http)
        with pytest.raises(RedirectError):
            await cal.me.get()
    assert other.received == []


def test_same_origin_redirect_is_followed_with_its_method(api: FaultServer, make_cal: Any) -> None:
    """307/308 keep the method and body (same server); 303 turns a POST into a GET."""
    api.route("GET", "/v2/me", redirect(308, "/v2/me-moved"))
    api.route("GET", "/v2/me-moved", reply(200, ME))
    api.route("POST", "/v2/bookings", redirect(307, "/v2/bookings-moved"))
    api.route(
        "POST", "/v2/bookings-moved", reply(201, {"status": "success", "data": booking("u1", "t")})
    )
    cal = make_cal()
    assert cal.me.get().data.id == 7
    created = cal.bookings.create(**_booking_kwargs())
    assert created.data.uid == "u1"
    (moved,) = api.sent("POST", "/v2/bookings-moved")
    assert moved.json()["eventTypeId"] == 11
    assert moved.headers["authorization"].startswith("Bearer ")


def test_too_many_redirects_is_a_cal_error(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", redirect(302, "/v2/me"))
    with httpx.Client(follow_redirects=True, max_redirects=2) as http:
        with pytest.raises(RedirectError, match="redirects"):
            make_cal(http_client=http).me.get()
    assert api.count("GET", "/v2/me") == 6  # the first answer and five same-origin hops


def test_a_3xx_without_location_is_not_an_api_status_error(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", reply(304, body=b""))
    with pytest.raises(RedirectError) as caught:
        make_cal().me.get()
    assert not isinstance(caught.value, APIStatusError)


def test_scheme_change_is_another_origin(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", redirect(301, f"https://127.0.0.1:{api.port}/v2/me"))
    with pytest.raises(RedirectError, match="base_url"):
        make_cal().me.get()


def _booking_kwargs() -> dict[str, Any]:
    from datetime import UTC, datetime

    from calcom.models import CreateBookingAttendee

    return {
        "start": datetime(2026, 9, 1, 10, tzinfo=UTC),
        "event_type_id": BOOKING_INPUT["eventTypeId"],
        "attendee": CreateBookingAttendee(name="Bob", email="bob@example.com", time_zone="UTC"),
    }
