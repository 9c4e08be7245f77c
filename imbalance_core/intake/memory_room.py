"""Is there room in memory to read this upload? A refusal in words instead of a server that swaps.

Several people share one server. Reading a CSV costs far more memory than its size on disk: measured on
the 101,766-row diabetes-130 export (19.2 MB, mixed text and numbers), the reading peak grew the
process by 166.6 MB (8.7x the file) and the kept table held 50.9 MB (2.7x). Without a check, a few
uploads near the size cap could exhaust the machine for everyone, so an upload is read only when the
memory the operating system reports as available (``MemAvailable`` in ``/proc/meminfo``) covers the
expected reading peak plus a reserve kept for other people's pages and trainings.

Where ``/proc/meminfo`` does not exist (not Linux), nothing is checked: the size cap alone applies.
"""

from __future__ import annotations

from pathlib import Path

from imbalance_core.errors import DataError

__all__ = [
    "READ_PEAK_FACTOR",
    "RESERVE_BYTES",
    "available_memory",
    "check_room_to_read",
    "reading_peak",
]

#: Expected growth of the process while reading a CSV, per byte of file (8.7x measured, rounded up).
READ_PEAK_FACTOR = 9.0
#: Memory left for everybody else after this read (other sessions, a training worker).
RESERVE_BYTES = 1 << 30
MEMINFO = Path("/proc/meminfo")


def available_memory(meminfo: Path = MEMINFO) -> int | None:
    """Bytes the kernel says can be allocated without swapping (``MemAvailable``), or None if unknown."""
    try:
        text = meminfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name.strip() == "MemAvailable":
            fields = rest.split()
            if fields and fields[0].isdigit():
                unit = fields[1].lower() if len(fields) > 1 else "kb"
                return int(fields[0]) * (1024 if unit == "kb" else 1)
    return None


def reading_peak(n_bytes: int) -> int:
    """The memory reading a CSV of ``n_bytes`` is expected to take at its peak."""
    return int(n_bytes * READ_PEAK_FACTOR)


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def check_room_to_read(n_bytes: int, available: int | None, reserve: int = RESERVE_BYTES) -> None:
    """Raise :class:`DataError` when reading ``n_bytes`` of CSV would leave less than ``reserve`` free.

    ``available`` is :func:`available_memory` (None: unknown, nothing checked). The message names the
    file's size, what reading it needs and what is free now, and what the person can do.
    """
    if available is None:
        return
    need = reading_peak(n_bytes)
    if need + reserve <= available:
        return
    raise DataError(
        f"This file ({_megabytes(n_bytes)}) needs about {_megabytes(need)} of memory to read, and the "
        f"server has {_megabytes(max(available - reserve, 0))} to spare right now (others are using it). "
        "Try again when others have finished, or upload a smaller extract (fewer rows or columns)."
    )
