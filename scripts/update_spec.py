"""What a candidate Cal.com spec would change, and (with --write) adopt it.

    python scripts/update_spec.py <url-or-file> [--write] [--json PATH]
        [--no-generate] [--url URL] [--repo R] [--commit C] [--path P]

Loads the candidate (a file or an http(s) URL; OpenAPI 3.x JSON), applies the
overlays to it NON-strictly and compares the overlaid pinned spec with the
overlaid candidate. The report has four parts:

- operations added / removed / changed, matched by method + path template
  (then by upstream operationId, to see a renamed path); parameters, their
  required-ness and types, request and response schemas, `x-cal-api-version`,
  auth and the Python name are compared;
- component schemas added / removed / changed (properties, types, required-ness,
  enum values), with the operations that use them;
- overlay actions that select nothing in the candidate (by file, index, target);
- the generator's verdict: the candidate is generated into a temp folder (only
  when no overlay action is stale; generation applies them strictly), and its
  surface lock is diffed against spec/surface.lock.

Changes that break existing callers are flagged BREAKING: a removed operation,
a changed path or Python name, a removed parameter, a new required parameter
(or body, or request property), a changed type, a changed request/response
model, a removed auth alternative, a removed property or enum value, and a
response property that became optional.

Exit code: 0 no change to the surface, 1 non-breaking changes only, 2 breaking
changes, stale overlay actions, a generation failure or an unusable candidate.

--write (only when no overlay action is stale and generation succeeded)
rewrites spec/pin.toml (sha256, url when a URL was given or --url, date =
today; repo/commit/path kept unless --repo/--commit/--path) and
spec/surface.lock, both via temp files swapped in at the end, and puts the
candidate in the local spec cache (.cache/spec/) so `nox -s generate` finds it.
On any failure nothing in spec/ changes.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import http.client
import json
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import namespaces  # noqa: E402
import overlay  # noqa: E402
import specpin  # noqa: E402
import surface_lock  # noqa: E402

ROOT = specpin.ROOT
SPEC_DIR = ROOT / "spec"
PIN_FILE = SPEC_DIR / "pin.toml"
LOCK_FILE = SPEC_DIR / "surface.lock"
CACHE_DIR = specpin.CACHE_DIR
OVERLAYS = generate.OVERLAYS

EXIT_UNCHANGED, EXIT_CHANGED, EXIT_BREAKING = 0, 1, 2
UPSTREAM_ID = "x-calcom-upstream-operation-id"
METHODS = namespaces.METHODS


class UpdateError(Exception):
    """The candidate cannot be used at all (unreadable, not OpenAPI 3.x JSON)."""


# --------------------------------------------------------------------------- input


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - user's URL
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        raise UpdateError(f"cannot download {url}: {exc}") from exc


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def load_candidate(source: str) -> tuple[bytes, dict[str, Any]]:
    """The candidate's bytes and parsed document; UpdateError if it is not OpenAPI 3.x JSON."""
    if is_url(source):
        data = _download(source)
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise UpdateError(f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UpdateError(
            f"{source} is not JSON ({exc}); Cal.com publishes its spec as openapi.json"
        ) from exc
    check_openapi(document, source)
    return data, document


def check_openapi(document: Any, source: str = "the candidate") -> None:
    if not isinstance(document, dict):
        raise UpdateError(f"{source} is not an OpenAPI document: the top level is not an object")
    version = document.get("openapi")
    if not isinstance(version, str) or not re.fullmatch(r"3\.\d+(\.\d+)?(-.*)?", version):
        found = (
            f"swagger {document['swagger']!r} (OpenAPI 2)"
            if "swagger" in document
            else f"openapi {version!r}"
        )
        raise UpdateError(
            f"{source} is not an OpenAPI 3.x document (found {found}); "
            "expected a top-level `openapi: 3.x` field"
        )
    if not isinstance(document.get("paths"), dict):
        raise UpdateError(f"{source} is not an OpenAPI document: it has no `paths` object")
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and not isinstance(operation.get("operationId"), str):
                raise UpdateError(
                    f"{source}: {method.upper()} {path} has no operationId "
                    "(the generator names endpoints after it)"
                )


# ------------------------------------------------------------------------ overlays


def _stamp_upstream_ids(document: dict[str, Any]) -> None:
    """Remember each operation's upstream operationId, which the overlays rename."""
    for item in document.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "operationId" in operation:
                operation.setdefault(UPSTREAM_ID, operation["operationId"])


def load_overlays(directory: Path | None = None) -> list[overlay.Overlay]:
    return [overlay.load_overlay(p) for p in overlay.overlay_files(directory or OVERLAYS)]


def overlay_document(
    raw: dict[str, Any], overlays: Iterable[overlay.Overlay]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A copy of `raw` with every applicable action applied, and the stale actions.

    An action is stale when its target selects nothing (or it cannot be applied
    any more); it is skipped and reported rather than raised.
    """
    document = copy.deepcopy(raw)
    _stamp_upstream_ids(document)
    stale = []
    for ov in overlays:
        for action in ov.actions:
            try:
                touched = overlay.apply_action(document, action, strict=False)
                reason = "selects nothing" if touched == 0 else None
            except overlay.OverlayError as exc:
                reason = str(exc)
            if reason:
                stale.append(
                    {
                        "file": action.source,
                        "index": action.index,
                        "target": action.target,
                        "reason": reason,
                    }
                )
    return document, stale


# ---------------------------------------------------------------------- facts


def _component(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def shape(schema: Any) -> str:
    """A schema's type, compactly: `#Component`, `integer`, `string(date-time)?`,
    `array<#X>`, `oneOf(#A|#B)`, `object`. Nested properties are compared apart."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        text = f"#{_component(schema['$ref'])}"
    else:
        for combiner in ("oneOf", "anyOf", "allOf"):
            if isinstance(schema.get(combiner), list):
                variants = [shape(s) for s in schema[combiner]]
                # A single-member allOf is how a $ref gets siblings in OpenAPI 3.0.
                text = (
                    variants[0]
                    if combiner == "allOf" and len(variants) == 1
                    else f"{combiner}({'|'.join(variants)})"
                )
                break
        else:
            types = schema.get("type")
            if isinstance(types, list):  # OpenAPI 3.1
                nullable = "null" in types
                types = [t for t in types if t != "null"]
                text = "|".join(str(t) for t in types) or "any"
                if nullable:
                    text += "?"
                return text
            text = str(types) if types else ("object" if "properties" in schema else "any")
            if text == "array":
                text = f"array<{shape(schema.get('items'))}>"
            elif schema.get("format"):
                text += f"({schema['format']})"
    if schema.get("nullable") is True:
        text += "?"
    return text


def flatten(schema: Any, root: str) -> dict[str, dict[str, Any]]:
    """Every node of an inline schema down to the $refs: {path: {type, required, enum}}.

    Paths are `root`, `root.prop`, `root.prop[]` (array items), `root<oneOf1>`.
    """
    nodes: dict[str, dict[str, Any]] = {}

    def visit(node: Any, path: str, required: bool | None) -> None:
        enum = node.get("enum") if isinstance(node, dict) else None
        nodes[path] = {
            "type": shape(node),
            "required": required,
            "enum": sorted(map(str, enum)) if isinstance(enum, list) else None,
        }
        if not isinstance(node, dict) or "$ref" in node:
            return
        must = set(node.get("required") or [])
        for name, sub in (node.get("properties") or {}).items():
            visit(sub, f"{path}.{name}", name in must)
        if isinstance(node.get("items"), dict):
            visit(node["items"], f"{path}[]", None)
        if isinstance(node.get("additionalProperties"), dict):
            visit(node["additionalProperties"], f"{path}{{*}}", None)
        for combiner in ("oneOf", "anyOf", "allOf"):
            for i, sub in enumerate(node.get(combiner) or []):
                if isinstance(sub, dict) and "$ref" not in sub:
                    visit(sub, f"{path}<{combiner}{i}>", None)

    visit(schema, root, None)
    return nodes


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                found.add(_component(ref))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _resolve_parameter(document: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    while isinstance(parameter, dict) and "$ref" in parameter:
        name = _component(parameter["$ref"])
        parameter = document.get("components", {}).get("parameters", {}).get(name, {})
    return parameter


def _success(operation: dict[str, Any]) -> tuple[str | None, Any]:
    """The first documented 2xx answer: (status, JSON schema or None)."""
    for code in sorted(operation.get("responses") or {}):
        if str(code).startswith("2"):
            response = operation["responses"][code] or {}
            content = response.get("content") or {}
            media = content.get("application/json") or next(iter(content.values()), {})
            return str(code), (media or {}).get("schema")
    return None, None


@dataclass
class OpFacts:
    key: str  # "GET /v2/bookings"
    method: str
    path: str
    operation_id: str
    upstream_id: str
    call: str  # "cal.bookings.list"
    namespace: str  # "bookings"
    tag: str  # the first upstream tag, which names the namespace of an unnamed operation
    named: bool  # has x-calcom-method (a public name from overlays/50-names.yaml)
    api_version: str | None
    auth: str
    deprecated: bool
    params: dict[str, dict[str, Any]]  # "take (query)" -> {required, type, enum}
    body: dict[str, Any] | None  # {required, media, nodes}
    result: dict[str, dict[str, Any]] | None  # flattened 2xx JSON schema
    refs_in: set[str] = field(default_factory=set)
    refs_out: set[str] = field(default_factory=set)


def operations(document: dict[str, Any]) -> dict[str, OpFacts]:
    """The facts of each operation of an overlaid spec, by "METHOD /path"."""
    facts = {}
    for op in namespaces.collect(document):
        operation = document["paths"][op.path][op.method.lower()]
        params: dict[str, dict[str, Any]] = {}
        refs_in: set[str] = set()
        for raw_param in operation.get("parameters") or []:
            param = _resolve_parameter(document, raw_param)
            if not isinstance(param, dict) or "name" not in param:
                continue
            schema = param.get("schema")
            enum = schema.get("enum") if isinstance(schema, dict) else None
            params[f"{param['name']} ({param.get('in')})"] = {
                "required": bool(param.get("required")),
                "type": shape(schema),
                "enum": sorted(map(str, enum)) if isinstance(enum, list) else None,
            }
            refs_in |= _refs(schema)
        body = None
        request = operation.get("requestBody")
        if isinstance(request, dict):
            content = request.get("content") or {}
            media = "application/json" if "application/json" in content else next(iter(content), "")
            schema = (content.get(media) or {}).get("schema")
            body = {
                "required": bool(request.get("required")),
                "media": media,
                "nodes": flatten(schema, "body"),
            }
            refs_in |= _refs(schema)
        _, success = _success(operation)
        facts[f"{op.method} {op.path}"] = OpFacts(
            key=f"{op.method} {op.path}",
            method=op.method,
            path=op.path,
            operation_id=op.operation_id,
            upstream_id=str(operation.get(UPSTREAM_ID) or op.operation_id),
            call=f"cal.{op.namespace}.{op.name}",
            namespace=op.namespace,
            tag=op.tag,
            named=bool(operation.get("x-calcom-method")),
            api_version=op.api_version,
            auth=op.auth,
            deprecated=op.deprecated,
            params=params,
            body=body,
            result=flatten(success, "result") if success is not None else None,
            refs_in=refs_in,
            refs_out=_refs(success),
        )
    return facts


def usage(document: dict[str, Any], ops: dict[str, OpFacts]) -> dict[str, dict[str, set[str]]]:
    """For each component schema, the calls that send it ("in") and receive it ("out")."""
    schemas = document.get("components", {}).get("schemas", {})
    direct = {name: _refs(schema) for name, schema in schemas.items()}
    closure: dict[str, set[str]] = {}

    def reach(roots: set[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in closure:
                seen |= closure[name]
                continue
            stack.extend(direct.get(name, ()))
        return seen

    for name in schemas:
        closure[name] = reach({name})
    used: dict[str, dict[str, set[str]]] = {name: {"in": set(), "out": set()} for name in schemas}
    for op in ops.values():
        for direction, roots in (("in", op.refs_in), ("out", op.refs_out)):
            for name in reach(roots):
                used.setdefault(name, {"in": set(), "out": set()})[direction].add(op.call)
    return used


# ----------------------------------------------------------------------- diff


def _change(what: str, breaking: bool) -> dict[str, Any]:
    return {"what": what, "breaking": breaking}


def _node_changes(
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    directions: set[str],
) -> list[dict[str, Any]]:
    """Changes between two flattened schemas; `directions` says who uses them
    ("in": callers send it, "out": callers receive it)."""
    # A schema no call uses yet may be used either way: judge it both ways.
    sends = "in" in directions or not directions
    receives = "out" in directions or not directions
    changes = []
    # Below a removed, added or retyped node only that node is reported.
    cut = (old.keys() ^ new.keys()) | {
        p for p in old.keys() & new.keys() if old[p]["type"] != new[p]["type"]
    }

    def below_cut(path: str) -> bool:
        return any(
            len(path) > len(c) and path.startswith(c) and path[len(c)] in ".[<{" for c in cut
        )

    for path in sorted(old.keys() - new.keys()):
        if not below_cut(path):
            changes.append(_change(f"{path}: removed", True))
    for path in sorted(new.keys() - old.keys()):
        if below_cut(path):
            continue
        required = bool(new[path]["required"])
        changes.append(
            _change(
                f"{path}: added ({'required' if required else 'optional'}, {new[path]['type']})",
                required and sends,
            )
        )
    for path in sorted(old.keys() & new.keys()):
        a, b = old[path], new[path]
        if below_cut(path):
            continue
        if a["type"] != b["type"]:
            changes.append(type_change(path, a["type"], b["type"], sends=sends, receives=receives))
        if a["required"] is not None and b["required"] is not None:
            if b["required"] and not a["required"]:
                changes.append(_change(f"{path}: now required", sends))
            elif a["required"] and not b["required"]:
                changes.append(_change(f"{path}: now optional", receives))
        if a["enum"] != b["enum"] and a["type"] == b["type"]:
            gone = sorted(set(a["enum"] or []) - set(b["enum"] or []))
            added = sorted(set(b["enum"] or []) - set(a["enum"] or []))
            # Fewer values narrow what may be sent; more values widen what may come back.
            if a["enum"] is None:
                changes.append(_change(f"{path}: now an enum {b['enum']}", sends))
            elif b["enum"] is None:
                changes.append(_change(f"{path}: no longer an enum", receives))
            else:
                if gone:
                    changes.append(_change(f"{path}: enum values removed {gone}", sends))
                if added:
                    changes.append(_change(f"{path}: enum values added {added}", receives))
    return changes


def split_top(text: str) -> list[str]:
    """`A|oneOf(B|C)|array<D|E>` -> [A, oneOf(B|C), array<D|E>]: `|` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "(<":
            depth += 1
        elif char in ")>":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def members(type_: str) -> set[str]:
    """What a `shape` admits: a oneOf/anyOf's members, a plain type itself; `?` adds null."""
    nullable = type_.endswith("?")
    core = type_[:-1] if nullable else type_
    for combiner in ("oneOf(", "anyOf("):
        if core.startswith(combiner) and core.endswith(")"):
            found = set(split_top(core[len(combiner) : -1]))
            break
    else:
        found = {core}
    return found | ({"null"} if nullable else set())


def _array_item(type_: str) -> tuple[str, bool] | None:
    """`array<X>?` -> (X, nullable); None for a type that is no array."""
    nullable = type_.endswith("?")
    core = type_[:-1] if nullable else type_
    if core.startswith("array<") and core.endswith(">"):
        return core[len("array<") : -1], nullable
    return None


def compare_types(old: str, new: str) -> tuple[str, set[str]]:
    """("wider" | "narrower" | "same" | "other", what was gained or lost). Arrays
    compare their items (and their own nullability), anything else its members."""
    old_items, new_items = _array_item(old), _array_item(new)
    if old_items and new_items:
        verdict, moved = compare_types(old_items[0], new_items[0])
        nulls = (old_items[1], new_items[1])
        if nulls == (False, True):
            moved, verdict = (
                moved | {"null"},
                {"same": "wider", "wider": "wider"}.get(verdict, "other"),
            )
        elif nulls == (True, False):
            moved, verdict = (
                moved | {"null"},
                {"same": "narrower", "narrower": "narrower"}.get(verdict, "other"),
            )
        return verdict, moved
    before, after = members(old), members(new)
    if before == after:
        return "same", set()
    if before < after:
        return "wider", after - before
    if after < before:
        return "narrower", before - after
    return "other", set()


def type_change(path: str, old: str, new: str, *, sends: bool, receives: bool) -> dict[str, Any]:
    """A changed type. When one type admits everything the other does (a union that
    gains or loses members, a type that becomes nullable, an array of such), the
    change is a widening or a narrowing: widening breaks only those who receive it
    (their code does not expect the new member), narrowing only those who send it
    (their value may no longer be accepted). Any other change breaks both."""
    verdict, moved = compare_types(old, new)
    listed = ", ".join(sorted(moved))
    if verdict == "wider":
        return _change(f"{path}: type widened {old} -> {new} (now also {listed})", receives)
    if verdict == "narrower":
        return _change(f"{path}: type narrowed {old} -> {new} (no longer {listed})", sends)
    return _change(f"{path}: type {old} -> {new}", True)


def _param_changes(old: OpFacts, new: OpFacts) -> list[dict[str, Any]]:
    changes = []
    for name in sorted(old.params.keys() - new.params.keys()):
        changes.append(_change(f"parameter {name} removed", True))
    for name in sorted(new.params.keys() - old.params.keys()):
        p = new.params[name]
        required = p["required"]
        changes.append(
            _change(
                f"parameter {name} added ({'required' if required else 'optional'}, {p['type']})",
                required,
            )
        )
    for name in sorted(old.params.keys() & new.params.keys()):
        a, b = old.params[name], new.params[name]
        as_nodes = _node_changes(
            {name: {**a, "required": a["required"]}},
            {name: {**b, "required": b["required"]}},
            {"in"},
        )
        changes += [_change(f"parameter {c['what']}", c["breaking"]) for c in as_nodes]
    return changes


def _op_changes(old: OpFacts, new: OpFacts) -> list[dict[str, Any]]:
    changes = []
    if old.key != new.key:
        changes.append(_change(f"path changed: {old.key} -> {new.key}", True))
    if old.call != new.call:
        changes.append(_change(f"Python call renamed: {old.call} -> {new.call}", True))
    if old.operation_id != new.operation_id:
        changes.append(
            _change(f"operationId {old.operation_id} -> {new.operation_id} (module name)", False)
        )
    if old.api_version != new.api_version:
        changes.append(
            _change(
                f"x-cal-api-version {old.api_version or '-'} -> {new.api_version or '-'}", False
            )
        )
    if old.auth != new.auth:
        lost = set(old.auth.split("|")) - set(new.auth.split("|"))
        changes.append(_change(f"auth {old.auth} -> {new.auth}", bool(lost)))
    if new.deprecated and not old.deprecated:
        changes.append(_change("now deprecated", False))
    changes += _param_changes(old, new)
    if old.body is None and new.body is not None:
        required = new.body["required"]
        changes.append(
            _change(
                f"request body added ({'required' if required else 'optional'}, "
                f"{new.body['nodes']['body']['type']})",
                required,
            )
        )
    elif old.body is not None and new.body is None:
        changes.append(_change("request body removed", True))
    elif old.body is not None and new.body is not None:
        if old.body["media"] != new.body["media"]:
            changes.append(
                _change(f"request body media {old.body['media']} -> {new.body['media']}", True)
            )
        if new.body["required"] and not old.body["required"]:
            changes.append(_change("request body now required", True))
        a, b = old.body["nodes"]["body"]["type"], new.body["nodes"]["body"]["type"]
        if a != b:
            change = type_change("request model", a, b, sends=True, receives=False)
            changes.append({**change, "what": change["what"].replace(": type", "", 1)})
        else:
            changes += _node_changes(old.body["nodes"], new.body["nodes"], {"in"})
    if old.result != new.result:
        a = old.result["result"]["type"] if old.result else "none"
        b = new.result["result"]["type"] if new.result else "none"
        if a != b and old.result and new.result:
            change = type_change("response model", a, b, sends=False, receives=True)
            changes.append({**change, "what": change["what"].replace(": type", "", 1)})
        elif a != b:
            changes.append(_change(f"response model {a} -> {b}", True))
        else:
            changes += _node_changes(old.result or {}, new.result or {}, {"out"})
    return changes


def _summary(op: OpFacts) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": op.key, "call": op.call, "operation_id": op.operation_id}
    if not op.named:
        entry["note"] = (
            f"no public name in overlays/50-names.yaml (upstream operationId {op.upstream_id})"
        )
    return entry


def _schema_title(schema: Any, key: str) -> str:
    return str(schema.get("title") or key) if isinstance(schema, dict) else key


def diff(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> dict[str, Any]:
    """Compare two overlaid specs: {"operations": {...}, "schemas": {...}, "breaking": bool,
    "changed": bool}. Operations are matched by method + path, then by upstream
    operationId, then by operationId."""
    old_ops, new_ops = operations(old_doc), operations(new_doc)
    pairs = [(old_ops[k], new_ops[k]) for k in sorted(old_ops.keys() & new_ops.keys())]
    gone = {k: old_ops[k] for k in old_ops.keys() - new_ops.keys()}
    came = {k: new_ops[k] for k in new_ops.keys() - old_ops.keys()}
    for attribute in ("upstream_id", "operation_id"):
        index = {getattr(op, attribute): key for key, op in came.items()}
        for key, op in sorted(gone.items()):
            match = index.get(getattr(op, attribute))
            if match is not None and match in came:
                pairs.append((op, came.pop(match)))
                del gone[key]

    changed_ops = []
    for old, new in pairs:
        changes = _op_changes(old, new)
        if changes:
            changed_ops.append(
                {
                    "key": new.key,
                    "call": new.call,
                    "was": old.key if old.key != new.key else None,
                    "changes": changes,
                    "breaking": any(c["breaking"] for c in changes),
                }
            )
    removed_ops = [{**_summary(op), "breaking": True} for op in gone.values()]
    added_ops = [{**_summary(op), "breaking": False} for op in came.values()]
    for entry in added_ops:
        twins = [op.key for op in new_ops.values() if op.call == entry["call"]]
        if len(twins) > 1:
            others = ", ".join(k for k in twins if k != entry["key"])
            entry["note"] = (
                entry.get("note", "") + f"; {entry['call']} clashes with {others}"
            ).lstrip("; ")

    old_schemas = old_doc.get("components", {}).get("schemas", {})
    new_schemas = new_doc.get("components", {}).get("schemas", {})
    old_used, new_used = usage(old_doc, old_ops), usage(new_doc, new_ops)

    def users(name: str) -> tuple[set[str], list[str]]:
        both = {"in": set(), "out": set()}
        for used in (old_used, new_used):
            for direction in both:
                both[direction] |= used.get(name, {}).get(direction, set())
        directions = {d for d, calls in both.items() if calls}
        return directions, sorted(both["in"] | both["out"])

    changed_schemas = []
    for name in sorted(old_schemas.keys() & new_schemas.keys()):
        old_schema, new_schema = old_schemas[name], new_schemas[name]
        if old_schema == new_schema:
            continue
        directions, calls = users(name)
        changes = []
        old_title, new_title = _schema_title(old_schema, name), _schema_title(new_schema, name)
        if old_title != new_title:
            changes.append(_change(f"class renamed {old_title} -> {new_title}", True))
        changes += _node_changes(flatten(old_schema, name), flatten(new_schema, name), directions)
        if changes:
            changed_schemas.append(
                {
                    "schema": name,
                    "class": new_title,
                    "changes": changes,
                    "breaking": any(c["breaking"] for c in changes),
                    "used_by": calls,
                }
            )
    removed_schemas = [
        {
            "schema": name,
            "class": _schema_title(old_schemas[name], name),
            "breaking": True,
            "used_by": users(name)[1],
        }
        for name in sorted(old_schemas.keys() - new_schemas.keys())
    ]
    added_schemas = [
        {
            "schema": name,
            "class": _schema_title(new_schemas[name], name),
            "breaking": False,
            "used_by": users(name)[1],
        }
        for name in sorted(new_schemas.keys() - old_schemas.keys())
    ]
    sections = {
        "operations": {
            "added": sorted(added_ops, key=lambda e: e["key"]),
            "removed": sorted(removed_ops, key=lambda e: e["key"]),
            "changed": sorted(changed_ops, key=lambda e: e["key"]),
        },
        "schemas": {
            "added": added_schemas,
            "removed": removed_schemas,
            "changed": changed_schemas,
        },
    }
    entries = [e for section in sections.values() for kind in section.values() for e in kind]
    return {
        **sections,
        "changed": bool(entries),
        "breaking": any(e["breaking"] for e in entries),
        "counts": {
            "pinned_operations": len(old_ops),
            "candidate_operations": len(new_ops),
        },
    }


# ------------------------------------------------------------------------ gaps


def _unions(node: Any, where: str) -> Iterable[tuple[str, dict[str, Any]]]:
    """Every schema node with a oneOf/anyOf below `node`, with a readable location."""
    stack = [(node, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("oneOf") or item.get("anyOf"), list):
                yield at, item
            for key, value in item.items():
                stack.append((value, f"{at}.{key}" if key != "properties" else at))
        elif isinstance(item, list):
            stack.extend((value, f"{at}[{i}]") for i, value in enumerate(item))


def gaps(new_doc: dict[str, Any], new_ops: dict[str, OpFacts]) -> list[dict[str, Any]]:
    """What the overlaid candidate leaves open that no diff shows. `problem` ones fail
    the report (exit 2); the others are for the reviewer.

    - a discriminator whose mapping misses a member of its oneOf (or maps a schema
      that is no member): the client dispatches on the tag, so that member is never
      chosen (or a wrong class is);
    - one upstream operationId on several operations: a problem only while the
      overlays leave them one name;
    - an operation without a public name whose tag already has a namespace: it
      would land in a parallel `cal.<tag>` namespace instead.
    """
    found: list[dict[str, Any]] = []
    schemas = new_doc.get("components", {}).get("schemas", {})
    for name in sorted(schemas):
        for at, node in sorted(_unions(schemas[name], name), key=lambda e: e[0]):
            mapping = (node.get("discriminator") or {}).get("mapping")
            if not isinstance(mapping, dict):
                continue
            variants = node.get("oneOf") or node.get("anyOf")
            members = {_component(m["$ref"]) for m in variants if "$ref" in m}
            mapped = {_component(str(ref)) for ref in mapping.values()}
            for missing in sorted(members - mapped):
                found.append(
                    {
                        "kind": "discriminator",
                        "what": f"{at}: the discriminator mapping has no value for member "
                        f"{missing}; it can never be chosen",
                        "problem": True,
                    }
                )
            for extra in sorted(mapped - members):
                found.append(
                    {
                        "kind": "discriminator",
                        "what": f"{at}: the discriminator maps {extra}, which is not a member",
                        "problem": True,
                    }
                )
    by_upstream: dict[str, list[OpFacts]] = {}
    for op in new_ops.values():
        by_upstream.setdefault(op.upstream_id, []).append(op)
    for upstream, ops in sorted(by_upstream.items()):
        if len(ops) < 2:
            continue
        ids = sorted({op.operation_id for op in ops})
        where = ", ".join(
            f"{op.key} ({op.operation_id})" for op in sorted(ops, key=lambda o: o.key)
        )
        found.append(
            {
                "kind": "duplicate operationId",
                "what": f"upstream operationId {upstream} is on {len(ops)} operations: {where}"
                + ("" if len(ids) == len(ops) else "; give each its own name in 50-names.yaml"),
                "problem": len(ids) < len(ops),
            }
        )
    homes: dict[str, set[str]] = {}
    for op in new_ops.values():
        if op.named:
            homes.setdefault(op.tag, set()).add(op.namespace)
    for op in sorted(new_ops.values(), key=lambda o: o.key):
        if not op.named and homes.get(op.tag):
            found.append(
                {
                    "kind": "namespace",
                    "what": f"{op.key} has no public name and would become {op.call}, but its "
                    f"tag {op.tag!r} already lives in "
                    + ", ".join(f"cal.{n}" for n in sorted(homes[op.tag])),
                    "problem": False,
                }
            )
    return found


_PATH_TARGET = re.compile(r"^\$\.paths\[['\"]([^'\"]+)['\"]\](?:\.(get|put|post|patch|delete))?")
_SCHEMA_TARGET = re.compile(
    r"^\$\.components\.schemas(?:\.([A-Za-z0-9_.-]+?)(?=[.\[]|$)|\[['\"]([^'\"]+)['\"]\])"
)


def stale_cause(
    target: str, report: dict[str, Any], old_doc: dict[str, Any], new_doc: dict[str, Any]
) -> str:
    """Why an action selects nothing, tied to the removed operation or schema when one did it."""
    match = _PATH_TARGET.match(target)
    if match:
        path, method = match.group(1), match.group(2)
        key = f"{method.upper()} {path}" if method else None
        for entry in report["operations"]["removed"]:
            if entry["key"] == key or (key is None and entry["key"].split(" ", 1)[1] == path):
                return f"the operation {entry['key']} ({entry['call']}) was removed"
        for entry in report["operations"]["changed"]:
            if entry["was"] and (entry["was"] == key or entry["was"].split(" ", 1)[1] == path):
                return f"the operation {entry['was']} moved to {entry['key']}"
        if path not in new_doc.get("paths", {}):
            return f"the candidate has no path {path}"
        if method and method not in new_doc["paths"][path]:
            return f"the candidate has no {method.upper()} on {path}"
        return f"{key or path} exists; what the action selects below it changed"
    match = _SCHEMA_TARGET.match(target)
    if match:
        name = match.group(1) or match.group(2)
        for entry in report["schemas"]["removed"]:
            if entry["schema"] == name:
                return f"the schema {name} was removed"
        if name in new_doc.get("components", {}).get("schemas", {}):
            return f"the schema {name} exists; what the action selects in it changed"
        return f"the candidate has no schema {name}"
    return "its target selects nothing in the candidate"


def action_lines(path: Path) -> list[int]:
    """The 1-based line of each action of an overlay file, in order (for the report)."""
    try:
        root = yaml.compose(path.read_text())
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "actions" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _locate(actions: list[dict[str, Any]]) -> None:
    lines: dict[str, list[int]] = {}
    for action in actions:
        name = action["file"]
        if name not in lines:
            lines[name] = action_lines(OVERLAYS / name)
        index = action["index"]
        action["line"] = lines[name][index] if index < len(lines[name]) else None


# ------------------------------------------------------------------------ run


_BASELINE: dict[tuple[Any, ...], tuple[dict[str, Any], list[dict[str, Any]]]] = {}


def pinned_overlaid_and_stale(
    pin: specpin.Pin, overlays: list[overlay.Overlay]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The pinned spec with the overlays applied, and the actions that select nothing
    in it (cached per pin and overlay contents).

    Those are not an error here: an action written for the candidate (naming a
    new operation before adopting it) has nothing to select in the pinned spec.
    `run` reports them, and which of them the candidate needs."""
    key = (pin.sha256, tuple(repr(ov) for ov in overlays))
    if key not in _BASELINE:
        raw = specpin.load(pin)
        _BASELINE.clear()
        _BASELINE[key] = overlay_document(raw, overlays)
    return _BASELINE[key]


def pinned_overlaid(pin: specpin.Pin, overlays: list[overlay.Overlay]) -> dict[str, Any]:
    """The pinned spec with the overlays applied."""
    return pinned_overlaid_and_stale(pin, overlays)[0]


def _action_key(action: dict[str, Any]) -> tuple[str, int]:
    return (str(action["file"]), int(action["index"]))


def _generate_candidate(spec_file: Path, work: Path) -> tuple[dict[str, Any], str | None]:
    output = work / "generated"
    try:
        generate.generate(output, spec_path=spec_file)
    except Exception as exc:  # noqa: BLE001 - reported, whatever the generator raised
        return {"status": "failed", "output": f"{type(exc).__name__}: {exc}"}, None
    return {"status": "ok", "output": ""}, (output / "surface.lock").read_text()


def _replace_all(files: dict[Path, str | bytes]) -> None:
    """Write each file to a temp file beside it, then swap them all in."""
    temps: list[tuple[Path, Path]] = []
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            temps.append((Path(name), target))
            os.fchmod(fd, target.stat().st_mode & 0o777 if target.exists() else 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode() if isinstance(content, str) else content)
    except BaseException:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        raise
    for temp, target in temps:
        os.replace(temp, target)


def run(
    source: str,
    *,
    write: bool = False,
    generate_candidate: bool = True,
    url: str | None = None,
    repo: str | None = None,
    commit: str | None = None,
    path: str | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    """The full report for one candidate (see the module docstring); raises UpdateError
    when the candidate is unusable."""
    data, raw = load_candidate(source)
    sha256 = specpin.sha256_of(data)
    pin = specpin.Pin.load(PIN_FILE)
    overlays = load_overlays()
    old_doc, pinned_stale = pinned_overlaid_and_stale(pin, overlays)
    if sha256 == pin.sha256:  # the pinned spec itself: its overlaid form is the baseline
        new_doc, stale = old_doc, pinned_stale
    else:
        new_doc, stale = overlay_document(raw, overlays)
    stale_keys = {_action_key(s) for s in stale}
    for action in stale:
        action["stale_in_pinned_too"] = _action_key(action) in {
            _action_key(p) for p in pinned_stale
        }
    # Written ahead for the candidate (e.g. names for its new operations): they make
    # `nox -s generate` fail on the pinned spec until --write adopts the candidate.
    candidate_only = [p for p in pinned_stale if _action_key(p) not in stale_keys]
    try:
        report: dict[str, Any] = diff(old_doc, new_doc)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise UpdateError(f"{source}: cannot read its operations: {exc!r}") from exc
    report = {
        "candidate": {"source": source, "sha256": sha256, "openapi": raw.get("openapi")},
        "pinned": {"sha256": pin.sha256, "url": pin.url},
        "identical": sha256 == pin.sha256,
        **report,
        "stale_overlay_actions": stale,
        "candidate_only_actions": candidate_only,
        "gaps": gaps(new_doc, operations(new_doc)),
    }
    for action in stale:
        action["cause"] = stale_cause(action["target"], report, old_doc, new_doc)
    _locate(stale)
    _locate(candidate_only)
    lock = None
    with tempfile.TemporaryDirectory(prefix="update-spec-") as tmp:
        if stale:
            generation = {
                "status": "skipped",
                "output": f"{len(stale)} overlay action(s) are stale; generation applies the "
                "overlays strictly, so fix them first",
            }
        elif not generate_candidate:
            generation = {"status": "skipped", "output": "--no-generate"}
        else:
            spec_file = Path(tmp) / "candidate.json"
            spec_file.write_bytes(data)
            generation, lock = _generate_candidate(spec_file, Path(tmp))
    report["generation"] = generation
    current_lock = LOCK_FILE.read_text() if LOCK_FILE.is_file() else ""
    report["surface_lock_diff"] = (
        surface_lock.diff(current_lock, lock, "spec/surface.lock", "candidate")
        if lock is not None
        else None
    )
    failed = (
        bool(stale) or generation["status"] == "failed" or any(g["problem"] for g in report["gaps"])
    )
    if report["breaking"] or failed:
        report["exit_code"] = EXIT_BREAKING
    elif report["changed"]:
        report["exit_code"] = EXIT_CHANGED
    else:
        report["exit_code"] = EXIT_UNCHANGED

    report["written"] = []
    report["write_notes"] = []
    if write:
        if stale or generation["status"] != "ok" or lock is None:
            report["write_notes"].append(
                "nothing written: --write needs no stale overlay action and a successful "
                f"generation (generation {generation['status']})"
            )
        elif report["identical"]:
            report["write_notes"].append("nothing written: the candidate is the pinned spec")
        else:
            new_url = url or (source if is_url(source) else pin.url)
            if new_url == pin.url and not is_url(source) and url is None:
                report["write_notes"].append(
                    "the pin's url still names the old document: pass --url (until then "
                    "`nox -s generate` finds the candidate in .cache/spec/ or $CALCOM_SPEC_MIRROR)"
                )
            if date is None:
                report["write_notes"].append(
                    "the pin's date is today's: pass --date with the upstream commit's date"
                )
            new_pin = specpin.Pin(
                url=new_url,
                repo=repo or pin.repo,
                commit=commit or pin.commit,
                path=path or pin.path,
                date=date or datetime.date.today().isoformat(),
                sha256=sha256,
            )
            _replace_all({PIN_FILE: new_pin.to_toml(), LOCK_FILE: lock})
            report["written"] = [str(PIN_FILE), str(LOCK_FILE)]
            try:
                _replace_all({CACHE_DIR / f"{sha256}.json": data})
            except OSError as exc:
                report["write_notes"].append(f"could not cache the candidate: {exc}")
    return report


# --------------------------------------------------------------------- render


def _lines_for_changes(changes: list[dict[str, Any]], indent: str) -> list[str]:
    return [f"{indent}{'BREAKING ' if c['breaking'] else ''}{c['what']}" for c in changes]


def render_text(report: dict[str, Any], *, used_by_limit: int = 5, lock_lines: int = 200) -> str:
    cand, pinned = report["candidate"], report["pinned"]
    ops, schemas = report["operations"], report["schemas"]
    counts = report["counts"]
    out = [
        f"candidate: {cand['source']}",
        f"  sha256 {cand['sha256']}  openapi {cand['openapi']}  "
        f"{counts['candidate_operations']} operations",
        f"pinned:    sha256 {pinned['sha256']}  {counts['pinned_operations']} operations",
    ]
    if report["identical"]:
        out.append("  (the candidate IS the pinned spec)")
    elif not report["changed"]:
        out.append("  (the documents differ, the client surface does not)")

    def breaking_count(items: list[dict[str, Any]]) -> int:
        return sum(1 for e in items if e["breaking"])

    all_ops = ops["added"] + ops["removed"] + ops["changed"]
    out += [
        "",
        f"Operations: {len(ops['added'])} added, {len(ops['removed'])} removed, "
        f"{len(ops['changed'])} changed ({breaking_count(all_ops)} breaking)",
    ]
    for e in ops["added"]:
        out.append(f"  + {e['key']}  {e['call']}" + (f"  [{e['note']}]" if "note" in e else ""))
    for e in ops["removed"]:
        out.append(f"  - {e['key']}  {e['call']}  BREAKING")
    for e in ops["changed"]:
        was = f"  (was {e['was']})" if e["was"] else ""
        flag = "  BREAKING" if e["breaking"] else ""
        out.append(f"  ~ {e['key']}  {e['call']}{was}{flag}")
        out += _lines_for_changes(e["changes"], "      ")

    all_schemas = schemas["added"] + schemas["removed"] + schemas["changed"]
    out += [
        "",
        f"Schemas: {len(schemas['added'])} added, {len(schemas['removed'])} removed, "
        f"{len(schemas['changed'])} changed ({breaking_count(all_schemas)} breaking)",
    ]

    def used(e: dict[str, Any]) -> str:
        calls = e["used_by"]
        if not calls:
            return "unused"
        more = f" (+{len(calls) - used_by_limit})" if len(calls) > used_by_limit else ""
        return "used by " + ", ".join(calls[:used_by_limit]) + more

    for e in schemas["added"]:
        out.append(f"  + {e['schema']} ({e['class']}), {used(e)}")
    for e in schemas["removed"]:
        out.append(f"  - {e['schema']} ({e['class']}), {used(e)}  BREAKING")
    for e in schemas["changed"]:
        flag = "  BREAKING" if e["breaking"] else ""
        out.append(f"  ~ {e['schema']} ({e['class']}), {used(e)}{flag}")
        out += _lines_for_changes(e["changes"], "      ")

    def where(action: dict[str, Any]) -> str:
        line = f", line {action['line']}" if action.get("line") else ""
        return f"overlays/{action['file']} action #{action['index']} (0-based{line})"

    stale = report["stale_overlay_actions"]
    out += ["", f"Stale overlay actions: {len(stale)}"]
    for s in stale:
        out.append(f"  {where(s)}: {s['reason']}")
        out.append(f"      target {s['target']}")
        out.append(f"      because {s['cause']}")
    ahead = report["candidate_only_actions"]
    if ahead:
        out += [
            "",
            f"Actions for the candidate only: {len(ahead)} (they select nothing in the pinned "
            "spec; `nox -s generate` fails on it until --write adopts the candidate)",
        ]
        out += [f"  {where(a)}: target {a['target']}" for a in ahead]

    found = report["gaps"]
    out += ["", f"Gaps: {len(found)} ({sum(1 for g in found if g['problem'])} problems)"]
    out += [f"  {'PROBLEM ' if g['problem'] else ''}{g['kind']}: {g['what']}" for g in found]

    generation = report["generation"]
    out += ["", f"Generation: {generation['status']}"]
    if generation["output"]:
        out += ["  " + text for text in generation["output"].splitlines()]
    lock_diff = report["surface_lock_diff"]
    if lock_diff is not None:
        changed = [t for t in lock_diff if t[:1] in "+-" and not t.startswith(("+++", "---"))]
        out += ["", f"Surface lock: {len(changed)} line(s) differ from spec/surface.lock"]
        shown = [t for t in lock_diff if not t.startswith(("+++", "---", "@@"))]
        out += ["  " + t for t in shown[:lock_lines]]
        if len(shown) > lock_lines:
            out.append(f"  … {len(shown) - lock_lines} more (the JSON report has them all)")

    verdict = {
        EXIT_UNCHANGED: "no change to the surface",
        EXIT_CHANGED: "non-breaking changes",
        EXIT_BREAKING: "BREAKING changes, stale overlays, gap problems or a generation failure",
    }[report["exit_code"]]
    out += ["", f"Result: {verdict} (exit {report['exit_code']})"]
    for note in report["write_notes"]:
        out.append(f"Note: {note}")
    for written in report["written"]:
        out.append(f"Wrote {written}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Exit code: 0 unchanged, 1 non-breaking changes, 2 breaking changes, stale "
        "overlay actions, a generation failure or an unusable candidate.",
    )
    parser.add_argument("candidate", help="the candidate spec: a file or an http(s) URL")
    parser.add_argument(
        "--write",
        action="store_true",
        help="adopt the candidate: rewrite spec/pin.toml and spec/surface.lock",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report as JSON")
    parser.add_argument(
        "--no-generate", action="store_true", help="skip the generation (faster; no --write)"
    )
    parser.add_argument("--url", help="pin url to record (default: the candidate if a URL)")
    parser.add_argument("--repo", help="pin repo to record (default: unchanged)")
    parser.add_argument("--commit", help="pin commit to record (default: unchanged)")
    parser.add_argument("--path", help="pin path to record (default: unchanged)")
    parser.add_argument(
        "--date",
        type=iso_date,
        help="pin date to record, YYYY-MM-DD: the upstream commit's (default: today)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("changes", "breaking"),
        default="changes",
        help="`breaking`: exit 0 instead of 1 for non-breaking changes, so that any "
        "non-zero exit (a tool's own failure too) means: look at this",
    )
    args = parser.parse_args(argv)
    try:
        report = run(
            args.candidate,
            write=args.write,
            generate_candidate=not args.no_generate,
            url=args.url,
            repo=args.repo,
            commit=args.commit,
            path=args.path,
            date=args.date,
        )
    except (UpdateError, specpin.SpecError, overlay.OverlayError) as exc:
        print(f"update-spec: {exc}", file=sys.stderr)
        if args.json:
            args.json.write_text(
                json.dumps({"error": str(exc), "exit_code": EXIT_BREAKING}, indent=2) + "\n"
            )
        return EXIT_BREAKING
    sys.stdout.write(render_text(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    code = int(report["exit_code"])
    return EXIT_UNCHANGED if code == EXIT_CHANGED and args.fail_on == "breaking" else code


def iso_date(text: str) -> str:
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


if __name__ == "__main__":
    raise SystemExit(main())
