"""The report's building blocks: a table of strings and a section (paragraphs, tables, figure keys).

Their own module so that the section builders (:mod:`.checklist`, :mod:`.report_decision`) and the PDF
layout (:mod:`.report_pdf`) can use them without importing :mod:`.report`, which imports those modules:
no import cycle. :mod:`.report` re-exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Section", "TableBlock"]


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
