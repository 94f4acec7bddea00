"""Recorded API exchanges: the format, loading, and spec-derived recordings.

A recording (tests/recordings/<namespace path>/<operationId>[--variant].yaml,
format in tests/recordings/README.md) says how to call one operation through
the client, which request that must put on the wire, and what the server
answers. tests/contract replays every recording through the public client.

This module is both a library (the contract tests import it) and a CLI:

    python scripts/recordings.py --missing        # write spec-derived recordings
                                                  # for operations without any
    python scripts/recordings.py --show OP_ID     # print one, write nothing
    python scripts/recordings.py --sync           # follow operationId / namespace
                                                  # renames (method + path decide)
    python scripts/recordings.py --refresh        # rewrite the spec-derived ones after
                                                  # an overlay changed the spec

A spec-derived recording is built from the overlaid spec alone: path
parameters, required query parameters and list-valued ones that have an example
(to exercise comma-joined and repeated lists), a request body and a 2xx answer
with the required properties plus a few optional ones (scalars with examples),
values from the spec's examples where they fit the schema, else synthesised
(ints for integers, ISO timestamps for date-times, the first enum value, ...).
Query parameters with a spec default appear in the recorded request: the
generated signatures default to them, so the client always sends them.
`--missing` never overwrites a file; `--refresh` rewrites only spec-derived ones.
The generated package (`--generated`, default $CALCOM_GENERATED_DIR or
generated/) supplies the overlaid spec (its openapi.json) and the Python
parameter names of each endpoint.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import inspect
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS_DIR = ROOT / "tests" / "recordings"
PROVENANCES = ("live", "observed", "spec-derived")
AUTH_SCHEMES = ("bearer", "client", "secret", "none")  # "+"-joined when several are needed
TOP_LEVEL_KEYS = (
    "operation",
    "provenance",
    "source",
    "note",
    "call",
    "request",
    "response",
    "expect",
)
VARIANT_SEPARATOR = "--"

# What the generator puts in for values it has to make up.
SYNTH_DATETIME = "2024-08-13T09:00:00.000Z"
SYNTH_DATE = "2024-08-13"
SYNTH_OPTIONAL = 2  # optional properties taken per object, besides the required ones
MAX_DEPTH = 8


# --- YAML --------------------------------------------------------------------------


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loading without YAML 1.1 timestamps: "2026-10-05" stays a string,
    as it is in the JSON the server sends."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the call's body and the request's body are written out twice


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and len(value) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def dump_yaml(data: Any) -> str:
    """Block-style YAML, keys in the given order, long lines left alone."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def sorted_json(value: Any) -> Any:
    """`value` with every mapping's keys sorted (diff-friendly spec-derived bodies)."""
    if isinstance(value, dict):
        return {key: sorted_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_json(item) for item in value]
    return value


# --- Recordings on disk -----------------------------------------------------------


@dataclass
class Recording:
    path: Path
    data: dict[str, Any]

    @property
    def id(self) -> str:
        """Path below the recordings folder without `.yaml`: the pytest id."""
        try:
            return self.path.relative_to(RECORDINGS_DIR).with_suffix("").as_posix()
        except ValueError:
            return self.path.with_suffix("").name

    @property
    def operation(self) -> str:
        return str(self.data.get("operation"))

    @property
    def provenance(self) -> str:
        return str(self.data.get("provenance"))

    @property
    def variant(self) -> str | None:
        stem = self.path.stem
        return stem.split(VARIANT_SEPARATOR, 1)[1] if VARIANT_SEPARATOR in stem else None

    @property
    def call(self) -> dict[str, Any]:
        return dict(self.data.get("call") or {})

    @property
    def request(self) -> dict[str, Any]:
        return dict(self.data.get("request") or {})

    @property
    def response(self) -> dict[str, Any]:
        return dict(self.data.get("response") or {})

    @property
    def expect(self) -> dict[str, Any]:
        return dict(self.data.get("expect") or {})

    @property
    def is_error(self) -> bool:
        return int(self.response.get("status", 200)) >= 400


def load(path: Path) -> Recording:
    data = load_yaml(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a recording is a mapping, got {type(data).__name__}")
    return Recording(path, data)


def load_all(directory: Path = RECORDINGS_DIR) -> list[Recording]:
    return [load(path) for path in sorted(directory.rglob("*.yaml"))]


def recording_path(
    namespace: str, operation_id: str, variant: str | None = None, directory: Path = RECORDINGS_DIR
) -> Path:
    name = operation_id + (f"{VARIANT_SEPARATOR}{variant}" if variant else "")
    return directory.joinpath(*namespace.split("."), f"{name}.yaml")


# --- The overlaid spec --------------------------------------------------------------


@dataclass
class SpecOperation:
    operation_id: str
    method: str  # upper case
    path: str  # template
    operation: dict[str, Any]
    namespace: str
    name: str  # method name on the namespace
    module: str  # dotted path below calcom._generated.api
    auth: str  # as calcom._endpoint.Operation.auth, e.g. "bearer|client|none", "secret"
    api_version: str | None
    comma_params: tuple[str, ...]


def spec_operations(spec: dict[str, Any]) -> dict[str, SpecOperation]:
    """Every operation of the overlaid spec by operationId, with the client's view of it
    (namespace, method name, module, auth) computed exactly as scripts/namespaces.py does."""
    import namespaces

    ops: dict[str, SpecOperation] = {}
    for op in namespaces.collect(spec):
        ops[op.operation_id] = SpecOperation(
            operation_id=op.operation_id,
            method=op.method,
            path=op.path,
            operation=spec["paths"][op.path][op.method.lower()],
            namespace=op.namespace,
            name=op.name,
            module=op.module,
            auth=op.auth,
            api_version=op.api_version,
            comma_params=op.comma_params,
        )
    return ops


def template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p[:1] == "{" else re.escape(p) for p in parts) + "$")


def operation_serving(
    ops: dict[str, SpecOperation], method: str, path: str
) -> SpecOperation | None:
    """The operation serving `METHOD /concrete/path`; the most specific template wins."""
    path = path.split("?", 1)[0]
    candidates = [
        op
        for op in ops.values()
        if op.method == method.upper() and template_regex(op.path).match(path)
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda op: (op.path.count("{"), -len(re.sub(r"\{[^}]*\}", "", op.path))))
    return candidates[0]


def recording_auth(auth: str) -> str:
    """The credentials a recording authenticates with, for an operation whose security
    is `auth` (calcom._endpoint.Operation.auth: alternatives joined by "|", each a
    "+"-joined set of bearer / client / secret, or none): the first alternative, the
    one the client sends when it holds those credentials."""
    return auth.split("|", 1)[0] or "none"


def auth_kinds(auth: str) -> set[str]:
    """The credential kinds of a recording's `request.auth` ("bearer+client" -> both)."""
    return {kind for kind in auth.split("+") if kind != "none"}


def valid_auth(auth: object) -> bool:
    if not isinstance(auth, str) or not auth:
        return False
    if auth == "none":
        return True
    kinds = auth.split("+")
    return len(set(kinds)) == len(kinds) and set(kinds) <= {"bearer", "client", "secret"}


# --- Synthesising values from schemas ------------------------------------------------


class Synth:
    """Minimal valid JSON values for schemas of one OpenAPI document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
        self.problems: list[str] = []

    def resolve(
        self, schema: dict[str, Any], seen: tuple[str, ...] = ()
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        while isinstance(schema, dict) and "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                raise RecursionError(name)
            seen = (*seen, name)
            schema = self.schemas[name]
        return schema, seen

    def merged(self, schema: dict[str, Any], seen: tuple[str, ...]) -> dict[str, Any]:
        """allOf flattened into one object schema."""
        schema, seen = self.resolve(schema, seen)
        if "allOf" not in schema:
            return schema
        out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(out.get("properties", {}))
        required = list(out.get("required", []))
        for part in schema["allOf"]:
            part = self.merged(part, seen)
            properties.update(part.get("properties", {}))
            required += [r for r in part.get("required", []) if r not in required]
            for key in ("type", "enum", "format", "items", "example"):
                if key in part and key not in out:
                    out[key] = part[key]
        if properties:
            out["properties"] = properties
            out.setdefault("type", "object")
        if required:
            out["required"] = required
        return out

    def value(
        self, schema: dict[str, Any], name: str = "", seen: tuple[str, ...] = (), depth: int = 0
    ) -> Any:
        schema, seen = self.resolve(schema, seen)
        schema = self.merged(schema, seen)
        if depth > MAX_DEPTH:
            raise RecursionError(name)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                members = [m for m in schema[key] if self.resolve(m, seen)[0].get("type") != "null"]
                mapping = (schema.get("discriminator") or {}).get("mapping") or {}
                member = members[0]
                if mapping:
                    tag, target = next(iter(mapping.items()))
                    member = {"$ref": target}
                    out = self.value(member, name, seen, depth + 1)
                    out[schema["discriminator"]["propertyName"]] = tag
                    return out
                return self.value(member, name, seen, depth + 1)
        kind = schema.get("type")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else None
        if "enum" in schema and kind != "array":
            values = [v for v in schema["enum"] if v is not None]
            return values[0]
        example = schema.get("example")
        if kind == "object":
            return self.object(schema, seen, depth)
        if kind == "array":
            count = max(1, int(schema.get("minItems", 1)))
            items = schema.get("items") or {}
            if (
                isinstance(example, list)
                and example
                and all(_fits_scalar(items, self, e) for e in example)
            ):
                return list(example)
            return [self.value(items, name, seen, depth + 1) for _ in range(count)]
        if kind in ("string", "integer", "number", "boolean") and _fits_scalar(
            schema, self, example
        ):
            return example
        if "default" in schema and _fits_scalar(schema, self, schema["default"]):
            return schema["default"]
        if kind == "string":
            return synth_string(schema, name)
        if kind == "integer":
            return int(schema.get("minimum", 0)) + 1 if "minimum" in schema else 1
        if kind == "number":
            return int(schema.get("minimum", 0)) + 1 if "minimum" in schema else 1
        if kind == "boolean":
            return True
        # No type at all: any JSON value; a string is the least surprising.
        return synth_string({}, name)

    def object(self, schema: dict[str, Any], seen: tuple[str, ...], depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        optional = [
            name
            for name, prop in properties.items()
            if name not in required and self._simple_with_example(prop, seen)
        ][:SYNTH_OPTIONAL]
        out: dict[str, Any] = {}
        for name in sorted(required + optional):
            try:
                out[name] = self.value(properties[name], name, seen, depth + 1)
            except RecursionError as error:
                if name not in required:
                    continue
                # A required property whose schema refers back to itself (a spec
                # bug: no finite document satisfies it). null where it is nullable,
                # else an empty object, and say so in the recording's note.
                nullable = bool(properties[name].get("nullable"))
                out[name] = None if nullable else {}
                self.problems.append(
                    f"required property {name!r} refers to its own schema ({error}): "
                    + (
                        "null is the only finite value"
                        if nullable
                        else "no finite value fits; {} given"
                    )
                )
        return out

    def _simple_with_example(self, prop: dict[str, Any], seen: tuple[str, ...]) -> bool:
        try:
            prop, _ = self.resolve(prop, seen)
        except RecursionError:
            return False
        return (
            prop.get("type") in ("string", "integer", "number", "boolean")
            and "example" in prop
            and (_fits_scalar(prop, self, prop["example"]))
        )


_SAFE_EXAMPLE = re.compile(r"^[^?&=]*$")


def _fits_scalar(schema: dict[str, Any], synth: Synth, value: Any) -> bool:
    """Whether an example may stand for a value of `schema` (a scalar schema)."""
    schema, _ = synth.resolve(schema)
    kind = schema.get("type")
    if value is None:
        return False
    if "enum" in schema:
        return value in schema["enum"]
    if kind == "string":
        if not isinstance(value, str) or not _SAFE_EXAMPLE.match(value):
            return False  # "?status=upcoming,past": query syntax, not a value
        fmt = schema.get("format")
        if fmt == "date-time":
            return bool(re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value))
        if fmt == "date":
            return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
        pattern = _regex(schema.get("pattern"))
        if pattern and not re.search(pattern, value):
            return False
        if len(value) < int(schema.get("minLength", 0)):
            return False
        return len(value) <= int(schema.get("maxLength", 10**9))
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and _in_range(schema, value)
    if kind == "number":
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and _in_range(schema, value)
        )
    if kind == "boolean":
        return isinstance(value, bool)
    return False


def _in_range(schema: dict[str, Any], value: float) -> bool:
    return schema.get("minimum", -(10**18)) <= value <= schema.get("maximum", 10**18)


def _regex(pattern: Any) -> str | None:
    """A schema's `pattern` as a Python regex: JavaScript literals (/^\\+[1-9]\\d+$/) lose
    their slashes; constant names that are not regexes ("TIME_FORMAT_HH_MM") are ignored."""
    if not isinstance(pattern, str) or re.fullmatch(r"[A-Z0-9_]+", pattern):
        return None
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        pattern = pattern[1:-1]
    try:
        re.compile(pattern)
    except re.error:
        return None
    return pattern


_PATTERN_CANDIDATES = (
    "+14155550123",
    "09:00",
    "2024-08-13",
    "example",
    "abc123",
    "ABC123",
    "#292929",
)


def synth_string(schema: dict[str, Any], name: str) -> str:
    fmt = schema.get("format")
    lowered = name.lower()
    pattern = _regex(schema.get("pattern"))
    if pattern:
        for candidate in _PATTERN_CANDIDATES:
            if re.search(pattern, candidate):
                return candidate
    if "phone" in lowered:
        return "+14155550123"
    if fmt == "date-time":
        return SYNTH_DATETIME
    if fmt == "date":
        return SYNTH_DATE
    if fmt == "email" or "email" in lowered:
        return "alice@example.com"
    if fmt in ("uri", "url") or lowered.endswith("url") or lowered.endswith("uri"):
        return "https://example.com/" + (re.sub(r"[^a-z0-9]+", "-", lowered) or "x")
    if fmt == "uuid":
        return "3f2a6c1e-8d7b-4c5a-9e0f-1b2c3d4e5f60"
    if lowered.endswith("timezone") or lowered == "tz":
        return "Europe/London"
    if lowered in ("start", "end") or lowered.endswith("time") and "zone" not in lowered:
        return SYNTH_DATETIME
    if lowered.endswith("uid"):
        return "2NtaeaVcKfpmSZ4CthFdfk"
    if lowered.endswith("slug"):
        return "example-slug"
    minimum = int(schema.get("minLength", 0))
    text = name or "value"
    return text + "x" * max(0, minimum - len(text))


# --- Spec-derived recordings ---------------------------------------------------------


def query_wire(value: Any, *, explode: bool) -> str | list[str]:
    """How a query parameter value goes on the wire (style form)."""

    def one(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        return str(item)

    if isinstance(value, list):
        return [one(v) for v in value] if explode else ",".join(one(v) for v in value)
    return one(value)


def deep_object_wire(name: str, value: Any) -> dict[str, str]:
    """A deepObject parameter as the pairs Cal.com's query parser reads: objects and
    lists spelled out in brackets (calendarsToLoad[0][credentialId]=1)."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return {name: query_wire(value, explode=True)}  # type: ignore[dict-item]
    pairs: dict[str, str] = {}
    for key, item in items:
        pairs.update(deep_object_wire(f"{name}[{key}]", item))
    return pairs


def _python_name(name: str, location: str, names: list[str]) -> str:
    from openapi_python_client.strings import PythonIdentifier

    for candidate in (name, f"{name}_{location}"):
        python = str(PythonIdentifier(candidate, "field_"))
        if python in names:
            return python
    if name in names:
        return name
    raise LookupError(f"parameter {name!r} ({location}) is not one of {names}")


def endpoint_module(op: SpecOperation) -> Any:
    return importlib.import_module(f"calcom._generated.api.{op.module}")


def spec_derived(
    spec: dict[str, Any], op: SpecOperation, synth: Synth | None = None
) -> dict[str, Any]:
    """A minimal valid recording of `op`, from the overlaid spec alone."""
    synth = synth or Synth(spec)
    synth.problems = []
    operation = op.operation
    build = endpoint_module(op)._get_kwargs
    signature = inspect.signature(build)
    names = list(signature.parameters)
    positional = [
        n
        for n, p in signature.parameters.items()
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]

    path_values: dict[str, Any] = {}
    args_by_name: dict[str, Any] = {}
    kwargs: dict[str, Any] = {}
    query: dict[str, Any] = {}
    for param in operation.get("parameters", []):
        location = param["in"]
        if location not in ("path", "query"):
            continue
        explode = param.get("explode", param.get("style", "form") == "form")
        schema = param.get("schema", {})
        optional_list = (
            location == "query"
            and not param.get("required")
            and schema.get("type") == "array"
            and isinstance(schema.get("example"), list)
            and len(schema["example"]) > 1
        )
        if location == "query" and not param.get("required") and not optional_list:
            default = schema.get("default")
            if default is not None:
                # The generated signature defaults the parameter to the spec's
                # default, so the client sends it even when the caller does not.
                query[param["name"]] = query_wire(default, explode=explode)
            continue
        value = synth.value(param.get("schema", {}), param["name"])
        python = _python_name(param["name"], location, names)
        if location == "path":
            path_values[param["name"]] = value
            args_by_name[python] = value
        else:
            kwargs[python] = value
            if param.get("style") == "deepObject":
                query.update(deep_object_wire(param["name"], value))
            else:
                query[param["name"]] = query_wire(value, explode=explode)
    args = [args_by_name[n] for n in positional if n in args_by_name]
    for name in args_by_name:
        if name not in positional:  # keyword-only path parameter: pass it by name
            kwargs[name] = args_by_name[name]

    path = op.path
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))

    request: dict[str, Any] = {"method": op.method, "path": path}
    if query:
        request["query"] = dict(sorted(query.items()))
    if op.api_version:
        request["headers"] = {"cal-api-version": op.api_version}
    request["auth"] = recording_auth(op.auth)

    call: dict[str, Any] = {"args": args, "kwargs": kwargs}
    body_schema = (
        (operation.get("requestBody") or {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    if body_schema is not None:
        body = sorted_json(synth.value(body_schema, "body"))
        kwargs["body"] = body
        request["body"] = body
    call["kwargs"] = dict(sorted(kwargs.items()))

    status, response_schema = success_response(operation)
    response: dict[str, Any] = {"status": status}
    if response_schema is not None:
        response["headers"] = {"content-type": "application/json"}
        response["body"] = sorted_json(synth.value(response_schema, "data"))
    recording = {
        "operation": op.operation_id,
        "provenance": "spec-derived",
        "source": "synthesised by scripts/recordings.py from the overlaid spec",
    }
    if synth.problems:
        recording["note"] = "spec problems: " + "; ".join(dict.fromkeys(synth.problems))
    recording |= {
        "call": call,
        "request": request,
        "response": response,
    }
    union_body = body_union_member(build, kwargs.get("body"))
    if union_body is not None:
        call["body_type"] = union_body
    return recording


def success_response(operation: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    for code, response in sorted(operation.get("responses", {}).items()):
        if code.startswith("2"):
            schema = (response.get("content") or {}).get("application/json", {}).get("schema")
            return int(code), schema
    return 200, None


# --- Calls: JSON arguments to the Python values an endpoint takes ---------------------


class _Models(dict[str, Any]):
    """Local names for evaluating generated annotations: endpoint modules import their
    models only under TYPE_CHECKING; the models package exports them lazily."""

    def __missing__(self, name: str) -> Any:
        models = importlib.import_module("calcom._generated.models")
        try:
            return getattr(models, name)
        except AttributeError:
            raise KeyError(name) from None


def type_hints(func: Any) -> dict[str, Any]:
    """`typing.get_type_hints` of a generated function, string annotations included."""
    import typing

    return typing.get_type_hints(func, globalns=func.__globals__, localns=_Models())


def _unset_type() -> type:
    from calcom._generated.types import Unset

    return Unset


def _members(hint: Any) -> list[Any]:
    import types
    import typing

    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        unset = _unset_type()
        return [m for m in typing.get_args(hint) if m is not type(None) and m is not unset]
    return [hint]


def _roundtrips(cls: type, value: dict[str, Any]) -> Any:
    """`cls.from_dict(value)` if it parses strictly and gives back exactly `value`."""
    import attrs
    from calcom._lenient import strict_parsing

    try:
        with strict_parsing():
            model = cls.from_dict(value)  # type: ignore[attr-defined]
            back = model.to_dict()
    except Exception:  # noqa: BLE001 - any failure means "not this member"
        return None
    if _json_differs(value, back):
        return None
    extra = getattr(model, "additional_properties", None)
    declared = [f.name for f in attrs.fields(cls) if f.name != "additional_properties"]
    if extra and declared:
        return None
    return model


def _json_differs(expected: Any, actual: Any) -> bool:
    from datetime import date, datetime

    def norm(v: Any) -> Any:
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, int | float):
            return float(v)
        if isinstance(v, datetime | date):
            return v.isoformat()
        if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", v):
            try:
                return datetime.fromisoformat(v).isoformat()
            except ValueError:
                return v
        if isinstance(v, dict):
            return {str(k): norm(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [norm(x) for x in v]
        return v

    return norm(expected) != norm(actual)


def body_union_member(build: Any, body: Any) -> str | None:
    """For a `body` annotated as a union of models, the name of the member `body` is."""

    import attrs

    if body is None:
        return None
    hint = type_hints(build).get("body")
    members = [m for m in _members(hint) if isinstance(m, type) and attrs.has(m)]
    if len(members) < 2:
        return None
    for member in members:
        if _roundtrips(member, body) is not None:
            return member.__name__
    return None


def convert(hint: Any, value: Any, *, type_name: str | None = None) -> Any:
    """The Python value of JSON `value` for a parameter annotated `hint`: models via
    `from_dict`, ISO strings to `datetime`/`date`, lists item by item."""
    import typing
    from datetime import date, datetime

    import attrs

    if value is None:
        return None
    members = _members(hint)
    if type_name is not None:
        named = [m for m in members if getattr(m, "__name__", None) == type_name]
        if not named:
            raise LookupError(
                f"{type_name} is not one of {[getattr(m, '__name__', m) for m in members]}"
            )
        members = named
    if len(members) > 1 and isinstance(value, dict):
        models = [m for m in members if isinstance(m, type) and attrs.has(m)]
        for model in models:
            parsed = _roundtrips(model, value)
            if parsed is not None:
                return parsed
    for member in members:
        origin = typing.get_origin(member)
        if member is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if member is date and isinstance(value, str):
            if datetime in members and "T" in value:
                continue  # `date | datetime` (slot ranges): a timestamp is the datetime
            return date.fromisoformat(value)
        if isinstance(member, type) and attrs.has(member) and isinstance(value, dict):
            return member.from_dict(value)  # type: ignore[attr-defined]
        if origin is list and isinstance(value, list):
            (item,) = typing.get_args(member) or (Any,)
            return [convert(item, v) for v in value]
    return value


def call_arguments(build: Any, call: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for `build` (an endpoint's `_get_kwargs`)."""
    hints = type_hints(build)
    signature = inspect.signature(build)
    positional = [
        n
        for n, p in signature.parameters.items()
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    args = [
        convert(hints.get(name, Any), value)
        for name, value in zip(positional, call.get("args") or [], strict=False)
    ]
    kwargs = {}
    for name, value in (call.get("kwargs") or {}).items():
        type_name = call.get("body_type") if name == "body" else None
        kwargs[name] = convert(hints.get(name, Any), value, type_name=type_name)
    return args, kwargs


# --- CLI ---------------------------------------------------------------------------------


def _generated_dir(option: str | None) -> Path:
    return Path(option or os.environ.get("CALCOM_GENERATED_DIR") or ROOT / "generated").resolve()


def _load_spec(generated: Path) -> dict[str, Any]:
    if str(generated) not in sys.path:
        sys.path.insert(0, str(generated))
    document: dict[str, Any] = json.loads((generated / "openapi.json").read_text())
    return document


def _check_body(spec: dict[str, Any], schema: dict[str, Any] | None, body: Any) -> list[str]:
    """Validation errors of `body` against `schema` (OpenAPI 3.0 schema object)."""
    if schema is None:
        return []
    from openapi_schema_validator import OAS30Validator

    document = {**copy.deepcopy(schema), "components": spec.get("components", {})}
    validator = OAS30Validator(document)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
        for e in validator.iter_errors(body)
    ]


def _write_missing(
    spec: dict[str, Any], directory: Path, only: set[str] | None, verbose: bool = False
) -> int:
    ops = spec_operations(spec)
    have = (
        {recording.operation for recording in load_all(directory)} if directory.is_dir() else set()
    )
    synth = Synth(spec)
    written = 0
    problems: list[str] = []
    for op_id, op in sorted(ops.items()):
        if op_id in have or (only and op_id not in only):
            continue
        target = recording_path(op.namespace, op_id, directory=directory)
        if target.exists():
            continue  # never overwrite (a file naming another operation sits there)
        recording = spec_derived(spec, op, synth)
        _, schema = success_response(op.operation)
        for error in _check_body(spec, schema, recording["response"].get("body")):
            problems.append(f"{op_id}: response body: {error}")
        body_schema = (
            (op.operation.get("requestBody") or {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        for error in _check_body(spec, body_schema, recording["request"].get("body")):
            problems.append(f"{op_id}: request body: {error}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_yaml(recording))
        written += 1
    print(f"wrote {written} spec-derived recording(s) under {directory}")
    if problems:
        # Mostly the spec's own inconsistencies (oneOf members that all match,
        # patterns that are constant names, ...): the contract test decides.
        print(f"{len(problems)} schema validation warning(s)", file=sys.stderr)
        for problem in problems if verbose else []:
            print(f"warning: {problem}", file=sys.stderr)
    return written


def _refresh(spec: dict[str, Any], directory: Path) -> int:
    """Rewrite the spec-derived recordings from the current overlaid spec (after an
    overlay changed what they should say). Observed and live ones are never touched."""
    ops = spec_operations(spec)
    synth = Synth(spec)
    changed = 0
    for recording in load_all(directory):
        if recording.provenance != "spec-derived" or recording.operation not in ops:
            continue
        text = dump_yaml(spec_derived(spec, ops[recording.operation], synth))
        if text != recording.path.read_text():
            recording.path.write_text(text)
            changed += 1
            print(f"refreshed {recording.id}")
    print(f"{changed} spec-derived recording(s) changed")
    return changed


def _sync(spec: dict[str, Any], directory: Path) -> int:
    """Follow renames: a recording whose operation is gone is re-pointed at the operation
    serving its method + path; any recording is moved to its namespace's folder."""
    ops = spec_operations(spec)
    moved = 0
    for recording in load_all(directory):
        op = ops.get(recording.operation)
        text = recording.path.read_text()
        if op is None:
            request = recording.request
            op = operation_serving(
                ops, str(request.get("method", "")), str(request.get("path", ""))
            )
            if op is None:
                print(
                    f"{recording.id}: no operation serves it any more; left alone", file=sys.stderr
                )
                continue
            text = re.sub(
                r"^operation: .*$", f"operation: {op.operation_id}", text, count=1, flags=re.M
            )
        target = recording_path(op.namespace, op.operation_id, recording.variant, directory)
        if target == recording.path and text == recording.path.read_text():
            continue
        if target.exists() and target != recording.path:
            print(f"{recording.id}: {target} exists; left alone", file=sys.stderr)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        if target != recording.path:
            recording.path.unlink()
        moved += 1
        print(f"{recording.id} -> {target.relative_to(directory).with_suffix('')}")
    for folder in sorted(directory.rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return moved


def best_provenance(ops: Iterable[str], items: Iterable[Recording]) -> dict[str, str | None]:
    """Per operation, the most real provenance among its 2xx recordings (live >
    observed > spec-derived), else among its error ones; None: no recording."""
    rank = {name: index for index, name in enumerate(PROVENANCES)}
    best: dict[str, tuple[int, int]] = {}
    for recording in items:
        key = (int(recording.is_error), rank.get(recording.provenance, len(PROVENANCES)))
        if recording.operation not in best or key < best[recording.operation]:
            best[recording.operation] = key
    return {
        op: PROVENANCES[best[op][1]] + (" (errors only)" if best[op][0] else "")
        if op in best and best[op][1] < len(PROVENANCES)
        else None
        for op in ops
    }


def coverage_counts(table: dict[str, str | None]) -> str:
    """One line: how many operations have which best provenance."""
    counts: dict[str, int] = {}
    for value in table.values():
        counts[value or "none"] = counts.get(value or "none", 0) + 1
    order = [*PROVENANCES, *(f"{p} (errors only)" for p in PROVENANCES), "none"]
    parts = [f"{counts[k]} {k}" for k in order if k in counts]
    return f"recordings: {len(table)} operations, best provenance: " + ", ".join(parts)


def _coverage(spec: dict[str, Any], directory: Path) -> int:
    table = best_provenance(sorted(spec_operations(spec)), load_all(directory))
    for op, provenance in table.items():
        print(f"{provenance or 'none':<28} {op}")
    print(coverage_counts(table))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", help="generated package folder (has openapi.json)")
    parser.add_argument("--dir", type=Path, default=RECORDINGS_DIR, help="recordings folder")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--missing", action="store_true", help="write recordings for operations lacking one"
    )
    mode.add_argument("--show", metavar="OPERATION_ID", help="print a spec-derived recording")
    mode.add_argument(
        "--coverage", action="store_true", help="print each operation's best provenance"
    )
    mode.add_argument("--sync", action="store_true", help="follow operationId / namespace renames")
    mode.add_argument(
        "--refresh",
        action="store_true",
        help="rewrite the spec-derived recordings from the current spec",
    )
    parser.add_argument("--only", nargs="*", help="with --missing: only these operationIds")
    parser.add_argument("-v", "--verbose", action="store_true", help="list schema warnings")
    options = parser.parse_args(argv)
    spec = _load_spec(_generated_dir(options.generated))
    if options.show:
        ops = spec_operations(spec)
        if options.show not in ops:
            parser.error(f"no operation {options.show!r} in the overlaid spec")
        print(dump_yaml(spec_derived(spec, ops[options.show])), end="")
        return 0
    if options.coverage:
        return _coverage(spec, options.dir)
    if options.sync:
        _sync(spec, options.dir)
        return 0
    if options.refresh:
        _refresh(spec, options.dir)
        return 0
    _write_missing(spec, options.dir, set(options.only) if options.only else None, options.verbose)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
