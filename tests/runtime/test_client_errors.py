"""Error answers map to typed exceptions, whatever shape Cal.com sends them in."""

from __future__ import annotations

from typing import Any

import calcom
import httpx
import pytest
from _calmock import MockAPI, body_for, fail
from calcom import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CalError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

DETAILED = {
    "status": "error",
    "timestamp": "2026-08-19T21:15:00.077Z",
    "path": "/v2/bookings",
    "error": {
        "code": "BadRequestException",
        "message": "attendee.email must be an email",
        "details": {
            "message": ["attendee.email must be an email"],
            "error": "Bad Request",
            "statusCode": 400,
        },
    },
}
UNDETAILED = {
    "status": "error",
    "timestamp": "2026-08-19T21:15:00.077Z",
    "path": "/v2/bookings/nope",
    "error": {"code": "NotFoundException", "message": "Booking with uid=nope was not found"},
}
BARE = {"statusCode": 500, "message": "Internal server error"}
HTML = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def test_detailed_error_shape(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings/uid1", fail(400, DETAILED, {"x-request-id": "req-1"}))
    with pytest.raises(BadRequestError) as caught:
        make_cal().bookings.get("uid1")
    error = caught.value
    assert error.status_code == 400
    assert error.code == "BadRequestException"
    assert error.message == "attendee.email must be an email"
    assert error.details == DETAILED["error"]["details"]  # type: ignore[index]
    assert error.body == DETAILED
    assert error.response.status_code == 400
    assert error.response.request.url.path == "/v2/bookings/uid1"
    assert error.request_id == "req-1"
    assert "400" in str(error) and "BadRequestException" in str(error)
    assert "attendee.email must be an email" in str(error)


def test_error_shape_without_details(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/bookings/nope", fail(404, UNDETAILED))
    with pytest.raises(NotFoundError) as caught:
        make_cal().bookings.get("nope")
    error = caught.value
    assert (error.status_code, error.code) == (404, "NotFoundException")
    assert error.message == "Booking with uid=nope was not found"
    assert error.details is None


def test_bare_nestjs_error_shape(api: MockAPI, make_cal: Any) -> None:
    api.on("POST", "/v2/bookings/uid1/confirm", fail(500, BARE))
    with pytest.raises(InternalServerError) as caught:
        make_cal().bookings.confirm("uid1")
    error = caught.value
    assert error.status_code == 500
    assert error.code is None
    assert error.message == "Internal server error"
    assert error.details is None


def test_nestjs_validation_messages_are_joined(api: MockAPI, make_cal: Any) -> None:
    body = {"statusCode": 400, "message": ["take must be an integer", "skip must be >= 0"]}
    api.on("GET", "/v2/schedules", fail(400, body))
    with pytest.raises(BadRequestError) as caught:
        make_cal().schedules.list()
    assert "take must be an integer" in caught.value.message
    assert "skip must be >= 0" in caught.value.message


def test_non_json_error_body(api: MockAPI, make_cal: Any) -> None:
    api.on("GET", "/v2/me", fail(502, HTML))
    with pytest.raises(InternalServerError) as caught:
        make_cal(max_retries=0).me.get()
    error = caught.value
    assert error.status_code == 502
    assert error.code is None
    assert error.body == HTML
    assert error.response.headers["content-type"] == "text/html"


def test_empty_error_body(api: MockAPI, make_cal: Any) -> None:
    api.on("DELETE", "/v2/webhooks/w1", lambda request: httpx.Response(403))
    with pytest.raises(PermissionDeniedError) as caught:
        make_cal().webhooks.delete("w1")
    assert caught.value.message == "Forbidden"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_status_classes(api: MockAPI, make_cal: Any, status: int, cls: type[Exception]) -> None:
    api.on("GET", "/v2/me", fail(status, {"statusCode": status, "message": "no"}))
    with pytest.raises(cls) as caught:
        make_cal(max_retries=0).me.get()
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, APIStatusError)
    assert isinstance(error, CalError)
    assert error.status_code == status
    assert error.response.status_code == status


async def test_async_errors(api: MockAPI, make_async_cal: Any) -> None:
    api.on("POST", "/v2/bookings/uid1/decline", fail(409, UNDETAILED))
    cal = make_async_cal()
    with pytest.raises(ConflictError) as caught:
        await cal.bookings.decline("uid1", body=body_for(cal.bookings.decline, {"reason": "busy"}))
    assert caught.value.code == "NotFoundException"


def test_every_error_derives_from_calerror() -> None:
    names = [
        name
        for name in calcom.__all__
        if name.endswith("Error") and isinstance(getattr(calcom, name), type)
    ]
    assert len(names) >= 13
    for name in names:
        assert issubclass(getattr(calcom, name), CalError), name
