"""Scenario discovery: which ranges of the uncertain parameters lead to no CO2 peak by 2030.

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), as used for scenario
discovery by Bryant & Lempert (2010). Over the draws of an ensemble, with the outcome
y = "CO2 does not peak by 2030" (``peak_year`` > 2030):

1. Peel: starting from the whole parameter space, cut a fraction ``alpha`` of the draws in the
   box off the lower or the upper side of one parameter, choosing the cut that leaves the
   highest density (the share of draws in the box with y true; ties: the cut that keeps more
   draws). Repeat while a cut keeps the box's support (its share of all draws) at or above
   ``min_support``. Every box on the way is kept: the peeling trajectory.
2. Select: among the boxes on the trajectory whose coverage (their share of all no-peak draws)
   is at least ``min_coverage``, take the highest density; of the boxes within
   ``density_tolerance`` of it, report the one with the highest coverage (the earliest).
3. Paste (optional): widen one limit at a time by ``alpha`` of the box's draws while that
   raises the density.
4. Simplify: drop each limit whose removal lowers the density by at most ``drop_tolerance``,
   then, while more than ``max_conditions`` parameters are restricted, drop the parameter whose
   removal costs least density. Rules stay short.
5. Cover: remove the draws of the box and search the rest again for up to ``boxes`` boxes; a
   later box is kept only if it has a condition and beats the remaining draws' base rate by
   ``min_gain``.

A box's limits are inclusive (``lower <= x <= upper``; open sides are infinite). Box k's draws
are the draws inside it and outside boxes 1..k-1; its support, coverage and density are
counted over those, relative to all draws and all no-peak draws of the ensemble.

The rules are over the sampled parameters only. The per-year AR(1) shocks of the scenario also
move the answer; ``discover`` reruns the same parameter draws with the shocks switched off to
say by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import __version__
from simulator.model.drivers import dense_driver
from simulator.errors import ScenarioError
from simulator.model.parameters import is_driver_path
from simulator.defaults import ANALYSIS_DRAWS, SEED, TARGET_PEAK_YEAR
from simulator.montecarlo.peak import peaked_by
from simulator.report.summary import text_table
from simulator.montecarlo.simulate import simulate
from simulator.model.scenario import Scenario, load_scenario
from simulator.model.schema import FIELDS_BY_PATH
from simulator.report.labels import parameter_name, region_name
from simulator.text import Message, text

DISCOVERY_FILE = "discovery.json"
TRAJECTORY_FILE = "discovery_trajectory.csv"
# what discovery.json says the outcome is (in English, as all the file's text)
OUTCOME = f"CO2 does not peak by {TARGET_PEAK_YEAR} (peak_year > {TARGET_PEAK_YEAR})"


def _fraction(interval: str, example: str) -> Message:
    return Message("error.discovery.fraction", interval=interval, example=example)


# PRIM settings: default, test, and what is allowed (a Message)
SETTINGS = {
    "alpha": (0.05, lambda v: 0.0 < v < 0.5, _fraction("(0, 0.5)", "0.05")),
    "min_support": (0.05, lambda v: 0.0 < v < 1.0, _fraction("(0, 1)", "0.05")),
    "min_coverage": (0.5, lambda v: 0.0 < v <= 1.0, _fraction("(0, 1]", "0.5")),
    "density_tolerance": (0.01, lambda v: 0.0 <= v < 1.0, _fraction("[0, 1)", "0.01")),
    "drop_tolerance": (0.01, lambda v: 0.0 <= v < 1.0, _fraction("[0, 1)", "0.01")),
    "min_gain": (0.10, lambda v: 0.0 <= v < 1.0, _fraction("[0, 1)", "0.1")),
}
COUNTS = {"boxes": 2, "max_conditions": 3}  # whole numbers >= 1


def check_setting(name: str, value) -> float | int:
    """A PRIM setting checked against what ``SETTINGS`` / ``COUNTS`` allow.

    Raises
    ------
    ValueError
        Naming the setting, the value and the allowed range; its one argument is a
        ``simulator.text.Message`` (``str(err)`` is the English, ``err.args[0].render("zh")``
        the Chinese).
    """
    if name in COUNTS:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(Message("error.discovery.whole", name=name, given=repr(value)))
        return int(value)
    _, valid, allowed = SETTINGS[name]
    refused = ValueError(Message("error.discovery.setting", name=name, allowed=allowed,
                                 given=repr(value)))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise refused from None
    if not (math.isfinite(number) and valid(number)):
        raise refused
    return number


def default_settings() -> dict:
    return {**{k: v[0] for k, v in SETTINGS.items()}, **COUNTS, "paste": True}


# ---------------------------------------------------------------------------------------------
# PRIM on plain arrays


@dataclass(frozen=True, eq=False)
class Box:
    """One PRIM box: inclusive limits per parameter (infinite where open) and its statistics.

    ``support`` (share of all draws), ``coverage`` (share of all y-true draws) and ``density``
    (share of its draws with y true) count the box's own draws: inside it and outside earlier
    boxes. ``base_rate`` is the y-true share of the draws it was searched on.
    """

    names: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray
    support: float
    coverage: float
    density: float
    draws: int
    cases: int
    base_rate: float
    trajectory: pd.DataFrame = field(repr=False)

    def inside(self, X: np.ndarray) -> np.ndarray:
        """Per row of ``X``: is it inside the box's limits?"""
        return np.all((X >= self.lower) & (X <= self.upper), axis=1)

    @property
    def restricted(self) -> list[int]:
        """Columns with at least one finite limit: the rule's conditions."""
        return _restricted(self.lower, self.upper)

    def gain(self) -> float:
        """Density above the base rate of the draws it was searched on."""
        return self.density - self.base_rate


@dataclass(frozen=True, eq=False)
class PrimResult:
    """What ``prim`` found: the boxes, the data's base rate and the settings used.

    Attributes
    ----------
    names : tuple of str
        One per column of ``X``.
    boxes : tuple of Box
        In the order found, each searched on the draws outside the boxes before it.
    base_rate : float
        Share of all draws with y true.
    draws, cases : int
        All draws, and those with y true.
    settings : dict
        Every PRIM setting, defaults filled in.
    """

    names: tuple[str, ...]
    boxes: tuple[Box, ...]
    base_rate: float
    draws: int
    cases: int
    settings: dict

    def members(self, X: np.ndarray, k: int) -> np.ndarray:
        """Rows that belong to box ``k`` (0-based): inside it and outside boxes 0..k-1."""
        mask = self.boxes[k].inside(X)
        for earlier in self.boxes[:k]:
            mask &= ~earlier.inside(X)
        return mask

    def useful(self, box: Box) -> bool:
        """Does the box restrict something and beat the base rate of the draws it was
        searched on by ``min_gain``?"""
        return bool(box.restricted) and box.gain() >= self.settings["min_gain"]

    @property
    def trajectory(self) -> pd.DataFrame:
        """Every box's peeling trajectory, then its pastes and drops, in one table."""
        return pd.concat([b.trajectory for b in self.boxes], ignore_index=True)


def prim(X: np.ndarray, y: np.ndarray, names, **settings) -> PrimResult:
    """PRIM boxes where ``y`` is mostly true (the method: ``simulator.analysis.discovery``).

    Parameters
    ----------
    X : ndarray, shape (draws, parameters)
        Finite parameter values.
    y : ndarray of bool, shape (draws,)
        The outcome of interest per draw.
    names : sequence of str
        One name per column of ``X``.
    **settings
        ``alpha`` (0.05), ``min_support`` (0.05), ``min_coverage`` (0.5),
        ``density_tolerance`` (0.01), ``paste`` (True), ``drop_tolerance`` (0.01),
        ``max_conditions`` (3), ``boxes`` (2), ``min_gain`` (0.1); see ``SETTINGS``.

    Returns
    -------
    PrimResult
        Up to ``boxes`` boxes (none when ``y`` holds no true value), with trajectories.

    Raises
    ------
    ValueError
        On arrays of the wrong shape, non-finite values or a setting out of range.
    """
    X, y, names = _check_data(X, y, names)
    options = _settings(settings)
    result = PrimResult(names, (), float(y.mean()), len(y), int(y.sum()), options)
    active = np.ones(len(y), dtype=bool)
    while len(result.boxes) < options["boxes"] and y[active].any():
        box = _find_box(X, y, active, names, len(result.boxes) + 1, options)
        if result.boxes and not result.useful(box):
            break
        result = replace(result, boxes=(*result.boxes, box))
        active &= ~box.inside(X)
    return result


def _check_data(X, y, names) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    names = tuple(str(n) for n in names)
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(Message("error.discovery.shape", shape=str(X.shape)))
    if y.dtype != bool or y.shape != (X.shape[0],):
        raise ValueError(Message("error.discovery.outcome", length=X.shape[0], dtype=str(y.dtype),
                                 shape=str(y.shape)))
    if len(names) != X.shape[1] or len(set(names)) != len(names):
        raise ValueError(Message("error.discovery.names", count=X.shape[1], names=str(names)))
    if not np.all(np.isfinite(X)):
        raise ValueError(Message("error.discovery.not_finite"))
    return X, y, names


def _settings(given: dict) -> dict:
    options = default_settings()
    unknown = set(given) - set(options)
    if unknown:
        raise ValueError(Message("error.discovery.unknown", unknown=str(sorted(unknown)),
                                 allowed=str(sorted(options))))
    for name, value in given.items():
        options[name] = bool(value) if name == "paste" else check_setting(name, value)
    return options


class _Search:
    """The state of one box search: the box, its draws, and the rows of its trajectory."""

    def __init__(self, X, y, active, names, number):
        self.X, self.y, self.active, self.names, self.number = X, y, active, names, number
        self.total, self.total_cases = len(y), int(y.sum())
        self.lower = np.full(X.shape[1], -np.inf)
        self.upper = np.full(X.shape[1], np.inf)
        self.inside = active.copy()
        self.rows: list[dict] = []

    def record(self, action: str, column: int | None = None, side: str = "-") -> None:
        draws, cases = int(self.inside.sum()), int(self.y[self.inside].sum())
        row = {"box": self.number, "step": len(self.rows), "action": action,
               "parameter": "-" if column is None else self.names[column], "side": side,
               "draws": draws, "cases": cases, "support": draws / self.total,
               "coverage": cases / self.total_cases, "density": cases / draws if draws else 0.0,
               "selected": False, "reported": False}
        for j, name in enumerate(self.names):
            row[f"{name} lower"], row[f"{name} upper"] = self.lower[j], self.upper[j]
        self.rows.append(row)

    def restore(self, step: int) -> None:
        """Go back to the box of trajectory row ``step``."""
        row = self.rows[step]
        self.lower = np.array([row[f"{n} lower"] for n in self.names])
        self.upper = np.array([row[f"{n} upper"] for n in self.names])
        self.inside = self.members(self.lower, self.upper)

    def members(self, lower, upper) -> np.ndarray:
        return self.active & np.all((self.X >= lower) & (self.X <= upper), axis=1)

    def density(self, mask) -> float:
        count = mask.sum()
        return self.y[mask].sum() / count if count else 0.0


def _find_box(X, y, active, names, number, options) -> Box:
    search = _Search(X, y, active, names, number)
    search.record("start")
    min_draws = options["min_support"] * len(y)
    while _peel(search, options["alpha"], min_draws):
        pass
    step = _select(search.rows, int(y[active].sum()), options)
    search.rows[step]["selected"] = True
    search.restore(step)
    search.record("select")
    if options["paste"]:
        while _paste(search, options["alpha"]):
            pass
    _simplify(search, options["drop_tolerance"], options["max_conditions"])
    search.rows[-1]["reported"] = True
    return _box(search, float(y[active].mean()))


def _peel(search: _Search, alpha: float, min_draws: float) -> bool:
    """Take the one peel that leaves the highest density; False when none is allowed."""
    idx = np.flatnonzero(search.inside)
    n = idx.size
    if n < 2:
        return False
    k = max(1, int(alpha * n))
    y_in = search.y[idx]
    best = None
    for j in range(search.X.shape[1]):
        values = search.X[idx, j]
        ordered = np.partition(values, (k, n - 1 - k))
        for side, limit, removed in (("lower", ordered[k], values < ordered[k]),
                                     ("upper", ordered[n - 1 - k], values > ordered[n - 1 - k])):
            kept = n - int(removed.sum())
            if kept == n or kept < min_draws:
                continue
            key = ((y_in.sum() - y_in[removed].sum()) / kept, kept)
            if best is None or key > best[0]:
                best = (key, j, side, limit, removed)
    if best is None:
        return False
    _, j, side, limit, removed = best
    (search.lower if side == "lower" else search.upper)[j] = limit
    search.inside[idx[removed]] = False
    search.record("peel", j, side)
    return True


def _select(rows: list[dict], active_cases: int, options: dict) -> int:
    """The trajectory step to report (module docstring, step 2)."""
    peeled = [r for r in rows if r["action"] in ("start", "peel")]
    eligible = [r for r in peeled if r["cases"] >= options["min_coverage"] * active_cases]
    best = max(r["density"] for r in eligible)
    near = [r for r in eligible if r["density"] >= best - options["density_tolerance"]]
    return max(near, key=lambda r: (r["cases"], -r["step"]))["step"]


def _paste(search: _Search, alpha: float) -> bool:
    """Widen the one limit that raises the density most by ``alpha`` of the box's draws."""
    current = search.density(search.inside)
    k = max(1, int(alpha * search.inside.sum()))
    best = None
    for j in range(len(search.names)):
        for side in ("lower", "upper"):
            trial = _widened(search, j, side, k)
            if trial is None:
                continue
            density = search.density(search.members(*trial))
            if density > current and (best is None or density > best[0]):
                best = (density, j, side, trial)
    if best is None:
        return False
    _, j, side, (search.lower, search.upper) = best
    search.inside = search.members(search.lower, search.upper)
    search.record("paste", j, side)
    return True


def _widened(search: _Search, j: int, side: str, k: int):
    """Limits with side ``side`` of column ``j`` moved out to take in the ``k`` nearest draws
    beyond it (of those inside every other limit); None if that side is open or empty."""
    limits = search.lower if side == "lower" else search.upper
    if not np.isfinite(limits[j]):
        return None
    lower, upper = search.lower.copy(), search.upper.copy()
    lower[j], upper[j] = -np.inf, np.inf
    values = search.X[search.members(lower, upper), j]
    beyond = values[values < limits[j]] if side == "lower" else values[values > limits[j]]
    if beyond.size == 0:
        return None
    lower[j], upper[j] = search.lower[j], search.upper[j]
    if side == "lower":
        lower[j] = np.partition(beyond, beyond.size - min(k, beyond.size))[-min(k, beyond.size)]
    else:
        upper[j] = np.partition(beyond, min(k, beyond.size) - 1)[min(k, beyond.size) - 1]
    return lower, upper


def _simplify(search: _Search, drop_tolerance: float, max_conditions: int) -> None:
    """Drop limits that cost little density, then parameters beyond ``max_conditions``."""
    while True:
        options = [(j, side) for j in range(len(search.names)) for side in ("lower", "upper")
                   if np.isfinite((search.lower if side == "lower" else search.upper)[j])]
        cost, j, side = _cheapest_drop(search, options)
        if j is None or cost > drop_tolerance:
            break
        _drop(search, j, side)
    while len(restricted := _restricted(search.lower, search.upper)) > max_conditions:
        _, j, side = _cheapest_drop(search, [(j, "both") for j in restricted])
        _drop(search, j, side)


def _restricted(lower: np.ndarray, upper: np.ndarray) -> list[int]:
    return [j for j in range(len(lower)) if np.isfinite(lower[j]) or np.isfinite(upper[j])]


def _opened(search: _Search, j: int, side: str) -> tuple[np.ndarray, np.ndarray]:
    lower, upper = search.lower.copy(), search.upper.copy()
    if side in ("lower", "both"):
        lower[j] = -np.inf
    if side in ("upper", "both"):
        upper[j] = np.inf
    return lower, upper


def _cheapest_drop(search: _Search, options: list) -> tuple[float, int | None, str]:
    current = search.density(search.inside)
    best = (math.inf, None, "-")
    for j, side in options:
        cost = current - search.density(search.members(*_opened(search, j, side)))
        if cost < best[0]:
            best = (cost, j, side)
    return best


def _drop(search: _Search, j: int, side: str) -> None:
    search.lower, search.upper = _opened(search, j, side)
    search.inside = search.members(search.lower, search.upper)
    search.record("drop", j, side)


def _box(search: _Search, base_rate: float) -> Box:
    row = search.rows[-1]
    return Box(search.names, search.lower.copy(), search.upper.copy(), row["support"],
               row["coverage"], row["density"], row["draws"], row["cases"], base_rate,
               pd.DataFrame(search.rows))


# ---------------------------------------------------------------------------------------------
# Discovery on a scenario's ensemble


@dataclass(frozen=True)
class Parameter:
    """An uncertain parameter as sampled: how its draw x acts on the scenario, for reading.

    ``nominal`` is the scenario's value; for a whole driver path (all keys moved together),
    the path's value in ``year``.
    """

    name: str
    apply: str  # add, multiply or set
    unit: str
    nominal: float
    year: int | None = None  # set for a whole driver path

    def value(self, x: float) -> float:
        """The parameter's value for draw x."""
        if self.apply == "set":
            return x
        if self.apply == "add":
            return self.nominal + x
        return self.nominal * x if self.nominal != 0.0 else 0.0  # not 0 * inf

    def condition(self, lower: float, upper: float, lang: str = "en") -> str:
        """``lower <= x <= upper`` (either may be infinite) in the parameter's own terms, in
        ``lang`` (the parameter's path and unit as the scenario writes them)."""
        unit = "" if self.unit == "1" else f" {self.unit}"
        if self.year is not None and self.apply != "set":
            return self._path_condition(lower, upper, unit, lang)
        low, high = sorted((self.value(lower), self.value(upper)))
        limits = _limits(self.name, low, high, ".4g") + unit
        if self.apply == "set":
            return limits
        draw = (_limits(text("console.discover.shift", lang), lower, upper, "+.3g")
                if self.apply == "add" else
                _limits(text("console.discover.factor", lang), lower, upper, ".3g"))
        return text("console.discover.nominal", lang, condition=limits, nominal=self.nominal,
                    draw=draw)

    def _path_condition(self, lower: float, upper: float, unit: str, lang: str) -> str:
        """A shift or factor on every year of a path, with what it makes of one year."""
        values = _range(*sorted((self.value(lower), self.value(upper))), ".3g", lang)
        if self.apply == "add":
            subject = text("console.discover.path_shift", lang, name=self.name)
            draw = _limits(subject, lower, upper, "+.3g") + unit
        else:
            subject = text("console.discover.path_factor", lang, name=self.name)
            draw = _limits(subject, lower, upper, ".3g")
        return text(f"console.discover.path_{self.apply}", lang, draw=draw, year=self.year,
                    nominal=self.nominal, values=values)

    @property
    def draw_unit(self) -> str:
        """Unit of the sampled draw x (the column of ``parameter_value``)."""
        return "1" if self.apply == "multiply" else self.unit


def _limits(subject: str, low: float, high: float, fmt: str) -> str:
    if math.isfinite(low) and math.isfinite(high):
        return f"{low:{fmt}} <= {subject} <= {high:{fmt}}"
    return f"{subject} >= {low:{fmt}}" if math.isfinite(low) else f"{subject} <= {high:{fmt}}"


def _range(low: float, high: float, fmt: str, lang: str = "en") -> str:
    if math.isfinite(low) and math.isfinite(high):
        return text("console.discover.range", lang, low=f"{low:{fmt}}", high=f"{high:{fmt}}")
    return f">= {low:{fmt}}" if math.isfinite(low) else f"<= {high:{fmt}}"


def scenario_parameters(scenario: Scenario) -> list[Parameter]:
    """The scenario's uncertain parameters in ``parameter_value`` column order."""
    found = []
    for entry in scenario["uncertainty.parameters"]:
        name = entry.parameter
        f = FIELDS_BY_PATH[name.partition(".values.")[0]]
        if is_driver_path(scenario.values, name):
            year = min(TARGET_PEAK_YEAR, scenario.end_year)
            path = dense_driver(scenario, f)
            found.append(Parameter(name, entry.apply, f.unit,
                                   float(path[year - scenario.base_year]), year))
        else:
            found.append(Parameter(name, entry.apply, f.unit, float(scenario.parameter(name))))
    return found


@dataclass(frozen=True)
class ShockContext:
    """What the per-year AR(1) shocks do to the answer, from the same parameter draws rerun
    with the shocks switched off."""

    drivers: tuple[str, ...]
    no_peak_share_without_shocks: float
    answer_changed_by_shocks: float  # share of draws whose peak-by-2030 answer the shocks flip
    density_without_shocks: tuple[float, ...]  # per box, its draws' no-peak share, shocks off


@dataclass(frozen=True)
class Discovery:
    """PRIM boxes for "no peak by 2030" over one scenario's ensemble.

    ``prim.boxes`` hold the limits on the sampled draws (``parameter_value`` columns);
    ``parameters`` say how each draw acts on the scenario, for the printed rules.
    """

    scenario: str
    region: str
    scenario_file: str
    scenario_sha256: str
    draws: int
    seed: int
    sampling: str
    plateau: float | None
    parameters: tuple[Parameter, ...]
    prim: PrimResult
    shocks: ShockContext | None

    @property
    def boxes(self) -> tuple[Box, ...]:
        """The PRIM boxes, in the order found (limits on the sampled draws)."""
        return self.prim.boxes

    @property
    def base_rate(self) -> float:
        """Share of all draws that do not peak by 2030."""
        return self.prim.base_rate

    @property
    def trajectory(self) -> pd.DataFrame:
        """Every peel, paste and drop step of every box, one row each."""
        return self.prim.trajectory

    def useful(self, box: Box) -> bool:
        return self.prim.useful(box)

    def rule(self, box: Box, lang: str = "en") -> list[str]:
        """The box's conditions in the parameters' own terms, one per restricted parameter."""
        return [self.parameters[j].condition(box.lower[j], box.upper[j], lang)
                for j in box.restricted]


def discover(scenario, draws: int = ANALYSIS_DRAWS, seed: int = SEED, scheduler: str | None = None,
             plateau: float | None = None, progress: bool | str | None = False,
             **settings) -> Discovery:
    """Which ranges of the uncertain parameters lead to no CO2 peak by 2030 (PRIM).

    Parameters
    ----------
    scenario : Scenario or path
        A scenario with an ``uncertainty.parameters`` section.
    draws, seed : int
        The ensemble, as for ``simulator.simulate``.
    scheduler : str, optional
        Run the draws as Dask tasks (``simulator.simulate``): a ``dask.distributed`` scheduler
        address or ``"processes"``.
    plateau : float, optional
        Plateau tolerance of the peak test (``simulator.montecarlo.peak.peaked_by``).
    progress : bool, str or None
        Progress bar for the Monte Carlo runs (``simulator.simulate``): False or None, none;
        True, in English; a language code (``"en"``, ``"zh"``), in that language.
    **settings
        PRIM settings (``prim``).

    Returns
    -------
    Discovery
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(scenario))
    parameters = scenario_parameters(scenario)
    if not parameters:
        raise ScenarioError(scenario.source, "uncertainty.parameters",
                            Message("error.discovery.no_parameters"),
                            allowed=Message("error.discovery.no_parameters_allowed"))
    options = _settings(settings)  # before the runs, which take longer
    run = _runner(draws, seed, scheduler, progress)
    ensemble = run(scenario)
    X = ensemble["parameter_value"].values
    no_peak = ~peaked_by(ensemble, plateau=plateau)
    result = prim(X, no_peak, ensemble["parameter"].values, **options)
    shocks = _shock_context(scenario, run, result, X, no_peak, plateau)
    return Discovery(scenario.name, scenario.region, str(scenario.source), scenario.digest,
                     draws, seed, scenario["uncertainty.sampling"], plateau, tuple(parameters),
                     result, shocks)


def _runner(draws, seed, scheduler, progress):
    """``scenario -> ensemble`` with the run's settings."""
    return lambda scenario: simulate(scenario, draws=draws, seed=seed, progress=progress,
                                     scheduler=scheduler)


def _shock_context(scenario, run, result, X, no_peak, plateau) -> ShockContext | None:
    shocks = scenario["uncertainty.shocks"]
    if not shocks:
        return None
    calm = run(replace(scenario, values={**scenario.values, "uncertainty.shocks": ()}))
    if not np.array_equal(calm["parameter_value"].values, X):
        raise RuntimeError(Message("error.discovery.draws_changed"))
    calm_no_peak = ~peaked_by(calm, plateau=plateau)
    per_box = tuple(float(calm_no_peak[result.members(X, k)].mean())
                    for k in range(len(result.boxes)))
    return ShockContext(tuple(s.driver for s in shocks), float(calm_no_peak.mean()),
                        float((calm_no_peak != no_peak).mean()), per_box)


# ---------------------------------------------------------------------------------------------
# What the user is told


def discovery_json(result: Discovery) -> dict:
    """The ``discovery.json`` content: settings, base rate, shock context and the boxes."""
    info = {
        "scenario": result.scenario, "region": result.region,
        "scenario_file": result.scenario_file, "scenario_sha256": result.scenario_sha256,
        "draws": result.draws, "seed": result.seed, "sampling": result.sampling,
        "outcome": OUTCOME, "plateau_tolerance": result.plateau,
        "method": "PRIM (Friedman & Fisher 1999): peel, select, paste, simplify, cover",
        "settings": result.prim.settings,
        "base_rate": result.base_rate, "no_peak_draws": result.prim.cases,
        "boxes": [_box_json(result, k) for k in range(len(result.boxes))],
        "outside_boxes": dict(zip(("draws", "no_peak_draws"), _outside(result), strict=True)),
        "verdict": verdict(result),
        "version": __version__,
    }
    if result.shocks is not None:
        s = result.shocks
        info["shocks"] = {"drivers": list(s.drivers),
                          "no_peak_share_without_shocks": s.no_peak_share_without_shocks,
                          "answer_changed_by_shocks": s.answer_changed_by_shocks}
    return info


def _box_json(result: Discovery, k: int) -> dict:
    box = result.boxes[k]
    conditions = [{"parameter": box.names[j], "apply": result.parameters[j].apply,
                   "draw_unit": result.parameters[j].draw_unit,
                   "lower": _finite(box.lower[j]), "upper": _finite(box.upper[j]),
                   "text": result.parameters[j].condition(box.lower[j], box.upper[j])}
                  for j in box.restricted]
    info = {"box": k + 1, "rule": " and ".join(c["text"] for c in conditions) or "(everything)",
            "conditions": conditions, "coverage": box.coverage, "density": box.density,
            "support": box.support, "draws": box.draws, "no_peak_draws": box.cases,
            "base_rate_searched": box.base_rate, "useful": result.useful(box)}
    if result.shocks is not None:
        info["density_without_shocks"] = result.shocks.density_without_shocks[k]
    return info


def _outside(result: Discovery) -> tuple[int, int]:
    """Draws outside every box, and how many of them do not peak."""
    return (result.draws - sum(b.draws for b in result.boxes),
            result.prim.cases - sum(b.cases for b in result.boxes))


def _finite(limit: float) -> float | None:
    return float(limit) if math.isfinite(limit) else None


def verdict(result: Discovery, lang: str = "en") -> str:
    """One plain sentence: do the parameters tell the no-peak draws apart?"""
    points = result.prim.settings["min_gain"] * 100
    if result.prim.cases == 0:
        return text("console.discover.every_draw_peaks", lang, year=TARGET_PEAK_YEAR)
    if result.prim.cases == result.draws:
        return text("console.discover.no_draw_peaks", lang, year=TARGET_PEAK_YEAR)
    if result.useful(result.boxes[0]):
        covered = sum(b.coverage for b in result.boxes if result.useful(b))
        return text("console.discover.useful", lang, covered=covered, points=points)
    if result.shocks is not None:
        return text("console.discover.spread_shocks", lang, rate=result.base_rate,
                    points=points, changed=result.shocks.answer_changed_by_shocks)
    return text("console.discover.spread", lang, rate=result.base_rate, points=points)


def format_discovery(result: Discovery, lang: str = "en") -> str:
    """The printed report: base rate, the boxes as rules, the shock context, the verdict, in
    ``lang`` (``"en"``, ``"zh"``; the parameters' paths and units as the scenario writes
    them)."""
    lines = [text("console.discover.title", lang, scenario=result.scenario,
                  region=region_name(result.region, lang),
                  outcome=text("console.discover.outcome", lang, year=TARGET_PEAK_YEAR)),
             text("console.discover.monte_carlo", lang, draws=result.draws,
                  sampling=result.sampling, seed=result.seed, cases=result.prim.cases,
                  year=TARGET_PEAK_YEAR, rate=result.base_rate),
             _settings_line(result.prim.settings, lang), ""]
    for k, box in enumerate(result.boxes):
        lines += _box_lines(result, k, box, lang)
    draws, cases = _outside(result)
    if result.boxes and draws:
        lines += [text("console.discover.outside", lang, draws=draws,
                       share=cases / max(draws, 1), cases=cases,
                       of_all=cases / result.prim.cases), ""]
    if result.shocks is not None:
        lines += _shock_lines(result, lang)
    return "\n".join([*lines, verdict(result, lang)])


def _settings_line(s: dict, lang: str) -> str:
    paste = text("console.discover.paste_on" if s["paste"] else "console.discover.paste_off",
                 lang)
    return text("console.discover.settings", lang, alpha=s["alpha"],
                min_support=s["min_support"], min_coverage=s["min_coverage"],
                density_tolerance=s["density_tolerance"], paste=paste,
                drop_tolerance=s["drop_tolerance"], max_conditions=s["max_conditions"])


def _box_lines(result: Discovery, k: int, box: Box, lang: str) -> list[str]:
    rule = result.rule(box, lang)
    head = text("console.discover.box_first" if k == 0 else "console.discover.box_later", lang,
                number=k + 1, draws=box.draws, support=box.support, density=box.density,
                base_rate=box.base_rate, coverage=box.coverage)
    if not rule:
        return [head, "  " + text("console.discover.no_restriction", lang), ""]
    body = ["  " + text("console.discover.rule_first" if i == 0 else
                        "console.discover.rule_next", lang, condition=condition)
            for i, condition in enumerate(rule)]
    return [head, *body, ""]


def _shock_lines(result: Discovery, lang: str) -> list[str]:
    s = result.shocks
    rows = [["", text("console.discover.col_no_peak", lang),
             text("console.discover.col_without_shocks", lang)],
            [text("console.discover.row_all", lang), f"{result.base_rate:.1%}",
             f"{s.no_peak_share_without_shocks:.1%}"]]
    rows += [[text("console.discover.row_box", lang, number=k + 1), f"{b.density:.1%}",
              f"{s.density_without_shocks[k]:.1%}"] for k, b in enumerate(result.boxes)]
    drivers = text("console.sensitivity.name_separator", lang).join(
        driver if lang == "en" else parameter_name(driver, lang) for driver in s.drivers)
    return [text("console.discover.shocks", lang, drivers=drivers,
                 changed=s.answer_changed_by_shocks, year=TARGET_PEAK_YEAR),
            *("  " + line for line in text_table(rows, left=1)), ""]
