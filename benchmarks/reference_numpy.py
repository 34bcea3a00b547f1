"""The model of DESIGN §3 (model v2) written independently of the numba kernel, vectorised.

Same packed inputs as ``simulator.model.kernel.project_into`` (rows and units named in
``simulator.model.kernel``), but each quantity is computed for all years (and, in the Monte
Carlo path, all draws) at once: the growth recurrences become cumulative products and the
energy balance is a handful of array expressions. The tests hold the kernel's projection to
this implementation at 1e-12 and its Monte Carlo summaries at 1e-9.
"""

from __future__ import annotations

import numpy as np

from simulator.model import kernel as k
from simulator.montecarlo.rng import ZIGGURAT_X

from .reference_python import ziggurat_normal


def energy_balance(gdp, intensity, drivers: np.ndarray, ef_coal, ef_oil, ef_gas,
                   territorial) -> dict:
    """Every output of ``kernel.OUTPUT_NAMES`` by name, plus the boolean arrays ``unbalanced``
    and ``curtailed`` (non-fossil generation or other non-fossil energy), for GDP and intensity over years (``[year]`` or ``[draw, year]``) and the
    drivers of ``drivers`` (driver axis second to last). The factors broadcast against the year
    axis (floats, or ``[draw, 1]``)."""
    def d(row: int) -> np.ndarray:  # a driver over years (and draws)
        return drivers[..., row, :]

    energy = gdp * intensity                                                     # 万tce
    # electricity (亿kWh): demand, then local generation = demand + net exports
    demand = energy * d(k.FINAL_SHARE) * d(k.ELECTRICITY_SHARE) / k.WAN_TCE_PER_YI_KWH
    exports = d(k.EXPORTS)
    generation = demand + exports
    renewable = d(k.CAPACITY) * d(k.HOURS) * k.HOURS_TO_YI_KWH
    offered = renewable + d(k.OTHER_GENERATION)             # non-fossil generation available
    used = np.minimum(offered, generation)                  # what local generation can take
    cut = offered > generation
    curtailed = np.where(cut, offered - generation, 0.0)
    fossil_generation = generation - used
    gas_generation = fossil_generation * d(k.GAS_POWER_SHARE)
    coal_generation = fossil_generation - gas_generation
    # energy (万tce): 亿kWh x gce/kWh = 10^8 g = 10^-2 万tce
    to_tce = k.GCE_TO_WAN_TCE
    coal_power_fuel = coal_generation * d(k.COAL_POWER_RATE) * to_tce
    gas_power_fuel = gas_generation * d(k.GAS_POWER_RATE) * to_tce
    # net exports take their share X / G of every source with them, so D / G of each is used
    # here; net imports come in as coal power at the coal-equivalent rate
    with np.errstate(divide="ignore", invalid="ignore"):
        here = np.where(exports > 0, demand / generation, 1.0)
    imported = np.maximum(-exports, 0.0) * d(k.COAL_RATE) * to_tce
    # energy use = non-fossil + the power fuel used here + imports + direct fossil use, where
    # other non-fossil energy takes at most the room the rest leaves (the surplus is spilled)
    non_fossil_power = here * used * d(k.COAL_RATE) * to_tce
    room = energy - non_fossil_power - here * coal_power_fuel - here * gas_power_fuel - imported
    other = d(k.OTHER_NON_FOSSIL)
    other_used = np.clip(room, 0.0, other)
    spilled = other - other_used
    non_fossil = non_fossil_power + other_used
    direct = room - other_used
    oil = direct * d(k.DIRECT_OIL)
    direct_gas = direct * d(k.DIRECT_GAS)
    direct_coal = direct - oil - direct_gas
    coal = direct_coal + here * coal_power_fuel + imported
    gas = direct_gas + here * gas_power_fuel
    unbalanced = (direct < 0) | (direct_coal < 0) | (generation <= 0)
    # territorial: the fuel of exported power burnt here is added, imported coal taken out
    co2 = ((coal + territorial * ((1 - here) * coal_power_fuel - imported)) * ef_coal
           + oil * ef_oil + (gas + territorial * (1 - here) * gas_power_fuel) * ef_gas
           + d(k.PROCESS) - d(k.CCUS))
    capacity = d(k.CAPACITY) + d(k.COAL_CAPACITY) + d(k.OTHER_CAPACITY)
    with np.errstate(divide="ignore", invalid="ignore"):
        clean_capacity = np.where(capacity > 0, 1.0 - d(k.COAL_CAPACITY) / capacity, 0.0)
        clean_generation = 1.0 - coal_generation / generation
    rows = {
        "gdp": gdp, "energy_intensity": intensity, "energy": energy,
        "coal_share": coal / energy, "oil_share": oil / energy, "gas_share": gas / energy,
        "non_fossil_share": non_fossil / energy, "renewable_capacity": d(k.CAPACITY),
        "renewable_generation": renewable, "co2": co2, "co2_intensity": co2 / gdp,
        "electricity_demand": demand, "generation": generation,
        "net_electricity_exports": exports, "coal_power_generation": coal_generation,
        "gas_power_generation": gas_generation, "non_fossil_generation": used,
        "curtailed_generation": curtailed, "curtailed_non_fossil_energy": spilled,
        "coal_power_supply_rate": d(k.COAL_POWER_RATE),
        "coal_power_fuel": coal_power_fuel, "direct_fossil": direct,
        "electricity_share_final": d(k.ELECTRICITY_SHARE), "total_capacity": capacity,
        "clean_capacity_share": clean_capacity, "clean_generation_share": clean_generation,
    }
    rows = {name: np.broadcast_to(value, energy.shape) for name, value in rows.items()}
    return {**rows, "unbalanced": unbalanced, "curtailed": cut | (spilled > 0)}


def project_numpy(gdp0: float, energy_intensity0: float, factors: np.ndarray,
                  drivers: np.ndarray) -> np.ndarray:
    """Return ``out[OUTPUT, year]`` as the kernel would fill it."""
    growth = np.concatenate([[1.0], 1.0 + drivers[k.GDP_GROWTH, 1:]])
    decline = np.concatenate([[1.0], 1.0 - drivers[k.EI_DECLINE, 1:]])
    gdp = gdp0 * np.cumprod(growth)
    energy_intensity = energy_intensity0 * np.cumprod(decline)
    rows = energy_balance(gdp, energy_intensity, drivers, factors[k.EF_COAL], factors[k.EF_OIL],
                          factors[k.EF_GAS], factors[k.TERRITORIAL])
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
    out, clamped = trajectories_numpy(inputs, sampler, block, first_draw)
    return _summaries_numpy(inputs, out, clamped)


def trajectories_numpy(inputs, sampler, block, first_draw: int) -> tuple[dict, np.ndarray]:
    """Every output of every draw of ``block`` by name, over [draw, year] (and each draw's
    ``unbalanced`` and ``curtailed`` year counts), and each draw's count of clamped values."""
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
        e[:, sampler.shock_fixed[s, 1:]] = 0.0  # not applied where the driver is observed
        drivers[:, row, 1:] = drivers[:, row, 1:] * (1 + e) if sampler.shock_multiply[s] \
            else drivers[:, row, 1:] + e
    clamped = _clamp_count(drivers, inputs.lower[None, :, None], inputs.upper[None, :, None])
    clamped += _clamp_count(scalars, inputs.scalar_lower, inputs.scalar_upper)
    return _years_numpy(drivers, scalars), clamped


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
    """Every output over [draw, year], and each draw's unbalanced and curtailed year counts."""
    growth = np.concatenate([np.ones((len(drivers), 1)), 1 + drivers[:, k.GDP_GROWTH, 1:]], 1)
    decline = np.concatenate([np.ones((len(drivers), 1)), 1 - drivers[:, k.EI_DECLINE, 1:]], 1)
    gdp = scalars[:, k.GDP0, None] * np.cumprod(growth, axis=1)
    intensity = scalars[:, k.EI0, None] * np.cumprod(decline, axis=1)
    out = energy_balance(gdp, intensity, drivers, scalars[:, k.S_EF_COAL, None],
                         scalars[:, k.S_EF_OIL, None], scalars[:, k.S_EF_GAS, None],
                         scalars[:, k.S_TERRITORIAL, None])
    return {**out, "unbalanced": out["unbalanced"].sum(axis=1),
            "curtailed": out["curtailed"].sum(axis=1)}


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
            "hits": hits, "clamps": clamped, "unbalanced": out["unbalanced"],
            "curtailed": out["curtailed"]}
