"""The file-format references, generated from their declarative descriptions: the scenario
format from the schema (``schema_markdown``), the plan target files from the key tables of
``simulator.model.targets`` (``targets_markdown``).

The docs build renders both (``docs/_ext/generated.py``); ``python -m simulator.model.schema_doc``
prints the scenario format, ``python -m simulator.model.schema_doc targets`` the target files.
"""

from __future__ import annotations

from simulator.model.kernel import DRIVER_NAMES
from simulator.model.schema import FIELDS
from simulator.model.targets import FILE_KEYS, MODEL_KEYS, TARGET_KEYS, UNIT_TO_MODEL
from simulator.model.uncertainty import DISTRIBUTIONS


def schema_markdown() -> str:
    """The scenario-format reference, as a Markdown table generated from ``FIELDS``."""
    lines = [
        "# Scenario format v1",
        "",
        "Generated from `simulator/model/schema.py` by `python -m simulator.model.schema_doc`; do not edit by hand.",
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
        lines.append(f"| `{f.path}` | {kind} | {f.unit or '—'} | {default} | {str(f.allowed())} "
                     f"| {f.description} |")
    return "\n".join(lines + _uncertainty_tables()) + "\n"


def _uncertainty_tables() -> list[str]:
    lines = [
        "",
        "## Uncertainty",
        "",
        "Each entry of `uncertainty.parameters` names a `parameter` (a number field such as "
        "`base.direct_gas_share`, a driver-path key such as `paths.renewable_capacity.values.2030`, or "
        "a whole driver path such as `paths.gdp_growth`, whose keys then move together), how a "
        "draw x is applied (`apply`) and its `distribution`.",
        "",
        "| apply | new value |",
        "|---|---|",
        "| `add` (default) | value + x |",
        "| `multiply` | value × x |",
        "| `set` | x |",
        "",
        "| distribution | parameters | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{d.name}` | {', '.join(d.params)} | {d.description} |"
              for d in DISTRIBUTIONS.values()]
    lines += [
        "",
        "`uncertainty.correlations` entries `{between: [a, b], rho}` correlate two parameter "
        "entries through a Gaussian copula; the matrix must be positive semi-definite. "
        "`uncertainty.shocks` entries `{driver, apply, sd, rho}` add a per-year AR(1) series "
        "e_t (stationary standard deviation `sd`, lag-1 autocorrelation `rho`) to a driver: "
        "`add` gives driver + e_t, `multiply` gives driver × (1 + e_t). Drivers: "
        + ", ".join(f"`{name}`" for name in DRIVER_NAMES) + ".",
        "",
        "Draws that push a driver outside its bounds are clamped (`clamped_values` in the "
        "ensemble). The energy balance closes by construction and nothing is rescaled: where "
        "non-fossil generation exceeds local generation the surplus is curtailed "
        "(`curtailed_years`), and a year whose inputs leave no room for the balance (direct "
        "fossil use or its coal negative, imports above demand, exports above the coal burnt) "
        "is counted (`unbalanced_years`); a deterministic path with such a year is refused. "
        "Both counts are reported (`clamping` in summary.json).",
    ]
    return lines


def targets_markdown() -> str:
    """The target-file reference, as Markdown tables generated from the key tables of
    ``simulator.model.targets`` (``FILE_KEYS``, ``TARGET_KEYS``, ``MODEL_KEYS``)."""
    lines = ["# Plan target file format", "",
             "Generated from `simulator/model/targets.py` by `python -m simulator.model.schema_doc "
             "targets`; do not edit by hand.", ""]
    for title, keys in (("The file", FILE_KEYS), ("Each entry of `targets`", TARGET_KEYS),
                        ("`model`: how a modelled numeric target is compared", MODEL_KEYS)):
        lines += [f"## {title}", "", "| key | type | allowed | required | meaning |",
                  "|---|---|---|---|---|"]
        lines += [f"| `{k.key}` | {k.type} | {k.allowed} | {'yes' if k.required else 'no'} "
                  f"| {k.meaning} |" for k in keys]
        lines.append("")
    lines += ["## Units the model converts", "",
              "| plan unit | factor into the model's unit |", "|---|---|"]
    lines += [f"| `{unit}` | {factor:g} |" for unit, factor in UNIT_TO_MODEL.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(targets_markdown() if sys.argv[1:] == ["targets"] else schema_markdown(), end="")
