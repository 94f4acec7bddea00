"""The typed surface as a user's type checker sees it (see _checkers.py for the marks)."""

from __future__ import annotations

import re

import pytest
from _checkers import CASES, Report, expected_errors, reveal_lines, run_mypy, run_pyright

FILES = sorted(CASES.glob("*.py"))
IMPRECISE = re.compile(r"\b(Any|Unknown)\b")


@pytest.fixture(scope="module", params=["mypy", "pyright"])
def report(request: pytest.FixtureRequest) -> tuple[str, Report]:
    run = run_mypy if request.param == "mypy" else run_pyright
    return request.param, run(FILES)


def test_cases_exist() -> None:
    assert FILES, f"no typing cases in {CASES}"
    assert reveal_lines(FILES) and expected_errors(FILES)


def test_no_unexpected_errors(report: tuple[str, Report]) -> None:
    checker, found = report
    unexpected = {
        f"{file}:{line}: {'; '.join(messages)}"
        for (file, line), messages in found.errors.items()
        if (file, line) not in expected_errors(FILES)
    }
    assert not unexpected, f"{checker} reports errors a user would see:\n" + "\n".join(
        sorted(unexpected)
    )


def test_expected_errors_are_reported(report: tuple[str, Report]) -> None:
    checker, found = report
    missing = sorted(expected_errors(FILES) - set(found.errors))
    assert not missing, f"{checker} accepts lines marked `# E` (an error must be reported): " + (
        ", ".join(f"{file}:{line}" for file, line in missing)
    )


def test_revealed_types_are_precise(report: tuple[str, Report]) -> None:
    checker, found = report
    lines = reveal_lines(FILES)
    assert lines <= set(found.revealed), f"{checker} did not reveal: {lines - set(found.revealed)}"
    vague = {
        f"{f}:{n}: {found.revealed[(f, n)]}"
        for f, n in lines
        if IMPRECISE.search(found.revealed[(f, n)])
    }
    assert not vague, f"{checker} reveals imprecise types:\n" + "\n".join(sorted(vague))
