"""The report's calibration section: metrics with intervals (raw and recalibrated), the curves figure,
whether the decision curve may be drawn, and "did resampling help?" when it was computed.

:func:`calibration_section` returns the section content (strings and table rows) and the curves for
drawing; :func:`draw_calibration_curves` draws them with matplotlib for the PDF (no browser). The report
builder calls these from one line each.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.evaluation.calibration import METRIC_NAMES, N_BOOT, CalibrationMetrics, estimate_text
from imbalance_core.learn.calibration_summary import calibration_summary, risk_honesty
from imbalance_core.learn.recalibration import get_recalibrator, prior_note

#: Metrics in the report table, in order.
REPORT_KEYS = ("intercept", "slope", "e_to_o", "ici", "e50", "e90", "emax", "brier", "scaled_brier")
#: Colours of the curves (the classifier's own scores, the delivered risks, out-of-fold, baseline).
CURVE_COLOURS = {"raw": "#c0392b", "delivered": "#1f3a5f", "oof": "#8e44ad", "baseline": "#2e7d32"}


@dataclass(frozen=True)
class CalibrationCurve:
    """One smoothed calibration curve for drawing: role (colour), legend label, points."""

    role: str
    label: str
    p: np.ndarray
    observed: np.ndarray


@dataclass(frozen=True, eq=False)
class CalibrationReport:
    """Paragraphs, the metrics table (header, rows, note), curves, and whether net benefit may be drawn."""

    paragraphs: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str
    curves: tuple[CalibrationCurve, ...]
    honest: bool


def _cell(m: CalibrationMetrics, key: str) -> str:
    """'0.981 (0.912 to 1.050)', 'not estimable' or '0.210 (no interval)' (the reasons are in the note)."""
    return estimate_text(getattr(m, key), ci="", reason=False)


def _reasons(columns: list[tuple[str, str, CalibrationMetrics]]) -> list[str]:
    """Why a cell has no number or no interval, and the stated rules and penalised fits, once each."""
    out: list[str] = []
    for _role, name, m in columns:
        for key in REPORT_KEYS:
            e = getattr(m, key)
            if not e.estimable or not e.has_interval or "Firth" in e.method or "before the logit" in e.method:
                line = f"{name}, {METRIC_NAMES[key]}: {e.method}."
                if line not in out:
                    out.append(line)
    return out


def calibration_report(result: Any, effect: Any = None, n_boot: int = N_BOOT) -> CalibrationReport:
    """The calibration section's content for a binary TrainResult (``effect``: a ResamplingEffect or None)."""
    summary = calibration_summary(result, n_boot=n_boot, seed=int(result.settings.seed))
    columns: list[tuple[str, str, CalibrationMetrics]] = []
    if summary.raw_holdout is not None:
        columns.append(("raw", "Hold-out, classifier's scores", summary.raw_holdout))
    delivered = "Hold-out, recalibrated" if summary.raw_holdout is not None else "Hold-out"
    columns.append(("delivered", delivered, summary.holdout))
    columns.append(("oof", "Out-of-fold (training)", summary.oof))
    rows = tuple((METRIC_NAMES[k], *(_cell(m, k) for _r, _n, m in columns)) for k in REPORT_KEYS)
    honest, why = risk_honesty(result, summary.holdout)
    method = get_recalibrator(summary.method)
    paragraphs = [
        f"Recalibration: {method.name}"
        + (f" ({summary.calibrator})." if summary.calibrator else ".")
        + " Calibrators are fitted on out-of-fold training scores only; the hold-out never fits anything.",
        "Calibration-in-the-large (intercept, ideal 0) and slope (ideal 1) come from logistic regression on "
        "the logit of the risk; E:O is expected over observed events (ideal 1); ICI, E50, E90 and Emax are "
        "the mean, median, 90th percentile and maximum distance between a lowess-smoothed calibration "
        "curve and the diagonal (Austin & Steyerberg 2019).",
        ("Decision curve: " + why) if honest else ("Decision curve not drawn: " + why),
    ]
    if result.settings.recalibrate == "prior":
        paragraphs.append(prior_note(result.settings.sampler, result.settings.classifier).text)
    if effect is not None:
        paragraphs.append("Did resampling help? " + effect.sentence)
    m = summary.holdout
    note = (
        f"95 % intervals: intercept and slope Wald; E:O Poisson; the rest bootstrap, {m.n_boot} resamples "
        f"(seed {m.seed}). Hold-out {m.n} patients, {m.events} with the condition. "
        + " ".join(_reasons(columns))
    ).strip()
    curves = [CalibrationCurve(role, name, mm.curve_p, mm.curve_observed) for role, name, mm in columns]
    if effect is not None:
        b = effect.baseline.calibration
        curves.append(
            CalibrationCurve("baseline", "Hold-out, without resampling", b.curve_p, b.curve_observed)
        )
    return CalibrationReport(
        paragraphs=tuple(paragraphs),
        header=("Metric", *(name for _r, name, _m in columns)),
        rows=rows,
        note=note,
        curves=tuple(curves),
        honest=honest,
    )


def draw_calibration_curves(fd: Any) -> bytes:
    """Smoothed calibration curves (matplotlib PNG) from ``fd.calibration_curves``."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.4), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    curves = getattr(fd, "calibration_curves", ()) or ()
    top = max([0.05, *(float(np.max(c.p)) for c in curves if c.p.size),
               *(float(np.max(c.observed)) for c in curves if c.observed.size)])  # fmt: skip
    edge = min(1.0, top * 1.08)
    ax.plot([0, edge], [0, edge], ls="--", color="#888888", lw=0.8, label="ideal")
    for c in curves:
        ax.plot(c.p, c.observed, color=CURVE_COLOURS.get(c.role, "#555555"), lw=1.6, label=c.label)
    ax.set(xlabel="predicted risk", ylabel="observed share (lowess)", xlim=(0, edge), ylim=(0, edge),
           title="Calibration: raw and recalibrated risks")  # fmt: skip
    ax.legend(frameon=False, loc="upper left", fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
