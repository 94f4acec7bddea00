"""The surface lock: one line per public operation of a generated package.

spec/surface.lock is committed so that every change of the public surface
(an overlay edit, a generator bump, a new pinned spec) shows up as a reviewable
diff. Each line holds facts only, never prose from the spec:

    METHOD /path  cal-api-version|-  cal.<namespace>.<method>(<params>)  auth=<auth>  -> <Result>

sorted by namespace, then method. Parameters are those of the generated
`_get_kwargs` (the Python call): path parameters positional, then `*`, then the
keyword-only ones; a parameter without a default is required, an optional one
shows its default (`UNSET`: not sent). A body field without a default is one
every variant of the body requires: required unless the body is passed as
`body=`. `| Unset` is left out of annotations (the default already says the
parameter is optional). The result is the return annotation of the module's
`_parse_response`; `auth` is scripts/namespaces.py's ("bearer", "client",
"secret", "none"; "+" = together, "|" = alternatives).

The generated modules are parsed with `ast`, never imported.

    python scripts/surface_lock.py [generated-dir] [--check LOCK]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import namespace_stubs  # noqa: E402
import namespaces  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "generated"
LOCK_FILE = ROOT / "spec" / "surface.lock"
PACKAGE = "calcom"
HEADER = (
    "# calcom-client public surface: one line per operation, written by scripts/surface_lock.py\n"
    "# on `nox -s generate`. Do not edit; review its diff. Fields: METHOD path, cal-api-version\n"
    "# (- = none), the Python call (no default = required; a body field: unless body= is given),\n"
    "# auth, -> result model.\n"
)


class SurfaceLockError(Exception):
    """The generated tree does not have what the lock is made of."""


def _functions(module: Path) -> dict[str, ast.FunctionDef]:
    try:
        tree = ast.parse(module.read_text(), filename=str(module))
    except (OSError, SyntaxError) as exc:
        raise SurfaceLockError(f"cannot parse endpoint module {module}: {exc}") from exc
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _module_tree(module: Path) -> ast.Module:
    return ast.parse(module.read_text(), filename=str(module))


def parameters(function: ast.FunctionDef) -> list[dict[str, Any]]:
    """The parameters of a `_get_kwargs`: name, type (without Unset), default (None:
    required) and whether it is positional (a path parameter)."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    pairs = [(a, d, True) for a, d in zip(positional, defaults, strict=True)]
    pairs += [(a, d, False) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    return [
        {
            "name": arg.arg,
            "type": namespace_stubs.without_unset(arg.annotation)
            if arg.annotation is not None
            else None,
            "default": ast.unparse(default) if default is not None else None,
            "positional": is_positional,
        }
        for arg, default, is_positional in pairs
    ]


def signature(params: list[dict[str, Any]]) -> str:
    """A parameter list as the lock shows it: `a: str, *, b: int = UNSET`."""
    parts = []
    for i, param in enumerate(params):
        if not param["positional"] and (i == 0 or params[i - 1]["positional"]):
            parts.append("*")
        text = param["name"]
        if param["type"] is not None:
            text += f": {param['type']}"
        if param["default"] is not None:
            text += f" = {param['default']}"
        parts.append(text)
    return ", ".join(parts)


def result(function: ast.FunctionDef) -> str:
    return ast.unparse(function.returns) if function.returns is not None else "Any"


def entries(generated_dir: Path) -> list[dict[str, Any]]:
    """One dict per operation, sorted by namespace and method: the lock's fields, plus
    `params` (see parameters()), `descriptions` (parameter name -> the spec's text) and
    `op` (scripts/namespaces.py's Op, which also has the summary the lock leaves out)."""
    generated_dir = Path(generated_dir)
    spec_file = generated_dir / "openapi.json"
    api = generated_dir / PACKAGE / "_generated" / "api"
    if not spec_file.is_file() or not api.is_dir():
        raise SurfaceLockError(
            f"no generated tree under {generated_dir} (need openapi.json and {PACKAGE}/): "
            "run `nox -s generate`"
        )
    document = json.loads(spec_file.read_text())
    rows = []
    for op in namespaces.collect(document):
        module = api.joinpath(*op.module.split(".")).with_suffix(".py")
        if not module.is_file():
            raise SurfaceLockError(
                f"{op.method} {op.path}: endpoint module {module.relative_to(generated_dir)} "
                "is missing (the generator skipped the operation?)"
            )
        functions = _functions(module)
        if "_get_kwargs" not in functions or "_parse_response" not in functions:
            raise SurfaceLockError(f"{module}: no _get_kwargs/_parse_response")
        params = parameters(functions["_get_kwargs"])
        # Body fields every variant of a required body needs: required unless body= is given.
        required = namespace_stubs._tuple_constant(_module_tree(module), "_REQUIRED_BODY_FIELDS")
        for param in params:
            if param["name"] in required:
                param["default"] = None
                param["body_field"] = True
        rows.append(
            {
                "namespace": op.namespace,
                "name": op.name,
                "method": op.method,
                "path": op.path,
                "api_version": op.api_version or "-",
                "call": f"cal.{op.namespace}.{op.name}({signature(params)})",
                "auth": op.auth,
                "result": result(functions["_parse_response"]),
                "operation_id": op.operation_id,
                "module": op.module,
                "params": params,
                "descriptions": namespace_stubs.param_descriptions(
                    ast.get_docstring(functions["_get_kwargs"]) or ""
                ),
                "op": op,
            }
        )
    rows.sort(key=lambda r: (r["namespace"], r["name"]))
    return rows


def line(row: dict[str, Any]) -> str:
    return (
        f"{row['method']} {row['path']}  {row['api_version']}  {row['call']}  "
        f"auth={row['auth']}  -> {row['result']}"
    )


def render(generated_dir: Path = DEFAULT_DIR) -> str:
    """The text of the surface lock of a generated output folder."""
    return HEADER + "".join(line(row) + "\n" for row in entries(generated_dir))


def diff(old: str, new: str, old_name: str = "a", new_name: str = "b") -> list[str]:
    """Unified diff lines (without the trailing newlines) between two locks."""
    return [
        text.rstrip("\n")
        for text in difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            old_name,
            new_name,
            n=0,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("generated_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument(
        "--check",
        type=Path,
        metavar="LOCK",
        help="compare with this lock file instead of printing; exit 1 if it differs",
    )
    args = parser.parse_args(argv)
    try:
        text = render(args.generated_dir)
    except SurfaceLockError as exc:
        print(f"surface_lock: {exc}", file=sys.stderr)
        return 2
    if args.check is None:
        sys.stdout.write(text)
        return 0
    current = args.check.read_text() if args.check.is_file() else ""
    changes = diff(current, text, str(args.check), "generated")
    print("\n".join(changes) if changes else f"{args.check} is up to date")
    return 1 if changes else 0


if __name__ == "__main__":
    raise SystemExit(main())
