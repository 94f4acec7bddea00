"""Every operation of the client, as the fake routes it.

calcom/testing/_answers.json.gz is written by `nox -s generate`
(scripts/fake_answers.py) from the overlaid spec and tests/recordings: each
operation's public name, method, path template, api version, credentials and
one recorded 2xx answer (live before observed before spec-derived).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Route", "load_routes", "match", "route_named"]

_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Route:
    operation_id: str
    name: str  # "bookings.create"
    method: str
    path: str  # "/v2/bookings/{bookingUid}"
    api_version: str | None
    auth: str  # "bearer|client|none": alternatives, each "+"-joined
    answer: dict[str, Any]
    pattern: re.Pattern[str]
    literal_segments: int

    @property
    def alternatives(self) -> list[set[str]]:
        return [set(alt.split("+")) for alt in self.auth.split("|") if alt]


def _compile(path: str) -> re.Pattern[str]:
    out, last = [], 0
    for m in _PARAM.finditer(path):
        out.append(re.escape(path[last : m.start()]))
        out.append(f"(?P<{re.sub(r'[^0-9a-zA-Z_]', '_', m.group(1))}>[^/]+)")
        last = m.end()
    out.append(re.escape(path[last:]))
    return re.compile("^" + "".join(out) + "/?$")


@cache
def load_routes() -> tuple[Route, ...]:
    raw = resources.files("calcom.testing").joinpath("_answers.json.gz").read_bytes()
    data = json.loads(gzip.decompress(raw))
    routes = []
    for operation_id, entry in data["operations"].items():
        path = entry["path"]
        routes.append(
            Route(
                operation_id=operation_id,
                name=entry["name"],
                method=entry["method"],
                path=path,
                api_version=entry["api_version"],
                auth=entry["auth"],
                answer=entry["answer"],
                pattern=_compile(path),
                literal_segments=sum(1 for seg in path.split("/") if seg and "{" not in seg),
            )
        )
    # /v2/schedules/default before /v2/schedules/{scheduleId}.
    routes.sort(key=lambda r: (-r.literal_segments, r.path.count("{"), r.path))
    return tuple(routes)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in load_routes():
        if route.method != method:
            continue
        m = route.pattern.match(path)
        if m:
            names = _PARAM.findall(route.path)
            return route, dict(zip(names, m.groups(), strict=True))
    return None


@cache
def _by_name() -> dict[str, Route]:
    table: dict[str, Route] = {}
    for route in load_routes():
        table[route.name] = route
        table[route.operation_id] = route
    return table


def route_named(name: str) -> Route:
    """A route by public name (`bookings.create`) or operation id (`create_booking`)."""
    try:
        return _by_name()[name]
    except KeyError:
        raise ValueError(
            f"unknown operation {name!r}: use the client's name (e.g. 'bookings.create') "
            "or the operation id (e.g. 'create_booking')"
        ) from None
