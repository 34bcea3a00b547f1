"""Errors a user can act on. The CLI turns them into a message and exit code 2."""

from __future__ import annotations


NO_VALUE = object()  # distinguishes "no value to show" from a value that is None


class InputError(ValueError):
    """Bad input: names the file, the field path, the bad value and what is allowed.

    The message reads ``FILE: field 'FIELD': PROBLEM (got VALUE); allowed: ALLOWED``, each part
    left out when not given; the parts are kept as attributes of the same names.

    Parameters
    ----------
    file : str or Path
        The file at fault, or the option (``--draws``) for a command-line argument.
    field : str or None
        The field's dotted path (``base.coal_share``), None for the file as a whole.
    problem : str
        What is wrong.
    value : optional
        The bad value, shown with ``repr``; left out when not given.
    allowed : str, optional
        What would be accepted.
    """

    def __init__(self, file, field: str | None, problem: str, value=NO_VALUE,
                 allowed: str | None = None):
        self.file = str(file)
        self.field = field
        self.problem = problem
        self.value = value
        self.allowed = allowed
        super().__init__(self._message())

    def _message(self) -> str:
        where = self.file if self.field is None else f"{self.file}: field '{self.field}'"
        text = f"{where}: {self.problem}"
        if self.value is not NO_VALUE:
            text += f" (got {self.value!r})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text


class ScenarioError(InputError):
    """A scenario file that cannot be read or does not follow the schema."""


class OutputError(InputError):
    """An output folder or file that cannot be written."""
