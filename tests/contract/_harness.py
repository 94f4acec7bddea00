"""Replay recordings (tests/recordings) through the public client.

Shared by test_contract.py (the request the client sends and what it makes of
the answer) and test_request_validation.py (that request against the raw
upstream spec). A replay builds `Cal(api_key=..., http_client=httpx.Client(
transport=httpx.MockTransport(handler)), max_retries=0)`, finds the method the
user would call (`cal.<namespace>.<method>`) from the client's own namespaces,
calls it with the recording's arguments and keeps every request the handler
saw. Replays are cached: each recording is sent once per strictness.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import recordings  # scripts/recordings.py (tests/conftest.py puts scripts/ on sys.path)
from recordings import Recording

API_KEY = "cal_test_contract"
CLIENT_ID = "contract-client-id"
CLIENT_SECRET = "contract-client-secret"

RECORDINGS: list[Recording] = recordings.load_all()
BY_ID: dict[str, Recording] = {recording.id: recording for recording in RECORDINGS}


def ids(items: list[Recording]) -> list[str]:
    return [recording.id for recording in items]


@dataclass(frozen=True)
class Bound:
    """Where an operation lives on the client: `cal.<path...>.<name>`."""

    path: tuple[str, ...]
    name: str
    endpoint: Any  # calcom._endpoint.Endpoint: .build, .parse, .operation


@functools.cache
def endpoint_index() -> dict[str, Bound]:
    """Every endpoint of the public client by operationId, found by walking the
    namespaces of a `Cal` (what users see), not the spec."""
    from functools import cached_property

    from calcom import Cal
    from calcom._endpoint import Endpoint

    index: dict[str, Bound] = {}

    def walk(resource: Any, path: tuple[str, ...]) -> None:
        for cls in type(resource).__mro__:
            for name, attr in vars(cls).items():
                if isinstance(attr, Endpoint):
                    index.setdefault(attr.operation.operation_id, Bound(path, name, attr))
                elif isinstance(attr, cached_property) and not name.startswith("_"):
                    walk(getattr(resource, name), (*path, name))

    walk(Cal(api_key=API_KEY), ())
    return index


def bound_method(cal: Any, operation_id: str) -> Any:
    bound = endpoint_index()[operation_id]
    resource = cal
    for part in bound.path:
        resource = getattr(resource, part)
    return getattr(resource, bound.name)


def return_hint(endpoint: Any) -> Any:
    """The documented result type: `_parse_response`'s return annotation."""
    return recordings.type_hints(endpoint.parse).get("return", Any)


MISSING: Any = object()


def recorded_response(recording: Recording, request: httpx.Request | None = None) -> httpx.Response:
    response = recording.response
    body = response.get("body", MISSING)
    headers = dict(response.get("headers") or {})
    if body is MISSING:
        content = b""
    elif isinstance(body, str) and not str(headers.get("content-type", "")).startswith(
        "application/json"
    ):
        content = body.encode()
    else:
        content = json.dumps(body).encode()
        headers.setdefault("content-type", "application/json")
    return httpx.Response(
        int(response["status"]), headers=headers, content=content, request=request
    )


@dataclass
class Exchange:
    recording: Recording
    strict: bool
    requests: list[httpx.Request] = field(default_factory=list)
    result: Any = None
    error: BaseException | None = None

    @property
    def request(self) -> httpx.Request:
        assert len(self.requests) == 1, f"{len(self.requests)} requests sent, expected 1"
        return self.requests[0]


def client_for(recording: Recording, *, strict: bool, transport: httpx.BaseTransport) -> Any:
    """A `Cal` holding the credentials the recording's request authenticates with."""
    from calcom import Cal

    kinds = recordings.auth_kinds(str(recording.request.get("auth", "bearer")))
    credentials: dict[str, Any] = {}
    if "bearer" in kinds:
        credentials["api_key"] = API_KEY
    if kinds & {"client", "secret"}:
        # A platform customer holds both; for a secret-only route the client must
        # send the secret alone.
        credentials.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    return Cal(
        **credentials,
        http_client=httpx.Client(transport=transport),
        max_retries=0,
        strict=strict,
    )


@functools.cache
def _replay(recording_id: str, strict: bool) -> Exchange:
    from calcom import CalError

    recording = BY_ID[recording_id]
    exchange = Exchange(recording, strict)
    if recording.operation not in endpoint_index():
        raise LookupError(
            f"{recording.id}: the client has no operation {recording.operation!r} "
            "(see test_coverage.py::test_recordings_name_existing_operations)"
        )

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        exchange.requests.append(request)
        return recorded_response(recording, request)

    cal = client_for(recording, strict=strict, transport=httpx.MockTransport(handler))
    call = recording.call
    method = bound_method(cal, recording.operation)
    if call.get("options"):
        method = method.with_options(**call["options"])
    args, kwargs = recordings.call_arguments(
        endpoint_index()[recording.operation].endpoint.build, call
    )
    try:
        exchange.result = method(*args, **kwargs)
    except CalError as error:
        exchange.error = error
    return exchange


def replay(recording: Recording, *, strict: bool | None = None) -> Exchange:
    """Send the recording's call through the client (cached). `strict` defaults to the
    recording's own mode: strict for spec-derived ones, lenient for real ones."""
    if strict is None:
        strict = recording.provenance == "spec-derived"
    return _replay(recording.id, strict)


def query_multidict(url: httpx.URL) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in url.params.multi_items():
        out.setdefault(key, []).append(value)
    return out


def recorded_query(query: Mapping[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in (query or {}).items():
        values = value if isinstance(value, list) else [value]
        out[key] = [_wire(v) for v in values]
    return out


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
