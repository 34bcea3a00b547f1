"""``report.html``: one self-contained page with a run's answer, for a planner to read or email.

``render_html(info, charts, scenario, ensemble, command, lang)`` returns the page as text. In
order, it shows:

1. the answer in one sentence, with the number (P(CO2 peaks by 2030) and its 95 % interval in
   IPCC likelihood words, and the central path's peak), and the key figures behind it;
2. the charts, embedded as ``data:image/png;base64`` with captions and alt text;
3. the plan's targets: names as the plan writes them, plan and model values with units,
   P(met) with its interval, and the plan's own words with their source;
4. the uncertainty ranges (distribution in words and numbers, the 5-95 % range actually
   drawn, the source note from the scenario file) and the numbers labelled as assumptions;
5. what reproduces the run: command, seed, draws, sampling, files and their SHA-256, version.

This module works out what the page says: sentences and numbers as plain text, in the words of
the text catalogues (``simulator.text``). The markup is the Jinja template
``templates/report.html``, which escapes every value (autoescaping: no value is trusted
markup) and fails on a value it is not given (``StrictUndefined``); its stylesheet,
``templates/report.css``, is included inline. The page loads nothing: no scripts, fonts,
stylesheets or remote images. Numbers that are missing or not finite are written as a dash,
never as NaN or None.
"""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
import xarray as xr

from simulator.montecarlo.ensemble import TARGET_TOLERANCE
from simulator.model.targets import ABOUT_TOLERANCE
from simulator.errors import ScenarioError
from simulator.report.labels import co2_unit, parameter_name, region_name, unit_text
from simulator.model.lock import lock_path
from simulator.model.parameters import is_driver_path, parameter_field
from simulator.defaults import TARGET_PEAK_YEAR
from simulator.report.provenance import Note, field_notes
from simulator.report.summary import calibrated_mark, likelihood, observed_sentences
from simulator.text import text
from simulator.model.projection import has_uncertainty
from simulator.model.scenario import Scenario
from simulator.model.schema import FIELDS_BY_PATH, Field

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DASH = "–"
TEMPLATE = "report.html"
# charts whose file name stands for a caption of the catalogues' (page.caption.<name>)
CHART_FILES = ("fan_chart.png", "peak_year.png", "targets.png")
CO2_DIGITS = {"en": ".1f", "zh": ",.0f"}  # Mt to one decimal, 万吨 whole


def render_html(info: dict, charts: list, scenario: Scenario, ensemble: xr.Dataset | None,
                command: str, lang: str = "en") -> str:
    """The report of one run as a self-contained HTML page.

    Parameters
    ----------
    info : dict
        The ``summary.json`` content (``simulator.report.summary``); without an ensemble it
        has no ``draws``, ``peak`` or ``targets`` and the page is deterministic only.
    charts : list of (str, bytes)
        (caption, PNG bytes) in display order. A caption that is a known chart file name
        (``fan_chart.png``, ``peak_year.png``, ``targets.png``) is replaced by its words.
    scenario : Scenario
        The scenario run; its files are read again for their comments (``provenance``).
    ensemble : xarray.Dataset or None
        The Monte Carlo draws (for the ranges actually drawn), or None.
    command : str
        The command line that produced the run, shown so that it can be repeated.
    lang : {"en", "zh"}
        Language of headings and sentences; quotes and source notes stay as written.

    Returns
    -------
    str
        The page (UTF-8 text, ``<meta charset="utf-8">``).
    """
    notes = field_notes(scenario)
    year = info.get("peak", {}).get("by_year", TARGET_PEAK_YEAR)
    title = text("page.title", lang, region=region_name(info["region"], lang),
                 year=year, scenario=info["scenario"])
    return _template().render(
        lang=lang, t=lambda key, **values: text(key, lang, **values), title=title,
        answer=answer_sentence(info, scenario, lang), facts=_facts(info, lang),
        description=scenario["description"],
        charts=[_figure(caption, png, lang) for caption, png in charts],
        targets=_targets(info, lang),
        uncertainty=_uncertainty(info, scenario, ensemble, notes, lang),
        assumptions=_assumptions(scenario, notes, lang),
        reproduce=_reproduce(info, scenario, command))


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simulator.report", "templates"),
        autoescape=jinja2.select_autoescape(("html",)), undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return environment.get_template(TEMPLATE)


# -- 1. the answer -----------------------------------------------------------------------------


def answer_sentence(info: dict, scenario: Scenario, lang: str = "en") -> str:
    """The answer in one or two sentences with the number (plain text, not escaped)."""
    own_lock = lock_path(scenario.source) in scenario.locks  # calibrated to the plan itself
    clause = text("page.plan_clause" if own_lock else "page.scenario_clause", lang,
                  region=region_name(info["region"], lang), scenario=info["scenario"])
    peak = info["deterministic"]["peak_year"]
    if "peak" not in info:
        verdict = text("page.verdict_peaks" if peak <= TARGET_PEAK_YEAR else "page.verdict_rises",
                       lang, peak=peak, year=TARGET_PEAK_YEAR)
        why = text("page.why_no_draws" if has_uncertainty(scenario) else "page.why_no_uncertainty",
                   lang)
        return text("page.deterministic", lang, clause=clause, why=why, verdict=verdict)
    p = info["peak"]
    plateau = "" if p["plateau_tolerance"] is None else text(
        "page.plateau", lang, tolerance=_percent(p["plateau_tolerance"], lang), year=p["by_year"])
    low, high = _percent_range(*p["ci95"], lang)
    answer = text("page.answer", lang, clause=clause, year=p["by_year"], plateau=plateau,
                  p=_percent(p["probability"], lang), draws=info["draws"], low=low, high=high,
                  words=likelihood(p["probability"], lang))
    central = text("page.central_peaks" if peak <= p["by_year"] else "page.central_rises", lang,
                   peak=peak)
    return text("page.answer_and_central", lang, answer=answer, central=central)


def _facts(info: dict, lang: str) -> list[str]:
    """The figures behind the answer: the central path, and the draws' spread and bounds."""
    det, co2 = info["deterministic"], info["deterministic"]["co2"]
    year = str(TARGET_PEAK_YEAR) if str(TARGET_PEAK_YEAR) in co2 else str(info["end_year"])
    facts = [text("page.fact_central", lang, base=_co2(co2.get(str(info["base_year"])), lang),
                  base_year=info["base_year"], at=_co2(co2.get(year), lang), year=year,
                  peak=_co2(det["peak_co2"], lang), peak_year=det["peak_year"]),
             *observed_sentences(info, lang)]
    if "peak" not in info:
        return facts
    years, levels = info["peak"]["year_quantiles"], info["peak"]["value_quantiles"]
    sustained = info["peak"].get("sustained")
    if sustained:
        low, high = _percent_range(*sustained["ci95"], lang)
        facts.append(text("page.fact_sustained", lang, year=sustained["by_year"],
                          later=sustained["year"], drop=_percent(sustained["drop"], lang),
                          p=_percent(sustained["probability"], lang), low=low, high=high))
    facts += [text("page.fact_years", lang, median=years["50"], low=years["5"], high=years["95"]),
              text("page.fact_levels", lang, median=_co2(levels["50"], lang),
                   low=_co2(levels["5"], lang, unit=False), high=_co2(levels["95"], lang))]
    clamping = info.get("clamping")
    if clamping:
        facts.append(text("page.fact_bounds", lang, clamped=clamping["draws_clamped"],
                          unbalanced=clamping["draws_unbalanced"],
                          curtailed=clamping["draws_curtailed"]))
    return facts + [text("page.fact_words", lang)]


# -- 2. the charts -----------------------------------------------------------------------------


def _figure(caption: str, png: bytes, lang: str) -> dict:
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError(f"chart {caption!r} is not a PNG image")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk: size in pixels
    words = text(f"page.caption.{caption.removesuffix('.png')}", lang) \
        if caption in CHART_FILES else caption
    return {"words": words, "data": base64.b64encode(png).decode("ascii"), "width": width,
            "height": height}


# -- 3. the plan's targets ---------------------------------------------------------------------


def _targets(info: dict, lang: str) -> dict:
    """The target table's rows and the note under it; no rows and why, without targets."""
    if not info.get("targets"):
        reason = text("page.no_targets_draws" if "targets" not in info else
                      "page.no_targets_file", lang)
        return {"rows": [], "note": text("page.no_targets", lang, reason=reason)}
    note = text("page.targets_note", lang, tolerance=_percent(TARGET_TOLERANCE, lang),
                about=_percent(ABOUT_TOLERANCE, lang), draws=info["draws"])
    if any(t["calibrated"] for t in info["targets"]):
        note = text("page.targets_note_calibrated", lang, note=note)
    return {"rows": [_target_row(target, span, lang) for target, span in _spans(info["targets"])],
            "note": note}


def _spans(targets: list) -> list[tuple[dict, int]]:
    """(row, how many rows its name and quote cells span; 0 inside a span): consecutive
    targets with the same name and quote (one indicator in several years) share those cells."""
    same = lambda a, b: all(a[k] == b[k] for k in ("name_zh", "name_en", "quote", "source"))  # noqa: E731
    spans = []
    for i, target in enumerate(targets):
        if i and same(targets[i - 1], target):
            spans.append((target, 0))
            continue
        length = 1
        while i + length < len(targets) and same(target, targets[i + length]):
            length += 1
        spans.append((target, length))
    return spans


def _chance(target: dict, lang: str) -> str:
    """P(met) with its interval; a baseline (the plan's statistic) has none."""
    if target["baseline"]:
        return text("page.baseline_chance", lang)
    low, high = target["ci95"]
    return (f"{_number(100 * target['probability_met'], '.1f')} "
            f"[{_number(100 * low, '.1f')}–{_number(100 * high, '.1f')}]")


def _target_row(target: dict, span: int, lang: str) -> dict:
    hedge = text("page.hedge", lang, words=text("page.hedge_separator", lang).join(
        target["hedge"])) if target.get("hedge") else ""
    names = [("zh-CN", target["name_zh"]), ("en", target["name_en"])]
    return {"span": span, "names": names if lang == "zh" else names[::-1],
            "year": target["year"], "unit": unit_text(target["unit"], lang),
            "plan": _plan_value(target["plan_value"])
            + text(f"page.measure.{target['measure']}", lang) + hedge,
            "model": _number(target["model_value"], ".4g") + calibrated_mark(target).rstrip(),
            "chance": _chance(target, lang),
            "quote": target["quote"], "plan_name": target["source"]["plan"],
            "seed": target["source"]["seed"]}


def _plan_value(value) -> str:
    if isinstance(value, list):  # a range the plan gives
        return "–".join(_number(v, "g") for v in value)
    return _number(value, "g")


# -- 4. uncertainty ranges and assumptions -----------------------------------------------------


def _uncertainty(info: dict, scenario: Scenario, ensemble: xr.Dataset | None, notes: dict,
                 lang: str) -> dict | None:
    """The uncertainty section's tables and correlations; None without uncertain entries."""
    entries, shocks = scenario["uncertainty.parameters"], scenario["uncertainty.shocks"]
    if not entries and not shocks:
        return None
    return {"intro": text("page.sampling", lang, draws=info["draws"], sampling=info["sampling"],
                          seed=info["seed"]) if "draws" in info else text("page.no_draws", lang),
            "parameters": [_parameter_row(scenario, ensemble, entry, notes, lang)
                           for entry in entries],
            "shocks": [_shock_row(shock, notes, lang) for shock in shocks],
            "correlations": [
                {"pair": text("page.correlation", lang, first=c.between[0],
                              second=c.between[1], rho=_number(c.rho, "g")),
                 "note": notes.get(f"uncertainty.correlations[{c.between[0]}, {c.between[1]}]")}
                for c in scenario["uncertainty.correlations"]],
            "uncorrelated_note": notes.get("uncertainty.correlations")}


def _parameter_row(scenario: Scenario, ensemble, entry, notes: dict, lang: str) -> dict:
    field = parameter_field(scenario.values, entry.parameter, scenario.source) \
        if not is_driver_path(scenario.values, entry.parameter) \
        else FIELDS_BY_PATH[entry.parameter]
    return _noted_row(entry.parameter, [_central_value(scenario, entry.parameter, field, lang),
                                        _distribution(entry, field, lang),
                                        _drawn(scenario, ensemble, entry, field, lang)],
                      notes.get(f"uncertainty.parameters[{entry.parameter}]"), lang)


def _shock_row(shock, notes: dict, lang: str) -> dict:
    field = FIELDS_BY_PATH[f"paths.{shock.driver}"]
    return _noted_row(shock.driver, [text(f"page.shock_apply.{shock.apply}", lang),
                                     _amount(shock.sd, "sd", shock.apply, field, lang),
                                     _number(shock.rho, "g")],
                      notes.get(f"uncertainty.shocks[{shock.driver}]"), lang)


def _noted_row(path: str, cells: list[str], note: Note | None, lang: str) -> dict:
    """A table row: the parameter (its words, if any, and its path), its cells, its note."""
    name = parameter_name(path, lang)
    return {"name": name if name != path else None, "parts": path.split("."), "cells": cells,
            "note": note}


def _central_value(scenario: Scenario, name: str, field: Field, lang: str) -> str:
    if is_driver_path(scenario.values, name):
        return text("page.whole_path", lang, keys=_path_keys(scenario[name], field, lang))
    return _value(scenario.parameter(name), field, lang)


def _path_keys(path, field: Field, lang: str) -> str:
    return text("page.path_key_separator", lang).join(
        text("page.path_key", lang, year=year, value=_value(v, field, lang))
        for year, v in zip(path.years, path.values, strict=True))


def _distribution(entry, field: Field, lang: str) -> str:
    values = text("page.value_separator", lang).join(
        text("page.distribution_value", lang, name=text(f"page.param.{p}", lang),
             amount=_amount(v, p, entry.apply, field, lang))
        for p, v in entry.values)
    return text("page.distribution", lang, name=text(f"distribution.{entry.distribution}", lang),
                apply=text(f"page.apply.{entry.apply}", lang), values=values)


def _drawn(scenario: Scenario, ensemble, entry, field: Field, lang: str) -> str:
    """The 5-95 % range of the draws, as drawn and as the value the model used."""
    if ensemble is None or "parameter_value" not in ensemble:
        return text("page.not_drawn", lang)
    draws = ensemble["parameter_value"].sel(parameter=entry.parameter).values
    low, high = np.quantile(draws, [0.05, 0.95])
    drawn = [_amount(v, "mean", entry.apply, field, lang, signed=True) for v in (low, high)]
    if is_driver_path(scenario.values, entry.parameter):
        return text("page.every_year", lang, low=drawn[0], high=drawn[1])
    nominal = scenario.parameter(entry.parameter)
    used = [{"add": nominal + v, "multiply": nominal * v}.get(entry.apply, v) for v in (low, high)]
    return text("page.drawn", lang, low=drawn[0], high=drawn[1],
                used_low=_value(used[0], field, lang, ".4g"),
                used_high=_value(used[1], field, lang, ".4g"))


def _amount(value: float, parameter: str, apply: str, field: Field, lang: str,
            signed: bool = False) -> str:
    """A distribution parameter or a draw in words: a factor (×0.7, sd 3 %), a shift in
    percentage points or the field's unit, or a value (``set``)."""
    if apply == "multiply":
        if parameter == "sd":
            return text("page.percent", lang, value=_number(100 * value, ".3g"))
        return _number(value, "g") if parameter == "sigma" else f"×{_number(value, '.4g')}"
    if apply == "set" or parameter == "sigma":
        return _value(value, field, lang)
    sign = "+" if signed else ""
    if field.share:
        return text("page.points", lang, value=_number(100 * value, sign + ".3g"))
    return f"{_number(value, sign + '.4g')} {unit_text(field.unit, lang)}".rstrip()


def _assumptions(scenario: Scenario, notes: dict, lang: str) -> list[dict]:
    """A row for every number whose note calls it an assumption, with the value used."""
    rows = []
    for path, note in notes.items():
        value = _field_value(scenario, path, lang) if note.kind == "assumption" else None
        if value is not None:
            rows.append(_noted_row(path, [value], note, lang))
    return rows


def _field_value(scenario: Scenario, path: str, lang: str) -> str | None:
    """The value a note's field has in the run, in words with its unit; None for what is
    not a number (sections, uncertainty entries, text fields)."""
    field = FIELDS_BY_PATH.get(path)
    if field is not None and field.kind == "path" and scenario.values.get(path) is not None:
        return _path_keys(scenario[path], field, lang)
    try:
        field = parameter_field(scenario.values, path, scenario.source)
    except ScenarioError:
        return None
    return _value(scenario.parameter(path), field, lang)


# -- 5. reproduce ------------------------------------------------------------------------------


def _reproduce(info: dict, scenario: Scenario, command: str) -> dict:
    run = None if "draws" not in info else {
        "seed": info["seed"], "draws": f"{info['draws']:,}", "sampling": info["sampling"],
        "python": (f"import simulator\nscenario = simulator.load_scenario("
                   f"{info['scenario_file']!r})\nensemble = simulator.simulate(scenario, "
                   f"draws={info['draws']}, seed={info['seed']})")}
    return {"command": command, "run": run, "scenario_file": info["scenario_file"],
            "digest": info["scenario_sha256"], "locks": info.get("calibration_locks") or [],
            "files": [_file_digest(Path(file)) for file in [*scenario.files, *scenario.locks]],
            "version": info["version"]}


def _file_digest(path: Path) -> tuple[Path, str]:
    return path, (hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else DASH)


# -- numbers -----------------------------------------------------------------------------------


def _number(value, spec: str) -> str:
    """``value`` formatted by ``spec``; a dash for a missing or non-finite number."""
    if value is None or isinstance(value, bool) or not math.isfinite(float(value)):
        return DASH
    return format(float(value), spec)


def _value(value: float, field: Field, lang: str, spec: str = ",.6g") -> str:
    """A field's value with its unit; shares and rates in percent."""
    if field.share:
        return f"{_number(100 * value, '.4g')} {unit_text(field.unit, lang)}"
    return f"{_number(value, spec)} {unit_text(field.unit, lang)}".rstrip()


def _percent(share: float, lang: str) -> str:
    """A probability in percent, one decimal; never rounds a real chance to 0 or 100."""
    if 0 < share < 0.0005:
        return text("page.percent", lang, value="<0.1")
    if 0.9995 <= share < 1:
        return text("page.percent", lang, value=">99.9")
    return text("page.percent", lang, value=_number(100 * share, ".1f"))


def _percent_range(low: float, high: float, lang: str) -> tuple[str, str]:
    """An interval's ends: "29.2", "29.8 %" (one percent sign, after the upper end)."""
    return _number(100 * low, ".1f"), _percent(high, lang)


def _co2(value, lang: str, unit: bool = True) -> str:
    """CO2 (data in 万t) as the language shows it: Mt in English, 万吨 in Chinese."""
    name, factor = co2_unit(lang)
    number = DASH if value is None else _number(value * factor, CO2_DIGITS[lang])
    return f"{number} {name}" if unit else number
