"""Calibration figures (plotly): smoothed calibration curves of several risk sets, and decision curves.

Inputs are finished results (:class:`~imbalance_core.evaluation.calibration.CalibrationMetrics`,
:class:`~imbalance_core.evaluation.curves.DecisionCurve`); nothing is computed here beyond placing points.
Names
are our own labels, never data values, and are HTML-escaped anyway.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from imbalance_core.evaluation.calibration import CalibrationMetrics
from imbalance_core.evaluation.curves import DecisionCurve

#: Line colour per role: the model without resampling, the classifier's own scores, recalibrated risks.
COLOURS = {"baseline": "#2e7d32", "raw": "#c0392b", "recalibrated": "#1f5f8b", "oof": "#8e44ad"}
REFERENCE = "#9aa5b1"
_LAYOUT = {"template": "plotly_white", "margin": {"t": 60, "b": 50, "l": 60, "r": 20}}


def _label(name: str, m: CalibrationMetrics) -> str:
    slope = f"{m.slope.value:.2f}" if m.slope.estimable else "not estimable"  # never 'nan' in a legend
    return html.escape(f"{name}: E:O {m.e_to_o.value:.2f}, slope {slope}, ICI {m.ici.value:.3f}")


def calibration_curves_figure(
    curves: Sequence[tuple[str, str, CalibrationMetrics]], threshold: float | None = None
) -> go.Figure:
    """lowess calibration curves, one per (role, name, metrics), with the ideal diagonal.

    role picks the colour (see :data:`COLOURS`); the legend carries E:O, slope and ICI of each curve.
    """
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=np.array([0.0, 1.0]), y=np.array([0.0, 1.0]), mode="lines", name="ideal (risk = observed)",
        line={"color": REFERENCE, "dash": "dash"}, hoverinfo="skip",
    ))  # fmt: skip
    top = 0.0
    for role, name, m in curves:
        fig.add_trace(go.Scatter(
            x=m.curve_p, y=m.curve_observed, mode="lines", name=_label(name, m),
            line={"color": COLOURS.get(role, "#555555"), "width": 2.5},
            hovertemplate="predicted risk %{x:.3f}<br>observed (smoothed) %{y:.3f}<extra></extra>",
        ))  # fmt: skip
        if m.curve_p.size:
            top = max(top, float(np.max(m.curve_p)), float(np.max(m.curve_observed)))
    if threshold is not None:
        fig.add_vline(x=float(threshold), line={"color": "#e67e22", "dash": "dot"})
    edge = min(1.0, max(0.05, top * 1.08))
    fig.update_layout(
        title="Calibration (lowess-smoothed)",
        xaxis={"title": "predicted risk", "range": [0, edge]},
        yaxis={"title": "observed share with the condition", "range": [0, edge]},
        legend={"orientation": "h", "y": -0.22},
        height=480,
        **_LAYOUT,
    )
    return fig


def decision_curves_figure(
    curves: Sequence[tuple[str, str, DecisionCurve]], title: str, threshold: float | None = None
) -> go.Figure:
    """Net benefit of several risk sets (role, name, curve) with treat-all and treat-none references.

    The references come from the first curve (all curves share the prevalence they were computed at).
    The x axis runs to 4 × prevalence (at least 0.1), or past ``threshold`` (marked) when that is higher.
    """
    fig = go.Figure()
    first = curves[0][2]
    fig.add_trace(go.Scatter(
        x=first.thresholds, y=first.treat_none, mode="lines", name="treat none",
        line={"color": REFERENCE, "dash": "dot"},
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=first.thresholds, y=first.treat_all, mode="lines", name="treat all", line={"color": REFERENCE},
    ))  # fmt: skip
    top = first.prevalence
    for role, name, dc in curves:
        fig.add_trace(go.Scatter(
            x=dc.thresholds, y=dc.net_benefit, mode="lines", name=html.escape(name),
            line={"color": COLOURS.get(role, "#555555"), "width": 2},
            hovertemplate="threshold %{x:.2f}<br>net benefit %{y:.4f}<extra></extra>",
        ))  # fmt: skip
        if dc.net_benefit.size:
            top = max(top, float(np.nanmax(dc.net_benefit)))
    right = max(0.1, 4 * first.prevalence)
    if threshold is not None:
        fig.add_vline(x=float(threshold), line={"color": "#e67e22", "dash": "dot"})
        right = max(right, 1.15 * float(threshold))
    fig.update_layout(
        title=html.escape(title),
        xaxis={"title": "threshold probability", "range": [0, min(1.0, right)]},
        yaxis={"title": "net benefit", "range": [-0.05 * max(top, 0.01), 1.1 * max(top, 0.01)]},
        legend={"orientation": "h", "y": -0.22},
        height=440,
        **_LAYOUT,
    )
    return fig
