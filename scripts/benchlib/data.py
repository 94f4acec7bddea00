"""What the benchmarks send and answer, and where the measured operations live."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REAL_RESPONSES = ROOT.parent / "shared" / "real-responses"
REAL_BOOKINGS_PAGE = REAL_RESPONSES / "nango__GET__v2_bookings__1.json"
BASE_URL = "https://api.cal.com"
API_KEY = "cal_test_bench0000000000000000"

# A made-up booking of the shape Cal.com answers (used only when the real
# responses are not next to the checkout).
SYNTHETIC_BOOKING: dict[str, Any] = {
    "id": 1000001,
    "uid": "bench0Booking0Uid0000A",
    "title": "Intro call between Ada Host and Grace Guest",
    "description": "Agenda: introductions, next steps.",
    "hosts": [
        {
            "id": 501,
            "name": "Ada Host",
            "email": "ada@example.com",
            "displayEmail": "ada@example.com",
            "username": "ada-host",
            "timeZone": "Europe/London",
        }
    ],
    "status": "accepted",
    "cancellationReason": None,
    "cancelledByEmail": None,
    "rescheduledByEmail": None,
    "start": "2030-01-07T09:00:00.000Z",
    "end": "2030-01-07T09:30:00.000Z",
    "duration": 30,
    "eventTypeId": 7001,
    "eventType": {"id": 7001, "slug": "intro"},
    "meetingUrl": "https://app.cal.com/video/bench0Booking0Uid0000A",
    "location": "https://app.cal.com/video/bench0Booking0Uid0000A",
    "absentHost": False,
    "createdAt": "2030-01-01T12:00:00.000Z",
    "updatedAt": "2030-01-01T12:05:00.000Z",
    "metadata": {},
    "rating": None,
    "icsUid": "bench0Booking0Uid0000A@Cal.com",
    "attendees": [
        {
            "name": "Grace Guest",
            "email": "grace@example.com",
            "displayEmail": "grace@example.com",
            "timeZone": "America/New_York",
            "language": "en",
            "absent": False,
        }
    ],
    "bookingFieldsResponses": {
        "email": "grace@example.com",
        "name": "Grace Guest",
        "displayEmail": "grace@example.com",
    },
}

# GET /v2/me answer (MeOutput's required fields, values of a plain user).
ME_BODY = json.dumps(
    {
        "status": "success",
        "data": {
            "id": 3140613,
            "username": "bench-user",
            "email": "bench@example.com",
            "name": "Bench User",
            "avatarUrl": None,
            "bio": None,
            "timeFormat": 24,
            "defaultScheduleId": 812345,
            "weekStart": "Monday",
            "timeZone": "Europe/Berlin",
            "organizationId": None,
        },
    }
).encode()


def booking_source() -> tuple[dict[str, Any], dict[str, Any], str]:
    """(one booking, the page around it without `data`, where it came from)."""
    if REAL_BOOKINGS_PAGE.is_file():
        body = json.loads(REAL_BOOKINGS_PAGE.read_text())["body"]
        booking = body["data"][0]
        envelope = {k: v for k, v in body.items() if k != "data"}
        return booking, envelope, REAL_BOOKINGS_PAGE.name
    envelope = {"status": "success", "pagination": {"nextCursor": None, "hasMore": False}}
    return SYNTHETIC_BOOKING, envelope, "synthetic booking"


def _uid(n: int, length: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    digest = int.from_bytes(hashlib.sha256(f"bench-{n}".encode()).digest(), "big")
    chars = []
    for _ in range(length):
        digest, rest = divmod(digest, len(alphabet))
        chars.append(alphabet[rest])
    return "".join(chars)


def bookings_page(count: int) -> tuple[bytes, str]:
    """A GET /v2/bookings answer with `count` bookings (varied ids and uids)."""
    booking, envelope, source = booking_source()
    old_uid = str(booking["uid"])
    items = []
    for n in range(count):
        item = copy.deepcopy(booking)
        new_uid = _uid(n, len(old_uid))
        for key, value in item.items():
            if isinstance(value, str):
                item[key] = value.replace(old_uid, new_uid)
        item["id"] = int(booking["id"]) + n
        item["uid"] = new_uid
        items.append(item)
    body = {"status": envelope.get("status", "success"), "data": items}
    body.update({k: v for k, v in envelope.items() if k != "status"})
    return json.dumps(body).encode(), source


@dataclass(frozen=True)
class Target:
    """Where an operation hangs on the client: `cal.<chain>.<attr>`."""

    method: str
    path: str
    chain: tuple[str, ...]
    attr: str
    module: str  # the generated endpoint module
    operation_id: str

    @property
    def dotted(self) -> str:
        return ".".join(("cal", *self.chain, self.attr))


_RESOLVE = r"""
import importlib, json, pkgutil, sys
import calcom._resources as resources
from calcom._endpoint import Endpoint, SyncResource
wanted = {tuple(x) for x in json.loads(sys.argv[1])}
found = {}
for info in pkgutil.iter_modules(resources.__path__):
    module = importlib.import_module(f"calcom._resources.{info.name}")
    for cls in vars(module).values():
        if not (isinstance(cls, type) and issubclass(cls, SyncResource)):
            continue
        for attr, value in vars(cls).items():
            if isinstance(value, Endpoint):
                op = value.operation
                if (op.method, op.path) in wanted:
                    found[f"{op.method} {op.path}"] = {
                        "chain": [p for p in op.namespace.split(".") if p],
                        "attr": attr,
                        "module": value.build.__module__,
                        "operation_id": op.operation_id,
                    }
print(json.dumps(found))
"""


def package_root() -> Path:
    """The folder holding the `calcom` package the bench measures (not imported here)."""
    import importlib.util

    spec = importlib.util.find_spec("calcom")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "bench: `calcom` is not importable: generate it and put it on the path "
            "(PYTHONPATH=<output of scripts/generate.py>)"
        )
    return Path(spec.origin).resolve().parent.parent


def child_env() -> dict[str, str]:
    """Environment of the child interpreters: the measured package first on the path."""
    env = dict(os.environ)
    paths = [str(package_root()), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def resolve(*operations: tuple[str, str]) -> dict[tuple[str, str], Target]:
    """Find operations by (METHOD, path), whatever they are named today.

    Done in a child interpreter, so that importing every namespace does not
    weigh on the in-process measurements."""
    proc = subprocess.run(
        [sys.executable, "-c", _RESOLVE, json.dumps(operations)],
        capture_output=True,
        text=True,
        env=child_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench: cannot list the operations of calcom:\n{proc.stderr}")
    found = json.loads(proc.stdout)
    targets = {}
    for method, path in operations:
        entry = found.get(f"{method} {path}")
        if entry is None:
            raise SystemExit(f"bench: no operation {method} {path} on the client")
        targets[(method, path)] = Target(
            method,
            path,
            tuple(entry["chain"]),
            entry["attr"],
            entry["module"],
            entry["operation_id"],
        )
    return targets
