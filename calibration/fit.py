"""Fit a scenario's free parameters to its plan's targets with ``scipy.optimize.least_squares``.

Each modelled plan number becomes a relative residual (model - plan) / plan; hedged targets
(``以上``, ``以下``, ranges) only count on their wrong side. Two more kinds of residuals keep the
fit honest: a heavy penalty on any year whose energy balance would leave negative direct fossil
use (``simulator.model.kernel``), and a very light pull
(1e-6) towards the scenario's own starting values, which makes the answer unique when targets
leave some parameters free. A target not met within ``TOLERANCE`` after the joint fit is
``conflicting`` if it can be met on its own (so other targets stand in its way) and ``missed``
if not even that.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from simulator.model import kernel
from simulator.errors import ScenarioError
from simulator.defaults import TARGET_PEAK_YEAR
from simulator.model.parameters import parameter_field
from simulator.model.projection import project_array
from simulator.model.scenario import Scenario
from simulator.model.targets import (
    LOWER_IS_BETTER, Comparison, Target, TargetFile, comparisons, load_targets,
    scenario_targets_file,
)
from simulator.text import Message

TOLERANCE = 0.005          # relative: the "met within 0.5 %"
BALANCE_PENALTY = 100.0    # weight on negative direct fossil use (share of energy), per year
ANCHOR_WEIGHT = 1e-6       # pull towards the starting values
ROW = {name: i for i, name in enumerate(kernel.OUTPUT_NAMES)}


@dataclass(frozen=True)
class Row:
    """One line of the calibration report.

    ``plan``, ``model`` and ``note`` are the plan's own words and numbers as text, or a
    ``simulator.text.Message`` where the words are ours (``peak by 2030``, ``14.5 % decline
    since 2020``): ``str()`` of either is the English the lock file keeps.
    """

    target_id: str
    name: str
    year: str
    plan: str | Message
    model: str | Message
    residual: float | None
    status: str            # met, exceeded, missed, conflicting, not modelled, qualitative
    note: str | Message = ""
    peak_test: bool = False  # the CO2 peak row: tested on the fitted path, never fitted

    @property
    def outside_horizon(self) -> bool:
        """A modelled target whose years the scenario's horizon does not cover."""
        return isinstance(self.note, Message) and self.note.key == OUTSIDE_HORIZON


OUTSIDE_HORIZON = "console.calibrate.needs"


@dataclass(frozen=True)
class Calibration:
    scenario: Scenario                       # with the fitted values
    targets: TargetFile
    rows: tuple[Row, ...]
    fitted: dict                             # parameter -> (start, fitted)

    @property
    def conflicts(self) -> list[Row]:
        return [r for r in self.rows if r.status == "conflicting" and not r.peak_test]

    @property
    def missed(self) -> list[Row]:
        return [r for r in self.rows if r.status == "missed" and not r.peak_test]


def target_file(scenario: Scenario) -> Path:
    """The target file a scenario names in ``calibration.targets``; an error if none."""
    path = scenario_targets_file(scenario)
    if path is None:
        raise ScenarioError(scenario.source, "calibration.targets",
                            Message("error.calibration.no_target_file"),
                            allowed=Message("error.calibration.target_file_allowed"))
    return path


def fit(scenario: Scenario, targets: TargetFile | None = None) -> Calibration:
    """Fit ``calibration.free`` so the deterministic projection meets the plan's targets.

    Parameters
    ----------
    scenario : Scenario
        Usually loaded with ``apply_own_lock=False``, so the fit starts from the file's values.
    targets : TargetFile, optional
        Defaults to the file named by ``calibration.targets``.

    Returns
    -------
    Calibration
        The fitted scenario and one report row per plan number.
    """
    targets = targets or load_targets(target_file(scenario))
    modelled = [c for t in targets.targets for c in comparisons(t) if _in_horizon(scenario, c)]
    free = list(scenario["calibration.free"])
    fitted = _solve(scenario, free, modelled)
    series = _series(fitted, project_array(fitted))
    statuses = {c: _status(scenario, series, free, c) for c in modelled}
    rows = [row for t in targets.targets for row in _rows(t, scenario, series, statuses)]
    changes = {name: (scenario.parameter(name), fitted.parameter(name)) for name in free}
    return Calibration(fitted, targets, tuple(rows), changes)


def _in_horizon(scenario: Scenario, c: Comparison) -> bool:
    return scenario.base_year <= c.first_year() and c.year <= scenario.end_year


def _solve(scenario: Scenario, free: list[str], modelled: list[Comparison]) -> Scenario:
    if not free or not modelled:
        return scenario
    start = np.array([scenario.parameter(name) for name in free])
    bounds = _bounds(scenario, free)
    start = np.clip(start, *bounds)
    typical = np.maximum(np.abs(start), 1e-3)

    def residuals(x):
        trial = scenario.with_parameters(dict(zip(free, x, strict=True)))
        out = project_array(trial)
        gaps = [_gap(c, _series(trial, out)) for c in modelled]
        short = np.minimum(out[kernel.DIRECT_FOSSIL] / out[kernel.ENERGY], 0.0) * BALANCE_PENALTY
        return np.concatenate([gaps, short, ANCHOR_WEIGHT * (x - start) / typical])

    result = least_squares(residuals, start, bounds=bounds, x_scale="jac", xtol=1e-15,
                           ftol=1e-15, gtol=1e-15, max_nfev=200 * (len(free) + 1))
    return scenario.with_parameters(dict(zip(free, result.x, strict=True)))


def _bounds(scenario: Scenario, free: list[str]) -> tuple[np.ndarray, np.ndarray]:
    fields = [parameter_field(scenario.values, name, scenario.source) for name in free]
    return np.array([f.bounds[0] for f in fields]), np.array([f.bounds[1] for f in fields])


def _series(scenario: Scenario, out: np.ndarray):
    base = scenario.base_year
    return lambda variable, year: out[ROW[variable], year - base]


def _gap(c: Comparison, series) -> float:
    """Relative miss of one comparison; zero on the allowed side of a hedged target."""
    model = c.model_value(series)
    if c.sense == "between":
        low, high = (v * c.scale for v in c.plan)
        return (min(0.0, model - low) + max(0.0, model - high)) / abs((low + high) / 2)
    plan = c.plan * c.scale
    diff = model - plan
    if c.sense == "ge":
        diff = min(0.0, diff)
    elif c.sense == "le":
        diff = max(0.0, diff)
    return diff / abs(plan) if plan else diff


def _gap_of(scenario: Scenario, c: Comparison) -> float:
    return _gap(c, _series(scenario, project_array(scenario)))


def _status(start: Scenario, fitted_series, free: list[str], c: Comparison) -> str:
    gap = _gap(c, fitted_series)
    if abs(gap) <= TOLERANCE:
        return "met"
    alone = _solve(start, free, [c])
    if abs(_gap_of(alone, c)) <= TOLERANCE:
        return "conflicting"
    # out of the free parameters' reach (e.g. observed years), but on the climate's side
    return "exceeded" if (gap < 0) == (c.variable in LOWER_IS_BETTER) else "missed"


def _rows(target: Target, start: Scenario, fitted_series, statuses: dict) -> list[Row]:
    name = f"{target.name_zh} ({target.name_en})"
    if target.kind == "peak":
        return [_peak_row(target, name, start, fitted_series)]
    if not target.numeric:
        text = "; ".join(f"{k}: {v}" for k, v in target.targets.items())
        return [Row(target.id, name, "", text, "", None, "qualitative")]
    if not target.modelled:
        text = "; ".join(f"{k}: {v}" for k, v in target.targets.items())
        return [Row(target.id, name, "", f"{text} {target.unit or ''}".strip(), "", None,
                    "not modelled", target.why_not_modelled or "")]
    return [_comparison_row(c, name, start, fitted_series, statuses) for c in comparisons(target)]


def _comparison_row(c: Comparison, name: str, start: Scenario, fitted_series,
                    statuses: dict) -> Row:
    plan = _plan_text(c)
    if c not in statuses:
        return Row(c.target_id, name, str(c.year), plan, "", None, "not modelled",
                   Message(OUTSIDE_HORIZON, year=c.first_year(), base_year=start.base_year,
                           end_year=start.end_year))
    shown = c.model_value(fitted_series) / c.scale
    return Row(c.target_id, name, str(c.year), plan, f"{shown:.5g} {c.unit}",
               float(_gap(c, fitted_series)), statuses[c])


def _plan_text(c: Comparison) -> str | Message:
    sign = {"ge": ">= ", "le": "<= "}.get(c.sense, "")
    value = f"{c.plan[0]:g}-{c.plan[1]:g}" if c.sense == "between" else f"{c.plan:g}"
    plan = f"{sign}{value} {c.unit}"
    if c.measure in ("decline_since", "increase_since"):
        return Message(f"console.calibrate.{c.measure}", plan=plan, since=c.since)
    return plan


def _peak_row(target: Target, name: str, start: Scenario, fitted_series) -> Row:
    co2 = [fitted_series("co2", int(year)) for year in start.years]
    peak = int(start.years[int(np.argmax(co2))])
    year = max((int(str(k).split("-")[-1]) for k in target.targets), default=TARGET_PEAK_YEAR)
    status = "met" if peak <= year else "missed"
    return Row(target.id, name, str(year), Message("console.calibrate.peak_by", year=year),
               Message("console.calibrate.peak_in", year=peak), None, status,
               Message("console.calibrate.peak_note"), peak_test=True)
