"""The IAMC export read back with pyam, the IAMC community's own reader: its model, scenario,
region, years, variables and numbers as pyam sees them, and pyam's unit registry knowing the
units.

pyam caps matplotlib below 3.11, so the test extra leaves it out (the tests run the versions a
plain ``pip install .`` gets). .ci/run runs this file in an environment of its own
(.venv-iamc: pyam and pytest, no simulator) on a file the test environment wrote, named by
IAMC_CSV; there pyam must import. Elsewhere it skips without pyam, and with pyam writes the
file itself. It imports nothing of ``simulator`` at module level for that reason.
"""

import csv
import os
import warnings
from pathlib import Path

import pytest

IAMC_CSV = os.environ.get("IAMC_CSV")
with warnings.catch_warnings():  # the database toolkit pyam imports warns of SQLAlchemy's plans
    warnings.simplefilter("ignore", DeprecationWarning)
    if IAMC_CSV:
        import pyam  # .ci/run's .venv-iamc: a missing pyam is a failure there
    else:
        pyam = pytest.importorskip(
            "pyam", reason="pyam is not installed (it caps matplotlib below 3.11, so the test "
            "extra leaves it out); .ci/run reads the IAMC file back with it in .venv-iamc")

FUELS = ("Coal", "Oil", "Gas", "Non-Fossil")
PERCENTILES = ("5.0", "25.0", "50.0", "75.0", "95.0")
VARIABLES = ["Emissions|CO2", "Primary Energy", *(f"Primary Energy|{f}" for f in FUELS),
             "Capacity|Electricity", "Capacity|Electricity|Renewables",
             "Secondary Energy|Electricity",
             *(f"Secondary Energy|Electricity|{s}" for s in ("Coal", "Gas", "Non-Fossil")),
             "Secondary Energy|Electricity|Renewables", "Final Energy|Electricity",
             "Trade|Secondary Energy|Electricity|Volume",
             "GDP|MER", *(f"Emissions|CO2|{p}th Percentile" for p in PERCENTILES)]
# pyam and the database toolkit it imports use pandas and SQLAlchemy features on their way out
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")]


@pytest.fixture(scope="module")
def iamc_file(tmp_path_factory) -> Path:
    """The iamc.csv of a Taiyuan run: IAMC_CSV's, else one written here."""
    if IAMC_CSV:
        return Path(IAMC_CSV)
    import simulator
    from simulator.montecarlo.bands import co2_bands
    from simulator.report.files import write_results
    from simulator.report.iamc import iamc_writer

    from conftest import TAIYUAN

    scenario = simulator.load_scenario(TAIYUAN)
    bands = co2_bands(scenario, simulator.simulate(scenario, draws=2000, seed=1))
    folder = tmp_path_factory.mktemp("iamc")
    return write_results(folder, {"iamc.csv": iamc_writer(simulator.project(scenario),
                                                          bands)})[0]


@pytest.fixture(scope="module")
def rows(iamc_file) -> list[dict]:
    """The file's rows as text, read without pyam."""
    with open(iamc_file, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def read_back(iamc_file):
    return pyam.IamDataFrame(iamc_file)


def _series(frame, variable):
    """One variable of an IamDataFrame as values over its years."""
    data = frame.filter(variable=variable).timeseries()
    assert len(data) == 1, variable
    return data.iloc[0].to_numpy()


def test_pyam_reads_the_run_s_model_scenario_region_years_and_variables(rows, read_back):
    years = [int(key) for key in rows[0] if key.isdigit()]
    assert read_back.model == [rows[0]["Model"]]
    assert rows[0]["Model"].startswith("carbon-peak-simulator 0.")
    assert read_back.scenario == ["taiyuan_base"] and read_back.region == ["Taiyuan"]
    assert read_back.year == years and years == list(range(years[0], years[-1] + 1))
    assert sorted(read_back.variable) == sorted(VARIABLES)


def test_pyam_reads_every_number_and_unit_of_the_file(rows, read_back):
    for row in rows:
        years = [key for key in row if key.isdigit()]
        written = [float(row[year]) for year in years]
        assert list(_series(read_back, row["Variable"])) == pytest.approx(written, rel=1e-12)
        unit = read_back.filter(variable=row["Variable"]).unit
        assert unit == [row["Unit"]], row["Variable"]


def test_pyam_converts_the_units_it_knows(read_back):
    gigatonnes = read_back.convert_unit("Mt CO2/yr", to="Gt CO2/yr")
    assert list(_series(gigatonnes, "Emissions|CO2")) == pytest.approx(
        list(_series(read_back, "Emissions|CO2") / 1000), rel=1e-12)
    petajoules = read_back.convert_unit("EJ/yr", to="PJ/yr")
    assert list(_series(petajoules, "Primary Energy")) == pytest.approx(
        list(_series(read_back, "Primary Energy") * 1000), rel=1e-12)
    megawatts = read_back.convert_unit("GW", to="MW")
    assert list(_series(megawatts, "Capacity|Electricity|Renewables")) == pytest.approx(
        list(_series(read_back, "Capacity|Electricity|Renewables") * 1000), rel=1e-12)


def test_pyam_sees_the_percentiles_ordered_in_every_year(read_back):
    levels = [_series(read_back, f"Emissions|CO2|{p}th Percentile") for p in PERCENTILES]
    for lower, upper in zip(levels, levels[1:], strict=False):
        assert all(lower <= upper)
    assert any(levels[0] < levels[-1])
