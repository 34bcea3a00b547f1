"""What the benchmark and the reference tests share: one block of draws, run three ways."""

from __future__ import annotations

from simulator.montecarlo.ensemble import allocate, ensemble_inputs, kernel_arguments
from simulator.montecarlo.simulate import run_block
from simulator.montecarlo.sampling import Sampler

from .reference_numpy import simulate_numpy
from .reference_python import simulate_python


def prepare(scenario, draws: int, seed: int, start: int = 0, stop: int | None = None):
    """The kernel's inputs, the sampler and the parameter block for draws start..stop-1."""
    inputs = ensemble_inputs(scenario)
    sampler = Sampler(scenario, seed, draws)
    return inputs, sampler, sampler.block(start, draws if stop is None else stop)


def simulate_kernel(inputs, sampler, block, first_draw: int) -> dict:
    """The numba kernel on one block of parameter values, in the references' output layout."""
    out = allocate(len(block), inputs, keep_full=False)
    run_block(kernel_arguments(inputs, sampler), block, out, first_draw, keep_full=False)
    return out._asdict()


SUMMARY_FIELDS = ("peak_t", "peak_co2", "co2_at", "cumulative_co2", "max_after_target", "hits", "clamps",
                  "unbalanced", "curtailed")
IMPLEMENTATIONS = {"numba": simulate_kernel, "numpy": simulate_numpy, "python": simulate_python}
