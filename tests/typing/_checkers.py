"""Run mypy --strict and pyright --strict over user-style modules, as a user's CI would.

A case module is plain user code. Two kinds of marks make it a test:

- `reveal_type(x)` must reveal a precise type: no `Any`, no `Unknown`;
- a line ending in `# E` (or `# E: why`) must be an error in each checker, and
  every other line must be clean. `assert_type` does the precise checks.

The package is found the way a user's checker finds an installed one: through
the test environment's site-packages (nox installs a .pth pointing at generated/),
so errors inside calcom itself are not reported — only what a user would see.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"


@dataclass
class Report:
    """One checker's findings, keyed by (file name, line number)."""

    errors: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    revealed: dict[tuple[str, int], str] = field(default_factory=dict)
    output: str = ""


def _cache_dir() -> Path:
    # Outside the tree (nothing to gitignore), kept between runs: mypy --strict over the
    # package's stubs costs tens of seconds cold, a few seconds warm.
    path = Path(tempfile.gettempdir()) / f"calcom-typing-cache-{os.getuid()}"
    path.mkdir(exist_ok=True)
    return path


def run_mypy(files: list[Path], *, strict: bool = True) -> Report:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            # README blocks read as a sequence may rebind a name with a new type.
            *(["--strict"] if strict else ["--allow-redefinition"]),
            "--python-executable",
            sys.executable,
            "--cache-dir",
            str(_cache_dir() / "mypy"),
            "--show-error-codes",
            "--no-error-summary",
            "--no-pretty",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=CASES,
    )
    report = Report(output=proc.stdout + proc.stderr)
    line_re = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*)$")
    for text in proc.stdout.splitlines():
        match = line_re.match(text)
        if not match:
            continue
        key = (Path(match["file"]).name, int(match["line"]))
        message = match["msg"]
        if match["kind"] == "note" and message.startswith("Revealed type is "):
            report.revealed[key] = message.removeprefix("Revealed type is ").strip('"')
        elif match["kind"] == "error":
            report.errors.setdefault(key, []).append(message)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"mypy failed to run:\n{report.output}")
    return report


def run_pyright(files: list[Path], *, strict: bool = True) -> Report:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "pyrightconfig.json"
        mode = "strict" if strict else "standard"
        config.write_text(
            json.dumps({"typeCheckingMode": mode, "pythonVersion": "3.11", "include": []})
        )
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pyright",
                "--outputjson",
                "--project",
                str(config),
                "--pythonpath",
                sys.executable,
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=CASES,
        )
    report = Report(output=proc.stdout + proc.stderr)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"pyright failed to run:\n{report.output}") from error
    for diagnostic in data.get("generalDiagnostics", []):
        key = (Path(diagnostic["file"]).name, diagnostic["range"]["start"]["line"] + 1)
        message = diagnostic["message"]
        if diagnostic["severity"] == "information" and message.startswith("Type of "):
            # 'Type of "x" is "T"'
            report.revealed[key] = message.split('" is "', 1)[-1].rstrip('"')
        elif diagnostic["severity"] == "error":
            report.errors.setdefault(key, []).append(message)
    return report


def expected_errors(files: list[Path]) -> set[tuple[str, int]]:
    """Lines marked `# E` (an error is expected there, in every checker)."""
    marked = set()
    for path in files:
        for number, text in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"#\s*E\b(:.*)?$", text):
                marked.add((path.name, number))
    return marked


def reveal_lines(files: list[Path]) -> set[tuple[str, int]]:
    lines = set()
    for path in files:
        for number, text in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\breveal_type\(", text) and not text.lstrip().startswith("#"):
                lines.add((path.name, number))
    return lines
