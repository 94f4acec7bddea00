"""The README's early-warning command, run exactly as a CI job runs it.

The line is read from the README ("When the spec moves") and run by bash with
`LATEST_SPEC_URL` pointing at a candidate file: the older spec with removed
operations (../shared/spec; else the pinned spec with an operation removed)
must fail it; an additive candidate must pass it.
nox makes the update-spec session's virtualenv on the first run (in
$CALCOM_NOX_ENVDIR when set, as under .ci/run) and reuses it after.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OLDER_SPEC = ROOT.parent / "shared" / "spec" / "calcom-v2-openapi.be4b1e3e.json"


def early_warning_command() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## When the spec moves") :]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    lines = [
        line
        for block in blocks
        for line in block.splitlines()
        if line.startswith("nox -s update-spec") and "--fail-on breaking" in line
    ]
    assert len(lines) == 1, f"the README should give one early-warning line, found {lines}"
    return lines[0]


def run_early_warning(candidate: Path, report: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    env = {
        **os.environ,
        "LATEST_SPEC_URL": str(candidate),
        "REPORT": str(report),
        # nox lives beside this interpreter (the test dependency group has it)
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    return subprocess.run(
        ["bash", "-c", early_warning_command()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _write(tmp_path: Path, document: dict[str, Any], name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_the_readme_recipe_uses_the_exit_code_preserving_flag() -> None:
    command = early_warning_command()
    assert '"$LATEST_SPEC_URL"' in command and '--json "$REPORT"' in command
    assert "||" not in command  # nox's own failures exit 1: nothing may excuse a 1


def test_a_breaking_candidate_fails_and_an_additive_one_passes(
    raw_spec: dict[str, Any], tmp_path: Path
) -> None:
    # The older spec, without the operations the pinned one added; where ../shared is
    # absent, the pinned spec with an operation removed. (Each run costs a nox start.)
    if OLDER_SPEC.is_file():
        candidates = {"older": OLDER_SPEC}
    else:
        removed = copy.deepcopy(raw_spec)
        del removed["paths"]["/v2/bookings/{bookingUid}/confirm"]  # type: ignore[attr-defined]
        candidates = {"removed": _write(tmp_path, removed, "removed.json")}
    for name, candidate in candidates.items():
        report = tmp_path / f"{name}.json"
        result = run_early_warning(candidate, report)
        assert result.returncode == 2, f"{name}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
        verdict = json.loads(report.read_text())
        assert verdict["exit_code"] == 2 and verdict["breaking"], name
        assert verdict["operations"]["removed"], name

    additive = copy.deepcopy(raw_spec)
    me = additive["paths"]["/v2/me"]["get"]  # type: ignore[index]
    me.setdefault("parameters", []).append(
        {"name": "expand", "in": "query", "required": False, "schema": {"type": "string"}}
    )
    report = tmp_path / "additive.json"
    result = run_early_warning(_write(tmp_path, additive, "additive.json"), report)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    verdict = json.loads(report.read_text())
    assert verdict["exit_code"] == 1 and verdict["changed"] and not verdict["breaking"]
    assert verdict["generation"]["status"] == "ok"
    assert "Result: non-breaking changes (exit 1)" in result.stdout
