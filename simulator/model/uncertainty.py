"""The ``uncertainty`` section of a scenario: what is uncertain, how, and how it is sampled.

```yaml
uncertainty:
  sampling: latin_hypercube          # random, latin_hypercube or sobol
  parameters:                        # one distribution per entry
    - parameter: paths.gdp_growth    # a parameter path, or a whole driver path (all keys move together)
      apply: add                     # add (value + x), multiply (value * x) or set (x)
      distribution: normal
      sd: 0.01
  correlations:                      # Gaussian copula between parameter entries
    - between: [paths.gdp_growth, paths.energy_intensity_decline]
      rho: 0.3
  shocks:                            # per-year AR(1) shocks on a driver
    - driver: full_load_hours
      apply: multiply                # driver * (1 + e_t); add: driver + e_t
      sd: 0.05                       # stationary standard deviation of e_t
      rho: 0.0                       # lag-1 autocorrelation
```

``DISTRIBUTIONS`` is the table the docs are generated from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.errors import ScenarioError
from simulator.model.checks import check_entry_keys, is_finite
from simulator.model.kernel import DRIVER_NAMES
from simulator.text import Message

APPLIES = ("add", "multiply", "set")
PROCESSES = ("ar1",)  # how a shock evolves: only AR(1)


@dataclass(frozen=True)
class Distribution:
    name: str
    params: tuple[str, ...]
    rule_key: str  # the catalogue entry saying what the distribution is and what it allows

    @property
    def rule(self) -> Message:
        """What the distribution is and what its parameters allow, in words."""
        return Message(self.rule_key)

    @property
    def description(self) -> str:
        """``rule`` in English, as the docs' table shows it."""
        return str(self.rule)


DISTRIBUTIONS = {d.name: d for d in (
    Distribution("normal", ("mean", "sd"), "error.uncertainty.rule_normal"),
    Distribution("lognormal", ("median", "sigma"), "error.uncertainty.rule_lognormal"),
    Distribution("uniform", ("low", "high"), "error.uncertainty.rule_uniform"),
    Distribution("triangular", ("low", "mode", "high"), "error.uncertainty.rule_triangular"),
    Distribution("truncated_normal", ("mean", "sd", "low", "high"),
                 "error.uncertainty.rule_truncated_normal"),
)}
DEFAULT_CENTRE = {"add": 0.0, "multiply": 1.0}
# Distribution and shock numbers are held within these, so that no draw overflows: LARGEST
# is above every bound of the schema (10^9), and a draw lies within about 8.3 standard
# deviations (the sampler's uniforms stay 2^-53 from 0 and 1), so a lognormal factor stays
# below e^83 and any drawn value, times any field's value, far below the float maximum.
LARGEST = 1e12
LARGEST_SIGMA = 10.0


@dataclass(frozen=True)
class UncertainParameter:
    parameter: str
    apply: str
    distribution: str
    values: tuple[tuple[str, float], ...]  # the distribution's parameters by name

    def value(self, name: str) -> float:
        return dict(self.values)[name]


@dataclass(frozen=True)
class Correlation:
    between: tuple[str, str]
    rho: float


@dataclass(frozen=True)
class Shock:
    driver: str
    apply: str
    sd: float
    rho: float


def check_parameters(value, file: Path, where: str) -> tuple[UncertainParameter, ...]:
    entries = _list_of_mappings(value, file, where)
    return tuple(_uncertain_parameter(e, file, f"{where}[{i}]") for i, e in enumerate(entries))


def check_correlations(value, file: Path, where: str) -> tuple[Correlation, ...]:
    entries = _list_of_mappings(value, file, where)
    return tuple(_correlation(e, file, f"{where}[{i}]") for i, e in enumerate(entries))


def check_shocks(value, file: Path, where: str) -> tuple[Shock, ...]:
    entries = _list_of_mappings(value, file, where)
    return tuple(_shock(e, file, f"{where}[{i}]") for i, e in enumerate(entries))


def _list_of_mappings(value, file: Path, where: str) -> list:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ScenarioError(file, where, Message("error.uncertainty.not_list"), value=value,
                            allowed=Message("error.uncertainty.see_docs"))
    return value


def _number(entry: dict, key: str, file: Path, where: str, low: float, high: float,
            what: Message) -> float:
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not is_finite(value):
        raise ScenarioError(file, f"{where}.{key}", Message("error.uncertainty.not_finite"),
                            value=value, allowed=what)
    if not low <= value <= high:
        raise ScenarioError(file, f"{where}.{key}", Message("error.uncertainty.out_of_range"),
                            value=value, allowed=what)
    return float(value)


def _uncertain_parameter(entry: dict, file: Path, where: str) -> UncertainParameter:
    name = entry.get("distribution")
    dist = DISTRIBUTIONS.get(name) if isinstance(name, str) else None
    if dist is None:  # checked before the keys, which depend on the distribution
        if "distribution" not in entry:
            check_entry_keys(entry, ("parameter", "apply", "distribution"), ("distribution",),
                             file, where)
        raise ScenarioError(file, f"{where}.distribution",
                            Message("error.uncertainty.unknown_distribution"), value=name,
                            allowed=", ".join(DISTRIBUTIONS))
    check_entry_keys(entry, ("parameter", "apply", "distribution", *dist.params),
                     ("parameter", "distribution"), file, where)
    apply = entry.get("apply", "add")
    if apply not in APPLIES:
        raise ScenarioError(file, f"{where}.apply", Message("error.uncertainty.unknown_apply"),
                            value=apply, allowed=Message("error.uncertainty.applies"))
    if not isinstance(entry["parameter"], str):
        raise ScenarioError(file, f"{where}.parameter",
                            Message("error.uncertainty.expected_parameter"),
                            value=entry["parameter"],
                            allowed=Message("error.uncertainty.parameter_example"))
    values = _distribution_values(dist, entry, apply, file, where)
    return UncertainParameter(entry["parameter"], apply, name, tuple(values.items()))


def _distribution_values(dist: Distribution, entry: dict, apply: str, file: Path,
                         where: str) -> dict:
    centre = DEFAULT_CENTRE.get(apply)
    defaults = {"mean": centre, "median": centre}
    values = {}
    for p in dist.params:
        if p not in entry and defaults.get(p) is None:
            raise ScenarioError(file, f"{where}.{p}", Message("error.uncertainty.missing_for",
                                                              distribution=dist.name),
                                allowed=dist.rule)
        values[p] = _number(entry, p, file, where, -LARGEST, LARGEST,
                            Message("error.uncertainty.each_within", rule=dist.rule,
                                    largest=LARGEST)) if p in entry else defaults[p]
    _check_shape(dist, values, file, where)
    return values


def _check_shape(dist: Distribution, v: dict, file: Path, where: str) -> None:
    problems = [
        ("sd", v.get("sd", 0) < 0, Message("error.uncertainty.sd_negative")),
        ("sigma", v.get("sigma", 0) < 0, Message("error.uncertainty.sigma_negative")),
        ("sigma", v.get("sigma", 0) > LARGEST_SIGMA,
         Message("error.uncertainty.sigma_too_large", largest=LARGEST_SIGMA)),
        ("median", v.get("median", 1) <= 0, Message("error.uncertainty.median_not_positive")),
        ("low", "high" in v and v["low"] > v["high"], Message("error.uncertainty.low_above_high")),
        ("mode", "mode" in v and not v["low"] <= v["mode"] <= v["high"],
         Message("error.uncertainty.mode_outside")),
        ("high", dist.name == "truncated_normal" and v["low"] >= v["high"],
         Message("error.uncertainty.low_not_below_high")),
    ]
    for key, bad, problem in problems:
        if bad:
            raise ScenarioError(file, f"{where}.{key}", problem, value=v[key],
                                allowed=dist.rule)


def _correlation(entry: dict, file: Path, where: str) -> Correlation:
    check_entry_keys(entry, ("between", "rho"), ("between", "rho"), file, where)
    pair = entry["between"]
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            and pair[0] != pair[1]):
        raise ScenarioError(file, f"{where}.between", Message("error.uncertainty.not_a_pair"),
                            value=pair, allowed=Message("error.uncertainty.pair_allowed"))
    rho = _number(entry, "rho", file, where, -1.0, 1.0, Message("error.uncertainty.correlation"))
    return Correlation(tuple(pair), rho)


def _shock(entry: dict, file: Path, where: str) -> Shock:
    check_entry_keys(entry, ("driver", "apply", "process", "sd", "rho"), ("driver", "sd"),
                     file, where)
    if entry["driver"] not in DRIVER_NAMES:
        raise ScenarioError(file, f"{where}.driver", Message("error.uncertainty.not_a_driver"),
                            value=entry["driver"], allowed=", ".join(DRIVER_NAMES))
    if entry.get("process", PROCESSES[0]) not in PROCESSES:
        raise ScenarioError(file, f"{where}.process", Message("error.uncertainty.unknown_process"),
                            value=entry["process"], allowed=", ".join(PROCESSES))
    apply = entry.get("apply", "add")
    if apply not in ("add", "multiply"):
        raise ScenarioError(file, f"{where}.apply",
                            Message("error.uncertainty.unknown_shock_apply"), value=apply,
                            allowed=Message("error.uncertainty.shock_applies"))
    sd = _number(entry, "sd", file, where, 0.0, LARGEST,
                 Message("error.uncertainty.shock_sd", largest=LARGEST))
    rho = _number(entry, "rho", file, where, -0.999, 0.999,
                  Message("error.uncertainty.autocorrelation")) if "rho" in entry else 0.0
    return Shock(entry["driver"], apply, sd, rho)


def correlation_matrix(parameters: tuple[UncertainParameter, ...],
                       correlations: tuple[Correlation, ...], file: Path) -> np.ndarray:
    """The copula's correlation matrix; ``ScenarioError`` if a name is unknown or it is not
    positive semi-definite."""
    index = {p.parameter: i for i, p in enumerate(parameters)}
    matrix = np.eye(len(parameters))
    for k, c in enumerate(correlations):
        unknown = [name for name in c.between if name not in index]
        if unknown:
            raise ScenarioError(file, f"uncertainty.correlations[{k}].between",
                                Message("error.uncertainty.not_an_entry"), value=unknown[0],
                                allowed=", ".join(index)
                                or Message("error.uncertainty.declare_first"))
        i, j = (index[name] for name in c.between)
        matrix[i, j] = matrix[j, i] = c.rho
    smallest = float(np.linalg.eigvalsh(matrix).min()) if len(matrix) else 1.0
    if smallest < -1e-10:
        raise ScenarioError(file, "uncertainty.correlations",
                            Message("error.uncertainty.inconsistent"), value=round(smallest, 6),
                            allowed=Message("error.uncertainty.consistent"))
    return matrix
