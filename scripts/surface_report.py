"""Surface report: what a generated package still gets wrong about its public surface.

Reads a generated output folder (`scripts/generate.py --output`, default
generated/): the package under calcom/ and the overlaid spec it was generated
from (openapi.json). Counts, each of which should be 0 once the overlays are
complete:

- credential_params: generated `_get_kwargs` functions that take a credential
  (`authorization`, `x_cal_client_id`, `x_cal_secret_key`) as a parameter,
  instead of the client injecting it;
- float_path_params: path parameters annotated `float` (ids are integers);
- api_version_problems: operations of the versioned families (bookings, slots,
  event types, schedules) whose `x-cal-api-version` is missing or wrong;
- noisy_names: public names (operationIds, endpoint modules, namespace classes
  and methods, model classes and type aliases) carrying an upstream controller
  name or a date token;

and compares the number of operations in the spec with the number of endpoint
modules (`operations`, `endpoint_modules`). The code is read with `ast`, never
imported, so a broken tree still gets a report.

    python scripts/surface_report.py [generated-dir] [--check]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "generated"
PACKAGE = "calcom"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

CREDENTIALS = ("authorization", "x_cal_client_id", "x_cal_secret_key")
NOISE = re.compile(r"controller|20\d\d_?\d\d_?\d\d|_20\d\d", re.IGNORECASE)
# The api version each family must send, as the pinned spec's `cal-api-version`
# headers demand ("Must be set to …"). Event types: only the collection and the
# item; their webhooks and private links are unversioned controllers.
VERSIONED_FAMILIES = (
    ("bookings", re.compile(r"^/v2/bookings(/.*)?$"), "2024-08-13"),
    ("slots", re.compile(r"^/v2/slots(/.*)?$"), "2024-09-04"),
    ("event types", re.compile(r"^/v2/event-types(/\{[^/]+\})?$"), "2024-06-14"),
    ("schedules", re.compile(r"^/v2/schedules(/.*)?$"), "2024-06-11"),
)

CHECKS = ("credential_params", "float_path_params", "api_version_problems", "noisy_names")


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS and isinstance(operation, dict)
    ]


def _endpoint_modules(package: Path) -> list[Path]:
    api = package / "_generated" / "api"
    return sorted(p for p in api.glob("*/*.py") if p.name != "__init__.py")


def _get_kwargs(tree: ast.Module) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_get_kwargs":
            return node
    return None


def _arguments(function: ast.FunctionDef) -> list[ast.arg]:
    args = function.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


def _path_parameters(function: ast.FunctionDef) -> set[str]:
    """Names substituted into the url template: `"url": "/v2/x/{a}".format(a=…)`."""
    names: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value == "url"):
                continue
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                template = value.func.value
                if isinstance(template, ast.Constant) and isinstance(template.value, str):
                    names |= set(re.findall(r"\{(\w+)\}", template.value))
                names |= {kw.arg for kw in value.keywords if kw.arg}
            elif isinstance(value, ast.JoinedStr):
                names |= {
                    part.value.id
                    for part in value.values
                    if isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name)
                }
    return names


def _is_float(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    return "float" in re.findall(r"\w+", ast.unparse(annotation))


def _model_names(tree: ast.Module) -> list[str]:
    """Public classes and type aliases (`Name = Literal[…]`) of a model module."""
    names = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                # CamelCase only: CONSTANTS and functions' helpers are not type names.
                if isinstance(target, ast.Name) and target.id[:1].isupper():
                    if not target.id.isupper():
                        names.append(target.id)
    return names


def _namespace_names(tree: ast.Module) -> list[str]:
    """Namespace classes and what they expose: endpoint attributes and child namespaces."""
    names = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        names.append(node.name)
        for item in node.body:
            if isinstance(item, ast.Assign):
                names += [t.id for t in item.targets if isinstance(t, ast.Name)]
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                names.append(item.target.id)
            elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                if not item.name.startswith("_"):
                    names.append(item.name)
    return names


def report(generated_dir: Path | str = DEFAULT_DIR) -> dict[str, Any]:
    """The surface report of one generated output folder.

    Returns {"counts": {check: int, "operations": int, "endpoint_modules": int},
    "details": {check: [str, …]}}.
    """
    generated_dir = Path(generated_dir)
    package = generated_dir / PACKAGE
    spec_file = generated_dir / "openapi.json"
    if not (package / "__init__.py").is_file() or not spec_file.is_file():
        raise FileNotFoundError(f"no generated package and openapi.json under {generated_dir}")
    spec: dict[str, Any] = json.loads(spec_file.read_text())
    details: dict[str, list[str]] = {check: [] for check in CHECKS}

    modules = _endpoint_modules(package)
    for module in modules:
        rel = module.relative_to(package).as_posix()
        function = _get_kwargs(_parse(module))
        if function is None:
            continue
        arguments = _arguments(function)
        taken = [a.arg for a in arguments if a.arg in CREDENTIALS]
        if taken:
            details["credential_params"].append(f"{rel}: _get_kwargs({', '.join(taken)})")
        in_path = _path_parameters(function)
        for argument in arguments:
            if argument.arg in in_path and _is_float(argument.annotation):
                details["float_path_params"].append(
                    f"{rel}: {argument.arg}: {ast.unparse(argument.annotation)}"  # type: ignore[arg-type]
                )

    operations = _operations(spec)
    for method, path, operation in operations:
        for family, pattern, version in VERSIONED_FAMILIES:
            if pattern.match(path):
                got = operation.get("x-cal-api-version")
                if got != version:
                    details["api_version_problems"].append(
                        f"{method} {path} ({family}): x-cal-api-version {got!r}, want {version!r}"
                    )

    noisy = details["noisy_names"]
    for method, path, operation in operations:
        name = str(operation.get("operationId", ""))
        if NOISE.search(name):
            noisy.append(f"operationId {name} ({method} {path})")
    for module in modules:
        rel = module.relative_to(package / "_generated" / "api").with_suffix("").as_posix()
        if NOISE.search(rel):
            noisy.append(f"endpoint module {rel}")
    for path in sorted((package / "_resources").glob("*.py")):
        for name in _namespace_names(_parse(path)):
            if NOISE.search(name):
                noisy.append(f"namespace name {name} (_resources/{path.name})")
    for path in sorted((package / "_generated" / "models").glob("*.py")):
        if path.name == "__init__.py":
            continue
        for name in [path.stem, *_model_names(_parse(path))]:
            if NOISE.search(name):
                noisy.append(f"model name {name} (models/{path.name})")

    counts: dict[str, int] = {check: len(details[check]) for check in CHECKS}
    counts["operations"] = len(operations)
    counts["endpoint_modules"] = len(modules)
    return {"counts": counts, "details": details}


def render(result: dict[str, Any], *, limit: int | None = 20) -> str:
    counts, details = result["counts"], result["details"]
    lines = [
        f"operations (spec):        {counts['operations']}",
        f"endpoint modules:         {counts['endpoint_modules']}",
    ]
    for check in CHECKS:
        lines.append(f"{check + ':':<26}{counts[check]}")
    for check in CHECKS:
        items = details[check]
        if not items:
            continue
        lines += ["", f"{check}:"]
        shown = items if limit is None else items[:limit]
        lines += [f"  {item}" for item in shown]
        if len(shown) < len(items):
            lines.append(f"  … and {len(items) - len(shown)} more (--all to list them)")
    return "\n".join(lines)


def clean(result: dict[str, Any]) -> bool:
    counts = result["counts"]
    return all(counts[check] == 0 for check in CHECKS) and (
        counts["operations"] == counts["endpoint_modules"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("generated_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--all", action="store_true", help="list every finding")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every count is 0")
    args = parser.parse_args(argv)
    try:
        result = report(args.generated_dir)
    except FileNotFoundError as exc:
        print(f"surface_report: {exc}", file=sys.stderr)
        return 2
    print(render(result, limit=None if args.all else 20))
    return 1 if args.check and not clean(result) else 0


if __name__ == "__main__":
    raise SystemExit(main())
