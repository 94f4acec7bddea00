"""No committed recording holds a credential or a real person's address.

Scans every tests/recordings/**/*.yaml, whatever its provenance:

- API keys (`cal_live_…`, `cal_test_…`: recordings carry no key at all, not even
  the contract tests' fake one, which the harness supplies), Stripe secret keys,
  webhook secrets, private keys;
- bearer tokens with a real-looking value, complete JWTs (`eyJ….eyJ….`);
- e-mail addresses outside the reserved example/test domains. Allowed besides:
  iCalendar UIDs (`<uid>@Cal.com` under a `…Uid` key) and, in spec-derived
  recordings, addresses the overlaid spec itself publishes as examples.

Live recordings must also be fixed points of scripts/scrub.py: scrubbing one
again changes nothing, so every name, phone number and secret-named field in it
already is a placeholder (a hand edit that reintroduced real data fails here).

Each failure lists the file and the match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import recordings
import scrub
from recordings import RECORDINGS_DIR

FILES = sorted(RECORDINGS_DIR.rglob("*.yaml"))

SECRET_PATTERNS = {
    "API key": re.compile(r"\bcal_(?:live|test)_[A-Za-z0-9_]+"),
    "Stripe key": re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"),
    "webhook secret": re.compile(r"\bwhsec_[A-Za-z0-9+/=]{8,}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "bearer token": re.compile(r"(?i)\bbearer[ \t]+(?!REDACTED_)[A-Za-z0-9._~+/=-]{12,}"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\."),
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
RESERVED_DOMAIN = re.compile(
    r"@(?:[A-Za-z0-9-]+\.)*(?:example\.(?:com|org|net)|example|test|invalid|localhost)$", re.I
)
ICAL_UID = re.compile(r"^[A-Za-z0-9_-]+@cal\.com$", re.I)


def _rel(path: Path) -> str:
    return path.relative_to(RECORDINGS_DIR).as_posix()


def test_there_are_recordings_to_scan() -> None:
    assert FILES, f"no recordings under {RECORDINGS_DIR}"


def test_no_credentials_in_recordings() -> None:
    found = []
    for path in FILES:
        text = path.read_text()
        for kind, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{_rel(path)}:{line}: {kind}: {match[0][:60]}")
    assert not found, "credentials in recordings:\n  " + "\n  ".join(found)


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, string) for every string in a loaded recording, dict keys included."""
    if isinstance(value, dict):
        for k, item in value.items():
            yield str(k), str(k)
            yield from _strings(item, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def test_no_real_email_addresses_in_recordings(overlaid_spec: dict[str, Any]) -> None:
    published = {m.lower() for m in EMAIL.findall(json.dumps(overlaid_spec))}
    found = []
    for path in FILES:
        recording = recordings.load(path)
        for key, text in _strings(recording.data):
            for address in EMAIL.findall(text):
                if RESERVED_DOMAIN.search(address):
                    continue
                if key.lower().endswith("uid") and ICAL_UID.match(address):
                    continue
                if recording.provenance == "spec-derived" and address.lower() in published:
                    continue
                found.append(f"{_rel(path)}: {key}: {address}")
    assert not found, (
        "e-mail addresses outside example.com / example.org / .test (use "
        "person-1@example.com; scripts/scrub.py does this for live recordings):\n  "
        + "\n  ".join(found)
    )


def _differences(before: Any, after: Any, where: str = "") -> Iterator[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            yield from _differences(before[key], after.get(key), f"{where}.{key}")
        for key in set(after) - set(before):
            yield f"{where}.{key}: key {key!r} would be renamed"
    elif isinstance(before, list) and isinstance(after, list):
        for n, (old, new) in enumerate(zip(before, after, strict=False)):
            yield from _differences(old, new, f"{where}[{n}]")
    elif before != after:
        yield f"{where.lstrip('.')}: {str(before)[:60]!r} would become {str(after)[:60]!r}"


def test_live_recordings_are_scrubbed() -> None:
    problems = []
    for path in FILES:
        data = recordings.load(path).data
        if data.get("provenance") != "live":
            continue
        problems += [f"{_rel(path)}: {d}" for d in _differences(data, scrub.scrub_recording(data))]
    assert not problems, (
        "live recordings holding data scripts/scrub.py replaces (re-record them, or scrub "
        "the hand edit):\n  " + "\n  ".join(problems)
    )
