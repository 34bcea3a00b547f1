"""``simulate sweep``: the peak test over a grid of parameter values (``simulator.analysis.sweeps``)."""

from __future__ import annotations

import argparse
import itertools
import math
import sys

import numpy as np
import xarray as xr

from simulator.defaults import ANALYSIS_DRAWS
from simulator.cli.options import (
    Parser, add_ensemble_options, add_language_option, chart_writers, language_of, output_folder,
    run_command,
)
from simulator.errors import InputError
from simulator.report.files import TEN_DIGITS, csv_writer, netcdf_writer, write_results
from simulator.report.labels import (
    SHARE_UNITS, co2_unit, parameter_name, region_name, unit_text, with_unit,
)
from simulator.report.summary import co2_cell, text_table
from simulator.text import Message, text
from simulator.model.scenario import load_scenario
from simulator.analysis.sweeps import TARGET_DIM, sweep, sweep_table

PROG = "simulate sweep"
MAX_GRID_POINTS = 10_000  # every point is a whole peak test: about 0.2 s at 20,000 draws
SET_FORMS = Message("help.sweep.forms", most=MAX_GRID_POINTS)


def build_parser(lang: str = "en") -> Parser:
    parser = Parser(PROG, "sweep", lang)
    add_ensemble_options(parser, draws=ANALYSIS_DRAWS)
    parser.add_argument("--set", dest="settings", action="append", required=True,
                        metavar="PATH=VALUES", help=text("help.sweep.set", lang, forms=SET_FORMS))
    add_language_option(parser, shows="table_chart")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser(language_of(argv)).parse_args(argv)
    return run_command(PROG, lambda: _run(args), args.lang)


def _run(args: argparse.Namespace) -> str:
    grid = parse_settings(args.settings)
    scenario = load_scenario(args.scenario)
    result = sweep(scenario, grid, draws=args.draws, seed=args.seed, scheduler=args.scheduler,
                   progress=sys.stderr.isatty() and args.lang)
    written = write_results(output_folder(args, scenario), {
        "sweep.nc": netcdf_writer(result), "sweep.csv": csv_writer(sweep_table(result), TEN_DIGITS),
        **chart_writers("sweep.png", "sweep_chart", result, args.lang)})
    return format_sweep(result, written, args.lang)


def parse_settings(settings: list[str]) -> dict[str, list[float]]:
    """``--set`` arguments -> {parameter path: values}; ``InputError`` naming the argument."""
    grid = {}
    for setting in settings:
        path, values = parse_setting(setting)
        if path in grid:
            raise InputError("--set", None, Message("error.option.set_twice", path=path),
                             value=setting, allowed=Message("error.option.set_once"))
        grid[path] = values
    points = math.prod(len(values) for values in grid.values())
    if points > MAX_GRID_POINTS:
        raise InputError("--set", None, Message("error.option.grid_points", points=points),
                         value=settings,
                         allowed=Message("error.option.grid_most", most=MAX_GRID_POINTS))
    return grid


def parse_setting(setting: str) -> tuple[str, list[float]]:
    """One ``--set PATH=VALUES`` -> (path, values), in either of the ``SET_FORMS``."""
    path, sep, spec = (part.strip() for part in setting.partition("="))
    if not sep or not path or not spec:
        raise InputError("--set", None, Message("error.option.set_form"), value=setting,
                         allowed=SET_FORMS)
    try:
        if ":" in spec:
            return path, _evenly_spaced(spec)
        return path, [_finite(v, "value") for v in spec.split(",")]
    except _ValuesError as err:
        raise InputError("--set", None, Message("error.option.set_values", spec=repr(spec),
                                                 path=path, reason=err.reason),
                         value=setting, allowed=SET_FORMS) from None


class _ValuesError(ValueError):
    """Why a ``--set`` list or range cannot be read, as a ``Message``."""

    def __init__(self, key: str, **values):
        self.reason = Message(f"error.option.{key}", **values)
        super().__init__(str(self.reason))


def _evenly_spaced(spec: str) -> list[float]:
    """START:STOP:N -> N evenly spaced values, rounded to 12 significant digits (0.78:0.82:5
    gives 0.81, not 0.8099999999999999)."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise _ValuesError("range_parts", parts=len(parts))
    start, stop = _finite(parts[0], "start"), _finite(parts[1], "stop")
    try:
        count = int(parts[2])
    except ValueError:
        raise _ValuesError("count_not_whole", given=repr(parts[2].strip())) from None
    if not 2 <= count <= MAX_GRID_POINTS:
        raise _ValuesError("count_range", count=count, most=MAX_GRID_POINTS)
    return [float(f"{v:.12g}") for v in np.linspace(start, stop, count)]


def _finite(given: str, name: str) -> float:
    """A finite number; ``name`` is which one (``value``, ``start``, ``stop``)."""
    what = Message(f"error.option.name_{name}")
    if not given.strip():
        raise _ValuesError("number_missing", name=what)
    try:
        value = float(given)
    except ValueError:
        raise _ValuesError("not_a_number", name=what, given=repr(given.strip())) from None
    if not math.isfinite(value):
        raise _ValuesError("not_finite", name=what, given=repr(given.strip()))
    return value


def format_sweep(result: xr.Dataset, written: list, lang: str = "en") -> str:
    """The printed report, in ``lang``: what was run, the plan values, one table row per grid
    point."""
    attrs = result.attrs
    dims = [d for d in result.dims if d != TARGET_DIM]
    points = int(np.prod([result.sizes[d] for d in dims]))
    plan = []
    for d in dims:
        name, unit, scale = swept_axis(result, d, lang)
        plan.append(text("console.sweep.plan_value", lang, name=name, value=with_unit(
            f"{result[d].attrs['plan_value'] * scale:.6g}", unit, lang)))
    return "\n".join([
        text("console.sweep.title", lang, scenario=attrs["scenario"],
             region=region_name(attrs["region"], lang), points=points, draws=attrs["draws"],
             sampling=attrs["sampling"], seed=attrs["seed"]),
        text("console.sweep.common", lang),
        text("console.sweep.plan_values", lang,
             values=text("console.sweep.separator", lang).join(plan)),
        "",
        *text_table(_rows(result, dims, lang)),
        "",
        text("console.sweep.targets", lang),
        text("console.written", lang),
        *(f"  {path}" for path in written),
    ])


def swept_axis(result: xr.Dataset, dim: str, lang: str = "en") -> tuple[str, str, float]:
    """A swept parameter as the table shows it: (name, unit, factor from the data's values).
    English writes its path and the data's unit, as ``--set`` and sweep.csv do; other
    languages its words and unit, fractions in percent, as the chart does."""
    unit = result[dim].attrs["units"]
    if lang == "en":
        return dim, unit, 1.0
    scale = 100.0 if unit in SHARE_UNITS else 1.0
    return parameter_name(dim, lang), unit_text(unit, lang), scale


def _rows(result: xr.Dataset, dims: list[str], lang: str = "en") -> list[list[str]]:
    year = result.attrs["peak_by_year"]
    axes = [swept_axis(result, d, lang) for d in dims]
    header = [*(name for name, _, _ in axes), text("console.col_p_peak", lang, year=year),
              text("console.col_interval", lang), text("console.col_median_peak_year", lang),
              text("console.sweep.col_median_co2", lang, year=year)]
    units = [*(unit for _, unit, _ in axes), "%", "%", "", co2_unit(lang)[0]]
    flat = {name: result[name].values.ravel() for name in (
        "peak_probability", "peak_probability_lower", "peak_probability_upper",
        "median_peak_year", f"median_co2_{year}")}
    rows = []
    for i, values in enumerate(itertools.product(*(result[d].values for d in dims))):
        rows.append([*(f"{v * scale:.6g}" for v, (_, _, scale) in zip(values, axes, strict=True)),
                     f"{100 * flat['peak_probability'][i]:.1f}",
                     f"{100 * flat['peak_probability_lower'][i]:.1f}-"
                     f"{100 * flat['peak_probability_upper'][i]:.1f}",
                     str(flat["median_peak_year"][i]),
                     co2_cell(flat[f"median_co2_{year}"][i], lang)])
    return [header, units, *rows]
