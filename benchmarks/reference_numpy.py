"""The model of DESIGN §3 written independently of the numba kernel, vectorised over years.

Same packed inputs as ``simulator.kernel.project_into`` (rows named in ``simulator.kernel``),
but each quantity is computed for all years at once: the growth recurrences become cumulative
products. The tests hold the kernel to this implementation at 1e-12.
"""

from __future__ import annotations

import numpy as np

from simulator import kernel as k


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
    co2 = (fuel_co2 + drivers[k.PROCESS] - drivers[k.CCUS]
           + drivers[k.EXPORTS] * factors[k.EF_EXPORT] * 10)            # 亿kWh x t/MWh = 10 万t
    rows = {
        "gdp": gdp, "energy_intensity": energy_intensity, "energy": energy,
        "coal_share": coal, "oil_share": oil, "gas_share": gas,
        "non_fossil_share": non_fossil_share, "renewable_capacity": drivers[k.CAPACITY],
        "renewable_generation": generation, "co2": co2, "co2_intensity": co2 / gdp,
    }
    return np.array([rows[name] for name in k.OUTPUT_NAMES])
