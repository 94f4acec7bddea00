"""Tests for calcom.webhooks: signature verification and typed parsing of deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from calcom import webhooks
from calcom._exceptions import CalError
from calcom.webhooks import (
    BookingPayload,
    CalVideoNoShowPayload,
    DelegationCredentialErrorPayload,
    FormPayload,
    FormResponse,
    GenericPayload,
    InstantMeetingPayload,
    InvalidSignatureError,
    MalformedSignatureError,
    MissingSignatureError,
    NoShowPayload,
    OutOfOfficePayload,
    RecordingPayload,
    WebhookParseError,
    WebhookTrigger,
    WebhookVerificationError,
    WrongAssignmentReportPayload,
)

SECRET = "whsec-7f3a9c1e-test-secret"


def encode(delivery: dict[str, Any]) -> bytes:
    # Compact, like JavaScript's JSON.stringify, so Python's default dumps differs.
    return json.dumps(delivery, separators=(",", ":")).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(trigger: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"triggerEvent": trigger, "createdAt": "2025-03-04T10:15:30.123Z", "payload": payload}


BODY = encode(
    delivery("BOOKING_CREATED", {"uid": "bk_9f2a", "title": "Intro call", "bookingId": 4211})
)


# --- verify -------------------------------------------------------------------


def test_signed_body_verifies() -> None:
    webhooks.verify(BODY, sign(BODY), SECRET)  # returns without raising


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda s: s.upper(), id="uppercase-hex"),
        pytest.param(lambda s: f"  {s}\n", id="surrounding-whitespace"),
        pytest.param(lambda s: f"sha256={s}", id="sha256-prefix"),
        pytest.param(lambda s: f"SHA256={s.upper()}", id="uppercase-prefix"),
    ],
)
def test_tolerated_header_spellings_verify(header: Callable[[str], str]) -> None:
    webhooks.verify(BODY, header(sign(BODY)), SECRET)


def test_one_byte_change_is_invalid() -> None:
    tampered = BODY.replace(b"4211", b"4212")
    assert tampered != BODY
    with pytest.raises(InvalidSignatureError):
        webhooks.verify(tampered, sign(BODY), SECRET)


def test_wrong_secret_is_invalid() -> None:
    with pytest.raises(InvalidSignatureError):
        webhooks.verify(BODY, sign(BODY, "another-secret"), SECRET)


def test_truncated_header_is_malformed() -> None:
    with pytest.raises(MalformedSignatureError, match="64 hex characters, got 63"):
        webhooks.verify(BODY, sign(BODY)[:-1], SECRET)


def test_non_hex_header_is_malformed() -> None:
    with pytest.raises(MalformedSignatureError):
        webhooks.verify(BODY, "g" * 64, SECRET)


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_header_is_rejected(header: str | None) -> None:
    with pytest.raises(MissingSignatureError, match="allow_unsigned=True"):
        webhooks.verify(BODY, header, SECRET)


def test_no_secret_placeholder_counts_as_unsigned() -> None:
    with pytest.raises(MissingSignatureError):
        webhooks.verify(BODY, "no-secret-provided", SECRET)
    webhooks.verify(BODY, "no-secret-provided", SECRET, allow_unsigned=True)


@pytest.mark.parametrize("secret", [SECRET, ""])
def test_unsigned_accepted_with_allow_unsigned(secret: str) -> None:
    webhooks.verify(BODY, None, secret, allow_unsigned=True)


def test_allow_unsigned_still_checks_a_present_signature() -> None:
    with pytest.raises(InvalidSignatureError):
        webhooks.verify(BODY, sign(BODY, "another-secret"), SECRET, allow_unsigned=True)
    with pytest.raises(MalformedSignatureError):
        webhooks.verify(BODY, "abc", SECRET, allow_unsigned=True)


def test_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="secret is empty") as excinfo:
        webhooks.verify(BODY, sign(BODY, ""), "")
    assert not isinstance(excinfo.value, WebhookVerificationError)


def test_str_body_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="raw request body as bytes"):
        webhooks.verify(BODY.decode(), sign(BODY), SECRET)  # type: ignore[arg-type]


def test_reserialised_json_does_not_verify() -> None:
    reserialised = json.dumps(json.loads(BODY)).encode()
    assert json.loads(reserialised) == json.loads(BODY)
    with pytest.raises(InvalidSignatureError):
        webhooks.verify(reserialised, sign(BODY), SECRET)


@pytest.mark.parametrize(
    "header",
    [sign(BODY, "another-secret"), sign(BODY)[:40], "z" * 64, None],
    ids=["invalid", "truncated", "non-hex", "missing"],
)
def test_errors_never_leak_secret_or_expected_digest(header: str | None) -> None:
    with pytest.raises(WebhookVerificationError) as excinfo:
        webhooks.verify(BODY, header, SECRET)
    message = str(excinfo.value)
    assert SECRET not in message
    assert sign(BODY) not in message
    assert sign(BODY)[:16] not in message


def test_error_hierarchy() -> None:
    for cls in (MissingSignatureError, MalformedSignatureError, InvalidSignatureError):
        assert issubclass(cls, WebhookVerificationError)
    assert issubclass(WebhookVerificationError, ValueError)
    assert issubclass(WebhookVerificationError, CalError)
    assert issubclass(WebhookParseError, CalError)
    assert issubclass(WebhookParseError, ValueError)
    assert not issubclass(WebhookParseError, WebhookVerificationError)


# --- signature_header ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "X-Cal-Signature-256",
        "x-cal-signature-256",
        "X-CAL-SIGNATURE-256",
        "HTTP_X_CAL_SIGNATURE_256",
    ],
)
def test_signature_header_lookup_ignores_case(name: str) -> None:
    headers = {"Content-Type": "application/json", name: "abc123"}
    assert webhooks.signature_header(headers) == "abc123"


def test_signature_header_absent() -> None:
    assert webhooks.signature_header({"Content-Type": "application/json"}) is None
    assert webhooks.SIGNATURE_HEADER == "X-Cal-Signature-256"


# --- parse: one realistic delivery per trigger --------------------------------

ORGANIZER = {
    "id": 12,
    "name": "Olivia Host",
    "email": "olivia@acme.example",
    "username": "olivia",
    "timeZone": "Europe/Berlin",
    "language": {"locale": "de"},
    "timeFormat": "HH:mm",
    "utcOffset": 60,
}
ATTENDEE = {
    "name": "Ana Guest",
    "email": "ana@example.org",
    "timeZone": "America/New_York",
    "language": {"locale": "en"},
    "phoneNumber": "+15555550123",
    "utcOffset": -300,
}


def booking(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "30min",
        "title": "30 Min Meeting between Olivia Host and Ana Guest",
        "description": "Quarterly check-in",
        "additionalNotes": "Please bring the numbers",
        "customInputs": {},
        "startTime": "2025-03-10T14:00:00Z",
        "endTime": "2025-03-10T14:30:00Z",
        "organizer": ORGANIZER,
        "attendees": [ATTENDEE],
        "location": "integrations:daily",
        "destinationCalendar": None,
        "uid": "bk_9f2a6c",
        "bookingId": 4211,
        "eventTypeId": 77,
        "status": "ACCEPTED",
        "responses": {
            "name": {"label": "your_name", "value": "Ana Guest"},
            "email": {"label": "email_address", "value": "ana@example.org"},
            "notes": {"label": "additional_notes", "value": "Please bring the numbers"},
        },
        "metadata": {"videoCallUrl": "https://app.cal.com/video/bk_9f2a6c"},
        "videoCallData": {
            "type": "daily_video",
            "id": "room-1",
            "password": "",
            "url": "https://acme.daily.co/room-1",
        },
        "length": 30,
        "price": 0,
        "currency": "usd",
    }
    return {**base, **fields}


def meeting_row() -> dict[str, Any]:
    # MEETING_STARTED/ENDED send the booking row: "id" and "user", not "bookingId"/"organizer".
    return {
        "id": 4211,
        "uid": "bk_9f2a6c",
        "title": "Intro call",
        "description": None,
        "startTime": "2025-03-10T14:00:00.000Z",
        "endTime": "2025-03-10T14:30:00.000Z",
        "location": "integrations:daily",
        "status": "ACCEPTED",
        "responses": {"name": {"label": "your_name", "value": "Ana Guest"}},
        "user": {
            "username": "olivia",
            "name": "Olivia Host",
            "email": "olivia@acme.example",
            "timeZone": "Europe/Berlin",
            "locale": "de",
        },
        "attendees": [{"name": "Ana Guest", "email": "ana@example.org", "timeZone": "UTC"}],
        "eventType": {"title": "Intro call", "length": 30},
    }


def check_created(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.uid == "bk_9f2a6c"
    assert p.booking_id == 4211
    assert p.type == "30min"
    assert p.event_type_id == 77
    assert p.status == "ACCEPTED"
    assert p.start_time == datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    assert p.end_time == datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
    assert p.location == "integrations:daily"
    assert p.additional_notes == "Please bring the numbers"
    assert p.organizer is not None
    assert (p.organizer.id, p.organizer.email, p.organizer.username) == (
        12,
        "olivia@acme.example",
        "olivia",
    )
    assert (p.organizer.time_zone, p.organizer.locale) == ("Europe/Berlin", "de")
    assert [(a.name, a.email, a.locale, a.phone_number) for a in p.attendees] == [
        ("Ana Guest", "ana@example.org", "en", "+15555550123")
    ]
    assert p.responses["email"]["value"] == "ana@example.org"
    assert p.metadata == {"videoCallUrl": "https://app.cal.com/video/bk_9f2a6c"}
    assert p.video_call_data["url"] == "https://acme.daily.co/room-1"
    assert (p.length, p.price, p.currency) == (30, 0, "usd")
    assert p.destination_calendars == [] and p.custom_inputs == {}
    assert p.cancellation_reason is None


def check_rescheduled(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.uid == "bk_new77"
    assert p.reschedule_uid == "bk_9f2a6c"
    assert p.reschedule_start_time == datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    assert p.reschedule_end_time == datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
    assert p.rescheduled_by == "ana@example.org"
    assert p.start_time == datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


def check_cancelled(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.status == "CANCELLED"
    assert p.cancellation_reason == "Conflict with another meeting"
    assert p.cancelled_by == "ana@example.org"


def check_requested(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.status == "PENDING"
    assert p.requires_confirmation is True


def check_rejected(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.status == "REJECTED"
    assert p.rejection_reason == "Fully booked that week"


def check_paid(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.payment_id == 981
    assert p.payment_data["success"] is True
    assert p.payment_data["amount"] == 5000


def check_payment_initiated(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.payment_id == 980
    assert p.payment_data["success"] is False
    assert p.status == "PENDING"


def check_no_show_updated(p: Any) -> None:
    assert isinstance(p, NoShowPayload)
    assert p.message == "ana@example.org marked as no-show"
    assert p.booking_uid == "bk_9f2a6c"
    assert p.booking_id == 4211
    assert [(a.email, a.no_show) for a in p.attendees] == [
        ("ana@example.org", True),
        ("ben@example.org", False),
    ]


def check_meeting(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.booking_id == 4211
    assert p.organizer is not None
    assert (p.organizer.email, p.organizer.locale) == ("olivia@acme.example", "de")
    assert p.attendees[0].time_zone == "UTC"
    assert p.start_time == datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    assert p.description is None
    assert p.event_type["length"] == 30


def check_recording_ready(p: Any) -> None:
    assert isinstance(p, RecordingPayload)
    assert p.download_link == "https://cal.com/api/video/recording/rec_1?token=t"
    assert p.uid == "bk_9f2a6c"
    assert p.organizer is not None and p.organizer.email == "olivia@acme.example"
    assert p.transcripts == []


def check_transcription(p: Any) -> None:
    assert isinstance(p, RecordingPayload)
    assert p.recording_link == "https://cal.com/api/video/recording/rec_1?token=t"
    assert [(t.format, t.link) for t in p.transcripts] == [
        ("json", "https://cal.com/transcripts/tr_1.json"),
        ("vtt", "https://cal.com/transcripts/tr_1.vtt"),
    ]
    assert p.download_link is None


def check_instant_meeting(p: Any) -> None:
    assert isinstance(p, InstantMeetingPayload)
    assert p.title == "An Instant Meeting is Waiting"
    assert p.body == "Someone is waiting in Sales instant call"
    assert p.url == "https://app.cal.com/video/im_42"
    assert p.type == "INSTANT_MEETING"
    assert p.require_interaction is False
    assert p.actions[0]["action"] == "connect-action"


def check_ooo(p: Any) -> None:
    assert isinstance(p, OutOfOfficePayload)
    entry = p.ooo_entry
    assert entry is not None
    assert entry.id == 31
    assert entry.uuid == "6c1a7d0e-3f5b-4f63-9d55-1b0b7c1d2e3f"
    assert entry.start == datetime(2025, 4, 1, tzinfo=UTC)
    assert entry.end == datetime(2025, 4, 8, 23, 59, 59, 999000, tzinfo=UTC)
    assert (entry.reason, entry.emoji, entry.reason_id) == ("vacation", "🏝️", 1)
    assert entry.notes == "Back on the 9th"
    assert entry.user is not None and entry.user.username == "olivia"
    assert entry.to_user is not None and entry.to_user.email == "sam@acme.example"


def check_form_submitted(p: Any) -> None:
    assert isinstance(p, FormPayload)
    assert p.form_id == "d8a3b0a4-4c2e-4e1c-9f8e-2f6a6f4e1b2c"
    assert p.form_name == "Sales routing"
    assert p.team_id == 5
    answer = p.responses["f1"]
    assert isinstance(answer, FormResponse)
    assert (answer.label, answer.value) == ("Company size", "51-200")
    assert answer["value"] == "51-200"  # the JSON, as before
    assert answer.raw == {"label": "Company size", "value": "51-200"}
    # FORM_SUBMITTED repeats each answer at the top level; it stays reachable.
    assert p.extra == {"f1": "51-200", "f2": "ana@example.org"}
    assert p.fallback_action == {}


def check_form_submitted_no_event(p: Any) -> None:
    assert isinstance(p, FormPayload)
    assert p.form_name == "Newsletter signup"
    assert p.team_id is None
    assert p.responses["email"]["value"] == "ana@example.org"
    assert p.responses["email"].value == "ana@example.org"


def check_fallback_hit(p: Any) -> None:
    assert isinstance(p, FormPayload)
    assert p.form_id == "form-abc"
    assert p.response_id == 456
    assert p.fallback_action == {
        "type": "eventTypeRedirectUrl",
        "value": "team/sales/30min",
        "eventTypeId": 42,
    }
    assert p.responses["f1"]["value"] == "Enterprise"


def check_cal_video_no_show(p: Any) -> None:
    assert isinstance(p, CalVideoNoShowPayload)
    assert p.booking_id == 4211
    assert p.webhook == {
        "id": "wh_1",
        "subscriberUrl": "https://hooks.example.com/cal",
        "time": 5,
        "timeUnit": "MINUTE",
    }


def check_delegation_error(p: Any) -> None:
    assert isinstance(p, DelegationCredentialErrorPayload)
    assert p.error_type == "CalendarAppDelegationCredentialConfigurationError"
    assert p.error_message == "Domain-wide delegation is not enabled for this service account"
    assert p.credential["appId"] == "google-calendar"
    assert p.user is not None
    assert (p.user.id, p.user.email) == (12, "olivia@acme.example")
    assert p.user.organization_id == 3


def check_wrong_assignment(p: Any) -> None:
    assert isinstance(p, WrongAssignmentReportPayload)
    assert p.booking is not None
    assert (p.booking.uid, p.booking.booking_id, p.booking.title) == ("bk_9f2a6c", 4211, "Demo")
    assert p.booking.start_time == datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    assert p.reported_by is not None and p.reported_by.email == "olivia@acme.example"
    assert p.host is not None and p.host.name == "Olivia Host"
    assert p.guest == "ana@example.org"
    assert p.correct_assignee == "sam@acme.example"
    assert p.routing_reason == "Matched by round-robin"
    assert p.additional_notes == "Should have gone to EMEA sales"


def check_ping(p: Any) -> None:
    assert isinstance(p, BookingPayload)
    assert p.type == "Test"
    assert p.title == "Test trigger event"
    assert p.organizer is not None and p.organizer.email == "no-reply@cal.com"
    assert p.attendees[0].name == "John Doe"
    assert p.uid is None


RECORDING_LINK = "https://cal.com/api/video/recording/rec_1?token=t"
NO_SHOW_WEBHOOK = {
    "id": "wh_1",
    "subscriberUrl": "https://hooks.example.com/cal",
    "time": 5,
    "timeUnit": "MINUTE",
}

CASES: list[tuple[str, dict[str, Any], Callable[[Any], None]]] = [
    ("BOOKING_CREATED", booking(), check_created),
    (
        "BOOKING_RESCHEDULED",
        booking(
            uid="bk_new77",
            startTime="2025-03-12T09:00:00Z",
            endTime="2025-03-12T09:30:00Z",
            rescheduleId=4211,
            rescheduleUid="bk_9f2a6c",
            rescheduleStartTime="2025-03-10T14:00:00Z",
            rescheduleEndTime="2025-03-10T14:30:00Z",
            rescheduledBy="ana@example.org",
        ),
        check_rescheduled,
    ),
    (
        "BOOKING_CANCELLED",
        booking(
            status="CANCELLED",
            cancellationReason="Conflict with another meeting",
            cancelledBy="ana@example.org",
        ),
        check_cancelled,
    ),
    (
        "BOOKING_REQUESTED",
        booking(status="PENDING", requiresConfirmation=True),
        check_requested,
    ),
    (
        "BOOKING_REJECTED",
        booking(status="REJECTED", rejectionReason="Fully booked that week"),
        check_rejected,
    ),
    (
        "BOOKING_PAID",
        booking(
            paymentId=981,
            paymentData={"amount": 5000, "currency": "usd", "success": True, "refunded": False},
        ),
        check_paid,
    ),
    (
        "BOOKING_PAYMENT_INITIATED",
        booking(
            status="PENDING",
            paymentId=980,
            paymentData={"amount": 5000, "currency": "usd", "success": False},
        ),
        check_payment_initiated,
    ),
    (
        "BOOKING_NO_SHOW_UPDATED",
        {
            "message": "ana@example.org marked as no-show",
            "bookingUid": "bk_9f2a6c",
            "bookingId": 4211,
            "attendees": [
                {"email": "ana@example.org", "noShow": True},
                {"email": "ben@example.org", "noShow": False},
            ],
        },
        check_no_show_updated,
    ),
    ("MEETING_STARTED", meeting_row(), check_meeting),
    ("MEETING_ENDED", meeting_row(), check_meeting),
    ("RECORDING_READY", booking(downloadLink=RECORDING_LINK), check_recording_ready),
    (
        "RECORDING_TRANSCRIPTION_GENERATED",
        booking(
            downloadLinks={
                "transcription": [
                    {"format": "json", "link": "https://cal.com/transcripts/tr_1.json"},
                    {"format": "vtt", "link": "https://cal.com/transcripts/tr_1.vtt"},
                ],
                "recording": RECORDING_LINK,
            }
        ),
        check_transcription,
    ),
    (
        "INSTANT_MEETING",
        {
            "title": "An Instant Meeting is Waiting",
            "body": "Someone is waiting in Sales instant call",
            "icon": "https://app.cal.com/cal-com-icon.svg",
            "url": "https://app.cal.com/video/im_42",
            "actions": [
                {"action": "connect-action", "title": "Join Now", "type": "button", "image": None}
            ],
            "requireInteraction": False,
            "type": "INSTANT_MEETING",
        },
        check_instant_meeting,
    ),
    (
        "OOO_CREATED",
        {
            "oooEntry": {
                "id": 31,
                "uuid": "6c1a7d0e-3f5b-4f63-9d55-1b0b7c1d2e3f",
                "start": "2025-04-01T00:00:00.000Z",
                "end": "2025-04-08T23:59:59.999Z",
                "createdAt": "2025-03-04T10:15:29.000Z",
                "updatedAt": "2025-03-04T10:15:29.000Z",
                "notes": "Back on the 9th",
                "reason": {"emoji": "🏝️", "reason": "vacation"},
                "reasonId": 1,
                "user": {
                    "id": 12,
                    "name": "Olivia Host",
                    "username": "olivia",
                    "timeZone": "Europe/Berlin",
                    "email": "olivia@acme.example",
                },
                "toUser": {"id": 13, "name": "Sam Backup", "email": "sam@acme.example"},
            }
        },
        check_ooo,
    ),
    (
        "FORM_SUBMITTED",
        {
            "formId": "d8a3b0a4-4c2e-4e1c-9f8e-2f6a6f4e1b2c",
            "formName": "Sales routing",
            "teamId": 5,
            "responses": {
                "f1": {"label": "Company size", "value": "51-200"},
                "f2": {"label": "Email", "value": "ana@example.org"},
            },
            "f1": "51-200",
            "f2": "ana@example.org",
        },
        check_form_submitted,
    ),
    (
        "FORM_SUBMITTED_NO_EVENT",
        {
            "formId": "0b6e1c52-2d7c-4c5b-8c15-2b1a3f9e7d10",
            "formName": "Newsletter signup",
            "teamId": None,
            "responses": {"email": {"label": "Email", "value": "ana@example.org"}},
            "email": "ana@example.org",
        },
        check_form_submitted_no_event,
    ),
    (
        "ROUTING_FORM_FALLBACK_HIT",
        {
            "formId": "form-abc",
            "formName": "Sales routing",
            "teamId": 5,
            "responseId": 456,
            "fallbackAction": {
                "type": "eventTypeRedirectUrl",
                "value": "team/sales/30min",
                "eventTypeId": 42,
            },
            "responses": {"f1": {"label": "Plan", "value": "Enterprise"}},
        },
        check_fallback_hit,
    ),
    (
        "AFTER_HOSTS_CAL_VIDEO_NO_SHOW",
        {"bookingId": 4211, "webhook": NO_SHOW_WEBHOOK},
        check_cal_video_no_show,
    ),
    (
        "AFTER_GUESTS_CAL_VIDEO_NO_SHOW",
        {"bookingId": 4211, "webhook": NO_SHOW_WEBHOOK},
        check_cal_video_no_show,
    ),
    (
        "DELEGATION_CREDENTIAL_ERROR",
        {
            "error": {
                "type": "CalendarAppDelegationCredentialConfigurationError",
                "message": "Domain-wide delegation is not enabled for this service account",
            },
            "credential": {
                "id": -1,
                "type": "google_calendar",
                "appId": "google-calendar",
                "delegationCredentialId": "dc_1",
            },
            "user": {"id": 12, "email": "olivia@acme.example", "organizationId": 3},
        },
        check_delegation_error,
    ),
    (
        "WRONG_ASSIGNMENT_REPORT",
        {
            "booking": {
                "uid": "bk_9f2a6c",
                "id": 4211,
                "title": "Demo",
                "startTime": "2025-03-10T14:00:00.000Z",
                "endTime": "2025-03-10T14:30:00.000Z",
                "status": "ACCEPTED",
                "eventType": {"id": 77, "title": "Demo", "slug": "demo", "teamId": 5},
            },
            "report": {
                "reportedBy": {"id": 12, "email": "olivia@acme.example", "name": "Olivia Host"},
                "routingReason": "Matched by round-robin",
                "guest": "ana@example.org",
                "host": {"email": "olivia@acme.example", "name": "Olivia Host"},
                "correctAssignee": "sam@acme.example",
                "additionalNotes": "Should have gone to EMEA sales",
            },
        },
        check_wrong_assignment,
    ),
    (
        "PING",
        {
            "type": "Test",
            "title": "Test trigger event",
            "description": "",
            "startTime": "2025-03-04T10:15:30.123Z",
            "endTime": "2025-03-04T10:15:30.123Z",
            "attendees": [
                {
                    "email": "jdoe@example.com",
                    "name": "John Doe",
                    "timeZone": "Europe/London",
                    "language": {"locale": "en"},
                }
            ],
            "organizer": {
                "name": "Cal",
                "email": "no-reply@cal.com",
                "timeZone": "Europe/London",
                "language": {"locale": "en"},
            },
        },
        check_ping,
    ),
]


def test_every_trigger_has_a_parsing_case() -> None:
    assert sorted(trigger for trigger, _, _ in CASES) == sorted(WebhookTrigger)
    assert len(WebhookTrigger) == 22


@pytest.mark.parametrize(("trigger", "payload", "check"), CASES, ids=[c[0] for c in CASES])
def test_parse_trigger(trigger: str, payload: dict[str, Any], check: Callable[[Any], None]) -> None:
    event = webhooks.parse(encode(delivery(trigger, payload)))
    assert event.trigger_event == trigger
    assert isinstance(event.trigger_event, WebhookTrigger)
    assert event.created_at == datetime(2025, 3, 4, 10, 15, 30, 123000, tzinfo=UTC)
    assert event.payload.raw == payload
    assert event.raw["payload"] == payload
    check(event.payload)


# --- parse: leniency ----------------------------------------------------------


def test_unknown_trigger_parses_to_generic_payload() -> None:
    body = encode(delivery("BOOKING_LOCATION_UPDATED", {"uid": "bk_1", "location": "Office"}))
    event = webhooks.parse(body)
    assert event.trigger_event == "BOOKING_LOCATION_UPDATED"
    assert not isinstance(event.trigger_event, WebhookTrigger)
    assert type(event.payload) is GenericPayload
    assert event.payload["location"] == "Office"
    assert event.payload.get("uid") == "bk_1"
    assert event.payload.extra == {"uid": "bk_1", "location": "Office"}


def test_extra_fields_are_reachable_at_every_level() -> None:
    payload = booking(newFieldFromTheFuture={"x": 1})
    payload["organizer"] = {**ORGANIZER, "newPersonField": True}
    raw = {**delivery("BOOKING_CREATED", payload), "webhookVersion": "2021-10-20"}
    event = webhooks.parse(encode(raw))
    assert isinstance(event.payload, BookingPayload)
    assert event.payload.extra == {"newFieldFromTheFuture": {"x": 1}}
    assert "uid" not in event.payload.extra  # mapped fields are not repeated in extra
    assert event.payload["uid"] == "bk_9f2a6c"
    assert event.raw["webhookVersion"] == "2021-10-20"
    assert event.payload.organizer is not None
    assert event.payload.organizer.extra == {"newPersonField": True}
    assert event.payload.attendees[0].extra == {}


def test_missing_and_null_fields_do_not_raise() -> None:
    event = webhooks.parse(
        encode(
            {
                "triggerEvent": "BOOKING_CREATED",
                "createdAt": None,
                "payload": {"uid": None, "organizer": None, "attendees": None, "responses": None},
            }
        )
    )
    p = event.payload
    assert isinstance(p, BookingPayload)
    assert event.created_at is None
    assert p.uid is None and p.organizer is None and p.start_time is None
    assert p.attendees == [] and p.responses == {}


def test_wrongly_typed_fields_do_not_raise() -> None:
    payload = {
        "uid": 17,
        "bookingId": "4211",
        "eventTypeId": True,
        "organizer": "olivia",
        "attendees": ["ana", None, {"email": "ana@example.org", "noShow": "yes"}],
        "startTime": 1741615200,
        "status": True,
        "responses": [1, 2],
    }
    p = webhooks.parse(encode(delivery("BOOKING_CREATED", payload))).payload
    assert isinstance(p, BookingPayload)
    assert (p.uid, p.booking_id, p.organizer, p.start_time, p.status) == (None,) * 5
    assert p.event_type_id is None  # a bool is not an id
    assert p.responses == {}
    assert [(a.email, a.no_show) for a in p.attendees] == [("ana@example.org", None)]
    assert p.raw == payload


@pytest.mark.parametrize(
    "raw",
    [
        {"triggerEvent": "OOO_CREATED"},
        {"triggerEvent": "OOO_CREATED", "payload": None},
        {"triggerEvent": "OOO_CREATED", "payload": "oops"},
        {},
    ],
)
def test_missing_payload_or_trigger_does_not_raise(raw: dict[str, Any]) -> None:
    event = webhooks.parse(encode(raw))
    assert event.payload.raw == {}
    assert event.trigger_event == raw.get("triggerEvent", "")


def test_unparseable_timestamps() -> None:
    payload = booking(startTime="next tuesday")
    event = webhooks.parse(encode({**delivery("BOOKING_CREATED", payload), "createdAt": "soon"}))
    assert event.created_at is None
    assert isinstance(event.payload, BookingPayload)
    assert event.payload.start_time == "next tuesday"
    assert event.raw["createdAt"] == "soon"


def test_parse_accepts_str_and_mapping() -> None:
    raw = delivery("BOOKING_CANCELLED", booking(status="CANCELLED"))
    from_str = webhooks.parse(json.dumps(raw))
    from_mapping = webhooks.parse(raw)
    assert from_str == from_mapping == webhooks.parse(encode(raw))
    assert isinstance(from_mapping.payload, BookingPayload)
    assert from_mapping.payload.status == "CANCELLED"


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b'{"triggerEvent": ', b"\xff\xfe\x00garbage", b"[1, 2]", b'"text"', b"null"],
)
def test_body_that_is_not_a_json_object_raises_parse_error(body: bytes) -> None:
    with pytest.raises(WebhookParseError):
        webhooks.parse(body)


# --- construct_event ----------------------------------------------------------


def test_construct_event_round_trip() -> None:
    body = encode(delivery("BOOKING_CREATED", booking()))
    event = webhooks.construct_event(body, sign(body), SECRET)
    assert event.trigger_event is WebhookTrigger.BOOKING_CREATED
    check_created(event.payload)
    assert event == webhooks.parse(body)


def test_construct_event_rejects_before_parsing() -> None:
    with pytest.raises(InvalidSignatureError):
        webhooks.construct_event(b"not json", sign(b"other"), SECRET)
    with pytest.raises(MissingSignatureError):
        webhooks.construct_event(b"not json", None, SECRET)


def test_construct_event_unsigned_when_allowed() -> None:
    body = encode(delivery("PING", {"type": "Test", "title": "Test trigger event"}))
    event = webhooks.construct_event(body, None, "", allow_unsigned=True)
    assert event.trigger_event == "PING"
    assert isinstance(event.payload, BookingPayload)
    assert event.payload.title == "Test trigger event"


# --- fields Cal.com has sent since 2024-25 ------------------------------------

# A BOOKING_RESCHEDULED as Cal.com's current payload builder shapes it (field names and
# types from Cal.com's CalendarEvent and Person types; values invented).
RESCHEDULED_2025: dict[str, Any] = {
    **booking(),
    "bookerUrl": "https://cal.com",
    "eventTitle": "30 Min Meeting",
    "eventDescription": "A quick chat",
    "length": 30,
    "price": 2500,
    "currency": "eur",
    "iCalUID": "bk_9f2a6c@Cal.com",
    "iCalSequence": 1,
    "destinationCalendar": [
        {
            "id": 3,
            "integration": "google_calendar",
            "externalId": "olivia@acme.example",
            "primaryEmail": "olivia@acme.example",
            "userId": 12,
            "eventTypeId": None,
            "credentialId": 8,
        }
    ],
    "userFieldsResponses": {
        "company": {"label": "Company", "value": "Acme", "isHidden": False},
    },
    "responses": {
        "name": {"label": "your_name", "value": "Ana Guest", "isHidden": False},
        "email": {"label": "email_address", "value": "ana@example.org", "isHidden": False},
        "location": {
            "label": "location",
            "value": {"optionValue": "", "value": "integrations:daily"},
            "isHidden": False,
        },
        "guests": {"label": "additional_guests", "value": [], "isHidden": False},
        "utm_source": {"label": "utm_source", "value": "", "isHidden": True},
        "company": {"label": "Company", "value": "Acme", "isHidden": False},
    },
    "appsStatus": [
        {
            "appName": "Google Calendar",
            "type": "google_calendar",
            "success": 1,
            "failures": 0,
            "errors": [],
            "warnings": ["event description truncated"],
        }
    ],
    "hideOrganizerEmail": True,
    "disableCancelling": False,
    "disableRescheduling": True,
    "requiresConfirmation": False,
    "rescheduleId": 4210,
    "rescheduleUid": "bk_old55",
    "rescheduledBy": "ana@example.org",
    "organizer": {**ORGANIZER, "timeFormat": "h:mma"},
    "attendees": [{**ATTENDEE, "firstName": "Ana", "lastName": "Guest"}],
}


def test_fields_sent_since_2024_are_typed() -> None:
    body = encode(delivery("BOOKING_RESCHEDULED", RESCHEDULED_2025))
    p = webhooks.construct_event(body, sign(body), SECRET).payload
    assert isinstance(p, BookingPayload)
    assert p.extra == {}
    assert (p.booker_url, p.event_title, p.event_description) == (
        "https://cal.com",
        "30 Min Meeting",
        "A quick chat",
    )
    assert (p.length, p.price, p.currency) == (30, 2500, "eur")
    assert (p.ical_uid, p.ical_sequence) == ("bk_9f2a6c@Cal.com", 1)
    assert [c["integration"] for c in p.destination_calendars] == ["google_calendar"]
    assert [
        (a.app_name, a.type, a.success, a.failures, a.errors, a.warnings) for a in p.apps_status
    ] == [("Google Calendar", "google_calendar", 1, 0, [], ["event description truncated"])]
    assert p.apps_status[0].extra == {}
    assert (p.hide_organizer_email, p.disable_cancelling, p.disable_rescheduling) == (
        True,
        False,
        True,
    )
    assert (p.requires_confirmation, p.reschedule_id, p.reschedule_uid) == (False, 4210, "bk_old55")
    assert p.user_fields_responses["company"].value == "Acme"

    assert p.organizer is not None
    assert (p.organizer.time_format, p.organizer.utc_offset) == ("h:mma", 60)
    assert p.organizer.extra == {}
    ana = p.attendees[0]
    assert (ana.first_name, ana.last_name, ana.utc_offset) == ("Ana", "Guest", -300)
    assert ana.extra == {}


def test_responses_are_label_value_entries() -> None:
    p = webhooks.parse(encode(delivery("BOOKING_CREATED", RESCHEDULED_2025))).payload
    assert isinstance(p, BookingPayload)
    name = p.responses["name"]
    assert isinstance(name, webhooks.BookingResponse)
    assert (name.label, name.value, name.is_hidden) == ("your_name", "Ana Guest", False)
    assert name["value"] == "Ana Guest"  # reading the JSON works as before
    assert p.responses["location"].value == {"optionValue": "", "value": "integrations:daily"}
    assert p.responses["guests"].value == []
    assert (p.responses["utm_source"].value, p.responses["utm_source"].is_hidden) == ("", True)
    assert all(answer.extra == {} for answer in p.responses.values())
    # an answer that is not Cal.com's {label, value} object is kept as its value
    odd = webhooks.parse(encode(delivery("BOOKING_CREATED", {"responses": {"x": "bare"}}))).payload
    assert isinstance(odd, BookingPayload)
    assert odd.responses["x"].value == "bare"


def test_destination_calendar_as_one_object_is_a_one_element_list() -> None:
    older = {
        **booking(),
        "destinationCalendar": {"integration": "office365_calendar", "externalId": "x"},
    }
    p = webhooks.parse(encode(delivery("BOOKING_CREATED", older))).payload
    assert isinstance(p, BookingPayload)
    assert p.destination_calendars == [{"integration": "office365_calendar", "externalId": "x"}]
    assert p.extra == {}


def _extras(obj: object, path: str) -> dict[str, Any]:
    """Every non-empty `.extra` below `obj`, by attribute path."""
    found: dict[str, Any] = {}
    if isinstance(obj, webhooks.WebhookObject):
        if obj.extra:
            found[path] = obj.extra
        for name in attrs_fields(obj):
            found |= _extras(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            found |= _extras(item, f"{path}[{index}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            found |= _extras(item, f"{path}[{key!r}]")
    return found


def attrs_fields(obj: object) -> list[str]:
    import attrs

    return [f.name for f in attrs.fields(type(obj)) if f.name not in ("raw", "extra")]


@pytest.mark.parametrize(("trigger", "payload", "check"), CASES, ids=[c[0] for c in CASES])
def test_nothing_known_stays_in_extra(
    trigger: str, payload: dict[str, Any], check: Callable[[Any], None]
) -> None:
    event = webhooks.parse(encode(delivery(trigger, payload)))
    extras = _extras(event.payload, "payload")
    if trigger.startswith("FORM_SUBMITTED"):
        # documented: the answers repeated at the top level under their field keys
        assert set(extras.pop("payload", {})) <= set(payload["responses"])
    assert extras == {}
