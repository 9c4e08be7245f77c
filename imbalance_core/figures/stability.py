"""Internal-validation figures (plotly): prediction instability, calibration instability, learning curve.

Inputs are finished results (:class:`~imbalance_core.evaluation.stability.Stability`, a learning curve's
points); nothing is computed here beyond placing points. Trace names are our own labels.
Arrays are passed as numpy arrays (plotly sends them base64-encoded).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from imbalance_core.evaluation.stability import Stability

REFERENCE = "#9aa5b1"
MODELS = "rgba(31, 95, 139, 0.12)"
FINAL = "#c0392b"
THRESHOLD = "#e67e22"
_LAYOUT = {"template": "plotly_white", "margin": {"t": 60, "b": 50, "l": 60, "r": 20}}


def instability_figure(stability: Stability) -> go.Figure:
    """Each drawn patient's risk from every bootstrap model against the final model's risk (Riley & Collins).

    Points off the diagonal are patients whose risk depends on the sample the model was trained on; the
    dotted lines mark the threshold on both axes (points in the off-diagonal quadrants flip decision).
    """
    final = stability.final_risks[stability.plot_index]
    boot = stability.plot_risks
    x = np.tile(final, boot.shape[0])
    fig = go.Figure()
    fig.add_trace(go.Scattergl(
        x=x, y=boot.ravel(), mode="markers", name="a bootstrap model's risk",
        marker={"size": 3, "color": MODELS},
        hovertemplate="final %{x:.3f}<br>bootstrap %{y:.3f}<extra></extra>",
    ))  # fmt: skip
    ends = np.r_[stability.low[stability.plot_index], stability.high[stability.plot_index]]
    fig.add_trace(go.Scatter(
        x=np.r_[final, final], y=ends,
        mode="markers", name="2.5th / 97.5th percentile of a patient's risks",
        marker={"size": 4, "color": FINAL, "symbol": "line-ew-open"}, hoverinfo="skip",
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=np.array([0.0, 1.0]), y=np.array([0.0, 1.0]), mode="lines", name="same risk",
        line={"color": REFERENCE, "dash": "dash"}, hoverinfo="skip",
    ))  # fmt: skip
    t = stability.threshold
    fig.add_vline(x=t, line={"color": THRESHOLD, "dash": "dot"})
    fig.add_hline(y=t, line={"color": THRESHOLD, "dash": "dot"})
    shown = len(stability.plot_index)
    fig.update_layout(
        title=f"Prediction instability: {stability.n_models} bootstrap models, {shown} patients",
        xaxis={"title": "risk from the final model", "range": [0, 1]},
        yaxis={"title": "risk from a bootstrap model", "range": [0, 1]},
        legend={"orientation": "h", "y": -0.2},
        height=480,
        **_LAYOUT,
    )
    return fig


def calibration_instability_figure(stability: Stability) -> go.Figure:
    """Each bootstrap model's smoothed calibration curve on the original patients."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=np.array([0.0, 1.0]), y=np.array([0.0, 1.0]), mode="lines", name="ideal",
        line={"color": REFERENCE, "dash": "dash"}, hoverinfo="skip",
    ))  # fmt: skip
    for i, (p, observed) in enumerate(stability.curves):
        fig.add_trace(go.Scatter(
            x=p, y=observed, mode="lines", name="bootstrap models" if i == 0 else None, showlegend=i == 0,
            line={"color": "rgba(31, 95, 139, 0.25)", "width": 1}, hoverinfo="skip",
        ))  # fmt: skip
    fig.update_layout(
        title=f"Calibration instability: {len(stability.curves)} bootstrap models",
        xaxis={"title": "predicted risk", "range": [0, 1]},
        yaxis={"title": "observed share with the condition (smoothed)", "range": [0, 1]},
        legend={"orientation": "h", "y": -0.2},
        height=420,
        **_LAYOUT,
    )
    return fig


def learning_curve_figure(curve: Any) -> go.Figure:
    """Cross-validated PR AUC and ROC AUC (bands: middle 95 % of folds) against training patients."""
    n = np.array([p.n_train for p in curve.points])
    fig = go.Figure()
    for key, name, colour in (("pr_auc", "PR AUC", "#1f5f8b"), ("roc_auc", "ROC AUC", "#2e7d32")):
        mean = np.array([p.mean[key] for p in curve.points])
        low = np.array([p.low[key] for p in curve.points])
        high = np.array([p.high[key] for p in curve.points])
        fig.add_trace(go.Scatter(
            x=np.r_[n, n[::-1]], y=np.r_[high, low[::-1]], fill="toself", line={"width": 0},
            fillcolor=colour, opacity=0.15, showlegend=False, hoverinfo="skip",
        ))  # fmt: skip
        fig.add_trace(go.Scatter(x=n, y=mean, mode="lines+markers", name=name, line={"color": colour}))
    if curve.riley is not None:
        fig.add_vline(x=float(curve.riley.criteria.minimum), line={"color": THRESHOLD, "dash": "dot"},
                      annotation_text="Riley minimum", annotation_position="top left")  # fmt: skip
    fig.update_layout(
        title="Would more patients help? (cross-validated)",
        xaxis={"title": "training patients"},
        yaxis={"title": "on held-out folds", "range": [0, 1]},
        legend={"orientation": "h", "y": -0.2},
        height=420,
        **_LAYOUT,
    )
    return fig
