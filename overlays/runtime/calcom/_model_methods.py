"""`__repr__` and `__eq__` shared by every generated model.

attrs writes, compiles and evaluates a repr and an eq for each class it builds,
which is half the cost of building a model class, and a bookings page builds
a few dozen of them on the first call. The models are declared with
`repr=False, eq=False` and take these instead: the same output and the same
semantics (`Model(a=1, b='x')`; equal when of the same class with equal
fields, fields declared `repr=False`/`eq=False` left out; unhashable, as attrs
makes a mutable class with eq), read off the class's attrs fields.
"""

from __future__ import annotations

import threading
from typing import Any, cast

import attrs

_active = threading.local()


def model_repr(self: Any) -> str:
    # A model that (through its fields) contains itself prints `...` there, not forever.
    working: set[int] = getattr(_active, "ids", None) or set()
    _active.ids = working
    if id(self) in working:
        return "..."
    working.add(id(self))
    try:
        shown = ", ".join(
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(type(self))
            if field.repr
        )
    finally:
        working.discard(id(self))
    return f"{type(self).__qualname__}({shown})"


def model_eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return cast(bool, NotImplemented)
    cls: Any = type(self)
    names = [field.name for field in attrs.fields(cls) if field.eq]
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)
