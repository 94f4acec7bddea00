"""Credentials and API versions are operation metadata, not parameters.

The pinned spec models the credentials (`Authorization`, `x-cal-client-id`,
`x-cal-secret-key`) and the `cal-api-version` header as per-operation header
parameters, so every generated function made its caller pass them.
overlays/10-security.yaml turns them into security schemes + operation
`security`, overlays/20-api-versions.yaml into `x-cal-api-version`. These
tests apply every overlay (strictly, as scripts/generate.py does) to the
pinned spec and compare the result with what the RAW spec declared, so they
fail when an overlay or a spec update drops an operation's credentials or
version.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import overlay  # noqa: E402

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CREDENTIAL_HEADERS = {"authorization", "x-cal-client-id", "x-cal-secret-key"}
SCHEMES = {"bearer", "clientId", "clientSecret"}

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def raw(raw_spec: dict[str, Any]) -> dict[str, Any]:
    # The pinned spec (tests/conftest.py); no skip: CI provides CALCOM_SPEC_MIRROR,
    # so an unresolvable spec is a failure.
    return raw_spec


@pytest.fixture(scope="module")
def spec(raw: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(raw)
    overlays = [overlay.load_overlay(p) for p in overlay.overlay_files()]
    overlay.apply_overlays(document, overlays, strict=True)
    return document


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def header_params(document: dict[str, Any], path: str, method: str) -> dict[str, dict[str, Any]]:
    """Header parameters of an operation, path-level ones included, by lower-case name."""
    item = document["paths"][path]
    params = [*item.get("parameters", []), *item[method].get("parameters", [])]
    return {p["name"].lower(): p for p in params if p.get("in") == "header"}


def schemes_of(operation: dict[str, Any]) -> list[set[str]]:
    return [set(requirement) for requirement in operation.get("security", [])]


# -- credentials ---------------------------------------------------------------


def test_no_credential_or_version_header_parameters(spec: dict[str, Any]) -> None:
    banned = CREDENTIAL_HEADERS | {"cal-api-version"}
    left = [
        f"{method.upper()} {path}: {name}"
        for path, method, _ in operations(spec)
        for name in header_params(spec, path, method)
        if name in banned
    ]
    left += [
        f"components.parameters.{key}"
        for key, p in spec.get("components", {}).get("parameters", {}).items()
        if p.get("in") == "header" and p.get("name", "").lower() in banned
    ]
    assert not left


def test_security_schemes(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert set(schemes) == SCHEMES
    assert schemes["bearer"]["type"] == "http"
    assert schemes["bearer"]["scheme"] == "bearer"
    assert (schemes["clientId"]["type"], schemes["clientId"]["in"]) == ("apiKey", "header")
    assert schemes["clientId"]["name"] == "x-cal-client-id"
    assert (schemes["clientSecret"]["type"], schemes["clientSecret"]["in"]) == ("apiKey", "header")
    assert schemes["clientSecret"]["name"] == "x-cal-secret-key"


def test_every_operation_has_security_from_known_schemes(spec: dict[str, Any]) -> None:
    missing = [f"{m.upper()} {p}" for p, m, op in operations(spec) if "security" not in op]
    assert not missing
    unknown = {
        f"{m.upper()} {p}": names
        for p, m, op in operations(spec)
        for names in schemes_of(op)
        if names - SCHEMES
    }
    assert not unknown


def test_operations_that_took_authorization_take_bearer(
    raw: dict[str, Any], spec: dict[str, Any]
) -> None:
    had = [(p, m) for p, m, _ in operations(raw) if "authorization" in header_params(raw, p, m)]
    assert len(had) > 200  # the pinned spec: 236
    without = [
        f"{m.upper()} {p}"
        for p, m in had
        if not any("bearer" in names for names in schemes_of(spec["paths"][p][m]))
    ]
    assert not without


def test_required_credentials_stay_required(raw: dict[str, Any], spec: dict[str, Any]) -> None:
    """A header the raw spec required may not turn into an optional (`{}`) requirement."""
    for path, method, _ in operations(raw):
        headers = header_params(raw, path, method)
        security = spec["paths"][path][method].get("security")
        where = f"{method.upper()} {path}"
        if headers.get("authorization", {}).get("required"):
            # 10-security.yaml: the real server lists/creates OAuth clients only with the
            # client's id + secret; bearer stays as the (required) alternative.
            expected = (
                [{"clientId": [], "clientSecret": []}, {"bearer": []}]
                if path == "/v2/oauth-clients"
                else [{"bearer": []}]
            )
            assert security == expected, where
        if headers.get("x-cal-secret-key", {}).get("required"):
            assert security == [{"clientSecret": []}], where


def test_client_id_and_secret_go_together(raw: dict[str, Any], spec: dict[str, Any]) -> None:
    """Cal.com authenticates an OAuth client only with id AND secret (AND, one object)."""
    for path, method, operation in operations(spec):
        for names in schemes_of(operation):
            assert "clientId" not in names or "clientSecret" in names, f"{method} {path}"
    for path, method, _ in operations(raw):
        headers = header_params(raw, path, method)
        if {"x-cal-client-id", "x-cal-secret-key"} <= headers.keys():
            names = schemes_of(spec["paths"][path][method])
            assert {"clientId", "clientSecret"} in names, f"{method.upper()} {path}"


def test_alternatives_where_either_credential_will_do(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/v2/organizations/{orgId}/memberships"]["get"]
    assert operation.get("security") == [{"bearer": []}, {"clientId": [], "clientSecret": []}]
    booking = spec["paths"]["/v2/bookings"]["post"]  # public, auth optional
    assert booking.get("security") == [{"bearer": []}, {"clientId": [], "clientSecret": []}, {}]


def test_really_public_operations(spec: dict[str, Any]) -> None:
    assert spec["paths"]["/v2/auth/oauth2/token"]["post"].get("security") == []
    assert spec["paths"]["/v2/slots"]["get"].get("security") == []


def test_undeclared_org_team_operations_are_not_public(spec: dict[str, Any]) -> None:
    path = "/v2/organizations/{orgId}/teams/{teamId}/conferencing"
    assert spec["paths"][path]["get"].get("security") == [
        {"bearer": []},
        {"clientId": [], "clientSecret": []},
    ]


# -- API versions --------------------------------------------------------------

REQUIRED_WITHOUT_DEFAULT = {
    ("/v2/bookings/{bookingUid}/attendees", "get"),
    ("/v2/bookings/{bookingUid}/attendees", "post"),
    ("/v2/bookings/{bookingUid}/attendees/{attendeeId}", "get"),
    ("/v2/bookings/{bookingUid}/guests", "post"),
    ("/v2/bookings/{bookingUid}/location", "patch"),
}


def test_required_version_without_default_gets_2024_08_13(
    raw: dict[str, Any], spec: dict[str, Any]
) -> None:
    found = {
        (p, m)
        for p, m, _ in operations(raw)
        if (h := header_params(raw, p, m).get("cal-api-version"))
        and h.get("required")
        and "default" not in h.get("schema", {})
    }
    assert found == REQUIRED_WITHOUT_DEFAULT
    for path, method in found:
        assert spec["paths"][path][method].get("x-cal-api-version") == "2024-08-13"


def test_declared_defaults_are_carried(raw: dict[str, Any], spec: dict[str, Any]) -> None:
    declared = {
        (p, m): h["schema"]["default"]
        for p, m, _ in operations(raw)
        if (h := header_params(raw, p, m).get("cal-api-version"))
        and "default" in h.get("schema", {})
    }
    assert len(declared) >= 30  # the pinned spec: 32
    for (path, method), version in declared.items():
        assert spec["paths"][path][method].get("x-cal-api-version") == version, (method, path)


def expected_version(path: str) -> str | None:
    for prefix, version in (
        ("/v2/bookings", "2024-08-13"),
        ("/v2/slots", "2024-09-04"),
        ("/v2/schedules", "2024-06-11"),
    ):
        if path == prefix or path.startswith(prefix + "/"):
            return version
    if path in ("/v2/event-types", "/v2/event-types/{eventTypeId}"):
        return "2024-06-14"
    # Event-type webhooks / private links and the org/team variants of bookings,
    # event types and schedules are served without a version header.
    return None


def test_family_versions(spec: dict[str, Any]) -> None:
    wrong = {
        f"{m.upper()} {p}": op.get("x-cal-api-version")
        for p, m, op in operations(spec)
        if op.get("x-cal-api-version") != expected_version(p)
    }
    assert not wrong
    carried = sum(1 for *_, op in operations(spec) if "x-cal-api-version" in op)
    assert carried >= 37
    assert spec["paths"]["/v2/schedules/default"]["get"]["x-cal-api-version"] == "2024-06-11"


# -- the generated functions -----------------------------------------------------


def test_generated_request_builders_take_no_credentials_or_version(generated_dir: Path) -> None:
    api = importlib.import_module("calcom._generated.api")
    banned = {"authorization", "x_cal_client_id", "x_cal_secret_key", "cal_api_version"}
    offenders, seen = {}, 0
    for info in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
        module = importlib.import_module(info.name)
        get_kwargs = getattr(module, "_get_kwargs", None)
        if get_kwargs is None:
            continue
        seen += 1
        if taken := banned & set(inspect.signature(get_kwargs).parameters):
            offenders[info.name] = sorted(taken)
    assert seen > 200
    assert not offenders
