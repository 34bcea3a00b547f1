"""What the commands share: their options, the output folder, and bad input -> exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from simulator.defaults import DRAWS, SEED
from simulator.errors import InputError
from simulator.report.fonts import chinese_font
from simulator.report.text import LANGUAGES

EXIT_BAD_INPUT = 2


def add_ensemble_options(parser: argparse.ArgumentParser,
                         draws: int | None = DRAWS) -> None:
    """The options every one-scenario ensemble command shares: the scenario, then
    ``add_run_options``."""
    parser.add_argument("scenario", type=Path, help="scenario YAML file, e.g. "
                        "scenarios/taiyuan_base.yaml")
    add_run_options(parser, draws)


def add_run_options(parser: argparse.ArgumentParser, draws: int | None = DRAWS,
                    out: Path | None = None) -> None:
    """--draws (unless ``draws`` is None, for commands that size their runs otherwise), --seed,
    --out (default ``out``, or None for results/<scenario name>/: see ``output_folder``) and
    --scheduler."""
    if draws is not None:
        parser.add_argument("--draws", type=_whole(1), default=draws, metavar="N",
                            help=f"Monte Carlo draws (default {draws:,})")
    parser.add_argument("--seed", type=_whole(0), default=SEED, metavar="S",
                        help=f"random seed; with the run's size it fixes every result "
                        f"(default {SEED})")
    parser.add_argument("--out", type=Path, default=out, metavar="DIR",
                        help=f"output folder (default: {out or 'results/<scenario name>'}/)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the draws as Dask tasks: a dask.distributed scheduler "
                        "address (tcp://host:8786), or 'processes' for a local cluster")


def add_language_option(parser: argparse.ArgumentParser,
                        shows: str = "the charts and report.html") -> None:
    parser.add_argument("--lang", type=_language, choices=LANGUAGES, default="en",
                        help=f"language of {shows}: en (default) or zh (Chinese; needs a font "
                        "with Chinese characters)")


def chart_writers(name: str, chart: str, result, lang: str) -> dict:
    """``{name: writer}`` for the PNG of ``simulator.plots.<chart>(result, lang)``, or nothing
    when the chart does not apply to this result (e.g. a sweep over three parameters)."""
    from simulator.report import plots  # matplotlib only when a chart is drawn

    figure = getattr(plots, chart)(result, lang)
    return {} if figure is None else {name: plots.png_writer(figure)}


def output_folder(args: argparse.Namespace, scenario) -> Path:
    return args.out if args.out is not None else Path("results") / scenario.name


def run_command(prog: str, body: Callable[[], str]) -> int:
    """Run a command's body, print what it returns; bad input -> message and exit 2."""
    try:
        text = body()
    except InputError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(text)
    return 0


def _whole(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum {minimum}")
        return value
    return parse


def _language(text: str) -> str:
    """A language the charts can be drawn in: zh needs a font with Chinese characters, checked
    here so that a missing font is bad input said before a run, not after it."""
    if text == "zh":
        try:
            chinese_font()
        except InputError as err:  # argparse names the option itself
            raise argparse.ArgumentTypeError(str(err).removeprefix("--lang: ")) from None
    return text
