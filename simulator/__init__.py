"""Carbon-peak scenario simulator: does a Chinese city's or province's carbon-peaking plan make
CO2 peak by 2030?

The Python API::

    import simulator
    scenario = simulator.load_scenario("scenarios/taiyuan_base.yaml")
    projection = simulator.project(scenario)      # xarray.Dataset over year
    ensemble = simulator.simulate(scenario, draws=100_000, seed=2030)   # over draw
    simulator.peak_summary(ensemble)               # P(peak by 2030) with its interval
"""

__version__ = "0.1.0"

from .errors import InputError, OutputError, ScenarioError  # noqa: E402
from .peak import peak_summary, peak_year, target_probabilities  # noqa: E402
from .run import project, simulate  # noqa: E402
from .scenario import Scenario, load_scenario  # noqa: E402

__all__ = [
    "InputError", "OutputError", "Scenario", "ScenarioError", "__version__", "load_scenario",
    "peak_summary", "peak_year", "project", "simulate", "target_probabilities",
]
