"""Items 2, 5, 6 and 14: token refresh under faults and concurrency.

One refresh attempt per expiry; its outcome (the new pair or the error) is
shared by every caller waiting for it, and a refresh token the server may
have spent is never sent again. The rotated pair is handed to
`on_token_refresh` until the callback accepts it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from _faultserver import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    ME,
    NEW_ACCESS_TOKEN,
    PLATFORM_REFRESH,
    REFRESH_TOKEN,
    FaultServer,
    hang,
    platform_tokens,
    reply,
    reset_before_answer,
    reset_mid_body,
    slow,
)
from calcom import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CalError,
    InternalServerError,
    ResponseParseError,
    TokenCallbackError,
    TokenPair,
)


def managed_user(**changes: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_expires_at": time.time() - 10,  # expired: refreshed before the first call
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    kwargs.update(changes)
    return kwargs


def serve_me(api: FaultServer) -> None:
    api.route("GET", "/v2/me", reply(200, ME))


FAILURES = [
    (reply(400, {"statusCode": 400, "message": "invalid refresh token"}), BadRequestError),
    (reply(401, {"statusCode": 401, "message": "Unauthorized"}), AuthenticationError),
    (reply(500, {"statusCode": 500, "message": "boom"}), InternalServerError),
    (reset_before_answer(), APIConnectionError),
    (reset_mid_body(), ResponseParseError),
    (reply(200, body=b"<html>garbage</html>"), ResponseParseError),
]


@pytest.mark.parametrize(("failure", "raised"), FAILURES)
async def test_failing_refresh_is_sent_once_for_all_concurrent_calls(
    api: FaultServer, make_async_cal: Any, failure: Any, raised: type[Exception]
) -> None:
    api.route("POST", PLATFORM_REFRESH, failure)
    serve_me(api)
    cal = make_async_cal(**managed_user())
    results = await asyncio.gather(*(cal.me.get() for _ in range(30)), return_exceptions=True)
    assert api.count("POST", PLATFORM_REFRESH) == 1
    assert all(isinstance(result, raised) for result in results), results
    assert len({id(result) for result in results}) == 1  # one outcome, shared
    assert api.count("GET", "/v2/me") == 0


@pytest.mark.parametrize(("failure", "raised"), FAILURES)
def test_failing_refresh_is_sent_once_for_all_threads(
    api: FaultServer, make_cal: Any, failure: Any, raised: type[Exception]
) -> None:
    api.route("POST", PLATFORM_REFRESH, failure)
    serve_me(api)
    cal = make_cal(**managed_user())
    start = threading.Barrier(8)

    def call(_: int) -> Any:
        start.wait()
        try:
            return cal.me.get()
        except CalError as error:
            return error

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(8)))
    assert api.count("POST", PLATFORM_REFRESH) == 1
    assert all(isinstance(result, raised) for result in results), results


async def test_hanging_refresh_fails_every_waiter_at_once(
    api: FaultServer, make_async_cal: Any
) -> None:
    """Not in series (timeout, 2x timeout, 3x …): the waiters share the one timeout."""
    api.route("POST", PLATFORM_REFRESH, hang())
    serve_me(api)
    cal = make_async_cal(**managed_user(), timeout=0.3)
    results = await asyncio.gather(*(cal.me.get() for _ in range(20)), return_exceptions=True)
    assert api.count("POST", PLATFORM_REFRESH) == 1
    assert all(isinstance(result, APITimeoutError) for result in results), results


@pytest.mark.parametrize(
    "failure",
    [reset_before_answer(), reset_mid_body(), hang(), reply(200, body=b"not json")],
)
def test_a_possibly_spent_refresh_token_is_never_sent_again(
    api: FaultServer, make_cal: Any, failure: Any
) -> None:
    """The server may have rotated and its answer was lost: resending the spent
    token would trip reuse detection and revoke the session."""
    api.route("POST", PLATFORM_REFRESH, failure, reply(200, platform_tokens()))
    serve_me(api)
    cal = make_cal(**managed_user(), timeout=0.3)
    for _ in range(3):
        with pytest.raises(CalError) as caught:
            cal.me.get()
    assert api.count("POST", PLATFORM_REFRESH) == 1
    assert any("not sent again" in note for note in caught.value.__notes__)


def test_a_refused_refresh_is_not_repeated_by_later_calls(api: FaultServer, make_cal: Any) -> None:
    api.route("POST", PLATFORM_REFRESH, reply(401, {"statusCode": 401, "message": "revoked"}))
    cal = make_cal(**managed_user())
    for _ in range(3):
        with pytest.raises(AuthenticationError, match="revoked"):
            cal.me.get()
    assert api.count("POST", PLATFORM_REFRESH) == 1


def test_after_a_server_error_a_later_call_may_refresh_again(
    api: FaultServer, make_cal: Any
) -> None:
    """A 5xx says the refresh failed (nothing rotated): the next call tries again."""
    api.route(
        "POST",
        PLATFORM_REFRESH,
        reply(503, {"statusCode": 503, "message": "x"}),
        reply(200, platform_tokens()),
    )
    serve_me(api)
    cal = make_cal(**managed_user())
    with pytest.raises(InternalServerError):
        cal.me.get()
    assert cal.me.get().data.id == 7
    assert api.count("POST", PLATFORM_REFRESH) == 2


def test_a_refresh_that_never_left_is_retried(late: Any, make_cal: Any) -> None:
    """Connection refused on the refresh: the token was not sent, so it is sent again."""
    late.server.route("POST", PLATFORM_REFRESH, reply(200, platform_tokens()))
    late.server.route("GET", "/v2/me", reply(200, ME))
    waits: list[float] = []

    def come_up(seconds: float) -> None:
        waits.append(seconds)
        late.start()  # nobody listened for the first attempt; the retry finds the server

    cal = make_cal(**managed_user(), base_url=late.url, sleep=come_up)
    assert cal.me.get().data.id == 7
    assert len(waits) == 1
    assert late.server.count("POST", PLATFORM_REFRESH) == 1


def test_a_short_call_deadline_does_not_cut_a_refresh_in_flight(
    api: FaultServer, make_cal: Any
) -> None:
    """Cut off after sending, the refresh token might be spent for everybody: the
    refresh runs under the client's deadline, the impatient call alone fails."""
    api.route("POST", PLATFORM_REFRESH, slow(reply(200, platform_tokens()), 0.4))
    serve_me(api)
    cal = make_cal(**managed_user())
    with pytest.raises(APITimeoutError, match="deadline"):
        cal.me.get.with_options(deadline=0.2)()
    assert cal.tokens is not None and cal.tokens.access_token == NEW_ACCESS_TOKEN
    assert cal.me.get().data.id == 7
    assert api.count("POST", PLATFORM_REFRESH) == 1


async def test_a_waiter_gives_up_at_its_own_deadline(api: FaultServer, make_async_cal: Any) -> None:
    api.route("POST", PLATFORM_REFRESH, slow(reply(200, platform_tokens()), 0.5))
    serve_me(api)
    cal = make_async_cal(**managed_user())
    patient, hasty = await asyncio.gather(
        cal.me.get(), cal.me.get.with_options(deadline=0.15)(), return_exceptions=True
    )
    assert not isinstance(patient, BaseException) and patient.data.id == 7
    assert isinstance(hasty, APITimeoutError) and "deadline" in str(hasty)
    assert api.count("POST", PLATFORM_REFRESH) == 1
    await cal.close()


# --- item 5: the callback ------------------------------------------------------------


def test_raising_callback_is_called_again_until_it_accepts(api: FaultServer, make_cal: Any) -> None:
    api.route("POST", PLATFORM_REFRESH, reply(200, platform_tokens()))
    serve_me(api)
    stored: list[TokenPair] = []
    failures = [OSError("disk full")]

    def store(pair: TokenPair) -> None:
        if failures:
            raise failures.pop()
        stored.append(pair)

    cal = make_cal(**managed_user(on_token_refresh=store))
    with pytest.raises(TokenCallbackError) as caught:
        cal.me.get()
    assert isinstance(caught.value.__cause__, OSError)
    pending = cal.pending_tokens
    assert pending is not None and pending.access_token == NEW_ACCESS_TOKEN
    assert cal.tokens is pending  # the client already uses the new pair

    assert cal.me.get().data.id == 7
    assert stored == [pending] and cal.pending_tokens is None
    assert api.count("POST", PLATFORM_REFRESH) == 1
    (me,) = api.sent("GET", "/v2/me")
    assert me.headers["authorization"] == f"Bearer {NEW_ACCESS_TOKEN}"


async def test_async_raising_callback_is_called_again(
    api: FaultServer, make_async_cal: Any
) -> None:
    api.route("POST", PLATFORM_REFRESH, reply(200, platform_tokens()))
    serve_me(api)
    calls: list[TokenPair] = []

    async def store(pair: TokenPair) -> None:
        calls.append(pair)
        if len(calls) == 1:
            raise RuntimeError("db down")

    cal = make_async_cal(**managed_user(on_token_refresh=store))
    with pytest.raises(TokenCallbackError):
        await cal.me.get()
    await cal.me.get()
    assert len(calls) == 2 and calls[0] is calls[1]
    assert cal.pending_tokens is None


# --- item 6: short-lived tokens --------------------------------------------------------


@pytest.mark.parametrize("lifetime", [30.0, 5.0, -10.0])
def test_short_lived_or_skewed_tokens_do_not_refresh_on_every_call(
    api: FaultServer, make_cal: Any, lifetime: float
) -> None:
    """A token living under the 60 s margin, or already expired by our clock
    (the server's clock is behind): one refresh, not one per call."""
    api.route("POST", PLATFORM_REFRESH, reply(200, platform_tokens(expires_in=lifetime)))
    serve_me(api)
    cal = make_cal(**managed_user())
    for _ in range(10):
        cal.me.get()
    assert api.count("POST", PLATFORM_REFRESH) == 1


# --- item 14: the refresh request looks like every other ---------------------------------


def test_refresh_carries_user_agent_and_default_headers(api: FaultServer, make_cal: Any) -> None:
    api.route("POST", PLATFORM_REFRESH, reply(200, platform_tokens()))
    serve_me(api)
    make_cal(**managed_user(), default_headers={"X-App": "scheduler/1.2"}).me.get()
    (refresh,) = api.sent("POST", PLATFORM_REFRESH)
    (me,) = api.sent("GET", "/v2/me")
    assert refresh.headers["user-agent"] == me.headers["user-agent"]
    assert refresh.headers["user-agent"].startswith("calcom-client-python/")
    assert refresh.headers["x-app"] == "scheduler/1.2"


# --- the promise that held: one refresh under concurrency ---------------------------------


async def test_one_refresh_under_100_concurrent_calls(
    api: FaultServer, make_async_cal: Any
) -> None:
    api.route("POST", PLATFORM_REFRESH, reply(200, platform_tokens()))
    serve_me(api)
    rotated: list[TokenPair] = []
    cal = make_async_cal(**managed_user(on_token_refresh=rotated.append))
    results = await asyncio.gather(*(cal.me.get() for _ in range(100)))
    assert {r.data.id for r in results} == {7}
    assert api.count("POST", PLATFORM_REFRESH) == 1 and len(rotated) == 1
    assert {r.headers["authorization"] for r in api.sent("GET", "/v2/me")} == {
        f"Bearer {NEW_ACCESS_TOKEN}"
    }
