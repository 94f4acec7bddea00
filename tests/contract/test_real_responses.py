"""The client parses what Cal.com really sends, losing nothing.

For every real 2xx response in shared/real-responses (recorded from the live
api.cal.com; see its README), find the operation by method + path in the
overlaid spec the package was generated from, parse the body with that
endpoint's generated `_parse_response` in STRICT mode, and check that

- the result is a generated attrs model (not None, not a raw dict),
- every value in it fits its annotation (`_compare.type_errors`: the models
  copy scalars through unchecked, so a webhook's UUID would otherwise sit in a
  `float` field), and
- every field it received is declared (`_compare.undeclared_fields`: nothing
  lands in `additional_properties` of a model that declares properties, which
  also catches a union that picked the wrong member), and
- `result.to_dict()` gives back the body (`_compare.differences`: date-times
  compare as datetimes, numbers by value; keys and nulls must match).

Strict on purpose, no fallbacks: the lenient runtime would keep whatever does
not fit and hide the divergence. When Cal.com and the spec disagree, the fix
belongs in the overlays (40-live-divergences, 45-unions, 46-success-responses).
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
from _compare import differences, type_errors, undeclared_fields

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_RESPONSES = (REPO_ROOT.parent / "shared" / "real-responses").resolve()

if not REAL_RESPONSES.is_dir():
    pytest.skip(f"no real responses at {REAL_RESPONSES}", allow_module_level=True)


def _load(path: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(path.read_text())
    return record


FILES = sorted(p for p in REAL_RESPONSES.glob("*.json") if 200 <= _load(p)["status"] < 300)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p[:1] == "{" else re.escape(p) for p in parts) + "$")


def find_operation(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The spec path template and operation serving `method path`.

    `path` may be concrete (/v2/bookings/abc) or already a template; the most
    specific template wins (/v2/bookings/by-seat/{x} over /v2/bookings/{a}/{b}).
    """
    method = method.lower()
    paths: dict[str, Any] = spec["paths"]
    if method in paths.get(path, {}):
        return path, paths[path][method]
    candidates = [
        t for t, item in paths.items() if method in item and _template_regex(t).match(path)
    ]
    if not candidates:
        raise LookupError(f"no operation in the spec serves {method.upper()} {path}")
    candidates.sort(key=lambda t: (t.count("{"), -len(re.sub(r"\{[^}]*\}", "", t))))
    return candidates[0], paths[candidates[0]][method]


def endpoint_module(operation: dict[str, Any]) -> ModuleType:
    """calcom._generated.api.<first tag>.<operationId>, named as the generator names them."""
    from openapi_python_client.strings import PythonIdentifier

    tag = (operation.get("tags") or ["default"])[0]
    package = PythonIdentifier(tag, prefix="tag")
    module = PythonIdentifier(operation["operationId"], prefix="field_")
    return importlib.import_module(f"calcom._generated.api.{package}.{module}")


def test_the_real_responses_are_there() -> None:
    assert len(FILES) >= 24, f"expected the 24 recorded 2xx responses, found {len(FILES)}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_real_response_parses_without_loss(path: Path, overlaid_spec: dict[str, Any]) -> None:
    from calcom._lenient import strict_parsing

    record = _load(path)
    template, operation = find_operation(overlaid_spec, record["method"], record["path"])
    module = endpoint_module(operation)
    body = record["body"]
    response = httpx.Response(
        record["status"],
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        request=httpx.Request(record["method"], f"https://api.cal.com{record['path']}"),
    )

    with strict_parsing():
        result = module._parse_response(response)
        problems: list[str] = []
        if attrs.has(type(result)):
            problems += type_errors(result)
            problems += undeclared_fields(result)
            problems += differences(body, result.to_dict())

    where = f"{record['method']} {template} ({operation['operationId']}, {path.name})"
    assert result is not None, f"{where}: parsed to None"
    assert attrs.has(type(result)), f"{where}: parsed to {type(result).__name__}, not a model"
    assert not problems, f"{where}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:40])
