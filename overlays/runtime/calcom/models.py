"""Every request and response model of the API (`from calcom.models import …`).

Re-exported lazily from the generated models package: a name is imported on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._generated import models as _models

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403

__all__ = list(_models.__all__)


def __getattr__(name: str) -> Any:
    return getattr(_models, name)


def __dir__() -> list[str]:
    return __all__
