"""Credentials, and the refresh of managed-user / OAuth2 tokens.

Refresh tokens rotate: the old one stops working once used, so every refresh
hands the new pair to the caller's `on_token_refresh` callback to persist.
Secrets never appear in a repr.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

RefreshFlow = Literal["platform", "oauth2"]
# Refresh this long before the stated expiry, so a request does not race it.
EXPIRY_MARGIN_SECONDS = 60.0


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

    def __repr__(self) -> str:
        return f"TokenPair(access_token='***', refresh_token='***', expires_at={self.expires_at!r})"

    def expiring(self, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False
        return (time.time() if now is None else now) >= self.expires_at - EXPIRY_MARGIN_SECONDS


OnTokenRefresh = Callable[[TokenPair], Any]


class Credentials:
    """What the client authenticates with; decides the headers per operation."""

    __slots__ = ("api_key", "client_id", "client_secret", "tokens", "refresh_flow", "on_refresh")

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
        self.api_key = api_key
        self.client_id = client_id
        self.client_secret = client_secret
        self.tokens = tokens
        self.refresh_flow = refresh_flow
        self.on_refresh = on_refresh

    def __repr__(self) -> str:
        return (
            f"Credentials(api_key={mask(self.api_key)}, client_id={self.client_id!r}, "
            f"client_secret={mask(self.client_secret)}, tokens={self.tokens!r})"
        )

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
        """httpx.request() arguments that renew the tokens."""
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
        self.tokens = pair
        return pair
