"""scripts/record.py against a stand-in for the live API (an httpx.MockTransport
passed to `record.main(transport=...)`; nothing goes over the network).

The recording it writes must be `live`, dated and sourced, scrubbed, and replay
through the contract harness with the checks test_contract.py makes (the
request the client sends, the result it parses, the error it raises) and the
well-formedness check of test_coverage.py.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import _harness
import httpx
import pytest
import record
import recordings
import test_contract
import test_coverage

REAL_KEY = "cal_live_5f4dcc3b5aa765d61d8327deb882cf99"
TODAY = "2026-09-30"
HOST = "dana.okafor@gmail.com"
ATTENDEE = "lee.brandt@acme-corp.io"
PERSONAL = [
    REAL_KEY,
    HOST,
    ATTENDEE,
    "Dana Okafor",
    "Lee Brandt",
    "dana-okafor-7qk2mz",
    "+4917612345678",
]

BOOKING = {
    "id": 31120457,
    "uid": "7Hq2vKx9LmNpRt3WcYz8Ab",
    "title": "30 min meeting between Dana Okafor and Lee Brandt",
    "description": "",
    "hosts": [
        {
            "id": 4182736,
            "name": "Dana Okafor",
            "email": HOST,
            "displayEmail": HOST,
            "username": "dana-okafor-7qk2mz",
            "timeZone": "Europe/Berlin",
        }
    ],
    "status": "accepted",
    "cancellationReason": None,
    "cancelledByEmail": "",
    "rescheduledByEmail": None,
    "start": "2026-09-14T09:00:00.000Z",
    "end": "2026-09-14T09:30:00.000Z",
    "duration": 30,
    "eventTypeId": 7140231,
    "eventType": {"id": 7140231, "slug": "30min"},
    "meetingUrl": "https://app.cal.com/video/7Hq2vKx9LmNpRt3WcYz8Ab",
    "location": "https://app.cal.com/video/7Hq2vKx9LmNpRt3WcYz8Ab",
    "absentHost": False,
    "createdAt": "2026-09-10T12:04:11.512Z",
    "updatedAt": "2026-09-11T08:40:03.907Z",
    "metadata": {},
    "rating": None,
    "icsUid": "7Hq2vKx9LmNpRt3WcYz8Ab@Cal.com",
    "attendees": [
        {
            "name": "Lee Brandt",
            "email": ATTENDEE,
            "displayEmail": ATTENDEE,
            "timeZone": "America/Chicago",
            "phoneNumber": "+4917612345678",
            "language": "en",
            "absent": False,
        }
    ],
    "bookingFieldsResponses": {
        "email": ATTENDEE,
        "name": "Lee Brandt",
        "displayEmail": ATTENDEE,
        "attendeePhoneNumber": "+4917612345678",
    },
}
PAGE = {
    "status": "success",
    "data": [BOOKING],
    "pagination": {"nextCursor": None, "hasMore": False},
}
NOT_FOUND = {
    "status": "error",
    "timestamp": "2026-09-30T10:00:00.000Z",
    "path": "/v2/bookings/Nf0Und4Ny8Wh3Re2Xy7Zq1",
    "error": {
        "code": "NotFoundException",
        "message": f"Booking with uid=Nf0Und4Ny8Wh3Re2Xy7Zq1 not found for {HOST}",
    },
}

GENERATED = Path(recordings._generated_dir(None))  # as tests/conftest.py finds it


class LiveStandIn:
    """Answers like api.cal.com, checks the real key arrived, counts requests."""

    def __init__(self, answers: dict[tuple[str, str], tuple[int, Any]]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.headers.get("authorization") == f"Bearer {REAL_KEY}"
        status, body = self.answers[(request.method, request.url.path)]
        return httpx.Response(
            status, json=body, headers={"content-type": "application/json; charset=utf-8"}
        )

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def run(
    args: list[str],
    directory: Path,
    generated: Path,
    stand_in: LiveStandIn | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    transport = (stand_in or LiveStandIn({})).transport
    return record.main(
        [*args, "--dir", str(directory), "--generated", str(generated)],
        transport=transport,
        environ={"CAL_API_KEY": REAL_KEY} if environ is None else environ,
        today=TODAY,
    )


def replayed(recording: recordings.Recording, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The contract test's problems with `recording` (lenient, as for live ones), after
    test_coverage's well-formedness check."""
    spec_ops = recordings.spec_operations(json.loads((GENERATED / "openapi.json").read_text()))
    test_coverage.test_recording_is_well_formed(recording, spec_ops)
    monkeypatch.setitem(_harness.BY_ID, recording.id, recording)
    exchange = _harness._replay.__wrapped__(recording.id, False)  # uncached
    problems = test_contract.request_problems(recording, exchange)
    if recording.is_error:
        return problems + test_contract.error_problems(recording, exchange)
    return problems + test_contract.result_problems(recording, exchange, exact=False)


@pytest.fixture
def bookings_stand_in() -> LiveStandIn:
    return LiveStandIn(
        {
            ("GET", "/v2/bookings"): (200, PAGE),
            ("GET", "/v2/bookings/7Hq2vKx9LmNpRt3WcYz8Ab"): (
                200,
                {"status": "success", "data": BOOKING},
            ),
            ("GET", "/v2/bookings/Nf0Und4Ny8Wh3Re2Xy7Zq1"): (404, NOT_FOUND),
            ("POST", "/v2/bookings/7Hq2vKx9LmNpRt3WcYz8Ab/cancel"): (
                200,
                {"status": "success", "data": {**BOOKING, "status": "cancelled"}},
            ),
        }
    )


def test_records_a_live_scrubbed_recording_that_replays(
    tmp_path: Path,
    generated_dir: Path,
    bookings_stand_in: LiveStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = run(
        [
            "list_bookings",
            "--kwargs",
            json.dumps({"take": 3, "attendee_email": ATTENDEE}),
            "--api-version",
            "2026-05-01",
        ],
        tmp_path,
        generated_dir,
        bookings_stand_in,
    )
    assert code == 0
    assert len(bookings_stand_in.requests) == 1
    sent = bookings_stand_in.requests[0]
    assert sent.url.params["attendeeEmail"] == ATTENDEE  # the live call used real values

    path = tmp_path / "bookings" / "list_bookings--live.yaml"
    text = path.read_text()
    survivors = [value for value in PERSONAL if value.lower() in text.lower()]
    assert not survivors, f"not scrubbed: {survivors}"

    recording = recordings.load(path)
    assert recording.provenance == "live"
    assert recording.data["source"] == {"recorded": TODAY, "base_url": "https://api.cal.com"}
    assert list(recording.data)[:4] == ["operation", "provenance", "source", "note"]
    assert recording.call == {
        "args": [],
        "kwargs": {"take": 3, "attendee_email": "person-1@example.com"},
        "options": {"api_version": "2026-05-01"},
    }
    request = recording.request
    assert request["query"] == {"attendeeEmail": "person-1@example.com", "take": "3", "skip": "0"}
    assert request["headers"] == {"cal-api-version": "2026-05-01"}
    assert request["auth"] == "bearer"
    body = recording.response["body"]
    booking = body["data"][0]
    assert booking["attendees"][0]["email"] == "person-1@example.com"
    assert booking["bookingFieldsResponses"]["email"] == "person-1@example.com"
    assert booking["hosts"][0]["email"] == booking["hosts"][0]["displayEmail"] != ATTENDEE
    assert booking["title"] == "30 min meeting between Person 1 and Person 2"
    for key in ("id", "uid", "status", "start", "end", "createdAt", "rating", "icsUid"):
        assert booking[key] == BOOKING[key], key
    assert recording.response["headers"] == {"content-type": "application/json; charset=utf-8"}

    assert replayed(recording, monkeypatch) == []


def test_error_answers_need_a_variant_and_record_the_exception(
    tmp_path: Path,
    generated_dir: Path,
    bookings_stand_in: LiveStandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["get_booking", "--args", '["Nf0Und4Ny8Wh3Re2Xy7Zq1"]']
    assert run(args, tmp_path, generated_dir, bookings_stand_in) == 1
    assert "answered 404" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.yaml"))

    assert run([*args, "--variant", "not-found"], tmp_path, generated_dir, bookings_stand_in) == 0
    recording = recordings.load(tmp_path / "bookings" / "get_booking--not-found.yaml")
    assert recording.expect == {
        "raises": "NotFoundError",
        "code": "NotFoundException",
        "message": "Booking with uid=Nf0Und4Ny8Wh3Re2Xy7Zq1 not found for person-1@example.com",
    }
    assert HOST not in recording.path.read_text()
    assert replayed(recording, monkeypatch) == []


def test_refuses_to_run_without_an_api_key(
    tmp_path: Path, generated_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in = LiveStandIn({})
    assert run(["get_me"], tmp_path, generated_dir, stand_in, environ={}) == 2
    err = capsys.readouterr().err.strip()
    assert "CAL_API_KEY" in err and len(err.splitlines()) == 1
    assert not stand_in.requests


def test_writes_need_allow_writes(
    tmp_path: Path,
    generated_dir: Path,
    bookings_stand_in: LiveStandIn,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = [
        "cancel_booking",
        "--args",
        '["7Hq2vKx9LmNpRt3WcYz8Ab"]',
        "--kwargs",
        json.dumps({"body": {"cancellationReason": f"asked by {ATTENDEE}"}}),
        "--api-version",
        "2024-08-13",
    ]
    assert run(args, tmp_path, generated_dir, bookings_stand_in) == 2
    assert "--allow-writes" in capsys.readouterr().err
    assert not bookings_stand_in.requests

    assert run([*args, "--allow-writes"], tmp_path, generated_dir, bookings_stand_in) == 0
    assert len(bookings_stand_in.requests) == 1
    recording = recordings.load(tmp_path / "bookings" / "cancel_booking--live.yaml")
    assert recording.request["body"] == {"cancellationReason": "asked by person-1@example.com"}
    assert recording.call["kwargs"]["body"] == recording.request["body"]
    assert replayed(recording, monkeypatch) == []


def test_oauth_callbacks_count_as_writes(
    tmp_path: Path, generated_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in = LiveStandIn({})
    code = run(
        ["save_stripe_oauth_credentials", "--kwargs", '{"state": "s", "code": "c"}'],
        tmp_path,
        generated_dir,
        stand_in,
    )
    assert code == 2 and "--allow-writes" in capsys.readouterr().err
    assert not stand_in.requests


def test_live_recordings_are_kept_unless_forced_spec_derived_ones_are_replaced(
    tmp_path: Path,
    generated_dir: Path,
    bookings_stand_in: LiveStandIn,
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec_derived = recordings.RECORDINGS_DIR / "bookings" / "get_booking.yaml"
    own = tmp_path / "bookings" / "get_booking.yaml"
    own.parent.mkdir(parents=True)
    own.write_text(spec_derived.read_text())
    args = ["get_booking", "--args", '["7Hq2vKx9LmNpRt3WcYz8Ab"]', "--variant", ""]

    assert run(args, tmp_path, generated_dir, bookings_stand_in) == 0  # spec-derived: replaced
    assert recordings.load(own).provenance == "live"
    first = own.read_text()

    assert run(args, tmp_path, generated_dir, bookings_stand_in) == 1  # live: kept
    assert "--force" in capsys.readouterr().err
    assert own.read_text() == first

    assert run([*args, "--force"], tmp_path, generated_dir, bookings_stand_in) == 0


def test_plan_follows_references_and_skips_what_is_missing(
    tmp_path: Path,
    generated_dir: Path,
    bookings_stand_in: LiveStandIn,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "- operation: list_bookings\n"
        "  kwargs: {take: 3}\n"
        "  options: {api_version: '2026-05-01'}\n"
        "- operation: get_booking\n"
        "  args: ['${list_bookings:data.0.uid}']\n"
        "- operation: get_booking\n"
        "  id: second\n"
        "  variant: second\n"
        "  args: ['${list_bookings:data.1.uid}']\n"
    )
    out = tmp_path / "out"
    assert run(["--plan", str(plan)], out, generated_dir, bookings_stand_in) == 0
    assert [r.url.path for r in bookings_stand_in.requests] == [
        "/v2/bookings",
        "/v2/bookings/7Hq2vKx9LmNpRt3WcYz8Ab",
    ]
    assert "skipped second" in capsys.readouterr().out
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml"))
    assert written == ["bookings/get_booking--live.yaml", "bookings/list_bookings--live.yaml"]
    assert recordings.load(out / "bookings" / "get_booking--live.yaml").call["args"] == [
        "7Hq2vKx9LmNpRt3WcYz8Ab"
    ]


def test_the_shipped_read_only_plan_only_reads(generated_dir: Path) -> None:
    plan = record.load_plan(recordings.ROOT / "scripts" / "plans" / "read-only.yaml")
    ops = recordings.spec_operations(json.loads((generated_dir / "openapi.json").read_text()))
    assert plan
    for step in plan:
        assert step.operation in ops, step.operation
        assert not record.is_write(ops[step.operation]), step.operation


def test_dry_run_sends_and_writes_nothing(
    tmp_path: Path, generated_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in = LiveStandIn({})
    code = run(
        ["list_bookings", "--kwargs", '{"take": 3}', "--dry-run"], tmp_path, generated_dir, stand_in
    )
    assert code == 0
    assert not stand_in.requests
    assert not list(tmp_path.rglob("*.yaml"))
    out = capsys.readouterr().out
    assert "would send GET https://api.cal.com/v2/bookings?take=3&skip=0" in out
    assert REAL_KEY not in out


def test_self_hosted_base_url(
    tmp_path: Path, generated_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = LiveStandIn({("GET", "/api/v2/bookings"): (200, copy.deepcopy(PAGE))})
    code = run(
        ["list_bookings", "--api-version", "2026-05-01"],
        tmp_path,
        generated_dir,
        stand_in,
        environ={"CAL_API_KEY": REAL_KEY, "CAL_BASE_URL": "https://cal.internal.example.org/api/"},
    )
    assert code == 0
    assert str(stand_in.requests[0].url).startswith("https://cal.internal.example.org/api/v2/")
    recording = recordings.load(tmp_path / "bookings" / "list_bookings--live.yaml")
    assert recording.request["path"] == "/v2/bookings"
    assert recording.data["source"]["base_url"] == "https://cal.internal.example.org/api"
    assert replayed(recording, monkeypatch) == []
