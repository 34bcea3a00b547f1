"""Orchestration: scenario -> dense arrays -> kernel -> xarray."""

from __future__ import annotations

import os

import numpy as np
import xarray as xr

from . import __version__, kernel
from .drivers import kernel_inputs
from .ensemble import allocate, ensemble_inputs, to_dataset
from .ensemble_kernel import simulate_into
from .errors import InputError, ScenarioError
from .peak import TARGET_PEAK_YEAR
from .sampling import Sampler
from .scenario import Scenario
from .schema import DRAW_DIM, OUTPUT_VARIABLES, YEAR_DIM
from .tasks import progress_bar, run_tasks

# Shares are sums of a few products of order-one numbers; anything more negative than
# rounding is a real over-full fuel mix.
SHARE_ROUNDING = 1e-12


def project(scenario: Scenario) -> xr.Dataset:
    """Deterministic projection of a scenario over its horizon.

    Parameters
    ----------
    scenario : Scenario
        From ``simulator.load_scenario``.

    Returns
    -------
    xarray.Dataset
        Over ``year``, the variables of ``simulator.schema.OUTPUT_VARIABLES``, each with
        ``units`` and ``long_name`` attrs.

    Raises
    ------
    ScenarioError
        If the fuel shares leave no room for gas (coal + oil + non-fossil > 1) in some year, or
        imported coal power brings more coal than the coal share holds.
    """
    out = project_array(scenario)
    _check_fuel_mix(scenario, out)
    _check_imports(scenario, out)
    return _to_dataset(scenario, out)


def project_array(scenario: Scenario) -> np.ndarray:
    """The kernel's raw output ``out[OUTPUT, year]`` (rows in ``kernel.OUTPUT_NAMES`` order),
    unchecked: for callers such as calibration that evaluate many nearby scenarios."""
    inputs = kernel_inputs(scenario)
    out = np.empty((len(kernel.OUTPUT_NAMES), len(scenario.years)))
    kernel.project_into(*inputs, out)
    return out


def _check_fuel_mix(scenario: Scenario, out: np.ndarray) -> None:
    gas = out[kernel.GAS_SHARE]
    bad = np.flatnonzero(~(gas >= -SHARE_ROUNDING))
    if bad.size == 0:
        return
    t = bad[0]
    year = int(scenario.years[t])
    coal, oil = out[kernel.OUT_COAL, t], out[kernel.OUT_OIL, t]
    non_fossil = out[kernel.NON_FOSSIL_SHARE, t]
    field = "base.coal_share" if t == 0 else "paths.coal_share"
    raise ScenarioError(
        scenario.origin(field), field,
        f"in {year} coal {coal:.4f} + oil {oil:.4f} + non-fossil {non_fossil:.4f} = "
        f"{coal + oil + non_fossil:.4f} of total energy, which leaves a negative gas share "
        f"({len(bad)} year(s) affected, first {year})", value=float(coal),
        allowed="coal + oil + non-fossil shares <= 1 in every year: lower the coal or oil "
        "path, or the non-fossil supply")


def _check_imports(scenario: Scenario, out: np.ndarray) -> None:
    """Imported coal power sits in the coal share (energy statistics count it as the
    consumer's coal), so the coal share must hold it: coal burnt here cannot be negative."""
    _, _, factors, drivers = kernel_inputs(scenario)
    coal_co2 = out[kernel.ENERGY] * out[kernel.OUT_COAL] * factors[kernel.EF_COAL]
    trade = drivers[kernel.EXPORTS] * factors[kernel.EF_EXPORT] * kernel.MWH_PER_YI_KWH_TO_WAN_T
    bad = np.flatnonzero(trade < -coal_co2)
    if bad.size == 0:
        return
    t = bad[0]
    year = int(scenario.years[t])
    field = "base.net_electricity_exports" if t == 0 else "paths.net_electricity_exports"
    raise ScenarioError(
        scenario.origin(field), field,
        f"in {year} imported coal power takes out {-trade[t]:,.1f} 万t CO2, more than the "
        f"{coal_co2[t]:,.1f} 万t of all the coal in the mix ({len(bad)} year(s) affected, first "
        f"{year})", value=float(drivers[kernel.EXPORTS, t]),
        allowed="imports of coal power (negative net exports, 亿kWh) no larger than the coal "
        "share holds: energy x coal share x coal factor >= -net exports x electricity_export "
        "factor x 10; lower the imports or raise the coal path")


def _to_dataset(scenario: Scenario, out: np.ndarray) -> xr.Dataset:
    row = {name: i for i, name in enumerate(kernel.OUTPUT_NAMES)}
    data_vars = {
        v.name: (YEAR_DIM, out[row[v.name]], {"units": v.units, "long_name": v.long_name})
        for v in OUTPUT_VARIABLES
    }
    attrs = {
        "scenario": scenario.name, "region": scenario.region, "base_year": scenario.base_year,
        "end_year": scenario.end_year, "accounting": scenario["accounting"],
        "scenario_sha256": scenario.digest, "simulator_version": __version__,
    }
    coords = {YEAR_DIM: (YEAR_DIM, scenario.years, {"units": "yr", "long_name": "year"})}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


KEEP_MODES = ("summary", "full")


def has_uncertainty(scenario: Scenario) -> bool:
    """Whether the scenario declares anything uncertain (parameters or shocks)."""
    return bool(scenario["uncertainty.parameters"] or scenario["uncertainty.shocks"])


# Draws per kernel call. Blocks need no memory of their own (values are sampled into the
# output), so they only set how often the progress bar moves; few blocks mean few parallel
# regions, and worker threads that sleep between regions cost milliseconds to wake.
BLOCK_DRAWS = 1 << 20


def simulate(scenario: Scenario, draws: int = 100_000, seed: int = 0, keep: str = "summary",
             chunk: tuple[int, int] | None = None, progress: bool = False,
             scheduler: str | None = None, chunk_draws: int | None = None) -> xr.Dataset:
    """Monte Carlo run of a scenario's ``uncertainty`` section.

    Parameters
    ----------
    scenario : Scenario
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
    progress : bool
        Show a progress bar (after 2 s) on standard error.
    scheduler : str, optional
        Run the draws as Dask tasks of ``chunk_draws`` draws each: a ``dask.distributed``
        scheduler address (``tcp://host:8786``) or ``"processes"`` for a local cluster (see
        ``simulator.tasks.run_tasks``). The result is identical to a run here.
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
    out = allocate(stop - start, inputs, len(sampler.entries), keep == "full")
    bar = progress_bar(stop - start, "Monte Carlo", "draws", progress, scale=True)
    for a in range(start, stop, BLOCK_DRAWS):
        b = min(a + BLOCK_DRAWS, stop)
        values = sampler.block(a, b, out["values"][a - start:b - start])
        run_block(inputs, sampler, values, out, a - start, b - start, a, keep)
        bar.update(b - a)
    bar.close()
    attrs = {"seed": seed, "draws": draws, "chunk_start": start, "chunk_stop": stop,
             "sampling": scenario["uncertainty.sampling"], "keep": keep}
    names = [e.parameter for e in sampler.entries]
    return to_dataset(scenario, inputs, out, start, names, attrs, keep == "full")


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
        raise ValueError(f"chunk_draws must be a positive whole number, got {chunk_draws!r}")
    return [(a, min(a + int(chunk_draws), stop)) for a in range(start, stop, int(chunk_draws))]


def _simulate_as_tasks(scenario: Scenario, draws: int, seed: int, keep: str,
                       whole: tuple[int, int], progress: bool, scheduler: str,
                       chunks: list[tuple[int, int]]) -> xr.Dataset:
    """``simulate`` on each chunk as a task, joined into the run of the ``whole`` range."""
    tasks = [(scenario, draws, seed, keep, chunk) for chunk in chunks]
    with progress_bar(whole[1] - whole[0], "Monte Carlo", "draws", progress,
                      scale=True) as bar:
        parts = run_tasks(simulate, tasks, scheduler,
                          on_done=lambda i: bar.update(chunks[i][1] - chunks[i][0]))
    ensemble = xr.concat(parts, dim=DRAW_DIM, data_vars="minimal", coords="minimal",
                         compat="override", join="exact", combine_attrs="override")
    ensemble.attrs.update(chunk_start=whole[0], chunk_stop=whole[1])
    return ensemble


def run_block(inputs, sampler, values, out: dict, a: int, b: int, first_draw: int,
              keep: str) -> None:
    """The kernel on draws ``first_draw`` + 0..b-a-1, with parameter ``values``: summaries
    into rows a..b-1 of ``out``."""
    full = out["full"][a:b] if keep == "full" else out["full"]
    simulate_into(
        first_draw, inputs.drivers, inputs.lower, inputs.upper, sampler.touched, inputs.scalars,
        inputs.scalar_lower, inputs.scalar_upper, sampler.rows, sampler.pattern_add,
        sampler.pattern_scale, values, sampler.applies, sampler.shock_key,
        sampler.shock_rows, sampler.shock_multiply, sampler.shock_sd, sampler.shock_rho,
        *inputs.year_events, TARGET_PEAK_YEAR - int(inputs.years[0]),
        *inputs.comparison_arrays,
        out["peak_t"][a:b], out["peak_co2"][a:b], out["co2_at"][a:b], out["cumulative"][a:b],
        out["after"][a:b], out["hits"][a:b], out["clamps"][a:b], out["rescales"][a:b], full,
        keep == "full")


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
        "--keep", None, f"full trajectories of {draws:,} draws need about "
        f"{draws * per_draw / gib:,.1f} GiB ({len(kernel.OUTPUT_NAMES)} variables x {years} "
        f"years x 8 bytes a draw), more than {FULL_MEMORY_SHARE:.0%} of this machine's "
        f"{memory_bytes / gib:,.1f} GiB", value="full",
        allowed=f"--keep summary (per-draw summaries: memory grows with draws only), or at most "
        f"{int(FULL_MEMORY_SHARE * memory_bytes // per_draw):,} draws with --keep full")


def physical_memory() -> int:
    """This machine's memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _check_run(draws, seed, keep, chunk) -> tuple[int, int]:
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive whole number, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if keep not in KEEP_MODES:
        raise ValueError(f"keep must be one of {KEEP_MODES}, got {keep!r}")
    start, stop = chunk if chunk is not None else (0, draws)
    if not 0 <= start < stop <= draws:
        raise ValueError(f"chunk must satisfy 0 <= start < stop <= draws, got {chunk!r}")
    return int(start), int(stop)
