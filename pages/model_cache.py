"""The session's trained models: train once per (data, settings), in a worker process, kept per session.

Kept in ``st.session_state`` rather than ``st.cache_resource``, so one person's patients' model is never
handed to another session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from pages import cluster_view
from pages.session_state import (
    K_TRAIN_CACHE,
    K_TRAIN_JOBS,
    K_TRAIN_RESULT,
    K_TRAIN_SETTINGS,
    data_key,
    require_data,
)
from pages.sidebar import refresh_sidebar
from pages.threshold_state import committed_threshold, model_key

if TYPE_CHECKING:
    from imbalance_core.intake.task import PreparedData
    from imbalance_core.learn.training import TrainResult, TrainSettings


#: Trained results kept per session; older ones are dropped first (each holds a fitted pipeline).
TRAIN_CACHE_SIZE = 8


def train_cached(
    settings: TrainSettings, progress: Callable[[str, float], None] | None = None, local: bool = False
) -> TrainResult:
    """Train once per (data, settings) in this session; revisiting the same settings is instant.

    Kept in ``st.session_state`` rather than ``st.cache_resource`` so one person's patients'
    model is never handed to another session, and so a progress callback can draw this run's bar.
    The fit itself runs in a worker process (:func:`_train_in_worker`); ``local``: the person chose
    to run on this machine after the Dask scheduler could not be reached (still in a worker process).
    """
    cache: dict[tuple[str, Any], TrainResult] = st.session_state.setdefault(K_TRAIN_CACHE, {})
    key = (data_key(), settings)
    if key in cache:
        result = cache.pop(key)  # re-insert: most recently used last
    else:
        data = require_data()
        result = _train_in_worker(key, data, settings, progress, local)
    cache[key] = result
    while len(cache) > TRAIN_CACHE_SIZE:
        cache.pop(next(iter(cache)))
    changed = st.session_state.get(K_TRAIN_RESULT) is not result
    st.session_state[K_TRAIN_SETTINGS] = settings
    st.session_state[K_TRAIN_RESULT] = result
    committed_threshold(model_key(settings))  # a threshold chosen for another model goes
    if changed:
        refresh_sidebar()  # the sidebar was drawn before this run trained: show the new model now
    return result


# --- training in worker processes ---------------------------------------------------------------
def _train_in_worker(
    key: tuple[str, Any],
    data: PreparedData,
    settings: TrainSettings,
    progress: Callable[[str, float], None] | None,
    local: bool = False,
) -> TrainResult:
    """Run :func:`imbalance_core.learn.training.train` in the shared worker pool and wait for it here.

    The server's interpreter only waits (asleep, holding no lock), so other people's pages stay quick
    while this fit runs (bench/train_load.py). While it waits behind other trainings, ``progress``
    gets "N trainings ahead of yours"; then the fit's own fold messages. A rerun while waiting (the
    person changed a widget) leaves the job running: it is kept in this session (``K_TRAIN_JOBS``)
    and the next call for the same key picks it up instead of starting another.
    ``IMBALANCE_LAB_TRAIN_WORKERS=0`` trains in this process (debugging).
    The Dask scheduler (environment or ``secrets.toml``; "" when ``local``) is passed to the worker
    explicitly: a worker process keeps the environment it was started with.
    """
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from imbalance_core.learn import workers
    from imbalance_core.learn.training import train

    scheduler = "" if local else cluster_view.configured_scheduler()
    if workers.in_process():
        return train(data, settings, progress=progress, scheduler=scheduler)
    jobs: dict[tuple[str, Any], workers.TrainingJob] = st.session_state.setdefault(K_TRAIN_JOBS, {})
    pool = workers.shared_pool()
    job = jobs.get(key)
    if job is None:
        job = jobs[key] = pool.submit(data, settings, scheduler)

    def on_status(status: workers.JobStatus) -> None:
        if progress is None:
            return
        if not status.started:
            progress(workers.queue_message(status), 0.0)
        elif status.message:
            progress(status.message, status.fraction)

    try:
        return workers.wait_for(pool, job, on_status, still_wanted=_browser_connected())
    except StopException:  # the person pressed Stop, or the session ended: nobody waits for it
        pool.cancel(job)
        raise
    finally:
        if job.future.done():
            jobs.pop(key, None)


def _browser_connected() -> Callable[[], bool]:
    """Whether this session's browser is still connected, for a training's wait (issue 31: a training
    abandoned by a reload ran on while the next person's waited). Always yes where there is no
    connected session to ask about (AppTest, a bare script run)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists() or not Runtime.instance().is_active_session(ctx.session_id):
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


def is_trained(settings: TrainSettings) -> bool:
    """True when this session already holds a result for (current data, settings)."""
    return (data_key(), settings) in st.session_state.get(K_TRAIN_CACHE, {})
