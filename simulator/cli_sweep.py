"""``simulate sweep``: the peak test over a grid of parameter values (``simulator.sweeps``)."""

from __future__ import annotations

import argparse
import itertools
import math
import sys

import numpy as np
import xarray as xr

from .cli import add_ensemble_options, add_language_option, chart_writers, output_folder, \
    run_command
from .errors import InputError
from .io import TEN_DIGITS, csv_writer, netcdf_writer, write_results
from .report import WAN_T_PER_MT, text_table
from .scenario import load_scenario
from .sweeps import SWEEP_DRAWS, TARGET_DIM, sweep, sweep_table

PROG = "simulate sweep"
MAX_GRID_POINTS = 10_000  # every point is a whole peak test: about 0.2 s at 20,000 draws
SET_FORMS = (f"PATH=START:STOP:N (N from 2 to {MAX_GRID_POINTS:,} evenly spaced values from "
             "START to STOP, e.g. paths.energy_intensity_decline.values.2026=0.01:0.04:4) or "
             "PATH=V1,V2,... (a list of numbers, e.g. base.coal_share=0.78,0.80)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Run the peak test at every point of a grid of parameter values. "
        "Every point uses the same draws (common random numbers), so differences between points "
        "are effects, not noise. Writes sweep.nc and sweep.csv.")
    add_ensemble_options(parser, draws=SWEEP_DRAWS)
    parser.add_argument("--set", dest="settings", action="append", required=True,
                        metavar="PATH=VALUES", help="a parameter and its values: " + SET_FORMS
                        + "; repeat --set for a grid over several parameters")
    add_language_option(parser)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return run_command(PROG, lambda: _run(args))


def _run(args: argparse.Namespace) -> str:
    grid = parse_settings(args.settings)
    scenario = load_scenario(args.scenario)
    result = sweep(scenario, grid, draws=args.draws, seed=args.seed, scheduler=args.scheduler,
                   progress=sys.stderr.isatty())
    written = write_results(output_folder(args, scenario), {
        "sweep.nc": netcdf_writer(result), "sweep.csv": csv_writer(sweep_table(result), TEN_DIGITS),
        **chart_writers("sweep.png", "sweep_chart", result, args.lang)})
    return format_sweep(result, written)


def parse_settings(settings: list[str]) -> dict[str, list[float]]:
    """``--set`` arguments -> {parameter path: values}; ``InputError`` naming the argument."""
    grid = {}
    for text in settings:
        path, values = parse_setting(text)
        if path in grid:
            raise InputError("--set", None, f"{path} is given twice", value=text,
                             allowed="each parameter once, with all its values")
        grid[path] = values
    points = math.prod(len(values) for values in grid.values())
    if points > MAX_GRID_POINTS:
        raise InputError("--set", None, f"the grid has {points:,} points", value=settings,
                         allowed=f"at most {MAX_GRID_POINTS:,} points (each runs the peak "
                         "test on --draws draws)")
    return grid


def parse_setting(text: str) -> tuple[str, list[float]]:
    """One ``--set PATH=VALUES`` -> (path, values), in either of the ``SET_FORMS``."""
    path, sep, spec = (part.strip() for part in text.partition("="))
    if not sep or not path or not spec:
        raise InputError("--set", None, "expected PATH=VALUES", value=text, allowed=SET_FORMS)
    try:
        if ":" in spec:
            return path, _evenly_spaced(spec)
        return path, [_finite(v, "a value") for v in spec.split(",")]
    except ValueError as err:
        raise InputError("--set", None, f"cannot read the values {spec!r} of {path}: {err}",
                         value=text, allowed=SET_FORMS) from None


def _evenly_spaced(spec: str) -> list[float]:
    """START:STOP:N -> N evenly spaced values, rounded to 12 significant digits (0.78:0.82:5
    gives 0.81, not 0.8099999999999999)."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise ValueError(f"START:STOP:N has 3 parts, not {len(parts)}")
    start, stop = _finite(parts[0], "START"), _finite(parts[1], "STOP")
    try:
        count = int(parts[2])
    except ValueError:
        raise ValueError(f"N {parts[2].strip()!r} is not a whole number") from None
    if not 2 <= count <= MAX_GRID_POINTS:
        raise ValueError(f"N is {count}, not from 2 to {MAX_GRID_POINTS:,}")
    return [float(f"{v:.12g}") for v in np.linspace(start, stop, count)]


def _finite(text: str, name: str) -> float:
    if not text.strip():
        raise ValueError(f"{name} is missing")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} {text.strip()!r} is not a finite number")
    return value


def format_sweep(result: xr.Dataset, written: list) -> str:
    """The printed report: what was run, the plan values, one table row per grid point."""
    attrs = result.attrs
    dims = [d for d in result.dims if d != TARGET_DIM]
    points = int(np.prod([result.sizes[d] for d in dims]))
    plan = [f"{d} = {result[d].attrs['plan_value']:.6g} {result[d].attrs['units']}"
            for d in dims]
    return "\n".join([
        f"Sweep of {attrs['scenario']} ({attrs['region']}): {points} points, "
        f"{attrs['draws']:,} draws each ({attrs['sampling']}, seed {attrs['seed']}).",
        "Every point uses the same draws (common random numbers): differences between rows "
        "are effects of the swept values, not Monte Carlo noise.",
        "Plan values: " + "; ".join(plan),
        "",
        *text_table(_rows(result, dims)),
        "",
        "P(met) of each plan target at each point: target_probability in sweep.nc and the "
        "P(met) columns of sweep.csv.",
        "Written:",
        *(f"  {path}" for path in written),
    ])


def _rows(result: xr.Dataset, dims: list[str]) -> list[list[str]]:
    year = result.attrs["peak_by_year"]
    header = [*dims, f"P(peak by {year})", "95 % interval", "median peak year",
              f"median {year} CO2"]
    units = [*(result[d].attrs["units"] for d in dims), "%", "%", "", "Mt"]
    flat = {name: result[name].values.ravel() for name in (
        "peak_probability", "peak_probability_lower", "peak_probability_upper",
        "median_peak_year", f"median_co2_{year}")}
    rows = []
    for i, values in enumerate(itertools.product(*(result[d].values for d in dims))):
        rows.append([*(f"{v:.6g}" for v in values), f"{100 * flat['peak_probability'][i]:.1f}",
                     f"{100 * flat['peak_probability_lower'][i]:.1f}-"
                     f"{100 * flat['peak_probability_upper'][i]:.1f}",
                     str(flat["median_peak_year"][i]),
                     f"{flat[f'median_co2_{year}'][i] / WAN_T_PER_MT:.2f}"])
    return [header, units, *rows]
