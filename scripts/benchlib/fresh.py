"""First call and imports, each in a fresh interpreter.

Every child times its own work with perf_counter (interpreter start-up, the
same for both sides, is left out) and prints its peak RSS. On Linux that is
VmHWM of /proc/self/status, not getrusage(RUSAGE_SELF).ru_maxrss: the latter
survives exec, so a child spawned by this (larger) process would report at
least the parent's size; elsewhere ru_maxrss. Runs alternate ours / baseline
so that a busy machine weighs on both alike; one warm-up round is discarded;
figures are medians, ratios the median of the per-round ratios. The package is
byte-compiled first, as an install would (with PYTHONDONTWRITEBYTECODE set,
every child would otherwise compile all it imports from source).
"""

from __future__ import annotations

import compileall
import subprocess
import sys
import tempfile
from pathlib import Path

from . import Figure, median, paired_ratio
from .data import API_KEY, BASE_URL, Target, bookings_page, child_env, package_root

_PRELUDE = """\
import resource as _resource
import sys as _sys
import time as _time
_body = open({body!r}, "rb").read()
_t0 = _time.perf_counter()
"""

_REPORT = """\
_t1 = _time.perf_counter()
_rss = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
_rss *= 1 if _sys.platform == "darwin" else 1024
try:
    with open("/proc/self/status") as _status:
        _rss = next(int(l.split()[1]) * 1024 for l in _status if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print("BENCH", _t1 - _t0, _rss, _check)
"""

_HANDLER = """\
def _handler(request):
    return httpx.Response(200, content=_body, headers={{"content-type": "application/json"}})
"""

CALCOM_FIRST_CALL = (
    """\
import calcom
import httpx
"""
    + _HANDLER
    + """\
http = httpx.Client(transport=httpx.MockTransport(_handler))
cal = calcom.Cal(api_key={api_key!r}, http_client=http)
page = cal{accessor}(take=10)
_check = f"{{type(page).__name__}}:{{len(page.data)}}"
"""
)

HTTPX_FIRST_CALL = (
    """\
import httpx
"""
    + _HANDLER
    + """\
client = httpx.Client(transport=httpx.MockTransport(_handler))
response = client.get(
    {url!r},
    params={{"take": 10}},
    headers={{"Authorization": "Bearer " + {api_key!r}, "cal-api-version": "2024-08-13"}},
)
response.raise_for_status()
page = response.json()
_check = f"dict:{{len(page['data'])}}"
"""
)

IMPORT = """\
import {module}
_check = "imported"
"""


def _child(code: str, env: dict[str, str]) -> tuple[float, float, str]:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"bench child failed (exit {proc.returncode}):\n{code}\n{proc.stderr}")
    _, seconds, rss, check = lines[-1].split(" ", 3)
    return float(seconds), float(rss) / 2**20, check


def run(target: Target, runs: int, warmup: bool = True) -> list[Figure]:
    """Figures: first call (time, peak RSS), `import calcom`, import of one endpoint module."""
    env = child_env()
    compileall.compile_dir(package_root() / "calcom", quiet=1, workers=0)
    body, source = bookings_page(10)
    with tempfile.TemporaryDirectory(prefix="calcom-bench-") as tmp:
        body_file = Path(tmp, "page.json")
        body_file.write_bytes(body)
        prelude = _PRELUDE.format(body=str(body_file))
        accessor = "".join(f".{part}" for part in (*target.chain, target.attr))
        scripts = {
            "calcom_first_call": CALCOM_FIRST_CALL.format(api_key=API_KEY, accessor=accessor),
            "httpx_first_call": HTTPX_FIRST_CALL.format(
                api_key=API_KEY, url=BASE_URL + target.path
            ),
            "import_calcom": IMPORT.format(module="calcom"),
            "import_endpoint": IMPORT.format(module=target.module),
            "import_httpx": IMPORT.format(module="httpx"),
        }
        samples: dict[str, dict[str, list[float]]] = {
            name: {"seconds": [], "peak_rss_mib": []} for name in scripts
        }
        checks: dict[str, str] = {}
        for round_ in range(runs + (1 if warmup else 0)):
            for name, code in scripts.items():
                seconds, rss, check = _child(prelude + code + _REPORT, env)
                checks[name] = check
                if warmup and round_ == 0:
                    continue
                samples[name]["seconds"].append(seconds)
                samples[name]["peak_rss_mib"].append(rss)
    if not checks["calcom_first_call"].endswith(":10") or checks["httpx_first_call"] != "dict:10":
        raise RuntimeError(f"first call did not parse a page of 10 bookings: {checks}")

    def med(name: str, what: str) -> float:
        return median(samples[name][what])

    def ratio(ours: str, base: str, what: str) -> float:
        return paired_ratio(samples[ours][what], samples[base][what])

    def both(ours: str, base: str) -> dict[str, list[float]]:
        return {
            **{f"ours_{k}": v for k, v in samples[ours].items()},
            **{f"baseline_{k}": v for k, v in samples[base].items()},
        }

    note = (
        f"fresh interpreter, median of {runs}; {target.dotted}(take=10) answered by "
        f"httpx.MockTransport with a {len(body)} B page of 10 bookings ({source})"
    )
    first = both("calcom_first_call", "httpx_first_call")
    return [
        Figure(
            "first_call_time",
            f"first call, fresh process: time ({target.dotted})",
            "s",
            med("calcom_first_call", "seconds"),
            med("httpx_first_call", "seconds"),
            "import httpx + Client + get + .json()",
            target_ratio=1.5,
            samples=first,
            notes=note,
            paired_ratio=ratio("calcom_first_call", "httpx_first_call", "seconds"),
        ),
        Figure(
            "first_call_peak_rss",
            "first call, fresh process: peak RSS",
            "MiB",
            med("calcom_first_call", "peak_rss_mib"),
            med("httpx_first_call", "peak_rss_mib"),
            "import httpx + Client + get + .json()",
            target_ratio=1.3,
            samples=first,
            notes=note,
            paired_ratio=ratio("calcom_first_call", "httpx_first_call", "peak_rss_mib"),
        ),
        Figure(
            "import_calcom_time",
            "import calcom: time",
            "s",
            med("import_calcom", "seconds"),
            med("import_httpx", "seconds"),
            "import httpx",
            samples=both("import_calcom", "import_httpx"),
            paired_ratio=ratio("import_calcom", "import_httpx", "seconds"),
        ),
        Figure(
            "import_calcom_peak_rss",
            "import calcom: peak RSS",
            "MiB",
            med("import_calcom", "peak_rss_mib"),
            med("import_httpx", "peak_rss_mib"),
            "import httpx",
            samples=both("import_calcom", "import_httpx"),
            paired_ratio=ratio("import_calcom", "import_httpx", "peak_rss_mib"),
        ),
        Figure(
            "import_endpoint_time",
            f"import one endpoint module: time ({target.module.rsplit('.', 1)[-1]})",
            "s",
            med("import_endpoint", "seconds"),
            med("import_httpx", "seconds"),
            "import httpx",
            samples=both("import_endpoint", "import_httpx"),
            notes=f"import {target.module}",
            paired_ratio=ratio("import_endpoint", "import_httpx", "seconds"),
        ),
        Figure(
            "import_endpoint_peak_rss",
            "import one endpoint module: peak RSS",
            "MiB",
            med("import_endpoint", "peak_rss_mib"),
            med("import_httpx", "peak_rss_mib"),
            "import httpx",
            samples=both("import_endpoint", "import_httpx"),
            notes=f"import {target.module}",
            paired_ratio=ratio("import_endpoint", "import_httpx", "peak_rss_mib"),
        ),
    ]
