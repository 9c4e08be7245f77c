"""The report's PDF layout (reportlab): A4, title block, tables that fit the page, "page X of Y".

Only layout happens here: :class:`~imbalance_core.share.report.ReportContent` already holds every number as a
string and the figure arrays; the figures are drawn by :mod:`imbalance_core.share.report_figures`.
Text goes into reportlab ``Paragraph``s XML-escaped, so names from the data cannot inject markup.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from imbalance_core.share.report_blocks import TableBlock

if TYPE_CHECKING:
    from imbalance_core.share.report_blocks import ReportContent


def _fonts() -> tuple[str, str]:
    """DejaVu Sans from matplotlib's own data (always installed with it): covers ≥, ±, – and accents."""
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(ttf / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=18, leading=22, spaceAfter=4),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=11,
            leading=14,
            textColor=colors.HexColor("#444444"),
            spaceAfter=8,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=bold,
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            textColor=colors.HexColor("#1f3a5f"),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=9.5,
            leading=12,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "body": ParagraphStyle("body", parent=base, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=bold, fontSize=8, leading=10),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555"), spaceAfter=4
        ),
    }


def _p(text: str, style: Any) -> Any:
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


#: Cell padding (points, each side) and the smallest cell font a crowded table may shrink to.
CELL_PAD = 6.0
MIN_CELL_SIZE = 6.0


def _longest_words(block: TableBlock, size: float, whole: bool = False) -> list[float]:
    """Per column, the width (points) of its longest word (``whole``: longest cell) at font ``size``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold = _fonts()
    out = [0.0] * len(block.header)
    for r, row in enumerate((block.header, *block.rows)):
        font = bold if r == 0 else regular
        for c, cell in enumerate(row[: len(out)]):
            for word in [str(cell)] if whole else str(cell).split():
                out[c] = max(out[c], stringWidth(word, font, size))
    return out


def column_widths(block: TableBlock, width: float, size: float = 8.0) -> tuple[list[float], float]:
    """Column widths that never break a word, and the font size that allows it.

    Each column gets at least its longest word plus padding; what is left goes to the columns whose
    cells would otherwise wrap, in proportion to how much they lack (all in one line when the page
    allows, the rest shared by ``block.widths``). When even the minimum does not fit, the font shrinks
    (to :data:`MIN_CELL_SIZE`); a word still too wide after that is the only case left to reportlab.
    """
    n = len(block.header)
    rel = list(block.widths or tuple(1.0 for _ in range(n)))
    while True:
        need = [w + 2 * CELL_PAD + 0.5 for w in _longest_words(block, size)]
        if sum(need) <= width or size <= MIN_CELL_SIZE:
            break
        size = max(MIN_CELL_SIZE, size - 0.5)
    spare = max(0.0, width - sum(need))
    whole = [
        max(w + 2 * CELL_PAD + 0.5, m) for w, m in zip(_longest_words(block, size, True), need, strict=True)
    ]
    if sum(whole) <= width:  # every cell on one line; the rest by the relative widths
        rest = width - sum(whole)
        return [w + rest * r / sum(rel) for w, r in zip(whole, rel, strict=True)], size
    lack = [w - m for w, m in zip(whole, need, strict=True)]
    total = sum(lack) or 1.0
    return [m + spare * d / total for m, d in zip(need, lack, strict=True)], size


def _table_flowables(block: TableBlock, width: float, st: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Table, TableStyle

    col_w, size = column_widths(block, width, st["cell"].fontSize)
    cell, cellb = st["cell"], st["cellb"]
    if size != cell.fontSize:
        cell = ParagraphStyle("cell_small", parent=cell, fontSize=size, leading=size * 1.25)
        cellb = ParagraphStyle("cellb_small", parent=cellb, fontSize=size, leading=size * 1.25)
    body = [[_p(h, cellb) for h in block.header]]
    body += [[_p(c, cell) for c in r] for r in block.rows]
    t = Table(body, colWidths=col_w, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#1f3a5f")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))  # fmt: skip
    parts = [_p(block.title, st["h2"]), t]
    if block.note:
        parts.append(_p(block.note, st["note"]))
    return [KeepTogether(parts)] if len(block.rows) < 25 else parts


def _numbered_canvas(footer: str) -> type:
    """A canvas class that writes 'page X of Y' (Y known only at the end: pages are buffered)."""
    from reportlab.pdfgen import canvas

    regular, _ = _fonts()

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                w, _h = self._pagesize
                self.setFont(regular, 7.5)
                self.setFillGray(0.35)
                self.drawString(40, 22, footer)
                self.drawRightString(w - 40, 22, f"page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(content: ReportContent, images: dict[str, bytes] | None = None) -> bytes:
    """The report as PDF bytes (A4, title block, tables that fit the page, 'page X of Y').

    ``images``: figure key -> PNG bytes; drawn with :mod:`imbalance_core.share.report_figures` when None.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Image, KeepTogether, SimpleDocTemplate, Spacer

    from imbalance_core.share import report_figures

    if images is None:
        images = report_figures.draw_all(content.figures)
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=content.title,
        author="Imbalance Lab",
        subject=f"export {content.export_id}",
    )
    width = doc.width
    story: list[Any] = [_p(content.title, st["title"]), _p(content.subtitle, st["subtitle"])]
    meta = TableBlock("", ("", ""), content.meta)
    from reportlab.platypus import Table, TableStyle

    mt = Table(
        [[_p(k, st["cellb"]), _p(v, st["cell"])] for k, v in meta.rows],
        colWidths=[35 * mm, width - 35 * mm],
        hAlign="LEFT",
    )
    mt.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [mt, Spacer(1, 4), HRFlowable(width="100%", color=colors.HexColor("#1f3a5f"), thickness=1.2)]
    for section in content.sections:
        flow: list[Any] = [_p(t, st["body"]) for t in section.paragraphs if t]
        for block in section.tables:
            flow += _table_flowables(block, width, st)
        for key in section.figures:
            png = images.get(key)
            if png:
                img = Image(io.BytesIO(png))
                img.drawWidth, img.drawHeight = width, img.imageHeight * width / img.imageWidth
                flow += [Spacer(1, 4), img]
        # A heading never ends a page: it is kept together with the section's first block.
        n_first = 2 if flow and isinstance(flow[0], Spacer) else 1
        first = [part for item in flow[:n_first] for part in getattr(item, "_content", [item])]
        story.append(KeepTogether([_p(section.title, st["h1"]), *first]))
        story += flow[n_first:]
    footer = f"Imbalance Lab · {content.meta[0][1]} · export {content.export_id}"
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return buf.getvalue()
