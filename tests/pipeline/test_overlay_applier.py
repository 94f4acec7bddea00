"""scripts/overlay.py: the Overlay 1.0 applier on tiny documents, then on the real overlays."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import overlay
import pytest
from overlay import OverlayError


def doc(*actions: Any) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def act(target: str, **kw: Any) -> dict[str, Any]:
    return {"target": target, "description": "because", **kw}


def apply(document: Any, *actions: dict[str, Any], strict: bool = True) -> list[int]:
    parsed = overlay.parse_overlay(doc(*actions), "t.yaml")
    return [count for _, count in overlay.apply_overlays(document, [parsed], strict=strict)]


# --- update ------------------------------------------------------------------------------


def test_update_deep_merges_objects() -> None:
    d = {"a": {"b": {"c": 1, "d": 2}, "e": 3}}
    assert apply(d, act("$.a", update={"b": {"c": 10, "x": 4}, "f": 5})) == [1]
    assert d == {"a": {"b": {"c": 10, "d": 2, "x": 4}, "e": 3, "f": 5}}


def test_update_on_an_array_appends() -> None:
    d = {"a": [1, 2]}
    apply(d, act("$.a", update={"x": 1}), act("$.a", update=[3]))
    assert d == {"a": [1, 2, {"x": 1}, [3]]}


def test_nested_arrays_and_scalars_in_an_update_replace() -> None:
    d = {"a": {"list": [1, 2], "s": "old", "o": {"k": 1}}}
    apply(d, act("$.a", update={"list": [3], "s": "new", "o": "now a scalar"}))
    assert d == {"a": {"list": [3], "s": "new", "o": "now a scalar"}}


def test_update_with_a_mapping_over_a_scalar_replaces_it() -> None:
    d = {"a": {"s": 1}}
    apply(d, act("$.a", update={"s": {"k": 1}}))
    assert d == {"a": {"s": {"k": 1}}}


def test_update_of_every_match() -> None:
    d = {"p": [{"name": "x"}, {"name": "y"}, {"name": "x"}]}
    assert apply(d, act("$.p[?@.name == 'x']", update={"hit": True})) == [2]
    assert d["p"] == [{"name": "x", "hit": True}, {"name": "y"}, {"name": "x", "hit": True}]


def test_update_of_a_scalar_target_errors() -> None:
    with pytest.raises(OverlayError, match=r"t\.yaml action #0 \(0-based, target \$\.a\.s\).*str"):
        apply({"a": {"s": "x"}}, act("$.a.s", update="y"))


def test_update_of_an_object_with_a_non_mapping_errors() -> None:
    with pytest.raises(OverlayError, match="must be a mapping"):
        apply({"a": {}}, act("$.a", update=[1]))


def test_update_values_are_deep_copied() -> None:
    d: dict[str, Any] = {"a": {}, "b": {}, "l": [], "m": []}
    apply(d, act("$['a','b']", update={"x": {"y": [1]}}), act("$['l','m']", update={"z": [1]}))
    assert d["a"] == d["b"] == {"x": {"y": [1]}}
    d["a"]["x"]["y"].append(2)
    d["l"][0]["z"].append(2)
    assert d["b"] == {"x": {"y": [1]}}
    assert d["m"] == [{"z": [1]}]


def test_updating_the_root_merges() -> None:
    d = {"a": 1}
    apply(d, act("$", update={"b": 2}))
    assert d == {"a": 1, "b": 2}


# --- remove ------------------------------------------------------------------------------


def test_remove_deletes_an_object_key() -> None:
    d = {"a": {"b": 1, "c": 2}}
    assert apply(d, act("$.a.b", remove=True)) == [1]
    assert d == {"a": {"c": 2}}


def test_remove_deletes_several_array_elements_in_the_right_order() -> None:
    d = {"a": [0, 1, 2, 3, 4, 5]}
    assert apply(d, act("$.a[?@ == 1 || @ == 2 || @ == 4]", remove=True)) == [3]
    assert d == {"a": [0, 3, 5]}


@pytest.mark.parametrize(
    ("target", "left"),
    [
        ("$.a[4, 1]", [0, 2, 3, 5]),  # selector order is not document order
        ("$.a[::-2]", [0, 2, 4]),  # a reversed slice
        ("$.a[-2, 2]", [0, 1, 3, 5]),  # negative indexes
        ("$.a[0, 0]", [1, 2, 3, 4, 5]),  # a node selected twice is removed once
    ],
)
def test_remove_by_index(target: str, left: list[int]) -> None:
    d = {"a": [0, 1, 2, 3, 4, 5]}
    apply(d, act(target, remove=True))
    assert d == {"a": left}


def test_remove_in_nested_arrays() -> None:
    d = {"a": [{"p": [{"x": 1}, {"y": 1}, {"x": 2}]}, {"p": [{"x": 3}]}]}
    assert apply(d, act("$..p[?@.x]", remove=True)) == [3]
    assert d == {"a": [{"p": [{"y": 1}]}, {"p": []}]}


def test_remove_then_update_replaces() -> None:
    d = {"s": {"enum": ["a", "b"], "type": "string"}}
    apply(d, act("$.s.enum", remove=True), act("$.s", update={"enum": ["c"]}))
    assert d == {"s": {"type": "string", "enum": ["c"]}}


def test_removing_the_root_errors() -> None:
    with pytest.raises(OverlayError, match="root"):
        apply({"a": 1}, act("$", remove=True))


# --- targets that select nothing ---------------------------------------------------------


def test_a_target_selecting_nothing_is_an_error() -> None:
    actions = [act("$.a", update={"k": 1}), act("$.missing[?@.name == 'x']", remove=True)]
    with pytest.raises(OverlayError) as info:
        apply({"a": {}}, *actions)
    message = str(info.value)
    assert "t.yaml" in message and "action #1" in message
    assert "$.missing[?@.name == 'x']" in message


def test_a_target_selecting_nothing_counts_zero_when_not_strict() -> None:
    d = {"a": {}}
    assert apply(d, act("$.nothing", remove=True), act("$.a", update={"k": 1}), strict=False) == [
        0,
        1,
    ]
    assert d == {"a": {"k": 1}}


def test_stale_actions_reports_without_touching_the_document() -> None:
    d = {"a": {"b": 1}}
    before = copy.deepcopy(d)
    parsed = overlay.parse_overlay(
        doc(act("$.a.b", remove=True), act("$.a.b", update={}), act("$.a", update={"c": 1})),
        "t.yaml",
    )
    stale = overlay.stale_actions(d, [parsed])
    # in order: the second action targets what the first removed
    assert [a.index for a in stale] == [1]
    assert d == before


# --- malformed documents -----------------------------------------------------------------

GOOD = act("$.a", update={})


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        (["overlay"], "expected a mapping at the top, got list"),
        ({"info": {"title": "t", "version": "1"}, "actions": [GOOD]}, "'overlay' must be"),
        ({"overlay": 1.0, "info": {"title": "t", "version": "1"}, "actions": [GOOD]}, "1.0.x"),
        ({"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": [GOOD]}, "1.0.x"),
        ({"overlay": "1.0", "info": {"title": "t", "version": "1"}, "actions": [GOOD]}, "1.0.x"),
        ({"overlay": "1.0.0", "actions": [GOOD]}, "'info' must be"),
        ({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [GOOD]}, "'info' must be"),
        ({"overlay": "1.0.0", "info": {"version": "1"}, "actions": [GOOD]}, "'info' must be"),
        ({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}}, "non-empty list"),
        ({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": []}, "non-empty"),
        (
            {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [GOOD], "x": 1},
            "unknown top-level keys ['x']",
        ),
    ],
)
def test_malformed_document(document: Any, complaint: str) -> None:
    with pytest.raises(OverlayError, match=re.escape(complaint)) as info:
        overlay.parse_overlay(document, "bad.yaml")
    assert str(info.value).startswith("bad.yaml: malformed overlay: ")


def test_extension_keys_and_extends_are_allowed() -> None:
    document = doc({**GOOD, "x-note": 1})
    document.update({"extends": "https://example.com/spec.json", "x-owner": "me"})
    assert len(overlay.parse_overlay(document, "ok.yaml").actions) == 1


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ("not a mapping", "action #1 (0-based) is not a mapping"),
        ({"description": "d", "update": {}}, "needs a JSONPath 'target'"),
        ({"target": 1, "description": "d", "update": {}}, "needs a JSONPath 'target'"),
        ({"target": "paths", "description": "d", "update": {}}, "starting with '$'"),
        ({"target": "$..[bad", "description": "d", "update": {}}, "not RFC 9535 JSONPath"),
        ({"target": "$.a[?@.b =~ /x/]", "description": "d", "update": {}}, "not RFC 9535"),
        ({"target": "$.a[?@.b in [1]]", "description": "d", "update": {}}, "not RFC 9535"),
        ({"target": "$..a | $..b", "description": "d", "update": {}}, "not RFC 9535"),
        ({"target": "$.a.~", "description": "d", "update": {}}, "not RFC 9535"),
        ({"target": "$.a", "update": {}}, "has no 'description'"),
        ({"target": "$.a", "description": "  ", "update": {}}, "has no 'description'"),
        ({"target": "$.a", "description": "d"}, "exactly one of 'update' or 'remove: true'"),
        ({"target": "$.a", "description": "d", "remove": False}, "exactly one of"),
        ({"target": "$.a", "description": "d", "update": {}, "remove": True}, "exactly one of"),
        ({"target": "$.a", "description": "d", "remove": "yes"}, "'remove' must be true or false"),
        ({"target": "$.a", "description": "d", "remove": True, "why": 1}, "unknown keys ['why']"),
        ({"target": "$.a", "description": "d", "update": {200: {}}}, "non-string key 200"),
        ({"target": "$.a", "description": "d", "update": {"x": [float("nan")]}}, "update.x[0]"),
    ],
)
def test_malformed_action(raw: Any, complaint: str) -> None:
    with pytest.raises(OverlayError, match=re.escape(complaint)) as info:
        overlay.parse_overlay(doc(GOOD, raw), "bad.yaml")
    assert str(info.value).startswith("bad.yaml: malformed overlay: action #1 (0-based)")


def test_rfc9535_filters_are_accepted() -> None:
    targets = [
        "$.paths['/v2/bookings'].get",
        "$..parameters[?@.name == 'x' && @.in == 'path']",
        "$.a[?(@.b)]",  # a parenthesised test expression is standard
        "$.a[?!@.b]",
        "$.a[?match(@.b, 'x.*')]",
        "$.a[-1]",
    ]
    parsed = overlay.parse_overlay(doc(*(act(t, update={}) for t in targets)), "ok.yaml")
    assert [a.target for a in parsed.actions] == targets


def test_remove_false_with_update_is_an_update() -> None:
    parsed = overlay.parse_overlay(doc(act("$.a", update={"k": 1}, remove=False)), "ok.yaml")
    assert parsed.actions[0].remove is False and parsed.actions[0].update == {"k": 1}


# --- overlay files -----------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "10-test.yaml"
    path.write_text(text)
    return path


HEADER = "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n"


def test_overlay_yaml_scalars_follow_json_not_yaml_1_1(tmp_path: Path) -> None:
    text = HEADER + (
        "  - target: $.a\n    description: d\n    update:\n"
        "      enum: [yes, no, on, off, 'true', true, null]\n"
        "      example: 2024-08-13\n      time: 10:30\n      zip: 0755\n      n: 1e3\n"
    )
    update = overlay.load_overlay(write(tmp_path, text)).actions[0].update
    assert update == {
        "enum": ["yes", "no", "on", "off", "true", True, None],
        "example": "2024-08-13",
        "time": "10:30",
        "zip": 755,
        "n": 1000.0,
    }


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (
            "  - target: $.a\n    description: d\n    description: e\n    remove: true\n",
            "duplicate",
        ),
        ("  - target: $.a\n    description: d\n    update: {k: 1, k: 2}\n", "duplicate key 'k'"),
        ("  - target: $.a\n    description: d\n    update: {200: {}}\n", "quote it"),
        ("  - target: $.a\n    description: d\n    update: {x: !!timestamp 2024-01-01}\n", "date"),
        ("  - [unclosed\n", "cannot read overlay"),
    ],
)
def test_overlay_file_errors_name_the_file(tmp_path: Path, body: str, complaint: str) -> None:
    with pytest.raises(OverlayError, match=re.escape(complaint)) as info:
        overlay.load_overlay(write(tmp_path, HEADER + body))
    assert str(info.value).startswith("10-test.yaml: ")


def test_overlay_files_are_the_numbered_yaml_files_in_order(tmp_path: Path) -> None:
    for name in ("20-b.yaml", "05-a.yaml", "README.yaml", "notes.md", "10-c.yml"):
        (tmp_path / name).write_text("")
    assert [p.name for p in overlay.overlay_files(tmp_path)] == ["05-a.yaml", "20-b.yaml"]


# --- the real overlays -------------------------------------------------------------------

REAL = overlay.overlay_files()


def test_there_are_overlays() -> None:
    assert REAL, f"no overlays in {overlay.OVERLAY_DIR}"


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_overlay_parses_and_says_why(path: Path) -> None:
    parsed = overlay.load_overlay(path)
    assert parsed.actions
    for action in parsed.actions:
        assert action.description.strip(), f"{action.where}: say why"


def test_real_overlays_apply_strictly_with_nothing_stale(raw_spec: dict[str, Any]) -> None:
    overlays = [overlay.load_overlay(p) for p in REAL]
    assert overlay.stale_actions(raw_spec, overlays) == []
    document = copy.deepcopy(raw_spec)
    applied = overlay.apply_overlays(document, overlays, strict=True)
    assert all(count > 0 for _, count in applied)
    assert document != raw_spec
