"""The numba kernels against the NumPy and plain-Python references (model v2), same inputs:
the deterministic projection to 1e-12, the Monte Carlo summaries of the same draws to 1e-9."""

import numpy as np
import pytest

import simulator
from benchmarks.common import IMPLEMENTATIONS, SUMMARY_FIELDS, prepare
from benchmarks.reference_numpy import project_numpy, trajectories_numpy
from benchmarks.reference_python import year_outputs
from simulator.model import kernel
from simulator.model.drivers import kernel_inputs
from simulator.model.projection import project_array
from simulator.montecarlo.ensemble import allocate, kernel_arguments
from simulator.montecarlo.ensemble_kernel import Summaries
from simulator.montecarlo.simulate import run_block

from conftest import TAIYUAN, minimal_scenario

# Every driver of the kernel moves here: net exports (> 0, and with their shock < 0 in some
# years; territorial accounting), gas power, other non-fossil generation and energy, other
# capacity, process emissions and CCUS, paths on the electricity share, the renewable fleet and
# the direct oil share. The parameters cover the base scalars (GDP, the gas factor), path keys
# (added, and set), a whole path; the shocks both kinds. In some draws only (seed 17, draws
# 1000..1299): the direct oil share leaves its bounds (added to below zero: clamped); the
# renewable fleet, in windy years, exceeds local generation, and other non-fossil energy the
# room electricity leaves (both curtailed); and the balance cannot close (unbalanced) where
# electricity leaves no direct fossil use, or where the direct oil and gas shares exceed one.
# The third way, imports beyond demand, is the IMPORTS case's. Three driver-years are observed.
EVERY_TERM = minimal_scenario(
    calibration={"targets": "targets.yaml"},
    base={"process_emissions": 40.0, "ccus": 2.0, "net_electricity_exports": 20.0,
          "other_non_fossil_generation": 10.0, "other_non_fossil_energy": 5.0,
          "other_capacity": 20.0, "gas_power_share": 0.1},
    paths={"gdp_growth": {"fill": "step", "values": {2023: 0.05, 2031: 0.02}},
           "electricity_share_final": {"fill": "linear", "values": {2040: 0.5}},
           "renewable_capacity": {"fill": "linear", "values": {2030: 300.0, 2040: 600.0}},
           "direct_oil_share": {"fill": "linear", "values": {2035: 0.2}}},
    uncertainty={"sampling": "random", "parameters": [
        {"parameter": "base.gdp", "apply": "multiply", "distribution": "normal", "sd": 0.05},
        {"parameter": "emission_factors.gas", "apply": "multiply", "distribution": "lognormal",
         "sigma": 0.1},
        {"parameter": "paths.direct_oil_share.values.2035", "distribution": "uniform",
         "low": -0.3, "high": 0.75},
        {"parameter": "paths.electricity_share_final.values.2040", "distribution": "uniform",
         "low": -0.1, "high": 0.15},
        {"parameter": "paths.renewable_capacity.values.2040", "apply": "set",
         "distribution": "uniform", "low": 300.0, "high": 1200.0},
        {"parameter": "paths.gdp_growth", "distribution": "normal", "sd": 0.02}],
        "shocks": [{"driver": "full_load_hours", "apply": "multiply", "sd": 0.3, "rho": 0.2},
                   {"driver": "energy_intensity_decline", "sd": 0.01, "rho": 0.7},
                   {"driver": "net_electricity_exports", "sd": 25.0, "rho": 0.5}]},
    # observed driver-years, which neither the moves nor the shocks reach: a rate the whole-path
    # parameter moves, a shocked level, and a level path with a moved key after it
    observed=[{"driver": "gdp_growth", "year": 2024, "value": 0.03, "statistic": "growth"},
              {"driver": "full_load_hours", "year": 2025, "value": 1400.0, "statistic": "hours"},
              {"driver": "renewable_capacity", "year": 2027, "value": 250.0,
               "statistic": "capacity"}])

# Plan targets for EVERY_TERM, one of each measure and sense, each met by some draws only.
TARGETS = """region: Testland
plan: a constructed plan
seed: none.txt
targets:
  - {id: non_fossil, name_zh: 非化石能源占比, name_en: non-fossil share, unit: "%", kind: share,
     targets: {2030: [20, 30]}, numeric: true, modelled: true,
     model: {variable: non_fossil_share}, quote: "20-30"}
  - {id: intensity, name_zh: 能耗强度下降, name_en: intensity decline, unit: "%",
     kind: cumulative_decline, targets: {2030: 21.5}, hedge: [以上], numeric: true,
     modelled: true, model: {variable: energy_intensity, measure: decline_since, since: 2022},
     quote: "21.5"}
  - {id: clean, name_zh: 清洁发电占比提高, name_en: clean generation, unit: 百分点, kind: share,
     targets: {2035: 18}, numeric: true, modelled: true,
     model: {variable: clean_generation_share, measure: increase_since, since: 2025},
     quote: "18"}
  - {id: co2, name_zh: 二氧化碳排放, name_en: CO2, unit: 万吨, kind: cap, targets: {2030: 1200},
     numeric: true, modelled: true, model: {variable: co2}, quote: "1200"}
"""

# Imported electricity (negative net exports) under consumption accounting: demand is about
# 71 亿kWh in the base year, so the draws with the largest imports leave no local generation
# (unbalanced) and the renewable fleet then exceeds what is left (curtailed). Together with
# EVERY_TERM (territorial, exports and, with the shock, imports) both signs of net exports are
# run under both kinds of accounting.
IMPORTS = minimal_scenario(
    accounting="consumption",
    base={"net_electricity_exports": -40.0},
    uncertainty={"sampling": "random", "parameters": [
        {"parameter": "base.net_electricity_exports", "distribution": "uniform", "low": -40.0,
         "high": 30.0}]})
# None: the shipped scenario, with its plan's targets
CASES = {"taiyuan": None, "every_term": EVERY_TERM, "imports": IMPORTS}


def _load(scenario_file, case, **changes):
    if case is None:
        return simulator.load_scenario(TAIYUAN)
    path = scenario_file({**case, **changes})
    (path.parent / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return simulator.load_scenario(path)


def _block(scenario_file, case):
    # draws 1000..1299 of 5000: the references must also get the draw offsets right
    return prepare(_load(scenario_file, case), draws=5000, seed=17, start=1000, stop=1300)


@pytest.fixture(params=list(CASES))
def block(request, scenario_file):
    return _block(scenario_file, CASES[request.param])


def test_the_references_return_every_summary_field():
    assert set(SUMMARY_FIELDS) == set(Summaries._fields) - {"full"}


@pytest.mark.parametrize("reference", ["numpy", "python"])
def test_kernel_equals_reference_on_the_same_draws(block, reference):
    expected = IMPLEMENTATIONS["numba"](*block, 1000)
    got = IMPLEMENTATIONS[reference](*block, 1000)
    for name in SUMMARY_FIELDS:
        np.testing.assert_allclose(np.asarray(got[name], dtype=float),
                                   np.asarray(expected[name], dtype=float), rtol=1e-9,
                                   err_msg=f"{reference}: {name}")


def kernel_trajectories(inputs, sampler, block, first_draw) -> Summaries:
    """The numba kernel on one block, keeping every output: ``full[draw, output, year]``."""
    out = allocate(len(block), inputs, keep_full=True)
    run_block(kernel_arguments(inputs, sampler), block, out, first_draw, keep_full=True)
    return out


def test_kernel_trajectories_equal_the_numpy_reference(block):
    # every output row of every draw and year, not only what the summaries read. A quantity
    # that is zero in exact arithmetic may be left at rounding level (coal power when all
    # generation is non-fossil, 1e-16 of generation), hence the absolute slack: 1e-12 of the
    # row's largest value.
    full = kernel_trajectories(*block, 1000).full
    out, _ = trajectories_numpy(*block, 1000)
    for i, name in enumerate(kernel.OUTPUT_NAMES):
        scale = np.nanmax(np.abs(out[name]))
        np.testing.assert_allclose(full[:, i], out[name], rtol=1e-9, atol=1e-12 * scale,
                                   err_msg=name)


def test_the_every_term_case_reaches_the_clamp_curtailment_and_unbalanced_branches(
        scenario_file):
    # so that the equality test above also covers those branches of every implementation;
    # some draws only, so that the test also sees the other side of each branch
    out = IMPLEMENTATIONS["numba"](*_block(scenario_file, EVERY_TERM), 1000)
    for name in ("clamps", "curtailed", "unbalanced"):
        assert 0 < np.count_nonzero(out[name]) < len(out[name]), name
    # both kinds of curtailment: of generation, and of other non-fossil energy
    full = kernel_trajectories(*_block(scenario_file, EVERY_TERM), 1000).full
    for row in (kernel.CURTAILED, kernel.CURTAILED_ENERGY):
        assert 0 < np.count_nonzero((full[:, row] > 0).any(axis=1)) < len(full), row
    # and every target (level, decline and increase; between, at least and at most) is met
    # by some draws and missed by others
    assert out["hits"].shape == (300, 4)
    assert (out["hits"].any(axis=0) & ~out["hits"].all(axis=0)).all()


def test_the_imports_case_leaves_no_local_generation_in_some_draws_only(scenario_file):
    out = IMPLEMENTATIONS["numpy"](*_block(scenario_file, IMPORTS), 1000)
    for name in ("curtailed", "unbalanced"):
        assert 0 < np.count_nonzero(out[name]) < len(out[name]), name


def project_python(gdp0, energy_intensity0, factors, drivers) -> np.ndarray:
    """The projection, year by year, from the plain-Python reference's model of one year."""
    out = np.empty((len(kernel.OUTPUT_NAMES), drivers.shape[1]))
    gdp, intensity = gdp0, energy_intensity0
    for t in range(drivers.shape[1]):
        if t > 0:
            gdp *= 1.0 + drivers[kernel.GDP_GROWTH, t]
            intensity *= 1.0 - drivers[kernel.EI_DECLINE, t]
        values, _, _ = year_outputs(gdp, intensity, [float(v) for v in drivers[:, t]],
                                    *(float(f) for f in factors))
        out[:, t] = [values[name] for name in kernel.OUTPUT_NAMES]
    return out


@pytest.mark.parametrize("reference", [project_numpy, project_python], ids=["numpy", "python"])
@pytest.mark.parametrize("case, accounting", [
    ("taiyuan", None), *((c, a) for c in CASES if CASES[c] for a in ("territorial", "consumption"))])
def test_projection_equals_the_reference(case, accounting, reference, scenario_file):
    changes = {} if accounting is None else {"accounting": accounting}
    scenario = _load(scenario_file, CASES[case], **changes)
    expected = project_array(scenario)
    got = reference(*kernel_inputs(scenario))
    assert got.shape == expected.shape == (len(kernel.OUTPUT_NAMES), len(scenario.years))
    for i, name in enumerate(kernel.OUTPUT_NAMES):
        np.testing.assert_allclose(got[i], expected[i], rtol=1e-12, atol=0, err_msg=name)
