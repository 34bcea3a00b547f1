"""Whether numba has the kernels of a run compiled already, in its on-disk cache.

numba compiles the three cached kernels of a ``simulate`` run (the projection, the sampler and
the Monte Carlo) on their first call in a new installation, which takes a minute or two, and
keeps the machine code in its cache: ``__pycache__`` beside the module files, or
``NUMBA_CACHE_DIR``, or a folder in the user's cache when the package folder is read-only.
Later runs load it at once. ``cold_kernels`` tells, before any call, which kernels that cache
lacks, by the test numba itself applies when it loads one: an index entry for this numba
version, source file, bytecode and machine whose data file is there.
"""

from __future__ import annotations

import os

from simulator.model.kernel import project_into
from simulator.montecarlo.ensemble_kernel import simulate_into
from simulator.montecarlo.sampling_kernel import values_into

# the cached kernels a default run calls (in its order), with what compiling each took on the
# project's 2-core machine (numba 0.68, Python 3.11; numba's "numba:compile" events, an empty
# NUMBA_CACHE_DIR): 0.7 s, 37.6 s and 64.9 s, about 100 s in all (the first run took 106 s)
KERNELS = {"project_into": project_into, "values_into": values_into,
           "simulate_into": simulate_into}
COMPILE_SECONDS = {"project_into": 1.0, "values_into": 38.0, "simulate_into": 65.0}


def cold_kernels() -> list[str]:
    """The names of the ``KERNELS`` that numba's on-disk cache has no compiled code for, for
    this machine and this source; [] when all load at once. A cache numba's internals no
    longer let us read counts as compiled (the caller then says nothing rather than
    something wrong)."""
    return [name for name, kernel in KERNELS.items() if not _cached(kernel)]


def compile_seconds(names: list[str]) -> float:
    """About how long compiling the kernels ``names`` takes."""
    return sum(COMPILE_SECONDS[name] for name in names)


def _cached(dispatcher) -> bool:
    cache = getattr(dispatcher, "_cache", None)
    try:
        overloads = cache._cache_file._load_index()  # {} for another numba version or source
        codegen = dispatcher.targetctx.codegen()
        return any(cache._index_key(key[0], codegen) == key
                   and os.path.isfile(os.path.join(cache._cache_path, data_name))
                   for key, data_name in overloads.items())
    except Exception:  # noqa: BLE001 - numba internals changed, or a cache we cannot read
        return True
