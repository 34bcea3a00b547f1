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

The package follows the data flow, each layer importing only from the layers below it
(``tests/test_layout.py`` fails on an import against the flow)::

    cli -> analysis -> report -> montecarlo -> model -> (errors, defaults, interrupts)

``model`` reads and validates a scenario and projects it deterministically; ``montecarlo``
samples its uncertainty and runs the ensemble kernel; ``report`` turns runs into files, charts
and text; ``analysis`` runs many of them (sweeps, required effort, sensitivity, discovery,
comparison); ``cli`` is the ``simulate`` command. The names below load on first use, so that
``import simulator`` (and ``simulate --help``) costs no numerics.
"""

__version__ = "0.1.0"

# public name -> the module that defines it
_API = {
    "InputError": "simulator.errors", "OutputError": "simulator.errors",
    "ScenarioError": "simulator.errors",
    "Scenario": "simulator.model.scenario", "load_scenario": "simulator.model.scenario",
    "project": "simulator.model.projection",
    "simulate": "simulator.montecarlo.simulate",
    "peak_summary": "simulator.montecarlo.peak", "peak_year": "simulator.montecarlo.peak",
    "target_probabilities": "simulator.montecarlo.peak",
    "sweep": "simulator.analysis.sweeps", "required_value": "simulator.analysis.effort",
    "sensitivity": "simulator.analysis.sensitivity", "discover": "simulator.analysis.discovery",
}


def __getattr__(name: str):
    if name in _API:
        import importlib

        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value  # the next look-up is a plain attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["__version__", *_API]
