"""Required effort: the value of one parameter at which P(CO2 peaks by 2030) reaches a given
probability.

Every evaluation runs ``simulate`` with the same seed and draws (common random numbers), so
P(value) is a deterministic step function of the value and the search is exact up to its
tolerance: it keeps one value where P is below the asked probability and one where it is at or
above, and narrows the gap between them (bisection here; on a scheduler, several values a
round). Where P is not monotone in the value, the answer is one crossing, not necessarily the
only one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from simulator.defaults import ANALYSIS_DRAWS, SEED
from simulator.errors import InputError
from simulator.model.scenario import Scenario
from simulator.model.schema import LARGEST, Field
from simulator.analysis.sweeps import check_horizon, run_points, settable_field
from simulator.montecarlo.tasks import progress_bar
from simulator.text import Message

# default search range: from zero to three times the plan's value, within the field's bounds
DEFAULT_SCALE = 3.0
RELATIVE_TOLERANCE = 1e-4  # the search stops when the gap is this share of the range
VALUES_PER_ROUND = {False: 1, True: 7}  # values evaluated together: here, on a scheduler
FOUND, WHOLE_RANGE, UNREACHABLE = "found", "whole_range", "unreachable"


@dataclass(frozen=True)
class Evaluation:
    """P(CO2 peaks by 2030) at one value of the parameter, with its Wilson 95 % interval."""

    value: float
    probability: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class RequiredValue:
    """The answer of ``required_value``.

    ``status`` is ``found`` (``required`` reaches the probability, ``below`` is the nearest
    value searched on the other side, within ``tolerance``), ``whole_range`` (reached at both
    ends of the range already: ``required`` is the end with the lower P) or ``unreachable``
    (``best`` is the highest P found). ``direction`` is ``at least`` when P rises with the
    value, ``at most`` when it falls.
    """

    scenario: str
    parameter: str
    unit: str
    probability: float
    status: str
    direction: str
    required: Evaluation | None
    below: Evaluation | None
    plan: Evaluation
    best: Evaluation
    search_range: tuple[float, float]
    tolerance: float
    evaluations: int
    draws: int
    seed: int
    sampling: str

    def to_dict(self) -> dict:
        """Plain numbers and text, for ``require.json``."""
        return asdict(self)


def required_value(scenario: Scenario, path: str, probability: float,
                   draws: int = ANALYSIS_DRAWS, seed: int = SEED,
                   bounds: tuple[float, float] | None = None, scheduler: str | None = None,
                   progress: bool | str | None = False) -> RequiredValue:
    """The value of one parameter at which P(CO2 peaks by 2030) reaches ``probability``.

    Parameters
    ----------
    scenario : Scenario
        From ``simulator.load_scenario``, with an uncertainty section.
    path : str
        A parameter path, e.g. ``paths.energy_intensity_decline.values.2026``.
    probability : float
        The asked P(peak by 2030), strictly between 0 and 1.
    draws, seed : int
        The same at every evaluation (common random numbers).
    bounds : (low, high), optional
        The range searched; by default from zero to ``DEFAULT_SCALE`` times the plan's value,
        within the field's bounds.
    scheduler : str, optional
        Where the evaluations run (``simulator.montecarlo.tasks.run_tasks``).
    progress : bool, str or None
        Show a progress bar over the evaluations (after 2 s) on standard error: False or None,
        none; True, in English; a language code (``"en"``, ``"zh"``), in that language.

    Returns
    -------
    RequiredValue
        Found, reached over the whole range, or unreachable in it (not an error).

    Raises
    ------
    InputError
        An unknown path (with close matches), a parameter drawn with ``apply: set``, a
        probability outside (0, 1) or a bad range.
    """
    field = settable_field(scenario, path)
    check_horizon(scenario)
    check_probability(probability)
    low, high = search_range(scenario, path, field, bounds)
    tolerance = (high - low) * RELATIVE_TOLERANCE
    per_round = VALUES_PER_ROUND[scheduler is not None]
    rounds = math.ceil(math.log(1 / RELATIVE_TOLERANCE) / math.log(per_round + 1))
    evaluated: list[Evaluation] = []
    with progress_bar(3 + rounds * per_round, Message("progress.required_value"),
                      Message("progress.points"), progress) as bar:
        def evaluate(values: list[float]) -> list[Evaluation]:
            points = [scenario.with_parameters({path: v}) for v in values]
            results = run_points(points, draws, seed, scheduler, bar)
            evaluated.extend(_evaluation(v, r) for v, r in zip(values, results, strict=True))
            return evaluated[-len(values):]

        at_low, at_high, plan = evaluate([low, high, scenario.parameter(path)])
        weak, strong = (at_low, at_high) if at_high.probability >= at_low.probability \
            else (at_high, at_low)
        status, below, required = _status(weak, strong, probability)
        if status == FOUND:
            below, required = _narrow(evaluate, weak, strong, probability, tolerance, per_round)
    return RequiredValue(
        scenario.name, path, field.unit, probability, status,
        "at least" if strong.value >= weak.value else "at most", required, below, plan,
        max(evaluated, key=lambda e: e.probability), (low, high), tolerance, len(evaluated),
        draws, seed, scenario["uncertainty.sampling"])


def _evaluation(value: float, result: dict) -> Evaluation:
    return Evaluation(value, result["peak_probability"],
                      (result["peak_probability_lower"], result["peak_probability_upper"]))


def _status(weak: Evaluation, strong: Evaluation, probability: float):
    """(status, below, required) from the two ends of the range, ``weak`` the one with lower P."""
    if strong.probability < probability:
        return UNREACHABLE, None, None
    if weak.probability >= probability:
        return WHOLE_RANGE, None, weak
    return FOUND, weak, strong


def _narrow(evaluate, below: Evaluation, above: Evaluation, probability: float,
            tolerance: float, per_round: int) -> tuple[Evaluation, Evaluation]:
    """Close the gap between a value with P below ``probability`` and one at or above it."""
    while abs(above.value - below.value) > tolerance:
        step = (above.value - below.value) / (per_round + 1)
        for trial in evaluate([below.value + i * step for i in range(1, per_round + 1)]):
            if trial.probability >= probability:
                above = trial
                break
            below = trial
    return below, above


def check_probability(probability) -> None:
    """``InputError`` naming ``probability`` unless it is a fraction strictly in (0, 1)."""
    is_number = isinstance(probability, (int, float)) and not isinstance(probability, bool)
    if is_number and 0 < probability < 1:
        return
    problem = Message("error.effort.percentage", value=probability,
                      fraction=probability / 100) if is_number and 1 < probability < 100 \
        else Message("error.effort.probability")
    raise InputError("probability", None, problem, value=probability,
                     allowed=Message("error.effort.probability_allowed"))


def search_range(scenario: Scenario, path: str, field: Field,
                 bounds: tuple[float, float] | None) -> tuple[float, float]:
    """The range searched: ``bounds`` if given, else from zero to ``DEFAULT_SCALE`` times the
    plan's value (the field's bounds where the plan's value is zero), within the field's
    bounds; each end is checked as a value of the parameter."""
    if bounds is None:
        low, high = _default_range(scenario.parameter(path), field)
    else:
        low, high = (float(b) for b in bounds)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise InputError(scenario.source, path, Message("error.effort.no_range"),
                         value=(low, high),
                         allowed=Message("error.effort.range_allowed", bounds=field.allowed()))
    scenario.with_parameters({path: low})
    scenario.with_parameters({path: high})
    return low, high


def _default_range(plan: float, field: Field) -> tuple[float, float]:
    low, high = sorted((0.0, DEFAULT_SCALE * plan))
    if low == high:  # no plan value to scale from: the field's own range, unless that is
        # only the schema's numerical limit (searching 0..10^9 says nothing): ask for a range
        return (math.nan, math.nan) if LARGEST in map(abs, field.bounds) else field.bounds
    return max(low, field.bounds[0]), min(high, field.bounds[1])
