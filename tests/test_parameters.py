"""Scenario parameters addressed by path: read, replaced within bounds, unknown names refused."""

import pytest

import re

import simulator
from simulator import ScenarioError
from simulator.model.schema import FIELDS_BY_PATH

from conftest import minimal_scenario

PATHS = {"electricity_share_final": {"fill": "linear", "values": {2030: 0.4}}}


@pytest.fixture
def scenario(scenario_file):
    return simulator.load_scenario(scenario_file(minimal_scenario(paths=PATHS)))


def test_scalar_and_driver_path_parameters_are_read(scenario):
    assert scenario.parameter("base.gdp") == 1000.0
    assert scenario.parameter("paths.electricity_share_final.values.2030") == 0.4
    assert scenario.parameter("paths.gdp_growth.values.2023") == 0.05


def test_replacing_parameters_returns_a_new_scenario_and_changes_the_projection(scenario):
    changed = scenario.with_parameters({"paths.electricity_share_final.values.2030": 0.2,
                                        "base.gdp": 2000.0})
    assert changed.parameter("paths.electricity_share_final.values.2030") == 0.2
    assert scenario.parameter("paths.electricity_share_final.values.2030") == 0.4  # untouched
    before, after = simulator.project(scenario), simulator.project(changed)
    assert float(before.electricity_share_final.sel(year=2030)) == pytest.approx(0.4)
    assert float(after.electricity_share_final.sel(year=2030)) == pytest.approx(0.2)
    assert float(after.gdp.sel(year=2022)) == 2 * float(before.gdp.sel(year=2022))


@pytest.mark.parametrize("name, fragment", [
    ("base.electricity_share_fina", "close matches: base.electricity_share_final"),
    ("paths.electricity_share_final.values.2031",
     "a key paths.electricity_share_final has: paths.electricity_share_final.values.2030"),
    ("paths.direct_oil_share.values.2030", "paths.direct_oil_share is not set in this scenario"),
    ("base_year", "base_year is not a continuous number (type int)"),
    ("nonsense", "a number field such as base."),
])
def test_unknown_parameter_lists_close_matches(scenario, name, fragment):
    with pytest.raises(ScenarioError) as info:
        scenario.parameter(name)
    assert info.value.field == name and fragment in str(info.value)


def test_the_examples_an_unknown_parameter_gets_are_fields_of_the_schema(scenario):
    # the error teaches by example: the fields it names must exist (in every language)
    with pytest.raises(ScenarioError) as info:
        scenario.parameter("nonsense")
    for lang in ("en", "zh"):
        shown = re.findall(r"\b(?:base|paths)\.[a-z_]+", info.value.message(lang))
        assert shown, info.value.message(lang)
        assert [name for name in shown if name not in FIELDS_BY_PATH] == [], lang


def test_a_replaced_value_is_held_to_the_field_bounds(scenario):
    with pytest.raises(ScenarioError, match="looks like a percentage: write 0.4"):
        scenario.with_parameters({"paths.electricity_share_final.values.2030": 40})
