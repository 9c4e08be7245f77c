"""Where fits run: this machine's cores (joblib's loky processes), or a Dask cluster when one is named.

Compare's (pair x fold) tasks and Train's CV folds are independent fits. By default they run here,
as before. When a Dask scheduler address is given — ``--scheduler tcp://HOST:8786`` on the command
line, or the environment variable :data:`ENV_VAR` (the app also takes ``[dask] scheduler`` from
``.streamlit/secrets.toml`` and sets that variable) — they run on the cluster through joblib's Dask
backend (``joblib.parallel_config(backend="dask")`` with a ``dask.distributed.Client``):

* the data is scattered to every worker once (``scatter=[data]``), not shipped with each task;
* each task runs with one BLAS/OpenMP thread (threadpoolctl), and joblib calls made inside a fit run
  in the task's own thread (not sent back to the cluster; see :class:`_OnDaskWorker` for the measured
  cost of joblib's defaults);
* results come back as tasks finish (progress counts completions); a lost worker's tasks are
  recomputed by the scheduler, and since every fit is seeded the numbers do not change;
* an unreachable scheduler raises :class:`SchedulerUnreachableError` (a DataError: the CLI exits 2,
  pages offer to run here instead — only if the person agrees).

``dask`` is imported only when a scheduler is configured: with none, nothing here opens a connection
(the app's start-up test checks that no outbound connection is attempted).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from typing import Any

from joblib import Parallel, delayed, parallel_config
from threadpoolctl import threadpool_limits

from imbalance_core.errors import DataError

#: Environment variable naming the Dask scheduler ("tcp://host:8786"); empty or unset = run here.
ENV_VAR = "IMBALANCE_LAB_DASK_SCHEDULER"
#: Seconds to wait for the scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = 10.0
_ADDRESS = re.compile(r"^(?:(?:tcp|tls)://[^\s/]+(?::\d{1,5})?|inproc://\S+)$")  # inproc: tests


class SchedulerUnreachableError(DataError):
    """The configured Dask scheduler could not be reached (or was lost during the run)."""


def scheduler_address(given: str | None = None) -> str:
    """The scheduler to use: ``given`` when not None ("" = run here), else :data:`ENV_VAR`, checked."""
    address = (os.environ.get(ENV_VAR, "") if given is None else given).strip()
    if address and not _ADDRESS.match(address):
        raise DataError(
            "The Dask scheduler address must look like tcp://HOST:8786 (the address `dask scheduler` "
            "prints); leave it empty to run on this machine."
        )
    return address


def unreachable_message(address: str) -> str:
    """The plain sentence for a scheduler that does not answer."""
    return (
        f"The Dask scheduler at {address} could not be reached (or stopped answering). Check that "
        "`dask scheduler` runs there and that this machine may connect to it, or run on this machine "
        "instead."
    )


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``dask.distributed.Client`` connected to ``address``, closed afterwards.

    Raises :class:`SchedulerUnreachableError` when the scheduler does not answer within
    :data:`CONNECT_TIMEOUT` seconds.
    """
    from dask.distributed import Client  # imported only when a cluster is configured

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError):
        raise SchedulerUnreachableError(unreachable_message(address)) from None
    try:
        yield client
    finally:
        client.close()


class _OnDaskWorker:
    """``func(data, *item)`` as one Dask task: one BLAS/OpenMP thread, nested joblib calls in line.

    Two things joblib's Dask backend does by default cost more than the fits themselves on a small
    cluster, so they are undone here:

    * it runs every task inside ``parallel_config(backend="dask")``, so any joblib call *inside* a fit
      (scikit-learn's neighbour searches for SMOTE and kNN, for instance) is sent back out to the
      cluster as more tasks while the fit's thread secedes — a one-thread worker then runs two fits at
      once and each waits on the scheduler. Here nested calls run sequentially in the task's thread,
      as they do in loky's worker processes;
    * it scatters every argument larger than 1 kB that can be weak-referenced, one scheduler round
      trip per task. ``item`` comes as one tuple (tuples cannot be weak-referenced), so the few kB of
      row positions and settings travel with the task; only ``data`` is scattered, once.

    A plain class rather than a closure so the task pickles by reference to this module.
    """

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.__name__ = getattr(func, "__name__", "task")

    def __call__(self, data: Any, item: tuple[Any, ...]) -> Any:
        with threadpool_limits(limits=1), parallel_config(backend="sequential"):
            return self.func(data, *item)


#: Added to the niceness of this machine's worker processes (as for page trainings, learn/workers.py):
#: a Compare grid started from a page must not slow other people's pages and slider commits.
LOCAL_WORKER_NICENESS = 10
_lowered = False  # in a worker process: its priority was lowered already


class _LowerPriority:
    """``func``, run at a lower CPU priority when it runs in a worker process (never in the caller).

    A plain class rather than a closure so joblib's loky pickles it by reference to this module.
    """

    def __init__(self, func: Callable[..., Any], caller_pid: int) -> None:
        self.func = func
        self.caller_pid = caller_pid

    def __call__(self, *args: Any) -> Any:
        global _lowered
        if not _lowered and os.getpid() != self.caller_pid:
            _lowered = True
            with contextlib.suppress(OSError):  # not permitted here: run at normal priority
                os.nice(LOCAL_WORKER_NICENESS)
        return self.func(*args)


def run_tasks(
    func: Callable[..., Any],
    data: Any,
    items: Sequence[tuple[Any, ...]],
    n_jobs: int = -1,
    scheduler: str = "",
) -> Iterable[Any]:
    """``func(data, *item)`` for every item, yielded in the order they finish.

    scheduler: a Dask scheduler address (see :func:`scheduler_address`) or "" for this machine:
    ``n_jobs`` loky processes (1 = in this process, one after another, in order).
    """
    if not items:
        return iter(())
    if scheduler:
        return _run_on_dask(func, data, items, scheduler)
    if n_jobs == 1:
        return (func(data, *item) for item in items)
    func = _LowerPriority(func, os.getpid())
    # batch_size=1: joblib's automatic batching groups the first, quick tasks and later hands one
    # worker a batch of slow fits while the other core idles at the end; each task is >= ~0.1 s.
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", batch_size=1)
    return parallel(delayed(func)(data, *item) for item in items)


def _run_on_dask(
    func: Callable[..., Any], data: Any, items: Sequence[tuple[Any, ...]], address: str
) -> Iterator[Any]:
    """The tasks on the cluster at ``address``, the data scattered once; results as they finish."""
    task = _OnDaskWorker(func)
    with dask_client(address) as client:
        try:
            with parallel_config(backend="dask", client=client, scatter=[data]):
                parallel = Parallel(return_as="generator_unordered", batch_size=1)
                yield from parallel(delayed(task)(data, tuple(item)) for item in items)
        except (OSError, TimeoutError, CancelledError):  # the scheduler went away mid-run
            raise SchedulerUnreachableError(unreachable_message(address)) from None
