"""Every operation of the client gets an answer from FakeCal that the client parses.

Each operation is called the way its recording calls it (tests/recordings). One the
fake simulates answers from its state: with these made-up arguments mostly a typed
Cal.com error (a 404 for an unknown uid), which is still an answer the client
reads. Any other operation answers its recorded 2xx response, which must parse;
strictly when that answer is the spec-derived one.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pytest
import recordings  # scripts/ (tests/conftest.py puts it on sys.path)
from calcom import APIStatusError, Cal, ResponseParseError
from calcom._endpoint import Endpoint
from calcom.testing import FakeCal, UnimplementedOperation
from calcom.testing._registry import HANDLERS
from calcom.testing._routes import load_routes


def _endpoints() -> dict[str, tuple[tuple[str, ...], str, Any]]:
    index: dict[str, tuple[tuple[str, ...], str, Any]] = {}

    def walk(resource: Any, path: tuple[str, ...]) -> None:
        for cls in type(resource).__mro__:
            for name, attr in vars(cls).items():
                if isinstance(attr, Endpoint):
                    index.setdefault(attr.operation.operation_id, (path, name, attr))
                elif isinstance(attr, cached_property) and not name.startswith("_"):
                    walk(getattr(resource, name), (*path, name))

    walk(Cal(api_key="cal_test_walk"), ())
    return index


ENDPOINTS = _endpoints()
OWN_RECORDING = {
    r.operation: r for r in recordings.load_all() if recordings.VARIANT_SEPARATOR not in r.path.stem
}
ROUTES = {route.operation_id: route for route in load_routes()}


def test_the_fake_routes_every_operation_of_the_client(overlaid_spec: dict[str, Any]) -> None:
    assert set(ROUTES) == set(ENDPOINTS)
    methods = ("get", "put", "post", "delete", "patch")
    operations = sum(m in item for item in overlaid_spec["paths"].values() for m in methods)
    assert len(ROUTES) == operations > 0


def _call(cal: Cal, operation_id: str) -> Any:
    path, name, endpoint = ENDPOINTS[operation_id]
    recording = OWN_RECORDING[operation_id]
    method: Any = cal
    for part in (*path, name):
        method = getattr(method, part)
    call = recording.call
    if call.get("options"):
        method = method.with_options(**call["options"])
    args, kwargs = recordings.call_arguments(endpoint.build, call)
    return method(*args, **kwargs)


@pytest.mark.parametrize("operation_id", sorted(ENDPOINTS))
def test_every_operation_gets_a_parseable_answer(operation_id: str) -> None:
    fake = FakeCal()
    route = ROUTES[operation_id]
    strict = operation_id not in HANDLERS and route.answer["provenance"] == "spec-derived"
    cal = fake.client(strict=strict, max_retries=0)
    try:
        result = _call(cal, operation_id)
    except ResponseParseError as error:  # pragma: no cover - the failure being tested for
        pytest.fail(f"{route.name}: the fake's answer does not parse: {error}")
    except APIStatusError as error:
        assert operation_id in HANDLERS, f"{route.name}: a recorded answer raised {error!r}"
        assert error.code and error.message  # Cal.com's envelope, read by the client
        return
    if route.answer["body"] is not None and operation_id not in HANDLERS:
        assert result is not None
    assert fake.requests[-1].operation_id == operation_id


@pytest.mark.parametrize("operation_id", sorted(op for op in ENDPOINTS if op not in HANDLERS)[:5])
def test_strict_unimplemented_raises_for_recorded_operations(operation_id: str) -> None:
    fake = FakeCal()
    fake.strict_unimplemented()
    with pytest.raises(UnimplementedOperation, match=ROUTES[operation_id].name):
        _call(fake.client(max_retries=0), operation_id)
