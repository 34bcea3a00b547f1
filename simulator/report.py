"""What the user is told: the ``summary.json`` content and the printed report."""

from __future__ import annotations

import unicodedata

import xarray as xr

from . import __version__
from .peak import TARGET_PEAK_YEAR, peak_year
from .scenario import Scenario

REPORT_YEARS = (2022, 2025, 2030, 2035, 2040, 2050, 2060)
WAN_T_PER_MT = 100.0  # 1 Mt = 100 万t

# (header, unit, variable, scale, format): shares shown in percent for reading
COLUMNS = (
    ("GDP", "亿元", "gdp", 1.0, "{:,.0f}"),
    ("energy", "万tce", "energy", 1.0, "{:,.0f}"),
    ("energy int.", "tce/万元", "energy_intensity", 1.0, "{:.3f}"),
    ("non-fossil", "%", "non_fossil_share", 100.0, "{:.2f}"),
    ("coal", "%", "coal_share", 100.0, "{:.1f}"),
    ("gas", "%", "gas_share", 100.0, "{:.1f}"),
    ("RE capacity", "万kW", "renewable_capacity", 1.0, "{:,.1f}"),
    ("CO2", "Mt", "co2", 1.0 / WAN_T_PER_MT, "{:.2f}"),
    ("CO2 int.", "t/万元", "co2_intensity", 1.0, "{:.3f}"),
)


def summary(projection: xr.Dataset, scenario: Scenario) -> dict:
    """The ``summary.json`` content (DESIGN §6, the fields that exist for a deterministic run)."""
    co2 = projection["co2"]
    peak = peak_year(co2)
    return {
        "scenario": projection.attrs["scenario"],
        "region": projection.attrs["region"],
        "base_year": int(projection.attrs["base_year"]),
        "end_year": int(projection.attrs["end_year"]),
        "scenario_file": str(scenario.source),
        "scenario_sha256": projection.attrs["scenario_sha256"],
        "calibration_locks": [str(lock) for lock in scenario.locks],
        "deterministic": {
            "peak_year": peak,
            "peak_co2": float(co2.sel(year=peak)),
            "peaks_by_2030": peak <= TARGET_PEAK_YEAR,
            "unit": co2.attrs["units"],
            "co2": {str(int(y)): float(v) for y, v in zip(co2["year"].values, co2.values, strict=True)},
        },
        "version": __version__,
    }


def format_report(projection: xr.Dataset, info: dict, written: list) -> str:
    """The plain-text report printed by ``simulate``."""
    attrs = projection.attrs
    det = info["deterministic"]
    lines = [
        f"Scenario {attrs['scenario']} ({attrs['region']}), {attrs['base_year']}-"
        f"{attrs['end_year']}, deterministic projection, {attrs['accounting']} accounting",
        f"  from {info['scenario_file']}",
        *(f"  calibrated values from {lock}" for lock in info["calibration_locks"]),
        "",
        *_table(projection),
        "",
        f"CO2 peaks in {det['peak_year']} at {det['peak_co2'] / WAN_T_PER_MT:.2f} Mt "
        f"({det['peak_co2']:,.0f} 万t).",
        _answer(det["peak_year"]),
        "",
        "Written:",
        *(f"  {path}" for path in written),
    ]
    return "\n".join(lines)


def _answer(peak: int) -> str:
    if peak <= TARGET_PEAK_YEAR:
        return f"Answer: on this path CO2 peaks by {TARGET_PEAK_YEAR} (in {peak})."
    return (f"Answer: on this path CO2 does NOT peak by {TARGET_PEAK_YEAR}; it keeps rising "
            f"until {peak}.")


def _table(projection: xr.Dataset) -> list[str]:
    years = [y for y in projection["year"].values
             if y == projection["year"].values[0] or y in REPORT_YEARS]
    header = ["year", *(c[0] for c in COLUMNS)]
    units = ["", *(c[1] for c in COLUMNS)]
    rows = [[str(int(y)), *(fmt.format(float(projection[var].sel(year=y)) * scale)
                            for _, _, var, scale, fmt in COLUMNS)] for y in years]
    return text_table([header, units, *rows])


def text_table(rows: list[list[str]], left: int = 0) -> list[str]:
    """Rows of cells as aligned lines: the first ``left`` columns flush left, the rest right."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, w, i < left) for i, (cell, w) in
                      enumerate(zip(r, widths, strict=True))).rstrip() for r in rows]


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text
