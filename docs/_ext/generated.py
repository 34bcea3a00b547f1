"""The parts of the docs that are generated from the code at build time, so they cannot drift.

A page asks for one with an empty fenced block::

    ```{generated} scenario-format
    ```

and this Sphinx extension replaces the block, before the page is parsed, with the Markdown that
``GENERATORS[name]`` returns. An unknown name stops the build; a page read without this
extension fails too, on the unknown directive, so a generated part is never silently missing.

Everything is read from the checkout the docs are built in: the schema and the target-file key
tables through ``simulator.model.schema_doc``, the worked target example from
``calibration/targets/taiyuan.yaml``, the layer rule from ``tests/test_layout.py`` (the test that
enforces it) and the module map from the modules' own docstrings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```\{generated\} *([\w-]+) *\n```[ \t]*$", re.M)

# the worked example of the target-file page: these entries of Taiyuan's plan, as written
EXAMPLE_FILE = "calibration/targets/taiyuan.yaml"
EXAMPLE_TARGETS = ("co2_peak", "energy_intensity", "energy_intensity_decline_2026_2030",
                   "renewable_capacity", "industrial_co2_intensity")


def demoted(markdown: str) -> str:
    """``markdown`` with every heading one level lower, to sit under a page's own title."""
    return re.sub(r"^(#+) ", r"#\1 ", markdown, flags=re.M)


def scenario_format() -> str:
    from simulator.model.schema_doc import schema_markdown

    return demoted(schema_markdown())


def target_format() -> str:
    from simulator.model.schema_doc import targets_markdown

    return demoted(targets_markdown())


def target_example() -> str:
    """The head of Taiyuan's target file and a few of its entries, verbatim."""
    text = (ROOT / EXAMPLE_FILE).read_text(encoding="utf-8")
    head, _, body = text.partition("\ntargets:\n")
    head = "\n".join(line for line in head.splitlines() if not line.startswith("#"))
    entries = {}
    for block in re.split(r"\n(?=  - id: )", body):
        found = re.match(r"  - id: (\S+)", block)
        if found:
            lines = block.rstrip().splitlines()
            while not lines[-1].strip() or lines[-1].lstrip().startswith("#"):
                lines.pop()  # the comment heading the next entries, and the gap before it
            entries[found.group(1)] = "\n".join(lines)
    missing = [name for name in EXAMPLE_TARGETS if name not in entries]
    if missing:
        raise ValueError(f"{EXAMPLE_FILE} has no target {missing[0]!r} for the worked example")
    shown = "\n\n".join(entries[name] for name in EXAMPLE_TARGETS)
    return (f"```yaml\n# {EXAMPLE_FILE} (the file head and {len(EXAMPLE_TARGETS)} of its "
            f"entries)\n{head}\ntargets:\n{shown}\n```\n")


def _layout():
    """``LAYERS`` and ``LAYER_NAMES`` of ``tests/test_layout.py``, read without running it."""
    tree = ast.parse((ROOT / "tests" / "test_layout.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("LAYERS", "LAYER_NAMES"):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found["LAYERS"], found["LAYER_NAMES"]


def _summary(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _modules(package: str) -> list[tuple[str, Path]]:
    """``package`` (a dotted name) and its modules, package first, as (name, file)."""
    base = ROOT.joinpath(*package.split("."))
    if base.with_suffix(".py").is_file():
        return [(package, base.with_suffix(".py"))]
    files = sorted(base.glob("*.py"), key=lambda p: (p.name != "__init__.py", p.name))
    return [(package if f.name == "__init__.py" else f"{package}.{f.stem}", f) for f in files]


def layers() -> str:
    """The layers, top down, with the packages of each."""
    homes, names = _layout()
    lines = ["| layer | packages and modules | may import |", "|---|---|---|"]
    for level in sorted(names, reverse=True):
        own = ", ".join(f"`{home}`" for home, at in homes.items() if at == level)
        below = ", ".join(names[lower] for lower in sorted(names, reverse=True) if lower < level)
        lines.append(f"| {level}: {names[level]} | {own} | {below or 'nothing of the project'} |")
    return "\n".join(lines) + "\n"


def module_map() -> str:
    """Every package and module, layer by layer from the top, with its docstring's summary."""
    homes, names = _layout()
    lines = ["### The front door", "", "| module | what it does |", "|---|---|",
             f"| `simulator` | {_summary(ROOT / 'simulator' / '__init__.py')} |", ""]
    for level in sorted(names, reverse=True):
        lines += [f"### Layer {level}: {names[level]}", "", "| module | what it does |",
                  "|---|---|"]
        for home in (h for h, at in homes.items() if at == level):
            for name, path in _modules(home):
                lines.append(f"| `{name}` | {_summary(path).replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


GENERATORS = {
    "scenario-format": scenario_format,
    "target-format": target_format,
    "target-example": target_example,
    "layers": layers,
    "module-map": module_map,
}


def fill(text: str) -> str:
    """``text`` with every ``{generated}`` block replaced by what it names."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise ValueError(f"unknown generated part {name!r}; known: {', '.join(GENERATORS)}")
        return GENERATORS[name]().rstrip("\n")

    return BLOCK.sub(one, text)


def _source_read(app, docname: str, source: list[str]) -> None:
    source[0] = fill(source[0])


def setup(app):
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
