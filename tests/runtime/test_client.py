"""The client itself: http client injection, base url, timeouts, query style, logging, secrets.

The other behaviours have their own files: test_client_auth.py (credentials, token
refresh), test_client_versions.py (cal-api-version), test_client_retry.py,
test_client_errors.py, test_client_parsing.py (leniency, pagination, raw responses).
"""

from __future__ import annotations

import logging
import re
import time
import traceback
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
    SECRETS,
    MockAPI,
    booking,
    bookings_page,
    fail,
    ok,
    raises,
)
from calcom import AsyncCal, Cal, CalError, TokenPair

# --- http client injection and base url ------------------------------------------------


def test_injected_sync_http_client(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api), headers={"X-Trace": "t1"})
    cal = Cal(api_key=API_KEY, http_client=http)
    api.on("GET", "/v2/me", ok(ME))
    assert cal.me.get().data.id == 7
    assert api.requests[0].headers["X-Trace"] == "t1"
    cal.close()
    assert not http.is_closed  # the caller owns it


async def test_injected_async_http_client(api: MockAPI) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(api), headers={"X-Trace": "t2"})
    api.on("GET", "/v2/me", ok(ME))
    async with AsyncCal(api_key=API_KEY, http_client=http) as cal:
        assert (await cal.me.get()).data.id == 7
    assert api.requests[0].headers["X-Trace"] == "t2"
    assert not http.is_closed
    await http.aclose()


def test_owned_http_client_is_closed() -> None:
    with Cal(api_key=API_KEY) as cal:
        http = cal._http
        assert not http.is_closed
    assert http.is_closed


async def test_owned_async_http_client_is_closed() -> None:
    async with AsyncCal(api_key=API_KEY) as cal:
        http = cal._http
    assert http.is_closed


@pytest.mark.parametrize(
    "base_url", ["https://cal.example.org/api", "https://cal.example.org/api/"]
)
def test_base_url_with_a_path(api: MockAPI, make_cal: Any, base_url: str) -> None:
    make_cal(base_url=base_url).me.get()
    assert str(api.requests[0].url) == "https://cal.example.org/api/v2/me"


def test_base_url_from_the_environment(
    api: MockAPI, make_cal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAL_BASE_URL", "https://cal.example.org/api")
    make_cal().me.get()
    assert str(api.requests[0].url) == "https://cal.example.org/api/v2/me"


def test_default_base_url(api: MockAPI, make_cal: Any) -> None:
    make_cal().bookings.get("uid1")
    assert str(api.requests[0].url) == "https://api.cal.com/v2/bookings/uid1"


def test_parsed_urls_are_reused_bounded_and_follow_base_url(
    api: MockAPI, make_cal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import calcom._plan

    monkeypatch.setattr(calcom._plan, "URL_CACHE_SIZE", 8)
    cal = make_cal()
    for n in range(20):
        cal.bookings.get(f"uid{n}")
    assert 0 < len(cal._urls) <= 8
    assert str(api.requests[-1].url) == "https://api.cal.com/v2/bookings/uid19"
    cal.bookings.get("uid1")
    cal.base_url = "https://cal.example.org/api"  # a cached URL never outlives its base
    cal.bookings.get("uid1")
    assert [str(r.url) for r in api.requests[-2:]] == [
        "https://api.cal.com/v2/bookings/uid1",
        "https://cal.example.org/api/v2/bookings/uid1",
    ]


def test_token_refresh_honours_base_url(api: MockAPI, make_cal: Any) -> None:
    api.on("POST", f"/api/v2/oauth/{CLIENT_ID}/refresh", _refreshed())
    cal = make_cal(base_url="https://cal.example.org/api", **_expired_managed_user())
    cal.me.get()
    assert [str(r.url) for r in api.requests] == [
        f"https://cal.example.org/api/v2/oauth/{CLIENT_ID}/refresh",
        "https://cal.example.org/api/v2/me",
    ]


async def test_async_base_url(api: MockAPI, make_async_cal: Any) -> None:
    await make_async_cal(base_url="https://cal.example.org/api").schedules.get_default()
    assert api.requests[0].url.path == "/api/v2/schedules/default"


# --- timeouts ------------------------------------------------------------------------


def _timeout(request: httpx.Request) -> dict[str, float | None]:
    timeout: dict[str, float | None] = request.extensions["timeout"]
    return timeout


def test_default_timeout(api: MockAPI, make_cal: Any) -> None:
    make_cal().me.get()
    timeout = _timeout(api.requests[0])
    assert timeout["connect"] == 5.0
    assert timeout["read"] == 30.0


def test_per_client_timeout(api: MockAPI, make_cal: Any) -> None:
    make_cal(timeout=12).me.get()
    make_cal(timeout=httpx.Timeout(60.0, connect=2.0)).me.get()
    first, second = map(_timeout, api.requests)
    assert first == {"connect": 12.0, "read": 12.0, "write": 12.0, "pool": 12.0}
    assert (second["connect"], second["read"]) == (2.0, 60.0)


def test_per_call_timeout(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal(timeout=12)
    cal.me.get.with_options(timeout=3)()
    cal.me.get()  # back to the client's
    cal.me.get.with_options(timeout=None, deadline=None)()  # explicitly no limit at all
    cal.me.get.with_options(timeout=None)()  # no timeout: the deadline still bounds it
    short, default, unlimited, bounded = map(_timeout, api.requests)
    assert short["read"] == 3.0 and short["connect"] == 3.0
    assert default["read"] == 12.0
    assert unlimited["read"] is None
    assert 0 < bounded["read"] <= 90.0


def test_injected_client_timeout_is_honoured(api: MockAPI) -> None:
    http = httpx.Client(transport=httpx.MockTransport(api), timeout=httpx.Timeout(60, connect=3))
    Cal(api_key=API_KEY, http_client=http).me.get()
    Cal(api_key=API_KEY, http_client=http, timeout=7).me.get()  # the explicit one wins
    honoured, explicit = map(_timeout, api.requests)
    assert (honoured["connect"], honoured["read"]) == (3.0, 60.0)
    assert explicit["read"] == 7.0


def test_options_combine(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal()
    method = cal.bookings.get.with_options(timeout=4).with_options(api_version="2026-02-25")
    method.with_options(extra_headers={"X-A": "1"}).with_options(extra_headers={"X-B": "2"})("u")
    (request,) = api.requests
    assert _timeout(request)["read"] == 4.0
    assert request.headers["cal-api-version"] == "2026-02-25"
    assert (request.headers["X-A"], request.headers["X-B"]) == ("1", "2")


async def test_async_timeouts(api: MockAPI, make_async_cal: Any) -> None:
    cal = make_async_cal()
    await cal.me.get()
    await cal.me.get.with_options(timeout=3)()
    default, short = map(_timeout, api.requests)
    assert (default["connect"], default["read"]) == (5.0, 30.0)
    assert short["read"] == 3.0


# --- query style -----------------------------------------------------------------------


def test_comma_joined_array_query(api: MockAPI, make_cal: Any) -> None:
    cal = make_cal()
    assert "status" in cal.bookings.list.operation.comma_params
    cal.bookings.list(status=["upcoming", "past"])
    (request,) = api.requests
    assert request.url.params.get_list("status") == ["upcoming,past"]


def test_comma_joined_on_every_page(api: MockAPI, make_cal: Any) -> None:
    api.on(
        "GET",
        "/v2/bookings",
        ok(bookings_page([booking(1), booking(2)], has_next=True)),
        ok(bookings_page([booking(3)], has_next=False)),
    )
    list(make_cal().bookings.list.iter(status=["upcoming", "unconfirmed"], take=2))
    assert [r.url.params.get_list("status") for r in api.requests] == [["upcoming,unconfirmed"]] * 2


def test_unset_query_parameters_are_not_sent(api: MockAPI, make_cal: Any) -> None:
    make_cal().bookings.list(take=5)
    assert set(api.requests[0].url.params) == {"take", "skip"}


# --- logging ---------------------------------------------------------------------------


def _info(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "calcom" and r.levelno == logging.INFO
    ]


def test_info_record_per_request(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api.on("GET", "/v2/bookings/uid1", fail(503, {"statusCode": 503, "message": "busy"}), ok())
    with caplog.at_level(logging.INFO, logger="calcom"):
        make_cal().bookings.get("uid1")
    first, second = _info(caplog)
    for message in (first, second):
        assert "GET" in message
        assert "/v2/bookings/uid1" in message
        assert re.search(r"\d+ ms", message), message  # elapsed
    assert "503" in first and "retry 0" in first
    assert "200" in second and "retry 1" in second


def test_info_record_on_transport_error(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api.on("POST", "/v2/bookings/uid1/confirm", raises(httpx.ReadTimeout))
    with caplog.at_level(logging.INFO, logger="calcom"), pytest.raises(CalError):
        make_cal().bookings.confirm("uid1")
    (message,) = _info(caplog)
    assert "POST /v2/bookings/uid1/confirm" in message and "timeout" in message


def test_query_string_is_not_logged(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="calcom"):
        make_cal().bookings.list(attendee_email="private@example.com")
    (message,) = _info(caplog)
    assert "private@example.com" not in message


async def test_async_info_record(
    api: MockAPI, make_async_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="calcom"):
        await make_async_cal().me.get()
    (message,) = _info(caplog)
    assert "GET /v2/me" in message and "200" in message and "retry 0" in message


# --- secrets ---------------------------------------------------------------------------


def _refreshed() -> Any:
    expires = int((time.time() + 3600) * 1000)
    return ok(
        {
            "status": "success",
            "data": {
                "accessToken": NEW_ACCESS_TOKEN,
                "refreshToken": NEW_REFRESH_TOKEN,
                "accessTokenExpiresAt": expires,
                "refreshTokenExpiresAt": expires,
            },
        }
    )


def _expired_managed_user(**kwargs: Any) -> dict[str, Any]:
    return {
        "api_key": None,
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_expires_at": time.time() - 10,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **kwargs,
    }


def _describe(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


def _assert_no_secret(texts: list[str]) -> None:
    blob = "\n".join(texts)
    for secret in SECRETS:
        assert secret not in blob, f"a secret leaked: {secret[:6]}…"


def test_no_secret_in_reprs_logs_and_errors(
    api: MockAPI, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    texts: list[str] = []
    not_found = {"status": "error", "error": {"code": "NotFoundException", "message": "nope"}}

    # An api key: a call, a retry, an error.
    cal = make_cal(api_key=API_KEY)
    texts += [repr(cal), str(cal), repr(cal.credentials), repr(cal.bookings.get)]
    api.on("GET", "/v2/me", fail(429, {"message": "slow down"}, {"Retry-After": "1"}), ok(ME))
    cal.me.get()
    api.on("GET", "/v2/bookings/nope", fail(404, not_found))
    with pytest.raises(CalError) as caught:
        cal.bookings.get("nope")
    texts += _describe(caught.value)

    # A managed user: an expired token refreshed, then a 401 that refreshes again and fails.
    rotated: list[TokenPair] = []
    user = make_cal(**_expired_managed_user(on_token_refresh=rotated.append))
    api.on("POST", f"/v2/oauth/{CLIENT_ID}/refresh", _refreshed(), fail(400, not_found))
    user.me.get()
    texts += [repr(user), repr(user.credentials), repr(user.tokens), str(user.tokens)]
    texts += [repr(pair) for pair in rotated]
    api.on("GET", "/v2/schedules", fail(401, {"statusCode": 401, "message": "Unauthorized"}))
    with pytest.raises(CalError) as caught:
        user.schedules.list()
    texts += _describe(caught.value)

    # The platform's client secret: a call and a transport error.
    platform = make_cal(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    texts += [repr(platform), repr(platform.credentials)]
    platform.platform.managed_users.list(CLIENT_ID)
    api.on("POST", f"/v2/oauth-clients/{CLIENT_ID}/users", raises(httpx.ConnectError))
    with pytest.raises(CalError) as caught:
        platform.platform.managed_users.create(CLIENT_ID, body=_managed_user_input(platform))
    texts += _describe(caught.value)

    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    assert any(r.name == "calcom" for r in caplog.records)
    assert len(api.sent("POST", f"/v2/oauth/{CLIENT_ID}/refresh")) == 2
    _assert_no_secret(texts)


def _managed_user_input(cal: Cal) -> Any:
    from _calmock import body_for

    return body_for(cal.platform.managed_users.create, {"email": "u@example.com", "name": "U"})


def test_token_pair_repr_hides_tokens() -> None:
    pair = TokenPair(ACCESS_TOKEN, REFRESH_TOKEN, 123.0)
    _assert_no_secret([repr(pair), str(pair), f"{pair}", repr([pair])])
    assert "123.0" in repr(pair)


def test_client_repr_hides_secrets() -> None:
    texts = [
        repr(Cal(api_key=API_KEY)),
        repr(Cal(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)),
        repr(
            AsyncCal(
                access_token=ACCESS_TOKEN,
                refresh_token=REFRESH_TOKEN,
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
            )
        ),
    ]
    _assert_no_secret(texts)
    assert CLIENT_ID in texts[1]  # not a secret: useful in a repr
