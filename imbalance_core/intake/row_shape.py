"""Rows with more or fewer fields than the header: found, counted and said, never silently shifted.

pandas' C parser, told the column names, cuts a row with too many fields to the header's width and
pads a short row with missing values, without a word. A text value with an unquoted delimiter in it
("ICU, bed 4" in a comma-separated file) then moves every later value of its row one column to the
right — the label included. :func:`scan_row_shapes` counts the fields of every data row before the
parse, and :func:`judge_row_shapes` turns the counts into a refusal or notices:

* extra fields that hold something -> :class:`~imbalance_core.errors.DataError` naming the count and
  the first line numbers, and what to do (quote the value, export again);
* extra fields that are all empty (a trailing delimiter, as some exports write) -> ignored, with a
  notice;
* fewer fields than the header -> read with the missing fields at the end as missing values, with a
  notice naming the count and the first line numbers.

Two scanners, one answer. The fast one counts delimiter bytes per line with numpy, block by block
(files without a quote or escape character in an ASCII-compatible encoding: most lab exports); the
other runs Python's ``csv`` reader over the decoded text (quoted fields, embedded line breaks,
UTF-16). Line numbers are physical lines of the file, 1-based, counting comment lines and the header,
so a person can find them in a text editor.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from imbalance_core.errors import DataError

#: How many line numbers a message names.
SHOWN_LINES = 5
#: Bytes per block of the fast scanner.
BLOCK_BYTES = 4 << 20
#: Encodings in which every delimiter, quote and line-break byte is that ASCII character.
_ASCII_SAFE = ("utf-8", "utf-8-sig", "ascii", "cp1252", "cp1250", "cp1251", "cp1257", "latin-1", "iso8859")

_LF, _CR, _SPACE, _TAB = 10, 13, 32, 9


@dataclass(frozen=True)
class RowShapes:
    """Field counts of a file's data rows measured against the header's width.

    n_columns: fields in the header. long_lines / short_lines: the first :data:`SHOWN_LINES` line
    numbers of rows with extra non-empty fields / with fewer fields; n_long / n_short: how many in all.
    n_blank_extra: rows whose only extra fields are empty (a trailing delimiter).
    max_fields: the most fields any data row has (the parser needs room for the empty extras).
    header_line: the header's line number (0 when there is none).
    """

    n_columns: int
    n_long: int = 0
    long_lines: tuple[int, ...] = ()
    n_short: int = 0
    short_lines: tuple[int, ...] = ()
    n_blank_extra: int = 0
    max_fields: int = 0
    header_line: int = 0


@dataclass
class _Tally:
    """Mutable counters while scanning."""

    n_columns: int
    n_long: int = 0
    long_lines: list[int] | None = None
    n_short: int = 0
    short_lines: list[int] | None = None
    n_blank_extra: int = 0
    max_fields: int = 0
    header_line: int = 0

    def __post_init__(self) -> None:
        self.long_lines, self.short_lines = [], []

    def add(self, kind: str, lines: Iterable[int], n: int) -> None:
        if not n:
            return
        shown = self.long_lines if kind == "long" else self.short_lines
        for line in lines:
            if len(shown) >= SHOWN_LINES:
                break
            shown.append(int(line))
        if kind == "long":
            self.n_long += n
        else:
            self.n_short += n

    def freeze(self) -> RowShapes:
        return RowShapes(
            self.n_columns,
            self.n_long,
            tuple(self.long_lines),
            self.n_short,
            tuple(self.short_lines),
            self.n_blank_extra,
            self.max_fields,
            self.header_line,
        )


def _ascii_safe(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(_ASCII_SAFE) or name in {"iso8859-1", "latin_1"}


def scan_row_shapes(
    blocks: Callable[[], Iterator[bytes]],
    text: Callable[[], io.TextIOBase],
    *,
    encoding: str,
    delimiter: str,
    quotechar: str,
    escapechar: str | None,
    n_columns: int,
    skiprows: int = 0,
) -> RowShapes:
    """Count the data rows with more / fewer fields than ``n_columns``.

    ``blocks()`` yields the raw file in blocks; ``text()`` opens it as text with ``newline=''``.
    ``skiprows`` leading physical lines (comments) are passed over; the first non-blank line after
    them is the header; blank lines are skipped, as pandas does.
    """
    specials = {quotechar, escapechar} - {None, ""}
    if _ascii_safe(encoding) and len(delimiter) == 1 and all(len(s) == 1 for s in specials):
        fast = _scan_bytes(blocks(), ord(delimiter), tuple(ord(s) for s in specials), n_columns, skiprows)
        if fast is not None:
            return fast
    return _scan_text(text(), delimiter, quotechar, escapechar, n_columns, skiprows)


def _scan_bytes(
    blocks: Iterator[bytes], delim: int, specials: tuple[int, ...], n_columns: int, skiprows: int
) -> RowShapes | None:
    """The numpy scanner; None as soon as a quote or escape byte shows up (the text scanner decides)."""
    tally = _Tally(n_columns)
    state = {"line": 0, "header_seen": False}
    carry = b""
    for block in blocks:
        if any(bytes((s,)) in block for s in specials):
            return None
        buffer = carry + block
        cut = max(buffer.rfind(b"\n"), buffer.rfind(b"\r"))
        if cut == len(buffer) - 1 and buffer[cut] == _CR:
            cut -= 1  # a CR at the end may be the first half of CRLF: keep it for the next block
            cut = max(buffer.rfind(b"\n", 0, cut + 1), buffer.rfind(b"\r", 0, cut + 1))
        if cut < 0:
            carry = buffer
            continue
        _scan_chunk(buffer[: cut + 1], delim, tally, state, skiprows)
        carry = buffer[cut + 1 :]
    if carry:
        _scan_chunk(carry + b"\n", delim, tally, state, skiprows)
    return tally.freeze()


def _scan_chunk(chunk: bytes, delim: int, tally: _Tally, state: dict, skiprows: int) -> None:
    """Field counts of the complete lines in ``chunk`` (it ends with a line break).

    Vectorised over the common case; only lines without a delimiter (blank or one field) and rows
    with extra fields are looked at one by one.
    """
    arr = np.frombuffer(chunk, dtype=np.uint8)
    is_end = arr == _LF
    if b"\r" in chunk:
        is_cr = arr == _CR
        is_cr[:-1] &= ~is_end[1:]  # the CR of a CRLF is not a line end of its own
        is_end |= is_cr
    ends = np.flatnonzero(is_end)  # index of each line's terminator
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    n_delims = np.add.reduceat(arr == delim, starts, dtype=np.int64)  # a segment ends at its terminator
    numbers = state["line"] + 1 + np.arange(len(ends))
    state["line"] += len(ends)
    data = numbers > skiprows
    for i in np.flatnonzero(data & (n_delims == 0)):  # pandas skips blank (whitespace-only) lines
        data[i] = bool(chunk[starts[i] : ends[i]].strip())
    if not state["header_seen"]:
        candidates = np.flatnonzero(data)
        if not len(candidates):
            return
        state["header_seen"] = True
        tally.header_line = int(numbers[candidates[0]])
        data[candidates[0]] = False
    fields = n_delims + 1
    if data.any():
        tally.max_fields = max(tally.max_fields, int(fields[data].max()))
    short = data & (fields < tally.n_columns)
    tally.add("short", numbers[short], int(short.sum()))
    long = np.flatnonzero(data & (fields > tally.n_columns))
    if len(long):
        filled = np.array([_extras_filled(chunk[starts[i] : ends[i]], delim, tally.n_columns) for i in long])
        tally.n_blank_extra += int((~filled).sum())
        tally.add("long", numbers[long][filled], int(filled.sum()))


def _extras_filled(line: bytes, delim: int, n_columns: int) -> bool:
    """Whether any field after the first ``n_columns`` of an unquoted line holds something."""
    return bool(line.split(bytes((delim,)), n_columns)[-1].replace(bytes((delim,)), b"").strip())


def _scan_text(
    stream: io.TextIOBase,
    delimiter: str,
    quotechar: str,
    escapechar: str | None,
    n_columns: int,
    skiprows: int,
) -> RowShapes:
    """Python's csv reader over the decoded text (quoted fields, line breaks inside quotes)."""
    tally = _Tally(n_columns)
    with stream:
        for _ in range(skiprows):
            stream.readline()
        reader = csv.reader(
            stream, delimiter=delimiter, quotechar=quotechar or '"', escapechar=escapechar or None
        )
        header_seen = False
        previous = 0
        try:
            for row in reader:
                line, previous = skiprows + previous + 1, reader.line_num
                if len(row) <= 1 and not "".join(row).strip():
                    continue
                if not header_seen:
                    header_seen = True
                    tally.header_line = line
                    continue
                tally.max_fields = max(tally.max_fields, len(row))
                if len(row) < n_columns:
                    tally.add("short", (line,), 1)
                elif len(row) > n_columns:
                    if any(cell.strip() for cell in row[n_columns:]):
                        tally.add("long", (line,), 1)
                    else:
                        tally.n_blank_extra += 1
        except csv.Error:
            pass  # pandas' own parse reports a broken file
    return tally.freeze()


def _lines(numbers: tuple[int, ...], total: int) -> str:
    shown = [str(n) for n in numbers]
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    word = "line" if len(shown) == 1 else "lines"
    first = "" if total == len(shown) else "first on "
    return f"{first}{word} {text}"


def judge_row_shapes(shapes: RowShapes, delimiter_name: str) -> list[str]:
    """Refuse rows with extra non-empty fields; notices for short rows and empty trailing fields.

    Raises DataError naming how many rows have too many fields and where the first ones are.
    """
    k = shapes.n_columns
    if shapes.n_long:
        rows = "1 row has" if shapes.n_long == 1 else f"{shapes.n_long:,} rows have"
        raise DataError(
            f"The file could not be read as a table: {rows} more fields than the header's {k} columns "
            f"({_lines(shapes.long_lines, shapes.n_long)}), so their values would land in the wrong "
            f"columns. Usually a text value contains a {delimiter_name} without quotes (for example a "
            "ward written as ICU, bed 4): put quotes around such values, or export the file again as "
            "CSV with quoting switched on, then load it again."
        )
    notices = []
    if shapes.n_short:
        rows = "1 row has" if shapes.n_short == 1 else f"{shapes.n_short:,} rows have"
        notices.append(
            f"{rows} fewer fields than the header's {k} columns "
            f"({_lines(shapes.short_lines, shapes.n_short)}); the fields missing at the end were read "
            "as missing values. Check those lines: if a value is missing in the middle, the later "
            "values of the row sit in the wrong columns."
        )
    if shapes.n_blank_extra:
        rows = "1 row ends" if shapes.n_blank_extra == 1 else f"{shapes.n_blank_extra:,} rows end"
        notices.append(
            f"{rows} in empty fields beyond the header's {k} columns (a trailing {delimiter_name}); "
            "they were ignored."
        )
    return notices
