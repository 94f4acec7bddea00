"""When to retry, how long to wait, and the deadline of a call.

429 is always retryable: the server refused before doing anything. A request
that was never completely sent (no connection, no pool slot, the connection
failed while the request was still being written) cannot have been acted on,
so it is resent whatever its method. 5xx, timeouts and a connection lost after
the request was sent are retried only for idempotent methods, because a POST
that may have reached the server (create booking!) must never be sent twice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# The request did not (completely) leave the client: no server can have acted on it.
# A failed write leaves at most a partial request, which an HTTP server never handles.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)
# Mistakes on our side (or the caller's): sending again changes nothing.
NEVER_RETRIED_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.LocalProtocolError,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    # A server asking us to wait longer than this gets a RateLimitError instead.
    max_wait: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (attempt counts from 0)."""
        ceiling = min(self.max_delay, self.initial_delay * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)


def retryable_status(status: int, method: str) -> bool:
    if status == 429:
        return True
    return status >= 500 and method.upper() in IDEMPOTENT_METHODS


def was_not_sent(error: BaseException) -> bool:
    return isinstance(error, NOT_SENT_ERRORS)


def retryable_transport_error(method: str, error: BaseException | None = None) -> bool:
    if error is not None:
        if isinstance(error, NOT_SENT_ERRORS):
            return True
        if isinstance(error, NEVER_RETRIED_ERRORS) or not isinstance(error, httpx.TransportError):
            return False
    return method.upper() in IDEMPOTENT_METHODS


def server_wait(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: Retry-After (seconds or HTTP date),
    else Cal.com's X-RateLimit-Reset[-Name] (a unix timestamp, or seconds).

    Cal.com sends one Reset/Remaining pair per bucket (`-Short`, `-Medium`, …):
    the bucket whose Remaining is 0 is the one that refused us, and its reset
    is the wait. Without a Remaining header to tell, the soonest reset is
    tried first (a further 429 says if it was not the one)."""
    now = time.time() if now is None else now
    value = headers.get("retry-after")
    if value is not None:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    resets: dict[str, float] = {}
    exhausted: set[str] = set()
    for name, raw in headers.items():
        lower = name.lower()
        if lower.startswith("x-ratelimit-reset"):
            try:
                resets[lower[len("x-ratelimit-reset") :]] = _seconds_until(float(raw), now)
            except (ValueError, OverflowError):
                continue
        elif lower.startswith("x-ratelimit-remaining"):
            try:
                if float(raw) <= 0:
                    exhausted.add(lower[len("x-ratelimit-remaining") :])
            except ValueError:
                continue
    if not resets:
        return None
    refusing = [wait for bucket, wait in resets.items() if bucket in exhausted]
    return max(refusing) if refusing else min(resets.values())


def _seconds_until(reset: float, now: float) -> float:
    if reset > 1e12:  # milliseconds since the epoch
        reset /= 1000
    return max(0.0, reset - now) if reset > 1e9 else max(0.0, reset)


class DeadlineExceeded(Exception):
    """Internal: the call's deadline passed during I/O (mapped to APITimeoutError)."""


class Deadline:
    """The time left for one call: every attempt, wait, redirect and refresh share it.

    With an injected `sleep` (tests), the waits it is asked for count as spent
    time although none passes, so the deadline behaves the same."""

    __slots__ = ("seconds", "_until")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._until = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        if self._until is None:
            return None
        return self._until - time.monotonic()

    def expired(self) -> bool:
        return self._until is not None and time.monotonic() >= self._until

    def allows(self, wait: float) -> bool:
        """Whether waiting `wait` seconds still leaves time for an attempt."""
        return self._until is None or time.monotonic() + wait < self._until

    def slept(self, seconds: float) -> None:
        """An injected sleep returned at once: count the wait anyway."""
        if self._until is not None:
            self._until -= seconds

    def cap(self, request: httpx.Request) -> bool:
        """Shrink the request's timeouts to the time left (True if it did: a timeout
        is then the deadline's); raise when no time is left."""
        if self._until is None:
            return False
        left = self._until - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded
        timeout: dict[str, Any] = request.extensions.get("timeout") or {}
        for value in timeout.values():
            if value is None or value > left:
                break
        else:
            return False  # every timeout ends before the deadline (the usual case)
        request.extensions["timeout"] = {
            phase: left if value is None or value > left else value
            for phase, value in timeout.items()
        }
        return True
