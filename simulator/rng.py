"""A counter-based random stream for the kernels: the number at position n depends on (key, n)
only, so every draw's numbers are the same for any thread count and any chunking.

The stream is SplitMix64 read at an arbitrary position (Steele, Lea & Flood 2014): state
``key + n * golden`` through the SplitMix64 output mix; it passes BigCrush as a sequence. Normals
come from uniforms by the inverse CDF, Wichura's algorithm AS241 (Appl. Stat. 37:477, 1988;
relative error about 1e-16), the algorithm behind Python's ``statistics.NormalDist.inv_cdf``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange, uint64

GOLDEN = uint64(0x9E3779B97F4A7C15)
MIX1 = uint64(0xBF58476D1CE4E5B9)
MIX2 = uint64(0x94D049BB133111EB)
TO_UNIT = 2.0 ** -53

# AS241 PPND16 coefficients, highest power first: central region |q| <= 0.425, then the tails
CENTRAL_NUM = (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853,
               45921.953931549871457, 13731.693765509461125, 1971.5909503065514427,
               133.14166789178437745, 3.387132872796366608)
CENTRAL_DEN = (5226.495278852545925, 28729.085735721942674, 39307.89580009271061,
               21213.794301586595867, 5394.1960214247511077, 687.1870074920579083,
               42.313330701600911252, 1.0)
NEAR_NUM = (7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177,
            1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055,
            4.6303378461565452959, 1.42343711074968357734)
NEAR_DEN = (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966,
            0.14810397642748007459, 0.68976733498510000455, 1.6763848301838038494,
            2.05319162663775882187, 1.0)
FAR_NUM = (2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386,
           0.026532189526576123093, 0.29656057182850489123, 1.7848265399172913358,
           5.4637849111641143699, 6.6579046435011037772)
FAR_DEN = (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
           7.868691311456132591e-4, 0.0148753612908506148525, 0.13692988092273580531,
           0.59983220655588793769, 1.0)


@njit(inline="always")
def uniform(key, position):
    """The uniform in (0, 1) at ``position`` of the stream ``key`` (both uint64)."""
    z = key + position * GOLDEN
    z = (z ^ (z >> uint64(30))) * MIX1
    z = (z ^ (z >> uint64(27))) * MIX2
    z = z ^ (z >> uint64(31))
    return (float(z >> uint64(11)) + 0.5) * TO_UNIT


@njit(inline="always")
def _horner(coefficients, x):
    value = 0.0
    for c in coefficients:
        value = value * x + c
    return value


@njit(inline="always")
def normal_quantile(p):
    """Standard normal quantile of p in (0, 1) (AS241)."""
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * _horner(CENTRAL_NUM, r) / _horner(CENTRAL_DEN, r)
    r = math.sqrt(-math.log(p if q < 0.0 else 1.0 - p))
    if r <= 5.0:
        x = _horner(NEAR_NUM, r - 1.6) / _horner(NEAR_DEN, r - 1.6)
    else:
        x = _horner(FAR_NUM, r - 5.0) / _horner(FAR_DEN, r - 5.0)
    return -x if q < 0.0 else x


@njit(inline="always")
def normal(key, position):
    return normal_quantile(uniform(key, position))


@njit(parallel=True, cache=True)
def uniforms_into(key, first, out):
    """``out[i]`` = the uniform at position ``first + i``: the stream as an array."""
    for i in prange(out.shape[0]):
        out[i] = uniform(key, uint64(first + i))


def uniforms(key: int, first: int, count: int) -> np.ndarray:
    out = np.empty(count)
    uniforms_into(np.uint64(key), np.uint64(first), out)
    return out


def stream_key(seed: int, stream: int) -> int:
    """The key of one named stream of a seed (parameters, shocks, ...), via SeedSequence."""
    return int(np.random.SeedSequence(seed, spawn_key=(stream,)).generate_state(1, np.uint64)[0])
