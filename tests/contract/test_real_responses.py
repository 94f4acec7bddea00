"""The client parses what Cal.com really sends, losing nothing.

For every real 2xx response in shared/real-responses (recorded from the live
api.cal.com; see its README), find the operation by method + path in the
overlaid spec the package was generated from, parse the body with that
endpoint's generated `_parse_response`, and check that

- the result is a generated attrs model (not None, not a raw dict),
- every value in it fits its annotation (`from_dict` copies scalars through
  unchecked, so a webhook's UUID would otherwise sit in a `float` field), and
- `result.to_dict()` gives back the body (modulo `_compare.normalise`:
  date-times compare as datetimes, numbers by value).

Strict on purpose: no fallbacks. When Cal.com's answers and the spec disagree,
the fix belongs in the overlays (40-live-divergences, 45-unions,
46-success-responses), and this test is what proves it.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _compare import assert_same_json, type_errors  # noqa: E402

REAL_RESPONSES = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-responses"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _response_files() -> list[Path]:
    if not REAL_RESPONSES.is_dir():
        return []
    return sorted(REAL_RESPONSES.glob("*.json"))


if not REAL_RESPONSES.is_dir():
    pytest.skip(f"no real responses at {REAL_RESPONSES.resolve()}", allow_module_level=True)


@cache
def _spec() -> dict[str, Any]:
    """The overlaid spec written next to the generated package."""
    import calcom

    path = Path(calcom.__file__).resolve().parent.parent / "openapi.json"
    if not path.is_file():
        pytest.fail(f"the generated package has no overlaid spec beside it ({path})")
    spec: dict[str, Any] = json.loads(path.read_text())
    return spec


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}$")


def find_operation(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The spec path template and operation serving `method path`.

    `path` may be concrete (/v2/bookings/abc) or already a template; a literal
    template match wins over a parameterized one (/v2/me before /v2/{x}).
    """
    method = method.lower()
    paths: dict[str, Any] = spec["paths"]
    if path in paths and method in paths[path]:
        return path, paths[path][method]
    candidates = [
        t for t, item in paths.items() if method in item and _template_regex(t).match(path)
    ]
    if not candidates:
        raise LookupError(f"no operation in the spec serves {method.upper()} {path}")
    # The most specific template: the fewest parameters, then the most literal text.
    candidates.sort(key=lambda t: (t.count("{"), -len(re.sub(r"\{[^}]*\}", "", t))))
    return candidates[0], paths[candidates[0]][method]


def endpoint_module(operation: dict[str, Any]) -> ModuleType:
    """calcom._generated.api.<first tag>.<operationId>, named as the generator names them."""
    from openapi_python_client.strings import PythonIdentifier

    tag = (operation.get("tags") or ["default"])[0]
    package = PythonIdentifier(tag, prefix="tag")
    module = PythonIdentifier(operation["operationId"], prefix="field_")
    return importlib.import_module(f"calcom._generated.api.{package}.{module}")


def _load(path: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(path.read_text())
    return record


FILES = [p for p in _response_files() if 200 <= _load(p)["status"] < 300]


def test_the_real_responses_are_there() -> None:
    assert len(FILES) >= 24, f"expected the 24 recorded 2xx responses, found {len(FILES)}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_real_response_parses_without_loss(path: Path) -> None:
    record = _load(path)
    template, operation = find_operation(_spec(), record["method"], record["path"])
    module = endpoint_module(operation)
    body = record["body"]
    response = httpx.Response(
        record["status"],
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        request=httpx.Request(record["method"], f"https://api.cal.com{record['path']}"),
    )

    result = module._parse_response(response)

    where = f"{record['method']} {template} ({operation['operationId']}, {path.name})"
    assert result is not None, f"{where}: parsed to None"
    assert attrs.has(type(result)), f"{where}: parsed to {type(result).__name__}, not a model"
    wrong = type_errors(result)
    assert not wrong, f"{where}: values that contradict the model's types:\n  " + "\n  ".join(wrong)
    assert_same_json(body, result.to_dict(), context=where)
