"""Write the client namespaces (`cal.bookings`, `cal.orgs.teams.memberships`, …).

Everything here is derived from the overlaid spec: each operation's namespace
and method come from its `x-calcom-namespace` / `x-calcom-method` extensions
(set in overlays/50-names.yaml), its api version from `x-cal-api-version`, its
credentials from `security`. One module per namespace under
calcom/_resources, so `cal.orgs` does not import the 100 org endpoints of its
children until they are used.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_python_client.strings import PythonIdentifier

sys.path.insert(0, str(Path(__file__).resolve().parent))

import namespace_stubs  # noqa: E402

METHODS = ("get", "put", "post", "delete", "patch")
GENERATED = "_generated"


@dataclass
class Op:
    path: str
    method: str
    operation_id: str
    namespace: str
    name: str
    tag: str
    module: str  # dotted path below calcom._generated.api
    api_version: str | None
    auth: str
    page_params: tuple[str, str] | None
    comma_params: tuple[str, ...]
    items: bool
    summary: str
    deprecated: bool


@dataclass
class Node:
    path: str  # dotted namespace, "" for the root
    ops: list[Op] = field(default_factory=list)
    children: dict[str, Node] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.path.replace(".", "__") or "_root"

    @property
    def class_name(self) -> str:
        return "".join(part.title().replace("_", "") for part in self.path.split(".")) or "Root"


def snake(text: str) -> str:
    text = re.sub(r"[^0-9a-zA-Z]+", " ", text)
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return "_".join(text.lower().split())


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _auth(operation: dict[str, Any]) -> str:
    """The operation's security requirements as "alt|alt", each alt "+"-joined:
    `bearer`, `client` (id and secret), `secret` (secret only), `none` (public)."""
    alternatives = []
    for requirement in operation.get("security", []):
        names = set(requirement)
        kinds = []
        if "bearer" in names:
            kinds.append("bearer")
        if {"clientId", "clientSecret"} <= names:
            kinds.append("client")
        elif "clientSecret" in names:
            kinds.append("secret")
        alternatives.append("+".join(kinds) or "none")
    return "|".join(alternatives) or "none"


def _lists_items(document: dict[str, Any], operation: dict[str, Any]) -> bool:
    for code, response in operation.get("responses", {}).items():
        if code.startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                body = _resolve(document, schema)
                data = body.get("properties", {}).get("data")
                if data and "data" in body.get("required", []):
                    return _resolve(document, data).get("type") == "array"
    return False


def collect(document: dict[str, Any]) -> list[Op]:
    ops = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["default"])[0]
            operation_id = operation["operationId"]
            namespace = operation.get("x-calcom-namespace") or ".".join(
                snake(part) for part in tag.replace("Deprecated:", "").split("/")
            )
            name = operation.get("x-calcom-method") or snake(operation_id.split("_")[-1])
            params = operation.get("parameters", [])
            query = {p["name"] for p in params if p.get("in") == "query"}
            page_params = None
            if {"take", "skip"} <= query:
                page_params = ("skip", "take")
            elif {"limit", "offset"} <= query:
                page_params = ("offset", "limit")
            comma = tuple(  # wire names: the runtime joins these query values
                p["name"] for p in params if p.get("in") == "query" and p.get("explode") is False
            )
            module = f"{PythonIdentifier(tag, 'tag')}.{PythonIdentifier(operation_id, 'field_')}"
            ops.append(
                Op(
                    path=path,
                    method=method.upper(),
                    operation_id=operation_id,
                    namespace=namespace,
                    name=name,
                    tag=tag,
                    module=module,
                    api_version=operation.get("x-cal-api-version"),
                    auth=_auth(operation),
                    page_params=page_params,
                    comma_params=comma,
                    items=_lists_items(document, operation),
                    summary=" ".join(str(operation.get("summary", "")).split()),
                    deprecated=bool(operation.get("deprecated")),
                )
            )
    return ops


def build_tree(ops: list[Op]) -> Node:
    root = Node("")
    for op in ops:
        node = root
        for part in op.namespace.split("."):
            node = node.children.setdefault(part, Node(f"{node.path}.{part}".lstrip(".")))
        node.ops.append(op)
    _check(root)
    return root


def _check(node: Node) -> None:
    names = [op.name for op in node.ops]
    clashes = {n for n in names if names.count(n) > 1} | (set(names) & set(node.children))
    bad = [n for n in names if not n.isidentifier() or keyword.iskeyword(n) or n.startswith("_")]
    if clashes or bad:
        raise ValueError(
            f"namespace {node.path or '<root>'}: method names clash or are not identifiers: "
            f"{sorted(clashes | set(bad))}; fix x-calcom-method in overlays/50-names.yaml"
        )
    for child in node.children.values():
        _check(child)


def walk(node: Node) -> list[Node]:
    nodes = [node]
    for child in node.children.values():
        nodes += walk(child)
    return nodes


def _endpoint_line(op: Op) -> str:
    alias = _alias(op)
    args = [
        f"{alias}._get_kwargs,",
        f"{alias}._parse_response,",
        "Operation(",
        f"    {op.operation_id!r}, {op.method!r}, {op.path!r}, {op.namespace!r},",
        f"    api_version={op.api_version!r}, auth={op.auth!r},",
    ]
    if op.page_params:
        args.append(f"    page_params={op.page_params!r},")
    if op.comma_params:
        args.append(f"    comma_params={op.comma_params!r},")
    args.append("),")
    paginated = bool(op.page_params and op.items)
    if paginated:
        args.append("items=lambda page: page.data,")
    kind = "PaginatedEndpoint" if paginated else "Endpoint"
    body = "\n        ".join(args)
    return f'    {op.name} = {kind}(\n        {body}\n    )\n    """{_doc(op)}"""\n'


def _alias(op: Op) -> str:
    # operationIds are unique, so the module name alone is a unique alias.
    return "_" + op.module.split(".")[1]


def _doc(op: Op) -> str:
    summary = op.summary.replace("\\", "\\\\").replace('"""', "'''") or op.operation_id
    version = f", cal-api-version {op.api_version}" if op.api_version else ""
    deprecated = " Deprecated upstream." if op.deprecated else ""
    return f"{summary}\n\n    `{op.method} {op.path}`{version}.{deprecated}\n    "


def render(node: Node) -> str:
    lines = [
        '"""Namespace `cal.' + (node.path or "") + '`: generated by scripts/namespaces.py."""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING",
        "",
        "from .._endpoint import (",
        "    AsyncResource, Endpoint, LazyModule, Operation, PaginatedEndpoint, SyncResource,",
        ")",
    ]
    ops = sorted(node.ops, key=lambda o: o.module)
    if node.children or ops:
        lines.append("")
        lines.append("if TYPE_CHECKING:")
        for child in node.children.values():
            lines.append(
                f"    from .{child.module} import {child.class_name}, Async{child.class_name}"
            )
        for op in ops:
            package, module = op.module.split(".")
            lines.append(f"    from ..{GENERATED}.api.{package} import {module} as {_alias(op)}")
    if ops:
        # Endpoint modules (and their models) are imported on an operation's first use.
        lines.append("else:")
        for op in ops:
            lines.append(
                f'    {_alias(op)} = LazyModule("..{GENERATED}.api.{op.module}", __package__)'
            )
    for prefix, base in (("", "SyncResource"), ("Async", "AsyncResource")):
        lines += ["", "", f"class {prefix}{node.class_name}({base}):"]
        title = f"`cal.{node.path}`" if node.path else "the client root"
        lines.append(f'    """Operations of {title}."""')
        lines.append("")
        for op in sorted(node.ops, key=lambda o: o.name):
            if prefix:
                lines.append(f"    {op.name} = {node.class_name}.{op.name}")
            else:
                lines.append(_endpoint_line(op))
        for name, child in node.children.items():
            lines += [
                "",
                "    @cached_property",
                f"    def {name}(self) -> {prefix}{child.class_name}:",
                f"        from .{child.module} import {prefix}{child.class_name}",
                "",
                f"        return {prefix}{child.class_name}(self._client)",
            ]
        if not node.ops and not node.children:
            lines.append("    pass")
    return "\n".join(lines) + "\n"


def write(document: dict[str, Any], package_dir: Path) -> list[Op]:
    ops = collect(document)
    root = build_tree(ops)
    out = package_dir / "_resources"
    out.mkdir(parents=True, exist_ok=True)
    (out / "__init__.py").write_text(
        '"""Generated namespaces; see calcom._client for the entry points."""\n'
    )
    api = package_dir / GENERATED / "api"
    facts = {}
    for op in ops:
        facts[op.operation_id] = namespace_stubs.read_endpoint(
            api.joinpath(*op.module.split(".")).with_suffix(".py"),
            f"calcom.{GENERATED}.api.{op.module}",
        )
        if op.page_params and op.items:
            namespace_stubs.read_item_type(
                package_dir / GENERATED / "models", facts[op.operation_id]
            )
    for node in walk(root):
        (out / f"{node.module}.py").write_text(render(node))
        # What type checkers and IDEs read instead of the lazy runtime module.
        (out / f"{node.module}.pyi").write_text(
            namespace_stubs.render(node, facts, node.class_name)
        )
    return ops
