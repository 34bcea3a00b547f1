"""Errors a user can act on. The CLI turns them into a message in its language and exit code 2.

Each error keeps its parts (file, field, problem, value, what is allowed); the problem and what
is allowed are ``simulator.text.Message`` s, so ``str(error)`` is the English and
``error.message("zh")`` the Chinese of the same error.
"""

from __future__ import annotations

import functools

from simulator.text import LANGUAGES, Message, in_language, text

NO_VALUE = object()  # distinguishes "no value to show" from a value that is None


class InputError(ValueError):
    """Bad input: names the file, the field path, the bad value and what is allowed.

    The English message reads ``FILE: field 'FIELD': PROBLEM (got VALUE); allowed: ALLOWED``,
    each part left out when not given; the parts are kept as attributes of the same names.

    Parameters
    ----------
    file : str or Path
        The file at fault, or the option (``--draws``) for a command-line argument.
    field : str or None
        The field's dotted path (``base.direct_gas_share``), None for the file as a whole.
    problem : Message
        What is wrong (an entry of the catalogues' ``[error]`` table).
    value : optional
        The bad value, shown with ``repr``; left out when not given.
    allowed : Message, optional
        What would be accepted.
    """

    def __init__(self, file, field: str | None, problem: Message, value=NO_VALUE,
                 allowed: Message | None = None):
        self.file = str(file)
        self.field = field
        self.problem = problem
        self.value = value
        self.allowed = allowed
        super().__init__(self.message("en"))

    def __reduce__(self):
        """Pickled with its parts (a Dask worker's error reaches the client whole)."""
        given = {} if self.value is NO_VALUE else {"value": self.value}
        return (functools.partial(type(self), allowed=self.allowed, **given),
                (self.file, self.field, self.problem))

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        where = self.file if self.field is None else \
            text("error.frame.in_field", lang, file=self.file, field=self.field)
        words = text("error.frame.problem", lang, where=where,
                     problem=in_language(self.problem, lang))
        if self.value is not NO_VALUE:
            words += text("error.frame.got", lang, value=repr(self.value))
        if self.allowed:
            words += text("error.frame.allowed", lang, allowed=in_language(self.allowed, lang))
        return words


class ScenarioError(InputError):
    """A scenario file that cannot be read or does not follow the schema."""


class OutputError(InputError):
    """An output folder or file that cannot be written."""


def check_language(lang: str) -> str:
    """``lang`` if it is one of ``LANGUAGES``, else ``InputError`` naming ``--lang``."""
    if lang not in LANGUAGES:
        raise InputError("--lang", None, Message("error.unknown_language"), value=lang,
                         allowed=", ".join(LANGUAGES))
    return lang
