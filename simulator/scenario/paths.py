"""Dotted paths into a scenario's YAML form (``reasons[billing].handle_time.mean_s``).

Parse them, resolve name selectors against a scenario, and set a value there.

Sweeps and what-ifs (``ccsim sweep``, ``ccsim train``) edit a scenario this way before it is
validated again, so a path is a statement about the spec and lives with it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from simulator.errors import field_path
from simulator.units import split_unit


class ByName(NamedTuple):
    """``[billing]`` in a path: the item of a list whose ``name`` is ``billing``."""

    name: str


Step = str | int | ByName
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_PATH_ALLOWED = (
    "a dotted path of keys with optional [index] or [name] selectors, e.g. agents.headcount, "
    "reasons[0].fcr, reasons[billing].fcr or channels.phone.patience.mean_s"
)


class PathError(ValueError):
    """A path that is malformed or does not fit the base scenario; ``allowed`` says what would."""

    def __init__(self, message: str, allowed: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.allowed = allowed


def parse_path(text: str) -> tuple[Step, ...]:
    """``("reasons", ByName("billing"), "fcr")`` for ``reasons[billing].fcr``.

    ``[2]`` selects by index, anything else in brackets by name (quotes optional, so that a
    name made of digits can be written ``['2']``).
    """
    steps: list[Step] = []
    i, n = 0, len(text)
    while True:
        match = _KEY.match(text, i)
        if match is None:
            raise PathError(f"expected a key at character {i + 1}", _PATH_ALLOWED)
        steps.append(match.group())
        i = match.end()
        while i < n and text[i] == "[":
            end = text.find("]", i)
            if end < 0:
                raise PathError(f"unclosed '[' at character {i + 1}", _PATH_ALLOWED)
            inner = text[i + 1 : end].strip()
            if not inner:
                raise PathError(f"empty [] at character {i + 1}", _PATH_ALLOWED)
            if inner.isdigit():
                steps.append(int(inner))
            else:
                if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                    inner = inner[1:-1]
                steps.append(ByName(inner))
            i = end + 1
        if i == n:
            return tuple(steps)
        if text[i] != ".":
            raise PathError(f"unexpected {text[i]!r} at character {i + 1}", _PATH_ALLOWED)
        i += 1


def resolve_path(data: Any, steps: Sequence[Step]) -> tuple[str | int, ...]:
    """The path with name selectors replaced by indices, checked against ``data``.

    Every step but the last must exist; the last key of a mapping may be new (validation then
    says whether the scenario allows it), so that e.g. an optional field can be swept.
    """
    out: list[str | int] = []
    node = data
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        where = field_path(out) or "the scenario"
        if isinstance(step, str):
            if not isinstance(node, Mapping):
                raise PathError(f"{where} is not a mapping, so it has no key {step!r}")
            if step not in node and not last:
                raise PathError(
                    f"{where} has no {step!r} in the base scenario",
                    f"keys {', '.join(map(str, node))}" if node else None,
                )
            out.append(step)
            node = node.get(step)
            continue
        if not isinstance(node, list):
            raise PathError(f"{where} is not a list, so it cannot be selected by [...]")
        if isinstance(step, int):
            if step >= len(node):
                raise PathError(
                    f"{where} has no item {step}",
                    f"an index from 0 to {len(node) - 1}" if node else "none: the list is empty",
                )
            index = step
        else:
            names = [item.get("name") for item in node if isinstance(item, Mapping)]
            if step.name not in names:
                raise PathError(
                    f"{where} has no item named {step.name!r}",
                    "one of " + ", ".join(repr(n) for n in names) if names else None,
                )
            index = names.index(step.name)
        out.append(index)
        node = node[index]
    return tuple(out)


def set_value(data: dict[str, Any], path: Sequence[str | int], value: Any) -> None:
    """Set ``value`` at a resolved ``path`` of ``data`` in place; ``None`` removes the key.

    Setting ``mean_min`` where the scenario says ``mean_s`` replaces it: the scenario as run
    (``to_yaml_dict``) writes times in seconds, but a sweep may name them in any unit.
    """
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    last = path[-1]
    if isinstance(last, str) and (unit := split_unit(last)):
        for other in [k for k in node if k != last and (split_unit(str(k)) or ("",))[0] == unit[0]]:
            del node[other]
    if value is None and isinstance(last, str):
        node.pop(last, None)
    else:
        node[last] = copy.deepcopy(value)
