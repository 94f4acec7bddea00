"""Item 3: nothing escapes `except CalError` (sync and async).

Each fault used to surface as a raw httpx exception, a RecursionError, or a
UnicodeEncodeError deep in httpx."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from _faultserver import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    ME,
    PLATFORM_REFRESH,
    REFRESH_TOKEN,
    FaultServer,
    bad_gzip,
    deep_json,
    hang,
    redirect,
    reply,
    reset_before_answer,
    reset_mid_body,
)
from _scenarios import booking_kwargs
from calcom import APIStatusError, CalError, ResponseParseError

MANAGED = {
    "access_token": ACCESS_TOKEN,
    "refresh_token": REFRESH_TOKEN,
    "token_expires_at": time.time() - 10,
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
}


def _scenario(api: FaultServer, name: str) -> tuple[dict[str, Any], str]:
    """Script the server for one fault; returns the client kwargs and the call."""
    api.route("GET", "/v2/me", reply(200, ME))
    if name == "refresh read timeout":
        api.route("POST", PLATFORM_REFRESH, hang())
        return {**MANAGED, "timeout": 0.3}, "me"
    if name == "refresh read error":
        api.route("POST", PLATFORM_REFRESH, reset_mid_body())
        return dict(MANAGED), "me"
    if name == "refresh reset":
        api.route("POST", PLATFORM_REFRESH, reset_before_answer())
        return dict(MANAGED), "me"
    if name == "deep json 2xx":
        api.route("GET", "/v2/me", deep_json(200))
    elif name == "deep json error":
        api.route("GET", "/v2/me", deep_json(400))
    elif name == "bad gzip on a GET":
        api.route("GET", "/v2/me", bad_gzip(200))
    elif name == "bad gzip on a POST":
        api.route("POST", "/v2/bookings", bad_gzip(201))
        return {}, "create"
    elif name == "bad gzip on an error":
        api.route("GET", "/v2/me", bad_gzip(404))
    elif name == "redirect loop":
        api.route("GET", "/v2/me", redirect(302, "/v2/me"))
        return {"http_client": "following"}, "me"
    elif name == "reset mid body":
        api.route("GET", "/v2/me", reset_mid_body())
    return {}, "me"


SCENARIOS = [
    "refresh read timeout",
    "refresh read error",
    "refresh reset",
    "deep json 2xx",
    "deep json error",
    "bad gzip on a GET",
    "bad gzip on a POST",
    "bad gzip on an error",
    "redirect loop",
    "reset mid body",
]


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_fault_is_a_cal_error(api: FaultServer, make_cal: Any, name: str) -> None:
    kwargs, call = _scenario(api, name)
    if kwargs.get("http_client") == "following":
        kwargs["http_client"] = httpx.Client(follow_redirects=True, max_redirects=3)
    cal = make_cal(**kwargs)
    with pytest.raises(CalError):
        if call == "me":
            cal.me.get()
        else:
            cal.bookings.create(**booking_kwargs())


@pytest.mark.parametrize("name", SCENARIOS)
async def test_every_async_fault_is_a_cal_error(
    api: FaultServer, make_async_cal: Any, name: str
) -> None:
    kwargs, call = _scenario(api, name)
    if kwargs.get("http_client") == "following":
        kwargs["http_client"] = httpx.AsyncClient(follow_redirects=True, max_redirects=3)
    cal = make_async_cal(**kwargs)
    with pytest.raises(CalError):
        if call == "me":
            await cal.me.get()
        else:
            await cal.bookings.create(**booking_kwargs())
    await cal.close()


def test_deep_json_error_body_still_maps_by_status(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", deep_json(404))
    with pytest.raises(APIStatusError) as caught:
        make_cal().me.get()
    assert caught.value.status_code == 404


def test_undecodable_answer_to_a_post_says_it_was_handled(api: FaultServer, make_cal: Any) -> None:
    api.route("POST", "/v2/bookings", bad_gzip(201))
    with pytest.raises(ResponseParseError, match="handled") as caught:
        make_cal().bookings.create(**booking_kwargs())
    assert caught.value.response.status_code == 201
    assert api.count("POST", "/v2/bookings") == 1  # and it is not sent again


@pytest.mark.parametrize("body", ["deep", "not json"])
def test_raw_response_json_is_a_cal_error(api: FaultServer, make_cal: Any, body: str) -> None:
    if body == "deep":
        # Deeper than any Python's parser goes (3.13 parses the 2,000 levels of the
        # other cases): a RecursionError inside json.loads.
        api.route("GET", "/v2/me", deep_json(200, depth=200_000))
    else:
        api.route("GET", "/v2/me", reply(200, body=b"<html>maintenance</html>"))
    raw = make_cal().me.get.with_raw_response()
    with pytest.raises(ResponseParseError, match="GET /v2/me: the 200 answer is not JSON"):
        raw.json()
