"""Calibration on the pages: the recalibration choice, raw vs recalibrated curves with their metrics,
"did resampling help?", and decision curves drawn only from honest risks.

Not a page (``app.py`` lists its pages explicitly); the Train and Threshold pages call these functions
in one line each. Computation is in :mod:`imbalance_core.evaluation.calibration`,
:mod:`~imbalance_core.learn.recalibration`
and :mod:`~imbalance_core.learn.resampling_effect`; results are kept per session (``st.session_state``),
keyed by
the model, so nothing is recomputed or retrained when the threshold moves.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import curves, glossary
from imbalance_core.evaluation import threshold_sentences as sentences
from imbalance_core.evaluation.calibration import (
    METRIC_NAMES,
    CalibrationMetrics,
    calibration_metrics,
    estimate_text,
)
from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.calibration import calibration_curves_figure, decision_curves_figure
from imbalance_core.learn.calibration_summary import risk_honesty
from imbalance_core.learn.recalibration import RECALIBRATORS, prior_note, raw_scores
from imbalance_core.learn.resampling_effect import (
    ResamplingEffect,
    baseline_settings,
    compare_to_baseline,
    is_baseline,
)
from pages import plain_text, session_state, threshold_state

W_RECALIBRATE = "train_recalibrate"
K_METRICS = "calib_metrics"  # {(model key, which): CalibrationMetrics}
K_BASELINE = "calib_baseline"  # {(data key, baseline settings): TrainResult}
K_EFFECT = "calib_effect"  # {model key: ResamplingEffect}
#: Bootstrap resamples on the pages (the CLI's --calibration-boot defaults to the same).
PAGE_BOOT = 200
#: Metrics shown in the page table, in order.
TABLE_KEYS = ("intercept", "slope", "e_to_o", "ici", "e90", "emax", "brier", "scaled_brier")
#: Metric key -> (short column name, glossary term for its hover help). Two tables of four columns each,
#: one row per risk set, so no table is wider than the page (issue 26: the one wide table was cut off).
COLUMNS: dict[str, tuple[str, str]] = {
    "intercept": ("Intercept", "Calibration intercept"),
    "slope": ("Slope", "Calibration slope"),
    "e_to_o": ("E:O", "E:O"),
    "ici": ("ICI", "ICI"),
    "e90": ("E90", "E90"),
    "emax": ("Emax", "Emax"),
    "brier": ("Brier", "Brier score"),
    "scaled_brier": ("Scaled Brier", "Scaled Brier"),
}
TABLE_GROUPS = (("intercept", "slope", "e_to_o", "ici"), ("e90", "emax", "brier", "scaled_brier"))


# --------------------------------------------------------------------------- Train page: the setting


def recalibrate_choice(last: str) -> str:
    """The 'Recalibration' select box (Train page); starts at the last trained model's value."""
    st.session_state.setdefault(W_RECALIBRATE, last if last in RECALIBRATORS else "none")
    key = st.selectbox(
        "Recalibration",
        tuple(RECALIBRATORS),
        format_func=lambda k: RECALIBRATORS[k].name,
        key=W_RECALIBRATE,
        help="Turn resampled or weighted scores back into risks. Fitted on out-of-fold training scores only, "
        "never on the hold-out; the saved model carries it.",
    )
    st.caption(plain_text.plain(RECALIBRATORS[key].help))
    return str(key)


# --------------------------------------------------------------------------- cached numbers


def _session_cache(name: str, limit: int = 8) -> dict:
    cache = st.session_state.setdefault(name, {})
    while len(cache) > limit:
        cache.pop(next(iter(cache)))
    return cache


def metrics_for(result: Any, which: str) -> CalibrationMetrics:
    """Calibration metrics of one risk set of ``result``: 'holdout', 'raw_holdout', 'oof', 'raw_oof'."""
    cache = _session_cache(K_METRICS, 16)
    key = (threshold_state.model_key(result.settings), which)
    if key not in cache:
        raw_test, raw_oof = raw_scores(result)
        y, s = {
            "holdout": (result.y_test, result.test_scores),
            "raw_holdout": (result.y_test, raw_test),
            "oof": (result.y_train, result.oof_scores),
            "raw_oof": (result.y_train, raw_oof),
        }[which]
        cache[key] = calibration_metrics(y, s, n_boot=PAGE_BOOT, seed=int(result.settings.seed))
    return cache[key]


def _baseline(result: Any) -> Any | None:
    """The cached baseline fit (same classifier, no resampling or weights), or None if not fitted yet."""
    return _session_cache(K_BASELINE, 2).get((session_state.data_key(), baseline_settings(result.settings)))


def _fit_baseline(result: Any) -> Any:
    from imbalance_core.learn.training import train

    key = (session_state.data_key(), baseline_settings(result.settings))
    cache = _session_cache(K_BASELINE, 2)
    if key not in cache:
        cache[key] = train(session_state.require_data(), key[1])
    return cache[key]


def cached_effect(result: Any) -> ResamplingEffect | None:
    """'Did resampling help?' for this model if it was computed in this session (Report page), else None."""
    if result is None or not getattr(result, "is_binary", False):
        return None
    return _effect(result)


def _effect(result: Any) -> ResamplingEffect | None:
    return _session_cache(K_EFFECT, 4).get(threshold_state.model_key(result.settings))


# --------------------------------------------------------------------------- tables and sentences


def _cell(m: CalibrationMetrics, key: str) -> str:
    """'0.981 (0.912 to 1.050)', or the reason in words: never 'nan'."""
    return estimate_text(getattr(m, key), ci="")


def _short_cell(m: CalibrationMetrics, key: str) -> str:
    """'0.981 (0.912 to 1.050)': the table's header says 95 % CI; the reason in words when missing."""
    return estimate_text(getattr(m, key), ci="", reason=False)


def metrics_tables(columns: list[tuple[str, CalibrationMetrics]]) -> list[pd.DataFrame]:
    """The metrics as two narrow tables (one row per risk set, four metric columns each)."""
    return [
        pd.DataFrame(
            [{"Risks": name, **{COLUMNS[k][0]: _short_cell(m, k) for k in group}} for name, m in columns]
        )
        for group in TABLE_GROUPS
    ]


def _column_help(frame: pd.DataFrame) -> dict:
    """Hover help for each metric column, one line from the glossary."""
    terms = {short: term for short, term in COLUMNS.values()}
    return {
        col: st.column_config.TextColumn(col, help=glossary.hover(terms[col]) + " Value (95 % CI).")
        for col in frame.columns
        if col in terms
    }


def honest_risks(result: Any) -> tuple[bool, str]:
    """Whether the delivered hold-out risks may feed a net-benefit calculation (see ``risk_honesty``)."""
    ok, why = risk_honesty(result, metrics_for(result, "holdout"))
    return ok, why.replace("Choose a recalibration", "Choose a Recalibration on the Train page")


# --------------------------------------------------------------------------- panels


def calibration_panel(threshold: float | None = None, key: str = "thr") -> bool:
    """Raw vs recalibrated calibration curves with their metrics; False for multi-class (caller draws)."""
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    if result is None or not result.is_binary:
        return False
    try:
        curves_in = []
        base = _baseline(result)
        if base is not None and not is_baseline(result.settings):
            curves_in.append(("baseline", "without resampling", metrics_for(base, "holdout")))
        recalibrated = getattr(result, "calibrator", None) is not None
        if recalibrated:
            curves_in.append(("raw", "classifier's own scores", metrics_for(result, "raw_holdout")))
        delivered = "recalibrated" if recalibrated else "model"
        curves_in.append(("recalibrated", delivered, metrics_for(result, "holdout")))
    except DataError as exc:
        plain_text.show_error(exc)
        return True
    m = curves_in[-1][2]
    st.plotly_chart(calibration_curves_figure(curves_in, threshold), key=f"{key}_calib_curves")
    st.caption(plain_text.plain(sentences.calibration_sentence(m)), help=glossary.hover("Calibration slope"))
    rows = [(name, metrics) for _role, name, metrics in curves_in]
    for i, frame in enumerate(metrics_tables(rows)):
        st.dataframe(frame, hide_index=True, key=f"{key}_calib_table_{i}", column_config=_column_help(frame))
    st.caption(plain_text.plain(sentences.calibration_table_sentence(rows)))
    with st.expander("For the analyst: how these numbers are computed"):
        st.caption(
            f"Hold-out, {m.n} patients ({m.events} with the condition). Intercept and slope: Wald "
            f"intervals; E:O: Poisson; the rest: {m.n_boot} bootstrap resamples (seed {m.seed}). Curves: "
            "lowess."
        )
        for _short, term in COLUMNS.values():
            st.caption(plain_text.plain(glossary.entry(term)))
        s = result.settings
        if s.recalibrate == "prior":
            st.caption(plain_text.plain(prior_note(s.sampler, s.classifier).text))
    return True


def decision_panel(prevalence: float, threshold: float | None = None, key: str = "thr") -> bool:
    """Decision curves (hold-out and pooled out-of-fold) from honest risks, or a warning instead.

    Returns False for multi-class results (the caller draws its own one-vs-rest curve).
    """
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    if result is None or not result.is_binary:
        return False
    try:
        ok, why = honest_risks(result)
    except DataError as exc:
        plain_text.show_error(exc)
        return True
    if not ok:
        st.warning(plain_text.plain(why), icon=":material/warning:")
        return True
    try:
        holdout = curves.decision_curve(result.y_test, result.test_scores, prevalence=prevalence)
        pooled = curves.decision_curve(result.y_train, result.oof_scores, prevalence=prevalence)
    except DataError as exc:
        plain_text.show_error(exc)
        return True
    fig = decision_curves_figure(
        [("recalibrated", "hold-out", holdout), ("oof", "pooled out-of-fold (training)", pooled)],
        f"Decision curve at {percent(prevalence)} prevalence",
        threshold,
    )
    st.plotly_chart(fig, key=f"{key}_dca_honest")
    if threshold is not None:
        sentence = sentences.decision_curve_sentence(holdout, threshold)
        st.caption(plain_text.plain(sentence), help=glossary.hover("Net benefit"))
    more = (
        " Net benefit against treating everybody or nobody; risks are calibrated to the training prevalence."
    )
    st.caption(plain_text.plain(why + more))
    return True


def resampling_help_section(result: Any) -> None:
    """'Did resampling help?' against the same classifier without resampling or weights (Train page)."""
    if not result.is_binary:
        return
    st.subheader("Did resampling help?")
    if is_baseline(result.settings):
        st.caption("This model uses no resampling and no class weights: it is its own baseline.")
        return
    effect = _effect(result)
    if effect is None:
        st.caption(
            "Compares this model with the same classifier trained without resampling or weights on the same "
            "split and folds (one more fit, kept for this session)."
        )
        if not st.button("Compare with the model without resampling", key="calib_compare_button"):
            return
        try:
            with st.spinner("Fitting the same classifier without resampling…"):
                base = _fit_baseline(result)
                effect = compare_to_baseline(result, base, n_boot=PAGE_BOOT, seed=int(result.settings.seed))
        except DataError as exc:
            plain_text.show_error(exc)
            return
        _session_cache(K_EFFECT, 4)[threshold_state.model_key(result.settings)] = effect
    st.info(plain_text.plain(effect.sentence), icon=":material/balance:")
    st.dataframe(effect_table(effect), hide_index=True, key="calib_effect_table")


def effect_table(effect: ResamplingEffect) -> pd.DataFrame:
    """Both models side by side with the paired differences."""
    m, b = effect.model, effect.baseline

    def diff(e: Any) -> str:
        return f"{e.value:+.3f} ({e.low:+.3f} to {e.high:+.3f})"

    rows = [
        ("ROC AUC", f"{m.roc_auc:.3f}", f"{b.roc_auc:.3f}", diff(effect.auc_diff)),
        ("PR AUC", f"{m.pr_auc:.3f}", f"{b.pr_auc:.3f}", diff(effect.pr_auc_diff)),
        ("Threshold (from out-of-fold scores)", f"{m.threshold:.3f}", f"{b.threshold:.3f}", ""),
        (
            "Sensitivity (hold-out)",
            f"{m.sensitivity:.3f}",
            f"{b.sensitivity:.3f}",
            diff(effect.sensitivity_diff),
        ),
        (
            "Specificity (hold-out)",
            f"{m.specificity:.3f}",
            f"{b.specificity:.3f}",
            diff(effect.specificity_diff),
        ),
    ]
    for key in ("intercept", "slope", "e_to_o", "ici", "brier"):
        rows.append((METRIC_NAMES[key], _cell(m.calibration, key), _cell(b.calibration, key), ""))
    return pd.DataFrame(
        rows, columns=["Measure", f"This model ({m.label})", "Without resampling", "Difference (95 % CI)"]
    )


def train_page_section(result: Any) -> None:
    """Everything calibration shows on the Train page: 'did resampling help?', curves and metrics.

    The comparison comes first so that, once the baseline is fitted, its curve joins the figure below.
    """
    if not result.is_binary:
        return
    resampling_help_section(result)
    st.subheader("Calibration on the hold-out")
    calibration_panel(key="train")
