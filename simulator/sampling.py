"""Uncertainty spec -> parameter draws and per-year shocks, as plain arrays for the kernel.

Reproducibility: every random number of draw i is a function of (seed, i) alone, so any
chunking of the draws gives bit-identical results. Uniforms for plain random sampling come
from the counter stream of ``rng`` at positions fixed by i; Sobol points are fast-forwarded to
i; a Latin hypercube is laid out once over all draws and sliced. The per-year shocks are drawn
inside the kernel from their own stream (``shock_key``). Normals come from uniforms by the
inverse CDF, never from a variable-length generator.

A parameter draw x moves the dense drivers exactly along two patterns of the parameter
(``A``: the effect of adding 1 to it; ``B``: the effect of doubling it), because the fill rules
are linear in the key values: add -> x A; multiply -> (x - 1) B; set -> x A - B.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special, stats
from scipy.stats import qmc

from . import kernel, rng
from .drivers import key_weights
from .parameters import is_driver_path
from .scenario import Scenario
from .schema import FIELDS_BY_PATH
from .uncertainty import UncertainParameter, correlation_matrix

# uniforms are kept off 0 and 1 so that the inverse normal CDF stays finite
U_EDGE = 2.0 ** -53
SCALAR_FIELDS = {"base.gdp": kernel.GDP0, "base.energy_intensity": kernel.EI0,
                 "emission_factors.coal": kernel.S_EF_COAL, "emission_factors.oil": kernel.S_EF_OIL,
                 "emission_factors.gas": kernel.S_EF_GAS,
                 "emission_factors.electricity_export": kernel.S_EF_EXPORT}


@dataclass(frozen=True)
class Block:
    """The draws start..stop-1: parameter values and the kernel's coefficients."""

    values: np.ndarray      # [draw, parameter], the sampled parameter values
    coef_add: np.ndarray    # [draw, parameter], multiplies pattern A
    coef_scale: np.ndarray  # [draw, parameter], multiplies pattern B


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
        matrix = correlation_matrix(self.entries, scenario["uncertainty.correlations"],
                                    scenario.source)
        self.copula = None if np.allclose(matrix, np.eye(len(matrix))) else _matrix_root(matrix)
        self.seed, self.total = seed, total
        self._parameter_key = rng.stream_key(seed, PARAMETER_STREAM)
        if self.sampling == "sobol" and total & (total - 1):
            power = 1 << max(1, round(np.log2(total)))
            warnings.warn(f"Sobol points are balanced only for a power-of-two number of draws; "
                          f"{total} is not (try {power})", stacklevel=3)
        self._hypercube = None
        if self.sampling == "latin_hypercube" and self.entries:
            self._hypercube = qmc.LatinHypercube(len(self.entries), seed=self._qmc_rng()).random(total)

    def block(self, start: int, stop: int) -> Block:
        if self.sampling == "random":
            uniforms = self._random_uniforms(start, stop)
        else:
            uniforms = self._quasi_uniforms(start, stop)
        values = self._values(uniforms)
        add, scale = _coefficients(self.entries, values)
        return Block(values, add, scale)

    def _qmc_rng(self) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(QMC_STREAM,)))

    def _random_uniforms(self, start: int, stop: int) -> np.ndarray:
        n = len(self.entries)  # draw i uses positions i n .. i n + n - 1
        flat = rng.uniforms(self._parameter_key, start * n, (stop - start) * n)
        return flat.reshape(stop - start, n)

    def _quasi_uniforms(self, start: int, stop: int) -> np.ndarray:
        if not self.entries:
            return np.empty((stop - start, 0))
        if self._hypercube is not None:
            return self._hypercube[start:stop]
        sobol = qmc.Sobol(len(self.entries), scramble=True, seed=self._qmc_rng())
        if start > 0:  # scipy refuses a fast-forward by zero
            sobol.fast_forward(start)
        with warnings.catch_warnings():  # said once per run, about the total (__init__)
            warnings.filterwarnings("ignore", message=".*balance properties of Sobol")
            return sobol.random(stop - start)

    def _values(self, uniforms: np.ndarray) -> np.ndarray:
        uniforms = np.clip(uniforms, U_EDGE, 1 - U_EDGE)
        if self.copula is not None:
            uniforms = special.ndtr(special.ndtri(uniforms) @ self.copula.T)
            uniforms = np.clip(uniforms, U_EDGE, 1 - U_EDGE)
        columns = [inverse_cdf(e, uniforms[:, i]) for i, e in enumerate(self.entries)]
        return np.column_stack(columns) if columns else np.empty((len(uniforms), 0))

def inverse_cdf(entry: UncertainParameter, u: np.ndarray) -> np.ndarray:
    """The distribution's quantile function at ``u``."""
    v = dict(entry.values)
    name = entry.distribution
    if name == "normal":
        return v["mean"] + v["sd"] * special.ndtri(u)
    if name == "lognormal":
        return v["median"] * np.exp(v["sigma"] * special.ndtri(u))
    if name == "uniform":
        return v["low"] + (v["high"] - v["low"]) * u
    if name == "triangular":
        width = v["high"] - v["low"]
        if width == 0:
            return np.full_like(u, v["low"])
        return stats.triang.ppf(u, (v["mode"] - v["low"]) / width, loc=v["low"], scale=width)
    if v["sd"] == 0:  # truncated_normal with no spread: the mean, cut to the bounds
        return np.full_like(u, min(max(v["mean"], v["low"]), v["high"]))
    a, b = (v["low"] - v["mean"]) / v["sd"], (v["high"] - v["mean"]) / v["sd"]
    return stats.truncnorm.ppf(u, a, b, loc=v["mean"], scale=v["sd"])


def _coefficients(entries, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    add, scale = np.zeros_like(values), np.zeros_like(values)
    for i, e in enumerate(entries):
        x = values[:, i]
        if e.apply == "add":
            add[:, i] = x
        elif e.apply == "multiply":
            scale[:, i] = x - 1.0
        else:
            add[:, i], scale[:, i] = x, -1.0
    return add, scale


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
        weight = 0.0 if name.endswith("electricity_export") and \
            scenario["accounting"] != "territorial" else 1.0
        ones = np.full(len(scenario.years), weight)
        return kernel.N_DRIVERS + SCALAR_FIELDS[name], ones, ones * value
    field_path, _, key = name.partition(".values.")
    driver = field_path.split(".", 1)[1]
    f = FIELDS_BY_PATH[field_path]
    if f.kind != "path":  # a base-year anchor such as base.coal_share
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


def _matrix_root(matrix: np.ndarray) -> np.ndarray:
    """R with R R^T = matrix, also for a singular positive semi-definite matrix."""
    eigenvalues, vectors = np.linalg.eigh(matrix)
    return vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
