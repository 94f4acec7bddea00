"""The typed view of the namespaces: one `.pyi` stub beside each calcom/_resources module.

At runtime a method is a small descriptor (calcom._endpoint) that imports its
endpoint module on first use. Type checkers and IDEs read this stub instead:
every method is a class of its own whose `__call__` has the real parameters
(copied from the generated `_get_kwargs`, read with `ast`), the docstring with
the parameter descriptions, the route, the api version and the return type;
`with_raw_response`, `with_options` and, for paginated operations, `iter` and
`pages` with precise item types. When a body is required and its fields are
keyword arguments, two overloads say "pass `body=`, or pass the fields, the
required ones included".
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from namespaces import Node, Op

PACKAGE = "calcom"


@dataclass
class Param:
    name: str
    annotation: str | None
    default: str | None  # None: required
    positional: bool


@dataclass
class Facts:
    """What the stub needs of one generated endpoint module."""

    params: list[Param]
    result: str
    doc: str
    body_fields: tuple[str, ...]
    required_fields: tuple[str, ...]
    imports: dict[str, str]  # name -> import line, for the names annotations use
    item: str | None = None  # the item type of a paginated result's `data`
    item_imports: dict[str, str] = field(default_factory=dict)


def _absolute(module: str, level: int, package: str) -> str:
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)] if level else []
    return ".".join([*base, *([module] if module else [])])


def _import_table(tree: ast.Module, package: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node.module or "", node.level, package)
            for alias in node.names:
                name = alias.asname or alias.name
                table[name] = f"from {source} import {alias.name}" + (
                    f" as {alias.asname}" if alias.asname else ""
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                table[name] = f"import {alias.name}"
    return table


def _tuple_constant(tree: ast.Module, name: str) -> tuple[str, ...]:
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            value = ast.literal_eval(node.value)
            return tuple(value)
    return ()


def _params(function: ast.FunctionDef) -> list[Param]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    pairs = [(a, d, True) for a, d in zip(positional, defaults, strict=True)]
    pairs += [(a, d, False) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    return [
        Param(
            arg.arg,
            ast.unparse(arg.annotation) if arg.annotation is not None else None,
            ast.unparse(default) if default is not None else None,
            is_positional,
        )
        for arg, default, is_positional in pairs
    ]


def read_endpoint(module: Path, dotted: str) -> Facts:
    """Facts of the endpoint module `module` (dotted: calcom._generated.api.<tag>.<name>)."""
    tree = ast.parse(module.read_text(), filename=str(module))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    build, parse = functions["_get_kwargs"], functions["_parse_response"]
    return Facts(
        params=_params(build),
        result=ast.unparse(parse.returns) if parse.returns is not None else "Any",
        doc=ast.get_docstring(build) or "",
        body_fields=_tuple_constant(tree, "_BODY_FIELDS"),
        required_fields=_tuple_constant(tree, "_REQUIRED_BODY_FIELDS"),
        imports=_import_table(tree, dotted.rsplit(".", 1)[0]),
    )


def read_item_type(models_dir: Path, facts: Facts) -> None:
    """Fill `facts.item`: the element type of the result model's `data: list[...]`."""
    line = facts.imports.get(facts.result, "")
    if not line.startswith(f"from {PACKAGE}._generated.models."):
        return
    module_name = line.split()[1]
    path = models_dir / f"{module_name.rsplit('.', 1)[1]}.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == facts.result:
            for item in node.body:
                if (
                    isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                    and item.target.id == "data"
                    and isinstance(item.annotation, ast.Subscript)
                    and ast.unparse(item.annotation.value) == "list"
                ):
                    facts.item = ast.unparse(item.annotation.slice)
                    facts.item_imports = _import_table(tree, module_name.rsplit(".", 1)[0])
                    return


def without_unset(annotation: str | ast.expr) -> str:
    """`int | None | Unset` -> `int | None`: the members of a union, minus Unset
    (also for scripts/surface_lock.py and scripts/reference.py)."""
    node = ast.parse(annotation, mode="eval").body if isinstance(annotation, str) else annotation
    members: list[ast.expr] = []

    def split(expr: ast.expr) -> None:
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            split(expr.left)
            split(expr.right)
        else:
            members.append(expr)

    split(node)
    kept = [ast.unparse(m) for m in members if ast.unparse(m) != "Unset"]
    return " | ".join(kept) or ast.unparse(node)


def _render_params(params: list[Param]) -> str:
    parts = ["self"]
    star = False
    for param in params:
        if not param.positional and not star:
            parts.append("*")
            star = True
        text = param.name
        if param.annotation is not None:
            text += f": {param.annotation}"
        if param.default is not None:
            text += f" = {param.default}"
        parts.append(text)
    return ", ".join(parts)


def signatures(facts: Facts) -> list[list[Param]]:
    """The call's parameter lists: one, or two overloads (`body=` / the fields)."""
    if not facts.required_fields:
        return [facts.params]
    fields = set(facts.body_fields)
    with_body = []
    with_fields = []
    for param in facts.params:
        if param.name == "body":
            annotation = without_unset(param.annotation) if param.annotation else None
            with_body.append(Param("body", annotation, None, param.positional))
        elif param.name in facts.required_fields:
            annotation = without_unset(param.annotation) if param.annotation else None
            with_fields.append(Param(param.name, annotation, None, param.positional))
        elif param.name in fields:
            with_fields.append(param)
        else:
            with_body.append(param)
            with_fields.append(param)
    return [with_body, with_fields]


def required_params(facts: Facts) -> list[Param]:
    """One parameter list for runtime introspection and the docs: the fields every
    variant of the body needs are required (unless `body=` is given)."""
    return [
        Param(p.name, without_unset(p.annotation) if p.annotation else None, None, p.positional)
        if p.name in facts.required_fields
        else p
        for p in facts.params
    ]


def method_doc(op: Op, facts: Facts) -> str:
    """The docstring users see (help(), IDE hovers, the stubs): what, where, returns, args."""
    version = f", cal-api-version {op.api_version}" if op.api_version else ""
    lines = [
        op.summary or op.operation_id,
        "",
        f"`{op.method} {op.path}`{version}. Returns `{facts.result}`.",
    ]
    if op.page_params and op.items:
        lines.append(f"`.iter(...)` yields every item of `data` across pages ({facts.item}).")
    if facts.required_fields:
        required = ", ".join(f"`{name}`" for name in facts.required_fields)
        lines.append(f"Required: {required} (or a model as `body=`).")
    if op.deprecated:
        lines.append("Deprecated upstream.")
    body = facts.doc
    paragraphs = body.split("\n\n", 1)
    if op.summary and paragraphs and " ".join(paragraphs[0].split()) == op.summary:
        body = paragraphs[1] if len(paragraphs) > 1 else ""
    body = body.strip("\n")
    if body:
        lines += ["", body]
    return "\n".join(lines)


def _docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = text.strip("\n").splitlines() or [""]
    if len(lines) == 1:
        return f'{indent}"""{lines[0].strip()}"""'
    body = "\n".join((indent + line) if line.strip() else "" for line in lines)
    return f'{indent}"""{body.lstrip()}\n{indent}"""'


def method_class(name: str, op: Op, facts: Facts, *, is_async: bool) -> list[str]:
    base = "AsyncMethod" if is_async else "SyncMethod"
    prefix = "async " if is_async else ""
    result = facts.result
    sigs = signatures(facts)
    doc = method_doc(op, facts)
    lines = [f"class {name}({base}):", _docstring(doc, "    "), ""]
    for method, returns in (("__call__", result), ("with_raw_response", f"APIResponse[{result}]")):
        for i, params in enumerate(sigs):
            if len(sigs) > 1:
                lines.append("    @overload")
            lines.append(f"    {prefix}def {method}({_render_params(params)}) -> {returns}:")
            if method == "__call__" and i == 0:
                lines.append(_docstring(doc, "        "))
            else:
                lines.append("        ...")
    if op.page_params and op.items and facts.item and len(sigs) == 1:
        iterator = "AsyncIterator" if is_async else "Iterator"
        params = _render_params(sigs[0])
        lines += [
            f"    def pages({params}) -> {iterator}[{result}]:",
            '        """Every page, from the given offset on, until the server has no more."""',
            f"    def iter({params}) -> {iterator}[{facts.item}]:",
            '        """Every item of every page."""',
        ]
    return lines


def _names(annotation: str) -> set[str]:
    return {
        node.id
        for node in ast.walk(ast.parse(annotation, mode="eval"))
        if isinstance(node, ast.Name)
    }


def render(node: Node, facts: dict[str, Facts], class_name: str) -> str:
    """The stub of one namespace module (`class_name`: the node's sync class)."""
    imports: set[str] = {
        "from collections.abc import AsyncIterator, Iterator",
        "from typing import Any, overload",
        f"from {PACKAGE}._endpoint import APIResponse, AsyncMethod, AsyncResource, "
        "SyncMethod, SyncResource",
        f"from {PACKAGE}._generated.types import UNSET, Unset",
    }
    body: list[str] = []
    declared: dict[str, str] = {}
    ops = sorted(node.ops, key=lambda o: o.name)
    for child in node.children.values():
        for prefix in ("", "Async"):
            declared[prefix + child.class_name] = f"namespace {child.path}"
            imports.add(
                f"from {PACKAGE}._resources.{child.module} import {prefix}{child.class_name}"
            )
    for prefix in ("", "Async"):
        lines = [
            f"class {prefix}{class_name}({'Async' if prefix else 'Sync'}Resource):",
            f'    """Operations of `cal.{node.path}`."""' if node.path else '    """The root."""',
            "",
        ]
        for name, child in node.children.items():
            lines += [
                "    @property",
                f"    def {name}(self) -> {prefix}{child.class_name}: ...",
            ]
        for op in ops:
            method_name = f"{prefix}{class_name}{_camel(op.name)}"
            lines.append(f"    {op.name}: {method_name}")
            lines.append(_docstring(f"{op.summary or op.operation_id}", "    "))
        if len(lines) == 3:
            lines.append("    ...")
        body += lines + ["", ""]
    for op in ops:
        op_facts = facts[op.operation_id]
        for prefix in ("", "Async"):
            name = f"{prefix}{class_name}{_camel(op.name)}"
            if name in declared:
                raise ValueError(
                    f"stub class {name} ({op.operation_id}) clashes with {declared[name]}"
                )
            declared[name] = op.operation_id
            body += method_class(name, op, op_facts, is_async=bool(prefix)) + ["", ""]
        used: set[str] = set()
        for params in signatures(op_facts):
            for param in params:
                if param.annotation:
                    used |= _names(param.annotation)
        used |= _names(op_facts.result)
        for name in used:
            if name in op_facts.imports:
                imports.add(op_facts.imports[name])
        if op_facts.item:
            for name in _names(op_facts.item):
                if name in op_facts.item_imports:
                    imports.add(op_facts.item_imports[name])
    header = [
        f'"""Typed view of the namespace `cal.{node.path}`: generated by scripts/namespaces.py."""',
        "",
        *sorted(imports),
        "",
        "",
    ]
    return "\n".join(header + body).rstrip() + "\n"


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


_ARG = re.compile(r"^(?P<indent>\s+)(?P<name>[a-z_][a-z0-9_]*) \((?P<rest>.*)$")


def param_descriptions(doc: str) -> dict[str, str]:
    """`name -> description` from the Args / Body fields sections of a generated docstring
    (`name (type): text`, the type and the text continued on more deeply indented lines)."""
    found: dict[str, str] = {}
    current: str | None = None
    in_type = False
    depth = 0
    for line in doc.splitlines():
        match = _ARG.match(line)
        indent = len(line) - len(line.lstrip())
        if match and (current is None or indent <= depth):
            current, depth = match["name"], len(match["indent"])
            rest = match["rest"]
            in_type = "):" not in rest
            found[current] = "" if in_type else rest.split("):", 1)[1].strip()
        elif current is not None and line.strip() and indent > depth:
            text = line.strip()
            if in_type:
                if "):" not in text:
                    continue
                in_type = False
                text = text.split("):", 1)[1].strip()
            found[current] = f"{found[current]} {text}".strip()
        else:
            current = None
    return found
