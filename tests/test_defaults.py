"""The run defaults live in ``simulator.defaults``: every command and the Python API that does
the same run start from the same draws and seed."""

from __future__ import annotations

import importlib
import inspect

import pytest

import simulator
from simulator import defaults

# command module, its first arguments, the API function it runs, the draws both default to
COMMANDS = [
    ("run", ["s.yaml"], simulator.simulate, defaults.DRAWS),
    ("sweep", ["s.yaml", "--set", "paths.gdp_growth.values.2023=0.04:0.06:3"], simulator.sweep,
     defaults.ANALYSIS_DRAWS),
    ("require", ["s.yaml", "--param", "paths.gdp_growth.values.2023", "--probability", "0.5"],
     simulator.required_value, defaults.ANALYSIS_DRAWS),
    ("discover", ["s.yaml"], simulator.discover, defaults.ANALYSIS_DRAWS),
    ("compare", ["a.yaml", "b.yaml"], "simulator.analysis.compare:compare",
     defaults.ANALYSIS_DRAWS),
]


def api_function(spec):
    if isinstance(spec, str):
        module, name = spec.split(":")
        return getattr(importlib.import_module(module), name)
    return spec


def parameter_default(function, name):
    return inspect.signature(function).parameters[name].default


@pytest.mark.parametrize("command, argv, function, draws", COMMANDS,
                         ids=[c[0] for c in COMMANDS])
def test_a_command_and_its_api_function_share_draws_and_seed(command, argv, function, draws):
    args = importlib.import_module(f"simulator.cli.{command}").build_parser().parse_args(argv)
    function = api_function(function)
    assert args.draws == parameter_default(function, "draws") == draws
    assert args.seed == parameter_default(function, "seed") == defaults.SEED == 2030


def test_sensitivity_command_and_api_share_the_seed():
    from simulator.cli import sensitivity as command

    args = command.build_parser().parse_args(["s.yaml"])
    assert args.seed == parameter_default(simulator.sensitivity, "seed") == defaults.SEED


def test_the_bands_use_the_analysis_draws():
    from simulator.montecarlo.bands import co2_bands

    assert parameter_default(co2_bands, "band_draws") == defaults.ANALYSIS_DRAWS
