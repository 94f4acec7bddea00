"""Sessions of calcom-client. `nox -s generate` is the main job; `nox -s tests` the gate.

Every session installs what it needs from the dependency groups in
pyproject.toml, so the two README commands work on a machine with only Python
and pip. Virtualenvs are reused between runs (a second `generate` is fast).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["generate", "tests"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = "3.11"


def _group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


def _generate(session: nox.Session, *args: str) -> None:
    session.install(*_group("generate"))
    session.run("python", "scripts/generate.py", *args)


def _install_package(session: nox.Session) -> None:
    """Install the generated package (and its runtime deps) into the session."""
    session.install(*PYPROJECT["project"]["dependencies"])
    # A .pth file instead of `pip install -e`: the package lives in generated/,
    # which is rewritten on every generate; the venv must follow it.
    site = session.run(
        "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", silent=True
    )
    assert isinstance(site, str)
    Path(site.strip(), "calcom-generated.pth").write_text(str(ROOT / "generated") + "\n")


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate generated/calcom from the pinned spec and the overlays (the main job).

    Posargs go to scripts/generate.py (e.g. `-- --spec candidate.json`).
    """
    _generate(session, *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Regenerate, then run the whole test suite. Posargs go to pytest."""
    _generate(session)
    session.install(*_group("test"), *_group("generate"))
    _install_package(session)
    session.run("python", "-m", "pytest", *(session.posargs or ["-q"]))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff over the hand-written code (the generated tree is formatted by generate)."""
    session.install(*_group("lint"))
    targets = ["scripts", "tests", "overlays/runtime", "noxfile.py", "hatch_build.py"]
    session.run("ruff", "check", *targets, *session.posargs)
    session.run("ruff", "format", "--check", *targets)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the generated package, runtime included."""
    if not (ROOT / "generated" / "calcom").is_dir():
        _generate(session)
    session.install(*_group("typecheck"), *PYPROJECT["project"]["dependencies"])
    session.run("mypy", "--strict", "generated/calcom", *session.posargs)


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Regenerate, then build the wheel and sdist into dist/."""
    _generate(session)
    session.install(*_group("build"))
    session.run("python", "-m", "build", "--outdir", "dist", *session.posargs)


@nox.session(python=PYTHON, name="update-spec")
def update_spec(session: nox.Session) -> None:
    """Report what a candidate spec changes.

    `nox -s update-spec -- <url-or-file> [--write] [--json F]`; exit 0 no change,
    1 changes, 2 breaking changes / stale overlays / generation failure.
    """
    session.install(*_group("generate"))
    session.run("python", "scripts/update_spec.py", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Render the reference of the whole surface into generated/reference/."""
    _generate(session)
    session.run("python", "scripts/reference.py", *session.posargs)


@nox.session(python=PYTHON)
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


@nox.session(python=PYTHON, name="live-report")
def live_report(session: nox.Session) -> None:
    """Every real-server capture and real response through the client, strictly: one line
    per exchange plus totals (`-- --lenient`, `-- --failures`, `-- --only NAME`)."""
    _generate(session)
    session.install(*_group("test"))
    _install_package(session)
    session.run("python", "scripts/live_report.py", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks against baselines run side by side; prints a table, writes JSON."""
    _generate(session)
    session.install(*_group("test"))
    _install_package(session)
    session.run("python", "scripts/bench.py", *session.posargs)
