"""One value against its schema ``Field``: type, bounds, known names.

Shared by the scenario loader and by parameter addressing (``simulator.model.parameters``), so a value
set from code is held to the same rules as one read from YAML.
"""

from __future__ import annotations

import re
from pathlib import Path

from simulator.model import uncertainty
from simulator.errors import ScenarioError
from simulator.model.checks import check_known, is_finite, repeated
from simulator.model.schema import FILLS, DriverPath, Field

NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
UNCERTAINTY_CHECKS = {"distributions": uncertainty.check_parameters,
                      "correlations": uncertainty.check_correlations,
                      "shocks": uncertainty.check_shocks}


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
            raise ScenarioError(file, f.path, "not an allowed value", value=value,
                                allowed=f.allowed())
        return value
    return check_number(f, value, file, f.path)


def _check_text(f: Field, value, file: Path) -> str:
    if not isinstance(value, str):
        raise ScenarioError(file, f.path, "wrong type: expected text", value=value,
                            allowed=f.allowed())
    if f.path == "name" and not NAME_PATTERN.fullmatch(value):
        raise ScenarioError(file, f.path, "not a usable name", value=value,
                            allowed="letters, digits, '_' and '-' (it names the output folder)")
    return value


def check_number(f: Field, value, file: Path, where: str):
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or (f.kind == "int" and not isinstance(value, int)):
        expected = "a whole number" if f.kind == "int" else "a number"
        raise ScenarioError(file, where, f"wrong type: expected {expected}", value=value,
                            allowed=f.allowed())
    if not is_finite(value):
        raise ScenarioError(file, where, "not a finite number", value=value, allowed=f.allowed())
    lo, hi = f.bounds
    if not lo <= value <= hi:
        problem = "out of range"
        if f.share and 1 < abs(value) <= 100:
            problem += f"; {value:g} looks like a percentage: write {value / 100:g} for {value:g} %"
        raise ScenarioError(file, where, problem, value=value, allowed=f.allowed())
    return value if f.kind == "int" else float(value)


def _check_driver_path(f: Field, value, file: Path) -> DriverPath:
    if not isinstance(value, dict):
        raise ScenarioError(file, f.path, "a driver path must be a mapping", value=value,
                            allowed=f.allowed())
    for key in value:
        check_known(key, ["fill", "values"], file, parent=f.path)
    fill = value.get("fill", f.fill)
    if fill not in FILLS:
        raise ScenarioError(file, f"{f.path}.fill", "unknown fill rule", value=fill,
                            allowed="'step' (a value holds from its key year on) or 'linear' "
                            "(interpolate between keys)")
    points = value.get("values")
    if not isinstance(points, dict) or not points:
        raise ScenarioError(file, f"{f.path}.values", "missing or empty", value=points,
                            allowed="a mapping {year: value} with at least one year")
    for year, number in points.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise ScenarioError(file, f"{f.path}.values", "a year key must be a whole number",
                                value=year, allowed="years such as 2025")
        check_number(f, number, file, f"{f.path}.values.{year}")
    years = tuple(sorted(points))
    return DriverPath(fill, years, tuple(float(points[y]) for y in years))


def _check_parameter_list(f: Field, value, file: Path) -> tuple[str, ...]:
    """Names only; whether each names a parameter is checked once ``extends`` is resolved."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(file, f.path, "wrong type: expected a list of parameter paths",
                            value=value, allowed=f.allowed())
    twice = repeated(value)
    if twice:
        raise ScenarioError(file, f.path, "a parameter is listed twice", value=twice[0],
                            allowed="each parameter once")
    return tuple(value)
