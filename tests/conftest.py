"""Shared test helpers: the repository paths, small scenarios built in code, and what some
tests need from the machine (a font that draws Chinese, Chromium): without it they skip with
the reason, except under CI=true, where .ci/run installs it and a missing one fails."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
TAIYUAN = SCENARIOS / "taiyuan_base.yaml"

MINIMAL = {
    "name": "minimal",
    "region": "Testland",
    "base_year": 2022,
    "end_year": 2040,
    "base": {
        "gdp": 1000.0, "energy_intensity": 0.5, "final_energy_share": 0.7,
        "electricity_share_final": 0.25, "renewable_capacity": 100.0, "full_load_hours": 1500.0,
        "gas_power_share": 0.05, "coal_power_supply_rate": 300.0, "gas_power_supply_rate": 230.0,
        "coal_equivalent_rate": 300.0, "direct_oil_share": 0.15, "direct_gas_share": 0.1,
        "coal_power_capacity": 150.0,
    },
    "paths": {
        "gdp_growth": {"fill": "step", "values": {2023: 0.05}},
        "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03}},
    },
    "emission_factors": {"coal": 2.66, "oil": 2.12, "gas": 1.63},
}


# -- the energy balance's identities (model v2), shared by the model and property tests --------

SHARES = ("coal_share", "oil_share", "gas_share", "non_fossil_share")
SOURCES = ("coal_power_generation", "gas_power_generation", "non_fossil_generation")
CLOSE = 1e-12  # each identity holds to this, relative to the size of the terms it sums
TINY = 1e-300  # keeps a scale of zero terms from dividing by zero


def identity_errors(out) -> dict:
    """Each identity of the energy balance, per year (and draw), as |left - right| relative to
    the size of its terms: the fuel shares sum to one, the fuels (share x energy use) sum to
    energy use, local generation is demand plus net exports, and local generation is coal
    plus gas plus non-fossil generation. ``out`` maps output names to arrays."""
    v = {name: np.asarray(out[name]) for name in (*SHARES, *SOURCES, "energy",
                                                  "electricity_demand",
                                                  "net_electricity_exports", "generation")}
    shares = [v[s] for s in SHARES]
    fuels = [s * v["energy"] for s in shares]
    sources = [v[s] for s in SOURCES]
    demand, exports, generation = (v["electricity_demand"], v["net_electricity_exports"],
                                   v["generation"])
    return {
        "shares sum to one": np.abs(sum(shares) - 1) / sum(np.abs(s) for s in shares),
        "fuels sum to energy use": np.abs(sum(fuels) - v["energy"])
        / (sum(np.abs(f) for f in fuels) + TINY),
        "generation = demand + net exports": np.abs(generation - (demand + exports))
        / (np.abs(demand) + np.abs(exports) + TINY),
        "generation = coal + gas + non-fossil": np.abs(generation - sum(sources))
        / (np.abs(generation) + sum(np.abs(s) for s in sources) + TINY),
    }


def minimal_scenario(**sections) -> dict:
    """A fresh valid scenario mapping; keyword arguments update whole sections or fields."""
    data = copy.deepcopy(MINIMAL)
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return data


def write_scenario(folder: Path, data: dict, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def scenario_file(tmp_path):
    """Write a scenario mapping to a YAML file in the test's temporary folder."""
    return lambda data, name="scenario.yaml": write_scenario(tmp_path, data, name)


def pytest_addoption(parser):
    parser.addoption("--regenerate-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.nc from the current code (a change of results "
                     "becomes a visible diff of those files)")


# -- what some tests need from the machine ------------------------------------------------------


def on_ci() -> bool:
    """CI=true (any value but empty, 0, false, no): .ci/run installs what the tests need, so a
    missing font or browser is a failure there, not a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _cjk_font() -> str | None:
    from simulator.report import fonts

    return fonts.find_chinese_font()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# name -> (look it up: the thing or None, what is missing, how to install it)
REQUIREMENTS = {
    "cjk_font": (_cjk_font, "no installed font draws Chinese characters",
                 "apt-get install fonts-wqy-microhei"),
    "chromium": (_chromium, "chromium is not on PATH", "apt-get install chromium"),
}


def require(name: str):
    """The font family or program ``name`` stands for; without it the test skips with the
    reason, or fails under CI=true (where .ci/run installs it)."""
    find, missing, remedy = REQUIREMENTS[name]
    found = find()
    if found:
        return found
    if on_ci():
        pytest.fail(f"{missing}, and CI installs it (.ci/run: {remedy})")
    pytest.skip(f"{missing} (e.g. {remedy}; under CI=true this fails)")


@pytest.fixture(scope="session")
def cjk_font() -> str:
    """The family of an installed font that draws Chinese characters (else skip, or fail on CI)."""
    return require("cjk_font")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of the chromium program (else skip, or fail on CI)."""
    return require("chromium")


# for tests that draw Chinese charts: @needs_cjk_font
needs_cjk_font = pytest.mark.usefixtures("cjk_font")
