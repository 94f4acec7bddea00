"""Check a call's arguments against what its signature knows, before anything is sent.

`cal.bookings.list(status="upcoming")` would send `status=u,p,c,o,m,i,n,g`;
`cal.schedules.delete(None)` a `DELETE /v2/schedules/None`. The generated
request builders trust their input, so this checks it first, from the
builder's own signature and annotations: unknown or missing arguments, the
type of each value (a lone string where a list belongs, a string where a date
belongs; a model's JSON as a mapping is fine), and path ids that are None or
empty. Errors name the public method and the parameter:
`TypeError: cal.bookings.list(): status must be a list of ...`.

A checker is built once per operation, on its first call; a call without
arguments to an operation without required ones skips it entirely.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union

from ._generated.types import Unset

Check = Callable[[Any], bool]
_EMPTY = inspect.Parameter.empty


def _type_text(annotation: Any) -> str:
    """A readable form of an annotation, without `Unset`."""
    origin = typing.get_origin(annotation)
    if origin is Union or isinstance(annotation, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not Unset]
        return " | ".join(_type_text(a) for a in members)
    if origin is Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(annotation))
    if origin in (list, Sequence):
        (item,) = typing.get_args(annotation) or (Any,)
        return f"a list of {_type_text(item)}"
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _check(annotation: Any) -> Check | None:
    """A predicate for values of `annotation`; None when anything goes."""
    if annotation is _EMPTY or annotation is Any:
        return None
    origin = typing.get_origin(annotation)
    if origin is Union or isinstance(annotation, types.UnionType):
        classes: list[type] = []
        others: list[Check] = []
        for member in typing.get_args(annotation):
            if isinstance(member, type) and typing.get_origin(member) is None:
                classes.append(member)
                continue
            check = _check(member)
            if check is None:
                return None
            others.append(check)
        kinds = _kinds(classes)
        if int in classes:
            others.append(_digits)
        if not others:
            return lambda value: isinstance(value, kinds)
        return lambda value: isinstance(value, kinds) or any(c(value) for c in others)
    if origin is Literal:
        literal_kinds = tuple({type(v) for v in typing.get_args(annotation)})
        return lambda value: isinstance(value, literal_kinds)
    if origin in (list, Sequence):
        (item,) = typing.get_args(annotation) or (Any,)
        inner = _check(item)
        if inner is None:
            return lambda value: isinstance(value, list | tuple)
        return lambda value: isinstance(value, list | tuple) and all(inner(v) for v in value)
    if origin in (dict, Mapping):
        return lambda value: isinstance(value, Mapping)
    if annotation is type(None):
        return lambda value: value is None
    if isinstance(annotation, type):
        kinds = _kinds([annotation])
        if annotation is int:
            return lambda value: isinstance(value, kinds) or _digits(value)
        return lambda value: isinstance(value, kinds)
    return None


def _digits(value: Any) -> bool:
    """An id as a string of digits goes out exactly as the int would (path and query
    are text), so it is not refused; type checkers still ask for the int."""
    return isinstance(value, str) and value.isdigit()


def _kinds(classes: list[type]) -> tuple[type, ...]:
    # An int is a fine float (JSON does not tell them apart); where a model goes, its JSON
    # as a mapping does too (models serialise a mapping as it is: the raw-JSON escape hatch).
    extra: tuple[type, ...] = (int,) if float in classes else ()
    if any(hasattr(c, "from_dict") for c in classes):
        extra += (Mapping, list)  # list: raw JSON the live server accepted (shared/live-server)
    return tuple(classes) + extra


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


class ArgumentChecker:
    """The checks of one operation (`where`: `cal.bookings.list()`)."""

    __slots__ = ("where", "positional", "checks", "types", "required", "path", "body_fields")

    def __init__(self, where: str, signature: inspect.Signature, body_fields: Sequence[str]):
        self.where = where
        params = signature.parameters.values()
        self.positional = [
            p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ]
        self.checks: dict[str, Check | None] = {}
        self.types: dict[str, Any] = {}
        for param in params:
            check = _check(param.annotation)
            if param.name == "body" and check is not None:
                model_check = check  # a plain JSON object is a fine body too

                def check(value: Any, _model: Check = model_check) -> bool:
                    return isinstance(value, Mapping) or _model(value)

            self.checks[param.name] = check
            self.types[param.name] = param.annotation
        self.required = [p.name for p in params if p.default is _EMPTY]
        self.path = set(self.positional)
        self.body_fields = set(body_fields)

    def __call__(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
        where = self.where
        if len(args) > len(self.positional):
            raise TypeError(
                f"{where} takes {len(self.positional)} positional argument(s) "
                f"({', '.join(self.positional) or 'none'}), got {len(args)}; "
                "pass the others by keyword"
            )
        given = dict(zip(self.positional, args, strict=False))
        for name, value in kwargs.items():
            if name not in self.checks:
                from difflib import get_close_matches  # only on this error path

                close = get_close_matches(name, self.checks, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise TypeError(f"{where} got an unexpected argument {name!r}{hint}")
            if name in given:
                raise TypeError(f"{where} got multiple values for argument {name!r}")
            given[name] = value
        body = given.get("body")
        for name in self.required:
            if name not in given or (name in self.body_fields and isinstance(given[name], Unset)):
                if name in self.body_fields and body is not None and not isinstance(body, Unset):
                    continue  # the fields come with body=
                raise TypeError(f"{where} missing required argument {name!r}")
        for name, value in given.items():
            if name in self.path:
                if value is None:
                    raise TypeError(f"{where}: {name} must not be None")
                if isinstance(value, str) and not value.strip():
                    raise ValueError(f"{where}: {name} must not be empty")
            check = self.checks[name]
            if check is not None and not check(value):
                expected = _type_text(self.types[name])
                if isinstance(value, str) and expected.startswith("a list of"):
                    expected += f" (wrap a single value: [{value!r}])"
                raise TypeError(f"{where}: {name} must be {expected}, got {_shown(value)}")


def check_timeout(value: Any, where: str) -> Any:
    """A timeout given to `Cal(...)` or `.with_options(...)`: seconds (a number > 0), an
    `httpx.Timeout`, or None for none. Wrong ones raise here, not at the first request."""
    import httpx

    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{where}: timeout must be seconds (a number > 0), an httpx.Timeout or None, "
            f"got {_shown(value)}"
        )
    if not value > 0:
        raise ValueError(f"{where}: timeout must be > 0 seconds, got {value!r}")
    return value
