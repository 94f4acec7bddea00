"""Lenient parsing: what the API sends that the spec did not foresee never raises.

The generated models call into this module only when a field fails to parse
(zero cost on the happy path). By default the raw JSON value is kept on the
attribute and the surprise is logged once at debug level; in strict mode
(`Cal(strict=True)` or `with strict_parsing():`, meant for tests) it raises.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

logger = logging.getLogger("calcom")

# What a failed conversion of one field raises: a missing key, a wrong
# type or null, an unknown enum value, a nested model given a non-mapping.
LENIENT_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
# A model's fields kept as raw JSON: none, shared by every model parsed cleanly.
NO_RAW: frozenset[str] = frozenset()


class KeptRaw(Exception):
    """Serialising: this field holds the raw JSON lenient parsing kept."""


_strict: ContextVar[bool] = ContextVar("calcom_strict_parsing", default=False)
_reported: set[tuple[str, str]] = set()


class StrictParseError(ValueError):
    """Strict mode: the API sent something the spec does not allow."""


def is_strict() -> bool:
    return _strict.get()


@contextmanager
def strict_parsing(enabled: bool = True) -> Iterator[None]:
    """Parse strictly (raise on surprises) inside this block."""
    token = _strict.set(enabled)
    try:
        yield
    finally:
        _strict.reset(token)


def raise_if_strict() -> None:
    if _strict.get():
        raise


def _report_once(model: str, field: str, what: str) -> None:
    # Keyed without the model: probing a oneOf parses the same surprise
    # through several member models, and it is still one surprise.
    key = (field, what)
    if key not in _reported:
        _reported.add(key)
        logger.debug("calcom: %s.%s: kept the raw value (%s)", model, field, what)


def keep_raw(model: str, field: str, raw: Any, exc: BaseException) -> Any:
    """A field failed to parse: keep its raw JSON value, or raise in strict mode."""
    if _strict.get():
        raise StrictParseError(f"{model}.{field}: {type(exc).__name__}: {exc}") from exc
    _report_once(model, field, f"{type(exc).__name__}: {exc}")
    return raw


def fewest_raw(candidates: list[Any]) -> Any:
    """The lenient parse of a oneOf member that kept the fewest raw fields."""
    if _strict.get():
        raise StrictParseError("no member of the union fits")
    return min(candidates, key=lambda obj: len(getattr(obj, "_raw_fields", ())))


def as_is(value: object) -> Any:
    """Serialise a raw value kept by `keep_raw` unchanged."""
    return value


def unknown_literal(name: str, value: Any) -> Any:
    """A value an enum does not list: kept as is (TypeError in strict mode)."""
    if _strict.get() or not isinstance(value, str | int | float):
        raise TypeError(f"{name}: unexpected value {value!r}")
    _report_once(name, "<enum>", f"unknown value {value!r}")
    return value
