"""Stand-ins for the models a model refers to, imported when first touched.

A model's `from_dict` needs the models of its fields; importing them all on its
first call loads every member of every union it has (a booking list loads the
recurring and seated booking models, about as costly as the plain one, to
parse plain bookings). Each name is instead bound to a stand-in: the first
attribute read on it (`BookingOutput.from_dict`) imports the real class and
puts it in the stand-in's place, so later calls find the class itself at no
cost. `to_dict` needs real classes (it dispatches with isinstance) and imports
them for real.

Only the generated model modules' own globals hold stand-ins: `calcom.models.X`
is always the class itself. (`typing.get_type_hints` on a model may resolve a
field's model to its stand-in until that model has been used; the stand-in's
repr says so.)
"""

from __future__ import annotations

import importlib
from typing import Any


class _StandIn:
    __slots__ = ("_namespace", "_module", "_package", "_name")

    def __init__(
        self, namespace: dict[str, Any], module: str, package: str | None, name: str
    ) -> None:
        self._namespace = namespace
        self._module = module
        self._package = package
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        real = getattr(importlib.import_module(self._module, self._package), self._name)
        self._namespace[self._name] = real
        return getattr(real, attribute)

    def __repr__(self) -> str:
        return f"<not yet imported: {self._module}.{self._name}>"


def defer(
    namespace: dict[str, Any], package: str | None, names: tuple[tuple[str, str], ...]
) -> None:
    """Bind each (module, name) not yet bound in `namespace` to a stand-in."""
    for module, name in names:
        if name not in namespace:
            namespace[name] = _StandIn(namespace, module, package, name)
