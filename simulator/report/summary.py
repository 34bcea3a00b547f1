"""What the user is told: the ``summary.json`` content and the printed report, in English or
Chinese (the words from the text catalogues, ``simulator.text``)."""

from __future__ import annotations

import unicodedata

import xarray as xr

from simulator import __version__
from simulator.montecarlo.ensemble import TARGET_TOLERANCE, plan_comparisons
from simulator.defaults import TARGET_PEAK_YEAR
from simulator.montecarlo.peak import (
    peak_summary, peak_year, sustained_summary, target_probabilities,
)
from simulator.model.drivers import step_changes
from simulator.model.lock import lock_path
from simulator.model.observed import uncertain_from, varied_drivers
from simulator.model.scenario import Scenario
from simulator.model.schema import FIELDS_BY_PATH, REPORT_YEARS
from simulator.model.statistics import observation_rows, read_statistics
from simulator.model.targets import (
    ABOUT_TOLERANCE, TargetFile, load_targets, scenario_targets_file,
)
from simulator.report.labels import WAN_T_PER_MT, co2_unit, region_name, with_unit
from simulator.text import text

# the printed table's columns: (variable, scale, format); header and unit are the catalogue's
# console.column.<variable> and console.unit.<variable>; shares shown in percent for reading,
# CO2 in the language's CO2 unit (``co2_unit``) with ``CO2_CELLS``
COLUMNS = (
    ("gdp", 1.0, "{:,.0f}"),
    ("energy", 1.0, "{:,.0f}"),
    ("energy_intensity", 1.0, "{:.3f}"),
    ("non_fossil_share", 100.0, "{:.2f}"),
    ("coal_share", 100.0, "{:.1f}"),
    ("gas_share", 100.0, "{:.1f}"),
    ("renewable_capacity", 1.0, "{:,.1f}"),
    ("co2", None, None),
    ("co2_intensity", 1.0, "{:.3f}"),
)
CO2_CELLS = {"en": "{:.2f}", "zh": "{:,.0f}"}  # Mt to two decimals, 万吨 whole


def co2_cell(wan_t: float, lang: str = "en") -> str:
    """CO2 (the data's 万t) as a table cell in ``lang``'s unit (``co2_unit``): Mt to two
    decimals in English, 万吨 whole in Chinese."""
    wan_t_per_unit = 1.0 / co2_unit(lang)[1]  # 100.0 for Mt, exactly: wan_t / 100.0 as before
    return CO2_CELLS[lang].format(wan_t / wan_t_per_unit)


def summary(projection: xr.Dataset, scenario: Scenario, ensemble: xr.Dataset | None = None,
            plateau: float | None = None, sustained: float | None = None) -> dict:
    """The ``summary.json`` content (DESIGN §6); ``peak`` and ``targets`` need the ensemble."""
    info = _deterministic_summary(projection, scenario)
    info["observed"] = observed_summary(scenario)
    info["path_steps"] = step_changes(scenario)
    if ensemble is not None:
        peak = peak_summary(ensemble, plateau=plateau)
        before = ensemble["peak_year"].values < info["observed"]["projected_from"]
        peak["share_peaking_before_projection"] = float(before.mean())
        if sustained is not None:
            peak["sustained"] = sustained_summary(ensemble, sustained)
        info.update(draws=int(ensemble.attrs["draws"]), seed=int(ensemble.attrs["seed"]),
                    sampling=ensemble.attrs["sampling"], peak=peak,
                    targets=_target_rows(scenario, projection, ensemble),
                    clamping=_clamping(ensemble))
    return info


def observed_summary(scenario: Scenario) -> dict:
    """What the run takes as already happened (the scenario's ``observed`` section), each value
    with its sources in the statistics file, and from which year each driver the uncertainty
    section moves is drawn (``uncertain_from``; ``projected_from`` is the first such year)."""
    observations = scenario["observed"]
    rows = read_statistics() if observations else []
    drivers = varied_drivers(scenario["uncertainty.parameters"], scenario["uncertainty.shocks"])
    first = uncertain_from(observations, drivers, scenario.base_year)
    return {
        "last_year": max((e.year for e in observations), default=None),
        "projected_from": min(first.values(), default=scenario.base_year + 1),
        "uncertain_from": first,
        "values": [{"driver": e.driver, "year": e.year, "value": e.value,
                    "unit": FIELDS_BY_PATH[f"paths.{e.driver}"].unit, "statistic": e.statistic,
                    "sources": [{key: row[key] for key in ("grade", "publisher", "document",
                                                           "address")}
                                for row in observation_rows(scenario.region, e, rows)]}
                   for e in observations],
    }


def observed_sentences(info: dict, lang: str = "en") -> list[str]:
    """What is observed and what is drawn, in words (the console and report.html)."""
    observed, base = info["observed"], info["base_year"]
    years = {}
    for e in observed["values"]:
        years.setdefault(e["driver"], []).append(e["year"])
    listed = text("console.list_separator", lang).join(
        text("console.observed_driver", lang, driver=text(f"driver.{d}", lang),
             years=_year_span(ys)) for d, ys in years.items())
    lines = [text("console.observed", lang, base=base, drivers=listed, last=observed["last_year"])
             if years else text("console.nothing_observed", lang, base=base, next=base + 1)]
    unobserved = [d for d, year in observed["uncertain_from"].items()
                  if year == observed["projected_from"]]
    if unobserved:
        lines.append(text("console.projected_from", lang, year=observed["projected_from"],
                          drivers=text("console.list_separator", lang).join(
                              text(f"driver.{d}", lang) for d in unobserved)))
    share = info.get("peak", {}).get("share_peaking_before_projection")
    if share:
        lines.append(text("console.peak_before_projection", lang, share=share,
                          year=observed["projected_from"]))
    return lines


def _year_span(years: list[int]) -> str:
    years = sorted(years)
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def _clamping(ensemble: xr.Dataset) -> dict:
    clamped, unbalanced = ensemble["clamped_values"], ensemble["unbalanced_years"]
    curtailed = ensemble["curtailed_years"]
    return {"draws_clamped": int((clamped > 0).sum()), "values_clamped": int(clamped.sum()),
            "draws_unbalanced": int((unbalanced > 0).sum()),
            "years_unbalanced": int(unbalanced.sum()),
            "draws_curtailed": int((curtailed > 0).sum()),
            "years_curtailed": int(curtailed.sum())}


def _target_rows(scenario: Scenario, projection: xr.Dataset, ensemble: xr.Dataset) -> list:
    probabilities = target_probabilities(ensemble)
    series = lambda variable, year: float(projection[variable].sel(year=year))  # noqa: E731
    plan = load_targets(scenario_targets_file(scenario)) if probabilities else None
    own_lock = lock_path(scenario.source) in scenario.locks  # calibrated to its plan itself
    rows = []
    for c in plan_comparisons(scenario):
        p, ci = probabilities[c.label]
        value = c.model_value(series)
        low, high = c.plan_bounds(TARGET_TOLERANCE)  # the plan's value, either way
        # a baseline is the plan's statistic of a past year: shown as observed, with no P(met);
        # a calibrated scenario's central path meets its targets by construction
        rows.append({"id": c.target_id, "year": c.year, "plan_value": _plan_number(c),
                     "unit": c.unit, "measure": c.measure, "variable": c.variable,
                     "model_value": value / c.scale, "baseline": c.baseline,
                     "calibrated": own_lock and low <= value <= high,
                     "probability_met": None if c.baseline else p,
                     "ci95": None if c.baseline else list(ci), **_as_written(plan, c.target_id)})
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


def format_report(projection: xr.Dataset, info: dict, written: list, lang: str = "en") -> str:
    """The plain-text report printed by ``simulate``, in ``lang``."""
    attrs = projection.attrs
    det = info["deterministic"]
    lines = [
        text("console.scenario", lang, scenario=attrs["scenario"],
             region=region_name(attrs["region"], lang), base_year=attrs["base_year"],
             end_year=attrs["end_year"], accounting=text(f"accounting.{attrs['accounting']}", lang)),
        text("console.source", lang, file=info["scenario_file"]),
        *(text("console.lock", lang, lock=lock) for lock in info["calibration_locks"]),
        *("  " + line for line in observed_sentences(info, lang)),
        "",
        *_table(projection, lang),
        "",
        text("console.peak", lang, year=det["peak_year"], mt=det["peak_co2"] / WAN_T_PER_MT,
             wan_t=det["peak_co2"]),
        _answer(det["peak_year"], lang),
        *_probabilistic(info, lang),
        "",
        text("console.written", lang),
        *(f"  {path}" for path in written),
    ]
    return "\n".join(lines)


# IPCC calibrated language for probabilities: (threshold, catalogue key likelihood.<key>)
LIKELIHOOD = ((0.99, "virtually_certain"), (0.90, "very_likely"), (0.66, "likely"),
              (0.33, "about_as_likely_as_not"), (0.10, "unlikely"), (0.01, "very_unlikely"),
              (0.0, "exceptionally_unlikely"))


def likelihood(p: float, lang: str = "en") -> str:
    """The IPCC likelihood words for probability ``p``."""
    key = next(key for threshold, key in LIKELIHOOD if p >= threshold)
    return text(f"likelihood.{key}", lang)


def _probabilistic(info: dict, lang: str) -> list[str]:
    if "peak" not in info:
        return [text("console.no_uncertainty", lang)]
    peak, clamping, draws = info["peak"], info["clamping"], info["draws"]
    low, high = peak["ci95"]
    years, values = peak["year_quantiles"], peak["value_quantiles"]
    factor = co2_unit(lang)[1]
    plateau = "" if peak["plateau_tolerance"] is None else text(
        "console.plateau", lang, tolerance=peak["plateau_tolerance"], year=peak["by_year"])
    lines = [
        "",
        text("console.monte_carlo", lang, sampling=info["sampling"], seed=info["seed"],
             draws=text(f"console.draws.{'one' if draws == 1 else 'other'}", lang, draws=draws)),
        text("console.probability", lang, year=peak["by_year"], plateau=plateau,
             p=peak["probability"], low=low, high=high, se=peak["mc_standard_error"],
             words=likelihood(peak["probability"], lang)),
        *_sustained_line(peak, lang),
        text("console.peak_quantiles", lang, median=years["50"], low=years["5"],
             high=years["95"], co2_median=values["50"] * factor, co2_low=values["5"] * factor,
             co2_high=values["95"] * factor),
        text("console.bounds", lang, draws=draws, clamped=clamping["draws_clamped"],
             values=clamping["values_clamped"], unbalanced=clamping["draws_unbalanced"],
             years=clamping["years_unbalanced"], curtailed=clamping["draws_curtailed"],
             curtailed_years=clamping["years_curtailed"]),
    ]
    return lines + _target_table(info["targets"], lang)


def _sustained_line(peak: dict, lang: str) -> list[str]:
    """P(a sustained peak), when the run asked for it (``--sustained``)."""
    if "sustained" not in peak:
        return []
    s = peak["sustained"]
    return [text("console.sustained", lang, year=s["by_year"], later=s["year"], drop=s["drop"],
                 p=s["probability"], low=s["ci95"][0], high=s["ci95"][1],
                 words=likelihood(s["probability"], lang))]


def _target_table(targets: list, lang: str) -> list[str]:
    if not targets:
        return []
    header = [[text(f"console.target_column.{key}", lang)
               for key in ("target", "year", "plan", "model", "p")]]
    marked = any(t["calibrated"] for t in targets)
    rows = [[_target_label(t, lang), str(t["year"]),
             with_unit(plan_value_text(t["plan_value"]), t["unit"], lang),
             with_unit(f"{t['model_value']:.4g}", t["unit"], lang)
             + (calibrated_mark(t) if marked else ""), _chance_cell(t, lang)]
            for t in targets]
    note = [text("console.calibrated_note", lang)] if marked else []
    return ["", text("console.targets", lang, tolerance=100 * TARGET_TOLERANCE,
                     about=100 * ABOUT_TOLERANCE),
            *("  " + line for line in text_table(header + rows, left=1)), *note]


CALIBRATED_MARK = " *"


def calibrated_mark(target: dict) -> str:
    """The mark of a value the central path meets by construction (``console.calibrated_note``)."""
    return CALIBRATED_MARK if target["calibrated"] else "  "


def _chance_cell(target: dict, lang: str) -> str:
    """P(met) of a target; a baseline's cell says it is the plan's statistic."""
    if target["baseline"]:
        return text("console.baseline_cell", lang)
    return f"{target['probability_met']:.1%}"


def _target_label(target: dict, lang: str) -> str:
    """A target as the table names it: its id in English, the plan's own name in Chinese."""
    return target["name_zh"] if lang == "zh" else target["id"]


def plan_value_text(value) -> str:
    """A plan value as written: a number, or a range "lo-hi"."""
    return "-".join(f"{v:g}" for v in value) if isinstance(value, list) else f"{value:g}"


def _answer(peak: int, lang: str) -> str:
    key = "console.answer_peaks" if peak <= TARGET_PEAK_YEAR else "console.answer_rises"
    return text(key, lang, year=TARGET_PEAK_YEAR, peak=peak)


def _table(projection: xr.Dataset, lang: str) -> list[str]:
    years = [y for y in projection["year"].values
             if y == projection["year"].values[0] or y in REPORT_YEARS]
    columns = list(table_columns(lang))
    header = [text("console.column.year", lang), *(name for _, name, _, _, _ in columns)]
    units = ["", *(unit for _, _, unit, _, _ in columns)]
    rows = [[str(int(y)), *(form.format(float(projection[variable].sel(year=y)) * scale)
                            for variable, _, _, scale, form in columns)] for y in years]
    return text_table([header, units, *rows])


def table_columns(lang: str = "en"):
    """(variable, header, unit, scale, format) of each column of the printed table."""
    for variable, scale, form in COLUMNS:
        header = text(f"console.column.{variable}", lang)
        if variable == "co2":
            unit, factor = co2_unit(lang)
            yield variable, header, unit, factor, CO2_CELLS[lang]
        else:
            yield variable, header, text(f"console.unit.{variable}", lang), scale, form


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
