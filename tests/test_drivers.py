"""Driver paths: year keys filled for every year by the declared rule."""

import numpy as np
import pytest

from simulator.model.drivers import dense_drivers, fill_path
from simulator.model.scenario import load_scenario

from conftest import minimal_scenario

YEARS = np.arange(2022, 2031)


def test_step_holds_each_value_from_its_key_year_on():
    got = fill_path(YEARS, [2023, 2026], [0.05, 0.02], "step")
    expected = [0.05, 0.05, 0.05, 0.05, 0.02, 0.02, 0.02, 0.02, 0.02]
    np.testing.assert_array_equal(got, expected)


def test_linear_interpolates_between_keys_and_holds_after_the_last():
    got = fill_path(YEARS, [2022, 2026], [1.0, 3.0], "linear")
    np.testing.assert_allclose(got, [1.0, 1.5, 2.0, 2.5, 3.0, 3.0, 3.0, 3.0, 3.0], rtol=0, atol=1e-15)


def test_level_path_starts_from_its_base_year_anchor(scenario_file):
    data = minimal_scenario(paths={"direct_gas_share": {"fill": "linear", "values": {2032: 0.3}}})
    drivers = dense_drivers(load_scenario(scenario_file(data)))
    gas = drivers["direct_gas_share"]
    assert gas[0] == pytest.approx(0.1)           # base.direct_gas_share
    assert gas[5] == pytest.approx(0.2)           # halfway from 0.1 (2022) to 0.3 (2032)
    assert gas[-1] == pytest.approx(0.3)          # held after the last key


def test_rate_path_has_no_value_in_the_base_year(scenario_file):
    drivers = dense_drivers(load_scenario(scenario_file(minimal_scenario())))
    assert drivers["gdp_growth"][0] == 0.0
    assert np.all(drivers["gdp_growth"][1:] == 0.05)


def test_unset_level_path_holds_the_base_value(scenario_file):
    drivers = dense_drivers(load_scenario(scenario_file(minimal_scenario())))
    np.testing.assert_array_equal(drivers["renewable_capacity"], 100.0)
