"""Checks of the client's configuration, made when it is constructed: a mistake
fails there, with a message naming the argument, not after retries."""

from __future__ import annotations

from collections.abc import Mapping

import httpx


def clean_base_url(value: str) -> str:
    """An absolute http(s) URL without query, fragment, credentials or trailing
    `/v2` (every operation path starts with /v2; keeping it would double it)."""
    problem = "must be an absolute http(s) URL such as https://api.cal.com"
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError) as error:
        raise ValueError(f"base_url {problem}: {error}") from None
    if url.scheme not in ("http", "https") or not url.host:
        hint = " (the scheme is missing)" if "://" not in value else ""
        raise ValueError(f"base_url {problem}, got {value!r}{hint}")
    if url.userinfo:
        raise ValueError("base_url must not carry credentials (user:password@); pass api_key=…")
    if url.query or url.fragment:
        raise ValueError(f"base_url {problem}, without a query or fragment, got {value!r}")
    path = url.path.rstrip("/")
    if path.endswith("/v2"):
        path = path[: -len("/v2")]
    return f"{url.scheme}://{url.netloc.decode('ascii')}{path}"


def checked_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    if not headers:
        return {}
    try:
        httpx.Headers(headers)
    except (UnicodeEncodeError, TypeError) as error:
        raise ValueError(
            f"default_headers: every name and value must be ASCII text ({error})"
        ) from None
    return dict(headers)
