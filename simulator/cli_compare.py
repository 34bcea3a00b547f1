"""``simulate compare``: several plans' peak tests side by side (``simulator.compare``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import xarray as xr

from .cli import add_language_option, add_run_options, chart_writers, run_command
from .compare import COMPARE_DRAWS, SCENARIO_DIM, compare, comparison_table, horizons
from .io import TEN_DIGITS, csv_writer, netcdf_writer, write_results
from .report import WAN_T_PER_MT, text_table
from .scenario import load_scenario

PROG = "simulate compare"
COMPARISON_FOLDER = Path("results") / "comparison"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Run the peak test of several scenarios with the same draws and "
        "seed and show them side by side. Writes comparison.nc, comparison.csv and "
        "comparison.png.")
    parser.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO",
                        help="scenario YAML files, e.g. scenarios/*_base.yaml")
    add_run_options(parser, COMPARE_DRAWS, out=COMPARISON_FOLDER)
    add_language_option(parser)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return run_command(PROG, lambda: _run(args))


def _run(args: argparse.Namespace) -> str:
    scenarios = [load_scenario(path) for path in args.scenarios]
    result = compare(scenarios, draws=args.draws, seed=args.seed, scheduler=args.scheduler,
                     progress=sys.stderr.isatty())
    written = write_results(args.out, {
        "comparison.nc": netcdf_writer(result),
        "comparison.csv": csv_writer(comparison_table(result), TEN_DIGITS),
        **chart_writers("comparison.png", "region_comparison", result, args.lang)})
    return format_compare(result, written)


def format_compare(result: xr.Dataset, written: list) -> str:
    """The printed report: what was run, one table row per scenario, the files."""
    attrs = result.attrs
    return "\n".join([
        f"Comparison of {result.sizes[SCENARIO_DIM]} scenarios: {attrs['draws']:,} draws each "
        f"(seed {attrs['seed']}).",
        "",
        *text_table(_rows(result), left=2),
        "",
        f"P(peak by {attrs['peak_by_year']}): the share of draws whose CO2 maximum falls in "
        f"or before {attrs['peak_by_year']}, with its Wilson 95 % interval.",
        f"The per-year CO2 bands in comparison.nc rest on {result['co2_bands'].attrs['based_on']}"
        " of each scenario.",
        "Written:",
        *(f"  {path}" for path in written),
    ])


def _rows(result: xr.Dataset) -> list[list[str]]:
    year = result.attrs["peak_by_year"]
    header = ["region", "scenario", "base year", "peak year", f"P(peak by {year})",
              "95 % interval", "median peak year", f"{year} CO2"]
    units = ["", "", "", "deterministic", "%", "%", "of the draws", "Mt, deterministic"]
    percent = {name: 100 * result[name].values for name in (
        "peak_probability", "peak_probability_lower", "peak_probability_upper")}
    co2_mt = result["co2"].sel(year=year).values / WAN_T_PER_MT
    base_years, _ = horizons(result)
    rows = [[str(result["region"].values[i]), str(name), str(base_years[i]),
             str(result["deterministic_peak_year"].values[i]),
             f"{percent['peak_probability'][i]:.1f}",
             f"{percent['peak_probability_lower'][i]:.1f}-"
             f"{percent['peak_probability_upper'][i]:.1f}",
             str(result["median_peak_year"].values[i]), f"{co2_mt[i]:.2f}"]
            for i, name in enumerate(result[SCENARIO_DIM].values)]
    return [header, units, *rows]
