"""A counter-based random stream for the kernels: the number at position n depends on (key, n)
only, so every draw's numbers are the same for any thread count and any chunking.

The stream is SplitMix64 read at an arbitrary position (Steele, Lea & Flood 2014): state
``key + n * golden`` through the SplitMix64 output mix; it passes BigCrush as a sequence.

- ``normal``: the per-year shocks, by Marsaglia & Tsang's ziggurat (J. Stat. Softw. 5(8), 2000)
  with 256 layers. Layer, sign and the uniform come from separate bits of one 64-bit word, so
  about 98.5 % of normals cost one word and one comparison; the rare retries read the same
  position in later "attempt" ranges of the stream (``ATTEMPT``), so normal n still depends on
  (key, n) alone.
- ``normal_quantile``: the inverse CDF, Wichura's algorithm AS241 (Appl. Stat. 37:477, 1988;
  relative error about 1e-16), for quantile transforms of stratified uniforms.
- ``permuted``: a keyed pseudorandom permutation of 0..count-1 at any index, for Latin
  hypercube strata without storing a permutation (after Kensler, "Correlated Multi-Jittered
  Sampling", Pixar Technical Memo 13-01, 2013: a bijection on the enclosing power of two,
  cycle-walked into range).
"""

from __future__ import annotations

import math

import numpy as np
from numba import int64, njit, uint64

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
def mix(z):
    """The SplitMix64 output function: a bijection of 64-bit words."""
    z = (z ^ (z >> uint64(30))) * MIX1
    z = (z ^ (z >> uint64(27))) * MIX2
    return z ^ (z >> uint64(31))


@njit(inline="always")
def word(key, position):
    """The 64-bit word at ``position`` of the stream ``key`` (both uint64)."""
    return mix(key + position * GOLDEN)


TWO_52 = 2.0 ** 52
TWO_52_BITS = uint64(0x4330000000000000)  # 2^52; below 2^52 an integer fits its mantissa


@njit(inline="always")
def exact_float(x):
    """x (uint64 below 2^53) as a float, exactly: half of it in the mantissa of 2^52, minus
    2^52, doubled, plus its lowest bit. Integer and bit operations only, so loops of it
    vectorise without AVX-512 (which the plain conversion needs)."""
    half = np.uint64((x >> uint64(1)) | TWO_52_BITS).view(np.float64) - TWO_52
    return half * 2.0 + (1.0 if x & uint64(1) else 0.0)


@njit(inline="always")
def unit(z):
    """A word z as the uniform (k + 1/2) 2^-53 in (0, 1), k its top 53 bits."""
    return (exact_float(z >> uint64(11)) + 0.5) * TO_UNIT


@njit(inline="always")
def uniform(key, position):
    """The uniform in (0, 1) at ``position`` of the stream ``key`` (both uint64)."""
    return unit(word(key, position))


@njit(inline="always")
def _horner(coefficients, x):
    value = 0.0
    for c in coefficients:
        value = value * x + c
    return value


CENTRAL_HALF_WIDTH = 0.425  # AS241's central region: |p - 1/2| <= this


@njit(inline="always")
def central_quantile(p):
    """AS241's rational approximation of the standard normal quantile for |p - 1/2| <= 0.425
    (no branches, so loops of it vectorise)."""
    q = p - 0.5
    r = 0.180625 - q * q
    return q * _horner(CENTRAL_NUM, r) / _horner(CENTRAL_DEN, r)


@njit(inline="always")
def normal_quantile(p):
    """Standard normal quantile of p in (0, 1) (AS241)."""
    q = p - 0.5
    if abs(q) <= CENTRAL_HALF_WIDTH:
        return central_quantile(p)
    r = math.sqrt(-math.log(p if q < 0.0 else 1.0 - p))
    if r <= 5.0:
        x = _horner(NEAR_NUM, r - 1.6) / _horner(NEAR_DEN, r - 1.6)
    else:
        x = _horner(FAR_NUM, r - 5.0) / _horner(FAR_DEN, r - 5.0)
    return -x if q < 0.0 else x


# -- the ziggurat --------------------------------------------------------------------------------

ZIGGURAT_R = 3.6541528853610088  # where the 256-layer ziggurat's tail starts (Marsaglia & Tsang)
ATTEMPT = uint64(1 << 56)        # retry k of normal n reads position n + k * 2^56


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray]:
    """Layer edges x[0..256] (x[0] the base layer's width including the tail, x[1] = R,
    x[256] = 0) and f(x) = exp(-x^2 / 2) at each: 256 layers of equal area under f."""
    def f(x):
        return math.exp(-0.5 * x * x)
    tail = math.sqrt(math.pi / 2) * math.erfc(ZIGGURAT_R / math.sqrt(2))
    area = ZIGGURAT_R * f(ZIGGURAT_R) + tail
    x = [area / f(ZIGGURAT_R), ZIGGURAT_R]
    for _ in range(2, 256):
        x.append(math.sqrt(-2.0 * math.log(f(x[-1]) + area / x[-1])))
    x.append(0.0)
    edges = np.array(x)
    return edges, np.exp(-0.5 * edges * edges)


ZIGGURAT_X, ZIGGURAT_F = _ziggurat_tables()


@njit(inline="always")
def _tail(key, position, attempt):
    """A normal beyond R (Marsaglia 1964), from attempts ``attempt``, ``attempt + 1``, ..."""
    while True:
        a = -math.log(uniform(key, position + attempt * ATTEMPT)) / ZIGGURAT_R
        b = -math.log(uniform(key, position + (attempt + uint64(1)) * ATTEMPT))
        attempt += uint64(2)
        if b + b > a * a:
            return ZIGGURAT_R + a


ONE_BITS = uint64(0x3FF0000000000000)  # 1.0; its exponent over 52 random mantissa bits is [1, 2)


@njit(inline="always")
def _unit(z):
    """u in [0, 1) from bits 12-63 of a word: those bits as the mantissa of [1, 2), minus 1
    (integer and bit operations only, so loops of it vectorise without AVX-512)."""
    return np.uint64((z >> uint64(12)) | ONE_BITS).view(np.float64) - 1.0


@njit(inline="always")
def _layer_point(z):
    """A word's layer (bits 0-7) and point x = u X[layer] (u from bits 12-63)."""
    layer = z & uint64(0xFF)
    return layer, _unit(z) * ZIGGURAT_X[layer]


@njit(inline="always")
def _sign(z):
    """+1 or -1 from bit 8 of a word."""
    return 1.0 - float(int64((z >> uint64(7)) & uint64(2)))


@njit(inline="always")
def _rest(key, position, z, x):
    """A first attempt's word z and point x = u X[layer] outside the layer's rectangle: the
    ziggurat carried on from there (wedge test, tail, or a new attempt), sign included."""
    attempt = uint64(1)
    layer = z & uint64(0xFF)
    while True:
        if layer == 0:
            x = _tail(key, position, attempt)
            break
        low, high = ZIGGURAT_F[layer], ZIGGURAT_F[layer + uint64(1)]
        y = low + uniform(key, position + attempt * ATTEMPT) * (high - low)
        attempt += uint64(1)
        if y < math.exp(-0.5 * x * x):
            break
        z = word(key, position + attempt * ATTEMPT)
        layer, x = _layer_point(z)
        attempt += uint64(1)
        if x < ZIGGURAT_X[layer + uint64(1)]:
            break
    return _sign(z) * x


@njit
def normal(key, position):
    """The standard normal at ``position`` of the stream ``key``, by the ziggurat: layer
    (bits 0-7), sign (bit 8) and u (bits 12-63) from one word; x = u X[layer] inside the
    layer's rectangle (about 98.5 %) is the answer."""
    z = word(key, position)
    layer, x = _layer_point(z)
    if x < ZIGGURAT_X[layer + uint64(1)]:
        return _sign(z) * x
    return _rest(key, position, z, x)


@njit(inline="always")
def normals_into(out, words, outside, found, key, first, step):
    """``out[j]`` = ``normal(key, first + j step)``. The first attempts run as short
    branch-free loops (words; u; x = u X[layer] and whether it left the rectangle; sign),
    which the compiler vectorises; then the few outside (about 1.5 %) are carried on, found
    by ``flagged``. Scratch of out's length: ``words`` (uint64), ``outside`` (from
    ``flag_scratch``) and ``found`` (int64)."""
    position, stride = key + uint64(first) * GOLDEN, uint64(step) * GOLDEN
    for j in range(out.shape[0]):  # position steps by addition, not j * stride
        words[j] = mix(position)
        position += stride
    bits = out.view(np.uint64)
    for j in range(out.shape[0]):
        bits[j] = (words[j] >> uint64(12)) | ONE_BITS
    for j in range(out.shape[0]):
        layer = words[j] & uint64(0xFF)
        out[j] = (out[j] - 1.0) * ZIGGURAT_X[layer]
        outside[j] = out[j] >= ZIGGURAT_X[layer + uint64(1)]
    for j in range(out.shape[0]):
        bits[j] ^= (words[j] & uint64(0x100)) << uint64(55)
    for k in range(flagged(outside, out.shape[0], found)):
        j = found[k]
        out[j] = _rest(key, uint64(first + j * step), words[j], abs(out[j]))


@njit(inline="always")
def flagged(flags, count, found):
    """The indices j < count with ``flags[j]`` set, into ``found``; returns how many. Flags
    are read eight at a time (``flags`` as from ``flag_scratch``), as they are rarely set."""
    n = 0
    eights = flags.view(np.uint64)
    for e in range(eights.shape[0]):
        if eights[e]:
            for j in range(8 * e, min(8 * e + 8, count)):
                if flags[j]:
                    found[n] = j
                    n += 1
    return n


@njit(inline="always")
def flag_scratch(count):
    """Zeroed ``outside`` scratch for ``normals_into`` of ``count`` normals."""
    return np.zeros((count + 7) // 8 * 8, dtype=np.uint8)


# -- keyed permutations ----------------------------------------------------------------------------

PERMUTE_MULTIPLIERS = (uint64(0xD6E8FEB86659FD93), uint64(0xA0761D6478BD642F),
                       uint64(0xE7037ED1A0B428DB))


@njit(inline="always")
def scramble(x, mask, shift, key):
    """A bijection of 0..mask (mask = 2^b - 1) chosen by ``key``: xor with the key, then
    rounds of multiply by an odd constant, fold the high bits down and add a rotation of the
    key, each step invertible modulo 2^b."""
    x = (x ^ key) & mask
    for m in PERMUTE_MULTIPLIERS:
        x = (x * m) & mask
        x ^= x >> shift
        key = (key >> uint64(21)) | (key << uint64(43))
        x = (x + key) & mask
    return x


@njit(inline="always")
def permutation_domain(count):
    """(mask, shift) of the power of two enclosing 0..count-1, for ``permuted``."""
    bits = 1
    while (uint64(1) << uint64(bits)) < count:
        bits += 1
    return (uint64(1) << uint64(bits)) - uint64(1), uint64(max(1, (bits + 1) // 2))


@njit(inline="always")
def permuted(index, count, domain, key):
    """Where ``index`` (0 <= index < count) goes in the permutation of 0..count-1 chosen by
    ``key``: the bijection of the enclosing power of two (``domain``, from
    ``permutation_domain(count)``), repeated until it lands in range."""
    mask, shift = domain
    x = scramble(uint64(index), mask, shift, key)
    while x >= count:
        x = scramble(x, mask, shift, key)
    return x


def stream_key(seed: int, stream: int, *sub: int) -> int:
    """The key of one named stream of a seed (parameters, shocks, ...) or of one of its
    sub-streams (``sub``: a dimension, ...), via SeedSequence."""
    sequence = np.random.SeedSequence(seed, spawn_key=(stream, *sub))
    return int(sequence.generate_state(1, np.uint64)[0])
