"""Uncertainty sampling: the sampled distributions, their correlations, the AR(1) shocks, how a
draw moves the projection, and the errors for a bad ``uncertainty`` section or bad run options.

Statistical checks compare sample moments with the closed forms of ``scipy.stats`` and allow
5 standard errors of a plain random sample (the seeds are fixed, so each check is
deterministic; 5 standard errors would be crossed by chance about once in 10^6 runs). Latin
hypercube and Sobol samples are more accurate than that, so the same bounds hold for them too.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numba import njit, uint64
from scipy import special, stats

import simulator
from simulator import ScenarioError
from simulator.montecarlo import rng, sampling_kernel
from simulator.cli.run import build_parser
from simulator.cli import main
from simulator.model.kernel import DRIVER_NAMES
from benchmarks.reference_numpy import ar1
from simulator.model.uncertainty import DISTRIBUTIONS

from conftest import minimal_scenario

SIMULATE = Path(sys.executable).parent / "simulate"
BASE_YEAR, END_YEAR = 2022, 2040  # the horizon of conftest.minimal_scenario()
SE_LIMIT = 5.0  # standard errors allowed in a statistical check


# -- building scenarios ------------------------------------------------------------------------


def with_uncertainty(*parameters, sampling="random", correlations=(), shocks=(), **sections):
    """The minimal scenario with an ``uncertainty`` section (and other sections changed)."""
    section = {"sampling": sampling, "parameters": [dict(p) for p in parameters]}
    if correlations:
        section["correlations"] = [dict(c) for c in correlations]
    if shocks:
        section["shocks"] = [dict(s) for s in shocks]
    return minimal_scenario(uncertainty=section, **sections)


def coal_factor(distribution, apply="set", **values):
    """One entry making ``emission_factors.coal`` (nominal 2.66, bounds [0, 5]) uncertain."""
    return {"parameter": "emission_factors.coal", "apply": apply,
            "distribution": distribution, **values}


@pytest.fixture
def load(scenario_file):
    """Write a scenario mapping with conftest's ``scenario_file`` and load it."""
    return lambda data, name="scenario.yaml": simulator.load_scenario(scenario_file(data, name))


def sampled(ensemble, parameter=None) -> np.ndarray:
    """The sampled values of one uncertain parameter (the only one if not named)."""
    values = ensemble["parameter_value"]
    if parameter is None:
        assert values.sizes["parameter"] == 1
        return values.values[:, 0]
    return values.sel(parameter=parameter).values


def assert_moments(x: np.ndarray, dist) -> None:
    """Sample mean and variance of ``x`` within SE_LIMIT standard errors of ``dist``'s."""
    n = len(x)
    mean, var, excess_kurtosis = (float(m) for m in dist.stats(moments="mvk"))
    # standard errors of a random sample's mean and variance: sqrt(var / n) and
    # var sqrt((kurtosis - 1) / n) = var sqrt((excess kurtosis + 2) / n)
    se_mean = np.sqrt(var / n)
    se_var = var * np.sqrt((excess_kurtosis + 2.0) / n)
    assert abs(x.mean() - mean) <= SE_LIMIT * se_mean, (x.mean(), mean, se_mean)
    assert abs(x.var(ddof=1) - var) <= SE_LIMIT * se_var, (x.var(ddof=1), var, se_var)


# -- 1. the sampled distributions --------------------------------------------------------------

# (entry for emission_factors.coal, the same distribution in scipy.stats)
MARGINALS = {
    "normal": (coal_factor("normal", mean=2.66, sd=0.1), stats.norm(2.66, 0.1)),
    "lognormal": (coal_factor("lognormal", median=2.5, sigma=0.15),
                  stats.lognorm(s=0.15, scale=2.5)),
    "uniform": (coal_factor("uniform", low=2.4, high=2.9), stats.uniform(2.4, 0.5)),
    # skewed: the mode a third of the way up
    "triangular": (coal_factor("triangular", low=2.3, mode=2.5, high=2.9),
                   stats.triang((2.5 - 2.3) / 0.6, loc=2.3, scale=0.6)),
    # cut asymmetrically, so a wrong cut moves both mean and variance
    "truncated_normal": (coal_factor("truncated_normal", mean=2.6, sd=0.2, low=2.5, high=3.0),
                         stats.truncnorm((2.5 - 2.6) / 0.2, (3.0 - 2.6) / 0.2, loc=2.6,
                                         scale=0.2)),
}
DRAWS = {"random": 50_000, "latin_hypercube": 50_000, "sobol": 2 ** 15}  # Sobol: a power of 2


def test_every_distribution_is_tested():
    assert set(MARGINALS) == set(DISTRIBUTIONS)


@pytest.mark.parametrize("sampling", list(DRAWS))
@pytest.mark.parametrize("name", list(MARGINALS))
def test_sample_moments_match_the_distribution(load, name, sampling):
    entry, dist = MARGINALS[name]
    scenario = load(with_uncertainty(entry, sampling=sampling))
    ensemble = simulator.simulate(scenario, draws=DRAWS[sampling], seed=11)
    x = sampled(ensemble, "emission_factors.coal")
    assert len(x) == DRAWS[sampling]
    assert_moments(x, dist)
    # and the support: nothing outside the distribution's bounds
    low, high = dist.support()
    assert low <= x.min() and x.max() <= high


# The mean (normal, truncated normal) and the median (lognormal) default to the centre of the
# apply mode: 0 for add, 1 for multiply.
DEFAULT_CENTRES = [
    pytest.param({"parameter": "base.gdp", "apply": "multiply", "distribution": "normal",
                  "sd": 0.05}, stats.norm(1.0, 0.05), id="normal multiply: mean 1"),
    pytest.param({"parameter": "paths.gdp_growth.values.2023", "apply": "add",
                  "distribution": "normal", "sd": 0.01}, stats.norm(0.0, 0.01),
                 id="normal add: mean 0"),
    pytest.param({"parameter": "base.gdp", "apply": "multiply", "distribution": "lognormal",
                  "sigma": 0.1}, stats.lognorm(s=0.1, scale=1.0), id="lognormal multiply: median 1"),
    pytest.param({"parameter": "base.gdp", "apply": "multiply",
                  "distribution": "truncated_normal", "sd": 0.1, "low": 0.95, "high": 1.3},
                 stats.truncnorm(-0.5, 3.0, loc=1.0, scale=0.1),
                 id="truncated normal multiply: mean 1"),
]


@pytest.mark.parametrize("entry, dist", DEFAULT_CENTRES)
def test_default_centre_of_the_apply_mode(load, entry, dist):
    ensemble = simulator.simulate(load(with_uncertainty(entry)), draws=50_000, seed=3)
    assert_moments(sampled(ensemble), dist)


@pytest.mark.parametrize("name", ["normal", "uniform", "triangular"])
def test_latin_hypercube_puts_one_draw_in_each_stratum(load, name):
    # The defining property of a Latin hypercube: with n draws, each of the n equal-probability
    # slices of the distribution holds exactly one draw. A plain random sample almost never does.
    entry, dist = MARGINALS[name]
    n = 5_000
    ensemble = simulator.simulate(load(with_uncertainty(entry, sampling="latin_hypercube")),
                                  draws=n, seed=5)
    u = dist.cdf(sampled(ensemble))
    strata = np.floor(u * n).astype(int)
    assert np.array_equal(np.sort(strata), np.arange(n))


def test_same_seed_same_draws_other_seed_other_draws(load):
    scenario = load(with_uncertainty(MARGINALS["normal"][0]))
    first = sampled(simulator.simulate(scenario, draws=1_000, seed=7))
    again = sampled(simulator.simulate(scenario, draws=1_000, seed=7))
    other = sampled(simulator.simulate(scenario, draws=1_000, seed=8))
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


@pytest.mark.parametrize("sampling", list(DRAWS))
def test_chunks_concatenate_to_the_whole_run(load, sampling):
    entries = [MARGINALS["triangular"][0],
               {"parameter": "base.gdp", "apply": "multiply", "distribution": "normal", "sd": 0.05}]
    shocks = [{"driver": "full_load_hours", "apply": "multiply", "sd": 0.05, "rho": 0.5}]
    scenario = load(with_uncertainty(*entries, sampling=sampling, shocks=shocks))
    whole = simulator.simulate(scenario, draws=1_024, seed=9)
    parts = [simulator.simulate(scenario, draws=1_024, seed=9, chunk=c)
             for c in [(0, 300), (300, 301), (301, 1_024)]]
    for name in ("parameter_value", "peak_co2", "co2", "cumulative_co2"):
        joined = np.concatenate([p[name].values for p in parts])
        assert np.array_equal(joined, whole[name].values), name


# -- 1b. how a draw moves the projection -------------------------------------------------------


def full_run(scenario, draws=2_000, seed=4):
    return simulator.simulate(scenario, draws=draws, seed=seed, keep="full")


def test_multiply_base_gdp_scales_gdp_and_base_year_co2(load):
    # Without non-fossil energy CO2 is GDP x intensity x (fuel mix . factors): proportional to
    # base GDP in every year.
    data = with_uncertainty({"parameter": "base.gdp", "apply": "multiply",
                             "distribution": "lognormal", "sigma": 0.2},
                            base={"renewable_capacity": 0.0})
    scenario = load(data)
    nominal = simulator.project(scenario)
    ensemble = full_run(scenario)
    x = sampled(ensemble)
    assert x.std() > 0.1  # the draws really move
    for name in ("gdp", "energy", "co2"):
        expected = x[:, None] * nominal[name].values[None, :]
        np.testing.assert_allclose(ensemble[name].values, expected, rtol=1e-10, err_msg=name)
    # shares and intensities do not move
    for name in ("coal_share", "energy_intensity", "co2_intensity"):
        np.testing.assert_allclose(ensemble[name].values,
                                   np.broadcast_to(nominal[name].values, (len(x), len(nominal.year))),
                                   rtol=1e-10, err_msg=name)


def test_multiply_base_gdp_equals_projecting_the_scaled_scenario(load):
    # With renewables the non-fossil share depends on energy, so CO2 is not proportional to
    # GDP: each draw must equal the deterministic projection of the scenario with that GDP.
    entry = {"parameter": "base.gdp", "apply": "multiply", "distribution": "uniform",
             "low": 0.8, "high": 1.2}
    ensemble = full_run(load(with_uncertainty(entry)), draws=50)
    x = sampled(ensemble)
    for d in (0, 17, 49):
        one = load(minimal_scenario(base={"gdp": 1000.0 * float(x[d])}), name=f"draw{d}.yaml")
        expected = simulator.project(one)
        for name in ("gdp", "energy", "non_fossil_share", "gas_share", "co2"):
            np.testing.assert_allclose(ensemble[name].values[d], expected[name].values,
                                       rtol=1e-10, err_msg=f"{name} of draw {d}")


def test_add_on_a_growth_key_adds_to_the_rate(load):
    # paths.gdp_growth has one key (2023, step fill): adding x moves every year's rate to
    # 0.05 + x, so GDP in year t is 1000 (1.05 + x)^(t - 2022).
    entry = {"parameter": "paths.gdp_growth.values.2023", "apply": "add",
             "distribution": "normal", "sd": 0.01}
    ensemble = full_run(load(with_uncertainty(entry)))
    x = sampled(ensemble)
    t = np.arange(BASE_YEAR, END_YEAR + 1) - BASE_YEAR
    expected = 1000.0 * (1.05 + x[:, None]) ** t[None, :]
    np.testing.assert_allclose(ensemble["gdp"].values, expected, rtol=1e-10)


@pytest.mark.parametrize("apply, shift", [
    ("add", lambda x: x),            # factor 2.66 + x
    ("multiply", lambda x: 2.66 * (x - 1.0)),  # factor 2.66 x
    ("set", lambda x: x - 2.66),     # factor x
])
def test_apply_modes_on_the_coal_factor(load, apply, shift):
    # CO2 moves by (new factor - 2.66) x coal energy, in every year; nothing else moves.
    centre = {"add": 0.0, "multiply": 1.0, "set": 2.66}[apply]
    entry = coal_factor("normal", apply=apply, mean=centre, sd=0.05)
    scenario = load(with_uncertainty(entry))
    nominal = simulator.project(scenario)
    ensemble = full_run(scenario)
    x = sampled(ensemble)
    coal_energy = nominal["energy"].values * nominal["coal_share"].values
    expected = nominal["co2"].values[None, :] + shift(x)[:, None] * coal_energy[None, :]
    np.testing.assert_allclose(ensemble["co2"].values, expected, rtol=1e-10)
    np.testing.assert_allclose(ensemble["energy"].values[0], nominal["energy"].values, rtol=1e-12)


def test_multiply_a_whole_driver_path_moves_all_its_keys(load):
    # A whole path: every key is multiplied by the same draw (here every year's electricity
    # share of final energy use, an output as it is).
    data = with_uncertainty({"parameter": "paths.electricity_share_final", "apply": "multiply",
                             "distribution": "uniform", "low": 0.9, "high": 1.1},
                            paths={"electricity_share_final": {
                                "fill": "linear", "values": {2030: 0.3, 2040: 0.35}}})
    scenario = load(data)
    nominal = simulator.project(scenario)["electricity_share_final"].values
    ensemble = full_run(scenario, draws=200)
    x = sampled(ensemble)
    share = ensemble["electricity_share_final"].values
    # the base year is set by base.electricity_share_final, which the path does not own
    np.testing.assert_allclose(share[:, 0], nominal[0], rtol=1e-12)
    # the keys and all years after the first key are the nominal path times x
    after = np.arange(BASE_YEAR, END_YEAR + 1) >= 2030
    np.testing.assert_allclose(share[:, after], x[:, None] * nominal[None, after], rtol=1e-10)
    assert int(ensemble["unbalanced_years"].sum()) == 0


# -- 2. correlations ---------------------------------------------------------------------------

CORRELATED = [
    {"parameter": "emission_factors.coal", "apply": "set", "distribution": "normal",
     "mean": 2.66, "sd": 0.1},
    {"parameter": "emission_factors.oil", "apply": "set", "distribution": "normal",
     "mean": 2.12, "sd": 0.1},
    {"parameter": "emission_factors.gas", "apply": "set", "distribution": "normal",
     "mean": 1.63, "sd": 0.1},
    # not in any correlation: must come out independent of the others
    {"parameter": "base.gdp", "apply": "multiply", "distribution": "normal", "sd": 0.05},
]
CORRELATIONS = [
    {"between": ["emission_factors.coal", "emission_factors.oil"], "rho": 0.6},
    {"between": ["emission_factors.gas", "emission_factors.coal"], "rho": -0.3},  # reversed order
    {"between": ["emission_factors.oil", "emission_factors.gas"], "rho": 0.2},
]


def declared_matrix(entries, correlations) -> np.ndarray:
    index = {e["parameter"]: i for i, e in enumerate(entries)}
    matrix = np.eye(len(entries))
    for c in correlations:
        i, j = (index[n] for n in c["between"])
        matrix[i, j] = matrix[j, i] = c["rho"]
    return matrix


def normal_scores(x: np.ndarray) -> np.ndarray:
    """Each column's ranks mapped through the inverse normal CDF (van der Waerden scores)."""
    ranks = stats.rankdata(x, axis=0)
    return special.ndtri(ranks / (len(x) + 1))


@pytest.mark.parametrize("sampling", ["random", "latin_hypercube"])
def test_sampled_correlations_match_the_declared_matrix(load, sampling):
    assert np.linalg.eigvalsh(declared_matrix(CORRELATED, CORRELATIONS)).min() > 0
    scenario = load(with_uncertainty(*CORRELATED, sampling=sampling, correlations=CORRELATIONS))
    ensemble = simulator.simulate(scenario, draws=100_000, seed=21)
    x = ensemble["parameter_value"].sel(
        parameter=[e["parameter"] for e in CORRELATED]).values
    expected = declared_matrix(CORRELATED, CORRELATIONS)
    # normal marginals: the values themselves are the normal scores
    np.testing.assert_allclose(np.corrcoef(x, rowvar=False), expected, atol=0.02)
    np.testing.assert_allclose(np.corrcoef(normal_scores(x), rowvar=False), expected, atol=0.02)
    # the copula leaves the marginals alone
    for i, e in enumerate(CORRELATED):
        assert_moments(x[:, i], stats.norm(e.get("mean", 1.0), e["sd"]))


def test_correlation_through_non_normal_marginals(load):
    # The copula correlates the normal scores, whatever the marginal distributions are.
    entries = [MARGINALS["uniform"][0],
               {"parameter": "emission_factors.oil", "apply": "set",
                "distribution": "triangular", "low": 2.0, "mode": 2.1, "high": 2.4},
               {"parameter": "base.gdp", "apply": "multiply", "distribution": "lognormal",
                "sigma": 0.2}]
    correlations = [{"between": ["emission_factors.coal", "emission_factors.oil"], "rho": -0.5},
                    {"between": ["emission_factors.coal", "base.gdp"], "rho": 0.4}]
    scenario = load(with_uncertainty(*entries, correlations=correlations))
    ensemble = simulator.simulate(scenario, draws=100_000, seed=22)
    x = ensemble["parameter_value"].sel(parameter=[e["parameter"] for e in entries]).values
    np.testing.assert_allclose(np.corrcoef(normal_scores(x), rowvar=False),
                               declared_matrix(entries, correlations), atol=0.02)
    assert_moments(x[:, 0], MARGINALS["uniform"][1])
    assert_moments(x[:, 1], stats.triang(1 / 4, loc=2.0, scale=0.4))
    assert_moments(x[:, 2], stats.lognorm(s=0.2, scale=1.0))


def test_perfect_correlation_is_allowed(load):
    # rho = 1 gives a singular but positive semi-definite matrix: the two draws move together.
    entries = CORRELATED[:2]
    correlations = [{"between": ["emission_factors.coal", "emission_factors.oil"], "rho": 1.0}]
    ensemble = simulator.simulate(load(with_uncertainty(*entries, correlations=correlations)),
                                  draws=5_000, seed=23)
    coal, oil = sampled(ensemble, "emission_factors.coal"), sampled(ensemble, "emission_factors.oil")
    np.testing.assert_allclose(coal - 2.66, oil - 2.12, atol=1e-9)


# -- 3. AR(1) shocks ---------------------------------------------------------------------------


def lag_correlation(e: np.ndarray, lag: int) -> float:
    """Correlation across draws of e[:, t] and e[:, t + lag], pooled over t."""
    a, b = e[:, :-lag].ravel(), e[:, lag:].ravel()
    return float(np.corrcoef(a, b)[0, 1])


@pytest.mark.parametrize("sd, rho", [(0.02, 0.6), (0.02, 0.0), (0.05, -0.4), (0.01, 0.95)])
def test_ar1_is_stationary_with_the_declared_sd_and_autocorrelation(sd, rho):
    n, steps = 40_000, 12
    z = np.random.default_rng(1234).standard_normal((n, steps))
    e = ar1(z, sd, rho)
    assert e.shape == z.shape
    # stationary from the first step: every step has standard deviation sd ...
    step_sd = e.std(axis=0, ddof=1)
    # relative standard error of a sample sd: about 1 / sqrt(2 n)
    np.testing.assert_allclose(step_sd, sd, rtol=SE_LIMIT / np.sqrt(2 * n))
    assert abs(e.mean()) <= SE_LIMIT * sd / np.sqrt(n)  # steps are correlated: loose but valid
    # ... and the lag-k autocorrelation is rho^k (standard error about (1 - r^2) / sqrt(n) for
    # one step; pooled steps are not independent, so allow that of a single step)
    for lag in (1, 2):
        r = lag_correlation(e, lag)
        assert abs(r - rho ** lag) <= SE_LIMIT * (1 - rho ** (2 * lag)) / np.sqrt(n) + 1e-12, \
            (lag, r, rho ** lag)


def test_ar1_recursion_exactly():
    z = np.array([[1.0, -0.5, 2.0, 0.0]])
    sd, rho = 0.1, 0.5
    innovation = sd * np.sqrt(1 - rho ** 2)
    expected = [sd * 1.0]
    for step in z[0, 1:]:
        expected.append(rho * expected[-1] + innovation * step)
    np.testing.assert_allclose(ar1(z, sd, rho)[0], expected, rtol=1e-14)
    assert ar1(np.empty((3, 0)), sd, rho).shape == (3, 0)


@pytest.mark.parametrize("apply", ["add", "multiply"])
def test_shocks_on_a_driver_in_a_run(load, apply):
    # Shocks on full_load_hours (nominal 1500 h) are read back from renewable generation =
    # capacity x hours x 1e-4; none in the base year, AR(1) with the declared sd and rho after.
    sd, rho = (30.0, 0.6) if apply == "add" else (0.02, 0.6)
    shocks = [{"driver": "full_load_hours", "apply": apply, "sd": sd, "rho": rho}]
    scenario = load(with_uncertainty(shocks=shocks))
    n = 20_000
    ensemble = full_run(scenario, draws=n, seed=31)
    hours = ensemble["renewable_generation"].values / (100.0 * 1e-4)
    e = hours - 1500.0 if apply == "add" else hours / 1500.0 - 1.0
    np.testing.assert_allclose(e[:, 0], 0.0, atol=1e-9)
    e = e[:, 1:]
    np.testing.assert_allclose(e.std(axis=0, ddof=1), sd, rtol=SE_LIMIT / np.sqrt(2 * n))
    assert abs(lag_correlation(e, 1) - rho) <= SE_LIMIT * (1 - rho ** 2) / np.sqrt(n)
    # independent from draw to draw: neighbouring draws are uncorrelated
    assert abs(np.corrcoef(e[:-1, 5], e[1:, 5])[0, 1]) <= SE_LIMIT / np.sqrt(n)
    assert int(ensemble["clamped_values"].sum()) == 0  # 1500 h +- 5 sd stays within [0, 8760]


def test_two_shocks_are_independent(load):
    shocks = [{"driver": "full_load_hours", "apply": "add", "sd": 30.0, "rho": 0.3},
              {"driver": "coal_equivalent_rate", "apply": "add", "sd": 5.0, "rho": 0.0}]
    ensemble = full_run(load(with_uncertainty(shocks=shocks)), draws=20_000, seed=32)
    hours = ensemble["renewable_generation"].values[:, 1:] / (100.0 * 1e-4) - 1500.0
    # renewable non-fossil energy (万tce) = generation x rate x 1e-2
    supply = ensemble["non_fossil_share"].values * ensemble["energy"].values
    rate = supply[:, 1:] / (ensemble["renewable_generation"].values[:, 1:] * 1e-2) - 300.0
    np.testing.assert_allclose(rate.std(axis=0, ddof=1), 5.0, rtol=SE_LIMIT / np.sqrt(40_000))
    r = np.corrcoef(hours.ravel(), rate.ravel())[0, 1]
    assert abs(r) <= SE_LIMIT / np.sqrt(20_000)


# -- 4. validation errors ----------------------------------------------------------------------


def case(case_id, uncertainty, field, *fragments, **sections):
    """One row: the uncertainty section, the field the error must name, message fragments."""
    return pytest.param(uncertainty, sections, field, fragments, id=case_id)


P0 = "uncertainty.parameters[0]"
ALL_DISTRIBUTIONS = "normal, lognormal, uniform, triangular, truncated_normal"

BAD_UNCERTAINTY = [
    case("negative sd", {"parameters": [coal_factor("normal", mean=2.66, sd=-0.1)]},
         f"{P0}.sd", "a standard deviation cannot be negative", "(got -0.1)", "sd >= 0"),
    case("negative sd of a truncated normal",
         {"parameters": [coal_factor("truncated_normal", mean=2.6, sd=-0.2, low=2.0, high=3.0)]},
         f"{P0}.sd", "a standard deviation cannot be negative", "(got -0.2)", "sd >= 0"),
    case("negative lognormal sigma",
         {"parameters": [coal_factor("lognormal", median=2.6, sigma=-0.1)]},
         f"{P0}.sigma", "sigma cannot be negative", "(got -0.1)", "sigma >= 0"),
    case("uniform low above high", {"parameters": [coal_factor("uniform", low=2.9, high=2.4)]},
         f"{P0}.low", "low is above high", "(got 2.9)", "low <= high"),
    case("triangular mode above high",
         {"parameters": [coal_factor("triangular", low=2.3, mode=3.1, high=2.9)]},
         f"{P0}.mode", "mode outside [low, high]", "(got 3.1)", "low <= mode <= high"),
    case("triangular mode below low",
         {"parameters": [coal_factor("triangular", low=2.3, mode=2.2, high=2.9)]},
         f"{P0}.mode", "mode outside [low, high]", "(got 2.2)", "low <= mode <= high"),
    case("truncated normal low equal to high",
         {"parameters": [coal_factor("truncated_normal", mean=2.6, sd=0.2, low=2.5, high=2.5)]},
         f"{P0}.high", "low must be below high", "(got 2.5)", "low < high"),
    case("truncated normal low above high",
         {"parameters": [coal_factor("truncated_normal", mean=2.6, sd=0.2, low=2.9, high=2.5)]},
         f"{P0}.low", "low is above high", "(got 2.9)", "low < high"),
    case("lognormal median zero", {"parameters": [coal_factor("lognormal", median=0, sigma=0.1)]},
         f"{P0}.median", "a lognormal median must be positive", "(got 0.0)", "median > 0"),
    case("lognormal median negative",
         {"parameters": [coal_factor("lognormal", median=-2.6, sigma=0.1)]},
         f"{P0}.median", "a lognormal median must be positive", "(got -2.6)", "median > 0"),
    case("unknown distribution",
         {"parameters": [{"parameter": "emission_factors.coal", "distribution": "gaussian"}]},
         f"{P0}.distribution", "unknown distribution", "(got 'gaussian')", ALL_DISTRIBUTIONS),
    # As a user would write it: the misspelt name with the parameters it takes. The error must
    # still be about the name, not about 'mean' or 'sd' being unknown keys.
    case("unknown distribution with its parameters",
         {"parameters": [coal_factor("gaussian", mean=2.66, sd=0.1)]},
         f"{P0}.distribution", "unknown distribution", "(got 'gaussian')", ALL_DISTRIBUTIONS),
    case("misspelt key in an entry", {"parameters": [coal_factor("normal", mean=2.66, sdd=0.1)]},
         f"{P0}.sdd", f"unknown field in '{P0}'", "did you mean 'sd'",
         "parameter, apply, distribution, mean, sd"),
    case("key of another distribution",
         {"parameters": [coal_factor("normal", mean=2.66, sd=0.1, high=3.0)]},
         f"{P0}.high", f"unknown field in '{P0}'", "parameter, apply, distribution, mean, sd"),
    case("missing parameter of the distribution",
         {"parameters": [coal_factor("uniform", low=2.4)]},
         f"{P0}.high", "missing for distribution uniform", "low <= high"),
    case("set without a mean", {"parameters": [coal_factor("normal", apply="set", sd=0.1)]},
         f"{P0}.mean", "missing for distribution normal", "mean defaults to 0 (add)"),
    case("sd not a number", {"parameters": [coal_factor("normal", mean=2.66, sd="0.1")]},
         f"{P0}.sd", "expected a finite number", "(got '0.1')", "sd >= 0"),
    case("sd not finite", {"parameters": [coal_factor("normal", mean=2.66, sd=float("inf"))]},
         f"{P0}.sd", "expected a finite number", "(got inf)", "sd >= 0"),
    case("unknown apply", {"parameters": [coal_factor("normal", apply="times", sd=0.1)]},
         f"{P0}.apply", "unknown way to apply a draw", "(got 'times')", "add (value + x)"),
    case("missing distribution", {"parameters": [{"parameter": "emission_factors.coal"}]},
         f"{P0}.distribution", "missing", "parameter, apply, distribution"),
    case("parameters not a list", {"parameters": {"parameter": "emission_factors.coal"}},
         "uncertainty.parameters", "expected a list of mappings"),
    case("key not in the path",
         {"parameters": [{"parameter": "paths.direct_gas_share.values.2031", "apply": "add",
                          "distribution": "normal", "sd": 0.01}]},
         f"{P0}.parameter", "not a parameter of this scenario",
         "(got 'paths.direct_gas_share.values.2031')", "paths.direct_gas_share.values.2030",
         paths={"direct_gas_share": {"fill": "linear", "values": {2030: 0.15, 2035: 0.2}}}),
    case("path not set in the scenario",
         {"parameters": [{"parameter": "paths.direct_oil_share", "apply": "multiply",
                          "distribution": "normal", "sd": 0.01}]},
         f"{P0}.parameter", "not a parameter of this scenario",
         "(got 'paths.direct_oil_share')", "paths.direct_oil_share is not set in this scenario"),
    case("misspelt parameter",
         {"parameters": [{"parameter": "emission_factor.coal", "apply": "add",
                          "distribution": "normal", "sd": 0.01}]},
         f"{P0}.parameter", "not a parameter of this scenario", "(got 'emission_factor.coal')",
         "emission_factors.coal"),
    case("two distributions for one parameter",
         {"parameters": [coal_factor("normal", mean=2.66, sd=0.1),
                         coal_factor("uniform", low=2.4, high=2.9)]},
         "uncertainty.parameters", "a parameter has two distributions",
         "(got 'emission_factors.coal')", "one entry per parameter"),
    case("correlation with an undeclared name",
         {"parameters": CORRELATED[:2],
          "correlations": [{"between": ["emission_factors.coal", "emission_factors.gas"],
                            "rho": 0.3}]},
         "uncertainty.correlations[0].between", "not an entry of uncertainty.parameters",
         "(got 'emission_factors.gas')", "emission_factors.coal, emission_factors.oil"),
    case("correlation of a name with itself",
         {"parameters": CORRELATED[:2],
          "correlations": [{"between": ["emission_factors.coal", "emission_factors.coal"],
                            "rho": 0.3}]},
         "uncertainty.correlations[0].between", "expected two different parameter names"),
    case("correlations not positive semi-definite",
         {"parameters": CORRELATED[:3],
          "correlations": [
              {"between": ["emission_factors.coal", "emission_factors.oil"], "rho": 0.9},
              {"between": ["emission_factors.coal", "emission_factors.gas"], "rho": 0.9},
              {"between": ["emission_factors.oil", "emission_factors.gas"], "rho": -0.9}]},
         "uncertainty.correlations", "not positive semi-definite", "(got -0.8)",
         "no negative eigenvalue"),
    case("rho above 1",
         {"parameters": CORRELATED[:2],
          "correlations": [{"between": ["emission_factors.coal", "emission_factors.oil"],
                            "rho": 1.5}]},
         "uncertainty.correlations[0].rho", "out of range", "(got 1.5)", "[-1, 1]"),
    case("rho below -1",
         {"parameters": CORRELATED[:2],
          "correlations": [{"between": ["emission_factors.coal", "emission_factors.oil"],
                            "rho": -1.01}]},
         "uncertainty.correlations[0].rho", "out of range", "(got -1.01)", "[-1, 1]"),
    case("shock on an unknown driver",
         {"shocks": [{"driver": "full_load_hour", "sd": 0.05}]},
         "uncertainty.shocks[0].driver", "not a driver", "(got 'full_load_hour')",
         ", ".join(DRIVER_NAMES)),
    case("shock with a negative sd", {"shocks": [{"driver": "full_load_hours", "sd": -0.05}]},
         "uncertainty.shocks[0].sd", "out of range", "(got -0.05)", "a standard deviation >= 0"),
    case("shock rho of 1", {"shocks": [{"driver": "full_load_hours", "sd": 0.05, "rho": 1.0}]},
         "uncertainty.shocks[0].rho", "out of range", "(got 1.0)", "[-0.999, 0.999]"),
    case("shock applied by set",
         {"shocks": [{"driver": "full_load_hours", "apply": "set", "sd": 0.05}]},
         "uncertainty.shocks[0].apply", "unknown way to apply a shock", "(got 'set')",
         "multiply (driver * (1 + e))"),
    case("misspelt shock key", {"shocks": [{"driver": "full_load_hours", "sigma": 0.05}]},
         "uncertainty.shocks[0].sigma", "unknown field in 'uncertainty.shocks[0]'",
         "driver, apply, process, sd, rho"),
    case("unknown sampling", {"sampling": "sobel"}, "uncertainty.sampling",
         "not an allowed value", "(got 'sobel')", "'sobol'"),
]


@pytest.mark.parametrize("uncertainty, sections, field, fragments", BAD_UNCERTAINTY)
def test_bad_uncertainty_names_file_field_value_and_allowed(scenario_file, uncertainty,
                                                           sections, field, fragments):
    path = scenario_file(minimal_scenario(uncertainty=uncertainty, **sections),
                         "bad_uncertainty.yaml")
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    err = info.value
    text = str(err)
    assert err.field == field, text
    assert err.file == str(path), text
    assert str(path) in text and f"field '{field}'" in text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def test_the_table_covers_every_distribution_parameter():
    # every parameter a distribution takes has at least one bad case above
    named = {f.rsplit(".", 1)[-1] for _, _, f, _ in (c.values for c in BAD_UNCERTAINTY)}
    for dist in DISTRIBUTIONS.values():
        assert set(dist.params) <= named, dist.name


def test_error_in_an_inherited_uncertainty_names_the_declaring_file(scenario_file):
    # The parent declares the parameters; the child's bad correlation is reported in the child.
    parent = scenario_file(with_uncertainty(*CORRELATED[:2]), "parent.yaml")
    child = scenario_file({"extends": parent.name, "name": "child", "uncertainty": {
        "correlations": [{"between": ["emission_factors.coal", "base.gdp"], "rho": 0.2}]}},
        "child.yaml")
    assert simulator.load_scenario(parent)["uncertainty.parameters"]
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(child)
    assert info.value.file == str(child)
    assert info.value.field == "uncertainty.correlations[0].between"


def run_cli(*args, cwd):
    return subprocess.run([str(SIMULATE), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


CLI_BAD_SCENARIOS = ["negative sd", "correlations not positive semi-definite"]


@pytest.mark.parametrize("case_id", CLI_BAD_SCENARIOS)
def test_cli_bad_uncertainty_exits_2_with_the_message(scenario_file, tmp_path, case_id):
    uncertainty, sections, field, fragments = next(
        c.values for c in BAD_UNCERTAINTY if c.id == case_id)
    path = scenario_file(minimal_scenario(uncertainty=uncertainty, **sections),
                         "bad_uncertainty.yaml")
    out = tmp_path / "out"
    result = run_cli(path, "--out", out, "--draws", 100, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and f"field '{field}'" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert result.stdout == ""
    assert not out.exists()


# -- 5. run options ----------------------------------------------------------------------------

# (arguments, the option the message names, a fragment of the message)
BAD_OPTIONS = [
    pytest.param(["--draws", "0"], "--draws", "0 is below the minimum 1", id="draws 0"),
    pytest.param(["--draws", "-5"], "--draws", "-5 is below the minimum 1", id="draws -5"),
    pytest.param(["--draws", "2.5"], "--draws", "'2.5' is not a whole number", id="draws 2.5"),
    pytest.param(["--seed", "-1"], "--seed", "-1 is below the minimum 0", id="seed -1"),
    pytest.param(["--plateau", "2"], "--plateau", "not a fraction in [0, 1]", id="plateau 2"),
    pytest.param(["--keep", "bogus"], "--keep", "invalid choice: 'bogus'", id="keep bogus"),
]
# more of the same, checked in-process only (a subprocess costs about a second)
MORE_BAD_OPTIONS = [
    pytest.param(["--draws", "many"], "--draws", "'many' is not a whole number",
                 id="draws text"),
    pytest.param(["--draws", "1e5"], "--draws", "'1e5' is not a whole number", id="draws 1e5"),
    pytest.param(["--seed", "1.5"], "--seed", "'1.5' is not a whole number", id="seed 1.5"),
    pytest.param(["--plateau", "-0.01"], "--plateau", "not a fraction in [0, 1]",
                 id="plateau negative"),
    pytest.param(["--plateau", "nan"], "--plateau", "not a fraction in [0, 1]", id="plateau nan"),
    pytest.param(["--plateau", "1%"], "--plateau", "'1%' is not a number", id="plateau 1%"),
]


@pytest.mark.parametrize("args, option, fragment", BAD_OPTIONS)
def test_cli_bad_option_exits_2_with_a_message(scenario_file, tmp_path, args, option, fragment):
    path = scenario_file(with_uncertainty(MARGINALS["normal"][0]), "good.yaml")
    out = tmp_path / "out"
    result = run_cli(path, "--out", out, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"argument {option}" in result.stderr and fragment in result.stderr, result.stderr
    assert "usage: simulate" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, option, fragment", BAD_OPTIONS + MORE_BAD_OPTIONS)
def test_option_parser_refuses_bad_values(capsys, args, option, fragment):
    with pytest.raises(SystemExit) as info:
        main(["scenario.yaml", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err and fragment in err, err


def test_option_parser_accepts_the_edge_values():
    # the counterpart of the tables above: the smallest allowed values do parse
    args = build_parser().parse_args(["s.yaml", "--draws", "1", "--seed", "0", "--plateau", "0",
                                      "--keep", "full"])
    assert (args.draws, args.seed, args.plateau, args.keep) == (1, 0, 0.0, "full")
    args = build_parser().parse_args(["s.yaml", "--plateau", "1", "--draws", "200000"])
    assert (args.plateau, args.draws, args.keep) == (1.0, 200_000, "summary")


@pytest.mark.parametrize("kwargs, fragment", [
    pytest.param({"draws": 0}, "draws must be a positive whole number", id="draws 0"),
    pytest.param({"draws": 2.5}, "draws must be a positive whole number", id="draws 2.5"),
    pytest.param({"draws": True}, "draws must be a positive whole number", id="draws True"),
    pytest.param({"seed": -1}, "seed must be a whole number >= 0", id="seed -1"),
    pytest.param({"keep": "bogus"}, "keep must be one of", id="keep bogus"),
    pytest.param({"chunk": (5, 5)}, "chunk must satisfy", id="empty chunk"),
    pytest.param({"chunk": (0, 11)}, "chunk must satisfy", id="chunk past draws"),
])
def test_simulate_refuses_bad_arguments(load, kwargs, fragment):
    scenario = load(with_uncertainty(MARGINALS["normal"][0]))
    with pytest.raises(ValueError, match=fragment):
        simulator.simulate(scenario, **{"draws": 10, **kwargs})


@njit
def _values_draw_by_draw(first, total, method, strata_keys, key, kinds, params, n):
    """The sampler's definition one value at a time: the counter-stream uniform, the Latin
    hypercube stratum by ``permuted``, then the quantile function, with nothing vectorised."""
    dims = kinds.shape[0]
    out = np.empty((n, dims))
    domain = rng.permutation_domain(uint64(total))
    for i in range(n):
        draw = first + i
        for j in range(dims):
            u = rng.uniform(key, uint64(draw * dims + j))
            if method == sampling_kernel.LATIN_HYPERCUBE:
                stratum = rng.permuted(uint64(draw), uint64(total), domain, strata_keys[j])
                u = (float(stratum) + u) / total
            u = min(max(u, sampling_kernel.U_EDGE), 1.0 - sampling_kernel.U_EDGE)
            p = params[j]
            if kinds[j] == sampling_kernel.NORMAL:
                out[i, j] = p[0] + p[1] * rng.normal_quantile(u)
            elif kinds[j] == sampling_kernel.LOGNORMAL:
                out[i, j] = p[0] * math.exp(p[1] * rng.normal_quantile(u))
            elif kinds[j] == sampling_kernel.UNIFORM:
                out[i, j] = p[0] + (p[1] - p[0]) * u
            elif u * (p[2] - p[0]) < p[1] - p[0]:
                out[i, j] = p[0] + math.sqrt(u * (p[2] - p[0]) * (p[1] - p[0]))
            else:
                out[i, j] = p[2] - math.sqrt((1.0 - u) * (p[2] - p[0]) * (p[2] - p[1]))
    return out


@pytest.mark.parametrize("method", [sampling_kernel.RANDOM, sampling_kernel.LATIN_HYPERCUBE])
def test_column_wise_sampler_equals_the_draw_by_draw_definition_to_the_bit(method):
    # the sampler works a tile of draws column by column (vectorised uniforms, strata, the
    # central normal quantile; the tails and the cycle walks one by one): same bits as the
    # definition, for every distribution, over tile edges and an odd total
    kinds = np.array([sampling_kernel.NORMAL, sampling_kernel.LOGNORMAL,
                      sampling_kernel.UNIFORM, sampling_kernel.TRIANGULAR], dtype=np.int64)
    params = np.array([[0.05, 0.01, 0, 0], [1.0, 0.2, 0, 0], [0.7, 1.1, 0, 0],
                       [0.7, 1.0, 1.05, 0]])
    keys = np.array([11, 12, 13, 14], dtype=np.uint64)
    first, total, n = 1500, 4097, 2500
    got = np.empty((n, len(kinds)))
    sampling_kernel.values_into(first, total, method, keys, np.uint64(99), np.empty((0, 0)),
                                kinds, params, got)
    expected = _values_draw_by_draw(first, total, method, keys, np.uint64(99), kinds, params, n)
    assert np.array_equal(got, expected)
