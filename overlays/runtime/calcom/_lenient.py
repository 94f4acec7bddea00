"""Lenient and strict parsing of answers.

The generated models check every field against its annotation (a type check
per scalar, a key lookup per required field) and call into this module only
when one does not fit, so the happy path costs next to nothing.

Lenient (the default): the raw JSON value is kept on the attribute exactly as
received and serialised back unchanged, and the surprise is logged once at
DEBUG per (model, field, kind) -- at most `MAX_REPORTED` distinct ones per
process. A required field the server left out stays `UNSET` (falsy; test with
`isinstance(value, Unset)`); `to_dict()` leaves it out again.

Strict (`Cal(strict=True)`, `with strict_parsing():`; meant for tests): the
first divergence raises `StrictParseError` naming its JSON path
(`data.hosts[0].displayEmail: missing`); for a oneOf no member fits, it names
the divergence of the closest member (the one a lenient parse would pick).
Unknown fields are reported, not raised (Cal.com adds fields to answers all the
time, which breaks nobody): `strict_parsing(unknown_fields="raise")` makes them
errors too, and `collect_surprises()` hands every surprise to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

logger = logging.getLogger("calcom")

# What a failed conversion of one field raises: a missing key, a wrong
# type or null, an unknown enum value, a nested model given a non-mapping.
LENIENT_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
# A model's fields kept as raw JSON: none, shared by every model parsed cleanly.
NO_RAW: frozenset[str] = frozenset()
# Distinct (model, field, kind) surprises logged per process; past it, one line
# says so and later surprises go unlogged (a long-running app must not grow).
MAX_REPORTED = 1000

UnknownFields = Literal["report", "raise"]

_strict: ContextVar[bool] = ContextVar("calcom_strict_parsing", default=False)
_unknown_policy: ContextVar[UnknownFields] = ContextVar("calcom_unknown_fields", default="report")
# Where surprises go instead of the log: union probing holds them back until a
# member is chosen, `collect_surprises()` hands them to its caller.
_notes: ContextVar[list[Surprise] | None] = ContextVar("calcom_surprises", default=None)
_reported: set[tuple[str, str, str]] = set()
_overflowed = False


class KeptRaw(Exception):
    """Serialising: this field holds the raw JSON lenient parsing kept."""


@dataclass(frozen=True)
class Surprise:
    """Something in an answer the (overlaid) spec does not allow."""

    model: str
    field: str
    kind: str  # missing | null | type | enum | invalid | union | unknown field
    detail: str


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


class Mistyped(TypeError):
    """A value of the wrong JSON type (null included) for its field."""

    def __init__(self, value: object, expected: str) -> None:
        self.expected = expected
        self.got = _json_type(value)
        super().__init__(f"expected {expected}, got {self.got}")


class UnknownEnumValue(ValueError):
    """A string (or number) the enum does not list."""

    def __init__(self, enum: str, value: object) -> None:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        super().__init__(f"unknown enum value {shown} ({enum})")


class StrictParseError(ValueError):
    """Strict mode: the API sent something the spec does not allow.

    `path` is the JSON path of the first divergence (keys and list indexes from
    the top of the body), `kind` one of Surprise.kind, `model` the model that
    holds the field."""

    def __init__(self, path: list[str | int], kind: str, detail: str, model: str = "") -> None:
        self.path = path
        self.kind = kind
        self.detail = detail
        self.model = model
        self.notes: list[str] = []
        super().__init__()

    @property
    def json_path(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out or "$"

    def __str__(self) -> str:
        where = f" ({self.model})" if self.model else ""
        extra = "".join(f"; {note}" for note in self.notes)
        return f"{self.json_path}: {self.detail}{where}{extra}"


def is_strict() -> bool:
    return _strict.get()


@contextmanager
def strict_parsing(
    enabled: bool = True, *, unknown_fields: UnknownFields = "report"
) -> Iterator[None]:
    """Parse strictly (raise on surprises) inside this block. Unknown fields are
    reported (logged once, or collected by `collect_surprises`) unless
    `unknown_fields="raise"`."""
    token = _strict.set(enabled)
    policy = _unknown_policy.set(unknown_fields)
    try:
        yield
    finally:
        _unknown_policy.reset(policy)
        _strict.reset(token)


@contextmanager
def collect_surprises() -> Iterator[list[Surprise]]:
    """Hand every surprise of the parses inside this block to the caller (in
    order) instead of logging it: what lenient parsing tolerated, and in strict
    mode the unknown fields."""
    notes: list[Surprise] = []
    token = _notes.set(notes)
    try:
        yield notes
    finally:
        _notes.reset(token)


def forget_reported() -> None:
    """Empty the logged-once registry (tests; a process that wants to hear again)."""
    global _overflowed
    _reported.clear()
    _overflowed = False


def _report(note: Surprise) -> None:
    global _overflowed
    notes = _notes.get()
    if notes is not None:
        notes.append(note)
        return
    key = (note.model, note.field, note.kind)
    if key in _reported:
        return
    if len(_reported) >= MAX_REPORTED:
        if not _overflowed:
            _overflowed = True
            logger.debug("calcom: %d distinct parsing surprises logged; no more", MAX_REPORTED)
        return
    _reported.add(key)
    logger.debug("calcom: %s.%s: %s (kept as received)", note.model, note.field, note.detail)


def _kind(exc: BaseException, raw: object) -> tuple[str, str]:
    if isinstance(exc, StrictParseError):
        return exc.kind, str(exc)
    if isinstance(exc, KeyError):
        return "missing", "missing"
    if raw is None:
        return "null", "null, not nullable" + (
            f" (expected {exc.expected})" if isinstance(exc, Mistyped) else ""
        )
    if isinstance(exc, Mistyped):
        return "type", str(exc)
    if isinstance(exc, UnknownEnumValue):
        return "enum", str(exc)
    if isinstance(exc, TypeError) and str(exc).startswith("no member of"):
        return "union", str(exc)
    return "invalid", f"invalid: {type(exc).__name__}: {exc}"


def _strict_error(
    model: str, key: str | int | None, raw: object, exc: BaseException
) -> StrictParseError:
    """`exc` as a StrictParseError one level (`key`) deeper; None: at this level."""
    if isinstance(exc, StrictParseError):
        if key is not None:
            exc.path.insert(0, key)
        if not exc.model:
            exc.model = model
        return exc
    kind, detail = _kind(exc, raw)
    return StrictParseError([] if key is None else [key], kind, detail, model)


def keep_raw(model: str, field: str, raw: Any, exc: BaseException) -> Any:
    """A field failed to parse: keep its raw JSON value, or raise in strict mode."""
    if _strict.get():
        raise _strict_error(model, field, raw, exc) from exc
    kind, detail = _kind(exc, raw)
    _report(Surprise(model, field, kind, detail))
    return raw


def keep_raw_entry(model: str, key: str, raw: Any, exc: BaseException) -> Any:
    """An entry of a typed map (additionalProperties) failed to parse; logged
    under `*`, since the keys are data (dates, ids), not names."""
    if _strict.get():
        raise _strict_error(model, key, raw, exc) from exc
    kind, detail = _kind(exc, raw)
    _report(Surprise(model, "*", kind, detail))
    return raw


def at_index(exc: BaseException, index: int, item: object) -> StrictParseError:
    """An item of a list failed: the same error, one index deeper."""
    return _strict_error("", index, item, exc)


_SCALARS: dict[str, Callable[[object], bool]] = {
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is float or type(v) is int,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def list_of(value: Any, item: str | None) -> Any:
    """A list of scalars (`item`: a JSON type name, None for anything): checked
    item by item, returned as is."""
    if type(value) is not list:
        raise Mistyped(value, "array")
    if item is not None:
        fits = _SCALARS[item]
        for index, element in enumerate(value):
            if not fits(element):
                raise at_index(Mistyped(element, item), index, element)
    return value


def unknown_fields(model: str, extra: Mapping[str, Any]) -> None:
    """A model that declares properties got others: reported (raised under
    `strict_parsing(unknown_fields="raise")`)."""
    if _strict.get() and _unknown_policy.get() == "raise":
        key = next(iter(extra))
        raise StrictParseError([key], "unknown field", "not declared", model)
    for key in extra:
        _report(Surprise(model, key, "unknown field", "not declared"))


def union(
    name: str, members: Sequence[str], parsers: Sequence[Callable[[object], Any]], data: object
) -> Any:
    """Parse a oneOf/anyOf: the first member that fits exactly; else (lenient)
    the member whose lenient parse has the fewest surprises, first on a tie.
    Only the chosen member's surprises are reported. Strict mode raises the
    divergence of that closest member instead."""
    was_strict = _strict.get()
    errors: list[BaseException] = []
    # A member that fits but leaves fields undeclared loses to a later one that
    # declares them all ({"disabled": true} is Disabled, not an empty Seats).
    fitting: tuple[Any, list[Surprise]] | None = None
    token = _strict.set(True)
    try:
        for parse in parsers:
            notes: list[Surprise] = []
            held = _notes.set(notes)
            try:
                value = parse(data)
            except LENIENT_ERRORS as exc:
                errors.append(exc)
                continue
            finally:
                _notes.reset(held)
            if notes and _unknown_policy.get() != "raise":
                if fitting is None or len(notes) < len(fitting[1]):
                    fitting = (value, notes)
                continue
            for note in notes:
                _report(note)
            return value
    finally:
        _strict.reset(token)
    if fitting is not None:
        for note in fitting[1]:
            _report(note)
        return fitting[0]
    closest = _closest(parsers, data)
    if was_strict:
        if closest is None:
            raise StrictParseError([], "type", f"expected {name}, got {_json_type(data)}")
        error = _strict_error("", None, data, errors[closest[0]])
        error.notes.append(f"closest member of {name}: {members[closest[0]]}")
        raise error
    if closest is None:
        raise TypeError(f"no member of {name} fits {_json_type(data)}")
    _, value, notes = closest
    for note in notes:
        _report(note)
    return value


def _closest(
    parsers: Sequence[Callable[[object], Any]], data: object
) -> tuple[int, Any, list[Surprise]] | None:
    best: tuple[int, Any, list[Surprise]] | None = None
    token = _strict.set(False)
    try:
        for index, parse in enumerate(parsers):
            notes: list[Surprise] = []
            held = _notes.set(notes)
            try:
                value = parse(data)
            except LENIENT_ERRORS:
                continue
            finally:
                _notes.reset(held)
            if best is None or len(notes) < len(best[2]):
                best = (index, value, notes)
    finally:
        _strict.reset(token)
    return best


# Kept for modules generated before union(): the endpoint template imports it.
def fewest_raw(candidates: list[Any]) -> Any:
    if _strict.get():
        raise StrictParseError([], "union", "no member of the union fits")
    return min(candidates, key=lambda obj: len(getattr(obj, "_raw_fields", ())))


def raise_if_strict() -> None:
    if _strict.get():
        raise


def as_is(value: object) -> Any:
    """Serialise a raw value kept by `keep_raw` unchanged."""
    return value


def unknown_literal(name: str, value: Any) -> Any:
    """A value an enum does not list: the field that holds it keeps it as is
    (and reports it), strict mode raises."""
    raise UnknownEnumValue(name, value)
