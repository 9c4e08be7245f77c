"""Figures of the decision panels (plotly): permutation importance bars and a subgroup forest plot; the
decision curve's useful x range (:func:`decision_x_max`, shared by the page and the PDF).

Inputs are finished results (:class:`~imbalance_core.learn.explain.Importance`,
:class:`~imbalance_core.evaluation.subgroups.SubgroupTable`); nothing is computed here beyond placing
bars and points. Feature and group names come from the data, so every one goes through
:func:`~imbalance_core.figures.text.plotly_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from imbalance_core.evaluation.subgroups import METRIC_NAMES, SubgroupTable
from imbalance_core.figures.text import plotly_text, plotly_texts

if TYPE_CHECKING:  # typing only: drawing never imports the learning room at run time
    from imbalance_core.learn.explain import Importance

#: The decision curve's x axis never ends before this (a few per cent) nor after 1.
MIN_X, MAX_X = 0.05, 1.0


def decision_x_max(thresholds_of_interest: Sequence[float] = (), risk_p99: float | None = None) -> float:
    """Right end of a decision curve's x axis: the range where net benefit can matter.

    Twice the highest threshold of interest (the chosen threshold; the prevalence, where treat-all meets
    treat-none); without one, the risks' 99th percentile (beyond it the model treats almost nobody, so
    its net benefit is ~0); at least :data:`MIN_X`, at most 1. A 0-1 axis squashes the region that
    matters into its left tenth when risks are low.
    """
    ends = [2 * float(t) for t in thresholds_of_interest if t is not None and np.isfinite(t) and 0 < t < 1]
    if not ends and risk_p99 is not None and np.isfinite(risk_p99):
        ends.append(float(risk_p99))
    if not ends:
        return MAX_X
    return float(min(MAX_X, max(MIN_X, max(ends))))


_LAYOUT = {"template": "plotly_white", "margin": {"t": 60, "b": 50, "l": 140, "r": 20}}
BAR = "#1f5f8b"
SMALL = "#b0b7bf"


def importance_figure(importance: Importance, top: int = 15) -> go.Figure:
    """Horizontal bars: mean drop in the score per feature (largest on top), ± 1 SD as error bars."""
    n = min(top, len(importance.features))
    names = plotly_texts(importance.features[:n])[::-1]
    mean = np.asarray(importance.mean[:n], dtype=float)[::-1]
    sd = np.asarray(importance.sd[:n], dtype=float)[::-1]
    fig = go.Figure(go.Bar(
        x=mean, y=names, orientation="h", marker={"color": BAR},
        error_x={"type": "data", "array": sd, "visible": True, "color": "#444444"},
        hovertemplate="%{y}: drop %{x:.4f}<extra></extra>",
    ))  # fmt: skip
    fig.add_vline(x=0.0, line={"color": "#888888", "width": 1})
    fig.update_layout(
        title=plotly_text(f"Permutation importance (drop in {importance.scoring_name})"),
        xaxis={"title": "mean drop when the feature is shuffled"},
        height=max(260, 40 + 26 * n),
        showlegend=False,
        **_LAYOUT,
    )
    return fig


def subgroup_figure(table: SubgroupTable, metric: str = "sensitivity") -> go.Figure:
    """Forest plot of one proportion per group with its Wilson interval; small groups drawn grey."""
    rows = list(table.rows)[::-1]
    names = plotly_texts(r.group for r in rows)
    value = np.array([r.proportions[metric].value for r in rows], dtype=float)
    lo = np.array([r.proportions[metric].lo for r in rows], dtype=float)
    hi = np.array([r.proportions[metric].hi for r in rows], dtype=float)
    colours = [SMALL if r.too_few else BAR for r in rows]
    fig = go.Figure(go.Scatter(
        x=value, y=names, mode="markers", marker={"color": colours, "size": 10},
        error_x={"type": "data", "symmetric": False, "array": hi - value, "arrayminus": value - lo},
        hovertemplate="%{y}: %{x:.3f}<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(
        title=plotly_text(
            f"{METRIC_NAMES[metric]} by {' x '.join(table.columns)} (95 % Wilson; grey: too few)"
        ),
        xaxis={"title": METRIC_NAMES[metric], "range": [0, 1.02]},
        height=max(260, 60 + 28 * len(rows)),
        showlegend=False,
        **_LAYOUT,
    )
    return fig
