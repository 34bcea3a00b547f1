"""The deterministic model: identities, the energy balance closing in every year (of the
projection and of every Monte Carlo draw), closed-form cases, and the kernel against NumPy."""

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

from conftest import CLOSE, REPO, SHARES, TAIYUAN, identity_errors, minimal_scenario, write_scenario

EF = {"coal": 2.66, "oil": 2.12, "gas": 1.63}

# a scenario with every optional term switched on, so the identities see all of them
WITH_TERMS = minimal_scenario(
    base={"other_non_fossil_energy": 20.0, "other_non_fossil_generation": 5.0,
          "process_emissions": 50.0, "ccus": 5.0, "net_electricity_exports": 30.0,
          "other_capacity": 20.0},
    paths={"gdp_growth": {"fill": "step", "values": {2023: 0.06, 2030: 0.03}},
           "energy_intensity_decline": {"fill": "step", "values": {2023: 0.02}},
           "direct_gas_share": {"fill": "linear", "values": {2040: 0.3}},
           "electricity_share_final": {"fill": "linear", "values": {2040: 0.35}},
           "gas_power_share": {"fill": "linear", "values": {2040: 0.15}},
           "renewable_capacity": {"fill": "linear", "values": {2040: 600.0}},
           "ccus": {"fill": "linear", "values": {2035: 80.0}},
           "net_electricity_exports": {"fill": "step", "values": {2030: -10.0}}},
)
# renewables beyond local generation from 2030 on (curtailed), while imports cover part of
# demand: non-fossil generation used is then all local generation
CURTAILED = minimal_scenario(
    base={"net_electricity_exports": -20.0},
    paths={"renewable_capacity": {"fill": "linear", "values": {2030: 800.0}}},
)


CASES = {"with_terms": WITH_TERMS, "curtailed": CURTAILED}


@pytest.fixture(params=["taiyuan", *CASES])
def case(request, scenario_file):
    """(scenario, projection) for the Taiyuan base scenario, one with every term, and one
    that curtails renewables while it imports power."""
    path = TAIYUAN if request.param == "taiyuan" else scenario_file(CASES[request.param])
    scenario = simulator.load_scenario(path)
    return scenario, simulator.project(scenario)


def spilled(ds) -> np.ndarray:
    """Other non-fossil energy beyond the room the balance leaves, not used (万tce); none
    where the model has no such output."""
    name = "curtailed_non_fossil_energy"
    return ds[name].values if name in ds.data_vars else np.zeros(ds.energy.shape)


def local_share(p) -> np.ndarray:
    """The share of local generation used here (demand / generation where power is exported,
    else 1): net exports take the rest of every source with them (kernel.py)."""
    exporting = p.generation.values > p.electricity_demand.values
    return np.where(exporting, p.electricity_demand.values / p.generation.values, 1.0)


def test_energy_is_gdp_times_intensity(case):
    _, p = case
    np.testing.assert_allclose(p.energy, p.gdp * p.energy_intensity, rtol=1e-12)


def test_shares_sum_to_one(case):
    _, p = case
    total = p.coal_share + p.oil_share + p.gas_share + p.non_fossil_share
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=1e-12)


def traded_co2(scenario, p) -> np.ndarray:
    """What territorial accounting adds to consumption-based CO2 (万t): the fuel burnt here
    for exported power, less the coal of imported power at the coal-equivalent rate."""
    drivers = dense_drivers(scenario)
    ef = {fuel: scenario[f"emission_factors.{fuel}"] for fuel in ("coal", "oil", "gas")}
    gas_power_fuel = p.gas_power_generation.values * drivers["gas_power_supply_rate"] / 100
    exported = (1 - local_share(p)) * (p.coal_power_fuel.values * ef["coal"]
                                       + gas_power_fuel * ef["gas"])
    imported = np.maximum(-drivers["net_electricity_exports"], 0.0) \
        * drivers["coal_equivalent_rate"] / 100 * ef["coal"]
    return exported - imported


def test_co2_is_fuel_use_times_factors_plus_optional_terms(case):
    scenario, p = case
    drivers = dense_drivers(scenario)
    fuel = p.energy * sum(p[f"{fuel}_share"] * scenario[f"emission_factors.{fuel}"]
                          for fuel in ("coal", "oil", "gas"))
    territorial = 1.0 if scenario["accounting"] == "territorial" else 0.0
    expected = (fuel + territorial * traded_co2(scenario, p) + drivers["process_emissions"]
                - drivers["ccus"])
    np.testing.assert_allclose(p.co2, expected, rtol=1e-12)


# -- the energy balance closes in every year -----------------------------------------------------



def negative_fuel_use(ds) -> dict[str, np.ndarray]:
    """Where fuel use or generation is negative (beyond rounding: 1e-12 of the year's energy
    use, or of its local generation), per year (and draw), by quantity: direct fossil use,
    coal-power fuel, each share, each source of generation, curtailment; and where local
    generation is none."""
    v = {name: ds[name].values for name in ds.data_vars}
    energy, generation = v["energy"], np.abs(v["generation"])
    below = {name: v[name] < -CLOSE * energy for name in ("direct_fossil", "coal_power_fuel")}
    below.update({name: v[name] < -CLOSE for name in SHARES})
    below.update({name: v[name] < -CLOSE * generation for name in (
        "coal_power_generation", "gas_power_generation", "non_fossil_generation",
        "curtailed_generation")})
    below["curtailed_non_fossil_energy"] = spilled(ds) < 0
    below["generation"] = v["generation"] <= 0
    return below


def assert_balance_closes(ds) -> None:
    """Every identity holds in every year (and draw), within ``CLOSE``."""
    for name, error in identity_errors(ds).items():
        assert np.isfinite(error).all() and (error <= CLOSE).all(), (name, error.max())


def test_the_balance_closes_in_every_year_with_no_fuel_use_negative(case):
    _, p = case
    assert_balance_closes(p)
    for name, negative in negative_fuel_use(p).items():
        assert not negative.any(), (name, p.year.values[negative])


def test_surplus_renewables_are_curtailed_not_counted_as_energy(scenario_file):
    p = simulator.project(simulator.load_scenario(scenario_file(CURTAILED)))
    offered = p.renewable_generation.values
    surplus = offered > p.generation.values
    assert surplus.any() and not surplus.all()  # the case has both kinds of years
    np.testing.assert_allclose(p.curtailed_generation[surplus],
                               (offered - p.generation.values)[surplus], rtol=1e-12)
    # local generation is all non-fossil: exactly, no fossil remainder of rounding
    np.testing.assert_array_equal(p.non_fossil_generation[surplus], p.generation[surplus])
    assert (p.coal_power_generation[surplus] == 0).all()
    assert (p.gas_power_generation[surplus] == 0).all()
    assert (p.curtailed_generation[~surplus] == 0).all()
    np.testing.assert_array_equal(p.non_fossil_generation[~surplus], offered[~surplus])
    # curtailed power is no energy: non-fossil energy counts the generation used only
    used = p.generation.values * 300 / 100
    np.testing.assert_allclose((p.non_fossil_share * p.energy)[surplus], used[surplus],
                               rtol=1e-12)


# draws of WITH_TERMS that curtail renewables in some draws and years, leave no room for
# direct fossil use in others (a high electricity share), and move net exports from year to
# year; the direct oil and gas shares are not drawn (they sum to at most 0.45), so direct
# coal is negative exactly where direct fossil use is
UNBALANCING = {
    "sampling": "random",
    "parameters": [
        {"parameter": "paths.renewable_capacity.values.2040", "apply": "multiply",
         "distribution": "uniform", "low": 0.5, "high": 4.0},
        {"parameter": "paths.electricity_share_final.values.2040", "apply": "add",
         "distribution": "uniform", "low": 0.0, "high": 0.45},
        {"parameter": "paths.gas_power_share.values.2040", "apply": "add",
         "distribution": "uniform", "low": -0.15, "high": 0.3},
        {"parameter": "emission_factors.coal", "apply": "multiply", "distribution": "normal",
         "sd": 0.03},
    ],
    "shocks": [{"driver": "net_electricity_exports", "apply": "add", "sd": 20.0, "rho": 0.5},
               {"driver": "full_load_hours", "apply": "multiply", "sd": 0.05}],
}


@pytest.fixture(scope="module")
def unbalancing_ensemble(tmp_path_factory):
    path = write_scenario(tmp_path_factory.mktemp("unbalancing"),
                          {**WITH_TERMS, "uncertainty": UNBALANCING})
    return simulator.simulate(simulator.load_scenario(path), draws=512, seed=17, keep="full")


def test_the_balance_closes_in_every_draw_and_year(unbalancing_ensemble):
    ensemble = unbalancing_ensemble
    assert ensemble.co2.dims == ("draw", "year")
    # no draw-year is rescaled to fit: the identities hold in unbalanced years too
    assert_balance_closes(ensemble)
    negative = negative_fuel_use(ensemble)
    balanced = (ensemble.unbalanced_years == 0).values
    for name, below in negative.items():
        assert not below[balanced].any(), name
    # each draw counts exactly its years without room for direct fossil use (or without
    # local generation): those and only those are unbalanced
    short = (ensemble.direct_fossil < 0) | (ensemble.generation <= 0)
    np.testing.assert_array_equal(ensemble.unbalanced_years, short.sum("year"))
    cut = (ensemble.curtailed_generation.values > 0) | (spilled(ensemble) > 0)
    np.testing.assert_array_equal(ensemble.curtailed_years, cut.sum(axis=1))
    # the run has every kind of draw, so none of the above holds vacuously
    assert 0 < balanced.sum() < len(balanced)
    assert 0 < int((ensemble.curtailed_years > 0).sum()) < len(balanced)
    assert negative["direct_fossil"][~balanced].any()
    assert int(ensemble.clamped_values.sum()) == 0


def test_co2_intensity_is_co2_over_gdp(case):
    _, p = case
    np.testing.assert_allclose(p.co2_intensity, p.co2 / p.gdp, rtol=1e-12)


def test_non_fossil_share_counts_generation_used_here_at_the_coal_equivalent_rate(case):
    scenario, p = case
    drivers = dense_drivers(scenario)
    renewable = drivers["renewable_capacity"] * drivers["full_load_hours"] / 1e4   # 亿kWh
    offered = renewable + drivers["other_non_fossil_generation"]
    used = np.minimum(offered, p.generation.values)
    non_fossil = (local_share(p) * used * drivers["coal_equivalent_rate"] / 100
                  + drivers["other_non_fossil_energy"] - spilled(p))
    np.testing.assert_allclose(p.renewable_generation, renewable, rtol=1e-12)
    np.testing.assert_allclose(p.non_fossil_generation, used, rtol=1e-12)
    np.testing.assert_allclose(p.curtailed_generation, offered - used, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(p.non_fossil_share, non_fossil / p.energy, rtol=1e-12)


def test_the_power_sector_follows_demand_and_the_drivers(case):
    scenario, p = case
    drivers = dense_drivers(scenario)
    demand = p.energy * drivers["final_energy_share"] * drivers["electricity_share_final"] / 1.229
    np.testing.assert_allclose(p.electricity_demand, demand, rtol=1e-12)
    fossil = p.generation - p.non_fossil_generation
    np.testing.assert_allclose(p.gas_power_generation, fossil * drivers["gas_power_share"],
                               rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(p.coal_power_fuel, p.coal_power_generation
                               * drivers["coal_power_supply_rate"] / 100, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(p.oil_share * p.energy,
                               p.direct_fossil * drivers["direct_oil_share"], rtol=1e-12)
    capacity = (drivers["renewable_capacity"] + drivers["coal_power_capacity"]
                + drivers["other_capacity"])
    np.testing.assert_allclose(p.total_capacity, capacity, rtol=1e-12)
    np.testing.assert_allclose(p.clean_capacity_share,
                               1 - drivers["coal_power_capacity"] / capacity, rtol=1e-12)
    np.testing.assert_allclose(p.clean_generation_share,
                               1 - p.coal_power_generation / p.generation, rtol=1e-12)


def test_consumption_accounting_leaves_out_exported_power_and_counts_imports(scenario_file):
    scenario = simulator.load_scenario(scenario_file(WITH_TERMS))
    territorial = simulator.project(scenario)
    consumption = simulator.project(simulator.load_scenario(
        scenario_file({**WITH_TERMS, "accounting": "consumption"}, "consumption.yaml")))
    for name in territorial.data_vars:  # the accounting changes CO2 only
        if name not in ("co2", "co2_intensity"):
            np.testing.assert_array_equal(territorial[name], consumption[name], err_msg=name)
    difference = (territorial.co2 - consumption.co2).values
    np.testing.assert_allclose(difference, traded_co2(scenario, territorial), rtol=1e-12)
    # exporting 30 亿kWh to 2029: territorial CO2 is higher; importing 10 after: 10 x 300
    # gce/kWh = 30 万tce of coal, 79.8 万t CO2, lower
    assert (difference[territorial.year.values < 2030] > 0).all()
    np.testing.assert_allclose(difference[territorial.year.values >= 2030], -30 * 2.66,
                               rtol=1e-12)


# minimal_scenario() without renewables: electricity demand is a fixed fraction A of energy
# use, all of it fossil power (95 % coal at 300 gce/kWh, 5 % gas at 230), and direct fossil
# use the fraction D of energy use that is left (15 % oil, 10 % gas, 75 % coal)
A = 0.7 * 0.25 / 1.229                    # 亿kWh of demand per 万tce of energy use
D = 1 - (0.95 * 3.0 + 0.05 * 2.3) * A     # direct fossil use per 万tce of energy use


def test_constant_rates_give_the_closed_form_exponential_path(scenario_file):
    g, d = 0.05, 0.03
    data = minimal_scenario(base={"renewable_capacity": 0.0})
    p = simulator.project(simulator.load_scenario(scenario_file(data)))
    k = np.arange(len(p.year))
    np.testing.assert_allclose(p.gdp, 1000.0 * (1 + g) ** k, rtol=1e-12)
    energy = 500.0 * ((1 + g) * (1 - d)) ** k
    np.testing.assert_allclose(p.energy, energy, rtol=1e-12)
    np.testing.assert_allclose(p.direct_fossil, energy * D, rtol=1e-12)
    factor = ((0.75 * D + 0.95 * 3.0 * A) * EF["coal"] + 0.15 * D * EF["oil"]
              + (0.10 * D + 0.05 * 2.3 * A) * EF["gas"])
    np.testing.assert_allclose(p.co2, energy * factor, rtol=1e-12)


def test_growth_falling_below_the_intensity_decline_peaks_in_the_last_fast_year(scenario_file):
    # (1+g)(1-d) = 1.05 x 0.97 > 1 to 2030, 1.01 x 0.97 < 1 after: CO2 peaks in 2030 exactly
    data = minimal_scenario(paths={"gdp_growth": {"fill": "step", "values": {2023: 0.05, 2031: 0.01}}})
    p = simulator.project(simulator.load_scenario(scenario_file(data)))
    assert simulator.peak_year(p.co2) == 2030


def test_linear_coal_to_gas_switch_peaks_where_the_closed_form_says(scenario_file):
    # CO2_k = E0 r^k (a - b k) with r = (1+g)(1-d) and direct fossil use (the fraction D of
    # energy use) switching linearly from coal to gas. CO2 rises from k to k+1 while
    # k < k* = (a - r b / (r - 1)) / b, so it peaks at ceil(k*).
    g, d, gas0, gas1, years = 0.03, 0.0235, 0.05, 0.9, 38
    data = minimal_scenario(
        end_year=2022 + years,
        base={"direct_gas_share": gas0, "direct_oil_share": 0.05, "renewable_capacity": 0.0},
        paths={"gdp_growth": {"fill": "step", "values": {2023: g}},
               "energy_intensity_decline": {"fill": "step", "values": {2023: d}},
               "direct_gas_share": {"fill": "linear", "values": {2022 + years: gas1}}})
    r = (1 + g) * (1 - d)
    a = (((0.95 - gas0) * D + 0.95 * 3.0 * A) * EF["coal"] + 0.05 * D * EF["oil"]
         + (gas0 * D + 0.05 * 2.3 * A) * EF["gas"])
    b = D * (gas1 - gas0) / years * (EF["coal"] - EF["gas"])
    k_star = (a - r * b / (r - 1)) / b
    assert 1 < k_star < years - 1 and k_star != int(k_star)   # an interior, unambiguous peak
    p = simulator.project(simulator.load_scenario(scenario_file(data)))
    assert simulator.peak_year(p.co2) == 2022 + math.ceil(k_star)


def test_kernel_matches_numpy_reference_on_taiyuan():
    inputs = kernel_inputs(simulator.load_scenario(TAIYUAN))
    out = np.empty((len(kernel.OUTPUT_NAMES), inputs[3].shape[1]))
    kernel.project_into(*inputs, out)
    np.testing.assert_allclose(out, project_numpy(*inputs), rtol=1e-12, atol=0)


# (low, high) of each driver in kernel.DRIVER_NAMES order: exports from imports of most of
# demand to exports of about as much again, renewables from none to several times demand
# (curtailed), direct oil + gas shares up to 0.9
RANDOM_DRIVERS = {
    "gdp_growth": (-0.1, 0.15), "energy_intensity_decline": (-0.05, 0.08),
    "final_energy_share": (0.5, 0.9), "electricity_share_final": (0.05, 0.4),
    "net_electricity_exports": (-100.0, 300.0), "renewable_capacity": (0.0, 5000.0),
    "full_load_hours": (800.0, 3000.0), "other_non_fossil_generation": (0.0, 50.0),
    "gas_power_share": (0.0, 0.3), "coal_power_supply_rate": (270.0, 340.0),
    "gas_power_supply_rate": (200.0, 300.0), "coal_equivalent_rate": (280.0, 330.0),
    "other_non_fossil_energy": (0.0, 100.0), "direct_oil_share": (0.0, 0.45),
    "direct_gas_share": (0.0, 0.45), "coal_power_capacity": (0.0, 3000.0),
    "other_capacity": (0.0, 200.0), "process_emissions": (0.0, 300.0), "ccus": (0.0, 100.0),
}


@pytest.mark.parametrize("seed", range(20))
def test_kernel_matches_numpy_reference_on_random_inputs(seed):
    rng = np.random.default_rng(seed)
    years = int(rng.integers(2, 80))
    assert tuple(RANDOM_DRIVERS) == kernel.DRIVER_NAMES
    low, high = np.array(list(RANDOM_DRIVERS.values())).T
    drivers = rng.uniform(low, high, size=(years, len(low))).T.copy()
    factors = np.array([*rng.uniform([2.0, 1.8, 1.4], [3.0, 2.3, 1.8]), rng.integers(0, 2)],
                       dtype=float)  # the last: territorial (1) or consumption (0) accounting
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
    assert "| `base.direct_oil_share` |" not in page
    reference = schema_markdown()
    for f in FIELDS:
        assert f"| `{f.path}` |" in reference, f.path
