"""scripts/reference.py renders every namespace and every operation."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import namespaces  # noqa: E402
import reference  # noqa: E402


@pytest.fixture(scope="module")
def pages(generated_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return reference.render(generated_dir, tmp_path_factory.mktemp("reference"))


def test_every_namespace_has_a_page(pages: dict[str, Path], overlaid_spec: dict[str, Any]) -> None:
    tops = {op.namespace.split(".")[0] for op in namespaces.collect(overlaid_spec)}
    assert set(pages) == tops | {"index", "models"}
    index = pages["index"].read_text()
    for top in tops:
        assert f"]({top}.md)" in index


def test_every_operation_appears_with_its_facts(
    pages: dict[str, Path], overlaid_spec: dict[str, Any]
) -> None:
    texts = {name: path.read_text() for name, path in pages.items()}
    for op in namespaces.collect(overlaid_spec):
        page = texts[op.namespace.split(".")[0]]
        call = f"cal.{op.namespace}.{op.name}"
        assert f"### `{call}`" in page, call
        section = page.split(f"### `{call}`", 1)[1].split("\n### ", 1)[0]
        assert f"`{op.method} {op.path}`" in section, call
        assert f"```python\n{call}(" in section, call
        if op.api_version:
            assert f"`{op.api_version}`" in section, call
        if op.summary:
            assert op.summary in section, call


def test_models_page_lists_results_and_bodies(pages: dict[str, Path]) -> None:
    models = pages["models"].read_text()
    bookings = pages["bookings"].read_text()
    for name in set(re.findall(r"\]\(models\.md#([a-z0-9_]+)\)", bookings)):
        assert f'<a id="{name}"></a>' in models
    section = models.split("### `GetBookingsOutput`", 1)[1].split("\n### ", 1)[0]
    assert "Returned by `cal.bookings.list`" in section
    assert "| `data` |" in section and "| `pagination` |" in section


def _section(pages: dict[str, Path], call: str) -> str:
    page = pages[call.split(".")[1]].read_text()
    return page.split(f"### `{call}`", 1)[1].split("\n### ", 1)[0]


def test_operations_carry_descriptions_required_ness_and_an_example(
    pages: dict[str, Path],
) -> None:
    create = _section(pages, "cal.bookings.create")
    start = next(line for line in create.splitlines() if line.startswith("| `start` |"))
    assert "| yes, unless `body=` |" in start
    assert "The start time of the booking" in start
    optional = next(line for line in create.splitlines() if line.startswith("| `guests` |"))
    assert "| no |" in optional
    example = create.split("Example:", 1)[1]
    assert "cal.bookings.create(start=datetime(" in example and "attendee=" in example
    get = _section(pages, "cal.bookings.get")
    assert 'result = cal.bookings.get("...")' in get
    listing = _section(pages, "cal.bookings.list")
    assert "for item in cal.bookings.list.iter():" in listing
    assert "Default: 100." in next(
        line for line in listing.splitlines() if line.startswith("| `take` |")
    )
