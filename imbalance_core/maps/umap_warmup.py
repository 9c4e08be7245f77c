"""Compile UMAP's numba code in the background, once per process, so the first UMAP a person asks for
does not stall for a minute.

Why: the first ``umap.UMAP().fit`` in a fresh Python process spends 45-100 s on this machine compiling
numba functions (the nearest-neighbour-descent path, which :func:`imbalance_core.maps.projection.make_umap`
uses at every size, and ``transform``). Compiled code then lives for the whole process, so the app calls
:func:`start_background_warmup` once at start-up: a daemon thread fits UMAP on small random arrays
through every path the Explore page uses. Some of pynndescent's functions also keep their compiled
code on disk (numba ``cache=True``, in the package's ``__pycache__`` or ``NUMBA_CACHE_DIR``), which
makes later cold starts cheaper. No user data is involved.

Process-wide state (one warm-up per server process) is deliberate: compiled code is shared by all
sessions; nothing per user is kept here.

The warm-up costs 45-90 s of one core at every server start. Where nobody uses UMAP (or the test
suite starts many servers) set ``IMBALANCE_LAB_UMAP_WARMUP=off``: UMAP then compiles on its first use,
still on the Explore page's background worker.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

_lock = threading.Lock()
_done = threading.Event()
_thread: threading.Thread | None = None
_started_at: float | None = None
_finished_at: float | None = None
_error: str = ""

#: Environment variable that switches the start-up warm-up off (values in :data:`OFF_VALUES`).
ENV_SWITCH = "IMBALANCE_LAB_UMAP_WARMUP"
OFF_VALUES = frozenset({"0", "off", "false", "no"})


@dataclass(frozen=True)
class WarmupStatus:
    """Where the warm-up stands: state is "idle", "running", "done" or "failed"; seconds so far/taken."""

    state: str
    seconds: float
    error: str = ""

    @property
    def ready(self) -> bool:
        """True once UMAP's code is compiled (or the warm-up gave up — UMAP then compiles on first use)."""
        return self.state in ("done", "failed")


def run_warmup(rows: int = 300, features: int = 5, seed: int = 0) -> None:
    """Fit and transform a tiny UMAP through the approximate neighbour path the app uses (blocking)."""
    from imbalance_core.maps.projection import make_umap

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reducer = make_umap(2, 15, 0.1, seed, rows)
        reducer.set_params(n_epochs=10)
        reducer.fit(X)
        reducer.transform(X[:10])


def _worker(on_done: Callable[[], None] | None) -> None:
    """Thread body: run the warm-up, record how it went, then call ``on_done`` (if given)."""
    global _finished_at, _error
    try:
        run_warmup()
    except Exception as exc:  # a failed warm-up must never take the app down
        _error = type(exc).__name__
    finally:
        _finished_at = time.monotonic()
        _done.set()
    if on_done is not None and not _error:
        on_done()


def warmup_wanted(environ: Mapping[str, str]) -> bool:
    """False when ``environ`` switches the warm-up off (``IMBALANCE_LAB_UMAP_WARMUP=off``), else True."""
    return environ.get(ENV_SWITCH, "").strip().lower() not in OFF_VALUES


def start_background_warmup(
    environ: Mapping[str, str] | None = None, on_done: Callable[[], None] | None = None
) -> bool:
    """Start the warm-up thread unless it is switched off, already ran or runs; True if started now.

    on_done: called on the warm-up thread after a successful warm-up (the app freezes the objects
    UMAP's import and compilation left, see ``pages.common.freeze_long_lived``).
    """
    global _thread, _started_at
    if not warmup_wanted(os.environ if environ is None else environ):
        return False
    with _lock:
        if _thread is not None:
            return False
        _started_at = time.monotonic()
        _thread = threading.Thread(target=_worker, args=(on_done,), name="umap-warmup", daemon=True)
        _thread.start()
        return True


def warmup_status() -> WarmupStatus:
    """The warm-up's state and how long it has run (or took)."""
    if _started_at is None:
        return WarmupStatus("idle", 0.0)
    if not _done.is_set():
        return WarmupStatus("running", time.monotonic() - _started_at)
    took = (_finished_at or _started_at) - _started_at
    return WarmupStatus("failed" if _error else "done", took, _error)


def wait_until_warm(timeout: float | None = None) -> bool:
    """Block until the warm-up has finished (True) or ``timeout`` seconds passed (False)."""
    if _started_at is None:
        return False
    return _done.wait(timeout)
