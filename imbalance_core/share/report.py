"""The model report: what a clinician files, as PDF (offline, reportlab + matplotlib) and as HTML.

Three steps, so the page, the PDF and the HTML can never disagree:

1. :class:`ReportInputs` — the core objects (prepared data, trained result, chosen threshold, deployment
   prevalence, optional Compare result and PCA view);
2. :func:`build_report_content` (pure) -> :class:`ReportContent`: every number already formatted as a
   string by the helpers in this module (:func:`fmt_prop`, :func:`fmt_ci`, ...), every table as rows of
   strings, and the arrays the figures are drawn from. The hold-out numbers come from one row of the
   threshold stop table (:func:`imbalance_core.evaluation.thresholds.build_stop_table`) at the chosen
   threshold —
   the same object the Threshold page reads;
3. :func:`render_pdf` (reportlab) and :func:`imbalance_core.share.report_html.render_html` (plotly) only lay
   the content out.

Section order follows STARD 2015 / TRIPOD: data, method, cross-validation, threshold, hold-out 2x2 table
and accuracy with 95 % intervals (also at the deployment prevalence), curves, comparison, caveats.
"""

from __future__ import annotations

import math
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.evaluation import curves, thresholds
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.intervals import bootstrap_average_precision, delong_roc_auc
from imbalance_core.intake.read import DETECTION_LIMIT_RULE
from imbalance_core.share import checklist, report_decision, report_pdf, report_validation
from imbalance_core.share.model_file import new_export_id, package_versions
from imbalance_core.share.report_blocks import FigureData, PcaView, ReportContent, Section, TableBlock
from imbalance_core.share.report_calibration import calibration_report
from imbalance_core.share.report_likelihood import likelihood_part
from imbalance_core.share.report_threshold import rule_block, uncertainty_paragraphs

#: Points drawn per projection scatter (a random subset beyond this; the counts stay exact).
MAX_SCATTER_POINTS = 4000
#: Fewer positives than this in the hold-out set triggers the "small hold-out" caveat.
SMALL_HOLDOUT_POSITIVES = 30
#: Bootstrap resamples for the PR AUC interval (1,000: under a second, bench/bootstrap_1000.py).
N_BOOT = 1000
#: Title of the table of zeros read as 'not measured' (only in reports of data with such columns).
ZERO_MISSING_TITLE = "Zeros read as 'not measured' (imputed)"

_CV_NAMES = {
    "roc_auc": "ROC AUC", "pr_auc": "PR AUC (average precision)", "balanced_accuracy": "Balanced accuracy",
    "sensitivity": "Sensitivity", "specificity": "Specificity", "f1": "F1", "accuracy": "Accuracy",
    "brier": "Brier score",
}  # fmt: skip


# --------------------------------------------------------------------------- the one formatting helper


def _bad(x: Any) -> bool:
    return x is None or (isinstance(x, float | np.floating) and not math.isfinite(float(x)))


def fmt_prop(x: Any) -> str:
    """A proportion or score such as sensitivity: three decimals; '—' when undefined."""
    return "—" if _bad(x) else f"{float(x):.3f}"


def fmt_ci(value: Any, lo: Any, hi: Any) -> str:
    """'0.873 (0.812–0.915)': a value and its 95 % interval."""
    if _bad(value):
        return "—"
    if _bad(lo) or _bad(hi):
        return fmt_prop(value)
    return f"{fmt_prop(value)} ({fmt_prop(lo)}–{fmt_prop(hi)})"


def fmt_count(n: Any) -> str:
    """A count with thousands separators."""
    return "—" if _bad(n) else f"{int(n):,}"


def fmt_pct(x: Any) -> str:
    """A share as a percentage with one decimal."""
    return "—" if _bad(x) else percent(x, 1)


def fmt_threshold(t: Any) -> str:
    """A decision threshold: four decimals (the Threshold page's precision)."""
    return "—" if _bad(t) else f"{float(t):.4f}"


def fmt_number(x: Any) -> str:
    """Any other number: up to four significant digits."""
    if isinstance(x, bool) or not isinstance(x, int | float | np.number):
        return str(x)
    return "—" if _bad(x) else f"{float(x):.4g}"


def fmt_ratio(ratio: float) -> str:
    """Target minority:majority ratio as '1:3' (1.0 -> '1:1')."""
    return f"1:{1 / float(ratio):.3g}" if ratio > 0 else "—"


# --------------------------------------------------------------------------- inputs and content


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """Everything a report is built from (the same objects the pages hold).

    table: LoadedTable or None (detection-limit and missing counts, intake notices).
    profile: DataProfile or None (duplicated rows, guidance).
    threshold: decision threshold (two-class tasks; required there, ignored for multi-class).
    threshold_reason: how the threshold was chosen, in words (picker sentence or "set by hand").
    prevalence: deployment prevalence for PPV/NPV; None = the hold-out sample's own.
    compare: CompareResult of the Compare page, or None.
    projection: :class:`PcaView` or None.
    """

    data: Any
    result: Any
    threshold: float | None = None
    threshold_reason: str = "Set by hand."
    prevalence: float | None = None
    table: Any = None
    profile: Any = None
    compare: Any = None
    projection: PcaView | None = None
    export_id: str = ""
    created: str = ""
    resampling_effect: Any = None  # imbalance_core.learn.resampling_effect.ResamplingEffect, when computed
    decision: Any = None  # imbalance_core.share.report_decision.DecisionRequest: subgroups, importance
    rule: tuple[float, float] | None = None  # rule-out / rule-in cut-offs (share/report_threshold.py)
    validation: Any = None  # learn.internal_validation.InternalValidation (share/report_validation.py)
    audit: Any = None  # imbalance_core.images.audit.AuditResult of image data (findings with what to do)
    pretest: float | None = None  # pre-test probability for post-test figures (None: deployment prevalence)
    pick: str | None = None  # the picker that chose the threshold ('top:5%'), for its uncertainty band


# --------------------------------------------------------------------------- building blocks


def holdout_row(result: Any, threshold: float, prevalence: float | None) -> dict[str, float | int]:
    """The stop-table row at ``threshold`` on the hold-out scores (the Threshold page's numbers)."""
    table = thresholds.build_stop_table(
        result.y_test, result.test_scores, extra_thresholds=(float(threshold),), prevalence=prevalence
    )
    row = table.row(table.index_of(float(threshold)))
    row["prevalence_deploy"] = table.prevalence
    row["n"], row["n_pos"], row["n_neg"] = table.n, table.n_pos, table.n_neg
    return row


def two_by_two(row: dict[str, Any], positive: str, negative: str) -> TableBlock:
    """The STARD 2x2 table: test result by true class, with totals."""
    tp, fp, fn, tn = (int(row[k]) for k in ("tp", "fp", "fn", "tn"))
    return TableBlock(
        "Hold-out 2x2 table",
        ("", f"Truly {positive}", f"Truly {negative}", "Total"),
        (
            ("Test positive (score ≥ threshold)", fmt_count(tp), fmt_count(fp), fmt_count(tp + fp)),
            ("Test negative (score < threshold)", fmt_count(fn), fmt_count(tn), fmt_count(fn + tn)),
            ("Total", fmt_count(tp + fn), fmt_count(fp + tn), fmt_count(tp + fp + fn + tn)),
        ),
        widths=(2.2, 1.3, 1.3, 1.0),
    )


#: How each interval of the accuracy table is computed (printed under it, in the PDF and on the page).
INTERVAL_NOTE = (
    "Intervals (95 %): Wilson score intervals for sensitivity, specificity, PPV, NPV and accuracy; PPV and "
    "NPV at the deployment prevalence: the 97.5 % Wilson bounds of sensitivity and specificity put into "
    "Bayes' rule (both hold together at least 95 % of the time: conservative, prevalence taken as known); "
    "F1, balanced accuracy and MCC: stratified percentile bootstrap, 200 resamples."
)


def _ci(row: dict[str, Any], key: str) -> str:
    """A stop-table value with its interval columns (``key_lo``, ``key_hi``)."""
    return fmt_ci(row[key], row.get(f"{key}_lo"), row.get(f"{key}_hi"))


def accuracy_table(row: dict[str, Any], roc_auc: str, pr_auc: str) -> TableBlock:
    """Diagnostic accuracy at the chosen threshold with 95 % intervals (Wilson; DeLong; bootstrap)."""
    p = row["prevalence_deploy"]
    rows = (
        ("Sensitivity", fmt_ci(row["sensitivity"], row["sensitivity_lo"], row["sensitivity_hi"]),
         "Share of patients with the condition who test positive"),
        ("Specificity", fmt_ci(row["specificity"], row["specificity_lo"], row["specificity_hi"]),
         "Share of patients without it who test negative"),
        ("PPV (hold-out sample)", fmt_ci(row["ppv"], row["ppv_lo"], row["ppv_hi"]),
         f"Chance a positive test is right, at the sample's prevalence {fmt_pct(row['n_pos'] / row['n'])}"),
        ("NPV (hold-out sample)", fmt_ci(row["npv"], row["npv_lo"], row["npv_hi"]),
         "Chance a negative test is right, in the sample"),
        ("PPV at deployment prevalence", _ci(row, "ppv_deploy"), f"By Bayes' rule at {fmt_pct(p)}"),
        ("NPV at deployment prevalence", _ci(row, "npv_deploy"), f"By Bayes' rule at {fmt_pct(p)}"),
        ("Balanced accuracy", _ci(row, "balanced_accuracy"), "Mean of sensitivity and specificity"),
        ("F1", _ci(row, "f1"), "Harmonic mean of PPV and sensitivity"),
        ("MCC", _ci(row, "mcc"), "Matthews correlation: −1 to 1, 0 = no better than chance"),
        ("Accuracy", _ci(row, "accuracy"), "Share of correct calls (misleading under imbalance)"),
        ("ROC AUC", roc_auc, "Ranking quality over all thresholds (DeLong 95 % CI)"),
        ("PR AUC (average precision)", pr_auc, "Precision over recall (stratified bootstrap 95 % CI)"),
    )  # fmt: skip
    return TableBlock(
        "Diagnostic accuracy on the hold-out set",
        ("Measure", "Value (95 % CI)", "Meaning"),
        rows,
        note=INTERVAL_NOTE,
        widths=(1.6, 1.5, 2.9),
    )


def per_thousand_table(row: dict[str, Any]) -> TableBlock:
    """Natural frequencies: of 1,000 patients at the deployment prevalence."""
    return TableBlock(
        "Of 1,000 patients at the deployment prevalence",
        ("Flagged positive", "Of them truly ill", "Ill but missed"),
        (
            (
                f"{row['per1000_flagged']:.0f}",
                f"{row['per1000_true_pos']:.0f}",
                f"{row['per1000_missed']:.0f}",
            ),
        ),
    )


def _data_tables(inputs: ReportInputs) -> tuple[list[str], list[TableBlock]]:
    data, table = inputs.data, inputs.table
    counts = data.class_counts
    n = len(data.y)
    paragraphs = [
        f"Data set '{data.name}': {fmt_count(n)} patients used, {len(data.X.columns)} feature columns "
        f"({len(data.numeric_features)} numeric, {len(data.categorical_features)} categorical). "
        f"Label column '{data.label}'."
    ]
    if data.is_binary:
        paragraphs.append(
            f"Positive class '{data.positive_name}' "
            f"({', '.join(data.positive_values) or data.positive_name}): "
            f"prevalence in the data {fmt_pct(counts[data.positive_name] / n)}."
        )
    rows = [("SHA-256 of the file", data.source_sha256 or "—")]
    if table is not None:
        rows.append(("Rows read", fmt_count(table.n_rows)))
    rows += [(f"Rows left out: {k}", fmt_count(v)) for k, v in data.dropped_rows.items()]
    rows += [(f"Class '{k}'", f"{fmt_count(v)} ({fmt_pct(v / n)})") for k, v in counts.items()]
    if getattr(data, "duplicate_rows", 0):
        rows.append(("Exact duplicate rows", data.duplicates_text))
    elif inputs.profile is not None and getattr(inputs.profile, "duplicated_rows", 0):
        rows.append(("Duplicated rows", fmt_count(inputs.profile.duplicated_rows)))
    rows += [("Label mark", m.text) for m in getattr(data, "label_marks", ())]
    rows += [("Patient ID", r.text) for r in getattr(data, "repeated_ids", ())]
    blocks = [TableBlock("Data set", ("Item", "Value"), tuple(rows), widths=(1.6, 4.4))]
    if data.excluded:
        blocks.append(
            TableBlock(
                "Excluded columns",
                ("Column", "Why"),
                tuple((str(k), str(v)) for k, v in data.excluded.items()),
                widths=(1.5, 4.5),
            )
        )
    after = getattr(data, "after_outcome", ())
    if after:
        blocks.append(
            TableBlock(
                "Columns that may be recorded after the outcome",
                ("Column", "Why", "Used by the model"),
                tuple((a.column, a.reason, "yes" if a.column in data.X.columns else "no") for a in after),
                widths=(1.5, 3.5, 1.0),
            )
        )
    missing = _missing_in_rows_used(table, data)
    detection = dict(getattr(table, "detection_limit_counts", {}) or {})
    zeros = dict(getattr(data, "zero_missing_counts", None) or {})
    feats = [c for c in data.X.columns if missing.get(c) or detection.get(c)]
    if not missing and table is None:  # no file record: count the features' gaps, not the zeros made gaps
        missing = {c: int(data.X[c].isna().sum()) - zeros.get(str(c), 0) for c in data.X.columns}
        feats = [c for c in data.X.columns if missing[c]]
    features = tuple(str(c) for c in data.X.columns)
    if feats:
        note = (
            "Missing: cells empty or marked as missing in the file; zeros read as 'not measured' are "
            "counted in their own table."
            if zeros
            else ""
        )
        blocks.append(
            TableBlock(
                "Missing values and detection limits per feature",
                ("Column", "Missing", "Detection-limit values"),
                tuple((str(c), fmt_count(missing.get(c, 0)), fmt_count(detection.get(c, 0))) for c in feats),
                note=note,
                widths=(2.0, 1.0, 1.5),
            )
        )
    paragraphs.append(
        "Missing data: numeric features are filled with the median and categorical ones with the most "
        "frequent value, learned on the training rows only (inside each cross-validation fold)."
    )
    if zeros:
        paragraphs.append(zero_missing_paragraph(zeros, n, features))
        blocks.append(zero_missing_table(zeros, n, features))
    paragraphs.append(f"Detection limits: {DETECTION_LIMIT_RULE}.")
    if inputs.audit is not None:  # image data: the shortcut and leakage audit (issue 29)
        blocks.append(
            TableBlock(
                "Image audit: duplicates and shortcuts",
                ("Check", "Finding", "What to do"),
                tuple((f.check, f.sentence, f.action or "—") for f in inputs.audit.findings),
                widths=(1.0, 3.0, 2.5),
            )
        )
    return paragraphs, blocks


def _missing_in_rows_used(table: Any, data: Any) -> dict[str, int]:
    """Missing cells per column among the rows the task used (not all rows read): a count 'of the patients
    used' must not include rows left out for a missing label or dropped as copies."""
    counts = dict(getattr(table, "missing_counts", {}) or {})
    frame, rows = getattr(table, "frame", None), getattr(data, "source_rows", None)
    if not counts or frame is None or rows is None or len(rows) == len(frame):
        return counts
    used = frame.iloc[np.asarray(rows, dtype=np.int64)]
    return {c: int(used[c].isna().sum()) for c in counts if c in used.columns}


def zero_missing_paragraph(counts: dict[str, int], n: int, features: tuple[str, ...]) -> str:
    """How zeros that mean 'not measured' were handled (STARD/TRIPOD: handling of missing data).

    ``counts``: column -> zeros read as missing among the ``n`` patients used
    (``PreparedData.zero_missing_counts``); ``features``: the model's feature columns, the only ones the
    saved model applies the rule to (:mod:`imbalance_core.share.predict`).
    """
    shown = ", ".join(f"{c} {fmt_count(k)}" for c, k in counts.items())
    used = [c for c in counts if c in features]
    unused = [c for c in counts if c not in features]
    text = (
        "Zeros read as 'not measured': in the columns below a 0 was taken to mean that the value was not "
        "measured, so those zeros were treated as missing values and imputed like the other missing "
        f"values: {shown} ({fmt_count(sum(counts.values()))} cells in {fmt_count(n)} patients)."
    )
    if used:
        text += (
            f" The saved model applies the same rule to new patients: a 0 in {', '.join(used)} is read as "
            "missing and imputed before scoring."
        )
    if unused:
        text += f" Not used as model features: {', '.join(unused)}."
    return text


def zero_missing_table(counts: dict[str, int], n: int, features: tuple[str, ...]) -> TableBlock:
    """Per column: zeros read as 'not measured', their share of the patients used, and the model's rule."""
    return TableBlock(
        ZERO_MISSING_TITLE,
        ("Column", "Zeros read as missing", "Share of patients", "New patients (saved model)"),
        tuple(
            (
                str(c),
                fmt_count(k),
                fmt_pct(k / n) if n else "—",
                "0 read as missing" if c in features else "not a model feature",
            )
            for c, k in counts.items()
        ),
        widths=(1.6, 1.3, 1.1, 2.0),
    )


def holdout_text(settings: Any, result: Any, data: Any = None) -> str:
    """The hold-out as it really is: rows (and patients, when split by patient) held out of those used."""
    test = np.asarray(getattr(result, "test_index", ()), dtype=np.int64)
    n = len(test) + len(np.asarray(getattr(result, "train_index", ()), dtype=np.int64))
    if not n:
        return f"stratified, {fmt_pct(settings.test_size)} of patients held out, never resampled"
    text = f"stratified, {fmt_count(len(test))} of {fmt_count(n)} rows held out ({fmt_pct(len(test) / n)})"
    groups = (getattr(data, "groups", None) or {}).get(getattr(settings, "group_by", ""))
    if groups is not None and len(groups) == n:
        held, total = len(np.unique(groups[test])), len(np.unique(groups))
        text += f", {fmt_count(held)} of {fmt_count(total)} patients ({fmt_pct(held / total)})"
    if getattr(data, "duplicate_groups", None) is not None:
        text += "; exact copies of a row kept on one side"
    return text + ", never resampled"


def _method_rows(settings: Any, result: Any = None, data: Any = None) -> tuple[tuple[str, str], ...]:
    """The Method table's rows; ``result`` names a hold-out the source fixed (an image zip's test/ folder)."""
    from imbalance_core.learn.classifiers import WEIGHTINGS, get_classifier
    from imbalance_core.learn.samplers import get_sampler
    from imbalance_core.learn.splitting import fixed_holdout_text

    fixed = (
        fixed_holdout_text(getattr(result, "holdout_name", ""), result.class_names, result.y_test)
        if result is not None
        else ""
    )

    sampler, model = get_sampler(settings.sampler), get_classifier(settings.classifier)
    resolved = model.resolve(settings.params)
    labels = {p.name: p.label for p in model.params}
    params = "; ".join(f"{labels.get(k, k)} = {fmt_number(v)}" for k, v in resolved.items()) or "defaults"
    if sampler.kind == "none":
        ratio = "not used (no resampling)"
    elif not sampler.uses_ratio:
        ratio = "not used (cleaning method removes only what it finds)"
    else:
        ratio = f"{fmt_ratio(settings.ratio)} (minority:majority after resampling)"
    clip = "synthetic rows clipped to each feature's observed training range" if settings.clip else "off"
    if settings.clip_bounds:
        clip += "; bounds: " + ", ".join(f"{c} {lo:g}–{hi:g}" for c, lo, hi in settings.clip_bounds)
    weighting = f"{settings.weighting}: {WEIGHTINGS.get(settings.weighting, '')}"
    if settings.weighting == "tradeoff":
        weighting += f" (t = {settings.tradeoff:g})"
    if settings.weighting == "custom":
        weighting += " (" + ", ".join(f"{w:g}" for w in settings.custom_weights) + ")"
    return (
        ("Resampling", f"{sampler.name} — {sampler.explanation}"),
        ("Target ratio", ratio),
        ("Clipping", clip if sampler.kind != "none" else "not applicable"),
        ("Class weighting", weighting),
        ("Classifier", f"{model.name} — {model.explanation}"),
        ("Classifier parameters", params),
        (
            "Hold-out split",
            fixed or holdout_text(settings, result, data),
        ),
        (
            "Cross-validation",
            f"stratified {settings.cv}-fold on the training part; resampling inside each training fold only",
        ),
        *_grouping_rows(settings),
        ("Seed", str(settings.seed)),
    )


def _grouping_rows(settings: Any) -> tuple[tuple[str, str], ...]:
    """The 'split by patient' line when the split and folds were grouped by a repeating ID column."""
    column = getattr(settings, "group_by", "")
    if not column:
        return ()
    return (
        (
            "Split by patient",
            f"by {column}: all rows of one patient in the training or the test part and in one CV fold "
            "(grouped stratified split; the test share is the nearest 1/k of patients); "
            f"{column} is not a feature",
        ),
    )


def _versions_row() -> str:
    versions = package_versions()
    for name in ("reportlab", "matplotlib"):
        versions[name] = _version(name)
    return f"Python {platform.python_version()}; " + ", ".join(f"{k} {v}" for k, v in versions.items())


def _version(name: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cv_table(result: Any, threshold: float | None = None) -> TableBlock:
    """Cross-validation mean ± sd per measure: ROC AUC, PR AUC and Brier need no threshold; the others
    are counted at the report's ``threshold`` (the model's), as on the Train page."""
    from imbalance_core.evaluation.thresholds import ChosenThreshold, default_for_result
    from imbalance_core.learn.operating_point import cv_at_threshold

    chosen = None
    if result.is_binary and threshold is not None:
        chosen = ChosenThreshold(float(threshold), "", float(threshold) == default_for_result(result).value)
    cv = cv_at_threshold(result, chosen)
    rows = tuple(
        (_CV_NAMES.get(k, k), f"{fmt_prop(s.mean)} ± {fmt_prop(s.sd)}") for k, s in cv.summary.items()
    )
    if cv.threshold is not None:
        note = (
            "ROC AUC, PR AUC and Brier score need no threshold; the other measures are counted in each fold "
            f"at the threshold {fmt_threshold(cv.threshold)}, the one this report uses throughout."
            + (f" {cv.note}" if cv.note else "")
        )
    else:
        note = "Macro averages over the classes; each patient gets the most probable class."
    return TableBlock(
        "Cross-validation (mean ± sd over folds)",
        ("Measure", "Mean ± sd"),
        rows,
        note=note,
        widths=(2.5, 2.0),
    )


def counts_table(result: Any) -> TableBlock:
    """Training-part class counts before and after resampling."""
    rows = tuple(
        (str(k), fmt_count(v), fmt_count(result.resampled_counts.get(k, 0)))
        for k, v in result.train_counts.items()
    )
    return TableBlock(
        "Training part before and after resampling",
        ("Class", "Real rows", "After resampling"),
        rows,
        widths=(2.5, 1.2, 1.5),
    )


def compare_table(compare: Any) -> TableBlock:
    """The Compare leaderboard as seen on the Compare page, best first (sensitivity-with-F1 ranking), each
    row at its own threshold (the pair's default, or the one the person set there), as strings."""
    frame = compare.to_frame(by="sensitivity_f1") if compare is not None else None
    header = ("#", "Sampler", "Classifier", "Threshold", "CV sens.", "CV ROC AUC", "Test sens.", "Test spec.")
    rows = []
    for rec in frame.to_dict("records"):
        rank = rec.get("Rank")
        rows.append(
            (
                "—" if pd.isna(rank) else str(int(rank)),
                str(rec["Sampler"]),
                str(rec["Classifier"]),
                fmt_threshold(rec.get("Threshold")),
                str(rec.get("CV Sensitivity", "")),
                str(rec.get("CV ROC AUC", "")),
                fmt_prop(rec.get("Test Sensitivity")),
                fmt_prop(rec.get("Test Specificity")),
            )
        )
    note = f"Cross-validation and hold-out measures at {compare.threshold_text}; ROC AUC needs no threshold."
    return TableBlock(
        "Compare leaderboard",
        header,
        tuple(rows),
        note=note,
        widths=(0.4, 1.4, 1.4, 0.8, 1.1, 1.1, 0.8, 0.8),
    )


def _caveats(inputs: ReportInputs, cal: curves.Calibration | None) -> list[str]:
    from imbalance_core.learn.samplers import get_sampler

    s = inputs.result.settings
    out = []
    kind = get_sampler(s.sampler).kind
    if kind in ("over", "combined"):
        out.append(
            "The training part was enlarged with synthetic or copied patients. They are not real "
            "people; the hold-out set, on which every number here is measured, has only real patients."
        )
    if (kind != "none" or s.weighting != "none") and getattr(inputs.result, "calibrator", None) is None:
        out.append(
            "Resampling and class weights change the model's idea of how common the disease is: its "
            "scores are not calibrated risks. Read them as a ranking, and judge PPV and NPV at the "
            "prevalence the model will meet."
        )
    if cal is not None and cal.distorted:
        out.append(cal.message)
    counts = np.bincount(
        np.asarray(inputs.result.y_test, dtype=int), minlength=len(inputs.result.class_names)
    )
    rare = int(np.argmin(counts))
    if counts[rare] < SMALL_HOLDOUT_POSITIVES:
        out.append(
            f"The hold-out set holds only {counts[rare]} patients of class "
            f"'{inputs.result.class_names[rare]}'; "
            "the intervals are wide and the numbers may move a lot on new patients."
        )
    out.append(
        "Measured on one data set with one split; an external validation on patients from another "
        "time or place is needed before clinical use."
    )
    return out


def pca_view(data: Any, settings: Any, seed: int = 0, view: Any = None) -> PcaView | None:
    """PCA of the training rows before/after resampling, by the Explore page's own projection code.

    view: the :func:`~imbalance_core.learn.training.resample_for_view` result for ``data`` and
    ``settings`` when the caller has it already (the pages share one); else it is computed here.
    """
    from imbalance_core.learn.training import resample_for_view
    from imbalance_core.maps.projection import project_resampled

    view = resample_for_view(data, settings) if view is None else view
    if np.asarray(view.X_real).shape[1] < 2:
        return None
    proj = project_resampled(view, "pca", 2, seed=seed, max_points=MAX_SCATTER_POINTS)
    return PcaView(
        before_xy=proj.before_coords, before_y=np.asarray(proj.before_y), after_xy=proj.after_coords,
        after_y=np.asarray(proj.after_y), after_synthetic=np.asarray(proj.after_synthetic, dtype=bool),
        explained=tuple(float(v) for v in proj.explained_variance_ratio[:2]),
        n_synthetic=int(proj.counts.synthetic), n_removed=int(proj.counts.removed),
    )  # fmt: skip


# --------------------------------------------------------------------------- content


@dataclass(frozen=True, eq=False)
class _Body:
    """The task-specific part of a report: sections 4-6, figures, key numbers, subtitle and meta line."""

    sections: tuple[Section, ...]
    figures: FigureData
    key_numbers: dict[str, str]
    decision: str
    classes_line: tuple[str, str]
    calibration: curves.Calibration | None = None


def _class_bars(inputs: ReportInputs) -> dict[str, dict[str, int]]:
    return {
        "Whole data set": dict(inputs.data.class_counts),
        "Training part": dict(inputs.result.train_counts),
        "After resampling": dict(inputs.result.resampled_counts),
    }


def _binary_body(inputs: ReportInputs) -> _Body:
    """Threshold, 2x2 table, accuracy with intervals, curves: the STARD core of a two-class report."""
    result = inputs.result
    threshold = float("nan") if inputs.threshold is None else float(inputs.threshold)
    if not math.isfinite(threshold):
        raise DataError("The threshold must be a number.")
    pos, neg = result.class_names[1], result.class_names[0]
    row = holdout_row(result, threshold, inputs.prevalence)
    y, s = result.y_test, result.test_scores
    auc = delong_roc_auc(y, s)
    ap = bootstrap_average_precision(y, s, n_boot=N_BOOT, seed=int(result.settings.seed))
    roc_auc, pr_auc = fmt_ci(auc.value, auc.lo, auc.hi), fmt_ci(ap.value, ap.lo, ap.hi)
    try:
        cal = curves.calibration(y, s)
    except DataError:
        cal = None
    calrep = calibration_report(result, inputs.resampling_effect)
    try:
        dca = curves.decision_curve(y, s, prevalence=row["prevalence_deploy"]) if calrep.honest else None
    except DataError:
        dca = None
    deploy = fmt_pct(row["prevalence_deploy"])
    lrs = likelihood_part(row, inputs.pretest, inputs.prevalence)  # LR+/LR-, post-test (report_likelihood)
    rule_text, rule_tables = (), ()
    if inputs.rule is not None:  # two cut-offs: sentences and the zone table (share/report_threshold.py)
        rule_text, head, rows, note = rule_block(result, inputs.rule, inputs.prevalence)
        rule_tables = (TableBlock("Rule-out / rule-in zones on the hold-out set", head, rows, note),)
    sections = (
        Section("4. Decision threshold", (
            f"A patient is called '{pos}' when the model's score is at or above {fmt_threshold(threshold)}.",
            f"How it was chosen: {inputs.threshold_reason}",
            "Pickers choose on the cross-validated scores of the training part, never on the hold-out set.",
            *uncertainty_paragraphs(result, threshold, inputs.prevalence, inputs.pick), *rule_text),
            rule_tables),
        Section("5. Results on the hold-out set", (
            f"{fmt_count(row['n'])} patients never used in training: {fmt_count(row['n_pos'])} '{pos}', "
            f"{fmt_count(row['n_neg'])} '{neg}' (prevalence {fmt_pct(row['n_pos'] / row['n'])}). "
            f"Deployment prevalence for PPV/NPV: {deploy}.", *lrs.paragraphs),
            (two_by_two(row, pos, neg), accuracy_table(row, roc_auc, pr_auc), per_thousand_table(row),
             *lrs.tables)),
        Section("6. Discrimination, calibration and clinical usefulness", (
            "ROC and precision-recall curves on the hold-out set; the dot marks the chosen threshold.",
            (cal.message + f" Brier score {fmt_prop(cal.brier)}.") if cal is not None else "",
            "Decision curve: net benefit of acting on the model compared with treating everybody or nobody, "
            f"at the deployment prevalence {deploy}." if calrep.honest else calrep.paragraphs[2]),
            (), ("roc_pr", "calibration_decision")),
        Section("7. Calibration and recalibration", calrep.paragraphs, (TableBlock(
            "Calibration metrics with 95 % intervals", calrep.header, calrep.rows, note=calrep.note),),
            ("calibration_curves",)),
    )  # fmt: skip
    figures = FigureData(
        class_bars=_class_bars(inputs), projection=inputs.projection, class_names=tuple(result.class_names),
        positive_name=pos, negative_name=neg,
        roc=curves.decimate_roc(curves.roc(y, s)), pr=curves.decimate_pr(curves.pr(y, s)),
        operating_point={"fpr": 1 - row["specificity"], "tpr": row["sensitivity"],
                         "recall": row["sensitivity"], "precision": row["ppv"]},
        roc_auc=roc_auc, pr_auc=pr_auc, prevalence_sample=row["n_pos"] / row["n"],
        calibration=cal, decision=dca, threshold=threshold, calibration_curves=calrep.curves,
        risk_p99=float(np.quantile(s, 0.99)),
    )  # fmt: skip
    key = {
        "threshold": fmt_threshold(threshold),
        "sensitivity": fmt_ci(row["sensitivity"], row["sensitivity_lo"], row["sensitivity_hi"]),
        "specificity": fmt_ci(row["specificity"], row["specificity_lo"], row["specificity_hi"]),
        "ppv": fmt_ci(row["ppv"], row["ppv_lo"], row["ppv_hi"]),
        "npv": fmt_ci(row["npv"], row["npv_lo"], row["npv_hi"]),
        "ppv_deploy": _ci(row, "ppv_deploy"), "npv_deploy": _ci(row, "npv_deploy"),
        "accuracy": _ci(row, "accuracy"), "balanced_accuracy": _ci(row, "balanced_accuracy"),
        "f1": _ci(row, "f1"), "mcc": _ci(row, "mcc"),
        "tp": fmt_count(row["tp"]), "fp": fmt_count(row["fp"]),
        "tn": fmt_count(row["tn"]), "fn": fmt_count(row["fn"]),
        "roc_auc": roc_auc, "pr_auc": pr_auc, **lrs.key_numbers,
    }  # fmt: skip
    return _Body(
        sections, figures, key, f"threshold {fmt_threshold(threshold)}", ("Positive class", pos), cal
    )


def _multiclass_body(inputs: ReportInputs) -> _Body:
    """Most-probable-class decisions: the k x k table and per-class accuracy with Wilson intervals."""
    from imbalance_core.evaluation.intervals import wilson
    from imbalance_core.evaluation.metrics import multiclass_fold_metrics

    result = inputs.result
    names = tuple(result.class_names)
    k = len(names)
    y = np.asarray(result.y_test, dtype=int)
    proba = np.asarray(result.test_scores, dtype=float)
    pred = np.argmax(proba, axis=1)
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (y, pred), 1)
    tp = np.diag(cm)
    fn, fp = cm.sum(axis=1) - tp, cm.sum(axis=0) - tp
    tn = cm.sum() - tp - fn - fp
    overall, _ = multiclass_fold_metrics(y, proba)

    def ci(count: np.ndarray, total: np.ndarray, c: int) -> str:
        lo, hi = wilson(count, total)
        value = count[c] / total[c] if total[c] else float("nan")
        return fmt_ci(value, lo[c], hi[c])

    confusion = TableBlock(
        "Hold-out confusion matrix", ("True class \\ predicted", *names, "Total"),
        tuple((names[i], *(fmt_count(v) for v in cm[i]), fmt_count(cm[i].sum())) for i in range(k)),
        note="Rows: the true class; columns: the class the model called (the most probable one).",
    )  # fmt: skip
    per_class = TableBlock(
        "Per-class accuracy on the hold-out set",
        ("Class", "Patients", "Sensitivity (95 % CI)", "Specificity (95 % CI)", "PPV (95 % CI)"),
        tuple((names[c], fmt_count(tp[c] + fn[c]), ci(tp, tp + fn, c), ci(tn, tn + fp, c), ci(tp, tp + fp, c))
              for c in range(k)),
        note="Each class against all others; Wilson score intervals.", widths=(1.6, 0.8, 1.4, 1.4, 1.4),
    )  # fmt: skip
    summary = TableBlock("Overall", ("Measure", "Value"), (
        ("Accuracy", fmt_prop(overall["accuracy"])),
        ("Balanced accuracy (mean per-class sensitivity)", fmt_prop(overall["balanced_accuracy"])),
        ("Macro F1", fmt_prop(overall["f1"])),
        ("Macro ROC AUC (one vs rest)", fmt_prop(overall["roc_auc"])),
    ), widths=(3.0, 1.5))  # fmt: skip
    sections = (
        Section("4. Decision rule", (
            "Each patient is assigned the class with the highest predicted probability; "
            "there is no threshold.",)),
        Section("5. Results on the hold-out set", (
            f"{fmt_count(len(y))} patients never used in training: "
            + ", ".join(f"{fmt_count(n)} '{name}'" for name, n in zip(names, cm.sum(axis=1), strict=True))
            + ".",),
            (confusion, per_class, summary)),
    )  # fmt: skip
    key = {
        "accuracy": fmt_prop(overall["accuracy"]),
        "balanced_accuracy": fmt_prop(overall["balanced_accuracy"]),
        "roc_auc": fmt_prop(overall["roc_auc"]),
        **{f"sensitivity:{names[c]}": ci(tp, tp + fn, c) for c in range(k)},
    }
    figures = FigureData(class_bars=_class_bars(inputs), projection=inputs.projection, class_names=names)
    return _Body(sections, figures, key, "most probable class", ("Classes", ", ".join(names)))


def build_report_content(inputs: ReportInputs) -> ReportContent:
    """Every number and table of the report as strings, plus the figure arrays (pure; no drawing).

    Two-class tasks get the threshold report (2x2 table, intervals, curves); multi-class tasks the
    confusion matrix and per-class accuracy (decision = the most probable class).
    """
    from imbalance_core.learn.classifiers import get_classifier
    from imbalance_core.learn.samplers import get_sampler

    data, result = inputs.data, inputs.result
    body = _binary_body(inputs) if result.is_binary else _multiclass_body(inputs)
    export_id = inputs.export_id or new_export_id()
    created = inputs.created or datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%d %H:%M UTC")
    settings = result.settings
    data_paragraphs, data_tables = _data_tables(inputs)
    method_rows = (*_method_rows(settings, result, inputs.data), ("Package versions", _versions_row()))
    method = TableBlock("Method", ("Item", "Setting"), method_rows, widths=(1.5, 4.5))
    sections = [
        Section("1. Data", tuple(data_paragraphs), tuple(data_tables), ("classes",)),
        Section("2. Method", (
            "An imbalanced-learn pipeline: impute -> resample (training rows only) -> scale if the model "
            "needs it -> classifier. The hold-out set is split off first and is never resampled.",),
            (method, counts_table(result)), ("pca",) if inputs.projection is not None else ()),
        Section(
            "3. Cross-validation results",
            (),
            (cv_table(result, inputs.threshold),),
        ),
        *body.sections,
    ]  # fmt: skip
    if inputs.compare is not None:
        sections.append(Section(
            f"{len(sections) + 1}. Comparison of methods",
            ("Every sampler and classifier pair was trained with the same split and folds.",),
            (compare_table(inputs.compare),),
        ))  # fmt: skip
    parts = report_decision.decision_parts(inputs, inputs.threshold if result.is_binary else None)
    sections += report_decision.decision_sections(parts, len(sections) + 1)
    if inputs.validation is not None:  # issue 27: bootstrap / repeated CV and stability
        sections.append(report_validation.validation_section(inputs.validation, len(sections) + 1))
    sections.append(Section(f"{len(sections) + 1}. Caveats", tuple(_caveats(inputs, body.calibration))))
    notes = list(dict.fromkeys([*result.notices, *getattr(data, "warnings", ())]))
    if notes:
        sections.append(Section(f"{len(sections) + 1}. Notes from training", tuple(notes)))
    sections.append(checklist.checklist_section(inputs, [s.title for s in sections]))
    subtitle = (
        f"{get_sampler(settings.sampler).name} + {get_classifier(settings.classifier).name} · {body.decision}"
    )
    meta = (("Data set", str(data.name)), ("Created", created), ("Export id", export_id), body.classes_line)
    return ReportContent(
        "Imbalance Lab model report",
        subtitle,
        meta,
        tuple(sections),
        body.figures,
        export_id,
        body.key_numbers,
    )


# --------------------------------------------------------------------------- PDF


def render_pdf(content: ReportContent, images: dict[str, bytes] | None = None) -> bytes:
    """The report as PDF bytes (layout in :mod:`imbalance_core.share.report_pdf`; figures drawn when not
    given)."""
    from imbalance_core.share import report_figures  # matplotlib: imported only when drawing

    images = report_figures.draw_all(content.figures) if images is None else images
    pdf = report_pdf.render_pdf(content, images)
    paged = checklist.with_pages(content, pdf)  # the appendix names the page of each answer
    return pdf if paged is content else report_pdf.render_pdf(paged, images)


def report_file_name(content: ReportContent, extension: str = ".pdf") -> str:
    """``imbalance-report-<export id>.pdf``: every download has its own name."""
    return f"imbalance-report-{content.export_id}{extension}"
