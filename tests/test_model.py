"""The deterministic model: identities, closed-form cases, and the kernel against NumPy."""

import math

import numpy as np
import pytest

import simulator
from benchmarks.reference_numpy import project_numpy
from simulator.model import kernel
from simulator.model.drivers import dense_drivers
from simulator.model.drivers import kernel_inputs
from simulator.model.schema_doc import schema_markdown
from simulator.model.schema import FIELDS, OUTPUT_VARIABLES

from conftest import REPO, TAIYUAN, minimal_scenario

EF = {"coal": 2.66, "oil": 2.12, "gas": 1.63}

# a scenario with every optional term switched on, so the identities see all of them
WITH_TERMS = minimal_scenario(
    base={"other_non_fossil_energy": 20.0, "process_emissions": 50.0, "ccus": 5.0,
          "net_electricity_exports": 30.0},
    paths={"gdp_growth": {"fill": "step", "values": {2023: 0.06, 2030: 0.03}},
           "energy_intensity_decline": {"fill": "step", "values": {2023: 0.02}},
           "coal_share": {"fill": "linear", "values": {2040: 0.3}},
           "renewable_capacity": {"fill": "linear", "values": {2040: 600.0}},
           "ccus": {"fill": "linear", "values": {2035: 80.0}},
           "net_electricity_exports": {"fill": "step", "values": {2030: -10.0}}},
    emission_factors={"electricity_export": 0.7},
)


@pytest.fixture(params=["taiyuan", "with_terms"])
def case(request, scenario_file):
    """(scenario, projection) for the Taiyuan base scenario and for one with every term."""
    path = TAIYUAN if request.param == "taiyuan" else scenario_file(WITH_TERMS)
    scenario = simulator.load_scenario(path)
    return scenario, simulator.project(scenario)


def test_energy_is_gdp_times_intensity(case):
    _, p = case
    np.testing.assert_allclose(p.energy, p.gdp * p.energy_intensity, rtol=1e-12)


def test_shares_sum_to_one(case):
    _, p = case
    total = p.coal_share + p.oil_share + p.gas_share + p.non_fossil_share
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=1e-12)


def test_co2_is_fuel_use_times_factors_plus_optional_terms(case):
    scenario, p = case
    drivers = dense_drivers(scenario)
    export_factor = scenario["emission_factors.electricity_export"]
    fuel = p.energy * sum(p[f"{fuel}_share"] * scenario[f"emission_factors.{fuel}"]
                          for fuel in ("coal", "oil", "gas"))
    expected = (fuel + drivers["process_emissions"] - drivers["ccus"]
                + drivers["net_electricity_exports"] * export_factor * 10)
    np.testing.assert_allclose(p.co2, expected, rtol=1e-12)


def test_co2_intensity_is_co2_over_gdp(case):
    _, p = case
    np.testing.assert_allclose(p.co2_intensity, p.co2 / p.gdp, rtol=1e-12)


def test_non_fossil_share_counts_generation_at_the_coal_equivalent_rate(case):
    scenario, p = case
    drivers = dense_drivers(scenario)
    generation = drivers["renewable_capacity"] * drivers["full_load_hours"] / 1e4   # 亿kWh
    non_fossil = generation * drivers["coal_equivalent_rate"] / 100 + drivers["other_non_fossil_energy"]
    np.testing.assert_allclose(p.renewable_generation, generation, rtol=1e-12)
    np.testing.assert_allclose(p.non_fossil_share, non_fossil / p.energy, rtol=1e-12)


def test_consumption_accounting_leaves_out_exported_power(scenario_file):
    territorial = simulator.project(simulator.load_scenario(scenario_file(WITH_TERMS)))
    consumption = simulator.project(simulator.load_scenario(
        scenario_file({**WITH_TERMS, "accounting": "consumption"}, "consumption.yaml")))
    exports = np.where(territorial.year < 2030, 30.0, -10.0)
    np.testing.assert_allclose(territorial.co2 - consumption.co2, exports * 0.7 * 10, rtol=1e-12)


def test_constant_rates_give_the_closed_form_exponential_path(scenario_file):
    g, d = 0.05, 0.03
    data = minimal_scenario(base={"renewable_capacity": 0.0})
    p = simulator.project(simulator.load_scenario(scenario_file(data)))
    k = np.arange(len(p.year))
    np.testing.assert_allclose(p.gdp, 1000.0 * (1 + g) ** k, rtol=1e-12)
    np.testing.assert_allclose(p.energy, 500.0 * ((1 + g) * (1 - d)) ** k, rtol=1e-12)
    factor = 0.6 * EF["coal"] + 0.1 * EF["oil"] + 0.3 * EF["gas"]
    np.testing.assert_allclose(p.co2, 500.0 * ((1 + g) * (1 - d)) ** k * factor, rtol=1e-12)


def test_growth_falling_below_the_intensity_decline_peaks_in_the_last_fast_year(scenario_file):
    # (1+g)(1-d) = 1.05 x 0.97 > 1 to 2030, 1.01 x 0.97 < 1 after: CO2 peaks in 2030 exactly
    data = minimal_scenario(paths={"gdp_growth": {"fill": "step", "values": {2023: 0.05, 2031: 0.01}}})
    p = simulator.project(simulator.load_scenario(scenario_file(data)))
    assert simulator.peak_year(p.co2) == 2030


def test_linear_coal_to_gas_switch_peaks_where_the_closed_form_says(scenario_file):
    # CO2_k = E0 r^k (A - B k) with r = (1+g)(1-d) and a coal share falling linearly into gas.
    # CO2 rises from k to k+1 while k < k* = (A - r B / (r - 1)) / B, so it peaks at ceil(k*).
    g, d, coal0, coal1, years = 0.03, 0.02, 0.8, 0.1, 38
    data = minimal_scenario(
        end_year=2022 + years,
        base={"coal_share": coal0, "oil_share": 0.05, "renewable_capacity": 0.0},
        paths={"gdp_growth": {"fill": "step", "values": {2023: g}},
               "energy_intensity_decline": {"fill": "step", "values": {2023: d}},
               "coal_share": {"fill": "linear", "values": {2022 + years: coal1}}})
    r = (1 + g) * (1 - d)
    a = coal0 * EF["coal"] + 0.05 * EF["oil"] + (1 - coal0 - 0.05) * EF["gas"]
    b = (coal0 - coal1) / years * (EF["coal"] - EF["gas"])
    k_star = (a - r * b / (r - 1)) / b
    assert 1 < k_star < years - 1 and k_star != int(k_star)   # an interior, unambiguous peak
    p = simulator.project(simulator.load_scenario(scenario_file(data)))
    assert simulator.peak_year(p.co2) == 2022 + math.ceil(k_star)


def test_kernel_matches_numpy_reference_on_taiyuan():
    inputs = kernel_inputs(simulator.load_scenario(TAIYUAN))
    out = np.empty((len(kernel.OUTPUT_NAMES), inputs[3].shape[1]))
    kernel.project_into(*inputs, out)
    np.testing.assert_allclose(out, project_numpy(*inputs), rtol=1e-12, atol=0)


@pytest.mark.parametrize("seed", range(20))
def test_kernel_matches_numpy_reference_on_random_inputs(seed):
    rng = np.random.default_rng(seed)
    years = int(rng.integers(2, 80))
    low = [-0.1, -0.05, 0.0, 0.0, 0.0, 500, 120, 0.0, 0.0, 0.0, -200]
    high = [0.15, 0.08, 0.7, 0.2, 2000, 3000, 330, 50, 300, 100, 200]
    drivers = rng.uniform(low, high, size=(years, len(low))).T.copy()
    factors = rng.uniform([2.0, 1.8, 1.4, 0.0], [3.0, 2.3, 1.8, 1.0])
    gdp0, intensity0 = rng.uniform(100, 50000), rng.uniform(0.1, 3.0)
    out = np.empty((len(kernel.OUTPUT_NAMES), years))
    kernel.project_into(gdp0, intensity0, factors, drivers, out)
    np.testing.assert_allclose(out, project_numpy(gdp0, intensity0, factors, drivers),
                               rtol=1e-12, atol=1e-9)


def test_every_output_has_units_and_long_name_from_the_schema():
    p = simulator.project(simulator.load_scenario(TAIYUAN))
    assert list(p.data_vars) == [v.name for v in OUTPUT_VARIABLES]
    assert set(kernel.OUTPUT_NAMES) == {v.name for v in OUTPUT_VARIABLES}
    for v in OUTPUT_VARIABLES:
        assert p[v.name].dims == ("year",)
        assert p[v.name].attrs == {"units": v.units, "long_name": v.long_name}
    assert int(p.year[0]) == 2022 and int(p.year[-1]) == 2060


def test_scenario_format_docs_are_generated_from_the_schema():
    """The docs page has no hand-kept field table: the build puts in ``schema_markdown()``
    (docs/_ext/generated.py; tests/test_docs.py checks the filled page), which has a row for
    every field of the schema."""
    page = (REPO / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    assert "```{generated} scenario-format\n```" in page
    assert "| `base.coal_share` |" not in page
    reference = schema_markdown()
    for f in FIELDS:
        assert f"| `{f.path}` |" in reference, f.path
