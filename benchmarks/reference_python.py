"""The Monte Carlo model in plain Python: one draw, one year at a time, no NumPy in the loops.

Same inputs and draws as ``simulator.montecarlo.ensemble_kernel.simulate_into``: the parameter values
come from the sampler's block, the shocks from the same counter stream (SplitMix64 on Python
ints, normals by the same 256-layer ziggurat, written out here on its own). The slowest honest
way to run the model, for the benchmark's ratio and as a third independent implementation.
"""

from __future__ import annotations

import math

from simulator.model import kernel as k
from simulator.montecarlo.rng import ZIGGURAT_F, ZIGGURAT_R, ZIGGURAT_X

MASK = (1 << 64) - 1
ATTEMPT = 1 << 56  # attempt a of normal n reads position n + a 2^56


def stream_word(key: int, position: int) -> int:
    z = (key + position * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_uniform(key: int, position: int) -> float:
    return ((stream_word(key, position) >> 11) + 0.5) * 2.0 ** -53


def ziggurat_normal(key: int, position: int) -> float:
    """Normal number ``position`` of stream ``key``: layer from bits 0-7, sign from bit 8,
    x = u X[layer] from bits 12-63; inside the layer's rectangle it is the answer, else the
    wedge test or (layer 0) Marsaglia's tail, reading later attempts of the same position."""
    attempt = 0
    while True:
        z = stream_word(key, position + attempt * ATTEMPT)
        attempt += 1
        layer, sign = z & 0xFF, -1.0 if (z >> 8) & 1 else 1.0
        x = (z >> 12) * 2.0 ** -52 * ZIGGURAT_X[layer]
        if x < ZIGGURAT_X[layer + 1]:
            return sign * x
        if layer == 0:
            while True:
                a = -math.log(stream_uniform(key, position + attempt * ATTEMPT)) / ZIGGURAT_R
                b = -math.log(stream_uniform(key, position + (attempt + 1) * ATTEMPT))
                attempt += 2
                if b + b > a * a:
                    return sign * (ZIGGURAT_R + a)
        y = ZIGGURAT_F[layer] + stream_uniform(key, position + attempt * ATTEMPT) * (
            ZIGGURAT_F[layer + 1] - ZIGGURAT_F[layer])
        attempt += 1
        if y < math.exp(-0.5 * x * x):
            return sign * x


def coefficients(x: float, apply: str) -> tuple[float, float]:
    """How much of patterns A (adding 1) and B (doubling) a draw x applies."""
    return {"add": (x, 0.0), "multiply": (0.0, x - 1.0), "set": (x, -1.0)}[apply]


def simulate_python(inputs, sampler, block, first_draw: int) -> dict:
    """Per-draw summaries as lists, in the kernel's layout."""
    names = ("peak_t", "peak_co2", "co2_at", "cumulative_co2", "max_after_target", "hits", "clamps", "rescales")
    out = {name: [] for name in names}
    for d in range(len(block)):
        for name, value in zip(names, _one_draw(inputs, sampler, block, d, first_draw + d),
                               strict=True):
            out[name].append(value)
    return out


def _one_draw(inputs, sampler, block, d: int, g: int) -> tuple:
    scalars, clamped = _scalars(inputs, sampler, block, d)
    gdp, intensity = scalars[k.GDP0], scalars[k.EI0]
    n_years = len(inputs.years)
    state = [0.0] * len(sampler.shock_rows)
    co2_path, values = [], []
    rescaled = 0
    for t in range(n_years):
        local, moved = _drivers(inputs, sampler, block, d, g, t, state)
        clamped += moved
        if t > 0:
            gdp *= 1.0 + local[k.GDP_GROWTH]
            intensity *= 1.0 - local[k.EI_DECLINE]
        energy = gdp * intensity
        generation = local[k.CAPACITY] * local[k.HOURS] / 1e4
        non_fossil = (generation * local[k.COAL_RATE] / 100 + local[k.OTHER_NON_FOSSIL]) / energy
        coal, oil = local[k.COAL_SHARE], local[k.OIL_SHARE]
        gas = 1.0 - non_fossil - coal - oil
        adjusted = gas < 0
        if gas < 0:
            if non_fossil >= 1:
                coal, oil, gas, non_fossil = 0.0, 0.0, 0.0, 1.0
            else:
                scale = (1 - non_fossil) / (coal + oil)
                coal, oil, gas = coal * scale, oil * scale, 0.0
        coal_co2 = energy * coal * scalars[k.S_EF_COAL]
        trade = local[k.EXPORTS] * scalars[k.S_EF_EXPORT] * 10
        if trade < -coal_co2:  # imported coal power beyond the coal in the mix
            adjusted, trade = True, -coal_co2
        rescaled += adjusted
        co2 = (energy * (coal * scalars[k.S_EF_COAL] + oil * scalars[k.S_EF_OIL]
                         + gas * scalars[k.S_EF_GAS]) + local[k.PROCESS] - local[k.CCUS] + trade)
        co2_path.append(co2)
        values.append({"gdp": gdp, "energy_intensity": intensity, "energy": energy,
                       "coal_share": coal, "oil_share": oil, "gas_share": gas,
                       "non_fossil_share": non_fossil, "renewable_capacity": local[k.CAPACITY],
                       "renewable_generation": generation, "co2": co2, "co2_intensity": co2 / gdp})
    return _summaries(inputs, co2_path, values, clamped, rescaled)


def _scalars(inputs, sampler, block, d: int) -> tuple[list, int]:
    scalars = [float(v) for v in inputs.scalars]
    for p, row in enumerate(sampler.rows):
        if row >= k.N_DRIVERS:
            add, scale = coefficients(float(block[d, p]), sampler.entries[p].apply)
            scalars[row - k.N_DRIVERS] += (add * sampler.pattern_add[p, 0]
                                           + scale * sampler.pattern_scale[p, 0])
    clamped = 0
    for i, value in enumerate(scalars):
        low, high = inputs.scalar_lower[i], inputs.scalar_upper[i]
        clamped += not low <= value <= high
        scalars[i] = min(max(value, low), high)
    return scalars, clamped


def _drivers(inputs, sampler, block, d: int, g: int, t: int, state: list) -> tuple[list, int]:
    local = [float(v) for v in inputs.drivers[:, t]]
    for p, row in enumerate(sampler.rows):
        if row < k.N_DRIVERS:
            add, scale = coefficients(float(block[d, p]), sampler.entries[p].apply)
            local[row] += add * sampler.pattern_add[p, t] + scale * sampler.pattern_scale[p, t]
    n_years, n_shocks = len(inputs.years), len(sampler.shock_rows)
    for s, row in enumerate(sampler.shock_rows):
        if t == 0:
            continue
        z = ziggurat_normal(int(sampler.shock_key), (g * n_shocks + s) * n_years + t)
        sd, rho = sampler.shock_sd[s], sampler.shock_rho[s]
        state[s] = sd * z if t == 1 else rho * state[s] + sd * math.sqrt(1 - rho * rho) * z
        local[row] = local[row] * (1 + state[s]) if sampler.shock_multiply[s] else \
            local[row] + state[s]
    clamped = 0
    for r in range(k.N_DRIVERS):
        low, high = inputs.lower[r], inputs.upper[r]
        clamped += not low <= local[r] <= high
        local[r] = min(max(local[r], low), high)
    return local, clamped


def _summaries(inputs, co2_path: list, values: list, clamped: int, rescaled: int) -> tuple:
    years = [int(y) for y in inputs.years]
    peak_t = max(range(len(co2_path)), key=lambda t: (co2_path[t], -t))
    after = [c for y, c in zip(years, co2_path, strict=True) if y > 2030]
    hits = []
    for c in inputs.comparisons:
        value = values[c.year - years[0]][c.variable]
        if c.measure == "decline_since":
            value = 1 - value / values[c.since - years[0]][c.variable]
        elif c.measure == "increase_since":
            value -= values[c.since - years[0]][c.variable]
        low, high = c.met_bounds(0.005)
        hits.append(low <= value <= high)
    co2_at = [co2_path[int(y) - years[0]] for y in inputs.report_years]
    return (peak_t, co2_path[peak_t], co2_at, sum(co2_path), max(after, default=-math.inf),
            hits, clamped, rescaled)
