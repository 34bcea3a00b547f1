"""Any numeric scenario parameter, addressed by its path.

A parameter path names a scalar field (``base.direct_gas_share``, ``emission_factors.gas``) or one key
of a driver path (``paths.direct_gas_share.values.2025``). Calibration fits parameters by these
paths; uncertainty and sweeps address them the same way.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from simulator.errors import ScenarioError
from simulator.model.fields import check_number
from simulator.model.schema import FIELDS, FIELDS_BY_PATH, DriverPath, Field
from simulator.text import Message

def parameter_names(values: dict) -> list[str]:
    """Every addressable parameter of a resolved scenario."""
    names = [f.path for f in FIELDS if f.kind == "float"]
    for f in FIELDS:
        path = values.get(f.path)
        if f.kind == "path" and path is not None:
            names += [f"{f.path}.values.{year}" for year in path.years]
    return names


def parameter_field(values: dict, name: str, file) -> Field:
    """The schema field behind a parameter path; ``ScenarioError`` saying what is wrong."""
    field_path, year = _split(name)
    f = FIELDS_BY_PATH.get(field_path)
    path = values.get(field_path)
    if f is not None and f.kind == "float" and year is None:
        return f
    if f is not None and f.kind == "path" and path is not None and year in path.years:
        return f
    raise ScenarioError(file, name, Message("error.parameter.unknown"), value=name,
                        allowed=_what_is_allowed(values, name, f, path))


def _what_is_allowed(values: dict, name: str, f: Field | None, path) -> Message:
    if f is not None and f.kind == "path" and path is None:
        return Message("error.parameter.path_not_set", path=f.path)
    if f is not None and f.kind == "path":
        return Message("error.parameter.path_keys", path=f.path,
                       keys=", ".join(f"{f.path}.values.{y}" for y in path.years))
    if f is not None:
        return Message("error.parameter.not_continuous", path=f.path, kind=f.kind)
    close = difflib.get_close_matches(name, parameter_names(values), n=4, cutoff=0.6)
    if close:
        return Message("error.parameter.close_matches", names=", ".join(close))
    return Message("error.parameter.example")


def is_driver_path(values: dict, name: str) -> bool:
    """Whether ``name`` is a whole driver path set in the scenario (all its keys move together
    when it is uncertain)."""
    f = FIELDS_BY_PATH.get(name)
    return f is not None and f.kind == "path" and values.get(name) is not None


def get_parameter(values: dict, name: str, file) -> float:
    f = parameter_field(values, name, file)
    field_path, year = _split(name)
    if f.kind == "path":
        path = values[field_path]
        return path.values[path.years.index(year)]
    return values[field_path]


def set_parameters(values: dict, updates: dict, file) -> dict:
    """A copy of ``values`` with parameters replaced, each held to its field's bounds."""
    new = dict(values)
    for name, value in updates.items():
        f = parameter_field(new, name, file)
        number = check_number(f, value, file, name)
        field_path, year = _split(name)
        if f.kind == "path":
            path: DriverPath = new[field_path]
            points = list(path.values)
            points[path.years.index(year)] = number
            new[field_path] = replace(path, values=tuple(points))
        else:
            new[field_path] = number
    return new


def _split(name: str) -> tuple[str, int | None]:
    """``paths.x.values.2025`` -> (``paths.x``, 2025); ``base.gdp`` -> (``base.gdp``, None)."""
    head, sep, tail = name.rpartition(".values.")
    if sep and tail.isascii() and tail.isdigit():  # not "²", which isdigit() accepts
        return head, int(tail)
    return name, None
