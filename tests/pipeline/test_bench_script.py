"""`nox -s bench` (scripts/bench.py) runs and reports every figure.

A smoke test with tiny iteration counts (`--quick`): it checks that each
figure is measured against a baseline and lands in the JSON, never how fast
anything is (speed is what the benchmark measures, not what a test asserts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIGURES = {
    "first_call_time",
    "first_call_peak_rss",
    "import_calcom_time",
    "import_calcom_peak_rss",
    "import_endpoint_time",
    "import_endpoint_peak_rss",
    "per_call_sync",
    "per_call_async",
    "parse_bookings",
    "regenerate",
}


@pytest.fixture(scope="module")
def bench_report(
    repo_root: Path, generated_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, object], str]:
    import specpin

    try:
        specpin.resolve(specpin.Pin.load())
    except specpin.SpecError as exc:
        pytest.skip(f"the regeneration figure needs the pinned spec: {exc}")
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(generated_dir), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    )
    proc = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "bench.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo_root,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report: dict[str, object] = json.loads(out.read_text())
    return report, proc.stdout


def test_every_figure_has_a_baseline_and_a_ratio(
    bench_report: tuple[dict[str, object], str],
) -> None:
    report, _ = bench_report
    figures = report["figures"]
    assert isinstance(figures, list)
    by_key = {figure["key"]: figure for figure in figures}
    assert set(by_key) == FIGURES
    for key, figure in by_key.items():
        assert figure["ours"] > 0, key
        assert figure["baseline"] > 0, key
        assert figure["ratio"] > 0, key
        assert figure["baseline_label"], key
        assert figure["unit"] in ("s", "MiB"), key
        assert figure["samples"], key
    for key in ("first_call_time", "first_call_peak_rss", "per_call_sync", "per_call_async"):
        assert by_key[key]["target_ratio"] is not None, key
    assert by_key["parse_bookings"]["target_ratio"] == 4.0
    assert by_key["regenerate"]["target_absolute"] == 15.0


def test_operations_are_found_by_method_and_path(
    bench_report: tuple[dict[str, object], str],
) -> None:
    report, _ = bench_report
    operations = report["operations"]
    assert isinstance(operations, dict)
    assert set(operations) == {"GET /v2/bookings", "GET /v2/me"}
    for found in operations.values():
        assert found["call"].startswith("cal.")


def test_the_table_is_printed(bench_report: tuple[dict[str, object], str]) -> None:
    _, stdout = bench_report
    header = stdout.splitlines()[0].split()
    assert header[:5] == ["figure", "calcom", "baseline", "ratio", "target"]
    assert "full regeneration" in stdout
    assert "JSON:" in stdout


def test_the_parsed_page_is_250_distinct_bookings() -> None:
    from benchlib.data import bookings_page

    body, _ = bookings_page(250)
    page = json.loads(body)
    assert len(page["data"]) == 250
    assert len({b["id"] for b in page["data"]}) == 250
    assert len({b["uid"] for b in page["data"]}) == 250
    assert 200_000 < len(body) < 400_000
