"""Credentials on the wire, and the refresh of managed-user / OAuth2 tokens."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from _calmock import (
    ACCESS_TOKEN,
    API_KEY,
    CLIENT_ID,
    CLIENT_SECRET,
    ME,
    NEW_ACCESS_TOKEN,
    NEW_REFRESH_TOKEN,
    REFRESH_TOKEN,
    MockAPI,
    fail,
    ok,
)
from calcom import AsyncCal, AuthenticationError, Cal, TokenPair

PLATFORM_REFRESH = f"/v2/oauth/{CLIENT_ID}/refresh"
OAUTH2_TOKEN = "/v2/auth/oauth2/token"
IN_AN_HOUR_MS = int((time.time() + 3600) * 1000)


def platform_tokens(access: str = NEW_ACCESS_TOKEN, refresh: str = NEW_REFRESH_TOKEN) -> Any:
    return ok(
        {
            "status": "success",
            "data": {
                "accessToken": access,
                "refreshToken": refresh,
                "accessTokenExpiresAt": IN_AN_HOUR_MS,
                "refreshTokenExpiresAt": IN_AN_HOUR_MS * 2,
            },
        }
    )


def managed_user(**kwargs: Any) -> dict[str, Any]:
    """Cal arguments of a platform managed user whose access token has expired."""
    return {
        "api_key": None,
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_expires_at": time.time() - 10,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **kwargs,
    }


# --- which credentials go on which operation -------------------------------------


def test_api_key_is_a_bearer_token(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_key=API_KEY)
    assert cal.me.get.operation.auth == "bearer"
    cal.me.get()
    (request,) = api.requests
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert "x-cal-secret-key" not in request.headers


def test_api_key_from_the_environment(
    api: MockAPI, make_cal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAL_API_KEY", "cal_live_fromtheenvironment")
    cal = make_cal(api_key=None)
    cal.me.get()
    assert api.requests[0].headers["Authorization"] == "Bearer cal_live_fromtheenvironment"


def test_explicit_api_key_beats_the_environment(
    api: MockAPI, make_cal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAL_API_KEY", "cal_live_fromtheenvironment")
    make_cal(api_key=API_KEY).me.get()
    assert api.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"


def test_access_token_is_a_bearer_token(api: MockAPI, make_cal: Any) -> None:
    make_cal(api_key=None, access_token=ACCESS_TOKEN).me.get()
    assert api.requests[0].headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_api_key_and_access_token_are_exclusive() -> None:
    with pytest.raises(ValueError):
        Cal(api_key=API_KEY, access_token=ACCESS_TOKEN)


def test_client_credentials_only_on_operations_that_take_them(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    # Chosen by their security requirements in the overlaid spec:
    assert "client" in cal.orgs.managed.list.operation.auth  # x-cal-client-id + secret
    assert cal.platform.managed_users.list.operation.auth == "secret"  # id is in the path
    assert cal.me.get.operation.auth == "bearer"

    cal.orgs.managed.list(5)
    cal.platform.managed_users.list(CLIENT_ID)
    cal.me.get()
    managed_orgs, managed_users, me = api.requests
    assert managed_orgs.headers["x-cal-client-id"] == CLIENT_ID
    assert managed_orgs.headers["x-cal-secret-key"] == CLIENT_SECRET
    assert managed_users.url.path == f"/v2/oauth-clients/{CLIENT_ID}/users"
    assert managed_users.headers["x-cal-secret-key"] == CLIENT_SECRET
    assert "x-cal-client-id" not in managed_users.headers
    for request in api.requests:
        assert "Authorization" not in request.headers
    assert "x-cal-client-id" not in me.headers
    assert "x-cal-secret-key" not in me.headers


def test_api_key_never_sends_client_headers(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_key=API_KEY)
    cal.orgs.managed.list(5)
    cal.bookings.get("uid1")
    for request in api.requests:
        assert request.headers["Authorization"] == f"Bearer {API_KEY}"
        assert "x-cal-client-id" not in request.headers
        assert "x-cal-secret-key" not in request.headers


def test_managed_user_token_wins_over_client_credentials(api: MockAPI, make_cal: Any) -> None:
    """A platform app acting as its managed user: the user's token, not the app's secret,
    on operations that take either; the secret where only the secret is taken."""
    cal = make_cal(
        api_key=None, access_token=ACCESS_TOKEN, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    assert "bearer" in cal.bookings.get.operation.auth
    assert "client" in cal.bookings.get.operation.auth
    cal.bookings.get("uid1")
    cal.platform.managed_users.list(CLIENT_ID)
    booking, managed_users = api.requests
    assert booking.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "x-cal-client-id" not in booking.headers
    assert "x-cal-secret-key" not in booking.headers
    assert managed_users.headers["x-cal-secret-key"] == CLIENT_SECRET
    assert "Authorization" not in managed_users.headers


def test_client_credentials_on_operations_that_take_either(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    cal.bookings.get("uid1")
    (request,) = api.requests
    assert request.headers["x-cal-client-id"] == CLIENT_ID
    assert request.headers["x-cal-secret-key"] == CLIENT_SECRET
    assert "Authorization" not in request.headers


def test_no_credential_parameters_on_the_methods(make_cal: Any) -> None:
    """Credentials come from the client, never from each call (overlay 10-security)."""
    import inspect

    cal = make_cal()
    for method in (cal.me.get, cal.bookings.list, cal.bookings.create, cal.slots.list):
        parameters = inspect.signature(method._endpoint.build).parameters
        assert not {
            "authorization",
            "x_cal_client_id",
            "x_cal_secret_key",
            "cal_api_version",
        } & set(parameters), method


# --- refresh -------------------------------------------------------------------


def test_expiring_platform_token_is_refreshed_before_the_call(api: MockAPI, make_cal: Any) -> None:
    rotated: list[TokenPair] = []
    api.on("POST", PLATFORM_REFRESH, platform_tokens()).on("GET", "/v2/me", ok(ME))
    cal = make_cal(**managed_user(on_token_refresh=rotated.append))

    assert cal.me.get().data.id == 7

    refresh, me = api.requests
    assert refresh.method == "POST" and refresh.url.path == PLATFORM_REFRESH
    assert refresh.headers["x-cal-secret-key"] == CLIENT_SECRET
    assert api.body(refresh) == {"refreshToken": REFRESH_TOKEN}
    assert me.headers["Authorization"] == f"Bearer {NEW_ACCESS_TOKEN}"
    (pair,) = rotated
    assert (pair.access_token, pair.refresh_token) == (NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN)
    assert pair.expires_at == pytest.approx(IN_AN_HOUR_MS / 1000)
    assert cal.tokens is pair


def test_fresh_token_is_not_refreshed(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(**managed_user(token_expires_at=time.time() + 3600))
    cal.me.get()
    assert [r.url.path for r in api.requests] == ["/v2/me"]


def test_oauth2_refresh_flow(api: MockAPI, make_cal: Any) -> None:
    rotated: list[TokenPair] = []
    api.on(
        "POST",
        OAUTH2_TOKEN,
        ok(
            {
                "access_token": NEW_ACCESS_TOKEN,
                "refresh_token": NEW_REFRESH_TOKEN,
                "token_type": "bearer",
                "expires_in": 1800,
            }
        ),
    )
    cal = make_cal(**managed_user(refresh_flow="oauth2", on_token_refresh=rotated.append))
    before = time.time()
    cal.me.get()

    refresh, me = api.requests
    assert (refresh.method, refresh.url.path) == ("POST", OAUTH2_TOKEN)
    assert api.body(refresh) == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert me.headers["Authorization"] == f"Bearer {NEW_ACCESS_TOKEN}"
    (pair,) = rotated
    assert pair.refresh_token == NEW_REFRESH_TOKEN
    assert before + 1800 <= pair.expires_at <= time.time() + 1800  # type: ignore[operator]


def test_401_refreshes_once_then_resends(api: MockAPI, make_cal: Any) -> None:
    rotated: list[TokenPair] = []
    api.on("GET", "/v2/me", fail(401), ok(ME)).on("POST", PLATFORM_REFRESH, platform_tokens())
    # No known expiry: only the 401 tells the client the token is dead.
    cal = make_cal(**managed_user(token_expires_at=None, on_token_refresh=rotated.append))

    assert cal.me.get().data.username == "ada"

    first, refresh, second = api.requests
    assert first.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert refresh.url.path == PLATFORM_REFRESH
    assert second.headers["Authorization"] == f"Bearer {NEW_ACCESS_TOKEN}"
    assert len(rotated) == 1


def test_second_401_raises(api: MockAPI, make_cal: Any, sleeps: list[float]) -> None:
    api.on("GET", "/v2/me", fail(401)).on("POST", PLATFORM_REFRESH, platform_tokens())
    cal = make_cal(**managed_user(token_expires_at=None))
    with pytest.raises(AuthenticationError) as caught:
        cal.me.get()
    assert caught.value.status_code == 401
    assert len(api.sent("GET", "/v2/me")) == 2
    assert len(api.sent("POST", PLATFORM_REFRESH)) == 1
    assert sleeps == []


def test_401_without_refresh_token_raises_at_once(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/me", fail(401))
    with pytest.raises(AuthenticationError):
        make_cal().me.get()
    assert len(api.requests) == 1


def test_failed_refresh_raises(api: MockAPI, make_cal: Any) -> None:
    api.on("POST", PLATFORM_REFRESH, fail(401, {"statusCode": 401, "message": "Invalid token"}))
    with pytest.raises(AuthenticationError, match="Invalid token"):
        make_cal(**managed_user()).me.get()
    assert api.sent("GET", "/v2/me") == []


async def test_async_refresh_and_async_callback(api: MockAPI, make_async_cal: Any) -> None:
    rotated: list[TokenPair] = []

    async def store(pair: TokenPair) -> None:
        await asyncio.sleep(0)
        rotated.append(pair)

    api.on("POST", PLATFORM_REFRESH, platform_tokens()).on("GET", "/v2/me", ok(ME))
    cal = make_async_cal(**managed_user(on_token_refresh=store))
    me = await cal.me.get()
    assert me.data.id == 7
    assert [p.access_token for p in rotated] == [NEW_ACCESS_TOKEN]
    assert api.requests[1].headers["Authorization"] == f"Bearer {NEW_ACCESS_TOKEN}"


async def test_async_401_refreshes_once_then_resends(api: MockAPI, make_async_cal: Any) -> None:
    api.on("GET", "/v2/me", fail(401), ok(ME)).on("POST", PLATFORM_REFRESH, platform_tokens())
    cal = make_async_cal(**managed_user(token_expires_at=None))
    await cal.me.get()
    assert [r.url.path for r in api.requests] == ["/v2/me", PLATFORM_REFRESH, "/v2/me"]


async def test_async_second_401_raises(api: MockAPI, make_async_cal: Any) -> None:
    api.on("GET", "/v2/me", fail(401)).on("POST", PLATFORM_REFRESH, platform_tokens())
    cal = make_async_cal(**managed_user(token_expires_at=None))
    with pytest.raises(AuthenticationError):
        await cal.me.get()
    assert [r.url.path for r in api.requests] == ["/v2/me", PLATFORM_REFRESH, "/v2/me"]


async def test_one_refresh_under_concurrent_async_calls(api: MockAPI, make_async_cal: Any) -> None:
    rotated: list[TokenPair] = []

    async def slow_refresh(request: httpx.Request) -> httpx.Response:
        # Let every other call reach the refresh before this one answers.
        for _ in range(50):
            await asyncio.sleep(0)
        return platform_tokens()(request)  # type: ignore[return-value]

    api.on("POST", PLATFORM_REFRESH, slow_refresh).on("GET", "/v2/me", ok(ME))
    cal: AsyncCal = make_async_cal(**managed_user(on_token_refresh=rotated.append))

    results = await asyncio.gather(*(cal.me.get() for _ in range(10)))

    assert len(results) == 10
    assert len(api.sent("POST", PLATFORM_REFRESH)) == 1
    calls = api.sent("GET", "/v2/me")
    assert len(calls) == 10
    assert {r.headers["Authorization"] for r in calls} == {f"Bearer {NEW_ACCESS_TOKEN}"}
    assert len(rotated) == 1


def test_one_refresh_under_concurrent_threads(api: MockAPI, make_cal: Any) -> None:
    rotated: list[TokenPair] = []
    answer = platform_tokens()

    def slow_refresh(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # the server is slow; the other threads pile up meanwhile
        return answer(request)  # type: ignore[return-value]

    api.on("POST", PLATFORM_REFRESH, slow_refresh).on("GET", "/v2/me", ok(ME))
    cal: Cal = make_cal(**managed_user(on_token_refresh=rotated.append))
    start = threading.Barrier(10)

    def call(_: int) -> Any:
        start.wait()
        return cal.me.get()

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(call, range(10)))

    assert len(results) == 10
    assert len(api.sent("POST", PLATFORM_REFRESH)) == 1
    calls = api.sent("GET", "/v2/me")
    assert len(calls) == 10
    assert {r.headers["Authorization"] for r in calls} == {f"Bearer {NEW_ACCESS_TOKEN}"}
    assert len(rotated) == 1


async def test_one_refresh_when_concurrent_calls_all_get_401(
    api: MockAPI, make_async_cal: Any
) -> None:
    """Ten calls racing with a token revoked server-side: one refresh, ten resends."""

    def me(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {NEW_ACCESS_TOKEN}":
            return httpx.Response(200, json=ME)
        return httpx.Response(401, json={"statusCode": 401, "message": "Unauthorized"})

    async def slow_refresh(request: httpx.Request) -> httpx.Response:
        for _ in range(50):
            await asyncio.sleep(0)
        return platform_tokens()(request)  # type: ignore[return-value]

    api.on("GET", "/v2/me", me).on("POST", PLATFORM_REFRESH, slow_refresh)
    cal = make_async_cal(**managed_user(token_expires_at=None))
    await asyncio.gather(*(cal.me.get() for _ in range(10)))
    assert len(api.sent("POST", PLATFORM_REFRESH)) == 1
