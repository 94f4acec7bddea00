"""Every ```python block of README.md runs, and type-checks, as a reader would paste it.

Each block runs against a mock transport answering every request from the
operation's own recording (tests/recordings): no network. `httpx.Client` and
`httpx.AsyncClient` are swapped for ones bound to that transport, so a block
may build its own client, `http_client=` included. CAL_API_KEY and
CALCOM_WEBHOOK_SECRET are set to test values.

A block stands alone, unless the README says otherwise right before it, in an
HTML comment (invisible on the rendered page):

    <!-- readme-continue -->           the block goes on from the last block that
                                       stands alone (uses its `cal`, imports, ...)
    <!-- readme-setup
    body = b'{"triggerEvent": "PING", "payload": {}}'
    -->                                code to run (and type-check) before the block

`readme-continue` may carry setup code too. Each block (with what it continues)
is type-checked as a module of its own by mypy and pyright in their default
modes; tests/typing checks user code under --strict.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
sys.path.insert(0, str(Path(__file__).resolve().parent / "typing"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "contract"))

from _checkers import run_mypy, run_pyright  # noqa: E402

BLOCK = re.compile(
    r"(?:<!--\s*readme-(?P<kind>setup|continue)\b[ \t]*\n?(?P<setup>(?:(?!-->).)*)-->\s*\n)?"
    r"^```python\n(?P<code>.*?)^```",
    re.DOTALL | re.MULTILINE,
)


@dataclass
class Block:
    line: int  # of the first line of code, 1-based
    setup: str
    code: str
    base: Block | None = None  # the block this one continues

    def source(self) -> str:
        before = self.base.source() if self.base else ""
        return before + self.setup + self.code


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    base: Block | None = None
    for match in BLOCK.finditer(text):
        block = Block(
            text.count("\n", 0, match.start("code")) + 1, match["setup"] or "", match["code"]
        )
        if match["kind"] == "continue":
            assert base is not None, f"README.md:{block.line}: readme-continue with no block before"
            block.base = base
        else:
            base = block
        found.append(block)
    return found


BLOCKS = blocks(README.read_text())


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 5
    sample = (
        "```python\nx = 1\n```\n\n<!-- readme-continue\ny = x\n-->\n```python\nprint(y)\n```\n"
        "<!-- readme-setup\nz = 2\n-->\n```python\nprint(z)\n```\n"
    )
    # A directive mentioned in prose is not one; a setup never runs past its own `-->`.
    sample = "See `<!-- readme-setup -->` below.\n\n" + sample
    first, second, third = blocks(sample)
    assert (first.line, first.source()) == (4, "x = 1\n")
    assert (second.line, second.base, second.source()) == (11, first, "x = 1\ny = x\nprint(y)\n")
    assert (third.base, third.source()) == (None, "z = 2\nprint(z)\n")


def test_every_block_is_plain_ascii_python() -> None:
    for block in BLOCKS:
        compile(block.source(), f"README.md:{block.line}", "exec")
        # A pasted `"cal_live_…"` dies in httpx with UnicodeEncodeError (issue 11, item 9).
        for number, text in enumerate(block.code.splitlines(), start=block.line):
            literals = re.findall(r"\"[^\"]*\"|'[^']*'", text.split("#", 1)[0])
            assert all(part.isascii() for part in literals), f"README.md:{number}: {text}"


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    )


@pytest.fixture
def recorded_api(overlaid_spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patch httpx so every client answers from the recordings; returns what was asked."""
    import namespaces
    from _harness import RECORDINGS, recorded_response

    own = {r.operation: r for r in RECORDINGS if r.variant is None}
    operations = [op for op in namespaces.collect(overlaid_spec) if op.operation_id in own]
    routes = sorted(
        ((op.method, _path_pattern(op.path), own[op.operation_id]) for op in operations),
        key=lambda route: route[1].pattern.count("[^/]+"),  # literal segments win
    )
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        seen.append(f"{request.method} {path}")
        path = path[path.find("/v2/") :]  # a self-hosted base_url may add a prefix
        for method, pattern, recording in routes:
            if method == request.method and pattern.fullmatch(path):
                return recorded_response(recording, request)
        return httpx.Response(404, json={"status": "error", "error": {"message": path}})

    transport = httpx.MockTransport(handler)

    class Client(httpx.Client):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "transport": transport})

    class AsyncClient(httpx.AsyncClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "transport": transport})

    monkeypatch.setattr(httpx, "Client", Client)
    monkeypatch.setattr(httpx, "AsyncClient", AsyncClient)
    monkeypatch.setenv("CAL_API_KEY", "cal_test_readme")
    monkeypatch.setenv("CALCOM_WEBHOOK_SECRET", "whsec_readme")
    return seen


def test_every_block_runs(recorded_api: list[str]) -> None:
    namespaces: dict[int, dict[str, Any]] = {}
    for block in BLOCKS:
        namespace = dict(namespaces[block.base.line]) if block.base else {"__name__": "readme"}
        try:
            exec(compile(block.setup + block.code, f"README.md:{block.line}", "exec"), namespace)
        except Exception as error:  # the line number says which block
            raise AssertionError(
                f"README.md block at line {block.line} fails: {error!r}"
            ) from error
        namespaces[block.line] = namespace
    # The blocks really talked to the (mock) API, and each answer came from a recording.
    assert any(call.startswith("GET /v2/bookings") for call in recorded_api)
    assert any(call.startswith("POST /v2/bookings") for call in recorded_api)


@pytest.fixture(scope="module")
def readme_modules(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("readme")
    paths = []
    for block in BLOCKS:
        path = folder / f"readme_line_{block.line}.py"
        path.write_text(block.source())
        paths.append(path)
    return paths


@pytest.mark.parametrize("run", [run_mypy, run_pyright], ids=["mypy", "pyright"])
def test_the_readme_type_checks(run: Any, readme_modules: list[Path]) -> None:
    report = run(readme_modules, strict=False)
    assert not report.errors, f"{run.__name__}:\n" + "\n".join(
        f"{file}:{line}: {'; '.join(messages)}"
        for (file, line), messages in sorted(report.errors.items())
    )
