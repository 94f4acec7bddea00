"""Item 9: with several rate-limit buckets, the exhausted one decides the wait."""

from __future__ import annotations

from typing import Any

import httpx
from _faultserver import ME, FaultServer, reply
from calcom._retry import server_wait

BUCKETS = {
    # The first bucket still has room; the second refused us and resets in 2 s.
    "X-RateLimit-Limit-Long": "1000",
    "X-RateLimit-Remaining-Long": "870",
    "X-RateLimit-Reset-Long": "49.5",
    "X-RateLimit-Limit-Short": "10",
    "X-RateLimit-Remaining-Short": "0",
    "X-RateLimit-Reset-Short": "2",
}


def test_the_exhausted_bucket_wins(api: FaultServer, make_cal: Any, sleeps: list[float]) -> None:
    api.route(
        "GET",
        "/v2/me",
        reply(429, {"message": "ThrottlerException"}, headers=BUCKETS),
        reply(200, ME),
    )
    make_cal().me.get()
    assert sleeps == [2.0]


def test_several_exhausted_buckets_wait_for_the_last() -> None:
    headers = {**BUCKETS, "X-RateLimit-Remaining-Long": "0"}
    assert server_wait(headers) == 49.5


def test_without_remaining_the_soonest_reset_is_tried() -> None:
    headers = {"X-RateLimit-Reset-Long": "49.5", "X-RateLimit-Reset-Short": "2"}
    assert server_wait(headers) == 2.0


def test_retry_after_still_wins() -> None:
    assert server_wait(httpx.Headers({**BUCKETS, "Retry-After": "7"})) == 7.0
