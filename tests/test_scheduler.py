"""Draws as Dask tasks: a cluster run is identical to a local one; bad schedulers fail clearly."""

import socket
import sys
import threading
import time

import distributed
import pytest
import xarray as xr
import yaml

import simulator
from simulator.montecarlo import tasks
from simulator.cli import main as simulate_command
from simulator.montecarlo.simulate import CHUNK_DRAWS, MAX_CHUNKS, draw_chunks
from simulator.montecarlo.tasks import run_tasks

from conftest import TAIYUAN

DRAWS = 20_000
CHUNK = 4_000  # five tasks over two workers


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, started once for this module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", env={"NUMBA_NUM_THREADS": "1"}) as c:
        yield c


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    """Taiyuan's base scenario (Latin hypercube) and the same with plain random sampling."""
    variant = tmp_path_factory.mktemp("scenarios") / "taiyuan_random.yaml"
    variant.write_text(yaml.safe_dump({"extends": str(TAIYUAN), "name": "taiyuan_random",
                                       "uncertainty": {"sampling": "random"}}), encoding="utf-8")
    return {"latin_hypercube": simulator.load_scenario(TAIYUAN),
            "random": simulator.load_scenario(variant)}


@pytest.fixture
def closed_address():
    """A local port nobody listens on, and a short connection timeout."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(tasks, "CONNECT_TIMEOUT", 1.0)


# -- results identical to a local run -----------------------------------------------------------


@pytest.mark.parametrize("sampling, keep", [("latin_hypercube", "summary"), ("random", "full")])
def test_cluster_run_is_identical_to_the_local_run(cluster, scenarios, sampling, keep):
    scenario = scenarios[sampling]
    assert scenario["uncertainty.sampling"] == sampling
    local = simulator.simulate(scenario, draws=DRAWS, seed=11, keep=keep)
    remote = simulator.simulate(scenario, draws=DRAWS, seed=11, keep=keep, chunk_draws=CHUNK,
                                scheduler=cluster.scheduler_address)
    xr.testing.assert_identical(remote, local)


def test_a_chunk_range_on_the_cluster_is_that_range_of_the_local_run(cluster, scenarios):
    scenario = scenarios["latin_hypercube"]
    local = simulator.simulate(scenario, draws=DRAWS, seed=3, keep="full", chunk=(1_234, 17_001))
    remote = simulator.simulate(scenario, draws=DRAWS, seed=3, keep="full", chunk=(1_234, 17_001),
                                chunk_draws=CHUNK, scheduler=cluster.scheduler_address)
    assert (remote.attrs["chunk_start"], remote.attrs["chunk_stop"]) == (1_234, 17_001)
    xr.testing.assert_identical(remote, local)


def test_processes_starts_one_single_threaded_worker_per_core(scenarios, monkeypatch):
    started = []

    def local_cluster(**options):
        started.append(options)
        return real_cluster(**options)

    real_cluster = distributed.LocalCluster
    monkeypatch.setattr(distributed, "LocalCluster", local_cluster)
    scenario = scenarios["random"]
    local = simulator.simulate(scenario, draws=6_000, seed=2)
    remote = simulator.simulate(scenario, draws=6_000, seed=2, chunk_draws=2_000,
                                scheduler="processes")
    xr.testing.assert_identical(remote, local)
    assert len(started) == 1
    assert started[0]["n_workers"] == tasks._cores()
    assert started[0]["threads_per_worker"] == 1


# -- run_tasks ----------------------------------------------------------------------------------


def late_square(x: int, delay: float) -> int:
    time.sleep(delay)
    return x * x


def missing_module(x: int) -> int:
    raise ModuleNotFoundError("No module named 'carbon_peak_extra'", name="carbon_peak_extra")


def test_run_tasks_returns_results_in_task_order_as_they_finish_out_of_order(cluster):
    finished = []
    task_list = [(x, 0.6 if x == 0 else 0.0) for x in range(6)]  # the first finishes last
    results = run_tasks(late_square, task_list, cluster.scheduler_address, finished.append)
    assert results == [0, 1, 4, 9, 16, 25]
    assert sorted(finished) == list(range(6))
    assert finished[0] != 0


def test_run_tasks_without_scheduler_runs_here_in_order():
    finished = []
    assert run_tasks(late_square, [(3, 0.0), (2, 0.0)], None, finished.append) == [9, 4]
    assert finished == [0, 1]


def test_a_task_error_on_a_worker_is_raised_here(cluster):
    with pytest.raises(TypeError):
        run_tasks(late_square, [(2, 0.0), ("two", 0.0)], cluster.scheduler_address)


def test_a_module_a_task_lacks_on_the_workers_is_named(cluster):
    with pytest.raises(simulator.InputError, match="cannot import 'carbon_peak_extra'"):
        run_tasks(missing_module, [(1,)], cluster.scheduler_address)


def test_a_function_the_workers_cannot_import_is_an_input_error_not_a_hang(
        cluster, tmp_path, monkeypatch):
    # the workers started before this folder joined the path, so only this process has it
    (tmp_path / "only_here.py").write_text("def double(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from only_here import double

    outcome = within(60, lambda: run_tasks(double, [(1,), (2,)], cluster.scheduler_address))
    assert isinstance(outcome, simulator.InputError), outcome
    assert "the Dask workers cannot import 'only_here'" in str(outcome)


def within(seconds: float, call):
    """What ``call()`` returns or raises, or TimeoutError if it is still running after
    ``seconds`` (a daemon thread, so a hung call does not hold up the test run)."""
    outcome = [TimeoutError(f"still running after {seconds} s")]

    def target():
        try:
            outcome[0] = call()
        except Exception as err:
            outcome[0] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome[0]


# -- chunks ------------------------------------------------------------------------------------


def test_draws_are_cut_into_consecutive_chunks():
    assert draw_chunks(0, 10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert draw_chunks(5, 6, 4) == [(5, 6)]
    assert draw_chunks(0, 2 * CHUNK_DRAWS + 1) == [
        (0, CHUNK_DRAWS), (CHUNK_DRAWS, 2 * CHUNK_DRAWS), (2 * CHUNK_DRAWS, 2 * CHUNK_DRAWS + 1)]
    huge = draw_chunks(0, 10**9)
    assert len(huge) == MAX_CHUNKS and huge[-1][1] == 10**9


@pytest.mark.parametrize("chunk_draws", [0, -5, 2.5, True])
def test_chunk_draws_must_be_a_positive_whole_number(scenarios, chunk_draws):
    with pytest.raises(ValueError, match="chunk_draws must be a positive whole number"):
        simulator.simulate(scenarios["random"], draws=100, chunk_draws=chunk_draws,
                           scheduler="tcp://127.0.0.1:1")


# -- schedulers that cannot run anything -------------------------------------------------------


def test_unreachable_scheduler_is_a_quick_input_error(scenarios, closed_address, short_timeout):
    began = time.perf_counter()
    with pytest.raises(simulator.InputError) as caught:
        simulator.simulate(scenarios["random"], draws=1_000, scheduler=closed_address)
    assert time.perf_counter() - began < 5
    message = str(caught.value)
    assert message.startswith("--scheduler: cannot reach a Dask scheduler")
    assert repr(closed_address) in message and "'processes'" in message


@pytest.mark.parametrize("address", ["nonsense", "", "http://host:8786", "tcp://host:port"])
def test_malformed_address_is_an_input_error(address):
    with pytest.raises(simulator.InputError, match="not a scheduler address") as caught:
        run_tasks(late_square, [(1, 0.0)], address)
    assert f"(got {address!r})" in str(caught.value)


def test_scheduler_without_workers_is_an_input_error(short_timeout):
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0") as idle:
        with pytest.raises(simulator.InputError, match="has no workers"):
            run_tasks(late_square, [(1, 0.0)], idle.scheduler_address)


def test_command_line_exits_2_naming_the_unreachable_address(closed_address, short_timeout,
                                                             tmp_path, capsys):
    code = simulate_command([str(TAIYUAN), "--draws", "1000", "--out", str(tmp_path / "out"),
                             "--scheduler", closed_address])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("simulate: error: --scheduler:") and closed_address in error
    assert not (tmp_path / "out").exists()


def test_missing_distributed_names_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(simulator.InputError, match=r'pip install "\.\[dask\]"'):
        run_tasks(late_square, [(1, 0.0)], "processes")


def test_sweep_and_sensitivity_on_the_cluster_equal_their_local_runs(cluster, scenarios):
    """The modeller's commands hand their pieces to the same run_tasks path."""
    scenario = scenarios["latin_hypercube"]
    grid = {"paths.energy_intensity_decline.values.2026": [0.02, 0.04]}
    local = simulator.sweep(scenario, grid, draws=2_000, seed=5)
    remote = simulator.sweep(scenario, grid, draws=2_000, seed=5,
                             scheduler=cluster.scheduler_address)
    xr.testing.assert_identical(remote, local)
    local = simulator.sensitivity(scenario, method="morris", n=16, seed=5)
    remote = simulator.sensitivity(scenario, method="morris", n=16, seed=5,
                                   scheduler=cluster.scheduler_address)
    xr.testing.assert_identical(remote, local)
