"""Every request the client sends in the contract tests is valid for the RAW upstream spec.

The contract tests (test_contract.py) compare the client's requests with the
recordings, which derive from the OVERLAID spec. This test closes the loop the
other way: each of those requests (collected from the same cached replays) is
validated with openapi-core against the pinned spec as Cal.com publishes it, so
an overlay cannot make the client send something the API does not document
without it showing up here.

The raw spec declares `Authorization` / `cal-api-version` / `x-cal-*` as
required header parameters and no security schemes; the client sends them as
headers, so they validate as parameters. Every deviation the project makes on
purpose is listed in EXPECTED with its reason; any other violation fails, and an
EXPECTED entry nothing needs any more fails too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _harness import RECORDINGS, ids, replay
from recordings import Recording

# --- deliberate deviations from the raw spec --------------------------------------------------

_COMMA_STATUS = (
    "overlays/32-query-style.yaml: the bookings `status` filter is documented (and parsed by the "
    "server) as ONE comma-separated value (?status=upcoming,past); the raw spec types it as an "
    "exploded array, so it reads 'upcoming,past' as one (invalid) enum value"
)
_COMMA_TEAM_IDS = (
    "overlays/32-query-style.yaml: `teamIds` is one comma-separated value (?teamIds=100,200, as "
    "documented); the raw spec types it as an exploded array of numbers"
)
_ONE_OF = (
    "the raw spec's oneOf members overlap (no discriminator, no additionalProperties: false), so "
    "a valid document matches several of them and JSON Schema's oneOf rejects it; nothing the "
    "client could send satisfies it"
)
_JS_PATTERN = (
    "the raw spec writes the E.164 pattern as a JavaScript regex literal, '/^\\+[1-9]\\d{1,14}$/' "
    "slashes included, so no phone number matches it (the server's class-validator uses the regex "
    "itself); the client sends a valid E.164 number"
)
_PHONE_CALL_ORG_ID = (
    "the raw spec puts an `orgId` path parameter on /v2/teams/{teamId}/event-types/{eventTypeId}/"
    "create-phone-call that its path template has no place for; the overlays drop it"
)

_LIVE_BUSY_TIMES = (
    "overlays/42-live-request-divergences.yaml: the real server ignores flat credentialId/"
    "externalId and requires a calendarsToLoad array (live-server get_busy_times*.json)"
)
_LIVE_SERVICE_ACCOUNT_KEY = (
    "overlays/42-live-request-divergences.yaml: the real server wants ONE service account key "
    "object, not the raw spec's array (live-server create_org_delegation_credential.json)"
)
_LIVE_BOOLEANS = (
    "overlays/42-live-request-divergences.yaml: includeCalendarEvent / enabled are booleans the "
    "raw spec types as object (live-server create_org_team_workflow.json)"
)
_LIVE_OAUTH_CLIENTS = (
    "overlays/10-security.yaml: listing/creating OAuth clients authenticates with the client id "
    "and secret on the real server (401 'Organization ID not found' with an API key)"
)

_SCHEDULE_FORMATS = (
    "the raw spec puts the weekday enum on the `days` array instead of its items, and writes "
    "the start/end time pattern as the constant's name 'TIME_FORMAT_HH_MM', so no list of days "
    "and no 'HH:MM' time validates; the real server accepted this body "
    "(live-server create_schedule.json)"
)

# operationId -> {error kind: reason}; kinds are made by `_kind` below.
EXPECTED: dict[str, dict[str, str]] = {
    "list_bookings": {"query status: comma list": _COMMA_STATUS},
    "list_org_bookings": {"query status: comma list": _COMMA_STATUS},
    "list_org_team_bookings": {"query status: comma list": _COMMA_STATUS},
    "list_org_user_bookings": {"query status: comma list": _COMMA_STATUS},
    "list_team_bookings": {"query status: comma list": _COMMA_STATUS},
    "list_assigned_org_attribute_options": {"query teamIds: comma list": _COMMA_TEAM_IDS},
    "list_assigned_org_attribute_options_by_slug": {"query teamIds: comma list": _COMMA_TEAM_IDS},
    "list_org_routing_forms": {"query teamIds: comma list": _COMMA_TEAM_IDS},
    "list_org_users": {"query teamIds: comma list": _COMMA_TEAM_IDS},
    "create_booking": {"body: oneOf overlap": _ONE_OF},
    "cancel_booking": {"body: oneOf overlap": _ONE_OF},
    "create_schedule": {
        "body availability/0/days: enum": _SCHEDULE_FORMATS,
        "body availability/0/startTime: pattern": _SCHEDULE_FORMATS,
        "body availability/0/endTime: pattern": _SCHEDULE_FORMATS,
    },
    "create_org_team_workflow": {
        "body: oneOf overlap": _ONE_OF,
        "body steps/0: oneOf": _LIVE_BOOLEANS,
    },
    "create_org_team_routing_form_workflow": {"body steps/0: oneOf": _LIVE_BOOLEANS},
    "create_team_event_type_phone_call": {
        "path orgId: missing": _PHONE_CALL_ORG_ID,
        "body yourPhoneNumber: pattern": _JS_PATTERN,
        "body numberToCall: pattern": _JS_PATTERN,
        "body enabled: type": _LIVE_BOOLEANS,
    },
    "create_org_team_event_type_phone_call": {
        "body yourPhoneNumber: pattern": _JS_PATTERN,
        "body numberToCall: pattern": _JS_PATTERN,
        "body enabled: type": _LIVE_BOOLEANS,
    },
    "get_busy_times": {
        "query credentialId: missing": _LIVE_BUSY_TIMES,
        "query externalId: missing": _LIVE_BUSY_TIMES,
    },
    "create_org_delegation_credential": {"body serviceAccountKey: type": _LIVE_SERVICE_ACCOUNT_KEY},
    "list_platform_oauth_clients": {"header Authorization: missing": _LIVE_OAUTH_CLIENTS},
    "create_platform_oauth_client": {"header Authorization: missing": _LIVE_OAUTH_CLIENTS},
}

# --- openapi-core over httpx ------------------------------------------------------------------


class HttpxOpenAPIRequest:
    """openapi-core's Request protocol (openapi_core.protocols.Request) over an httpx.Request."""

    def __init__(self, request: httpx.Request) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.request = request
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(request.url.params.multi_items())),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return f"{self.request.url.scheme}://{self.request.url.netloc.decode()}"

    @property
    def path(self) -> str:
        return self.request.url.path

    @property
    def method(self) -> str:
        return self.request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self.request.content or None

    @property
    def content_type(self) -> str:
        return self.request.headers.get("content-type", "").lower()


@pytest.fixture(scope="session")
def raw_openapi(raw_spec: dict[str, Any]) -> Any:
    from openapi_core import Config, OpenAPI

    # No spec validation: the raw document is not itself valid OpenAPI (e.g. `isDefault`
    # is `type: object` with `example: true`), which openapi-spec-validator rejects.
    # Request validation does not need it.
    return OpenAPI.from_dict(raw_spec, config=Config(spec_validator_cls=None))


def _schema_errors(error: BaseException) -> list[Any]:
    for cause in (error.__cause__, error.__context__, error):
        errors = getattr(cause, "schema_errors", None)
        if errors:
            return list(errors)
    return []


def _kind(error: BaseException) -> Iterator[tuple[str, str]]:
    """(kind, detail) for each violation inside an openapi-core error. The kind is what
    EXPECTED matches on; the detail is shown when it is unexplained."""
    from openapi_core.validation.request.exceptions import (
        MissingParameterError,
        ParameterValidationError,
        RequestBodyValidationError,
    )

    name = type(error).__name__
    if isinstance(error, MissingParameterError):
        yield f"{error.location} {error.name}: missing", str(error)  # type: ignore[attr-defined]
        return
    if isinstance(error, ParameterValidationError):
        location = getattr(error, "location", "?")
        param = getattr(error, "name", "?")
        cause = error.__cause__
        value = getattr(cause, "value", None)
        errors = _schema_errors(error)
        values = [getattr(e, "instance", None) for e in errors] or [value]
        if any(isinstance(v, str) and "," in v for v in values):
            yield f"{location} {param}: comma list", f"{error}: {cause!r}"
        else:
            yield f"{location} {param}: invalid", f"{error}: {cause!r}"
        return
    if isinstance(error, RequestBodyValidationError):
        errors = _schema_errors(error)
        if not errors:
            yield "body: invalid", f"{name}: {error} {error.__cause__!r}"
        for schema_error in errors:
            where = "/".join(map(str, schema_error.absolute_path)) or "$"
            if "is valid under each of" in schema_error.message:
                yield "body: oneOf overlap", f"{where}: {schema_error.message[:300]}"
            else:
                yield (
                    f"body {where}: {schema_error.validator}",
                    f"{where}: {schema_error.message[:300]}",
                )
        return
    yield f"{name}", f"{name}: {error}"


def violations(raw_openapi: Any, request: httpx.Request) -> list[tuple[str, str]]:
    return [
        kind
        for error in raw_openapi.iter_request_errors(HttpxOpenAPIRequest(request))
        for kind in _kind(error)
    ]


@pytest.mark.parametrize("recording", RECORDINGS, ids=ids(RECORDINGS))
def test_request_is_valid_for_the_raw_spec(recording: Recording, raw_openapi: Any) -> None:
    exchange = replay(recording)
    if len(exchange.requests) != 1:
        pytest.fail(
            f"{len(exchange.requests)} requests sent (test_contract reports why)", pytrace=False
        )
    expected = EXPECTED.get(recording.operation, {})
    unexplained = []
    for kind, detail in violations(raw_openapi, exchange.requests[0]):
        if kind not in expected:
            unexplained.append(f"[{kind}] {detail}")
    if unexplained:
        request = exchange.requests[0]
        pytest.fail(
            f"{recording.id}: {request.method} {request.url} violates the raw spec:\n  "
            + "\n  ".join(unexplained),
            pytrace=False,
        )


def test_every_expected_deviation_still_happens(raw_openapi: Any) -> None:
    """An EXPECTED entry no recorded request needs any more is stale: remove it."""
    seen: set[tuple[str, str]] = set()
    for recording in RECORDINGS:
        exchange = replay(recording)
        if len(exchange.requests) == 1 and recording.operation in EXPECTED:
            seen |= {
                (recording.operation, kind)
                for kind, _ in violations(raw_openapi, exchange.requests[0])
            }
    stale = [
        f"{op}: {kind}"
        for op, kinds in EXPECTED.items()
        for kind in kinds
        if (op, kind) not in seen
    ]
    assert not stale, "EXPECTED deviations no request shows any more:\n  " + "\n  ".join(stale)


def test_kinds_are_stable() -> None:
    """EXPECTED keys are readable kinds, not raw messages."""
    for kinds in EXPECTED.values():
        for kind in kinds:
            assert re.fullmatch(r"(query|path|header|body)[ \w/$.-]*: [\w ]+", kind), kind
