"""The promises that held in the fault campaign, kept: no POST is sent twice after
a fault that is not a 429, 429/5xx/timeouts are retried, max_retries=0 sends once."""

from __future__ import annotations

from typing import Any

import pytest
from _faultserver import (
    ME,
    FaultServer,
    answer,
    booking,
    hang,
    reply,
    reset_before_answer,
    reset_mid_body,
)
from _scenarios import booking_kwargs
from calcom import APIConnectionError, APIStatusError, CalError, RateLimitError

NON_429_FAULTS = {
    "500": reply(500, {"statusCode": 500, "message": "boom"}),
    "502 html": reply(502, body=b"<html>bad gateway</html>", headers={"content-type": "text/html"}),
    "503": reply(503, {"statusCode": 503, "message": "busy"}, headers={"retry-after": "0"}),
    "reset before answer": reset_before_answer(),
    "reset mid body": reset_mid_body(201),
    "hang": hang(),
}


def _created() -> Any:
    return answer(lambda r: (201, {"status": "success", "data": booking("uid-9", "created")}))


@pytest.mark.parametrize("fault", list(NON_429_FAULTS))
def test_no_post_is_sent_twice_after_a_non_429_fault(
    api: FaultServer, make_cal: Any, fault: str
) -> None:
    api.route("POST", "/v2/bookings", NON_429_FAULTS[fault], _created())
    with pytest.raises(CalError):
        make_cal(max_retries=5, timeout=0.3).bookings.create(**booking_kwargs())
    assert api.count("POST", "/v2/bookings") == 1


@pytest.mark.parametrize("fault", list(NON_429_FAULTS))
async def test_async_no_post_is_sent_twice(
    api: FaultServer, make_async_cal: Any, fault: str
) -> None:
    api.route("POST", "/v2/bookings", NON_429_FAULTS[fault], _created())
    cal = make_async_cal(max_retries=5, timeout=0.3)
    with pytest.raises(CalError):
        await cal.bookings.create(**booking_kwargs())
    assert api.count("POST", "/v2/bookings") == 1
    await cal.close()


def test_429_on_a_post_is_retried(api: FaultServer, make_cal: Any, sleeps: list[float]) -> None:
    api.route(
        "POST",
        "/v2/bookings",
        reply(429, {"message": "slow"}, headers={"retry-after": "1"}),
        _created(),
    )
    assert make_cal().bookings.create(**booking_kwargs()).data.uid == "uid-9"
    assert api.count("POST", "/v2/bookings") == 2 and sleeps == [1.0]


@pytest.mark.parametrize("fault", list(NON_429_FAULTS))
def test_faults_on_a_get_are_retried(
    api: FaultServer, make_cal: Any, sleeps: list[float], fault: str
) -> None:
    api.route("GET", "/v2/me", NON_429_FAULTS[fault], reply(200, ME))
    assert make_cal(timeout=0.3).me.get().data.id == 7
    assert api.count("GET", "/v2/me") == 2 and len(sleeps) == 1


@pytest.mark.parametrize("fault", ["429", "503", "reset before answer", "hang"])
def test_max_retries_zero_sends_once(api: FaultServer, make_cal: Any, fault: str) -> None:
    faults = {**NON_429_FAULTS, "429": reply(429, {"message": "x"}, headers={"retry-after": "0"})}
    api.route("GET", "/v2/me", faults[fault], reply(200, ME))
    with pytest.raises((APIStatusError, APIConnectionError)) as caught:
        make_cal(max_retries=0, timeout=0.3).me.get()
    assert api.count("GET", "/v2/me") == 1
    if fault == "429":
        assert isinstance(caught.value, RateLimitError)
