"""The one place for session-state keys and the cached wrappers around the core.

Pages read and write the user's choices only through the names here, so a choice made on one page
is seen by every other page and survives reruns. Per-user state lives in ``st.session_state``;
what ``st.cache_resource`` returns is shared by every session and is never mutated.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import streamlit as st

from imbalance_core import bundled, dataset
from imbalance_core.data import LoadedTable, read_table
from imbalance_core.dataset import PreparedData, TaskSpec
from imbalance_core.errors import DataError

if TYPE_CHECKING:
    from imbalance_core.training import TrainResult, TrainSettings

# --- session-state keys -------------------------------------------------------------------------
K_TABLE = "table"  # LoadedTable: what was read (bundled set or upload)
K_SOURCE = "source"  # "bundled:<key>" or "upload:<sha256>"
K_SPEC = "task_spec"  # TaskSpec: label, positive classes, ignored classes, column overrides
K_PREPARED = "prepared"  # PreparedData built from K_TABLE and K_SPEC
K_LAST_ERROR = "last_error"  # the last DataError sentence, shown once on the Data page
K_TRAIN_SETTINGS = "train_settings"  # TrainSettings last used on the Train page
K_TRAIN_RESULT = "train_result"  # TrainResult of the latest training run
K_TRAIN_CACHE = "train_cache"  # {(data_key, settings): TrainResult} for this session
K_THRESHOLD = "threshold"  # committed decision threshold (float) from the Threshold page
K_COMPARE_RESULT = "compare_result"  # CompareResult of the latest Compare run
K_PREVALENCE = "deployment_prevalence"  # deployment prevalence (fraction) last set on the Threshold page

DEFAULT_BUNDLED = "hcv"
#: Trained results kept per session; older ones are dropped first (each holds a fitted pipeline).
TRAIN_CACHE_SIZE = 8


# --- cached core calls (content-keyed: never rely on Streamlit hashing a big frame) --------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _read_uploaded(sha256: str, _raw: bytes, name: str) -> LoadedTable:
    """Parse an upload once per distinct content (keyed on its SHA-256, not a sampled frame hash)."""
    return read_table(_raw, name=name)


@st.cache_resource(show_spinner=False)
def _read_bundled(key: str) -> LoadedTable:
    """Parse a bundled data set once per process."""
    return bundled.load_bundled(key)


@st.cache_resource(show_spinner=False, max_entries=16)
def _prepare(table_sha: str, spec: TaskSpec, _table: LoadedTable) -> PreparedData:
    """Build features and label for a task; keyed on the table's content hash and the spec."""
    return dataset.prepare(_table, spec)


# --- state set-up --------------------------------------------------------------------------------
def init_state() -> None:
    """Load the default bundled data set and its task the first time a session runs."""
    if K_PREPARED in st.session_state:
        return
    table = _read_bundled(DEFAULT_BUNDLED)
    st.session_state[K_TABLE] = table
    st.session_state[K_SOURCE] = f"bundled:{DEFAULT_BUNDLED}"
    spec = bundled.BUNDLED[DEFAULT_BUNDLED].default_spec
    st.session_state[K_SPEC] = spec
    st.session_state[K_PREPARED] = _prepare(table.sha256, spec, table)
    st.session_state[K_TRAIN_CACHE] = {}


def use_bundled(key: str) -> bool:
    """Switch to a bundled data set with its default task. False (state unchanged) on failure."""
    try:
        table = _read_bundled(key)
        spec = bundled.BUNDLED[key].default_spec
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(exc)
        return False
    _set_data(table, f"bundled:{key}", spec, prepared)
    return True


def use_upload(raw: bytes, name: str) -> bool:
    """Read an uploaded file and switch to it with its default task.

    On a :class:`DataError` the message is remembered for display and everything already loaded
    (data, task, trained results) stays as it was.
    """
    sha = hashlib.sha256(raw).hexdigest()
    if st.session_state.get(K_SOURCE) == f"upload:{sha}":
        return True
    try:
        table = _read_uploaded(sha, raw, name)
        label = default_label(table)
        spec = dataset.default_spec(table, label)
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(exc)
        return False
    _set_data(table, f"upload:{sha}", spec, prepared)
    return True


def default_label(table: LoadedTable) -> str:
    """Guess the label column of an upload: the last column with few distinct values, else the last."""
    frame = table.frame
    for col in reversed(frame.columns):
        n = frame[col].nunique(dropna=True)
        if 2 <= n <= 10:
            return str(col)
    return str(frame.columns[-1])


def set_task(spec: TaskSpec) -> bool:
    """Apply a changed task (label, positives, columns). False and state unchanged on failure."""
    table: LoadedTable = st.session_state[K_TABLE]
    try:
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(exc)
        return False
    st.session_state[K_SPEC] = spec
    st.session_state[K_PREPARED] = prepared
    _forget_results()
    return True


def _set_data(table: LoadedTable, source: str, spec: TaskSpec, prepared: PreparedData) -> None:
    """Replace the current data and task, and drop results that belong to the old data."""
    st.session_state[K_TABLE] = table
    st.session_state[K_SOURCE] = source
    st.session_state[K_SPEC] = spec
    st.session_state[K_PREPARED] = prepared
    st.session_state.pop(K_LAST_ERROR, None)
    _forget_results()


def _forget_results() -> None:
    """Results shown on later pages describe the old data: remove them (the cache keeps them keyed)."""
    for key in (K_TRAIN_RESULT, K_THRESHOLD, K_COMPARE_RESULT, K_PREVALENCE):
        st.session_state.pop(key, None)


def remember_error(exc: DataError) -> None:
    """Keep a person-facing error sentence so the page can show it after the rerun."""
    st.session_state[K_LAST_ERROR] = str(exc)


def show_error(exc: DataError | str) -> None:
    """Show a person-facing error sentence (never a traceback, never a cell value)."""
    st.error(str(exc), icon=":material/error:")


def pop_error() -> str | None:
    """The remembered error sentence, removed so it is shown once."""
    return st.session_state.pop(K_LAST_ERROR, None)


# --- accessors used by every page ---------------------------------------------------------------
def current_table() -> LoadedTable | None:
    """The table that was read (bundled or uploaded)."""
    return st.session_state.get(K_TABLE)


def current_spec() -> TaskSpec | None:
    """The task chosen on the Data page."""
    return st.session_state.get(K_SPEC)


def current_data() -> PreparedData | None:
    """Features and label of the current task, or None before any data is loaded."""
    return st.session_state.get(K_PREPARED)


def require_data() -> PreparedData:
    """The current task's data; stops the page with a pointer to the Data page when there is none."""
    data = current_data()
    if data is None:
        st.info("Load a data set on the Data page first (in the menu on the left).")
        st.stop()
    return data


def data_key() -> str:
    """SHA-256 of the source bytes and the task spec: the cache key part that names the data."""
    table = current_table()
    spec = current_spec()
    if table is None or spec is None:
        return ""
    payload = json.dumps({"sha": table.sha256, "spec": asdict(spec)}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def train_cached(
    settings: TrainSettings, progress: Callable[[str, float], None] | None = None
) -> TrainResult:
    """Train once per (data, settings) in this session; revisiting the same settings is instant.

    Kept in ``st.session_state`` rather than ``st.cache_resource`` so one person's patients'
    model is never handed to another session, and so a progress callback can draw this run's bar.
    """
    from imbalance_core.training import train

    cache: dict[tuple[str, Any], TrainResult] = st.session_state.setdefault(K_TRAIN_CACHE, {})
    key = (data_key(), settings)
    if key in cache:
        result = cache.pop(key)  # re-insert: most recently used last
    else:
        data = require_data()
        result = train(data, settings, progress=progress)
    cache[key] = result
    while len(cache) > TRAIN_CACHE_SIZE:
        cache.pop(next(iter(cache)))
    st.session_state[K_TRAIN_SETTINGS] = settings
    st.session_state[K_TRAIN_RESULT] = result
    return result


def is_trained(settings: TrainSettings) -> bool:
    """True when this session already holds a result for (current data, settings)."""
    return (data_key(), settings) in st.session_state.get(K_TRAIN_CACHE, {})


# --- chrome shared by all pages -----------------------------------------------------------------
def sidebar_status() -> None:
    """A short status of the current data and model in the sidebar."""
    data = current_data()
    with st.sidebar:
        if data is None:
            st.caption("No data loaded.")
            return
        counts = data.class_counts
        st.caption("Current data")
        st.text(data.name)
        st.text(f"{len(data.y):,} rows · {len(data.X.columns)} features")
        if data.is_binary:
            st.text(f"Positive: {data.positive_name} ({counts[data.positive_name]:,})")
        else:
            st.text(f"{len(data.class_names)} classes (multi-class)")
        if K_TRAIN_RESULT in st.session_state:
            settings = st.session_state.get(K_TRAIN_SETTINGS)
            if settings is not None:
                st.text(f"Model: {settings.sampler} + {settings.classifier}")
        if K_THRESHOLD in st.session_state:
            st.text(f"Threshold: {st.session_state[K_THRESHOLD]:.3f}")


_FROZEN = False


def after_first_run() -> None:
    """Move everything allocated by the heavy imports out of the garbage collector's way, once.

    Streamlit runs ``gc.collect()`` after every script run; with pandas, scikit-learn and plotly
    loaded, that full collection blocks the server for tens of milliseconds each time. Objects that
    live for the whole process (modules, classes, the bundled tables) are frozen after the first
    run so later collections only walk what a run allocated (see bench/slider_latency.py).
    """
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN = True
