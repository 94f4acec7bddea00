"""`FakeCal`: an in-memory Cal.com behind an httpx transport."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from . import _bookings, _catalog, _webhooks  # noqa: F401 - registers the handlers
from ._clock import Clock
from ._faults import Fault, Faults
from ._receivers import Receiver, deliver, deliver_async
from ._registry import HANDLERS, Call
from ._routes import Route, match, route_named
from ._store import Booking, Person, Store
from ._webhooks import Delivery, booking_payload, no_show_payload, prepare
from ._wire import Answer, FakeError, error_body

if TYPE_CHECKING:
    from calcom._client import AsyncCal, Cal

    from ._seed import Seed

__all__ = ["FakeCal", "RecordedRequest", "UnimplementedOperation"]

DEFAULT_API_KEY = "cal_test_fake0000000000000000"
DEFAULT_CLIENT_ID = "fake-oauth-client"
DEFAULT_CLIENT_SECRET = "fake-oauth-secret"
BASE_URL = "https://api.cal.com"
_JSON = "application/json; charset=utf-8"


class UnimplementedOperation(NotImplementedError):
    """A call of an operation the fake does not simulate, after `strict_unimplemented()`."""


@dataclass(frozen=True)
class RecordedRequest:
    """A request the fake received: `operation` is the client's name (`bookings.create`)."""

    method: str
    path: str
    query: dict[str, str | list[str]]
    headers: httpx.Headers
    body: Any  # the JSON body, parsed; raw bytes if it is not JSON; None if empty
    operation: str | None
    operation_id: str | None

    @property
    def api_version(self) -> str | None:
        version: str | None = self.headers.get("cal-api-version")
        return version


def _parse_body(request: httpx.Request) -> Any:
    content = request.content
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content


def _query(request: httpx.Request) -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for key in request.url.params:
        values = request.url.params.get_list(key)
        out[key] = values[0] if len(values) == 1 else values
    return out


class FakeCal:
    """A stateful in-memory Cal.com: a real `Cal` talks to it through an httpx transport.

    >>> fake = FakeCal(now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    >>> cal = fake.client()
    >>> cal.me.get().data.username
    'alice'

    Simulated with Cal.com's semantics: me, event types, schedules, slots,
    bookings (create, get, list, cancel, reschedule, confirm, decline, mark
    absent) and webhooks (subscriptions and signed deliveries). Every other
    operation answers its recorded response (`strict_unimplemented()` makes
    them raise instead).
    """

    def __init__(
        self,
        *,
        now: datetime | None = None,
        clock: Clock | None = None,
        api_key: str = DEFAULT_API_KEY,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        base_url: str = BASE_URL,
        user: dict[str, Any] | None = None,
        seed: int = 0,
    ) -> None:
        if now is not None and clock is not None:
            raise ValueError("pass now= or clock=, not both")
        self.clock = clock or Clock(now)
        self.api_key = api_key
        self.client_id = client_id
        self.client_secret = client_secret
        self.base_url = base_url.rstrip("/")
        self.store = Store(user=_catalog.new_user(**(user or {})), rng=random.Random(seed))
        self.requests: list[RecordedRequest] = []
        self.deliveries: list[Delivery] = []
        self._faults = Faults()
        self._receivers: list[Receiver] = []
        self._strict = False
        self._lock = threading.RLock()
        self._outbox: list[Delivery] = []
        self._quiet = 0  # > 0 while seeding: nothing recorded, no faults used, no deliveries
        self.transport = FakeTransport(self)
        self.async_transport = AsyncFakeTransport(self)
        # A new Cal.com account has a default schedule: weekdays 09:00-17:00.
        _catalog.new_schedule(
            self.store,
            {
                "name": "Working Hours",
                "timeZone": self.store.user["timeZone"],
                "isDefault": True,
                "availability": _catalog.WORKING_HOURS,
            },
        )

    def __repr__(self) -> str:
        s = self.store
        return (
            f"FakeCal(now={self.clock.now().isoformat()}, event_types={len(s.event_types)}, "
            f"schedules={len(s.schedules)}, bookings={len(s.bookings)}, "
            f"webhooks={len(s.webhooks)}, requests={len(self.requests)}, "
            f"deliveries={len(self.deliveries)})"
        )

    # --- clients ----------------------------------------------------------------------

    def client(self, **options: Any) -> Cal:
        """A real `Cal` wired to the fake (its key, base URL and clock); options go to `Cal`."""
        from calcom._client import Cal

        options.setdefault("sleep", self.clock.sleep)
        options.setdefault("http_client", httpx.Client(transport=self.transport))
        return Cal(**self._client_options(options))

    def async_client(self, **options: Any) -> AsyncCal:
        """A real `AsyncCal` wired to the fake; options go to `AsyncCal`."""
        from calcom._client import AsyncCal

        options.setdefault("sleep", self.clock.async_sleep)
        options.setdefault("http_client", httpx.AsyncClient(transport=self.async_transport))
        return AsyncCal(**self._client_options(options))

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "base_url": self.base_url,
            **options,
        }

    @property
    def seed(self) -> Seed:
        """Put state in place without going through (or being recorded as) a request."""
        from ._seed import Seed

        return Seed(self)

    # --- test controls ----------------------------------------------------------------

    def strict_unimplemented(self, strict: bool = True) -> None:
        """Operations the fake does not simulate raise `UnimplementedOperation`
        instead of answering their recorded response."""
        self._strict = strict

    def fail_next(
        self,
        operation: str = "*",
        status: int | None = None,
        *,
        times: int = 1,
        retry_after: float | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        message: str | None = None,
        timeout: bool = False,
        connect_error: bool = False,
    ) -> None:
        """Make the next `times` calls of `operation` fail.

        `operation` is the client's name (`"bookings.create"`), an operation id
        (`"create_booking"`) or `"*"` (any). The failure is an HTTP error with
        Cal.com's envelope (`status`, default 503; `retry_after` adds a
        `Retry-After` header, e.g. with status 429), or no answer at all:
        `timeout=True` raises httpx.ReadTimeout, `connect_error=True`
        httpx.ConnectError. The state is left unchanged.
        """
        if timeout and connect_error:
            raise ValueError("a fault is a timeout or a connection error, not both")
        if (timeout or connect_error) and status is not None:
            raise ValueError("a timeout or connection error has no status")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"a fault's status is 4xx or 5xx, got {status}")
        operation_id = None if operation == "*" else route_named(operation).operation_id
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = f"{retry_after:g}"
        self._faults.add(
            Fault(
                operation_id=operation_id,
                status=None if (timeout or connect_error) else (status or 503),
                times=times,
                headers=extra,
                body=body,
                message=message,
                timeout=timeout,
                connect_error=connect_error,
            )
        )

    def route_webhooks(
        self,
        url: str,
        handler: Callable[[httpx.Request], Any] | None = None,
        *,
        wsgi: Any = None,
        asgi: Any = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Deliver webhooks for `url` (exact; a prefix ending in `*`; `"*"` for all) to
        one receiver: `handler(request)` returning None/an int status/an httpx.Response
        (may be async), a WSGI app, an ASGI app, or an httpx transport."""
        given = [x for x in (handler, wsgi, asgi, transport) if x is not None]
        if len(given) != 1:
            raise ValueError("route a URL to exactly one of handler, wsgi, asgi, transport")
        self._receivers.insert(
            0, Receiver(url=url, handler=handler, wsgi=wsgi, asgi=asgi, transport=transport)
        )

    def deliveries_for(self, trigger: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.trigger == trigger]

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        operation_id = route_named(operation).operation_id
        return [r for r in self.requests if r.operation_id == operation_id]

    # --- events (called by the handlers) ----------------------------------------------

    def emit(self, trigger: str, payload: dict[str, Any], event_type_id: int | None = None) -> None:
        """Queue a delivery for every active subscription to `trigger`: the user's own,
        and the event type's when the event concerns one."""
        if self._quiet:
            return
        now = self.clock.now()
        for subscription in self.store.webhooks.values():
            scope = subscription.event_type_id
            if scope is not None and scope != event_type_id:
                continue
            if subscription.active and trigger in subscription.triggers:
                self._outbox.append(prepare(subscription, trigger, now, payload))

    def emit_booking(self, trigger: str, booking: Booking, previous: Booking | None = None) -> None:
        payload = booking_payload(self.store, booking, trigger, previous)
        self.emit(trigger, payload, booking.event_type_id)

    def emit_no_show(self, booking: Booking, changed: list[Person]) -> None:
        payload = no_show_payload(booking, changed)
        self.emit("BOOKING_NO_SHOW_UPDATED", payload, booking.event_type_id)

    def _receiver(self, url: str) -> Receiver | None:
        return next((r for r in self._receivers if r.matches(url)), None)

    # --- the server -------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> tuple[httpx.Response, list[Delivery]]:
        """Answer one request; returns the response and the deliveries it caused
        (already in `self.deliveries`; the transport sends them)."""
        with self._lock:
            self._outbox = []
            found = match(request.method, request.url.path)
            route, params = found if found else (None, {})
            if not self._quiet:
                self.requests.append(
                    RecordedRequest(
                        method=request.method,
                        path=request.url.path,
                        query=_query(request),
                        headers=request.headers,
                        body=_parse_body(request),
                        operation=route.name if route else None,
                        operation_id=route.operation_id if route else None,
                    )
                )
            try:
                answer = self._answer(request, route, params)
            except FakeError as error:
                self._outbox = []
                body = error_body(
                    error.status,
                    error.message,
                    _raw_path(request),
                    self.clock.now(),
                    code=error.code,
                    details=error.details,
                )
                body["error"].update(error.extra)
                answer = Answer(error.status, body)
            deliveries, self._outbox = self._outbox, []
            self.deliveries.extend(deliveries)
            return _response(request, answer), deliveries

    def _answer(
        self, request: httpx.Request, route: Route | None, params: dict[str, str]
    ) -> Answer:
        if route is None:
            raise FakeError(404, f"Cannot {request.method} {request.url.path}")
        if not self._quiet:
            fault = self._faults.take(route.operation_id)
            if fault is not None:
                return self._fault_answer(request, fault)
        self._authenticate(request, route)
        handler = HANDLERS.get(route.operation_id)
        if handler is None:
            if self._strict:
                raise UnimplementedOperation(
                    f"{route.name} ({route.method} {route.path}) is not simulated by FakeCal; "
                    "seed what you need or call fake.strict_unimplemented(False)"
                )
            recorded = route.answer
            return Answer(recorded["status"], recorded["body"])
        self._check_version(request, route)
        body = _parse_body(request)
        if isinstance(body, bytes):
            raise FakeError(400, "the request body is not JSON")
        call = Call(
            route=route, params=params, query=request.url.params, body=body, request=request
        )
        return handler(self, call)

    def _fault_answer(self, request: httpx.Request, fault: Fault) -> Answer:
        if fault.timeout:
            raise httpx.ReadTimeout("calcom.testing: injected timeout", request=request)
        if fault.connect_error:
            raise httpx.ConnectError("calcom.testing: injected connection error", request=request)
        status = fault.status or 503
        body = fault.body
        if body is None:
            message = fault.message or f"calcom.testing: injected {status}"
            body = error_body(status, message, _raw_path(request), self.clock.now())
        return Answer(status, body, dict(fault.headers))

    def _authenticate(self, request: httpx.Request, route: Route) -> None:
        headers = request.headers
        authorization = headers.get("authorization")
        bearer = None
        if authorization is not None:
            scheme, _, bearer = authorization.partition(" ")
            if scheme.lower() != "bearer" or bearer != self.api_key:
                # Cal.com's throttler guard checks any key before the route's own guard
                # (shared/live-server/list_bookings--bad-key.json).
                raise FakeError(401, "CustomThrottlerGuard - Invalid API Key")
        client_id = headers.get("x-cal-client-id")
        secret = headers.get("x-cal-secret-key")
        if (client_id is not None and client_id != self.client_id) or (
            secret is not None and secret != self.client_secret
        ):
            raise FakeError(401, "OAuth client credentials are invalid")
        present = set()
        if bearer is not None:
            present.add("bearer")
        if client_id is not None and secret is not None:
            present.add("client")
        if secret is not None:
            present.add("secret")
        if not route.alternatives:
            return
        for alternative in route.alternatives:
            if alternative <= present | {"none"}:
                return
        raise FakeError(
            401,
            "No authentication method provided. Either pass an API key as 'Bearer' header "
            "or OAuth client credentials as 'x-cal-secret-key' and 'x-cal-client-id' headers",
        )

    def _check_version(self, request: httpx.Request, route: Route) -> None:
        if route.api_version is None:
            return
        sent = request.headers.get("cal-api-version")
        if sent is None or sent < route.api_version:
            raise FakeError(
                400,
                f"{route.name} needs the header cal-api-version: {route.api_version} (sent: "
                f"{sent or 'none'}); without it Cal.com answers an older contract, which "
                "calcom.testing.FakeCal does not simulate",
            )


def _raw_path(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii", "replace")


def _response(request: httpx.Request, answer: Answer) -> httpx.Response:
    headers = {**answer.headers}
    content = b""
    if answer.body is not None:
        content = json.dumps(answer.body, separators=(",", ":"), ensure_ascii=False).encode()
        headers.setdefault("content-type", _JSON)
    return httpx.Response(answer.status, headers=headers, content=content, request=request)


class FakeTransport(httpx.BaseTransport):
    """The sync transport: answers from the fake, then makes its webhook deliveries."""

    def __init__(self, fake: FakeCal) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response, deliveries = self.fake.handle(request)
        for delivery in deliveries:
            deliver(delivery, self.fake._receiver(delivery.url))
        return response


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """The async transport: the same fake, deliveries awaited."""

    def __init__(self, fake: FakeCal) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response, deliveries = self.fake.handle(request)
        for delivery in deliveries:
            await deliver_async(delivery, self.fake._receiver(delivery.url))
        return response
