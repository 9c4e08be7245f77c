"""ROC, precision-recall, calibration, decision-curve and score-histogram figures (plotly).

Each builder takes a result object from :mod:`imbalance_core.evaluation.curves` /
:mod:`imbalance_core.evaluation.thresholds`
and returns a ``go.Figure``; nothing is computed here beyond placing points. Arrays are passed to plotly
as numpy arrays (sent base64-encoded, far smaller than JSON lists). The operating point is drawn from the
stop table's exact figures, never read off a decimated curve. Plotly interprets a few HTML tags in
legend and title text, so class labels are HTML-escaped here and always show as plain text.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from imbalance_core.evaluation.curves import Calibration, DecisionCurve, PrCurve, RocCurve
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.intervals import Interval
from imbalance_core.evaluation.thresholds import ScoreHistogram
from imbalance_core.figures.decision import decision_x_max

MODEL_COLOUR = "#1f5f8b"
POSITIVE_COLOUR = "#c0392b"
NEGATIVE_COLOUR = "#5b7c99"
REFERENCE_COLOUR = "#9aa5b1"
POINT_COLOUR = "#e67e22"

_LAYOUT = {"template": "plotly_white", "margin": {"t": 60, "b": 50, "l": 60, "r": 20}}


def _text(value: str) -> str:
    """Escape a data-derived string (class label) so plotly shows it as text, never as markup."""
    return html.escape(str(value), quote=True)


def _with_ci(name: str, iv: Interval | None) -> str:
    if iv is None or not np.isfinite(iv.value):
        return name
    if np.isfinite(iv.lo) and np.isfinite(iv.hi):
        return f"{name} {iv.value:.3f} (95 % CI {iv.lo:.3f}–{iv.hi:.3f})"
    return f"{name} {iv.value:.3f}"


def _point(x: float, y: float, label: str) -> go.Scatter:
    return go.Scatter(
        x=np.array([x]), y=np.array([y]), mode="markers", name=label,
        marker={"color": POINT_COLOUR, "size": 12, "line": {"color": "white", "width": 2}},
        hovertemplate=f"{label}<br>x %{{x:.3f}}, y %{{y:.3f}}<extra></extra>",
    )  # fmt: skip


def roc_figure(
    roc: RocCurve, auc: Interval | None = None, operating_point: tuple[float, float] | None = None
) -> go.Figure:
    """ROC curve with the chance diagonal; ``operating_point`` is (1 - specificity, sensitivity)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=np.array([0.0, 1.0]), y=np.array([0.0, 1.0]), mode="lines", name="chance",
        line={"color": REFERENCE_COLOUR, "dash": "dash"}, hoverinfo="skip",
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=roc.fpr, y=roc.tpr, mode="lines", name="model", line={"color": MODEL_COLOUR, "width": 2},
        hovertemplate="1 − specificity %{x:.3f}<br>sensitivity %{y:.3f}<extra></extra>",
    ))  # fmt: skip
    if operating_point is not None:
        fig.add_trace(_point(*operating_point, "chosen threshold"))
    fig.update_layout(
        title=_with_ci("ROC curve — AUC", auc),
        xaxis={"title": "1 − specificity (false-positive rate)", "range": [0, 1], "constrain": "domain"},
        yaxis={"title": "sensitivity (true-positive rate)", "range": [0, 1.02], "scaleanchor": "x"},
        **_LAYOUT,
    )
    return fig


def pr_figure(
    pr: PrCurve,
    ap: Interval | None = None,
    prevalence: float | None = None,
    operating_point: tuple[float, float] | None = None,
) -> go.Figure:
    """Precision-recall curve; the no-skill line sits at the prevalence; point is (sensitivity, PPV)."""
    fig = go.Figure()
    if prevalence is not None:
        fig.add_trace(go.Scatter(
            x=np.array([0.0, 1.0]), y=np.array([prevalence, prevalence]), mode="lines",
            name=f"no skill (prevalence {percent(prevalence)})",
            line={"color": REFERENCE_COLOUR, "dash": "dash"},
            hoverinfo="skip",
        ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=pr.recall, y=pr.precision, mode="lines", name="model", line={"color": MODEL_COLOUR, "width": 2},
        hovertemplate="sensitivity %{x:.3f}<br>PPV %{y:.3f}<extra></extra>",
    ))  # fmt: skip
    if operating_point is not None:
        fig.add_trace(_point(*operating_point, "chosen threshold"))
    fig.update_layout(
        title=_with_ci("Precision-recall curve — average precision", ap),
        xaxis={"title": "sensitivity (recall)", "range": [0, 1]},
        yaxis={"title": "PPV (precision)", "range": [0, 1.02]},
        **_LAYOUT,
    )
    return fig


def calibration_figure(cal: Calibration, threshold: float | None = None) -> go.Figure:
    """Observed share of positives vs mean predicted risk per bin, the ideal diagonal and the Brier score."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=np.array([0.0, 1.0]), y=np.array([0.0, 1.0]), mode="lines", name="perfectly calibrated",
        line={"color": REFERENCE_COLOUR, "dash": "dash"}, hoverinfo="skip",
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=cal.prob_pred, y=cal.prob_true, mode="lines+markers", name="model",
        line={"color": MODEL_COLOUR, "width": 2}, customdata=cal.bin_counts,
        hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}<br>%{customdata} patients<extra></extra>",
    ))  # fmt: skip
    if threshold is not None:
        fig.add_vline(x=float(threshold), line={"color": POINT_COLOUR, "dash": "dot"})
    title = f"Calibration — Brier score {cal.brier:.3f}"
    if cal.distorted:
        title += " (probabilities distorted)"
    fig.update_layout(
        title=title,
        xaxis={"title": "mean predicted risk", "range": [0, 1]},
        yaxis={"title": "observed share with the condition", "range": [0, 1.02]},
        **_LAYOUT,
    )
    return fig


def decision_curve_figure(dc: DecisionCurve, threshold: float | None = None) -> go.Figure:
    """Net benefit of the model, treat-all and treat-none against the threshold probability."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=dc.thresholds, y=dc.treat_none, mode="lines", name="treat none",
        line={"color": REFERENCE_COLOUR, "dash": "dot"},
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=dc.thresholds, y=dc.treat_all, mode="lines", name="treat all", line={"color": REFERENCE_COLOUR},
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=dc.thresholds, y=dc.net_benefit, mode="lines", name="model",
        line={"color": MODEL_COLOUR, "width": 2},
        hovertemplate="threshold %{x:.2f}<br>net benefit %{y:.4f}<extra></extra>",
    ))  # fmt: skip
    if threshold is not None:
        fig.add_vline(x=float(threshold), line={"color": POINT_COLOUR, "dash": "dot"})
    top = float(max(dc.prevalence, np.nanmax(dc.net_benefit))) if dc.net_benefit.size else dc.prevalence
    fig.update_layout(
        title=f"Decision curve (prevalence {percent(dc.prevalence)})",
        xaxis={"title": "threshold probability", "range": [0, decision_x_max((threshold, dc.prevalence))]},
        yaxis={"title": "net benefit", "range": [-0.05 * max(top, 0.01), 1.1 * max(top, 0.01)]},
        **_LAYOUT,
    )
    return fig


def score_histogram_figure(
    hist: ScoreHistogram, positive_label: str, negative_label: str, threshold: float | None = None
) -> go.Figure:
    """The two classes' score distributions on one axis (overlaid bars) with the threshold line."""
    centres = (hist.edges[:-1] + hist.edges[1:]) / 2
    width = float(np.diff(hist.edges).mean())
    fig = go.Figure()
    classes = ((hist.neg, negative_label, NEGATIVE_COLOUR), (hist.pos, positive_label, POSITIVE_COLOUR))
    for counts, label, colour in classes:
        fig.add_trace(go.Bar(
            x=centres, y=counts, width=width, name=_text(label), marker_color=colour, opacity=0.6,
            hovertemplate="score %{x:.2f}: %{y} patients<extra></extra>",
        ))  # fmt: skip
    if threshold is not None:
        fig.add_vline(x=float(threshold), line={"color": POINT_COLOUR, "width": 2})
    fig.update_layout(
        barmode="overlay", title="Scores of each class on the hold-out set",
        xaxis={"title": "score"}, yaxis={"title": "patients"}, **_LAYOUT,
    )  # fmt: skip
    return fig
