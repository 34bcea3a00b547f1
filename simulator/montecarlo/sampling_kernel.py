"""The numba side of the sampler (``sampling.py``): Latin hypercube strata, the Gaussian copula,
the quantile functions and the kernel's coefficients, draw by draw in parallel.

Every value of draw g depends on (keys, g, total) alone, so blocks of draws can be computed in
any order and any number of threads with identical results.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange, uint64

from simulator.montecarlo.rng import (
    CENTRAL_HALF_WIDTH, GOLDEN, central_quantile, exact_float, flag_scratch, flagged, mix,
    normal_quantile, permutation_domain, scramble, unit,
)
from simulator.model.uncertainty import APPLIES, DISTRIBUTIONS

NORMAL, LOGNORMAL, UNIFORM, TRIANGULAR = (
    list(DISTRIBUTIONS).index(name) for name in ("normal", "lognormal", "uniform", "triangular"))
ADD, MULTIPLY = APPLIES.index("add"), APPLIES.index("multiply")
TILE = 1024
# uniforms are kept off 0 and 1 so that the inverse normal CDF stays finite
U_EDGE = 2.0 ** -53


RANDOM, LATIN_HYPERCUBE, GIVEN = range(3)  # where a block's uniforms come from


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
def _uniform_column(column, draw, dims, dim, key):
    """Dimension ``dim`` of the plain random uniforms of draws ``draw`` + 0..n-1: the counter
    stream at positions draw k + dim, k = ``dims``."""
    position = key + uint64(draw * dims + dim) * GOLDEN
    stride = uint64(dims) * GOLDEN
    for i in range(column.shape[0]):
        column[i] = unit(mix(position))
        position += stride


@njit(inline="always")
def _stratify(column, draw, total, domain, key, strata, flags, found):
    """The uniforms of ``column`` moved into a Latin hypercube of ``total`` draws: draw g goes
    to stratum ``permuted(g, total, key)`` (every stratum exactly once), at its uniform's
    offset within it. One vectorised pass of the keyed bijection, then the few draws it sends
    beyond ``total`` walked on as ``permuted`` does."""
    mask, shift = domain
    n = column.shape[0]
    for i in range(n):
        strata[i] = scramble(uint64(draw + i), mask, shift, key)
        flags[i] = strata[i] >= total
    for k in range(flagged(flags, n, found)):
        x = strata[found[k]]
        while x >= total:
            x = scramble(x, mask, shift, key)
        strata[found[k]] = x
    for i in range(n):
        column[i] = (exact_float(strata[i]) + column[i]) / total


@njit(inline="always")
def _normal_column(column, z, flags, found):
    """Standard normal quantiles of the uniforms ``column`` into ``z``: the central region
    in one vectorised pass, the tails (about 15 %) then one by one."""
    n = column.shape[0]
    for i in range(n):
        flags[i] = abs(column[i] - 0.5) > CENTRAL_HALF_WIDTH
        z[i] = central_quantile(column[i])
    for k in range(flagged(flags, n, found)):
        z[found[k]] = normal_quantile(column[found[k]])


@njit(inline="always")
def _quantile_column(column, kind, p, z, flags, found):
    """The quantile function of distribution ``kind`` with parameters ``p``, over the
    uniforms ``column`` in place (kept off 0 and 1 first); the truncated normal is left to
    scipy (the uniforms stay). One distribution per loop, so the loops vectorise."""
    n = column.shape[0]
    for i in range(n):
        column[i] = _off_the_edges(column[i])
    if kind == NORMAL or kind == LOGNORMAL:
        _normal_column(column, z, flags, found)
        if kind == NORMAL:
            for i in range(n):
                column[i] = p[0] + p[1] * z[i]
        else:
            for i in range(n):
                column[i] = p[0] * math.exp(p[1] * z[i])
    elif kind == UNIFORM:
        for i in range(n):
            column[i] = p[0] + (p[1] - p[0]) * column[i]
    elif kind == TRIANGULAR:
        low, mode, high = p[0], p[1], p[2]
        width = high - low
        for i in range(n):
            u = column[i]
            rising = low + math.sqrt(u * width * (mode - low))
            falling = high - math.sqrt((1.0 - u) * width * (high - mode))
            column[i] = low if width == 0.0 else (rising if u * width < mode - low
                                                   else falling)


@njit(inline="always")
def _tile_uniforms(column, out, start, dim, first, total, method, domain, strata_keys, key,
                   strata, flags, found):
    """Dimension ``dim``'s uniforms of the tile's draws (rows ``start`` on of ``out``): the
    given ones (GIVEN), or the counter stream's, stratified for a Latin hypercube."""
    if method == GIVEN:
        column[:] = out[start:start + column.shape[0], dim]
        return
    _uniform_column(column, first + start, out.shape[1], dim, key)
    if method == LATIN_HYPERCUBE:
        _stratify(column, first + start, total, domain, strata_keys[dim], strata, flags, found)


@njit(parallel=True, cache=True)
def values_into(first, total, method, strata_keys, key, root, kinds, params, out):
    """Parameter values of draws ``first`` + 0..n-1 into ``out[draw, parameter]``: uniforms
    (``method``; GIVEN: ``out`` already holds them, e.g. Sobol points), through the Gaussian
    copula when ``root`` is not empty, then each column's quantile function (``kinds``,
    ``params[column]``). A tile of draws goes column by column, so that each step is one
    vectorised loop over the tile's draws."""
    n, dims = out.shape
    domain = permutation_domain(uint64(max(total, 1)))
    for tile in prange((n + TILE - 1) // TILE):
        start, stop = tile * TILE, min((tile + 1) * TILE, n)
        column, z = np.empty(stop - start), np.empty(max(stop - start, dims))
        strata = np.empty(stop - start, dtype=np.uint64)
        flags, found = flag_scratch(stop - start), np.empty(stop - start, dtype=np.int64)
        if root.shape[0]:  # the copula mixes a draw's dimensions: every uniform first
            for j in range(dims):
                _tile_uniforms(column, out, start, j, first, total, method, domain,
                               strata_keys, key, strata, flags, found)
                out[start:stop, j] = column
            for i in range(start, stop):
                _correlate(out[i], root, z)
        for j in range(dims):
            if root.shape[0]:
                column[:] = out[start:stop, j]
            else:
                _tile_uniforms(column, out, start, j, first, total, method, domain,
                               strata_keys, key, strata, flags, found)
            _quantile_column(column, kinds[j], params[j], z, flags, found)
            out[start:stop, j] = column


@njit(inline="always")
def coefficients(x, apply):
    """The kernel's coefficients of patterns A and B for a value x: add -> (x, 0);
    multiply -> (0, x - 1); set -> (x, -1) (see ``sampling``)."""
    if apply == ADD:
        return x, 0.0
    if apply == MULTIPLY:
        return 0.0, x - 1.0
    return x, -1.0
