"""``simulate sensitivity``: Sobol or Morris global sensitivity (``simulator.global_sensitivity``)."""

from __future__ import annotations

import argparse
import sys

import xarray as xr

from .cli import add_ensemble_options, add_language_option, chart_writers, output_folder, \
    run_command
from .io import TEN_DIGITS, csv_writer, netcdf_writer, write_results
from .report import WAN_T_PER_MT, text_table
from .scenario import load_scenario
from .global_sensitivity import (
    DEFAULT_N, METHODS, OUTPUTS, sensitivity, sensitivity_table,
)

PROG = "simulate sensitivity"
# how the table shows each output unit: (scale, unit shown)
SHOWN_UNITS = {"yr": (1.0, "yr"), "万t": (1.0 / WAN_T_PER_MT, "Mt")}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Global sensitivity of the peak year, peak CO2, 2030 CO2 and "
        "cumulative CO2 to a scenario's uncertain parameters (and its per-year shocks, as one "
        "factor): Sobol first- and total-order indices, or Morris elementary effects, with "
        "95 % bootstrap intervals. Writes sensitivity.nc and sensitivity.csv.")
    add_ensemble_options(parser, draws=None)
    parser.add_argument("--method", choices=METHODS, default="sobol",
                        help="sobol (variance shares, default) or morris (screening)")
    parser.add_argument("--output", nargs="+", choices=list(OUTPUTS), default=list(OUTPUTS),
                        metavar="NAME", help="outputs to analyse (default all): "
                        + ", ".join(OUTPUTS))
    parser.add_argument("--n", type=int, metavar="N",
                        help=f"Sobol: base rows, a power of two (default {DEFAULT_N['sobol']:,}; "
                        f"N (k + 2) model runs for k factors); Morris: trajectories (default "
                        f"{DEFAULT_N['morris']}; N (k + 1) runs)")
    add_language_option(parser)
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    n = DEFAULT_N[args.method] if args.n is None else args.n
    if n < 2 or (args.method == "sobol" and n & (n - 1)):
        parser.error(f"argument --n: {n} is not allowed for {args.method}; allowed: "
                     + ("a power of two >= 2, e.g. 1024 or 4096" if args.method == "sobol"
                        else "a whole number >= 2"))
    repeated = sorted({name for name in args.output if args.output.count(name) > 1})
    if repeated:
        parser.error(f"argument --output: {', '.join(repeated)} given twice; allowed: each of "
                     f"{', '.join(OUTPUTS)} at most once")
    return run_command(PROG, lambda: _run(args, n))


def _run(args: argparse.Namespace, n: int) -> str:
    scenario = load_scenario(args.scenario)
    result = sensitivity(scenario, method=args.method, outputs=args.output, n=n,
                         seed=args.seed, scheduler=args.scheduler,
                         progress=sys.stderr.isatty())
    written = write_results(output_folder(args, scenario), {
        "sensitivity.nc": netcdf_writer(result),
        "sensitivity.csv": csv_writer(sensitivity_table(result), TEN_DIGITS),
        **chart_writers("sensitivity.png", "sensitivity_chart", result, args.lang)})
    return format_sensitivity(result, written)


def format_sensitivity(result: xr.Dataset, written: list) -> str:
    """The printed report: what was run, how to read it, one ranked table per output."""
    attrs = result.attrs
    sobol = attrs["method"] == "sobol"
    size = f"n = {attrs['n']:,} base rows" if sobol else f"{attrs['n']:,} trajectories"
    lines = [
        f"{'Sobol' if sobol else 'Morris'} sensitivity of {attrs['scenario']} "
        f"({attrs['region']}): {result.sizes['parameter']} factors, {size}, "
        f"{attrs['evaluations']:,} model runs (seed {attrs['seed']}).",
        _how_to_read(sobol),
        f"Shocks: {attrs['shocks']}.",
        f"Correlations: {attrs['correlations']}.",
        f"Bounds: {attrs['evaluations_clamped']:,} runs had a driver value clamped to its "
        f"bounds; {attrs['evaluations_fuel_mix_rescaled']:,} had years with a rescaled fuel "
        "mix.",
    ]
    for output in result["output"].values:
        one = result.sel(output=output)
        scale, unit = SHOWN_UNITS[str(one["output_unit"].values)]
        lines += ["", f"{output}: {one['output_long_name'].values}, in {unit}",
                  *text_table(_sobol_rows(one) if sobol else _morris_rows(one, scale, unit),
                              left=1)]
    return "\n".join([*lines, "", "Written:", *(f"  {path}" for path in written)])


def _how_to_read(sobol: bool) -> str:
    if sobol:
        return ("ST (total order): share of the output's variance that involves the factor, "
                "interactions included; S1 (first order): the share it explains alone. "
                "Fractions of variance (units 1), ranked by ST, with 95 % bootstrap intervals.")
    return ("mu*: mean absolute change of the output when one factor moves across its range "
            "(1-99 % quantiles; shocks: from one draw's shocks to another's), in the output's "
            "unit; mu: the signed mean; sigma: spread from interactions and nonlinearity. "
            "Ranked by mu*, with its 95 % bootstrap interval.")


def _sobol_rows(one: xr.Dataset) -> list[list[str]]:
    header = ["  parameter", "ST", "95 % interval", "S1", "95 % interval"]
    rows = []
    for p in one["total_order"].to_series().sort_values(ascending=False).index:
        row = one.sel(parameter=p)
        rows.append([f"  {p}", *(_with_interval(row, name, 1.0, "{:.3f}")
                                 for name in ("total_order", "first_order"))])
    return [header, *([r[0], *r[1][:2], *r[2][:2]] for r in rows)]


def _morris_rows(one: xr.Dataset, scale: float, unit: str) -> list[list[str]]:
    header = ["  parameter", "range (1-99 %)", f"mu* ({unit})", "95 % interval",
              f"mu ({unit})", f"sigma ({unit})"]
    rows = [header]
    for p in one["mu_star"].to_series().sort_values(ascending=False).index:
        row = one.sel(parameter=p)
        span = "another draw's shocks" if p == "shocks" else \
            f"{float(row['range_low']):.4g} to {float(row['range_high']):.4g}"
        rows.append([f"  {p}", span, *_with_interval(row, "mu_star", scale, "{:,.2f}"),
                     _number(float(row["mu"]) * scale, "{:,.2f}"),
                     _number(float(row["sigma"]) * scale, "{:,.2f}")])
    return rows


def _with_interval(row: xr.Dataset, name: str, scale: float, form: str) -> list[str]:
    low, high = (_number(float(row[f"{name}_{end}"]) * scale, form) for end in ("lower", "upper"))
    return [_number(float(row[name]) * scale, form), f"{low} to {high}"]


def _number(value: float, form: str) -> str:
    text = form.format(value)
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.000"
