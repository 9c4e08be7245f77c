"""Which data and task the session works on: the default at start, a bundled set, an upload, a changed task.

Every switch ends in the new data or a remembered message, and drops the results that belong to the old
data; why the label and positive class were guessed is kept with the source they were guessed for.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.intake import bundled, label_guess, memory_room, task
from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData, TaskSpec
from pages.core_cache import _prepare, _read_bundled, _read_uploaded
from pages.session_state import (
    DEFAULT_BUNDLED,
    K_COMPARE_RESULT,
    K_GUESS,
    K_LAST_ERROR,
    K_PREPARED,
    K_PRETEST,
    K_PREVALENCE,
    K_RELOADED,
    K_SOURCE,
    K_SPEC,
    K_TABLE,
    K_THRESHOLD,
    K_THRESHOLD_ORIGIN,
    K_TRAIN_CACHE,
    K_TRAIN_RESULT,
    WORK_MARK,
    current_table,
    remember_error,
    remember_notice,
)


# --- state set-up --------------------------------------------------------------------------------
def init_state() -> None:
    """Load the default bundled data set and its task the first time a session runs.

    A first run whose address still carries :data:`~pages.session_state.WORK_MARK` is a reload (or a
    reopened address) of a tab that held work: that work is gone (it lives only in the session), so it
    is said.
    """
    if K_PREPARED in st.session_state:
        return
    if st.query_params.get(WORK_MARK) is not None:
        st.session_state[K_RELOADED] = True
        del st.query_params[WORK_MARK]
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
    """Read an uploaded file and switch to it with the guessed label and positive class.

    Every upload ends in the new data or a message: on a :class:`DataError` the message is remembered
    for display and everything already loaded (data, task, trained results) stays as it was; the same
    content again changes nothing and says so.
    """
    sha = hashlib.sha256(raw).hexdigest()
    if st.session_state.get(K_SOURCE) == f"upload:{sha}":
        remember_notice(
            f"'{name}' has the same content as the file already loaded; nothing changed."
            if name != current_table().name
            else f"'{name}' is already loaded; nothing changed."
        )
        return False
    try:
        memory_room.check_room_to_read(len(raw), memory_room.available_memory())
        table = _read_uploaded(sha, raw, name)
        guess = label_guess.guess_label(table)
        spec = task.TaskSpec(label=guess.label, positive=guess.positive)
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(DataError(f"'{name}' was not loaded: {exc} The previous data stay in use."))
        return False
    _set_data(table, f"upload:{sha}", spec, prepared)
    st.session_state[K_GUESS] = (f"upload:{sha}", guess, guess.positive_reasons)
    return True


def upload_limit_help() -> str:
    """The size limit in words, and what an HTTP error from the upload means.

    A file above the limit that the browser's own check misses (or a proxy in front of the server with
    a smaller limit) fails before any Python runs, and the uploader then shows only "Request failed with
    status code 413". Python cannot replace that text, so every uploader's help says what it means.
    """
    limit = int(st.get_option("server.maxUploadSize"))
    return (
        f'Files up to {limit} MB. If the uploader says "status code 413", the file is larger than this '
        "server (or a proxy in front of it) accepts: upload a smaller extract or ask whoever runs the "
        "server. Other status codes mean the connection to the server failed: reload and try again."
    )


def default_label(table: LoadedTable) -> str:
    """The label column a clinician would pick (:func:`imbalance_core.intake.label_guess.guess_label`)."""
    return label_guess.guess_label(table).label


def current_guess() -> tuple[label_guess.LabelGuess | None, tuple[str, ...]]:
    """Why the current label and positive were chosen: (the label guess of an upload or None when the
    person chose the label, reasons for the positive). Empty for bundled sets (their task is documented)."""
    stored = st.session_state.get(K_GUESS)
    if not stored or stored[0] != st.session_state.get(K_SOURCE):
        return None, ()
    return stored[1], stored[2]


def remember_positive_reasons(guess: label_guess.LabelGuess | None, reasons: tuple[str, ...]) -> None:
    """Keep why the positive class was chosen for the current source (after the person chose a label)."""
    st.session_state[K_GUESS] = (st.session_state.get(K_SOURCE), guess, reasons)


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
    st.session_state.pop(K_GUESS, None)
    _forget_results()


def _forget_results() -> None:
    """Results shown on later pages describe the old data: remove them (the cache keeps them keyed)."""
    for key in (K_TRAIN_RESULT, K_THRESHOLD, K_THRESHOLD_ORIGIN, K_COMPARE_RESULT, K_PREVALENCE, K_PRETEST):
        st.session_state.pop(key, None)
