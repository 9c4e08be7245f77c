"""The Compare page's leaderboard chart: cross-validated mean ± sd of each metric per sampler x classifier.

One row of markers per pair, one colour per metric, horizontal error bars of one standard deviation
across folds. Pairs appear in the order given (the caller ranks them); failed pairs are left out.
Only draws: every number comes from :class:`imbalance_core.learn.compare.CompareResult`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from imbalance_core.learn.compare import CV_METRICS, CompareRow

#: Metrics drawn by default (accuracy is in the table but misleads under imbalance, so not drawn).
DEFAULT_METRICS: tuple[str, ...] = (
    "roc_auc",
    "pr_auc",
    "balanced_accuracy",
    "sensitivity",
    "specificity",
    "f1",
)


def _lower_bound(rows: Sequence[CompareRow], metrics: Sequence[str]) -> float:
    """Left end of the x axis: the lowest mean - sd, rounded down to a tenth (0 at most)."""
    lows = [row.cv_mean[k] - row.cv_sd[k] for row in rows for k in metrics if k in row.cv]
    lows = [v for v in lows if np.isfinite(v)]
    return float(max(0.0, np.floor(min(lows, default=0.0) * 10) / 10 - 0.02))


def leaderboard_figure(rows: Sequence[CompareRow], metrics: Sequence[str] = DEFAULT_METRICS) -> go.Figure:
    """Dot plot of CV mean ± sd per metric, one line per successful pair, best-ranked on top.

    rows: pairs in the order they should be listed (first = top).
    metrics: keys of :data:`imbalance_core.learn.compare.CV_METRICS` to draw.
    """
    ok = [row for row in rows if row.error is None]
    labels = [row.label for row in ok]
    fig = go.Figure()
    for key in metrics:
        means = np.array([row.cv_mean.get(key, np.nan) for row in ok], dtype=float)
        sds = np.array([row.cv_sd.get(key, np.nan) for row in ok], dtype=float)
        fig.add_trace(
            go.Scatter(
                x=means,
                y=labels,
                mode="markers",
                orientation="h",
                name=CV_METRICS[key],
                error_x={"type": "data", "array": np.nan_to_num(sds), "visible": True, "thickness": 1.2},
                marker={"size": 9},
                hovertemplate=(
                    "%{y}<br>" + CV_METRICS[key] + ": %{x:.3f} ± %{error_x.array:.3f}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        height=max(280, 110 + 16 * len(metrics) * len(ok)),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        xaxis={"title": "cross-validated mean ± sd", "range": [_lower_bound(ok, metrics), 1.01]},
        yaxis={"autorange": "reversed", "type": "category"},
        scattermode="group",
        scattergap=0.3,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
    )
    return fig
