"""Which operations the fake simulates: handlers register here by operation id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ._routes import Route
from ._wire import Answer, bad_request

if TYPE_CHECKING:
    from ._fake import FakeCal

__all__ = ["HANDLERS", "Call", "Handler", "handles"]


@dataclass
class Call:
    """One request, routed: the operation, its path parameters, query and JSON body."""

    route: Route
    params: dict[str, str]
    query: httpx.QueryParams
    body: Any
    request: httpx.Request

    def body_dict(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise bad_request("the request body must be a JSON object")
        return self.body

    def int_param(self, name: str) -> int:
        value = self.params[name]
        try:
            return int(value)
        except ValueError:
            raise bad_request(
                f"Validation failed (numeric string is expected): {name}={value!r}"
            ) from None


Handler = Callable[["FakeCal", Call], Answer]
HANDLERS: dict[str, Handler] = {}


def handles(*operation_ids: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for operation_id in operation_ids:
            HANDLERS[operation_id] = handler
        return handler

    return register
