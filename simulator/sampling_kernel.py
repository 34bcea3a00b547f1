"""The numba side of the sampler (``sampling.py``): Latin hypercube strata, the Gaussian copula,
the quantile functions and the kernel's coefficients, draw by draw in parallel.

Every value of draw g depends on (keys, g, total) alone, so blocks of draws can be computed in
any order and any number of threads with identical results.
"""

from __future__ import annotations

import math

import numpy as np
from numba import int64, njit, prange, uint64

from .rng import normal_quantile, permutation_domain, permuted, uniform
from .uncertainty import APPLIES, DISTRIBUTIONS

NORMAL, LOGNORMAL, UNIFORM, TRIANGULAR = (
    list(DISTRIBUTIONS).index(name) for name in ("normal", "lognormal", "uniform", "triangular"))
ADD, MULTIPLY = APPLIES.index("add"), APPLIES.index("multiply")
TILE = 1024
# uniforms are kept off 0 and 1 so that the inverse normal CDF stays finite
U_EDGE = 2.0 ** -53


RANDOM, LATIN_HYPERCUBE, GIVEN = range(3)  # where a block's uniforms come from


@njit(inline="always")
def _uniforms(row, draw, method, total, domain, strata_keys, key):
    """Draw ``draw``'s uniforms into ``row``: plain random (the counter stream at positions
    draw k .. draw k + k - 1), or a Latin hypercube of ``total`` draws, in which dimension j
    puts the draw in stratum ``permuted(draw, total, strata_keys[j])`` (every stratum exactly
    once) at a uniform offset within it."""
    dims = row.shape[0]
    for j in range(dims):
        u = uniform(key, uint64(draw * dims + j))
        if method == LATIN_HYPERCUBE:
            stratum = permuted(uint64(draw), uint64(total), domain, strata_keys[j])
            u = (float(int64(stratum)) + u) / total
        row[j] = u


@njit(inline="always")
def _off_the_edges(u):
    return min(max(u, U_EDGE), 1.0 - U_EDGE)


@njit(inline="always")
def _normal_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@njit(inline="always")
def _correlate(row, root, z):
    """The Gaussian copula on one draw's uniforms, in place: u -> Phi(R Phi^-1(u))."""
    for j in range(row.shape[0]):
        z[j] = normal_quantile(_off_the_edges(row[j]))
    for k in range(row.shape[0]):
        total = 0.0
        for j in range(row.shape[0]):
            total += root[k, j] * z[j]
        row[k] = _normal_cdf(total)


@njit(inline="always")
def _quantile(kind, p, u):
    """The quantile function of distribution ``kind`` with parameters ``p`` at u; the
    truncated normal is left to scipy (u is returned)."""
    if kind == NORMAL:
        return p[0] + p[1] * normal_quantile(u)
    if kind == LOGNORMAL:
        return p[0] * math.exp(p[1] * normal_quantile(u))
    if kind == UNIFORM:
        return p[0] + (p[1] - p[0]) * u
    if kind == TRIANGULAR:
        low, mode, high = p[0], p[1], p[2]
        width = high - low
        if width == 0.0:
            return low
        if u * width < mode - low:
            return low + math.sqrt(u * width * (mode - low))
        return high - math.sqrt((1.0 - u) * width * (high - mode))
    return u


@njit(parallel=True, cache=True)
def values_into(first, total, method, strata_keys, key, root, kinds, params, out):
    """Parameter values of draws ``first`` + 0..n-1 into ``out[draw, parameter]``: uniforms
    (``method``; GIVEN: ``out`` already holds them, e.g. Sobol points), through the Gaussian
    copula when ``root`` is not empty, then each column's quantile function (``kinds``,
    ``params[column]``)."""
    n, dims = out.shape
    domain = permutation_domain(uint64(max(total, 1)))
    for tile in prange((n + TILE - 1) // TILE):
        z = np.empty(dims)
        for i in range(tile * TILE, min((tile + 1) * TILE, n)):
            row = out[i]
            if method != GIVEN:
                _uniforms(row, first + i, method, total, domain, strata_keys, key)
            if root.shape[0]:
                _correlate(row, root, z)
            for j in range(dims):
                row[j] = _quantile(kinds[j], params[j], _off_the_edges(row[j]))


@njit(inline="always")
def coefficients(x, apply):
    """The kernel's coefficients of patterns A and B for a value x: add -> (x, 0);
    multiply -> (0, x - 1); set -> (x, -1) (see ``sampling``)."""
    if apply == ADD:
        return x, 0.0
    if apply == MULTIPLY:
        return 0.0, x - 1.0
    return x, -1.0
