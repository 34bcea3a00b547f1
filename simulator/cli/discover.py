"""``simulate discover SCENARIO``: which ranges of the uncertain parameters lead to no CO2 peak
by 2030 (PRIM scenario discovery). Argument parsing, printing and writing only."""

from __future__ import annotations

import argparse
import sys

from simulator.defaults import ANALYSIS_DRAWS
from simulator.cli.options import (
    Parser, add_ensemble_options, add_language_option, language_of, output_folder, run_command,
)
from simulator.analysis.discovery import (
    DISCOVERY_FILE, SETTINGS, TRAJECTORY_FILE, check_setting, discover, discovery_json,
    format_discovery,
)
from simulator.report.files import csv_writer, json_writer, write_results
from simulator.model.scenario import load_scenario
from simulator.text import in_language, text

PROG = "simulate discover"


def build_parser(lang: str = "en") -> Parser:
    parser = Parser(PROG, "discover", lang, discovery=DISCOVERY_FILE, trajectory=TRAJECTORY_FILE)
    add_ensemble_options(parser, draws=ANALYSIS_DRAWS)
    options = (("--alpha", "alpha", "A"), ("--min-support", "min_support", "S"),
               ("--min-coverage", "min_coverage", "C"), ("--min-gain", "min_gain", "G"))
    for flag, name, metavar in options:
        default = SETTINGS[name][0]
        parser.add_argument(flag, dest=name, type=_setting(name, lang), default=default,
                            metavar=metavar,
                            help=text(f"help.discover.{name}", lang, default=default))
    parser.add_argument("--boxes", type=_setting("boxes", lang), default=2, metavar="K",
                        help=text("help.discover.boxes", lang))
    parser.add_argument("--no-paste", dest="paste", action="store_false",
                        help=text("help.discover.no_paste", lang))
    add_language_option(parser, shows="report", charts=False)
    return parser


def _setting(name: str, lang: str):
    """An argparse type: the PRIM setting ``name`` (``check_setting``), refused in ``lang``."""
    def parse(given: str):
        if name == "boxes":
            try:
                given = int(given)
            except ValueError:
                raise argparse.ArgumentTypeError(text("error.option.not_whole", lang,
                                                      given=repr(given))) from None
        try:
            return check_setting(name, given)
        except ValueError as err:
            raise argparse.ArgumentTypeError(in_language(err.args[0], lang)) from None
    return parse


def main(argv: list[str]) -> int:
    args = build_parser(language_of(argv)).parse_args(argv)
    return run_command(PROG, lambda: _discover(args), args.lang)


def _discover(args: argparse.Namespace) -> str:
    scenario = load_scenario(args.scenario)
    result = discover(scenario, draws=args.draws, seed=args.seed, scheduler=args.scheduler,
                      progress=sys.stderr.isatty() and args.lang, alpha=args.alpha,
                      min_support=args.min_support, min_coverage=args.min_coverage,
                      min_gain=args.min_gain, boxes=args.boxes, paste=args.paste)
    written = write_results(output_folder(args, scenario), {
        DISCOVERY_FILE: json_writer(discovery_json(result)),
        TRAJECTORY_FILE: csv_writer(result.trajectory)})
    return "\n".join([format_discovery(result, args.lang), "", text("console.written", args.lang),
                      *(f"  {path}" for path in written)])
