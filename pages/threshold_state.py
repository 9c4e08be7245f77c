"""The one current threshold (or rule-out / rule-in rule) of the current model, as every page reads it.

A cut-off belongs to one model (data key and settings): chosen for another model, it is dropped, and
before the person moves it the documented default stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from pages.session_state import (
    K_RULE,
    K_THR_MODE,
    K_THRESHOLD,
    K_THRESHOLD_DEFAULT,
    K_THRESHOLD_MODEL,
    K_THRESHOLD_ORIGIN,
    K_TRAIN_RESULT,
    data_key,
)

if TYPE_CHECKING:
    from imbalance_core.evaluation.thresholds import ChosenThreshold
    from imbalance_core.learn.training import TrainResult, TrainSettings


def model_key(settings: TrainSettings) -> str:
    """Names one trained model: the data key and the training settings (one seed, one model)."""
    return f"{data_key()}|{settings!r}"


def committed_threshold(key: str) -> float | None:
    """The committed threshold if it was chosen for the model ``key``; one chosen for another is dropped.

    A cut-off is a point on one model's score scale: after a retrain (other settings or data) the same
    number flags different patients, so it is not carried over — not to the Threshold page and not to
    the Report and Predict pages, which read ``K_THRESHOLD`` too. The current model is remembered with
    it (``K_THRESHOLD_MODEL``); a threshold set without that note (e.g. by a test) counts as this
    model's.
    """
    state = st.session_state
    if state.get(K_THRESHOLD_MODEL, key) != key:
        state.pop(K_THRESHOLD, None)
        state.pop(K_THRESHOLD_ORIGIN, None)
    state[K_THRESHOLD_MODEL] = key
    return state.get(K_THRESHOLD)


def set_threshold(value: float, origin: str) -> None:
    """Make ``value`` the current model's threshold everywhere (Threshold, Report, Predict, sidebar)."""
    st.session_state[K_THRESHOLD] = float(value)
    st.session_state[K_THRESHOLD_ORIGIN] = str(origin)


def set_rule(low: float, high: float, origin: str) -> None:
    """Commit the rule-out / rule-in pair for the current model (Threshold page, sidebar, Report)."""
    result = st.session_state.get(K_TRAIN_RESULT)
    key = model_key(result.settings) if result is not None else ""
    st.session_state[K_RULE] = {"model": key, "low": float(low), "high": float(high), "origin": str(origin)}


def current_rule() -> dict[str, Any] | None:
    """The committed two-cut-off rule of the current model (``low``, ``high``, ``origin``), else None.

    Like the threshold, a rule chosen for another model (other settings or data) is not carried over.
    """
    rule = st.session_state.get(K_RULE)
    result = st.session_state.get(K_TRAIN_RESULT)
    if not isinstance(rule, dict) or result is None or not result.is_binary:
        return None
    return rule if rule.get("model") == model_key(result.settings) else None


def rule_mode() -> bool:
    """True when the Threshold page is in rule-out / rule-in (two cut-offs) mode."""
    stored = st.session_state.get(K_THR_MODE)  # (scope, value), kept by persist() on the Threshold page
    return isinstance(stored, tuple) and len(stored) == 2 and stored[1] == "rule"


def current_threshold() -> ChosenThreshold | None:
    """The one threshold of the current two-class model: the person's choice, else the documented default.

    The single session path every page reads (the Threshold page's opening position, the Report, the
    Predict page, the model download, the sidebar). Before the person moves it, it is
    :func:`imbalance_core.evaluation.thresholds.default_threshold` (Youden on cross-validated training
    scores).
    None when no two-class model is trained (a multi-class model calls the most probable class).
    """
    result = st.session_state.get(K_TRAIN_RESULT)
    if result is None or not result.is_binary:
        return None
    from imbalance_core.evaluation import thresholds  # here: scikit-learn is not needed before a model

    chosen = committed_threshold(model_key(result.settings))
    if chosen is not None:
        origin = st.session_state.get(K_THRESHOLD_ORIGIN) or "chosen by hand"
        return thresholds.ChosenThreshold(float(chosen), origin, False)
    return _default_of(result)


def _default_of(result: TrainResult) -> ChosenThreshold:
    """The default threshold of a trained result, computed once per result object (kept in the session)."""
    from imbalance_core.evaluation import thresholds

    cached = st.session_state.get(K_THRESHOLD_DEFAULT)
    if cached is not None and cached[0] is result:
        return cached[1]
    chosen = thresholds.default_for_result(result)
    st.session_state[K_THRESHOLD_DEFAULT] = (result, chosen)
    return chosen
