"""Where deliveries go: a test routes subscriber URLs to a callable, a WSGI or
ASGI app, or an httpx transport. A URL nobody routed is unreachable, as a real
subscriber that is down: the delivery is still recorded, with its error."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from ._webhooks import Delivery

__all__ = ["Receiver", "deliver", "deliver_async"]

logger = logging.getLogger("calcom.testing")


@dataclass
class Receiver:
    url: str  # exact URL, or a prefix ending in "*"; "*" routes every URL
    handler: Callable[[httpx.Request], Any] | None = None
    wsgi: Any = None
    asgi: Any = None
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None

    def matches(self, url: str) -> bool:
        if self.url.endswith("*"):
            return url.startswith(self.url[:-1])
        return url == self.url


def _request(delivery: Delivery) -> httpx.Request:
    return httpx.Request("POST", delivery.url, headers=delivery.headers, content=delivery.body)


def _status(result: Any) -> int:
    if result is None:
        return 200
    if isinstance(result, httpx.Response):
        return result.status_code
    if isinstance(result, bool) or not isinstance(result, int):
        raise TypeError(
            f"a webhook handler returns None, an int status or an httpx.Response, got {result!r}"
        )
    return result


def _failed(delivery: Delivery, error: BaseException) -> None:
    delivery.status = None
    delivery.error = f"{type(error).__name__}: {error}"
    logger.warning("webhook delivery to %s failed: %s", delivery.url, delivery.error)


def _unrouted(delivery: Delivery) -> None:
    delivery.error = (
        f"nothing receives {delivery.url}: route it with fake.route_webhooks(url, handler=...)"
    )


def _send_sync(receiver: Receiver, request: httpx.Request) -> int:
    """A WSGI app or a sync transport: called in place, from sync and async senders alike."""
    transport = receiver.transport
    if not isinstance(transport, httpx.BaseTransport):
        transport = httpx.WSGITransport(app=receiver.wsgi)
    response = transport.handle_request(request)
    response.read()
    return response.status_code


async def _asgi(app: Any, request: httpx.Request) -> int:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        response = await client.send(request)
        return response.status_code


async def _async_transport(transport: httpx.AsyncBaseTransport, request: httpx.Request) -> int:
    response = await transport.handle_async_request(request)
    await response.aread()
    return response.status_code


def _run_coroutine(factory: Callable[[], Any]) -> Any:
    # A sync client may be called from inside a running event loop: run on a fresh one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def deliver(delivery: Delivery, receiver: Receiver | None) -> None:
    if receiver is None:
        _unrouted(delivery)
        return
    request = _request(delivery)
    try:
        if receiver.handler is not None:
            result = receiver.handler(request)
            if inspect.isawaitable(result):
                awaitable = result
                result = _run_coroutine(lambda: _await(awaitable))
            delivery.status = _status(result)
        elif receiver.wsgi is not None or isinstance(receiver.transport, httpx.BaseTransport):
            delivery.status = _send_sync(receiver, request)
        elif receiver.asgi is not None:
            delivery.status = _run_coroutine(lambda: _asgi(receiver.asgi, request))
        elif isinstance(receiver.transport, httpx.AsyncBaseTransport):
            transport = receiver.transport
            delivery.status = _run_coroutine(lambda: _async_transport(transport, request))
    except Exception as error:  # a failing receiver is the subscriber's problem, as live
        _failed(delivery, error)


async def _await(awaitable: Any) -> Any:
    return await awaitable


async def deliver_async(delivery: Delivery, receiver: Receiver | None) -> None:
    if receiver is None:
        _unrouted(delivery)
        return
    request = _request(delivery)
    try:
        if receiver.handler is not None:
            result = receiver.handler(request)
            if inspect.isawaitable(result):
                result = await result
            delivery.status = _status(result)
        elif receiver.wsgi is not None or isinstance(receiver.transport, httpx.BaseTransport):
            delivery.status = _send_sync(receiver, request)
        elif receiver.asgi is not None:
            delivery.status = await _asgi(receiver.asgi, request)
        elif isinstance(receiver.transport, httpx.AsyncBaseTransport):
            delivery.status = await _async_transport(receiver.transport, request)
    except Exception as error:
        _failed(delivery, error)
