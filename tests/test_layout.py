"""The package's layout follows the data flow: each layer imports only from itself and the
layers below it, and no module imports, directly or through others, a module that imports it.

    cli -> analysis (and calibration) -> report -> montecarlo -> model -> foundation

Every import counts, at module level or inside a function: a deferred import is still a
dependency. The rule is read from the source with ``ast``, so it holds without running anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("simulator", "calibration")

# layer of each module, by the longest dotted prefix that names it; higher may import lower
LAYERS = {
    "simulator.errors": 0, "simulator.text": 0, "simulator.defaults": 0,
    "simulator.interrupts": 0,
    "simulator.model": 1,
    "simulator.montecarlo": 2,
    "simulator.report": 3,
    "simulator.analysis": 4, "calibration": 4,
    "simulator.cli": 5,
}
# the foundation's modules are single files that may use each other (errors renders its
# messages with text); the circle check keeps that one-way
FOUNDATION = 0
LAYER_NAMES = {0: "foundation", 1: "model", 2: "montecarlo", 3: "report",
               4: "analysis/calibration", 5: "cli"}
# the package's front door: ``simulator/__init__.py`` names the public API and loads it on
# first use (``importlib``, no import statement), and everything may read ``__version__`` from it
FRONT = "simulator"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def home(module: str) -> str | None:
    """The entry of ``LAYERS`` that ``module`` belongs to (the longest prefix)."""
    homes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return max(homes, key=len, default=None)


def layer(module: str) -> int | None:
    return None if home(module) is None else LAYERS[home(module)]


def imports(path: Path) -> set[str]:
    """Every project module ``path`` imports (``from a.b import c`` counts as ``a.b.c`` when
    that is a module, else ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else \
        module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m.split(".")[0] in PACKAGES}


SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
MODULES = {module_name(p) for p in SOURCES}


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in SOURCES}


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if m != FRONT and layer(m) is None)
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


def direction_errors(edges: dict[str, set[str]]) -> list[str]:
    errors = []
    for module, targets in sorted(edges.items()):
        if module == FRONT:
            continue
        for target in sorted(targets):
            if target == FRONT:
                continue  # __version__ from the front door
            if layer(target) is None:
                errors.append(f"{module} imports {target}, which has no layer")
            elif layer(target) > layer(module):
                errors.append(f"{module} ({LAYER_NAMES[layer(module)]}) imports {target} "
                              f"({LAYER_NAMES[layer(target)]}), against the data flow")
            elif layer(target) == layer(module) != FOUNDATION and home(target) != home(module):
                errors.append(f"{module} imports {target}: two packages of one layer")
    return errors


def test_imports_follow_the_data_flow():
    assert direction_errors(graph()) == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``edges`` (one per strongly connected component of 2+ modules or
    a module importing itself), by Tarjan's algorithm."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
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
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle():
    edges = {m: {t for t in ts if t != FRONT} for m, ts in graph().items() if m != FRONT}
    assert cycles(edges) == []


# the checks themselves must catch what they are for

def test_a_backward_import_is_caught():
    edges = {"simulator.model.kernel": {"simulator.report.plots"},
             "simulator.report.plots": set()}
    assert direction_errors(edges) == [
        "simulator.model.kernel (model) imports simulator.report.plots (report), against the "
        "data flow"]


def test_an_import_between_packages_of_one_layer_is_caught():
    edges = {"calibration.fit": {"simulator.analysis.sweeps"}}
    assert direction_errors(edges) == [
        "calibration.fit imports simulator.analysis.sweeps: two packages of one layer"]


@pytest.mark.parametrize("edges, circle", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"a"}}, [["a"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_an_import_circle_is_found(edges, circle):
    assert cycles(edges) == circle


def test_deferred_imports_count(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from simulator.report import plots\n")
    assert "simulator.report.plots" in {m for m in imports_of(source)}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
            for a in n.names}


def test_the_public_api_resolves_from_the_front_door():
    import simulator

    for name in simulator.__all__:
        assert getattr(simulator, name) is not None, name
    assert callable(simulator.simulate) and callable(simulator.sweep)
    with pytest.raises(AttributeError):
        simulator.no_such_function  # noqa: B018
