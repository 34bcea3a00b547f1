"""Every string a user sees, one catalogue per language (``catalogues/en.toml``,
``catalogues/zh.toml``): the report page, the charts, what every command prints, its ``--help``,
the progress bars, and the error messages.

``text("page.answer", "zh", clause=..., ...)`` is the entry ``answer`` of the table ``[page]``
in ``zh.toml`` with the values put in its ``str.format`` placeholders. Both catalogues have the
same keys and the same placeholders in each entry (``tests/test_text.py``), so code never
branches on the language for words; what it does branch on is formatting (number digits,
which target name a table shows).

A ``Message`` is a catalogue string not yet put in a language: the code that finds a problem
deep in the model does not know the language the user reads, so an error carries its messages
(``simulator.errors``) and the command line renders them in its ``--lang``. A value of a
``Message`` may itself be a ``Message``; ``str()`` of one is its English.

Why TOML: ``tomllib`` reads it without a dependency; every value is a quoted string, so nothing
becomes a number, a boolean or null by accident (YAML reads ``no``, ``1.0`` or ``null`` as
such), and a leading or trailing space (" (decline)") is plain to see; it has comments for
translators, and tables for the sections. Each catalogue is read once, on first use, and held
as {dotted key: string}.

Not in the catalogues: the names and quotes the data carry (a plan's own words, a target
file's notes), what the result files hold (``summary.json``, ``discovery.json``, netCDF
attributes and CSV headers stay English, for the programs that read them), and the reasons a
library or the operating system gives for a failure (a YAML parser's, ``strerror``), which are
shown as they come inside our own words. argparse's own phrases ("the following arguments are
required") are matched against the ``[argparse]`` table and put in the user's language
(``simulator.cli.options.argparse_words``).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

LANGUAGES = ("en", "zh")


def text(key: str, lang: str = "en", **values) -> str:
    """The catalogue string ``key`` in ``lang``, with ``values`` in its placeholders.

    Parameters
    ----------
    key : str
        A dotted key: the table, then the entry (``"page.h_charts"``, ``"unit.万kW"``).
    lang : {"en", "zh"}
    **values
        The placeholders' values; a ``Message`` among them is rendered in ``lang`` first. A
        missing one raises ``KeyError``.
    """
    entries = catalogue(lang)
    if key not in entries:
        raise KeyError(f"no entry {key!r} in the {lang} text catalogue")
    return entries[key].format(**{name: in_language(value, lang)
                                  for name, value in values.items()})


class Message:
    """A catalogue entry and its values, to be rendered in a language later.

    >>> from simulator.text import Message
    >>> found = Message("error.file.not_found")
    >>> found.render("en"), found.render("zh")
    ('file not found', '找不到文件')
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values

    def render(self, lang: str = "en") -> str:
        return text(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        values = "".join(f", {name}={value!r}" for name, value in self.values.items())
        return f"Message({self.key!r}{values})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.key, self.values) == (other.key,
                                                                           other.values)

    __hash__ = None  # values may be lists


def in_language(value, lang: str):
    """``value`` rendered in ``lang`` if it is a ``Message``, else ``value`` itself."""
    return value.render(lang) if isinstance(value, Message) else value


def known(key: str) -> bool:
    """Whether the catalogues have ``key`` (they all have the same keys)."""
    return key in catalogue("en")


def catalogue(lang: str) -> dict[str, str]:
    """Every entry of ``lang``'s catalogue: {dotted key: string with placeholders}. An unknown
    ``lang`` is a ``KeyError`` here; ``simulator.errors.check_language`` says it to a user."""
    if lang not in LANGUAGES:
        raise KeyError(f"no text catalogue for the language {lang!r}")
    return _read(lang)


@cache
def _read(lang: str) -> dict[str, str]:
    source = files("simulator").joinpath("catalogues", f"{lang}.toml")
    return dict(_entries(tomllib.loads(source.read_text(encoding="utf-8")), f"{lang}.toml"))


def _entries(table: dict, name: str, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _entries(value, name, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield prefix + key, value
        else:
            raise TypeError(f"{name}: {prefix}{key} is a {type(value).__name__}, not a string")
