"""scripts/scrub.py: nothing secret or personal survives, placeholders are stable,
everything else is left alone.

The fixture below is an answer as a live Cal.com account could send it, with
credentials and personal data in every place the recorder has met or can
expect: headers, keys named after secrets (at any depth, in lists, in a
credential object), JWTs and API keys in free text, addresses and phone numbers
in text, URLs with tokens and passwords, names by key and inside titles, usernames
inside booking URLs.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import quote

import pytest
import scrub

API_KEY = "cal_live_8f14e45fceea167a5a36dedd4bea2543"
OTHER_KEY = "cal_test_0cc175b9c0f1b6a831c399e269772661"
CLIENT_ID = "clxq4w9k20003ab12cd34ef56"
CLIENT_SECRET = "f3a9c2e7b1d84f6a9e0c5b2d7a1f4e8c"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZW1haWwiOiJkYW5hQGdtYWls"
    "LmNvbSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
REFRESH = "rt_9d2f7c4a1b8e6f3d0c5a2b7e4f1d8c6a"
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
INVITE_TOKEN = "4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a"
PASSWORD = "hunter2-Correct-Horse"
OAUTH_CODE = "4/0AX4XfWh-oauth-code-123"
HOST_EMAIL = "dana.okafor@gmail.com"
ATTENDEE_EMAIL = "lee.brandt@acme-corp.io"
GUEST_EMAIL = "sam.rivera+cal@outlook.de"
HOST_NAME = "Dana Okafor"
ATTENDEE_NAME = "Lee Brandt"
USERNAME = "dana-okafor-7qk2mz"
PHONE = "+4917612345678"
PHONE_SPACED = "+49 176 1234 5678"
OTHER_PHONE = "+14155550123"
IP = "203.0.113.77"

SECRETS = [
    API_KEY,
    OTHER_KEY,
    CLIENT_ID,
    CLIENT_SECRET,
    JWT,
    JWT.split(".")[1],  # the payload alone (it holds an address)
    REFRESH,
    WEBHOOK_SECRET,
    INVITE_TOKEN,
    PASSWORD,
    OAUTH_CODE,
    HOST_EMAIL,
    ATTENDEE_EMAIL,
    GUEST_EMAIL,
    "sam.rivera",
    HOST_NAME,
    ATTENDEE_NAME,
    "Okafor",
    "Brandt",
    USERNAME,
    PHONE,
    PHONE_SPACED,
    "17612345678",
    OTHER_PHONE,
    IP,
    "s3cr3t-db-pass",
    "-----BEGIN PRIVATE KEY-----",
]

HEADERS = {
    "Authorization": f"Bearer {API_KEY}",
    "x-cal-client-id": CLIENT_ID,
    "x-cal-secret-key": CLIENT_SECRET,
    "Cookie": f"session={REFRESH}",
    "cal-api-version": "2024-08-13",
    "content-type": "application/json; charset=utf-8",
    "x-request-id": "req_01J8ZK3Q",
}

BOOKING = {
    "id": 31120457,
    "uid": "7Hq2vKx9LmNpRt3WcYz8Ab",
    "title": f"30 min meeting between {HOST_NAME} and {ATTENDEE_NAME}",
    "description": (
        f"Notes: call me on {PHONE_SPACED} or {OTHER_PHONE}, mail {GUEST_EMAIL}. "
        f"Old key {OTHER_KEY}; header was Authorization: Bearer {REFRESH}; jwt {JWT}"
    ),
    "status": "accepted",
    "start": "2026-09-14T09:00:00.000Z",
    "end": "2026-09-14T09:30:00.000Z",
    "duration": 30,
    "eventTypeId": 7140231,
    "eventType": {"id": 7140231, "slug": "30min"},
    "hosts": [
        {
            "id": 4182736,
            "name": HOST_NAME,
            "email": HOST_EMAIL,
            "displayEmail": HOST_EMAIL.upper(),
            "username": USERNAME,
            "timeZone": "Europe/Berlin",
        }
    ],
    "attendees": [
        {
            "name": ATTENDEE_NAME,
            "email": ATTENDEE_EMAIL,
            "phoneNumber": PHONE,
            "timeZone": "America/Chicago",
            "language": "en",
            "absent": False,
        }
    ],
    "guests": [GUEST_EMAIL],
    "bookingFieldsResponses": {
        "name": {"firstName": "Lee", "lastName": "Brandt"},
        "email": ATTENDEE_EMAIL,
        "attendeePhoneNumber": PHONE_SPACED,
        "smsReminderNumber": OTHER_PHONE,
        "guests": [GUEST_EMAIL, HOST_EMAIL],
        "notes": f"ping {HOST_EMAIL}",
    },
    "cancelledByEmail": "",
    "rescheduledByEmail": None,
    "rating": None,
    "absentHost": False,
    "icsUid": "7Hq2vKx9LmNpRt3WcYz8Ab@Cal.com",
    "bookingUrl": f"https://cal.com/{USERNAME}/30min",
    "meetingUrl": (
        f"https://zoom.us/j/812345?pwd={PASSWORD}&token={INVITE_TOKEN}"
        f"&email={quote(HOST_EMAIL, safe='')}&lang=en"
    ),
    "location": f"https://db-admin:s3cr3t-db-pass@internal.example.net/{USERNAME}",
    "metadata": {"ip": IP, "nested": [{"deeper": {"accessToken": JWT, "kind": "oauth"}}]},
    "createdAt": "2026-09-10T12:04:11.512Z",
}

ANSWER = {
    "status": "success",
    "data": {
        "booking": BOOKING,
        "tokens": {
            "accessToken": JWT,
            "refresh_token": REFRESH,
            "accessTokenExpiresAt": 1790000000000,
            "token_type": "Bearer",
        },
        "webhook": {
            "id": 9012,
            "subscriberUrl": "https://hooks.example.org/cal",
            "secret": WEBHOOK_SECRET,
            "payloadTemplate": None,
            "active": True,
        },
        "invite": {
            "token": INVITE_TOKEN,
            "inviteLink": f"https://app.cal.com/teams?token={INVITE_TOKEN}",
        },
        "user": {"password": PASSWORD, "apiKey": API_KEY, "clientSecret": CLIENT_SECRET},
        "serviceAccountKey": {
            "client_email": "svc@project.iam.gserviceaccount.com",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n",
            "type": "service_account",
        },
        "oauth": {"callback": f"https://app.cal.com/api/callback?code={OAUTH_CODE}&state=xyz12345"},
        "schedule": {"id": 77, "name": "Working hours", "ownerId": 4182736, "isDefault": True},
        "team": {"id": 12, "name": "Support", "slug": "support"},
        "workflowStep": {"phoneRequired": True, "verifiedPhoneId": 4, "stepNumber": 1},
        "documented": "host@example.com",
        "pagination": {"totalItems": 1, "hasNextPage": False},
    },
}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Placeholders, reserved domains (RFC 2606), iCalendar UIDs (<uid>@Cal.com).
ALLOWED_EMAIL = re.compile(r"@(?:[\w-]+\.)*example\.(?:com|org|net)$|^\w+@Cal\.com$")


def scrubbed() -> tuple[Any, dict[str, str], scrub.Scrubber]:
    scrubber = scrub.Scrubber(secrets=[API_KEY, CLIENT_SECRET], client_ids=[CLIENT_ID])
    headers = scrubber.headers(HEADERS)
    data = scrubber.data(ANSWER)
    return data, headers, scrubber


def test_no_secret_or_personal_value_survives() -> None:
    data, headers, _ = scrubbed()
    text = json.dumps([data, headers])
    survivors = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not survivors, f"survived scrubbing: {survivors}\n{text}"


def test_no_secret_pattern_survives() -> None:
    data, headers, _ = scrubbed()
    text = json.dumps([data, headers])
    assert not re.search(r"cal_(?:live|test)_\w", text)
    assert not re.search(r"eyJ[\w-]+\.[\w-]+", text)
    assert not re.search(r"whsec_|BEGIN PRIVATE KEY", text)
    assert not re.search(r"(?i)bearer\s+(?!REDACTED_)\S", text)
    assert not re.search(r"\+(?!1202555)[1-9]\d{6,}", text.replace(" ", ""))
    bad = [m for m in EMAIL.findall(text) if not ALLOWED_EMAIL.search(m)]
    assert not bad, bad


def test_credentials_in_headers_and_bodies_share_placeholders() -> None:
    data, headers, _ = scrubbed()
    token = headers["Authorization"].removeprefix("Bearer ")
    assert token.startswith("REDACTED_API_KEY_")
    assert data["data"]["user"]["apiKey"] == token
    assert headers["x-cal-secret-key"] == data["data"]["user"]["clientSecret"]
    assert headers["x-cal-client-id"].startswith("REDACTED_CLIENT_ID_")
    assert headers["Cookie"].startswith("REDACTED_")
    jwt = data["data"]["tokens"]["accessToken"]
    assert jwt == data["data"]["booking"]["metadata"]["nested"][0]["deeper"]["accessToken"]
    assert jwt in data["data"]["booking"]["description"]
    assert data["data"]["invite"]["token"] in data["data"]["invite"]["inviteLink"]
    # Headers that are not credentials are kept.
    assert headers["cal-api-version"] == "2024-08-13"
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["x-request-id"] == "req_01J8ZK3Q"


def test_placeholders_are_stable_across_fields() -> None:
    data, _, _ = scrubbed()
    booking = data["data"]["booking"]
    host, attendee = booking["hosts"][0], booking["attendees"][0]
    responses = booking["bookingFieldsResponses"]
    assert re.fullmatch(r"person-\d+@example\.com", host["email"])
    assert host["displayEmail"] == host["email"]  # case does not make another person
    assert responses["email"] == attendee["email"] != host["email"]
    assert responses["guests"] == [booking["guests"][0], host["email"]]
    assert responses["notes"] == f"ping {host['email']}"
    assert booking["guests"][0] in booking["description"]
    # one number, two spellings: one placeholder
    assert attendee["phoneNumber"] == responses["attendeePhoneNumber"]
    assert re.fullmatch(r"\+1202555\d{4}", attendee["phoneNumber"])
    assert responses["smsReminderNumber"] != attendee["phoneNumber"]
    assert attendee["phoneNumber"] in booking["description"]
    assert responses["smsReminderNumber"] in booking["description"]
    # names by key, and the same names inside the title
    assert re.fullmatch(r"Person \d+", host["name"])
    assert booking["title"] == f"30 min meeting between {host['name']} and {attendee['name']}"
    assert host["username"] in booking["bookingUrl"]
    assert booking["bookingUrl"] == f"https://cal.com/{host['username']}/30min"
    assert responses["name"]["firstName"].startswith("Person ")


def test_urls_lose_their_credentials_but_keep_their_shape() -> None:
    data, _, _ = scrubbed()
    booking = data["data"]["booking"]
    meeting = booking["meetingUrl"]
    assert meeting.startswith("https://zoom.us/j/812345?pwd=REDACTED_")
    assert "lang=en" in meeting
    assert "email=person-" in meeting
    assert booking["location"].startswith("https://REDACTED_SECRET_")
    assert booking["location"].endswith(f"@internal.example.net/{booking['hosts'][0]['username']}")
    callback = data["data"]["oauth"]["callback"]
    assert callback.startswith("https://app.cal.com/api/callback?code=REDACTED_")
    assert "xyz12345" not in callback


def test_non_personal_data_is_unchanged() -> None:
    data, _, _ = scrubbed()
    booking, original = data["data"]["booking"], ANSWER["data"]["booking"]
    for key in (
        "id",
        "uid",
        "status",
        "start",
        "end",
        "duration",
        "eventTypeId",
        "eventType",
        "cancelledByEmail",
        "rescheduledByEmail",
        "rating",
        "absentHost",
        "icsUid",
        "createdAt",
    ):
        assert booking[key] == original[key], key
    assert booking["hosts"][0]["id"] == 4182736
    assert booking["hosts"][0]["timeZone"] == "Europe/Berlin"
    assert booking["attendees"][0]["absent"] is False
    assert booking["metadata"]["nested"][0]["deeper"]["kind"] == "oauth"
    out = data["data"]
    assert out["tokens"]["accessTokenExpiresAt"] == 1790000000000
    assert out["tokens"]["token_type"] == "Bearer"
    assert out["webhook"] == {**ANSWER["data"]["webhook"], "secret": out["webhook"]["secret"]}
    assert out["webhook"]["secret"].startswith("REDACTED_")
    assert out["schedule"] == ANSWER["data"]["schedule"]  # not a person: its name stays
    assert out["team"] == ANSWER["data"]["team"]
    assert out["workflowStep"] == ANSWER["data"]["workflowStep"]
    assert out["documented"] == "host@example.com"  # reserved domain: not personal
    assert out["pagination"] == ANSWER["data"]["pagination"]
    assert data["status"] == "success"


def test_credential_objects_are_redacted_whole() -> None:
    data, _, _ = scrubbed()
    key = data["data"]["serviceAccountKey"]
    assert set(key) == {"client_email", "private_key", "type"}
    assert all(value.startswith("REDACTED_SECRET_") for value in key.values())


def test_input_is_not_modified_and_output_is_deterministic() -> None:
    before = copy.deepcopy(ANSWER)
    first, headers, _ = scrubbed()
    assert ANSWER == before
    second, headers_again, _ = scrubbed()
    assert (first, headers) == (second, headers_again)


def test_only_strings_change() -> None:
    data, _, _ = scrubbed()

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(item) for item in value]
        return value if not isinstance(value, str) else str

    assert shape(data) == shape(ANSWER)


def test_scrubbing_is_idempotent() -> None:
    """A scrubbed document is a fixed point (the secret scan relies on it)."""
    data, headers, _ = scrubbed()
    again = scrub.Scrubber()
    assert again.data(data) == data
    assert again.headers(headers) == headers
    assert not again.counts


def test_summary_counts_what_was_replaced() -> None:
    _, _, scrubber = scrubbed()
    assert scrubber.counts["e-mail"] == 3
    assert scrubber.counts["phone"] == 2
    summary = scrubber.summary()
    assert "3 e-mail" in summary and "2 phone" in summary


def test_known_credentials_that_never_show_up_are_not_counted() -> None:
    scrubber = scrub.Scrubber(secrets=[API_KEY], client_ids=[CLIENT_ID])
    assert scrubber.data({"id": 1, "status": "success"}) == {"id": 1, "status": "success"}
    assert scrubber.summary() == ""


@pytest.mark.parametrize(
    ("text", "survivor"),
    [
        (f"use {API_KEY} now", API_KEY),
        (f"token={JWT}", JWT),
        (f"Bearer {REFRESH}", REFRESH),
        (f"mail: <{HOST_EMAIL}>", HOST_EMAIL),
        (f"phone {OTHER_PHONE}.", OTHER_PHONE),
        ("sk_live_51HqLyjWDarjtT1zdp7dc", "sk_live_51HqLyjWDarjtT1zdp7dc"),
    ],
)
def test_free_text_patterns(text: str, survivor: str) -> None:
    assert survivor not in scrub.Scrubber().text(text)


def test_dates_offsets_and_ids_in_text_are_not_phone_numbers() -> None:
    text = "2026-09-14T09:00:00+02:00 id 12345678901 Etc/GMT+10 v2+build 4155550123"
    assert scrub.Scrubber().text(text) == text


def test_recording_keeps_call_and_request_consistent() -> None:
    """Call arguments, path, query and body share placeholders, so replaying the scrubbed
    call still produces the scrubbed request."""
    recording = {
        "operation": "list_bookings",
        "provenance": "live",
        "source": {"recorded": "2026-09-30", "base_url": "https://api.cal.com"},
        "call": {
            "args": [ATTENDEE_EMAIL],
            "kwargs": {"attendee_name": ATTENDEE_NAME, "usernames": [USERNAME, "lee-b"]},
        },
        "request": {
            "method": "GET",
            "path": "/v2/things/" + quote(ATTENDEE_EMAIL, safe=""),
            "query": {"attendeeName": ATTENDEE_NAME, "usernames": f"{USERNAME},lee-b"},
            "headers": {"cal-api-version": "2024-08-13"},
            "auth": "bearer",
        },
        "response": {"status": 200, "body": {"data": [{"email": ATTENDEE_EMAIL}]}},
    }
    out = scrub.scrub_recording(recording)
    address = out["call"]["args"][0]
    assert re.fullmatch(r"person-\d+@example\.com", address)
    assert out["request"]["path"] == "/v2/things/" + quote(address, safe="")
    assert out["response"]["body"]["data"][0]["email"] == address
    assert out["request"]["query"]["attendeeName"] == out["call"]["kwargs"]["attendee_name"]
    assert out["request"]["query"]["usernames"] == ",".join(out["call"]["kwargs"]["usernames"])
    assert out["request"]["headers"] == {"cal-api-version": "2024-08-13"}
    assert out["source"] == recording["source"]
    assert ATTENDEE_NAME not in json.dumps(out) and USERNAME not in json.dumps(out)


def test_oauth_callback_parameters_are_secrets() -> None:
    recording = {
        "call": {"args": [], "kwargs": {"code": OAUTH_CODE, "state": "st4te-value", "take": 3}},
        "request": {
            "method": "GET",
            "path": "/v2/stripe/save",
            "query": {"code": OAUTH_CODE, "state": "st4te-value", "take": "3"},
            "auth": "none",
        },
        "response": {"status": 200, "body": {"status": "success", "error": {"code": "E1"}}},
    }
    out = scrub.scrub_recording(recording)
    assert OAUTH_CODE not in json.dumps(out) and "st4te-value" not in json.dumps(out)
    assert out["call"]["kwargs"]["code"] == out["request"]["query"]["code"]
    assert out["call"]["kwargs"]["take"] == 3 and out["request"]["query"]["take"] == "3"
    assert out["response"]["body"]["error"]["code"] == "E1"  # an error code is no secret
