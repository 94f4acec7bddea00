"""The surface report (scripts/surface_report.py) of the generated package is clean.

One test runs the report over the real generated tree ($CALCOM_GENERATED_DIR,
else <repo>/generated, via the `generated_dir` fixture) and wants every count at
0 and one endpoint module per operation. The others run it over a tiny
hand-made tree, so a report that silently finds nothing cannot pass for clean.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import surface_report  # noqa: E402

METHODS = ("get", "put", "post", "delete", "patch")


def test_generated_surface_is_clean(generated_dir: Path, overlaid_spec: dict[str, Any]) -> None:
    # Every operation of the overlaid spec, and none may be dropped by the generator.
    operations = sum(
        method in item for item in overlaid_spec["paths"].values() for method in METHODS
    )
    result = surface_report.report(generated_dir)
    counts = result["counts"]
    assert counts["operations"] == operations > 0
    assert counts["endpoint_modules"] == operations, "an operation has no endpoint module"
    dirty = {check: counts[check] for check in surface_report.CHECKS if counts[check]}
    assert not dirty, surface_report.render(result, limit=10)


# A hand-made generated tree with one of each problem -----------------------

BAD_ENDPOINT = """
from typing import Any
from urllib.parse import quote


def _get_kwargs(
    booking_uid: str,
    user_id: float,
    *,
    authorization: str,
    x_cal_client_id: str,
    limit: float = 1.0,
) -> dict[str, Any]:
    return {
        "method": "post",
        "url": "/v2/bookings/{booking_uid}/reassign/{user_id}".format(
            booking_uid=quote(str(booking_uid), safe=""),
            user_id=quote(str(user_id), safe=""),
        ),
    }
"""

GOOD_ENDPOINT = """
from typing import Any


def _get_kwargs(schedule_id: int) -> dict[str, Any]:
    return {"method": "get", "url": f"/v2/schedules/{schedule_id}"}
"""

MODEL = """
from typing import Literal

GetBookingsOutput20240813Status = Literal["success", "error"]
GET_BOOKINGS_OUTPUT_20240813_STATUS_VALUES = {"success", "error"}


class GetBookingsOutput20240813:
    pass


class BookingOutput:
    pass
"""

RESOURCE = """
class Bookings:
    bookings_controller_2024_08_13_reassign = object()
    list = object()

    def attendees(self):
        return None
"""


def _operation(operation_id: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "responses": {}, **extra}


@pytest.fixture
def fake_tree(tmp_path: Path) -> Path:
    package = tmp_path / "calcom"
    api = package / "_generated" / "api"
    (api / "bookings").mkdir(parents=True)
    (api / "schedules").mkdir()
    (package / "_generated" / "models").mkdir()
    (package / "_resources").mkdir()
    (package / "__init__.py").write_text("")
    (api / "bookings" / "__init__.py").write_text("")
    (api / "bookings" / "bookings_controller_2024_08_13_reassign.py").write_text(BAD_ENDPOINT)
    (api / "schedules" / "get_schedule.py").write_text(GOOD_ENDPOINT)
    (package / "_generated" / "models" / "get_bookings_output_20240813.py").write_text(MODEL)
    (package / "_resources" / "bookings.py").write_text(RESOURCE)
    spec = {
        "openapi": "3.0.0",
        "paths": {
            "/v2/bookings/{bookingUid}/reassign/{userId}": {
                "post": _operation("BookingsController_2024_08_13_reassignBookingToUser")
            },
            "/v2/schedules/{scheduleId}": {
                "get": _operation("get_schedule", **{"x-cal-api-version": "2024-06-14"})
            },
            "/v2/event-types/{eventTypeId}/webhooks": {"get": _operation("list_webhooks")},
            "/v2/slots": {"get": _operation("list_slots", **{"x-cal-api-version": "2024-09-04"})},
        },
    }
    (tmp_path / "openapi.json").write_text(json.dumps(spec))
    return tmp_path


def test_report_finds_each_problem(fake_tree: Path) -> None:
    result = surface_report.report(fake_tree)
    counts, details = result["counts"], result["details"]

    # (a) one function, whatever the number of credentials it takes
    assert details["credential_params"] == [
        "_generated/api/bookings/bookings_controller_2024_08_13_reassign.py: "
        "_get_kwargs(authorization, x_cal_client_id)"
    ]
    # (b) only the path parameter: `limit` is a float too, but a query parameter
    assert details["float_path_params"] == [
        "_generated/api/bookings/bookings_controller_2024_08_13_reassign.py: user_id: float"
    ]
    # (c) bookings without a version, schedules with the wrong one; event-type
    # webhooks are not versioned and slots are right
    assert details["api_version_problems"] == [
        "POST /v2/bookings/{bookingUid}/reassign/{userId} (bookings): "
        "x-cal-api-version None, want '2024-08-13'",
        "GET /v2/schedules/{scheduleId} (schedules): x-cal-api-version '2024-06-14', "
        "want '2024-06-11'",
    ]
    # (d) operationId, module, namespace method, model module, class and alias;
    # neither the clean names nor the CONSTANT
    noisy = details["noisy_names"]
    assert any(n.startswith("operationId BookingsController_2024_08_13_") for n in noisy)
    assert "endpoint module bookings/bookings_controller_2024_08_13_reassign" in noisy
    assert any(n.startswith("namespace name bookings_controller_2024_08_13") for n in noisy)
    assert {n.split(" (")[0] for n in noisy if n.startswith("model name")} == {
        "model name get_bookings_output_20240813",
        "model name GetBookingsOutput20240813",
        "model name GetBookingsOutput20240813Status",
    }
    assert counts["noisy_names"] == 6
    # (e) four operations, two endpoint modules
    assert (counts["operations"], counts["endpoint_modules"]) == (4, 2)
    assert not surface_report.clean(result)


def test_cli_prints_counts(fake_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert surface_report.main([str(fake_tree)]) == 0
    assert surface_report.main([str(fake_tree), "--check"]) == 1
    out = capsys.readouterr().out
    assert "credential_params:        1" in out
    assert "endpoint modules:         2" in out


def test_missing_tree_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        surface_report.report(tmp_path)
    assert surface_report.main([str(tmp_path)]) == 2
