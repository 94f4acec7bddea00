"""Item 4 and the secret scan: no credential in anything a user can see.

Every error of a battery of faults is rendered (str, repr, traceback with chained
causes and notes, the reprs and bodies of the request and response it carries),
along with raw responses, headers and the calcom/httpx/httpcore DEBUG logs; no
secret may appear. Includes a key with a trailing newline (rejected at
construction) and a following `http_client`."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest
from _faultserver import (
    ACCESS_TOKEN,
    API_KEY,
    CLIENT_ID,
    CLIENT_SECRET,
    ME,
    NEW_ACCESS_TOKEN,
    NEW_REFRESH_TOKEN,
    PLATFORM_REFRESH,
    REFRESH_TOKEN,
    SECRETS,
    FaultServer,
    answer,
    hang,
    platform_tokens,
    redirect,
    reply,
    reset_before_answer,
    reset_mid_body,
)
from _scenarios import booking_kwargs, visible
from calcom import Cal, CalError


def _managed(**changes: Any) -> dict[str, Any]:
    return {
        "access_token": ACCESS_TOKEN,
        "refresh_token": REFRESH_TOKEN,
        "token_expires_at": time.time() - 10,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **changes,
    }


def _assert_clean(texts: list[str]) -> None:
    for text in texts:
        for secret in SECRETS:
            if secret in text:
                where = text.index(secret)
                context = text[max(0, where - 200) : where].replace(secret, "<S>")
                raise AssertionError(f"a secret leaked ({secret[:8]}…) after: {context!r}")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("api_key", API_KEY + "\n"),
        ("api_key", API_KEY + "\r\n"),
        ("api_key", API_KEY[:10] + "\u2026" + API_KEY[10:]),
        ("api_key", API_KEY[:10] + "\x00" + API_KEY[10:]),
        ("client_secret", CLIENT_SECRET + "\n"),
        ("access_token", ACCESS_TOKEN + "\n"),
        ("refresh_token", REFRESH_TOKEN + "\t"),
    ],
)
def test_bad_credential_characters_are_rejected_at_construction(name: str, value: str) -> None:
    kwargs: dict[str, Any] = {name: value}
    if name == "refresh_token":
        kwargs["access_token"] = ACCESS_TOKEN
    if name == "client_secret":
        kwargs["client_id"] = CLIENT_ID
    with pytest.raises(ValueError, match=name) as caught:
        Cal(**kwargs)
    texts = visible(caught.value)
    _assert_clean(texts)
    assert value.strip() not in "\n".join(texts)


def test_the_secret_scan(
    api: FaultServer, other: FaultServer, make_cal: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # calcom, httpx and httpcore alike
    texts: list[str] = []
    errors: list[BaseException] = []

    def expect_error(call: Any) -> None:
        with pytest.raises(CalError) as caught:
            call()
        errors.append(caught.value)

    # An API key: success (raw response), 404, a reset POST, a refused connection.
    api.route("GET", "/v2/me", reply(200, ME))
    cal = make_cal()
    raw = cal.me.get.with_raw_response()
    texts += [repr(raw), repr(raw.http_response), repr(raw.headers)]
    texts += [repr(raw.http_response.request), repr(raw.http_response.request.headers)]
    api.route("GET", "/v2/bookings/nope", reply(404, {"statusCode": 404, "message": "nope"}))
    expect_error(lambda: cal.bookings.get("nope"))
    api.route("POST", "/v2/bookings", reset_before_answer())
    expect_error(lambda: cal.bookings.create(**booking_kwargs()))
    api.route("GET", "/v2/schedules", reset_mid_body())
    expect_error(lambda: cal.schedules.list())
    dead = make_cal(base_url="http://127.0.0.1:9", max_retries=0)
    expect_error(lambda: dead.me.get())

    # The server echoes a credential in its error message.
    api.route(
        "GET",
        "/v2/me/echo",
        answer(
            lambda r: (401, {"statusCode": 401, "message": f"bad {r.headers['authorization']}"})
        ),
    )
    api.route(
        "GET",
        "/v2/schedules/default",
        answer(
            lambda r: (
                400,
                {"status": "error", "error": {"code": r.headers["authorization"], "message": "no"}},
            )
        ),
    )
    expect_error(lambda: cal.schedules.get_default())

    # The platform's client secret, with a following http_client sent elsewhere.
    path = f"/v2/oauth-clients/{CLIENT_ID}/users"
    api.route("POST", path, redirect(307, f"{other.url}{path}"))
    following = make_cal(
        api_key=None,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        http_client=httpx.Client(follow_redirects=True),
    )
    expect_error(
        lambda: following.platform.managed_users.create(CLIENT_ID, email="u@example.com", name="U")
    )
    api.route("GET", path, reply(500, {"statusCode": 500, "message": "x"}))
    expect_error(lambda: following.platform.managed_users.list(CLIENT_ID))
    assert other.received == []

    # Managed users: refresh answers that fail in every way, one echoing the token.
    for failure in (
        answer(lambda r: (400, {"statusCode": 400, "message": f"invalid {r.body.decode()}"})),
        reset_before_answer(),
        reset_mid_body(),
        hang(),
        reply(200, {"status": "success", "data": {"refreshToken": NEW_REFRESH_TOKEN}}),
        reply(200, body=b'{"data": {"accessToken": "' + NEW_ACCESS_TOKEN.encode() + b'\\n"}}'),
    ):
        api.route("POST", PLATFORM_REFRESH, failure)
        failing = make_cal(**_managed(), timeout=0.3)
        expect_error(failing.me.get)
        texts += [repr(failing), repr(failing.credentials), repr(failing.tokens)]

    # A good refresh, then a 401 whose second refresh fails.
    api.route(
        "POST", PLATFORM_REFRESH, reply(200, platform_tokens()), reply(401, {"message": "no"})
    )
    user = make_cal(**_managed(on_token_refresh=lambda pair: texts.append(repr(pair))))
    user.me.get()
    api.route("GET", "/v2/schedules", reply(401, {"statusCode": 401, "message": "Unauthorized"}))
    expect_error(lambda: user.schedules.list())

    for error in errors:
        texts += visible(error)
    texts += [record.getMessage() for record in caplog.records]
    texts.append(caplog.text)
    assert len(errors) >= 14
    assert {record.name.split(".")[0] for record in caplog.records} >= {
        "calcom",
        "httpx",
        "httpcore",
    }
    _assert_clean(texts)


def test_credential_headers_are_masked_in_every_repr(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", f"/v2/oauth-clients/{CLIENT_ID}/users", reply(403, {"message": "no"}))
    platform = make_cal(api_key=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with pytest.raises(CalError) as caught:
        platform.platform.managed_users.list(CLIENT_ID)
    error: Any = caught.value
    for headers in (
        error.response.request.headers,
        error.request.headers if hasattr(error, "request") else error.response.request.headers,
    ):
        assert CLIENT_SECRET not in repr(headers)
        assert headers["x-cal-secret-key"] == CLIENT_SECRET  # masked in the repr only
