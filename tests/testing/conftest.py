"""The fake's suites use the `calcom_fake` fixture as a service would.

Installed from a wheel, the fixture comes from the package's `pytest11` entry
point; the test venv puts generated/ on the path instead (no entry points), so
it is imported here.
"""

from __future__ import annotations

from calcom.testing.pytest_plugin import calcom_fake  # noqa: F401
