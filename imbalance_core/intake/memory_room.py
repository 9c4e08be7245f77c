"""Is there room in memory to read this upload? A refusal in words instead of a server that swaps.

Several people share one server. Reading a CSV costs far more memory than its size on disk: measured on
the 101,766-row diabetes-130 export (19.2 MB, mixed text and numbers), the reading peak grew the
process by 166.6 MB (8.7x the file) and the kept table held 50.9 MB (2.7x). Without a check, a few
uploads near the size cap could exhaust the machine for everyone, so an upload is read only when the
memory the operating system reports as available (``MemAvailable`` in ``/proc/meminfo``) covers the
expected reading peak plus a reserve kept for other people's pages and trainings.

In a container the machine's ``MemAvailable`` is not what this process may use: the container's memory
cgroup has its own limit, and the kernel kills the server when the cgroup's usage reaches it however
much the machine has free. So the room is the smaller of ``MemAvailable`` and, for this process's
memory cgroup and each of its parents, the limit minus the usage (inactive file cache, which the kernel
reclaims first, not counted as used): cgroup v2 (``memory.max``, ``memory.current``, ``memory.stat``)
and v1 (``memory.limit_in_bytes``, ``memory.usage_in_bytes``) are both read; "max" or v1's huge
number means no limit.

Where ``/proc/meminfo`` does not exist (not Linux), nothing is checked: the size cap alone applies.
"""

from __future__ import annotations

from pathlib import Path

from imbalance_core.errors import DataError

__all__ = [
    "READ_PEAK_FACTOR",
    "RESERVE_BYTES",
    "available_memory",
    "cgroup_room",
    "check_room_to_read",
    "reading_peak",
]

#: Expected growth of the process while reading a CSV, per byte of file (8.7x measured, rounded up).
READ_PEAK_FACTOR = 9.0
#: Memory left for everybody else after this read (other sessions, a training worker).
RESERVE_BYTES = 1 << 30
MEMINFO = Path("/proc/meminfo")
#: Where the cgroup file systems are mounted, and where this process's cgroups are listed.
CGROUP_ROOT = Path("/sys/fs/cgroup")
SELF_CGROUP = Path("/proc/self/cgroup")
#: A v1 limit at or above this means "no limit" (the kernel reports 2^63 rounded down to a page).
_NO_LIMIT = 1 << 60


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _inactive_file(stat: Path) -> int:
    try:
        lines = stat.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return 0
    for line in lines:
        name, _, value = line.partition(" ")
        if name in ("inactive_file", "total_inactive_file") and value.strip().isdigit():
            return int(value)
    return 0


def _cgroup_dirs(root: Path, self_cgroup: Path) -> list[Path]:
    """This process's memory cgroup folders and their parents (v2 and v1), deepest first."""
    try:
        lines = self_cgroup.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    found: list[Path] = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            base = root if (root / "cgroup.controllers").exists() else root / "unified"
        elif "memory" in controllers.split(","):
            base = root / "memory"
        else:
            continue
        relative = Path(path.strip().lstrip("/"))
        chain = [relative, *relative.parents]
        found += [base / p for p in chain]
    return found


def cgroup_room(root: Path = CGROUP_ROOT, self_cgroup: Path = SELF_CGROUP) -> int | None:
    """Bytes this process's memory cgroups still allow (the tightest of them), or None when unlimited."""
    rooms = []
    for folder in _cgroup_dirs(root, self_cgroup):
        limit = _read_int(folder / "memory.max")
        usage = _read_int(folder / "memory.current")
        if limit is None:
            limit = _read_int(folder / "memory.limit_in_bytes")
            usage = _read_int(folder / "memory.usage_in_bytes")
        if limit is None or usage is None or limit >= _NO_LIMIT:
            continue
        used = max(usage - _inactive_file(folder / "memory.stat"), 0)
        rooms.append(max(limit - used, 0))
    return min(rooms) if rooms else None


def available_memory(
    meminfo: Path = MEMINFO, cgroup_root: Path = CGROUP_ROOT, self_cgroup: Path = SELF_CGROUP
) -> int | None:
    """Bytes this process can allocate without swapping or being killed, or None if unknown.

    The smaller of the machine's ``MemAvailable`` and the room its memory cgroups leave
    (:func:`cgroup_room`); the cgroup alone when ``/proc/meminfo`` cannot be read.
    """
    host = _meminfo_available(meminfo)
    box = cgroup_room(cgroup_root, self_cgroup)
    known = [n for n in (host, box) if n is not None]
    return min(known) if known else None


def _meminfo_available(meminfo: Path) -> int | None:
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
