"""Deciding for a clinic on the pages: subgroups, why this score (importance + what-if).

Not a page (``app.py`` lists its pages explicitly). The Threshold page calls
:func:`threshold_page_section` in one line at its end, the Report page :func:`report_request` (the Data
page's sample-size section is :mod:`pages.sample_size_view`). Computation is in
:mod:`imbalance_core.evaluation.subgroups` and :mod:`imbalance_core.learn.explain`; results are kept per
session (``st.session_state``), keyed by the model, so moving the threshold or editing a what-if value
never retrains anything (the what-if only scores edited rows with the fitted pipeline).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import subgroups
from imbalance_core.figures.decision import importance_figure, subgroup_figure
from imbalance_core.learn import explain
from imbalance_core.share.report_decision import DecisionRequest
from pages import plain_text, session_state, threshold_state

__all__ = ["report_request", "threshold_page_section"]

K_SUBGROUP_COLUMNS = "decision_subgroup_columns"  # columns chosen for subgroups (kept for the Report)
K_IMPORTANCE = "decision_importance"  # {(model key, scoring): Importance}
K_WHATIF_LATENCY = "decision_whatif_seconds"  # last what-if scoring times (seconds), for the bench
W_SUBGROUPS = "dec_subgroups"
W_METRIC = "dec_subgroup_metric"
W_SCORING = "dec_importance_scoring"
W_PATIENT = "dec_whatif_patient"
#: Features offered for editing in the what-if (the most important first).
WHATIF_FEATURES = 8


# --------------------------------------------------------------------------- Data page: sample size


# --------------------------------------------------------------------------- subgroups


def _subgroup_options(data: Any, table: Any) -> list[str]:
    columns = list(table.frame.columns) if table is not None else list(data.X.columns)
    return [str(c) for c in columns if str(c) != str(data.label)]


def _subgroup_frame(table: subgroups.SubgroupTable) -> pd.DataFrame:
    def ci(p: subgroups.Proportion) -> str:
        return "—" if not np.isfinite(p.value) else f"{p.value:.3f} ({p.lo:.3f}–{p.hi:.3f})"

    def trio(v: tuple[float, float, float], fmt: str) -> str:
        return "—" if not np.isfinite(v[0]) else f"{v[0]:{fmt}} ({v[1]:{fmt}} to {v[2]:{fmt}})"

    return pd.DataFrame(
        [
            {
                "group": r.group,
                "n": r.n,
                "events": r.events,
                "prevalence": ci(r.proportions["prevalence"]),
                "sensitivity": ci(r.proportions["sensitivity"]),
                "specificity": ci(r.proportions["specificity"]),
                "PPV": ci(r.proportions["ppv"]),
                "NPV": ci(r.proportions["npv"]),
                "ROC AUC": trio(r.roc_auc, ".3f"),
                "calibration in the large": trio(r.calibration_in_the_large, "+.2f"),
                "too few cases": "yes" if r.too_few else "",
            }
            for r in table.rows
        ]
    )


def subgroup_section(data: Any, table: Any, result: Any, threshold: float) -> None:
    """Choose one or two columns; the table at the committed threshold, a forest plot and the gaps."""
    st.subheader("Does it work as well in every group?", anchor=False)
    options = _subgroup_options(data, table)
    kept = st.session_state.get(W_SUBGROUPS)
    if kept and any(c not in options for c in kept):  # chosen for other data: keep what still exists
        st.session_state[W_SUBGROUPS] = [c for c in kept if c in options]
    chosen = st.multiselect(
        "Group the hold-out patients by (one or two columns)",
        options,
        max_selections=subgroups.MAX_COLUMNS,
        key=W_SUBGROUPS,
        help="Text columns as they are; numbers in bands (an age by decade, else quartiles). "
        "Missing values form their own group.",
    )
    st.session_state[K_SUBGROUP_COLUMNS] = tuple(chosen)
    if not chosen:
        st.caption("Choose a column such as sex or age: sensitivity, specificity, PPV and NPV per group.")
        return
    try:
        frame = subgroups.holdout_frame(data, result.test_index, tuple(chosen), table)
        found = subgroups.subgroup_table(frame, result.y_test, result.test_scores, threshold)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    for band in found.bandings:
        st.caption(plain_text.plain(band.description))
    st.dataframe(_subgroup_frame(found), hide_index=True, width="stretch")
    for gap in found.gaps:
        (st.warning if gap.separated else st.caption)(plain_text.plain(gap.sentence()))
    if any(r.too_few for r in found.rows):
        st.caption(f"Groups with fewer than {found.min_events} events or non-events are marked, not hidden.")
    metric = st.radio(
        "Plot", subgroups.GAP_METRICS, horizontal=True, key=W_METRIC,
        format_func=lambda k: subgroups.METRIC_NAMES[k],
    )  # fmt: skip
    st.plotly_chart(subgroup_figure(found, str(metric)), key="dec_subgroup_plot")


# --------------------------------------------------------------------------- importance


def _importance_cache() -> dict:
    cache = st.session_state.setdefault(K_IMPORTANCE, {})
    while len(cache) > 8:
        cache.pop(next(iter(cache)))
    return cache


def cached_importance(result: Any) -> Any | None:
    """The permutation importance already computed for this model in this session (any scoring), or None."""
    key = threshold_state.model_key(result.settings)
    for (model, _scoring), value in reversed(list(_importance_cache().items())):
        if model == key:
            return value
    return None


def importance_section(data: Any, result: Any) -> Any | None:
    """Permutation importance behind a button (predictions only, no refit), cached per model and score."""
    st.subheader("Why does the model score as it does?", anchor=False)
    scoring = st.radio(
        "Importance measured by the drop in", tuple(explain.SCORERS), horizontal=True, key=W_SCORING,
        format_func=lambda k: explain.SCORERS[k][0],
    )  # fmt: skip
    key = (threshold_state.model_key(result.settings), str(scoring))
    cache = _importance_cache()
    if key not in cache:
        st.caption(
            f"Shuffles each feature of the hold-out patients {explain.N_REPEATS} times and scores them again "
            "with the trained model: predictions only, nothing is retrained."
        )
        if not st.button("Compute permutation importance", key="dec_importance_button"):
            return cached_importance(result)
        try:
            with st.spinner("Scoring shuffled copies of the hold-out set…"):
                cache[key] = explain.permutation_importance_of(data, result, str(scoring))
        except DataError as exc:
            plain_text.show_error(exc)
            return None
    found = cache[key]
    st.plotly_chart(importance_figure(found), key="dec_importance_plot")
    st.caption(plain_text.plain(found.description() + f" Computed in {found.seconds:.1f} s."))
    return found


# --------------------------------------------------------------------------- what-if


def _patient_label(result: Any, position: int) -> str:
    outcome = result.class_names[int(result.y_test[position])]
    return f"hold-out patient {position + 1} — {outcome}, score {result.test_scores[position]:.3f}"


def _edit_features(data: Any, importance: Any) -> list[str]:
    ranked = list(importance.features) if importance is not None else list(data.X.columns)
    return ranked[:WHATIF_FEATURES]


def _value_input(data: Any, feature: str, current: Any, key: str) -> Any:
    if feature in data.categorical_features:
        options = sorted(data.X[feature].dropna().astype(str).unique())
        now = str(current) if pd.notna(current) else None
        if now is not None and now not in options:
            options.append(now)
        index = options.index(now) if now is not None else None
        return st.selectbox(plain_text.plain(feature), options, index=index, key=key, placeholder="missing")
    value = None if pd.isna(current) else float(current)
    return st.number_input(
        plain_text.plain(feature), value=value, key=key, placeholder="missing", format="%.4g"
    )


@st.fragment
def what_if_section(data: Any, result: Any, threshold: float, importance: Any) -> None:
    """Pick a hold-out patient, edit values, see the score and the decision; nearest flips (a fragment)."""
    st.subheader("What if? One patient", anchor=False)
    positions = list(range(len(result.test_index)))
    position = st.selectbox(
        "Hold-out patient", positions, key=W_PATIENT, format_func=lambda i: _patient_label(result, i)
    )
    position = int(position or 0)
    row = explain.holdout_rows(data, result).iloc[[position]].copy()
    features = _edit_features(data, importance)
    st.caption(
        "Edit a value to see the score move; the other features keep this patient's values. "
        + ("Features in order of importance." if importance is not None else "Compute the importance to list "
           "the features the model leans on first.")
    )  # fmt: skip
    columns = st.columns(4)
    for i, feature in enumerate(features):
        with columns[i % 4]:
            key = f"dec_whatif_{position}_{feature}"
            row[feature] = _value_input(data, feature, row[feature].iloc[0], key)
    for feature in data.numeric_features:
        row[feature] = pd.to_numeric(row[feature], errors="coerce").astype(float)
    for warning in explain.implausible_values(data, row, tuple(features)):
        st.warning(plain_text.plain(warning), icon=":material/warning:")
    t0 = time.perf_counter()
    score = float(explain.score_rows(result, row)[0])
    seconds = time.perf_counter() - t0
    times = st.session_state.setdefault(K_WHATIF_LATENCY, [])
    times.append(seconds)
    del times[:-200]
    positive = score >= threshold
    call = result.class_names[1] if positive else result.class_names[0]
    left, right = st.columns(2)
    left.metric("Score", f"{score:.3f}", delta=f"{score - result.test_scores[position]:+.3f} vs. as recorded")
    rule = f"Positive when the score is at or above {threshold:.4g}."
    right.metric("Decision", "positive" if positive else "negative", help=rule)
    st.markdown(
        f"**{'At or above' if positive else 'Below'} the threshold {threshold:.4g}**: called "
        f"'{plain_text.plain(call)}'."
    )
    flips = explain.nearest_flips(data, result, row, threshold, tuple(features))
    st.caption("Nearest single change that flips the decision (one feature at a time, observed range):")
    st.dataframe(flip_frame(flips), hide_index=True, width="stretch", key="dec_whatif_flips")


def flip_frame(flips: tuple[explain.Flip, ...]) -> pd.DataFrame:
    """The nearest flips as a table: feature, now, change to, new score (or 'no single change ...')."""

    def show(v: Any) -> str:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            return "missing"
        return f"{v:.4g}" if isinstance(v, float | np.floating) else str(v)

    return pd.DataFrame(
        [
            {
                "feature": f.feature,
                "now": show(f.current),
                "nearest change that flips": (
                    f"to {show(f.new_value)}" + (f" ({f.change:+.4g})" if f.change is not None else "")
                    if f.flips
                    else explain.NO_FLIP
                ),
                "score then": f"{f.new_score:.3f}" if f.flips else "",
            }
            for f in flips
        ]
    )


# --------------------------------------------------------------------------- entry points


def threshold_page_section(result: Any) -> None:
    """The decision panels below the Threshold page's explorer (two-class models only)."""
    if result is None or not result.is_binary:
        return
    data, table = session_state.current_data(), session_state.current_table()
    chosen = threshold_state.current_threshold()
    if data is None or chosen is None:
        return
    st.divider()
    st.header("Deciding for a clinic", anchor=False)
    st.caption(f"At the current threshold {chosen.value:.4g} ({plain_text.plain(chosen.origin)}).")
    subgroup_section(data, table, result, chosen.value)
    importance = importance_section(data, result)
    what_if_section(data, result, chosen.value, importance)


def report_request(result: Any) -> DecisionRequest:
    """What the report should add: the subgroup columns chosen here and the importance computed here."""
    if result is None or not result.is_binary:
        return DecisionRequest()
    table, data = session_state.current_table(), session_state.current_data()
    known = set(_subgroup_options(data, table)) if data is not None else set()
    return DecisionRequest(
        subgroups=tuple(c for c in st.session_state.get(K_SUBGROUP_COLUMNS, ()) if c in known),
        importance=cached_importance(result),
    )
