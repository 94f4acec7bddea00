"""Read the captures of a real self-hosted Cal.com server (shared/live-server).

Each capture is one JSON file: the call made through this client
(`python_call`, e.g. `cal.bookings.get("uid")`), the request that went out and
the answer (README.md of that folder). This module turns a capture back into a
call -- the namespace path, the method, JSON arguments -- and replays it
through the public client against a transport that gives the captured answer.
Used by scripts/import_live.py (recordings) and scripts/live_report.py.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The folder holding the captures: $CALCOM_LIVE_CAPTURES, else ../shared/live-server.
DEFAULT_DIR = ROOT.parent / "shared" / "live-server"
REAL_RESPONSES_DIR = ROOT.parent / "shared" / "real-responses"
# The self-hosted server the captures come from (its own README says so).
SERVER_COMMIT = "853358d9c4344aa663bd2141f32e8fda2b3be075"
BASE_URL = "http://127.0.0.1:5555"

_LITERALS = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


def captures_dir() -> Path:
    return Path(os.environ.get("CALCOM_LIVE_CAPTURES") or DEFAULT_DIR)


def real_responses_dir() -> Path:
    return Path(os.environ.get("CALCOM_REAL_RESPONSES") or REAL_RESPONSES_DIR)


def _literal(node: ast.expr) -> Any:
    """A JSON-ish literal of python_call (`true`, `null` as names)."""
    if isinstance(node, ast.Name) and node.id in _LITERALS:
        return _LITERALS[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_literal(node.operand)
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(item) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True) if k}
    raise ValueError(f"not a literal: {ast.dump(node)}")


@dataclass
class Capture:
    path: Path
    data: dict[str, Any]
    attrs: tuple[str, ...] = ()  # ("bookings", "get") of cal.bookings.get(...)
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def operation(self) -> str:
        return str(self.data["operation_id"])

    @property
    def variant(self) -> str | None:
        return self.data.get("variant")

    @property
    def status(self) -> int | None:
        status = self.data.get("status")
        return int(status) if status is not None else None

    @property
    def sent(self) -> bool:
        """Whether the request reached the server and got an HTTP answer."""
        return self.status is not None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def other_api_version(self) -> bool:
        """The capture deliberately sent an older cal-api-version than the
        operation's (variant `old-api-version`): the answer follows another
        contract, which the client's models do not describe."""
        return (self.variant or "").endswith("old-api-version")

    @property
    def body(self) -> Any:
        return self.data.get("response_body")


def parse_call(text: str) -> tuple[tuple[str, ...], list[Any], dict[str, Any]]:
    node = ast.parse(text, mode="eval").body
    if not isinstance(node, ast.Call):
        raise ValueError(f"not a call: {text[:80]}")
    attrs: list[str] = []
    func = node.func
    while isinstance(func, ast.Attribute):
        attrs.append(func.attr)
        func = func.value
    if not (isinstance(func, ast.Name) and func.id == "cal"):
        raise ValueError(f"not a call on cal: {text[:80]}")
    args = [_literal(arg) for arg in node.args]
    kwargs = {str(k.arg): _literal(k.value) for k in node.keywords if k.arg}
    return tuple(reversed(attrs)), args, kwargs


def load(path: Path) -> Capture:
    data = json.loads(path.read_text())
    attrs, args, kwargs = parse_call(data["python_call"])
    return Capture(path, data, attrs, args, kwargs)


def load_all(directory: Path | None = None) -> list[Capture]:
    folder = directory or captures_dir()
    return [load(path) for path in sorted(folder.glob("*.json"))]


def real_responses(directory: Path | None = None) -> Iterator[tuple[Path, dict[str, Any]]]:
    folder = directory or real_responses_dir()
    for path in sorted(folder.glob("*.json")):
        yield path, json.loads(path.read_text())
