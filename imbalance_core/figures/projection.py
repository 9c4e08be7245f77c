"""The Explore chart: real training rows beside the resampled set, on one map with the same axes.

Encoding (kept identical in 2-D and 3-D so a person learns it once):
colour = class; filled circle = a real patient; open diamond = a synthetic row made by the sampler;
cross = a real patient the sampler removed (in the before panel in the class colour, in the after
panel faint grey where the patient used to be). Hover shows the row's key lab values in their own units.
When the rows were sampled (large data) or above :data:`WEBGL_ABOVE` drawn points, the 2-D traces use
WebGL (``Scattergl``); 3-D is always WebGL. Drawing order (bottom to top): removed rows, real negatives,
real positives, synthetic rows, so no cross ever hides a patient with the disease. Panel titles take two
short lines, so neither is cut off.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from imbalance_core.figures.classes import OTHER_COLOUR, POSITIVE_COLOUR
from imbalance_core.maps.projection import ResampledProjection

#: Draw with WebGL above this many points in one panel (SVG slows down past a few thousand).
WEBGL_ABOVE = 5_000
MULTI_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
REMOVED_COLOUR = "#9aa5ad"
#: Top margin (px) and font size of the two-line panel titles: room for both lines above the plots.
TOP_MARGIN = 84
TITLE_SIZE = 14


def class_colours(class_names: Sequence[str]) -> list[str]:
    """Binary: grey-blue negative, red positive (as on the Data page); multi-class: a qualitative set."""
    if len(class_names) == 2:
        return [OTHER_COLOUR, POSITIVE_COLOUR]
    return [MULTI_COLOURS[i % len(MULTI_COLOURS)] for i in range(len(class_names))]


def _safe(text: str) -> str:
    """A user column/class name made inert for plotly's hover template (no tags, no %{...} fields)."""
    return html.escape(str(text)).replace("%", "&#37;")


def _template(title: str, names: Sequence[str]) -> str:
    """Hover text: the kind of row in bold, then each key lab value."""
    lines = [f"<b>{title}</b>"]
    lines += [f"{_safe(n)}: %{{customdata[{i}]:.4g}}" for i, n in enumerate(names)]
    return "<br>".join(lines) + "<extra></extra>"


def _trace(
    coords: np.ndarray,
    hover: np.ndarray | None,
    names: Sequence[str],
    *,
    name: str,
    colour: str,
    symbol: str,
    opacity: float,
    group: str,
    show_legend: bool,
    webgl: bool,
    size: int = 6,
) -> go.Figure:
    """One scatter trace (2-D or 3-D by the width of ``coords``)."""
    common = dict(
        mode="markers",
        name=name,
        legendgroup=group,
        showlegend=show_legend,
        opacity=opacity,
        customdata=hover if hover is not None and hover.size else None,
        hovertemplate=_template(name, names if hover is not None and hover.size else ()),
    )
    if coords.shape[1] == 3:
        return go.Scatter3d(
            x=coords[:, 0],
            y=coords[:, 1],
            z=coords[:, 2],
            marker=dict(color=colour, symbol=symbol, size=max(2, size - 3)),
            **common,
        )
    cls = go.Scattergl if webgl else go.Scatter
    x = coords[:, 0]
    y = coords[:, 1] if coords.shape[1] > 1 else np.zeros(len(coords))
    return cls(
        x=x,
        y=y,
        marker=dict(color=colour, symbol=symbol, size=size, line=dict(width=1, color=colour)),
        **common,
    )


#: Marker per kind of row; plotly's 3-D "x" is missing from headless fonts, so 3-D uses "cross".
SYMBOLS = {
    False: {"real": "circle", "synthetic": "diamond-open", "removed": "x"},
    True: {"real": "circle", "synthetic": "diamond-open", "removed": "cross"},
}


def _in_legend(fig: go.Figure) -> set[str]:
    """Names already in the legend (a kind shown in both panels gets one legend entry)."""
    return {t.name for t in fig.data if t.showlegend}


def class_order(result: ResampledProjection, n_classes: int) -> list[int]:
    """Class codes bottom to top: two classes -> the negative first, the positive (code 1) last, so the
    patients with the disease are never hidden; more classes -> the largest at the bottom."""
    if n_classes == 2:
        return [0, 1]
    return sorted(range(n_classes), key=lambda c: -int(np.sum(result.before_y == c)))


def _layers(result: ResampledProjection, class_names: Sequence[str], colours: Sequence[str], three_d: bool):
    """(panel, coords, hover, name, colour, symbol, opacity, size) bottom to top.

    Removed rows first (at the bottom: their crosses must not cover the patients kept, above all the
    positives), then real rows (negatives, then positives on top), then synthetic rows.
    """
    sym = SYMBOLS[three_d]
    order = class_order(result, len(class_names))
    real, synthetic, removed = [], [], []
    for code in order:
        label, colour = _safe(class_names[code]), colours[code]
        kept = (result.before_y == code) & ~result.before_removed
        gone = (result.before_y == code) & result.before_removed
        real_after = (result.after_y == code) & ~result.after_synthetic
        synth = (result.after_y == code) & result.after_synthetic
        real.append(
            (
                1,
                result.before_coords[kept],
                _rows(result.before_hover, kept),
                f"{label} · real",
                colour,
                sym["real"],
                0.75,
                6,
            )
        )
        real.append(
            (
                2,
                result.after_coords[real_after],
                _rows(result.after_hover, real_after),
                f"{label} · real",
                colour,
                sym["real"],
                0.75,
                6,
            )
        )
        synthetic.append(
            (
                2,
                result.after_coords[synth],
                _rows(result.after_hover, synth),
                f"{label} · synthetic",
                colour,
                sym["synthetic"],
                0.8,
                7,
            )
        )
        removed.append(
            (
                1,
                result.before_coords[gone],
                _rows(result.before_hover, gone),
                f"{label} · removed by the sampler",
                colour,
                sym["removed"],
                1.0,
                9,
            )
        )
    removed.append(
        (
            2,
            result.removed_coords,
            result.removed_hover,
            "removed (where it was)",
            REMOVED_COLOUR,
            sym["removed"],
            0.6,
            8,
        )
    )
    return removed + real + synthetic


def _rows(hover: np.ndarray | None, mask: np.ndarray) -> np.ndarray | None:
    """The hover rows selected by ``mask`` (None stays None)."""
    return None if hover is None else hover[mask]


def panel_titles(real: int, after: int, synthetic: int, removed: int, sampler_name: str) -> tuple[str, str]:
    """The two panels' titles, each on two short lines (``<br>``) so neither is cut off at half a page."""
    name = _safe(sampler_name)
    head = name if name.lower().startswith("no ") else f"After {name}"  # not "After No resampling"
    return (
        f"Before resampling<br>{real:,} real training rows",
        f"{head}<br>{after:,} rows: {synthetic:,} synthetic, {removed:,} removed",
    )


def resampled_projection_figure(
    result: ResampledProjection,
    class_names: Sequence[str],
    sampler_name: str = "resampling",
    *,
    webgl: bool | None = None,
    height: int = 560,
) -> go.Figure:
    """Before (real training rows) and after (the resampled set) side by side with shared axes."""
    three_d = result.n_components == 3
    drawn = max(len(result.before_coords), len(result.after_coords))
    sampled = bool(result.before_note or result.after_note)
    gl = bool(webgl) if webgl is not None else (drawn > WEBGL_ABOVE or sampled)
    c = result.counts
    titles = panel_titles(c.real, c.after, c.synthetic, c.removed, sampler_name)
    if three_d:
        fig = make_subplots(
            rows=1,
            cols=2,
            specs=[[{"type": "scene"}, {"type": "scene"}]],
            subplot_titles=titles,
            horizontal_spacing=0.02,
        )
    else:
        fig = make_subplots(
            rows=1,
            cols=2,
            shared_xaxes="all",
            shared_yaxes="all",
            subplot_titles=titles,
            horizontal_spacing=0.05,
        )
    colours = class_colours(class_names)
    for layer in _layers(result, class_names, colours, three_d):
        col, coords, hover, name, colour, symbol, opacity, size = layer
        if len(coords):
            fig.add_trace(
                _trace(
                    coords,
                    hover,
                    result.hover_names,
                    name=name,
                    colour=colour,
                    symbol=symbol,
                    opacity=opacity,
                    group=name,
                    show_legend=col == 1 or name not in _in_legend(fig),
                    webgl=gl,
                    size=size,
                ),
                row=1,
                col=col,
            )
    _axes(fig, result, three_d)
    fig.update_annotations(font_size=TITLE_SIZE)  # the subplot titles (before the notes are added)
    notes = [n for n in (result.before_note, result.after_note) if n]
    if notes:
        fig.add_annotation(
            text="<br>".join(_safe(n) for n in notes),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.12,
            xanchor="left",
            yanchor="top",
            font=dict(size=12, color="#44525c"),
        )
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=TOP_MARGIN, b=80 if notes else 30),
        legend=dict(orientation="h", yanchor="top", y=-0.2 if notes else -0.08, x=0),
        template="plotly_white",
        hoverlabel=dict(align="left"),
    )
    return fig


def _axes(fig: go.Figure, result: ResampledProjection, three_d: bool) -> None:
    """Same axis titles and ranges on both panels, so positions compare directly."""
    titles = result.axis_titles
    allc = np.vstack(
        [a for a in (result.before_coords, result.after_coords, result.removed_coords) if len(a)]
    )
    lo, hi = allc.min(axis=0), allc.max(axis=0)
    pad = (hi - lo) * 0.05 + 1e-9
    ranges = [[float(a - p), float(b + p)] for a, b, p in zip(lo, hi, pad, strict=True)]
    if three_d:
        axis = {f"{k}axis": dict(title=titles[i], range=ranges[i]) for i, k in enumerate("xyz")}
        fig.update_layout(scene=dict(**axis, aspectmode="cube"), scene2=dict(**axis, aspectmode="cube"))
        return
    fig.update_xaxes(title_text=titles[0], range=ranges[0])
    if len(titles) > 1:
        fig.update_yaxes(title_text=titles[1], range=ranges[1])
        fig.update_yaxes(title_text="", row=1, col=2)
