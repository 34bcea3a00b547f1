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
from simulator.text import LANGUAGES, Message, in_language

LOCAL_CLUSTER = "processes"
SCHEDULER_OPTION = "--scheduler"
INSTALL_DASK = 'pip install ".[dask]"'
ALLOWED_SCHEDULERS = Message("error.dask.allowed", local=LOCAL_CLUSTER)
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


def progress_bar(total: int, what: Message | str, unit: Message | str, show,
                 scale: bool = False):
    """A bar over pieces of work on standard error that appears only after 2 s and vanishes
    when done (``scale``: SI prefixes for large counts such as draws).

    Parameters
    ----------
    total : int
        Pieces of work (draws, points, runs).
    what, unit : Message or str
        The bar's label and the unit of its count (entries of the catalogues' ``[progress]``
        table), rendered in the bar's language.
    show : bool, str or None
        An API function's ``progress`` argument (``progress_language``): False or None, no bar;
        True, a bar in English; a language code (``"en"``, ``"zh"``), a bar in that language.
    scale : bool
        Write large counts with SI prefixes (1.50M).

    Raises
    ------
    ValueError
        If ``show`` is a text that is not a language code.
    """
    from tqdm import tqdm
    lang = progress_language(show)
    words = lang or "en"
    return tqdm(total=total, desc=in_language(what, words),
                unit=f" {in_language(unit, words)}", unit_scale=scale, delay=2.0,
                leave=False, disable=lang is None)


def progress_language(progress) -> str | None:
    """The language of the progress bar that a ``progress`` argument asks for, None for none.

    False, None (or anything false) ask for no bar; True (or anything true but a text) for a
    bar in English; a language code of ``simulator.text.LANGUAGES`` (``"en"``, ``"zh"``) for
    a bar in that language. Another text is a ``ValueError``.
    """
    if isinstance(progress, str):
        if progress in LANGUAGES:
            return progress
        raise ValueError(Message("error.montecarlo.progress", languages=", ".join(LANGUAGES),
                                 given=repr(progress)))
    return "en" if progress else None


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
            scheduler, Message("error.dask.not_installed"),
            Message("error.dask.install", install=INSTALL_DASK,
                    option=SCHEDULER_OPTION)) from None
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
        raise _scheduler_error(scheduler, Message("error.dask.unreachable",
                                                  reason=str(err))) from None
    with client:
        _wait_for_workers(client, scheduler)
        yield client


def _check_address(scheduler: str) -> None:
    """A malformed address fails here, before a Client is half-built (whose clean-up would
    stall the interpreter's exit)."""
    if not isinstance(scheduler, str):
        raise TypeError(Message("error.dask.scheduler_type", given=repr(scheduler)))
    from distributed.comm.addressing import get_address_host_port
    try:
        get_address_host_port(scheduler)
    except ValueError as err:
        raise _scheduler_error(scheduler, Message("error.dask.not_address",
                                                  reason=str(err))) from None


def _wait_for_workers(client, scheduler: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except (TimeoutError, OSError):
        raise _scheduler_error(
            scheduler, Message("error.dask.no_workers", timeout=CONNECT_TIMEOUT),
            Message("error.dask.start_workers", scheduler=scheduler)) from None


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
        raise RuntimeError(Message("error.dask.killed", scheduler=scheduler,
                                   function=function.__name__, error=str(err))) from err
    except CancelledError as err:
        raise RuntimeError(Message("error.dask.lost", scheduler=scheduler,
                                   function=function.__name__, error=str(err))) from err


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
        scheduler, Message("error.dask.cannot_import", module=repr(err.name)),
        Message("error.dask.workers_environment", install=INSTALL_DASK))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _scheduler_error(scheduler: str, problem: Message,
                     allowed: Message = ALLOWED_SCHEDULERS) -> InputError:
    return InputError(SCHEDULER_OPTION, None, problem, value=scheduler, allowed=allowed)
