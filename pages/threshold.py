"""Threshold page: choose the decision threshold of the trained model with a live explorer.

Nothing here trains: the deployment prevalence, cost ratio, target sensitivity and beta only change the
explorer's payload (built from the stored hold-out and out-of-fold scores, cached). The explorer redraws
in the browser while dragging; the committed threshold comes back on release and drives what is drawn
server-side below it (calibration, decision curve, the equivalent CLI command).

Every input keeps the person's value when they visit another page and come back (``common.persist``):
costs, target sensitivity and beta for the whole session, the class and the deployment prevalence for as
long as the data stay the same. The committed threshold is kept for the same model only: after a retrain
with other settings (or on other data) the old cut-off means something else on the new scores, so the
explorer opens at its default stop again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.evaluation import curves, metrics, thresholds
from imbalance_core.figures import curves as curve_figures
from pages import calibration_view, common, image_view
from pages.widgets.threshold_explorer import committed_value, encode_payload, threshold_explorer

EXPLORER_KEY = "threshold_explorer"
TRAIN_PAGE = "pages/train.py"


# --- pure helpers ---------------------------------------------------------------------------------------
def one_vs_rest(result: Any, class_index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hold-out and out-of-fold labels/scores for one class against the rest (binary: the positive class)."""
    if result.is_binary:
        return result.y_test, result.test_scores, result.y_train, result.oof_scores
    return (
        (result.y_test == class_index).astype(int),
        result.test_scores[:, class_index],
        (result.y_train == class_index).astype(int),
        result.oof_scores[:, class_index],
    )


def pick_reason(picks: list[dict], threshold: float | None) -> str:
    """The picker's sentence when the committed threshold is a picker's stop, else a plain note.

    ``None`` means nothing was committed: the model's default threshold is shown, and said to be one.
    """
    if threshold is None:
        youden = next((p for p in picks if p["key"] == "youden"), None)
        why = f" — {youden['reason'].replace(' on cross-validated training scores', '')}" if youden else "."
        origin = thresholds.DEFAULT_ORIGIN[:1].upper() + thresholds.DEFAULT_ORIGIN[1:]
        return f"{origin}{why} Drag the slider or press a suggestion to change it."
    for pick in picks:
        if threshold in (pick["stop"], pick["threshold"]):
            return f"{pick['label']}: {pick['reason']}"
    return "Chosen by hand on the slider."


def commit_origin(picks: list[dict], threshold: float) -> str:
    """Short origin of a committed threshold (sidebar, Report, Predict, model file)."""
    for pick in picks:
        if threshold in (pick["stop"], pick["threshold"]):
            return f"suggestion on the Threshold page: {pick['label']}"
    return "chosen by hand on the Threshold page"


# --- cached payload (keyed on content hashes and settings; arrays passed unhashed) -------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def explorer_payload(
    key: str,
    class_index: int,
    prevalence: float | None,
    cost_ratio: float,
    target: float,
    beta: float,
    labels: tuple[str, str],
    _arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[bytes, list[dict], float]:
    """The explorer's encoded payload, its picks (with their stop's threshold) and the opening threshold.

    The explorer opens at the model's default threshold (:func:`thresholds.default_threshold`, the same
    value the Report, Predict page and CLI use until the person moves it). Built from arrays only (no
    model is touched) and encoded once, so a rerun costs a cache lookup.
    """
    y_test, scores, y_oof, oof = _arrays
    data = thresholds.build_explorer_data(
        y_test, scores, y_oof, oof,
        positive_label=labels[0], negative_label=labels[1],
        prevalence=prevalence, cost_ratio=cost_ratio, target_sensitivity=target, beta=beta,
        initial_threshold=thresholds.default_threshold(y_oof, oof).value,
    )  # fmt: skip
    payload = data.to_payload()
    stops = payload["stops"]["threshold"]
    picks = [{**p, "stop": stops[p["index"]]} for p in payload["picks"]]
    return encode_payload(payload), picks, float(stops[payload["initial_index"]])


K_PICKS = "threshold_page_picks"  # the picks on screen, so the commit callback can name a suggestion


def _store_threshold() -> None:
    """Widget callback: keep the committed threshold (and how it was chosen) where every page reads it."""
    value = committed_value(EXPLORER_KEY)
    if value is not None:
        common.set_threshold(value, commit_origin(st.session_state.get(K_PICKS, []), value))


# --- page sections ----------------------------------------------------------------------------------------
def _choose_class(result: Any) -> int:
    if result.is_binary:
        return 1
    names = list(result.class_names)
    chosen = st.selectbox(
        "Class to judge (one vs the rest)", range(len(names)), format_func=lambda i: names[i],
        **common.persist("thr_class", common.K_THR_CLASS, 0, scope=common.data_key()),
    )  # fmt: skip
    return int(chosen)


def _per_class_table(result: Any) -> None:
    _, per_class = metrics.multiclass_fold_metrics(result.y_test, result.test_scores)
    counts = np.bincount(result.y_test, minlength=len(result.class_names))
    frame = pd.DataFrame({"class": list(result.class_names), "hold-out rows": counts, "accuracy": per_class})
    st.caption("Per-class accuracy on the hold-out (share of each class predicted as itself)")
    fmt = {"accuracy": st.column_config.NumberColumn(format="%.3f")}
    st.dataframe(frame, hide_index=True, column_config=fmt)


def _inputs(hold_out_prevalence: float, class_index: int) -> tuple[float, float, float, float]:
    """Decision inputs; the prevalence widget is per class so each class opens at its own hold-out share.

    Each keeps the person's value across page changes (``common.persist``); the prevalence and its
    default (the hold-out share) belong to the data, so a value set for other data is not reused.
    """
    c1, c2, c3, c4 = st.columns(4)
    prevalence_pct = c1.number_input(
        "Deployment prevalence (%)", min_value=0.01, max_value=99.99, step=0.5, format="%.2f",
        help="How common the disease is where the model will be used; PPV and NPV depend on it.",
        **common.persist(
            f"thr_prevalence_{class_index}", f"{common.K_THR_PREVALENCE}:{class_index}",
            round(100 * hold_out_prevalence, 2), scope=common.data_key(),
        ),
    )  # fmt: skip
    cost = c2.number_input(
        "A missed case costs as much as … false alarms", min_value=0.1, max_value=1000.0,
        step=1.0, help="FN:FP cost ratio used by the lowest-cost suggestion.",
        **common.persist("thr_cost", common.K_THR_COST, 10.0),
    )  # fmt: skip
    target = c3.number_input(
        "Target sensitivity", min_value=0.5, max_value=0.999, step=0.01, format="%.3f",
        help="The screening suggestion: fewest false alarms that still reach this.",
        **common.persist("thr_target", common.K_THR_TARGET, 0.95),
    )  # fmt: skip
    beta = c4.number_input(
        "F-beta β", min_value=0.1, max_value=10.0, step=0.5,
        help="β > 1 weighs sensitivity more than precision.",
        **common.persist("thr_beta", common.K_THR_BETA, 2.0),
    )  # fmt: skip
    return prevalence_pct / 100.0, float(cost), float(target), float(beta)


def _server_side(
    arrays: tuple, picks: list[dict], threshold: float, prevalence: float, is_default: bool
) -> None:
    """Calibration and decision curve (C's figures) with the current threshold marked."""
    y_test, scores = arrays[0], arrays[1]
    st.subheader("At the current threshold")
    reason = pick_reason(picks, None if is_default else threshold)
    st.markdown(f"**Threshold {threshold:.4f}** · {common.plain(reason)}")
    left, right = st.columns(2)
    with left:
        if not calibration_view.calibration_panel(threshold):  # binary: raw vs recalibrated + metrics
            try:
                cal = curves.calibration(y_test, scores)
            except DataError as exc:
                common.show_error(exc)
            else:
                st.plotly_chart(curve_figures.calibration_figure(cal, threshold=threshold), key="thr_cal")
                (st.warning if cal.distorted else st.caption)(common.plain(cal.message))
    with right:
        if calibration_view.decision_panel(prevalence, threshold):  # binary: only from honest risks
            return
        try:
            dc = curves.decision_curve(y_test, scores, prevalence=prevalence)
        except DataError as exc:
            common.show_error(exc)
        else:
            st.plotly_chart(curve_figures.decision_curve_figure(dc, threshold=threshold), key="thr_dca")
            st.caption(
                "Net benefit of acting on the model at each threshold probability, against treating "
                f"everybody or nobody, at {prevalence:.1%} prevalence."
            )


def _cli_line(result: Any, threshold: float, prevalence: float, class_index: int) -> None:
    """The ``evaluate`` line for this view (multi-class: ``--one-vs-rest`` the judged class)."""
    one_vs_rest = None if result.is_binary else str(result.class_names[class_index])
    common.equivalent_command(
        lambda file_arg, spec: command_lines.evaluate_command(
            file_arg, spec, result.settings, threshold, prevalence, one_vs_rest
        )
    )


def main() -> None:
    st.title("Decision threshold")
    result = st.session_state.get(common.K_TRAIN_RESULT)
    if result is None:
        st.info("Train a model first: the threshold explorer works on its hold-out scores.")
        try:
            st.page_link(TRAIN_PAGE, label="Go to Train", icon=":material/model_training:")
        except StreamlitPageNotFoundError:  # page run on its own (tests) or Train not in the navigation
            st.caption("Open the Train page from the navigation.")
        return
    class_index = _choose_class(result)
    arrays = one_vs_rest(result, class_index)
    names = result.class_names
    labels = (names[1], names[0]) if result.is_binary else (names[class_index], f"not {names[class_index]}")
    hold_out_prevalence = float(np.mean(arrays[0]))
    prevalence, cost, target, beta = _inputs(hold_out_prevalence, class_index)
    if result.is_binary:
        st.session_state[common.K_PREVALENCE] = prevalence  # the Report page starts from it
    key = common.model_key(result.settings)
    try:
        encoded, picks, opening = explorer_payload(
            key, class_index, prevalence, cost, target, beta, labels, arrays
        )
    except DataError as exc:
        common.show_error(exc)
        return
    st.session_state[K_PICKS] = picks
    committed = common.committed_threshold(key)
    value = threshold_explorer(encoded, key=EXPLORER_KEY, committed=committed, on_change=_store_threshold)
    if value is not None and value != committed:
        common.set_threshold(value, commit_origin(picks, value))
    committed = st.session_state.get(common.K_THRESHOLD)
    threshold = opening if committed is None else committed  # nothing committed: the model's default
    _server_side(arrays, picks, threshold, prevalence, committed is None)
    _cli_line(result, threshold, prevalence, class_index)
    if not result.is_binary:
        _per_class_table(result)
    image_view.threshold_panel(result, threshold)  # image data only: FN/FP thumbnails, heat map (issue 16)


main()
