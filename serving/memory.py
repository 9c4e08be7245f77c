"""Give memory back to the machine when the server has freed it (issue 31: 326 -> 443 MB after 40
upload cycles, still there after two idle minutes).

Freed Python objects go back to the C allocator, not to the machine: glibc keeps freed heap pages in
its arenas, pyarrow's mimalloc pool keeps its segments. Streamlit drops a disconnected session (its
tables, results, uploads) two minutes after its browser left (``server.disconnectedSessionTTL``), and
the app's caches are bounded (``max_entries``) but keep their last entries for ever. A daemon thread
started by ``serve.py`` asks every :data:`EVERY_SECONDS` for memory back: one ``gc.collect()`` (cheap:
the app freezes its long-lived objects), pyarrow's ``release_unused()`` and glibc's ``malloc_trim(0)``.
Once the server has had no session at all (connected or kept for a reconnect) for
:data:`IDLE_ROUNDS` rounds, it also empties the caches that hold data results: every
``st.cache_data`` entry, and the ``st.cache_resource`` functions with a ``max_entries`` bound (an
upload's table, its prepared task, profile, maps). Unbounded resources (the bundled tables, the UMAP
worker thread) are process singletons and stay. Nobody is there to lose anything; the next visitor
recomputes what they open. Streamlit has no public way to list its caches: this reads
``cache_resource_api._resource_caches`` (Streamlit 1.67).
``IMBALANCE_LAB_MEMORY_TRIM=off`` switches all of it off (``bench/upload_soak.py`` compares both).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import math
import os
import threading
import time

__all__ = ["EVERY_SECONDS", "IDLE_ROUNDS", "drop_data_caches", "release_freed_memory", "start_trimming"]

#: Seconds between two releases.
EVERY_SECONDS = 30.0
#: Rounds without any session before the data caches are emptied.
IDLE_ROUNDS = 2
_started = threading.Event()
_LOG = logging.getLogger("imbalance_lab.serving")


def _sessions() -> int | None:
    """Sessions the server holds (connected or kept for a reconnect); None before it runs."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    return len(Runtime.instance()._session_mgr.list_sessions())


def drop_data_caches() -> int:
    """Empty ``st.cache_data`` and every bounded ``st.cache_resource`` function; how many were emptied."""
    import streamlit as st
    from streamlit.runtime.caching import cache_resource_api

    st.cache_data.clear()
    registry = cache_resource_api._resource_caches
    with registry._caches_lock:
        caches = [c for per_session in registry._function_caches.values() for c in per_session.values()]
    bounded = [c for c in caches if math.isfinite(c._mem_cache.maxsize)]
    for cache in bounded:
        cache.clear()
    return len(bounded)


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
    idle_rounds = 0
    while True:
        time.sleep(every_seconds)
        with contextlib.suppress(Exception):  # never let the release thread die
            idle_rounds = idle_rounds + 1 if _sessions() == 0 else 0
            if idle_rounds == IDLE_ROUNDS:
                _LOG.info("No session for a while: emptied %d data caches.", drop_data_caches())
            release_freed_memory()


def start_trimming(every_seconds: float = EVERY_SECONDS) -> bool:
    """Start the release thread once per process (unless switched off); True when it runs."""
    if os.environ.get("IMBALANCE_LAB_MEMORY_TRIM", "").strip().lower() in {"off", "0", "no"}:
        return False
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_loop, args=(every_seconds,), name="memory-release", daemon=True).start()
    return True
