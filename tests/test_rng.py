"""The counter-based random stream: the ziggurat's normals, the inverse CDF, keyed permutations.

Every number here is a pure function of (key, position), so the tests can check the
distribution over many positions and each value against independent implementations.
"""

import math

import numpy as np
import pytest
from numba import njit, uint64
from scipy import special, stats

from benchmarks.reference_numpy import ziggurat_normals
from benchmarks.reference_python import ziggurat_normal
from simulator.montecarlo import rng

SE_LIMIT = 4.0  # standard errors allowed for a sampled statistic


@njit
def _normals(key, first, count):
    out = np.empty(count)
    for i in range(count):
        out[i] = rng.normal(key, uint64(first + i))
    return out


@njit
def _normals_at(key, positions):
    return np.array([rng.normal(key, uint64(p)) for p in positions])


@njit
def _normals_in_lanes(key, first, step, lanes):
    out, words = np.empty(lanes), np.empty(lanes, dtype=np.uint64)
    rng.normals_into(out, words, rng.flag_scratch(lanes), np.empty(lanes, dtype=np.int64),
                     key, first, step)
    return out


@njit
def _quantiles(p):
    return np.array([rng.normal_quantile(x) for x in p])


@njit
def _permutation(count, key):
    domain = rng.permutation_domain(uint64(count))
    return np.array([rng.permuted(uint64(i), uint64(count), domain, key) for i in range(count)])


def test_ziggurat_layers_have_equal_area_and_close_at_the_top():
    x, f = rng.ZIGGURAT_X, rng.ZIGGURAT_F
    area = x[0] * f[1]  # the base layer: the rectangle up to R plus the tail beyond it
    tail = math.sqrt(math.pi / 2) * math.erfc(rng.ZIGGURAT_R / math.sqrt(2))
    assert area == pytest.approx(rng.ZIGGURAT_R * f[1] + tail, rel=1e-14)
    layers = x[1:256] * (f[2:257] - f[1:256])
    np.testing.assert_allclose(layers, area, rtol=1e-12)
    assert x[256] == 0.0 and f[256] == 1.0 and np.all(np.diff(x[1:]) < 0)


def test_ziggurat_normals_are_standard_normal():
    n = 2_000_000
    z = _normals(np.uint64(rng.stream_key(11, 3)), 0, n)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(z.mean()) < SE_LIMIT / math.sqrt(n)
    assert abs(z.var() - 1.0) < SE_LIMIT * math.sqrt(2.0 / n)
    # the tail beyond R = 3.654 comes from its own algorithm: its frequency must be right too
    beyond = np.mean(np.abs(z) > rng.ZIGGURAT_R)
    expected = 2 * stats.norm.sf(rng.ZIGGURAT_R)
    assert abs(beyond - expected) < SE_LIMIT * math.sqrt(expected / n)
    # and so must the wedges, where most rejections happen: a fine histogram of |z|
    counts, edges = np.histogram(np.abs(z), bins=200, range=(0.0, 4.0))
    expected_counts = n * 2 * np.diff(stats.norm.cdf(edges))
    assert stats.chisquare(counts, expected_counts * counts.sum() / expected_counts.sum()
                           ).pvalue > 1e-3


def test_neighbouring_positions_are_uncorrelated():
    z = _normals(np.uint64(rng.stream_key(12, 3)), 0, 1_000_001)
    assert abs(np.corrcoef(z[:-1], z[1:])[0, 1]) < SE_LIMIT / math.sqrt(1_000_000)


def test_lanes_equal_one_at_a_time_including_retries():
    key = np.uint64(rng.stream_key(13, 3))
    lanes, first, step = 4096, 1_000_003, 78
    expected = _normals_in_lanes(key, first, step, lanes)
    one_by_one = _normals_at(key, first + step * np.arange(lanes))
    np.testing.assert_array_equal(expected, one_by_one)


def test_the_references_ziggurat_gives_the_same_normals():
    # The NumPy reference does first attempts vectorised and hands the ~1 % that fail to the
    # plain-Python ziggurat, so 200,000 positions test both against the kernel, including the
    # wedge tests and (|z| > R, about 50 of them) the tail algorithm.
    key = rng.stream_key(14, 3)
    kernel = _normals(np.uint64(key), 0, 200_000)
    np.testing.assert_allclose(ziggurat_normals(key, np.arange(200_000)), kernel, rtol=1e-15,
                               atol=0)
    assert np.sum(np.abs(kernel) > rng.ZIGGURAT_R) > 20
    assert ziggurat_normal(key, 123_456) == pytest.approx(kernel[123_456], rel=1e-15)


def test_normal_quantile_matches_scipy():
    p = np.concatenate([np.linspace(1e-6, 1 - 1e-6, 10_001), np.logspace(-300, -1, 300),
                        1 - np.logspace(-16, -1, 100)])
    np.testing.assert_allclose(_quantiles(p), special.ndtri(p), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 1000, 1023, 1024, 1025, 65_537])
def test_permuted_is_a_permutation_of_every_size(count):
    key = np.uint64(rng.stream_key(15, 1, count))
    assert np.array_equal(np.sort(_permutation(count, key)), np.arange(count))


def test_permutations_of_different_keys_look_independent():
    n = 100_000
    a, b = (_permutation(n, np.uint64(rng.stream_key(16, 1, j))) for j in (0, 1))
    assert not np.array_equal(a, b)
    for x, y in ((a, b), (a, np.arange(n))):  # against each other and against the identity
        assert abs(stats.spearmanr(x, y)[0]) < SE_LIMIT / math.sqrt(n)


@njit
def _exact_floats(x):
    return np.array([rng.exact_float(v) for v in x])


def test_exact_float_equals_the_plain_conversion_over_the_whole_53_bit_range():
    edges = np.array([0, 1, 2, 3, 2**52 - 1, 2**52, 2**52 + 1, 2**53 - 2, 2**53 - 1],
                     dtype=np.uint64)
    spread = np.random.default_rng(5).integers(0, 2**53, 100_000, dtype=np.uint64)
    x = np.concatenate([edges, spread])
    assert np.array_equal(_exact_floats(x), x.astype(np.float64))


@njit
def _flagged(flags, count):
    found = np.empty(count, dtype=np.int64)
    return found[:rng.flagged(flags, count, found)]


@pytest.mark.parametrize("count", [1, 7, 8, 9, 64, 257])
def test_flagged_finds_exactly_the_set_flags_in_order(count):
    flags = rng.flag_scratch(count)
    chosen = np.random.default_rng(count).random(count) < 0.2
    flags[:count] = chosen
    assert np.array_equal(_flagged(flags, count), np.flatnonzero(chosen))
