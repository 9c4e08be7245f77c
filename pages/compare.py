"""Compare page: several resampling methods x classifiers side by side, the pneumonia-study table shape.

Widgets only. :func:`imbalance_core.learn.compare.run_grid` trains every pair (in parallel over the cores,
with
progress); the result is kept per (data, choices) in this session, so revisiting the page or going back
to earlier choices shows the stored leaderboard at once.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.evaluation import glossary, page_sentences
from imbalance_core.figures.leaderboard import leaderboard_figure
from imbalance_core.learn.calibration_summary import LEADERBOARD_COLUMNS
from imbalance_core.learn.classifiers import CLASSIFIERS
from imbalance_core.learn.compare import CV_METRICS, HOLDOUT_METRICS, RANKINGS, CompareResult, run_grid
from imbalance_core.learn.operating_point import FLATTERS
from imbalance_core.learn.samplers import SAMPLERS
from imbalance_core.learn.settings_check import fit_to_data
from imbalance_core.learn.training import TrainSettings
from imbalance_core.learn.tuning import TuneSpec
from pages import cluster_view, command_block, image_view, kept_inputs, plain_text, session_state

DEFAULT_SAMPLERS = ("none", "random_under", "smote", "borderline_smote")
DEFAULT_CLASSIFIERS = ("logreg",)
RATIOS: dict[str, float] = {"1:4": 1 / 4, "1:3": 1 / 3, "1:2": 1 / 2, "1:1": 1.0}
K_CACHE = "compare_cache"  # {(data_key, samplers, classifiers, settings): CompareResult} for this session
CACHE_SIZE = 4
W_SAMPLERS, W_CLASSIFIERS, W_RANK = "compare_samplers", "compare_classifiers", "compare_rank"
W_RATIO, W_CV, W_SEED = "compare_ratio", "compare_cv", "compare_seed"
W_THRESHOLD = "compare_threshold"
W_TUNE = "compare_tune"  # "Tune each cell": every pair tuned on its training part first (issue 27)
W_THRESHOLD_MODE = "compare_threshold_mode"  # "own": each pair at its own default; "set": one typed value
#: How the grid's rows are judged, key -> label.
THRESHOLD_MODES = {
    "own": "Each model at its own default threshold",
    "set": "One threshold I set for every model",
}
#: Kept across page changes (kept_inputs.keep_inputs): the choices, and the result view's inputs.
KEPT_CHOICES = (W_SAMPLERS, W_CLASSIFIERS, W_RATIO, W_CV, W_SEED, W_TUNE)
KEPT_VIEW = (W_RANK, W_THRESHOLD, W_THRESHOLD_MODE)


def leaderboard_table(result: CompareResult, by: str) -> pd.DataFrame:
    """Cross-validation leaderboard, ranked: CV mean ± sd of every metric, fit time, notices, errors."""
    frame = result.to_frame(by)
    first = ("sensitivity", "specificity", "balanced_accuracy", "f1", "roc_auc", "pr_auc")
    later = [key for key in CV_METRICS if key not in first]
    tuned = ["Tuned settings"] if result.tune is not None else []
    columns = [
        "Rank",
        "Sampler",
        "Classifier",
        *tuned,
        *(f"CV {CV_METRICS[key]}" for key in (*first, *later)),
        "Fit seconds",
        "Notices",
        "Error",
    ]
    return frame[columns]


def holdout_table(result: CompareResult, by: str) -> pd.DataFrame:
    """The pneumonia study's table shape on the hold-out set: balanced accuracy, recall, F1, TP/TN/FP/FN."""
    frame = result.to_frame(by)
    frame = frame[frame["Error"] == ""]
    order = ("balanced_accuracy", "sensitivity", "specificity", "f1")
    names = {f"Test {HOLDOUT_METRICS[key]}": HOLDOUT_METRICS[key] for key in order}
    columns = ["Rank", "Sampler", "Classifier", "Threshold", *names, *LEADERBOARD_COLUMNS]
    return frame[[*columns, "TP", "TN", "FP", "FN"]].rename(columns=names)


#: The main table's columns: frame column -> (short label, glossary term, where the number comes from).
MAIN_COLUMNS: dict[str, tuple[str, str, str]] = {
    "cv_pr_auc_mean": ("PR AUC", "PR AUC", "Cross-validated mean."),
    "cv_roc_auc_mean": ("ROC AUC", "ROC AUC", "Cross-validated mean."),
    "Test Sensitivity": ("Sens.", "Sensitivity", "Hold-out, at the row's threshold."),
    "Test Specificity": ("Spec.", "Specificity", "Hold-out, at the row's threshold."),
    "TP": ("TP", "TP", "Hold-out."),
    "FP": ("FP", "FP", "Hold-out."),
    "FN": ("FN", "FN", "Hold-out."),
    "TN": ("TN", "TN", "Hold-out."),
}


#: Width (px) of each number column of the main table: 40 + 170 + 150 + 8 x 66 = 888 px, inside the
#: ~938 px the wide layout leaves at 1,400 px beside the sidebar, so TP/FP/FN/TN are never off-screen.
MAIN_WIDTH = 66


def main_table(result: CompareResult, by: str) -> pd.DataFrame:
    """The compact table that fits a 1,400 px screen: rank, sampler, classifier, PR AUC and ROC AUC
    (cross-validated means), hold-out sensitivity and specificity and the 2x2 counts; the rest of the
    measures are in the other tabs. Pairs that failed are left out (their reason is shown below)."""
    frame = result.to_frame(by)
    frame = frame[frame["Error"] == ""]
    return frame[["Rank", "Sampler", "Classifier", *MAIN_COLUMNS]].reset_index(drop=True)


def _main_column_config() -> dict[str, object]:
    """Short labels, narrow columns and a glossary line on hover for the main table."""
    config: dict[str, object] = {
        "Rank": st.column_config.NumberColumn("#", width=40, pinned=True),
        "Sampler": st.column_config.TextColumn("Resampling", width=170, pinned=True),
        "Classifier": st.column_config.TextColumn("Classifier", width=150, pinned=True),
    }
    for column, (label, term, where) in MAIN_COLUMNS.items():
        counts = label in ("TP", "FP", "FN", "TN")
        config[column] = st.column_config.NumberColumn(
            label,
            format="%d" if counts else "%.3f",
            width=MAIN_WIDTH,
            help=f"{glossary.hover(term)} {where}",
        )
    return config


def best_sentence(result: CompareResult) -> str:
    """Under the main table: the best cross-validated PR AUC and what it misses on the hold-out."""
    ok = [row for row in result.rows if row.error is None and "pr_auc" in row.cv]
    if not ok:
        return "No combination could be trained with these settings."
    best = max(ok, key=lambda row: row.cv["pr_auc"].mean if math.isfinite(row.cv["pr_auc"].mean) else -1.0)
    positives = None if best.tp is None or best.fn is None else best.tp + best.fn
    return page_sentences.compare_best_sentence(
        best.label, best.cv["pr_auc"].mean, best.fn, positives, result.threshold is None
    )


def _column_config() -> dict[str, object]:
    """Number formats for the leaderboard's numeric columns."""
    config: dict[str, object] = {
        f"Test {name}": st.column_config.NumberColumn(format="%.3f") for name in HOLDOUT_METRICS.values()
    }
    config.update({name: st.column_config.NumberColumn(format="%.3f") for name in LEADERBOARD_COLUMNS})
    config["Fit seconds"] = st.column_config.NumberColumn(format="%.1f")
    config["Threshold"] = st.column_config.NumberColumn(format="%.4f")
    for name in ("Rank", "Sampler", "Classifier"):
        config[name] = st.column_config.Column(pinned=True)
    return config


def _choices() -> tuple[list[str], list[str], TrainSettings, TuneSpec | None]:
    """Draw the pickers and the shared settings; return samplers, classifiers, base settings and the
    tuning asked for (None: not tuned)."""
    base = st.session_state.get(session_state.K_TRAIN_SETTINGS) or TrainSettings()
    data = session_state.current_data()
    if data is not None:  # settings inherited from the Train page may not fit this file: reset, said
        fitted = fit_to_data(base, data)
        base = fitted.settings
        for change in fitted.changes:
            st.info(plain_text.plain(change), icon=":material/restart_alt:")
    kept_inputs.keep_inputs("compare", KEPT_CHOICES)
    st.session_state.setdefault(W_SAMPLERS, list(DEFAULT_SAMPLERS))
    st.session_state.setdefault(W_CLASSIFIERS, list(DEFAULT_CLASSIFIERS))
    st.session_state.setdefault(W_RATIO, "1:1")
    st.session_state.setdefault(W_CV, int(base.cv))
    st.session_state.setdefault(W_SEED, int(base.seed))
    # One picker per row: in half the width the default four methods' tags scrolled sideways at 1,400 px
    # (the fourth chosen method hidden behind the third).
    samplers = st.multiselect(
        "Resampling methods", list(SAMPLERS), key=W_SAMPLERS, format_func=lambda k: SAMPLERS[k].name
    )
    classifiers = st.multiselect(
        "Classifiers", list(CLASSIFIERS), key=W_CLASSIFIERS, format_func=lambda k: CLASSIFIERS[k].name
    )
    with st.expander("Settings shared by every combination"):
        c1, c2, c3 = st.columns(3)
        ratio = c1.select_slider(
            "Target ratio rare : common",
            list(RATIOS),
            key=W_RATIO,
            help="Used by methods that have a target ratio; cleaning methods ignore it.",
        )
        cv = int(c2.number_input("CV folds", min_value=2, max_value=10, step=1, key=W_CV))
        seed = int(c3.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=W_SEED))
        st.caption("Weighting, clipping and test share follow the Train page's last settings.")
        tune = tune_choice(seed)
    kept_inputs.remember_inputs("compare", KEPT_CHOICES)
    settings = replace(base, ratio=RATIOS[ratio], cv=cv, seed=seed, group_by=_group_by(base))
    return samplers, classifiers, settings, tune


def tune_choice(seed: int) -> TuneSpec | None:
    """'Tune each cell': the Train page's search (``evaluate --tune``), on each pair's training part."""
    st.session_state.setdefault(W_TUNE, False)
    tune = st.toggle(
        "Tune each cell",
        key=W_TUNE,
        help="Before training, each combination's main hyper-parameters and the sampler's ratio are chosen "
        "by cross-validation on its training part only (PR AUC; a small stated grid, at most 8 points), as "
        "on the Train page and with --tune on the command line. Takes several times longer.",
    )
    return TuneSpec(seed=seed) if tune else None


def _group_by(base: TrainSettings) -> str:
    """The Train page's 'split by patient' choice; before any training, the first repeating ID column."""
    if st.session_state.get(session_state.K_TRAIN_SETTINGS) is not None:
        return base.group_by
    data = session_state.current_data()
    return data.repeated_ids[0].column if data is not None and data.repeated_ids else ""


def _run(
    key: tuple,
    data,
    samplers: list[str],
    classifiers: list[str],
    settings: TrainSettings,
    local: bool = False,
    tune: TuneSpec | None = None,
):
    """Run the grid with a status box and progress bar (with time left); store it in the session cache.

    ``local``: the person chose to run here after the Dask scheduler could not be reached.
    """
    with st.status(f"Training {len(samplers) * len(classifiers)} combinations…", expanded=True) as status:
        progress = cluster_view.progress_bar()
        try:
            scheduler = "" if local else None
            result = run_grid(
                data,
                samplers,
                classifiers,
                settings,
                n_jobs=-1,
                progress=progress,
                scheduler=scheduler,
                tune=tune,
            )
        except DataError as exc:
            status.update(label="Comparison stopped", state="error", expanded=True)
            if not cluster_view.offer_local_run(exc, "compare"):
                plain_text.show_error(exc)
            return None
        status.update(
            label=f"Compared {len(result.rows)} combinations in {result.wall_seconds:.1f} s",
            state="complete",
            expanded=False,
        )
    cache: dict = st.session_state.setdefault(K_CACHE, {})
    cache[key] = result
    while len(cache) > CACHE_SIZE:
        cache.pop(next(iter(cache)))
    return result


def show_result(result: CompareResult) -> None:
    """Leaderboard table, failed pairs, and the chart."""
    kept_inputs.keep_inputs("compare_view", KEPT_VIEW)
    st.session_state.setdefault(W_RANK, "sensitivity_f1")
    st.session_state.setdefault(W_THRESHOLD_MODE, "own")
    left, right = st.columns([2, 1])
    by = left.selectbox("Rank by", list(RANKINGS), key=W_RANK, format_func=lambda k: RANKINGS[k].name)
    threshold = threshold_choice(right)
    kept_inputs.remember_inputs("compare_view", KEPT_VIEW)
    if threshold != result.threshold:
        result = result.at_threshold(threshold)
    # the Report page's leaderboard is the one seen here, at the same thresholds (issue 23)
    st.session_state[session_state.K_COMPARE_RESULT] = result
    left.caption(RANKINGS[by].explanation)
    st.subheader("Leaderboard")
    main_tab, cv_tab, holdout_tab = st.tabs(
        ["Main table", "Cross-validation (mean ± sd)", "Hold-out detail and calibration"]
    )
    with main_tab:
        st.dataframe(main_table(result, by), hide_index=True, column_config=_main_column_config())
        st.caption(plain_text.plain(best_sentence(result)))
        st.caption(
            f"PR AUC and ROC AUC: cross-validated means; sensitivity, specificity and TP/FP/FN/TN: the "
            f"hold-out at {result.threshold_text}. Hover a column name for what it means."
        )
    with cv_tab:
        st.caption(
            f"Cross-validation on the training part: mean ± sd over {result.settings.cv} folds. ROC AUC, "
            f"PR AUC and Brier score need no threshold; the other measures are at {result.threshold_text}. "
            "Click a column header to sort."
        )
        if result.threshold is None:
            st.caption(FLATTERS)
        st.dataframe(leaderboard_table(result, by), hide_index=True, column_config=_column_config())
        st.caption(plain_text.plain(cv_sentence(result, by)))
    with holdout_tab:
        st.caption(f"Hold-out test set at {result.threshold_text} (column Threshold).")
        st.dataframe(
            holdout_table(result, by),
            hide_index=True,
            column_config={
                **_column_config(),
                **{name: st.column_config.NumberColumn(format="%.3f") for name in HOLDOUT_METRICS.values()},
            },
        )
        st.caption(plain_text.plain(holdout_detail_sentence(result, by)))
    for row in result.rows:
        if row.error:
            plain_text.show_error(f"{row.label}: {row.error}")
    ranked = result.ranked(by)
    st.plotly_chart(leaderboard_figure(ranked), key="compare_leaderboard_chart")
    ok = [row for row in ranked if row.error is None]
    st.caption(
        plain_text.plain(
            page_sentences.leaderboard_chart_sentence(len(ok), ok[0].label if ok else "", RANKINGS[by].name)
        )
    )
    samplers = list(dict.fromkeys(row.sampler for row in result.rows))
    classifiers = list(dict.fromkeys(row.classifier for row in result.rows))
    command_block.equivalent_command(
        lambda file_arg, spec: command_lines.compare_command(
            file_arg, spec, result.settings, samplers, classifiers, result.threshold, result.tune
        )
    )


def cv_sentence(result: CompareResult, by: str) -> str:
    """Under the cross-validation table: the top row's ROC AUC, PR AUC and sensitivity."""
    ok = [row for row in result.ranked(by) if row.error is None]
    if not ok:
        return "No combination could be trained with these settings."
    top = ok[0]
    means = {
        key: top.cv[key].mean for key in ("roc_auc", "pr_auc", "sensitivity", "specificity") if key in top.cv
    }
    return f"Ranked first by {RANKINGS[by].name}: {top.label}. " + page_sentences.cv_summary_sentence(
        means, result.settings.cv, "its threshold"
    )


def holdout_detail_sentence(result: CompareResult, by: str) -> str:
    """Under the hold-out table: the top row's hold-out counts in words."""
    ok = [row for row in result.ranked(by) if row.error is None]
    if not ok:
        return "No combination could be trained with these settings."
    top = ok[0]
    if None in (top.tp, top.fn, top.fp, top.tn) or top.threshold is None:
        return f"{top.label} is ranked first; multi-class rows are judged by the most probable class."
    return f"{top.label}: " + page_sentences.holdout_sentence(top.tp, top.fn, top.fp, top.tn, top.threshold)


def threshold_choice(where: Any) -> float | None:
    """Each pair at its own default (None), or one threshold the person typed for every pair.

    The typed box starts empty: a value appears only when the person types it (never a silent 0.5).
    """
    mode = where.radio(
        "Judge every model at",
        list(THRESHOLD_MODES),
        format_func=THRESHOLD_MODES.get,
        key=W_THRESHOLD_MODE,
        help="A model's default threshold is the Youden pick on its own cross-validated training scores, "
        "as on the Train and Threshold pages. Changing this recounts from stored scores; nothing retrains.",
    )
    if mode != "set":
        return None
    typed = where.number_input(
        "Threshold for every model",
        min_value=0.0,
        max_value=1.0,
        value=None,
        step=0.01,
        format="%.4f",
        key=W_THRESHOLD,
        placeholder="type a threshold",
    )
    if typed is None:
        where.caption("Type a threshold; until then every model is judged at its own default.")
        return None
    return float(typed)


def main() -> None:
    """Draw the page."""
    st.title("Compare")
    data = session_state.require_data()
    samplers, classifiers, settings, tune = _choices()
    key = (session_state.data_key(), tuple(samplers), tuple(classifiers), settings, tune)
    cache: dict = st.session_state.get(K_CACHE, {})
    clicked = st.button(
        "Compare", type="primary", icon=":material/play_arrow:", disabled=not samplers or not classifiers
    )
    result = cache.get(key)
    local = cluster_view.local_run_requested("compare")
    if (clicked or local) and result is None:
        result = _run(key, data, samplers, classifiers, settings, local, tune)
    if result is not None:
        st.session_state[session_state.K_COMPARE_RESULT] = result
    elif session_state.K_COMPARE_RESULT in st.session_state:
        result = st.session_state[session_state.K_COMPARE_RESULT]
        st.info("The leaderboard below is for earlier choices; press Compare to run the current ones.")
    if result is not None:
        show_result(result)
    image_view.study_panel()  # image data only: the chest X-ray study's table (issue 16)


main()
