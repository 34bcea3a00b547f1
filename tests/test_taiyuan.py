"""The hand-set Taiyuan base scenario reproduces the plan indicators its comments claim.

Plan numbers: ../shared/seeds/000_703766b93cbdd912.txt, table 试点建设指标.
"""

import pytest

import simulator

from conftest import TAIYUAN

# (variable, year, plan value, scale from model units to the plan's units)
PLAN_INDICATORS = [
    ("energy_intensity", 2022, 0.601, 1.0),
    ("energy_intensity", 2025, 0.559, 1.0),
    ("energy_intensity", 2030, 0.503, 1.0),
    ("co2_intensity", 2022, 1.48, 1.0),
    ("co2_intensity", 2025, 1.3, 1.0),
    ("non_fossil_share", 2022, 1.62, 100.0),
    ("non_fossil_share", 2025, 4.0, 100.0),
    ("non_fossil_share", 2030, 6.0, 100.0),
    ("renewable_capacity", 2022, 130.06, 1.0),
    ("renewable_capacity", 2025, 230.0, 1.0),
    ("renewable_capacity", 2030, 300.0, 1.0),
]


@pytest.fixture(scope="module")
def projection():
    return simulator.project(simulator.load_scenario(TAIYUAN))


@pytest.mark.parametrize("variable, year, plan, scale", PLAN_INDICATORS,
                         ids=[f"{v}-{y}" for v, y, _, _ in PLAN_INDICATORS])
def test_plan_indicator_is_reproduced(projection, variable, year, plan, scale):
    model = float(projection[variable].sel(year=year)) * scale
    # the hand-set values are rounded to 4-5 digits in the YAML
    assert model == pytest.approx(plan, rel=5e-4)


def test_base_year_co2_is_close_to_the_ceads_level(projection):
    # CEADs city inventory (../shared/data/ceads_co2_mt.csv): Taiyuan 2015-2019 stays within
    # 76.4-80.4 Mt. The plan's 2022 CO2 intensity x the assumed GDP should land in that range
    # give or take 10 %, the spread of the CEADs city series between neighbouring years.
    co2_mt = float(projection.co2.sel(year=2022)) / 100
    assert 76.4 * 0.9 <= co2_mt <= 80.4 * 1.1
