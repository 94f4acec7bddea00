"""The GitHub Actions workflows in .github/workflows pass actionlint, and do what the
README says they do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def _actionlint() -> str:
    # beside this interpreter: the test dependency group installs it into the venv
    found = shutil.which(
        "actionlint",
        path=os.pathsep.join(
            [str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)]
        ),
    )
    if found is None:
        pytest.fail("actionlint is not installed: it comes with the test dependency group")
    return found


def _load(name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return document


def test_every_workflow_passes_actionlint() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["spec-watch.yml", "tests.yml"]
    result = subprocess.run(
        [_actionlint(), "-no-color", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_fails_a_broken_workflow(tmp_path: Path) -> None:
    """So that a clean run above means something."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.nope }}\n"
    )
    result = subprocess.run(
        [_actionlint(), "-no-color", str(broken)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1 and "matrix" in result.stdout


def test_the_tests_workflow_runs_the_readme_command_on_every_supported_python() -> None:
    workflow = _load("tests.yml")
    assert "push" in workflow[True]  # YAML 1.1 reads the key `on` as True
    (job,) = workflow["jobs"].values()
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    runs = [step.get("run") for step in job["steps"]]
    assert "python -m pip install nox && nox -s tests" in runs
    readme = (ROOT / "README.md").read_text()
    assert "python -m pip install nox && nox -s tests" in readme


def test_the_spec_watch_workflow_reports_and_proposes() -> None:
    workflow = _load("spec-watch.yml")
    assert workflow[True]["schedule"]
    assert workflow["env"]["LATEST_SPEC_URL"] == (
        "https://raw.githubusercontent.com/calcom/cal.com/main/docs/api-reference/v2/openapi.json"
    )
    (job,) = workflow["jobs"].values()
    uses = {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}
    artifact = uses["actions/upload-artifact"]
    assert artifact["if"] == "always()" and "report.json" in artifact["with"]["path"]
    pull = uses["peter-evans/create-pull-request"]
    assert {"spec/pin.toml", "spec/surface.lock"} <= set(pull["with"]["add-paths"].split())
    report = next(step for step in job["steps"] if step.get("id") == "report")
    assert "nox -s update-spec --" in report["run"] and "--json report.json" in report["run"]
