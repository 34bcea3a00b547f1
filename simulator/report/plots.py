"""Charts of a run, a sweep, a sensitivity analysis and a comparison of regions (PNG).

Every chart is a ``matplotlib.figure.Figure`` built through the object API on an Agg canvas,
with no pyplot state, so charts can be made headless and in threads. Text comes from the
catalogues (``simulator.text``, through ``simulator.report.labels``) in English
(``lang="en"``) or Chinese (``lang="zh"``). CO2 is shown in Mt in English and in 万吨 in
Chinese; shares and probabilities in percent. Only finite values are drawn.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image

from simulator.montecarlo.ensemble import TARGET_TOLERANCE
from simulator.report.labels import (
    SHARE_UNITS, co2_unit, draws_basis, font_families, label, output_name, parameter_name,
    percent, region_name, target_name, unit_name, with_unit,
)
from simulator.defaults import TARGET_PEAK_YEAR
from simulator.montecarlo.peak import peak_summary
from simulator.report.summary import calibrated_mark, plan_value_text
from simulator.model.targets import ABOUT_TOLERANCE, UNIT_TO_MODEL

DPI = 120  # the fan chart: 960 x 672 pixels
NOTE_SIZE = 8
BLUE, LIGHT_BLUE, PALE_BLUE = "#1f4e79", "#6fa8dc", "#cfe2f3"
GREY, RED, GREEN, ORANGE = "#555555", "#c0392b", "#2e8b57", "#e67e22"
SERIES = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
          "#17becf", "#7f7f7f", "#bcbd22")


# --- output ---------------------------------------------------------------------------------

def png_bytes(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG file content, ``dpi`` pixels per inch."""
    # One draw on the Agg canvas, then PIL's encoder: ``savefig`` would draw twice (once more
    # for the layout engine), a third of a chart's time.
    canvas = FigureCanvasAgg(figure)
    shown_dpi = figure.dpi
    try:
        figure.dpi = dpi
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                 "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        # level 3: half the time of the default 6, files within a few per cent
        image.save(buffer, format="png", dpi=(dpi, dpi), compress_level=3)
    finally:
        figure.dpi = shown_dpi
    return buffer.getvalue()


def png_writer(figure: Figure, dpi: int = DPI) -> Callable[[Path], None]:
    """A writer for ``simulator.report.files.write_results``: renders now, writes the PNG when called."""
    content = png_bytes(figure, dpi)
    return lambda path: Path(path).write_bytes(content)


# --- the run: fan chart, peak year, targets -------------------------------------------------

def fan_chart(projection: xr.Dataset, bands: xr.Dataset | None, info: dict,
              lang: str = "en") -> Figure:
    """CO2 over the years: the deterministic path, the spread of the draws and plan targets.

    Parameters
    ----------
    projection : xarray.Dataset
        ``simulator.model.projection.project``'s deterministic projection (``co2`` 万t, ``gdp`` 亿元).
    bands : xarray.Dataset or None
        ``simulator.montecarlo.bands.co2_bands``: median, 25-75 % and 5-95 % bands are drawn from it;
        None (no uncertainty section) draws the deterministic path only.
    info : dict
        ``simulator.report.summary``: the peak-test year and P(peak) for the note, the plan
        targets on CO2 and on CO2 intensity (shown as the CO2 they imply at projected GDP).
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, ax = _single_axes(8.0, 5.6, lang)
    unit, scale = co2_unit(lang)
    years = projection["year"].values
    if bands is not None:
        _draw_bands(ax, bands, scale, lang)
    ax.plot(years, projection["co2"].values * scale, color="black",
            linestyle="-" if bands is None else "--", linewidth=1.3,
            label=label("deterministic", lang))
    test_year = _peak_test_year(info)
    ax.axvline(test_year, color=RED, linewidth=1.0, label=label("peak_test_year", lang,
                                                                year=test_year))
    _draw_co2_targets(ax, projection, info.get("targets", []), scale, lang)
    _draw_observed(ax, projection, info, scale, lang)
    ax.set(xlabel=label("year", lang), ylabel=label("co2_axis", lang, unit=unit),
           xlim=(years[0] - 0.8, years[-1] + 0.8))
    ax.grid(alpha=0.3)
    figure.suptitle(label("fan_title", lang, region=region_name(projection.attrs["region"],
                                                                  lang),
                          scenario=projection.attrs["scenario"]))
    figure.legend(loc="outside lower center", ncols=2, fontsize=NOTE_SIZE + 1, frameon=False)
    _note(ax, _fan_note(bands, info, lang), lang)
    return _finish(figure, lang)


def _draw_bands(ax, bands: xr.Dataset, scale: float, lang: str) -> None:
    co2 = bands["co2"] * scale
    years = co2["year"].values
    quantile = lambda q: co2.sel(quantile=q).values  # noqa: E731
    ax.fill_between(years, quantile(0.05), quantile(0.95), color=PALE_BLUE, linewidth=0,
                    label=label("band90", lang))
    ax.fill_between(years, quantile(0.25), quantile(0.75), color=LIGHT_BLUE, linewidth=0,
                    alpha=0.8, label=label("band50", lang))
    ax.plot(years, quantile(0.5), color=BLUE, linewidth=2.0, label=label("median", lang))


def _draw_observed(ax, projection: xr.Dataset, info: dict, scale: float, lang: str) -> None:
    """The base year's CO2 as the statistics give it, and the years whose drivers are partly
    observed (held fixed in the draws) shaded up to the year CO2 is projected from."""
    base = int(projection["year"].values[0])
    ax.plot([base], [float(projection["co2"].sel(year=base)) * scale], linestyle="none",
            marker="s", color="black", markersize=6, label=label("base_year_point", lang,
                                                                  year=base))
    observed = info.get("observed", {})
    if observed.get("last_year") is not None:
        ax.axvspan(base, observed["last_year"], color=GREY, alpha=0.12, linewidth=0,
                   label=label("observed_span", lang, first=base + 1,
                               last=observed["last_year"]))


def _draw_co2_targets(ax, projection: xr.Dataset, targets: list, scale: float,
                      lang: str) -> None:
    for variable, marker in (("co2", "D"), ("co2_intensity", "o")):
        points = [p for p in (_target_co2(projection, t) for t in targets
                              if t["variable"] == variable) if p is not None]
        if not points:
            continue
        years, low, high = (np.array(column, dtype=float) for column in zip(*points,
                                                                            strict=True))
        low, high = low * scale, high * scale
        ax.vlines(years, low, high, color="black", linewidth=2.0, zorder=5)
        ax.plot(years, (low + high) / 2, linestyle="none", marker=marker, markersize=7,
                markerfacecolor="white", markeredgecolor="black", zorder=6,
                label=label(f"target_{variable}", lang))


def _target_co2(projection: xr.Dataset, target: dict) -> tuple[int, float, float] | None:
    """(year, low, high) CO2 in 万t a level target on CO2 or CO2 intensity stands for (a
    range has low < high); None when it cannot be placed on the chart."""
    year = target["year"]
    if target["measure"] != "level" or target["unit"] not in UNIT_TO_MODEL or \
            year not in projection["year"].values:
        return None
    plan = target["plan_value"]
    low, high = (plan if isinstance(plan, list) else [plan, plan])
    factor = UNIT_TO_MODEL[target["unit"]]  # plan unit -> t/万元 or 万t
    if target["variable"] == "co2_intensity":
        # t/万元 x 亿元 = t/万元 x 1e4 万元 = 1e4 t = 万t
        factor *= float(projection["gdp"].sel(year=year))
    return year, low * factor, high * factor


def _fan_note(bands: xr.Dataset | None, info: dict, lang: str) -> str:
    lines = []
    if bands is not None:
        lines.append(label("bands_note", lang, based_on=_based_on(bands, lang)))
    if "peak" in info:
        lines.append(_peak_sentence(info, lang))
    return "\n".join(lines) or label("deterministic_only", lang)


def _based_on(bands: xr.Dataset, lang: str) -> str:
    return draws_basis(int(bands.attrs["draws_used"]), int(bands.attrs["draws"]), lang)


def _peak_sentence(info: dict, lang: str) -> str:
    peak = info["peak"]
    low, high = peak["ci95"]
    return label("peak_note", lang, year=peak["by_year"], p=percent(peak["probability"], lang),
                 low=percent(low, lang), high=percent(high, lang), draws=info["draws"],
                 seed=info["seed"])


def _peak_test_year(info: dict) -> int:
    return int(info["peak"]["by_year"]) if "peak" in info else TARGET_PEAK_YEAR


def peak_year_histogram(ensemble: xr.Dataset, info: dict, lang: str = "en") -> Figure:
    """Share of draws (%) by the year CO2 peaks, years up to the peak-test year apart.

    Parameters
    ----------
    ensemble : xarray.Dataset
        ``simulator.simulate``'s ensemble (``peak_year`` over ``draw``).
    info : dict
        ``simulator.report.summary``: region, scenario, horizon, P(peak by year) and its
        interval (computed from ``ensemble`` when ``info`` has no ``peak``).
    lang : {"en", "zh"}
    """
    figure, ax = _single_axes(8.0, 4.8, lang)
    years = ensemble["peak_year"].values.astype(np.int64)
    first = int(years.min())
    share = 100.0 * np.bincount(years - first) / years.size
    bins = first + np.arange(share.size)
    peak = info.get("peak") or peak_summary(ensemble)
    test_year = int(peak["by_year"])
    for early, color, key in ((True, GREEN, "peak_by"), (False, ORANGE, "peak_after")):
        chosen = (bins <= test_year) == early
        if chosen.any():
            ax.bar(bins[chosen], share[chosen], width=0.8, color=color,
                   label=label(key, lang, year=test_year))
    _label_edge_bins(ax, bins, share, info, lang)
    ax.set(xlabel=label("hist_x", lang), ylabel=label("hist_y", lang),
           xlim=(info["base_year"] - 0.7, info["end_year"] + 0.7))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper center", fontsize=NOTE_SIZE + 1)
    figure.suptitle(label("hist_title", lang, region=region_name(info["region"], lang),
                          draws=years.size, scenario=info["scenario"]))
    if info.get("path_steps"):
        figure.supxlabel(_steps_note(info["path_steps"], lang), x=0.01, ha="left",
                         fontsize=NOTE_SIZE, color=GREY)
    ax.set_title(_peak_line(peak, lang), fontsize=NOTE_SIZE + 2)
    return _finish(figure, lang)


def _label_edge_bins(ax, bins: np.ndarray, share: np.ndarray, info: dict, lang: str) -> None:
    """Say what the bars at the horizon's edges mean: a peak in the base year is CO2 falling
    in every drawn year after it; a peak in the last year is CO2 still rising there."""
    edges = ((info["base_year"], "hist_edge_first", "left"),
             (info["end_year"], "hist_edge_last", "right"))
    for year, key, align in edges:
        found = np.flatnonzero(bins == year)
        if found.size and share[found[0]] > 0:
            ax.annotate(label(key, lang, year=year), (year, share[found[0]]),
                        xytext=(0, 4), textcoords="offset points", ha=align, va="bottom",
                        fontsize=NOTE_SIZE, color=GREY)


def _steps_note(steps: dict, lang: str) -> str:
    """Why peaks bunch in some years: the step changes of the assumed rate paths."""
    listed = label("steps_separator", lang).join(
        label("steps_driver", lang, driver=parameter_name(f"paths.{driver}", lang),
              years=", ".join(str(y) for y in years)) for driver, years in steps.items())
    width = 150 if lang == "en" else 75  # characters: a Chinese one is about two Latin wide
    return textwrap.fill(label("hist_steps", lang, steps=listed), width)


def _peak_line(peak: dict, lang: str) -> str:
    low, high = peak["ci95"]
    text = label("peak_line", lang, year=peak["by_year"], p=percent(peak["probability"], lang),
                 low=percent(low, lang), high=percent(high, lang))
    if peak.get("plateau_tolerance") is not None:
        text += "\n" + label("plateau", lang, tolerance=percent(peak["plateau_tolerance"], lang),
                             year=peak["by_year"])
    return text


def target_scorecard(info: dict, lang: str = "en") -> Figure | None:
    """One row per plan target: plan value, model value (central path), P(met) with its 95 %
    interval as a bar from 0 to 100 %.

    Parameters
    ----------
    info : dict
        ``simulator.report.summary`` of a run with draws.
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.figure.Figure or None
        None when ``info`` has no plan targets (no uncertainty section, or no target file).
    """
    targets = info.get("targets") or []
    if not targets:
        return None
    font_families(lang)  # fails early without a font for the language
    figure = _new_figure(11.0, 2.0 + 0.45 * len(targets))
    table, bars = figure.subplots(1, 2, sharey=True, width_ratios=[2.3, 1.0])
    rows = np.arange(len(targets))
    _scorecard_table(table, targets, lang)
    _scorecard_bars(bars, rows, targets, lang)
    bars.set(xlim=(0, 100), ylim=(len(targets) - 0.5, -1.3), xlabel=label("card_x", lang))
    bars.tick_params(left=False)
    figure.suptitle(label("card_title", lang, region=region_name(info["region"], lang),
                          scenario=info["scenario"]))
    note = label("card_note", lang, draws=info["draws"], tolerance=percent(TARGET_TOLERANCE, lang),
                 about=percent(ABOUT_TOLERANCE, lang))
    if any(t["calibrated"] for t in targets):
        note += "\n" + label("card_calibrated", lang)
    figure.supxlabel(note,
                     x=0.01, ha="left", fontsize=NOTE_SIZE, color=GREY)
    return _finish(figure, lang)


# column: (x position in the table's axes, alignment)
CARD_COLUMNS = {"col_target": (0.0, "left"), "col_plan": (0.68, "right"),
                "col_model": (0.87, "right"), "col_p": (1.0, "right")}


def _scorecard_table(ax, targets: list, lang: str) -> None:
    ax.axis("off")
    width = 46 if lang == "en" else 26  # characters: a Chinese one is about two Latin wide
    for key, (x, align) in CARD_COLUMNS.items():  # not bold: most Chinese fonts have no bold
        ax.text(x, -0.9, label(key, lang), ha=align, va="center", fontsize=NOTE_SIZE + 3,
                transform=ax.get_yaxis_transform())
    ax.axhline(-0.45, color=GREY, linewidth=0.8)
    for row, target in enumerate(targets):
        unit = unit_name(target["unit"], lang)
        name = label("target_year", lang, name=target_name(target, lang), year=target["year"])
        cells = {"col_target": textwrap.fill(name, width),
                 "col_plan": with_unit(plan_value_text(target["plan_value"]), unit, lang),
                 "col_model": with_unit(f"{target['model_value']:.4g}", unit, lang)
                 + calibrated_mark(target).rstrip(),
                 "col_p": "–" if target["baseline"] else percent(target["probability_met"], lang)}
        for key, (x, align) in CARD_COLUMNS.items():
            ax.text(x, row, cells[key], ha=align, va="center", fontsize=NOTE_SIZE + 1,
                    transform=ax.get_yaxis_transform())


def _scorecard_bars(ax, rows: np.ndarray, targets: list, lang: str) -> None:
    """P(met) bars with their intervals; a baseline row (the plan's statistic) says so instead."""
    forward = [i for i, t in enumerate(targets) if not t["baseline"]]
    for i in sorted(set(range(len(targets))) - set(forward)):
        ax.text(2.0, rows[i], label("card_baseline", lang), va="center", color=GREY,
                fontsize=NOTE_SIZE + 1)
    p = np.array([targets[i]["probability_met"] for i in forward]) * 100.0
    ci = np.array([targets[i]["ci95"] for i in forward]).reshape(-1, 2) * 100.0
    errors = np.clip(np.array([p - ci[:, 0], ci[:, 1] - p]), 0.0, None)
    ax.barh(rows[forward], p, height=0.6, color=LIGHT_BLUE, xerr=errors, capsize=3,
            error_kw={"ecolor": "black", "elinewidth": 1.0})
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.grid(axis="x", alpha=0.3)


# --- the modeller's results: sensitivity and sweeps -----------------------------------------

def sensitivity_chart(result: xr.Dataset, lang: str = "en") -> Figure:
    """Which uncertain parameters move each output, ranked, one panel per output.

    Parameters
    ----------
    result : xarray.Dataset
        ``simulator.analysis.sensitivity.sensitivity``'s result. Sobol: total-order (ST) and
        first-order (S1) indices in percent of the output's variance with their 95 %
        intervals, ranked by ST. Morris: mu* (in the output's unit; CO2 in Mt in English,
        万吨 in Chinese) with its 95 % interval, coloured by the sign of mu, ranked.
    lang : {"en", "zh"}
    """
    font_families(lang)
    outputs = list(result["output"].values)
    columns = min(2, len(outputs))
    panel_height = 0.9 + 0.42 * result.sizes["parameter"]
    figure = _new_figure(13.0, 0.9 + panel_height * math.ceil(len(outputs) / columns))
    axes = np.atleast_1d(figure.subplots(math.ceil(len(outputs) / columns), columns)).ravel()
    sobol = result.attrs["method"] == "sobol"
    for ax, output in zip(axes, outputs, strict=False):
        (_sobol_panel if sobol else _morris_panel)(ax, result.sel(output=output), lang)
    for ax in axes[len(outputs):]:
        ax.axis("off")
    key = "sobol_title" if sobol else "morris_title"
    figure.suptitle(label(key, lang, region=region_name(result.attrs["region"], lang),
                          runs=int(result.attrs["evaluations"]),
                          scenario=result.attrs["scenario"]))
    handles = axes[0].get_legend_handles_labels()[0] if sobol else \
        [Patch(color=ORANGE, label=label("raises", lang)),
         Patch(color=GREEN, label=label("lowers", lang))]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                  fontsize=NOTE_SIZE + 1, frameon=False, title=_sensitivity_note(result, lang),
                  title_fontsize=NOTE_SIZE)
    return _finish(figure, lang)


def _sobol_panel(ax, one: xr.Dataset, lang: str) -> None:
    order = _ranked(one["total_order"].values)
    rows = np.arange(order.size)
    for name, offset, color in (("total_order", -0.2, BLUE), ("first_order", 0.2, LIGHT_BLUE)):
        value, low, high = (100.0 * one[f"{name}{end}"].values[order]
                            for end in ("", "_lower", "_upper"))
        _ranked_bars(ax, rows + offset, value, low, high, color, label(name, lang), 0.38)
    _parameter_axis(ax, one["parameter"].values[order], lang)
    ax.set_xlabel(label("sobol_x", lang))
    ax.set_title(output_name(str(one["output"].values), lang, str(one["output_long_name"].values)))


def _morris_panel(ax, one: xr.Dataset, lang: str) -> None:
    order = _ranked(one["mu_star"].values)
    unit, scale = _output_unit(str(one["output_unit"].values), lang)
    value, low, high = (scale * one[name].values[order]
                        for name in ("mu_star", "mu_star_lower", "mu_star_upper"))
    colors = np.where(one["mu"].values[order] < 0, GREEN, ORANGE)
    _ranked_bars(ax, np.arange(order.size), value, low, high, colors, None, 0.6)
    _parameter_axis(ax, one["parameter"].values[order], lang)
    ax.set_xlabel(label("morris_x", lang, unit=unit))
    ax.set_title(output_name(str(one["output"].values), lang, str(one["output_long_name"].values)))


def _ranked(values: np.ndarray) -> np.ndarray:
    """Indices from the largest value down; non-finite values last."""
    return np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")


def _ranked_bars(ax, rows, value, low, high, color, legend: str | None, height: float) -> None:
    shown = np.isfinite(value)
    errors = np.clip(np.array([value - low, high - value]), 0.0, None)
    errors = np.where(np.isfinite(errors), errors, 0.0)[:, shown]
    colors = color[shown] if isinstance(color, np.ndarray) else color
    ax.barh(rows[shown], value[shown], height=height, color=colors, xerr=errors, capsize=2,
            error_kw={"elinewidth": 0.8}, label=legend)
    ax.axvline(0.0, color="black", linewidth=0.6)
    ax.grid(axis="x", alpha=0.3)


def _parameter_axis(ax, parameters, lang: str) -> None:
    ax.set_yticks(np.arange(len(parameters)),
                  [parameter_name(str(p), lang) for p in parameters], fontsize=NOTE_SIZE + 1)
    ax.set_ylim(len(parameters) - 0.5, -0.5)


def _output_unit(unit: str, lang: str) -> tuple[str, float]:
    """An output's unit as shown and the factor into it (CO2 from 万t)."""
    return co2_unit(lang) if unit == "万t" else (unit_name(unit, lang), 1.0)


def _sensitivity_note(result: xr.Dataset, lang: str) -> str:
    note = label("interval_note", lang)
    if not str(result.attrs.get("correlations", "")).startswith("none declared"):
        note += label("independence_note", lang)
    return note


def sweep_chart(result: xr.Dataset, lang: str = "en") -> Figure | None:
    """P(CO2 peaks by 2030) over a sweep of one or two parameters.

    Parameters
    ----------
    result : xarray.Dataset
        ``simulator.analysis.sweeps.sweep``'s result.
    lang : {"en", "zh"}

    Returns
    -------
    matplotlib.figure.Figure or None
        One parameter: P (%) against its value with the Wilson 95 % band and the plan value.
        Two: a heat map of P (%), the value written in each cell, plan values marked. More
        than two parameters: None (no chart shows them at a glance; use the sweep's table).
    """
    dims = list(result["peak_probability"].dims)
    if len(dims) > 2:
        return None
    font_families(lang)
    result = result.sortby(dims)
    draw = _sweep_line if len(dims) == 1 else _sweep_heat_map
    figure, ax = draw(result, dims, lang)
    year = int(result.attrs["peak_by_year"])
    figure.suptitle(label("sweep_title", lang, region=region_name(result.attrs["region"], lang),
                          year=year, scenario=result.attrs["scenario"]))
    _note(ax, label("sweep_note", lang, draws=int(result.attrs["draws"]),
                    seed=int(result.attrs["seed"])), lang)
    return _finish(figure, lang)


def _sweep_line(result: xr.Dataset, dims: list, lang: str):
    figure, ax = _single_axes(8.0, 5.0, lang)
    year = int(result.attrs["peak_by_year"])
    values, unit, scale = _swept(result, dims[0], lang)
    p = {end: 100.0 * result[f"peak_probability{end}"].values for end in ("", "_lower", "_upper")}
    ax.fill_between(values, p["_lower"], p["_upper"], color=PALE_BLUE, label=label("wilson", lang))
    ax.plot(values, p[""], color=BLUE, marker="o", label=label("peak_probability", lang,
                                                                year=year))
    _plan_line(ax, result[dims[0]], scale, unit, lang)
    ax.set(xlabel=_axis_name(dims[0], unit, lang), ylabel=label("sweep_y", lang, year=year),
           ylim=(0, 100))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=NOTE_SIZE + 1)
    return figure, ax


def _sweep_heat_map(result: xr.Dataset, dims: list, lang: str):
    figure, ax = _single_axes(8.0, 6.0, lang)
    (x, x_unit, x_scale), (y, y_unit, y_scale) = (_swept(result, d, lang) for d in dims)
    p = 100.0 * result["peak_probability"].transpose(dims[1], dims[0]).values
    mesh = ax.pcolormesh(_edges(x), _edges(y), np.ma.masked_invalid(p), cmap="viridis",
                         vmin=0, vmax=100)
    for (i, j), value in np.ndenumerate(p):
        if np.isfinite(value):
            ax.text(x[j], y[i], f"{value:.1f}", ha="center", va="center", fontsize=NOTE_SIZE + 1,
                    color="black" if value > 60 else "white")
    ax.set_xticks(x, [_short(v) for v in x])
    ax.set_yticks(y, [_short(v) for v in y])
    _plan_mark(ax, result[dims[0]], x_scale, x_unit, "x", lang)
    _plan_mark(ax, result[dims[1]], y_scale, y_unit, "y", lang)
    ax.set(xlabel=_axis_name(dims[0], x_unit, lang), ylabel=_axis_name(dims[1], y_unit, lang))
    year = int(result.attrs["peak_by_year"])
    figure.colorbar(mesh, ax=ax, label=label("sweep_y", lang, year=year))
    figure.legend(loc="outside lower center", fontsize=NOTE_SIZE + 1, frameon=False)
    return figure, ax


def _swept(result: xr.Dataset, dim: str, lang: str) -> tuple[np.ndarray, str, float]:
    """A swept parameter's values as shown, its unit and the factor into it."""
    unit = result[dim].attrs.get("units", "1")
    scale = 100.0 if unit in SHARE_UNITS else 1.0
    return result[dim].values * scale, unit_name(unit, lang), scale


def _axis_name(path: str, unit: str, lang: str) -> str:
    name = parameter_name(path, lang)
    return label("axis_name", lang, name=name, unit=unit)


def _plan_line(ax, coordinate: xr.DataArray, scale: float, unit: str, lang: str) -> None:
    """Mark the plan value with a vertical line (its legend entry gives the value)."""
    plan = _plan_value(coordinate)
    if plan is not None:
        ax.axvline(plan * scale, color=RED, linestyle="--", linewidth=1.5,
                   label=_plan_label(coordinate, plan * scale, unit, lang))


def _plan_mark(ax, coordinate: xr.DataArray, scale: float, unit: str, axis: str,
               lang: str) -> None:
    """Mark the plan value by a triangle on the heat map's edge, clear of the cell texts."""
    plan = _plan_value(coordinate)
    if plan is None:
        return
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    inside = low <= plan * scale <= high
    transform = ax.get_xaxis_transform() if axis == "x" else ax.get_yaxis_transform()
    at = (plan * scale, 0.0) if axis == "x" else (0.0, plan * scale)
    text = _plan_label(coordinate, plan * scale, unit, lang)
    ax.plot(*(at if inside else ([], [])), transform=transform,
            marker="^" if axis == "x" else ">", markersize=11, color=RED,
            markeredgecolor="white", linestyle="none", clip_on=False, zorder=5,
            label=text if inside else text + label("outside_grid", lang))


def _plan_value(coordinate: xr.DataArray) -> float | None:
    plan = coordinate.attrs.get("plan_value")
    return None if plan is None or not np.isfinite(plan) else float(plan)


def _plan_label(coordinate: xr.DataArray, value: float, unit: str, lang: str) -> str:
    return label("plan_value", lang, name=parameter_name(str(coordinate.name), lang),
                 value=f"{_short(value)} {unit}")


def _short(value: float) -> str:
    """A parameter value for a tick or a legend: three digits, thousands in full."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted cell centres (half way between neighbours)."""
    if centres.size == 1:
        half = 0.5 * abs(centres[0]) or 0.5
        return np.array([centres[0] - half, centres[0] + half])
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


# --- several regions -------------------------------------------------------------------------

def region_comparison(result: xr.Dataset, lang: str = "en") -> Figure:
    """P(CO2 peaks by 2030) per scenario, and CO2 indexed to each base year (= 100).

    Parameters
    ----------
    result : xarray.Dataset
        Over ``scenario`` (coordinate ``region``): ``peak_probability`` with
        ``peak_probability_lower``/``_upper``, ``co2`` (scenario, year) deterministic CO2 in
        万t and ``co2_bands`` (scenario, quantile, year), NaN outside a scenario's horizon;
        attrs ``draws``, ``seed``, ``peak_by_year``.
    lang : {"en", "zh"}
    """
    font_families(lang)
    figure = _new_figure(12.0, 1.8 + max(3.5, 0.5 * result.sizes["scenario"]))
    chances, index = figure.subplots(1, 2, width_ratios=[1.0, 1.5])
    names = _scenario_names(result, lang)
    year = int(result.attrs["peak_by_year"])
    _comparison_chances(chances, result, names, year, lang)
    _comparison_paths(index, result, names, year, lang)
    figure.suptitle(label("compare_title", lang, year=year, count=result.sizes["scenario"],
                          draws=int(result.attrs["draws"]), seed=int(result.attrs["seed"])))
    return _finish(figure, lang)


def _scenario_names(result: xr.Dataset, lang: str) -> list[str]:
    """Region names, with the scenario when a region appears more than once."""
    regions = [str(r) for r in result["region"].values]
    scenarios = [str(s) for s in result["scenario"].values]
    return [region_name(r, lang) if regions.count(r) == 1 else
            label("region_scenario", lang, region=region_name(r, lang), scenario=s)
            for r, s in zip(regions, scenarios, strict=True)]


def _comparison_chances(ax, result: xr.Dataset, names: list, year: int, lang: str) -> None:
    p, low, high = (100.0 * result[f"peak_probability{end}"].values
                    for end in ("", "_lower", "_upper"))
    rows = np.arange(len(names))
    shown = np.isfinite(p) & np.isfinite(low) & np.isfinite(high)
    colors = [SERIES[i % len(SERIES)] for i in rows[shown]]
    ax.barh(rows[shown], p[shown], height=0.6, color=colors, capsize=3,
            xerr=np.clip([p[shown] - low[shown], high[shown] - p[shown]], 0.0, None))
    for row in rows[shown]:
        ax.text(high[row] + 2, row, percent(p[row] / 100.0, lang), va="center",
                fontsize=NOTE_SIZE + 1)
    ax.set_yticks(rows, names)
    ax.set(xlim=(0, 118), ylim=(len(names) - 0.5, -0.5),
           xlabel=label("compare_p", lang, year=year))
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.grid(axis="x", alpha=0.3)


def _comparison_paths(ax, result: xr.Dataset, names: list, year: int, lang: str) -> None:
    years = result["year"].values
    for i, name in enumerate(names):
        co2 = result["co2"].isel(scenario=i).values
        finite = np.isfinite(co2)
        if not finite.any():
            continue
        base = co2[finite][0]
        color = SERIES[i % len(SERIES)]
        bands = result["co2_bands"].isel(scenario=i)
        low, high = (100.0 * bands.sel(quantile=q).values / base for q in (0.05, 0.95))
        band = np.isfinite(low) & np.isfinite(high)
        ax.fill_between(years[band], low[band], high[band], color=color, alpha=0.15, linewidth=0)
        ax.plot(years[finite], 100.0 * co2[finite] / base, color=color, linewidth=1.8, label=name)
    ax.axvline(year, color=RED, linewidth=1.0, label=label("peak_test_year", lang, year=year))
    ax.set(xlabel=label("year", lang), ylabel=label("compare_index", lang))
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(color=GREY, alpha=0.15, label=label("compare_band", lang)))
    ax.figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                     fontsize=NOTE_SIZE + 1, frameon=False)


# --- shared layout ----------------------------------------------------------------------------

def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _single_axes(width: float, height: float, lang: str):
    font_families(lang)  # fails early without a font for the language
    figure = _new_figure(width, height)
    return figure, figure.add_subplot()


def _note(ax, text: str, lang: str) -> None:
    """Small print between the title and the axes (figure legends take the foot)."""
    ax.set_title(text, loc="left", fontsize=NOTE_SIZE, color=GREY,
                 fontfamily=font_families(lang))


def _finish(figure: Figure, lang: str) -> Figure:
    """Every text in the language's fonts, ticks made later included."""
    families = font_families(lang)
    for text in _texts(figure):
        text.set_fontfamily(families)
    for ax in figure.axes:
        ax.tick_params(which="both", labelfontfamily=families)
    return figure


def _texts(figure: Figure):
    """The figure's texts other than tick labels (walking ``findobj`` would make every tick,
    at a quarter of a chart's time)."""
    yield from figure.texts
    for legend in [*figure.legends, *(ax.get_legend() for ax in figure.axes)]:
        if legend is not None:
            yield from [*legend.get_texts(), legend.get_title()]
    for ax in figure.axes:
        yield from [*ax.texts, ax.title]
        for axis in (ax.xaxis, ax.yaxis):
            yield from (axis.label, axis.get_offset_text())
