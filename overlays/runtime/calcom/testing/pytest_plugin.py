"""The pytest plugin (entry point `pytest11: calcom`): the `calcom_fake` fixture.

def test_booking(calcom_fake):
    cal = calcom_fake.client()
    ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest  # type: ignore[import-not-found, unused-ignore]

from ._fake import FakeCal

__all__ = ["calcom_fake"]


@pytest.fixture  # type: ignore[misc, unused-ignore]
def calcom_fake() -> Iterator[FakeCal]:
    """A fresh `calcom.testing.FakeCal` per test, its clock frozen at the test's start."""
    yield FakeCal()
