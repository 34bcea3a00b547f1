"""The peak test: on one CO2 path, and as probabilities over an ensemble of draws."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from simulator.defaults import SUSTAINED_YEAR, TARGET_PEAK_YEAR
from simulator.errors import InputError
from simulator.text import Message

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
QUANTILES = (5, 50, 95)


def peak_year(co2: xr.DataArray) -> int:
    """Year of maximum CO2 over the horizon (the earliest, if the maximum repeats).

    Parameters
    ----------
    co2 : xarray.DataArray
        CO2 over ``year``, e.g. ``simulator.project(scenario).co2``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If the path holds NaN or infinity.
    """
    values = np.asarray(co2.values)
    if not np.all(np.isfinite(values)):
        raise ValueError("CO2 path holds NaN or infinity; no peak year can be named")
    return int(co2["year"].values[int(np.argmax(values))])


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (stays inside [0, 1], sane at 0 and n)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def peaked_by(ensemble: xr.Dataset, year: int = TARGET_PEAK_YEAR,
              plateau: float | None = None) -> np.ndarray:
    """Per draw: does CO2 peak in or before ``year``? With a plateau tolerance x, a draw also
    counts when no year after ``year`` is more than x (a fraction) above its ``year`` level."""
    by = ensemble["peak_year"].values <= year
    if plateau is None:
        return by
    level = ensemble["co2"].sel(year=year).values
    return by | (ensemble["max_co2_after_2030"].values <= level * (1.0 + plateau))


def peak_summary(ensemble: xr.Dataset, year: int = TARGET_PEAK_YEAR,
                 plateau: float | None = None) -> dict:
    """P(peak by ``year``) with its Wilson 95 % interval and Monte Carlo standard error, and
    the 5/50/95 % quantiles of peak year and peak value (the ``peak`` block of summary.json).

    Parameters
    ----------
    ensemble : xarray.Dataset
        From ``simulator.simulate``.
    year : int
        The peak test's year (2030): a draw peaks by it when its CO2 maximum falls in or
        before it.
    plateau : float, optional
        Plateau tolerance x, a fraction: a draw also counts when no year after ``year`` is
        more than x above its ``year`` level. Needs ``co2`` in ``year`` in the ensemble.

    Returns
    -------
    dict
        ``by_year``, ``probability``, ``ci95`` [low, high], ``mc_standard_error``,
        ``plateau_tolerance``, ``year_quantiles`` and ``value_quantiles`` (keys "5", "50",
        "95"), ``unit`` (of the peak values).
    """
    hits = peaked_by(ensemble, year, plateau)
    n, successes = hits.size, int(hits.sum())
    p = successes / n
    low, high = wilson_interval(successes, n)
    return {
        "by_year": year,
        "probability": p,
        "ci95": [low, high],
        "mc_standard_error": math.sqrt(p * (1 - p) / n),
        "plateau_tolerance": plateau,
        "year_quantiles": _quantiles(ensemble["peak_year"].values, integer=True),
        "value_quantiles": _quantiles(ensemble["peak_co2"].values),
        "unit": ensemble["peak_co2"].attrs["units"],
    }


def sustained_summary(ensemble: xr.Dataset, drop: float, year: int = SUSTAINED_YEAR,
                      by_year: int = TARGET_PEAK_YEAR) -> dict:
    """P(a sustained peak): CO2 peaks by ``by_year`` and ``year``'s CO2 is at least ``drop`` (a
    fraction) below the peak, with its Wilson 95 % interval (``peak.sustained`` of summary.json).

    Raises
    ------
    InputError
        Naming ``--sustained`` when ``year`` is outside the run's years.
    """
    if year not in ensemble["co2"]["year"].values:
        raise InputError("--sustained", None, Message("error.option.sustained_year", year=year),
                         value=drop, allowed=Message("error.option.sustained_allowed", year=year))
    peaked = ensemble["peak_year"].values <= by_year
    below = ensemble["co2"].sel(year=year).values <= ensemble["peak_co2"].values * (1.0 - drop)
    hits = peaked & below
    successes = int(hits.sum())
    return {"drop": drop, "year": year, "by_year": by_year, "probability": successes / hits.size,
            "ci95": list(wilson_interval(successes, hits.size))}


def target_probabilities(ensemble: xr.Dataset) -> dict:
    """For each plan comparison (``target`` coordinate): P(met) and its Wilson interval.

    Parameters
    ----------
    ensemble : xarray.Dataset
        From ``simulator.simulate`` of a scenario that names a target file.

    Returns
    -------
    dict
        ``{label: (p, (low, high))}``, labels such as ``energy_intensity@2030``; empty when
        the scenario names no target file.
    """
    met = ensemble["target_met"]
    n = met.sizes["draw"]
    out = {}
    for label in met["target"].values:
        successes = int(met.sel(target=label).sum())
        out[str(label)] = (successes / n, wilson_interval(successes, n))
    return out


def _quantiles(values: np.ndarray, integer: bool = False) -> dict:
    points = np.percentile(values, QUANTILES, method="inverted_cdf" if integer else "linear")
    return {str(q): (int(v) if integer else float(v)) for q, v in zip(QUANTILES, points,
                                                                       strict=True)}
