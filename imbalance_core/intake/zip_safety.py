"""Check a zip archive's structure before anything unpacks it (model files now, image zips later).

A model file (skops) is a zip archive, and an uploaded zip is read by code that trusts its directory.
A hostile or damaged archive can exhaust memory or disk (a "zip bomb": a few kilobytes that inflate
to gigabytes, many entries sharing one compressed block, an entry count in the millions), or name files
outside the folder it is unpacked to (``../``, absolute paths, symbolic links). :func:`check_zip` reads
only the archive's directory and local headers — it inflates nothing except the first bytes of an entry
to recognise a nested archive — and refuses with one sentence when:

* the directory promises more entries than :attr:`ZipLimits.max_entries` (read from the end record,
  before Python's ``zipfile`` builds a list of them);
* the declared uncompressed size of all entries exceeds :attr:`ZipLimits.max_total_bytes`;
* an entry (or the whole archive) inflates more than :attr:`ZipLimits.max_ratio` times its compressed
  size (only counted above :attr:`ZipLimits.ratio_floor_bytes`, so tiny text entries never trip it);
* two entries share bytes of the file (overlapping entries: the classic non-recursive zip bomb) or an
  entry reaches into the central directory;
* a name repeats, is absolute (``/x``, ``\\x``, ``C:x``), climbs out with ``..``, holds a NUL byte,
  or an entry is a symbolic link or encrypted;
* an entry is itself an archive nested deeper than :attr:`ZipLimits.max_depth` (0: none allowed).

Messages never quote entry names (they may be anything); they say what is wrong and what to do.
"""

from __future__ import annotations

import io
import itertools
import re
import stat
import struct
import zipfile
from dataclasses import dataclass

from imbalance_core.errors import DataError

_EOCD = b"PK\x05\x06"
_LOCAL = b"PK\x03\x04"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF
#: Names that are archives themselves (checked besides the entry's first bytes).
_ARCHIVE_NAME = re.compile(r"\.(zip|skops|jar|whl|docx|xlsx|odt|ods|apk|epub)$", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may hold.

    max_entries: entries in the directory. max_total_bytes: declared uncompressed bytes of all entries.
    max_ratio: uncompressed / compressed size of an entry or of the whole archive, judged only for
    entries (or totals) above ratio_floor_bytes. max_depth: how deep archives may nest (0: not at all).
    """

    max_entries: int = 50_000
    max_total_bytes: int = 2 << 30
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1 << 20
    max_depth: int = 0


#: Model files: skops writes uncompressed .npy entries and one schema.json (a 300-tree random forest
#: has ~1,500 entries and ~21 MB); never a nested archive.
MODEL_LIMITS = ZipLimits()


@dataclass(frozen=True)
class ZipSummary:
    """What a checked archive holds: entry count and declared uncompressed bytes (nested ones included)."""

    n_entries: int
    total_bytes: int


def _refuse(what: str, reason: str) -> DataError:
    return DataError(
        f"The {what} was refused: {reason}. It may be damaged or altered; do not use it, and ask for "
        "a fresh copy from where it came from."
    )


def _declared_entries(raw: bytes) -> int | None:
    """The entry count in the end-of-central-directory record (None when there is no such record)."""
    tail_start = max(0, len(raw) - _EOCD_SIZE - _MAX_COMMENT)
    at = raw.rfind(_EOCD, tail_start)
    if at < 0 or at + _EOCD_SIZE > len(raw):
        return None
    return struct.unpack("<H", raw[at + 10 : at + 12])[0]


def _unsafe_name(name: str) -> str | None:
    """Why an entry name is unsafe to unpack, or None."""
    if "\x00" in name:
        return "an entry name holds a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "an entry has an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "an entry name climbs out of its folder with '..'"
    return None


def _data_range(raw: bytes, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    """Bytes [start, end) of an entry's local header and data, or None when the header is not there."""
    start = info.header_offset
    header = raw[start : start + 30]
    if len(header) < 30 or not header.startswith(_LOCAL):
        return None
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return start, start + 30 + name_len + extra_len + info.compress_size


def _check_entries(raw: bytes, archive: zipfile.ZipFile, limits: ZipLimits, what: str) -> int:
    """Names, links, encryption, sizes, ratios and overlaps; returns the declared uncompressed total."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _refuse(what, "two entries have the same name")
    total = 0
    ranges = []
    for info in infos:
        reason = _unsafe_name(info.filename)
        if reason:
            raise _refuse(what, reason)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refuse(what, "an entry is a symbolic link")
        if info.flag_bits & 0x1:
            raise _refuse(what, "an entry is encrypted")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _refuse(what, f"it would unpack to more than {limits.max_total_bytes / 2**30:.1f} GiB")
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _refuse(
                what,
                f"an entry inflates more than {limits.max_ratio:g} times its packed size (a 'zip bomb')",
            )
        span = _data_range(raw, info)
        if span is None:
            raise _refuse(what, "an entry's header is missing")
        ranges.append(span)
    ranges.sort()
    for (_, end), (start, _) in itertools.pairwise(ranges):
        if start < end:
            raise _refuse(what, "two entries share the same packed bytes (overlapping entries)")
    if ranges and ranges[-1][1] > archive.start_dir:
        raise _refuse(what, "an entry reaches into the archive's directory")
    return total


def _nested(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.is_dir():
        return False
    if _ARCHIVE_NAME.search(info.filename):
        return True
    try:
        with archive.open(info) as fh:
            return fh.read(4) == _LOCAL
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError):
        return False  # an unreadable entry is for the reader to refuse; it is not an archive to unpack


def check_zip(
    raw: bytes, limits: ZipLimits = MODEL_LIMITS, what: str = "archive", depth: int = 0
) -> ZipSummary:
    """Check the zip archive ``raw`` against ``limits`` before it is unpacked or loaded.

    ``what`` names the file in the message ("model file", "zip file"). Raises DataError with one
    sentence for anything listed in the module docstring, or when ``raw`` is not a zip archive.
    """
    declared = _declared_entries(raw)
    if declared is None:
        raise DataError(f"The {what} is not a zip archive. Choose the file again.")
    if declared > limits.max_entries or declared == 0xFFFF:
        raise _refuse(what, f"it lists more than {limits.max_entries:,} entries")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise DataError(f"The {what} is not a readable zip archive. Choose the file again.") from None
    with archive:
        if len(archive.infolist()) > limits.max_entries:
            raise _refuse(what, f"it lists more than {limits.max_entries:,} entries")
        total = _check_entries(raw, archive, limits, what)
        if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(len(raw), 1):
            raise _refuse(what, f"it inflates more than {limits.max_ratio:g} times its size (a 'zip bomb')")
        n_entries = len(archive.infolist())
        for info in archive.infolist():
            if not _nested(archive, info):
                continue
            if depth >= limits.max_depth:
                raise _refuse(what, "it holds another archive inside, which this file never needs")
            inner = check_zip(archive.read(info), limits, what, depth + 1)
            n_entries += inner.n_entries
            total += inner.total_bytes
            if n_entries > limits.max_entries or total > limits.max_total_bytes:
                raise _refuse(what, "its nested archives hold too much")
    return ZipSummary(n_entries, total)
