"""Year-keyed driver paths -> dense per-year arrays over the projection horizon."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.model import kernel
from simulator.model.observed import by_driver
from simulator.model.scenario import Scenario
from simulator.model.schema import FIELDS, DriverPath, Field


def fill_path(years: np.ndarray, key_years, key_values, fill: str) -> np.ndarray:
    """Values for every year from key points.

    ``step``: a value holds from its key year on. ``linear``: straight lines between keys.
    Before the first key the first value holds, after the last key the last value holds.
    """
    key_years = np.asarray(key_years, dtype=float)
    key_values = np.asarray(key_values, dtype=float)
    if fill == "linear":
        return np.interp(years, key_years, key_values)
    index = np.searchsorted(key_years, years, side="right") - 1
    return key_values[np.clip(index, 0, len(key_values) - 1)]


def dense_driver(scenario: Scenario, f: Field) -> np.ndarray:
    """One driver over ``scenario.years``.

    A level path starts from its base-year anchor; a rate path has no value in the base year
    (no change happens then), stored as 0. Observed values (``observed``) are met exactly: a
    linear path is drawn through them, a step path takes them in their year.
    """
    points = _points(scenario, f)
    dense = fill_path(scenario.years, points.years, points.values, points.fill)
    if f.anchor is None:
        dense[0] = 0.0
    for t, value in _overrides(scenario, points):
        dense[t] = value
    return dense


def dense_drivers(scenario: Scenario) -> dict[str, np.ndarray]:
    """Every driver path of the schema, by name (``gdp_growth``, ``direct_oil_share``, ...)."""
    return {f.path.split(".", 1)[1]: dense_driver(scenario, f)
            for f in FIELDS if f.kind == "path"}


def key_weights(scenario: Scenario, f: Field) -> tuple[np.ndarray, np.ndarray | None]:
    """How each key of path ``f`` (and its base-year anchor) enters the dense driver.

    Fills are linear in the key values, so ``dense = weights.T @ key_values + anchor_weight *
    anchor`` (+ the observations' part, which no parameter moves): returns ``weights[key,
    year]`` and ``anchor_weight[year]`` (None for a rate). A parameter draw moves the dense
    driver along these patterns exactly; in an observed year every pattern is zero.
    """
    years = scenario.years
    path: DriverPath | None = scenario[f.path]
    key_years = () if path is None else path.years
    points = _points(scenario, f)
    rows = np.array([fill_path(years, points.years, unit, points.fill)
                     for unit in np.eye(len(points.years))]).reshape(len(points.years),
                                                                     len(years))
    for t, _ in _overrides(scenario, points):
        rows[:, t] = 0.0
    if f.anchor is None:
        rows[:, 0] = 0.0  # no rate applies in the base year
    weights = np.zeros((len(key_years), len(years)))
    for k, year in enumerate(key_years):
        if year in points.key_index:
            weights[k] = rows[points.key_index[year]]
    anchor = None if f.anchor is None else rows[0]
    return weights, anchor


class _Points(NamedTuple):
    """The points a path is filled from: its anchor (a level's base year), its keys and, in a
    linear path, its observations (which take the place of a key in their year)."""

    fill: str
    years: tuple[float, ...]
    values: tuple[float, ...]
    key_index: dict       # {key year: its point's index}, for the path's own keys
    observed: dict        # {year: value} of the driver's observations


def _points(scenario: Scenario, f: Field) -> _Points:
    path: DriverPath | None = scenario[f.path]
    observed = by_driver(scenario["observed"], f.path.split(".", 1)[1])
    fill = f.fill if path is None else path.fill
    keys = {} if path is None else dict(zip(path.years, path.values))
    if fill == "linear":
        keys = {year: value for year, value in keys.items() if year not in observed}
        points = {**keys, **observed}
    else:
        points = keys
    if f.anchor is not None:
        points = {int(scenario.years[0]): scenario[f.anchor], **points}
    order = sorted(points)
    return _Points(fill, tuple(float(y) for y in order), tuple(points[y] for y in order),
                   {y: order.index(y) for y in keys}, observed)


def _overrides(scenario: Scenario, points: _Points) -> list[tuple[int, float]]:
    """(year index, value) of the observations a step path takes in their year."""
    if points.fill == "linear":
        return []
    base = int(scenario.years[0])
    return [(year - base, value) for year, value in sorted(points.observed.items())]


# a rate path's change smaller than this (0.1 percentage point) is rounding, not a step
MIN_STEP = 1e-3


def step_changes(scenario: Scenario) -> dict[str, list[int]]:
    """The years in which a step-filled rate path (growth, intensity decline) jumps by
    ``MIN_STEP`` or more from the year before, observed years left out, by driver: assumptions
    whose jumps bunch the draws' peaks in the year before them."""
    changes = {}
    observed = {(e.driver, e.year) for e in scenario["observed"]}
    for f in FIELDS:
        path: DriverPath | None = scenario[f.path] if f.kind == "path" else None
        if f.anchor is not None or path is None or path.fill != "step":
            continue
        name = f.path.split(".", 1)[1]
        dense = dense_driver(scenario, f)
        years = [int(y) for t, y in enumerate(scenario.years[2:], start=2)
                 if abs(dense[t] - dense[t - 1]) >= MIN_STEP and (name, int(y)) not in observed]
        if years:
            changes[name] = years
    return changes


def kernel_inputs(scenario: Scenario) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The kernel's arguments before ``out``: base GDP, base intensity, factors, drivers."""
    drivers = dense_drivers(scenario)
    driver_rows = np.array([drivers[name] for name in kernel.DRIVER_NAMES], dtype=np.float64)
    territorial = 1.0 if scenario["accounting"] == "territorial" else 0.0
    factors = np.array([scenario["emission_factors.coal"], scenario["emission_factors.oil"],
                        scenario["emission_factors.gas"], territorial])
    return scenario["base.gdp"], scenario["base.energy_intensity"], factors, driver_rows
