"""Request bodies built from keyword arguments (`cal.bookings.cancel(uid, cancellation_reason=…)`).

Generated request builders pass the body's candidate models (one, or the
members of a oneOf) with the field names each accepts and requires; the
first candidate that fits what the caller passed is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._generated.types import UNSET, Unset

Candidate = tuple[type[Any], tuple[str, ...], tuple[str, ...]]


def build_body(
    candidates: Sequence[Candidate], fields: Mapping[str, Any], *, required: bool
) -> Any:
    given = {name: value for name, value in fields.items() if not isinstance(value, Unset)}
    if not given:
        if not required:
            return UNSET
        if not any(required_names for _, _, required_names in candidates):
            return candidates[0][0]()
    for model, accepted, required_names in candidates:
        if set(given) <= set(accepted) and set(required_names) <= set(given):
            return model(**given)
    options = "; ".join(
        f"{model.__name__} requires {', '.join(req) or 'nothing'}" for model, _, req in candidates
    )
    raise TypeError(
        f"cannot build the request body from {sorted(given)}: {options}. "
        "Pass the missing fields, or a model instance as body=."
    )
