"""The scenario-format reference, generated from the schema.

``python -m simulator.docs > docs/scenario_format.md``; a test keeps the file in step.
"""

from __future__ import annotations

from .kernel import DRIVER_NAMES
from .schema import FIELDS
from .uncertainty import DISTRIBUTIONS


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
    return "\n".join(lines + _uncertainty_tables()) + "\n"


def _uncertainty_tables() -> list[str]:
    lines = [
        "",
        "## Uncertainty",
        "",
        "Each entry of `uncertainty.parameters` names a `parameter` (a number field such as "
        "`base.coal_share`, a driver-path key such as `paths.renewable_capacity.values.2030`, or "
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
        "ensemble); in a year where non-fossil supply leaves no room for gas, coal and oil are "
        "scaled down so the shares sum to one, and imported coal power (negative "
        "`net_electricity_exports` under territorial accounting) takes out at most the CO2 of "
        "the coal in the mix (`rescaled_fuel_mix_years` counts both). Both are counted and "
        "reported (`clamping` in summary.json).",
    ]
    return lines


if __name__ == "__main__":
    print(schema_markdown(), end="")
