"""``simulate require``: the value of one parameter that makes a 2030 peak as likely as asked
(``simulator.analysis.effort``)."""

from __future__ import annotations

import argparse
import math
import sys

from simulator.cli.options import add_ensemble_options, output_folder, run_command
from simulator.analysis import effort
from simulator.analysis.effort import FOUND, UNREACHABLE, Evaluation, RequiredValue, required_value
from simulator.errors import InputError
from simulator.report.files import json_writer, write_results
from simulator.defaults import ANALYSIS_DRAWS, TARGET_PEAK_YEAR
from simulator.model.scenario import load_scenario

PROG = "simulate require"
RANGE_FORM = "LOW:HIGH, two numbers with LOW < HIGH, e.g. 0.02:0.06"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description=f"Find the value of one parameter at which P(CO2 peaks by "
        f"{TARGET_PEAK_YEAR}) reaches the asked probability. Every value searched uses the "
        "same draws, so P is an exact function of the value. Writes require.json.")
    add_ensemble_options(parser, draws=ANALYSIS_DRAWS)
    parser.add_argument("--param", required=True, metavar="PATH",
                        help="parameter path, e.g. paths.energy_intensity_decline.values.2026")
    parser.add_argument("--probability", required=True, type=float, metavar="P",
                        help="the asked P(peak by 2030), a fraction in (0, 1), e.g. 0.9")
    parser.add_argument("--range", dest="search_range", metavar="LOW:HIGH",
                        help="values searched (default: from zero to three times the plan's "
                        "value, within the field's bounds)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(_range_attached(argv))
    return run_command(PROG, lambda: _run(args))


def _range_attached(argv: list[str]) -> list[str]:
    """``--range -0.02:0.04`` as ``--range=-0.02:0.04``: argparse takes a word that starts with
    '-' and is not a plain number for an option, so a LOW below zero would read as one."""
    words: list[str] = []
    for word in argv:
        if words and words[-1] == "--range" and word.startswith("-") and ":" in word:
            words[-1] = f"--range={word}"
        else:
            words.append(word)
    return words


def _run(args: argparse.Namespace) -> str:
    check_probability(args.probability)
    bounds = parse_range(args.search_range)
    scenario = load_scenario(args.scenario)
    result = required_value(scenario, args.param, args.probability, draws=args.draws,
                            seed=args.seed, bounds=bounds, scheduler=args.scheduler,
                            progress=sys.stderr.isatty())
    written = write_results(output_folder(args, scenario),
                            {"require.json": json_writer(result.to_dict())})
    return format_required(result, written)


def check_probability(probability: float) -> None:
    """``InputError`` naming --probability unless it is a fraction in (0, 1)."""
    try:
        effort.check_probability(probability)
    except InputError as err:
        raise InputError("--probability", None, err.problem, value=err.value,
                         allowed=err.allowed) from None


def parse_range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        low, high = (float(part) for part in text.split(":"))
    except ValueError:
        raise InputError("--range", None, "cannot read the range", value=text,
                         allowed=RANGE_FORM) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError("--range", None, "LOW and HIGH must be finite", value=text,
                         allowed=RANGE_FORM)
    if not low < high:
        raise InputError("--range", None, "LOW must be below HIGH", value=text,
                         allowed=RANGE_FORM)
    return low, high


def format_required(result: RequiredValue, written: list) -> str:
    """The printed answer: the value, P there and just beside it, the plan, the search."""
    decimals = max(0, math.ceil(-math.log10(result.tolerance)))

    def value(v: float) -> str:
        return f"{v:.{decimals}f}" + (f" {result.unit}" if result.unit != "1" else "")

    low, high = result.search_range
    return "\n".join([
        *_answer(result, value),
        f"Searched {value(low)} to {value(high)} (tolerance {result.tolerance:.2g}): "
        f"{result.evaluations} evaluations of {result.draws:,} draws each ({result.sampling}, "
        f"seed {result.seed}), the same draws at every value.",
        "Written:",
        *(f"  {path}" for path in written),
    ])


def _answer(result: RequiredValue, value) -> list[str]:
    plan = f"(plan: {value(result.plan.value)}, which gives {100 * result.plan.probability:.1f} %)"
    asked = f"a {TARGET_PEAK_YEAR} peak {100 * result.probability:g} % likely"
    low, high = result.search_range
    if result.status == FOUND:
        digits = max(1, math.ceil(math.log10(result.draws / 100)))  # one draw shows
        return [f"To make {asked}, {result.parameter} must be {result.direction} "
                f"{value(result.required.value)} {plan}.",
                f"At {value(result.required.value)}: P(CO2 peaks by {TARGET_PEAK_YEAR}) = "
                f"{_percent(result.required, digits)}; at {value(result.below.value)}, just "
                f"on the other side: {100 * result.below.probability:.{digits}f} %."]
    if result.status == UNREACHABLE:
        return [f"{result.parameter} alone cannot make {asked} within {value(low)} to "
                f"{value(high)}: the best is {_percent(result.best)} at "
                f"{value(result.best.value)} {plan}. Another lever, or a wider --range, "
                "is needed."]
    return [f"P(CO2 peaks by {TARGET_PEAK_YEAR}) is at least {100 * result.probability:g} % "
            f"at both ends of the range searched, {value(low)} to {value(high)}, of "
            f"{result.parameter}: {_percent(result.required)} at "
            f"{value(result.required.value)}, the weaker end {plan}. To find where it "
            "falls below, move --range past that end."]


def _percent(evaluation: Evaluation, digits: int = 1) -> str:
    low, high = evaluation.ci95
    return (f"{100 * evaluation.probability:.{digits}f} % (95 % interval "
            f"{100 * low:.{digits}f}-{100 * high:.{digits}f} %)")
