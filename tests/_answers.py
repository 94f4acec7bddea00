"""Answers Cal.com gives, as test data every suite shares: the runtime tests'
MockAPI (tests/runtime/_calmock.py), the fault server (tests/fault/_faultserver.py)
and the fake's tests. Shapes follow cal-api-version 2024-08-13."""

from __future__ import annotations

from typing import Any

ME: dict[str, Any] = {
    "status": "success",
    "data": {
        "id": 7,
        "username": "ada",
        "email": "ada@example.com",
        "name": "Ada",
        "avatarUrl": None,
        "bio": None,
        "timeFormat": 24,
        "defaultScheduleId": 3,
        "weekStart": "Monday",
        "timeZone": "Europe/London",
        "organizationId": None,
    },
}


def booking(n: int, **changes: Any) -> dict[str, Any]:
    """A booking as Cal.com answers it under cal-api-version 2024-08-13."""
    return {
        "id": 1000 + n,
        "uid": f"uid{n:04d}",
        "title": f"Meeting {n}",
        "description": "",
        "hosts": [
            {
                "id": 1,
                "name": "Ada",
                "email": "ada@example.com",
                "displayEmail": "ada@example.com",
                "username": "ada",
                "timeZone": "Europe/London",
            }
        ],
        "status": "accepted",
        "start": "2026-09-01T10:00:00.000Z",
        "end": "2026-09-01T10:30:00.000Z",
        "duration": 30,
        "eventTypeId": 11,
        "eventType": {"id": 11, "slug": "30min"},
        "location": "https://app.cal.com/video/x",
        "absentHost": False,
        "createdAt": "2026-08-19T21:15:00.077Z",
        "updatedAt": "2026-08-19T21:15:44.185Z",
        "attendees": [
            {
                "name": "Bob",
                "email": "bob@example.com",
                "displayEmail": "bob@example.com",
                "timeZone": "UTC",
                "absent": False,
            }
        ],
        "bookingFieldsResponses": {"name": "Bob", "email": "bob@example.com"},
        **changes,
    }


def bookings_page(items: list[dict[str, Any]], *, has_next: bool | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "success", "data": items}
    if has_next is not None:
        body["pagination"] = {
            "totalItems": 0,
            "remainingItems": 0,
            "returnedItems": len(items),
            "itemsPerPage": len(items),
            "currentPage": 1,
            "totalPages": 1,
            "hasNextPage": has_next,
            "hasPreviousPage": False,
        }
    return body
