"""An applier for the OpenAPI Overlay Specification 1.0.0.

Targets are RFC 9535 JSONPath, evaluated by python-jsonpath in strict mode.
Semantics, per the standard:
- `update` on an object target is a deep merge: objects merge key by key,
  anything else (scalars, arrays) nested in the update replaces what is there;
- `update` on an array target appends the update value;
- `remove: true` deletes the target from its parent; to replace a value,
  remove it in one action and update its parent in the next.

House rules on top of the standard: every action must carry a `description`
(why the spec is changed), and an action whose target selects nothing is an
error, because that is how a spec update reveals a stale fix.

Overlay files are read as JSON-compatible YAML (the YAML 1.2 core schema):
`yes`/`no`/`on`/`off`, `10:30`, `0755` and `2024-08-13` stay strings instead
of PyYAML's YAML 1.1 booleans, sexagesimal or octal numbers and dates, and a
mapping that repeats a key is an error rather than a silent overwrite.
Update values must be JSON: string keys (quote `'200':`), finite numbers.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

OVERLAY_DIR = Path(__file__).resolve().parent.parent / "overlays"
_ENV = jsonpath.JSONPathEnvironment(strict=True)
_ACTION_KEYS = {"target", "description", "update", "remove"}
_VERSION = re.compile(r"1\.0\.\d+")


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value!r}",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_decimal_int(self, node: yaml.ScalarNode) -> int:
        return int(self.construct_scalar(node), 10)  # `0755` is 755, not octal


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[-1] in {"null", "merge"}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", "-+.0123456789"),
):
    _Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_first)
    )
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_decimal_int)


class OverlayError(Exception):
    """A malformed overlay document or an action that cannot be applied."""


@dataclass(frozen=True)
class Action:
    source: str
    index: int
    target: str
    description: str
    update: Any = None
    remove: bool = False

    @property
    def where(self) -> str:
        return f"{self.source} action #{self.index} (0-based, target {self.target})"


@dataclass(frozen=True)
class Overlay:
    source: str
    title: str
    actions: tuple[Action, ...]


def overlay_files(directory: Path = OVERLAY_DIR) -> list[Path]:
    """The overlay documents of a folder, in file order (`NN-concern.yaml`)."""
    return sorted(p for p in directory.glob("*.yaml") if p.name[:2].isdigit())


def parse_overlay(document: Any, source: str, *, require_descriptions: bool = True) -> Overlay:
    """Check an overlay document's shape and turn it into actions."""

    def bad(why: str) -> OverlayError:
        return OverlayError(f"{source}: malformed overlay: {why}")

    if not isinstance(document, dict):
        raise bad(f"expected a mapping at the top, got {type(document).__name__}")
    version = document.get("overlay")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise bad(f"'overlay' must be the version string 1.0.x, got {version!r}")
    info = document.get("info")
    if (
        not isinstance(info, dict)
        or not isinstance(info.get("title"), str)
        or "version" not in info
    ):
        raise bad("'info' must be a mapping with 'title' and 'version'")
    unknown = set(document) - {"overlay", "info", "extends", "actions"}
    if unknown := {k for k in unknown if not str(k).startswith("x-")}:
        raise bad(f"unknown top-level keys {sorted(unknown)}")
    raw_actions = document.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise bad("'actions' must be a non-empty list")

    actions = []
    for index, raw in enumerate(raw_actions):
        where = f"action #{index} (0-based)"
        if not isinstance(raw, dict):
            raise bad(f"{where} is not a mapping")
        extra = {k for k in set(raw) - _ACTION_KEYS if not str(k).startswith("x-")}
        if extra:
            raise bad(f"{where} has unknown keys {sorted(extra)}")
        target = raw.get("target")
        if not isinstance(target, str) or not target.startswith("$"):
            raise bad(f"{where} needs a JSONPath 'target' starting with '$', got {target!r}")
        try:
            _ENV.compile(target)
        except jsonpath.JSONPathError as exc:
            raise bad(f"{where} target {target!r} is not RFC 9535 JSONPath: {exc}") from exc
        description = raw.get("description")
        if require_descriptions and not (isinstance(description, str) and description.strip()):
            raise bad(f"{where} (target {target}) has no 'description' saying why")
        remove = raw.get("remove", False)
        if not isinstance(remove, bool):
            raise bad(f"{where} 'remove' must be true or false, got {remove!r}")
        has_update = "update" in raw
        if remove == has_update:
            raise bad(
                f"{where} (target {target}) must have exactly one of 'update' or 'remove: true'"
            )
        if has_update and (problem := _not_json(raw["update"], "update")):
            raise bad(f"{where} (target {target}): {problem}")
        actions.append(
            Action(source, index, target, str(description or ""), raw.get("update"), remove)
        )
    return Overlay(source, str(info["title"]), tuple(actions))


def _not_json(value: Any, at: str) -> str | None:
    """Why `value` cannot be written as JSON unchanged, or None if it can."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{at} has the non-string key {key!r}; quote it ('{key}':)"
            if problem := _not_json(item, f"{at}.{key}"):
                return problem
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if problem := _not_json(item, f"{at}[{i}]"):
                return problem
    elif isinstance(value, float):
        if not math.isfinite(value):
            return f"{at} is {value!r}, which JSON cannot hold"
    elif not (value is None or isinstance(value, str | int)):  # bool is an int
        return f"{at} is a {type(value).__name__} ({value!r}), not a JSON value; quote it"
    return None


def load_overlay(path: Path) -> Overlay:
    try:
        document = yaml.load(path.read_text(), Loader=_Loader)  # a SafeLoader
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise OverlayError(f"{path.name}: cannot read overlay: {exc}") from exc
    return parse_overlay(document, path.name)


def _deep_merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def apply_action(document: Any, action: Action, *, strict: bool = True) -> int:
    """Apply one action in place; return how many nodes it touched."""
    matches = list(_ENV.finditer(action.target, document))
    if not matches:
        if strict:
            raise OverlayError(f"stale overlay: {action.where} selects nothing")
        return 0
    if action.remove:
        # A nodelist may hold a node twice (`$.a[0,0]`): delete each node once,
        # from the back, so earlier array indexes stay valid.
        unique = {tuple(m.parts): m for m in matches}
        for _, match in sorted(unique.items(), reverse=True):
            if match.parent is None:
                raise OverlayError(f"{action.where}: cannot remove the document root")
            parent, key = match.parent.obj, match.parts[-1]
            del parent[key]  # type: ignore[union-attr,index,arg-type]
        return len(unique)
    for match in matches:
        node = match.obj
        if isinstance(node, list):
            node.append(copy.deepcopy(action.update))
        elif isinstance(node, dict):
            if not isinstance(action.update, dict):
                raise OverlayError(
                    f"{action.where}: an update of an object must be a mapping, "
                    f"got {type(action.update).__name__}"
                )
            _deep_merge(node, action.update)
        else:
            raise OverlayError(
                f"{action.where}: selects a {type(node).__name__} value; update its parent instead"
            )
    return len(matches)


def apply_overlays(
    document: Any, overlays: Iterable[Overlay], *, strict: bool = True
) -> list[tuple[Action, int]]:
    """Apply overlays in order, in place. Returns each action with its match count."""
    applied = []
    for overlay in overlays:
        for action in overlay.actions:
            applied.append((action, apply_action(document, action, strict=strict)))
    return applied


def stale_actions(document: Any, overlays: Iterable[Overlay]) -> list[Action]:
    """Actions that select nothing when applied in order (a report, not an error).

    The actions are applied to a copy: `document` itself is left as it was.
    """
    document = copy.deepcopy(document)
    stale = []
    for overlay in overlays:
        for action in overlay.actions:
            if apply_action(document, action, strict=False) == 0:
                stale.append(action)
    return stale
