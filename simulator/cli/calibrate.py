"""``simulate calibrate SCENARIO``: fit the plan's targets, keep them in the lock file."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulator.cli.options import Parser, add_language_option, language_of, run_command
from simulator.text import text

PROG = "simulate calibrate"


def build_parser(lang: str = "en") -> Parser:
    parser = Parser(PROG, "calibrate", lang)
    parser.add_argument("scenario", type=Path, help=text("help.calibrate.scenario", lang))
    add_language_option(parser, shows="report", charts=False)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser(language_of(argv)).parse_args(argv)
    return run_command(PROG, lambda: _calibrate(args), args.lang)


def _calibrate(args: argparse.Namespace) -> str:
    from calibration import calibrate, format_calibration  # the plain run does not need scipy

    result, lock_file = calibrate(args.scenario)
    return format_calibration(result, lock_file, args.lang)
