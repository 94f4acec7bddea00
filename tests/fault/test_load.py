"""The injected-load run: 5% 503 and 2% 429 on every route, sequential, concurrent
async and threaded. Same shape as the campaign (2,000 / 500 / 8 threads), scaled
down to keep the suite short. It prints calls lost, wrong results and double POSTs.

- a GET must always end with the right answer (retries cover the injected faults);
- a POST ends with the booking the server created for it, or, after a 503 (never
  resent), an InternalServerError; a POST is received twice only after a 429;
- "lost": a call that neither returned its own answer nor raised the error the
  server's last answer calls for.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from _faultserver import ME, FaultServer, Received, booking
from _scenarios import booking_kwargs
from calcom import InternalServerError

SEQUENTIAL = 300
CONCURRENT = 150
THREADS, PER_THREAD = 8, 25


@dataclass
class Load:
    """The server side: injects faults, remembers what it answered to each POST."""

    rng: random.Random = field(default_factory=lambda: random.Random(1234))
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: dict[str, list[int]] = field(default_factory=dict)

    def status(self) -> int:
        with self.lock:
            roll = self.rng.random()
        return 503 if roll < 0.05 else 429 if roll < 0.07 else 200

    def me(self, request: Received) -> tuple[int, Any]:
        status = self.status()
        if status != 200:
            return status, {"statusCode": status, "message": "injected"}
        return 200, {**ME, "data": {**ME["data"], "username": request.headers["x-call"]}}

    def create(self, request: Received) -> tuple[int, Any]:
        name = request.json()["attendee"]["name"]
        status = self.status()
        with self.lock:
            self.answers.setdefault(name, []).append(status)
        if status != 200:
            return status, {"statusCode": status, "message": "injected"}
        return 201, {"status": "success", "data": booking(f"uid-{name}", name)}


@dataclass
class Tally:
    lost: int = 0
    wrong: int = 0
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, lost: int = 0, wrong: int = 0) -> None:
        with self.lock:
            self.lost += lost
            self.wrong += wrong
            self.done += 1


def _route(api: FaultServer, load: Load) -> None:
    from _faultserver import answer

    api.route("GET", "/v2/me", answer(load.me))
    api.route("POST", "/v2/bookings", answer(load.create))


def _check_get(result: Any, call: str, tally: Tally) -> None:
    tally.add(wrong=int(result.data.username != call))


def _check_post(outcome: Any, name: str, load: Load, tally: Tally) -> None:
    answered = load.answers.get(name, [])
    if isinstance(outcome, InternalServerError):
        # Only right if the server's last answer to this POST was the 503 (not resent).
        tally.add(lost=int(not answered or answered[-1] != 503))
    elif isinstance(outcome, BaseException):
        tally.add(lost=1)
    else:
        tally.add(wrong=int(outcome.data.uid != f"uid-{name}" or outcome.data.title != name))


def _double_posts(api: FaultServer, load: Load) -> int:
    """POSTs the server received more than once although the earlier answer was not 429."""
    received = Counter(r.json()["attendee"]["name"] for r in api.sent("POST", "/v2/bookings"))
    doubles = 0
    for name, count in received.items():
        answers = load.answers[name]
        if count > 1 and any(status != 429 for status in answers[:-1]):
            doubles += 1
    return doubles


def _report(
    capsys: pytest.CaptureFixture[str], label: str, calls: int, tally: Tally, doubles: int
) -> None:
    with capsys.disabled():  # the figures show in every run, not only with -s
        print(
            f"\ninjected load, {label}: {calls} calls, lost {tally.lost}, wrong results "
            f"{tally.wrong}, POSTs received twice after a non-429 fault {doubles}"
        )
    assert tally.done == calls
    assert (tally.lost, tally.wrong, doubles) == (0, 0, 0)


def _sync_call(cal: Any, number: int, load: Load, tally: Tally) -> None:
    if number % 4 == 3:
        name = f"p{number}"
        try:
            outcome: Any = cal.bookings.create(**booking_kwargs(name))
        except Exception as error:  # judged below, whatever it is
            outcome = error
        _check_post(outcome, name, load, tally)
    else:
        call = f"g{number}"
        try:
            _check_get(cal.me.get.with_options(extra_headers={"x-call": call})(), call, tally)
        except Exception:
            tally.add(lost=1)


def test_sequential_load(
    api: FaultServer, make_cal: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    load, tally = Load(), Tally()
    _route(api, load)
    cal = make_cal(max_retries=5)
    for number in range(SEQUENTIAL):
        _sync_call(cal, number, load, tally)
    _report(capsys, "sequential", SEQUENTIAL, tally, _double_posts(api, load))


def test_threaded_load(api: FaultServer, make_cal: Any, capsys: pytest.CaptureFixture[str]) -> None:
    load, tally = Load(), Tally()
    _route(api, load)
    cal = make_cal(max_retries=5)

    def worker(thread: int) -> None:
        for i in range(PER_THREAD):
            _sync_call(cal, thread * PER_THREAD + i, load, tally)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, range(THREADS)))
    _report(capsys, f"{THREADS} threads", THREADS * PER_THREAD, tally, _double_posts(api, load))


async def test_concurrent_async_load(
    api: FaultServer, make_async_cal: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    concurrency = CONCURRENT
    load, tally = Load(), Tally()
    _route(api, load)
    cal = make_async_cal(max_retries=5)

    async def one(number: int) -> None:
        if number % 4 == 3:
            name = f"p{number}"
            try:
                outcome: Any = await cal.bookings.create(**booking_kwargs(name))
            except Exception as error:
                outcome = error
            _check_post(outcome, name, load, tally)
        else:
            call = f"g{number}"
            try:
                result = await cal.me.get.with_options(extra_headers={"x-call": call})()
                _check_get(result, call, tally)
            except Exception:
                tally.add(lost=1)

    await asyncio.gather(*(one(n) for n in range(concurrency)))
    await cal.close()
    _report(capsys, "concurrent async", concurrency, tally, _double_posts(api, load))
