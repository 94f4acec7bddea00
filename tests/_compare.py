"""Compare JSON documents the way the client may legitimately re-serialize them.

A parsed model's `to_dict()` is not byte-for-byte the JSON Cal.com sent: the
generated models turn date-time strings into `datetime` and back
(`"2026-10-12T09:00:00.000-04:00"` comes out in UTC, `"2026-10-12T13:00:00Z"`), and
a number may come back as `1.0` where `1` was sent. Everything else, key sets
included, must match exactly; `None` is a value, not an absent key.

`differences(expected, actual)` lists every mismatch with its JSONPath-ish
location; `assert_same_json` fails with that list.

Two checks of a parsed model go with it (a lossless round trip does not prove
the model is right):
- `type_errors(model)`: values its annotations do not admit (the generated
  `from_dict` copies scalars through unchecked, and lenient parsing keeps raw
  values);
- `undeclared_fields(model)`: keys that landed in `additional_properties` of a
  model that declares properties (a field the spec lacks, or a union that
  picked the wrong member).
"""

from __future__ import annotations

import enum
import importlib
import re
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from types import ModuleType
from typing import Any

import attrs

__all__ = ["assert_same_json", "differences", "normalise", "type_errors", "undeclared_fields"]

# An RFC 3339 / ISO 8601 date-time with a time part (plain dates stay strings:
# the client sends and returns them unchanged).
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$"
)


def _as_datetime(value: str) -> datetime | None:
    if not _DATETIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def normalise(value: Any) -> Any:
    """A comparable form of a JSON(-ish) value.

    - strings that are ISO date-times become `datetime` (aware ones compare by
      instant, so `Z` and `+00:00` or differing precision are equal);
    - `datetime`/`date` objects are kept as such (a model may hand them over
      unserialized);
    - ints and floats become floats (compared by value), booleans stay booleans;
    - mappings and sequences are normalised recursively (tuples become lists).
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        parsed = _as_datetime(value)
        return value if parsed is None else parsed
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [normalise(v) for v in value]
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float):
        return "number"
    if isinstance(value, datetime):
        return "datetime"
    return type(value).__name__


def _diff(expected: Any, actual: Any, where: str, out: list[str]) -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() - actual.keys():
            out.append(f"{where}.{key}: missing (expected {expected[key]!r})")
        for key in actual.keys() - expected.keys():
            out.append(f"{where}.{key}: unexpected (got {actual[key]!r})")
        for key in sorted(expected.keys() & actual.keys()):
            _diff(expected[key], actual[key], f"{where}.{key}", out)
        return
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{where}: {len(expected)} items expected, got {len(actual)}")
        for index, (e, a) in enumerate(zip(expected, actual, strict=False)):
            _diff(e, a, f"{where}[{index}]", out)
        return
    # bool is an int subclass in Python: never let True == 1.0 pass.
    if _kind(expected) != _kind(actual) or expected != actual:
        out.append(f"{where}: expected {expected!r}, got {actual!r}")


def differences(expected: Any, actual: Any) -> list[str]:
    """Every mismatch between two JSON(-ish) values after `normalise`."""
    out: list[str] = []
    _diff(normalise(expected), normalise(actual), "$", out)
    return out


def assert_same_json(expected: Any, actual: Any, *, context: str = "") -> None:
    """Fail, listing every difference, unless the two values match after `normalise`."""
    found = differences(expected, actual)
    if found:
        head = f"{context}: " if context else ""
        shown = "\n  ".join(found[:40])
        more = f"\n  ... and {len(found) - 40} more" if len(found) > 40 else ""
        raise AssertionError(f"{head}{len(found)} difference(s):\n  {shown}{more}")


# --- What a parsed model holds vs what its annotations promise ------------------
#
# The generated `from_dict` copies scalars through unchecked: a `float` field
# happily holds the string "6fb2894c-..." or None. `type_errors` walks a parsed
# model and reports every value its annotation does not admit, so a test sees
# the lie even when the round trip is lossless.


class _Lazy(dict[str, Any]):
    """Local names for annotation evaluation that fall back to a package's
    attributes: the generated models import their nested models only under
    TYPE_CHECKING, and the models package exports them lazily (PEP 562)."""

    def __init__(self, package: ModuleType | None) -> None:
        super().__init__()
        self._package = package

    def __missing__(self, name: str) -> Any:
        if self._package is None or not name[:1].isupper():
            raise KeyError(name)
        try:
            return getattr(self._package, name)
        except AttributeError:
            raise KeyError(name) from None


def _hints(cls: type) -> dict[str, Any]:
    cached = _HINTS.get(cls)
    if cached is None:
        module = sys.modules[cls.__module__]
        parent = cls.__module__.rpartition(".")[0]
        package = importlib.import_module(parent) if parent else None
        cached = typing.get_type_hints(cls, globalns=vars(module), localns=_Lazy(package))
        _HINTS[cls] = cached
    return cached


_HINTS: dict[type, dict[str, Any]] = {}


def _admits(hint: Any, value: Any, where: str, out: list[str]) -> bool:
    """Whether `value` fits `hint`; appends nested mismatches to `out` when it does
    fit at the top but something inside a model or container does not."""
    if hint is Any or hint is object:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(hint)
        # A member that admits the value with nothing wrong inside wins over the first
        # that admits it at the top (`list[A] | list[B]` holding B items).
        first: list[str] | None = None
        for member in members:
            inner: list[str] = []
            if _admits(member, value, where, inner):
                if not inner:
                    return True
                if first is None:
                    first = inner
        if first is None:
            return False
        out.extend(first)
        return True
    if hint is None or hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (list, typing.List):  # noqa: UP006
        if not isinstance(value, list):
            return False
        (item,) = typing.get_args(hint) or (Any,)
        for index, element in enumerate(value):
            if not _admits(item, element, f"{where}[{index}]", out):
                out.append(f"{where}[{index}]: {element!r} is not {_name(item)}")
        return True
    if origin in (dict, typing.Dict):  # noqa: UP006
        if not isinstance(value, dict):
            return False
        args = typing.get_args(hint)
        item = args[1] if len(args) == 2 else Any
        for key, element in value.items():
            if not _admits(item, element, f"{where}.{key}", out):
                out.append(f"{where}.{key}: {element!r} is not {_name(item)}")
        return True
    if origin is not None:
        return isinstance(value, origin)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return isinstance(value, hint)
    if isinstance(hint, type) and attrs.has(hint):
        if not isinstance(value, hint):
            return False
        out.extend(_model_errors(value, where))
        return True
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint)


def _fields(model: Any) -> list[str]:
    """The attrs fields that hold API data: not private bookkeeping (`_raw_fields`)."""
    return [f.name for f in attrs.fields(type(model)) if not f.name.startswith("_")]


def _model_errors(model: Any, where: str) -> list[str]:
    out: list[str] = []
    hints = _hints(type(model))
    for field in attrs.fields(type(model)):
        if field.name.startswith("_"):
            continue
        hint = hints.get(field.name, Any)
        value = getattr(model, field.name)
        here = f"{where}.{field.name}"
        if not _admits(hint, value, here, out):
            out.append(f"{here}: {value!r} is not {_name(hint)}")
    return out


def type_errors(model: Any) -> list[str]:
    """Every value inside a parsed attrs model that its annotation does not admit."""
    return _model_errors(model, "$")


def undeclared_fields(model: Any) -> list[str]:
    """Keys that landed in `additional_properties` of a model that declares
    properties: fields the spec does not know (or a union member picked wrongly).
    Free-form models (no declared properties, e.g. metadata) are exempt."""
    out: list[str] = []
    _undeclared(model, "$", out)
    return out


def _undeclared(value: Any, where: str, out: list[str]) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _undeclared(item, f"{where}[{index}]", out)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _undeclared(item, f"{where}.{key}", out)
        return
    if not attrs.has(type(value)):
        return
    names = _fields(value)
    extra = getattr(value, "additional_properties", None)
    if isinstance(extra, dict):
        declared = [n for n in names if n != "additional_properties"]
        if declared and extra:
            out.extend(
                f"{where}.{key}: not declared by {type(value).__name__}" for key in sorted(extra)
            )
        _undeclared(extra, where, out)
    for name in names:
        if name != "additional_properties":
            _undeclared(getattr(value, name), f"{where}.{name}", out)
