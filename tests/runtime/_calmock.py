"""Helpers of the client runtime tests: a scripted Cal.com behind httpx.MockTransport.

`MockAPI` answers scripted replies (`api.on("GET", "/v2/me", ok(ME), fail(500))`)
and records what was sent (`api.requests`, `api.sent("GET", "/v2/me")`). The
fixtures in conftest.py wire it to the clients: `api`, `sleeps` (every wait the
client asked for; no test really waits), `make_cal(**kwargs)` / `make_async_cal`.

The secrets below are distinctive on purpose: the secret-scan tests look for them.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

# Re-exported: the runtime tests import their test data from here.
from _answers import ME as ME
from _answers import booking as booking
from _answers import bookings_page as bookings_page

API_KEY = "cal_test_k3yS3cr3t0123456789abcdef"
CLIENT_ID = "clxyz0clientid"
CLIENT_SECRET = "sk-cl13nt-s3cr3t-6f1e2d"
ACCESS_TOKEN = "at-0ld-acc3ss-t0k3n-9a8b"
REFRESH_TOKEN = "rt-0ld-r3fr3sh-t0k3n-7c6d"
NEW_ACCESS_TOKEN = "at-n3w-acc3ss-t0k3n-5e4f"
NEW_REFRESH_TOKEN = "rt-n3w-r3fr3sh-t0k3n-3a2b"
SECRETS = (
    API_KEY,
    CLIENT_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    NEW_ACCESS_TOKEN,
    NEW_REFRESH_TOKEN,
)

Reply = Callable[[httpx.Request], "httpx.Response | Awaitable[httpx.Response]"]


def body_for(method: Any, data: dict[str, Any]) -> Any:
    """The request model of a bound method (the first of a oneOf), built from JSON.
    Found through the method's signature, so the tests do not depend on model names."""
    annotation = inspect.signature(method._endpoint.build).parameters["body"].annotation
    model = (typing.get_args(annotation) or (annotation,))[0]
    return model.from_dict(data)


BOOKING_INPUT: dict[str, Any] = {
    "start": "2026-09-01T10:00:00Z",
    "eventTypeId": 11,
    "attendee": {"name": "Bob", "email": "bob@example.com", "timeZone": "UTC"},
}


def ok(body: Any = None, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer (a fresh httpx.Response per request)."""
    payload = {"status": "success", "data": {}} if body is None else body
    return lambda request: httpx.Response(status, json=payload, headers=headers)


def fail(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
    """An error answer: JSON when `body` is not a str, else that text as HTML."""
    if isinstance(body, str):
        return lambda request: httpx.Response(
            status, text=body, headers={"content-type": "text/html", **(headers or {})}
        )
    payload = body if body is not None else {"statusCode": status, "message": "error"}
    return lambda request: httpx.Response(status, json=payload, headers=headers)


def raises(error: type[httpx.TransportError]) -> Reply:
    def reply(request: httpx.Request) -> httpx.Response:
        raise error("scripted transport failure", request=request)

    return reply


MAX_REQUESTS = 100


class MockAPI:
    """A scripted server. Each route answers its replies in order; the last one repeats.
    Unscripted routes answer 200 `{"status": "success", "data": {}}`."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._routes: dict[tuple[str, str], list[Reply]] = {}

    def on(self, method: str, path: str, *replies: Reply) -> MockAPI:
        self._routes.setdefault((method.upper(), path), []).extend(replies)
        return self

    def __call__(self, request: httpx.Request) -> Any:
        self.requests.append(request)
        if len(self.requests) > MAX_REQUESTS:
            # A client stuck in a retry or refresh loop fails the test instead of hanging it.
            raise RuntimeError(f"runaway client: more than {MAX_REQUESTS} requests")
        queue = self._routes.get((request.method, request.url.path))
        if not queue:
            return ok()(request)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply(request)

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    @staticmethod
    def body(request: httpx.Request) -> Any:
        return json.loads(request.content)


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
