"""Cal.com API v2 client.

    from calcom import Cal
    cal = Cal(api_key="cal_live_…")
    for booking in cal.bookings.list.iter(status=["upcoming"]):
        ...

Names are imported on first use (PEP 562): `import calcom` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import models, webhooks
    from ._auth import TokenPair
    from ._client import AsyncCal, Cal
    from ._endpoint import APIResponse
    from ._exceptions import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        CalError,
        ConflictError,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RedirectError,
        ResponseParseError,
        ResponseTooLargeError,
        TokenCallbackError,
        UnprocessableEntityError,
    )
    from ._generated.types import UNSET, Unset
    from ._lenient import strict_parsing

__version__ = "0.1.0"

_EXPORTS = {
    "Cal": "._client",
    "AsyncCal": "._client",
    "TokenPair": "._auth",
    "APIResponse": "._endpoint",
    "strict_parsing": "._lenient",
    "UNSET": "._generated.types",
    "Unset": "._generated.types",
    **dict.fromkeys(
        [
            "CalError",
            "APIConnectionError",
            "APITimeoutError",
            "APIStatusError",
            "BadRequestError",
            "AuthenticationError",
            "PermissionDeniedError",
            "NotFoundError",
            "ConflictError",
            "UnprocessableEntityError",
            "RateLimitError",
            "InternalServerError",
            "ResponseParseError",
            "ResponseTooLargeError",
            "RedirectError",
            "TokenCallbackError",
        ],
        "._exceptions",
    ),
}
_SUBMODULES = {"models", "webhooks"}

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'calcom' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
