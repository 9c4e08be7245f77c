"""Session-state keys and the accessors every page reads the current data through.

Pages read and write the person's choices only through these names, so a choice made on one page is seen
by every other page and survives reruns. Per-user state lives in ``st.session_state`` (never in module
globals: several people share one server). The key strings are stable: saved sessions and tests use them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData, TaskSpec

# --- session-state keys -------------------------------------------------------------------------
K_TABLE = "table"  # LoadedTable: what was read (bundled set or upload)
K_SOURCE = "source"  # "bundled:<key>" or "upload:<sha256>"
K_SPEC = "task_spec"  # TaskSpec: label, positive classes, ignored classes, column overrides
K_PREPARED = "prepared"  # PreparedData built from K_TABLE and K_SPEC
K_LAST_ERROR = "last_error"  # the last DataError sentence, shown once on the Data page
K_LAST_NOTICE = "last_notice"  # the last plain notice (e.g. "this file is already loaded"), shown once
K_GUESS = "label_guess"  # (source, LabelGuess | None, positive reasons): why this label and positive
K_TRAIN_SETTINGS = "train_settings"  # TrainSettings last used on the Train page
K_TRAIN_RESULT = "train_result"  # TrainResult of the latest training run
K_TRAIN_CACHE = "train_cache"  # {(data_key, settings): TrainResult} for this session
K_TRAIN_JOBS = "train_jobs"  # {(data_key, settings): TrainingJob} submitted to the worker pool, not yet taken
K_THRESHOLD = "threshold"  # committed decision threshold (float) from the Threshold page
K_COMPARE_RESULT = "compare_result"  # CompareResult of the latest Compare run
K_PREVALENCE = "deployment_prevalence"  # deployment prevalence (fraction) last set on the Threshold page
K_PRETEST = "typed_pretest"  # pre-test probability (fraction) last typed in the Threshold explorer
# Threshold page inputs kept across page changes (see persist); each holds (scope, value).
K_THR_CLASS = "threshold_class"  # class judged one vs the rest (index), scope: data_key()
K_THR_PREVALENCE = "threshold_prevalence_pct"  # + ":<class index>": deployment prevalence (%), scope: data
K_THR_COST = "threshold_cost_ratio"  # FN:FP cost ratio of the lowest-cost suggestion, no scope
K_THR_TARGET = "threshold_target_sensitivity"  # target of the screening suggestion, no scope
K_THR_BETA = "threshold_beta"  # beta of the F-beta suggestion, no scope
K_THRESHOLD_MODEL = "threshold_model"  # model (data key + settings) that K_THRESHOLD was chosen for
K_THRESHOLD_ORIGIN = "threshold_origin"  # how K_THRESHOLD was chosen, in words (with K_THRESHOLD)
K_THRESHOLD_DEFAULT = "threshold_default"  # (TrainResult, ChosenThreshold): the default, computed once
K_RELOADED = "reloaded_with_work"  # True in a session that began as a reload of a tab holding work
#: Query parameter present in the address while the session holds the person's own work (an upload, a
#: changed task, a trained model). It carries no data; a reload keeps it, so the new, empty session can
#: say what was lost instead of silently showing the bundled data again.
WORK_MARK = "work"
K_THR_MODE = "threshold_mode"  # "single" cut-off or "rule" (rule-out / rule-in), Threshold page, no scope
K_RULE = "threshold_rule"  # {"model", "low", "high", "origin"}: committed two-cut-off rule of one model

DEFAULT_BUNDLED = "hcv"


#: Prefix of the session-state keys that hold a page's kept inputs (see pages.kept_inputs.keep_inputs).
K_KEPT_INPUTS = "kept_inputs:"
K_SIDEBAR_SLOT = "sidebar_status_slot"  # this run's sidebar placeholder (see pages.sidebar.refresh_sidebar)


# --- errors and notices, shown once after the rerun -----------------------------------------------
def remember_error(exc: DataError) -> None:
    """Keep a person-facing error sentence so the page can show it after the rerun."""
    st.session_state[K_LAST_ERROR] = str(exc)


def remember_notice(text: str) -> None:
    """Keep a plain notice (not an error) so the page can show it once after the rerun."""
    st.session_state[K_LAST_NOTICE] = text


def pop_notice() -> str | None:
    """The remembered notice, removed so it is shown once."""
    return st.session_state.pop(K_LAST_NOTICE, None)


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
