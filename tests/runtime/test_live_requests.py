"""Requests built the way a real Cal.com server reads them (issue #14).

Each case is an exchange in shared/live-server where the server refused what
this client used to send (overlays/42-live-request-divergences.yaml and the
oauth-clients actions of overlays/10-security.yaml cite them): the request is
now built in the form the server's own error asked for, or the form it
accepted in a sibling capture. Where the captures are at hand, the accepted
ones are also replayed request for request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from _calmock import API_KEY, CLIENT_ID, CLIENT_SECRET
from calcom import Cal
from calcom import models as m
from calcom._lenient import strict_parsing

LIVE = Path(__file__).resolve().parents[2].parent / "shared" / "live-server"


class Sent:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"status": "success", "data": {}})

    @property
    def one(self) -> httpx.Request:
        assert len(self.requests) == 1
        return self.requests[0]

    def body(self) -> Any:
        return json.loads(self.one.content)


def make(sent: Sent, **credentials: Any) -> Cal:
    credentials = credentials or {"api_key": API_KEY}
    return Cal(http_client=httpx.Client(transport=httpx.MockTransport(sent)), **credentials)


def capture(name: str) -> dict[str, Any]:
    path = LIVE / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"no live-server capture {path}")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


# --- busy times -------------------------------------------------------------------------------


def test_busy_times_sends_logged_in_tz_and_calendars_to_load_in_bracket_form() -> None:
    sent = Sent()
    make(sent).calendars.get_busy_times(
        logged_in_users_tz="Europe/London",
        date_from=date(2026, 12, 14),
        date_to=date(2026, 12, 15),
        calendars_to_load=[
            m.CalendarToLoadInput(credential_id=1, external_id="fake@example.com"),
            m.CalendarToLoadInput(credential_id=2, external_id="http://127.0.0.1:8765/fake.ics"),
        ],
    )
    assert sent.one.url.params.multi_items() == [
        ("loggedInUsersTz", "Europe/London"),
        ("dateFrom", "2026-12-14"),
        ("dateTo", "2026-12-15"),
        ("calendarsToLoad[0][credentialId]", "1"),
        ("calendarsToLoad[0][externalId]", "fake@example.com"),
        ("calendarsToLoad[1][credentialId]", "2"),
        ("calendarsToLoad[1][externalId]", "http://127.0.0.1:8765/fake.ics"),
    ]


def test_busy_times_answers_the_servers_complaints() -> None:
    """get_busy_times.json: 400 'loggedInUsersTz must be a string' and 'calendarsToLoad must be
    an array'; both are now required keyword arguments, so the call cannot be made without."""
    errors = capture("get_busy_times")["response_body"]["error"]["details"]["errors"]
    assert {e["property"] for e in errors} == {"loggedInUsersTz", "calendarsToLoad"}
    sent = Sent()
    with pytest.raises(TypeError, match="logged_in_users_tz|calendars_to_load"):
        make(sent).calendars.get_busy_times(date_from=date(2026, 12, 14))  # type: ignore[call-arg]
    assert sent.requests == []


# --- delegation credentials -------------------------------------------------------------------


def test_delegation_credential_service_account_key_is_one_object() -> None:
    refused = capture("create_org_delegation_credential")
    assert refused["status"] == 400 and isinstance(
        refused["request_body"]["serviceAccountKey"], list
    )
    sent = Sent()
    key = m.GoogleServiceAccountKeyInput(
        private_key="-----BEGIN PRIVATE KEY-----\n…", client_email="svc@example.com", client_id="1"
    )
    make(sent).orgs.delegation_credentials.create(
        100, workspace_platform_slug="google", domain="example.com", service_account_key=key
    )
    assert sent.body()["serviceAccountKey"] == {
        "private_key": "-----BEGIN PRIVATE KEY-----\n…",
        "client_email": "svc@example.com",
        "client_id": "1",
    }


# --- teams ------------------------------------------------------------------------------------


def test_team_update_requires_name_before_anything_is_sent() -> None:
    sent = Sent()
    with pytest.raises(TypeError, match="name"):
        make(sent).teams.update(3, bio="A fake team bio", brand_color="#112233")
    assert sent.requests == []


def test_team_update_with_name_is_sent_as_the_server_accepted_it() -> None:
    accepted = capture("update_team--with-name")
    assert accepted["status"] == 200
    sent = Sent()
    make(sent).teams.update(
        3, name="Fake Support Team", bio="A fake team bio", brand_color="#112233"
    )
    assert sent.one.method == accepted["method"] and sent.one.url.path == accepted["path"]
    assert sent.body() == accepted["request_body"]


def test_org_team_update_keeps_name_optional() -> None:
    sent = Sent()
    make(sent).orgs.teams.update(100, 4, bio="Fake org team bio")
    assert sent.body() == {"bio": "Fake org team bio"}


# --- oauth clients ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda cal: cal.platform.oauth_clients.list(), id="list"),
        pytest.param(
            lambda cal: cal.platform.oauth_clients.create(
                name="Acme", redirect_uris=["https://example.com/cb"], permissions=["BOOKING_READ"]
            ),
            id="create",
        ),
    ],
)
def test_oauth_clients_list_and_create_use_the_client_credentials(
    call: Callable[[Cal], Any],
) -> None:
    sent = Sent()
    call(make(sent, api_key=API_KEY, client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    headers = sent.one.headers
    assert headers["x-cal-client-id"] == CLIENT_ID
    assert headers["x-cal-secret-key"] == CLIENT_SECRET
    assert "authorization" not in headers

    key_only = Sent()
    call(make(key_only, api_key=API_KEY))
    assert key_only.one.headers["authorization"] == f"Bearer {API_KEY}"


def test_one_oauth_client_is_still_read_with_the_api_key() -> None:
    assert capture("get_platform_oauth_client")["auth_sent"] == "bearer"
    sent = Sent()
    make(
        sent, api_key=API_KEY, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ).platform.oauth_clients.get("capture-oauth-client-1")
    assert sent.one.headers["authorization"] == f"Bearer {API_KEY}"


# --- booleans typed as objects ----------------------------------------------------------------


def test_include_calendar_event_is_a_boolean_both_ways() -> None:
    accepted = capture("create_org_team_workflow")
    step = accepted["response_body"]["data"]["steps"][0]
    with strict_parsing():
        parsed = m.EventTypeWorkflowStepOutput.from_dict(step)
    assert parsed.include_calendar_event is False
    assert parsed.to_dict()["includeCalendarEvent"] is False

    request_step = m.WorkflowEmailAttendeeStep.from_dict(accepted["request_body"]["steps"][0])
    assert request_step.to_dict() == accepted["request_body"]["steps"][0]
    for name in (
        "WorkflowEmailAddressStep",
        "WorkflowEmailAttendeeStep",
        "WorkflowEmailHostStep",
        "UpdateEmailAddressWorkflowStep",
        "UpdateEmailAttendeeWorkflowStep",
        "UpdateEmailHostWorkflowStep",
        "EventTypeWorkflowStepOutput",
        "RoutingFormWorkflowStepOutput",
    ):
        annotation = str(getattr(m, name).__annotations__["include_calendar_event"])
        assert annotation.startswith("bool"), (name, annotation)


def test_phone_call_enabled_is_a_boolean() -> None:
    annotation = str(m.CreatePhoneCallInput.__annotations__["enabled"])
    assert annotation.startswith("bool"), annotation
    sent = Sent()
    make(sent).teams.event_types.create_phone_call(
        3,
        8,
        your_phone_number="+14155550100",
        number_to_call="+14155550101",
        cal_api_key="cal_fake",
        enabled=False,
        template_type="CUSTOM_TEMPLATE",
    )
    assert sent.body()["enabled"] is False


# --- comma-joined list filters ----------------------------------------------------------------


def test_status_filter_replays_the_live_capture_and_joins_several_with_commas() -> None:
    accepted = capture("list_bookings--filtered")
    assert accepted["status"] == 200
    sent = Sent()
    make(sent).bookings.list(
        status=["upcoming"], attendee_email="carol@example.com", sort_start="asc", take=3
    )
    assert sent.one.url.params.multi_items() == [tuple(pair) for pair in accepted["query"]]

    several = Sent()
    make(several).bookings.list(status=["upcoming", "past"], take=3)
    assert several.one.url.params.get_list("status") == ["upcoming,past"]
