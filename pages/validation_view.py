"""Internal validation on the Train page: the scheme (bootstrap by default on small data, and why),
apparent / optimism / corrected per measure, prediction stability, nested tuning, the learning curve.

Not a page (``app.py`` lists its pages explicitly); the Train page calls :func:`section` in one line.
Computation is :func:`imbalance_core.learn.internal_validation.validate` and
:func:`imbalance_core.learn.learning_curve.learning_curve` (fits in this machine's worker processes, or
on the Dask cluster when one is configured); results are kept per (data, settings, validation settings)
in this session, so nothing is refitted when the page reruns. The heavy run starts only on a button.
"""

from __future__ import annotations

import shlex
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import page_sentences
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.stability import prediction_stability
from imbalance_core.figures.stability import (
    calibration_instability_figure,
    instability_figure,
    learning_curve_figure,
)
from imbalance_core.learn.internal_validation import (
    METHODS,
    N_BOOT,
    OTHER_SECTIONS,
    InternalValidation,
    ValidationSettings,
    choose_method,
    validate,
)
from imbalance_core.learn.learning_curve import LearningCurve, learning_curve
from imbalance_core.learn.training import TrainSettings
from imbalance_core.learn.tuning import GRIDS, RATIO_GRID, TuneSpec
from pages import cluster_view, plain_text, session_state, threshold_state

W_METHOD, W_BOOT, W_TUNE = "validation_method", "validation_b", "validation_tune"
W_RUN, W_CURVE = "validation_run", "validation_curve_run"
K_RESULTS = "validation_results"  # {(data key, TrainSettings, ValidationSettings): InternalValidation}
K_CURVES = "validation_curves"  # {(data key, TrainSettings): LearningCurve}
PAGE = "validation"
KEEP_RESULTS = 3  # validations kept per session (each holds every bootstrap model's risk per patient)
CHOICES = ("auto", *METHODS)
#: Ratio labels of the Train page's ratio slider for the tuned ratios (pages/train.py RATIOS).
RATIO_LABELS = {1 / 3: "1:3", 1 / 2: "1:2", 1.0: "1:1"}


def _choice_label(key: str, auto_method: str) -> str:
    if key == "auto":
        return f"Automatic: {METHODS[auto_method].lower()}"
    return METHODS[key]


def validation_settings(data: Any, settings: TrainSettings) -> tuple[ValidationSettings, str]:
    """Draw the choice (scheme, bootstrap samples, tuning) and return it with the sentence saying why."""
    auto = choose_method(data.y, "auto", settings.classifier)
    st.session_state.setdefault(W_METHOD, "auto")
    st.session_state.setdefault(W_BOOT, N_BOOT)
    left, mid, right = st.columns([2, 1, 1])
    key = left.selectbox(
        "Validation", CHOICES, key=W_METHOD, format_func=lambda k: _choice_label(k, auto.method),
        help="Bootstrap and repeated cross-validation refit the whole procedure (sampler, recalibration, "
        "threshold rule, tuning) many times on all patients; the hold-out judges one model on one split.",
    )  # fmt: skip
    choice = choose_method(data.y, key, settings.classifier)
    n_boot = int(mid.number_input("Bootstrap samples", min_value=20, max_value=1000, step=10, key=W_BOOT,
                                  disabled=choice.method != "bootstrap"))  # fmt: skip
    tune = right.toggle(
        "Tune inside",
        key=W_TUNE,
        disabled=choice.method == "holdout",
        help="Choose the classifier's main settings and the sampler's ratio by cross-validation inside "
        "every bootstrap sample or fold (nested), so the tuning's optimism is counted.",
    )
    reason = auto.reason if key == "auto" else choice.reason
    st.caption(plain_text.plain(reason))
    validation = ValidationSettings(
        method=choice.method,
        n_boot=n_boot,
        folds=int(settings.cv),
        tune=TuneSpec() if tune and choice.method != "holdout" else None,
    )
    return validation, reason


def command_line(settings: TrainSettings, validation: ValidationSettings) -> str | None:
    """The ``evaluate`` line that runs this validation (None before data are loaded)."""
    from imbalance_core.cli import command_lines

    spec, table = session_state.current_spec(), session_state.current_table()
    if spec is None or table is None:
        return None
    file_arg = command_lines.file_argument(st.session_state.get(session_state.K_SOURCE, ""), table.name)
    args = [*command_lines.PROGRAM, "evaluate", *command_lines.task_args(file_arg, spec)]
    args += [*command_lines.training_args(settings), "--validation", validation.method]
    if validation.method == "bootstrap":
        args += ["--bootstrap-b", str(validation.n_boot)]
    if validation.tune is not None:
        args.append("--tune")
    return shlex.join(args)


def _run(data: Any, settings: TrainSettings, validation: ValidationSettings, reason: str, local: bool):
    """Run (or fetch) the validation with a progress bar and time left; None after an error."""
    results: dict = st.session_state.setdefault(K_RESULTS, {})
    key = (session_state.data_key(), settings, validation)
    if key in results:
        return results[key]
    scheduler = "" if local else cluster_view.configured_scheduler()
    with st.status("Validating…", expanded=True) as status:
        progress = cluster_view.progress_bar()
        try:
            result = validate(
                data, settings, validation, progress=progress, scheduler=scheduler, reason=reason
            )
        except DataError as exc:
            status.update(label="Validation stopped", state="error", expanded=True)
            if not cluster_view.offer_local_run(exc, PAGE):
                plain_text.show_error(exc)
            return None
        status.update(label=f"Validated in {result.seconds:.0f} s on {result.where}", state="complete",
                      expanded=False)  # fmt: skip
    results[key] = result
    while len(results) > KEEP_RESULTS:  # each holds B x n risks: keep the session small
        results.pop(next(iter(results)))
    return result


def latest(settings: TrainSettings) -> InternalValidation | None:
    """The most recent validation run for the current data and ``settings`` in this session (Report page)."""
    results: dict = st.session_state.get(K_RESULTS, {})
    found = [
        v for (data_key, s, _), v in results.items() if data_key == session_state.data_key() and s == settings
    ]
    return found[-1] if found else None


def _fmt(value: float | None) -> str:
    return "not estimable" if value is None or not np.isfinite(value) else f"{value:.3f}"


def measures_table(result: InternalValidation) -> pd.DataFrame:
    """One row per measure: apparent, optimism, corrected (text, so a missing value reads in words)."""
    corrected = "Corrected" if result.method == "bootstrap" else "Validated"
    return pd.DataFrame(
        [
            {
                "Measure": m.name,
                "Apparent (all patients)": _fmt(m.apparent),
                "Optimism": _fmt(m.optimism),
                corrected: _fmt(m.corrected),
            }
            for m in result.measures
        ]
    )


def slope_sentence(result: InternalValidation) -> str:
    """What the corrected calibration slope means for a clinician."""
    slope = result.measure("cal_slope").corrected
    if not np.isfinite(slope):
        return "The corrected calibration slope could not be estimated (scores at 0 and 1)."
    if slope < 0.9:
        return (
            f"The corrected calibration slope is {slope:.2f}: on new patients this model's risks are likely "
            f"too extreme (high risks too high, low too low); shrinking its log-odds by about {slope:.2f} "
            "would be expected to fix that."
        )
    return f"The corrected calibration slope is {slope:.2f}: little overfitting is expected."


def _apply_tuning(classifier: str, params: dict[str, Any], ratio: float | None) -> None:
    """Callback: put the tuned values into the Train page's widgets (trained on the next press of Train)."""
    for name, value in params.items():
        st.session_state[f"train_param_{classifier}_{name}"] = value
    if ratio:
        label = next((lab for r, lab in RATIO_LABELS.items() if abs(r - ratio) < 1e-9), None)
        if label:
            st.session_state["train_ratio"] = label


def show(result: InternalValidation) -> None:
    """Draw one validation result: table, sentences, stability figures, tuning."""
    st.caption(plain_text.plain(result.describe() + " Threshold rule: " + result.threshold_rule() + "."))
    if result.caution():
        st.warning(plain_text.plain(result.caution()))
    st.dataframe(measures_table(result), hide_index=True)
    auc = result.measure("roc_auc")
    st.caption(
        plain_text.plain(
            page_sentences.validation_measures_sentence(
                "ROC AUC", auc.apparent, auc.corrected, result.method == "bootstrap"
            )
        )
    )
    st.markdown(plain_text.plain(slope_sentence(result)))
    st.caption(plain_text.plain(OTHER_SECTIONS))
    stability = result.stability()
    chosen = threshold_state.current_threshold()
    if stability is not None and chosen is not None and not chosen.is_default:
        # the person moved the threshold (Threshold page): judge the decisions at that one
        y = np.asarray(result.final_y, dtype=float)
        stability = prediction_stability(y, result.final_risks, result.replicate_risks, chosen.value)
        st.caption(
            plain_text.plain(
                f"Decisions judged at the current threshold {chosen.value:.3g} ({chosen.origin})."
            )
        )
    elif stability is not None:
        st.caption(plain_text.plain(
            f"Decisions judged at {stability.threshold:.3g}, the threshold the rule picks for the model "
            "developed on all patients (the model above, trained on its training part, has its own)."
        ))  # fmt: skip
    if stability is not None:
        st.markdown("**Prediction stability** (Riley & Collins, BMJ 2023)")
        st.info(plain_text.plain(stability.sentence()), icon=":material/balance:")
        c = st.columns(3)
        c[0].metric("Mean absolute prediction error", f"{stability.mape:.3f}")
        c[1].metric("Decisions that flip (per patient and model)", percent(stability.flip_share))
        c[2].metric("Patients who flip under some model", percent(stability.share_any_flip))
        left, right = st.columns(2)
        bar = {"displayModeBar": False}
        left.plotly_chart(instability_figure(stability), key="validation_instability", config=bar)
        right.plotly_chart(
            calibration_instability_figure(stability), key="validation_calib_instability", config=bar
        )
        left.caption(
            plain_text.plain(page_sentences.instability_sentence(stability.mape, stability.flip_share))
        )
        right.caption(
            f"Each thin line is one of {len(stability.curves)} bootstrap models' calibration curves on all "
            "patients; the wider their spread around the diagonal, the less any one model's risks can be "
            "trusted as they are."
        )
    if result.final_tuning is not None:
        chosen = result.final_tuning.chosen
        st.markdown(
            "**Tuning** chose "
            + plain_text.plain(
                f"{chosen.label()} on all patients (nested inside every sample, so the figures above include "
                "its optimism)."
            )
        )
        st.button(
            "Use the tuned settings",
            key="validation_use_tuned",
            on_click=_apply_tuning,
            args=(result.settings.classifier, dict(chosen.params), chosen.ratio or None),
            help="Puts them into the settings above; press Train to train with them.",
        )


def _curve(data: Any, settings: TrainSettings) -> None:
    """'Would more patients help?': drawn on request, kept per (data, settings)."""
    curves: dict = st.session_state.setdefault(K_CURVES, {})
    key = (session_state.data_key(), settings)
    result: LearningCurve | None = curves.get(key)
    if result is None and st.button("Draw the learning curve", key=W_CURVE, icon=":material/show_chart:"):
        with st.status("Fitting at 20-100 % of the patients…", expanded=True) as status:
            try:
                result = learning_curve(data, settings, progress=cluster_view.progress_bar(),
                                        scheduler=cluster_view.configured_scheduler())  # fmt: skip
            except DataError as exc:
                status.update(label="Stopped", state="error")
                plain_text.show_error(exc)
                return
            status.update(label="Done", state="complete", expanded=False)
        curves[key] = result
    if result is not None:
        st.plotly_chart(learning_curve_figure(result), key="validation_learning_curve",
                        config={"displayModeBar": False})  # fmt: skip
        st.markdown(plain_text.plain(result.sentence()))


def section(settings: TrainSettings) -> None:
    """The Train page's internal-validation section for the trained ``settings``."""
    data = session_state.require_data()
    st.subheader("Internal validation")
    if len(data.class_names) != 2:
        st.caption("Internal validation covers two-class tasks (positive vs the rest).")
        return
    validation, reason = validation_settings(data, settings)
    if settings.group_by:
        st.warning(
            "This validation resamples rows, not patients: one patient's rows can fall in a bootstrap "
            "sample and in the rows it is judged on, which flatters the figures. Grouped resampling is "
            "not available here yet."
        )
    line = command_line(settings, validation)
    if validation.method == "holdout":
        st.caption("The hold-out figures above are this validation.")
    else:
        local = cluster_view.local_run_requested(PAGE)
        results: dict = st.session_state.get(K_RESULTS, {})
        key = (session_state.data_key(), settings, validation)
        if key in results or local or st.button("Run internal validation", key=W_RUN, type="primary",
                                                icon=":material/replay:"):  # fmt: skip
            result = _run(data, settings, validation, reason, local)
            if result is not None:
                show(result)
        else:
            grid = GRIDS.get(settings.classifier, {})
            if validation.tune is not None:
                st.caption(plain_text.plain(
                    "Tuning grid: " + "; ".join(f"{k} in {', '.join(map(str, v))}" for k, v in grid.items())
                    + f"; sampler ratio in {', '.join(RATIO_LABELS[r] for r in RATIO_GRID)} where it applies "
                    "(a seeded random 8 of the grid, 3-fold CV inside, PR AUC)."))  # fmt: skip
    if line:
        st.markdown("**Equivalent command**")
        st.code(line, language="bash", wrap_lines=True)
    with st.expander("Would more patients help?"):
        _curve(data, settings)
