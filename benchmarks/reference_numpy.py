"""The model of DESIGN §3 written independently of the numba kernel, vectorised over years.

Same packed inputs as ``simulator.model.kernel.project_into`` (rows named in ``simulator.model.kernel``),
but each quantity is computed for all years at once: the growth recurrences become cumulative
products. The tests hold the kernel to this implementation at 1e-12.
"""

from __future__ import annotations

import numpy as np

from simulator.model import kernel as k
from simulator.montecarlo.rng import ZIGGURAT_X

from .reference_python import ziggurat_normal


def project_numpy(gdp0: float, energy_intensity0: float, factors: np.ndarray,
                  drivers: np.ndarray) -> np.ndarray:
    """Return ``out[OUTPUT, year]`` as the kernel would fill it."""
    growth = np.concatenate([[1.0], 1.0 + drivers[k.GDP_GROWTH, 1:]])
    decline = np.concatenate([[1.0], 1.0 - drivers[k.EI_DECLINE, 1:]])
    gdp = gdp0 * np.cumprod(growth)
    energy_intensity = energy_intensity0 * np.cumprod(decline)
    energy = gdp * energy_intensity
    generation = drivers[k.CAPACITY] * drivers[k.HOURS] / 1e4          # 亿kWh
    non_fossil_energy = generation * drivers[k.COAL_RATE] / 100 + drivers[k.OTHER_NON_FOSSIL]
    non_fossil_share = non_fossil_energy / energy
    coal, oil = drivers[k.COAL_SHARE], drivers[k.OIL_SHARE]
    gas = 1.0 - non_fossil_share - coal - oil
    shares = np.stack([coal, oil, gas])
    fuel_co2 = energy * (factors[:3] @ shares)
    trade = drivers[k.EXPORTS] * factors[k.EF_EXPORT] * 10             # 亿kWh x t/MWh = 10 万t
    # imports take out at most the CO2 of all the coal in the mix (which holds them)
    coal_co2 = energy * coal * factors[k.EF_COAL]
    co2 = fuel_co2 + drivers[k.PROCESS] - drivers[k.CCUS] + np.maximum(trade, -coal_co2)
    rows = {
        "gdp": gdp, "energy_intensity": energy_intensity, "energy": energy,
        "coal_share": coal, "oil_share": oil, "gas_share": gas,
        "non_fossil_share": non_fossil_share, "renewable_capacity": drivers[k.CAPACITY],
        "renewable_generation": generation, "co2": co2, "co2_intensity": co2 / gdp,
    }
    return np.array([rows[name] for name in k.OUTPUT_NAMES])


def ar1(z: np.ndarray, sd: float, rho: float) -> np.ndarray:
    """AR(1) paths from standard normals ``z[draw, step]``, stationary with standard deviation
    ``sd`` from the first step: e_1 = sd z_1, e_t = rho e_{t-1} + sd sqrt(1 - rho^2) z_t
    (the recursion the Monte Carlo kernel runs in its year loop)."""
    out = np.empty_like(z)
    if z.shape[1] == 0:
        return out
    out[:, 0] = sd * z[:, 0]
    innovation = sd * np.sqrt(1.0 - rho * rho)
    for t in range(1, z.shape[1]):
        out[:, t] = rho * out[:, t - 1] + innovation * z[:, t]
    return out


# -- the Monte Carlo model, vectorised over draws ------------------------------------------------

GOLDEN, MIX1, MIX2 = (np.uint64(v) for v in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9,
                                             0x94D049BB133111EB))


def stream_words(key: int, positions: np.ndarray) -> np.ndarray:
    """SplitMix64 at arbitrary positions (the stream of ``simulator.montecarlo.rng``), in NumPy."""
    z = np.uint64(key) + positions.astype(np.uint64) * GOLDEN
    z = (z ^ (z >> np.uint64(30))) * MIX1
    z = (z ^ (z >> np.uint64(27))) * MIX2
    return z ^ (z >> np.uint64(31))


def ziggurat_normals(key: int, positions: np.ndarray) -> np.ndarray:
    """The stream's normals at ``positions``: the ziggurat's first attempt vectorised (about
    98.5 % land inside their layer's rectangle), the rest one by one in plain Python."""
    z = stream_words(key, positions)
    layer = (z & np.uint64(0xFF)).astype(np.intp)
    sign = np.where((z >> np.uint64(8)) & np.uint64(1), -1.0, 1.0)
    x = (z >> np.uint64(12)).astype(np.float64) * 2.0 ** -52 * ZIGGURAT_X[layer]
    out = sign * x
    for i in np.flatnonzero(x >= ZIGGURAT_X[layer + 1]):
        out.flat[i] = ziggurat_normal(key, int(positions.flat[i]))
    return out


def simulate_numpy(inputs, sampler, block, first_draw: int) -> dict:
    """Per-draw summaries of ``block`` (draws ``first_draw`` ...), as the kernel computes them."""
    n_draws, n_years = block.shape[0], len(inputs.years)
    drivers = np.repeat(inputs.drivers[None], n_draws, axis=0)
    scalars = np.repeat(inputs.scalars[None], n_draws, axis=0)
    for p, row in enumerate(sampler.rows):
        add, scale = _coefficients(block[:, p], sampler.entries[p].apply)
        move = (add[:, None] * sampler.pattern_add[p]
                + scale[:, None] * sampler.pattern_scale[p])
        if row < k.N_DRIVERS:
            drivers[:, row, :] += move
        else:
            scalars[:, row - k.N_DRIVERS] += move[:, 0]
    draws = np.arange(first_draw, first_draw + n_draws)
    n_shocks = len(sampler.shock_rows)
    for s, row in enumerate(sampler.shock_rows):
        positions = (draws[:, None] * n_shocks + s) * n_years + np.arange(1, n_years)
        e = ar1(ziggurat_normals(int(sampler.shock_key), positions), sampler.shock_sd[s],
                sampler.shock_rho[s])
        drivers[:, row, 1:] = drivers[:, row, 1:] * (1 + e) if sampler.shock_multiply[s] \
            else drivers[:, row, 1:] + e
    clamped = _clamp_count(drivers, inputs.lower[None, :, None], inputs.upper[None, :, None])
    clamped += _clamp_count(scalars, inputs.scalar_lower, inputs.scalar_upper)
    out = _years_numpy(drivers, scalars)
    return _summaries_numpy(inputs, out, clamped)


def _coefficients(x: np.ndarray, apply: str) -> tuple[np.ndarray, np.ndarray]:
    """How much of patterns A (adding 1) and B (doubling) a draw x applies."""
    if apply == "add":
        return x, np.zeros_like(x)
    if apply == "multiply":
        return np.zeros_like(x), x - 1.0
    return x, np.full_like(x, -1.0)  # set: x A - B


def _clamp_count(values: np.ndarray, low, high) -> np.ndarray:
    outside = (values < low) | (values > high)
    np.clip(values, low, high, out=values)
    return outside.reshape(len(values), -1).sum(axis=1)


def _years_numpy(drivers: np.ndarray, scalars: np.ndarray) -> dict:
    growth = np.concatenate([np.ones((len(drivers), 1)), 1 + drivers[:, k.GDP_GROWTH, 1:]], 1)
    decline = np.concatenate([np.ones((len(drivers), 1)), 1 - drivers[:, k.EI_DECLINE, 1:]], 1)
    gdp = scalars[:, k.GDP0, None] * np.cumprod(growth, axis=1)
    intensity = scalars[:, k.EI0, None] * np.cumprod(decline, axis=1)
    energy = gdp * intensity
    generation = drivers[:, k.CAPACITY] * drivers[:, k.HOURS] / 1e4
    non_fossil = (generation * drivers[:, k.COAL_RATE] / 100
                  + drivers[:, k.OTHER_NON_FOSSIL]) / energy
    coal, oil = drivers[:, k.COAL_SHARE].copy(), drivers[:, k.OIL_SHARE].copy()
    over = 1.0 - non_fossil - coal - oil < 0
    full = over & (non_fossil >= 1)
    scale = np.where(over & ~full, (1 - non_fossil) / np.where(over, coal + oil, 1.0), 1.0)
    coal, oil = np.where(full, 0.0, coal * scale), np.where(full, 0.0, oil * scale)
    non_fossil = np.where(full, 1.0, non_fossil)
    gas = np.where(over, 0.0, 1.0 - non_fossil - coal - oil)
    ef = scalars[:, k.S_EF_COAL:k.S_EF_EXPORT + 1]
    coal_co2 = energy * coal * ef[:, 0, None]
    trade = drivers[:, k.EXPORTS] * ef[:, 3, None] * 10
    limited = trade < -coal_co2  # imported coal power beyond the coal in the mix
    co2 = (energy * (coal * ef[:, 0, None] + oil * ef[:, 1, None] + gas * ef[:, 2, None])
           + drivers[:, k.PROCESS] - drivers[:, k.CCUS] + np.maximum(trade, -coal_co2))
    return {"gdp": gdp, "energy_intensity": intensity, "energy": energy, "coal_share": coal,
            "oil_share": oil, "gas_share": gas, "non_fossil_share": non_fossil,
            "renewable_capacity": drivers[:, k.CAPACITY], "renewable_generation": generation,
            "co2": co2, "co2_intensity": co2 / gdp, "rescaled": (over | limited).sum(axis=1)}


def _summaries_numpy(inputs, out: dict, clamped: np.ndarray) -> dict:
    years = inputs.years
    co2 = out["co2"]
    after = co2[:, years > 2030]
    hits = np.zeros((len(co2), len(inputs.comparisons)), dtype=bool)
    for i, c in enumerate(inputs.comparisons):
        value = out[c.variable][:, c.year - years[0]]
        if c.measure == "decline_since":
            value = 1 - value / out[c.variable][:, c.since - years[0]]
        elif c.measure == "increase_since":
            value = value - out[c.variable][:, c.since - years[0]]
        low, high = c.met_bounds(0.005)
        hits[:, i] = (low <= value) & (value <= high)
    return {"peak_t": co2.argmax(axis=1), "peak_co2": co2.max(axis=1),
            "co2_at": co2[:, inputs.report_years - years[0]], "cumulative_co2": co2.sum(axis=1),
            "max_after_target": after.max(axis=1) if after.shape[1] else np.full(len(co2), -np.inf),
            "hits": hits, "clamps": clamped, "rescales": out["rescaled"]}
