"""Property-based tests (hypothesis).

(a) Any scenario generated within the schema's bounds either projects, with the energy
    balance closed in every year (fuel shares summing to one, generation = demand + net
    exports = coal + gas + non-fossil generation), no fuel use negative and the model's other
    identities (energy = GDP x intensity, the growth paths, the power sector, CO2 from the
    fuel use), or is refused with a ScenarioError naming a field of the balance check, in a
    year where the unchecked balance really fails. Its Monte Carlo draws have no NaN or
    infinity, the identities hold in every draw-year, and every draw-year is either balanced
    (no fuel use negative) or counted in ``unbalanced_years``: never rescaled to fit. The
    same seed gives the same bits, and so does any split of the draws into chunks.
(b) Any mangled scenario file (random text or bytes, truncations and byte flips of
    scenarios/taiyuan_base.yaml, a wrong type or a huge number in any field, recursive
    aliases, billion-laughs aliases, deep nesting, a directory, a FIFO, a mangled parent or
    lock) either loads and runs or gives a ScenarioError naming the file, and through
    ``simulator.cli.main`` exit code 2 with that message on stderr: never a traceback, never
    another exit code.

Examples are derandomized: CI runs the same examples every time, so a failure is never a
flake and reproduces as is. ``PROPERTY_EXPLORE=1`` draws new random examples, ten times as
many, to look for new failures by hand.
"""

from __future__ import annotations

import contextlib
import copy
import io
import itertools
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import simulator
from simulator.cli import main
from simulator.errors import InputError, ScenarioError
from simulator.model import kernel
from simulator.model.drivers import kernel_inputs
from simulator.model.kernel import DRIVER_NAMES
from simulator.model.lock import lock_path
from simulator.model.projection import project_array
from simulator.model.schema import FIELDS, FIELDS_BY_PATH
from simulator.model.uncertainty import LARGEST, LARGEST_SIGMA

from conftest import (
    CLOSE, REPO, SHARES, SOURCES, TAIYUAN, TINY, identity_errors, minimal_scenario, write_scenario,
)

EXPLORE = bool(os.environ.get("PROPERTY_EXPLORE"))


def examples(n: int) -> settings:
    """Settings for a property run on ``n`` examples (deadline off: a first run compiles)."""
    return settings(max_examples=n * (10 if EXPLORE else 1), derandomize=not EXPLORE,
                    database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


LEVEL_DRIVERS = [name for name in DRIVER_NAMES if f"base.{name}" in FIELDS_BY_PATH]
RATE_DRIVERS = ("gdp_growth", "energy_intensity_decline")
FINITE = dict(allow_nan=False, allow_infinity=False)
SENTINEL_AFTER_2030 = "max_co2_after_2030"  # -inf when the horizon ends by 2030 (no such year)
# what the balance check of the projection names (simulator/model/projection.py): no room for
# direct fossil use, direct oil + gas shares above one, imports beyond demand
BALANCE_FIELDS = {f"{section}.{name}" for section in ("base", "paths") for name in (
    "electricity_share_final", "direct_oil_share", "net_electricity_exports")}

# magnitudes a region has, drawn about half of the time; the rest spans the whole schema range
TYPICAL = {"base.gdp": (100.0, 1e5), "base.energy_intensity": (0.1, 2.0),
           "base.final_energy_share": (0.5, 0.9), "base.electricity_share_final": (0.05, 0.35),
           "base.renewable_capacity": (0.0, 2000.0), "base.full_load_hours": (800.0, 3000.0),
           "base.other_non_fossil_generation": (0.0, 100.0),
           "base.coal_power_capacity": (0.0, 5000.0), "base.other_capacity": (0.0, 500.0),
           "base.other_non_fossil_energy": (0.0, 200.0), "base.process_emissions": (0.0, 500.0),
           "base.ccus": (0.0, 100.0), "base.net_electricity_exports": (-100.0, 100.0)}
REQUIRED_LEVELS = ("gdp", "energy_intensity", "final_energy_share", "electricity_share_final",
                   "renewable_capacity", "full_load_hours", "gas_power_share",
                   "coal_power_supply_rate", "gas_power_supply_rate", "coal_equivalent_rate",
                   "coal_power_capacity")
OPTIONAL_LEVELS = ("net_electricity_exports", "other_non_fossil_generation",
                   "other_non_fossil_energy", "other_capacity", "process_emissions", "ccus")


# -- (a) valid scenarios -------------------------------------------------------------------------


def within(path: str) -> st.SearchStrategy[float]:
    """A value of a schema field within its bounds, often of a region's size."""
    low, high = FIELDS_BY_PATH[path].bounds
    wide = st.floats(low, high, **FINITE)
    if path not in TYPICAL:
        return wide
    return st.one_of(st.floats(*TYPICAL[path], **FINITE), wide)


@st.composite
def driver_path(draw, name: str, base_year: int, end_year: int) -> dict:
    """A driver path: a rate path from the first projected year, or a level path with keys
    anywhere in the horizon; values within the field's bounds."""
    f = FIELDS_BY_PATH[f"paths.{name}"]
    years = draw(st.lists(st.integers(base_year + 1, end_year), min_size=1, max_size=4,
                          unique=True))
    if name in RATE_DRIVERS:
        years = sorted({base_year + 1, *years})
    values = st.floats(*f.bounds, **FINITE) if f.anchor is None else within(f.anchor)
    return {"fill": draw(st.sampled_from(["step", "linear"])),
            "values": {year: draw(values) for year in years}}


def parameter_names(data: dict) -> list[str]:
    """What the uncertainty section may address: the model's number fields, every key of
    every driver path set, and each whole driver path."""
    names = [f.path for f in FIELDS if f.kind == "float" and not f.path.startswith("reference")]
    for name, path in data["paths"].items():
        names.append(f"paths.{name}")
        names += [f"paths.{name}.values.{year}" for year in path["values"]]
    return names


SPREAD = st.one_of(st.floats(0.0, 0.2, **FINITE), st.floats(0.0, LARGEST, **FINITE))
CENTRE = st.one_of(st.floats(-2.0, 2.0, **FINITE), st.floats(-LARGEST, LARGEST, **FINITE))


@st.composite
def distribution(draw) -> dict:
    """A distribution entry's own numbers, anywhere the uncertainty checks allow."""
    kind = draw(st.sampled_from(["normal", "lognormal", "uniform", "triangular",
                                 "truncated_normal"]))
    if kind == "normal":
        return {"distribution": kind, "mean": draw(CENTRE), "sd": draw(SPREAD)}
    if kind == "lognormal":
        return {"distribution": kind, "median": draw(st.floats(1e-300, LARGEST, **FINITE)),
                "sigma": draw(st.floats(0.0, LARGEST_SIGMA, **FINITE))}
    low, high = sorted(draw(st.lists(CENTRE, min_size=2, max_size=2)))
    if kind == "uniform":
        return {"distribution": kind, "low": low, "high": high}
    if kind == "triangular":
        mode = draw(st.floats(low, high, **FINITE))
        return {"distribution": kind, "low": low, "mode": mode, "high": high}
    assume(low < high)
    return {"distribution": kind, "mean": draw(CENTRE), "sd": draw(SPREAD), "low": low,
            "high": high}


@st.composite
def uncertainty(draw, data: dict) -> dict:
    """An uncertainty section: up to four parameter entries (one correlation between two of
    them), up to three AR(1) shocks, any sampling."""
    names = draw(st.lists(st.sampled_from(parameter_names(data)), max_size=4, unique=True))
    entries = [{"parameter": name, "apply": draw(st.sampled_from(["add", "multiply", "set"])),
                **draw(distribution())} for name in names]
    shocks = [{"driver": draw(st.sampled_from(DRIVER_NAMES)),
               "apply": draw(st.sampled_from(["add", "multiply"])), "sd": draw(SPREAD),
               "rho": draw(st.floats(-0.999, 0.999, **FINITE))}
              for _ in range(draw(st.integers(0, 3)))]
    section = {"sampling": draw(st.sampled_from(["random", "latin_hypercube", "sobol"])),
               "parameters": entries, "shocks": shocks}
    if len(names) >= 2 and draw(st.booleans()):
        section["correlations"] = [{"between": names[:2],
                                    "rho": draw(st.floats(-1.0, 1.0, **FINITE))}]
    return section


@st.composite
def valid_scenarios(draw) -> dict:
    """A scenario mapping within every bound of the schema, varying the horizon, accounting,
    base values, optional terms (net exports, other non-fossil generation and energy, other
    capacity, process CO2, CCUS), driver paths, emission factors and the uncertainty
    section. The base-year direct oil and gas shares sum to at most one (a rule of the
    loader); their paths need not."""
    base_year = draw(st.integers(1990, 2100))
    end_year = draw(st.integers(base_year + 1, 2200))
    base = {name: draw(within(f"base.{name}")) for name in REQUIRED_LEVELS}
    oil = draw(within("base.direct_oil_share"))
    base.update(direct_oil_share=oil, direct_gas_share=draw(st.floats(0.0, 1.0 - oil, **FINITE)))
    for name in OPTIONAL_LEVELS:
        if draw(st.booleans()):
            base[name] = draw(within(f"base.{name}"))
    paths = {name: draw(driver_path(name, base_year, end_year)) for name in RATE_DRIVERS}
    for name in draw(st.lists(st.sampled_from(LEVEL_DRIVERS), max_size=4, unique=True)):
        paths[name] = draw(driver_path(name, base_year, end_year))
    factors = {fuel: draw(within(f"emission_factors.{fuel}")) for fuel in ("coal", "oil", "gas")}
    accounting = draw(st.sampled_from(["territorial", "consumption"]))
    data = {"format": 1, "name": "generated", "region": "Testland", "base_year": base_year,
            "end_year": end_year, "accounting": accounting, "base": base, "paths": paths,
            "emission_factors": factors}
    data["uncertainty"] = draw(uncertainty(data))
    return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def fill(years: np.ndarray, keys: dict, fill_rule: str, anchor: float | None) -> np.ndarray:
    """A driver path over ``years``, by the rules of the scenario format, written out apart
    from ``simulator.model.drivers``: step holds a key's value from its year on, linear draws
    straight lines; a level path starts from its base-year anchor."""
    points = dict(sorted(keys.items()))
    if anchor is not None:
        points = {int(years[0]): anchor, **points}
    key_years = np.array(list(points))
    values = np.array(list(points.values()), dtype=float)
    if fill_rule == "linear":
        return np.interp(years, key_years, values)
    return np.array([values[max(0, np.searchsorted(key_years, y, side="right") - 1)]
                     for y in years])


def expected_driver(data: dict, name: str, years: np.ndarray) -> np.ndarray:
    path = data["paths"].get(name)
    if name in RATE_DRIVERS:
        rates = fill(years, path["values"], path["fill"], None)
        return np.concatenate([[0.0], rates[1:]])  # no change in the base year
    anchor = data["base"].get(name, FIELDS_BY_PATH[f"base.{name}"].default)
    if path is None:
        return np.full(len(years), float(anchor))
    return fill(years, path["values"], path["fill"], anchor)


def assert_balance_closes(out: dict) -> None:
    for name, error in identity_errors(out).items():
        assert np.isfinite(error).all() and (error <= CLOSE).all(), (name, error.max())


def spilled(out: dict) -> np.ndarray:
    """Other non-fossil energy beyond the room the balance leaves, not used (万tce); none
    where the model has no such output."""
    return out.get("curtailed_non_fossil_energy", np.zeros(out["energy"].shape))


def negative_fuel_use(out: dict) -> np.ndarray:
    """Where, per year (and draw), fuel use or generation is negative beyond rounding (1e-12
    of the year's energy use, or of its local generation): direct fossil use, coal-power
    fuel, a fuel share, a source of generation, curtailment; or where there is no local
    generation."""
    energy, generation = out["energy"], np.abs(out["generation"])
    below = [out[name] < -CLOSE * energy for name in ("direct_fossil", "coal_power_fuel")]
    below += [out[name] < -CLOSE for name in SHARES]
    below += [out[name] < -CLOSE * generation for name in (*SOURCES, "curtailed_generation")]
    below += [spilled(out) < 0, out["generation"] <= 0]
    return np.logical_or.reduce(below)


def assert_close(actual, expected, scale, name: str) -> None:
    """|actual - expected| within 1e-12 of ``scale``, the size of the terms involved."""
    error = np.abs(np.asarray(actual) - np.asarray(expected))
    assert (error <= CLOSE * (np.asarray(scale) + TINY)).all(), (name, error.max())


def local_share(out: dict) -> np.ndarray:
    """The share of local generation used here: demand / generation where power is exported
    (net exports take the rest of every source with them), else 1 (kernel.py)."""
    demand, generation = out["electricity_demand"], out["generation"]
    return np.where(generation > demand, demand / np.where(generation > demand, generation, 1.0),
                    1.0)


def assert_projection_identities(data: dict, projection) -> None:
    """Every identity of the model that the outputs and the scenario's own numbers fix, the
    balance closed in every year, and no fuel use negative."""
    years = projection.year.values
    out = {name: projection[name].values for name in projection.data_vars}
    for name, values in out.items():
        assert np.isfinite(values).all(), name
    drivers = {name: expected_driver(data, name, years) for name in DRIVER_NAMES}
    gdp, intensity, energy = out["gdp"], out["energy_intensity"], out["energy"]
    assert gdp[0] == data["base"]["gdp"] and intensity[0] == data["base"]["energy_intensity"]
    np.testing.assert_allclose(gdp[1:], gdp[:-1] * (1 + drivers["gdp_growth"][1:]), rtol=1e-12)
    np.testing.assert_allclose(intensity[1:], intensity[:-1]
                               * (1 - drivers["energy_intensity_decline"][1:]), rtol=1e-12)
    np.testing.assert_allclose(energy, gdp * intensity, rtol=1e-12)
    for name in ("renewable_capacity", "net_electricity_exports", "coal_power_supply_rate",
                 "electricity_share_final"):
        np.testing.assert_allclose(out[name], drivers[name], rtol=1e-12, atol=1e-300)
    # the balance and nothing negative
    assert_balance_closes(out)
    negative = negative_fuel_use(out)
    assert not negative.any(), years[negative]
    # the power sector
    demand = energy * drivers["final_energy_share"] * drivers["electricity_share_final"] / 1.229
    np.testing.assert_allclose(out["electricity_demand"], demand, rtol=1e-12)
    renewable = drivers["renewable_capacity"] * drivers["full_load_hours"] * 1e-4
    np.testing.assert_allclose(out["renewable_generation"], renewable, rtol=1e-12, atol=1e-300)
    offered = renewable + drivers["other_non_fossil_generation"]
    generation = out["generation"]
    size = offered + generation  # of the generation terms
    assert_close(out["non_fossil_generation"], np.minimum(offered, generation), size, "used")
    assert_close(out["curtailed_generation"], np.maximum(offered - generation, 0.0), size,
                 "curtailed")
    fossil = generation - out["non_fossil_generation"]
    assert_close(out["gas_power_generation"], fossil * drivers["gas_power_share"], size, "gas")
    assert_close(out["coal_power_fuel"], out["coal_power_generation"]
                 * drivers["coal_power_supply_rate"] * 1e-2,
                 size * drivers["coal_power_supply_rate"] * 1e-2, "coal power fuel")
    # the fuels, on the statistics' basis (net exports carry the local mix away, net imports
    # count as coal at the coal-equivalent rate)
    local = local_share(out)
    gas_power = out["gas_power_generation"] * drivers["gas_power_supply_rate"] * 1e-2
    direct = out["direct_fossil"]
    assert_close(out["oil_share"] * energy, direct * drivers["direct_oil_share"], energy, "oil")
    assert_close(out["gas_share"] * energy, direct * drivers["direct_gas_share"]
                 + local * gas_power, energy, "gas")
    non_fossil = (local * out["non_fossil_generation"] * drivers["coal_equivalent_rate"] * 1e-2
                  + drivers["other_non_fossil_energy"] - spilled(out))
    assert_close(out["non_fossil_share"] * energy, non_fossil,
                 energy + drivers["other_non_fossil_energy"], "non-fossil")
    # capacity
    capacity = (drivers["renewable_capacity"] + drivers["coal_power_capacity"]
                + drivers["other_capacity"])
    np.testing.assert_allclose(out["total_capacity"], capacity, rtol=1e-12, atol=1e-300)
    clean = np.where(capacity > 0, 1 - drivers["coal_power_capacity"]
                     / np.where(capacity > 0, capacity, 1.0), 0.0)
    assert_close(out["clean_capacity_share"], clean, 1.0, "clean capacity share")
    assert_close(out["clean_generation_share"], 1 - out["coal_power_generation"] / generation,
                 1 + np.abs(out["coal_power_generation"] / generation), "clean generation share")
    # CO2
    error = np.abs(out["co2"] - expected_co2(data, out, drivers))
    assert (error <= 1e-12 * co2_scale(out, drivers)).all(), error
    np.testing.assert_allclose(out["co2_intensity"], out["co2"] / gdp, rtol=1e-12)


def traded_fuel(out: dict, drivers: dict) -> tuple[np.ndarray, np.ndarray]:
    """Coal and gas (万tce) that territorial accounting adds to the fuel used here: the fuel
    of exported power, less the coal of imported power."""
    exported = 1 - local_share(out)
    gas_power = out["gas_power_generation"] * drivers["gas_power_supply_rate"] * 1e-2
    imported = np.maximum(-drivers["net_electricity_exports"], 0.0) \
        * drivers["coal_equivalent_rate"] * 1e-2
    return exported * out["coal_power_fuel"] - imported, exported * gas_power


def expected_co2(data: dict, out: dict, drivers: dict) -> np.ndarray:
    """CO2 (万t) of a projection from its fuel use, by the formula of simulator/model/kernel.py."""
    factors = data["emission_factors"]
    energy = out["energy"]
    fuel = energy * (out["coal_share"] * factors["coal"] + out["oil_share"] * factors["oil"]
                     + out["gas_share"] * factors["gas"])
    weight = 1.0 if data["accounting"] == "territorial" else 0.0
    coal, gas = traded_fuel(out, drivers)
    trade = weight * (coal * factors["coal"] + gas * factors["gas"])
    return fuel + trade + drivers["process_emissions"] - drivers["ccus"]


def co2_scale(out: dict, drivers: dict) -> np.ndarray:
    """The size of the terms CO2 sums, for a tolerance that rounding cannot exceed."""
    coal, gas = traded_fuel(out, drivers)
    return (5 * (out["energy"] + np.abs(coal) + np.abs(gas)) + drivers["process_emissions"]
            + drivers["ccus"] + 1e-300)


def unchecked_failures(scenario) -> np.ndarray:
    """The years, by index, in which the unchecked kernel's balance fails: direct fossil use
    below zero (beyond rounding), direct oil + gas shares above one, or no local generation."""
    drivers = kernel_inputs(scenario)[3]
    out = project_array(scenario)
    energy = out[kernel.ENERGY]
    mix = drivers[kernel.DIRECT_OIL] + drivers[kernel.DIRECT_GAS]
    return np.flatnonzero((out[kernel.DIRECT_FOSSIL] < -CLOSE * energy) | (mix > 1 + CLOSE)
                          | (out[kernel.TOTAL_GENERATION] <= 0))


def short_years(out: dict, drivers: dict) -> np.ndarray:
    """Per draw, the years in which direct fossil use or its coal is below zero, or there is no
    local generation: what a draw counts as unbalanced."""
    direct = out["direct_fossil"]
    oil, gas = drivers["direct_oil_share"], drivers["direct_gas_share"]
    direct_coal = direct - direct * oil - direct * gas
    return ((direct < 0) | (direct_coal < 0) | (out["generation"] <= 0)).sum(axis=-1)


def load(folder: Path, data: dict):
    path = write_scenario(folder, data, "generated.yaml")
    return simulator.load_scenario(path)


@examples(60)
@given(data=valid_scenarios())
def test_valid_scenario_projects_with_the_balance_closed_or_names_the_balance_field(folder,
                                                                                     data):
    scenario = load(folder, data)
    failures = unchecked_failures(scenario)
    try:
        projection = simulator.project(scenario)
    except ScenarioError as err:
        # the one legitimate failure of a scenario within bounds: a year whose balance cannot
        # close, named with its field, in the first year the unchecked balance really fails
        assert err.field in BALANCE_FIELDS, str(err)
        assert err.file == str(scenario.source) and "in " in str(err.problem), str(err)
        assert len(failures) and err.problem.values["year"] == scenario.years[failures[0]]
        assert err.field.startswith("base." if failures[0] == 0 else "paths."), str(err)
        return
    assert not len(failures), scenario.years[failures]
    assert_projection_identities(data, projection)
    certain = simulator.simulate(load(folder, {**data, "uncertainty": {}}), draws=3, seed=1,
                                 keep="full")
    for name, values in projection.data_vars.items():  # each draw is the projection, as is
        np.testing.assert_array_equal(certain[name].values,
                                      np.tile(values.values, (3, 1)), err_msg=name)
    drivers = {name: expected_driver(data, name, projection.year.values)
               for name in ("direct_oil_share", "direct_gas_share")}
    out = {name: projection[name].values for name in ("direct_fossil", "generation")}
    np.testing.assert_array_equal(certain.unbalanced_years, short_years(out, drivers))
    out = {name: projection[name].values for name in projection.data_vars}
    cut = (out["curtailed_generation"] > 0) | (spilled(out) > 0)
    np.testing.assert_array_equal(certain.curtailed_years, int(cut.sum()))


def assert_ensemble_sane(data: dict, ensemble) -> None:
    """No NaN or infinity; the balance closes in every draw-year, and every draw-year is
    balanced (no fuel use negative, shares fractions) or counted in ``unbalanced_years``:
    never rescaled to fit; the per-draw identities."""
    for name, values in ensemble.data_vars.items():
        finite = np.isfinite(values.values) if values.dtype.kind == "f" else True
        if name == SENTINEL_AFTER_2030 and data["end_year"] <= 2030:
            assert (values.values == -np.inf).all()
            continue
        assert np.all(finite), name
    full = {name: ensemble[name].values for name in ensemble.data_vars
            if ensemble[name].dims == ("draw", "year")}
    assert_balance_closes(full)  # in unbalanced years too: their values are not adjusted
    unbalanced = ensemble.unbalanced_years.values
    negative = negative_fuel_use(full)
    # a draw with negative fuel use in k years counts at least those k years as unbalanced
    assert (negative.sum(axis=1) <= unbalanced).all(), (negative.sum(axis=1), unbalanced)
    balanced = unbalanced == 0
    for share in SHARES:
        assert (full[share][balanced] <= 1 + CLOSE).all(), share
    cut = (full["curtailed_generation"] > 0) | (spilled(full) > 0)
    assert (ensemble.curtailed_years.values == cut.sum(axis=1)).all()
    np.testing.assert_allclose(full["energy"], full["gdp"] * full["energy_intensity"],
                               rtol=1e-12)
    np.testing.assert_allclose(full["co2_intensity"], full["co2"] / full["gdp"], rtol=1e-12)
    growth = full["gdp"][:, 1:] / full["gdp"][:, :-1] - 1  # drawn and clamped to its bounds
    assert ((growth >= -0.5 - 1e-12) & (growth <= 0.5 + 1e-12)).all()
    capacity = full["renewable_capacity"]
    hours = np.divide(full["renewable_generation"], capacity, out=np.zeros_like(capacity),
                      where=capacity > 1e-300) * 1e4  # (a subnormal capacity loses digits)
    assert (capacity >= 0).all() and ((hours >= 0) & (hours <= 8760 * (1 + 1e-12))).all()
    assert_peak_summaries(ensemble, full["co2"])


def assert_peak_summaries(ensemble, co2: np.ndarray) -> None:
    years = ensemble.year.values
    np.testing.assert_array_equal(ensemble.peak_year.values, years[np.argmax(co2, axis=1)])
    np.testing.assert_array_equal(ensemble.peak_co2.values, co2.max(axis=1))
    np.testing.assert_allclose(ensemble.cumulative_co2.values, co2.sum(axis=1), rtol=1e-12,
                               atol=1e-12 * np.abs(co2).sum(axis=1).max())
    later = years > 2030
    if later.any():
        np.testing.assert_array_equal(ensemble[SENTINEL_AFTER_2030].values,
                                      co2[:, later].max(axis=1))


def without_ccus(data: dict) -> bool:
    """Whether CCUS is zero in every year of every draw."""
    unc = data["uncertainty"]
    return (not data["base"].get("ccus") and "ccus" not in data["paths"]
            and not any("ccus" in e["parameter"] for e in unc["parameters"])
            and not any(s["driver"] == "ccus" for s in unc["shocks"]))


DRAWS = 64  # a power of two, as Sobol points want


@examples(60)
@given(data=valid_scenarios())
def test_valid_scenario_ensemble_is_finite_with_shares_and_identities(folder, data):
    scenario = load(folder, data)
    ensemble = simulator.simulate(scenario, draws=DRAWS, seed=7, keep="full")
    assert_ensemble_sane(data, ensemble)
    if without_ccus(data):  # a balanced draw burns no negative fuel: CO2 is not negative
        balanced = ensemble.unbalanced_years.values == 0
        energy = ensemble["energy"].values[balanced]
        assert (ensemble["co2"].values[balanced] >= -1e-12 * (5 * energy + 1)).all()


@examples(25)
@given(data=valid_scenarios(), split=st.integers(1, DRAWS - 1))
def test_same_seed_same_bits_and_any_chunk_split_the_same_bits(folder, data, split):
    scenario = load(folder, data)
    whole = simulator.simulate(scenario, draws=DRAWS, seed=11, keep="full")
    again = simulator.simulate(scenario, draws=DRAWS, seed=11, keep="full")
    parts = [simulator.simulate(scenario, draws=DRAWS, seed=11, keep="full", chunk=chunk)
             for chunk in ((0, split), (split, DRAWS))]
    for name, values in whole.data_vars.items():
        np.testing.assert_array_equal(again[name].values, values.values, err_msg=name)
        joined = np.concatenate([part[name].values for part in parts])
        np.testing.assert_array_equal(joined, values.values, err_msg=name)


# -- (b) mangled scenario files ------------------------------------------------------------------

TAIYUAN_TEXT = TAIYUAN.read_bytes()
TAIYUAN_DATA = yaml.safe_load(TAIYUAN_TEXT)
TARGETS = REPO / "calibration" / "targets" / "taiyuan.yaml"


class Workspace:
    """A copy of the Taiyuan scenario's surroundings (the target file at the same relative
    place, ``../calibration/targets/``) in which each example writes its own files."""

    def __init__(self, root: Path):
        self.root = root
        (root / "calibration" / "targets").mkdir(parents=True)
        self.targets = root / "calibration" / "targets" / "taiyuan.yaml"
        shutil.copyfile(TARGETS, self.targets)
        self.count = itertools.count()

    def file(self, content: bytes, name: str = "taiyuan_base.yaml") -> Path:
        """A fresh folder with ``content`` as ``name`` (no lock beside it: the values as
        written are run)."""
        folder = self.root / f"example_{next(self.count)}"
        folder.mkdir()
        path = folder / name
        path.write_bytes(content)
        return path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("mangled"))


def run_library(path: Path, involved: set[Path]) -> str:
    """Load, project and run 20 draws of ``path``: "ok" (then the outputs are finite), or
    "error" for a ScenarioError that names one of the ``involved`` files. Anything else (a
    crash) fails the test."""
    try:
        scenario = simulator.load_scenario(path)
        projection = simulator.project(scenario)
        ensemble = simulator.simulate(scenario, draws=20, seed=1) \
            if scenario["uncertainty.parameters"] or scenario["uncertainty.shocks"] else None
    except InputError as err:
        assert isinstance(err, ScenarioError), str(err)
        assert err.file in {str(f) for f in involved}, str(err)
        assert str(err).startswith(err.file)
        return "error"
    assert all(np.isfinite(v.values).all() for v in projection.data_vars.values())
    if ensemble is not None:
        assert np.isfinite(ensemble.peak_co2.values).all()
    return "ok"


def involved_files(path: Path, workspace: Workspace) -> set[Path]:
    return {path, lock_path(path), workspace.targets, workspace.targets.resolve()}


def leaf_paths(data, prefix=()) -> list[tuple]:
    """Every place in a parsed YAML tree: mapping keys and list items, inner nodes too."""
    places = []
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        places.append((*prefix, key))
        places += leaf_paths(value, (*prefix, key))
    return places


TAIYUAN_PLACES = leaf_paths(TAIYUAN_DATA)
HOSTILE_VALUES = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 2022.5, 1e308, -1e308, math.inf, -math.inf,
                     math.nan, 10**400, -(10**400), 5e-324, "", "NaN", "1e3", "0.04", [], {},
                     [None], {"values": None}, {2025: "x"}, "paths.direct_gas_share.values.²",
                     "a" * 300, "../" * 40 + "etc/passwd", "\x00", "\u202e"]),
    st.text(max_size=12), st.integers(), st.floats(),
    st.lists(st.one_of(st.integers(), st.text(max_size=4)), max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=6), st.integers(1990, 2200)),
                    st.one_of(st.floats(), st.text(max_size=4)), max_size=3),
)


def placed(data, place: tuple, value, delete: bool = False):
    """A deep copy of ``data`` with the node at ``place`` replaced by ``value`` (or deleted)."""
    data = copy.deepcopy(data)
    node = data
    for key in place[:-1]:
        node = node[key]
    if delete:
        del node[place[-1]]
    else:
        node[place[-1]] = value
    return data


@st.composite
def wrong_values(draw, data=TAIYUAN_DATA, places=TAIYUAN_PLACES) -> bytes:
    """The YAML of ``data`` with one to three nodes replaced by a hostile value, deleted, or
    joined by an unknown key."""
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(places))
        how = draw(st.sampled_from(["replace", "replace", "delete", "add key"]))
        if how == "add key" and isinstance(data, dict):
            place = (*place[:-1], draw(st.sampled_from(["colour", "gdp", 2025, "base"])))
        try:
            data = placed(data, place, draw(HOSTILE_VALUES), delete=how == "delete")
        except (KeyError, IndexError, TypeError):  # an earlier change removed that place
            pass
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


# YAML no value of ours can hold, each written where a value goes: recursive aliases, alias
# bombs, deep nesting, tags Python must not run, values their tags cannot hold
LAUGHS = "[" + ", ".join(f"&l{i} [" + ", ".join([f"*l{i - 1}" if i else "lol"] * 9) + "]"
                         for i in range(9)) + "]"
HOSTILE_YAML = [
    "&r [*r]", "&r {k: *r}", "&r {values: *r, fill: step}", LAUGHS, "*undefined",
    "[" * 100_000 + "]" * 100_000, "{a: " * 50_000 + "1" + "}" * 50_000,
    "!!python/object/apply:os.system ['echo pwned']", "!!binary aGVsbG8=", "!!set {a, b}",
    "2025-13-45", "2025-02-29", "!!int x", "!!float x", "!!bool x", "!!timestamp x", "0x_",
    "{<<: [1]}", "{? [a, b] : c}", "!!str [1]", "&a 1\n*a", "|\n  text\n weird", "'unclosed",
    "!custom tag", "{2025: 1, 2025: 2}", "- [a]\n- b: c",
]
PLACEHOLDER = "HOSTILE_YAML_GOES_HERE"


@st.composite
def hostile_yaml(draw) -> bytes:
    """Taiyuan's YAML with one value replaced by a piece of hostile YAML."""
    place = draw(st.sampled_from(TAIYUAN_PLACES))
    text = yaml.safe_dump(placed(TAIYUAN_DATA, place, PLACEHOLDER), allow_unicode=True,
                          sort_keys=False)
    return text.replace(PLACEHOLDER, draw(st.sampled_from(HOSTILE_YAML)), 1).encode()


@st.composite
def damaged_bytes(draw) -> bytes:
    """Taiyuan's bytes truncated, or with one to four bytes changed, removed or inserted."""
    data = bytearray(TAIYUAN_TEXT)
    if draw(st.booleans()):
        return bytes(data[:draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "delete", "insert"]))
        if how == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif how == "delete":
            del data[at]
        else:
            data.insert(at, draw(st.integers(0, 255)))
    return bytes(data)


RANDOM_CONTENT = st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode),
                           st.lists(st.sampled_from(["a:", " ", "- ", "[", "]", "{", "}", ":",
                                                     "\n", "&a", "*a", "!!", "'", '"', "#",
                                                     "base", "2025", "0.5", "---", "..."]),
                                    max_size=60).map(lambda parts: "".join(parts).encode()))


@examples(120)
@given(content=RANDOM_CONTENT)
def test_random_text_and_bytes_give_a_scenario_error(workspace, content):
    path = workspace.file(content)
    assert run_library(path, involved_files(path, workspace)) == "error"


@examples(120)
@given(content=damaged_bytes())
def test_truncated_and_flipped_taiyuan_runs_or_names_the_file(workspace, content):
    path = workspace.file(content)
    run_library(path, involved_files(path, workspace))


@examples(150)
@given(content=wrong_values())
def test_wrong_type_or_huge_number_in_any_field_runs_or_names_the_file(workspace, content):
    path = workspace.file(content)
    run_library(path, involved_files(path, workspace))


@examples(80)
@given(content=hostile_yaml())
def test_hostile_yaml_in_any_value_is_refused_quickly(workspace, content):
    path = workspace.file(content)
    started = time.perf_counter()
    assert run_library(path, involved_files(path, workspace)) == "error"
    assert time.perf_counter() - started < 10  # alias bombs and deep nesting are not expanded


@examples(60)
@given(parent=st.one_of(wrong_values(), hostile_yaml(), damaged_bytes()))
def test_a_child_of_a_mangled_parent_runs_or_names_a_file_of_the_chain(workspace, parent):
    parent_path = workspace.file(parent, "parent.yaml")
    child = write_scenario(parent_path.parent, {"extends": "parent.yaml", "name": "child"})
    run_library(child, {child, *involved_files(parent_path, workspace)})


TAIYUAN_LOCK = yaml.safe_load(lock_path(TAIYUAN).read_bytes())


@examples(60)
@given(lock=wrong_values(TAIYUAN_LOCK, leaf_paths(TAIYUAN_LOCK)))
def test_a_mangled_lock_runs_or_names_the_lock(workspace, lock):
    path = workspace.file(TAIYUAN_TEXT)  # the lock's digest holds: same bytes, same targets
    lock_path(path).write_bytes(lock)
    run_library(path, involved_files(path, workspace))


def test_the_workspace_copy_runs_with_its_lock(workspace):
    # the mangled-lock property means something only if an intact lock is accepted and applied
    path = workspace.file(TAIYUAN_TEXT)
    shutil.copyfile(lock_path(TAIYUAN), lock_path(path))
    assert simulator.load_scenario(path).locks == (lock_path(path),)


# -- (b) through the command line: exit 2 and a message naming the file ----------------------


def run_cli(path: Path, out: Path) -> tuple[int, str]:
    """``simulate PATH --draws 20 --out OUT`` in this process: exit code and stderr."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(path), "--draws", "20", "--out", str(out)])
    return code, stderr.getvalue()


def assert_cli_outcome(path: Path, out: Path, involved: set[Path]) -> int:
    """Exit 0 with the results written, or exit 2 with one message naming an involved file
    and nothing written; never another code, never a traceback (an exception would fail the
    test before this)."""
    code, stderr = run_cli(path, out)
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr
    if code == 2:
        assert stderr.startswith("simulate: error: "), stderr
        assert any(stderr.startswith(f"simulate: error: {f}: ") for f in involved), stderr
        assert not out.exists()
    else:
        assert (out / "summary.json").is_file()
    return code


@examples(30)
@given(content=st.one_of(wrong_values(), hostile_yaml(), RANDOM_CONTENT, damaged_bytes()))
def test_cli_on_mangled_files_exits_0_or_2_with_the_file_named(workspace, content):
    path = workspace.file(content)
    assert_cli_outcome(path, path.parent / "out", involved_files(path, workspace))


def fifo(folder: Path) -> Path:
    path = folder / "pipe.yaml"
    os.mkfifo(path)  # reading it would wait forever for a writer
    return path


def special(name: str):
    """Files that are no scenario file: each ``make(folder)`` returns the path to run."""
    return {
        "directory": lambda folder: (folder / "dir.yaml").mkdir() or folder / "dir.yaml",
        "empty": lambda folder: write(folder / "empty.yaml", b""),
        "missing": lambda folder: folder / "absent.yaml",
        "dangling link": lambda folder: link(folder / "link.yaml", folder / "absent.yaml"),
        "link to /dev/zero": lambda folder: link(folder / "zero.yaml", Path("/dev/zero")),
        "fifo": fifo,
        "name too long": lambda folder: folder / ("a" * 300 + ".yaml"),
        "latin-1 text": lambda folder: write(folder / "l1.yaml", "region: Tàiyuán".encode("latin-1")),
        "utf-16 with BOM": lambda folder: write(folder / "u16.yaml",
                                                TAIYUAN_TEXT.decode().encode("utf-16")),
        "duplicate key": lambda folder: write(folder / "dup.yaml",
                                              TAIYUAN_TEXT + b"\nend_year: 2050\n"),
        "two documents": lambda folder: write(folder / "docs.yaml",
                                              TAIYUAN_TEXT + b"\n---\nname: other\n"),
    }[name]


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def link(path: Path, target: Path) -> Path:
    path.symlink_to(target)
    return path


SPECIAL = ["directory", "empty", "missing", "dangling link", "link to /dev/zero", "fifo",
           "name too long", "latin-1 text", "utf-16 with BOM", "duplicate key", "two documents"]


@pytest.mark.parametrize("name", SPECIAL)
def test_cli_on_a_file_that_is_no_scenario_exits_2_naming_it(workspace, name):
    folder = workspace.file(b"").parent
    path = special(name)(folder)
    assert assert_cli_outcome(path, folder / "out", {path}) == 2


@pytest.mark.parametrize("snippet", HOSTILE_YAML[:7], ids=[
    "recursive list", "recursive mapping", "recursive driver path", "billion laughs",
    "undefined alias", "deep list nesting", "deep mapping nesting"])
def test_cli_on_hostile_yaml_in_a_valid_section_exits_2_quickly(workspace, snippet):
    text = TAIYUAN_TEXT.decode().replace("sampling: latin_hypercube", f"sampling: {snippet}")
    path = workspace.file(text.encode())
    started = time.perf_counter()
    assert assert_cli_outcome(path, path.parent / "out", {path}) == 2
    assert time.perf_counter() - started < 10


def test_cli_on_a_valid_child_of_a_mangled_parent_names_the_parent(workspace):
    parent = workspace.file(TAIYUAN_TEXT.replace(b"coal: 2.66", b"coal: [2.66]"), "parent.yaml")
    child = write_scenario(parent.parent, {"extends": "parent.yaml", "name": "child"})
    assert assert_cli_outcome(child, parent.parent / "out", {parent}) == 2


def test_cli_on_taiyuan_with_a_byte_order_mark_runs(workspace):
    path = workspace.file(b"\xef\xbb\xbf" + TAIYUAN_TEXT)
    assert assert_cli_outcome(path, path.parent / "out", {path}) == 0


# -- each failure the properties found, kept as a plain example --------------------------------


def sd_entry(parameter="base.ccus", **numbers) -> dict:
    return {"parameter": parameter, "apply": "multiply", "distribution": "normal", "sd": 0.1,
            **numbers}


FOUND = [
    # a number too large for a float in the uncertainty section (OverflowError)
    pytest.param({"uncertainty": {"parameters": [sd_entry(sd=10**400)]}},
                 "uncertainty.parameters[0].sd", "expected a finite number", id="huge integer sd"),
    # a distribution written as a list (TypeError: unhashable)
    pytest.param({"uncertainty": {"parameters": [sd_entry(distribution=["normal"])]}},
                 "uncertainty.parameters[0].distribution", "unknown distribution",
                 id="distribution as a list"),
    # a year key of digits int() cannot read (ValueError)
    pytest.param({"uncertainty": {"parameters": [sd_entry("paths.gdp_growth.values.²")]}},
                 "uncertainty.parameters[0].parameter", "not a parameter",
                 id="superscript year in an uncertain parameter"),
    pytest.param({"calibration": {"free": ["paths.gdp_growth.values.²"]}},
                 "paths.gdp_growth.values.²", "not a parameter",
                 id="superscript year in calibration.free"),
    # names longer than a file name can be (OSError from Path.is_file)
    pytest.param({"extends": "a" * 300 + ".yaml"}, "extends", "not found", id="long parent name"),
    pytest.param({"calibration": {"targets": "a" * 300 + ".yaml"}}, "calibration.targets",
                 "target file not found", id="long target file name"),
    # levels the schema allowed whose projection overflowed to infinity
    pytest.param({"base": {"gdp": 1e308}}, "base.gdp", "out of range", id="GDP 1e308"),
    pytest.param({"base": {"renewable_capacity": 1e300}}, "base.renewable_capacity",
                 "out of range", id="capacity 1e300"),
    pytest.param({"base": {"process_emissions": 1e308}}, "base.process_emissions",
                 "out of range", id="process CO2 1e308"),
    pytest.param({"accounting": "consumption", "base": {"net_electricity_exports": -1e308}},
                 "base.net_electricity_exports", "out of range", id="imports 1e308"),
    # spreads whose draws overflowed: inf x 0 = NaN in every output of the draw
    pytest.param({"uncertainty": {"parameters": [sd_entry(sd=1e308)]}},
                 "uncertainty.parameters[0].sd", "out of range", id="sd 1e308 on zero CCUS"),
    pytest.param({"uncertainty": {"parameters": [{"parameter": "base.ccus", "apply": "multiply",
                                                  "distribution": "lognormal", "sigma": 1000}]}},
                 "uncertainty.parameters[0].sigma", "sigma above 10", id="lognormal sigma 1000"),
    pytest.param({"uncertainty": {"shocks": [{"driver": "ccus", "sd": 1e300}]}},
                 "uncertainty.shocks[0].sd", "out of range", id="shock sd 1e300"),
    # a field the model does not read: its draws crashed the sampler (KeyError)
    pytest.param({"uncertainty": {"parameters": [sd_entry("reference.ceads_band")]}},
                 "uncertainty.parameters[0].parameter", "not an input of the model",
                 id="uncertain reference.ceads_band"),
]


@pytest.mark.parametrize("change, field, problem", FOUND)
def test_found_by_the_properties_bad_values_are_scenario_errors(tmp_path, change, field,
                                                                problem):
    path = write_scenario(tmp_path, minimal_scenario(**change))
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert (info.value.file, info.value.field) == (str(path), field), str(info.value)
    assert problem in str(info.value.problem)


YAML_FOUND = [
    # values their YAML type cannot hold (ValueError, KeyError, AttributeError from PyYAML)
    pytest.param("description: 2025-13-45", "line 4", "'2025-13-45' is not a valid timestamp",
                 id="month 13"),
    pytest.param("description: 2025-02-29", "line 4", "is not a valid timestamp", id="29 Feb"),
    pytest.param("description: 0x_", "line 4", "'0x_' is not a valid int", id="hex without digits"),
    pytest.param("description: !!bool maybe", "line 4", "'maybe' is not a valid bool",
                 id="!!bool maybe"),
    pytest.param("description: !!timestamp x", "line 4", "is not a valid timestamp",
                 id="!!timestamp x"),
    # nesting that crashed the interpreter (libyaml's recursive composer) or hung its scanner;
    # refused by our depth check or by PyYAML's own (6.0.4), whose wording is its own: matched
    # by kind only, a ScenarioError at the line, quickly (problem None)
    pytest.param("description: " + "[" * 100_000 + "]" * 100_000, "line 4", None,
                 id="100,000 nested lists"),
    # aliases that expand to 9^9 values: the error message's repr of the value never ended
    pytest.param("description: " + LAUGHS, "line 4", "more than 100,000 values",
                 id="billion laughs"),
    pytest.param("description: &r [*r]", "line 4", "alias *r is inside the node it names",
                 id="recursive alias"),
]


@pytest.mark.parametrize("line, where, problem", YAML_FOUND)
def test_found_by_the_properties_bad_yaml_is_a_scenario_error(tmp_path, line, where, problem):
    text = yaml.safe_dump(minimal_scenario(), sort_keys=False).replace(
        "base_year: 2022", f"base_year: 2022\n{line}")
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert time.perf_counter() - started < 10
    assert info.value.file == str(path) and where in str(info.value.problem), str(info.value)
    assert problem is None or problem in str(info.value.problem), str(info.value)


def test_found_by_the_properties_a_long_list_is_checked_in_linear_time(tmp_path):
    # 40,000 names: checking for repeats with list.count took minutes
    names = [f"base.x{i}" for i in range(40_000)]
    path = write_scenario(tmp_path, minimal_scenario(calibration={"free": names}))
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="not a parameter of this scenario"):
        simulator.load_scenario(path)
    assert time.perf_counter() - started < 10


def test_found_by_the_properties_a_far_tail_truncated_normal_stays_finite(tmp_path):
    # [1, 2] at 10^300 sd from the mean: scipy's quantile gave inf; all the mass is at 1
    entry = {"parameter": "base.ccus", "apply": "add", "distribution": "truncated_normal",
             "mean": 0.0, "sd": 1e-300, "low": 1.0, "high": 2.0}
    path = write_scenario(tmp_path, minimal_scenario(uncertainty={"parameters": [entry]}))
    ensemble = simulator.simulate(simulator.load_scenario(path), draws=16, seed=1)
    np.testing.assert_array_equal(ensemble.parameter_value.values, 1.0)
    assert np.isfinite(ensemble.peak_co2.values).all()


@pytest.mark.parametrize("change, field", [
    pytest.param({"targets": 5}, "targets", id="targets a number"),
    pytest.param({"values": {5: 0.8}}, "values", id="a value keyed by a number"),
])
def test_found_by_the_properties_a_lock_of_wrong_types_names_the_lock(workspace, change, field):
    # a target list or value key of the wrong type crashed the lock reader (TypeError)
    path = workspace.file(TAIYUAN_TEXT)
    lock_path(path).write_text(yaml.safe_dump({**TAIYUAN_LOCK, **change}), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        simulator.load_scenario(path)
    assert (info.value.file, info.value.field) == (str(lock_path(path)), field), str(info.value)


def test_found_by_the_properties_a_yaml_merge_key_is_read(tmp_path):
    # "<<: *defaults" was refused as a YAML error by the duplicate-key check
    text = yaml.safe_dump(minimal_scenario(), sort_keys=False).replace(
        "emission_factors:\n", "emission_factors:\n  <<: &factors {coal: 2.5}\n").replace(
        "  coal: 2.66\n", "")
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    assert simulator.load_scenario(path)["emission_factors.coal"] == 2.5
