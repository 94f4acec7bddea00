"""Coverage gate: every operation of the overlaid spec has a recording, and every
recording is well-formed and names a real operation.

The recordings are replayed by test_contract.py; their format is documented in
tests/recordings/README.md. Missing ones are written by
`python scripts/recordings.py --missing`; after an operationId or namespace
rename, `python scripts/recordings.py --sync` follows it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import recordings
from _harness import RECORDINGS, ids
from recordings import AUTH_SCHEMES, PROVENANCES, RECORDINGS_DIR, Recording

MAX_TOTAL_BYTES = 2_000_000
# A live recording's source says when and against which server it was recorded.
LIVE_SOURCE = re.compile(r"\d{4}-\d{2}-\d{2}.*https?://|https?://.*\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def spec_ops(overlaid_spec: dict[str, Any]) -> dict[str, recordings.SpecOperation]:
    return recordings.spec_operations(overlaid_spec)


def test_every_operation_has_a_recording(spec_ops: dict[str, recordings.SpecOperation]) -> None:
    covered = {recording.operation for recording in RECORDINGS}
    missing = sorted(set(spec_ops) - covered)
    if missing:
        listing = "\n  ".join(
            f"{op}  ({spec_ops[op].method} {spec_ops[op].path})" for op in missing
        )
        print(f"operations without a recording ({len(missing)}):\n  {listing}")
        pytest.fail(
            f"{len(missing)} of {len(spec_ops)} operations have no recording "
            f"(write them with `python scripts/recordings.py --missing`):\n  {listing}",
            pytrace=False,
        )


def test_recordings_name_existing_operations(spec_ops: dict[str, recordings.SpecOperation]) -> None:
    unknown = []
    for recording in RECORDINGS:
        if recording.operation in spec_ops:
            continue
        request = recording.request
        now = recordings.operation_serving(
            spec_ops, str(request.get("method", "")), str(request.get("path", ""))
        )
        hint = f" (the operation serving it is now {now.operation_id!r})" if now else ""
        unknown.append(f"{recording.id}: {recording.operation!r}{hint}")
    assert not unknown, (
        "recordings naming no operation of the overlaid spec (renamed? run "
        "`python scripts/recordings.py --sync`):\n  " + "\n  ".join(unknown)
    )


def test_recordings_sit_where_their_operation_says(
    spec_ops: dict[str, recordings.SpecOperation],
) -> None:
    misplaced = []
    for recording in RECORDINGS:
        op = spec_ops.get(recording.operation)
        if op is None:
            continue  # reported by test_recordings_name_existing_operations
        expected = recordings.recording_path(op.namespace, op.operation_id, recording.variant)
        if recording.path != expected:
            misplaced.append(f"{recording.id}: expected at {expected.relative_to(RECORDINGS_DIR)}")
    assert not misplaced, (
        "misplaced recordings (`scripts/recordings.py --sync` moves them):\n  "
        + "\n  ".join(misplaced)
    )


@pytest.mark.parametrize("recording", RECORDINGS, ids=ids(RECORDINGS))
def test_recording_is_well_formed(
    recording: Recording, spec_ops: dict[str, recordings.SpecOperation]
) -> None:
    data = recording.data
    problems = []
    unknown_keys = set(data) - set(recordings.TOP_LEVEL_KEYS)
    if unknown_keys:
        problems.append(f"unknown top-level keys {sorted(unknown_keys)}")
    if recording.provenance not in PROVENANCES:
        problems.append(f"provenance {recording.provenance!r} is not one of {PROVENANCES}")
    source = str(data.get("source") or "").strip()
    if recording.provenance in ("observed", "live") and not source:
        problems.append(f"an {recording.provenance} recording needs a `source`")
    if recording.provenance == "live" and not LIVE_SOURCE.search(source):
        problems.append("a live recording's source gives the date and the base URL")

    call = data.get("call")
    if (
        not isinstance(call, dict)
        or not isinstance(call.get("args", []), list)
        or not isinstance(call.get("kwargs", {}), dict)
    ):
        problems.append("`call` needs `args` (a list) and `kwargs` (a mapping)")

    request = recording.request
    for key in ("method", "path", "auth"):
        if key not in request:
            problems.append(f"request.{key} is missing")
    if not recordings.valid_auth(request.get("auth")):
        problems.append(
            f"request.auth {request.get('auth')!r} is not one of {AUTH_SCHEMES} ('+'-joined)"
        )
    op = spec_ops.get(recording.operation)
    if op is not None:
        if str(request.get("method", "")).upper() != op.method:
            problems.append(
                f"request.method {request.get('method')!r}, the operation is {op.method}"
            )
        if not recordings.template_regex(op.path).match(str(request.get("path", ""))):
            problems.append(f"request.path {request.get('path')!r} does not fit {op.path}")

    response = recording.response
    status = response.get("status")
    if not isinstance(status, int) or not 100 <= status <= 599:
        problems.append(f"response.status {status!r} is not an HTTP status")
    elif status >= 400 and "raises" not in recording.expect:
        problems.append("an error recording says which exception it raises (`expect.raises`)")
    elif status < 400 and recording.expect:
        problems.append("`expect` is for error recordings")
    assert not problems, f"{recording.id}:\n  " + "\n  ".join(problems)


def test_recordings_stay_small() -> None:
    total = sum(path.stat().st_size for path in RECORDINGS_DIR.rglob("*.yaml"))
    assert total < MAX_TOTAL_BYTES, (
        f"tests/recordings holds {total} bytes, keep it under {MAX_TOTAL_BYTES}"
    )


def test_every_recording_is_loaded() -> None:
    on_disk = sorted(RECORDINGS_DIR.rglob("*.yaml"))
    assert [r.path for r in RECORDINGS] == on_disk
    assert RECORDINGS, "no recordings found"
