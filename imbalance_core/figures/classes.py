"""Class-count bar charts: the class distribution (Data page, report) and the training part before and
after resampling (Train page)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.text import plotly_text, plotly_texts
from imbalance_core.intake.profile import DataProfile

#: Calm clinical colours: the positive (disease) class stands out, the rest stay grey-blue.
POSITIVE_COLOUR = "#c0392b"
OTHER_COLOUR = "#5b7c99"
#: Before/after resampling bars: light and dark of one neutral hue (the bars are classes, not outcomes).
BEFORE_COLOUR = "#a9bccf"
AFTER_COLOUR = "#34495e"


def class_distribution_figure(profile: DataProfile, by_label_value: bool = False) -> go.Figure:
    """Bars of rows per class with counts and shares on the bars; the ratio in the title.

    by_label_value: draw one bar per cleaned label value instead of per task class (binary tasks
        then show which values were grouped into the positive class by colour).
    """
    if by_label_value:
        counts = profile.classes
        positive = set(profile.positive)
    else:
        counts = profile.task_classes
        positive = {profile.positive_name} if profile.positive_name else set()
    names = list(counts)
    values = [counts[n] for n in names]
    total = sum(values) or 1
    colours = [POSITIVE_COLOUR if n in positive else OTHER_COLOUR for n in names]
    figure = go.Figure(
        go.Bar(
            x=plotly_texts(names),  # user class names: shown as written, never as markup
            y=values,
            marker_color=colours,
            text=[f"{v:,} ({percent(v / total)})" for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y} rows<extra></extra>",
        )
    )
    ratio = profile.imbalance_ratio
    label = plotly_text(profile.label)  # a user column name: never markup
    figure.update_layout(
        # two lines: on a half-width column one line was cut off at the right edge
        title=f"Class distribution of {label}<br><sup>{' : '.join(f'{v:,}' for v in values)} rows, "
        f"ratio {ratio:.1f}:1 (majority:minority)</sup>",
        xaxis_title="class",
        yaxis_title="rows",
        template="plotly_white",
        showlegend=False,
        margin={"t": 70, "b": 40, "l": 50, "r": 20},
    )
    figure.update_xaxes(type="category")
    return figure


def resampling_counts_figure(
    class_names: Sequence[str], before: Mapping[str, int], after: Mapping[str, int]
) -> go.Figure:
    """Grouped bars: rows per class in the training part before and after resampling (final fit).

    The test part is never resampled, so only training rows are counted.
    """
    names = list(class_names)
    fig = go.Figure(
        [
            go.Bar(
                name=label,
                x=plotly_texts(names),
                y=[counts[n] for n in names],
                text=[counts[n] for n in names],
                textposition="outside",
                marker_color=colour,
            )
            for label, counts, colour in (
                ("Before resampling", before, BEFORE_COLOUR),
                ("After resampling", after, AFTER_COLOUR),
            )
        ]
    )
    fig.update_layout(
        barmode="group",
        height=320,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        yaxis_title="training rows",
        legend={"orientation": "h", "y": 1.12, "x": 0},
    )
    return fig
