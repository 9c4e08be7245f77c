"""Train page: choose resampling, weighting and classifier, train with per-fold progress, see the result.

Widgets only. Training is :func:`imbalance_core.learn.training.train` behind
:func:`pages.model_cache.train_cached`,
so a result is kept per (data, settings) in this session: coming back to the page or switching back to
earlier settings shows the stored result at once, and nothing retrains unless data or settings change.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.evaluation import page_sentences
from imbalance_core.evaluation.metrics import binary_table, multiclass_fold_metrics
from imbalance_core.evaluation.thresholds import ChosenThreshold
from imbalance_core.figures.classes import resampling_counts_figure
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.classifiers import CLASSIFIERS, WEIGHTINGS, ParamSpec
from imbalance_core.learn.clinical_bounds import suggest_all
from imbalance_core.learn.fold_counts import FoldCounts, fold_class_counts
from imbalance_core.learn.operating_point import (
    CV_MEASURES,
    THRESHOLD_FREE,
    CvAtThreshold,
    cv_at_threshold,
    model_threshold,
    threshold_words,
)
from imbalance_core.learn.samplers import SAMPLERS, SamplerSpec
from imbalance_core.learn.settings_check import fit_to_data
from imbalance_core.learn.splitting import fixed_holdout_text
from imbalance_core.learn.training import TrainResult, TrainSettings, weighting_overlap_notice
from pages import (
    calibration_view,
    cluster_view,
    command_block,
    kept_inputs,
    model_cache,
    plain_text,
    session_state,
    threshold_state,
    validation_view,
)

THRESHOLD_PAGE = "pages/threshold.py"
#: Target minority:majority ratios offered, label -> ratio.
RATIOS: dict[str, float] = {"1:4": 1 / 4, "1:3": 1 / 3, "1:2": 1 / 2, "1:1": 1.0}
#: Fewest rare patients per training fold for interpolation to mean something (DOMAIN.md: ~10).
MEANINGFUL_MINORITY = 10
WEIGHTING_NAMES = {"none": "None", "balanced": "Balanced", "tradeoff": "Trade-off t", "custom": "Custom"}

W_SAMPLER, W_RATIO, W_CLIP = "train_sampler", "train_ratio", "train_clip"
W_WEIGHTING, W_TRADEOFF = "train_weighting", "train_tradeoff"
W_CLASSIFIER, W_CV, W_TEST, W_SEED = "train_classifier", "train_cv", "train_test_size", "train_seed"
W_USE_BOUNDS, W_BOUNDS = "train_use_bounds", "train_bounds_editor"
W_GROUP = "train_group_by"  # a repeating ID column to split by patient, or "" (by row)
#: Why the observed-range switch changes nothing for the SMOTE family (all interpolate between real rows).
CLIP_SAYS = (
    "SMOTE-type methods put each new patient on the line between two real patients, so no synthetic value "
    "ever leaves the observed range: this switch changes nothing for them. To hold synthetic values within "
    "physiologically plausible limits, use the clinical bounds below."
)
#: Kept across page changes (kept_inputs.keep_inputs): the fixed inputs and the per-parameter/per-class ones.
KEPT = (W_SAMPLER, W_RATIO, W_CLIP, W_USE_BOUNDS, W_WEIGHTING, W_TRADEOFF, W_CLASSIFIER, W_CV, W_TEST, W_SEED)
KEPT += (W_GROUP,)
KEPT_PREFIXES = ("train_param_", "train_weight_")


# --- pure helpers ------------------------------------------------------------------------------------
def ratio_label(ratio: float) -> str:
    """ "1:3" for 1/3; the nearest offered label when the ratio is not one of them."""
    for label, value in RATIOS.items():
        if abs(value - ratio) < 1e-9:
            return label
    frac = Fraction(ratio).limit_denominator(20)
    return min(RATIOS, key=lambda label: abs(RATIOS[label] - float(frac)))


def minority_per_fold(data: PreparedData, test_size: float, cv: int) -> int:
    """Rough number of rarest-class rows in one CV training fold (hold-out and one fold removed)."""
    smallest = min(data.class_counts.values())
    return int(smallest * (1 - test_size) * (cv - 1) / cv)


def cv_table(cv: CvAtThreshold) -> pd.DataFrame:
    """CV summary at the model's threshold: one line per measure with mean ± sd, then every fold's value.

    ROC AUC, PR AUC and Brier need no threshold; the rest are counted at ``cv.threshold``.
    """
    rows = []
    for key, name in CV_MEASURES.items():
        summary = cv.summary.get(key)
        if summary is None:
            continue
        row: dict[str, Any] = {
            "Measure": name,
            "At": "any threshold" if key in THRESHOLD_FREE else "model's threshold",
            "Mean ± sd": f"{summary.mean:.3f} ± {summary.sd:.3f}",
        }
        for fold in cv.folds:
            row[f"Fold {fold['fold']}"] = round(float(fold.get(key, float("nan"))), 3)
        rows.append(row)
    return pd.DataFrame(rows)


def clipping_sentence(result: TrainResult) -> str:
    """How many synthetic values clipping changed in the final fit, per column ("" when no clipping ran)."""
    s = result.settings
    if not SAMPLERS[s.sampler].uses_k or not (s.clip or s.clip_bounds):
        return ""
    if not result.clipped_counts:
        return "Clipping changed no synthetic value in the final fit."
    total = sum(result.clipped_counts.values())
    parts = ", ".join(f"{name} {n:,}" for name, n in result.clipped_counts.items())
    return f"Clipping changed {total:,} synthetic values in the final fit: {parts}."


# --- per-fold class counts (issue 26) ---------------------------------------------------------------
def fold_counts_frame(counts: FoldCounts) -> pd.DataFrame:
    """One line per CV fold and one for the hold-out: training rows per class before and after
    resampling, then the rows it was judged on (never resampled)."""
    return pd.DataFrame(counts.rows())


def fold_counts_text(counts: FoldCounts) -> str:
    """The sentence under the per-fold table: the folds' counts before and after, then the hold-out's."""
    folds = counts.folds
    spec = SAMPLERS.get(counts.sampler)
    name = spec.name if spec is not None else counts.sampler
    holdout = counts.parts[-1]
    return (
        page_sentences.fold_counts_sentence(
            [p.train_before for p in folds],
            [p.train_after for p in folds],
            counts.class_names,
            name,
            counts.sampler != "none",
        )
        + " "
        + page_sentences.holdout_counts_sentence(holdout.valid, counts.class_names)
    )


def _fold_column(column: str) -> Any:
    """A count column with a line on hover saying which rows it counts."""
    if column.startswith("Judged"):
        says = "The rows the fold's model was judged on (the hold-out: the final model); never resampled."
    elif column.endswith(" after"):
        says = "The same training rows after resampling, inside this fit only."
    else:
        says = "The rows the fold's model was trained on (the hold-out line: the whole training part)."
    return st.column_config.NumberColumn(format="%d", help=says)


def fold_counts_section(result: TrainResult) -> None:
    """Each CV fold's training and validation class counts and the hold-out's, with a sentence."""
    counts = fold_class_counts(result)
    if counts is None:
        return
    with st.expander("Class counts in every cross-validation fold", expanded=False):
        frame = fold_counts_frame(counts)
        st.dataframe(
            frame,
            hide_index=True,
            column_config={col: _fold_column(col) for col in frame.columns if col != "Part"},
        )
        st.caption(plain_text.plain(fold_counts_text(counts)))


# --- widgets -----------------------------------------------------------------------------------------
def _init_widgets(settings: TrainSettings) -> None:
    """Give each widget the last trained value the first time it is drawn in this visit."""
    defaults = {
        W_SAMPLER: settings.sampler,
        W_RATIO: ratio_label(settings.ratio),
        W_CLIP: settings.clip,
        W_WEIGHTING: settings.weighting,
        W_TRADEOFF: float(settings.tradeoff),
        W_CLASSIFIER: settings.classifier,
        W_CV: int(settings.cv),
        W_TEST: float(settings.test_size),
        W_SEED: int(settings.seed),
        W_USE_BOUNDS: bool(settings.clip_bounds),
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    for name, value in settings.params:
        st.session_state.setdefault(_param_key(settings.classifier, name), value)
    for code, weight in enumerate(settings.custom_weights):
        st.session_state.setdefault(f"train_weight_{code}", float(weight))


def _param_key(classifier: str, name: str) -> str:
    return f"train_param_{classifier}_{name}"


def _param_widget(classifier: str, p: ParamSpec) -> Any:
    """One widget for one exposed hyper-parameter, chosen by its kind."""
    key = _param_key(classifier, p.name)
    st.session_state.setdefault(key, p.default)
    if p.kind == "choice":
        return st.selectbox(p.label, p.choices, key=key, help=p.help or None)
    if p.kind == "bool":
        return st.toggle(p.label, key=key, help=p.help or None)
    if p.kind == "int":
        return int(
            st.number_input(
                p.label,
                min_value=int(p.min) if p.min is not None else None,
                max_value=int(p.max) if p.max is not None else None,
                step=1,
                key=key,
                help=p.help or None,
            )
        )
    return float(
        st.number_input(p.label, min_value=p.min, max_value=p.max, key=key, format="%g", help=p.help or None)
    )


def _sampler_notes(spec: SamplerSpec, data: PreparedData, test_size: float, cv: int) -> None:
    """Explain the method and warn when a fold will hold too few rare patients for it."""
    st.caption(spec.explanation)
    st.caption(f"Limits: {spec.limits}")
    if not spec.uses_k:
        return
    n = minority_per_fold(data, test_size, cv)
    if n < spec.min_minority:
        st.warning(
            f"A training fold will hold only about {n} rare-class patients; {spec.name} needs at "
            f"least {spec.min_minority}. Use fewer folds, a smaller test share or random "
            "over-sampling."
        )
    elif n < MEANINGFUL_MINORITY:
        st.warning(
            f"A training fold will hold only about {n} rare-class patients: with fewer than "
            f"{MEANINGFUL_MINORITY}, {spec.name} cannot interpolate meaningfully (neighbours may be "
            "lowered)."
        )


def bounds_frame(data: PreparedData, chosen: tuple[tuple[str, float, float], ...] = ()) -> pd.DataFrame:
    """One row per numeric feature: suggested clinical bounds (by column name and values) or none;
    bounds of the last trained settings (``chosen``) take their place and are ticked."""
    numeric = list(data.numeric_features)
    suggestions = suggest_all(numeric, data.X[numeric].to_numpy(dtype=float, na_value=float("nan")))
    given = {c: (lo, hi) for c, lo, hi in chosen}
    rows = []
    for s in suggestions:
        low, high = given.get(s.column, (s.low, s.high))
        rows.append(
            {
                "Use": s.column in given if given else s.low is not None,
                "Column": s.column,
                "Low": low,
                "High": high,
                "Unit / note": s.note,
            }
        )
    return pd.DataFrame(rows)


def bounds_from_frame(frame: pd.DataFrame) -> tuple[tuple[tuple[str, float, float], ...], list[str]]:
    """The ticked rows with both limits as clip bounds, and the columns whose limits are unusable."""
    bounds, bad = [], []
    for row in frame.itertuples(index=False):
        if not bool(row.Use):
            continue
        low, high = pd.to_numeric(row.Low, errors="coerce"), pd.to_numeric(row.High, errors="coerce")
        if pd.isna(low) or pd.isna(high) or float(low) > float(high):
            bad.append(str(row.Column))
        else:
            bounds.append((str(row.Column), float(low), float(high)))
    return tuple(bounds), bad


def _bounds_editor(data: PreparedData) -> tuple[tuple[str, float, float], ...]:
    """Clinical bounds for synthetic values: a switch and, when on, a table of bounds per column."""
    if not data.numeric_features:
        return ()
    use = st.toggle(
        "Clip synthetic values to clinical bounds",
        key=W_USE_BOUNDS,
        help="Bounds are suggested for columns named like a known analyte, in the unit their values suggest.",
    )
    if not use:
        return ()
    last = st.session_state.get(session_state.K_TRAIN_SETTINGS)
    chosen = tuple(last.clip_bounds) if last is not None else ()
    edited = st.data_editor(
        bounds_frame(data, chosen),
        key=W_BOUNDS,
        hide_index=True,
        disabled=["Column", "Unit / note"],
        column_config={
            "Use": st.column_config.CheckboxColumn(width="small"),
            "Low": st.column_config.NumberColumn(format="%g"),
            "High": st.column_config.NumberColumn(format="%g"),
        },
    )
    bounds, bad = bounds_from_frame(edited)
    if bad:
        st.warning(
            "These ticked columns need a lower limit at or below the upper one and are left out: "
            + plain_text.plain(", ".join(bad))
        )
    st.caption(
        "Suggested bounds are survivable extremes, not reference ranges; a unit guessed from the values "
        "may be wrong (mg/dL vs mmol/L), so check it."
    )
    return bounds


def settings_form(data: PreparedData, last: TrainSettings | None = None) -> TrainSettings:
    """Draw every setting and return the TrainSettings they describe (``last``: the seed settings, made
    to fit this data)."""
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Resampling")
        sampler = st.selectbox(
            "Resampling method", list(SAMPLERS), key=W_SAMPLER, format_func=lambda k: SAMPLERS[k].name
        )
        spec = SAMPLERS[sampler]
        cv = int(st.session_state[W_CV])
        test_size = float(st.session_state[W_TEST])
        _sampler_notes(spec, data, test_size, cv)
        ratio = st.select_slider(
            "Target ratio rare : common after resampling",
            list(RATIOS),
            key=W_RATIO,
            disabled=not spec.uses_ratio,
            help="1:1 forces balance; 1:3 or 1:4 keeps closer to clinical reality.",
        )
        clip = st.toggle(
            "Keep synthetic patients within each feature's observed range",
            key=W_CLIP,
            disabled=not spec.uses_k,
            help="Interpolated patients must stay physiologically plausible.",
        )
        bounds: tuple[tuple[str, float, float], ...] = ()
        if spec.uses_k:
            st.caption(CLIP_SAYS)
            bounds = _bounds_editor(data)
        augment = augment_settings(sampler)
        st.subheader("Class weights")
        weighting = st.selectbox(
            "Weighting", list(WEIGHTINGS), key=W_WEIGHTING, format_func=lambda k: WEIGHTING_NAMES.get(k, k)
        )
        st.caption(WEIGHTINGS[weighting])
        overlap = weighting_overlap_notice(
            TrainSettings(sampler=sampler, ratio=RATIOS[ratio], weighting=weighting)
        )
        if overlap:
            st.info(plain_text.plain(overlap), icon=":material/info:")
        tradeoff = float(st.session_state[W_TRADEOFF])
        custom: tuple[float, ...] = ()
        if weighting == "tradeoff":
            tradeoff = st.slider(
                "Trade-off t (1 = only sensitivity matters)", 0.0, 1.0, step=0.05, key=W_TRADEOFF
            )
        elif weighting == "custom":
            cols = st.columns(len(data.class_names))
            for code in range(len(data.class_names)):
                st.session_state.setdefault(f"train_weight_{code}", 1.0)
            custom = tuple(
                float(
                    col.number_input(
                        f"Weight of {plain_text.plain(name)}",
                        min_value=0.0,
                        step=0.5,
                        key=f"train_weight_{code}",
                    )
                )
                for code, (col, name) in enumerate(zip(cols, data.class_names, strict=True))
            )
    with right:
        st.subheader("Classifier")
        classifier = st.selectbox(
            "Classifier", list(CLASSIFIERS), key=W_CLASSIFIER, format_func=lambda k: CLASSIFIERS[k].name
        )
        model = CLASSIFIERS[classifier]
        st.caption(model.explanation)
        with st.expander("Model settings", expanded=False):
            params = tuple((p.name, _param_widget(classifier, p)) for p in model.params)
        st.subheader("Validation")
        c1, c2, c3 = st.columns(3)
        cv = int(c1.number_input("CV folds", min_value=2, max_value=10, step=1, key=W_CV))
        test_size = float(
            c2.slider(
                "Test share",
                0.1,
                0.5,
                step=0.05,
                key=W_TEST,
                help="Split off first, stratified, never resampled.",
            )
        )
        seed = int(c3.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=W_SEED))
        # an image zip's test/ folder (issue 16): the test share does not apply. (getattr: importing the
        # page outside `streamlit run`, as tests do for its helpers, runs it with no data.)
        if getattr(data, "holdout", None) is not None:
            st.caption(
                plain_text.plain(
                    "Hold-out: "
                    + fixed_holdout_text(data.holdout_name, data.class_names, data.y[data.holdout])
                    + "; the test share does not apply."
                )
            )
        group_by = group_by_choice(data)
        group_by = duplicate_groups_choice(group_by)
    defaults = dict(model.defaults())
    params = tuple((name, value) for name, value in params if value != defaults.get(name))
    plain = TrainSettings()  # settings a choice makes irrelevant keep their defaults: one cache key per model
    return TrainSettings(
        sampler=sampler,
        ratio=RATIOS[ratio] if spec.uses_ratio else plain.ratio,
        clip=bool(clip) if spec.uses_k else plain.clip,
        clip_bounds=bounds,
        weighting=weighting,
        tradeoff=float(tradeoff) if weighting == "tradeoff" else plain.tradeoff,
        custom_weights=custom,
        classifier=classifier,
        params=params,
        cv=cv,
        test_size=test_size,
        seed=seed,
        group_by=group_by,
        augment=augment,
        recalibrate=calibration_view.recalibrate_choice((last or plain).recalibrate),
    )


def group_by_choice(data: PreparedData) -> str:
    """'Split by patient' when an ID column repeats (on by default): the column, or "" to split by row."""
    options = [found.column for found in getattr(data, "repeated_ids", ())]
    if not options:
        return ""
    options.append("")
    if st.session_state.get(W_GROUP) not in options:
        st.session_state[W_GROUP] = options[0]
    choice = st.selectbox(
        "Split by patient",
        options,
        key=W_GROUP,
        format_func=lambda c: f"by {c} (a patient's rows stay on one side)" if c else "by row (not advised)",
        help="An ID column repeats: several rows belong to one patient. Splitting by it keeps each "
        "patient's rows together in the training or the test part and in one CV fold.",
    )
    if not choice:
        st.warning(
            "Split by row: one patient's rows can sit in training and test, which flatters the test score."
        )
    return str(choice)


# --- images: augmentation settings and duplicate groups (issue 29) -----------------------------------
#: The augmentation sliders: setting name -> (label, top, step, help). Defaults: the chest X-ray ones.
AUGMENT_SLIDERS: dict[str, tuple[str, float, float, str]] = {
    "max_rotation": (
        "Largest rotation (degrees either way)",
        45.0,
        1.0,
        "Patients are not positioned alike.",
    ),
    "max_shift": (
        "Largest shift (share of the side)",
        0.5,
        0.01,
        "0.10 moves an image up to a tenth of its side.",
    ),
    "brightness": (
        "Largest brightness change (share of white)",
        0.5,
        0.01,
        "Exposure differs between films.",
    ),
    "contrast": ("Largest contrast change (share)", 0.5, 0.01, "Scanners and settings differ in contrast."),
}
#: Why the flip is off by default, shown under it.
FLIP_SAYS = (
    "Off for chest X-rays: a flipped chest X-ray puts the heart on the right (dextrocardia), an anatomy "
    "the model should not learn as normal. Turn it on for images without a left/right anatomy (skin "
    "lesions, cell slides)."
)


def augment_settings(sampler: str) -> tuple[tuple[str, Any], ...]:
    """The augmentation settings (image data with the ``augment`` sampler only; else ()): sliders for
    rotation, shift, brightness and contrast and the flip switch, seeded with the chest X-ray defaults
    and kept across pages; returned as ``TrainSettings.augment`` pairs."""
    from pages import image_view  # lazy: the images room loads only for image data

    if sampler != "augment" or image_view.current_images() is None:
        return ()
    from imbalance_core.images.augment import CHEST_XRAY, AugmentSettings, settings_pairs

    values: dict[str, Any] = {}
    with st.expander("Augmentation settings", expanded=True):
        for name, (label, top, step, help_text) in AUGMENT_SLIDERS.items():
            kept = kept_inputs.persist(
                f"train_augment_{name}", f"train_augment:{name}", float(getattr(CHEST_XRAY, name))
            )
            values[name] = float(st.slider(label, 0.0, top, step=step, help=help_text, **kept))
        kept = kept_inputs.persist("train_augment_flip", "train_augment:flip", bool(CHEST_XRAY.flip))
        values["flip"] = bool(st.toggle("Horizontal flips", **kept))
        st.caption(FLIP_SAYS)
        chosen = AugmentSettings(**values)
        st.caption(plain_text.plain(f"Each added image: {chosen.describe()}."))
    return settings_pairs(chosen)


def duplicate_groups_choice(group_by: str) -> str:
    """The duplicate image groups as the split grouping when the Data page keeps them together (image
    data with duplicates, no patient ID chosen); else ``group_by`` unchanged."""
    from pages import image_view  # lazy: the images room loads only for image data

    if group_by or not image_view.keep_duplicates_together() or image_view.attach_duplicate_groups() is None:
        return group_by
    from imbalance_core.images.audit import DUPLICATE_GROUPS

    st.caption("Duplicate images stay on one side of every split (switch on the Data page).")
    return DUPLICATE_GROUPS


# --- results -----------------------------------------------------------------------------------------
def _train_with_progress(settings: TrainSettings, local: bool = False) -> TrainResult | None:
    """Train (or fetch from the session cache) with a status box and a bar that moves per fold."""
    if model_cache.is_trained(settings):
        return model_cache.train_cached(settings)
    with st.status("Training…", expanded=True) as status:
        progress = cluster_view.progress_bar()
        try:
            result = model_cache.train_cached(settings, progress, local=local)
        except DataError as exc:
            status.update(label="Training stopped", state="error", expanded=True)
            if not cluster_view.offer_local_run(exc, "train"):
                plain_text.show_error(exc)
            return None
        status.update(label=f"Trained in {result.timings['total']:.1f} s", state="complete", expanded=False)
    return result


def _holdout_headline(result: TrainResult, chosen: ChosenThreshold | None) -> None:
    """Hold-out numbers at the model's threshold: the 2x2 table and the usual measures."""
    if result.is_binary and chosen is not None:
        st.subheader(f"Hold-out test set at threshold {chosen.value:.4f}")
        st.caption(plain_text.plain(f"Threshold {chosen.value:.4f}: {chosen.origin}."))
        t = binary_table(result.y_test, result.test_scores, chosen.value)
        c = [*st.columns(2), *st.columns(2)]
        c[0].metric("Sensitivity", f"{t['sensitivity']:.3f}", help="Found among the sick: TP / (TP + FN)")
        c[1].metric(
            "Specificity", f"{t['specificity']:.3f}", help="Cleared among the healthy: TN / (TN + FP)"
        )
        c[2].metric(
            "Balanced accuracy", f"{t['balanced_accuracy']:.3f}", help="(sensitivity + specificity) / 2"
        )
        c[3].metric("ROC AUC", f"{t['roc_auc']:.3f}", help="Needs no threshold.")
        st.text(
            f"TP {t['tp']}   FN {t['fn']}   FP {t['fp']}   TN {t['tn']}   "
            f"(n = {t['n']}, {t['n_positive']} positive)"
        )
        st.caption(
            page_sentences.holdout_sentence(
                int(t["tp"]), int(t["fn"]), int(t["fp"]), int(t["tn"]), float(chosen.value)
            )
        )
    else:
        st.subheader("Hold-out test set (most probable class)")
        values, per_class = multiclass_fold_metrics(result.y_test, result.test_scores)
        c = st.columns(3)
        c[0].metric("Balanced accuracy", f"{values['balanced_accuracy']:.3f}")
        c[1].metric("Macro F1", f"{values['f1']:.3f}")
        c[2].metric("Accuracy", f"{values['accuracy']:.3f}")
        st.dataframe(
            pd.DataFrame({"Class": result.class_names, "Per-class accuracy": per_class}), hide_index=True
        )
        st.caption(
            f"On the {len(result.y_test):,} hold-out patients, each class's share that the model puts in "
            "that class (most probable class)."
        )


def show_result(result: TrainResult) -> None:
    """CV summary, class counts before/after resampling, notices, hold-out headline, next step."""
    s = result.settings
    chosen = model_threshold(result, threshold_state.current_threshold())
    cv = cv_at_threshold(result, chosen)
    st.subheader(f"Cross-validation summary ({s.cv} folds)")
    st.caption(
        plain_text.plain(
            "ROC AUC, PR AUC and Brier score need no threshold; the other measures are counted at "
            + threshold_words(chosen)
            + "."
        )
    )
    if cv.note:
        st.caption(cv.note)
    table = cv_table(cv)
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            col: st.column_config.NumberColumn(format="%.3f")
            for col in table.columns
            if col.startswith("Fold")
        },
    )
    st.caption(
        page_sentences.cv_summary_sentence(
            {key: m.mean for key, m in cv.summary.items()}, s.cv, threshold_words(chosen)
        )
    )
    if result.per_class_summary:
        st.dataframe(
            pd.DataFrame(
                [
                    {"Class": name, "Per-class accuracy": f"{m.mean:.3f} ± {m.sd:.3f}"}
                    for name, m in result.per_class_summary.items()
                ]
            ),
            hide_index=True,
        )
        st.caption("Each class's share of its own patients that the folds' models put in that class.")
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Class counts in the training part")
        st.plotly_chart(
            resampling_counts_figure(result.class_names, result.train_counts, result.resampled_counts),
            key="train_counts_chart",
            config={"displayModeBar": False},
        )
        st.caption(
            plain_text.plain(
                page_sentences.resampling_counts_sentence(
                    result.class_names,
                    result.train_counts,
                    result.resampled_counts,
                    SAMPLERS[s.sampler].name,
                )
            )
        )
    with right:
        _holdout_headline(result, chosen)
        if result.holdout_name:
            st.caption(
                plain_text.plain(
                    "Hold-out: " + fixed_holdout_text(result.holdout_name, result.class_names, result.y_test)
                )
            )
    fold_counts_section(result)
    for notice in result.notices:
        st.info(plain_text.plain(notice), icon=":material/info:")
    clipped = clipping_sentence(result)
    if clipped:
        st.caption(plain_text.plain(clipped))
    calibration_view.train_page_section(result)
    committed = None if chosen is None or chosen.is_default else chosen.value  # default: evaluate's own
    command_block.equivalent_command(
        lambda file_arg, spec: command_lines.train_command(file_arg, spec, s, committed)
    )
    if result.holdout_name == "":
        validation_view.section(result.settings)  # issue 27: bootstrap / repeated CV / stability
    try:
        st.page_link(
            THRESHOLD_PAGE,
            label="Choose the decision threshold on the Threshold page",
            icon=":material/tune:",
        )
    except StreamlitPageNotFoundError:
        st.caption("Next: choose the decision threshold on the Threshold page.")


def main() -> None:
    """Draw the page."""
    st.title("Train")
    data = session_state.require_data()
    if data is None:  # imported outside `streamlit run` (tests import the helpers): nothing to draw
        return
    kept_inputs.keep_inputs("train", KEPT, KEPT_PREFIXES, scope=session_state.data_key())
    # the last trained settings may come from another file: what does not fit this one is reset, said
    seed = fit_to_data(st.session_state.get(session_state.K_TRAIN_SETTINGS) or TrainSettings(), data)
    for change in seed.changes:
        st.info(plain_text.plain(change), icon=":material/restart_alt:")
    _init_widgets(seed.settings)
    settings = settings_form(data, seed.settings)
    kept_inputs.remember_inputs("train", KEPT, KEPT_PREFIXES, scope=session_state.data_key())
    clicked = st.button("Train", type="primary", icon=":material/play_arrow:")
    local = cluster_view.local_run_requested("train")
    misfits = fit_to_data(settings, data).changes
    result: TrainResult | None = None
    if (clicked or local) and misfits and not model_cache.is_trained(settings):
        plain_text.show_error("Not trained: " + " ".join(misfits))
    elif clicked or local or model_cache.is_trained(settings):
        result = _train_with_progress(settings, local)
    elif session_state.K_TRAIN_RESULT in st.session_state:
        result = st.session_state[session_state.K_TRAIN_RESULT]
        st.info("The results below are for earlier settings; press Train to train with the current ones.")
    if result is not None:
        show_result(result)


main()
