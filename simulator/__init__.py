"""Carbon-peak scenario simulator: does a Chinese city's or province's carbon-peaking plan make
CO2 peak by 2030?

The Python API::

    import simulator
    scenario = simulator.load_scenario("scenarios/taiyuan_base.yaml")
    projection = simulator.project(scenario)      # xarray.Dataset over year
    ensemble = simulator.simulate(scenario, draws=100_000, seed=2030)   # over draw
    simulator.peak_summary(ensemble)               # P(peak by 2030) with its interval

For modellers: ``simulator.sweep`` (a parameter grid on common random numbers),
``simulator.sensitivity`` (Sobol or Morris indices), ``simulator.discover`` (PRIM boxes of
the draws that do not peak by 2030) and ``simulator.required_value`` (the value of one
parameter that makes a 2030 peak as likely as asked). Each takes ``scheduler=`` to run on Dask.
"""

__version__ = "0.1.0"

from .errors import InputError, OutputError, ScenarioError  # noqa: E402
from .peak import peak_summary, peak_year, target_probabilities  # noqa: E402
from .run import project, simulate  # noqa: E402
from .scenario import Scenario, load_scenario  # noqa: E402

# the modeller's tools load on first use: scipy.stats, which they need, takes about a second to
# import, and the plain run (``simulate SCENARIO``) does not need it
_LAZY = {"sweep": "sweeps", "sensitivity": "global_sensitivity", "discover": "discovery",
         "required_value": "effort"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "InputError", "OutputError", "Scenario", "ScenarioError", "__version__", "load_scenario",
    "peak_summary", "peak_year", "project", "required_value", "sensitivity", "simulate",
    "sweep", "discover", "target_probabilities",
]
