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
from simulator.model.checks import check_known, is_finite
from simulator.model.kernel import DRIVER_NAMES

APPLIES = ("add", "multiply", "set")


@dataclass(frozen=True)
class Distribution:
    name: str
    params: tuple[str, ...]
    description: str


DISTRIBUTIONS = {d.name: d for d in (
    Distribution("normal", ("mean", "sd"), "mean + sd z; mean defaults to 0 (add) or 1 "
                 "(multiply); sd >= 0"),
    Distribution("lognormal", ("median", "sigma"), "median exp(sigma z); median > 0 defaults "
                 "to 1 (multiply); sigma >= 0, at most 10"),
    Distribution("uniform", ("low", "high"), "flat on [low, high]; low <= high"),
    Distribution("triangular", ("low", "mode", "high"), "triangle on [low, high] peaking at "
                 "mode; low <= mode <= high"),
    Distribution("truncated_normal", ("mean", "sd", "low", "high"), "normal(mean, sd) cut to "
                 "[low, high]; low < high, sd >= 0; mean defaults as for normal"),
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
        raise ScenarioError(file, where, "wrong type: expected a list of mappings (each entry "
                            "starting with '- ')", value=value, allowed="see the uncertainty part of docs/scenario_format.md")
    return value


def _keys(entry: dict, allowed: tuple, required: tuple, file: Path, where: str) -> None:
    for key in entry:
        check_known(key, list(allowed), file, parent=where)
    for key in required:
        if key not in entry:
            raise ScenarioError(file, f"{where}.{key}", "missing", allowed=", ".join(allowed))


def _number(entry: dict, key: str, file: Path, where: str, low=-LARGEST, high=LARGEST,
            what: str = "a number") -> float:
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not is_finite(value):
        raise ScenarioError(file, f"{where}.{key}", "expected a finite number", value=value,
                            allowed=what)
    if not low <= value <= high:
        raise ScenarioError(file, f"{where}.{key}", "out of range", value=value, allowed=what)
    return float(value)


def _uncertain_parameter(entry: dict, file: Path, where: str) -> UncertainParameter:
    name = entry.get("distribution")
    dist = DISTRIBUTIONS.get(name) if isinstance(name, str) else None
    if dist is None:  # checked before the keys, which depend on the distribution
        if "distribution" not in entry:
            _keys(entry, ("parameter", "apply", "distribution"), ("distribution",), file, where)
        raise ScenarioError(file, f"{where}.distribution", "unknown distribution", value=name,
                            allowed=", ".join(DISTRIBUTIONS))
    _keys(entry, ("parameter", "apply", "distribution", *dist.params),
          ("parameter", "distribution"), file, where)
    apply = entry.get("apply", "add")
    if apply not in APPLIES:
        raise ScenarioError(file, f"{where}.apply", "unknown way to apply a draw", value=apply,
                            allowed="add (value + x), multiply (value * x), set (x)")
    if not isinstance(entry["parameter"], str):
        raise ScenarioError(file, f"{where}.parameter", "expected a parameter path",
                            value=entry["parameter"], allowed="e.g. paths.gdp_growth")
    values = _distribution_values(dist, entry, apply, file, where)
    return UncertainParameter(entry["parameter"], apply, name, tuple(values.items()))


def _distribution_values(dist: Distribution, entry: dict, apply: str, file: Path,
                         where: str) -> dict:
    centre = DEFAULT_CENTRE.get(apply)
    defaults = {"mean": centre, "median": centre}
    values = {}
    for p in dist.params:
        if p not in entry and defaults.get(p) is None:
            raise ScenarioError(file, f"{where}.{p}", f"missing for distribution {dist.name}",
                                allowed=dist.description)
        values[p] = _number(entry, p, file, where, what=f"{dist.description}; each within "
                            f"+-{LARGEST:g}") if p in entry else defaults[p]
    _check_shape(dist, values, file, where)
    return values


def _check_shape(dist: Distribution, v: dict, file: Path, where: str) -> None:
    problems = [
        ("sd", v.get("sd", 0) < 0, "a standard deviation cannot be negative"),
        ("sigma", v.get("sigma", 0) < 0, "sigma cannot be negative"),
        ("sigma", v.get("sigma", 0) > LARGEST_SIGMA, f"sigma above {LARGEST_SIGMA:g} (a factor "
         f"of e^{LARGEST_SIGMA:g} per standard deviation)"),
        ("median", v.get("median", 1) <= 0, "a lognormal median must be positive"),
        ("low", "high" in v and v["low"] > v["high"], "low is above high"),
        ("mode", "mode" in v and not v["low"] <= v["mode"] <= v["high"], "mode outside [low, high]"),
        ("high", dist.name == "truncated_normal" and v["low"] >= v["high"], "low must be below high"),
    ]
    for key, bad, problem in problems:
        if bad:
            raise ScenarioError(file, f"{where}.{key}", problem, value=v[key],
                                allowed=dist.description)


def _correlation(entry: dict, file: Path, where: str) -> Correlation:
    _keys(entry, ("between", "rho"), ("between", "rho"), file, where)
    pair = entry["between"]
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            and pair[0] != pair[1]):
        raise ScenarioError(file, f"{where}.between", "expected two different parameter names",
                            value=pair, allowed="[name of one parameters entry, name of another]")
    rho = _number(entry, "rho", file, where, -1.0, 1.0, "a correlation in [-1, 1]")
    return Correlation(tuple(pair), rho)


def _shock(entry: dict, file: Path, where: str) -> Shock:
    _keys(entry, ("driver", "apply", "process", "sd", "rho"), ("driver", "sd"), file, where)
    if entry["driver"] not in DRIVER_NAMES:
        raise ScenarioError(file, f"{where}.driver", "not a driver", value=entry["driver"],
                            allowed=", ".join(DRIVER_NAMES))
    if entry.get("process", "ar1") != "ar1":
        raise ScenarioError(file, f"{where}.process", "unknown process",
                            value=entry["process"], allowed="ar1")
    apply = entry.get("apply", "add")
    if apply not in ("add", "multiply"):
        raise ScenarioError(file, f"{where}.apply", "unknown way to apply a shock", value=apply,
                            allowed="add (driver + e) or multiply (driver * (1 + e))")
    sd = _number(entry, "sd", file, where, 0.0, LARGEST,
                 f"a standard deviation >= 0, at most {LARGEST:g}")
    rho = _number(entry, "rho", file, where, -0.999, 0.999, "an autocorrelation in "
                  "[-0.999, 0.999]") if "rho" in entry else 0.0
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
                                "not an entry of uncertainty.parameters", value=unknown[0],
                                allowed=", ".join(index) or "declare parameters first")
        i, j = (index[name] for name in c.between)
        matrix[i, j] = matrix[j, i] = c.rho
    smallest = float(np.linalg.eigvalsh(matrix).min()) if len(matrix) else 1.0
    if smallest < -1e-10:
        raise ScenarioError(file, "uncertainty.correlations", "the correlations are not "
                            "consistent with each other (matrix not positive semi-definite)",
                            value=round(smallest, 6), allowed="a set of pairwise correlations "
                            "whose matrix has no negative eigenvalue; weaken the strongest pairs")
    return matrix
