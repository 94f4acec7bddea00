"""Models that are maps: `for day, slots in cal.slots.list(...).data.items()`.

A schema with no properties of its own and typed additionalProperties (the
slots answer: day -> list of slots) is generated as an attrs class holding
the entries in `additional_properties`, with item access. This base makes it
a full `MutableMapping` over those entries: iteration over its keys, `len()`,
`keys()`/`values()`/`items()`, `get()`, `in`, `==` with another map of the
same class, and falsy when empty, as a dict is. Before, `for day in data`
fell back to the old sequence protocol and raised `KeyError: 0`.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, TypeVar

V = TypeVar("V")


class MapModel(MutableMapping[str, V]):
    """Base of the generated map models; they define the item access."""

    __slots__ = ()
    if TYPE_CHECKING:  # declared by the subclass; no runtime annotation to resolve here
        additional_properties: dict[str, V]

    def __iter__(self) -> Iterator[str]:
        return iter(self.additional_properties)

    def __len__(self) -> int:
        return len(self.additional_properties)
