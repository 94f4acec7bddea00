"""Materialize the pinned Cal.com spec: mirror folder, then local cache, then URL.

The spec is Cal.com's document, so the repository holds only its pin
(spec/pin.toml). Every source is checked against the pinned sha256; nothing
unverified reaches the cache or the generator.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import tempfile
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "spec" / "pin.toml"
CACHE_DIR = ROOT / ".cache" / "spec"
MIRROR_ENV = "CALCOM_SPEC_MIRROR"


class SpecError(Exception):
    """The pinned spec could not be materialized; the message says where we looked."""


@dataclass(frozen=True)
class Pin:
    url: str
    repo: str
    commit: str
    path: str
    date: str
    sha256: str

    @classmethod
    def load(cls, pin_file: Path = PIN_FILE) -> Pin:
        try:
            data = tomllib.loads(pin_file.read_text())["spec"]
            pin = cls(**{name: str(data[name]) for name in cls.__dataclass_fields__})
        except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
            raise SpecError(f"cannot read the spec pin {pin_file}: {exc!r}") from exc
        if not re.fullmatch(r"[0-9a-f]{64}", pin.sha256):
            raise SpecError(
                f"cannot read the spec pin {pin_file}: sha256 must be 64 lowercase hex digits, "
                f"got {pin.sha256!r}"
            )
        return pin

    def to_toml(self) -> str:
        lines = [
            "# The pinned Cal.com API v2 OpenAPI document. The document itself is never",
            "# committed: scripts/specpin.py materializes it from a mirror, the local cache",
            "# or the URL below, and refuses anything whose sha256 differs.",
            "[spec]",
        ]
        lines += [
            f"{name} = {_toml_string(getattr(self, name))}" for name in self.__dataclass_fields__
        ]
        return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = "".join(
        f"\\{ch}"
        if ch in '"\\'
        else f"\\u{ord(ch):04x}"
        if ord(ch) < 0x20 or ord(ch) == 0x7F
        else ch
        for ch in value
    )
    return f'"{escaped}"'


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - pinned https URL
        data: bytes = response.read()
        return data


def resolve(
    pin: Pin | None = None,
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: Path = CACHE_DIR,
    download: Callable[[str], bytes] = _download,
) -> Path:
    """Return the path of a local file whose sha256 is the pinned one.

    `mirror` defaults to $CALCOM_SPEC_MIRROR. A verified download is written to
    the cache atomically; a failed one leaves the cache as it was.
    """
    pin = pin or Pin.load()
    if mirror is None:
        mirror = os.environ.get(MIRROR_ENV) or None
    looked: list[str] = []

    if mirror is not None:
        mirror_dir = Path(mirror)
        if not mirror_dir.is_dir():
            raise SpecError(
                f"{MIRROR_ENV} points at {mirror_dir}, which is not a folder. Point it at a "
                f"folder holding the pinned spec (sha256 {pin.sha256}) or unset it."
            )
        seen = []
        for candidate in sorted(p for p in mirror_dir.iterdir() if p.is_file()):
            digest = sha256_of(candidate.read_bytes())
            if digest == pin.sha256:
                return candidate
            seen.append(f"{candidate.name} ({digest[:12]}…)")
        looked.append(
            f"mirror {mirror_dir}: no file with that hash"
            + (f" (found {', '.join(seen)})" if seen else " (empty)")
        )

    cached = cache_dir / f"{pin.sha256}.json"
    if cached.is_file():
        digest = sha256_of(cached.read_bytes())
        if digest == pin.sha256:
            return cached
        # Never replaced silently, and never downloaded around: the next run
        # would find the same corrupt file again.
        looked.append(f"cache {cached}: sha256 {digest} (corrupt; delete it and rerun)")
        raise SpecError(_missing_message(pin, looked))
    looked.append(f"cache {cached}: absent")

    try:
        data = download(pin.url)
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        looked.append(f"url {pin.url}: download failed ({exc})")
        raise SpecError(_missing_message(pin, looked)) from exc
    digest = sha256_of(data)
    if digest != pin.sha256:
        looked.append(f"url {pin.url}: got sha256 {digest}")
        raise SpecError(_missing_message(pin, looked))
    try:
        json.loads(data)
    except ValueError as exc:
        looked.append(f"url {pin.url}: hash matched but the body is not JSON ({exc})")
        raise SpecError(_missing_message(pin, looked)) from exc
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".download-", delete=False) as tmp:
            try:
                tmp.write(data)
            except BaseException:
                tmp.close()
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, cached)
    except OSError as exc:
        raise SpecError(
            f"downloaded the pinned spec but cannot cache it in {cache_dir}: {exc}"
        ) from exc
    return cached


def _missing_message(pin: Pin, looked: list[str]) -> str:
    return (
        f"Could not materialize the pinned Cal.com spec: expected sha256 {pin.sha256} "
        f"({pin.repo}@{pin.commit[:12]}, {pin.path}). Looked at: "
        + "; ".join(looked)
        + f". Without internet, set {MIRROR_ENV} to a folder holding the pinned file "
        "(on this project's machines: ../shared/spec)."
    )


def load(pin: Pin | None = None, **kwargs: object) -> dict[str, object]:
    """The pinned spec as parsed JSON."""
    path = resolve(pin, **kwargs)  # type: ignore[arg-type]
    try:
        document: dict[str, object] = json.loads(path.read_bytes())
    except ValueError as exc:
        raise SpecError(
            f"the pinned spec at {path} matches its hash but is not JSON: {exc}"
        ) from exc
    return document
