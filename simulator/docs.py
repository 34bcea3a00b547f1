"""The scenario-format reference, generated from the schema.

``python -m simulator.docs > docs/scenario_format.md``; a test keeps the file in step.
"""

from __future__ import annotations

from .schema import FIELDS


def schema_markdown() -> str:
    """The scenario-format reference, as a Markdown table generated from ``FIELDS``."""
    lines = [
        "# Scenario format v1",
        "",
        "Generated from `simulator/schema.py` by `python -m simulator.docs`; do not edit by hand.",
        "",
        "Driver paths are written `{fill: step or linear, values: {year: value}}`. `step`: a value "
        "holds from its key year on. `linear`: values are interpolated between keys. After the "
        "last key the last value holds. A level path (shares, capacity, ...) starts from its "
        "base-year value; a rate path (growth, decline) must have a key at base_year + 1.",
        "",
        "| field | type | unit | default | allowed | description |",
        "|---|---|---|---|---|---|",
    ]
    for f in FIELDS:
        kind = f"path ({f.fill})" if f.kind == "path" else f.kind
        default = "required" if f.required else ("—" if f.default in (None, ()) else repr(f.default))
        lines.append(f"| `{f.path}` | {kind} | {f.unit or '—'} | {default} | {f.allowed()} "
                     f"| {f.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(schema_markdown(), end="")
