"""scripts/specpin.py: mirror, then cache, then URL; nothing unverified gets through."""

from __future__ import annotations

import http.client
import json
import tomllib
import urllib.error
from pathlib import Path

import pytest
import specpin
from specpin import Pin, SpecError

SPEC = json.dumps({"openapi": "3.0.0", "paths": {}}).encode()
OTHER = json.dumps({"openapi": "3.0.0", "paths": {"/x": {}}}).encode()


def pin_for(data: bytes) -> Pin:
    return Pin(
        url="https://example.invalid/openapi.json",
        repo="github.com/example/spec",
        commit="0123456789abcdef0123456789abcdef01234567",
        path="openapi.json",
        date="2026-01-01",
        sha256=specpin.sha256_of(data),
    )


PIN = pin_for(SPEC)


class Downloads:
    """A fake `download`: returns `data` (or raises it) and counts calls."""

    def __init__(self, data: bytes | Exception = SPEC) -> None:
        self.data = data
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if isinstance(self.data, Exception):
            raise self.data
        return self.data


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")}


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def no_mirror_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(specpin.MIRROR_ENV, raising=False)


# --- mirror ------------------------------------------------------------------------------


def test_mirror_file_with_the_pinned_hash_wins(tmp_path: Path, cache: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "a-other.json").write_bytes(OTHER)
    (mirror / "spec.json").write_bytes(SPEC)
    download = Downloads()
    assert specpin.resolve(PIN, mirror=mirror, cache_dir=cache, download=download) == (
        mirror / "spec.json"
    )
    assert download.calls == [] and not cache.exists()


def test_mirror_comes_from_the_environment(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "spec.json").write_bytes(SPEC)
    monkeypatch.setenv(specpin.MIRROR_ENV, str(tmp_path))
    assert specpin.resolve(PIN, cache_dir=cache, download=Downloads()) == tmp_path / "spec.json"


def test_mirror_without_the_file_falls_through_and_the_error_says_where_it_looked(
    tmp_path: Path, cache: Path
) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "old.json").write_bytes(OTHER)
    download = Downloads(OTHER)
    with pytest.raises(SpecError) as info:
        specpin.resolve(PIN, mirror=mirror, cache_dir=cache, download=download)
    message = str(info.value)
    assert PIN.sha256 in message  # expected
    assert specpin.sha256_of(OTHER) in message  # what the URL served
    assert f"old.json ({specpin.sha256_of(OTHER)[:12]}" in message  # what the mirror holds
    assert str(mirror) in message
    assert str(cache / f"{PIN.sha256}.json") in message
    assert PIN.url in message
    assert download.calls == [PIN.url]


def test_an_empty_mirror_falls_through_to_the_cache(tmp_path: Path, cache: Path) -> None:
    cache.mkdir()
    (cache / f"{PIN.sha256}.json").write_bytes(SPEC)
    path = specpin.resolve(PIN, mirror=tmp_path, cache_dir=cache, download=Downloads())
    assert path == cache / f"{PIN.sha256}.json"


def test_a_mirror_that_is_not_a_folder_is_an_error(tmp_path: Path, cache: Path) -> None:
    not_a_folder = tmp_path / "spec.json"
    not_a_folder.write_bytes(SPEC)
    download = Downloads()
    for mirror in (not_a_folder, tmp_path / "missing"):
        with pytest.raises(SpecError, match="not a folder") as info:
            specpin.resolve(PIN, mirror=mirror, cache_dir=cache, download=download)
        assert str(mirror) in str(info.value) and specpin.MIRROR_ENV in str(info.value)
    assert download.calls == []


# --- cache -------------------------------------------------------------------------------


def test_cache_hit(cache: Path) -> None:
    cache.mkdir()
    (cache / f"{PIN.sha256}.json").write_bytes(SPEC)
    download = Downloads()
    assert specpin.resolve(PIN, cache_dir=cache, download=download) == cache / f"{PIN.sha256}.json"
    assert download.calls == []


def test_a_corrupt_cache_file_is_reported_and_not_overwritten(cache: Path) -> None:
    cache.mkdir()
    corrupt = cache / f"{PIN.sha256}.json"
    corrupt.write_bytes(SPEC + b" ")
    before = snapshot(cache)
    with pytest.raises(SpecError) as info:
        specpin.resolve(PIN, cache_dir=cache, download=Downloads())
    message = str(info.value)
    assert str(corrupt) in message and "corrupt" in message
    assert specpin.sha256_of(SPEC + b" ") in message
    assert snapshot(cache) == before


# --- download ----------------------------------------------------------------------------


def test_download_with_the_wrong_hash_leaves_the_cache_alone(cache: Path) -> None:
    cache.mkdir()
    (cache / "unrelated.json").write_bytes(b"{}")
    before = snapshot(cache)
    with pytest.raises(SpecError) as info:
        specpin.resolve(PIN, cache_dir=cache, download=Downloads(OTHER))
    assert PIN.sha256 in str(info.value)
    assert specpin.sha256_of(OTHER) in str(info.value)
    assert snapshot(cache) == before


def test_download_that_is_not_json_leaves_the_cache_alone(cache: Path) -> None:
    html = b"<html>rate limited</html>"
    with pytest.raises(SpecError, match="not JSON"):
        specpin.resolve(pin_for(html), cache_dir=cache, download=Downloads(html))
    assert snapshot(cache) == {}


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.URLError("no route to host"),
        urllib.error.HTTPError("https://example.invalid", 404, "Not Found", None, None),  # type: ignore[arg-type]
        TimeoutError("timed out"),
        http.client.IncompleteRead(b"{"),
    ],
)
def test_download_failure_says_how_to_work_offline(cache: Path, failure: Exception) -> None:
    with pytest.raises(SpecError) as info:
        specpin.resolve(PIN, cache_dir=cache, download=Downloads(failure))
    message = str(info.value)
    assert "download failed" in message
    assert f"set {specpin.MIRROR_ENV}" in message
    assert snapshot(cache) == {}


def test_a_download_is_cached_and_reused(cache: Path) -> None:
    download = Downloads()
    path = specpin.resolve(PIN, cache_dir=cache, download=download)
    assert path == cache / f"{PIN.sha256}.json"
    assert path.read_bytes() == SPEC
    assert snapshot(cache) == {f"{PIN.sha256}.json": SPEC}  # no temporary file left behind
    assert specpin.resolve(PIN, cache_dir=cache, download=download) == path
    assert download.calls == [PIN.url]


def test_the_cache_is_written_atomically(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache file appears by rename of a complete temporary file in the same folder."""
    renames: list[tuple[Path, Path]] = []
    real_replace = specpin.os.replace

    def replace(src: str, dst: Path) -> None:
        assert Path(src).read_bytes() == SPEC and not Path(dst).exists()
        renames.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(specpin.os, "replace", replace)
    path = specpin.resolve(PIN, cache_dir=cache, download=Downloads())
    [(src, dst)] = renames
    assert src.parent == cache and dst == path


def test_load_parses_and_refuses_a_matching_non_json_file(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "spec.json").write_bytes(SPEC)
    assert specpin.load(PIN, mirror=tmp_path, cache_dir=cache) == json.loads(SPEC)
    junk = b"\xff not json"
    (tmp_path / "junk").write_bytes(junk)
    with pytest.raises(SpecError, match="not JSON"):
        specpin.load(pin_for(junk), mirror=tmp_path, cache_dir=cache)


# --- the pin file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[spec\n",
        'spec = "x"\n',
        '[spec]\nurl = "u"\n',
        PIN.to_toml().replace(PIN.sha256, "abc"),
        PIN.to_toml().replace(PIN.sha256, PIN.sha256.upper()),
    ],
)
def test_a_malformed_pin_file_is_an_error(tmp_path: Path, text: str) -> None:
    pin_file = tmp_path / "pin.toml"
    pin_file.write_text(text)
    with pytest.raises(SpecError, match="cannot read the spec pin") as info:
        Pin.load(pin_file)
    assert str(pin_file) in str(info.value)


def test_a_missing_pin_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read the spec pin"):
        Pin.load(tmp_path / "pin.toml")


@pytest.mark.parametrize(
    "pin",
    [PIN, Pin(**{**PIN.__dict__, "path": 'odd "quoted" \\ path\tü\x7f', "date": "2026-01-01"})],
)
def test_pin_round_trips_through_toml(tmp_path: Path, pin: Pin) -> None:
    pin_file = tmp_path / "pin.toml"
    pin_file.write_text(pin.to_toml())
    assert Pin.load(pin_file) == pin
    assert tomllib.loads(pin.to_toml())["spec"]["sha256"] == pin.sha256


def test_the_repository_pin_loads() -> None:
    pin = Pin.load()
    assert pin.url.startswith("https://") and pin.commit in pin.url
    assert Pin.load(specpin.PIN_FILE).to_toml() == specpin.PIN_FILE.read_text()
