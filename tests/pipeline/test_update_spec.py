"""scripts/update_spec.py: the report on a candidate spec, and --write.

Candidates are derived from the pinned spec in each test (a deep copy, one
change, written to tmp_path). Only one test runs the generator (the clean
--write); the others diff overlaid documents (`update_spec.diff`) or run the
report with generation skipped, which stale overlay actions do anyway.
"""

from __future__ import annotations

import copy
import datetime
import functools
import http.server
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import generate  # noqa: E402
import specpin  # noqa: E402
import update_spec  # noqa: E402

RENAMED = "/v2/teams/{teamId}/event-types/{eventTypeId}/create-phone-call"
Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def overlays() -> list[Any]:
    return update_spec.load_overlays()


@pytest.fixture(scope="module")
def baseline(raw_spec: dict[str, Any], overlays: list[Any]) -> dict[str, Any]:
    """The overlaid pinned spec, computed once (and cached for `run`)."""
    pin = specpin.Pin.load()
    return update_spec.pinned_overlaid(pin, overlays)


def _mutated(raw_spec: dict[str, Any], mutate: Mutation) -> dict[str, Any]:
    document = copy.deepcopy(raw_spec)
    mutate(document)
    return document


def _write(tmp_path: Path, document: dict[str, Any], name: str = "candidate.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def _diff(
    raw_spec: dict[str, Any], overlays: list[Any], baseline: dict[str, Any], mutate: Mutation
) -> dict[str, Any]:
    document, stale = update_spec.overlay_document(_mutated(raw_spec, mutate), overlays)
    assert stale == []
    return update_spec.diff(baseline, document)


def _param(document: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    (param,) = [p for p in document["paths"][path][method]["parameters"] if p["name"] == name]
    return param


@pytest.fixture
def spec_copy(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of spec/ (and an empty spec cache) that update_spec writes instead."""
    spec = tmp_path / "spec"
    spec.mkdir()
    for name in ("pin.toml", "surface.lock"):
        source = repo_root / "spec" / name
        (spec / name).write_bytes(source.read_bytes() if source.is_file() else b"")
    monkeypatch.setattr(update_spec, "SPEC_DIR", spec)
    monkeypatch.setattr(update_spec, "PIN_FILE", spec / "pin.toml")
    monkeypatch.setattr(update_spec, "LOCK_FILE", spec / "surface.lock")
    monkeypatch.setattr(update_spec, "CACHE_DIR", tmp_path / "cache")
    return spec


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _rename_phone_call_path(document: dict[str, Any]) -> None:
    document["paths"][RENAMED.replace("create-phone-call", "phone-calls")] = document["paths"].pop(
        RENAMED
    )


# --------------------------------------------------------------------- the report


def test_unchanged_candidate_reports_nothing(baseline: dict[str, Any], tmp_path: Path) -> None:
    pinned = specpin.resolve()
    report = update_spec.run(str(pinned), generate_candidate=False)
    assert report["identical"]
    assert not report["changed"] and not report["breaking"]
    assert report["stale_overlay_actions"] == []
    assert report["exit_code"] == update_spec.EXIT_UNCHANGED
    for section in ("operations", "schemas"):
        assert all(not entries for entries in report[section].values())
    assert "Result: no change to the surface (exit 0)" in update_spec.render_text(report)


def test_removed_operation_is_breaking(
    raw_spec: dict[str, Any], baseline: dict[str, Any], tmp_path: Path
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        del document["paths"]["/v2/bookings/{bookingUid}/confirm"]

    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    out = tmp_path / "report.json"
    code = update_spec.main([str(candidate), "--no-generate", "--json", str(out)])
    report = json.loads(out.read_text())
    assert code == report["exit_code"] == update_spec.EXIT_BREAKING
    (removed,) = report["operations"]["removed"]
    assert removed["key"] == "POST /v2/bookings/{bookingUid}/confirm"
    assert removed["call"] == "cal.bookings.confirm"
    assert removed["breaking"] and report["breaking"]
    # Its naming action has nothing left to select: reported as stale, by file and index.
    (stale,) = report["stale_overlay_actions"]
    assert stale["file"] == "50-names.yaml" and "/confirm'].post" in stale["target"]


def test_added_operation_is_reported_not_breaking(
    raw_spec: dict[str, Any], baseline: dict[str, Any], tmp_path: Path
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        document["paths"]["/v2/bookings/{bookingUid}/notes"] = {
            "get": {
                "operationId": "BookingsController_2024_08_13_getBookingNotes",
                "tags": ["Bookings"],
                "parameters": [
                    {
                        "name": "bookingUid",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": "#/components/schemas/GetBookingOutput_2024_08_13"
                                }
                            }
                        },
                    }
                },
            }
        }

    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    report = update_spec.run(str(candidate), generate_candidate=False)
    (added,) = report["operations"]["added"]
    assert added["key"] == "GET /v2/bookings/{bookingUid}/notes"
    assert not added["breaking"]
    assert "50-names.yaml" in added["note"]  # no public name yet: the reviewer must add one
    assert report["operations"]["removed"] == report["operations"]["changed"] == []
    assert report["changed"] and not report["breaking"]
    assert report["exit_code"] == update_spec.EXIT_CHANGED
    assert "+ GET /v2/bookings/{bookingUid}/notes" in update_spec.render_text(report)


def test_query_parameter_made_required_is_breaking(
    raw_spec: dict[str, Any], overlays: list[Any], baseline: dict[str, Any]
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        _param(document, "/v2/bookings", "get", "attendeeEmail")["required"] = True

    assert _param(baseline, "/v2/bookings", "get", "attendeeEmail").get("required") is not True
    report = _diff(raw_spec, overlays, baseline, mutate)
    (changed,) = report["operations"]["changed"]
    assert changed["key"] == "GET /v2/bookings" and changed["call"] == "cal.bookings.list"
    assert changed["changes"] == [
        {"what": "parameter attendeeEmail (query): now required", "breaking": True}
    ]
    assert report["breaking"]


def test_property_type_change_is_breaking(
    raw_spec: dict[str, Any], overlays: list[Any], baseline: dict[str, Any]
) -> None:
    schema = "BookingOutput_2024_08_13"
    assert baseline["components"]["schemas"][schema]["properties"]["title"]["type"] == "string"

    def mutate(document: dict[str, Any]) -> None:
        document["components"]["schemas"][schema]["properties"]["title"]["type"] = "integer"

    report = _diff(raw_spec, overlays, baseline, mutate)
    (changed,) = report["schemas"]["changed"]
    assert changed["schema"] == schema
    assert {"what": f"{schema}.title: type string -> integer", "breaking": True} in changed[
        "changes"
    ]
    assert changed["breaking"] and report["breaking"]
    assert "cal.bookings.get" in changed["used_by"]


def test_renamed_path_makes_overlay_actions_stale(
    raw_spec: dict[str, Any], baseline: dict[str, Any], tmp_path: Path
) -> None:
    candidate = _write(tmp_path, _mutated(raw_spec, _rename_phone_call_path))
    report = update_spec.run(str(candidate))  # generation is skipped: actions are stale
    stale = {(s["file"], s["index"]): s for s in report["stale_overlay_actions"]}
    assert ("00-path-templating.yaml", 0) in stale
    assert RENAMED in stale[("00-path-templating.yaml", 0)]["target"]
    assert report["generation"]["status"] == "skipped"
    assert report["exit_code"] == update_spec.EXIT_BREAKING
    # Matched by the upstream operationId: a renamed path, not a remove + add.
    (changed,) = [c for c in report["operations"]["changed"] if c["was"]]
    assert changed["was"] == f"POST {RENAMED}"
    assert any(c["what"].startswith("path changed") and c["breaking"] for c in changed["changes"])
    text = update_spec.render_text(report)
    assert "overlays/00-path-templating.yaml action #0" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"swagger": "2.0", "paths": {}}', "not an OpenAPI 3.x document"),
        ('{"openapi": "3.0.0"}', "no `paths` object"),
        ("openapi: 3.0.0\npaths: {}\n", "is not JSON"),
        ("[1, 2]", "not an OpenAPI document"),
    ],
)
def test_not_openapi_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "candidate.json"
    path.write_text(content)
    with pytest.raises(update_spec.UpdateError, match=message):
        update_spec.load_candidate(str(path))
    assert update_spec.main([str(path), "--no-generate"]) == update_spec.EXIT_BREAKING
    assert message in capsys.readouterr().err


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(update_spec.UpdateError, match="cannot read"):
        update_spec.load_candidate(str(tmp_path / "nope.json"))


# ------------------------------------------------------------------------ --write


def test_write_with_stale_overlay_changes_nothing(
    raw_spec: dict[str, Any], baseline: dict[str, Any], tmp_path: Path, spec_copy: Path
) -> None:
    before = _snapshot(spec_copy)
    candidate = _write(tmp_path, _mutated(raw_spec, _rename_phone_call_path))
    report = update_spec.run(str(candidate), write=True)
    assert report["written"] == []
    assert "nothing written" in report["write_notes"][0]
    assert _snapshot(spec_copy) == before
    assert not (tmp_path / "cache").exists()


def test_write_with_generation_failure_changes_nothing(
    raw_spec: dict[str, Any],
    baseline: dict[str, Any],
    tmp_path: Path,
    spec_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(output: Path, *, spec_path: Path | None = None) -> dict[str, str]:
        raise generate.GenerationError("openapi-python-client reported warnings:\nWARNING x")

    monkeypatch.setattr(update_spec.generate, "generate", failing)
    before = _snapshot(spec_copy)

    def mutate(document: dict[str, Any]) -> None:
        document["info"]["version"] = "candidate"

    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    report = update_spec.run(str(candidate), write=True)
    assert report["generation"]["status"] == "failed"
    assert "WARNING x" in report["generation"]["output"]
    assert report["exit_code"] == update_spec.EXIT_BREAKING
    assert report["written"] == [] and _snapshot(spec_copy) == before
    assert "WARNING x" in update_spec.render_text(report)


def test_write_clean_changed_candidate_rewrites_pin_and_lock(
    raw_spec: dict[str, Any], baseline: dict[str, Any], tmp_path: Path, spec_copy: Path
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        document["paths"]["/v2/me"]["get"].setdefault("parameters", []).append(
            {"name": "expand", "in": "query", "required": False, "schema": {"type": "string"}}
        )

    old_pin = specpin.Pin.load(spec_copy / "pin.toml")
    real_pin = (ROOT / "spec" / "pin.toml").read_bytes()
    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    report = update_spec.run(str(candidate), write=True, commit="0" * 40)

    assert report["generation"] == {"status": "ok", "output": ""}
    assert report["exit_code"] == update_spec.EXIT_CHANGED
    (changed,) = report["operations"]["changed"]
    assert changed["changes"] == [
        {"what": "parameter expand (query) added (optional, string)", "breaking": False}
    ]
    new_pin = specpin.Pin.load(spec_copy / "pin.toml")
    sha256 = specpin.sha256_of(candidate.read_bytes())
    assert new_pin.sha256 == sha256 != old_pin.sha256
    assert new_pin.commit == "0" * 40
    assert (new_pin.repo, new_pin.path, new_pin.url) == (old_pin.repo, old_pin.path, old_pin.url)
    assert new_pin.date == datetime.date.today().isoformat()
    assert any("--url" in note for note in report["write_notes"])
    lock = (spec_copy / "surface.lock").read_text()
    assert "cal.me.get(*, expand: str = UNSET)" in lock
    assert any(
        line.startswith("+") and "cal.me.get(" in line for line in report["surface_lock_diff"]
    )
    cached = tmp_path / "cache" / f"{sha256}.json"
    assert specpin.sha256_of(cached.read_bytes()) == sha256
    assert (ROOT / "spec" / "pin.toml").read_bytes() == real_pin  # the real spec/ untouched


def test_write_from_a_url_pins_that_url(
    raw_spec: dict[str, Any],
    baseline: dict[str, Any],
    tmp_path: Path,
    spec_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake_generate(output: Path, *, spec_path: Path | None = None) -> dict[str, str]:
        output.mkdir(parents=True)
        (output / "surface.lock").write_text("# fake lock\n")
        return {}

    monkeypatch.setattr(update_spec.generate, "generate", fake_generate)

    def mutate(document: dict[str, Any]) -> None:
        document["info"]["version"] = "from-url"

    served = tmp_path / "served"
    served.mkdir()
    _write(served, _mutated(raw_spec, mutate), "openapi.json")
    handler = functools.partial(_QuietHandler, directory=str(served))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/openapi.json"
            report = update_spec.run(url, write=True, repo="github.com/example/fork")
        finally:
            server.shutdown()
    assert report["exit_code"] == update_spec.EXIT_UNCHANGED  # only info.version differs
    pin = specpin.Pin.load(spec_copy / "pin.toml")
    assert (pin.url, pin.repo) == (url, "github.com/example/fork")
    assert pin.sha256 == specpin.sha256_of((served / "openapi.json").read_bytes())
    assert (spec_copy / "surface.lock").read_text() == "# fake lock\n"
    assert report["write_notes"] == [
        "the pin's date is today's: pass --date with the upstream commit's date"
    ]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


# ------------------------------------------------- widening and narrowing (input vs output)

LOCATION = "UpdateBookingLocationInput_2024_08_13"  # a request body's oneOf (input only)
EVENT_LOCATIONS = "UnifiedCalendarEventOutput"  # a response's oneOf (output only)


def _location_union(document: dict[str, Any]) -> list[dict[str, Any]]:
    union: list[dict[str, Any]] = document["components"]["schemas"][LOCATION]["properties"][
        "location"
    ]["oneOf"]
    return union


def _schema_change(report: dict[str, Any], schema: str) -> list[dict[str, Any]]:
    (changed,) = [c for c in report["schemas"]["changed"] if c["schema"] == schema]
    changes: list[dict[str, Any]] = changed["changes"]
    return changes


def _new_member(document: dict[str, Any], name: str, tag: str) -> dict[str, str]:
    document["components"]["schemas"][name] = {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": [tag]}},
        "required": ["type"],
    }
    return {"$ref": f"#/components/schemas/{name}"}


def test_an_input_union_that_gains_a_member_is_not_breaking(
    raw_spec: dict[str, Any], overlays: list[Any], baseline: dict[str, Any]
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        _location_union(document).append(_new_member(document, "UpdateBookingInputX", "x"))

    report = _diff(raw_spec, overlays, baseline, mutate)
    (change,) = _schema_change(report, LOCATION)
    assert change["what"].startswith(f"{LOCATION}.location: type widened")
    assert "now also #UpdateBookingInputX" in change["what"]
    assert not change["breaking"] and not report["breaking"]


def test_an_input_union_that_loses_a_member_is_breaking(
    raw_spec: dict[str, Any], overlays: list[Any], baseline: dict[str, Any]
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        _location_union(document).pop()

    report = _diff(raw_spec, overlays, baseline, mutate)
    (change,) = _schema_change(report, LOCATION)
    assert "type narrowed" in change["what"] and change["breaking"]


def test_an_output_union_that_gains_a_member_is_breaking(
    raw_spec: dict[str, Any], overlays: list[Any], baseline: dict[str, Any]
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        items = document["components"]["schemas"][EVENT_LOCATIONS]["properties"]["locations"]
        items["items"]["oneOf"].append(_new_member(document, "CalendarEventFaxLocation", "fax"))

    report = _diff(raw_spec, overlays, baseline, mutate)
    changes = _schema_change(report, EVENT_LOCATIONS)
    assert any("type widened" in c["what"] and c["breaking"] for c in changes), changes


@pytest.mark.parametrize(
    ("directions", "added_breaks", "removed_breaks"),
    [({"in"}, False, True), ({"out"}, True, False), ({"in", "out"}, True, True)],
)
def test_enum_values_break_by_direction(
    directions: set[str], added_breaks: bool, removed_breaks: bool
) -> None:
    def node(*values: str) -> dict[str, dict[str, Any]]:
        return {"S.kind": {"type": "string", "required": True, "enum": sorted(values)}}

    (added,) = update_spec._node_changes(node("a"), node("a", "b"), directions)
    assert added == {"what": "S.kind: enum values added ['b']", "breaking": added_breaks}
    (removed,) = update_spec._node_changes(node("a", "b"), node("a"), directions)
    assert removed == {"what": "S.kind: enum values removed ['b']", "breaking": removed_breaks}


@pytest.mark.parametrize(
    ("old", "new", "sends_breaks", "receives_breaks"),
    [
        ("oneOf(#A|#B)", "oneOf(#A|#B|#C)", False, True),
        ("oneOf(#A|#B|#C)", "oneOf(#A|#C)", True, False),
        ("#A", "oneOf(#A|array<#B|#C>)", False, True),
        ("string", "string?", False, True),
        ("oneOf(#A|#B)?", "oneOf(#A|#B)", True, False),
        ("array<oneOf(#A|#B)>?", "array<oneOf(#A|#B|#C)>?", False, True),
        ("array<#A>?", "array<#A>", True, False),
        ("array<#A>", "array<#B>", True, True),
        ("string", "integer", True, True),
        ("oneOf(#A|#B)", "oneOf(#A|#C)", True, True),
    ],
)
def test_type_changes_widen_or_narrow(
    old: str, new: str, sends_breaks: bool, receives_breaks: bool
) -> None:
    sent = update_spec.type_change("p", old, new, sends=True, receives=False)
    received = update_spec.type_change("p", old, new, sends=False, receives=True)
    assert (sent["breaking"], received["breaking"]) == (sends_breaks, receives_breaks)
    assert f"{old} -> {new}" in sent["what"]


# --------------------------------------------------------- name first, then adopt


NOTES = "/v2/bookings/{bookingUid}/notes"


def _add_notes_operation(document: dict[str, Any]) -> None:
    document["paths"][NOTES] = {
        "get": {
            "operationId": "BookingsController_2024_08_13_getBookingNotes",
            "tags": ["Bookings"],
            "parameters": [
                {"name": "bookingUid", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": ""}},
        }
    }


def test_names_written_before_adopting_are_actions_for_the_candidate(
    raw_spec: dict[str, Any], tmp_path: Path, spec_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's order: name the new operation, then report, then --write. The
    naming action selects nothing in the pinned spec; that must not block the report."""
    naming = tmp_path / "99-new-names.yaml"
    naming.write_text(
        "overlay: 1.0.0\ninfo: {title: names, version: 1.0.0}\nactions:\n"
        f"  - target: \"$.paths['{NOTES}'].get\"\n"
        '    description: "Public name (raw: BookingsController_2024_08_13_getBookingNotes)."\n'
        "    update: {operationId: list_booking_notes, x-calcom-namespace: bookings.notes,"
        " x-calcom-method: list}\n"
    )
    real = update_spec.load_overlays()
    monkeypatch.setattr(
        update_spec, "load_overlays", lambda: [*real, update_spec.overlay.load_overlay(naming)]
    )
    candidate = _write(tmp_path, _mutated(raw_spec, _add_notes_operation))
    report = update_spec.run(str(candidate), generate_candidate=False)
    assert report["stale_overlay_actions"] == []
    (ahead,) = report["candidate_only_actions"]
    assert (ahead["file"], ahead["index"], ahead["line"]) == ("99-new-names.yaml", 0, None)
    (added,) = report["operations"]["added"]
    assert added["call"] == "cal.bookings.notes.list" and "note" not in added
    assert report["exit_code"] == update_spec.EXIT_CHANGED
    assert "Actions for the candidate only: 1" in update_spec.render_text(report)


def test_gaps_name_what_no_diff_shows(
    raw_spec: dict[str, Any], overlays: list[Any], tmp_path: Path
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        _location_union(document).append(_new_member(document, "UpdateBookingInputX", "x"))
        _add_notes_operation(document)  # and its twin: the same upstream operationId
        document["paths"][NOTES + "-too"] = copy.deepcopy(document["paths"][NOTES])
        # named upstream twins (GET /v2/me's copy): reported, not a problem
        document["paths"]["/v2/me-too"] = {"get": copy.deepcopy(document["paths"]["/v2/me"]["get"])}

    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    report = update_spec.run(str(candidate), generate_candidate=False)
    gaps: dict[tuple[str, bool], list[str]] = {}
    for gap in report["gaps"]:
        gaps.setdefault((gap["kind"], gap["problem"]), []).append(gap["what"])
    # the overlays' mapping does not know the new member: the client could never pick it
    (discriminator,) = gaps[("discriminator", True)]
    assert "UpdateBookingInputX" in discriminator
    # both unnamed twins keep the one upstream operationId: a clash to resolve by naming
    (clash,) = gaps[("duplicate operationId", True)]
    assert f"GET {NOTES} (" in clash and f"GET {NOTES}-too (" in clash and "50-names" in clash
    (twins,) = [g for g in gaps[("duplicate operationId", False)] if "/v2/me-too" in g]
    assert "GET /v2/me (get_me)" in twins and "GET /v2/me-too (" in twins
    # the new bookings operations would land in a namespace of their tag, not cal.bookings'
    homeless = gaps[("namespace", False)]
    assert any(g.startswith(f"GET {NOTES} has no public name") for g in homeless)
    assert all("already lives in cal.bookings" in g for g in homeless if NOTES in g)
    assert report["exit_code"] == update_spec.EXIT_BREAKING
    assert "PROBLEM discriminator" in update_spec.render_text(report)


def test_stale_actions_say_which_removal_made_them_stale(
    raw_spec: dict[str, Any], tmp_path: Path
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        del document["paths"]["/v2/bookings/{bookingUid}/confirm"]

    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    report = update_spec.run(str(candidate), generate_candidate=False)
    (stale,) = report["stale_overlay_actions"]
    assert stale["cause"] == (
        "the operation POST /v2/bookings/{bookingUid}/confirm (cal.bookings.confirm) was removed"
    )
    lines = (update_spec.OVERLAYS / stale["file"]).read_text().splitlines()
    assert "/confirm'].post" in lines[stale["line"] - 1]  # 1-based, the action's first line
    text = update_spec.render_text(report)
    assert f"action #{stale['index']} (0-based, line {stale['line']})" in text
    assert "because the operation POST /v2/bookings/{bookingUid}/confirm" in text


def test_write_records_the_date_given(
    raw_spec: dict[str, Any], tmp_path: Path, spec_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        update_spec,
        "_generate_candidate",
        lambda spec_file, work: ({"status": "ok", "output": ""}, "# lock\n"),
    )

    def mutate(document: dict[str, Any]) -> None:
        document["info"]["version"] = "dated"

    candidate = _write(tmp_path, _mutated(raw_spec, mutate))
    assert update_spec.main([str(candidate), "--write", "--date", "2026-03-26"]) == 0
    assert specpin.Pin.load(spec_copy / "pin.toml").date == "2026-03-26"
    with pytest.raises(SystemExit):
        update_spec.main([str(candidate), "--write", "--date", "26.03.2026"])


def test_fail_on_breaking_turns_only_non_breaking_changes_into_0(
    raw_spec: dict[str, Any], tmp_path: Path
) -> None:
    additive = _write(tmp_path, _mutated(raw_spec, _add_notes_operation), "additive.json")
    args = ["--no-generate", "--fail-on", "breaking"]
    assert update_spec.main([str(additive), "--no-generate"]) == update_spec.EXIT_CHANGED
    assert update_spec.main([str(additive), *args]) == 0

    def remove(document: dict[str, Any]) -> None:
        del document["paths"]["/v2/bookings/{bookingUid}/confirm"]

    breaking = _write(tmp_path, _mutated(raw_spec, remove), "breaking.json")
    assert update_spec.main([str(breaking), *args]) == update_spec.EXIT_BREAKING
