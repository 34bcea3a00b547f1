"""Global sensitivity analysis: which uncertain parameters move the peak, and by how much.

Two methods over a scenario's ``uncertainty.parameters``, plus one factor ``shocks`` that
stands for all the per-year AR(1) shocks of ``uncertainty.shocks`` together:

- Sobol (variance-based): first-order and total-order indices by the Saltelli et al. (2010)
  estimators of ``scipy.stats.sobol_indices``, on A, B and A_B^i matrices built here from one
  scrambled Sobol sequence, with percentile-bootstrap intervals over the rows.
- Morris (elementary effects): r one-at-a-time trajectories on a grid of levels between each
  parameter's 1 % and 99 % quantiles; mu* (mean absolute effect), mu, sigma, and a
  percentile-bootstrap interval for mu* over the trajectories.

The cores (``sobol_design``/``sobol_analyze``/``sobol``, ``morris_design``/``morris_analyze``/
``morris``) work on any function of a factor matrix ``[row, factor]`` whose columns are
uniforms on [0, 1]. Optionally the last factor is a *stream factor*: its value in a row is the
index of a random stream rather than a uniform. The scenario's ``shocks`` factor is one: the
kernel draws draw g's shocks from positions fixed by g, so a row run as draw g uses draw g's
shocks. A rows use streams 0..n-1 and B rows n..2n-1, so A_B^shocks (A's parameters with B's
shocks) and A_B^i (B's parameter i with A's shocks) are exact Sobol matrices.

Both methods assume independent inputs: a scenario's ``uncertainty.correlations`` are left out
(independent marginals), and the result says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import xarray as xr
from scipy import stats
from scipy.stats import qmc

from simulator import __version__
from simulator.montecarlo import sampling_kernel
from simulator.montecarlo.ensemble import (
    EnsembleInputs, allocate, ensemble_inputs, kernel_arguments,
)
from simulator.errors import ScenarioError
from simulator.defaults import SEED, TARGET_PEAK_YEAR
from simulator.montecarlo.simulate import run_block
from simulator.montecarlo.sampling import Sampler, truncated_normal_quantile
from simulator.model.scenario import Scenario
from simulator.report.labels import parameter_name
from simulator.text import Message, text
from simulator.montecarlo.tasks import progress_bar, run_tasks

METHODS = ("sobol", "morris")
# per-draw outputs the kernel computes: name -> (units, long_name)
OUTPUTS = {
    "peak_year": ("yr", "year of maximum CO2"),
    "peak_co2": ("万t", "maximum CO2 over the horizon"),
    f"co2_{TARGET_PEAK_YEAR}": ("万t", f"CO2 emissions in {TARGET_PEAK_YEAR}"),
    "cumulative_co2": ("万t", "cumulative CO2 over the horizon"),
}
SHOCKS = "shocks"
# Sobol: base rows n (a power of two), n (k + 2) evaluations; Morris: trajectories, n (k + 1).
# For taiyuan_base (k = 7 factors) Sobol's 18,432 evaluations take about 0.2 s and its
# bootstrap about 1 s on two cores; Morris's 4,608 evaluations well under a second.
DEFAULT_N = {"sobol": 2048, "morris": 512}
CONFIDENCE = 0.95
RESAMPLES = 999
BOOTSTRAP_BATCH = 1 << 21  # evaluations resampled per vectorised call (16 MiB)
MORRIS_LEVELS = 4
QUANTILE_RANGE = (0.01, 0.99)  # Morris moves each parameter between these quantiles
SENSITIVITY_STREAM = 4  # SeedSequence spawn key of the design and bootstrap numbers
NO_COPULA = np.empty((0, 0))
MIXED_UNITS = "the output's unit (coordinate output_unit)"
PARAMETER_UNITS = "the parameter's own unit"


# --- Sobol core -----------------------------------------------------------------------------

def sobol_design(factors: int, n: int, seed, stream_factor: bool = False):
    """The matrices of a Saltelli design.

    Parameters
    ----------
    factors : int
        Number of factors k (columns).
    n : int
        Rows of A and B; a power of two (the Sobol sequence's balance).
    seed : int or numpy.random.SeedSequence
        Scrambles the Sobol sequence.
    stream_factor : bool
        The last factor is a stream: its value is i in row i of A and n + i in B.

    Returns
    -------
    A, B : ndarray [n, k]
        Two independent halves of one scrambled Sobol sequence in 2k (uniform) dimensions.
    AB : ndarray [k, n, k]
        ``AB[i]`` is A with column i taken from B.
    """
    uniforms = factors - stream_factor
    points = qmc.Sobol(2 * uniforms, scramble=True, rng=np.random.default_rng(seed)).random(n) \
        if uniforms else np.empty((n, 0))
    a, b = points[:, :uniforms], points[:, uniforms:]
    if stream_factor:
        rows = np.arange(n, dtype=np.float64)[:, None]
        a, b = np.hstack([a, rows]), np.hstack([b, n + rows])
    mixed = np.repeat(a[None], factors, axis=0)
    for i in range(factors):
        mixed[i, :, i] = b[:, i]
    return a, b, mixed


def sobol_analyze(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray, seed=None,
                  resamples: int = RESAMPLES, confidence: float = CONFIDENCE) -> dict:
    """First- and total-order Sobol indices with bootstrap intervals.

    Parameters
    ----------
    f_a, f_b : ndarray [n, outputs]
        The function at the rows of A and B.
    f_ab : ndarray [k, n, outputs]
        The function at the rows of each A_B^i.
    seed : int or numpy.random.SeedSequence, optional
        Fixes the bootstrap resamples.
    resamples, confidence : int, float
        Percentile bootstrap over the n rows.

    Returns
    -------
    dict of ndarray [outputs, k]
        ``first_order``, ``total_order`` and the ``_lower``/``_upper`` ends of their intervals.
        An output that does not vary gets indices 0.
    """
    evaluations = {name: np.ascontiguousarray(f) for name, f in (
        ("f_A", f_a.T), ("f_B", f_b.T), ("f_AB", np.moveaxis(f_ab, 1, 2)))}
    first, total = _saltelli(evaluations)
    outputs, n = evaluations["f_A"].shape

    # Our own seeded bootstrap rather than SobolResult.bootstrap, which draws from numpy's
    # global state (not reproducible) and uses BCa, whose jackknife costs n extra estimates
    # (about 11 s at n = 4096, 7 factors, 4 outputs). scipy still computes every estimate.
    def statistic(rows, axis=-1):  # rows [batch, n]: each batch row one resample
        resampled = {name: np.take(f, rows.ravel(), axis=-1).reshape(*f.shape[:-2], -1, n)
                     for name, f in evaluations.items()}
        indices = np.stack(_saltelli(resampled))  # [2, outputs x batch, k]
        return indices.reshape(2, outputs, len(rows), -1).swapaxes(2, 3)

    interval = stats.bootstrap(
        (np.arange(n),), statistic, n_resamples=resamples, confidence_level=confidence,
        batch=max(1, BOOTSTRAP_BATCH // f_ab.size), method="percentile",
        rng=np.random.default_rng(seed)).confidence_interval
    return {"first_order": first, "first_order_lower": interval.low[0],
            "first_order_upper": interval.high[0], "total_order": total,
            "total_order_lower": interval.low[1], "total_order_upper": interval.high[1]}


def _saltelli(evaluations: dict) -> tuple[np.ndarray, np.ndarray]:
    """scipy's indices on evaluations in its layout (f_A [outputs, n], f_AB [k, outputs, n]),
    as [outputs, k] arrays."""
    shape = (evaluations["f_A"].shape[0], evaluations["f_AB"].shape[0])
    if shape == (1, 1):  # scipy squeezes a lone index to 0-d, then fails on it: pad a copy
        first, total = _saltelli({name: np.concatenate([f, f], axis=-2)
                                  for name, f in evaluations.items()})
        return first[:1], total[:1]
    result = stats.sobol_indices(func=evaluations, n=evaluations["f_A"].shape[1])
    return result.first_order.reshape(shape), result.total_order.reshape(shape)


def sobol(function: Callable, factors: int, n: int, seed: int = 0, stream_factor: bool = False,
          columns: Sequence[int] | None = None, scheduler: str | None = None,
          bar=None) -> tuple[dict, np.ndarray]:
    """Sobol indices of ``function(matrix [rows, factors]) -> [rows, outputs]`` over uniform
    factors (``sobol_design``), evaluated through ``run_tasks`` (``evaluate``).

    Returns
    -------
    indices : dict of ndarray [outputs, factors]
        ``sobol_analyze``'s arrays, for the output ``columns`` (default all).
    evaluations : ndarray [factors + 2, n, outputs]
        The function at A, B and each A_B^i, every column.
    """
    design, bootstrap = design_seeds(seed)
    a, b, mixed = sobol_design(factors, n, design, stream_factor)
    evaluations = np.stack(evaluate(function, [a, b, *mixed], scheduler, bar))
    chosen = evaluations if columns is None else evaluations[..., list(columns)]
    return sobol_analyze(chosen[0], chosen[1], chosen[2:], bootstrap), evaluations


# --- Morris core ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MorrisDesign:
    """r trajectories of k + 1 points; step m moves factor ``order[t, m]`` by
    ``step[t, order[t, m]]``."""

    points: np.ndarray  # [r, k + 1, k]
    order: np.ndarray   # [r, k]
    step: np.ndarray    # [r, k]


def morris_design(factors: int, trajectories: int, seed, levels: int = MORRIS_LEVELS,
                  stream_factor: bool = False) -> MorrisDesign:
    """Morris (1991) trajectories on the grid {0, 1/(p-1), ..., 1}, step p / (2 (p - 1)).

    Each trajectory starts at a random grid point, moves every factor once, in random order,
    up or down at random. A stream factor (the last) goes from stream t to r + t in trajectory
    t, with a nominal step of 1; trajectories are then ordered by when it moves, so that each
    layer of points holds at most two runs of consecutive streams.
    """
    if levels < 2 or levels % 2:
        raise ValueError(Message("error.sensitivity.levels", given=repr(levels)))
    rng = np.random.default_rng(seed)
    r, k = trajectories, factors
    delta = levels / (2 * (levels - 1))
    low = rng.integers(0, levels // 2, size=(r, k)) / (levels - 1)
    up = rng.random((r, k)) < 0.5
    step = np.where(up, delta, -delta)
    order = np.argsort(rng.random((r, k)), axis=1)
    if stream_factor:  # trajectories are exchangeable: reordering them changes nothing
        order = order[np.argsort(np.argmax(order == k - 1, axis=1), kind="stable")]
    points = np.repeat(np.where(up, low, low + delta)[:, None, :], k + 1, axis=1)
    rows = np.arange(r)
    for m in range(k):
        points[:, m + 1] = points[:, m]
        points[rows, m + 1, order[:, m]] += step[rows, order[:, m]]
    if stream_factor:
        moved = np.cumsum(np.hstack([np.zeros((r, 1), bool), order == k - 1]), axis=1)
        points[:, :, k - 1] = rows[:, None] + r * moved
        step[:, k - 1] = 1.0
    return MorrisDesign(points, order, step)


def morris_analyze(outputs: np.ndarray, design: MorrisDesign, seed=None,
                   resamples: int = RESAMPLES, confidence: float = CONFIDENCE) -> dict:
    """mu*, mu and sigma of the elementary effects, with a bootstrap interval for mu*.

    Parameters
    ----------
    outputs : ndarray [r, k + 1, outputs]
        The function at the design's points.

    Returns
    -------
    dict of ndarray [outputs, k]
        ``mu_star``, ``mu``, ``sigma`` and ``mu_star_lower``/``mu_star_upper``. An effect is
        the change of an output over a step, divided by the step (in units of the factor's
        range), so a linear function's mu* is |slope| x range.
    """
    r, k = design.order.shape
    rows = np.arange(r)[:, None]
    effects = np.empty((r, k, outputs.shape[2]))  # [trajectory, factor, output]
    effects[rows, design.order] = np.diff(outputs, axis=1) / \
        design.step[rows, design.order][..., None]
    size = np.abs(effects)
    interval = stats.bootstrap(
        (size,), np.mean, axis=0, n_resamples=resamples, confidence_level=confidence,
        method="percentile", rng=np.random.default_rng(seed)).confidence_interval
    return {"mu_star": size.mean(axis=0).T, "mu": effects.mean(axis=0).T,
            "sigma": effects.std(axis=0, ddof=1).T, "mu_star_lower": interval.low.T,
            "mu_star_upper": interval.high.T}


def morris(function: Callable, factors: int, n: int, seed: int = 0, stream_factor: bool = False,
           columns: Sequence[int] | None = None, scheduler: str | None = None,
           bar=None) -> tuple[dict, np.ndarray]:
    """Morris screening of ``function(matrix [rows, factors]) -> [rows, outputs]`` over the
    unit cube with ``n`` trajectories (``morris_design``), evaluated through ``run_tasks``
    one layer of points per task.

    Returns
    -------
    indices : dict of ndarray [outputs, factors]
        ``morris_analyze``'s arrays, for the output ``columns`` (default all).
    evaluations : ndarray [n, factors + 1, outputs]
        The function at every point, every column.
    """
    design_seed, bootstrap = design_seeds(seed)
    design = morris_design(factors, n, design_seed, stream_factor=stream_factor)
    layers = evaluate(function, list(design.points.swapaxes(0, 1)), scheduler, bar)
    evaluations = np.stack(layers, axis=1)
    chosen = evaluations if columns is None else evaluations[..., list(columns)]
    return morris_analyze(chosen, design, bootstrap), evaluations


# --- shared plumbing ------------------------------------------------------------------------

def design_seeds(seed: int) -> list[np.random.SeedSequence]:
    """Independent seeds of the design and of the bootstrap, from the run's seed."""
    return np.random.SeedSequence(seed, spawn_key=(SENSITIVITY_STREAM,)).spawn(2)


def evaluate(function: Callable, blocks: Sequence[np.ndarray], scheduler: str | None = None,
             bar=None) -> list[np.ndarray]:
    """``function(block)`` for each block through ``run_tasks``, in order; ``bar`` moves by a
    block's rows as each finishes."""
    on_done = None if bar is None else lambda i: bar.update(len(blocks[i]))
    results = run_tasks(function, [(block,) for block in blocks], scheduler, on_done=on_done)
    return [np.asarray(r, dtype=np.float64) for r in results]


# --- the scenario as a function of factors --------------------------------------------------

@dataclass(frozen=True)
class ScenarioModel:
    """What a task needs to run the kernel on a factor matrix (picklable, for Dask)."""

    inputs: EnsembleInputs
    sampler: Sampler
    ranges: np.ndarray | None  # Morris: [2, parameter] value range; Sobol: None (quantiles)
    year_column: int  # column of TARGET_PEAK_YEAR in the kernel's recorded CO2 years
    shocks: bool  # the last factor is the shock stream


def scenario_model(scenario: Scenario, seed: int, ranges: bool) -> ScenarioModel:
    """The kernel's inputs, with ``seed``'s shock streams; Morris ``ranges`` between each
    parameter's ``QUANTILE_RANGE`` quantiles."""
    inputs = ensemble_inputs(scenario)
    sampler = Sampler(scenario, seed, 1)  # total draws only shape designs we do not use
    span = None
    if ranges:
        span = parameter_values(sampler, np.repeat(np.array(QUANTILE_RANGE)[:, None],
                                                    len(sampler.entries), axis=1))
    year = np.flatnonzero(inputs.report_years == TARGET_PEAK_YEAR)
    return ScenarioModel(inputs, sampler, span, int(year[0]) if year.size else -1,
                         bool(sampler.shock_specs))


def parameter_values(sampler: Sampler, uniforms: np.ndarray) -> np.ndarray:
    """Uniforms ``[row, parameter]`` -> values by each parameter's own distribution, as
    independent marginals (no copula)."""
    values = np.array(uniforms, dtype=np.float64, order="C")
    sampling_kernel.values_into(0, len(values), sampling_kernel.GIVEN,
                                np.zeros(len(sampler.entries), dtype=np.uint64), np.uint64(0),
                                NO_COPULA, sampler.kinds, sampler.quantile_params, values)
    for i, entry in enumerate(sampler.entries):
        if entry.distribution == "truncated_normal":
            values[:, i] = truncated_normal_quantile(entry, values[:, i])
    return values


def scenario_outputs(model: ScenarioModel, factors: np.ndarray) -> np.ndarray:
    """The kernel on each row of a factor matrix: ``[row, column]``, the ``OUTPUTS`` then two
    diagnostics, clamped driver values and years whose energy balance could not close.

    Parameter columns are uniforms, turned into values by the distributions (Sobol) or across
    the Morris ranges; with shocks, the last column is the draw whose shock stream the row uses.
    """
    count = len(model.sampler.entries)
    unit = factors[:, :count]
    values = parameter_values(model.sampler, unit) if model.ranges is None else \
        np.ascontiguousarray(model.ranges[0] + unit * (model.ranges[1] - model.ranges[0]))
    streams = factors[:, count].astype(np.int64) if model.shocks else np.arange(len(factors))
    out = allocate(len(factors), model.inputs, False)
    arguments = kernel_arguments(model.inputs, model.sampler)
    for a, b in _runs(streams):
        run_block(arguments, values[a:b], out.rows(a, b, False), int(streams[a]), False)
    co2_year = out.co2_at[:, model.year_column] if model.year_column >= 0 else \
        np.zeros(len(factors))  # not asked for: the horizon does not hold the year
    return np.column_stack([model.inputs.years[out.peak_t], out.peak_co2, co2_year,
                            out.cumulative_co2, out.clamps, out.unbalanced])


def _runs(streams: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges a..b-1 whose streams are consecutive (one kernel call each)."""
    breaks = np.flatnonzero(np.diff(streams) != 1) + 1
    edges = [0, *breaks.tolist(), len(streams)]
    return list(zip(edges[:-1], edges[1:], strict=True))


# --- the scenario's sensitivity -------------------------------------------------------------

def sensitivity(scenario: Scenario, method: str = "sobol",
                outputs: Sequence[str] = tuple(OUTPUTS), n: int | None = None, seed: int = SEED,
                scheduler: str | None = None,
                progress: bool | str | None = False) -> xr.Dataset:
    """Global sensitivity of per-draw outputs to a scenario's uncertain parameters.

    Parameters
    ----------
    scenario : Scenario
        Its ``uncertainty.parameters`` are the factors, plus ``shocks`` (all per-year shocks
        together) when it declares any.
    method : {"sobol", "morris"}
        Sobol first- and total-order indices, or Morris elementary effects (a cheap screening).
    outputs : sequence of str
        Names from ``OUTPUTS``: peak_year, peak_co2, co2_2030, cumulative_co2.
    n : int, optional
        Sobol: base rows (a power of two), n (k + 2) model evaluations for k factors. Morris:
        trajectories, n (k + 1) evaluations. Default ``DEFAULT_N[method]``.
    seed : int
        Fixes the design, the shock streams and the bootstrap: same seed, same result.
    scheduler : str, optional
        Passed to ``simulator.montecarlo.tasks.run_tasks`` (None: here).
    progress : bool, str or None
        Show a progress bar (after 2 s) on standard error: False or None, none; True, in
        English; a language code (``"en"``, ``"zh"``), in that language.

    Returns
    -------
    xarray.Dataset
        Over (``output``, ``parameter``). Sobol: ``first_order``, ``total_order`` and their
        95 % interval ends (``_lower``, ``_upper``), units "1". Morris: ``mu_star``, ``mu``,
        ``sigma``, ``mu_star_lower``, ``mu_star_upper`` in each output's unit (coordinate
        ``output_unit``). Attrs: method, n, seed, evaluations, shocks, correlations, ...

    Raises
    ------
    ScenarioError
        If the scenario declares nothing uncertain, or co2_2030 is asked for and the horizon
        does not hold 2030.
    """
    n = _check_request(scenario, method, outputs, n, seed)
    model = scenario_model(scenario, seed, ranges=method == "morris")
    names = [e.parameter for e in model.sampler.entries] + [SHOCKS] * model.shocks
    columns = [list(OUTPUTS).index(name) for name in outputs]
    rows = n * (len(names) + (2 if method == "sobol" else 1))
    analysis = sobol if method == "sobol" else morris
    with progress_bar(rows, Message("progress.sensitivity"), Message("progress.runs"), progress,
                      scale=True) as bar:
        indices, results = analysis(partial(scenario_outputs, model), len(names), n, seed,
                                    stream_factor=model.shocks, columns=columns,
                                    scheduler=scheduler, bar=bar)
    attrs = _attrs(scenario, method, n, seed, rows, model, results)
    return _to_dataset(scenario, method, list(outputs), names, indices, model, attrs)


def _check_request(scenario: Scenario, method: str, outputs: Sequence[str], n, seed) -> int:
    if method not in METHODS:
        raise ValueError(Message("error.sensitivity.method", methods=repr(METHODS),
                                 given=repr(method)))
    unknown = [name for name in outputs if name not in OUTPUTS]
    if unknown or not outputs or len(set(outputs)) < len(outputs):
        raise ValueError(Message("error.sensitivity.outputs", outputs=repr(tuple(OUTPUTS)),
                                 given=repr(tuple(outputs))))
    n = DEFAULT_N[method] if n is None else n
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2 or \
            (method == "sobol" and n & (n - 1)):
        allowed = Message("error.sensitivity.n_sobol" if method == "sobol" else
                          "error.sensitivity.n_morris")
        raise ValueError(Message("error.sensitivity.n", method=method, allowed=allowed,
                                 given=repr(n)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(Message("error.montecarlo.seed", given=repr(seed)))
    if not (scenario["uncertainty.parameters"] or scenario["uncertainty.shocks"]):
        raise ScenarioError(scenario.source, "uncertainty.parameters",
                            Message("error.sensitivity.nothing"),
                            allowed=Message("error.sensitivity.nothing_allowed"))
    year = f"co2_{TARGET_PEAK_YEAR}"
    if year in outputs and not scenario.base_year <= TARGET_PEAK_YEAR <= scenario.end_year:
        raise ScenarioError(scenario.source, "end_year",
                            Message("error.sensitivity.horizon", output=year,
                                    year=TARGET_PEAK_YEAR, base_year=scenario.base_year,
                                    end_year=scenario.end_year),
                            value=scenario.end_year,
                            allowed=Message("error.sensitivity.horizon_allowed",
                                            year=TARGET_PEAK_YEAR, output=year))
    return int(n)


def shocks_note(scenario: Scenario, lang: str = "en") -> str:
    """How the per-year shocks enter the analysis (in English in the result's attrs)."""
    shocks = scenario["uncertainty.shocks"]
    if not shocks:
        return text("console.sensitivity.no_shocks", lang)
    drivers = text("console.sensitivity.name_separator", lang).join(
        factor_name(s.driver, lang) for s in shocks)
    return text("console.sensitivity.shocks_note", lang, factor=factor_name(SHOCKS, lang),
                drivers=drivers)


def correlation_note(scenario: Scenario, lang: str = "en") -> str:
    """What the analysis does with the scenario's correlations (it assumes independence)."""
    pairs = [c for c in scenario["uncertainty.correlations"] if c.rho != 0]
    if not pairs:
        return text("console.sensitivity.no_correlations", lang)
    listed = text("console.sensitivity.correlation_separator", lang).join(
        text("console.sensitivity.correlation", lang, first=factor_name(a, lang),
             second=factor_name(b, lang), rho=c.rho) for c in pairs for a, b in [c.between])
    return text("console.sensitivity.correlations_note", lang, pairs=listed)


def factor_name(name: str, lang: str = "en") -> str:
    """A factor (parameter path, shock driver or ``shocks``) as printed: as the scenario names
    it in English, in words in other languages (``labels.parameter_name``)."""
    return name if lang == "en" else parameter_name(name, lang)


def _attrs(scenario: Scenario, method: str, n: int, seed: int, rows: int,
           model: ScenarioModel, results: np.ndarray) -> dict:
    diagnostics = results.reshape(-1, results.shape[-1])[:, len(OUTPUTS):]
    attrs = {
        "method": method, "n": n, "seed": seed, "evaluations": rows,
        "shocks": shocks_note(scenario), "correlations": correlation_note(scenario),
        "confidence_level": CONFIDENCE, "bootstrap_resamples": RESAMPLES,
        "evaluations_clamped": int((diagnostics[:, 0] > 0).sum()),
        "evaluations_unbalanced": int((diagnostics[:, 1] > 0).sum()),
        "scenario": scenario.name, "region": scenario.region,
        "scenario_sha256": scenario.digest, "simulator_version": __version__,
    }
    if method == "sobol":
        attrs["design"] = (f"A and B: {n} rows each from one scrambled Sobol sequence "
                           "(scipy.stats.qmc); A_B^i: A with column i from B; estimators of "
                           "Saltelli et al. 2010 (scipy.stats.sobol_indices); percentile "
                           "bootstrap over the rows")
    else:
        attrs["design"] = (f"{n} trajectories on a grid of {MORRIS_LEVELS} levels between each "
                           f"parameter's {QUANTILE_RANGE[0]:.0%} and {QUANTILE_RANGE[1]:.0%} "
                           f"quantiles, step {MORRIS_LEVELS / (2 * MORRIS_LEVELS - 2):.4g} of "
                           "that range; percentile bootstrap of mu* over the trajectories")
    return attrs


MORRIS_VARIABLES = {
    "mu_star": "mean absolute elementary effect: output change per move across the "
               "parameter's range (1-99 % quantiles; shocks: between two shock streams)",
    "mu": "mean elementary effect (signed)",
    "sigma": "standard deviation of the elementary effects (interactions, nonlinearity)",
    "mu_star_lower": "lower end of the 95 % bootstrap interval of mu_star",
    "mu_star_upper": "upper end of the 95 % bootstrap interval of mu_star",
}
SOBOL_VARIABLES = {
    "first_order": "first-order Sobol index: share of output variance due to the parameter "
                   "alone",
    "first_order_lower": "lower end of the 95 % bootstrap interval of first_order",
    "first_order_upper": "upper end of the 95 % bootstrap interval of first_order",
    "total_order": "total-order Sobol index: share of output variance involving the "
                   "parameter, interactions included",
    "total_order_lower": "lower end of the 95 % bootstrap interval of total_order",
    "total_order_upper": "upper end of the 95 % bootstrap interval of total_order",
}


def _to_dataset(scenario: Scenario, method: str, outputs: list[str], names: list[str],
                indices: dict, model: ScenarioModel, attrs: dict) -> xr.Dataset:
    dims = ("output", "parameter")
    if method == "sobol":
        data = {name: (dims, indices[name], {"units": "1", "long_name": long_name})
                for name, long_name in SOBOL_VARIABLES.items()}
    else:
        data = {name: (dims, indices[name], {"units": MIXED_UNITS, "long_name": long_name})
                for name, long_name in MORRIS_VARIABLES.items()}
    coords = {
        "output": ("output", outputs, {"long_name": "per-draw output"}),
        "output_unit": ("output", [OUTPUTS[name][0] for name in outputs],
                        {"long_name": "unit of the output"}),
        "output_long_name": ("output", [OUTPUTS[name][1] for name in outputs],
                             {"long_name": "what the output is"}),
        "parameter": ("parameter", names, {"long_name": "uncertain parameter (uncertainty."
                                           "parameters entry) or 'shocks'"}),
    }
    if model.ranges is not None:
        coords.update(_range_coords(model))
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _range_coords(model: ScenarioModel) -> dict:
    """Morris: where each parameter's range starts and ends."""
    shocks = f" ({SHOCKS}: 0 and 1 stand for two shock streams)" if model.shocks else ""
    ends = {"range_low": (model.ranges[0], 0.0, QUANTILE_RANGE[0], "starts"),
            "range_high": (model.ranges[1], 1.0, QUANTILE_RANGE[1], "ends")}
    return {name: ("parameter", [*values, *[shock] * model.shocks],
                   {"units": PARAMETER_UNITS, "long_name": f"{q:.0%} quantile of "
                    f"the parameter's distribution, where its Morris range {verb}{shocks}"})
            for name, (values, shock, q, verb) in ends.items()}


def sensitivity_table(result: xr.Dataset):
    """One row per (output, parameter) (a ``pandas.DataFrame``): the output and its unit, the
    parameter, every index (and Morris's ranges); column names carry the units."""
    frame = result.drop_vars("output_long_name").to_dataframe().reset_index()
    first = ["output", "output_unit", "parameter"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return frame.rename(columns={name: f"{name} [{_unit_label(result[name])}]"
                                 for name in frame.columns[3:]})


def _unit_label(variable: xr.DataArray) -> str:
    units = variable.attrs["units"]
    return {MIXED_UNITS: "output_unit", PARAMETER_UNITS: "parameter's unit"}.get(units, units)
