"""Shared test helpers: the repository paths and small scenarios built in code."""

from __future__ import annotations

import copy
from pathlib import Path

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
        "gdp": 1000.0, "energy_intensity": 0.5, "coal_share": 0.6, "oil_share": 0.1,
        "renewable_capacity": 100.0, "full_load_hours": 1500.0, "coal_equivalent_rate": 300.0,
    },
    "paths": {
        "gdp_growth": {"fill": "step", "values": {2023: 0.05}},
        "energy_intensity_decline": {"fill": "step", "values": {2023: 0.03}},
    },
    "emission_factors": {"coal": 2.66, "oil": 2.12, "gas": 1.63},
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
