"""The numba Monte Carlo kernel against the NumPy and plain-Python references, same draws."""

import numpy as np
import pytest

import simulator
from benchmarks.common import IMPLEMENTATIONS, SUMMARY_FIELDS, prepare

from conftest import TAIYUAN, minimal_scenario

EVERY_TERM = minimal_scenario(
    base={"process_emissions": 40.0, "ccus": 2.0, "net_electricity_exports": 20.0},
    paths={"coal_share": {"fill": "linear", "values": {2030: 0.55}},
           "gdp_growth": {"fill": "step", "values": {2023: 0.05, 2031: 0.02}}},
    emission_factors={"electricity_export": 0.7},
    uncertainty={"sampling": "random", "parameters": [
        {"parameter": "base.gdp", "apply": "multiply", "distribution": "normal", "sd": 0.05},
        {"parameter": "paths.coal_share.values.2030", "distribution": "uniform", "low": -0.1,
         "high": 0.45},
        {"parameter": "emission_factors.electricity_export", "apply": "multiply",
         "distribution": "lognormal", "sigma": 0.1},
        {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.02}],
        "shocks": [{"driver": "full_load_hours", "apply": "multiply", "sd": 0.3, "rho": 0.2},
                   {"driver": "energy_intensity_decline", "sd": 0.01, "rho": 0.7}]})

# imported coal power (80 亿kWh x 0.8 t/MWh = 640 万t) close to the CO2 of the coal in the mix
# (1000 亿元 x 0.5 tce/万元 x 0.6 x 2.66 = 798 万t): draws with less coal reach the import limit
IMPORTS = minimal_scenario(
    base={"net_electricity_exports": -80.0},
    emission_factors={"electricity_export": 0.8},
    uncertainty={"sampling": "random", "parameters": [
        {"parameter": "base.coal_share", "distribution": "uniform", "low": -0.35, "high": 0.1}]})
CASES = {"taiyuan": None, "every_term": EVERY_TERM, "imports": IMPORTS}


@pytest.fixture(params=list(CASES))
def block(request, scenario_file):
    case = CASES[request.param]
    path = TAIYUAN if case is None else scenario_file(case)
    # draws 1000..1299 of 5000: the references must also get the draw offsets right
    return prepare(simulator.load_scenario(path), draws=5000, seed=17, start=1000, stop=1300)


@pytest.mark.parametrize("reference", ["numpy", "python"])
def test_kernel_equals_reference_on_the_same_draws(block, reference):
    expected = IMPLEMENTATIONS["numba"](*block, 1000)
    got = IMPLEMENTATIONS[reference](*block, 1000)
    for name in SUMMARY_FIELDS:
        np.testing.assert_allclose(np.asarray(got[name], dtype=float),
                                   np.asarray(expected[name], dtype=float), rtol=1e-9,
                                   err_msg=f"{reference}: {name}")


def test_the_constructed_case_reaches_the_clamp_and_rescale_branches(scenario_file):
    # so that the equality test above also covers those branches of every implementation
    block = prepare(simulator.load_scenario(scenario_file(EVERY_TERM)), 5000, 17, 1000, 1300)
    out = IMPLEMENTATIONS["numba"](*block, 1000)
    assert out["clamps"].sum() > 0 and out["rescales"].sum() > 0


def test_the_imports_case_reaches_the_import_limit_in_some_draws_only(scenario_file):
    block = prepare(simulator.load_scenario(scenario_file(IMPORTS)), 5000, 17, 1000, 1300)
    numpy_out = IMPLEMENTATIONS["numpy"](*block, 1000)
    # gas is at least 11 % of energy in every draw and year here, so every adjusted year is one
    # where the imports met the limit
    limited = numpy_out["rescales"] > 0
    assert 0 < limited.sum() < len(limited)
