"""The external-validation report (PDF): development vs the new file, side by side.

Built from a :class:`~imbalance_core.share.validate.LabelledValidation` as the same
:class:`~imbalance_core.share.report_blocks.ReportContent` the model report uses, laid out by
:mod:`imbalance_core.share.report_pdf`. Sections answer the TRIPOD (2015) items on validation: the
comparison of development and validation data (13c), performance with intervals (16), model updating
(10e, 17) and the comparison with development performance (19a); the item is named in each heading,
with its TRIPOD+AI (2024) number first (20c evaluation vs development data, 23a performance with
intervals, 12f / 24 model updating and its results).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import numpy as np

from imbalance_core.evaluation.calibration import Estimate
from imbalance_core.evaluation.case_mix import usual_range_sentence
from imbalance_core.evaluation.formatting import decimal_text, is_number, percent, signed_percent
from imbalance_core.share.model_file import SavedModel, new_export_id
from imbalance_core.share.report_blocks import FigureData, ReportContent, Section, TableBlock
from imbalance_core.share.validate import UPDATES, LabelledValidation

PERCENT = {"sensitivity", "specificity", "ppv", "npv"}
CALIBRATION_FIGURE = "external_calibration"


#: Header of the difference column: a difference of two rates is in percentage points, not per cent.
DIFFERENCE_HEADER = "Difference (rates in pp)"


def estimate_text(e: Estimate | None, pct: bool) -> str:
    """A figure with its 95 % interval: rates through formatting.percent, the rest with 3 decimals; "—"
    for a figure or an interval end that cannot be estimated. The page, the PDF and the CLI use it."""
    if e is None or not is_number(e.value):
        return "—"
    text = percent if pct else (lambda x: decimal_text(x, 3, missing="—"))
    return f"{text(e.value)} ({text(e.low)} to {text(e.high)})"


def difference_text(x: float, pct: bool) -> str:
    """This file minus development: rates in percentage points ("+11.8 pp", by formatting.percent's
    rounding), the rest with 3 decimals; "—" when undefined."""
    if not is_number(x):
        return "—"
    return signed_percent(x).removesuffix(" %") + " pp" if pct else f"{x:+.3f}"


def _sections(v: LabelledValidation, saved: SavedModel) -> list[Section]:
    f = v.figures
    rows = tuple(
        (r.name, estimate_text(r.development, r.key in PERCENT), estimate_text(r.external, r.key in PERCENT),
         difference_text(r.difference, r.key in PERCENT))
        for r in v.rows
    )  # fmt: skip
    t = f.table
    sections = [
        Section(
            "1. Performance: development vs this file (TRIPOD+AI 23a; TRIPOD 16, 19a)",
            (
                f"{f.n:,} patients in {v.name}, {f.events:,} with the outcome ({percent(f.prevalence)}). "
                f"Development figures: {v.development_source}. Threshold {f.threshold:.4g} "
                f"({saved.metadata.threshold_reason.rstrip('.')}). Intervals: DeLong (ROC AUC), "
                "stratified bootstrap (PR AUC, Brier), Wald (intercept, slope), Poisson (E:O), Wilson "
                "(rates).",
                v.transport.summary(),
            ),
            (
                TableBlock(
                    "Development vs this file",
                    ("Figure", "Development", "This file", DIFFERENCE_HEADER),
                    rows,
                    widths=(2.2, 2.2, 2.2, 1.0),
                ),
                TableBlock(
                    "2x2 at the saved threshold",
                    ("", "Has the outcome", "Does not"),
                    (
                        ("Called positive", f"{t.tp:,}", f"{t.fp:,}"),
                        ("Called negative", f"{t.fn:,}", f"{t.tn:,}"),
                    ),
                ),
            ),
            (CALIBRATION_FIGURE,),
        )
    ]
    if v.updating is not None:
        up_rows = []
        for r in v.updating.results:
            e = r.figures.estimates()
            cells = [estimate_text(e[k], False) for k in ("auc", "intercept", "slope", "e_to_o")]
            up_rows.append((r.name, *cells, r.calibrator.describe()))
        sections.append(Section(
            "2. Model updating (TRIPOD+AI 12f, 24; TRIPOD 10e, 17)",
            (f"Steyerberg's order; each update judged by {v.updating.folds}-fold cross-validation within the "
             "file (test-fold figures), the map shown fitted on all rows.",
             f"Recommended: {UPDATES[v.updating.recommended]} — {v.updating.reason}."),
            (TableBlock("Updates", ("Update", "AUC", "Intercept", "Slope", "E:O", "Map"), tuple(up_rows),
                        widths=(2.0, 1.5, 1.5, 1.5, 1.5, 2.2)),),
        ))  # fmt: skip
    else:
        sections.append(Section("2. Model updating (TRIPOD+AI 12f, 24; TRIPOD 10e, 17)", (v.updating_note,)))
    d = v.drift
    mix_rows: tuple[tuple[str, ...], ...] = ()
    paragraphs = [d.case_mix_note] if d.case_mix is None else [d.case_mix.summary()]
    if d.case_mix is not None:
        mix_rows = tuple(
            (x.feature, x.verdict, "—" if not np.isfinite(x.smd) else f"{x.smd:+.2f}",
             percent(x.outside_range) if x.kind == "numeric" else "—",
             _usual(x), percent(x.unseen) if x.kind == "categorical" else "—", x.detail)
            for x in d.case_mix.features
        )  # fmt: skip
        paragraphs.append(usual_range_sentence(d.case_mix.features))
    paragraphs.append(d.membership.summary() if d.membership is not None else d.membership_note)
    header = ("Feature", "Verdict", "SMD", "Outside range", "Outside usual range (1st–99th pct)", "Unseen",
              "Detail")  # fmt: skip
    sections.append(Section(
        "3. Case mix: development vs this file (TRIPOD+AI 20c; TRIPOD 13c)", tuple(paragraphs),
        (TableBlock("Per feature", header,
                    mix_rows, note="Verdicts are conventions (|SMD| 0.1 / 0.25; shares 5 % / 15 %). Outside "
                    "range: below the development minimum or above its maximum; outside the usual range: "
                    "beyond its 1st / 99th percentiles (about 2 % expected).",
                    widths=(1.4, 1.1, 0.7, 0.9, 1.1, 0.7, 2.6)),) if mix_rows else (),
    ))  # fmt: skip
    size_par = [v.size.summary(), f"Assumptions: {v.size.assumption}."] if v.size else ["Not computed."]
    if v.prevalence is not None:
        size_par.append(
            f"Prevalence from the risks alone (EM): {percent(v.prevalence.em.value)} (95 % CI "
            f"{percent(v.prevalence.em.low)} to {percent(v.prevalence.em.high)}); observed "
            f"{percent(f.prevalence)}."
        )
        if v.prevalence_caveat:
            size_par.append(v.prevalence_caveat)
    sections.append(
        Section("4. Sample size for validation (Riley et al. 2021) and prevalence", tuple(size_par))
    )
    return sections


def _usual(x: Any) -> str:
    """The 'outside the usual range' cell: a share, '—' for categories, words for an older model file."""
    if x.kind != "numeric":
        return "—"
    return percent(x.outside_usual) if np.isfinite(x.outside_usual) else "not recorded"


def _calibration_png(v: LabelledValidation) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=130)
    ax.plot([0, 1], [0, 1], "--", color="#9aa5b1", label="ideal")
    cal = v.figures.calibration
    ax.plot(cal.curve_p, cal.curve_observed, color="#c0392b", lw=2, label="this file, as saved")
    if v.updating is not None and v.updating.recommended != "none":
        best = v.updating.get(v.updating.recommended)
        c2 = best.figures.calibration
        ax.plot(c2.curve_p, c2.curve_observed, color="#1f5f8b", lw=2, label=f"{best.name} (cross-validated)")
    ax.axvline(v.figures.threshold, color="#e67e22", ls=":", lw=1)
    ax.set_xlabel("predicted risk")
    ax.set_ylabel("observed share (lowess)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Calibration on the new file")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def build_validation_content(
    v: LabelledValidation, saved: SavedModel, export_id: str | None = None
) -> ReportContent:
    """The external-validation report as strings and tables (figures: :func:`render_validation_pdf`)."""
    export_id = export_id or new_export_id()
    created = datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%d %H:%M UTC")
    meta = (
        ("Model developed on", saved.metadata.data_name),
        ("Model export id", saved.metadata.export_id),
        ("New file", v.name),
        ("Created", created),
        ("Export id", export_id),
    )
    figures = FigureData(class_bars={}, projection=None, class_names=saved.metadata.class_names)
    return ReportContent("External validation report", f"Positive class: {saved.metadata.positive_class}",
                         meta, tuple(_sections(v, saved)), figures, export_id)  # fmt: skip


def render_validation_pdf(v: LabelledValidation, saved: SavedModel, export_id: str | None = None) -> bytes:
    """The external-validation report as PDF bytes."""
    from imbalance_core.share import report_pdf

    content = build_validation_content(v, saved, export_id)
    return report_pdf.render_pdf(content, {CALIBRATION_FIGURE: _calibration_png(v)})
