"""Large temporaries reused during a worker's task, the process's own malloc thresholds back afterwards.

The effect is measured where it matters: in a process started the way Dask's nanny starts a worker
(``MALLOC_TRIM_THRESHOLD_=65536``), where every array above 128 kB is a memory mapping of its own. glibc's
``mallinfo2`` says how many bytes are in such mappings (``hblkhd``) while a 4 MB array is alive: a mapping
of its own outside the context, heap memory inside it. (Counting page faults was not reliable: numpy asks
for transparent huge pages on large arrays, so one machine counted 15,000 faults and another 91.)
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

_MAPPED_BYTES = """
import ctypes, ctypes.util, json
import numpy as np
from imbalance_core.learn.fit_memory import large_buffers_reused

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
        "keepcost")]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = MallInfo2

def mapped_while_a_4_mb_array_lives():
    before = libc.mallinfo2().hblkhd
    array = np.ones(1 << 19)  # 4 MB
    during = libc.mallinfo2().hblkhd
    del array
    return during - before

out = {"before": mapped_while_a_4_mb_array_lives()}
with large_buffers_reused():
    out["inside"] = mapped_while_a_4_mb_array_lives()
    with large_buffers_reused():  # a second task in the same process
        pass
    out["after_inner_exit"] = mapped_while_a_4_mb_array_lives()
out["after"] = mapped_while_a_4_mb_array_lives()
print(json.dumps(out))
"""


def _mapped_in_a_dask_like_worker() -> dict[str, int]:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    done = subprocess.run(
        [sys.executable, "-c", _MAPPED_BYTES], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(fit_memory._glibc(), "mallinfo2"), reason="mallinfo2 needs glibc 2.33")
def test_inside_a_task_large_temporaries_come_from_the_heap_and_the_thresholds_come_back_after_the_last() -> (
    None
):
    mapped = _mapped_in_a_dask_like_worker()
    four_mb = 4 * 1024 * 1024
    # Outside: the array is a memory mapping of its own (unmapped again when freed).
    assert mapped["before"] >= four_mb
    # Inside: from the heap, reused by the next one.
    assert mapped["inside"] == 0
    # A second, nested task leaving does not restore the thresholds under the first one.
    assert mapped["after_inner_exit"] == 0
    # After the last task: back to the process's own thresholds (a mapping of its own again).
    assert mapped["after"] >= four_mb


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
