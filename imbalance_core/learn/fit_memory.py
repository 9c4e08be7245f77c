"""Large temporaries reused while a fit runs in a worker process; the memory handed back when it ends.

Why: Dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536``
(``distributed.nanny.pre-spawn-environ``) so that workers give freed memory back to the system. Setting
any of glibc's malloc thresholds switches off its *dynamic* mmap threshold, so in such a worker every
array above 128 kB is mapped on allocation and unmapped on free, and its pages are faulted and zeroed
afresh each time. A fit makes thousands of such temporaries (the one-hot design matrix, SMOTE's
neighbour distances, every gradient of a logistic regression). Measured with bench/internal_validation.py
(SMOTE + logistic regression, 5,000 mixed rows, 101 developments, 2-worker LocalCluster): 2.9 s of
system time per Dask worker against 0.6 s in a loky worker, and the tasks took 10-30 % more CPU than the
same tasks in loky; with :func:`large_buffers_reused` around each task, 0.7 s and the same CPU as loky.

:func:`large_buffers_reused` raises the mmap threshold to :data:`MMAP_THRESHOLD` and the trim threshold
to :data:`TRIM_THRESHOLD` while a task runs, so a freed temporary stays in the heap and the next one
reuses it; when the last task running in the process leaves, it restores the thresholds the process
started with (the ``MALLOC_*_`` environment variables, else glibc's defaults) and calls
``malloc_trim(0)``, so between tasks the worker still gives its memory back — what Dask's setting is
for. (glibc's dynamic threshold, once switched off, stays off: in a loky worker, which runs nothing but
these tasks, the restored fixed thresholds are what the next task starts from.) It is used only in
worker processes (execution.py), never in the app's own process, and does nothing where the C library
is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

#: glibc ``mallopt`` parameter numbers (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: glibc's default for both thresholds when no environment variable sets them.
GLIBC_DEFAULT_THRESHOLD = 128 * 1024
#: While a task runs: arrays up to this size come from the heap (a fit's largest temporaries are a few MB;
#: 32 MiB is the largest value older glibc versions accept on 64-bit systems).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: While a task runs: free memory at the top of the heap is kept up to this size, for the next temporary.
TRIM_THRESHOLD = 128 * 1024 * 1024

_lock = threading.Lock()
_running = 0  # tasks inside large_buffers_reused in this process


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (``mallopt`` and ``malloc_trim`` exist), else None."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def _threshold_from_environment(variable: str) -> int:
    """The threshold the process started with: ``variable`` (glibc reads it at start) or the default."""
    value = os.environ.get(variable, "").strip()
    return int(value) if value.isdigit() else GLIBC_DEFAULT_THRESHOLD


def _set(libc: ctypes.CDLL, mmap_threshold: int, trim_threshold: int) -> None:
    libc.mallopt(M_MMAP_THRESHOLD, ctypes.c_int(mmap_threshold))
    libc.mallopt(M_TRIM_THRESHOLD, ctypes.c_int(trim_threshold))


@contextmanager
def large_buffers_reused() -> Iterator[None]:
    """Inside: freed large temporaries are kept for reuse. Last one out: thresholds restored, memory trimmed.

    Several tasks may run at once in one process (a Dask worker with several threads): the thresholds
    are raised by the first to enter and restored by the last to leave.
    """
    global _running
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _running += 1
        if _running == 1:
            _set(libc, MMAP_THRESHOLD, TRIM_THRESHOLD)
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                _set(
                    libc,
                    _threshold_from_environment("MALLOC_MMAP_THRESHOLD_"),
                    _threshold_from_environment("MALLOC_TRIM_THRESHOLD_"),
                )
                libc.malloc_trim(0)
