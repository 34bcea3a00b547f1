"""The ``observed`` section of a scenario: what has already happened after the base year.

```yaml
observed:                      # one entry per driver and year
  - driver: gdp_growth         # a driver of ``paths`` (its unit: a fraction for rates and shares)
    year: 2023                 # after the base year, within the horizon
    value: 0.038
    statistic: gdp_real_growth # the row (region, year, indicator) of
                               # calibration/data/regional_statistics.csv that gives it
```

An observed value is the driver's value in that year: the deterministic path passes through it
(a linear path as a point it is drawn through, a step path as that year's value), and in the
Monte Carlo the driver is fixed in that year: neither a parameter's move nor a yearly shock
applies to it there. A driver-year with no observation stays uncertain (``docs/observed.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.errors import ScenarioError
from simulator.model.checks import check_entry_keys
from simulator.model.kernel import DRIVER_NAMES
from simulator.text import Message

KEYS = ("driver", "year", "value", "statistic")


@dataclass(frozen=True)
class Observation:
    driver: str
    year: int
    value: float
    statistic: str  # the indicator of the statistics file's row (region and year: the entry's)


def check_observations(value, file: Path, where: str) -> tuple[Observation, ...]:
    """The entries' form: known keys, all present, a known driver, a whole year and a number.
    The value's bounds (its driver's) and the year's horizon are checked with the rest of the
    scenario (``simulator.model.scenario``)."""
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ScenarioError(file, where, Message("error.observed.not_list"), value=value,
                            allowed=Message("error.observed.see_docs"))
    entries = tuple(_observation(e, file, f"{where}[{i}]") for i, e in enumerate(value))
    seen = set()
    for i, e in enumerate(entries):
        if (e.driver, e.year) in seen:
            raise ScenarioError(file, f"{where}[{i}]", Message("error.observed.twice"),
                                value=f"{e.driver} {e.year}",
                                allowed=Message("error.observed.once"))
        seen.add((e.driver, e.year))
    return entries


def _observation(entry: dict, file: Path, where: str) -> Observation:
    check_entry_keys(entry, KEYS, KEYS, file, where)
    driver, year, number, statistic = (entry[k] for k in KEYS)
    if driver not in DRIVER_NAMES:
        raise ScenarioError(file, f"{where}.driver", Message("error.observed.not_a_driver"),
                            value=driver, allowed=", ".join(DRIVER_NAMES))
    if isinstance(year, bool) or not isinstance(year, int):
        raise ScenarioError(file, f"{where}.year", Message("error.field.year_not_whole"),
                            value=year, allowed=Message("error.field.years_allowed"))
    if not isinstance(statistic, str) or not statistic:
        raise ScenarioError(file, f"{where}.statistic", Message("error.observed.statistic"),
                            value=statistic, allowed=Message("error.observed.statistic_allowed"))
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise ScenarioError(file, f"{where}.value", Message("error.field.expected_number"),
                            value=number, allowed=Message("error.observed.value_allowed"))
    return Observation(driver, year, float(number), statistic)


def by_driver(observations: tuple[Observation, ...], driver: str) -> dict[int, float]:
    """{year: value} of one driver's observations."""
    return {e.year: e.value for e in observations if e.driver == driver}


def varied_drivers(parameters, shocks) -> list[str]:
    """The drivers an uncertainty section moves (by a parameter on their path or base-year
    value, or by a shock), in the kernel's order."""
    moved = {entry.parameter.split(".")[1] for entry in parameters
             if entry.parameter.split(".")[0] in ("paths", "base")}
    moved |= {shock.driver for shock in shocks}
    return [name for name in DRIVER_NAMES if name in moved]


def uncertain_from(observations: tuple[Observation, ...], drivers: list[str],
                   base_year: int) -> dict[str, int]:
    """For each of ``drivers``: the first year after the base year it is not observed in."""
    first = {}
    for driver in drivers:
        seen = by_driver(observations, driver)
        year = base_year + 1
        while year in seen:
            year += 1
        first[driver] = year
    return first
