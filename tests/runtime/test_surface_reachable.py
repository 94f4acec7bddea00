"""Every operation of the overlaid spec is a method of `Cal` and of `AsyncCal`."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import httpx
from calcom import AsyncCal, Cal
from calcom._endpoint import AsyncBoundEndpoint, AsyncResource, BoundEndpoint, SyncResource

METHODS = ("get", "put", "post", "delete", "patch")


def _walk(resource: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted name, bound endpoint) for every method below a namespace."""
    for name in dir(type(resource)):
        if name.startswith("_"):
            continue
        value = getattr(resource, name)
        if isinstance(value, BoundEndpoint | AsyncBoundEndpoint):
            yield f"{path}{name}", value
        elif isinstance(value, SyncResource | AsyncResource):
            yield from _walk(value, f"{path}{name}.")


def _spec_operations(spec: dict[str, Any]) -> dict[str, str]:
    return {
        op["operationId"]: f"{op['x-calcom-namespace']}.{op['x-calcom-method']}"
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in METHODS
    }


def test_every_operation_is_reachable_sync_and_async(overlaid_spec: dict[str, Any]) -> None:
    expected = _spec_operations(overlaid_spec)
    # One entry per operation: no two operations share an operationId.
    assert len(expected) == sum(
        method in item for item in overlaid_spec["paths"].values() for method in METHODS
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    sync = dict(_walk(Cal(api_key="cal_test_x", http_client=httpx.Client(transport=transport))))
    asyn = dict(
        _walk(AsyncCal(api_key="cal_test_x", http_client=httpx.AsyncClient(transport=transport)))
    )
    assert {name: bound.operation.operation_id for name, bound in sync.items()} == {
        dotted: op_id for op_id, dotted in expected.items()
    }
    assert sync.keys() == asyn.keys()
    for name, bound in asyn.items():
        assert isinstance(bound, AsyncBoundEndpoint), name
        assert inspect.iscoroutinefunction(type(bound).__call__), name
        assert bound.operation is sync[name].operation


def test_the_contract_names_exist() -> None:
    """The spellings the README and the issue promise."""
    cal = Cal(api_key="cal_test_x")
    for dotted in (
        "bookings.list", "bookings.get", "bookings.create", "bookings.cancel",
        "bookings.reschedule", "bookings.confirm", "bookings.decline", "slots.list",
        "slots.reservations.create", "event_types.list", "schedules.list",
        "schedules.get_default", "me.get", "webhooks.list", "webhooks.create",
        "orgs.teams.memberships.list",
    ):  # fmt: skip
        target: Any = cal
        for part in dotted.split("."):
            target = getattr(target, part)
        assert isinstance(target, BoundEndpoint), dotted
    assert callable(cal.bookings.list.iter)
