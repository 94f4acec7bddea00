"""Receive Cal.com webhooks: check the signature, then read the delivery.

Cal.com signs each delivery by computing HMAC-SHA256 over the raw request
body with the webhook's secret, and sends the lowercase hex digest in the
``X-Cal-Signature-256`` header. The body is JSON of the form
``{"triggerEvent": ..., "createdAt": ..., "payload": {...}}``::

    from calcom import webhooks

    event = webhooks.construct_event(
        body,                                  # raw bytes, exactly as received
        webhooks.signature_header(headers),
        secret,
    )
    if isinstance(event.payload, webhooks.BookingPayload):
        print(event.trigger_event, event.payload.uid, event.payload.start_time)

Parsing is lenient on purpose: Cal.com adds triggers and fields over time,
and a receiver that crashes on a new field loses deliveries. Unknown
triggers become a :class:`GenericPayload`; every parsed object keeps the
JSON it came from in ``raw`` and whatever was not mapped to an attribute in
``extra``. Only a body that is not a JSON object raises
:class:`WebhookParseError`. Shapes follow Cal.com's default ``2021-10-20``
payload format.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Self, TypeVar

import attrs

from calcom._exceptions import CalError

__all__ = [
    "SIGNATURE_HEADER",
    "AppStatus",
    "BookingPayload",
    "BookingResponse",
    "CalVideoNoShowPayload",
    "DelegationCredentialErrorPayload",
    "FormPayload",
    "FormResponse",
    "GenericPayload",
    "InstantMeetingPayload",
    "InvalidSignatureError",
    "MalformedSignatureError",
    "MissingSignatureError",
    "NoShowPayload",
    "OutOfOfficeEntry",
    "OutOfOfficePayload",
    "Payload",
    "Person",
    "RecordingPayload",
    "TranscriptLink",
    "WebhookError",
    "WebhookEvent",
    "WebhookObject",
    "WebhookParseError",
    "WebhookTrigger",
    "WebhookVerificationError",
    "WrongAssignmentReportPayload",
    "construct_event",
    "parse",
    "signature_header",
    "verify",
]

SIGNATURE_HEADER = "X-Cal-Signature-256"

# Cal.com puts this in the signature header when the webhook has no secret,
# so it means "unsigned", not "badly signed".
_NO_SECRET_PLACEHOLDER = "no-secret-provided"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
# Header names as HTTP frameworks spell them and as WSGI/CGI environ does.
_HEADER_KEYS = frozenset({"X_CAL_SIGNATURE_256", "HTTP_X_CAL_SIGNATURE_256"})


class WebhookError(CalError, ValueError):
    """Base class for errors raised while receiving a webhook."""


class WebhookVerificationError(WebhookError):
    """The delivery could not be shown to come from Cal.com."""


class MissingSignatureError(WebhookVerificationError):
    """The delivery carries no signature and unsigned deliveries are not allowed."""


class MalformedSignatureError(WebhookVerificationError):
    """The signature header is not a hex-encoded SHA-256 digest."""


class InvalidSignatureError(WebhookVerificationError):
    """The signature does not match the body and secret."""


class WebhookParseError(WebhookError):
    """The body is not a JSON object."""


class WebhookTrigger(StrEnum):
    """Triggers with a known payload shape; others still parse, as plain strings."""

    BOOKING_CREATED = "BOOKING_CREATED"
    BOOKING_RESCHEDULED = "BOOKING_RESCHEDULED"
    BOOKING_CANCELLED = "BOOKING_CANCELLED"
    BOOKING_REQUESTED = "BOOKING_REQUESTED"
    BOOKING_REJECTED = "BOOKING_REJECTED"
    BOOKING_PAID = "BOOKING_PAID"
    BOOKING_PAYMENT_INITIATED = "BOOKING_PAYMENT_INITIATED"
    BOOKING_NO_SHOW_UPDATED = "BOOKING_NO_SHOW_UPDATED"
    MEETING_STARTED = "MEETING_STARTED"
    MEETING_ENDED = "MEETING_ENDED"
    RECORDING_READY = "RECORDING_READY"
    RECORDING_TRANSCRIPTION_GENERATED = "RECORDING_TRANSCRIPTION_GENERATED"
    INSTANT_MEETING = "INSTANT_MEETING"
    OOO_CREATED = "OOO_CREATED"
    FORM_SUBMITTED = "FORM_SUBMITTED"
    FORM_SUBMITTED_NO_EVENT = "FORM_SUBMITTED_NO_EVENT"
    ROUTING_FORM_FALLBACK_HIT = "ROUTING_FORM_FALLBACK_HIT"
    AFTER_HOSTS_CAL_VIDEO_NO_SHOW = "AFTER_HOSTS_CAL_VIDEO_NO_SHOW"
    AFTER_GUESTS_CAL_VIDEO_NO_SHOW = "AFTER_GUESTS_CAL_VIDEO_NO_SHOW"
    DELEGATION_CREDENTIAL_ERROR = "DELEGATION_CREDENTIAL_ERROR"
    WRONG_ASSIGNMENT_REPORT = "WRONG_ASSIGNMENT_REPORT"
    PING = "PING"
    """Sent by the "Ping test" button in Cal.com's webhook settings."""


# --- Verification -----------------------------------------------------------


def verify(
    body: bytes,
    signature: str | None,
    secret: str,
    *,
    allow_unsigned: bool = False,
) -> None:
    """Check that ``body`` was signed by Cal.com with ``secret``.

    ``body`` must be the request body exactly as received: parsing and
    re-serialising JSON changes the bytes and the signature no longer matches.
    ``signature`` is the ``X-Cal-Signature-256`` header value (see
    :func:`signature_header`); an optional ``sha256=`` prefix, surrounding
    whitespace and upper-case hex are tolerated.

    Cal.com signs only webhooks that have a secret; for the others it sends no
    header or a placeholder, which counts as missing. Such deliveries raise
    :class:`MissingSignatureError` unless ``allow_unsigned=True``, which
    accepts them without any check. Anyone who can reach the endpoint can then
    forge a delivery, so use it only for webhooks that have no secret. A
    signature that is present is still checked when ``secret`` is set; with an
    empty secret and ``allow_unsigned=True`` nothing is checked.

    Raises:
        TypeError: ``body`` is not bytes.
        ValueError: ``secret`` is empty and ``allow_unsigned`` is false.
        MissingSignatureError, MalformedSignatureError, InvalidSignatureError:
            the delivery fails verification (all are
            :class:`WebhookVerificationError`).
    """
    raw_body = _require_bytes(body)
    if not secret and not allow_unsigned:
        raise ValueError("webhook secret is empty; pass the secret set on the Cal.com webhook")

    given = (signature or "").strip()
    if not given or given == _NO_SECRET_PLACEHOLDER:
        if allow_unsigned:
            return
        raise MissingSignatureError(
            f"the delivery is not signed (no signature in {SIGNATURE_HEADER}); give the "
            "Cal.com webhook a secret, or pass allow_unsigned=True to accept unsigned deliveries"
        )
    if not secret:
        return  # allow_unsigned with no secret to check against

    if given[:7].lower() == "sha256=":
        given = given[7:].strip()
    given = given.lower()
    if not _HEX_DIGEST.fullmatch(given):
        # Error messages end up in logs, so they never quote the secret, the
        # expected digest or the header value (which the sender chooses).
        raise MalformedSignatureError(
            f"{SIGNATURE_HEADER} is not a SHA-256 hex digest "
            f"(expected 64 hex characters, got {len(given)} characters)"
        )
    expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise InvalidSignatureError(
            f"{SIGNATURE_HEADER} does not match the body: the secret differs or the "
            "body was changed (it must be the raw bytes as received)"
        )


def signature_header(headers: Mapping[str, object]) -> str | None:
    """Return the ``X-Cal-Signature-256`` value from ``headers``, or ``None``.

    The name is matched case-insensitively, so a plain ``dict`` works as well
    as a framework's header object; a WSGI ``environ`` works too.
    """
    # Case-insensitive header objects answer this directly.
    value = headers.get(SIGNATURE_HEADER)
    if value is None:
        for name, candidate in headers.items():
            if isinstance(name, str) and name.upper().replace("-", "_") in _HEADER_KEYS:
                value = candidate
                break
    return value if isinstance(value, str) else None


def _require_bytes(body: object) -> bytes:
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        raise TypeError(
            "body must be the raw request body as bytes, exactly as received; got str. "
            "Decoding, re-encoding or re-serialising the JSON changes the bytes that "
            "were signed"
        )
    raise TypeError(f"body must be bytes, got {type(body).__name__}")


# --- Parsed objects -----------------------------------------------------------

_M = TypeVar("_M", bound="WebhookObject")
_A = TypeVar("_A", "BookingResponse", "FormResponse")


class _Reader:
    """Typed, never-failing reads from a JSON object, remembering the keys used."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._used: set[str] = set()

    def value(self, *names: str) -> Any:
        """The first non-null value among ``names`` (later names are fallbacks)."""
        self._used.update(names)
        for name in names:
            found = self._data.get(name)
            if found is not None:
                return found
        return None

    def text(self, *names: str) -> str | None:
        found = self.value(*names)
        return found if isinstance(found, str) else None

    def integer(self, *names: str) -> int | None:
        found = self.value(*names)
        return found if isinstance(found, int) and not isinstance(found, bool) else None

    def number(self, *names: str) -> int | float | None:
        found = self.value(*names)
        return found if isinstance(found, int | float) and not isinstance(found, bool) else None

    def texts(self, *names: str) -> list[str]:
        found = self.value(*names)
        return [item for item in found if isinstance(item, str)] if isinstance(found, list) else []

    def flag(self, *names: str) -> bool | None:
        found = self.value(*names)
        return found if isinstance(found, bool) else None

    def mapping(self, *names: str) -> dict[str, Any]:
        found = self.value(*names)
        return dict(found) if isinstance(found, Mapping) else {}

    def mappings(self, *names: str) -> list[dict[str, Any]]:
        found = self.value(*names)
        if not isinstance(found, list):
            return []
        return [dict(item) for item in found if isinstance(item, Mapping)]

    def timestamp(self, *names: str) -> datetime | str | None:
        return _timestamp(self.value(*names))

    def model(self, cls: type[_M], *names: str) -> _M | None:
        found = self.value(*names)
        return cls.from_dict(found) if isinstance(found, Mapping) else None

    def models(self, cls: type[_M], *names: str) -> list[_M]:
        return [cls.from_dict(item) for item in self.mappings(*names)]

    def answers(self, *names: str) -> dict[str, BookingResponse]:
        """Booking form answers: field name -> ``{label, value, isHidden}``."""
        return self._answers(BookingResponse, names)

    def form_answers(self, *names: str) -> dict[str, FormResponse]:
        """Routing form answers: field id -> ``{label, value}``."""
        return self._answers(FormResponse, names)

    def _answers(self, cls: type[_A], names: tuple[str, ...]) -> dict[str, _A]:
        return {
            str(key): cls.from_dict(item)
            if isinstance(item, Mapping)
            else cls(value=item)  # a bare value (not Cal.com's shape): kept as is
            for key, item in self.mapping(*names).items()
        }

    def rest(self) -> dict[str, Any]:
        return {key: value for key, value in self._data.items() if key not in self._used}


def _timestamp(value: object) -> datetime | str | None:
    """ISO 8601 string to datetime; an unparseable string is kept as it is."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return value


@attrs.frozen(kw_only=True)
class WebhookObject:
    """A JSON object from a delivery, with typed attributes for known fields.

    ``raw`` is the object as received; ``extra`` holds its fields that have no
    attribute. ``obj["field"]`` and ``obj.get("field")`` read ``raw``.
    """

    raw: dict[str, Any] = attrs.field(factory=dict, repr=False)
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from a JSON object; never raises on missing or odd fields."""
        reader = _Reader(data)
        fields = cls._read(reader)
        return cls(**fields, raw=dict(data), extra=reader.rest())

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]


@attrs.frozen(kw_only=True)
class Person(WebhookObject):
    """An organizer, attendee or user."""

    id: int | None = None
    name: str | None = None
    email: str | None = None
    username: str | None = None
    time_zone: str | None = None
    locale: str | None = None
    phone_number: str | None = None
    no_show: bool | None = None
    first_name: str | None = None
    last_name: str | None = None
    """``firstName``/``lastName``: the booker's name split as the booking form asked for it."""
    time_format: str | None = None
    """The person's clock format as a date-fns pattern: ``"h:mma"`` (12 h) or ``"HH:mm"`` (24 h)."""
    utc_offset: int | float | None = None
    """Minutes east of UTC in ``time_zone`` at the booking's start (-300: New York in winter)."""
    organization_id: int | None = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        # Bookings send language as {"locale": "en"}; meeting payloads send locale.
        language = r.value("language")
        if isinstance(language, Mapping):
            language = language.get("locale")
        return {
            "first_name": r.text("firstName"),
            "last_name": r.text("lastName"),
            "time_format": r.text("timeFormat"),
            "utc_offset": r.number("utcOffset"),
            "organization_id": r.integer("organizationId"),
            "id": r.integer("id"),
            "name": r.text("name"),
            "email": r.text("email"),
            "username": r.text("username"),
            "time_zone": r.text("timeZone"),
            "locale": language if isinstance(language, str) else r.text("locale"),
            "phone_number": r.text("phoneNumber"),
            "no_show": r.flag("noShow"),
        }


@attrs.frozen(kw_only=True)
class BookingResponse(WebhookObject):
    """One answer of the booking form: ``{"label": ..., "value": ..., "isHidden": ...}``.

    ``value`` is whatever the field holds: a string, a list (checkboxes, guests),
    or an object (a location: ``{"value": ..., "optionValue": ...}``).
    ``answer["value"]`` reads the JSON as before.
    """

    label: str | None = None
    value: Any = None
    is_hidden: bool | None = None
    """The field is hidden on the booking page (its value came from a prefill or a default)."""

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {
            "label": r.text("label"),
            "value": r.value("value"),
            "is_hidden": r.flag("isHidden"),
        }


@attrs.frozen(kw_only=True)
class FormResponse(WebhookObject):
    """One answer of a routing form: ``{"label": ..., "value": ...}``.

    ``value`` is what the field holds: a string or a number, or a list of the
    chosen options for a multiple-choice field. ``answer["value"]`` reads the
    JSON as before.
    """

    label: str | None = None
    value: Any = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {"label": r.text("label"), "value": r.value("value")}


@attrs.frozen(kw_only=True)
class AppStatus(WebhookObject):
    """How one app (calendar, video) fared with the booking: ``appsStatus`` entries."""

    app_name: str | None = None
    type: str | None = None
    """The app's type, e.g. ``google_calendar`` or ``daily_video``."""
    success: int | None = None
    """How many of the app's credentials handled the booking."""
    failures: int | None = None
    errors: list[str] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {
            "app_name": r.text("appName"),
            "type": r.text("type"),
            "success": r.integer("success"),
            "failures": r.integer("failures"),
            "errors": r.texts("errors"),
            "warnings": r.texts("warnings"),
        }


@attrs.frozen(kw_only=True)
class Payload(WebhookObject):
    """Base class of every ``WebhookEvent.payload``."""


@attrs.frozen(kw_only=True)
class GenericPayload(Payload):
    """Payload of a trigger whose shape is not known; read it through ``raw``."""


@attrs.frozen(kw_only=True)
class BookingPayload(Payload):
    """A booking: the ``BOOKING_*`` triggers (but no-show updates), meetings, ``PING``.

    Trigger-specific fields are ``None`` when the trigger does not send them.
    """

    uid: str | None = None
    booking_id: int | None = None
    type: str | None = None
    """Event type slug."""
    title: str | None = None
    description: str | None = None
    additional_notes: str | None = None
    start_time: datetime | str | None = None
    end_time: datetime | str | None = None
    status: str | None = None
    event_type_id: int | None = None
    location: str | None = None
    organizer: Person | None = None
    attendees: list[Person] = attrs.field(factory=list)
    responses: dict[str, BookingResponse] = attrs.field(factory=dict)
    """Booking form answers by field name (``responses["name"].value``)."""
    user_fields_responses: dict[str, BookingResponse] = attrs.field(factory=dict)
    """``userFieldsResponses``: the answers to the event type's own (non-system) fields."""
    metadata: dict[str, Any] = attrs.field(factory=dict)
    video_call_data: dict[str, Any] = attrs.field(factory=dict)
    cancellation_reason: str | None = None
    cancelled_by: str | None = None
    rejection_reason: str | None = None
    reschedule_uid: str | None = None
    reschedule_start_time: datetime | str | None = None
    reschedule_end_time: datetime | str | None = None
    rescheduled_by: str | None = None
    payment_id: int | None = None
    payment_data: dict[str, Any] = attrs.field(factory=dict)
    booker_url: str | None = None
    """Base URL of the booking page's site (``https://cal.com``, an org's domain)."""
    event_title: str | None = None
    """The event type's title (``title`` is the booking's)."""
    event_description: str | None = None
    length: int | None = None
    """Duration in minutes."""
    price: int | float | None = None
    """In the currency's smallest unit (cents); 0 for free event types."""
    currency: str | None = None
    ical_uid: str | None = None
    """``iCalUID``: the UID of the calendar event (the .ics ``UID``)."""
    ical_sequence: int | None = None
    destination_calendars: list[dict[str, Any]] = attrs.field(factory=list)
    """``destinationCalendar``: the calendars the event was written to (``integration``,
    ``externalId``, ``credentialId``, …). Older Cal.com sends one object; it becomes a
    one-element list."""
    apps_status: list[AppStatus] = attrs.field(factory=list)
    custom_inputs: dict[str, Any] = attrs.field(factory=dict)
    """``customInputs``: the legacy custom input answers (superseded by ``responses``)."""
    reschedule_id: int | None = None
    """``rescheduleId``: id of the booking this one replaces (``BOOKING_RESCHEDULED``)."""
    requires_confirmation: bool | None = None
    hide_organizer_email: bool | None = None
    disable_cancelling: bool | None = None
    disable_rescheduling: bool | None = None
    event_type: dict[str, Any] = attrs.field(factory=dict)
    """``eventType`` of ``MEETING_*`` payloads (the booking row with its event type)."""

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {
            "uid": r.text("uid"),
            # MEETING_* send the booking row itself: "id" and "user".
            "booking_id": r.integer("bookingId", "id"),
            "type": r.text("type"),
            "title": r.text("title"),
            "description": r.text("description"),
            "additional_notes": r.text("additionalNotes"),
            "start_time": r.timestamp("startTime"),
            "end_time": r.timestamp("endTime"),
            "status": r.text("status"),
            "event_type_id": r.integer("eventTypeId"),
            "location": r.text("location"),
            "organizer": r.model(Person, "organizer", "user"),
            "attendees": r.models(Person, "attendees"),
            "responses": r.answers("responses"),
            "user_fields_responses": r.answers("userFieldsResponses"),
            "metadata": r.mapping("metadata"),
            "video_call_data": r.mapping("videoCallData"),
            "cancellation_reason": r.text("cancellationReason"),
            "cancelled_by": r.text("cancelledBy"),
            "rejection_reason": r.text("rejectionReason"),
            "reschedule_uid": r.text("rescheduleUid"),
            "reschedule_start_time": r.timestamp("rescheduleStartTime"),
            "reschedule_end_time": r.timestamp("rescheduleEndTime"),
            "rescheduled_by": r.text("rescheduledBy"),
            "payment_id": r.integer("paymentId"),
            "payment_data": r.mapping("paymentData"),
            "booker_url": r.text("bookerUrl"),
            "event_title": r.text("eventTitle"),
            "event_description": r.text("eventDescription"),
            "length": r.integer("length"),
            "price": r.number("price"),
            "currency": r.text("currency"),
            "ical_uid": r.text("iCalUID"),
            "ical_sequence": r.integer("iCalSequence"),
            "destination_calendars": _destination_calendars(r.value("destinationCalendar")),
            "apps_status": r.models(AppStatus, "appsStatus"),
            "custom_inputs": r.mapping("customInputs"),
            "reschedule_id": r.integer("rescheduleId"),
            "requires_confirmation": r.flag("requiresConfirmation"),
            "hide_organizer_email": r.flag("hideOrganizerEmail"),
            "disable_cancelling": r.flag("disableCancelling"),
            "disable_rescheduling": r.flag("disableRescheduling"),
            "event_type": r.mapping("eventType"),
        }


def _destination_calendars(value: object) -> list[dict[str, Any]]:
    if isinstance(value, Mapping):
        return [dict(value)]
    if isinstance(value, list):
        return [dict(item) for item in value if isinstance(item, Mapping)]
    return []


@attrs.frozen(kw_only=True)
class TranscriptLink(WebhookObject):
    """One transcript file of a Cal Video recording."""

    format: str | None = None
    link: str | None = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {"format": r.text("format"), "link": r.text("link")}


@attrs.frozen(kw_only=True)
class RecordingPayload(BookingPayload):
    """``RECORDING_READY`` and ``RECORDING_TRANSCRIPTION_GENERATED``: a booking plus links."""

    download_link: str | None = None
    """Recording download link (``RECORDING_READY``)."""
    recording_link: str | None = None
    """``downloadLinks.recording`` (``RECORDING_TRANSCRIPTION_GENERATED``)."""
    transcripts: list[TranscriptLink] = attrs.field(factory=list)
    """``downloadLinks.transcription`` (``RECORDING_TRANSCRIPTION_GENERATED``)."""

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        links = _Reader(r.mapping("downloadLinks"))
        return {
            **super()._read(r),
            "download_link": r.text("downloadLink"),
            "recording_link": links.text("recording"),
            "transcripts": links.models(TranscriptLink, "transcription"),
        }


@attrs.frozen(kw_only=True)
class NoShowPayload(Payload):
    """``BOOKING_NO_SHOW_UPDATED``: attendees marked (or unmarked) as no-shows."""

    message: str | None = None
    booking_uid: str | None = None
    booking_id: int | None = None
    attendees: list[Person] = attrs.field(factory=list)
    """Each with ``email`` and ``no_show``."""

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {
            "message": r.text("message"),
            "booking_uid": r.text("bookingUid"),
            "booking_id": r.integer("bookingId"),
            "attendees": r.models(Person, "attendees"),
        }


@attrs.frozen(kw_only=True)
class CalVideoNoShowPayload(Payload):
    """``AFTER_HOSTS_CAL_VIDEO_NO_SHOW`` / ``AFTER_GUESTS_CAL_VIDEO_NO_SHOW``."""

    booking_id: int | None = None
    webhook: dict[str, Any] = attrs.field(factory=dict)
    """The webhook that fired: ``id``, ``subscriberUrl``, ``time``, ``timeUnit``."""

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {"booking_id": r.integer("bookingId"), "webhook": r.mapping("webhook")}


@attrs.frozen(kw_only=True)
class InstantMeetingPayload(Payload):
    """``INSTANT_MEETING``: a notification that someone is waiting in an instant meeting."""

    title: str | None = None
    body: str | None = None
    url: str | None = None
    icon: str | None = None
    type: str | None = None
    require_interaction: bool | None = None
    actions: list[dict[str, Any]] = attrs.field(factory=list)

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {
            "title": r.text("title"),
            "body": r.text("body"),
            "url": r.text("url"),
            "icon": r.text("icon"),
            "type": r.text("type"),
            "require_interaction": r.flag("requireInteraction"),
            "actions": r.mappings("actions"),
        }


@attrs.frozen(kw_only=True)
class OutOfOfficeEntry(WebhookObject):
    """An out-of-office period; ``to_user`` is who bookings are redirected to, if anyone."""

    id: int | None = None
    uuid: str | None = None
    start: datetime | str | None = None
    end: datetime | str | None = None
    notes: str | None = None
    reason: str | None = None
    emoji: str | None = None
    reason_id: int | None = None
    user: Person | None = None
    to_user: Person | None = None
    created_at: datetime | str | None = None
    updated_at: datetime | str | None = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        reason = _Reader(r.mapping("reason"))
        return {
            "id": r.integer("id"),
            "uuid": r.text("uuid"),
            "start": r.timestamp("start"),
            "end": r.timestamp("end"),
            "notes": r.text("notes"),
            "reason": reason.text("reason"),
            "emoji": reason.text("emoji"),
            "reason_id": r.integer("reasonId"),
            "user": r.model(Person, "user"),
            "to_user": r.model(Person, "toUser"),
            "created_at": r.timestamp("createdAt"),
            "updated_at": r.timestamp("updatedAt"),
        }


@attrs.frozen(kw_only=True)
class OutOfOfficePayload(Payload):
    """``OOO_CREATED``."""

    ooo_entry: OutOfOfficeEntry | None = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {"ooo_entry": r.model(OutOfOfficeEntry, "oooEntry")}


@attrs.frozen(kw_only=True)
class FormPayload(Payload):
    """A routing form submission: ``FORM_SUBMITTED*`` and ``ROUTING_FORM_FALLBACK_HIT``.

    ``FORM_SUBMITTED`` and ``FORM_SUBMITTED_NO_EVENT`` also repeat each answer at
    the top level of the payload under its field key; those copies land in ``extra``.
    """

    form_id: str | None = None
    form_name: str | None = None
    team_id: int | None = None
    responses: dict[str, FormResponse] = attrs.field(factory=dict)
    """Answers by field id (``payload.responses["<field id>"].value``)."""
    response_id: int | None = None
    """``ROUTING_FORM_FALLBACK_HIT`` only."""
    fallback_action: dict[str, Any] = attrs.field(factory=dict)
    """``ROUTING_FORM_FALLBACK_HIT`` only: ``{"type": ..., "value": ...}``."""

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        return {
            "form_id": r.text("formId"),
            "form_name": r.text("formName"),
            "team_id": r.integer("teamId"),
            "responses": r.form_answers("responses"),
            "response_id": r.integer("responseId"),
            "fallback_action": r.mapping("fallbackAction"),
        }


@attrs.frozen(kw_only=True)
class DelegationCredentialErrorPayload(Payload):
    """``DELEGATION_CREDENTIAL_ERROR``: a delegated calendar credential failed."""

    error_type: str | None = None
    error_message: str | None = None
    credential: dict[str, Any] = attrs.field(factory=dict)
    """``id``, ``type``, ``appId``, ``delegationCredentialId``."""
    user: Person | None = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        error = r.value("error")
        if isinstance(error, str):
            error = {"message": error}
        details = _Reader(error if isinstance(error, Mapping) else {})
        return {
            "error_type": details.text("type"),
            "error_message": details.text("message"),
            "credential": r.mapping("credential"),
            "user": r.model(Person, "user"),
        }


@attrs.frozen(kw_only=True)
class WrongAssignmentReportPayload(Payload):
    """``WRONG_ASSIGNMENT_REPORT``: a host reported a routed booking as misassigned."""

    booking: BookingPayload | None = None
    reported_by: Person | None = None
    host: Person | None = None
    guest: str | None = None
    """Guest email."""
    correct_assignee: str | None = None
    routing_reason: str | None = None
    additional_notes: str | None = None

    @classmethod
    def _read(cls, r: _Reader) -> dict[str, Any]:
        report = _Reader(r.mapping("report"))
        return {
            "booking": r.model(BookingPayload, "booking"),
            "reported_by": report.model(Person, "reportedBy"),
            "host": report.model(Person, "host"),
            "guest": report.text("guest"),
            "correct_assignee": report.text("correctAssignee"),
            "routing_reason": report.text("routingReason"),
            "additional_notes": report.text("additionalNotes"),
        }


_PAYLOAD_TYPES: dict[str, type[Payload]] = {
    WebhookTrigger.BOOKING_CREATED: BookingPayload,
    WebhookTrigger.BOOKING_RESCHEDULED: BookingPayload,
    WebhookTrigger.BOOKING_CANCELLED: BookingPayload,
    WebhookTrigger.BOOKING_REQUESTED: BookingPayload,
    WebhookTrigger.BOOKING_REJECTED: BookingPayload,
    WebhookTrigger.BOOKING_PAID: BookingPayload,
    WebhookTrigger.BOOKING_PAYMENT_INITIATED: BookingPayload,
    WebhookTrigger.MEETING_STARTED: BookingPayload,
    WebhookTrigger.MEETING_ENDED: BookingPayload,
    WebhookTrigger.PING: BookingPayload,
    WebhookTrigger.BOOKING_NO_SHOW_UPDATED: NoShowPayload,
    WebhookTrigger.RECORDING_READY: RecordingPayload,
    WebhookTrigger.RECORDING_TRANSCRIPTION_GENERATED: RecordingPayload,
    WebhookTrigger.INSTANT_MEETING: InstantMeetingPayload,
    WebhookTrigger.OOO_CREATED: OutOfOfficePayload,
    WebhookTrigger.FORM_SUBMITTED: FormPayload,
    WebhookTrigger.FORM_SUBMITTED_NO_EVENT: FormPayload,
    WebhookTrigger.ROUTING_FORM_FALLBACK_HIT: FormPayload,
    WebhookTrigger.AFTER_HOSTS_CAL_VIDEO_NO_SHOW: CalVideoNoShowPayload,
    WebhookTrigger.AFTER_GUESTS_CAL_VIDEO_NO_SHOW: CalVideoNoShowPayload,
    WebhookTrigger.DELEGATION_CREDENTIAL_ERROR: DelegationCredentialErrorPayload,
    WebhookTrigger.WRONG_ASSIGNMENT_REPORT: WrongAssignmentReportPayload,
}


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """One delivery.

    ``trigger_event`` is a :class:`WebhookTrigger` for known triggers (it
    compares equal to the plain string either way) and ``""`` if absent.
    ``created_at`` is ``None`` if absent or not ISO 8601; ``raw`` is the
    whole body.
    """

    trigger_event: str
    created_at: datetime | None
    payload: Payload
    raw: dict[str, Any] = attrs.field(repr=False)


# --- Parsing ------------------------------------------------------------------


def parse(body: bytes | str | Mapping[str, Any]) -> WebhookEvent:
    """Read a delivery into a :class:`WebhookEvent` without checking its signature.

    Accepts the raw body (bytes or str) or already-decoded JSON. Unknown
    triggers, missing, null or unexpected fields never raise.

    Raises:
        WebhookParseError: the body is not JSON, or not a JSON object.
    """
    if isinstance(body, Mapping):
        data: object = body
    elif isinstance(body, str | bytes | bytearray):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:  # ValueError covers bad UTF-8
            raise WebhookParseError(f"webhook body is not valid JSON: {exc}") from None
    else:
        raise TypeError(f"body must be bytes, str or a mapping, got {type(body).__name__}")
    if not isinstance(data, Mapping):
        raise WebhookParseError(f"webhook body must be a JSON object, got {type(data).__name__}")

    reader = _Reader(data)
    trigger = reader.text("triggerEvent") or ""
    created_at = reader.timestamp("createdAt")
    payload_type = _PAYLOAD_TYPES.get(trigger, GenericPayload)
    payload_data = reader.value("payload")
    return WebhookEvent(
        trigger_event=WebhookTrigger(trigger) if trigger in _PAYLOAD_TYPES else trigger,
        created_at=created_at if isinstance(created_at, datetime) else None,
        payload=payload_type.from_dict(payload_data if isinstance(payload_data, Mapping) else {}),
        raw=dict(data),
    )


def construct_event(
    body: bytes,
    signature: str | None,
    secret: str,
    *,
    allow_unsigned: bool = False,
) -> WebhookEvent:
    """:func:`verify` the delivery, then :func:`parse` it.

    Raises what :func:`verify` and :func:`parse` raise.
    """
    verify(body, signature, secret, allow_unsigned=allow_unsigned)
    return parse(_require_bytes(body))
