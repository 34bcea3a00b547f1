"""What the commands share: their parser (in the user's language), their options, the output
folder, and bad input -> a message in that language and exit 2."""

from __future__ import annotations

import argparse
import functools
import re
import string
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.defaults import DRAWS, SEED
from simulator.errors import InputError
from simulator.report.fonts import chinese_font
from simulator.text import LANGUAGES, Message, catalogue, text

EXIT_BAD_INPUT = 2
LANGUAGE_OPTION = "--lang"


def language_of(argv: list[str]) -> str:
    """The language ``argv`` asks for with ``--lang X`` or ``--lang=X``, so that the help and
    the errors of parsing itself are in it; English when it asks for none (or for one there
    is no catalogue of, which the parser then refuses in English)."""
    for i, word in enumerate(argv):
        if word == LANGUAGE_OPTION and i + 1 < len(argv):
            asked = argv[i + 1]
        elif word.startswith(LANGUAGE_OPTION + "="):
            asked = word.partition("=")[2]
        else:
            continue
        return asked if asked in LANGUAGES else "en"
    return "en"


class Parser(argparse.ArgumentParser):
    """An argument parser that speaks ``lang``: the description, the usage line, the section
    titles, ``-h`` and the error line come from the catalogues (``help.<command>``, ``help``).
    Words that argparse itself writes into an error ("the following arguments are required")
    stay as argparse writes them."""

    def __init__(self, prog: str, command: str, lang: str, **values):
        self.lang = lang
        self.draws_charts = False  # add_language_option: --lang zh then needs a Chinese font
        super().__init__(prog=prog, description=text(f"help.{command}.description", lang,
                                                     **values),
                         add_help=False,
                         formatter_class=functools.partial(_Formatter, lang=lang))
        self._positionals.title = text("help.positionals", lang)
        self._optionals.title = text("help.options", lang)
        self.add_argument("-h", "--help", action="help", help=text("help.help", lang))

    def parse_args(self, args=None, namespace=None):
        """The arguments; with ``--lang zh`` on a command that draws charts, a Chinese font is
        checked once they are all read (after ``--help`` and the other options' errors), so that
        a missing font is bad input said before a run, not after it."""
        parsed = super().parse_args(args, namespace)
        if self.draws_charts and parsed.lang == "zh":
            try:
                chinese_font()
            except InputError as err:
                where = text("error.frame.problem", self.lang, where=LANGUAGE_OPTION, problem="")
                self.error(catalogue("en")["argparse.argument"].format(
                    option=LANGUAGE_OPTION, problem=err.message(self.lang).removeprefix(where)))
        return parsed

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT,
                  error_line(self.prog, argparse_words(message, self.lang), self.lang) + "\n")


# the catalogues' [argparse] phrases: argparse's own English, and what it is in each language
ARGPARSE_PHRASES = ("required", "unrecognized", "ambiguous", "argument", "invalid_choice",
                    "expected_one", "expected_at_least_one", "invalid_value")


def argparse_words(message: str, lang: str) -> str:
    """An error argparse wrote in English, in ``lang``: matched against the English of the
    catalogues' ``[argparse]`` phrases (an option's own problem inside "argument X: ..." too).
    A message that matches none (a phrase a later Python words otherwise) stays as it is."""
    for phrase in ARGPARSE_PHRASES:
        values = _matched(catalogue("en")[f"argparse.{phrase}"], message)
        if values is not None:
            if "problem" in values:
                values["problem"] = argparse_words(values["problem"], lang)
            return text(f"argparse.{phrase}", lang, **values)
    return message


def _matched(phrase: str, message: str) -> dict | None:
    """The placeholders' values if ``message`` is ``phrase`` filled in, else None."""
    pattern = "".join(re.escape(literal) + (f"(?P<{name}>.+?)" if name else "")
                      for literal, name, _, _ in string.Formatter().parse(phrase))
    found = re.fullmatch(pattern, message, flags=re.DOTALL)
    return None if found is None else found.groupdict()


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, lang: str):
        super().__init__(prog)
        self.lang = lang

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or text("help.usage", self.lang))


def add_ensemble_options(parser: Parser, draws: int | None = DRAWS) -> None:
    """The options every one-scenario ensemble command shares: the scenario, then
    ``add_run_options``."""
    parser.add_argument("scenario", type=Path, help=text("help.common.scenario", parser.lang))
    add_run_options(parser, draws)


def add_run_options(parser: Parser, draws: int | None = DRAWS, out: Path | None = None) -> None:
    """--draws (unless ``draws`` is None, for commands that size their runs otherwise), --seed,
    --out (default ``out``, or None for results/<scenario name>/: see ``output_folder``) and
    --scheduler."""
    lang = parser.lang
    if draws is not None:
        parser.add_argument("--draws", type=whole_number(1, lang), default=draws, metavar="N",
                            help=text("help.common.draws", lang, draws=draws))
    parser.add_argument("--seed", type=whole_number(0, lang), default=SEED, metavar="S",
                        help=text("help.common.seed", lang, seed=SEED))
    parser.add_argument("--out", type=Path, default=out, metavar="DIR",
                        help=text("help.common.out", lang, folder=out or text(
                            "help.common.out_default", lang)))
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help=text("help.common.scheduler", lang))


def add_language_option(parser: Parser, shows: str = "charts", charts: bool = True) -> None:
    """--lang: the language of what ``help.shows.<shows>`` names. ``charts``: zh needs a font
    with Chinese characters (``Parser.parse_args`` checks it)."""
    parser.draws_charts = charts
    parser.add_argument(LANGUAGE_OPTION, choices=LANGUAGES, default="en",
                        help=text("help.common.lang" if charts else "help.common.lang_text",
                                  parser.lang, shows=text(f"help.shows.{shows}", parser.lang)))


def chart_writers(name: str, chart: str, result, lang: str) -> dict:
    """``{name: writer}`` for the PNG of ``simulator.plots.<chart>(result, lang)``, or nothing
    when the chart does not apply to this result (e.g. a sweep over three parameters)."""
    from simulator.report import plots  # matplotlib only when a chart is drawn

    figure = getattr(plots, chart)(result, lang)
    return {} if figure is None else {name: plots.png_writer(figure)}


def output_folder(args: argparse.Namespace, scenario) -> Path:
    return args.out if args.out is not None else Path("results") / scenario.name


def run_command(prog: str, body: Callable[[], str], lang: str = "en") -> int:
    """Run a command's body, print what it returns; bad input -> message in ``lang``, exit 2.
    A warning the library gives in the catalogues' words is printed as a note in ``lang``."""
    try:
        with notes_in(prog, lang):
            printed = body()
    except InputError as err:
        print(error_line(prog, err.message(lang), lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(printed)
    return 0


@contextmanager
def notes_in(prog: str, lang: str) -> Iterator[None]:
    """Within: a warning whose text is a ``Message`` is shown on stderr as one line in
    ``lang`` (``simulate: note: ...``); any other warning as Python shows it."""
    with warnings.catch_warnings():
        python_shows = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            said = message.args[0] if isinstance(message, Warning) and message.args else None
            if isinstance(said, Message):
                print(text("console.note", lang, prog=prog, message=said), file=sys.stderr)
            else:
                python_shows(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def error_line(prog: str, message: str, lang: str) -> str:
    return text("console.error", lang, prog=prog, message=message)


def whole_number(minimum: int, lang: str = "en"):
    """An argparse type: a whole number at least ``minimum``, refused in ``lang``."""
    def parse(given: str) -> int:
        try:
            value = int(given)
        except ValueError:
            raise argparse.ArgumentTypeError(text("error.option.not_whole", lang,
                                                  given=repr(given))) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(text("error.option.below_minimum", lang,
                                                  value=value, minimum=minimum))
        return value
    return parse
