"""Training in worker processes, so the app's server stays responsive while people train.

Streamlit runs every session's script in threads of one interpreter: a random forest fitted there holds
the interpreter lock between its C calls, and on a 2-core machine eight people training stretched every
other person's slider commit from ~0.2 s to over a second. Here a fit runs in a separate process
(``spawn``: a fresh interpreter, nothing of the server's state inherited), at a lower CPU priority, and
only a bounded number run at once (:func:`default_workers`); the others wait in order, and each person
sees how many trainings are ahead of theirs.

The process boundary is internal: our own :class:`~imbalance_core.intake.task.PreparedData` goes in and our
own :class:`~imbalance_core.learn.training.TrainResult` comes back through ``concurrent.futures``' pickling
between this server and the processes it started. Nothing is read from outside; no user file is
unpickled.

Progress (the fold messages of :func:`imbalance_core.learn.training.train`) travels back on one queue shared
by the workers and is read by one thread of the server (:class:`TrainingPool`). Nothing here imports
Streamlit; ``pages/model_cache.train_cached`` submits and polls.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from imbalance_core.errors import DataError

if TYPE_CHECKING:
    from imbalance_core.intake.task import PreparedData
    from imbalance_core.learn.training import TrainResult, TrainSettings

#: Environment variable: how many trainings run at once (default: :func:`default_workers`).
WORKERS_ENV = "IMBALANCE_LAB_TRAIN_WORKERS"
#: Trainings whose folds run on a Dask cluster wait on the network, not on this machine's cores: they
#: get their own worker processes (this many at once), so a slow or silent scheduler never holds up
#: the queue of trainings that run here.
REMOTE_WORKERS = 2
#: Added to a worker's niceness: the server (page runs, slider commits) gets the CPU first.
WORKER_NICENESS = 10
BROKEN_MESSAGE = (
    "The training process stopped unexpectedly (perhaps the machine ran out of memory). "
    "Try again, or with fewer rows or a lighter resampling method."
)
CANCELLED_MESSAGE = "The training was stopped: the page that asked for it was closed or reloaded."
#: Job ids a worker is asked to stop (a ring: the most recent cancellations are remembered).
_CANCEL_SLOTS = 64


class TrainingCancelledError(DataError):
    """A training stopped because nobody waits for it any more (its page was closed or reloaded)."""


_progress_queue: Any = None  # in a worker: the queue its progress messages go to (set by _init_worker)
_cancelled: Any = None  # in a worker: the shared array of cancelled job ids (set by _init_worker)
#: First field of the message a new worker sends with its process id (job ids start at 1).
_WORKER_STARTED = 0


def in_process() -> bool:
    """True when ``IMBALANCE_LAB_TRAIN_WORKERS=0``: train in the calling process (debugging)."""
    return os.environ.get(WORKERS_ENV, "").strip() == "0"


def default_workers(cpu_count: int | None = None) -> int:
    """Trainings run at once: half the cores (at least one), so one core stays with the server.

    ``IMBALANCE_LAB_TRAIN_WORKERS`` overrides it (an integer >= 1).
    """
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured.isdigit() and int(configured) >= 1:
        return int(configured)
    return max(1, (cpu_count or os.cpu_count() or 2) // 2)


# --- worker side -------------------------------------------------------------------------------------
def _init_worker(queue: Any, cancelled: Any = None) -> None:
    """Runs once in each worker: remember the progress queue and the cancelled job ids, lower the
    priority, import the engine, and watch the server: a worker whose server was killed ends instead
    of training on for nobody."""
    global _progress_queue, _cancelled
    _progress_queue = queue
    _cancelled = cancelled
    queue.put((_WORKER_STARTED, os.getpid(), 0.0))  # so the server can stop it without private APIs
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    with contextlib.suppress(OSError):  # not permitted here: run at normal priority
        os.nice(WORKER_NICENESS)
    import imbalance_core.learn.training  # noqa: F401  (import once per worker, not per job)


def _exit_with_parent(parent: int, every_seconds: float = 1.0) -> None:
    """Thread in a worker: end the process once its parent (the server) is gone (re-parented)."""
    while os.getppid() == parent:
        time.sleep(every_seconds)
    os._exit(0)


def _run_training(
    job_id: int, data: PreparedData, settings: TrainSettings, scheduler: str | None = None
) -> TrainResult:
    """Worker: train and report progress as ``(job_id, message, fraction)`` on the shared queue.

    scheduler: as for :func:`imbalance_core.learn.training.train`; the server passes it explicitly
    because a worker process keeps the environment it was started with (a scheduler named in
    ``secrets.toml`` after the workers started would otherwise never reach them).
    """
    from imbalance_core.learn.training import train

    def progress(message: str, fraction: float) -> None:
        if _cancelled is not None and job_id in _cancelled[:]:  # asked at every fold: stop here
            raise TrainingCancelledError(CANCELLED_MESSAGE)
        _progress_queue.put((job_id, str(message), float(fraction)))

    progress("Starting", 0.0)
    return train(data, settings, progress=progress, scheduler=scheduler)


# --- server side -------------------------------------------------------------------------------------
_MAIN_LOCK = threading.Lock()


def _alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True


def _run_before_thread_joins(hook: Callable[[], None]) -> None:
    """Run ``hook`` at interpreter exit *before* concurrent.futures joins its workers.

    concurrent.futures waits for running jobs at exit, so a server stopped mid-training would hang
    for minutes; ``atexit`` hooks run only after that wait. CPython's ``threading._register_atexit``
    (used by concurrent.futures itself) runs hooks in registration order before the joins; it is not
    a public API, so where it is missing the hook falls back to ``atexit`` (stopping may then wait).
    """
    register = getattr(threading, "_register_atexit", None)
    if register is None:
        atexit.register(hook)
        return
    register(hook)


@contextlib.contextmanager
def _no_main_module() -> Iterator[None]:
    """While worker processes are started: no ``__main__`` for ``spawn`` to re-run in them.

    ``spawn`` re-runs the parent's ``__main__`` file in every new worker; under ``streamlit run`` that
    is the app script (Streamlit installs each run's script as ``sys.modules["__main__"]``), so every
    worker would run the whole app bare. A module with no file and no spec makes ``spawn`` skip it.
    Streamlit itself replaces ``__main__`` on every run; the previous one is put back afterwards.
    """
    with _MAIN_LOCK:
        saved = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if saved is not None:
                sys.modules["__main__"] = saved


@dataclass(frozen=True)
class JobStatus:
    """What a person waiting for one training is told.

    ``ahead`` is the number of trainings submitted earlier that have not finished (0 once this one
    runs); ``started`` says whether a worker has begun it; ``message``/``fraction`` are its latest
    progress report.
    """

    done: bool
    started: bool
    ahead: int
    message: str
    fraction: float


@dataclass(frozen=True, eq=False)
class TrainingJob:
    """A handle on one submitted training (kept in the submitting person's session only)."""

    job_id: int
    future: Future
    executor: ProcessPoolExecutor | None = None  # the executor it was submitted to


class TrainingPool:
    """A bounded pool of spawned worker processes for :func:`imbalance_core.learn.training.train`.

    Process-wide and shared by all sessions, but it keeps nothing a person could see of another's
    work: a job's data and result travel only through the :class:`TrainingJob` its submitter holds,
    and the pool's own bookkeeping (submission order, latest progress message) is dropped when the job
    ends.
    """

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers or default_workers()
        self._context = multiprocessing.get_context("spawn")
        self._queue = self._context.Queue()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, Future] = {}  # submission order = key order
        self._remote_jobs: set[int] = set()  # pending jobs whose folds run on a Dask cluster
        self._remote_executor: ProcessPoolExecutor | None = None  # their own workers (REMOTE_WORKERS)
        self._progress: dict[int, tuple[str, float]] = {}
        self._worker_pids: set[int] = set()  # every worker process started, as each reported itself
        self._cancelled = self._context.Array("q", _CANCEL_SLOTS)  # job ids; 0 = empty slot
        self._cancel_slots = itertools.count()
        self._executor = self._new_executor()
        threading.Thread(target=self._read_progress, name="training-progress", daemon=True).start()
        _run_before_thread_joins(self.stop_workers)

    def _new_executor(self, max_workers: int | None = None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=max_workers or self.max_workers,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=(self._queue, self._cancelled),
        )

    def warm_up(self) -> None:
        """Start the workers now (their imports take seconds), so the first training does not wait."""
        with _no_main_module():
            for _ in range(self.max_workers):
                self._executor.submit(int)

    def submit(
        self, data: PreparedData, settings: TrainSettings, scheduler: str | None = None
    ) -> TrainingJob:
        """Queue one training; it starts when a worker is free, in submission order.

        scheduler: the Dask scheduler for its folds ("" = this machine; None = the worker's environment).
        A training with a scheduler queues on its own workers (:data:`REMOTE_WORKERS`): it waits on the
        network, and must never make trainings that run here wait behind it.
        """
        remote = bool(scheduler)
        with self._lock:
            job_id = next(self._ids)
            with _no_main_module():  # a submit may start a worker process
                executor = self._lane(remote)
                try:
                    future = executor.submit(_run_training, job_id, data, settings, scheduler)
                except BrokenProcessPool:
                    executor = self._lane(remote, replace=True)
                    future = executor.submit(_run_training, job_id, data, settings, scheduler)
            self._pending[job_id] = future
            if remote:
                self._remote_jobs.add(job_id)
        future.add_done_callback(lambda _f, job_id=job_id: self._forget(job_id))
        return TrainingJob(job_id, future, executor)

    def _lane(self, remote: bool, replace: bool = False) -> ProcessPoolExecutor:
        """The executor for local or Dask trainings (created on first use, or anew); lock held."""
        if not remote:
            if replace:
                self._executor = self._new_executor()
            return self._executor
        if self._remote_executor is None or replace:
            self._remote_executor = self._new_executor(REMOTE_WORKERS)
        return self._remote_executor

    def status(self, job: TrainingJob) -> JobStatus:
        """Where ``job`` stands: finished, running (with its latest progress) or waiting behind others."""
        with self._lock:
            report = self._progress.get(job.job_id)
            remote = job.job_id in self._remote_jobs
            ahead = sum(
                1 for other in self._pending if other < job.job_id and (other in self._remote_jobs) == remote
            )
        done = job.future.done()
        started = report is not None or done
        message, fraction = report if report is not None else ("", 0.0)
        return JobStatus(done, started, 0 if started else ahead, message, fraction)

    def result(self, job: TrainingJob) -> TrainResult:
        """The finished job's result; its :class:`DataError` re-raised; a dead worker said in words.

        A dead worker breaks the whole executor (every later submit would fail too), so the executor
        the job ran on is replaced, unless another caller replaced it already.
        """
        try:
            return job.future.result()
        except BrokenProcessPool as exc:
            with self._lock:
                if self._executor is job.executor:
                    self._executor = self._new_executor()
                elif self._remote_executor is job.executor:
                    self._remote_executor = self._new_executor(REMOTE_WORKERS)
            raise DataError(BROKEN_MESSAGE) from exc

    def cancel(self, job: TrainingJob) -> None:
        """Stop ``job``: a waiting one never starts; a running one stops at its next fold.

        The worker is not killed (that would break the pool and every other person's training in
        it): the training checks its cancellation before each fold and the final fit.
        """
        if job.future.cancel() or job.future.done():
            return
        with self._cancelled.get_lock():
            self._cancelled[next(self._cancel_slots) % _CANCEL_SLOTS] = job.job_id

    def _forget(self, job_id: int) -> None:
        with self._lock:
            self._pending.pop(job_id, None)
            self._remote_jobs.discard(job_id)
            self._progress.pop(job_id, None)

    def _read_progress(self) -> None:
        """Thread: keep each running job's latest progress report."""
        while True:
            try:
                job_id, message, fraction = self._queue.get()
            except (EOFError, OSError):  # the queue was closed at shutdown
                return
            with self._lock:
                if job_id == _WORKER_STARTED:
                    self._worker_pids.add(int(message))
                elif job_id in self._pending:
                    self._progress[job_id] = (message, fraction)

    def worker_pids(self) -> set[int]:
        """Process ids of the workers started so far that are still alive."""
        with self._lock:
            self._worker_pids = {pid for pid in self._worker_pids if _alive(pid)}
            return set(self._worker_pids)

    def stop_workers(self) -> None:
        """End the worker processes now (server shutdown): their trainings are abandoned."""
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)

    def shutdown(self) -> None:
        """Stop the workers (tests); running jobs are cancelled."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._remote_executor is not None:
            self._remote_executor.shutdown(wait=True, cancel_futures=True)


_POOL: TrainingPool | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> TrainingPool:
    """The process's one training pool, created (and warmed up) on first use."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = TrainingPool()
            _POOL.warm_up()
        return _POOL


def wait_for(
    pool: TrainingPool,
    job: TrainingJob,
    on_status: Callable[[JobStatus], None],
    poll_seconds: float = 0.25,
    still_wanted: Callable[[], bool] | None = None,
    grace_seconds: float = 5.0,
) -> TrainResult:
    """Block until ``job`` finishes, calling ``on_status`` on every change; return its result.

    The waiting thread sleeps in :meth:`Future.result`'s wait, so it holds no interpreter lock.
    ``still_wanted``: asked at every poll (the page: "is my browser still connected?"); once it has
    said no for ``grace_seconds`` (a reconnect within that time keeps the job), the job is cancelled
    so the trainings queued behind it do not wait for a result nobody will see, and
    :class:`TrainingCancelledError` is raised.
    """
    last: JobStatus | None = None
    unwanted_since: float | None = None
    while True:
        if still_wanted is not None and not still_wanted():
            unwanted_since = unwanted_since if unwanted_since is not None else time.monotonic()
            if time.monotonic() - unwanted_since >= grace_seconds:
                pool.cancel(job)
                raise TrainingCancelledError(CANCELLED_MESSAGE)
        else:
            unwanted_since = None
        with contextlib.suppress(Exception):  # a timeout; or the job's error, re-raised by pool.result
            job.future.result(timeout=poll_seconds)
        status = pool.status(job)
        if status != last:
            on_status(status)
            last = status
        if status.done:
            return pool.result(job)


def queue_message(status: JobStatus) -> str:
    """The sentence shown while a training waits: "2 trainings ahead of yours".

    With none ahead it has not started only because the worker process is starting (its imports
    take seconds) or receiving the data; "0 trainings ahead ... others are training" said otherwise.
    """
    if status.ahead <= 0:
        return "Starting the training process (loading its libraries and your data)…"
    if status.ahead == 1:
        return "Waiting: 1 training ahead of yours (others are training on this server)."
    return f"Waiting: {status.ahead} trainings ahead of yours (others are training on this server)."
