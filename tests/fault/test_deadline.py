"""Item 7: `deadline` bounds a whole call (attempts, waits, redirects, refresh).

`timeout` bounds each network wait; a server dripping one byte at a time never
trips it. The bounds asserted here are generous multiples of the deadline: they
check that the call ends, not how fast the machine is."""

from __future__ import annotations

import time
from typing import Any

import pytest
from _faultserver import ME, FaultServer, drip, drip_head, hang, reply
from _scenarios import booking_kwargs
from calcom import APITimeoutError, InternalServerError, RateLimitError


def test_a_dripping_server_cannot_hold_a_call_past_its_deadline(
    api: FaultServer, make_cal: Any
) -> None:
    api.route("GET", "/v2/me", drip(every=0.1, size=200))  # 20 s in total
    cal = make_cal(timeout=1.0, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline of 1 s"):
        cal.me.get()
    assert time.monotonic() - started < 5
    assert api.count("GET", "/v2/me") == 1  # no time was left for a retry


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_headers_dripped_a_byte_at_a_time_cannot_hold_a_sync_call_past_its_deadline(
    api: FaultServer, make_cal: Any, method: str
) -> None:
    # ~10 s of dripped headers; each byte comes well within the 1 s read timeout.
    path = "/v2/me" if method == "GET" else "/v2/bookings"
    api.route(method, path, drip_head(every=0.1))
    cal = make_cal(timeout=1.0, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline of 1 s"):
        if method == "GET":
            cal.me.get()
        else:
            cal.bookings.create(**booking_kwargs())
    assert time.monotonic() - started < 3
    assert api.count(method, path) == 1


def test_a_far_deadline_still_bounds_a_dripped_head(api: FaultServer, make_cal: Any) -> None:
    # The deadline (1.5 s) is farther than a read timeout (1 s) at the start, so
    # the timeouts are not shrunk: the socket waits end at the deadline anyway.
    api.route("GET", "/v2/me", drip_head(every=0.3))
    cal = make_cal(timeout=1.0, deadline=1.5, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline of 1.5 s"):
        cal.me.get()
    assert time.monotonic() - started < 3.5


def test_a_client_passed_in_is_not_rewired(api: FaultServer, make_cal: Any) -> None:
    import httpx

    own = httpx.Client()
    before = own._transport._pool._network_backend  # type: ignore[attr-defined]
    make_cal(http_client=own)
    assert own._transport._pool._network_backend is before  # type: ignore[attr-defined]
    own.close()


def test_an_owned_client_is_bound_by_the_deadline(make_cal: Any) -> None:
    from calcom._deadline_io import _Backend

    cal = make_cal()
    assert isinstance(cal._http._transport._pool._network_backend, _Backend)


async def test_async_deadline_cuts_a_drip_and_a_hang(api: FaultServer, make_async_cal: Any) -> None:
    api.route("GET", "/v2/me", drip(every=0.1, size=200))
    api.route("GET", "/v2/schedules", hang())
    cal = make_async_cal(timeout=None, deadline=0.8)
    for call in (cal.me.get, cal.schedules.list):
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline"):
            await call()
        assert time.monotonic() - started < 5
    await cal.close()


def test_per_call_deadline(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", hang())
    cal = make_cal(timeout=None, deadline=None)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline"):
        cal.me.get.with_options(deadline=0.5)()
    assert time.monotonic() - started < 5


def test_a_long_retry_after_is_not_slept_past_the_deadline(
    api: FaultServer, make_cal: Any, sleeps: list[float]
) -> None:
    api.route("GET", "/v2/me", reply(429, {"message": "slow down"}, headers={"retry-after": "30"}))
    with pytest.raises(RateLimitError) as caught:
        make_cal(deadline=10).me.get()
    assert sleeps == []
    assert any("deadline" in note for note in caught.value.__notes__)


def test_the_retry_loop_is_bounded_by_the_deadline(
    api: FaultServer, make_cal: Any, sleeps: list[float]
) -> None:
    """Many retries allowed, a 503 forever: the waits stop when the deadline would pass."""
    api.route("GET", "/v2/me", reply(503, {"message": "busy"}))
    with pytest.raises(InternalServerError):
        make_cal(max_retries=50, deadline=3.0).me.get()
    assert 0 < sum(sleeps) < 3.0
    assert api.count("GET", "/v2/me") == len(sleeps) + 1 < 51


def test_a_call_within_its_deadline_is_untouched(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", reply(200, ME))
    assert make_cal(deadline=30).me.get().data.id == 7


@pytest.mark.parametrize("bad", [0, -1.0])
def test_deadline_must_be_positive(bad: float) -> None:
    from calcom import Cal

    with pytest.raises(ValueError, match="deadline"):
        Cal(api_key="cal_x", deadline=bad)
