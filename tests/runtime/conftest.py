"""Fixtures of the client runtime tests; the helpers themselves are in _calmock.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _calmock import API_KEY, MockAPI


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own CAL_* settings must not leak into the tests."""
    for name in ("CAL_API_KEY", "CAL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def api() -> MockAPI:
    return MockAPI()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def _with_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    if "api_key" not in kwargs and "access_token" not in kwargs:
        kwargs["api_key"] = API_KEY
    return kwargs


@pytest.fixture
def make_cal(api: MockAPI, sleeps: list[float]) -> Callable[..., Any]:
    from calcom import Cal

    def make(**kwargs: Any) -> Cal:
        kwargs.setdefault("http_client", httpx.Client(transport=httpx.MockTransport(api)))
        kwargs.setdefault("sleep", sleeps.append)
        return Cal(**_with_defaults(kwargs))

    return make


@pytest.fixture
def make_async_cal(api: MockAPI, sleeps: list[float]) -> Callable[..., Any]:
    from calcom import AsyncCal

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    def make(**kwargs: Any) -> AsyncCal:
        kwargs.setdefault("http_client", httpx.AsyncClient(transport=httpx.MockTransport(api)))
        kwargs.setdefault("sleep", record)
        return AsyncCal(**_with_defaults(kwargs))

    return make
