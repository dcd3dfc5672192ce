"""The layer rule of docs/internals.md, read from the code: imports point down, never in a circle.

Layers, lowest first: the base modules at the package root (``errors``, ``units``, ``analytic``:
pure, importing nothing of ccsim but each other), ``scenario``, ``engine``, ``results``, ``runs``,
``studies``, ``present``, and ``cli`` on top. A module may import its own layer and any layer
below it. Imports inside functions count too: a lazy import is still a dependency, only a
cheaper one.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"
LAYERS = ["base", "scenario", "engine", "results", "runs", "studies", "present", "cli"]
BASE_MODULES = {"errors", "units", "analytic"}

# Violations left by the move into layer folders, removed one by one as the code is split; the
# set must end empty.
KNOWN: set[tuple[str, str]] = set()


def layer_of(module: str) -> str:
    """The layer of a dotted module name (``simulator.engine.center`` -> ``engine``)."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BASE_MODULES:
        return "base"
    if parts[1] in LAYERS:
        return parts[1]
    raise AssertionError(f"{module} is in no layer: put it in a layer folder or in BASE_MODULES")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """Every ccsim module that the file at ``path`` imports, at the top or inside a function."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("simulator"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("simulator"):
                # `from simulator.results import kpis` imports the module kpis
                found.update(
                    f"{target}.{a.name}" if _is_module(f"{target}.{a.name}") else target
                    for a in node.names
                )
    return found


def upward(graph: Mapping[str, set[str]], allowed: set[tuple[str, str]]) -> list[str]:
    """Each import of a higher layer than the importer's, as ``importer -> imported``."""
    return [
        f"{module} ({layer_of(module)}) -> {dep} ({layer_of(dep)})"
        for module, deps in sorted(graph.items())
        for dep in sorted(deps)
        if LAYERS.index(layer_of(dep)) > LAYERS.index(layer_of(module))
        and (module, dep) not in allowed
    ]


def find_cycle(graph: Mapping[str, set[str]], allowed: set[tuple[str, str]]) -> list[str]:
    """One import cycle as a list of modules (first == last), or [] when there is none."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(module: str) -> list[str]:
        stack.append(module)
        for dep in sorted(graph.get(module, ())):
            if dep == module or dep not in graph or (module, dep) in allowed or dep in done:
                continue
            if dep in stack:
                return [*stack[stack.index(dep) :], dep]
            if cycle := visit(dep):
                return cycle
        stack.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        if module not in done and (cycle := visit(module)):
            return cycle
    return []


GRAPH = {_module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_layer():
    for module in GRAPH:
        layer_of(module)


def test_imports_point_down():
    assert upward(GRAPH, KNOWN) == []


def test_no_import_cycles():
    assert find_cycle(GRAPH, KNOWN) == []


def test_known_violations_still_exist():
    """An entry of KNOWN that the code no longer has must go, so the list only shrinks."""
    stale = {(m, d) for m, d in KNOWN if d not in GRAPH.get(m, set())}
    assert not stale, f"remove from KNOWN, fixed already: {sorted(stale)}"


def test_the_checks_can_fail():
    """An engine module importing a study, and two modules importing each other, are caught."""
    graph = {
        "simulator.engine.center": {"simulator.studies.sweep"},
        "simulator.studies.sweep": {"simulator.engine.center"},
    }
    assert upward(graph, set()) == [
        "simulator.engine.center (engine) -> simulator.studies.sweep (studies)"
    ]
    assert find_cycle(graph, set())[0] == find_cycle(graph, set())[-1]
    with pytest.raises(AssertionError, match="no layer"):
        layer_of("simulator.misc.helpers")
