"""Where chunks of work run: here, one after another, or as Dask tasks on a cluster.

Every ensemble command (``simulate``, sweeps, sensitivity, discovery, required effort) hands
its independent pieces of work to ``run_tasks``, so pointing any of them at a
``dask.distributed`` scheduler is one argument. ``distributed`` is an optional dependency
(the ``dask`` extra): it is imported only when a scheduler is named.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager

from simulator.errors import InputError

LOCAL_CLUSTER = "processes"
SCHEDULER_OPTION = "--scheduler"
INSTALL_DASK = 'pip install ".[dask]"'
ALLOWED_SCHEDULERS = (
    "the address of a running Dask scheduler, e.g. tcp://host:8786 (the one 'dask scheduler' "
    f"prints), or '{LOCAL_CLUSTER}' for a cluster of processes on this machine")
# Connecting to a closed port is retried until this timeout, so it bounds what a wrong
# address costs; a scheduler on the same network answers in milliseconds.
CONNECT_TIMEOUT = 10.0  # s


def run_tasks(function: Callable, tasks: Sequence[tuple], scheduler: str | None = None,
              on_done: Callable[[int], None] | None = None) -> list:
    """``[function(*task) for task in tasks]``, in order.

    Parameters
    ----------
    function : callable
        A module-level function (Dask sends it to the workers by reference, so the workers
        need the project installed).
    tasks : sequence of tuples
        The arguments of each call; they must pickle.
    scheduler : str, optional
        None runs here; otherwise a ``dask.distributed`` scheduler address
        (``tcp://host:8786``) or ``"processes"`` for a local cluster of one single-threaded
        worker process per core, started for this call and closed after it (a script that
        uses it needs the ``if __name__ == "__main__":`` guard).
    on_done : callable, optional
        Called with a task's index as each task finishes (in the order they finish), e.g. to
        move a progress bar.

    Returns
    -------
    list
        The results, in the order of ``tasks``.

    Raises
    ------
    InputError
        If ``distributed`` is not installed, the address is malformed, no scheduler answers
        within ``CONNECT_TIMEOUT`` seconds, the scheduler has no workers, or the workers
        cannot import a module the tasks need.
    RuntimeError
        If workers die running a task or the tasks are lost with the scheduler.
    """
    if scheduler is None:
        return _run_here(function, tasks, on_done)
    distributed = _import_distributed(scheduler)
    with _client(distributed, scheduler) as client:
        return _run_on(distributed, client, function, tasks, scheduler, on_done)


def progress_bar(total: int, what: str, unit: str, show: bool, scale: bool = False):
    """A bar over pieces of work on standard error that appears only after 2 s and vanishes
    when done (``scale``: SI prefixes for large counts such as draws)."""
    from tqdm import tqdm
    return tqdm(total=total, desc=what, unit=f" {unit}", unit_scale=scale, delay=2.0,
                leave=False, disable=not show)


def _run_here(function: Callable, tasks: Sequence[tuple], on_done) -> list:
    results = []
    for i, task in enumerate(tasks):
        results.append(function(*task))
        if on_done is not None:
            on_done(i)
    return results


def _import_distributed(scheduler: str):
    try:
        import distributed
    except ImportError:
        raise _scheduler_error(
            scheduler, "running on Dask needs the optional package 'distributed', which is not "
            "installed", f"install it with {INSTALL_DASK} in the project folder, or run "
            f"without {SCHEDULER_OPTION}") from None
    return distributed


@contextmanager
def _client(distributed, scheduler: str) -> Iterator:
    if scheduler == LOCAL_CLUSTER:
        # one numba thread per worker: the workers already fill the cores
        with distributed.LocalCluster(
                n_workers=_cores(), threads_per_worker=1, processes=True, dashboard_address=":0",
                silence_logs=logging.ERROR, env={"NUMBA_NUM_THREADS": "1"}) as cluster, \
                distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    _check_address(scheduler)
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise _scheduler_error(scheduler, f"cannot reach a Dask scheduler: {err}") from None
    with client:
        _wait_for_workers(client, scheduler)
        yield client


def _check_address(scheduler: str) -> None:
    """A malformed address fails here, before a Client is half-built (whose clean-up would
    stall the interpreter's exit)."""
    if not isinstance(scheduler, str):
        raise TypeError(f"scheduler must be a string or None, got {scheduler!r}")
    from distributed.comm.addressing import get_address_host_port
    try:
        get_address_host_port(scheduler)
    except ValueError as err:
        raise _scheduler_error(scheduler, f"not a scheduler address ({err})") from None


def _wait_for_workers(client, scheduler: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (TimeoutError, OSError):
        raise _scheduler_error(
            scheduler, f"the Dask scheduler has no workers after {CONNECT_TIMEOUT:g} s",
            f"a scheduler with workers: start them with 'dask worker {scheduler} --nthreads 1' "
            "on machines that have the project installed") from None


def _run_on(distributed, client, function: Callable, tasks: Sequence[tuple], scheduler: str,
            on_done) -> list:
    _check_workers_import(client, function, scheduler)
    futures = [client.submit(function, *task, pure=False) for task in tasks]
    index = {future.key: i for i, future in enumerate(futures)}
    try:
        for future in distributed.as_completed(futures, loop=client.loop):
            if future.status == "error":
                future.result()  # raises the task's own exception, with its traceback
            if on_done is not None:
                on_done(index[future.key])
        return client.gather(futures)
    except ModuleNotFoundError as err:
        raise _missing_module(scheduler, err) from err
    except distributed.KilledWorker as err:
        raise RuntimeError(f"Dask workers at {scheduler} died running {function.__name__} "
                           f"({err}); their logs tell why: often the memory limit, or numba's "
                           "'workqueue' threading layer, which aborts when several threads of "
                           "one worker call a kernel (start workers with --nthreads 1)") from err
    except CancelledError as err:
        raise RuntimeError(f"the Dask tasks of {function.__name__} at {scheduler} were lost "
                           f"({err}): did the scheduler stop?") from err


def _check_workers_import(client, function: Callable, scheduler: str) -> None:
    """A worker that cannot unpickle a task drops its connection to the scheduler and gets the
    task again, for ever; so the function's module is imported on every worker first."""
    module = getattr(function, "__module__", None)
    if module in (None, "__main__"):  # sent by value, nothing to import
        return
    try:
        client.run(importlib.import_module, module)
    except ModuleNotFoundError as err:
        raise _missing_module(scheduler, err) from err


def _missing_module(scheduler: str, err: ModuleNotFoundError) -> InputError:
    return _scheduler_error(
        scheduler, f"the Dask workers cannot import {err.name!r}",
        "workers started from an environment that has the project installed "
        f"({INSTALL_DASK})")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _scheduler_error(scheduler: str, problem: str,
                     allowed: str = ALLOWED_SCHEDULERS) -> InputError:
    return InputError(SCHEDULER_OPTION, None, problem, value=scheduler, allowed=allowed)
