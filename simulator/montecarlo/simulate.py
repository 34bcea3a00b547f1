"""The Monte Carlo run: a scenario's uncertainty section -> sampled draws -> ensemble kernel ->
per-draw summaries as xarray, locally or as Dask tasks."""

from __future__ import annotations

import os

import numpy as np
import xarray as xr

from simulator.defaults import DRAWS, SEED
from simulator.errors import InputError
from simulator.model import kernel
from simulator.model.scenario import Scenario
from simulator.model.schema import DRAW_DIM
from simulator.montecarlo.ensemble import (
    KernelArguments, allocate, ensemble_inputs, kernel_arguments, to_dataset,
)
from simulator.montecarlo.ensemble_kernel import Summaries, simulate_into
from simulator.montecarlo.sampling import Sampler
from simulator.montecarlo.tasks import progress_bar, run_tasks
from simulator.text import Message

KEEP_MODES = ("summary", "full")


# Draws per kernel call. Blocks need no memory of their own (values are sampled into the
# output), so they only set how often the progress bar moves; few blocks mean few parallel
# regions, and worker threads that sleep between regions cost milliseconds to wake.
BLOCK_DRAWS = 1 << 20


def simulate(scenario: Scenario, draws: int = DRAWS, seed: int = SEED, keep: str = "summary",
             chunk: tuple[int, int] | None = None, progress: bool | str | None = False,
             scheduler: str | None = None, chunk_draws: int | None = None) -> xr.Dataset:
    """Monte Carlo run of a scenario's ``uncertainty`` section.

    Parameters
    ----------
    scenario : Scenario
        From ``simulator.load_scenario``.
    draws : int
        Total number of draws; the sample design (Latin hypercube, Sobol) spans all of them.
    seed : int
        With ``draws``, fixes every random number: results are bit-identical for any thread
        count and any ``chunk`` split.
    keep : {"summary", "full"}
        Per-draw summaries only (memory O(draws)), or every output over (draw, year) too.
    chunk : (start, stop), optional
        Compute only draws start..stop-1 of the ``draws``; concatenating chunks along ``draw``
        gives the full run exactly.
    progress : bool, str or None
        Show a progress bar (after 2 s) on standard error: False or None, none; True, in
        English; a language code (``"en"``, ``"zh"``), in that language.
    scheduler : str, optional
        Run the draws as Dask tasks of ``chunk_draws`` draws each: a ``dask.distributed``
        scheduler address (``tcp://host:8786``) or ``"processes"`` for a local cluster (see
        ``simulator.montecarlo.tasks.run_tasks``). The result is identical to a run here.
    chunk_draws : int, optional
        Draws per task with a ``scheduler`` (default: ``CHUNK_DRAWS``, or more so that a run
        makes at most ``MAX_CHUNKS`` tasks).

    Returns
    -------
    xarray.Dataset
        Over ``draw`` (and ``year``, ``target``, ``parameter``); ``simulator.peak_summary``
        turns it into probabilities.
    """
    start, stop = _check_run(draws, seed, keep, chunk)
    if keep == "full":
        check_full_fits(stop - start, len(scenario.years))
    if scheduler is not None:
        return _simulate_as_tasks(scenario, draws, seed, keep, (start, stop), progress,
                                  scheduler, draw_chunks(start, stop, chunk_draws))
    inputs = ensemble_inputs(scenario)
    sampler = Sampler(scenario, seed, draws)
    arguments = kernel_arguments(inputs, sampler)
    out = allocate(stop - start, inputs, keep == "full")
    values = np.zeros((stop - start, len(sampler.entries)))
    bar = progress_bar(stop - start, Message("progress.monte_carlo"), Message("progress.draws"),
                       progress, scale=True)
    for a in range(start, stop, BLOCK_DRAWS):
        b = min(a + BLOCK_DRAWS, stop)
        block = sampler.block(a, b, values[a - start:b - start])
        run_block(arguments, block, out.rows(a - start, b - start, keep == "full"), a,
                  keep == "full")
        bar.update(b - a)
    bar.close()
    attrs = {"seed": seed, "draws": draws, "chunk_start": start, "chunk_stop": stop,
             "sampling": scenario["uncertainty.sampling"], "keep": keep}
    names = [e.parameter for e in sampler.entries]
    return to_dataset(scenario, inputs, out, values, start, names, attrs, keep == "full")


# Draws per Dask task: enough that a task's fixed costs (shipping the scenario, building the
# kernel tables, returning its Dataset) stay small beside its compute; a huge run gets bigger
# tasks rather than more than MAX_CHUNKS of them.
CHUNK_DRAWS = 50_000
MAX_CHUNKS = 256


def draw_chunks(start: int, stop: int, chunk_draws: int | None = None) -> list[tuple[int, int]]:
    """Draws start..stop-1 cut into consecutive ``(start, stop)`` pieces of ``chunk_draws``
    (the last may be shorter)."""
    if chunk_draws is None:
        chunk_draws = max(CHUNK_DRAWS, -(-(stop - start) // MAX_CHUNKS))
    elif isinstance(chunk_draws, bool) or not isinstance(chunk_draws, (int, np.integer)) \
            or chunk_draws < 1:
        raise ValueError(Message("error.montecarlo.chunk_draws", given=repr(chunk_draws)))
    return [(a, min(a + int(chunk_draws), stop)) for a in range(start, stop, int(chunk_draws))]


def _simulate_as_tasks(scenario: Scenario, draws: int, seed: int, keep: str,
                       whole: tuple[int, int], progress: bool | str | None, scheduler: str,
                       chunks: list[tuple[int, int]]) -> xr.Dataset:
    """``simulate`` on each chunk as a task, joined into the run of the ``whole`` range."""
    tasks = [(scenario, draws, seed, keep, chunk) for chunk in chunks]
    with progress_bar(whole[1] - whole[0], Message("progress.monte_carlo"),
                      Message("progress.draws"), progress, scale=True) as bar:
        parts = run_tasks(simulate, tasks, scheduler,
                          on_done=lambda i: bar.update(chunks[i][1] - chunks[i][0]))
    ensemble = xr.concat(parts, dim=DRAW_DIM, data_vars="minimal", coords="minimal",
                         compat="override", join="exact", combine_attrs="override")
    ensemble.attrs.update(chunk_start=whole[0], chunk_stop=whole[1])
    return ensemble


def run_block(arguments: KernelArguments, values: np.ndarray, out: Summaries, first_draw: int,
              keep_full: bool) -> None:
    """The ensemble kernel on draws ``first_draw`` + 0..n-1 with parameter ``values``
    ``[draw, parameter]``, writing their summaries into ``out`` (n rows)."""
    simulate_into(first_draw, values, *arguments, out, keep_full)


# Full trajectories may take at most this share of the machine's memory: the rest is for the
# per-draw summaries, the sampled values, the Dataset built from them and the netCDF writer.
FULL_MEMORY_SHARE = 0.5


def check_full_fits(draws: int, years: int, memory_bytes: int | None = None) -> None:
    """Refuse, before any allocation, full trajectories that would not fit in memory.

    Raises
    ------
    InputError
        Naming ``--keep full`` with the estimate and what to do instead.
    """
    memory_bytes = physical_memory() if memory_bytes is None else memory_bytes
    per_draw = len(kernel.OUTPUT_NAMES) * years * 8  # float64 per output and year
    if draws * per_draw <= FULL_MEMORY_SHARE * memory_bytes:
        return
    gib = 2.0 ** 30
    raise InputError(
        "--keep", None, Message("error.montecarlo.full", draws=draws, gib=draws * per_draw / gib,
                                variables=len(kernel.OUTPUT_NAMES), years=years,
                                share=FULL_MEMORY_SHARE, memory=memory_bytes / gib),
        value="full", allowed=Message("error.montecarlo.full_allowed",
                                      most=int(FULL_MEMORY_SHARE * memory_bytes // per_draw)))


def physical_memory() -> int:
    """This machine's memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _check_run(draws, seed, keep, chunk) -> tuple[int, int]:
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(Message("error.montecarlo.draws", given=repr(draws)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(Message("error.montecarlo.seed", given=repr(seed)))
    if keep not in KEEP_MODES:
        raise ValueError(Message("error.montecarlo.keep", modes=repr(KEEP_MODES),
                                 given=repr(keep)))
    start, stop = chunk if chunk is not None else (0, draws)
    if not 0 <= start < stop <= draws:
        raise ValueError(Message("error.montecarlo.chunk", given=repr(chunk)))
    return int(start), int(stop)
