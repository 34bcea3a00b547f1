"""``simulate discover SCENARIO``: which ranges of the uncertain parameters lead to no CO2 peak
by 2030 (PRIM scenario discovery). Argument parsing, printing and writing only."""

from __future__ import annotations

import argparse
import sys

from simulator.defaults import ANALYSIS_DRAWS
from simulator.cli.options import add_ensemble_options, output_folder, run_command
from simulator.analysis.discovery import (
    DISCOVERY_FILE, SETTINGS, TRAJECTORY_FILE, check_setting, discover, discovery_json,
    format_discovery,
)
from simulator.report.files import csv_writer, json_writer, write_results
from simulator.model.scenario import load_scenario

PROG = "simulate discover"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Scenario discovery (PRIM): which ranges of the scenario's "
        "uncertain parameters lead to CO2 not peaking by 2030. Prints the ranges as rules with "
        f"their coverage and density; writes {DISCOVERY_FILE} and {TRAJECTORY_FILE}.")
    add_ensemble_options(parser, draws=ANALYSIS_DRAWS)
    options = (
        ("--alpha", "alpha", "A", "peel fraction: share of the box's draws cut per step"),
        ("--min-support", "min_support", "S", "peeling stops before the box holds less than "
         "this share of all draws"),
        ("--min-coverage", "min_coverage", "C", "the reported box is the densest on the "
         "peeling trajectory that still holds this share of the no-peak draws"),
        ("--min-gain", "min_gain", "G", "a box is useful when its no-peak share beats the base "
         "rate by this much (0.1 = 10 points); later boxes must be useful"),
    )
    for flag, name, metavar, text in options:
        default = SETTINGS[name][0]
        parser.add_argument(flag, dest=name, type=_setting(name), default=default,
                            metavar=metavar, help=f"{text} (default {default:g})")
    parser.add_argument("--boxes", type=_setting("boxes"), default=2, metavar="K",
                        help="at most K boxes, each on the draws the earlier ones leave "
                        "(default 2)")
    parser.add_argument("--no-paste", dest="paste", action="store_false",
                        help="report the peeled box without pasting")
    return parser


def _setting(name: str):
    def parse(text: str):
        try:
            return check_setting(name, _whole_number(text) if name == "boxes" else text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return parse


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return run_command(PROG, lambda: _discover(args))


def _discover(args: argparse.Namespace) -> str:
    scenario = load_scenario(args.scenario)
    result = discover(scenario, draws=args.draws, seed=args.seed, scheduler=args.scheduler,
                      progress=sys.stderr.isatty(), alpha=args.alpha,
                      min_support=args.min_support, min_coverage=args.min_coverage,
                      min_gain=args.min_gain, boxes=args.boxes, paste=args.paste)
    written = write_results(output_folder(args, scenario), {
        DISCOVERY_FILE: json_writer(discovery_json(result)),
        TRAJECTORY_FILE: csv_writer(result.trajectory)})
    return "\n".join([format_discovery(result), "", "Written:",
                      *(f"  {path}" for path in written)])
