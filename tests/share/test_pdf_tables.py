"""Issue 25 (6): PDF tables never break a word ("Even ts"); the decision curve spans the useful range."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from imbalance_core.figures.decision import decision_x_max
from imbalance_core.share import report_pdf
from imbalance_core.share.report_blocks import FigureData, ReportContent, Section, TableBlock

SUBGROUP_HEADER = ("Group", "n", "Events", "Sensitivity", "Specificity", "PPV", "NPV", "ROC AUC",
                   "Cal. in the large")  # fmt: skip
ROW = ("Q4 [1.234, 5.678] (too few)", "1,234", "13", "0.778 (0.453–0.937)", "0.905 (0.866–0.934)",
       "0.286 (0.138–0.500)", "0.990 (0.970–0.997)", "0.912 (0.861–0.963)",
       "-3.26 (-3.91 to -2.61)")  # fmt: skip
BLOCK = TableBlock(
    "Subgroups", SUBGROUP_HEADER, (ROW,) * 3, widths=(1.3, 0.6, 0.8, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3)
)


def test_every_word_fits_its_column():
    width = 174 * 72 / 25.4  # A4 less the report's margins
    widths, size = report_pdf.column_widths(BLOCK, width, 8.0)
    assert sum(widths) == pytest.approx(width) and size >= report_pdf.MIN_CELL_SIZE
    regular, bold = report_pdf._fonts()
    for c, col_w in enumerate(widths):
        for r, row in enumerate((BLOCK.header, *BLOCK.rows)):
            for word in row[c].split():
                need = stringWidth(word, bold if r == 0 else regular, size) + 2 * report_pdf.CELL_PAD
                assert need <= col_w, (word, col_w)


def test_rendered_table_keeps_events_whole():
    fd = FigureData(class_bars={}, projection=None, class_names=("a", "b"))
    content = ReportContent(
        "t", "s", (("Data set", "x"),), (Section("1. Subgroups", (), (BLOCK,)),), fd, "id1"
    )
    pdf = report_pdf.render_pdf(content, images={})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for word in ("Events", "Sensitivity", "Specificity"):
        assert re.search(rf"\b{word}\b", text), text[:400]
    assert "Even ts" not in text and "Even\nts" not in text


@pytest.mark.parametrize(
    ("interest", "p99", "expected"),
    [((0.1, 0.05), 0.9, 0.2), ((0.2, 0.05), 0.3, 0.4), ((0.02, 0.01), 0.03, 0.05), ((0.7,), 0.9, 1.0),
     ((float("nan"),), 0.3, 0.3), ((), None, 1.0)],
)  # fmt: skip
def test_decision_axis_spans_twice_the_threshold_or_the_risks_99th_percentile(interest, p99, expected):
    assert decision_x_max(interest, p99) == pytest.approx(expected)


def test_pdf_decision_curve_axis_is_not_zero_to_one():
    from matplotlib.figure import Figure

    from imbalance_core.evaluation import curves
    from imbalance_core.share import report_figures

    rng = np.random.default_rng(0)
    y = (rng.random(800) < 0.08).astype(int)
    risk = np.clip(rng.beta(1, 14, 800) + 0.1 * y, 0, 1)
    dc = curves.decision_curve(y, risk)
    p99 = float(np.quantile(risk, 0.99))
    fd = FigureData(class_bars={}, projection=None, class_names=("a", "b"), decision=dc, threshold=0.08,
                    risk_p99=p99)  # fmt: skip
    seen = {}
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        seen["xlim"] = self.axes[1].get_xlim()
        return original(self, *args, **kwargs)

    Figure.savefig = spy
    try:
        report_figures.draw_calibration_decision(fd)
    finally:
        Figure.savefig = original
    assert seen["xlim"][1] == pytest.approx(2 * max(0.08, dc.prevalence))
