"""Credentials, and the refresh of managed-user / OAuth2 tokens.

Refresh tokens rotate: the old one stops working once used, so every refresh
hands the new pair to the caller's `on_token_refresh` callback to persist. A
pair stays *pending* until the callback has returned: a callback that raised is
called again before the next request, so a rotated pair is never dropped.
Secrets never appear in a repr, and are checked at construction: a character
an HTTP header cannot carry (non-ASCII, a newline from a secret file, any
control character) is a ValueError that names the parameter, never the value.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

RefreshFlow = Literal["platform", "oauth2"]
# Refresh this long before the stated expiry, so a request does not race it
# (at most half the token's lifetime: a short-lived token is still used).
EXPIRY_MARGIN_SECONDS = 60.0
# Headers that carry a credential: masked in reprs, never sent to another origin.
CREDENTIAL_HEADERS = frozenset({"authorization", "x-cal-secret-key", "x-cal-client-id", "cookie"})


def check_secret(name: str, value: object) -> None:
    """Reject a credential an HTTP header cannot carry, without echoing it."""
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    for position, char in enumerate(value):
        if " " < char <= "~":
            continue
        if char in "\r\n":
            what = "a line break (read from a file? strip it)"
        elif char == " " or char == "\t":
            what = "whitespace"
        elif char < " " or char == "\x7f":
            what = "a control character"
        else:
            what = f"a non-ASCII character ({unicodedata.name(char, 'unnamed')})"
        raise ValueError(
            f"{name} contains {what} at position {position} of {len(value)}: "
            "HTTP headers cannot carry it (the value is not shown)"
        )


def mask(secret: str | None) -> str:
    if not secret:
        return "None"
    return f"'{secret[:4]}…'" if secret.startswith("cal_") else "'***'"


@dataclass
class TokenPair:
    """An access token, the refresh token that renews it and when it expires."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    """Unix time in seconds (None: unknown, refresh only on 401)."""
    issued_at: float | None = field(default=None, compare=False)
    """When this client received the pair from a refresh (None: given by the caller)."""

    def __repr__(self) -> str:
        return f"TokenPair(access_token='***', refresh_token='***', expires_at={self.expires_at!r})"

    def expiring(self, now: float | None = None) -> bool:
        """Due for a refresh before it is used. A pair the server sent already
        expired by our clock (clock skew) is not refreshed again on every call:
        only a 401 can then say it is dead."""
        if self.expires_at is None:
            return False
        margin = EXPIRY_MARGIN_SECONDS
        if self.issued_at is not None:
            lifetime = self.expires_at - self.issued_at
            if lifetime <= 0:
                return False
            margin = min(margin, lifetime / 2)
        return (time.time() if now is None else now) >= self.expires_at - margin


OnTokenRefresh = Callable[[TokenPair], Any]


class Credentials:
    """What the client authenticates with; decides the headers per operation."""

    __slots__ = (
        "api_key",
        "client_id",
        "client_secret",
        "tokens",
        "refresh_flow",
        "on_refresh",
        "pending",
        "refresh_attempts",
        "refresh_failure",
    )

    def __init__(
        self,
        *,
        api_key: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        tokens: TokenPair | None = None,
        refresh_flow: RefreshFlow = "platform",
        on_refresh: OnTokenRefresh | None = None,
    ) -> None:
        if api_key is not None and tokens is not None:
            raise ValueError("pass either api_key or access tokens, not both")
        if refresh_flow not in ("platform", "oauth2"):
            raise ValueError(f"refresh_flow must be 'platform' or 'oauth2', got {refresh_flow!r}")
        check_secret("api_key", api_key)
        check_secret("client_id", client_id)
        check_secret("client_secret", client_secret)
        if tokens is not None:
            check_secret("access_token", tokens.access_token)
            check_secret("refresh_token", tokens.refresh_token)
        self.api_key = api_key
        self.client_id = client_id
        self.client_secret = client_secret
        self.tokens = tokens
        self.refresh_flow = refresh_flow
        self.on_refresh = on_refresh
        # A rotated pair not yet handed to on_refresh (the callback raised).
        self.pending: TokenPair | None = None
        # Refreshes that failed so far, and the last one that failed in a way that may have
        # spent the refresh token: (the pair it tried to renew, the error), shared by
        # every caller that wants to renew that pair.
        self.refresh_attempts = 0
        self.refresh_failure: tuple[TokenPair, BaseException, bool, int] | None = None

    def __repr__(self) -> str:
        return (
            f"Credentials(api_key={mask(self.api_key)}, client_id={self.client_id!r}, "
            f"client_secret={mask(self.client_secret)}, tokens={self.tokens!r})"
        )

    @property
    def given(self) -> bool:
        """Whether any credential at all was configured."""
        return bool(self.api_key or self.tokens or self.client_id or self.client_secret)

    def secrets(self) -> list[str]:
        """Every secret value these credentials hold (to scrub from texts)."""
        values = [self.api_key, self.client_secret]
        for pair in (self.tokens, self.pending):
            if pair is not None:
                values += [pair.access_token, pair.refresh_token]
        return [value for value in values if value]

    def failed_refresh(self, pair: TokenPair, seen: int) -> BaseException | None:
        """The outcome to share instead of refreshing `pair` again: the error of the
        attempt that ran while this caller waited (`seen`: attempts before it
        queued), or of any attempt that may have spent the refresh token."""
        failure = self.refresh_failure
        if failure is None:
            return None
        failed_pair, error, maybe_spent, number = failure
        if failed_pair is pair and (maybe_spent or number > seen):
            return error
        return None

    @property
    def can_refresh(self) -> bool:
        if self.tokens is None or not self.tokens.refresh_token or not self.client_id:
            return False
        return self.refresh_flow == "oauth2" or bool(self.client_secret)

    def headers(self, auth: str) -> dict[str, str]:
        """Headers for an operation whose security is `auth`: alternatives
        separated by "|" (e.g. "bearer|client|none"), tried in order; the first
        one these credentials satisfy is sent, and nothing else, so a managed
        user's token is not overridden by the platform's client secret."""
        for alternative in auth.split("|"):
            headers = self._satisfy(alternative)
            if headers is not None:
                return headers
        return {}

    def _satisfy(self, alternative: str) -> dict[str, str] | None:
        headers: dict[str, str] = {}
        for kind in alternative.split("+"):
            if kind == "bearer":
                bearer = self.tokens.access_token if self.tokens else self.api_key
                if not bearer:
                    return None
                headers["Authorization"] = f"Bearer {bearer}"
            elif kind == "client":
                if not (self.client_id and self.client_secret):
                    return None
                headers["x-cal-client-id"] = self.client_id
                headers["x-cal-secret-key"] = self.client_secret
            elif kind == "secret":
                if not self.client_secret:
                    return None
                headers["x-cal-secret-key"] = self.client_secret
        return headers

    def refresh_request(self) -> dict[str, Any]:
        """httpx.build_request() arguments that renew the tokens."""
        assert self.tokens is not None and self.tokens.refresh_token and self.client_id
        if self.refresh_flow == "platform":
            return {
                "method": "POST",
                "url": f"/v2/oauth/{self.client_id}/refresh",
                "headers": {"x-cal-secret-key": self.client_secret or ""},
                "json": {"refreshToken": self.tokens.refresh_token},
            }
        body = {
            "grant_type": "refresh_token",
            "refresh_token": self.tokens.refresh_token,
            "client_id": self.client_id,
        }
        if self.client_secret:
            body["client_secret"] = self.client_secret
        return {"method": "POST", "url": "/v2/auth/oauth2/token", "json": body}

    def accept_refresh(self, body: Any, now: float | None = None) -> TokenPair:
        """Store the rotated pair from a refresh answer and return it."""
        now = time.time() if now is None else now
        if self.refresh_flow == "platform":
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict) or not data.get("accessToken"):
                raise ValueError("token refresh answer has no data.accessToken")
            expires = data.get("accessTokenExpiresAt")
            if isinstance(expires, int | float) and expires > 1e11:
                expires = expires / 1000  # Cal.com sends milliseconds
            pair = TokenPair(
                str(data["accessToken"]),
                str(data.get("refreshToken") or self.tokens and self.tokens.refresh_token or ""),
                float(expires) if isinstance(expires, int | float) else None,
            )
        else:
            if not isinstance(body, dict) or not body.get("access_token"):
                raise ValueError("token refresh answer has no access_token")
            expires_in = body.get("expires_in")
            pair = TokenPair(
                str(body["access_token"]),
                str(body.get("refresh_token") or self.tokens and self.tokens.refresh_token or ""),
                now + float(expires_in) if isinstance(expires_in, int | float) else None,
            )
        check_secret("the refreshed access token", pair.access_token)
        check_secret("the refreshed refresh token", pair.refresh_token)
        pair.issued_at = now
        self.tokens = pair
        self.pending = pair
        self.refresh_failure = None
        return pair
