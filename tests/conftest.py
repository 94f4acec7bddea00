"""Session fixtures shared by every test folder.

- `repo_root`: the checkout.
- `generated_dir`: the output of `nox -s generate` ($CALCOM_GENERATED_DIR, else
  <repo>/generated); put on sys.path when `calcom` is not importable yet.
- `overlaid_spec`: the spec the package was generated from (its openapi.json).
- `raw_spec`: the pinned spec before the overlays (CI sets CALCOM_SPEC_MIRROR).
- `real_responses_dir`: ../shared/real-responses next to the checkout (skips if absent).

scripts/ is on sys.path, so tests can `import overlay, specpin, generate, namespaces`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED_DIR = Path(os.environ.get("CALCOM_GENERATED_DIR") or REPO_ROOT / "generated").resolve()

if str(REPO_ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "scripts"))


def _put_generated_on_path() -> bool:
    """Make `import calcom` work; False if there is no generated package to import."""
    if importlib.util.find_spec("calcom") is not None:
        return True
    if not (GENERATED_DIR / "calcom" / "__init__.py").is_file():
        return False
    sys.path.insert(0, str(GENERATED_DIR))
    importlib.invalidate_caches()
    return True


# Now, not only in the fixture: test modules import calcom at collection time.
_put_generated_on_path()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def generated_dir() -> Path:
    if not (GENERATED_DIR / "calcom" / "__init__.py").is_file():
        pytest.fail(
            f"no generated package at {GENERATED_DIR / 'calcom'}: run `nox -s generate` first "
            "(or set CALCOM_GENERATED_DIR to a `scripts/generate.py --output` folder)",
            pytrace=False,
        )
    _put_generated_on_path()
    return GENERATED_DIR


@pytest.fixture(scope="session")
def overlaid_spec(generated_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((generated_dir / "openapi.json").read_text())
    return document


@pytest.fixture(scope="session")
def raw_spec() -> dict[str, Any]:
    import specpin

    return specpin.load()  # type: ignore[return-value]


@pytest.fixture(scope="session")
def real_responses_dir() -> Path:
    path = (REPO_ROOT.parent / "shared" / "real-responses").resolve()
    if not path.is_dir():
        pytest.skip(f"no real responses at {path}")
    return path
