"""Webhook subscriptions on FakeCal and the deliveries booking events make."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from _service import NOW
from calcom import Cal, NotFoundError, webhooks
from calcom.models import CreateBookingAttendee
from calcom.testing import FakeCal

START = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)
URL = "https://hooks.example.com/cal"
SECRET = "whsec_fake_test"


def book(fake: FakeCal, cal: Cal) -> str:
    et = fake.seed.event_type()
    attendee = CreateBookingAttendee(name="Ada", email="ada@example.com", time_zone="UTC")
    return cal.bookings.create(start=START, event_type_id=et.id, attendee=attendee).data.uid


def test_subscription_crud(cal: Cal) -> None:
    created = cal.webhooks.create(
        subscriber_url=URL, triggers=["BOOKING_CREATED"], active=True, secret=SECRET
    ).data
    assert cal.webhooks.get(created.id).data.subscriber_url == URL
    updated = cal.webhooks.update(created.id, active=False, triggers=["BOOKING_CANCELLED"]).data
    assert (updated.active, list(updated.triggers)) == (False, ["BOOKING_CANCELLED"])
    assert [w.id for w in cal.webhooks.list().data] == [created.id]
    cal.webhooks.delete(created.id)
    with pytest.raises(NotFoundError) as error:
        cal.webhooks.get(created.id)
    assert error.value.message == f"Webhook ({created.id}) not found"


def test_delivery_is_signed_over_the_exact_body(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook(URL, secret=SECRET)
    received: list[httpx.Request] = []
    fake.route_webhooks(URL, received.append)
    uid = book(fake, cal)
    (delivery,) = fake.deliveries
    (request,) = received
    assert request.content == delivery.body
    expected = hmac.new(SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Cal-Signature-256"] == expected == delivery.signature
    event = webhooks.construct_event(request.content, expected, SECRET)
    assert event.trigger_event == webhooks.WebhookTrigger.BOOKING_CREATED
    assert isinstance(event.payload, webhooks.BookingPayload)
    assert (event.payload.uid, event.payload.status) == (uid, "ACCEPTED")
    assert event.payload.organizer is not None and event.payload.organizer.username == "alice"
    assert event.created_at == NOW
    body = json.loads(delivery.body)
    assert list(body) == ["triggerEvent", "createdAt", "payload"]


def test_unreachable_subscriber_is_still_recorded(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook("https://nobody.example/hook", secret=SECRET)
    book(fake, cal)
    (delivery,) = fake.deliveries
    assert (delivery.reachable, delivery.status) == (False, None)
    assert "nothing receives https://nobody.example/hook" in (delivery.error or "")
    assert delivery.event().trigger_event == "BOOKING_CREATED"  # verified with its secret


def test_without_secret_the_header_says_so(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook(URL)
    fake.route_webhooks(URL, lambda request: 204)
    book(fake, cal)
    (delivery,) = fake.deliveries
    assert delivery.signature == "no-secret-provided"
    assert delivery.status == 204
    with pytest.raises(webhooks.MissingSignatureError):
        webhooks.construct_event(delivery.body, delivery.signature, SECRET)


def test_only_matching_active_subscriptions_receive(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook("https://a.example/", triggers=["BOOKING_CANCELLED"])
    fake.seed.webhook("https://b.example/", triggers=["BOOKING_CREATED"], active=False)
    fake.seed.webhook("https://c.example/", triggers=["BOOKING_CREATED"])
    fake.route_webhooks("*", lambda request: None)
    uid = book(fake, cal)
    cal.bookings.cancel(uid)
    assert [(d.url, d.trigger) for d in fake.deliveries] == [
        ("https://c.example/", "BOOKING_CREATED"),
        ("https://a.example/", "BOOKING_CANCELLED"),
    ]


def test_failing_receiver_is_recorded_not_raised(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook(URL)

    def broken(request: httpx.Request) -> int:
        raise RuntimeError("receiver crashed")

    fake.route_webhooks(URL, broken)
    book(fake, cal)
    (delivery,) = fake.deliveries
    assert delivery.status is None and "receiver crashed" in (delivery.error or "")


def test_delivery_through_a_test_transport(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook(URL, secret=SECRET)
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(202)

    fake.route_webhooks(URL, transport=httpx.MockTransport(handler))
    book(fake, cal)
    assert fake.deliveries[0].status == 202 and seen == [fake.deliveries[0].body]


def test_payload_template(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook(
        URL, payload_template='{"what":"{{triggerEvent}}","who":"{{organizer.name}}"}'
    )
    uid = book(fake, cal)
    assert uid
    assert fake.deliveries[0].json() == {"what": "BOOKING_CREATED", "who": "Alice Example"}


def test_requested_and_rejected_triggers(fake: FakeCal, cal: Cal) -> None:
    fake.seed.webhook(URL, triggers=["BOOKING_REQUESTED", "BOOKING_REJECTED"])
    et = fake.seed.event_type(
        "Consult", confirmation_policy={"type": "always", "blockUnconfirmedBookingsInBooker": False}
    )
    attendee = CreateBookingAttendee(name="Ada", email="ada@example.com", time_zone="UTC")
    uid = cal.bookings.create(start=START, event_type_id=et.id, attendee=attendee).data.uid
    cal.bookings.decline(uid, reason="Busy")
    requested, rejected = (d.event() for d in fake.deliveries)
    assert requested.trigger_event == "BOOKING_REQUESTED"
    assert rejected.payload.rejection_reason == "Busy"  # type: ignore[union-attr]


def test_seeding_delivers_nothing(fake: FakeCal) -> None:
    fake.seed.webhook(URL)
    fake.seed.booking(START)
    assert fake.deliveries == [] and fake.requests == []


def test_event_type_webhooks_fire_only_for_their_event_type(fake: FakeCal, cal: Cal) -> None:
    intro = fake.seed.event_type("Intro call")
    other = fake.seed.event_type("Other call")
    hook = cal.event_types.webhooks.create(
        intro.id, subscriber_url=URL, triggers=["BOOKING_CREATED"], active=True, secret=SECRET
    ).data
    assert [w.id for w in cal.event_types.webhooks.list(intro.id).data] == [hook.id]
    assert cal.event_types.webhooks.list(other.id).data == []
    assert cal.webhooks.list().data == []  # the user's own webhooks are separate
    attendee = CreateBookingAttendee(name="Ada", email="ada@example.com", time_zone="UTC")
    cal.bookings.create(start=START + timedelta(hours=2), event_type_id=other.id, attendee=attendee)
    assert fake.deliveries == []
    uid = cal.bookings.create(start=START, event_type_id=intro.id, attendee=attendee).data.uid
    (delivery,) = fake.deliveries
    assert delivery.event().payload.uid == uid  # type: ignore[union-attr]
    cal.event_types.webhooks.delete_all(intro.id)
    with pytest.raises(NotFoundError):
        cal.event_types.webhooks.get(intro.id, hook.id)
