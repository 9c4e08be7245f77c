"""Checking the model for a clinic: subgroups, why this score (importance + what-if).

Not a page (``app.py`` lists its pages explicitly). The Check the model page (``pages/check_model.py``)
calls :func:`check_page` (issue 26: these panels left the Threshold page), the Report page
:func:`report_request` (the Data page's sample-size section is :mod:`pages.sample_size_view`). Under
every table and figure a plain sentence from :mod:`imbalance_core.evaluation.check_sentences`.
Computation is in :mod:`imbalance_core.evaluation.subgroups` and :mod:`imbalance_core.learn.explain`;
results are kept per session (``st.session_state``), keyed by the model, so moving the threshold or
editing a what-if value never retrains anything (the what-if only scores edited rows with the fitted
pipeline).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import check_sentences, glossary, subgroups
from imbalance_core.figures.decision import importance_figure, subgroup_figure
from imbalance_core.learn import explain
from imbalance_core.share.report_decision import DecisionRequest
from pages import kept_inputs, plain_text, session_state, threshold_state

__all__ = ["check_page", "report_request"]

K_SUBGROUP_COLUMNS = "decision_subgroup_columns"  # columns chosen for subgroups (kept for the Report)
K_IMPORTANCE = "decision_importance"  # {(model key, scoring): Importance}
K_WHATIF_LATENCY = "decision_whatif_seconds"  # last what-if scoring times (seconds), for the bench
W_SUBGROUPS = "dec_subgroups"
W_METRIC = "dec_subgroup_metric"
W_SCORING = "dec_importance_scoring"
W_PATIENT = "dec_whatif_patient"
W_MORE = "dec_more_features"  # what-if: features beyond the first WHATIF_FEATURES, chosen by name
#: Features shown for editing in the what-if at once (the most important first); any other by name.
WHATIF_FEATURES = 8
#: Inputs kept across page changes (kept_inputs.keep_inputs), and the what-if's value boxes by prefix.
KEPT = (W_SUBGROUPS, W_METRIC, W_SCORING, W_PATIENT, W_MORE)
KEPT_PREFIXES = ("dec_whatif_",)
PAGE = "check_model"
#: Hover help of the subgroup table's columns (the glossary's one line).
_COLUMN_TERMS = {
    "prevalence": "Prevalence",
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "PPV": "PPV",
    "NPV": "NPV",
    "ROC AUC": "ROC AUC",
    "calibration in the large": "Calibration intercept",
}


# --------------------------------------------------------------------------- subgroups


def _subgroup_options(data: Any, table: Any) -> list[str]:
    columns = list(table.frame.columns) if table is not None else list(data.X.columns)
    return [str(c) for c in columns if str(c) != str(data.label)]


#: Subgroup columns that do not depend on the threshold: a second tab, so neither table scrolls sideways.
BEYOND_THRESHOLD = ("prevalence", "ROC AUC", "calibration in the large")


def _subgroup_frame(table: subgroups.SubgroupTable) -> pd.DataFrame:
    """One row per group: counts, the 2x2 rates at the threshold with Wilson intervals, then the
    threshold-free columns (:data:`BEYOND_THRESHOLD`)."""

    def ci(p: subgroups.Proportion) -> str:
        return "—" if not np.isfinite(p.value) else f"{p.value:.3f} ({p.lo:.3f}–{p.hi:.3f})"

    def trio(v: tuple[float, float, float], fmt: str) -> str:
        if not np.isfinite(v[0]):
            return "—"
        if not (np.isfinite(v[1]) and np.isfinite(v[2])):  # DeLong needs a few events and non-events
            return f"{v[0]:{fmt}} (no interval: too few cases)"
        return f"{v[0]:{fmt}} ({v[1]:{fmt}} to {v[2]:{fmt}})"

    return pd.DataFrame(
        [
            {
                "group": r.group,
                "n": r.n,
                "events": r.events,
                "too few cases": "yes" if r.too_few else "",
                "sensitivity": ci(r.proportions["sensitivity"]),
                "specificity": ci(r.proportions["specificity"]),
                "PPV": ci(r.proportions["ppv"]),
                "NPV": ci(r.proportions["npv"]),
                "prevalence": ci(r.proportions["prevalence"]),
                "ROC AUC": trio(r.roc_auc, ".3f"),
                "calibration in the large": trio(r.calibration_in_the_large, "+.2f"),
            }
            for r in table.rows
        ]
    )


def _overall_counts(result: Any, threshold: float) -> tuple[int, int]:
    """(TP, FN) of the whole hold-out at ``threshold``: the 'overall' the groups are read against."""
    y = np.asarray(result.y_test) == 1
    called = np.asarray(result.test_scores) >= threshold
    return int(np.sum(called & y)), int(np.sum(~called & y))


def subgroup_section(data: Any, table: Any, result: Any, threshold: float) -> None:
    """Choose one or two columns; the table at the committed threshold, a forest plot and the gaps."""
    st.subheader("Does it work as well in every group?", anchor=False, help=glossary.hover("Subgroup"))
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
    columns: dict[str, Any] = {
        name: st.column_config.TextColumn(help=glossary.hover(term)) for name, term in _COLUMN_TERMS.items()
    }
    columns["events"] = st.column_config.NumberColumn(help="Patients with the disease in the group.")
    frame = _subgroup_frame(found)
    at_threshold, beyond = st.tabs(["At the threshold", "Prevalence, discrimination, calibration"])
    with at_threshold:  # the 2x2 rates: the columns a clinician reads, whole at 1,400 px
        st.dataframe(
            frame[[c for c in frame.columns if c not in BEYOND_THRESHOLD]],
            hide_index=True,
            width="stretch",
            column_config=columns,
            key="dec_subgroup_table",
        )
        st.markdown(
            plain_text.plain(
                check_sentences.subgroup_sentence(found.rows, threshold, *_overall_counts(result, threshold))
            )
        )
    with beyond:
        st.dataframe(
            frame[["group", "n", "events", *BEYOND_THRESHOLD]],
            hide_index=True,
            width="stretch",
            column_config=columns,
            key="dec_subgroup_beyond",
        )
        st.markdown(plain_text.plain(check_sentences.subgroup_auc_sentence(found.rows)))
    for gap in found.gaps:
        (st.warning if gap.separated else st.caption)(plain_text.plain(gap.sentence()))
    if any(r.too_few for r in found.rows):
        st.caption(f"Groups with fewer than {found.min_events} events or non-events are marked, not hidden.")
    metric = st.radio(
        "Plot", subgroups.GAP_METRICS, horizontal=True, key=W_METRIC,
        format_func=lambda k: subgroups.METRIC_NAMES[k],
        help=" ".join(f"{subgroups.METRIC_NAMES[k]}: {glossary.hover(subgroups.METRIC_NAMES[k])}"
                      for k in subgroups.GAP_METRICS),
    )  # fmt: skip
    st.plotly_chart(subgroup_figure(found, str(metric)), key="dec_subgroup_plot")
    st.markdown(plain_text.plain(check_sentences.subgroup_plot_sentence(found.rows, str(metric), threshold)))


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
        format_func=lambda k: explain.SCORERS[k][0], help=glossary.hover("Permutation importance"),
    )  # fmt: skip
    key = (threshold_state.model_key(result.settings), str(scoring))
    cache = _importance_cache()
    if key not in cache:
        slot = st.empty()  # the button goes once the importance is there (no stale button above the chart)
        with slot.container():
            st.caption(
                f"Shuffles each feature of the hold-out patients {explain.N_REPEATS} times and scores them "
                "again with the trained model: predictions only, nothing is retrained."
            )
            pressed = st.button("Compute permutation importance", key="dec_importance_button")
        if not pressed:
            return cached_importance(result)
        try:
            with st.spinner("Scoring shuffled copies of the hold-out set…"):
                cache[key] = explain.permutation_importance_of(data, result, str(scoring))
        except DataError as exc:
            plain_text.show_error(exc)
            return None
        slot.empty()
    found = cache[key]
    st.plotly_chart(importance_figure(found), key="dec_importance_plot")
    st.markdown(plain_text.plain(importance_sentence(found)))
    st.caption(plain_text.plain(found.description() + f" Computed in {found.seconds:.1f} s."))
    return found


def importance_sentence(found: Any) -> str:
    """The plain sentence under the importance chart (a log-loss rises where PR AUC falls)."""
    loss = found.scoring == "neg_log_loss"
    name = "log-loss" if loss else found.scoring_name
    baseline = -found.baseline if loss else found.baseline
    return check_sentences.importance_sentence(found.features, found.mean, name, baseline, loss=loss)


# --------------------------------------------------------------------------- what-if


def _patient_label(result: Any, position: int) -> str:
    outcome = result.class_names[int(result.y_test[position])]
    return f"hold-out patient {position + 1} — {outcome}, score {result.test_scores[position]:.3f}"


def ranked_features(data: Any, importance: Any) -> list[str]:
    """Every feature, the most important first when the importance is computed, else in the data's order."""
    ranked = [str(f) for f in importance.features] if importance is not None else []
    return ranked + [str(f) for f in data.X.columns if str(f) not in ranked]


def edit_features(data: Any, importance: Any, more: list[str]) -> list[str]:
    """The what-if's features: the first :data:`WHATIF_FEATURES` of :func:`ranked_features`, then ``more``."""
    ranked = ranked_features(data, importance)
    top = ranked[:WHATIF_FEATURES]
    return top + [f for f in more if f in ranked and f not in top]


def _show(value: Any) -> str:
    """A recorded or edited value as text: numbers to 4 significant digits, missing as 'missing'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "missing"
    return f"{float(value):.4g}" if isinstance(value, float | int | np.number) else str(value)


def _changes(recorded: pd.DataFrame, edited: pd.DataFrame, features: list[str]) -> list[tuple[str, str, str]]:
    """(feature, recorded, edited) for every shown feature whose value was edited."""
    out = []
    for feature in features:
        old, new = _show(recorded[feature].iloc[0]), _show(edited[feature].iloc[0])
        if old != new:
            out.append((feature, old, new))
    return out


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
    recorded = explain.holdout_rows(data, result).iloc[[position]]
    row = recorded.copy()
    ranked = ranked_features(data, importance)
    rest = ranked[WHATIF_FEATURES:]
    kept = st.session_state.get(W_MORE)
    if kept and any(f not in rest for f in kept):  # chosen before the importance reordered the list
        st.session_state[W_MORE] = [f for f in kept if f in rest]
    if rest:
        more = st.multiselect(
            "More features to edit", rest, key=W_MORE, placeholder="type part of a feature's name",
            help="Any feature beyond the first ones shown; type to search.",
        )  # fmt: skip
    else:
        more = []
    features = edit_features(data, importance, list(more))
    st.caption(
        plain_text.plain(
            check_sentences.whatif_features_sentence(
                len(ranked), WHATIF_FEATURES, len(features) - min(WHATIF_FEATURES, len(ranked)),
                importance is not None, importance.scoring_name if importance is not None else "",
            )
            + " Edit a value to see the score move; the other features keep this patient's values."
        )
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
    before = float(result.test_scores[position])
    left, right = st.columns(2)
    left.metric(
        "Score",
        f"{score:.3f}",
        delta=f"{score - before:+.3f} vs. as recorded",
        help=glossary.hover("What-if"),
    )
    rule = f"Positive when the score is at or above {threshold:.4g}. " + glossary.hover("Threshold")
    right.metric("Decision", "positive" if positive else "negative", help=rule)
    changes = _changes(recorded, row, features)
    names = (str(result.class_names[1]), str(result.class_names[0]))
    st.markdown(
        plain_text.plain(check_sentences.whatif_result_sentence(before, score, threshold, changes, *names))
    )
    flips = explain.nearest_flips(data, result, row, threshold, tuple(features))
    st.caption("Nearest single change that flips the decision (one feature at a time, observed range):")
    st.dataframe(flip_frame(flips), hide_index=True, width="stretch", key="dec_whatif_flips")
    flipping = [f.feature for f in flips if f.flips]
    st.markdown(plain_text.plain(check_sentences.flips_sentence(flipping, len(flips), threshold)))
    kept_inputs.remember_inputs(PAGE, KEPT, KEPT_PREFIXES, scope=session_state.data_key())


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


def check_page(result: Any, threshold: float) -> None:
    """The Check the model page's panels for a two-class model, every number judged at ``threshold``."""
    data, table = session_state.current_data(), session_state.current_table()
    if data is None:
        return
    kept_inputs.keep_inputs(PAGE, KEPT, KEPT_PREFIXES, scope=session_state.data_key())
    subgroup_section(data, table, result, threshold)
    st.divider()
    importance = importance_section(data, result)
    st.divider()
    kept_inputs.remember_inputs(PAGE, KEPT, KEPT_PREFIXES, scope=session_state.data_key())
    what_if_section(data, result, threshold, importance)


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
