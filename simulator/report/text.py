"""Every string a user sees: the report page, the charts, the printed summary and what
``simulate sweep``, ``sensitivity`` and ``compare`` print, one catalogue per language
(``catalogues/en.toml``, ``catalogues/zh.toml``).

``text("page.answer", "zh", clause=..., ...)`` is the entry ``answer`` of the table ``[page]``
in ``zh.toml`` with the values put in its ``str.format`` placeholders. Both catalogues have the
same keys and the same placeholders in each entry (``tests/test_text.py``), so code never
branches on the language for words; what it does branch on is formatting (number digits,
which target name a table shows).

Why TOML: ``tomllib`` reads it without a dependency; every value is a quoted string, so nothing
becomes a number, a boolean or null by accident (YAML reads ``no``, ``1.0`` or ``null`` as
such), and a leading or trailing space (" (decline)") is plain to see; it has comments for
translators, and tables for the sections. Each catalogue is read once, on first use, and held
as {dotted key: string}.

Not in the catalogues: error messages (``InputError`` and ``ScenarioError`` name a file, field
and value; they stay in English), ``--help`` text, and the names and quotes the data carry.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

from simulator.errors import InputError

LANGUAGES = ("en", "zh")


def text(key: str, lang: str = "en", **values) -> str:
    """The catalogue string ``key`` in ``lang``, with ``values`` in its placeholders.

    Parameters
    ----------
    key : str
        A dotted key: the table, then the entry (``"page.h_charts"``, ``"unit.万kW"``).
    lang : {"en", "zh"}
    **values
        The placeholders' values; a missing one raises ``KeyError``.
    """
    entries = catalogue(lang)
    if key not in entries:
        raise KeyError(f"no entry {key!r} in the {lang} text catalogue")
    return entries[key].format(**values)


def known(key: str) -> bool:
    """Whether the catalogues have ``key`` (they all have the same keys)."""
    return key in catalogue("en")


def catalogue(lang: str) -> dict[str, str]:
    """Every entry of ``lang``'s catalogue: {dotted key: string with placeholders}."""
    return _read(check_language(lang))


def check_language(lang: str) -> str:
    """``lang`` if it is one of ``LANGUAGES``, else ``InputError`` naming ``--lang``."""
    if lang not in LANGUAGES:
        raise InputError("--lang", None, "unknown language", value=lang,
                         allowed=", ".join(LANGUAGES))
    return lang


@cache
def _read(lang: str) -> dict[str, str]:
    source = files("simulator.report").joinpath("catalogues", f"{lang}.toml")
    return dict(_entries(tomllib.loads(source.read_text(encoding="utf-8")), f"{lang}.toml"))


def _entries(table: dict, name: str, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _entries(value, name, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield prefix + key, value
        else:
            raise TypeError(f"{name}: {prefix}{key} is a {type(value).__name__}, not a string")
