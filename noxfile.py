"""Sessions of calcom-client. `nox -s generate` is the main job; `nox -s tests` the gate.

Every session installs what it needs from the dependency groups in
pyproject.toml, so the two README commands work on a machine with only Python
and pip. Virtualenvs are reused between runs (a second `generate` is fast).

Sessions run on one supported Python (3.11-3.13): the one running nox when it
is supported, else the newest `python3.X` on PATH that starts. With none, every
session fails with one line saying so (never a skip, which exits 0).
`--force-python` still picks another. `$CALCOM_GENERATED_DIR` moves the output
of `generate` (and what the tests import) and `$CALCOM_NOX_ENVDIR` the venvs,
so runs on several interpreters can share a checkout (`.ci/run` does).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["generate", "tests"]
# Where the session venvs live (default .nox/): runs on several interpreters in
# one checkout each need their own, and nox started by a test inherits it.
if os.environ.get("CALCOM_NOX_ENVDIR"):
    nox.options.envdir = os.environ["CALCOM_NOX_ENVDIR"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
SUPPORTED = ("3.11", "3.12", "3.13")
GENERATED = Path(os.environ.get("CALCOM_GENERATED_DIR") or ROOT / "generated").resolve()
NO_PYTHON = (
    f"no supported Python found: calcom-client needs one of {', '.join(SUPPORTED)} "
    f"(nox runs on {sys.version_info.major}.{sys.version_info.minor}; "
    f"none of {', '.join('python' + v for v in SUPPORTED)} on PATH starts)"
)


def _starts(executable: str) -> bool:
    """pyenv puts a shim for every version it knows on PATH; a shim for a version
    that is not enabled exists but fails, so only a run proves an interpreter."""
    try:
        return (
            subprocess.run([executable, "-c", ""], capture_output=True, timeout=30).returncode == 0
        )
    except (OSError, subprocess.SubprocessError):
        return False


def find_python() -> str | None:
    """The interpreter the sessions use (see the module docstring), or None."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" in SUPPORTED:
        return sys.executable
    for version in reversed(SUPPORTED):
        found = shutil.which(f"python{version}")
        if found and _starts(found):
            return found
    return None


PYTHON = find_python()


def session(**kwargs: Any) -> Callable[[Callable[[nox.Session], None]], object]:
    """`nox.session` on the discovered interpreter; without one, a session that fails."""

    def decorate(func: Callable[[nox.Session], None]) -> object:
        if PYTHON is not None:
            return nox.session(python=PYTHON, **kwargs)(func)

        @functools.wraps(func)
        def no_python(session: nox.Session) -> None:
            session.error(NO_PYTHON)

        return nox.session(python=False, **kwargs)(no_python)

    return decorate


def _group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


def _generate(session: nox.Session, *args: str) -> None:
    session.install(*_group("generate"))
    output = ["--output", str(GENERATED)] if "CALCOM_GENERATED_DIR" in os.environ else []
    session.run("python", "scripts/generate.py", *output, *args)


def _install_package(session: nox.Session) -> None:
    """Install the generated package (and its runtime deps) into the session."""
    session.install(*PYPROJECT["project"]["dependencies"])
    # A .pth file instead of `pip install -e`: the package lives in generated/,
    # which is rewritten on every generate; the venv must follow it.
    site = session.run(
        "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", silent=True
    )
    assert isinstance(site, str)
    Path(site.strip(), "calcom-generated.pth").write_text(str(GENERATED) + "\n")


@session()
def generate(session: nox.Session) -> None:
    """Regenerate generated/calcom from the pinned spec and the overlays (the main job).

    Posargs go to scripts/generate.py (e.g. `-- --spec candidate.json`).
    """
    _generate(session, *session.posargs)


@session()
def tests(session: nox.Session) -> None:
    """Regenerate, then run the whole test suite. Posargs go to pytest."""
    _generate(session)
    session.install(*_group("test"), *_group("generate"))
    _install_package(session)
    session.run("python", "-m", "pytest", *(session.posargs or ["-q"]))


@session()
def lint(session: nox.Session) -> None:
    """Ruff over the hand-written code (the generated tree is formatted by generate)."""
    session.install(*_group("lint"))
    targets = ["scripts", "tests", "overlays/runtime", "noxfile.py", "hatch_build.py"]
    session.run("ruff", "check", *targets, *session.posargs)
    session.run("ruff", "format", "--check", *targets)


@session()
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the generated package, runtime included."""
    if not (GENERATED / "calcom").is_dir():
        _generate(session)
    session.install(*_group("typecheck"), *PYPROJECT["project"]["dependencies"])
    session.run("mypy", "--strict", str(GENERATED / "calcom"), *session.posargs)


@session()
def build(session: nox.Session) -> None:
    """Regenerate, then build the wheel and sdist into dist/."""
    _generate(session)
    session.install(*_group("build"))
    session.run("python", "-m", "build", "--outdir", "dist", *session.posargs)


@session(name="update-spec")
def update_spec(session: nox.Session) -> None:
    """Report what a candidate spec changes (`-- <url-or-file> [--write] [--json F] …`).

    The shell sees the script's own exit code: 0 no change, 1 non-breaking
    changes, 2 breaking / stale overlays / generation failure. (`session.run`
    would turn 1 and 2 into nox's 1.) `--fail-on breaking` makes 1 a 0, so
    that any non-zero exit, nox's own failures included, is an alarm.
    """
    session.install(*_group("generate"))
    command = [str(Path(session.bin, "python")), "scripts/update_spec.py", *session.posargs]
    session.log(" ".join(command[1:]))
    env = {**os.environ, "PATH": os.pathsep.join([session.bin, os.environ.get("PATH", "")])}
    for name, value in session.env.items():  # the venv's; None means "unset"
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    code = subprocess.run(command, cwd=ROOT, env=env).returncode
    if code:
        raise SystemExit(code)  # not session.error(): nox would exit 1 whatever the code


@session()
def recordings(session: nox.Session) -> None:
    """Maintain spec-derived recordings: `-- --missing | --refresh | --sync | --show ID`.

    Regenerates first: the recordings follow the overlaid spec of generated/.
    """
    _generate(session)
    session.install(*_group("test"))
    _install_package(session)
    session.run("python", "scripts/recordings.py", "--generated", str(GENERATED), *session.posargs)


@session()
def docs(session: nox.Session) -> None:
    """Render the reference of the whole surface into generated/reference/."""
    _generate(session)
    session.run(
        "python", "scripts/reference.py", "--generated-dir", str(GENERATED), *session.posargs
    )


@session()
def record(session: nox.Session) -> None:
    """Record live exchanges: `CAL_API_KEY=… nox -s record -- <operation_id> …` (see README)."""
    _generate(session)
    session.install(*_group("test"))
    _install_package(session)
    session.run(
        "python",
        "scripts/record.py",
        *session.posargs,
        env={"CAL_API_KEY": os.environ.get("CAL_API_KEY", "")},
    )


@session(name="live-report")
def live_report(session: nox.Session) -> None:
    """Every real-server capture and real response through the client, strictly: one line
    per exchange plus totals (`-- --lenient`, `-- --failures`, `-- --only NAME`)."""
    _generate(session)
    session.install(*_group("test"))
    _install_package(session)
    session.run("python", "scripts/live_report.py", *session.posargs)


@session()
def bench(session: nox.Session) -> None:
    """Benchmarks against baselines run side by side; prints a table, writes JSON."""
    _generate(session)
    session.install(*_group("test"))
    _install_package(session)
    session.run("python", "scripts/bench.py", *session.posargs)
