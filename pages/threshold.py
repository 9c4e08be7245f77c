"""Threshold page: choose the decision threshold of the trained model with a live explorer.

Nothing here trains: the deployment prevalence, cost ratio, target sensitivity and beta only change the
explorer's payload (built from the stored hold-out and out-of-fold scores, cached). The explorer redraws
in the browser while dragging; the committed threshold comes back on release and drives what is drawn
server-side below it (calibration, decision curve, the equivalent CLI command).

Every input keeps the person's value when they visit another page and come back (``kept_inputs.persist``):
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
from imbalance_core.evaluation import curves, metrics, rule_zones, thresholds
from imbalance_core.evaluation import threshold_uncertainty as uncertainty
from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures import curves as curve_figures
from pages import (
    calibration_view,
    command_block,
    image_view,
    kept_inputs,
    plain_text,
    session_state,
    threshold_state,
)
from pages.widgets.threshold_explorer import (
    committed_pick,
    committed_rule,
    committed_value,
    encode_payload,
    rule_explorer,
    threshold_explorer,
)

EXPLORER_KEY = "threshold_explorer"
#: Headings of the rule's zones: a suggestion is never called committed (issue 23).
SUGGESTED_RULE, COMMITTED_RULE = "The suggested rule (not committed)", "The committed rule"
RULE_KEY = "threshold_rule_explorer"  # the same component in two-handle mode (mounted afresh on a switch)
MODES = {"single": "Single cut-off", "rule": "Rule-out and rule-in (two cut-offs)"}
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


def pick_reason(picks: list[dict], threshold: float | None, pressed: str | None = None) -> str:
    """The picker's sentence when the committed threshold is a picker's stop, else a plain note.

    ``None`` means nothing was committed: the model's default threshold is shown, and said to be one.
    """
    if threshold is None:
        youden = next((p for p in picks if p["key"] == "youden"), None)
        why = f" — {youden['reason'].replace(' on cross-validated training scores', '')}" if youden else "."
        origin = thresholds.DEFAULT_ORIGIN[:1].upper() + thresholds.DEFAULT_ORIGIN[1:]
        return f"{origin}{why} Drag the slider or press a suggestion to change it."
    at = [pick for pick in picks if threshold in (pick["stop"], pick["threshold"])]
    chosen = next((pick for pick in at if pick["key"] == pressed), at[0] if at else None)
    if chosen is not None:
        return f"{chosen['label']}: {chosen['reason']}"
    return "Chosen by hand on the slider."


def commit_origin(picks: list[dict], threshold: float, pressed: str | None = None) -> str:
    """Short origin of a committed threshold (sidebar, Report, Predict, model file).

    ``pressed``: the key of the suggestion button that committed it; when several suggestions give the
    same threshold, the pressed one keeps its own name (issue 23: pressing Best F2 recorded Lowest cost).
    """
    at = [pick for pick in picks if threshold in (pick["stop"], pick["threshold"])]
    chosen = next((pick for pick in at if pick["key"] == pressed), at[0] if at else None)
    if chosen is not None:
        return f"suggestion on the Threshold page: {chosen['label']}"
    return "chosen by hand on the Threshold page"


def uncertainty_text(u: uncertainty.PickUncertainty, n_boot: int, n_oof: int, seed: int) -> str:
    """The sentence under the slider for one suggestion's threshold uncertainty (plain text)."""
    spec = u.holdout["specificity"]
    return (
        f"{u.label}: {u.sentence('sensitivity')}; specificity {spec[0]:.2f} ({spec[1]:.2f}–{spec[2]:.2f}). "
        f"Its threshold's 95 % interval: {u.threshold_lo:.4g}–{u.threshold_hi:.4g} (the band on the slider; "
        f"{n_boot} resamples of the {n_oof:,} cross-validated training rows, seed {seed})."
    )


def _uncertainty_payload(table: thresholds.StopTable, unc: uncertainty.ThresholdUncertainty) -> dict:
    """Per suggestion: its band as stop indices and its sentence (the JS draws and writes, nothing else)."""
    return {
        u.key: {
            "lo_index": table.index_of(u.threshold_lo),
            "hi_index": table.index_of(u.threshold_hi),
            "text": uncertainty_text(u, unc.n_boot, unc.n_oof, unc.seed),
        }
        for u in unc.picks
    }


def _rule_pick_payload(
    table: thresholds.StopTable, arrays: tuple, targets: tuple[float, float], prevalence: float | None
) -> tuple[dict | None, str]:
    """The suggested rule (largest zones meeting the NPV / PPV targets on OOF scores) for the explorer."""
    try:
        pick = rule_zones.pick_rule(arrays[2], arrays[3], targets[0], targets[1], prevalence)
    except DataError as exc:
        return None, str(exc)
    label = f"Suggested rule (NPV ≥ {targets[0]:g}, PPV ≥ {targets[1]:g})"
    low, high = table.index_of(pick.t_low), table.index_of(pick.t_high)
    stops = table.columns["threshold"]
    # the cut-offs are the stops the explorer's zone table is read at, so the table and the text under it
    # come from the same two numbers (issue 23: 993 / 285 in the table, 995 / 283 in the text)
    return {
        "label": label, "reason": pick.reason, "t_low": float(stops[low]), "t_high": float(stops[high]),
        "low_index": low, "high_index": high,
    }, ""  # fmt: skip


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
    seed: int = 0,
    rule_targets: tuple[float, float] = (rule_zones.DEFAULT_NPV_TARGET, rule_zones.DEFAULT_PPV_TARGET),
) -> tuple[bytes, list[dict], float, dict]:
    """The explorer's encoded payload, its picks (with their stop's threshold), the opening threshold and
    extras for the server side (``uncertainty``: the picks' JSON; ``rule_pick``; ``rule_note``).

    The explorer opens at the model's default threshold (:func:`thresholds.default_threshold`, the same
    value the Report, Predict page and CLI use until the person moves it). Built from arrays only (no
    model is touched) and encoded once, so a rerun — and every slider move — costs a cache lookup. The
    threshold uncertainty (every suggestion bootstrapped on the OOF scores, ``uncertainty.N_BOOT``
    resamples, the training seed) is computed here, once per model view and decision inputs.
    """
    y_test, scores, y_oof, oof = _arrays
    data = thresholds.build_explorer_data(
        y_test, scores, y_oof, oof,
        positive_label=labels[0], negative_label=labels[1],
        prevalence=prevalence, cost_ratio=cost_ratio, target_sensitivity=target, beta=beta,
        initial_threshold=thresholds.default_threshold(y_oof, oof).value,
    )  # fmt: skip
    unc = uncertainty.threshold_uncertainty(
        y_oof, oof, y_test, scores, uncertainty.default_requests(target, cost_ratio, beta),
        prevalence=prevalence, n_boot=uncertainty.N_BOOT, seed=seed,
    )  # fmt: skip
    payload = data.to_payload()
    payload["uncertainty"] = _uncertainty_payload(data.table, unc)
    payload["uncertainty_note"] = (
        "Chosen by hand: no picking procedure to resample. Press a suggestion to see how much its "
        "threshold moves between resampled training sets (the band on the slider)."
    )
    payload["zones"] = {
        k: thresholds._json_floats(v) for k, v in rule_zones.zone_stop_columns(data.table).items()
    }
    rule_pick, rule_note = _rule_pick_payload(data.table, _arrays, rule_targets, prevalence)
    payload["rule_pick"] = rule_pick
    stops = payload["stops"]["threshold"]
    picks = [{**p, "stop": stops[p["index"]]} for p in payload["picks"]]
    extras = {"uncertainty": unc.to_json(), "rule_pick": rule_pick, "rule_note": rule_note}
    return encode_payload(payload), picks, float(stops[payload["initial_index"]]), extras


K_PICKS = "threshold_page_picks"  # the picks on screen, so the commit callback can name a suggestion


def _store_rule() -> None:
    """Widget callback: keep the committed rule-out / rule-in pair where the sidebar and Report read it."""
    pair = committed_rule(RULE_KEY)
    if pair is not None:
        threshold_state.set_rule(pair[0], pair[1], "chosen on the Threshold page")


def _store_threshold() -> None:
    """Widget callback: keep the committed threshold (and how it was chosen) where every page reads it."""
    value = committed_value(EXPLORER_KEY)
    if value is not None:
        picks = st.session_state.get(K_PICKS, [])
        threshold_state.set_threshold(value, commit_origin(picks, value, committed_pick(EXPLORER_KEY)))


# --- page sections ----------------------------------------------------------------------------------------
def _choose_class(result: Any) -> int:
    if result.is_binary:
        return 1
    names = list(result.class_names)
    chosen = st.selectbox(
        "Class to judge (one vs the rest)", range(len(names)), format_func=lambda i: names[i],
        **kept_inputs.persist("thr_class", session_state.K_THR_CLASS, 0, scope=session_state.data_key()),
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

    Each keeps the person's value across page changes (``kept_inputs.persist``); the prevalence and its
    default (the hold-out share) belong to the data, so a value set for other data is not reused.
    """
    c1, c2, c3, c4 = st.columns(4)
    prevalence_pct = c1.number_input(
        "Deployment prevalence (%)", min_value=0.01, max_value=99.99, step=0.5, format="%.2f",
        help="How common the disease is where the model will be used; PPV and NPV depend on it.",
        **kept_inputs.persist(
            f"thr_prevalence_{class_index}", f"{session_state.K_THR_PREVALENCE}:{class_index}",
            round(100 * hold_out_prevalence, 2), scope=session_state.data_key(),
        ),
    )  # fmt: skip
    cost = c2.number_input(
        "A missed case costs as much as … false alarms", min_value=0.1, max_value=1000.0,
        step=1.0, help="FN:FP cost ratio used by the lowest-cost suggestion.",
        **kept_inputs.persist("thr_cost", session_state.K_THR_COST, 10.0),
    )  # fmt: skip
    target = c3.number_input(
        "Target sensitivity", min_value=0.5, max_value=0.999, step=0.01, format="%.3f",
        help="The screening suggestion: fewest false alarms that still reach this.",
        **kept_inputs.persist("thr_target", session_state.K_THR_TARGET, 0.95),
    )  # fmt: skip
    beta = c4.number_input(
        "F-beta β", min_value=0.1, max_value=10.0, step=0.5,
        help="β > 1 weighs sensitivity more than precision.",
        **kept_inputs.persist("thr_beta", session_state.K_THR_BETA, 2.0),
    )  # fmt: skip
    return prevalence_pct / 100.0, float(cost), float(target), float(beta)


def _server_side(
    arrays: tuple, picks: list[dict], threshold: float, prevalence: float, is_default: bool
) -> None:
    """Calibration and decision curve (C's figures) with the current threshold marked."""
    y_test, scores = arrays[0], arrays[1]
    st.subheader("At the current threshold")
    reason = pick_reason(picks, None if is_default else threshold, committed_pick(EXPLORER_KEY))
    st.markdown(f"**Threshold {threshold:.4f}** · {plain_text.plain(reason)}")
    left, right = st.columns(2)
    with left:
        if not calibration_view.calibration_panel(threshold):  # binary: raw vs recalibrated + metrics
            try:
                cal = curves.calibration(y_test, scores)
            except DataError as exc:
                plain_text.show_error(exc)
            else:
                st.plotly_chart(curve_figures.calibration_figure(cal, threshold=threshold), key="thr_cal")
                (st.warning if cal.distorted else st.caption)(plain_text.plain(cal.message))
    with right:
        if calibration_view.decision_panel(prevalence, threshold):  # binary: only from honest risks
            return
        try:
            dc = curves.decision_curve(y_test, scores, prevalence=prevalence)
        except DataError as exc:
            plain_text.show_error(exc)
        else:
            st.plotly_chart(curve_figures.decision_curve_figure(dc, threshold=threshold), key="thr_dca")
            st.caption(
                "Net benefit of acting on the model at each threshold probability, against treating "
                f"everybody or nobody, at {percent(prevalence)} prevalence."
            )


def _cli_line(
    result: Any,
    threshold: float,
    prevalence: float,
    class_index: int,
    rule: tuple[float, float] | None = None,
) -> None:
    """The ``evaluate`` line for this view (multi-class: ``--one-vs-rest`` the judged class; rule mode:
    ``--rule-out``/``--rule-in`` the committed pair)."""
    one_vs_rest = None if result.is_binary else str(result.class_names[class_index])
    command_block.equivalent_command(
        lambda file_arg, spec: command_lines.evaluate_command(
            file_arg, spec, result.settings, threshold, prevalence, one_vs_rest, rule
        )
    )


def _uncertainty_line(picks: list[dict], unc: dict, threshold: float | None) -> None:
    """Server side: the committed suggestion's threshold interval and what it delivers (or why none)."""
    key = (
        "youden"
        if threshold is None
        else next((p["key"] for p in picks if threshold in (p["stop"], p["threshold"])), None)
    )
    entry = unc["picks"].get(key) if key else None
    if entry is None:
        st.caption("Chosen by hand: no picking procedure to resample, so no threshold interval.")
        return
    sens = entry["holdout"]["sensitivity"]
    fmt = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
    wilson = f" (Wilson 95 % CI {fmt(sens.get('wilson_lo'))}–{fmt(sens.get('wilson_hi'))})"
    st.markdown(
        plain_text.plain(
            f"Sensitivity at this rule: {fmt(sens['value'])}{wilson}; the resampled picks deliver "
            f"sensitivities of {fmt(sens['lo'])}–{fmt(sens['hi'])} (not a confidence interval); the "
            "threshold's 95 % interval "
            f"{entry['threshold_lo']:.4g}–{entry['threshold_hi']:.4g} "
            f"({unc['n_boot']} resamples, seed {unc['seed']})."
        )
    )


def _choose_mode() -> str:
    """Radio: one cut-off or rule-out / rule-in (kept for the session)."""
    mode = st.radio(
        "Mode", list(MODES), format_func=MODES.__getitem__, horizontal=True,
        help="Two cut-offs: below the low one rule out, at or above the high one rule in, in between "
        "send for further testing.",
        **kept_inputs.persist("thr_mode", session_state.K_THR_MODE, "single"),
    )  # fmt: skip
    return str(mode)


def _rule_targets() -> tuple[float, float]:
    c1, c2 = st.columns(2)
    npv = c1.number_input(
        "Rule-out target NPV", min_value=0.5, max_value=0.9999, step=0.005, format="%.4f",
        help="The suggested rule's rule-out zone is the largest whose NPV (at the deployment prevalence, on "
        "cross-validated training scores) reaches this.",
        **kept_inputs.persist("thr_npv_target", "threshold_npv_target", rule_zones.DEFAULT_NPV_TARGET),
    )  # fmt: skip
    ppv = c2.number_input(
        "Rule-in target PPV", min_value=0.01, max_value=1.0, step=0.05, format="%.3f",
        help="The suggested rule's rule-in zone is the largest whose PPV reaches this.",
        **kept_inputs.persist("thr_ppv_target", "threshold_ppv_target", rule_zones.DEFAULT_PPV_TARGET),
    )  # fmt: skip
    return float(npv), float(ppv)


def _rule_section(
    result: Any,
    arrays: tuple,
    encoded: bytes,
    extras: dict,
    prevalence: float,
    threshold: float,
    class_index: int,
) -> None:
    """Two-handle explorer, the committed rule's zones computed by the core, and the CLI line."""
    if extras.get("rule_note"):
        st.info(plain_text.plain(extras["rule_note"]))
    rule = threshold_state.current_rule()
    committed = None if rule is None else (rule["low"], rule["high"])
    value = rule_explorer(encoded, key=RULE_KEY, committed=committed, on_change=_store_rule)
    if value is not None and value != committed:
        threshold_state.set_rule(value[0], value[1], "chosen on the Threshold page")
        committed = value
    suggested = committed is None and bool(extras.get("rule_pick"))
    if suggested:
        committed = (extras["rule_pick"]["t_low"], extras["rule_pick"]["t_high"])
        st.caption("Nothing committed yet: the suggested rule is shown. Drag either handle to choose.")
    if committed is None:
        return
    zones = rule_zones.rule_zones(arrays[0], arrays[1], committed[0], committed[1], prevalence)
    st.subheader(SUGGESTED_RULE if suggested else COMMITTED_RULE)
    for line in zones.sentences():
        st.markdown(plain_text.plain(line))
    _cli_line(result, threshold, prevalence, class_index, committed)


def main() -> None:
    st.title("Decision threshold")
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
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
        st.session_state[session_state.K_PREVALENCE] = prevalence  # the Report page starts from it
    key = threshold_state.model_key(result.settings)
    mode = _choose_mode() if result.is_binary else "single"
    targets = (
        _rule_targets() if mode == "rule" else (rule_zones.DEFAULT_NPV_TARGET, rule_zones.DEFAULT_PPV_TARGET)
    )
    try:
        with st.spinner("Resampling the suggestions on the training scores…"):
            encoded, picks, opening, extras = explorer_payload(
                key, class_index, prevalence, cost, target, beta, labels, arrays,
                seed=int(result.settings.seed), rule_targets=targets,
            )  # fmt: skip
    except DataError as exc:
        plain_text.show_error(exc)
        return
    st.session_state[K_PICKS] = picks
    if mode == "rule":
        chosen = threshold_state.committed_threshold(key)
        _rule_section(
            result, arrays, encoded, extras, prevalence, opening if chosen is None else chosen, class_index
        )
        return
    committed = threshold_state.committed_threshold(key)
    value = threshold_explorer(encoded, key=EXPLORER_KEY, committed=committed, on_change=_store_threshold)
    if value is not None and value != committed:
        threshold_state.set_threshold(value, commit_origin(picks, value, committed_pick(EXPLORER_KEY)))
    committed = st.session_state.get(session_state.K_THRESHOLD)
    threshold = opening if committed is None else committed  # nothing committed: the model's default
    _uncertainty_line(picks, extras["uncertainty"], None if committed is None else threshold)
    _server_side(arrays, picks, threshold, prevalence, committed is None)
    _cli_line(result, threshold, prevalence, class_index)
    if not result.is_binary:
        _per_class_table(result)
    image_view.threshold_panel(result, threshold)  # image data only: FN/FP thumbnails, heat map (issue 16)
    from pages import decision_view  # subgroups, why this score, what-if (issue 15 items 3-4)

    decision_view.threshold_page_section(result)


main()
