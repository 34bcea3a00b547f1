"""``simulate require``: the value of one parameter that makes a 2030 peak as likely as asked
(``simulator.analysis.effort``)."""

from __future__ import annotations

import argparse
import math
import sys

from simulator.cli.options import (
    Parser, add_ensemble_options, add_language_option, language_of, output_folder, run_command,
)
from simulator.analysis import effort
from simulator.analysis.effort import FOUND, UNREACHABLE, Evaluation, RequiredValue, required_value
from simulator.errors import InputError
from simulator.report.files import json_writer, write_results
from simulator.defaults import ANALYSIS_DRAWS, TARGET_PEAK_YEAR
from simulator.model.scenario import load_scenario
from simulator.text import Message, text

PROG = "simulate require"
RANGE_FORM = Message("console.require.range_form")


def build_parser(lang: str = "en") -> Parser:
    parser = Parser(PROG, "require", lang, year=TARGET_PEAK_YEAR)
    add_ensemble_options(parser, draws=ANALYSIS_DRAWS)
    parser.add_argument("--param", required=True, metavar="PATH",
                        help=text("help.require.param", lang))
    parser.add_argument("--probability", required=True, type=float, metavar="P",
                        help=text("help.require.probability", lang))
    parser.add_argument("--range", dest="search_range", metavar="LOW:HIGH",
                        help=text("help.require.range", lang))
    add_language_option(parser, shows="report", charts=False)
    return parser


def main(argv: list[str]) -> int:
    argv = _range_attached(argv)
    args = build_parser(language_of(argv)).parse_args(argv)
    return run_command(PROG, lambda: _run(args), args.lang)


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
                            progress=sys.stderr.isatty() and args.lang)
    written = write_results(output_folder(args, scenario),
                            {"require.json": json_writer(result.to_dict())})
    return format_required(result, written, args.lang)


def check_probability(probability: float) -> None:
    """``InputError`` naming --probability unless it is a fraction in (0, 1)."""
    try:
        effort.check_probability(probability)
    except InputError as err:
        raise InputError("--probability", None, err.problem, value=err.value,
                         allowed=err.allowed) from None


def parse_range(given: str | None) -> tuple[float, float] | None:
    if given is None:
        return None
    try:
        low, high = (float(part) for part in given.split(":"))
    except ValueError:
        raise InputError("--range", None, Message("error.option.range_unreadable"), value=given,
                         allowed=RANGE_FORM) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputError("--range", None, Message("error.option.range_not_finite"), value=given,
                         allowed=RANGE_FORM)
    if not low < high:
        raise InputError("--range", None, Message("error.option.range_order"), value=given,
                         allowed=RANGE_FORM)
    return low, high


def format_required(result: RequiredValue, written: list, lang: str = "en") -> str:
    """The printed answer, in ``lang``: the value, P there and just beside it, the plan, the
    search."""
    decimals = max(0, math.ceil(-math.log10(result.tolerance)))

    def value(v: float) -> str:
        return f"{v:.{decimals}f}" + (f" {result.unit}" if result.unit != "1" else "")

    low, high = result.search_range
    return "\n".join([
        *_answer(result, value, lang),
        text("console.require.searched", lang, low=value(low), high=value(high),
             tolerance=result.tolerance, evaluations=result.evaluations, draws=result.draws,
             sampling=result.sampling, seed=result.seed),
        text("console.written", lang),
        *(f"  {path}" for path in written),
    ])


def _answer(result: RequiredValue, value, lang: str) -> list[str]:
    plan = text("console.require.plan", lang, value=value(result.plan.value),
                p=100 * result.plan.probability)
    asked = text("console.require.asked", lang, year=TARGET_PEAK_YEAR, p=100 * result.probability)
    low, high = result.search_range
    if result.status == FOUND:
        digits = max(1, math.ceil(math.log10(result.draws / 100)))  # one draw shows
        direction = text(f"console.require.direction.{result.direction.replace(' ', '_')}",
                         lang)
        return [text("console.require.found", lang, asked=asked, parameter=result.parameter,
                     direction=direction, value=value(result.required.value), plan=plan),
                text("console.require.found_at", lang, value=value(result.required.value),
                     year=TARGET_PEAK_YEAR, p=_percent(result.required, lang, digits),
                     other=value(result.below.value),
                     other_p=f"{100 * result.below.probability:.{digits}f}")]
    if result.status == UNREACHABLE:
        return [text("console.require.unreachable", lang, parameter=result.parameter,
                     asked=asked, low=value(low), high=value(high),
                     best=_percent(result.best, lang), value=value(result.best.value),
                     plan=plan)]
    return [text("console.require.whole_range", lang, year=TARGET_PEAK_YEAR,
                 p=100 * result.probability, low=value(low), high=value(high),
                 parameter=result.parameter, at=_percent(result.required, lang),
                 value=value(result.required.value), plan=plan)]


def _percent(evaluation: Evaluation, lang: str, digits: int = 1) -> str:
    low, high = evaluation.ci95
    return text("console.require.percent", lang, p=f"{100 * evaluation.probability:.{digits}f}",
                low=f"{100 * low:.{digits}f}", high=f"{100 * high:.{digits}f}")
