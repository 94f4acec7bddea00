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
    # `X as X`: an explicit re-export, so mypy --strict and pyright --strict accept
    # `from calcom import Cal` (a bare import under TYPE_CHECKING is private to them).
    from . import models as models
    from . import webhooks as webhooks
    from ._auth import TokenPair as TokenPair
    from ._client import AsyncCal as AsyncCal
    from ._client import Cal as Cal
    from ._endpoint import APIResponse as APIResponse
    from ._exceptions import APIConnectionError as APIConnectionError
    from ._exceptions import APIStatusError as APIStatusError
    from ._exceptions import APITimeoutError as APITimeoutError
    from ._exceptions import AuthenticationError as AuthenticationError
    from ._exceptions import BadRequestError as BadRequestError
    from ._exceptions import CalError as CalError
    from ._exceptions import ConflictError as ConflictError
    from ._exceptions import InternalServerError as InternalServerError
    from ._exceptions import NotFoundError as NotFoundError
    from ._exceptions import PermissionDeniedError as PermissionDeniedError
    from ._exceptions import RateLimitError as RateLimitError
    from ._exceptions import RedirectError as RedirectError
    from ._exceptions import ResponseParseError as ResponseParseError
    from ._exceptions import ResponseTooLargeError as ResponseTooLargeError
    from ._exceptions import TokenCallbackError as TokenCallbackError
    from ._exceptions import UnprocessableEntityError as UnprocessableEntityError
    from ._generated.types import UNSET as UNSET
    from ._generated.types import Unset as Unset
    from ._lenient import strict_parsing as strict_parsing

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

# A literal list: type checkers read it to know what `from calcom import *` and the
# re-exports are (tests/runtime/test_exports.py keeps it equal to _EXPORTS).
__all__ = [
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCal",
    "AuthenticationError",
    "BadRequestError",
    "Cal",
    "CalError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseParseError",
    "ResponseTooLargeError",
    "TokenCallbackError",
    "TokenPair",
    "UNSET",
    "UnprocessableEntityError",
    "Unset",
    "__version__",
    "models",
    "strict_parsing",
    "webhooks",
]


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
