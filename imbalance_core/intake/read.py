"""Read CSV bytes or a path into a validated, cleaned table.

Real lab exports are messy: semicolons and decimal commas, Latin-1 or UTF-16 text, ``NA`` or ``?``
for missing values, detection limits such as ``<0.5``, units inside cells, spreadsheet files renamed
to ``.csv``. :func:`read_table` turns all of these into a :class:`LoadedTable` whose numeric columns
are numbers, and says what it did in ``notices``. Anything it cannot read becomes a
:class:`~imbalance_core.errors.DataError` with one plain sentence; no pandas traceback escapes.

How it reads (fast path first, so a million-row clean file costs little more than ``pandas.read_csv``):

1. File type from magic bytes (zip/Excel, old Excel, gzip, PDF) and emptiness.
2. Encoding: a byte-order mark first, then strict UTF-8 on a sample, then ``charset-normalizer``;
   among its equivalent Western code pages cp1252 is preferred (what spreadsheet exports use).
3. Dialect (delimiter, quote) by ``clevercsv`` on the first 8 k characters; the decimal mark from
   the number patterns in the first 64 KiB.
   Leading comment lines (``# exported by ... on ...``, see :func:`leading_comment_lines`) are set
   aside first and skipped by the parser, with a notice. Old-Mac line endings (CR only, no LF) are
   read as LF (:func:`cr_only_line_endings`), with a notice.
4. One pass of pandas' C parser with that dialect and the NA markers.
5. Only columns that did *not* come out numeric get the slow, per-column cleaning: whitespace,
   NA markers, thousands separators, detection limits, units (see :data:`DETECTION_LIMIT_RULE`).
6. ``inf`` / ``-inf`` / overflow become missing values, counted per column.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import clevercsv
import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from imbalance_core.errors import DataError
from imbalance_core.intake.row_shape import judge_row_shapes, scan_row_shapes
from imbalance_core.intake.units import KNOWN_UNITS, known_units, spaced_decimals  # noqa: F401 (KNOWN_UNITS re-exported)

#: Cell texts read as "missing" (exact match after trimming spaces).
# fmt: off
NA_MARKERS: tuple[str, ...] = (
    "", "NA", "N/A", "n/a", "na", "?", "-", ".", "null", "NULL", "Null", "NaN", "nan", "#N/A",
)
# fmt: on
#: Missing-value marks that may instead mean "none" in a label column ('-' = no condition in a
#: diagnosis-code export). They still read as missing everywhere; :attr:`LoadedTable.none_mark_rows`
#: remembers where they stood in columns that could be a label (found by a second, text-only read of
#: those columns when the file holds such a cell), so the task can make them a class.
NONE_LIKE_MARKS: tuple[str, ...] = ("-", ".")
#: A column whose other values number more than this is a measurement, not codes: its marks are not kept.
MARK_MAX_CODES = 20
#: The stated rule for values reported below/above a detection limit.
DETECTION_LIMIT_RULE = "'<x' becomes x/2 (half the lower detection limit), '>x' becomes x (the upper limit)"
#: Bytes looked at when guessing the encoding and the dialect.
SAMPLE_BYTES = 64 * 1024
#: Characters clevercsv looks at (its cost grows with the sample; 8 k is plenty for a dialect).
DIALECT_SAMPLE_CHARS = 8 * 1024
#: Share of numeric cells above which a few stray words in a numeric column are treated as missing.
NUMERIC_MAJORITY = 0.9
#: Units stripped from cells: only known ones (see :mod:`imbalance_core.intake.units`); "5.1 xyz" is text.
#: Said when a file's lines end in a bare carriage return (old Mac format), see cr_only_line_endings.
CR_ONLY_NOTICE = (
    "The lines of this file end in a carriage return only (old Mac format); they were read as "
    "ordinary line breaks."
)
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: A letter-prefixed code (ICD-9 V and E codes: 'V57', 'E888.1'); see ``_code_column``.
_CODE_RE = r"[A-Za-z]\d+(?:\.\d+)?"
_CELL_RE = (
    r"^(?P<op><=|>=|[<>≤≥])?\s*(?P<num>" + _NUM + r")(?P<space>\s*)"
    r"(?P<unit>[A-Za-zµμ%°/×][A-Za-z0-9µμ%°/.^*·²³×\-]{0,15})?$"
)
_THOUSANDS_DOT_DECIMAL = r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_THOUSANDS_COMMA_DECIMAL = r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"
#: A number with a decimal comma / point, possibly behind a detection-limit sign or before a unit.
_COMMA_NUMBER = re.compile(r"^(?:[<>≤≥]=?)?\s*[-+]?\d+,\d+(?:\s*[^\d\s,.;]\S*)?$")
_DOT_NUMBER = re.compile(r"^(?:[<>≤≥]=?)?\s*[-+]?\d*\.\d+(?:\s*[^\d\s,.;]\S*)?$")


@dataclass(frozen=True)
class LoadedTable:
    """A table read from one file, cleaned, with a record of what reading it took.

    frame: the cleaned data; numeric columns are numbers (NaN = missing), text columns are strings.
    sha256: hash of the raw bytes — the cache key for everything computed from this file.
    notices: sentences for a person about what was detected or changed.
    missing_counts / detection_limit_counts / infinite_counts / non_numeric_counts: per column,
        only columns with a non-zero count.
    unit_columns: column -> unit spellings stripped from its cells.
    renamed_columns: new name -> name in the file (blank or duplicated headers).
    holdout / holdout_name: a hold-out fixed by the source (True per ``frame`` row in it; an image zip's
        test/ folder) and how to name it; None = training splits off its own.
    none_mark_rows: column -> mark ('-', '.') -> row positions where that mark stood (read as missing),
        for columns of codes (text, or at most :data:`MARK_MAX_CODES` numbers) only: in a label column
        such a mark often means "no diagnosis" (:func:`imbalance_core.intake.task.label_marks`).
    """

    frame: pd.DataFrame
    name: str
    sha256: str
    n_bytes: int
    encoding: str
    delimiter: str
    decimal: str
    notices: tuple[str, ...] = ()
    missing_counts: dict[str, int] = field(default_factory=dict)
    detection_limit_counts: dict[str, int] = field(default_factory=dict)
    unit_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    infinite_counts: dict[str, int] = field(default_factory=dict)
    non_numeric_counts: dict[str, int] = field(default_factory=dict)
    renamed_columns: dict[str, str] = field(default_factory=dict)
    holdout: np.ndarray | None = None
    holdout_name: str = ""
    none_mark_rows: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Number of data rows read."""
        return len(self.frame)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names after renaming."""
        return tuple(str(c) for c in self.frame.columns)


@dataclass(frozen=True)
class _Dialect:
    encoding: str
    delimiter: str
    quotechar: str
    escapechar: str | None
    decimal: str
    encoding_errors: str = "strict"


# --------------------------------------------------------------------------- raw bytes and file type


@dataclass(frozen=True)
class _Source:
    """Uploaded bytes or a file on disk, read without copying the whole file where avoidable.

    A path is handed to pandas directly (it streams the file); only a sample is read up front, and
    the SHA-256 is computed in 1 MiB blocks, so a large file is never held twice in memory.
    """

    name: str
    n_bytes: int
    sample: bytes
    data: bytes | None = None
    path: Path | None = None

    def handle(self) -> io.BytesIO | str:
        """What pandas reads: a zero-copy BytesIO over the bytes, or the path."""
        return io.BytesIO(self.data) if self.data is not None else str(self.path)

    def all_bytes(self) -> bytes:
        """The whole file (only needed on rare slow paths)."""
        return self.data if self.data is not None else self.path.read_bytes()

    def blocks(self, size: int = 4 << 20) -> Iterator[bytes]:
        """The file in blocks of ``size`` bytes (a path is streamed, not read whole)."""
        if self.data is not None:
            view = memoryview(self.data)
            for start in range(0, len(view), size):
                yield bytes(view[start : start + size])
            return
        with self.path.open("rb") as fh:
            yield from iter(lambda: fh.read(size), b"")

    def text(self, encoding: str, errors: str = "strict") -> io.TextIOBase:
        """The file as text with line endings untranslated (``newline=''``, as the csv module wants)."""
        raw = io.BytesIO(self.data) if self.data is not None else self.path.open("rb")
        return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")

    def sha256(self) -> str:
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256()
        with self.path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def _open_source(source: bytes | str | os.PathLike, name: str | None) -> _Source:
    """Wrap the input; a missing or unreadable file becomes a DataError."""
    if hasattr(source, "getvalue") or hasattr(source, "read"):  # e.g. an uploaded-file object
        source = source.getvalue() if hasattr(source, "getvalue") else source.read()
        name = name or "uploaded file"
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return _Source(name or "uploaded file", len(data), data[:SAMPLE_BYTES], data=data)
    path = Path(source)
    if not path.is_file():
        raise DataError(f"There is no file called {path.name!r}; check the path.")
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
        return _Source(name or path.name, path.stat().st_size, sample, path=path)
    except OSError as exc:
        reason = exc.strerror or "read error"
        raise DataError(f"The file {path.name!r} could not be opened ({reason}).") from None


def _zip_message(source: _Source) -> str:
    try:
        names = zipfile.ZipFile(source.handle()).namelist()
    except (zipfile.BadZipFile, OSError):
        names = []
    if any(n.startswith("xl/") for n in names):
        return (
            "This looks like an Excel workbook, not a CSV file. "
            "Open it in Excel and use File > Save As > CSV, then load that file."
        )
    if any(n.endswith("content.xml") for n in names):
        return "This looks like a spreadsheet (OpenDocument) file, not a CSV file. Save it as CSV first."
    return "This is a zip archive, not a CSV file. Unpack it and load the CSV inside."


#: Magic bytes -> the message for a file that is not a text table. Checked in order.
_MAGIC: tuple[tuple[bytes, Callable[[_Source], str]], ...] = (
    (b"PK\x03\x04", _zip_message),
    (
        b"\xd0\xcf\x11\xe0",
        lambda _: (
            "This looks like an old Excel (.xls) workbook, not a CSV file. "
            "Open it in Excel and save it as CSV."
        ),
    ),
    (b"\x1f\x8b", lambda _: "This file is gzip-compressed. Unpack it and load the CSV inside."),
    (b"%PDF", lambda _: "This is a PDF document, not a CSV table."),
)


def _check_file_type(source: _Source) -> None:
    """Refuse empty files and known binary formats with a sentence that says what to do."""
    if not source.sample.strip():
        raise DataError("The file is empty. Choose a CSV file with a header row and data rows.")
    for magic, message in _MAGIC:
        if source.sample.startswith(magic):
            raise DataError(message(source))


# --------------------------------------------------------------------------- encoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NOT_TEXT = "This file is not a readable text table (it looks like binary data). Choose a CSV file."


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 4 and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if len(sample) >= 4 and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _detect_encoding(sample: bytes) -> str:
    """Encoding of the sample: BOM, then strict UTF-8, then charset-normalizer."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    if b"\x00" in sample:
        raise DataError(_NOT_TEXT)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _guess_legacy_encoding(sample)


def _guess_legacy_encoding(data: bytes) -> str:
    """charset-normalizer's guess; among equally good guesses the Western cp1252 wins.

    A few accented bytes in mostly-ASCII text fit many code pages equally well; lab exports with
    such bytes almost always come from Western-European Windows/Excel, hence the tie-break.
    """
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise DataError(_NOT_TEXT)
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        return "cp1252"
    return best.encoding


def _around_first_non_utf8(raw: bytes) -> bytes:
    """A sample of the file centred on its first byte that is not valid UTF-8."""
    try:
        raw.decode("utf-8")
        return raw[:SAMPLE_BYTES]
    except UnicodeDecodeError as exc:
        start = max(0, exc.start - SAMPLE_BYTES // 2)
        return raw[start : start + SAMPLE_BYTES]


def cr_only_line_endings(text: str) -> bool:
    """True for text whose lines end in a bare carriage return (classic Mac OS): CR present, no LF.

    Python's ``csv`` module and ``StringIO`` see such a text as one long line, so the header, the
    dialect and the decimal mark could not be read from it. CRLF text has an LF and reads as it is.
    """
    return "\r" in text and "\n" not in text


def _decode_sample(sample: bytes, encoding: str) -> tuple[str, bool]:
    """Decode a sample that may end in the middle of a character.

    Returns the text and whether its line endings were CR-only (:func:`cr_only_line_endings`); those
    are turned into LF first, so the header, dialect and decimal mark are read line by line and a full
    sample is cut at its last complete line. pandas' C parser reads the file itself with CR-only
    endings as it is (it ends lines at CR, LF or CRLF), so the rows match the normalised sample.
    """
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    cr_only = cr_only_line_endings(text)
    if cr_only:
        text = text.replace("\r", "\n")
    if len(sample) >= SAMPLE_BYTES:
        cut = text.rfind("\n")
        if cut > 0:
            text = text[: cut + 1]
    return text, cr_only


def _check_text(text: str) -> None:
    """Refuse text full of control characters (binary data that happened to decode)."""
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t")
    replaced = text[:20000].count("\ufffd")
    if controls + replaced > 0.01 * max(1, min(len(text), 20000)):
        raise DataError(_NOT_TEXT)


# --------------------------------------------------------------------------- dialect


def _detect_dialect(text: str, encoding: str, errors: str = "strict") -> _Dialect:
    """Delimiter and quote character by clevercsv; decimal mark from the numbers in the sample."""
    lines = text.splitlines()
    if len(lines) < 2 and not any(d in text for d in DELIMITERS):
        delimiter, quotechar, escapechar = ",", '"', None
    else:
        try:
            head = text[:DIALECT_SAMPLE_CHARS]
            if len(text) > DIALECT_SAMPLE_CHARS and head.rfind("\n") > 0:
                head = head[: head.rfind("\n") + 1]
            found = clevercsv.Detector().detect(head, delimiters=list(DELIMITERS))
        except Exception:  # clevercsv can fail on odd samples; fall back to counting below
            found = None
        if found is None or found.delimiter not in DELIMITERS:
            header = lines[0] if lines else ""
            counts = {d: header.count(d) for d in DELIMITERS}
            delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
            quotechar, escapechar = '"', None
        else:
            delimiter = found.delimiter
            quotechar = found.quotechar or '"'
            escapechar = found.escapechar or None
    decimal = _detect_decimal(text, delimiter, quotechar)
    return _Dialect(encoding, delimiter, quotechar, escapechar, decimal, errors)


def _detect_decimal(text: str, delimiter: str, quotechar: str) -> str:
    """',' when the sample's numbers use a decimal comma (only possible if ',' is not the delimiter)."""
    if delimiter == ",":
        return "."
    comma = dot = 0
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar)
    try:
        for i, row in enumerate(reader):
            if i > 500:
                break
            for cell in row:
                cell = cell.strip()
                comma += bool(_COMMA_NUMBER.match(cell))
                dot += bool(_DOT_NUMBER.match(cell))
    except csv.Error:
        pass
    return "," if comma > dot else "."


_PHYSICAL_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")
#: A '#' followed by one of these starts a header whose first column is called '#', not a comment.
_NOT_COMMENT_AFTER_HASH = (*DELIMITERS, '"')


def _is_comment(line: str) -> bool:
    """A line such as ``# exported by ... on ...``: '#' first, not followed by a delimiter or quote."""
    stripped = line.strip()
    return stripped.startswith("#") and stripped[1:2] not in _NOT_COMMENT_AFTER_HASH


@dataclass(frozen=True)
class CommentBlock:
    """The comment lines at the top of a file (``# exported by ... on ...``).

    lines: physical lines before the header that are comments or blank (pandas' ``skiprows``);
    comments: how many of them are comments; chars: their length in the decoded text.
    """

    lines: int = 0
    comments: int = 0
    chars: int = 0


def leading_comment_lines(text: str) -> CommentBlock:
    """The comment (and blank) lines before the header; empty when the text does not start with one.

    Only lines at the very start count (a '#' line after the header is data). Lines end at
    ``\\r\\n``, ``\\r`` or ``\\n``, as in pandas' parser, so ``lines`` can be its ``skiprows``.
    """
    lines = comments = chars = 0
    for match in _PHYSICAL_LINE.finditer(text):
        if not match.group(0):  # the empty match at the end of the text
            break
        line = match.group(1)
        if _is_comment(line):
            comments += 1
        elif line.strip():
            break
        lines += 1
        chars = match.end()
    return CommentBlock(lines, comments, chars) if comments else CommentBlock()


def _read_header(text: str, dialect: _Dialect) -> list[str]:
    reader = csv.reader(
        io.StringIO(text),
        delimiter=dialect.delimiter,
        quotechar=dialect.quotechar,
        escapechar=dialect.escapechar,
    )
    try:
        for row in reader:
            if any(cell.strip() for cell in row):  # pandas skips blank lines before the header too
                return [cell.strip() for cell in row]
    except csv.Error:
        pass
    return []


def _unique_names(header: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """Give blank headers a name and make duplicates unique; return names, renames, notices."""
    names: list[str] = []
    renamed: dict[str, str] = {}
    notices: list[str] = []
    seen: set[str] = set()
    for position, original in enumerate(header, start=1):
        base = original or f"unnamed_{position}"
        candidate, k = base, 2
        while candidate in seen:
            candidate, k = f"{base}_{k}", k + 1
        seen.add(candidate)
        names.append(candidate)
        if candidate != original:
            renamed[candidate] = original
            if not original:
                notices.append(f"Column {position} had no name; it is called '{candidate}'.")
            else:
                notices.append(
                    f"The column name '{original}' appears more than once; "
                    f"column {position} is called '{candidate}'."
                )
    return names, renamed, notices


# --------------------------------------------------------------------------- parsing


def _parse(
    src: _Source,
    dialect: _Dialect,
    names: list[str],
    skiprows: int = 0,
    width: int = 0,
    usecols: list[str] | None = None,
) -> pd.DataFrame:
    """One pass of pandas' C parser (after ``skiprows`` leading comment lines); errors become a sentence.

    ``width`` > ``len(names)``: some rows end in up to that many (empty) fields; they are read into
    extra columns and dropped (the C parser refuses rows of different lengths beyond the header), and
    ``skiprows`` then counts the header line too. ``usecols``: read only these columns, as the text of
    the cells (no NA markers, no numbers) — used to find where '-' or '.' stood (:func:`_find_marks`).
    """
    extra = [f"\x00extra{i}" for i in range(max(0, width - len(names)))]
    raw = usecols is not None
    options = {"usecols": usecols, "dtype": str, "na_filter": False} if raw else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_csv(
                src.handle(),
                sep=dialect.delimiter,
                quotechar=dialect.quotechar,
                escapechar=dialect.escapechar,
                decimal=dialect.decimal,
                encoding=None if dialect.encoding == "utf-8" else dialect.encoding,
                encoding_errors=dialect.encoding_errors,
                skiprows=skiprows,
                header=None if extra else 0,
                names=names + extra,
                index_col=False,
                na_values=None if raw else list(NA_MARKERS),
                keep_default_na=False,
                skip_blank_lines=True,
                engine="c",
                **options,
            ).drop(columns=[] if raw else extra)
    except UnicodeDecodeError:
        raise
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f" on line {line.group(1)}" if line else ""
        raise DataError(
            f"The file could not be read as a table{where}: a row has more fields than the header. "
            "Check the delimiter and quoting, or save it again as CSV."
        ) from None
    except (ValueError, pd.errors.EmptyDataError, OverflowError, MemoryError):
        raise DataError("The file could not be read as a table. Save it again as CSV and retry.") from None


@dataclass
class _ColumnReport:
    """What cleaning one text column found (mutable while cleaning, summarised into notices)."""

    detection_limit: int = 0
    units: tuple[str, ...] = ()
    unit_cells: int = 0
    thousands: int = 0
    non_numeric: int = 0
    mixed_units: int = 0
    decimal_comma: int = 0
    spaced_decimal: int = 0


def _clean_text_column(
    series: pd.Series, decimal: str, weights: np.ndarray | None = None
) -> tuple[pd.Series, _ColumnReport]:
    """Turn a column the C parser left as text into numbers if its cells are numbers in disguise.

    Returns the cleaned series (float64 when numeric, trimmed strings otherwise) and a report.
    ``weights``: how many cells each entry stands for (:func:`_clean_by_distinct` passes distinct
    values with their counts); every count in the report is a count of cells.
    """

    def _n(mask: pd.Series) -> int:
        if weights is None:
            return int(mask.sum())
        return int(weights[mask.index.to_numpy()[mask.to_numpy(dtype=bool)]].sum())  # labels = positions

    report = _ColumnReport()
    text = series.astype("str").where(series.notna()).str.strip()
    text = text.mask(text.isin(NA_MARKERS))
    present = text.notna()
    n_present = _n(present)
    if n_present == 0:
        return pd.Series(np.nan, index=series.index, dtype="float64"), report
    spaced = spaced_decimals(text, decimal)
    report.spaced_decimal = _n(spaced)
    plain = text.where(~spaced, text.str.replace(r"\s+", "", regex=True))
    thousands_re = _THOUSANDS_COMMA_DECIMAL if decimal == "," else _THOUSANDS_DOT_DECIMAL
    is_thousands = plain.str.match(thousands_re, na=False)
    if decimal == ",":
        plain = plain.where(~is_thousands, plain.str.replace(".", "", regex=False))
        plain = plain.str.replace(",", ".", regex=False)
    else:
        # Quoted "1,5" in a comma-separated file is a decimal comma. "1,234" is a thousands separator
        # unless the column also has unambiguous decimal commas (not three digits after the comma).
        comma_like = plain.str.match(r"^[-+]?\d+,\d+$", na=False)
        if plain.str.match(r"^[-+]?\d+,(?:\d{1,2}|\d{4,})$", na=False).any():
            is_thousands &= ~comma_like
            report.decimal_comma = _n(comma_like)
            plain = plain.where(~comma_like, plain.str.replace(",", ".", regex=False))
        plain = plain.where(~is_thousands, plain.str.replace(",", "", regex=False))
    values = pd.to_numeric(plain, errors="coerce").astype("float64")
    report.thousands = _n(is_thousands)
    failed = present & values.isna()
    if failed.any():
        parts = plain[failed].str.extract(_CELL_RE)
        has_unit = parts["unit"].notna()
        unit_ok = has_unit & known_units(parts["unit"])
        matched = parts["num"].notna() & (~has_unit | unit_ok)
        units = parts.loc[matched & has_unit, "unit"].unique()
        if len({str(u).casefold() for u in units}) > 1:
            # Different units in one column cannot simply be stripped: the numbers are on other scales.
            report.mixed_units = len({str(u).casefold() for u in units})
            matched &= ~has_unit
            units = []
        number = pd.to_numeric(parts["num"], errors="coerce")
        op = parts["op"].fillna("")
        below = op.isin(["<", "<=", "≤"]) & matched
        number = number.where(~below, number / 2)
        values.loc[matched[matched].index] = number[matched].to_numpy(dtype="float64")
        report.detection_limit = _n(op.isin(["<", "<=", "≤", ">", ">=", "≥"]) & matched)
        report.unit_cells = _n(has_unit & matched)
        report.units = tuple(sorted(str(u) for u in units))
    remaining = present & values.isna()
    numeric_share = 1 - _n(remaining) / n_present
    if numeric_share < NUMERIC_MAJORITY or _code_column(plain[remaining]):
        return text, _ColumnReport(mixed_units=report.mixed_units)
    report.non_numeric = _n(remaining)
    return values, report


def _code_column(rest: pd.Series) -> bool:
    """True when the cells that are not numbers are codes such as ICD-9 'V57' or 'E888.1'.

    A column of diagnosis codes is mostly digits ('250.83') with a few letter-prefixed codes: read
    as numbers it would lose those codes and order the rest by a meaningless value, so it stays text.
    """
    distinct = rest.dropna().unique()
    return len(distinct) >= 2 and bool(pd.Series(distinct).str.fullmatch(_CODE_RE).all())


def _clean_by_distinct(series: pd.Series, decimal: str) -> tuple[pd.Series, _ColumnReport]:
    """:func:`_clean_text_column` on the distinct values only, spread back to every cell.

    A 100,000-row text column of categories has a handful of distinct values; cleaning each once is
    what keeps reading the diabetes file (37 such columns) in seconds rather than tens of seconds.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) * 2 > len(series):
        return _clean_text_column(series, decimal)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniques))
    cleaned, report = _clean_text_column(pd.Series(uniques, dtype=series.dtype), decimal, weights)
    if cleaned.dtype.kind == "f":
        values = np.append(cleaned.to_numpy(dtype="float64"), np.nan)[codes]
        return pd.Series(values, index=series.index, dtype="float64"), report
    spread = np.append(cleaned.to_numpy(dtype=object, na_value=np.nan), np.nan)[codes]
    return pd.Series(spread, index=series.index, dtype=cleaned.dtype), report


def _infinite_to_missing(frame: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Replace inf/-inf (also overflowing numbers such as 1e400) by NaN; count infinite and missing.

    One ``isfinite`` pass per float column finds both, so a clean numeric file costs one scan.
    """
    infinite: dict[str, int] = {}
    missing: dict[str, int] = {}
    for col in frame.columns:
        series = frame[col]
        if series.dtype.kind == "f":
            arr = series.to_numpy()
            bad = ~np.isfinite(arr)
            n_bad = int(np.count_nonzero(bad))
            if n_bad:
                inf = np.isinf(arr)
                n_inf = int(np.count_nonzero(inf))
                if n_inf:
                    frame[col] = np.where(inf, np.nan, arr)
                    infinite[str(col)] = n_inf
                missing[str(col)] = n_bad
        elif series.dtype.kind not in "iub":
            n = int(series.isna().sum())
            if n:
                missing[str(col)] = n
    return infinite, missing


# --------------------------------------------------------------------------- public


def read_table(source: bytes | str | os.PathLike, name: str | None = None) -> LoadedTable:
    """Read CSV bytes or a path into a cleaned :class:`LoadedTable`.

    Parameters
    ----------
    source : bytes, str or path-like
        The uploaded bytes (or a binary file-like object such as an upload), or the path of a file
        (a ``str`` is always a path).
    name : str, optional
        Display name; defaults to the file name.

    Raises
    ------
    DataError
        With one plain sentence when the file is empty, not a text table, has no data rows or only
        one column, or cannot be parsed.
    """
    src = _open_source(source, name)
    _check_file_type(src)
    encoding = _detect_encoding(src.sample)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # hashlib releases the GIL on large buffers, so hashing overlaps with parsing.
        digest = pool.submit(src.sha256)
        try:
            table = _read_with_encoding(src, encoding)
        except UnicodeDecodeError:
            table = _read_after_decode_error(src)
        sha256 = digest.result()
    return _finish(table, src.name, sha256, src.n_bytes)


def _read_after_decode_error(src: _Source) -> dict:
    """The sample decoded but a later part does not: judge the encoding where it breaks.

    If even that guess fails (a UTF-8 file with a few stray bytes), undecodable bytes are replaced
    by '\ufffd' and a notice says how the text was read.
    """
    if not src.sample.isascii():
        guess = "utf-8"  # the sample holds real UTF-8 characters: a few stray bytes, not another encoding
    else:
        guess = _guess_legacy_encoding(_around_first_non_utf8(src.all_bytes()))
    try:
        return _read_with_encoding(src, guess)
    except UnicodeDecodeError:
        table = _read_with_encoding(src, guess, errors="replace")
        table["notices"].append(
            f"Some bytes are not valid {guess} text and were replaced by '\ufffd'; "
            "check names and text values with accents."
        )
        return table


def _read_with_encoding(src: _Source, encoding: str, errors: str = "strict") -> dict:
    text, cr_only = _decode_sample(src.sample, encoding)
    _check_text(text)
    if not text.strip():
        raise DataError("The file is empty. Choose a CSV file with a header row and data rows.")
    block = leading_comment_lines(text)
    if block.comments:
        text = text[block.chars :]
        if not text.strip():
            raise DataError(
                "The file has comment lines (starting with '#') but no header row or data after them. "
                "Choose a CSV file with a header row and data rows."
            )
    dialect = _detect_dialect(text, encoding, errors)
    header = _read_header(text, dialect)
    if len(header) < 2:
        raise DataError(
            "The table has only one column. It needs a label column and at least one feature column; "
            "check that the columns are separated by commas, semicolons, tabs or '|'."
        )
    names, renamed, notices = _unique_names(header)
    shape_notices, width, header_line = _row_shapes(src, dialect, len(names), block.lines)
    notices += shape_notices
    skip = header_line if width > len(names) else block.lines
    frame = _parse(src, dialect, names, skiprows=skip, width=width)
    marks = _find_marks(src, dialect, names, frame, skip, width)
    if block.comments:
        plural = "s" if block.comments != 1 else ""
        notices.insert(
            0, f"Skipped {block.comments} comment line{plural} starting with '#' before the header."
        )
    if cr_only:
        notices.insert(0, CR_ONLY_NOTICE)
    return {"frame": frame, "dialect": dialect, "renamed": renamed, "notices": notices, "marks": marks}


def _row_shapes(src: _Source, dialect: _Dialect, n_columns: int, skiprows: int) -> tuple[list[str], int, int]:
    """Refuse rows with extra non-empty fields; notices for short rows (see :mod:`row_shape`).

    Returns the notices, the widest row's field count and the header's line number.
    """
    shapes = scan_row_shapes(
        src.blocks,
        lambda: src.text(dialect.encoding, dialect.encoding_errors),
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        quotechar=dialect.quotechar,
        escapechar=dialect.escapechar,
        n_columns=n_columns,
        skiprows=skiprows,
    )
    notices = judge_row_shapes(shapes, _DELIMITER_NAMES[dialect.delimiter])
    return notices, shapes.max_fields, shapes.header_line


def _finish(parsed: dict, name: str, sha256: str, n_bytes: int) -> LoadedTable:
    frame: pd.DataFrame = parsed["frame"]
    dialect: _Dialect = parsed["dialect"]
    notices: list[str] = list(parsed["notices"])
    if len(frame) == 0:
        raise DataError("The file has a header but no data rows.")
    separator = _DELIMITER_NAMES[dialect.delimiter]
    described = f"Read {len(frame):,} rows and {frame.shape[1]} columns ({separator}-separated"
    described += ", decimal comma" if dialect.decimal == "," else ""
    described += f", {dialect.encoding} text)."
    notices.insert(0, described)
    if not dialect.encoding.startswith("utf"):
        notices.append(f"The text was read as {dialect.encoding}; check that names with accents look right.")

    detection: dict[str, int] = {}
    units: dict[str, tuple[str, ...]] = {}
    non_numeric: dict[str, int] = {}
    for col in list(frame.columns):
        if pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            continue
        cleaned, report = _clean_by_distinct(frame[col], dialect.decimal)
        frame[col] = cleaned
        if report.detection_limit:
            detection[col] = report.detection_limit
            notices.append(
                f"Column '{col}': {report.detection_limit} values given as a detection limit were "
                f"turned into numbers ({DETECTION_LIMIT_RULE})."
            )
        if report.unit_cells:
            units[col] = report.units
            notices.append(f"Column '{col}': units were stripped from {report.unit_cells} cells.")
        if report.decimal_comma:
            notices.append(
                f"Column '{col}': {report.decimal_comma} numbers written with a decimal comma were read "
                "as decimals."
            )
        if report.mixed_units:
            notices.append(
                f"Column '{col}' mixes {report.mixed_units} different units; they were not "
                "stripped. Convert the column to one unit first."
            )
        if report.spaced_decimal:
            notices.append(
                f"Column '{col}': {report.spaced_decimal} numbers written with spaces around the decimal "
                "mark (such as 4 . 3) were read as decimals (4.3); check a few of them."
            )
        if report.thousands:
            notices.append(f"Column '{col}': thousands separators removed from {report.thousands} numbers.")
        if report.non_numeric:
            non_numeric[col] = report.non_numeric
            notices.append(
                f"Column '{col}': {report.non_numeric} cells that are not numbers are treated as missing."
            )
    infinite, missing = _infinite_to_missing(frame)
    for col, n in infinite.items():
        notices.append(f"Column '{col}': {n} infinite or overflowing values are treated as missing.")
    return LoadedTable(
        frame=frame,
        name=name,
        sha256=sha256,
        n_bytes=n_bytes,
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        decimal=dialect.decimal,
        notices=tuple(notices),
        missing_counts=missing,
        detection_limit_counts=detection,
        unit_columns=units,
        infinite_counts=infinite,
        non_numeric_counts=non_numeric,
        renamed_columns=parsed["renamed"],
        none_mark_rows={
            col: found
            for col, found in parsed.get("marks", {}).items()
            if frame[col].dtype.kind != "f" or frame[col].nunique() <= MARK_MAX_CODES
        },
    )


def _could_be_codes(col: pd.Series) -> bool:
    """A column with missing cells that could be a label of codes: text, or few distinct numbers."""
    if not col.isna().any():
        return False
    if col.dtype.kind != "f":
        return True
    return col.iloc[:5000].nunique() <= MARK_MAX_CODES and col.nunique() <= MARK_MAX_CODES


def _mark_in_bytes(src: _Source, dialect: _Dialect) -> bool:
    """True when a cell of the file may be exactly '-' or '.' (a delimiter, quote or line end on both
    sides): a fast byte search, so files without such cells are never parsed twice. Encodings that are
    not ASCII-compatible (UTF-16/32) are always searched the slow way."""
    if dialect.encoding.startswith(("utf-16", "utf-32")):
        return True
    ends = {dialect.delimiter.encode(), b"\n", b"\r", dialect.quotechar.encode()}
    needles = [m.encode() + b for m in NONE_LIKE_MARKS for b in ends]  # mark first: a rare first byte
    tail = b"\n"
    for block in src.blocks():
        chunk = tail + block
        for needle in needles:
            at = chunk.find(needle, 1)
            while at > 0:
                if chunk[at - 1 : at] in ends:
                    return True
                at = chunk.find(needle, at + 1)
        tail = chunk[-4:]
    return False


def _find_marks(
    src: _Source, dialect: _Dialect, names: list[str], frame: pd.DataFrame, skiprows: int, width: int
) -> dict[str, dict[str, np.ndarray]]:
    """Column -> mark ('-', '.') -> rows where it stood, for columns that could be a label of codes.

    The main parse reads '-' and '.' as missing (fast, numbers stay numbers); only when the file holds such
    a cell are the candidate columns read a second time as plain text to see where the marks stood.
    """
    candidates = [str(c) for c in frame.columns if _could_be_codes(frame[c])]
    if not candidates or not _mark_in_bytes(src, dialect):
        return {}
    text = _parse(src, dialect, names, skiprows=skiprows, width=width, usecols=candidates)
    if len(text) != len(frame):  # a row shape the text read sees otherwise: keep the marks as missing
        return {}
    found = {col: _mark_rows(text[col]) for col in candidates}
    return {col: rows for col, rows in found.items() if rows}


#: Spellings of the marks looked for (a cell is compared whole; spaces around a mark are rare).
_MARK_SPELLINGS = {m2: m for m in NONE_LIKE_MARKS for m2 in (m, f" {m}", f"{m} ", f" {m} ")}


def _mark_rows(series: pd.Series) -> dict[str, np.ndarray]:
    """Mark ('-', '.') -> row positions where it stands (one vectorised ``isin`` per column)."""
    hit = series.isin(list(_MARK_SPELLINGS)).to_numpy()
    if not hit.any():
        return {}
    rows = np.flatnonzero(hit)
    marks = np.array([_MARK_SPELLINGS[v] for v in series.iloc[rows]], dtype=object)
    return {m: rows[marks == m] for m in NONE_LIKE_MARKS if (marks == m).any()}
