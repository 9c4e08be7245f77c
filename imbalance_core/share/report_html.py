"""The report as one self-contained HTML file with the app's interactive plotly figures.

Same :class:`~imbalance_core.share.report.ReportContent` as the PDF, so the numbers are identical. plotly.js
is
embedded inline once (no CDN: the file opens offline and sends nothing anywhere). Every text from the
data (column names, class names) is HTML-escaped; nothing is interpolated unescaped.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures import curves as curve_figures
from imbalance_core.share.report_blocks import FigureData, ReportContent, TableBlock

#: Plotly options of every exported interactive figure (report, ``project --html``).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:960px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
h1{color:#1f3a5f;margin-bottom:.1em}h2{color:#1f3a5f;border-bottom:2px solid #1f3a5f;padding-bottom:.15em}
.subtitle{color:#555;font-size:1.1em;margin-top:0}table{border-collapse:collapse;margin:.4em 0 1em;width:100%}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#e8eef5}tr:nth-child(even) td{background:#f7f7f7}.note{color:#666;font-size:.85em}
.meta td{border:none;padding:.1em .6em .1em 0}.meta{width:auto}.fig{margin:.5em 0 1.5em}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _table(block: TableBlock) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in block.header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in block.rows)
    note = f'<p class="note">{_e(block.note)}</p>' if block.note else ""
    return (
        f"<h3>{_e(block.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"
    )


def _classes_figure(fd: FigureData) -> go.Figure:
    fig = go.Figure()
    groups = list(fd.class_bars)
    for name in next(iter(fd.class_bars.values())):
        values = np.array([fd.class_bars[g].get(name, 0) for g in groups])
        fig.add_trace(go.Bar(x=groups, y=values, name=_e(name), text=values, textposition="outside"))
    fig.update_layout(title="Class counts", barmode="group", template="plotly_white", yaxis_title="patients")
    return fig


def _pca_figure(fd: FigureData) -> go.Figure:
    pv = fd.projection
    fig = go.Figure()
    for code, name in enumerate(fd.class_names):
        m = pv.before_y == code
        fig.add_trace(
            go.Scattergl(
                x=pv.before_xy[m, 0],
                y=pv.before_xy[m, 1],
                mode="markers",
                name=f"{_e(name)} (before)",
                marker={"size": 4, "opacity": 0.5},
            )
        )
        for synthetic, label in ((False, "after, real"), (True, "after, synthetic")):
            m = (pv.after_y == code) & (pv.after_synthetic == synthetic)
            if m.any():
                fig.add_trace(
                    go.Scattergl(
                        x=pv.after_xy[m, 0],
                        y=pv.after_xy[m, 1],
                        mode="markers",
                        name=f"{_e(name)} ({label})",
                        visible="legendonly" if not synthetic else True,
                        marker={"size": 5, "symbol": "x" if synthetic else "circle"},
                    )
                )
    fig.update_layout(
        title="Training rows before and after resampling (PCA of the real rows)",
        template="plotly_white",
        xaxis_title=f"PC1 ({percent(pv.explained[0])})",
        yaxis_title=f"PC2 ({percent(pv.explained[1])})",
    )
    return fig


def build_figures(fd: FigureData) -> dict[str, list[go.Figure]]:
    """Figure key (as in report sections) -> plotly figures, built by the app's figure builders."""
    out: dict[str, list[go.Figure]] = {"classes": [_classes_figure(fd)]}
    if fd.projection is not None:
        out["pca"] = [_pca_figure(fd)]
    if fd.roc is None:  # multi-class: no threshold curves
        return out
    op = fd.operating_point
    roc = curve_figures.roc_figure(fd.roc, operating_point=(op["fpr"], op["tpr"]))
    roc.update_layout(title=f"ROC curve — AUC {fd.roc_auc}")
    point = (op["recall"], op["precision"]) if np.isfinite(op["precision"]) else None
    pr = curve_figures.pr_figure(fd.pr, prevalence=fd.prevalence_sample, operating_point=point)
    pr.update_layout(title=f"Precision-recall — average precision {fd.pr_auc}")
    out["roc_pr"] = [roc, pr]
    cal_dec = []
    if fd.calibration is not None:
        cal_dec.append(curve_figures.calibration_figure(fd.calibration))
    if fd.decision is not None:
        cal_dec.append(curve_figures.decision_curve_figure(fd.decision, threshold=fd.threshold))
    out["calibration_decision"] = cal_dec
    return out


def render_html(content: ReportContent, figures: dict[str, list[go.Figure]] | None = None) -> str:
    """The whole report as one HTML document (plotly.js inline once; all data text escaped)."""
    figures = build_figures(content.figures) if figures is None else figures
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(content.title)}</title><style>{_CSS}</style>",
        "</head><body>",
        f"<h1>{_e(content.title)}</h1><p class='subtitle'>{_e(content.subtitle)}</p>",
        "<table class='meta'>"
        + "".join(f"<tr><td><b>{_e(k)}</b></td><td>{_e(v)}</td></tr>" for k, v in content.meta)
        + "</table>",
    ]
    first = True
    for section in content.sections:
        parts.append(f"<h2>{_e(section.title)}</h2>")
        parts += [f"<p>{_e(p)}</p>" for p in section.paragraphs if p]
        parts += [_table(t) for t in section.tables]
        for key in section.figures:
            for fig in figures.get(key, []):
                div = pio.to_html(
                    fig,
                    include_plotlyjs=first,
                    full_html=False,
                    config=PLOTLY_CONFIG,
                )
                first = False
                parts.append(f"<div class='fig'>{div}</div>")
    parts.append(f"<p class='note'>Imbalance Lab · export {_e(content.export_id)}</p></body></html>")
    return "\n".join(parts)


def html_file_name(content: ReportContent) -> str:
    """``imbalance-report-<export id>.html``."""
    return f"imbalance-report-{content.export_id}.html"
