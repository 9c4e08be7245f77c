"""Give memory back to the machine when the server has freed it (issue 31: 326 -> 443 MB after 40
upload cycles, still there after two idle minutes).

Freed Python objects go back to the C allocator, not to the machine: glibc keeps freed heap pages in
its arenas, pyarrow's mimalloc pool keeps its segments. Streamlit drops a disconnected session (its
tables, results, uploads) two minutes after its browser left (``server.disconnectedSessionTTL``), and
the app's caches are bounded (``max_entries``), so what stays is allocator slack. A daemon thread
started by ``serve.py`` asks every :data:`EVERY_SECONDS` for it back: one ``gc.collect()`` (cheap: the
app freezes its long-lived objects), pyarrow's ``release_unused()`` and glibc's ``malloc_trim(0)``.
``IMBALANCE_LAB_MEMORY_TRIM=off`` switches it off (``bench/upload_soak.py`` compares both).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import threading
import time

__all__ = ["EVERY_SECONDS", "release_freed_memory", "start_trimming"]

#: Seconds between two releases.
EVERY_SECONDS = 30.0
_started = threading.Event()


def release_freed_memory() -> None:
    """Collect garbage, then hand the allocators' free pages back to the operating system."""
    gc.collect()
    with contextlib.suppress(ImportError, AttributeError):
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(libc_name).malloc_trim(0)


def _loop(every_seconds: float) -> None:
    while True:
        time.sleep(every_seconds)
        release_freed_memory()


def start_trimming(every_seconds: float = EVERY_SECONDS) -> bool:
    """Start the release thread once per process (unless switched off); True when it runs."""
    if os.environ.get("IMBALANCE_LAB_MEMORY_TRIM", "").strip().lower() in {"off", "0", "no"}:
        return False
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_loop, args=(every_seconds,), name="memory-release", daemon=True).start()
    return True
