"""One value against its schema ``Field``: type, bounds, known names.

Shared by the scenario loader and by parameter addressing (``simulator.model.parameters``), so a value
set from code is held to the same rules as one read from YAML.
"""

from __future__ import annotations

import re
from pathlib import Path

from simulator.model import observed, uncertainty
from simulator.errors import ScenarioError
from simulator.model.checks import check_known, is_finite, repeated
from simulator.model.schema import FILLS, DriverPath, Field
from simulator.text import Message

NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
UNCERTAINTY_CHECKS = {"distributions": uncertainty.check_parameters,
                      "correlations": uncertainty.check_correlations,
                      "shocks": uncertainty.check_shocks,
                      "observations": observed.check_observations}


def check_value(f: Field, value, file: Path):
    if f.kind == "path":
        return _check_driver_path(f, value, file)
    if value is None and f.default is None:
        return None  # an optional field written as null: "none", e.g. to switch off an inherited one
    if f.kind == "str":
        return _check_text(f, value, file)
    if f.kind == "params":
        return _check_parameter_list(f, value, file)
    if f.kind in UNCERTAINTY_CHECKS:
        return UNCERTAINTY_CHECKS[f.kind](value, file, f.path)
    if f.kind == "choice":
        if value not in f.choices or isinstance(value, bool):
            raise ScenarioError(file, f.path, Message("error.field.not_allowed"), value=value,
                                allowed=f.allowed())
        return value
    return check_number(f, value, file, f.path)


def _check_text(f: Field, value, file: Path) -> str:
    if not isinstance(value, str):
        raise ScenarioError(file, f.path, Message("error.field.expected_text"), value=value,
                            allowed=f.allowed())
    if f.path == "name" and not NAME_PATTERN.fullmatch(value):
        raise ScenarioError(file, f.path, Message("error.field.bad_name"), value=value,
                            allowed=Message("error.field.name_allowed"))
    return value


def check_number(f: Field, value, file: Path, where: str):
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or (f.kind == "int" and not isinstance(value, int)):
        expected = Message("error.field.expected_whole") if f.kind == "int" else \
            Message("error.field.expected_number")
        raise ScenarioError(file, where, expected, value=value, allowed=f.allowed())
    if not is_finite(value):
        raise ScenarioError(file, where, Message("error.field.not_finite"), value=value,
                            allowed=f.allowed())
    lo, hi = f.bounds
    if not lo <= value <= hi:
        problem = Message("error.field.out_of_range")
        if f.share and 1 < abs(value) <= 100:
            problem = Message("error.field.percentage", value=value, fraction=value / 100)
        raise ScenarioError(file, where, problem, value=value, allowed=f.allowed())
    return value if f.kind == "int" else float(value)


def _check_driver_path(f: Field, value, file: Path) -> DriverPath:
    if not isinstance(value, dict):
        raise ScenarioError(file, f.path, Message("error.field.path_not_mapping"), value=value,
                            allowed=f.allowed())
    for key in value:
        check_known(key, ["fill", "values"], file, parent=f.path)
    fill = value.get("fill", f.fill)
    if fill not in FILLS:
        raise ScenarioError(file, f"{f.path}.fill", Message("error.field.unknown_fill"),
                            value=fill, allowed=Message("error.field.fills"))
    points = value.get("values")
    if not isinstance(points, dict) or not points:
        raise ScenarioError(file, f"{f.path}.values", Message("error.field.no_values"),
                            value=points, allowed=Message("error.field.values_allowed"))
    for year, number in points.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise ScenarioError(file, f"{f.path}.values", Message("error.field.year_not_whole"),
                                value=year, allowed=Message("error.field.years_allowed"))
        check_number(f, number, file, f"{f.path}.values.{year}")
    years = tuple(sorted(points))
    return DriverPath(fill, years, tuple(float(points[y]) for y in years))


def _check_parameter_list(f: Field, value, file: Path) -> tuple[str, ...]:
    """Names only; whether each names a parameter is checked once ``extends`` is resolved."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(file, f.path, Message("error.field.expected_params"),
                            value=value, allowed=f.allowed())
    twice = repeated(value)
    if twice:
        raise ScenarioError(file, f.path, Message("error.field.listed_twice"), value=twice[0],
                            allowed=Message("error.field.each_once"))
    return tuple(value)
