"""``simulate sensitivity``: Sobol or Morris global sensitivity (``simulator.analysis.sensitivity``)."""

from __future__ import annotations

import argparse
import sys

import xarray as xr

from simulator.cli.options import (
    Parser, add_ensemble_options, add_language_option, chart_writers, language_of, output_folder,
    run_command,
)
from simulator.report.files import TEN_DIGITS, csv_writer, netcdf_writer, write_results
from simulator.report.labels import co2_unit, output_name, region_name
from simulator.report.summary import text_table
from simulator.text import text
from simulator.model.scenario import Scenario, load_scenario
from simulator.analysis.sensitivity import (
    DEFAULT_N, METHODS, OUTPUTS, SHOCKS, correlation_note, factor_name, sensitivity,
    sensitivity_table, shocks_note,
)

PROG = "simulate sensitivity"


def build_parser(lang: str = "en") -> Parser:
    parser = Parser(PROG, "sensitivity", lang)
    add_ensemble_options(parser, draws=None)
    parser.add_argument("--method", choices=METHODS, default="sobol",
                        help=text("help.sensitivity.method", lang))
    parser.add_argument("--output", nargs="+", choices=list(OUTPUTS), default=list(OUTPUTS),
                        metavar="NAME", help=text("help.sensitivity.output", lang,
                                                  outputs=", ".join(OUTPUTS)))
    parser.add_argument("--n", type=int, metavar="N", help=text(
        "help.sensitivity.n", lang, sobol=DEFAULT_N["sobol"], morris=DEFAULT_N["morris"]))
    add_language_option(parser, shows="tables_chart")
    return parser


def main(argv: list[str]) -> int:
    lang = language_of(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    n = DEFAULT_N[args.method] if args.n is None else args.n
    if n < 2 or (args.method == "sobol" and n & (n - 1)):
        parser.error(text("error.option.sensitivity_n", lang, n=n, method=args.method,
                          allowed=text(f"error.option.sensitivity_n_{args.method}", lang)))
    repeated = sorted({name for name in args.output if args.output.count(name) > 1})
    if repeated:
        parser.error(text("error.option.output_twice", lang, names=", ".join(repeated),
                          outputs=", ".join(OUTPUTS)))
    return run_command(PROG, lambda: _run(args, n), args.lang)


def _run(args: argparse.Namespace, n: int) -> str:
    scenario = load_scenario(args.scenario)
    result = sensitivity(scenario, method=args.method, outputs=args.output, n=n,
                         seed=args.seed, scheduler=args.scheduler,
                         progress=sys.stderr.isatty() and args.lang)
    written = write_results(output_folder(args, scenario), {
        "sensitivity.nc": netcdf_writer(result),
        "sensitivity.csv": csv_writer(sensitivity_table(result), TEN_DIGITS),
        **chart_writers("sensitivity.png", "sensitivity_chart", result, args.lang)})
    return format_sensitivity(result, scenario, written, args.lang)


def format_sensitivity(result: xr.Dataset, scenario: Scenario, written: list,
                       lang: str = "en") -> str:
    """The printed report, in ``lang``: what was run, how to read it, one ranked table per
    output. ``scenario`` is the one analysed (the notes on its shocks and correlations)."""
    attrs = result.attrs
    sobol = attrs["method"] == "sobol"
    lines = [
        text(f"console.sensitivity.title_{attrs['method']}", lang, scenario=attrs["scenario"],
             region=region_name(attrs["region"], lang), factors=result.sizes["parameter"],
             n=attrs["n"], runs=attrs["evaluations"], seed=attrs["seed"]),
        text(f"console.sensitivity.read_{attrs['method']}", lang),
        text("console.sensitivity.shocks", lang, note=shocks_note(scenario, lang)),
        text("console.sensitivity.correlations", lang, note=correlation_note(scenario, lang)),
        text("console.sensitivity.bounds", lang, clamped=attrs["evaluations_clamped"],
             unbalanced=attrs["evaluations_unbalanced"]),
    ]
    for output in result["output"].values:
        one = result.sel(output=output)
        scale, unit = shown_unit(str(one["output_unit"].values), lang)
        lines += ["", text("console.sensitivity.output", lang, output=output,
                           name=_output_name(one, lang), unit=unit),
                  *text_table(_sobol_rows(one, lang) if sobol else
                              _morris_rows(one, scale, unit, lang), left=1)]
    return "\n".join([*lines, "", text("console.written", lang),
                      *(f"  {path}" for path in written)])


def shown_unit(unit: str, lang: str = "en") -> tuple[float, str]:
    """How the tables show an output's unit: (factor from the data's values, unit shown)."""
    if unit == "万t":
        shown, factor = co2_unit(lang)
        return factor, shown
    if unit == "yr":
        return 1.0, text("console.sensitivity.years", lang)
    raise ValueError(f"no shown unit for the output unit {unit!r}")


def _output_name(one: xr.Dataset, lang: str) -> str:
    """An output's name: the result's own description in English, its words in others."""
    described = str(one["output_long_name"].values)
    return described if lang == "en" else output_name(str(one["output"].values), lang, described)


def _sobol_rows(one: xr.Dataset, lang: str = "en") -> list[list[str]]:
    header = ["  " + text("console.sensitivity.col_parameter", lang),
              text("console.sensitivity.col_st", lang), text("console.col_interval", lang),
              text("console.sensitivity.col_s1", lang), text("console.col_interval", lang)]
    rows = []
    for p in one["total_order"].to_series().sort_values(ascending=False).index:
        row = one.sel(parameter=p)
        rows.append([f"  {factor_name(p, lang)}",
                     *(_with_interval(row, name, 1.0, "{:.3f}", lang)
                       for name in ("total_order", "first_order"))])
    return [header, *([r[0], *r[1][:2], *r[2][:2]] for r in rows)]


def _morris_rows(one: xr.Dataset, scale: float, unit: str, lang: str = "en") -> list[list[str]]:
    header = ["  " + text("console.sensitivity.col_parameter", lang),
              text("console.sensitivity.col_range", lang),
              text("console.sensitivity.col_mu_star", lang, unit=unit),
              text("console.col_interval", lang),
              text("console.sensitivity.col_mu", lang, unit=unit),
              text("console.sensitivity.col_sigma", lang, unit=unit)]
    rows = [header]
    for p in one["mu_star"].to_series().sort_values(ascending=False).index:
        row = one.sel(parameter=p)
        span = text("console.sensitivity.other_shocks", lang) if p == SHOCKS else \
            text("console.sensitivity.interval", lang, low=f"{float(row['range_low']):.4g}",
                 high=f"{float(row['range_high']):.4g}")
        rows.append([f"  {factor_name(p, lang)}", span,
                     *_with_interval(row, "mu_star", scale, "{:,.2f}", lang),
                     _number(float(row["mu"]) * scale, "{:,.2f}"),
                     _number(float(row["sigma"]) * scale, "{:,.2f}")])
    return rows


def _with_interval(row: xr.Dataset, name: str, scale: float, form: str,
                   lang: str = "en") -> list[str]:
    low, high = (_number(float(row[f"{name}_{end}"]) * scale, form) for end in ("lower", "upper"))
    return [_number(float(row[name]) * scale, form),
            text("console.sensitivity.interval", lang, low=low, high=high)]


def _number(value: float, form: str) -> str:
    text = form.format(value)
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.000"
