"""The ``observed`` section: the path passes through what has happened, the Monte Carlo holds it
fixed, every other driver-year stays uncertain, and every shipped observation has its row in the
statistics file."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.model.statistics import observation_rows, read_statistics
from simulator.errors import ScenarioError
from simulator.model.drivers import dense_drivers
from simulator.model.observed import Observation

from conftest import SCENARIOS, minimal_scenario

YEARS_FROM_BASE = {2023: 1, 2024: 2, 2025: 3, 2026: 4}
OBSERVED = [
    {"driver": "gdp_growth", "year": 2023, "value": 0.021, "statistic": "gdp_real_growth"},
    {"driver": "gdp_growth", "year": 2024, "value": 0.034, "statistic": "gdp_real_growth"},
    {"driver": "full_load_hours", "year": 2024, "value": 1400.0, "statistic": "hours"},
    {"driver": "renewable_capacity", "year": 2024, "value": 180.0, "statistic": "capacity"},
]
# every kind of move on the observed drivers: a whole rate path, a level path's key, the
# level's base-year anchor, a yearly shock on each of two observed drivers
UNCERTAIN = {"sampling": "random", "parameters": [
    {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.01},
    {"parameter": "paths.renewable_capacity.values.2030", "apply": "multiply",
     "distribution": "uniform", "low": 0.5, "high": 1.5},
    {"parameter": "base.renewable_capacity", "apply": "multiply", "distribution": "uniform",
     "low": 0.9, "high": 1.1}],
    "shocks": [{"driver": "gdp_growth", "sd": 0.01, "rho": 0.5},
               {"driver": "full_load_hours", "apply": "multiply", "sd": 0.1}]}
PATHS = {"renewable_capacity": {"fill": "linear", "values": {2030: 400.0}}}


def observed_scenario(scenario_file, observed=OBSERVED, **sections):
    return simulator.load_scenario(scenario_file(minimal_scenario(
        observed=observed, paths=PATHS, uncertainty=UNCERTAIN, **sections)))


def test_the_path_passes_through_every_observation(scenario_file):
    drivers = dense_drivers(observed_scenario(scenario_file))
    plain = dense_drivers(observed_scenario(scenario_file, observed=[]))
    for e in OBSERVED:
        assert drivers[e["driver"]][YEARS_FROM_BASE[e["year"]]] == e["value"]
    # a step path takes the value in its year only; the path resumes after it
    assert drivers["gdp_growth"][3] == plain["gdp_growth"][3] == 0.05
    # a linear path is drawn through the observation: base year 100 -> 180 (2024) -> 400 (2030)
    assert drivers["renewable_capacity"][1] == pytest.approx(140.0, rel=1e-12)
    assert drivers["renewable_capacity"][5] == pytest.approx(180.0 + 3 * 220.0 / 6, rel=1e-12)
    # a level held from its anchor (no path) holds the observation after it
    assert drivers["full_load_hours"][1] == pytest.approx(1450.0, rel=1e-12)
    assert (drivers["full_load_hours"][2:] == 1400.0).all()


def test_the_monte_carlo_holds_observed_driver_years_fixed(scenario_file):
    """No parameter move and no shock reaches an observed driver-year; the next year varies."""
    run = simulator.simulate(observed_scenario(scenario_file), draws=400, seed=5, keep="full")
    growth = run["gdp"].values[:, 1:] / run["gdp"].values[:, :-1] - 1.0
    hours = run["renewable_generation"].values / run["renewable_capacity"].values * 1e4
    capacity = run["renewable_capacity"].values
    assert np.ptp(growth[:, 0]) < 1e-12 and np.ptp(growth[:, 1]) < 1e-12  # 2023, 2024
    assert growth[:, 0] == pytest.approx(0.021, abs=1e-12)
    assert np.ptp(hours[:, 2]) < 1e-9 and hours[0, 2] == pytest.approx(1400.0, rel=1e-12)
    assert np.ptp(capacity[:, 2]) == 0.0 and capacity[0, 2] == 180.0
    # uncertain: the years after, and the base-year capacity the anchor parameter moves
    assert np.std(growth[:, 2]) > 0.005
    assert np.std(hours[:, 3]) > 50.0
    assert np.std(capacity[:, 3]) > 1.0 and np.std(capacity[:, 0]) > 1.0


def test_observations_leave_every_other_draw_year_as_it_was(scenario_file):
    """The same draws with and without one step-path observation (growth in 2024) differ in
    that year only: before it CO2 is the same to the bit, after it growth is drawn again."""
    plain = simulator.simulate(observed_scenario(scenario_file, observed=[]), draws=200,
                               seed=5, keep="full")
    one = simulator.simulate(observed_scenario(scenario_file, observed=OBSERVED[1:2]),
                             draws=200, seed=5, keep="full")
    np.testing.assert_array_equal(one["co2"].values[:, :2], plain["co2"].values[:, :2])
    assert not np.array_equal(one["co2"].values[:, 2], plain["co2"].values[:, 2])

    def growth(run):
        return run["gdp"].values[:, 1:] / run["gdp"].values[:, :-1] - 1.0

    assert growth(one)[:, 1] == pytest.approx(0.034, abs=1e-12)
    np.testing.assert_allclose(growth(one)[:, 2:], growth(plain)[:, 2:], rtol=1e-9)


@pytest.mark.parametrize(("entry", "field", "said"), [
    ({"driver": "gdp_grwth"}, "observed[0].gdp_grwth", None),
    ({"year": 2022}, "observed[0].year", "after the base year"),
    ({"year": 2041}, "observed[0].year", "after the base year"),
    ({"value": 3.8}, "observed[0].value", "looks like a percentage"),
    ({"value": "fast"}, "observed[0].value", "expected a number"),
    ({"statistic": ""}, "observed[0].statistic", "indicator"),
    ({"source": "x"}, "observed[0]", "unknown field"),
])
def test_a_bad_observation_names_its_field(scenario_file, entry, field, said):
    bad = {**OBSERVED[0], **entry}
    if "driver" in entry:  # a misspelt driver: did-you-mean from the driver names
        with pytest.raises(ScenarioError, match="not a driver") as caught:
            observed_scenario(scenario_file, observed=[bad])
        assert "gdp_growth" in str(caught.value)
        return
    with pytest.raises(ScenarioError) as caught:
        observed_scenario(scenario_file, observed=[bad])
    assert field in str(caught.value) and said in str(caught.value)
    assert "scenario.yaml" in str(caught.value)


def test_a_driver_year_observed_twice_is_refused(scenario_file):
    with pytest.raises(ScenarioError, match="observed twice"):
        observed_scenario(scenario_file, observed=[OBSERVED[0], {**OBSERVED[0], "value": 0.03}])


def test_a_bad_observed_section_exits_2_without_a_traceback(scenario_file, tmp_path):
    path = scenario_file(minimal_scenario(observed=[{**OBSERVED[0], "year": 1999}]))
    result = subprocess.run([str(Path(sys.executable).parent / "simulate"), str(path), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "observed[0].year" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def statistics():
    return read_statistics()


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*_base.yaml")), ids=lambda p: p.stem)
def test_every_shipped_observation_is_a_sourced_row_of_the_statistics(path, statistics):
    scenario = simulator.load_scenario(path)
    for e in scenario["observed"]:
        rows = observation_rows(scenario.region, e, statistics)
        assert rows, f"{path.name}: {e} has no row with that value"
        assert all(r["grade"] in ("A", "B", "C") and r["address"] for r in rows)


def test_an_observation_whose_value_differs_from_its_row_has_none(statistics):
    """The check above can fail: a value off by a rounding step matches no row."""
    assert observation_rows("Taiyuan", Observation("gdp_growth", 2023, 0.038,
                                                   "gdp_real_growth"), statistics)
    assert not observation_rows("Taiyuan", Observation("gdp_growth", 2023, 0.039,
                                                       "gdp_real_growth"), statistics)
    assert not observation_rows("Shanxi", Observation("gdp_growth", 2023, 0.038,
                                                      "gdp_real_growth"), statistics)
    # a decline is the statistics' change with its sign turned (-3.23 % -> 0.0323)
    decline = Observation("energy_intensity_decline", 2018, 0.0323, "energy_intensity_change")
    assert observation_rows("Shanxi", decline, statistics)
    assert not observation_rows("Shanxi", replace(decline, value=-0.0323), statistics)
