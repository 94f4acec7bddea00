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
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

OVERLAY_DIR = Path(__file__).resolve().parent.parent / "overlays"
_ENV = jsonpath.JSONPathEnvironment(strict=True)
_ACTION_KEYS = {"target", "description", "update", "remove"}


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
        return f"{self.source} action #{self.index} (target {self.target})"


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
    if not isinstance(version, str) or not version.startswith("1.0"):
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
        where = f"action #{index}"
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
        actions.append(
            Action(source, index, target, str(description or ""), raw.get("update"), remove)
        )
    return Overlay(source, str(info["title"]), tuple(actions))


def load_overlay(path: Path) -> Overlay:
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
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
        # Delete from the back so earlier array indexes stay valid.
        for match in sorted(matches, key=lambda m: m.parts, reverse=True):
            if match.parent is None:
                raise OverlayError(f"{action.where}: cannot remove the document root")
            parent, key = match.parent.obj, match.parts[-1]
            del parent[key]  # type: ignore[union-attr,index,arg-type]
        return len(matches)
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
    """Actions that select nothing when applied in order (a report, not an error)."""
    stale = []
    for overlay in overlays:
        for action in overlay.actions:
            if apply_action(document, action, strict=False) == 0:
                stale.append(action)
    return stale
