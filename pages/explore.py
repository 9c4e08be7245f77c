"""Explore page: the training rows before and after resampling, on one PCA or UMAP map.

Widgets only. The rows come from :func:`imbalance_core.learn.training.resample_for_view` (same split, same
preprocessing, same sampler as training) and the map from
:func:`imbalance_core.maps.projection.project_resampled`.

UMAP never blocks the page: it runs on a background thread (one shared worker) while a small fragment
polls it every half second and shows progress; the PCA picture is drawn meanwhile and every other
widget stays usable. The first UMAP in a server process needs UMAP's numba code: loaded from the disk
cache (:mod:`imbalance_core.maps.numba_cache`, about 7 s) or, once per installation, compiled (about 100 s);
app start-up does that in the background (:mod:`imbalance_core.maps.umap_warmup`), and while a map waits
for it the progress line says which, with the measured time of the last warm-up of that kind. Finished
embeddings are kept per session by (data hash, settings), so switching back is instant.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.evaluation import page_sentences
from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.projection import resampled_projection_figure
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.samplers import SAMPLERS
from imbalance_core.learn.training import ResampleView, TrainSettings
from imbalance_core.maps import umap_warmup
from imbalance_core.maps.projection import (
    METHODS,
    UMAP_EPOCH_CHOICES,
    UMAP_EPOCHS,
    ResampledProjection,
    hover_columns,
    project_resampled,
    umap_progress,
)
from pages import command_block, core_cache, gc_freeze, kept_inputs, plain_text, session_state

#: Target minority:majority ratios offered (as on the Train page), label -> ratio.
RATIOS: dict[str, float] = {"1:4": 1 / 4, "1:3": 1 / 3, "1:2": 1 / 2, "1:1": 1.0}
DIMENSIONS = {"2-D": 2, "3-D": 3}
W_SAMPLER, W_RATIO = "explore_sampler", "explore_ratio"
W_METHOD, W_DIMS = "explore_method", "explore_dims"
W_NEIGHBOURS, W_MIN_DIST = "explore_n_neighbors", "explore_min_dist"
W_EPOCHS = "explore_n_epochs"
KEPT = (W_SAMPLER, W_RATIO, W_METHOD, W_DIMS, W_NEIGHBOURS, W_MIN_DIST, W_EPOCHS)  # kept_inputs.keep_inputs
K_UMAP_JOBS = "explore_umap_jobs"  # {job key: UmapJob} running or finished in this session
K_UMAP_DONE = "explore_umap_done"  # {job key: ResampledProjection}, most recent last
UMAP_KEEP = 6
POLL_SECONDS = 0.5


@dataclass
class UmapJob:
    """One UMAP running on the worker thread; ``stages`` receives its progress sentences and
    ``passes`` the (done, total) layout passes UMAP reports (fit first, then placing)."""

    future: Future
    places: bool
    started: float = field(default_factory=time.monotonic)
    stages: list[str] = field(default_factory=list)
    passes: list[tuple[int, int]] = field(default_factory=list)


# --- cached core calls ---------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=16)
def _pca(
    data_key: str, settings: TrainSettings, dims: int, hover: tuple[int, ...], _view: ResampleView
) -> ResampledProjection:
    """PCA picture once per (data, settings, dimensions)."""
    return project_resampled(_view, "pca", dims, seed=settings.seed, hover_features=hover)


@st.cache_resource(show_spinner=False)
def _umap_worker() -> ThreadPoolExecutor:
    """One worker thread per server for UMAP (two cores: running several at once only slows all)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="explore-umap")


# --- UMAP in the background ----------------------------------------------------------------------
def _run_umap(
    view: ResampleView,
    params: dict[str, Any],
    seed: int,
    hover: tuple[int, ...],
    stages: list[str],
    passes: list[tuple[int, int]],
) -> ResampledProjection:
    """Worker body: wait for the start-up compile if it is still running, then embed, recording the
    layout passes done (``passes``) as UMAP reports them."""
    if umap_warmup.warmup_status().state == "running":
        stages.append(WARMUP_STAGE)
        umap_warmup.wait_until_warm()
    result = project_resampled(
        view,
        "umap",
        2,
        params=params,
        seed=seed,
        hover_features=hover,
        progress=stages.append,
        on_epoch=lambda done, total: passes.append((done, total)),
    )
    if umap_warmup.warmup_status().state == "idle":  # warm-up switched off: this run compiled UMAP
        gc_freeze.freeze_after_first_umap()
    return result


def _remember(done: dict[tuple, ResampledProjection], key: tuple, result: ResampledProjection) -> None:
    """Keep a finished picture, dropping the least recently used beyond :data:`UMAP_KEEP`."""
    done.pop(key, None)
    done[key] = result
    while len(done) > UMAP_KEEP:
        done.pop(next(iter(done)))


def _harvest(jobs: dict[tuple, UmapJob], done: dict[tuple, ResampledProjection], current: tuple) -> None:
    """Move finished jobs' pictures into ``done``; cancel queued jobs for settings no longer shown.

    A failed job for the current settings stays, so its error is raised on the page thread.
    """
    for key, job in list(jobs.items()):
        if key != current and job.future.cancel():  # only succeeds while still queued
            del jobs[key]
        elif job.future.done() and (key != current or job.future.exception() is None):
            del jobs[key]
            if not job.future.cancelled() and job.future.exception() is None:
                _remember(done, key, job.future.result())


def _umap_result(
    job_key: tuple, view: ResampleView, params: dict[str, Any], seed: int, hover: tuple[int, ...]
) -> ResampledProjection | UmapJob:
    """The finished UMAP picture for ``job_key``, or the job computing it (started if needed)."""
    done: dict[tuple, ResampledProjection] = st.session_state.setdefault(K_UMAP_DONE, {})
    jobs: dict[tuple, UmapJob] = st.session_state.setdefault(K_UMAP_JOBS, {})
    _harvest(jobs, done, job_key)
    if job_key in done:
        _remember(done, job_key, done[job_key])
        return done[job_key]
    job = jobs.get(job_key)
    if job is None:
        stages: list[str] = []
        passes: list[tuple[int, int]] = []
        future = _umap_worker().submit(_run_umap, view, params, seed, hover, stages, passes)
        places = bool(np.any(view.is_synthetic))
        job = jobs[job_key] = UmapJob(future=future, places=places, stages=stages, passes=passes)
    if not job.future.done():
        return job
    del jobs[job_key]
    result = job.future.result()  # a DataError surfaces here, on the page thread
    _remember(done, job_key, result)
    return result


#: The stage of a map that waits for the start-up warm-up; its sentence is made afresh at every poll.
WARMUP_STAGE = "warm-up"


def progress_text(job: UmapJob, now: float | None = None) -> tuple[float, str]:
    """Fraction done (:func:`imbalance_core.maps.projection.umap_progress`: the layout passes UMAP really
    finished) and a sentence with the stage, the pass count and the elapsed seconds."""
    elapsed = (time.monotonic() if now is None else now) - job.started
    stage = job.stages[-1] if job.stages else "Waiting for the UMAP worker (another map is being drawn)"
    if not job.future.running() and not job.future.done():
        stage = "Waiting for the UMAP worker (another map is being drawn)"
    if stage == WARMUP_STAGE:
        return 0.0, umap_warmup.warmup_sentence(umap_warmup.warmup_status())
    passes = list(job.passes)
    fraction = umap_progress(passes, stage.startswith("Placing"), job.places)
    if not passes:
        return fraction, f"{stage}… {elapsed:.0f} s"
    done, total = passes[-1]
    return fraction, f"{stage}: layout pass {done} of {total}… {elapsed:.0f} s"


@st.fragment(run_every=POLL_SECONDS)
def _umap_progress(job_key: tuple) -> None:
    """Poll the running UMAP; rerun the page when it is done (the rest of the page stays usable)."""
    job = st.session_state.get(K_UMAP_JOBS, {}).get(job_key)
    if job is None or job.future.done():
        st.rerun()
    fraction, text = progress_text(job)
    st.progress(fraction, text=text)


# --- widgets -------------------------------------------------------------------------------------
def _ratio_label(ratio: float) -> str:
    """The offered ratio label nearest to ``ratio``."""
    return min(RATIOS, key=lambda label: abs(RATIOS[label] - ratio))


def _init_widgets(base: TrainSettings) -> None:
    """Start from the Train page's last settings the first time this page is drawn."""
    defaults = {
        W_SAMPLER: base.sampler if base.sampler in SAMPLERS else "none",
        W_RATIO: _ratio_label(base.ratio),
        W_METHOD: "pca",
        W_DIMS: "2-D",
        W_NEIGHBOURS: 15,
        W_MIN_DIST: 0.1,
        W_EPOCHS: UMAP_EPOCHS,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def _controls(base: TrainSettings) -> tuple[TrainSettings, str, int, dict[str, Any]]:
    """Draw the controls; return (settings for resampling, method, dimensions, method params)."""
    left, middle, right = st.columns([2, 2, 3], gap="large")
    with left:
        sampler = st.selectbox(
            "Resampling method",
            list(SAMPLERS),
            key=W_SAMPLER,
            format_func=lambda k: SAMPLERS[k].name,
            help="Starts from the method last used on the Train page.",
        )
        spec = SAMPLERS[sampler]
        ratio = st.select_slider(
            "Target ratio rare : common", list(RATIOS), key=W_RATIO, disabled=not spec.uses_ratio
        )
    with middle:
        method = (
            st.segmented_control(
                "Projection",
                list(METHODS),
                key=W_METHOD,
                required=True,
                format_func=lambda k: METHODS[k].name,
            )
            or "pca"
        )
        st.caption(METHODS[method].description)
    with right:
        params: dict[str, Any] = {}
        if method == "pca":
            dims = DIMENSIONS[st.radio("Dimensions", list(DIMENSIONS), key=W_DIMS, horizontal=True)]
        else:
            dims = 2
            params["n_neighbors"] = st.slider(
                "Neighbours (n_neighbors)",
                2,
                100,
                key=W_NEIGHBOURS,
                help="Small: local detail; large: the overall shape.",
            )
            params["min_dist"] = st.slider(
                "Minimum distance (min_dist)",
                0.0,
                0.99,
                step=0.01,
                key=W_MIN_DIST,
                help="Small: tight clumps; large: evenly spread.",
            )
            params["n_epochs"] = st.select_slider(
                "Layout passes (n_epochs)",
                list(UMAP_EPOCH_CHOICES),
                key=W_EPOCHS,
                help="More passes settle the layout further but take longer: 200 is UMAP's own choice for "
                "large data (about 1.5 s per 5,000 rows here), 500 its choice for small data.",
            )
    settings = replace(base, sampler=sampler, ratio=RATIOS[ratio])
    return settings, method, dims, params


def _counts(result: ResampledProjection) -> None:
    """Rows of each kind, in numbers."""
    c = result.counts
    cols = st.columns(5)
    cols[0].metric("Real training rows", f"{c.real:,}")
    cols[1].metric("Kept", f"{c.kept:,}")
    cols[2].metric("Removed by the sampler", f"{c.removed:,}")
    cols[3].metric("Synthetic", f"{c.synthetic:,}")
    cols[4].metric("After resampling", f"{c.after:,}")


def loadings_frame(result: ResampledProjection) -> pd.DataFrame:
    """One row per principal component: explained variance and the top loadings by feature."""
    rows = []
    for i, (ratio, loads) in enumerate(zip(result.explained_variance_ratio, result.loadings, strict=True)):
        top = ", ".join(f"{ld.feature} ({ld.weight:+.2f})" for ld in loads)
        rows.append({"Component": f"PC{i + 1}", "Explained variance": percent(ratio), "Top loadings": top})
    return pd.DataFrame(rows)


def _draw(result: ResampledProjection, data: PreparedData, sampler: str) -> None:
    """Counts, the chart, and (PCA) the explained variance and loadings."""
    _counts(result)
    figure = resampled_projection_figure(result, data.class_names, SAMPLERS[sampler].name)
    st.plotly_chart(figure, theme=None, key=f"explore_chart_{result.method}")
    c = result.counts
    st.caption(
        plain_text.plain(
            page_sentences.projection_sentence(
                c.real, c.removed, c.synthetic, c.after, SAMPLERS[sampler].name
            )
        )
    )
    if result.method == "pca":
        st.caption(
            "Explained variance and the features that weigh most in each component "
            "(features standardised with the real training rows)."
        )
        st.dataframe(loadings_frame(result), hide_index=True)
        st.caption(page_sentences.loadings_sentence(result.explained_variance_ratio))
    else:
        settings = ", ".join(f"{name} = {value}" for name, value in result.params)
        st.caption(
            "UMAP keeps neighbours together; distances between groups and the axes mean little. "
            "Synthetic rows are placed by UMAP's transform of the map fitted on the real rows. "
            f"Settings: {settings}."
        )


def _cli_line(settings: TrainSettings, method: str, dims: int, params: dict[str, Any]) -> None:
    """The ``project`` command that draws the same picture (and writes its points and figure)."""
    command_block.equivalent_command(
        lambda file_arg, spec: command_lines.project_command(file_arg, spec, settings, method, dims, params)
    )


def main() -> None:
    """Draw the page."""
    st.title("Explore")
    st.caption(
        "Where do synthetic patients land, and which real patients did the sampler drop? "
        "Both panels share one map fitted on the real training rows."
    )
    data = session_state.require_data()
    base = st.session_state.get(session_state.K_TRAIN_SETTINGS) or TrainSettings()
    kept_inputs.keep_inputs("explore", KEPT, scope=session_state.data_key())
    _init_widgets(base)
    settings, method, dims, params = _controls(base)
    kept_inputs.remember_inputs("explore", KEPT, scope=session_state.data_key())
    key = session_state.data_key()
    try:
        with st.spinner("Resampling the training part for the map…", show_time=True):
            view = core_cache.resample_view(data, settings)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    for notice in view.notices:
        st.info(plain_text.plain(notice), icon=":material/info:")
    hover = hover_columns(view, data.numeric_features)
    try:
        if method == "pca":
            _draw(_pca(key, settings, dims, hover, view), data, settings.sampler)
            _cli_line(settings, method, dims, params)
            return
        job_key = (key, settings, tuple(sorted(params.items())))
        outcome = _umap_result(job_key, view, params, settings.seed, hover)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    # UmapJob is redefined on every run of this page script, so test for the core's result class
    if not isinstance(outcome, ResampledProjection):
        st.info(
            "UMAP is being computed in the background; the PCA picture is shown meanwhile and the "
            "other settings stay usable.",
            icon=":material/hourglass_top:",
        )
        _umap_progress(job_key)
        _draw(_pca(key, settings, 2, hover, view), data, settings.sampler)
    else:
        _draw(outcome, data, settings.sampler)
    _cli_line(settings, method, dims, params)


main()
