"""Errors a user can act on. The CLI turns them into a message and exit code 2."""

from __future__ import annotations


NO_VALUE = object()  # distinguishes "no value to show" from a value that is None


class InputError(ValueError):
    """Bad input: names the file, the field path, the bad value and what is allowed."""

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
