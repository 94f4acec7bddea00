"""Retries: what is retried, how long the client waits, and what is never sent twice.

The clients get a recording `sleep` (the `sleeps` fixture): no test really waits.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from _calmock import BOOKING_INPUT, ME, MockAPI, body_for, fail, ok, raises
from calcom import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
)

RATE_LIMITED = {"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}
SERVER_ERROR = {"statusCode": 500, "message": "Internal server error"}


@pytest.fixture
def booking() -> Any:
    """A CreateBookingInput body (built through the method's signature)."""
    from calcom import Cal

    return body_for(Cal(api_key="cal_x").bookings.create, BOOKING_INPUT)


# --- 429 ---------------------------------------------------------------------------


def test_429_retry_after_seconds(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED, {"Retry-After": "2"}), ok(ME))
    assert make_cal().me.get().data.id == 7
    assert sleeps == [2.0]
    assert len(api.requests) == 2


def test_429_retry_after_http_date(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED, {"Retry-After": when}), ok(ME))
    make_cal().me.get()
    (wait,) = sleeps
    assert 27 <= wait <= 30


def test_429_cal_rate_limit_reset_seconds(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    headers = {
        "X-RateLimit-Limit-Default": "120",
        "X-RateLimit-Remaining-Default": "0",
        "X-RateLimit-Reset-Default": "3",
    }
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED, headers), ok(ME))
    make_cal().me.get()
    assert sleeps == [3.0]


def test_429_cal_rate_limit_reset_timestamp(
    api: MockAPI, make_cal: Any, sleeps: list[float]
) -> None:
    reset = str(int(time.time()) + 5)
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED, {"X-RateLimit-Reset-Default": reset}), ok(ME))
    make_cal().me.get()
    (wait,) = sleeps
    assert 3 <= wait <= 5


def test_429_without_hint_backs_off(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED), fail(429, RATE_LIMITED), ok(ME))
    make_cal().me.get()
    assert len(sleeps) == 2
    assert all(0 < wait <= 8 for wait in sleeps)


def test_429_on_post_is_retried(
    api: MockAPI, make_cal: Any, sleeps: list[float], booking: Any
) -> None:
    """A 429 is refused before any work is done: even a create can be resent."""
    api.on("POST", "/v2/bookings", fail(429, RATE_LIMITED, {"Retry-After": "1"}), ok(status=201))
    make_cal().bookings.create(body=booking)
    assert len(api.sent("POST", "/v2/bookings")) == 2
    assert sleeps == [1.0]


def test_429_asking_too_long_raises(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED, {"Retry-After": "3600"}))
    with pytest.raises(RateLimitError):
        make_cal().me.get()
    assert sleeps == []
    assert len(api.requests) == 1


def test_429_retries_run_out(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(429, RATE_LIMITED, {"Retry-After": "1"}))
    with pytest.raises(RateLimitError) as caught:
        make_cal(max_retries=3).me.get()
    assert caught.value.status_code == 429
    assert len(api.requests) == 4
    assert sleeps == [1.0, 1.0, 1.0]


# --- 5xx ---------------------------------------------------------------------------


def test_500_on_create_booking_is_never_resent(
    api: MockAPI, make_cal: Any, sleeps: list[float], booking: Any
) -> None:
    api.on("POST", "/v2/bookings", fail(500, SERVER_ERROR), ok(status=201))
    with pytest.raises(InternalServerError):
        make_cal(max_retries=5).bookings.create(body=booking)
    assert len(api.sent("POST", "/v2/bookings")) == 1
    assert sleeps == []


def test_500_on_get_is_retried_then_succeeds(
    api: MockAPI, make_cal: Any, sleeps: list[float]
) -> None:
    api.on("GET", "/v2/me", fail(500, SERVER_ERROR), fail(503, SERVER_ERROR), ok(ME))
    assert make_cal().me.get().data.id == 7
    assert len(api.requests) == 3
    assert len(sleeps) == 2


def test_500_on_get_retries_run_out(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(500, SERVER_ERROR))
    with pytest.raises(InternalServerError):
        make_cal().me.get()  # default max_retries=2
    assert len(api.requests) == 3
    assert len(sleeps) == 2
    # Exponential backoff with jitter, capped.
    assert 0.25 <= sleeps[0] <= 0.5
    assert 0.5 <= sleeps[1] <= 1.0


def test_4xx_is_not_retried(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/bookings/uid1", fail(404, {"statusCode": 404, "message": "nope"}))
    with pytest.raises(Exception):  # noqa: B017 - the class is tested in test_client_errors
        make_cal().bookings.get("uid1")
    assert len(api.requests) == 1
    assert sleeps == []


def test_max_retries_zero_disables(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(500, SERVER_ERROR), ok(ME))
    with pytest.raises(InternalServerError):
        make_cal(max_retries=0).me.get()
    assert len(api.requests) == 1
    api.requests.clear()
    api.on("GET", "/v2/slots", fail(429, RATE_LIMITED, {"Retry-After": "1"}), ok())
    with pytest.raises(RateLimitError):
        make_cal(max_retries=0).slots.list(start=date(2026, 9, 1), end=date(2026, 9, 2))
    assert len(api.requests) == 1
    assert sleeps == []


def test_max_retries_must_not_be_negative() -> None:
    from calcom import Cal

    with pytest.raises(ValueError):
        Cal(api_key="cal_x", max_retries=-1)


def test_per_call_max_retries(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(500, SERVER_ERROR))
    cal = make_cal(max_retries=2)
    with pytest.raises(InternalServerError):
        cal.me.get.with_options(max_retries=0)()
    assert len(api.requests) == 1
    api.requests.clear()
    with pytest.raises(InternalServerError):
        cal.me.get.with_options(max_retries=4)()
    assert len(api.requests) == 5
    assert len(sleeps) == 4


# --- transport errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "raised"),
    [(httpx.ReadTimeout, APITimeoutError), (httpx.ConnectError, APIConnectionError)],
)
def test_transport_errors_on_get_are_retried(
    api: MockAPI, make_cal: Any, sleeps: list[float], error: Any, raised: Any
) -> None:
    api.on("GET", "/v2/me", raises(error), ok(ME))
    assert make_cal().me.get().data.id == 7
    assert len(api.requests) == 2
    assert len(sleeps) == 1

    api.requests.clear()
    api.on("GET", "/v2/schedules", raises(error))
    with pytest.raises(raised) as caught:
        make_cal(max_retries=2).schedules.list()
    assert len(api.requests) == 3
    assert caught.value.request.url.path == "/v2/schedules"


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (httpx.ReadTimeout, APITimeoutError),
        (httpx.ReadError, APIConnectionError),
        (httpx.RemoteProtocolError, APIConnectionError),
    ],
)
def test_transport_errors_on_post_are_not_retried(
    api: MockAPI, make_cal: Any, sleeps: list[float], error: Any, raised: Any, booking: Any
) -> None:
    """The request was sent and no answer came: the server may have made the booking."""
    api.on("POST", "/v2/bookings", raises(error), ok(status=201))
    with pytest.raises(raised, match="not resent"):
        make_cal(max_retries=5).bookings.create(body=booking)
    assert len(api.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.PoolTimeout,
        httpx.WriteError,
        httpx.WriteTimeout,
    ],
)
def test_post_that_never_left_is_retried(
    api: MockAPI, make_cal: Any, sleeps: list[float], error: Any, booking: Any
) -> None:
    """No connection, no pool slot, or a write that failed: no server can have acted on it."""
    api.on("POST", "/v2/bookings", raises(error), ok(status=201))
    make_cal().bookings.create(body=booking)
    assert len(api.requests) == 2
    assert len(sleeps) == 1


def test_local_protocol_errors_are_not_retried(
    api: MockAPI, make_cal: Any, sleeps: list[float]
) -> None:
    api.on("GET", "/v2/me", raises(httpx.LocalProtocolError), ok(ME))
    with pytest.raises(APIConnectionError):
        make_cal().me.get()
    assert len(api.requests) == 1 and sleeps == []


def test_timeout_is_a_connection_error() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)


# --- async -----------------------------------------------------------------------------


async def test_async_429_and_500(api: MockAPI, make_async_cal: Any, sleeps: list[float]) -> None:
    api.on(
        "GET",
        "/v2/me",
        fail(429, RATE_LIMITED, {"Retry-After": "2"}),
        fail(502, "<html>Bad gateway</html>"),
        ok(ME),
    )
    me = await make_async_cal().me.get()
    assert me.data.id == 7
    assert len(api.requests) == 3
    assert sleeps[0] == 2.0 and len(sleeps) == 2


async def test_async_500_on_post_is_never_resent(
    api: MockAPI, make_async_cal: Any, sleeps: list[float], booking: Any
) -> None:
    api.on("POST", "/v2/bookings", fail(500, SERVER_ERROR), ok(status=201))
    with pytest.raises(InternalServerError):
        await make_async_cal().bookings.create(body=booking)
    assert len(api.requests) == 1
    assert sleeps == []


async def test_async_timeout_on_get_is_retried(
    api: MockAPI, make_async_cal: Any, sleeps: list[float]
) -> None:
    api.on("GET", "/v2/me", raises(httpx.ReadTimeout))
    with pytest.raises(APITimeoutError):
        await make_async_cal(max_retries=1).me.get()
    assert len(api.requests) == 2
    assert len(sleeps) == 1
