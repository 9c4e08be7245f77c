"""The report's data shapes: a table of strings, a section (paragraphs, tables, figure keys), the
arrays figures are drawn from, and the whole content.

Their own module so that the section builders (:mod:`.checklist`, :mod:`.report_decision`) and the
layouts (:mod:`.report_pdf`, :mod:`.report_html`) can use them without importing :mod:`.report`,
which imports those modules: no import cycle. :mod:`.report` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from imbalance_core.evaluation import curves

__all__ = ["FigureData", "PcaView", "ReportContent", "Section", "TableBlock"]


@dataclass(frozen=True)
class TableBlock:
    """A table of strings; ``widths`` are relative column widths (None = even)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Section:
    """A report section: paragraphs, then tables, then figures (keys of :class:`FigureData` drawings)."""

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[TableBlock, ...] = ()
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class PcaView:
    """Training rows before and after resampling in the plane of the real rows' first two components."""

    before_xy: np.ndarray
    before_y: np.ndarray
    after_xy: np.ndarray
    after_y: np.ndarray
    after_synthetic: np.ndarray
    explained: tuple[float, float]
    n_synthetic: int
    n_removed: int


@dataclass(frozen=True, eq=False)
class FigureData:
    """Arrays the static (matplotlib) and interactive (plotly) figures are drawn from: drawing only."""

    class_bars: dict[str, dict[str, int]]
    projection: PcaView | None
    class_names: tuple[str, ...]
    positive_name: str = ""
    negative_name: str = ""
    roc: curves.RocCurve | None = None  # binary tasks only, as every field below
    pr: curves.PrCurve | None = None
    operating_point: dict[str, float] = field(default_factory=dict)
    roc_auc: str = ""
    pr_auc: str = ""
    prevalence_sample: float = float("nan")
    calibration: curves.Calibration | None = None
    decision: curves.DecisionCurve | None = None
    threshold: float = float("nan")
    calibration_curves: tuple = ()  # imbalance_core.share.report_calibration.CalibrationCurve per risk set
    risk_p99: float = float("nan")  # 99th percentile of the hold-out risks (decision curve's x range)


@dataclass(frozen=True, eq=False)
class ReportContent:
    """The whole report as strings and figure arrays (see the module docstring)."""

    title: str
    subtitle: str
    meta: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    figures: FigureData
    export_id: str
    key_numbers: dict[str, str] = field(default_factory=dict)

    def table(self, title: str) -> TableBlock:
        """The table with this title (for the page and tests)."""
        for s in self.sections:
            for t in s.tables:
                if t.title == title:
                    return t
        raise KeyError(title)
