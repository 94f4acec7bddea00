"""The fake's suites use the `calcom_fake` fixture as a service would.

Installed from a wheel, the fixture comes from the package's `pytest11` entry
point; the test venv puts generated/ on the path instead (no entry points), so
it is imported here.
"""

from __future__ import annotations

import pytest
from _service import NOW
from calcom import Cal
from calcom.testing import FakeCal
from calcom.testing.pytest_plugin import calcom_fake  # noqa: F401


@pytest.fixture
def fake() -> FakeCal:
    """A fake frozen at NOW."""
    return FakeCal(now=NOW)


@pytest.fixture
def cal(fake: FakeCal) -> Cal:
    """A strict client of `fake`: every answer must fit the spec exactly."""
    return fake.client(strict=True)
