"""Dask execution: the same numbers as a local run, a lost worker changes nothing, a dead address says so.

Every cluster here is a LocalCluster started by the test on 127.0.0.1 (no outside connection).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from imbalance_core.cli import main as cli_main
from imbalance_core.learn import execution
from imbalance_core.learn.compare import run_grid
from imbalance_core.learn.training import TrainSettings, train
from tests.conftest import ROOT
from tests.helpers_training import hcv

distributed = pytest.importorskip("distributed")

SETTINGS = TrainSettings(cv=3, seed=5, ratio=0.5)


def _same_results(a, b) -> None:
    assert [r.error for r in a.rows] == [r.error for r in b.rows]
    for left, right in zip(a.rows, b.rows, strict=True):
        if left.result is None:
            continue
        np.testing.assert_allclose(left.result.oof_scores, right.result.oof_scores, rtol=0, atol=1e-12)
        np.testing.assert_allclose(left.result.test_scores, right.result.test_scores, rtol=0, atol=1e-12)
        assert (left.tp, left.fp, left.tn, left.fn) == (right.tp, right.fp, right.tn, right.fn)


@pytest.fixture(scope="module")
def threads_cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        protocol="tcp://",  # only tcp:// addresses are accepted (inproc:// exists in one process only)
        host="127.0.0.1",
    ) as cluster:
        yield cluster


def test_grid_and_train_on_dask_equal_the_local_run(threads_cluster) -> None:
    data = hcv()
    local = run_grid(data, ["none", "smote"], ["logreg", "random_forest"], SETTINGS, n_jobs=1, scheduler="")
    seen: list[float] = []
    remote = run_grid(
        data,
        ["none", "smote"],
        ["logreg", "random_forest"],
        SETTINGS,
        scheduler=threads_cluster.scheduler_address,
        progress=lambda message, fraction: seen.append(fraction),
    )
    _same_results(local, remote)
    assert seen[-1] == 1.0 and len(seen) == remote.n_tasks + 1  # one report per finished task
    settings = TrainSettings(sampler="smote", cv=3, seed=2)
    here = train(data, settings, scheduler="")
    there = train(data, settings, scheduler=threads_cluster.scheduler_address)
    np.testing.assert_allclose(here.oof_scores, there.oof_scores, rtol=0, atol=1e-12)
    np.testing.assert_allclose(here.test_scores, there.test_scores, rtol=0, atol=1e-12)
    assert there.pipeline is not None


def test_worker_processes_and_a_worker_killed_mid_grid() -> None:
    data = hcv()
    samplers, classifiers = ["none", "smote", "random_under"], ["logreg", "random_forest"]
    local = run_grid(data, samplers, classifiers, SETTINGS, n_jobs=1, scheduler="")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
    ) as cluster:
        pids = [nanny.process.process.pid for nanny in cluster.workers.values()]
        killed: list[int] = []

        def kill_one(message: str, fraction: float) -> None:
            if 0 < fraction < 0.5 and not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        remote = run_grid(
            data, samplers, classifiers, SETTINGS, scheduler=cluster.scheduler_address, progress=kill_one
        )
    assert killed
    _same_results(local, remote)


def test_unreachable_scheduler_is_a_plain_message(monkeypatch, capsys) -> None:
    monkeypatch.setattr(execution, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(execution.SchedulerUnreachableError, match="could not be reached"):
        train(hcv(), TrainSettings(cv=2), scheduler="tcp://127.0.0.1:9")
    with pytest.raises(execution.DataError, match="tcp://HOST:8786"):
        execution.scheduler_address("http://example")
    csv = str(ROOT / "sample_data" / "hcv_lab_values.csv")
    argv = ["evaluate", csv, "--label", "Category", "--sampler", "none", "--classifier", "logreg"]
    code = cli_main([*argv, "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "could not be reached" in err and "Traceback" not in err


def test_dask_is_not_imported_without_a_scheduler() -> None:
    code = (
        "import sys\n"
        "from tests.helpers_training import hcv\n"
        "from imbalance_core.learn.compare import run_grid\n"
        "from imbalance_core.learn.training import TrainSettings, train\n"
        "train(hcv(), TrainSettings(cv=2))\n"
        "run_grid(hcv(), ['none'], ['logreg'], TrainSettings(cv=2), n_jobs=1)\n"
        "from streamlit.testing.v1 import AppTest\n"
        "AppTest.from_file('app.py', default_timeout=120).run()\n"
        "assert not any(m == 'dask' or m.startswith(('dask.', 'distributed')) for m in sys.modules), 'dask'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != execution.ENV_VAR}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, timeout=120)


def _niceness(_data, _item) -> tuple[int, int]:
    return os.getpid(), os.nice(0)


def test_local_worker_processes_run_at_lower_priority_and_the_caller_does_not() -> None:
    """A Compare grid started from a page runs niced, like page trainings (issue 18 item 9)."""
    base = os.nice(0)
    out = list(execution.run_tasks(_niceness, None, [(i,) for i in range(6)], n_jobs=2))
    assert os.nice(0) == base  # the server's own priority is untouched
    workers = {pid: nice for pid, nice in out if pid != os.getpid()}
    assert workers, "the tasks ran in worker processes"
    assert all(nice >= min(base + execution.LOCAL_WORKER_NICENESS, 19) for nice in workers.values())
    inline = list(execution.run_tasks(_niceness, None, [(0,)], n_jobs=1))
    assert inline == [(os.getpid(), base)]


def _nested_backend(_data, rows: np.ndarray) -> tuple[str, int]:
    """The joblib backend a fit inside the task would get, and a nested Parallel's answer."""
    from joblib import Parallel, delayed
    from joblib.parallel import get_active_backend

    total = sum(Parallel(n_jobs=2)(delayed(int)(v) for v in rows[:3]))
    return type(get_active_backend()[0]).__name__, total


def test_a_dask_task_keeps_nested_joblib_calls_in_its_thread_and_only_the_data_is_scattered(
    threads_cluster, monkeypatch
) -> None:
    """Measured (bench/grid.py --dask): joblib's Dask backend sent scikit-learn's own joblib calls
    (neighbour searches in SMOTE and kNN) back to the cluster as more tasks, and scattered every task's
    row positions separately; the fits then took twice their CPU time in wall time."""
    scatters: list[int] = []
    original = distributed.Client.scatter

    def counting_scatter(self, data, *args, **kwargs):
        scatters.append(1)
        return original(self, data, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "scatter", counting_scatter)
    items = [(np.arange(i, i + 500),) for i in range(6)]  # 4 kB of row positions per task
    out = list(
        execution.run_tasks(
            _nested_backend, {"rows": np.zeros(10)}, items, scheduler=threads_cluster.scheduler_address
        )
    )
    assert sorted(total for _, total in out) == sorted(3 * i + 3 for i in range(6))
    assert {name for name, _ in out} == {"SequentialBackend"}
    assert len(scatters) == 1  # the data, once; never a task's own arguments


def test_a_scheduler_lost_mid_grid_is_the_plain_message() -> None:
    """The cluster goes away after the first finished fit: the run stops with the sentence the pages
    turn into 'Run on this machine instead' (no hang, no library traceback)."""
    import threading

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        protocol="tcp://",
        host="127.0.0.1",
    )
    closing: list[threading.Thread] = []

    def lose_the_cluster(message: str, fraction: float) -> None:
        if 0 < fraction < 0.5 and not closing:
            closing.append(threading.Thread(target=cluster.close))
            closing[0].start()

    try:
        with pytest.raises(execution.SchedulerUnreachableError, match="could not be reached"):
            run_grid(
                hcv(),
                ["none", "smote", "random_under"],
                ["logreg", "random_forest"],
                SETTINGS,
                scheduler=cluster.scheduler_address,
                progress=lose_the_cluster,
            )
    finally:
        for thread in closing:
            thread.join(timeout=60)
        cluster.close()
    assert closing
