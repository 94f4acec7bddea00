"""spec/surface.lock (scripts/surface_lock.py) matches the generated package.

The lock is committed so that every change of the public surface is a diff in
review; it goes stale when an overlay, a template or the pin changes and
nobody regenerates.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import namespaces  # noqa: E402
import surface_lock  # noqa: E402

LINE = re.compile(
    r"(GET|PUT|POST|DELETE|PATCH) (/\S*)  (\d{4}-\d{2}-\d{2}|-)  "
    r"cal\.([a-z0-9_.]+)\.([a-z0-9_]+)\((.*)\)  auth=([a-z+|]+)  -> (\S.*)"
)


def test_committed_lock_is_current(repo_root: Path, generated_dir: Path) -> None:
    lock = repo_root / "spec" / "surface.lock"
    committed = lock.read_text() if lock.is_file() else ""
    current = surface_lock.render(generated_dir)
    if committed != current:
        changes = surface_lock.diff(committed, current, "spec/surface.lock", "generated")
        shown = "\n".join(changes[:40]) + ("\n…" if len(changes) > 40 else "")
        raise AssertionError(
            "spec/surface.lock is stale: the generated surface differs from the committed "
            "lock. Run `nox -s generate` and commit spec/surface.lock (review its diff: it "
            f"is the public API change).\n{shown}"
        )


def test_generate_writes_the_lock_into_its_output(generated_dir: Path) -> None:
    written = generated_dir / "surface.lock"
    assert written.is_file(), "scripts/generate.py did not write <output>/surface.lock"
    assert written.read_text() == surface_lock.render(generated_dir)


def test_one_fact_line_per_operation_sorted(
    generated_dir: Path, overlaid_spec: dict[str, Any]
) -> None:
    lines = [
        text for text in surface_lock.render(generated_dir).splitlines() if not text.startswith("#")
    ]
    ops = namespaces.collect(overlaid_spec)
    assert len(lines) == len(ops)
    parsed = []
    for text in lines:
        match = LINE.fullmatch(text)
        assert match, f"not a lock line: {text}"
        parsed.append(match.groups())
    keys = [(ns, name) for _, _, _, ns, name, *_ in parsed]
    assert keys == sorted(keys)
    assert {(m, p) for m, p, *_ in parsed} == {(op.method, op.path) for op in ops}
    # Facts only: no summary of the spec leaks into the committed file.
    summaries = {op.summary for op in ops if len(op.summary) > 12}
    text = "\n".join(lines)
    assert not [s for s in summaries if s in text]


def test_a_known_line(generated_dir: Path) -> None:
    lines = surface_lock.render(generated_dir).splitlines()
    (get,) = [t for t in lines if " cal.bookings.get(" in t]
    assert get.startswith("GET /v2/bookings/{bookingUid}  2024-08-13  ")
    assert "cal.bookings.get(booking_uid: str)" in get


def _function(source: str) -> ast.FunctionDef:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_signature_shows_required_ness_without_unset() -> None:
    function = _function(
        "def _get_kwargs(team_id: int, *, body: A | B, take: int | Unset = 250,"
        " q: str | None | Unset = UNSET, must: str) -> dict: ..."
    )
    params = surface_lock.parameters(function)
    assert surface_lock.signature(params) == (
        "team_id: int, *, body: A | B, take: int = 250, q: str | None = UNSET, must: str"
    )
    assert [p["default"] is None for p in params] == [True, True, False, False, True]
    assert surface_lock.result(_function("def _parse_response(r) -> X | None: ...")) == "X | None"
    assert surface_lock.signature(surface_lock.parameters(_function("def f(): ..."))) == ""
