"""A request body carries only what the caller gave: spec defaults are the server's business.

The spec gives many optional request fields a `default` (event types'
`allowReschedulingPastBookings: false`, private links' `maxUsageCount: 1`,
teams' `weekStart: "Sunday"`, org users' `locale: "en"`, …). Had the client
filled those in, every PATCH would reset fields the caller never mentioned,
and `private_links.create(expires_at=…)` would be refused by the server
("Provide only one of expiresAt or maxUsageCount", issue #14).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import calcom._generated.models as models
import httpx
import pytest
from calcom._generated.types import UNSET
from recordings import Synth


def _schemas_below(node: Any, schemas: dict[str, Any], found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                _schemas_below(schemas[name], schemas, found)
        for value in node.values():
            _schemas_below(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _schemas_below(value, schemas, found)


def request_body_schemas(spec: dict[str, Any]) -> list[str]:
    """Every component schema a request body refers to, directly or nested."""
    schemas = spec["components"]["schemas"]
    found: set[str] = set()
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                _schemas_below(operation["requestBody"], schemas, found)
    return sorted(found)


def _object_models(spec: dict[str, Any]) -> Iterator[tuple[str, type[Any], dict[str, Any]]]:
    synth = Synth(spec)
    for name in request_body_schemas(spec):
        schema = synth.merged(spec["components"]["schemas"][name], (name,))
        if "properties" not in schema:
            continue  # an enum or a oneOf: its members are listed on their own
        cls = getattr(models, schema.get("title", name))
        yield name, cls, schema


def test_request_body_schemas_are_found(overlaid_spec: dict[str, Any]) -> None:
    found = [name for name, _, _ in _object_models(overlaid_spec)]
    # the bodies named in issue #14 are among those walked
    for name in (
        "UpdateEventTypeInput_2024_06_14",
        "CreatePrivateLinkInput",
        "CreateTeamInput",
        "CreateOrganizationUserInput",
        "CreateBookingAttendee",
    ):
        assert name in found
    assert len(found) > 100


def test_a_model_built_from_required_fields_serializes_only_those(
    overlaid_spec: dict[str, Any],
) -> None:
    synth = Synth(overlaid_spec)
    extra: dict[str, list[str]] = {}
    for name, cls, schema in _object_models(overlaid_spec):
        required = [key for key in schema.get("required", []) if key in schema["properties"]]
        sample = synth.value({"$ref": f"#/components/schemas/{name}"}, "body")
        # values of the right Python types for the required fields, via the parser
        parsed = cls.from_dict({key: sample[key] for key in required})
        given = {
            field.name: getattr(parsed, field.name)
            for field in attrs.fields(cls)
            if field.init and getattr(parsed, field.name) is not UNSET
        }
        sent = set(cls(**given).to_dict())
        if sent != set(required):
            extra[name] = sorted(sent - set(required))
    assert extra == {}, f"fields sent although the caller never gave them: {extra}"


def _sent_body(call: Any) -> dict[str, Any]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "success", "data": {}})

    from calcom import Cal

    cal = Cal(
        api_key="cal_test_key", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    call(cal)  # lenient parsing: the empty answer does not raise
    assert len(seen) == 1
    body: dict[str, Any] = json.loads(seen[0].content)
    return body


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda cal: cal.event_types.update(7, title="Renamed"),
            {"title"},
            id="event-type PATCH resets none of the four booleans",
        ),
        pytest.param(
            lambda cal: cal.event_types.private_links.create(
                7, expires_at=datetime(2026, 12, 31, tzinfo=UTC)
            ),
            {"expiresAt"},
            id="private link with expiresAt has no maxUsageCount",
        ),
        pytest.param(
            lambda cal: cal.teams.create(name="Sales"),
            {"name"},
            id="team without weekStart, timeZone, hideBranding, autoAcceptCreator",
        ),
        pytest.param(
            lambda cal: cal.orgs.users.create(100, email="ada@example.com"),
            {"email"},
            id="org user without locale, organizationRole, autoAccept",
        ),
    ],
)
def test_calls_send_only_the_given_fields(call: Any, expected: set[str]) -> None:
    assert set(_sent_body(call)) == expected
