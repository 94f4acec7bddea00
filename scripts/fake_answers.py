"""The route table and stateless answers of `calcom.testing.FakeCal`, built at generate time.

For every operation of the overlaid spec: its public name (`bookings.create`),
method, path template, api version and credentials (the same facts the
namespaces are written from), and one 2xx answer taken from tests/recordings,
the most real one first (live, then observed, then spec-derived; the
operation's own file before its variants). The fake answers operations it does
not simulate with that recording, so every call a service makes gets an answer
the client parses. Written gzipped (mtime 0, so the tree stays byte-identical)
into calcom/testing/_answers.json.gz.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import namespaces
import recordings

ANSWERS_FILE = Path("testing") / "_answers.json.gz"
PROVENANCE_RANK = {"live": 0, "observed": 1, "spec-derived": 2}


class AnswersError(Exception):
    """An operation has no 2xx recording to answer with."""


def _candidates(recordings_dir: Path) -> dict[str, list[tuple[tuple[int, int, str], Any]]]:
    found: dict[str, list[tuple[tuple[int, int, str], Any]]] = {}
    for path in sorted(recordings_dir.rglob("*.yaml")):
        data = recordings.load_yaml(path.read_text())
        if not isinstance(data, dict) or "operation" not in data:
            continue
        response = data.get("response") or {}
        status = int(response.get("status", 0))
        if not 200 <= status < 300:
            continue
        rank = PROVENANCE_RANK.get(str(data.get("provenance")), 3)
        variant = 1 if recordings.VARIANT_SEPARATOR in path.stem else 0
        rel = path.relative_to(recordings_dir).as_posix()
        entry = {
            "status": status,
            "headers": response.get("headers") or {},
            "body": response.get("body"),
            "provenance": data.get("provenance"),
            "recording": rel,
            "call_options": (data.get("call") or {}).get("options") or {},
        }
        found.setdefault(str(data["operation"]), []).append(((rank, variant, rel), entry))
    return found


def build(document: dict[str, Any], recordings_dir: Path) -> dict[str, Any]:
    candidates = _candidates(recordings_dir)
    operations: dict[str, Any] = {}
    missing = []
    for op in namespaces.collect(document):
        options = sorted(candidates.get(op.operation_id, []), key=lambda pair: pair[0])
        # An answer recorded under another api version than the operation's own
        # is a different contract: use it only when nothing else exists.
        same_version = [o for o in options if "api_version" not in o[1]["call_options"]]
        chosen = (same_version or options or [None])[0]
        if chosen is None:
            missing.append(op.operation_id)
            continue
        answer = dict(chosen[1])
        answer.pop("call_options")
        operations[op.operation_id] = {
            "name": f"{op.namespace}.{op.name}" if op.namespace else op.name,
            "method": op.method.upper(),
            "path": op.path,
            "api_version": op.api_version,
            "auth": op.auth,
            "answer": answer,
        }
    if missing:
        raise AnswersError(f"no 2xx recording for: {', '.join(missing)}")
    return {"operations": operations}


def write(document: dict[str, Any], package_dir: Path, recordings_dir: Path) -> Path:
    data = build(document, recordings_dir)
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    target = package_dir / ANSWERS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return target
