"""The contract suite ends with the recording coverage: how many operations have
which best provenance (`python scripts/recordings.py --coverage` lists them)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

GENERATED = Path(
    os.environ.get("CALCOM_GENERATED_DIR") or Path(__file__).resolve().parents[2] / "generated"
)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    spec = GENERATED / "openapi.json"
    if not spec.is_file():
        return
    import recordings
    from _harness import RECORDINGS

    ops = recordings.spec_operations(json.loads(spec.read_text()))
    table = recordings.best_provenance(sorted(ops), RECORDINGS)
    terminalreporter.write_line(recordings.coverage_counts(table))
