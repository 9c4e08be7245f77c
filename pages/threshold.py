"""Threshold page: choose the decision threshold of the trained model with a live explorer.

Layout (issue 26, "the decision at a glance"): one row with the title, the mode (or the class) and a
"Suggestion settings" popover; then the explorer — slider, suggestion buttons, the 2x2 with the per-1,000
sentence, sensitivity / specificity / PPV / NPV with intervals, LR+ / LR- with intervals and the post-test
probabilities at a pre-test probability the clinician types — which fits a 1,400 x 900 window. The rest
(calibration, decision curve, threshold uncertainty, the equivalent command, per class, images) sits in
tabs below, each figure and table with a sentence from :mod:`imbalance_core.evaluation.threshold_sentences`;
formulas in a "For the analyst" expander. Subgroups, importance and the what-if live on their own page.

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
from imbalance_core.evaluation import curves, glossary, metrics, rule_zones, thresholds
from imbalance_core.evaluation import threshold_sentences as sentences
from imbalance_core.evaluation import threshold_uncertainty as uncertainty
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.one_vs_rest import default_judged_class
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
    typed_pretest,
)

EXPLORER_KEY = "threshold_explorer"
#: Headings of the rule's zones: a suggestion is never called committed (issue 23).
SUGGESTED_RULE, COMMITTED_RULE = "The suggested rule (not committed)", "The committed rule"
RULE_KEY = "threshold_rule_explorer"  # the same component in two-handle mode (mounted afresh on a switch)
MODES = {"single": "Single cut-off", "rule": "Rule-out and rule-in"}  # short: one line beside the title
TRAIN_PAGE = "pages/train.py"
#: Glossary terms the explorer shows with hover help (sent in the payload, set as title attributes).
HELP_TERMS = (
    "Threshold", "Sensitivity", "Specificity", "PPV", "NPV", "Accuracy", "Balanced accuracy", "MCC", "F1",
    "F-beta", "Youden", "LR+", "LR-", "Pre-test probability", "Post-test probability", "ROC AUC", "PR AUC",
)  # fmt: skip
#: Tabs under the decision (issue 26: everything but the decision at a glance sits below it).
TABS = ("Calibration", "Decision curve", "Threshold uncertainty", "Equivalent command")


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


def _uncertainty_payload(table: thresholds.StopTable, unc: uncertainty.ThresholdUncertainty) -> dict:
    """Per suggestion: its band as stop indices and its sentence (the JS draws and writes, nothing else).

    The sentence is written under the slider only (issue 26: it appeared twice); the "Threshold
    uncertainty" tab compares the suggestions in a table instead.
    """
    entries = unc.to_json()["picks"]
    return {
        u.key: {
            "lo_index": table.index_of(u.threshold_lo),
            "hi_index": table.index_of(u.threshold_hi),
            "text": sentences.uncertainty_sentence(entries[u.key], unc.n_boot, unc.seed),
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
    payload["help"] = {term: glossary.hover(term) for term in HELP_TERMS}
    roc, pr = data.roc_auc, data.pr_auc
    payload["sentences"] = {
        "roc": sentences.roc_sentence(roc.value, roc.lo, roc.hi),
        "pr": sentences.pr_sentence(pr.value, pr.lo, pr.hi, data.table.n_pos / max(data.table.n, 1)),
    }
    payload["pretest_default"] = data.table.prevalence  # the clinician types their own in the explorer
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
    first = default_judged_class(result.y_train, len(names))  # not the reference group (blood donors)
    chosen = st.selectbox(
        "Class to judge (one vs the rest)", range(len(names)), format_func=lambda i: names[i],
        **kept_inputs.persist("thr_class", session_state.K_THR_CLASS, first, scope=session_state.data_key()),
    )  # fmt: skip
    return int(chosen)


def _per_class_table(result: Any) -> None:
    _, per_class = metrics.multiclass_fold_metrics(result.y_test, result.test_scores)
    counts = np.bincount(result.y_test, minlength=len(result.class_names))
    frame = pd.DataFrame({"class": list(result.class_names), "hold-out rows": counts, "accuracy": per_class})
    st.caption("Per-class accuracy on the hold-out (share of each class predicted as itself)")
    fmt = {
        "accuracy": st.column_config.NumberColumn(
            format="%.3f", help="Share of the hold-out patients of this class the model predicts as it."
        )
    }
    st.dataframe(frame, hide_index=True, column_config=fmt, key="thr_per_class")
    st.caption(plain_text.plain(sentences.per_class_sentence(list(result.class_names), per_class, counts)))


def _inputs(hold_out_prevalence: float, class_index: int) -> tuple[float, float, float, float]:
    """Decision inputs; the prevalence widget is per class so each class opens at its own hold-out share.

    Each keeps the person's value across page changes (``kept_inputs.persist``); the prevalence and its
    default (the hold-out share) belong to the data, so a value set for other data is not reused.
    """
    prevalence_pct = st.number_input(
        "Deployment prevalence (%)", min_value=0.01, max_value=99.99, step=0.5, format="%.2f",
        help=glossary.hover("Prevalence") + " PPV, NPV, the per-1,000 sentence and the lowest-cost "
        "suggestion use it; it is also the pre-test probability the explorer opens at.",
        **kept_inputs.persist(
            f"thr_prevalence_{class_index}", f"{session_state.K_THR_PREVALENCE}:{class_index}",
            round(100 * hold_out_prevalence, 2), scope=session_state.data_key(),
        ),
    )  # fmt: skip
    cost = st.number_input(
        "A missed case costs as much as … false alarms", min_value=0.1, max_value=1000.0,
        step=1.0, help="FN:FP cost ratio used by the lowest-cost suggestion.",
        **kept_inputs.persist("thr_cost", session_state.K_THR_COST, 10.0),
    )  # fmt: skip
    target = st.number_input(
        "Target sensitivity", min_value=0.5, max_value=0.999, step=0.01, format="%.3f",
        help="The screening suggestion: fewest false alarms that still reach this sensitivity.",
        **kept_inputs.persist("thr_target", session_state.K_THR_TARGET, 0.95),
    )  # fmt: skip
    beta = st.number_input(
        "F-beta β", min_value=0.1, max_value=10.0, step=0.5,
        help=glossary.hover("F-beta") + " β > 1 weighs sensitivity more than PPV (the Best F suggestion).",
        **kept_inputs.persist("thr_beta", session_state.K_THR_BETA, 2.0),
    )  # fmt: skip
    return prevalence_pct / 100.0, float(cost), float(target), float(beta)


def _threshold_line(picks: list[dict], threshold: float, is_default: bool) -> None:
    """The committed threshold and where it came from (under the explorer, once)."""
    reason = pick_reason(picks, None if is_default else threshold, committed_pick(EXPLORER_KEY))
    st.markdown(
        f"**Threshold {sentences.threshold_text(threshold)}** · {plain_text.plain(reason)}",
        help=glossary.hover("Threshold"),
    )


def _calibration_tab(arrays: tuple, threshold: float) -> None:
    """Binary: raw vs recalibrated curves with their metrics; multi-class: this class's binned curve."""
    if calibration_view.calibration_panel(threshold):
        return
    y_test, scores = arrays[0], arrays[1]
    try:
        cal = curves.calibration(y_test, scores)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    st.plotly_chart(curve_figures.calibration_figure(cal, threshold=threshold), key="thr_cal")
    st.caption(
        plain_text.plain(sentences.calibration_curve_sentence(cal.mean_predicted, cal.observed, len(y_test)))
    )
    (st.warning if cal.distorted else st.caption)(plain_text.plain(cal.message))


def _decision_tab(arrays: tuple, threshold: float, prevalence: float) -> None:
    """Net benefit against treating everybody or nobody (binary: only from honest risks)."""
    if calibration_view.decision_panel(prevalence, threshold):
        return
    try:
        dc = curves.decision_curve(arrays[0], arrays[1], prevalence=prevalence)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    st.plotly_chart(curve_figures.decision_curve_figure(dc, threshold=threshold), key="thr_dca")
    sentence = sentences.decision_curve_sentence(dc, threshold)
    st.caption(plain_text.plain(sentence), help=glossary.hover("Net benefit"))
    st.caption(
        "Net benefit of acting on the model at each threshold probability, against treating "
        f"everybody or nobody, at {percent(prevalence)} prevalence."
    )


def uncertainty_frame(unc: dict) -> pd.DataFrame:
    """Every suggestion's threshold, its 95 % interval over resampled training sets and the sensitivity the
    resampled picks deliver (plain text cells: a missing number is a word, never nan)."""
    fmt = lambda v, spec: "not estimable" if v is None else format(v, spec)  # noqa: E731
    thr = lambda v: "not estimable" if v is None else sentences.threshold_text(v)  # noqa: E731
    rows = []
    for entry in unc["picks"].values():
        sens = entry["holdout"].get("sensitivity", {})
        rows.append({
            "Suggestion": entry["label"],
            "Threshold": thr(entry.get("threshold")),
            "95 % interval": " to ".join(thr(entry.get(k)) for k in ("threshold_lo", "threshold_hi")),
            "Sensitivity it delivers": f"{fmt(sens.get('lo'), '.2f')}–{fmt(sens.get('hi'), '.2f')}",
        })  # fmt: skip
    return pd.DataFrame(rows)


def _uncertainty_tab(unc: dict) -> None:
    """Every suggestion's threshold interval over resampled training sets, with its sentence.

    The committed suggestion's own sentence is the one under the slider (beside its band), not repeated.
    """
    frame = uncertainty_frame(unc)
    help_ = {
        "95 % interval": st.column_config.TextColumn(
            help="Where this suggestion's threshold lands on 95 % of resampled training sets."
        ),
        "Sensitivity it delivers": st.column_config.TextColumn(
            help="The middle 95 % of the hold-out sensitivities the resampled thresholds give (not a "
            "confidence interval). " + glossary.hover("Sensitivity")
        ),
    }
    st.dataframe(frame, hide_index=True, key="thr_uncertainty_table", column_config=help_)
    st.caption(plain_text.plain(sentences.uncertainty_table_sentence(unc["picks"])))
    st.caption(
        f"{unc['n_boot']} resamples of the {unc['n_oof']:,} cross-validated training rows (seed "
        f"{unc['seed']}); each suggestion is picked again on every resample. The band on the slider is "
        "the pressed suggestion's interval."
    )


def _analyst_notes() -> None:
    """Formula-level detail of every term on the page, for the analyst (not the main view)."""
    with st.expander("For the analyst: formulas and methods"):
        for term in (
            "Sensitivity", "Specificity", "PPV", "NPV", "LR+", "LR-", "Pre-test probability",
            "Post-test probability", "ROC AUC", "PR AUC", "MCC", "Youden", "F-beta", "Net benefit",
            "Wilson interval",
        ):  # fmt: skip
            st.caption(plain_text.plain(glossary.entry(term)))


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


def _settings(hold_out_prevalence: float, class_index: int, mode: str) -> tuple:
    """The settings that change the suggestions, in one popover beside the explorer's suggestion buttons.

    The popover's body runs on every rerun (its widgets keep their keys and values while it is closed).
    """
    with st.popover(
        "Suggestion settings", icon=":material/tune:", width="stretch",
        help="Deployment prevalence, the cost of a missed case, the target sensitivity, β and the rule "
        "targets: they move the suggestion buttons under the slider.",
    ):  # fmt: skip
        prevalence, cost, target, beta = _inputs(hold_out_prevalence, class_index)
        targets = (
            _rule_targets()
            if mode == "rule"
            else (rule_zones.DEFAULT_NPV_TARGET, rule_zones.DEFAULT_PPV_TARGET)
        )
    return prevalence, cost, target, beta, targets


def main() -> None:
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    if result is None:
        st.title("Decision threshold")
        st.info("Train a model first: the threshold explorer works on its hold-out scores.")
        try:
            st.page_link(TRAIN_PAGE, label="Go to Train", icon=":material/model_training:")
        except StreamlitPageNotFoundError:  # page run on its own (tests) or Train not in the navigation
            st.caption("Open the Train page from the navigation.")
        return
    # One row above the explorer: title, what is judged (class or mode), the suggestion settings.
    title_col, choice_col, settings_col = st.columns([2.9, 2.4, 1.6], vertical_alignment="bottom")
    with title_col:
        st.title("Decision threshold")
    with choice_col:
        class_index = _choose_class(result)
        mode = _choose_mode() if result.is_binary else "single"
    arrays = one_vs_rest(result, class_index)
    names = result.class_names
    labels = (names[1], names[0]) if result.is_binary else (names[class_index], f"not {names[class_index]}")
    hold_out_prevalence = float(np.mean(arrays[0]))
    with settings_col:
        prevalence, cost, target, beta, targets = _settings(hold_out_prevalence, class_index, mode)
    if result.is_binary:
        st.session_state[session_state.K_PREVALENCE] = prevalence  # the Report page starts from it
    key = threshold_state.model_key(result.settings)
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
    value = threshold_explorer(
        encoded, key=EXPLORER_KEY, committed=committed, on_change=_store_threshold,
        pretest=st.session_state.get(session_state.K_PRETEST),
    )  # fmt: skip
    typed = typed_pretest(EXPLORER_KEY)
    if typed is not None and result.is_binary:
        st.session_state[session_state.K_PRETEST] = typed  # the Report page's post-test figures start from it
    if value is not None and value != committed:
        threshold_state.set_threshold(value, commit_origin(picks, value, committed_pick(EXPLORER_KEY)))
    committed = st.session_state.get(session_state.K_THRESHOLD)
    threshold = opening if committed is None else committed  # nothing committed: the model's default
    _threshold_line(picks, threshold, committed is None)
    image_data = result.is_binary and image_view.current_images() is not None
    labels_ = (
        list(TABS) + (["Per class"] if not result.is_binary else []) + (["Images"] if image_data else [])
    )
    tabs = dict(zip(labels_, st.tabs(labels_, key="thr_tabs"), strict=True))
    with tabs["Calibration"]:
        _calibration_tab(arrays, threshold)
    with tabs["Decision curve"]:
        _decision_tab(arrays, threshold, prevalence)
    with tabs["Threshold uncertainty"]:
        _uncertainty_tab(extras["uncertainty"])
    with tabs["Equivalent command"]:
        _cli_line(result, threshold, prevalence, class_index)
    if "Per class" in tabs:
        with tabs["Per class"]:
            _per_class_table(result)
    if "Images" in tabs:
        with tabs["Images"]:
            # FN/FP thumbnails, heat map (issue 16)
            image_view.threshold_panel(result, threshold, committed is not None)
    _analyst_notes()


main()
