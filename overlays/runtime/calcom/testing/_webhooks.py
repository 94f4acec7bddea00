"""Webhook subscriptions (/v2/webhooks) and the deliveries booking events make.

Subscription shapes follow shared/live-server (list/get/update/delete_webhook)
and shared/real-responses (POST /v2/webhooks). A delivery is what Cal.com
POSTs: the JSON `{"triggerEvent", "createdAt", "payload"}` in the 2021-10-20
payload format, compact as JSON.stringify writes it, signed with
`X-Cal-Signature-256` = HMAC-SHA256 hex of the exact body under the
subscription's secret (`no-secret-provided` when it has none). A
`payloadTemplate` is filled in as Cal.com does: `{{name}}` / `{{a.b}}` take
the payload's values.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._registry import Call, handles
from ._store import Booking, Person, Store, Subscription
from ._wire import Answer, bad_request, iso_ms, not_found

if TYPE_CHECKING:
    from calcom.webhooks import WebhookEvent

__all__ = ["Delivery", "booking_payload", "envelope", "sign"]

NO_SECRET = "no-secret-provided"
_TEMPLATE_VAR = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


@dataclass
class Delivery:
    """One webhook delivery, as sent: whether or not the subscriber was reachable.

    `status` is the receiver's HTTP status (None when nothing received it: see
    `error`); `body` the exact bytes that were signed.
    """

    webhook_id: str
    url: str
    trigger: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    error: str | None = None
    _secret: str | None = field(default=None, repr=False)

    @property
    def reachable(self) -> bool:
        return self.status is not None

    @property
    def signature(self) -> str:
        return self.headers["X-Cal-Signature-256"]

    def json(self) -> Any:
        return json.loads(self.body)

    def event(self, secret: str | None = None) -> WebhookEvent:
        """The delivery verified and parsed by `calcom.webhooks.construct_event`
        (with the subscription's own secret unless another is given)."""
        from calcom import webhooks

        key = secret if secret is not None else self._secret
        if key is None:
            return webhooks.parse(self.body)
        return webhooks.construct_event(self.body, self.signature, key)


def sign(body: bytes, secret: str | None) -> str:
    if not secret:
        return NO_SECRET
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _utc_offset(tz_name: str, at: datetime) -> int:
    from ._wire import zone

    offset = at.astimezone(zone(tz_name)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _person(person: Person, at: datetime) -> dict[str, Any]:
    first, _, last = person.name.partition(" ")
    data: dict[str, Any] = {
        "email": person.email,
        "name": person.name,
        "firstName": first,
        "lastName": last,
        "timeZone": person.time_zone,
        "phoneNumber": person.phone_number,
        "language": {"locale": person.language},
        "utcOffset": _utc_offset(person.time_zone, at),
    }
    return data


def booking_payload(
    store: Store, booking: Booking, trigger: str, previous: Booking | None = None
) -> dict[str, Any]:
    event_type = store.event_types.get(booking.event_type_id) or {}
    user = store.user
    start_text = booking.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    responses: dict[str, Any] = {
        "name": {"label": "your_name", "value": booking.responses.get("name")},
        "email": {"label": "email_address", "value": booking.responses.get("email")},
    }
    if booking.guests:
        responses["guests"] = {"label": "additional_guests", "value": list(booking.guests)}
    payload: dict[str, Any] = {
        "type": event_type.get("slug"),
        "title": booking.title,
        "description": booking.description,
        "additionalNotes": "",
        "customInputs": {},
        "startTime": start_text,
        "endTime": booking.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "organizer": {
            "id": user["id"],
            "name": user["name"],
            "email": user["email"],
            "username": user["username"],
            "timeZone": user["timeZone"],
            "language": {"locale": "en"},
            "timeFormat": "h:mma" if user.get("timeFormat") == 12 else "HH:mm",
            "utcOffset": _utc_offset(user["timeZone"], booking.start),
        },
        "responses": responses,
        "userFieldsResponses": {},
        "attendees": [_person(p, booking.start) for p in booking.attendees],
        "location": booking.location,
        "destinationCalendar": None,
        "hideCalendarNotes": bool(event_type.get("hideCalendarNotes")),
        "requiresConfirmation": booking.status == "pending",
        "eventTypeId": booking.event_type_id,
        "seatsShowAttendees": False,
        "seatsPerTimeSlot": None,
        "uid": booking.uid,
        "bookingId": booking.id,
        "iCalUID": f"{booking.uid}@Cal.com",
        "iCalSequence": 0,
        "metadata": dict(booking.metadata),
        "status": booking.status.upper(),
        "length": int((booking.end - booking.start).total_seconds() // 60),
        "price": event_type.get("price", 0),
        "currency": event_type.get("currency", "usd"),
    }
    if trigger == "BOOKING_CANCELLED":
        payload["cancellationReason"] = booking.cancellation_reason
        payload["cancelledBy"] = user["email"]
    if trigger == "BOOKING_REJECTED":
        payload["rejectionReason"] = booking.rejection_reason
    if previous is not None:
        payload["rescheduleId"] = previous.id
        payload["rescheduleUid"] = previous.uid
        payload["rescheduleStartTime"] = previous.start.strftime("%Y-%m-%dT%H:%M:%SZ")
        payload["rescheduleEndTime"] = previous.end.strftime("%Y-%m-%dT%H:%M:%SZ")
        payload["rescheduledBy"] = previous.rescheduled_by_email
        payload["iCalSequence"] = 1
    return payload


def no_show_payload(booking: Booking, changed: list[Person]) -> dict[str, Any]:
    absent = [p.email for p in changed if p.absent]
    message = f"{', '.join(absent)} marked as no-show" if absent else "No-show status updated"
    return {
        "message": message,
        "bookingUid": booking.uid,
        "bookingId": booking.id,
        "attendees": [{"email": p.email, "noShow": p.absent} for p in changed],
    }


def envelope(trigger: str, created_at: datetime, payload: dict[str, Any]) -> dict[str, Any]:
    return {"triggerEvent": trigger, "createdAt": iso_ms(created_at), "payload": payload}


def render_body(subscription: Subscription, message: dict[str, Any]) -> bytes:
    template = subscription.payload_template
    if not template:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    variables = {"triggerEvent": message["triggerEvent"], "createdAt": message["createdAt"]}
    variables.update(message["payload"])

    def value(m: re.Match[str]) -> str:
        current: Any = variables
        for part in m.group(1).split("."):
            current = current.get(part) if isinstance(current, dict) else None
        if current is None:
            return ""
        return current if isinstance(current, str) else json.dumps(current)

    return _TEMPLATE_VAR.sub(value, template).encode()


def prepare(
    subscription: Subscription, trigger: str, created_at: datetime, payload: dict[str, Any]
) -> Delivery:
    body = render_body(subscription, envelope(trigger, created_at, payload))
    headers = {
        "Content-Type": "application/json",
        "X-Cal-Signature-256": sign(body, subscription.secret),
        "X-Cal-Webhook-Version": subscription.version,
    }
    return Delivery(
        webhook_id=subscription.id,
        url=subscription.subscriber_url,
        trigger=trigger,
        headers=headers,
        body=body,
        _secret=subscription.secret,
    )


# --- /v2/webhooks -------------------------------------------------------------------


def _short(s: Subscription, user_id: int) -> dict[str, Any]:
    return {
        "id": s.id,
        "payloadTemplate": s.payload_template,
        "triggers": list(s.triggers),
        "subscriberUrl": s.subscriber_url,
        "active": s.active,
        "secret": s.secret,
        "userId": user_id,
    }


def _long(s: Subscription, user_id: int) -> dict[str, Any]:
    return {
        "id": s.id,
        "userId": user_id,
        "teamId": None,
        "eventTypeId": None,
        "subscriberUrl": s.subscriber_url,
        "payloadTemplate": s.payload_template,
        "createdAt": iso_ms(s.created_at),
        "active": s.active,
        "appId": None,
        "secret": s.secret,
        "platform": False,
        "time": s.time,
        "timeUnit": s.time_unit,
        "version": s.version,
        "triggers": list(s.triggers),
        "oAuthClientId": None,
    }


def _ok(data: Any, status: int = 200) -> Answer:
    return Answer(status, {"status": "success", "data": data})


def _check(body: dict[str, Any], *, creating: bool) -> None:
    if creating:
        for key in ("subscriberUrl", "triggers", "active"):
            if key not in body:
                raise bad_request(f"{key} is required")
    if "subscriberUrl" in body and not isinstance(body["subscriberUrl"], str):
        raise bad_request("subscriberUrl must be a string")
    triggers = body.get("triggers")
    if "triggers" in body and (
        not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers)
    ):
        raise bad_request("triggers must be a list of trigger names")
    if "active" in body and not isinstance(body["active"], bool):
        raise bad_request("active must be a boolean value")


def _webhook_or_404(fake: Any, call: Call, event_type_id: int | None = None) -> Subscription:
    webhook_id = call.params["webhookId"]
    subscription = fake.store.webhooks.get(webhook_id)
    if subscription is None or subscription.event_type_id != event_type_id:
        raise not_found(f"Webhook ({webhook_id}) not found")
    result: Subscription = subscription
    return result


def _subscribe(fake: Any, body: dict[str, Any], event_type_id: int | None) -> Subscription:
    _check(body, creating=True)
    store: Store = fake.store
    subscription = Subscription(
        id=store.uuid(),
        subscriber_url=body["subscriberUrl"],
        triggers=list(body["triggers"]),
        active=body["active"],
        secret=body.get("secret"),
        payload_template=body.get("payloadTemplate"),
        version=body.get("version") or "2021-10-20",
        created_at=fake.clock.now(),
        event_type_id=event_type_id,
    )
    store.webhooks[subscription.id] = subscription
    return subscription


def _update(subscription: Subscription, body: dict[str, Any]) -> None:
    _check(body, creating=False)
    for key, attr in (
        ("subscriberUrl", "subscriber_url"),
        ("triggers", "triggers"),
        ("active", "active"),
        ("secret", "secret"),
        ("payloadTemplate", "payload_template"),
        ("version", "version"),
    ):
        if key in body:
            setattr(subscription, attr, copy.deepcopy(body[key]))


@handles("create_webhook")
def create_webhook(fake: Any, call: Call) -> Answer:
    store: Store = fake.store
    subscription = _subscribe(fake, call.body_dict(), None)
    data = _short(subscription, store.user["id"])
    data.pop("userId")
    data.update(time=None, timeUnit=None, version=subscription.version, userId=store.user["id"])
    return _ok(data, 201)


@handles("list_webhooks")
def list_webhooks(fake: Any, call: Call) -> Answer:
    take = int(call.query.get("take") or 250)
    skip = int(call.query.get("skip") or 0)
    own = [s for s in fake.store.webhooks.values() if s.event_type_id is None]
    return _ok([_short(s, fake.store.user["id"]) for s in own[skip : skip + take]])


@handles("get_webhook")
def get_webhook(fake: Any, call: Call) -> Answer:
    return _ok(_long(_webhook_or_404(fake, call), fake.store.user["id"]))


@handles("update_webhook")
def update_webhook(fake: Any, call: Call) -> Answer:
    subscription = _webhook_or_404(fake, call)
    _update(subscription, call.body_dict())
    return _ok(_short(subscription, fake.store.user["id"]))


@handles("delete_webhook")
def delete_webhook(fake: Any, call: Call) -> Answer:
    subscription = _webhook_or_404(fake, call)
    del fake.store.webhooks[subscription.id]
    return _ok(_short(subscription, fake.store.user["id"]))


# --- /v2/event-types/{eventTypeId}/webhooks (shapes: shared/live-server
# create/get/list_event_type_webhook(s), list_event_type_webhooks--not-found) --------


def _scoped(s: Subscription) -> dict[str, Any]:
    return {
        "id": s.id,
        "payloadTemplate": s.payload_template,
        "triggers": list(s.triggers),
        "subscriberUrl": s.subscriber_url,
        "active": s.active,
        "secret": s.secret,
        "eventTypeId": s.event_type_id,
    }


def _event_type_id(fake: Any, call: Call) -> int:
    event_type = fake.store.event_type(call.params["eventTypeId"])
    if event_type is None:
        raise not_found(
            f"IsUserEventTypeWebhookGuard - Event type ({call.params['eventTypeId']}) not found"
        )
    event_type_id: int = event_type["id"]
    return event_type_id


@handles("create_event_type_webhook")
def create_event_type_webhook(fake: Any, call: Call) -> Answer:
    subscription = _subscribe(fake, call.body_dict(), _event_type_id(fake, call))
    return _ok(_scoped(subscription), 201)


@handles("list_event_type_webhooks")
def list_event_type_webhooks(fake: Any, call: Call) -> Answer:
    event_type_id = _event_type_id(fake, call)
    take = int(call.query.get("take") or 250)
    skip = int(call.query.get("skip") or 0)
    scoped = [s for s in fake.store.webhooks.values() if s.event_type_id == event_type_id]
    return _ok([_scoped(s) for s in scoped[skip : skip + take]])


@handles("get_event_type_webhook")
def get_event_type_webhook(fake: Any, call: Call) -> Answer:
    return _ok(_scoped(_webhook_or_404(fake, call, _event_type_id(fake, call))))


@handles("update_event_type_webhook")
def update_event_type_webhook(fake: Any, call: Call) -> Answer:
    subscription = _webhook_or_404(fake, call, _event_type_id(fake, call))
    _update(subscription, call.body_dict())
    return _ok(_scoped(subscription))


@handles("delete_event_type_webhook")
def delete_event_type_webhook(fake: Any, call: Call) -> Answer:
    subscription = _webhook_or_404(fake, call, _event_type_id(fake, call))
    del fake.store.webhooks[subscription.id]
    return _ok(_scoped(subscription))


@handles("delete_all_event_type_webhooks")
def delete_all_event_type_webhooks(fake: Any, call: Call) -> Answer:
    event_type_id = _event_type_id(fake, call)
    doomed = [k for k, s in fake.store.webhooks.items() if s.event_type_id == event_type_id]
    for key in doomed:
        del fake.store.webhooks[key]
    return _ok(f"{len(doomed)} webhooks deleted")
