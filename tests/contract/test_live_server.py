"""The real server's answers, in CI: every 2xx parses strictly and loses nothing.

Two sources of real answers (the tests skip when a folder is absent):
- shared/live-server: every exchange of a real self-hosted Cal.com API v2
  server (commit 853358d9, see its README) driven through this client;
- shared/real-responses: bodies of the live api.cal.com.

Each is replayed through the public client with `strict=True`
(scripts/live_report.py, the same code as `nox -s live-report`): a 2xx must
parse strictly and `to_dict()` must give back the body; an error answer must
raise the typed error of its status. The captures worth keeping are also
recordings (scripts/import_live.py): each must exist and be what the converter
makes of its capture today, so no operation with a real capture is covered by a
spec-derived recording alone, and re-capturing shows up as a diff.
"""

from __future__ import annotations

import import_live
import live_captures
import live_report
import pytest
import recordings
from _harness import RECORDINGS

CAPTURES = live_captures.load_all() if live_captures.captures_dir().is_dir() else []
REAL = list(live_captures.real_responses()) if live_captures.real_responses_dir().is_dir() else []

# Captures that do not parse strictly yet, by name, with the reason. Strict: an entry
# that passes fails, so the list only shrinks. Empty: every capture parses strictly.
KNOWN: dict[str, str] = {}


def _settle(outcome: live_report.Outcome) -> None:
    reason = KNOWN.get(outcome.name)
    if reason is not None:
        if outcome.verdict == "FAIL":
            pytest.xfail(f"{reason}: {outcome.detail}")
        pytest.fail(f"{outcome.name} passes now: remove it from KNOWN", pytrace=False)
    if outcome.verdict == "skip":  # an error answer to a call today's client refuses
        assert outcome.status is not None and outcome.status >= 300, outcome.line()
        pytest.skip(outcome.detail)
    assert outcome.verdict == "ok", outcome.line()


@pytest.mark.skipif(not CAPTURES, reason="no shared/live-server captures")
@pytest.mark.parametrize(
    "capture",
    [c for c in CAPTURES if c.sent and not c.other_api_version],
    ids=lambda c: c.name,
)
def test_capture_through_the_client_strictly(capture: live_captures.Capture) -> None:
    _settle(live_report.capture_outcome(capture, strict=True))


@pytest.mark.skipif(not REAL, reason="no shared/real-responses")
@pytest.mark.parametrize(
    "item", [r for r in REAL if 200 <= int(r[1]["status"]) < 300], ids=lambda r: r[0].stem
)
def test_real_response_through_the_client_strictly(item: tuple[object, dict[str, object]]) -> None:
    path, record = item
    _settle(live_report.real_response_outcome(path, record, strict=True))  # type: ignore[arg-type]


@pytest.mark.skipif(not CAPTURES, reason="no shared/live-server captures")
def test_every_operation_with_a_real_capture_has_a_live_recording() -> None:
    live = {r.operation for r in RECORDINGS if r.provenance == "live"}
    captured = {
        c.operation
        for c in CAPTURES
        if c.ok and import_live.keep(c) is None and import_live.refused(c) is None
    }
    assert sorted(captured - live) == []


@pytest.mark.skipif(not CAPTURES, reason="no shared/live-server captures")
def test_live_recordings_are_what_the_converter_makes_of_the_captures(
    overlaid_spec: dict[str, object],
) -> None:
    ops = recordings.spec_operations(overlaid_spec)  # type: ignore[arg-type]
    by_path = {
        r.path: r
        for r in RECORDINGS
        if r.provenance == "live" and "capture" in (r.data.get("source") or {})
    }
    problems = []
    for capture in CAPTURES:
        if (
            capture.operation not in ops
            or import_live.keep(capture)
            or import_live.refused(capture)
        ):
            continue
        op = ops[capture.operation]
        path = recordings.recording_path(
            op.namespace, op.operation_id, import_live.recording_variant(capture)
        )
        recording = by_path.pop(path, None)
        if recording is None:
            problems.append(f"{capture.name}: no recording at {path.name}")
        elif recording.data != recordings.load_yaml(
            recordings.dump_yaml(import_live.convert(capture, ops))
        ):
            problems.append(f"{capture.name}: {path.name} differs from its capture")
    problems += [f"{r.id}: no capture any more" for r in by_path.values()]
    assert not problems, "run `python scripts/import_live.py --prune`:\n  " + "\n  ".join(problems)
