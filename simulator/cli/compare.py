"""``simulate compare``: several plans' peak tests side by side (``simulator.analysis.compare``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import xarray as xr

from simulator.defaults import ANALYSIS_DRAWS
from simulator.cli.options import (
    Parser, add_language_option, add_run_options, chart_writers, language_of, run_command,
)
from simulator.analysis.compare import SCENARIO_DIM, compare, comparison_table, horizons
from simulator.report.files import TEN_DIGITS, csv_writer, netcdf_writer, write_results
from simulator.report.labels import co2_unit, draws_basis, region_name
from simulator.report.summary import co2_cell, text_table
from simulator.text import text
from simulator.model.scenario import load_scenario

PROG = "simulate compare"
COMPARISON_FOLDER = Path("results") / "comparison"


def build_parser(lang: str = "en") -> Parser:
    parser = Parser(PROG, "compare", lang)
    parser.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO",
                        help=text("help.compare.scenarios", lang))
    add_run_options(parser, ANALYSIS_DRAWS, out=COMPARISON_FOLDER)
    add_language_option(parser, shows="table_chart")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser(language_of(argv)).parse_args(argv)
    return run_command(PROG, lambda: _run(args), args.lang)


def _run(args: argparse.Namespace) -> str:
    scenarios = [load_scenario(path) for path in args.scenarios]
    result = compare(scenarios, draws=args.draws, seed=args.seed, scheduler=args.scheduler,
                     progress=sys.stderr.isatty() and args.lang)
    written = write_results(args.out, {
        "comparison.nc": netcdf_writer(result),
        "comparison.csv": csv_writer(comparison_table(result), TEN_DIGITS),
        **chart_writers("comparison.png", "region_comparison", result, args.lang)})
    return format_compare(result, written, args.lang)


def format_compare(result: xr.Dataset, written: list, lang: str = "en") -> str:
    """The printed report, in ``lang``: what was run, one table row per scenario, the files."""
    attrs = result.attrs
    bands = result["co2_bands"].attrs
    return "\n".join([
        text("console.compare.title", lang, count=result.sizes[SCENARIO_DIM],
             draws=attrs["draws"], seed=attrs["seed"]),
        "",
        *text_table(_rows(result, lang), left=2),
        "",
        text("console.compare.p_note", lang, year=attrs["peak_by_year"]),
        text("console.compare.bands_note", lang, based_on=draws_basis(
            int(bands["draws_used"]), int(attrs["draws"]), lang)),
        text("console.written", lang),
        *(f"  {path}" for path in written),
    ])


def _rows(result: xr.Dataset, lang: str = "en") -> list[list[str]]:
    year = result.attrs["peak_by_year"]
    header = [text(f"console.compare.col_{column}", lang)
              for column in ("region", "scenario", "base_year", "peak_year")] + [
        text("console.col_p_peak", lang, year=year), text("console.col_interval", lang),
        text("console.col_median_peak_year", lang),
        text("console.compare.col_co2", lang, year=year)]
    units = ["", "", "", text("console.compare.unit_deterministic", lang), "%", "%",
             text("console.compare.unit_draws", lang),
             text("console.compare.unit_co2", lang, unit=co2_unit(lang)[0])]
    percent = {name: 100 * result[name].values for name in (
        "peak_probability", "peak_probability_lower", "peak_probability_upper")}
    co2 = result["co2"].sel(year=year).values
    base_years, _ = horizons(result)
    rows = [[region_name(str(result["region"].values[i]), lang), str(name), str(base_years[i]),
             str(result["deterministic_peak_year"].values[i]),
             f"{percent['peak_probability'][i]:.1f}",
             f"{percent['peak_probability_lower'][i]:.1f}-"
             f"{percent['peak_probability_upper'][i]:.1f}",
             str(result["median_peak_year"].values[i]), co2_cell(co2[i], lang)]
            for i, name in enumerate(result[SCENARIO_DIM].values)]
    return [header, units, *rows]
