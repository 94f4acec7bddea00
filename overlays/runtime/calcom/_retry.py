"""When to retry and how long to wait.

429 is always retryable: the server refused before doing anything. 5xx,
timeouts and connection errors are retried only for idempotent methods,
because a POST that may have reached the server (create booking!) must never
be sent twice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


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


def retryable_transport_error(method: str) -> bool:
    return method.upper() in IDEMPOTENT_METHODS


def server_wait(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: Retry-After (seconds or HTTP date),
    else Cal.com's X-RateLimit-Reset[-Name] (a unix timestamp, or seconds)."""
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
        except (TypeError, ValueError, IndexError):
            pass
    for name, raw in headers.items():
        if name.lower().startswith("x-ratelimit-reset"):
            try:
                reset = float(raw)
            except ValueError:
                continue
            if reset > 1e12:  # milliseconds since the epoch
                reset /= 1000
            return max(0.0, reset - now) if reset > 1e9 else max(0.0, reset)
    return None
