"""What the user is told: the ``summary.json`` content and the printed report."""

from __future__ import annotations

import unicodedata

import xarray as xr

from . import __version__
from .ensemble import plan_comparisons
from .peak import TARGET_PEAK_YEAR, peak_summary, peak_year, target_probabilities
from .scenario import Scenario
from .schema import REPORT_YEARS
from .targets import TargetFile, load_targets, scenario_targets_file

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


def summary(projection: xr.Dataset, scenario: Scenario, ensemble: xr.Dataset | None = None,
            plateau: float | None = None) -> dict:
    """The ``summary.json`` content (DESIGN §6); ``peak`` and ``targets`` need the ensemble."""
    info = _deterministic_summary(projection, scenario)
    if ensemble is not None:
        info.update(draws=int(ensemble.attrs["draws"]), seed=int(ensemble.attrs["seed"]),
                    sampling=ensemble.attrs["sampling"],
                    peak=peak_summary(ensemble, plateau=plateau),
                    targets=_target_rows(scenario, projection, ensemble),
                    clamping=_clamping(ensemble))
    return info


def _clamping(ensemble: xr.Dataset) -> dict:
    clamped, rescaled = ensemble["clamped_values"], ensemble["rescaled_fuel_mix_years"]
    return {"draws_clamped": int((clamped > 0).sum()), "values_clamped": int(clamped.sum()),
            "draws_fuel_mix_rescaled": int((rescaled > 0).sum()),
            "years_fuel_mix_rescaled": int(rescaled.sum())}


def _target_rows(scenario: Scenario, projection: xr.Dataset, ensemble: xr.Dataset) -> list:
    probabilities = target_probabilities(ensemble)
    series = lambda variable, year: float(projection[variable].sel(year=year))  # noqa: E731
    plan = load_targets(scenario_targets_file(scenario)) if probabilities else None
    rows = []
    for c in plan_comparisons(scenario):
        p, ci = probabilities[c.label]
        rows.append({"id": c.target_id, "year": c.year, "plan_value": _plan_number(c),
                     "unit": c.unit, "measure": c.measure, "variable": c.variable,
                     "model_value": c.model_value(series) / c.scale,
                     "probability_met": p, "ci95": list(ci), **_as_written(plan, c.target_id)})
    return rows


def _as_written(plan: TargetFile, target_id: str) -> dict:
    """The target as the plan writes it, and where: names, hedge words, the exact quote."""
    target = next(t for t in plan.targets if t.id == target_id)
    return {"name_zh": target.name_zh, "name_en": target.name_en, "hedge": list(target.hedge),
            "quote": target.quote, "source": {"plan": plan.plan, "seed": plan.seed,
                                              "targets_file": str(plan.path)}}


def _plan_number(c):
    return list(c.plan) if isinstance(c.plan, tuple) else c.plan


def _deterministic_summary(projection: xr.Dataset, scenario: Scenario) -> dict:
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
        *_probabilistic(info),
        "",
        "Written:",
        *(f"  {path}" for path in written),
    ]
    return "\n".join(lines)


# IPCC calibrated language for probabilities
LIKELIHOOD = ((0.99, "virtually certain"), (0.90, "very likely"), (0.66, "likely"),
              (0.33, "about as likely as not"), (0.10, "unlikely"), (0.01, "very unlikely"),
              (0.0, "exceptionally unlikely"))


def likelihood(p: float) -> str:
    return next(words for threshold, words in LIKELIHOOD if p >= threshold)


def _probabilistic(info: dict) -> list[str]:
    if "peak" not in info:
        return ["(No uncertainty section: the answer above is deterministic only.)"]
    peak, clamping = info["peak"], info["clamping"]
    low, high = peak["ci95"]
    years, values = peak["year_quantiles"], peak["value_quantiles"]
    mt = [values[q] / WAN_T_PER_MT for q in ("5", "50", "95")]
    plateau = "" if peak["plateau_tolerance"] is None else \
        f" (or stays within {peak['plateau_tolerance']:.0%} of its {peak['by_year']} level)"
    lines = [
        "",
        f"Monte Carlo: {info['draws']:,} draw{'s' if info['draws'] != 1 else ''} "
        f"({info['sampling']}, seed {info['seed']}).",
        f"P(CO2 peaks by {peak['by_year']}{plateau}) = {peak['probability']:.1%} "
        f"(95 % interval {low:.1%}-{high:.1%}; Monte Carlo standard error "
        f"{peak['mc_standard_error']:.2%}): {likelihood(peak['probability'])}.",
        f"Peak year: median {years['50']} (5-95 %: {years['5']}-{years['95']}). Peak CO2: "
        f"median {mt[1]:.1f} Mt (5-95 %: {mt[0]:.1f}-{mt[2]:.1f} Mt).",
        f"Bounds: {clamping['draws_clamped']:,} of {info['draws']:,} draws had a driver "
        f"value outside its bounds, clamped ({clamping['values_clamped']:,} values); "
        f"{clamping['draws_fuel_mix_rescaled']:,} draws had years where the fuel mix was "
        f"adjusted: coal and oil scaled down where non-fossil supply left no room for gas, "
        f"imported coal power limited to the coal in the mix "
        f"({clamping['years_fuel_mix_rescaled']:,} draw-years).",
    ]
    return lines + _target_table(info["targets"])


def _target_table(targets: list) -> list[str]:
    if not targets:
        return []
    header = [["target", "year", "plan", "deterministic", "P(met)"]]
    rows = [[t["id"], str(t["year"]), f"{plan_value_text(t['plan_value'])} {t['unit']}",
             f"{t['model_value']:.4g} {t['unit']}", f"{t['probability_met']:.1%}"]
            for t in targets]
    return ["", "Plan targets (met: at least as good as the plan, within 0.5 %):",
            *("  " + line for line in text_table(header + rows, left=1))]


def plan_value_text(value) -> str:
    """A plan value as written: a number, or a range "lo-hi"."""
    return "-".join(f"{v:g}" for v in value) if isinstance(value, list) else f"{value:g}"


def _answer(peak: int) -> str:
    if peak <= TARGET_PEAK_YEAR:
        return f"Deterministic answer: on this path CO2 peaks by {TARGET_PEAK_YEAR} (in {peak})."
    return (f"Deterministic answer: on this path CO2 does NOT peak by {TARGET_PEAK_YEAR}; it "
            f"keeps rising until {peak}.")


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
