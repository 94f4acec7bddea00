"""Render a browsable Markdown reference of the whole client surface.

    python scripts/reference.py [--generated-dir DIR] [--output DIR]

Writes into DIR/reference (default generated/reference, which is not
committed): index.md (the namespaces, how auth and versions read), one page
per top-level namespace (`cal.bookings`, `cal.orgs`, …) with every operation
of it and of its sub-namespaces — method, path, cal-api-version, the Python
call with its parameters and types, the result model, auth, the summary from
the spec — and models.md with every model class and its fields and every enum
with its values. The facts are scripts/surface_lock.py's (the generated code
read with `ast`); nothing is imported.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_python_client.strings import PythonIdentifier

sys.path.insert(0, str(Path(__file__).resolve().parent))

import namespace_stubs  # noqa: E402
import surface_lock  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "generated"
AUTH = {
    "bearer": "`Authorization: Bearer` (API key or access token)",
    "client": "platform OAuth client id + secret (`x-cal-client-id`, `x-cal-secret-key`)",
    "secret": "platform OAuth client secret (`x-cal-secret-key`)",
    "none": "no credentials (public)",
}


@dataclass
class Model:
    name: str
    module: str
    doc: str
    fields: list[dict[str, Any]] = field(default_factory=list)  # name, type, required, doc
    values: list[str] | None = None  # an enum (Literal alias)
    returned_by: set[str] = field(default_factory=set)
    sent_by: set[str] = field(default_factory=set)


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    return name.lower()


def read_models(generated_dir: Path) -> dict[str, Model]:
    models_dir = generated_dir / "calcom" / "_generated" / "models"
    models: dict[str, Model] = {}
    for path in sorted(models_dir.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                model = Model(node.name, path.stem, _first_paragraph(ast.get_docstring(node) or ""))
                body = node.body
                for i, item in enumerate(body):
                    if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                        continue
                    name = item.target.id
                    if name == "additional_properties" or name.startswith("_"):
                        continue
                    nxt = body[i + 1] if i + 1 < len(body) else None
                    doc = (
                        nxt.value.value
                        if isinstance(nxt, ast.Expr)
                        and isinstance(nxt.value, ast.Constant)
                        and isinstance(nxt.value.value, str)
                        else ""
                    )
                    model.fields.append(
                        {
                            "name": name,
                            "type": namespace_stubs.without_unset(item.annotation),
                            "required": item.value is None,
                            "doc": _first_paragraph(doc),
                        }
                    )
                models[node.name] = model
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Subscript)
                and ast.unparse(node.value.value) == "Literal"
            ):
                elements = node.value.slice
                items = elements.elts if isinstance(elements, ast.Tuple) else [elements]
                values = [
                    repr(e.value) if isinstance(e, ast.Constant) else ast.unparse(e) for e in items
                ]
                name = node.targets[0].id
                models[name] = Model(name, path.stem, "", values=values)
    return models


def _link_types(text: str, models: dict[str, Model], prefix: str = "models.md") -> str:
    """A type annotation with every model name linked to models.md (table-cell safe)."""

    def link(match: re.Match[str]) -> str:
        name = match.group(0)
        if name in models:
            return f"[{name}]({prefix}#{_anchor(name)})"
        return name

    return _md(re.sub(r"\b[A-Z][A-Za-z0-9_]*\b", link, text))


def _type_names(text: str) -> list[str]:
    return re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", text)


def _top(namespace: str) -> str:
    return namespace.split(".", 1)[0]


def _locations(document: dict[str, Any], method: str, path: str) -> dict[str, str]:
    """Python parameter name -> where the parameter goes (path, query, header, body)."""
    operation = document["paths"][path][method.lower()]
    where = {"body": "body"}
    for param in operation.get("parameters") or []:
        if isinstance(param, dict) and "name" in param:
            where[str(PythonIdentifier(param["name"], "field_"))] = str(param.get("in", ""))
    return where


def _operation(
    row: dict[str, Any], models: dict[str, Model], locations: dict[str, str]
) -> list[str]:
    op = row["op"]
    name = f"cal.{op.namespace}.{op.name}"
    lines = [f'<a id="{_anchor(name)}"></a>', f"### `{name}`", ""]
    if op.summary:
        lines += [op.summary, ""]
    version = f"`{row['api_version']}`" if row["api_version"] != "-" else "none"
    auth = " or ".join(
        " + ".join(f"`{part}`" for part in alternative.split("+"))
        for alternative in row["auth"].split("|")
    )
    facts = [
        f"- **HTTP:** `{row['method']} {row['path']}`",
        f"- **cal-api-version:** {version}",
        f"- **Auth:** {auth}",
        f"- **Returns:** {_link_types(row['result'], models)}",
        f"- **Endpoint module:** `calcom._generated.api.{row['module']}`",
    ]
    if op.page_params and op.items:
        facts.append(
            f"- **Paginated:** `{name}.iter(...)` yields every item of `data`, "
            f"paging with `{op.page_params[0]}`/`{op.page_params[1]}`"
        )
    if op.deprecated:
        facts.append("- **Deprecated upstream.**")
    lines += facts + ["", "```python", f"{row['call']} -> {row['result']}", "```", ""]
    if row["params"]:
        lines += [
            "| Parameter | Type | Required | Default | In | Description |",
            "|---|---|---|---|---|---|",
        ]
        descriptions = row.get("descriptions", {})
        for param in row["params"]:
            where = locations.get(param["name"], "path" if param["positional"] else "body field")
            default = param["default"]
            shown = "" if default in (None, "UNSET") else f"`{_md(default)}`"
            required = "no"
            if default is None:
                required = "yes, unless `body=`" if param.get("body_field") else "yes"
            lines.append(
                f"| `{param['name']}` | {_link_types(param['type'] or 'Any', models)} | "
                f"{required} | {shown} | {where} | {_md(descriptions.get(param['name'], ''))} |"
            )
        lines.append("")
    lines += ["Example:", "", "```python", *example(row), "```", ""]
    return lines


_PLACEHOLDERS = {"str": '"..."', "int": "123", "float": "1.5", "bool": "True"}


def _placeholder(type_text: str | None) -> str:
    first = (type_text or "").split(" | ")[0].strip()
    if first in _PLACEHOLDERS:
        return _PLACEHOLDERS[first]
    if first.startswith("list["):
        return f"[{_placeholder(first[5:-1])}]"
    if first == "datetime.datetime":
        return "datetime(2026, 12, 1, 10, tzinfo=timezone.utc)"
    if re.fullmatch(r"[A-Z][A-Za-z0-9_]*", first):
        return f"{first}(...)"
    return "..."


def example(row: dict[str, Any]) -> list[str]:
    """A short call with every required argument (placeholder values)."""
    op = row["op"]
    name = f"cal.{op.namespace}.{op.name}"
    args = []
    for param in row["params"]:
        if param["default"] is not None:
            continue
        value = _placeholder(param["type"])
        args.append(value if param["positional"] else f"{param['name']}={value}")
    call = f"{name}({', '.join(args)})"
    if op.page_params and op.items:
        return [f"page = {call}", f"for item in {name}.iter({', '.join(args)}):", "    ..."]
    return [f"result = {call}"]


def render(generated_dir: Path, output: Path) -> dict[str, Path]:
    """Write the reference; returns {page name: path}."""
    rows = surface_lock.entries(generated_dir)
    document = json.loads((generated_dir / "openapi.json").read_text())
    models = read_models(generated_dir)
    for row in rows:
        call = f"cal.{row['namespace']}.{row['name']}"
        for name in _type_names(row["result"]):
            if name in models:
                models[name].returned_by.add(call)
        for param in row["params"]:
            if param["name"] == "body" and param["type"]:
                for name in _type_names(param["type"]):
                    if name in models:
                        models[name].sent_by.add(call)

    by_top: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_top[_top(row["namespace"])].append(row)
    output.mkdir(parents=True, exist_ok=True)
    pages: dict[str, Path] = {}

    for top, top_rows in sorted(by_top.items()):
        lines = [
            f"# `cal.{top}`",
            "",
            f"{len(top_rows)} operations. [Index](index.md) · [Models](models.md)",
            "",
        ]
        sub: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in top_rows:
            sub[row["namespace"]].append(row)
        if len(sub) > 1:
            lines += ["Namespaces:", ""]
            lines += [
                f"- [`cal.{ns}`](#{_anchor('ns-' + ns)}) ({len(ns_rows)})"
                for ns, ns_rows in sorted(sub.items())
            ]
            lines.append("")
        for ns, ns_rows in sorted(sub.items()):
            lines += [f'<a id="{_anchor("ns-" + ns)}"></a>', f"## `cal.{ns}`", ""]
            lines += [
                f"- [`{row['name']}`](#{_anchor(f'cal.{ns}.' + row['name'])}): "
                f"`{row['method']} {row['path']}`"
                for row in ns_rows
            ]
            lines.append("")
            for row in ns_rows:
                locations = _locations(document, row["method"], row["path"])
                lines += _operation(row, models, locations)
        path = output / f"{top}.md"
        path.write_text("\n".join(lines).rstrip() + "\n")
        pages[top] = path

    enums = sorted((m for m in models.values() if m.values is not None), key=lambda m: m.name)
    classes = sorted((m for m in models.values() if m.values is None), key=lambda m: m.name)
    lines = [
        "# Models",
        "",
        f"{len(classes)} model classes and {len(enums)} enums, importable from `calcom.models`. "
        "Fields without a default are required; optional ones are `UNSET` when absent. "
        "Fields the spec does not declare land in `additional_properties`. "
        "[Index](index.md)",
        "",
        "## Classes",
        "",
    ]
    for model in classes:
        lines += [f'<a id="{_anchor(model.name)}"></a>', f"### `{model.name}`", ""]
        if model.doc:
            lines += [model.doc, ""]
        uses = []
        if model.returned_by:
            uses.append("Returned by " + ", ".join(f"`{c}`" for c in sorted(model.returned_by)))
        if model.sent_by:
            uses.append("Body of " + ", ".join(f"`{c}`" for c in sorted(model.sent_by)))
        if uses:
            lines += ["; ".join(uses) + ".", ""]
        if model.fields:
            lines += ["| Field | Type | Required | Description |", "|---|---|---|---|"]
            for item in model.fields:
                lines.append(
                    f"| `{item['name']}` | {_link_types(item['type'], models, '')} | "
                    f"{'yes' if item['required'] else 'no'} | {_md(item['doc'])} |"
                )
            lines.append("")
    lines += ["## Enums", "", "Plain strings (`Literal` types); unknown values are kept.", ""]
    for model in enums:
        values = ", ".join(f"`{v}`" for v in model.values or [])
        lines += [f'<a id="{_anchor(model.name)}"></a>', f"### `{model.name}`", "", values, ""]
    path = output / "models.md"
    path.write_text("\n".join(lines).rstrip() + "\n")
    pages["models"] = path

    lines = [
        "# calcom-client reference",
        "",
        f"{len(rows)} operations in {len(by_top)} top-level namespaces; "
        f"[{len(classes)} models and {len(enums)} enums](models.md). Generated by "
        "`nox -s docs` from the generated package; the one-line-per-operation form of "
        "this surface is spec/surface.lock.",
        "",
        "| Namespace | Operations |",
        "|---|---|",
    ]
    lines += [
        f"| [`cal.{top}`]({top}.md) | {len(top_rows)} |" for top, top_rows in sorted(by_top.items())
    ]
    lines += [
        "",
        "Every call is also `await`-able on `AsyncCal`, and has `.with_raw_response(...)` "
        "and `.with_options(...)`.",
        "",
        "**Auth** of an operation lists its alternatives (`or`); `+` means together:",
        "",
    ]
    lines += [f"- `{key}`: {text}" for key, text in AUTH.items()]
    lines += [
        "",
        "**cal-api-version** is sent automatically; override it per client "
        "(`api_versions=`) or per call (`.with_options(api_version=...)`).",
    ]
    path = output / "index.md"
    path.write_text("\n".join(lines) + "\n")
    pages["index"] = path
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--output", type=Path, help="default: <generated-dir>/reference")
    args = parser.parse_args(argv)
    output = args.output or args.generated_dir / "reference"
    try:
        pages = render(args.generated_dir, output)
    except surface_lock.SurfaceLockError as exc:
        print(f"reference: {exc}", file=sys.stderr)
        return 2
    print(f"reference: {len(pages)} pages in {output} (start at {pages['index']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
