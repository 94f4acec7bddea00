"""Fixtures of the fault suite: a real server on 127.0.0.1 per test (`servers.api`,
and `servers.api.other`, another origin), and clients pointed at it. Waits
between retries are recorded, not slept (`sleeps`), unless a test says otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _faultserver import API_KEY, FaultServer, Servers  # noqa: E402


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CAL_API_KEY", "CAL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def servers() -> Iterator[Servers]:
    running = Servers()
    yield running
    running.close()


@pytest.fixture
def api(servers: Servers) -> FaultServer:
    return servers.api


@pytest.fixture
def other(servers: Servers) -> FaultServer:
    assert servers.api.other is not None
    return servers.api.other


class Late:
    """A server on a port where nobody listens yet: `start()` brings it up
    (from a test's `sleep` hook, so the client's retry finds it)."""

    def __init__(self, servers: Servers) -> None:
        import socket

        self.servers = servers
        self.server = FaultServer()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if not self.server.port:
            self.servers.call(self.server.start(self.port))


@pytest.fixture
def late(servers: Servers) -> Iterator[Late]:
    waiting = Late(servers)
    yield waiting
    servers.call(waiting.server.stop())


@pytest.fixture
def sleeps() -> list[float]:
    return []


def _defaults(api: FaultServer, kwargs: dict[str, Any]) -> dict[str, Any]:
    if "api_key" not in kwargs and "access_token" not in kwargs and "client_id" not in kwargs:
        kwargs["api_key"] = API_KEY
    kwargs.setdefault("base_url", api.url)
    kwargs.setdefault("timeout", 5.0)
    return kwargs


@pytest.fixture
def make_cal(api: FaultServer, sleeps: list[float]) -> Iterator[Callable[..., Any]]:
    from calcom import Cal

    made: list[Cal] = []

    def make(**kwargs: Any) -> Cal:
        kwargs.setdefault("sleep", sleeps.append)
        cal = Cal(**_defaults(api, kwargs))
        made.append(cal)
        return cal

    yield make
    for cal in made:
        cal.close()


@pytest.fixture
def make_async_cal(api: FaultServer, sleeps: list[float]) -> Iterator[Callable[..., Any]]:
    from calcom import AsyncCal

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    def make(**kwargs: Any) -> AsyncCal:
        kwargs.setdefault("sleep", record)
        return AsyncCal(**_defaults(api, kwargs))

    yield make
