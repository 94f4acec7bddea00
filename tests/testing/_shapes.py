"""Shape comparison for the differential tests: same keys at every level, same JSON
types; a null on either side matches any type (the value, not the shape, is absent)."""

from __future__ import annotations

from typing import Any

# Keys the fake sends that the self-hosted server of shared/live-server (a December
# 2025 build) does not: the spec requires them and api.cal.com sends them
# (shared/real-responses: hosts/attendees displayEmail in the bookings answers,
# bookingUrl in GET /v2/event-types/{id}), so strict parsing needs them.
EXTRA_ALLOWED = {"displayEmail", "bookingUrl"}
# Objects whose keys are the user's data, not the API's schema: only the values
# under common keys are compared.
DATA_MAPS = {"metadata", "bookingFieldsResponses"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _merge_items(items: list[Any]) -> Any:
    """The items of a list as one shape: the union of the objects' keys."""
    objects = [item for item in items if isinstance(item, dict)]
    if objects and len(objects) == len(items):
        merged: dict[str, Any] = {}
        for item in objects:
            for key, value in item.items():
                if merged.get(key) is None:
                    merged[key] = value
        return merged
    return next((item for item in items if item is not None), None)


def differences(
    fake: Any, real: Any, path: str = "$", *, may_lack: frozenset[str] = frozenset()
) -> list[str]:
    """What differs; `may_lack` names keys the real answer has that the fake may omit."""
    if fake is None or real is None:
        return []
    if _kind(fake) != _kind(real):
        return [f"{path}: fake {_kind(fake)}, real {_kind(real)}"]
    if isinstance(real, dict) and path.rsplit(".", 1)[-1] in DATA_MAPS:
        common = sorted(set(real) & set(fake))
        return [p for k in common for p in differences(fake[k], real[k], may_lack=may_lack)]
    if isinstance(real, dict):
        problems = []
        missing = sorted(set(real) - set(fake) - may_lack)
        extra = sorted(set(fake) - set(real) - EXTRA_ALLOWED)
        if missing:
            problems.append(f"{path}: the fake lacks {missing}")
        if extra:
            problems.append(f"{path}: the fake adds {extra}")
        for key in sorted(set(real) & set(fake)):
            problems += differences(fake[key], real[key], f"{path}.{key}", may_lack=may_lack)
        return problems
    if isinstance(real, list):
        if not real or not fake:
            return []
        return differences(_merge_items(fake), _merge_items(real), f"{path}[]", may_lack=may_lack)
    return []
