"""calcom.testing as it ships: in the package, with no dependency beyond the client's,
its pytest plugin declared as an entry point, and the README's example running."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import calcom.testing
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(calcom.testing.__file__).parent


def test_pytest_plugin_is_an_entry_point() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"calcom": "calcom.testing.pytest_plugin"}
    from calcom.testing import pytest_plugin

    assert callable(pytest_plugin.calcom_fake)


def test_importing_it_needs_only_httpx_and_attrs() -> None:
    code = (
        "import sys, calcom.testing, calcom.testing.factories\n"
        "from calcom.testing import FakeCal\n"
        "FakeCal().client().me.get()\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    allowed = set(sys.stdlib_module_names) | {
        "calcom",
        "httpx",
        "httpcore",
        "h11",
        "anyio",
        "sniffio",
        "idna",
        "certifi",
        "attr",
        "attrs",
        "typing_extensions",
        "exceptiongroup",
    }
    extra = {m for m in set(out) - allowed if not m.startswith(("_sysconfigdata", "_distutils"))}
    assert sorted(extra - {"__main__"}) == []


def test_the_package_ships_its_answers_and_banners(overlaid_spec: dict[str, Any]) -> None:
    data = json.loads(gzip.decompress((PACKAGE / "_answers.json.gz").read_bytes()))
    methods = ("get", "put", "post", "delete", "patch")
    operations = sum(m in item for item in overlaid_spec["paths"].values() for m in methods)
    assert len(data["operations"]) == operations > 0
    for path in sorted(PACKAGE.glob("*.py")):
        head = path.read_text().splitlines()[1]
        assert f"edit overlays/runtime/calcom/testing/{path.name}" in head, path


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Testing your service: `calcom.testing`", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_readme_example_runs_under_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_readme_example.py").write_text(_readme_example())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "calcom.testing.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


@pytest.mark.parametrize("factory", ["booking", "event_type", "schedule", "me", "webhook"])
def test_factories_are_valid_by_the_spec(factory: str) -> None:
    from calcom import strict_parsing

    model = getattr(calcom.testing.factories, factory)()
    with strict_parsing():
        again = type(model).from_dict(model.to_dict())
    assert again == model


def test_factory_overrides() -> None:
    booking = calcom.testing.factories.booking(title="Custom", status="cancelled")
    assert (booking.title, booking.status) == ("Custom", "cancelled")
    with pytest.raises(TypeError, match="no field"):
        calcom.testing.factories.booking(not_a_field=1)
