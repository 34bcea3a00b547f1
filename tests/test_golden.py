"""A golden run: a small fixed-seed ensemble stored as netCDF, so any change of results is a
visible decision. ``pytest tests/test_golden.py --regenerate-golden`` rewrites the files."""

from pathlib import Path

import pytest
import xarray as xr

import simulator

from conftest import TAIYUAN

GOLDEN = Path(__file__).parent / "golden"
DRAWS, SEED = 100, 2030
# tight enough that any change of the model shows, loose enough for another CPU's rounding
# (fused multiply-adds may differ between machines)
RTOL = 1e-10


@pytest.fixture(scope="module")
def runs() -> dict[str, xr.Dataset]:
    scenario = simulator.load_scenario(TAIYUAN)
    return {"taiyuan_base_projection.nc": simulator.project(scenario),
            "taiyuan_base_ensemble_100_full.nc": simulator.simulate(
                scenario, draws=DRAWS, seed=SEED, keep="full")}


@pytest.mark.parametrize("name", ["taiyuan_base_projection.nc",
                                  "taiyuan_base_ensemble_100_full.nc"])
def test_results_equal_the_golden_run(name, runs, request):
    result = runs[name]
    path = GOLDEN / name
    if request.config.getoption("--regenerate-golden"):
        result.to_netcdf(path, engine="netcdf4")
        pytest.skip(f"regenerated {path}")
    with xr.open_dataset(path, engine="netcdf4") as golden:
        assert set(golden.data_vars) == set(result.data_vars)
        xr.testing.assert_allclose(golden.load(), result, rtol=RTOL, atol=0)
