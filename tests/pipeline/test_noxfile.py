"""noxfile.py: sessions on whichever supported Python is present, never a silent skip.

The end-to-end check is `.ci/run` (the README's command once per interpreter on
the machine); these pin down the choice itself and the failure without one.
"""

from __future__ import annotations

import importlib.util
import re
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def noxfile() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("calcom_noxfile", ROOT / "noxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _running(monkeypatch: pytest.MonkeyPatch, module: Any, minor: int) -> None:
    fake = types.SimpleNamespace(
        version_info=types.SimpleNamespace(major=3, minor=minor), executable="/nox/python"
    )
    monkeypatch.setattr(module, "sys", fake)


def test_the_python_running_nox_is_used_when_supported(
    noxfile: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for minor in (11, 12, 13):
        _running(monkeypatch, noxfile, minor)
        assert noxfile.find_python() == "/nox/python"


def test_else_the_newest_python_on_path_that_starts(
    noxfile: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _running(monkeypatch, noxfile, 10)
    # a pyenv shim for 3.13 exists but fails; 3.12 starts; 3.11 would too
    monkeypatch.setattr(noxfile.shutil, "which", lambda name: f"/bin/{name}")
    started: list[str] = []

    def starts(executable: str) -> bool:
        started.append(executable)
        return executable != "/bin/python3.13"

    monkeypatch.setattr(noxfile, "_starts", starts)
    assert noxfile.find_python() == "/bin/python3.12"
    assert started == ["/bin/python3.13", "/bin/python3.12"]


def test_none_found_is_none(noxfile: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _running(monkeypatch, noxfile, 10)
    monkeypatch.setattr(noxfile.shutil, "which", lambda name: None)
    assert noxfile.find_python() is None


def test_a_shim_that_cannot_start_does_not_count(noxfile: Any, tmp_path: Path) -> None:
    dead = tmp_path / "python3.12"
    dead.write_text("#!/bin/sh\necho 'pyenv: python3.12: command not found' >&2\nexit 127\n")
    dead.chmod(0o755)
    assert noxfile._starts(str(dead)) is False
    assert noxfile._starts(str(tmp_path / "absent")) is False


def test_without_a_supported_python_every_session_fails_in_one_line(
    noxfile: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(noxfile, "PYTHON", None)

    def generate(session: Any) -> None:
        """Regenerate."""
        raise AssertionError("must not run without a supported Python")

    registered = noxfile.session(name="generate-without-python")(generate)
    assert registered.python is False  # nox makes no venv, so nothing is "not found"

    class Failed(Exception):
        pass

    class FakeSession:
        def error(self, message: str) -> None:
            raise Failed(message)

    with pytest.raises(Failed) as failure:
        registered(FakeSession())
    message = str(failure.value)
    assert "\n" not in message
    assert re.search(r"needs one of 3\.11, 3\.12, 3\.13", message)
    assert registered.__doc__ == "Regenerate."


def test_every_session_the_readme_names_exists(noxfile: Any) -> None:
    import nox.registry

    sessions = set(nox.registry.get())
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"`nox -s ([a-z-]+)", readme))
    assert {"generate", "tests", "update-spec", "recordings"} <= named
    assert named <= sessions, named - sessions
