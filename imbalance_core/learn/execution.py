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

import asyncio
import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from typing import Any

from joblib import Parallel, delayed, parallel_config
from threadpoolctl import threadpool_limits

from imbalance_core.errors import DataError
from imbalance_core.learn.fit_memory import large_buffers_reused

#: Environment variable naming the Dask scheduler ("tcp://host:8786"); empty or unset = run here.
ENV_VAR = "IMBALANCE_LAB_DASK_SCHEDULER"
#: Seconds to wait for the scheduler's first answer before saying it cannot be reached. Enforced here,
#: on the wall clock: ``distributed.Client(timeout=...)`` alone waited for ever (measured: > 100 s) on an
#: address that accepts connections and never answers.
CONNECT_TIMEOUT = 10.0
#: Seconds one fit may take on the cluster before the run is given up (a scheduler with no workers,
#: or one that stopped handing out results, would otherwise keep the page waiting for ever).
TASK_TIMEOUT = 1800.0
#: Longest host name accepted (DNS limit) and longest label between dots.
MAX_HOST = 253
_ADDRESS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$")
_HOST_PORT = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>\d{1,5}))?$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_FORM = "The Dask scheduler address must look like tcp://HOST:8786 (the address `dask scheduler` prints)"


class SchedulerUnreachableError(DataError):
    """The configured Dask scheduler could not be reached (or was lost during the run)."""


def _check_host(host: str) -> None:
    if host.startswith("["):
        return  # an IPv6 literal: hex digits, colons and dots only (the pattern checked them)
    if len(host) > MAX_HOST:
        raise DataError(f"{_FORM}; its host name is longer than {MAX_HOST} characters.")
    if not all(_LABEL.match(label) for label in host.removesuffix(".").split(".")):
        raise DataError(f"{_FORM}; its host name is not a valid name or IP address.")


def scheduler_address(given: str | None = None) -> str:
    """The scheduler to use: ``given`` when not None ("" = run here), else :data:`ENV_VAR`, checked.

    Only ``tcp://HOST[:PORT]`` is accepted: ``tls://`` needs certificates this app does not configure,
    ``inproc://`` exists only inside one Python process, and anything else is not a Dask address. The
    host must be a valid name (at most :data:`MAX_HOST` characters) or IP address, the port 1-65535.
    """
    address = (os.environ.get(ENV_VAR, "") if given is None else given).strip()
    if not address:
        return ""
    match = _ADDRESS.match(address)
    if match is None:
        raise DataError(f"{_FORM}; leave it empty to run on this machine.")
    scheme = match["scheme"].lower()
    if scheme == "tls":
        raise DataError(
            "tls:// Dask addresses need certificates this app does not set up; use tcp://HOST:8786 on a "
            "network you trust, or leave the address empty to run on this machine."
        )
    if scheme != "tcp":
        raise DataError(f"{_FORM}; other kinds of address are not supported here.")
    rest = match["rest"]
    if len(rest) > MAX_HOST + 6:
        raise DataError(f"{_FORM}; its host name is longer than {MAX_HOST} characters.")
    parts = _HOST_PORT.match(rest)
    if parts is None:
        raise DataError(f"{_FORM}; leave it empty to run on this machine.")
    _check_host(parts["host"])
    if parts["port"] is not None and not 1 <= int(parts["port"]) <= 65535:
        raise DataError(f"{_FORM}; the port must be a number from 1 to 65535.")
    return address


def unreachable_message(address: str) -> str:
    """The plain sentence for a scheduler that does not answer."""
    return (
        f"The Dask scheduler at {address} could not be reached (or stopped answering). Check that "
        "`dask scheduler` runs there and that this machine may connect to it, or run on this machine "
        "instead."
    )


def _not_a_scheduler(address: str) -> str:
    return (
        f"The address {address} answered, but not as a Dask scheduler. Check the address and port "
        "(`dask scheduler` prints it), or run on this machine instead."
    )


async def _identity(address: str) -> Any:
    """Open one connection to ``address``, ask ``identity`` and return the reply (Dask's protocol)."""
    from distributed.comm import connect

    comm = await connect(address, timeout=CONNECT_TIMEOUT)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def _in_thread_with_deadline(
    work: Callable[[], Any], seconds: float
) -> tuple[bool, Any, BaseException | None]:
    """Run ``work`` in a daemon thread for at most ``seconds`` of wall clock: (finished, result, error)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # handed to the caller, which words it
            box["error"] = exc

    thread = threading.Thread(target=run, name="dask-connect", daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), box.get("result"), box.get("error")


def probe_scheduler(address: str, timeout: float | None = None) -> None:
    """Check that ``address`` answers as a Dask scheduler within ``timeout`` seconds (wall clock).

    A fresh event loop in its own thread asks the one question every Dask server answers
    (``identity``); the whole exchange is cancelled at the deadline, so an address that accepts
    connections and never answers costs ``timeout`` seconds, never a thread or a hang. Raises
    :class:`SchedulerUnreachableError` (silent, refused or garbage) with a plain sentence.
    """
    seconds = CONNECT_TIMEOUT if timeout is None else timeout

    def ask() -> Any:
        return asyncio.run(asyncio.wait_for(_identity(address), seconds))

    finished, reply, error = _in_thread_with_deadline(ask, seconds + 2.0)
    if not finished or error is not None:
        raise SchedulerUnreachableError(unreachable_message(address))
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise SchedulerUnreachableError(_not_a_scheduler(address))


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``dask.distributed.Client`` connected to ``address``, closed afterwards.

    Raises :class:`SchedulerUnreachableError` when the scheduler does not answer as one within
    :data:`CONNECT_TIMEOUT` seconds (:func:`probe_scheduler` first; the client itself is then made
    with the same deadline on the wall clock).
    """
    probe_scheduler(address)
    from dask.distributed import Client  # imported only when a cluster is configured

    def make() -> Any:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)

    finished, client, error = _in_thread_with_deadline(make, CONNECT_TIMEOUT + 5.0)
    if not finished or error is not None or client is None:
        raise SchedulerUnreachableError(unreachable_message(address))
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):  # a scheduler gone silent must not turn closing into a hang
            client.close(timeout=CONNECT_TIMEOUT)


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

    And one thing Dask's nanny does: it starts workers with a fixed malloc trim threshold, which makes
    every large temporary of a fit a fresh memory mapping (10-30 % more CPU per task, measured); the
    task runs inside :func:`~imbalance_core.learn.fit_memory.large_buffers_reused`, which keeps them
    for reuse during the task and gives the memory back after it.

    A plain class rather than a closure so the task pickles by reference to this module.
    """

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.__name__ = getattr(func, "__name__", "task")

    def __call__(self, data: Any, item: tuple[Any, ...]) -> Any:
        with threadpool_limits(limits=1), parallel_config(backend="sequential"), large_buffers_reused():
            return self.func(data, *item)


#: Added to the niceness of this machine's worker processes (as for page trainings, learn/workers.py):
#: a Compare grid started from a page must not slow other people's pages and slider commits.
LOCAL_WORKER_NICENESS = 10
_lowered = False  # in a worker process: its priority was lowered already


class _LowerPriority:
    """``func``, run at a lower CPU priority when it runs in a worker process (never in the caller).

    In a worker process the task also runs inside
    :func:`~imbalance_core.learn.fit_memory.large_buffers_reused` (as on Dask, so the two are compared
    like for like).

    A plain class rather than a closure so joblib's loky pickles it by reference to this module.
    """

    def __init__(self, func: Callable[..., Any], caller_pid: int) -> None:
        self.func = func
        self.caller_pid = caller_pid

    def __call__(self, *args: Any) -> Any:
        global _lowered
        if os.getpid() == self.caller_pid:
            return self.func(*args)
        if not _lowered:
            _lowered = True
            with contextlib.suppress(OSError):  # not permitted here: run at normal priority
                os.nice(LOCAL_WORKER_NICENESS)
        with large_buffers_reused():
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
                parallel = Parallel(return_as="generator_unordered", batch_size=1, timeout=TASK_TIMEOUT)
                yield from parallel(delayed(task)(data, tuple(item)) for item in items)
        except (OSError, TimeoutError, CancelledError):  # the scheduler went away (or went silent) mid-run
            raise SchedulerUnreachableError(unreachable_message(address)) from None
