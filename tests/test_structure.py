"""The package's import graph has no circles: every module stands above what it imports.

Every import is counted, at module level or inside a function (a function-level import is still
a dependency, only a later one).  An import of a package's name (``from ..numeric import
simulate``) counts as an import of the module the package takes that name from, so packages'
``__init__`` files, which only hand names on, do not join unrelated modules into one circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import inertia_verify

ROOT = Path(inertia_verify.__file__).parent
PACKAGE = "inertia_verify"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")
            if "proofs" not in p.relative_to(ROOT).parts}


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _reexports(modules: dict[str, Path]) -> dict[str, dict[str, str]]:
    """For each package: name -> the module it takes that name from (its ``__init__`` lines)."""
    out: dict[str, dict[str, str]] = {}
    for name, path in modules.items():
        if path.name != "__init__.py":
            continue
        table = out.setdefault(name, {})
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                source = _absolute(name, True, node.level, node.module) if node.level \
                    else node.module
                for alias in node.names:
                    table[alias.asname or alias.name] = source
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    reexports = _reexports(modules)

    def resolve(package: str, name: str, seen=()) -> str:
        # A name of a package: the module it comes from (following re-exports), or the
        # submodule of that name.
        if f"{package}.{name}" in modules:
            return f"{package}.{name}"
        source = reexports.get(package, {}).get(name)
        if source is None or source in seen:
            return package
        if source in reexports and name in reexports[source]:
            return resolve(source, name, seen + (source,))
        return source

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        if path.name == "__init__.py":
            continue   # a package's face: its arrows are its names' own modules
        is_package = False
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = _absolute(name, is_package, node.level, node.module) if node.level \
                    else node.module
                if not target or not target.startswith(PACKAGE):
                    continue
                for alias in node.names:
                    graph[name].add(resolve(target, alias.name) if target in reexports
                                    else target)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name.startswith(PACKAGE))
    return {k: {t for t in v if t in modules and t != k and not modules[t].name == "__init__.py"}
            for k, v in graph.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_circle():
    circles = _circles(_graph())
    assert circles == [], "modules that import each other in a loop: " + "; ".join(
        " <-> ".join(c) for c in circles)


def test_the_circle_finder_finds_a_circle():
    # The check can fail: a loop of three modules and a module outside it.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_and_reexported_imports():
    graph = _graph()
    # function-level: the monitor imports its torch side inside a method
    assert "inertia_verify.numeric._monitor_torch" in graph["inertia_verify.numeric._monitor"]
    # through a package's name: crosschecks import simulate from numeric._simulate
    assert any(t.startswith("inertia_verify.numeric.") for t in
               graph["inertia_verify.crosschecks._convergence"])
