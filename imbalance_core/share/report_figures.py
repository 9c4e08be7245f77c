"""Static report figures drawn with matplotlib as PNG bytes (no display, no browser).

Figures are made with the object API (``matplotlib.figure.Figure``), not ``pyplot``: pyplot keeps global
state, and a Streamlit server draws reports for several people at once in different threads.

Only drawing happens here: every array comes from :class:`imbalance_core.share.report.FigureData`, which was
computed from the same core objects as the page's plotly figures.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.decision import decision_x_max
from imbalance_core.share.report_calibration import draw_calibration_curves

#: Resolution of the PNGs embedded in the PDF.
DPI = 150
POS_COLOR = "#c0392b"
NEG_COLOR = "#2e6da4"
MODEL_COLOR = "#1f3a5f"
GREY = "#888888"

#: Font sizes for print (A4 width), applied while drawing only.
RC = {"font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8, "legend.fontsize": 7}


def plain(text: str) -> str:
    """Text from the data shown literally: matplotlib would read '$...$' as maths (and may fail on it)."""
    return str(text).replace("$", r"\$")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def _pair(height: float = 3.0) -> tuple[Figure, Any]:
    fig = Figure(figsize=(7.4, height))
    axes = fig.subplots(1, 2)
    fig.subplots_adjust(wspace=0.3)
    return fig, axes


def draw_classes(fd: Any) -> bytes:
    """Grouped bars: class counts in the whole data set, the training part and after resampling."""
    groups = list(fd.class_bars)
    classes = list(next(iter(fd.class_bars.values())))
    fig = Figure(figsize=(7.4, 2.4))
    ax = fig.subplots()
    x = np.arange(len(groups))
    w = 0.8 / max(len(classes), 1)
    colors = class_colors(len(classes))
    for i, name in enumerate(classes):
        values = [fd.class_bars[g].get(name, 0) for g in groups]
        bars = ax.bar(
            x + (i - (len(classes) - 1) / 2) * w,
            values,
            w,
            label=plain(name),
            color=colors[i],
        )
        ax.bar_label(bars, fmt="{:,.0f}", fontsize=7, padding=1)
    ax.set_xticks(x, groups)
    ax.set_ylabel("patients")
    ax.set_title("Class counts")
    ax.legend(frameon=False, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    return _png(fig)


def draw_roc_pr(fd: Any) -> bytes:
    """ROC and precision-recall curves with the operating point of the chosen threshold."""
    fig, (a, b) = _pair()
    op = fd.operating_point
    a.plot(fd.roc.fpr, fd.roc.tpr, color=MODEL_COLOR, lw=1.5, label="model")
    a.plot([0, 1], [0, 1], ls="--", color=GREY, lw=0.8, label="chance")
    a.plot([op["fpr"]], [op["tpr"]], "o", color=POS_COLOR, ms=6, label=f"threshold {fd.threshold:.4f}")
    a.set(
        xlabel="1 − specificity (false-positive rate)",
        ylabel="sensitivity",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=f"ROC curve · AUC {fd.roc_auc}",
    )
    b.plot(fd.pr.recall, fd.pr.precision, color=MODEL_COLOR, lw=1.5, label="model")
    b.axhline(fd.prevalence_sample, ls="--", color=GREY, lw=0.8, label="chance (prevalence)")
    if np.isfinite(op["precision"]):
        b.plot([op["recall"]], [op["precision"]], "o", color=POS_COLOR, ms=6, label="chosen threshold")
    b.set(
        xlabel="sensitivity (recall)",
        ylabel="PPV (precision)",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=f"Precision-recall · AP {fd.pr_auc}",
    )
    for ax in (a, b):
        ax.legend(frameon=False, loc="lower right" if ax is a else "center left")
        ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def draw_calibration_decision(fd: Any) -> bytes:
    """Calibration curve (left) and decision curve (right) with the chosen threshold marked."""
    fig, (a, b) = _pair()
    cal = fd.calibration
    a.plot([0, 1], [0, 1], ls="--", color=GREY, lw=0.8, label="perfect calibration")
    if cal is not None:
        a.plot(cal.prob_pred, cal.prob_true, "o-", color=MODEL_COLOR, ms=3, lw=1.2, label="model")
    a.set(
        xlabel="mean predicted risk",
        ylabel="observed share with the condition",
        xlim=(0, 1),
        ylim=(0, 1),
        title="Calibration",
    )
    a.legend(frameon=False, loc="upper left")
    dc = fd.decision
    if dc is not None:
        b.plot(dc.thresholds, dc.net_benefit, color=MODEL_COLOR, lw=1.5, label="model")
        b.plot(dc.thresholds, dc.treat_all, color=POS_COLOR, lw=1, ls="--", label="treat all")
        b.plot(dc.thresholds, dc.treat_none, color=GREY, lw=1, label="treat none")
        top = max(float(np.nanmax(dc.net_benefit)), dc.prevalence, 0.01)
        b.set_ylim(-0.1 * top - 0.01, top * 1.15)
        if 0 < fd.threshold < 1:
            b.axvline(fd.threshold, color=POS_COLOR, lw=0.8, ls=":", label="chosen threshold")
        right = decision_x_max((fd.threshold, dc.prevalence), getattr(fd, "risk_p99", None))
        keep = dc.thresholds <= right
        if keep.any():  # the y range from the part shown
            top = max(float(np.nanmax(dc.net_benefit[keep])), dc.prevalence, 0.01)
            b.set_ylim(-0.1 * top - 0.01, top * 1.15)
        b.set(xlabel="threshold probability", ylabel="net benefit", xlim=(0, right),
              title=f"Decision curve (thresholds 0 to {right:.2g})")  # fmt: skip
        b.legend(frameon=False, loc="upper right")
    else:  # the risks failed the calibration check: section 6 says why; no empty axes with a legend
        b.set_title("Decision curve")
        b.text(0.5, 0.5, "Not drawn: the scores are not\ncalibrated risks (see section 6).",
               ha="center", va="center", color=GREY, transform=b.transAxes)  # fmt: skip
        b.axis("off")
    for ax in (a, b):
        ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def class_colors(k: int) -> list[str]:
    """Binary: the report's negative/positive colours; more classes: matplotlib's tab10 cycle."""
    if k == 2:
        return [NEG_COLOR, POS_COLOR]
    cycle = matplotlib.colormaps["tab10"].colors
    return [matplotlib.colors.to_hex(cycle[i % len(cycle)]) for i in range(k)]


def draw_pca(fd: Any) -> bytes:
    """Training rows before and after resampling in the first two principal components of the real rows."""
    pv = fd.projection
    fig, (a, b) = _pair(3.2)
    for ax, xy, y, title in (
        (a, pv.before_xy, pv.before_y, "Before resampling (real rows)"),
        (b, pv.after_xy, pv.after_y, "After resampling"),
    ):
        synthetic = pv.after_synthetic if ax is b else np.zeros(len(y), dtype=bool)
        for code, (color, name) in enumerate(
            zip(class_colors(len(fd.class_names)), fd.class_names, strict=True)
        ):
            real = (y == code) & ~synthetic
            ax.scatter(xy[real, 0], xy[real, 1], s=5, alpha=0.5, color=color, label=plain(name), linewidths=0)
            syn = (y == code) & synthetic
            if syn.any():
                ax.scatter(
                    xy[syn, 0],
                    xy[syn, 1],
                    s=9,
                    marker="x",
                    color=color,
                    alpha=0.7,
                    linewidths=0.7,
                    label=plain(f"{name} (synthetic)"),
                )
        ax.set(
            xlabel=f"PC1 ({percent(pv.explained[0])})",
            ylabel=f"PC2 ({percent(pv.explained[1])})",
            title=title,
        )
        ax.legend(frameon=False, fontsize=6.5, loc="best")
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        f"Training rows in the first two principal components: {pv.n_synthetic:,} synthetic rows added, "
        f"{pv.n_removed:,} real rows removed",
        fontsize=8.5,
        y=1.0,
    )
    return _png(fig)


#: Figure key (as named in report sections) -> drawing function.
DRAWERS: dict[str, Callable[[Any], bytes]] = {
    "classes": draw_classes,
    "roc_pr": draw_roc_pr,
    "calibration_decision": draw_calibration_decision,
    "pca": draw_pca,
    "calibration_curves": draw_calibration_curves,
}


def draw_all(fd: Any) -> dict[str, bytes]:
    """Every figure the data allow, as PNG bytes: curves for two-class tasks, PCA when present."""
    wanted = {"classes": True, "roc_pr": fd.roc is not None, "calibration_decision": fd.roc is not None,
              "pca": fd.projection is not None,
              "calibration_curves": bool(getattr(fd, "calibration_curves", ()))}  # fmt: skip
    with matplotlib.rc_context(RC):
        return {key: draw(fd) for key, draw in DRAWERS.items() if wanted.get(key)}
