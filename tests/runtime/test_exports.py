"""The public names of `calcom`: explicit for type checkers, lazy at runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import calcom


def test_all_is_a_literal_list_of_every_export() -> None:
    # Type checkers read __all__ statically: it must be a literal, and complete.
    tree = ast.parse(Path(calcom.__file__).read_text())
    literal = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    )
    assert isinstance(literal, ast.List)
    names = [ast.literal_eval(element) for element in literal.elts]
    expected = {*calcom._EXPORTS, *calcom._SUBMODULES, "__version__"}
    assert set(names) == expected
    assert names == sorted(names)
    for name in names:
        assert getattr(calcom, name) is not None


def test_every_export_is_reexported_explicitly_for_type_checkers() -> None:
    # `from m import X as X` under TYPE_CHECKING: without the alias, mypy --strict
    # rejects `from calcom import X` (tests/typing checks that end to end).
    tree = ast.parse(Path(calcom.__file__).read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If))
    aliased = {
        alias.asname
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname == alias.name
    }
    assert aliased == {*calcom._EXPORTS, *calcom._SUBMODULES}


def test_import_calcom_stays_cheap() -> None:
    code = (
        "import sys, calcom; "
        "print(sorted(m for m in sys.modules if m.startswith(('calcom', 'httpx'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['calcom']"
