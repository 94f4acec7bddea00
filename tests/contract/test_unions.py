"""Every `discriminator` in the overlaid spec is one the API really has.

overlays/45-unions.yaml gives oneOfs a `discriminator` only where each member
requires the tag property with its own single enum value. The generator does
not read discriminators; what lets a parser pick the right member is those
single-value enums. These tests keep the two in agreement: a discriminator
whose mapping disagrees with the members, or a member that lost its tag, fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

Union_ = tuple[str, dict[str, Any]]


def _unions(node: Any, where: str = "$") -> Iterator[Union_]:
    if isinstance(node, dict):
        if "oneOf" in node and "discriminator" in node:
            yield where, node
        for key, value in node.items():
            yield from _unions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _unions(value, f"{where}[{index}]")


def _schema(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    prefix = "#/components/schemas/"
    assert ref.startswith(prefix), ref
    schema: dict[str, Any] = spec["components"]["schemas"][ref[len(prefix) :]]
    return schema


def test_the_discriminated_unions_are_there(overlaid_spec: dict[str, Any]) -> None:
    # 45-unions.yaml discriminates 19 oneOfs (locations, workflow triggers and steps,
    # calendar event locations); fewer means an overlay or a spec update lost some.
    assert len(list(_unions(overlaid_spec))) >= 19


def test_discriminators_match_their_members(overlaid_spec: dict[str, Any]) -> None:
    problems: list[str] = []
    unions = list(_unions(overlaid_spec))
    if not unions:
        pytest.fail("no discriminated oneOf in the overlaid spec")
    for where, union in unions:
        discriminator = union["discriminator"]
        prop = discriminator["propertyName"]
        mapping: dict[str, str] = discriminator.get("mapping") or {}
        members = [m.get("$ref") for m in union["oneOf"]]
        if None in members:
            problems.append(f"{where}: an inline member cannot be discriminated")
            continue
        if sorted(mapping.values()) != sorted(members):
            problems.append(f"{where}: mapping {sorted(mapping.values())} != members {members}")
        for value, ref in mapping.items():
            schema = _schema(overlaid_spec, ref)
            tag = schema.get("properties", {}).get(prop, {})
            if prop not in schema.get("required", []):
                problems.append(f"{where}: {ref} does not require {prop!r}")
            if tag.get("enum") != [value]:
                problems.append(
                    f"{where}: {ref}.{prop} has enum {tag.get('enum')!r}, mapping says {value!r}"
                )
    assert not problems, "\n".join(problems)
