"""Issue 11 item 8: configuration mistakes fail at construction, with a clear message;
a 401 without any credential says how to give one."""

from __future__ import annotations

from typing import Any

import pytest
from _faultserver import API_KEY, ME, FaultServer, reply
from calcom import AuthenticationError, Cal


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8765", "api.cal.com", "ftp://cal.example.org", "://", "", " "]
)
def test_base_url_without_a_scheme_is_rejected(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        Cal(api_key=API_KEY, base_url=url)


def test_an_empty_base_url_is_not_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # "" is a mistake (an unset variable formatted in), not a wish for api.cal.com
    # nor for $CAL_BASE_URL: sending there would reach a server nobody chose.
    monkeypatch.setenv("CAL_BASE_URL", "https://cal.example.org")
    with pytest.raises(ValueError, match="base_url"):
        Cal(api_key=API_KEY, base_url="")
    assert Cal(api_key=API_KEY).base_url == "https://cal.example.org"


def test_base_url_with_credentials_is_rejected_without_echoing_them() -> None:
    with pytest.raises(ValueError, match="base_url") as caught:
        Cal(api_key=API_KEY, base_url="https://user:hunter2@cal.example.org")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("suffix", ["/v2", "/v2/"])
def test_a_trailing_v2_is_not_doubled(api: FaultServer, make_cal: Any, suffix: str) -> None:
    api.route("GET", "/v2/me", reply(200, ME))
    make_cal(base_url=api.url + suffix).me.get()
    assert [r.path for r in api.received] == ["/v2/me"]


def test_401_without_credentials_hints_at_the_key(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", reply(401, {"statusCode": 401, "message": "Unauthorized"}))
    with pytest.raises(AuthenticationError, match="CAL_API_KEY"):
        make_cal(api_key=None).me.get()


def test_401_with_a_key_has_no_such_hint(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", reply(401, {"statusCode": 401, "message": "Unauthorized"}))
    with pytest.raises(AuthenticationError) as caught:
        make_cal().me.get()
    assert "CAL_API_KEY" not in str(caught.value)


def test_non_ascii_default_header_is_rejected_at_construction() -> None:
    with pytest.raises(ValueError, match="default_headers"):
        Cal(api_key=API_KEY, default_headers={"X-App": "caf\u00e9\u2026"})
