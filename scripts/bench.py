"""Benchmarks of the generated client, each against its baseline in the same run.

    nox -s bench                      # or: PYTHONPATH=<generated> python scripts/bench.py
    python scripts/bench.py --quick   # tiny iteration counts: a smoke run, not a measurement

Figures (targets from the "Performance" issue):
1. first call in a fresh process (`import calcom` ... `cal.bookings.list(take=10)`)
   vs the same with bare httpx: time <= 1.5x, peak RSS <= 1.3x; plus `import calcom`
   and the import of one endpoint module vs `import httpx`;
2. per-call overhead of `cal.me.get()` (sync and async) vs httpx + .json(): <= 1.15x;
3. parsing 250 bookings (lenient) vs json.loads of the same bytes: <= 4x;
4. full regeneration: <= 15 s (the bare generator alongside for scale).

Operations are found by method + path, whatever they are named. Prints a
table; writes every sample to JSON (default generated/bench.json). Exit code 0
even when a target is missed (`--check` makes it 1).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Figure, calls, fresh, regen, table  # noqa: E402
from benchlib.data import ROOT, package_root, resolve  # noqa: E402

FIGURES = ("first_call", "per_call", "parse", "regenerate")
LIST_BOOKINGS = ("GET", "/v2/bookings")
GET_ME = ("GET", "/v2/me")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "generated" / "bench.json")
    parser.add_argument("--quick", action="store_true", help="tiny iteration counts (smoke run)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(FIGURES)}")
    parser.add_argument("--runs", type=int, help="fresh-process runs (default 7)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else set(FIGURES)
    if unknown := only - set(FIGURES):
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")

    quick = args.quick
    targets = resolve(LIST_BOOKINGS, GET_ME)
    started = time.perf_counter()
    figures: list[Figure] = []
    if "first_call" in only:
        runs = args.runs or (1 if quick else 7)
        figures += fresh.run(targets[LIST_BOOKINGS], runs, warmup=not quick)
    if "per_call" in only:
        figures += calls.per_call(
            targets[GET_ME], number=20 if quick else 2000, repeat=2 if quick else 7
        )
    if "parse" in only:
        figures += calls.parsing(
            targets[LIST_BOOKINGS], 250, number=1 if quick else 5, repeat=1 if quick else 7
        )
    if "regenerate" in only:
        figures += regen.run(args.runs and min(args.runs, 3) or (1 if quick else 3))

    print(table(figures))
    print(
        "\nFresh-process figures: medians (ratio: median of the per-round ratios); "
        "in-process figures: best repeat of each side."
    )
    report = {
        "quick": quick,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "package": str(package_root() / "calcom"),
        "operations": {
            f"{t.method} {t.path}": {"call": t.dotted, "operation_id": t.operation_id}
            for t in targets.values()
        },
        "seconds": round(time.perf_counter() - started, 1),
        "figures": [f.to_json() for f in figures],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{len(figures)} figures in {report['seconds']} s; JSON: {args.json}")
    missed = [f.key for f in figures if f.met is False]
    if missed:
        print(f"missed targets: {', '.join(missed)}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
