"""In-process figures: per-call overhead (sync, async) and parsing a large page.

Each repeat times `number` calls of ours, then `number` calls of the baseline,
alternating, with the garbage collector on (as in a real program; collected
before each repeat). The figure is the best repeat of each side: the least
disturbed by whatever else the machine is doing.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Awaitable, Callable
from functools import reduce
from typing import Any

import httpx

from . import Figure
from .data import API_KEY, BASE_URL, ME_BODY, Target, bookings_page

JSON_HEADERS = {"content-type": "application/json"}
ME_VERSION = "2024-08-13"


def _timed(fn: Callable[[], object], number: int) -> float:
    gc.collect()
    started = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - started) / number


def _side_by_side(
    ours: Callable[[], object], baseline: Callable[[], object], number: int, repeat: int
) -> tuple[list[float], list[float]]:
    for _ in range(max(3, number // 10)):  # warm up: imports, caches, connection pool
        ours()
        baseline()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        mine.append(_timed(ours, number))
        theirs.append(_timed(baseline, number))
    return mine, theirs


def _handler(body: bytes) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=JSON_HEADERS)

    return handler


def _endpoint(cal: Any, target: Target) -> Any:
    return getattr(reduce(getattr, target.chain, cal), target.attr)


def per_call(target: Target, number: int, repeat: int) -> list[Figure]:
    """`cal.me.get()` against `httpx.Client.get(...).json()` on the same transport."""
    import calcom

    transport = httpx.MockTransport(_handler(ME_BODY))
    url = BASE_URL + target.path

    # Every client feature on the path: auth header, api-version header (GET
    # /v2/me has none of its own, so it is set per call), retry loop, error
    # mapping, lenient parsing into the response model.
    cal = calcom.Cal(api_key=API_KEY, http_client=httpx.Client(transport=transport))
    ours = _endpoint(cal, target).with_options(api_version=ME_VERSION)
    sent = ours.with_raw_response().http_response.request.headers
    headers = {k: sent[k] for k in ("user-agent", "authorization", "cal-api-version")}
    client = httpx.Client(transport=transport)

    def baseline() -> object:
        return client.get(url, headers=headers).json()

    parsed = ours()
    if type(parsed).__module__.split(".")[0] != "calcom" or baseline()["data"]["id"] != 3140613:
        raise RuntimeError(f"{target.dotted}() did not parse the answer: {parsed!r}")
    mine, theirs = _side_by_side(ours, baseline, number, repeat)

    # The same with AsyncCal and httpx.AsyncClient, awaited in one event loop.
    acal = calcom.AsyncCal(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport))
    aours = _endpoint(acal, target).with_options(api_version=ME_VERSION)
    aclient = httpx.AsyncClient(transport=transport)

    async def abaseline() -> object:
        return (await aclient.get(url, headers=headers)).json()

    async def atimed(fn: Callable[[], Awaitable[object]]) -> float:
        gc.collect()
        started = time.perf_counter()
        for _ in range(number):
            await fn()
        return (time.perf_counter() - started) / number

    async def arun() -> tuple[list[float], list[float]]:
        for _ in range(max(3, number // 10)):
            await aours()
            await abaseline()
        amine: list[float] = []
        atheirs: list[float] = []
        for _ in range(repeat):
            amine.append(await atimed(aours))
            atheirs.append(await atimed(abaseline))
        return amine, atheirs

    amine, atheirs = asyncio.run(arun())
    note = (
        f"best of {repeat} x {number} calls; httpx.MockTransport answering "
        f"{len(ME_BODY)} B; auth + cal-api-version headers, retry loop, error mapping, "
        "lenient parsing into the model"
    )
    return [
        Figure(
            "per_call_sync",
            f"per call, sync ({target.dotted}())",
            "s",
            min(mine),
            min(theirs),
            "httpx.Client.get(url, headers) + .json()",
            target_ratio=1.15,
            samples={"ours_seconds": mine, "baseline_seconds": theirs},
            notes=note,
        ),
        Figure(
            "per_call_async",
            f"per call, async (await {target.dotted}())",
            "s",
            min(amine),
            min(atheirs),
            "await httpx.AsyncClient.get(url, headers) + .json()",
            target_ratio=1.15,
            samples={"ours_seconds": amine, "baseline_seconds": atheirs},
            notes=note.replace("calls", "awaited calls"),
        ),
    ]


def parsing(target: Target, count: int, number: int, repeat: int) -> list[Figure]:
    """Parse a page of `count` bookings with the endpoint's `_parse_response` vs json.loads."""
    import calcom

    body, source = bookings_page(count)
    cal = calcom.Cal(
        api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(_handler(body)))
    )
    namespace = reduce(getattr, target.chain, cal)
    parse = getattr(type(namespace), target.attr).parse  # the Endpoint: _parse_response
    response = httpx.Response(
        200,
        content=body,
        headers=JSON_HEADERS,
        request=httpx.Request("GET", BASE_URL + target.path),
    )
    page = parse(response)
    kinds = {type(item).__name__ for item in page.data}
    if len(page.data) != count or any(isinstance(item, dict) for item in page.data):
        raise RuntimeError(f"the {count} bookings did not parse into models: {kinds}")

    mine, theirs = _side_by_side(lambda: parse(response), lambda: json.loads(body), number, repeat)
    return [
        Figure(
            "parse_bookings",
            f"parse {count} bookings ({len(body) / 1000:.0f} KB, lenient)",
            "s",
            min(mine),
            min(theirs),
            "json.loads of the same bytes",
            target_ratio=4.0,
            samples={"ours_seconds": mine, "baseline_seconds": theirs},
            notes=(
                f"best of {repeat} x {number}; {target.module}._parse_response on an "
                f"httpx.Response; bookings from {source}, ids/uids varied; parsed as "
                f"{', '.join(sorted(kinds))}"
            ),
        )
    ]
