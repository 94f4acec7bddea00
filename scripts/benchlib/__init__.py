"""Helpers of scripts/bench.py: every figure is measured against its baseline in
the same run, so the ratios hold on whatever machine the bench runs on.

- `data`: the request/response bodies and the lookup of an operation by method + path;
- `fresh`: first call and imports, each in a fresh interpreter (median of N runs);
- `calls`: per-call overhead and parsing, in process (best of N repeats);
- `regen`: the full regeneration against the bare generator.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured figure: ours, the baseline measured alongside, and the target."""

    key: str
    label: str
    unit: str  # "s" or "MiB"
    ours: float
    baseline: float
    baseline_label: str
    target_ratio: float | None = None
    """Met when ours / baseline <= this."""
    target_absolute: float | None = None
    """Met when ours <= this (in `unit`)."""
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: str = ""
    paired_ratio: float | None = None
    """When set, the ratio: median of ours/baseline over rounds run back to back
    (robust to a machine whose load drifts during the run)."""

    @property
    def ratio(self) -> float:
        if self.paired_ratio is not None:
            return self.paired_ratio
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target_ratio is None and self.target_absolute is None:
            return None
        if self.target_ratio is not None and self.ratio > self.target_ratio:
            return False
        return not (self.target_absolute is not None and self.ours > self.target_absolute)

    @property
    def target(self) -> str:
        parts = []
        if self.target_ratio is not None:
            parts.append(f"<={self.target_ratio:g}x")
        if self.target_absolute is not None:
            parts.append(f"<={self.target_absolute:g} {self.unit}")
        return " ".join(parts) or "-"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, met=self.met, target=self.target)
        return data


def median(values: list[float]) -> float:
    return statistics.median(values)


def paired_ratio(ours: list[float], baseline: list[float]) -> float:
    """Median of the per-round ratios (round i of ours ran next to round i of the baseline)."""
    return statistics.median(a / b for a, b in zip(ours, baseline, strict=True))


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} us"
        if value < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    return f"{value:.1f} {unit}"


def table(figures: list[Figure]) -> str:
    """The plain-text table of the figures."""
    rows = [("figure", "calcom", "baseline", "ratio", "target", "", "baseline is")]
    for f in figures:
        status = {True: "ok", False: "MISS", None: ""}[f.met]
        rows.append(
            (
                f.label,
                fmt(f.ours, f.unit),
                fmt(f.baseline, f.unit),
                f"{f.ratio:.2f}x",
                f.target,
                status,
                f.baseline_label,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {1, 2, 3}
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
