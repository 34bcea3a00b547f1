"""Uncertainty spec -> parameter draws and per-year shocks, as plain arrays for the kernel.

Reproducibility: every random number of draw i is a function of (seed, i) alone (and, for
the Latin hypercube, the total number of draws), so any chunking of the draws gives
bit-identical results. Uniforms for plain random sampling come from the counter stream of
``rng`` at positions fixed by i; Latin hypercube strata from keyed permutations of the draws
(``rng.permuted``), computed draw by draw, never stored; Sobol points are fast-forwarded to i.
The per-year shocks are drawn inside the kernel from their own stream (``shock_key``).
Parameter values come from the uniforms by the quantile functions (``sampling_kernel``).

A parameter draw x moves the dense drivers exactly along two patterns of the parameter
(``A``: the effect of adding 1 to it; ``B``: the effect of doubling it), because the fill rules
are linear in the key values: add -> x A; multiply -> (x - 1) B; set -> x A - B.
"""

from __future__ import annotations

import warnings

import numpy as np

from simulator.model import kernel
from simulator.montecarlo import rng, sampling_kernel
from simulator.model.drivers import key_weights
from simulator.model.parameters import is_driver_path
from simulator.model.scenario import Scenario
from simulator.model.schema import FIELDS_BY_PATH
from simulator.model.uncertainty import (
    APPLIES, DISTRIBUTIONS, UncertainParameter, correlation_matrix,
)
from simulator.text import Message

SCALAR_FIELDS = {"base.gdp": kernel.GDP0, "base.energy_intensity": kernel.EI0,
                 "emission_factors.coal": kernel.S_EF_COAL, "emission_factors.oil": kernel.S_EF_OIL,
                 "emission_factors.gas": kernel.S_EF_GAS}


PARAMETER_STREAM, SHOCK_STREAM, QMC_STREAM = 2, 3, 1


class Sampler:
    """Draws for one scenario and seed over ``total`` draws, produced block by block."""

    def __init__(self, scenario: Scenario, seed: int, total: int):
        self.entries: tuple[UncertainParameter, ...] = scenario["uncertainty.parameters"]
        self.shock_specs = scenario["uncertainty.shocks"]
        self.sampling = scenario["uncertainty.sampling"]
        self.years = len(scenario.years)
        self.rows, self.pattern_add, self.pattern_scale = patterns(scenario)
        moved = {int(r) for r in self.rows if r < kernel.N_DRIVERS}
        moved |= {kernel.DRIVER_NAMES.index(s.driver) for s in self.shock_specs}
        # nominal drivers are within bounds (validated keys, interpolated between them), so
        # only the rows a draw can move need clamping
        self.touched = np.array(sorted(moved), dtype=np.int64)
        self.shock_rows = np.array([kernel.DRIVER_NAMES.index(s.driver)
                                    for s in self.shock_specs], dtype=np.int64)
        self.shock_multiply = np.array([s.apply == "multiply" for s in self.shock_specs],
                                       dtype=np.bool_)
        self.shock_sd = np.array([s.sd for s in self.shock_specs], dtype=np.float64)
        self.shock_rho = np.array([s.rho for s in self.shock_specs], dtype=np.float64)
        self.shock_key = np.uint64(rng.stream_key(seed, SHOCK_STREAM))
        self.shock_fixed = observed_years(scenario, self.shock_rows)
        matrix = correlation_matrix(self.entries, scenario["uncertainty.correlations"],
                                    scenario.source)
        self.copula = np.empty((0, 0)) if np.allclose(matrix, np.eye(len(matrix))) \
            else _matrix_root(matrix)
        self.kinds = np.array([list(DISTRIBUTIONS).index(e.distribution) for e in self.entries],
                              dtype=np.int64)
        self.applies = np.array([APPLIES.index(e.apply) for e in self.entries], dtype=np.int64)
        self.quantile_params = np.zeros((len(self.entries), 4))
        for i, e in enumerate(self.entries):
            names = DISTRIBUTIONS[e.distribution].params
            self.quantile_params[i, :len(names)] = [e.value(name) for name in names]
        self.seed, self.total = seed, total
        self._parameter_key = rng.stream_key(seed, PARAMETER_STREAM)
        self._strata_keys = np.array([rng.stream_key(seed, QMC_STREAM, j)
                                      for j in range(len(self.entries))], dtype=np.uint64)
        if self.sampling == "sobol" and total & (total - 1):
            power = 1 << max(1, round(np.log2(total)))
            warnings.warn(UserWarning(Message("note.sobol_draws", draws=total, power=power)),
                          stacklevel=3)

    def block(self, start: int, stop: int, values: np.ndarray | None = None) -> np.ndarray:
        """Parameter values of draws start..stop-1, ``[draw, parameter]``, into ``values``
        (C-contiguous) if given."""
        if values is None:
            values = np.empty((stop - start, len(self.entries)))
        method = sampling_kernel.GIVEN
        if self.sampling == "sobol":
            values[:] = self._sobol(start, stop)
        else:
            method = (sampling_kernel.RANDOM if self.sampling == "random"
                      else sampling_kernel.LATIN_HYPERCUBE)
        sampling_kernel.values_into(start, self.total, method, self._strata_keys,
                                    np.uint64(self._parameter_key), self.copula, self.kinds,
                                    self.quantile_params, values)
        for i, e in enumerate(self.entries):  # their tails need care: scipy, from the
            if e.distribution == "truncated_normal":  # uniforms values_into leaves
                values[:, i] = truncated_normal_quantile(e, values[:, i])
        return values

    def _qmc_rng(self) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(QMC_STREAM,)))

    def _sobol(self, start: int, stop: int) -> np.ndarray:
        if not self.entries:
            return np.empty((stop - start, 0))
        from scipy.stats import qmc  # scipy.stats takes about 0.9 s to import; few runs need it

        sobol = qmc.Sobol(len(self.entries), scramble=True, seed=self._qmc_rng())
        if start > 0:  # scipy refuses a fast-forward by zero
            sobol.fast_forward(start)
        with warnings.catch_warnings():  # said once per run, about the total (__init__)
            warnings.filterwarnings("ignore", message=".*balance properties of Sobol")
            return sobol.random(stop - start)


def truncated_normal_quantile(entry: UncertainParameter, u: np.ndarray) -> np.ndarray:
    mean, sd, low, high = (entry.value(name) for name in ("mean", "sd", "low", "high"))
    if sd == 0:  # no spread: the mean, cut to the bounds
        return np.full_like(u, min(max(mean, low), high))
    from scipy.stats import truncnorm  # imported only by the runs that need it (see _sobol)

    values = truncnorm.ppf(u, (low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)
    # [low, high] so many sd from the mean that scipy's tail gives up (inf or NaN): all the
    # mass sits at the bound nearest the mean
    nearest = min(max(mean, low), high)
    return np.where(np.isfinite(values), np.clip(values, low, high), nearest)


def patterns(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each uncertain parameter: the kernel row it moves, and patterns A and B over years."""
    entries = scenario["uncertainty.parameters"]
    n_years = len(scenario.years)
    rows = np.zeros(len(entries), dtype=np.int64)
    add, scale = np.zeros((len(entries), n_years)), np.zeros((len(entries), n_years))
    for i, e in enumerate(entries):
        rows[i], add[i], scale[i] = _pattern(scenario, e.parameter)
    return rows, add, scale


def _pattern(scenario: Scenario, name: str):
    if name in SCALAR_FIELDS:
        value = scenario[name]
        ones = np.ones(len(scenario.years))
        return kernel.N_DRIVERS + SCALAR_FIELDS[name], ones, ones * value
    field_path, _, key = name.partition(".values.")
    driver = field_path.split(".", 1)[1]
    f = FIELDS_BY_PATH[field_path]
    if f.kind != "path":  # a base-year anchor such as base.direct_gas_share
        f = FIELDS_BY_PATH[f"paths.{driver}"]
        weights, anchor = key_weights(scenario, f)
        value = scenario[field_path]
        return kernel.DRIVER_NAMES.index(driver), anchor, anchor * value
    weights, _ = key_weights(scenario, f)
    path = scenario[field_path]
    keys = np.array(path.values)
    if is_driver_path(scenario.values, name):
        return kernel.DRIVER_NAMES.index(driver), weights.sum(axis=0), keys @ weights
    k = path.years.index(int(key))
    return kernel.DRIVER_NAMES.index(driver), weights[k], keys[k] * weights[k]


def observed_years(scenario: Scenario, rows: np.ndarray) -> np.ndarray:
    """``[row, year]``: whether driver ``rows[i]`` is observed in that year."""
    base = int(scenario.years[0])
    fixed = np.zeros((len(rows), len(scenario.years)), dtype=np.bool_)
    for e in scenario["observed"]:
        fixed[rows == kernel.DRIVER_NAMES.index(e.driver), e.year - base] = True
    return fixed


def _matrix_root(matrix: np.ndarray) -> np.ndarray:
    """R with R R^T = matrix, also for a singular positive semi-definite matrix."""
    eigenvalues, vectors = np.linalg.eigh(matrix)
    return vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
