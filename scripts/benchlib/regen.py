"""Full regeneration (`scripts/generate.py`) against the bare generator.

The baseline is openapi-python-client alone on the pinned spec with its
default templates (what the pipeline wraps: resolve + overlays + generator +
runtime + namespaces + ruff). Both run as subprocesses into a temporary
folder, alternating; figures are medians, the ratio the median of the
per-round ratios. The target is absolute (seconds), the ratio is for scale.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import Figure, median, paired_ratio
from .data import ROOT


def _timed(cmd: list[str], env: dict[str, str], what: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return seconds


def run(runs: int) -> list[Figure]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import specpin

    try:
        spec = specpin.resolve(specpin.Pin.load())
    except specpin.SpecError as exc:
        raise SystemExit(f"bench: cannot time the regeneration: {exc}") from exc
    env = dict(os.environ)
    # The generator's post-hooks call `ruff`: the one next to this interpreter.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    ours: list[float] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory(prefix="calcom-bench-regen-") as tmp:
        for n in range(runs):
            ours.append(
                _timed(
                    [sys.executable, "scripts/generate.py", "--output", f"{tmp}/ours{n}"],
                    env,
                    "scripts/generate.py",
                )
            )
            bare.append(
                _timed(
                    [
                        sys.executable,
                        "-m",
                        "openapi_python_client",
                        "generate",
                        "--path",
                        str(spec),
                        "--meta",
                        "none",
                        "--output-path",
                        f"{tmp}/bare{n}",
                    ],
                    env,
                    "openapi-python-client",
                )
            )
    return [
        Figure(
            "regenerate",
            "full regeneration (scripts/generate.py)",
            "s",
            median(ours),
            median(bare),
            "openapi-python-client alone, pinned spec",
            target_absolute=15.0,
            samples={"ours_seconds": ours, "baseline_seconds": bare},
            notes=f"wall time of the subprocess, median of {runs}",
            paired_ratio=paired_ratio(ours, bare),
        )
    ]
