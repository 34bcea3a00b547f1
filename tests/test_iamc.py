"""The IAMC export: read back, every unit conversion derived again here, the fuel split adding
up, and ordered percentiles. pyam, the IAMC community's reader, reads it in test_iamc_pyam.py
(in an environment of its own: pyam caps matplotlib below 3.11)."""

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.montecarlo.bands import co2_bands
from simulator.report.iamc import MODEL, iamc_table, iamc_writer
from simulator.report.files import write_results

from conftest import TAIYUAN

FUELS = ("Coal", "Oil", "Gas", "Non-Fossil")
SOURCES = ("Coal", "Gas", "Non-Fossil")  # generation by source
# The conversions, derived from the definitions rather than taken from simulator.report.iamc:
# 1 万t = 1e4 t = 1e-2 Mt
MT_PER_WAN_T = 1e4 / 1e6
# 1 万tce = 1e4 tce x 29.3076 GJ/tce x 1e9 J/GJ; 1 EJ = 1e18 J
EJ_PER_WAN_TCE = 1e4 * 29.3076 * 1e9 / 1e18
# 1 亿kWh = 1e8 kWh x 3.6e6 J/kWh
EJ_PER_YI_KWH = 1e8 * 3.6e6 / 1e18
GW_PER_WAN_KW = 1e4 * 1e3 / 1e9            # 1 万kW = 1e4 kW x 1e3 W/kW; 1 GW = 1e9 W
BILLION_PER_YI = 1e8 / 1e9                  # 1 亿元 = 1e8 元
RTOL = 1e-9   # the file carries ten significant digits
PERCENTILES = ("5.0", "25.0", "50.0", "75.0", "95.0")


@pytest.fixture(scope="module")
def run():
    scenario = simulator.load_scenario(TAIYUAN)
    ensemble = simulator.simulate(scenario, draws=2000, seed=1)
    return simulator.project(scenario), co2_bands(scenario, ensemble)


@pytest.fixture(scope="module")
def iamc_file(run, tmp_path_factory):
    projection, bands = run
    folder = tmp_path_factory.mktemp("iamc")
    return write_results(folder, {"iamc.csv": iamc_writer(projection, bands)})[0]


@pytest.fixture(scope="module")
def read_back(iamc_file):
    """The file as a table: one row a variable, the IAMC columns, then one column a year."""
    table = pd.read_csv(iamc_file)
    table.columns = [int(c) if c.isdigit() else c.lower() for c in table.columns]
    return table


def _series(table, variable):
    """One variable of the table as values over its years."""
    rows = table[table.variable == variable]
    assert len(rows) == 1, variable
    return rows[[c for c in table.columns if isinstance(c, int)]].iloc[0].to_numpy(float)


def test_the_file_has_the_run_s_model_scenario_region_and_years(run, read_back):
    projection, bands = run
    assert set(read_back.model) == {MODEL} and MODEL.startswith("carbon-peak-simulator 0.")
    assert set(read_back.scenario) == {"taiyuan_base"} and set(read_back.region) == {"Taiyuan"}
    assert [c for c in read_back.columns if isinstance(c, int)] == projection.year.values.tolist()
    percentiles = [f"Emissions|CO2|{p}th Percentile" for p in PERCENTILES]
    assert sorted(read_back.variable) == sorted([
        "Emissions|CO2", "Primary Energy", *(f"Primary Energy|{f}" for f in FUELS),
        "Capacity|Electricity", "Capacity|Electricity|Renewables",
        "Secondary Energy|Electricity", *(f"Secondary Energy|Electricity|{s}" for s in SOURCES),
        "Secondary Energy|Electricity|Renewables", "Final Energy|Electricity",
        "Trade|Secondary Energy|Electricity|Volume", "GDP|MER", *percentiles])


def test_every_variable_is_the_projection_in_iamc_units(run, read_back):
    projection, _ = run
    expected = {
        "Emissions|CO2": projection.co2 * MT_PER_WAN_T,
        "Primary Energy": projection.energy * EJ_PER_WAN_TCE,
        "Primary Energy|Coal": projection.energy * projection.coal_share * EJ_PER_WAN_TCE,
        "Capacity|Electricity|Renewables": projection.renewable_capacity * GW_PER_WAN_KW,
        "Secondary Energy|Electricity|Renewables":
            projection.renewable_generation * EJ_PER_YI_KWH,
        "Secondary Energy|Electricity": projection.generation * EJ_PER_YI_KWH,
        "Secondary Energy|Electricity|Coal": projection.coal_power_generation * EJ_PER_YI_KWH,
        "Final Energy|Electricity": projection.electricity_demand * EJ_PER_YI_KWH,
        "Capacity|Electricity": projection.total_capacity * GW_PER_WAN_KW,
        "GDP|MER": projection.gdp * BILLION_PER_YI,
    }
    for variable, values in expected.items():
        np.testing.assert_allclose(_series(read_back, variable), values.values, rtol=RTOL,
                                   err_msg=variable)
    np.testing.assert_allclose(_series(read_back, "Emissions|CO2"), projection.co2 / 100,
                               rtol=RTOL)
    units = read_back[read_back.variable.isin(list(expected))]
    assert dict(zip(units.variable, units.unit, strict=True)) == {
        "Emissions|CO2": "Mt CO2/yr", "Primary Energy": "EJ/yr", "Primary Energy|Coal": "EJ/yr",
        "Capacity|Electricity|Renewables": "GW",
        "Secondary Energy|Electricity|Renewables": "EJ/yr", "GDP|MER": "billion CNY_2022/yr",
        "Secondary Energy|Electricity": "EJ/yr", "Secondary Energy|Electricity|Coal": "EJ/yr",
        "Final Energy|Electricity": "EJ/yr", "Capacity|Electricity": "GW"}


def test_generation_by_source_adds_up_and_is_demand_plus_exports(read_back):
    sources = sum(_series(read_back, f"Secondary Energy|Electricity|{s}") for s in SOURCES)
    total = _series(read_back, "Secondary Energy|Electricity")
    np.testing.assert_allclose(sources, total, rtol=1e-8)
    np.testing.assert_allclose(
        _series(read_back, "Final Energy|Electricity")
        + _series(read_back, "Trade|Secondary Energy|Electricity|Volume"), total, rtol=1e-8)


def test_the_fuels_add_up_to_primary_energy(read_back):
    fuels = sum(_series(read_back, f"Primary Energy|{fuel}") for fuel in FUELS)
    np.testing.assert_allclose(fuels, _series(read_back, "Primary Energy"), rtol=1e-8)
    assert np.all(_series(read_back, "Primary Energy|Coal") > 0)


def test_percentiles_are_the_bands_and_ordered_in_every_year(run, read_back):
    _, bands = run
    levels = [_series(read_back, f"Emissions|CO2|{p}th Percentile") for p in PERCENTILES]
    assert np.all(np.diff(levels, axis=0) >= 0)
    assert np.any(levels[0] < levels[-1])
    np.testing.assert_allclose(levels[0], bands.co2.sel(quantile=0.05) / 100, rtol=RTOL)


def test_without_bands_only_the_projection_and_the_file_headers_are_iamc(run, iamc_file):
    projection, _ = run
    table = iamc_table(projection, model="other model 1.0")
    assert list(table.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]
    assert list(table.columns[5:]) == projection.year.values.tolist()
    assert not table.variable.str.contains("Percentile").any()
    assert set(table.model) == {"other model 1.0"}
    header = iamc_file.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Model,Scenario,Region,Variable,Unit,2022,2023,")


def test_bands_of_other_years_are_refused(run):
    projection, bands = run
    with pytest.raises(ValueError, match="other years"):
        iamc_table(projection, bands.isel(year=slice(1, None)))
