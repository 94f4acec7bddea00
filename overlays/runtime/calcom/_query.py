"""Query values that are objects, in the bracket form Cal.com's server parses.

Cal.com's API runs on Express, whose query parser reads
`calendarsToLoad[0][credentialId]=1&calendarsToLoad[0][externalId]=a` as
`{"calendarsToLoad": [{"credentialId": "1", "externalId": "a"}]}`. The spec
declares such parameters `style: deepObject` (e.g. the busy-times
`calendarsToLoad`, overlays/42-live-request-divergences.yaml); generated
builders pass them as dicts or lists of dicts, which httpx would send as their
Python repr. Everything else passes through untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _nested(value: Any) -> bool:
    if isinstance(value, Mapping):
        return True
    return isinstance(value, list) and any(isinstance(item, (Mapping, list)) for item in value)


def bracketed(params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` with every object or list of objects spelled out as `key[i][field]` pairs."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if _nested(value):
            _spell(key, value, out)
        else:
            out[key] = value
    return out


def needs_brackets(params: Mapping[str, Any]) -> bool:
    return any(_nested(value) for value in params.values())


def _spell(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _spell(f"{prefix}[{key}]", item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _spell(f"{prefix}[{index}]", item, out)
    else:
        out[prefix] = value
