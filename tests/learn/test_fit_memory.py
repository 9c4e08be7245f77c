"""Large temporaries reused during a worker's task, the process's own malloc thresholds back afterwards.

The effect is measured where it matters: in a process started the way Dask's nanny starts a worker
(``MALLOC_TRIM_THRESHOLD_=65536``), where every freed array above 128 kB is unmapped and the next one
faulted in afresh. Minor page faults are counted with ``getrusage`` around a loop of 4 MB arrays.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from imbalance_core.learn import execution, fit_memory
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(fit_memory._glibc() is None, reason="malloc thresholds are glibc's")

_COUNT_FAULTS = """
import json, resource
import numpy as np
from imbalance_core.learn.fit_memory import large_buffers_reused

def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(30):
        np.ones(1 << 19).sum()  # 4 MB, freed at once
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

out = {"before": faults()}
with large_buffers_reused():
    out["inside"] = faults()
    with large_buffers_reused():  # a second task in the same process
        pass
    out["after_inner_exit"] = faults()
out["after"] = faults()
print(json.dumps(out))
"""


def _faults_in_a_dask_like_worker() -> dict[str, int]:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    done = subprocess.run(
        [sys.executable, "-c", _COUNT_FAULTS], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_inside_a_task_large_temporaries_are_reused_and_the_thresholds_come_back_after_the_last() -> None:
    faults = _faults_in_a_dask_like_worker()
    # Outside: each 4 MB array is a fresh mapping whose pages are faulted in again (30 arrays; the
    # kernel maps a few pages per fault, hence the count is a share of the 30 x 1,024 pages).
    assert faults["before"] >= 5_000
    # Inside: the first array's pages are reused by the other 29.
    assert faults["inside"] * 10 <= faults["before"]
    # A second, nested task leaving does not restore the thresholds under the first one.
    assert faults["after_inner_exit"] * 10 <= faults["before"]
    # After the last task: back to the process's own thresholds (fresh mappings again).
    assert faults["after"] * 2 >= faults["before"]


def _running(_data, _item) -> tuple[int, int]:
    return os.getpid(), fit_memory._running


def test_loky_worker_tasks_run_inside_it_and_the_callers_own_process_never_does() -> None:
    out = list(execution.run_tasks(_running, None, [(i,) for i in range(4)], n_jobs=2))
    in_workers = {count for pid, count in out if pid != os.getpid()}
    assert in_workers == {1}
    assert list(execution.run_tasks(_running, None, [(0,)], n_jobs=1)) == [(os.getpid(), 0)]
    assert fit_memory._running == 0


def test_dask_tasks_run_inside_it() -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
        protocol="tcp://", host="127.0.0.1",
    ) as cluster:  # fmt: skip
        out = list(
            execution.run_tasks(
                _running, np.zeros(3), [(i,) for i in range(3)], scheduler=cluster.scheduler_address
            )
        )
    assert [count for _, count in out] == [1, 1, 1]
    assert fit_memory._running == 0


def test_thresholds_restored_are_the_environment_s_or_glibc_s_default(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert fit_memory._threshold_from_environment("MALLOC_TRIM_THRESHOLD_") == 65536
    assert (
        fit_memory._threshold_from_environment("MALLOC_MMAP_THRESHOLD_") == fit_memory.GLIBC_DEFAULT_THRESHOLD
    )
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "not a number")
    assert (
        fit_memory._threshold_from_environment("MALLOC_MMAP_THRESHOLD_") == fit_memory.GLIBC_DEFAULT_THRESHOLD
    )
