"""Year-keyed driver paths -> dense per-year arrays over the projection horizon."""

from __future__ import annotations

import numpy as np

from simulator.model import kernel
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
    (no change happens then), stored as 0.
    """
    years = scenario.years
    path: DriverPath | None = scenario[f.path]
    if f.anchor is not None:
        anchor = scenario[f.anchor]
        if path is None:
            return np.full(len(years), anchor)
        return fill_path(years, (years[0], *path.years), (anchor, *path.values), path.fill)
    rates = fill_path(years, path.years, path.values, path.fill)
    rates[0] = 0.0
    return rates


def dense_drivers(scenario: Scenario) -> dict[str, np.ndarray]:
    """Every driver path of the schema, by name (``gdp_growth``, ``direct_oil_share``, ...)."""
    return {f.path.split(".", 1)[1]: dense_driver(scenario, f)
            for f in FIELDS if f.kind == "path"}


def key_weights(scenario: Scenario, f: Field) -> tuple[np.ndarray, np.ndarray | None]:
    """How each key of path ``f`` (and its base-year anchor) enters the dense driver.

    Fills are linear in the key values, so ``dense = weights.T @ key_values + anchor_weight *
    anchor``: returns ``weights[key, year]`` and ``anchor_weight[year]`` (None for a rate).
    A parameter draw moves the dense driver along these patterns exactly.
    """
    years = scenario.years
    path: DriverPath | None = scenario[f.path]
    key_years = () if path is None else path.years
    if f.anchor is None:
        weights = np.eye(len(key_years))
        rows = np.array([fill_path(years, key_years, unit, path.fill) for unit in weights])
        rows[:, 0] = 0.0  # no rate applies in the base year
        return rows, None
    if path is None:
        return np.zeros((0, len(years))), np.ones(len(years))
    points = np.eye(len(key_years) + 1)  # the anchor first, then the keys
    rows = np.array([fill_path(years, (years[0], *key_years), unit, path.fill) for unit in points])
    return rows[1:], rows[0]


def kernel_inputs(scenario: Scenario) -> tuple[float, float, np.ndarray, np.ndarray]:
    """The kernel's arguments before ``out``: base GDP, base intensity, factors, drivers."""
    drivers = dense_drivers(scenario)
    driver_rows = np.array([drivers[name] for name in kernel.DRIVER_NAMES], dtype=np.float64)
    territorial = 1.0 if scenario["accounting"] == "territorial" else 0.0
    factors = np.array([scenario["emission_factors.coal"], scenario["emission_factors.oil"],
                        scenario["emission_factors.gas"], territorial])
    return scenario["base.gdp"], scenario["base.energy_intensity"], factors, driver_rows
