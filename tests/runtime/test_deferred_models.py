"""A model imports the models it refers to when it first uses them (calcom._deferred):
parsing plain bookings never loads the recurring and seated booking models.

Each case runs in a fresh interpreter: what is imported is process-wide state."""

from __future__ import annotations

import json
import subprocess
import sys

from _calmock import booking, bookings_page

MODELS = "calcom._generated.models"
PRELUDE = f"""
import json, sys
from calcom.models import GetBookingsOutput
import {MODELS}.get_bookings_output as page_module
page = json.loads(sys.argv[1])
def loaded(name):
    return f"{MODELS}.{{name}}" in sys.modules
"""


def _run(code: str, page: dict[str, object]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PRELUDE + code, json.dumps(page)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_union_members_a_payload_never_takes_are_not_imported() -> None:
    out = _run(
        """
parsed = GetBookingsOutput.from_dict(page)
assert type(parsed.data[0]).__name__ == "BookingOutput", parsed.data
assert parsed.to_dict()["data"][0]["uid"] == "uid0001"
print(loaded("booking_output"), loaded("recurring_booking_output"),
      loaded("get_seated_booking_output"), loaded("get_recurring_seated_booking_output"))
""",
        bookings_page([booking(1), booking(2)]),
    )
    # to_dict dispatches with isinstance, so it brings the real classes in.
    assert out == "True True True True"


def test_from_dict_alone_imports_only_the_member_that_fits() -> None:
    out = _run(
        """
GetBookingsOutput.from_dict(page)
print(loaded("booking_output"), loaded("recurring_booking_output"),
      loaded("get_seated_booking_output"))
""",
        bookings_page([booking(1)]),
    )
    assert out == "True False False"


def test_a_member_is_imported_when_a_payload_needs_it_and_then_bound_for_real() -> None:
    recurring = booking(1, recurringBookingUid="rec0001")
    out = _run(
        """
parsed = GetBookingsOutput.from_dict(page)
from calcom.models import RecurringBookingOutput
print(type(parsed.data[0]).__name__, page_module.RecurringBookingOutput is RecurringBookingOutput)
""",
        bookings_page([recurring]),
    )
    assert out == "RecurringBookingOutput True"


def test_to_dict_before_any_from_dict_works() -> None:
    out = _run(
        """
from calcom.models import BookingOutput
plain = BookingOutput.from_dict(page["data"][0])
assert isinstance(plain, BookingOutput)
fresh = GetBookingsOutput(status="success", data=[plain], pagination=None)
print(fresh.to_dict()["data"][0]["uid"])
""",
        bookings_page([booking(3)]),
    )
    assert out == "uid0003"
