"""Compile (or load from the disk cache) UMAP's numba code in the background, once per process, so
the first UMAP a person asks for does not stall.

Why: the first ``umap.UMAP().fit`` in a fresh Python process compiles numba functions (the
nearest-neighbour-descent path, which :func:`imbalance_core.maps.projection.make_umap` uses at every
size, and ``transform``): 45-110 s of one core on this machine. :mod:`imbalance_core.maps.numba_cache`
keeps most of that compiled code on disk, once per installation, so a later process loads it instead;
the few functions numba cannot cache (those that take a distance function as an argument) are still
compiled in each process. The app calls :func:`start_background_warmup` once at start-up: a daemon
thread waits until the first page is drawn, fills the disk cache in a separate process at the lowest
CPU priority when it is empty, then fits UMAP on small random arrays through every path the Explore
page uses (loading the compiled code). No user data is involved.

How long it takes is measured, not guessed: each finished warm-up writes its duration (with or without
a filled cache) to ``warmup_timing.json`` in the cache folder, and :func:`warmup_status` reports the
last measured duration of the same kind as the expectation the Explore page shows.

Process-wide state (one warm-up per server process) is deliberate: compiled code is shared by all
sessions; nothing per user is kept here.

Where nobody uses UMAP (or the test suite starts many servers) set ``IMBALANCE_LAB_UMAP_WARMUP=off``:
UMAP then compiles (or loads) on its first use, still on the Explore page's background worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from imbalance_core.maps.numba_cache import (
    CacheUse,
    cache_filled,
    cache_use,
    default_cache_dir,
    import_umap_with_cache,
)

_lock = threading.Lock()
_done = threading.Event()
_thread: threading.Thread | None = None
_started_at: float | None = None
_finished_at: float | None = None
_error: str = ""
_cached_at_start: bool = False
_first_page_drawn = threading.Event()
#: Seconds the warm-up waits for the first page run before it starts anyway.
FIRST_PAGE_WAIT = 30.0

#: File in the numba cache folder holding the measured warm-up durations (seconds), by kind.
TIMING_FILE = "warmup_timing.json"

#: Environment variable that switches the start-up warm-up off (values in :data:`OFF_VALUES`).
ENV_SWITCH = "IMBALANCE_LAB_UMAP_WARMUP"
OFF_VALUES = frozenset({"0", "off", "false", "no"})


@dataclass(frozen=True)
class WarmupStatus:
    """Where the warm-up stands: state is "idle", "running", "done" or "failed"; seconds so far/taken."""

    state: str
    seconds: float
    error: str = ""
    #: True when compiled code was found on disk at the start (loading, not compiling).
    from_cache: bool = False
    #: The last measured duration of a warm-up of the same kind on this installation; None if never.
    expected_seconds: float | None = None

    @property
    def activity(self) -> str:
        """What the warm-up does, in words."""
        if self.from_cache:
            return "loading UMAP's compiled code from the disk cache"
        return (
            "compiling UMAP's code in a low-priority background process (once per installation; later "
            "starts load it from disk)"
        )

    @property
    def remaining_seconds(self) -> float | None:
        """Expected seconds left, from the last measured duration; None when nothing was measured."""
        if self.expected_seconds is None:
            return None
        return max(0.0, self.expected_seconds - self.seconds)

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


def timing_kind(from_cache: bool) -> str:
    """The key a warm-up's duration is recorded under: loading from the cache, or compiling."""
    return "cached" if from_cache else "compile"


def read_timings(folder: Path) -> dict[str, float]:
    """Measured warm-up durations in ``folder`` (empty when none were recorded or the file is unreadable)."""
    try:
        data = json.loads((folder / TIMING_FILE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float) and v >= 0}


def record_timing(folder: Path, from_cache: bool, seconds: float) -> None:
    """Store ``seconds`` as the measured duration of this kind of warm-up (best effort: a read-only
    folder only means the next start has no measured expectation)."""
    timings = read_timings(folder)
    timings[timing_kind(from_cache)] = round(float(seconds), 1)
    with contextlib.suppress(OSError):
        (folder / TIMING_FILE).write_text(json.dumps(timings))


def compile_in_low_priority_process(timeout: float = 1800.0) -> bool:
    """Fill the disk cache in a separate Python process at the lowest CPU priority (``nice 19``); True if
    it finished. The server's own interpreter never compiles: a compile holds the interpreter lock for a
    minute, and a low-priority thread inside the server would hold it while the kernel lets it wait."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "imbalance_core.maps.umap_warmup"],
            preexec_fn=lambda: os.nice(19),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def note_first_page_drawn() -> None:
    """Called by the app after its first page run: the warm-up waits for it, so the first page a person
    opens on a cold server is not slowed by it."""
    _first_page_drawn.set()


def _worker(on_done: Callable[[], None] | None) -> None:
    """Thread body: once the first page is drawn, fill the disk cache in a low-priority process when it is
    empty, load the compiled code into this process, record how it went and how long it took, then call
    ``on_done`` (if given)."""
    global _finished_at, _error
    _first_page_drawn.wait(FIRST_PAGE_WAIT)
    try:
        if not _cached_at_start:
            compile_in_low_priority_process()
        run_warmup()
    except Exception as exc:  # a failed warm-up must never take the app down
        _error = type(exc).__name__
    finally:
        _finished_at = time.monotonic()
        _done.set()
    if not _error and _started_at is not None:
        record_timing(default_cache_dir(), _cached_at_start, _finished_at - _started_at)
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
    UMAP's import and compilation left, see ``pages.gc_freeze.freeze_long_lived``).
    """
    global _thread, _started_at, _cached_at_start
    if not warmup_wanted(os.environ if environ is None else environ):
        return False
    with _lock:
        if _thread is not None:
            return False
        _cached_at_start = cache_filled(default_cache_dir())
        _started_at = time.monotonic()
        _thread = threading.Thread(target=_worker, args=(on_done,), name="umap-warmup", daemon=True)
        _thread.start()
        return True


def warmup_status() -> WarmupStatus:
    """The warm-up's state and how long it has run (or took)."""
    if _started_at is None:
        return WarmupStatus("idle", 0.0)
    expected = read_timings(default_cache_dir()).get(timing_kind(_cached_at_start))
    if not _done.is_set():
        return WarmupStatus("running", time.monotonic() - _started_at, "", _cached_at_start, expected)
    took = (_finished_at or _started_at) - _started_at
    return WarmupStatus("failed" if _error else "done", took, _error, _cached_at_start, expected)


def warmup_sentence(status: WarmupStatus) -> str:
    """What the Explore page says while a map waits for the warm-up: the activity, the seconds so far,
    and the measured expectation (or that none was measured yet)."""
    text = f"Preparing UMAP for its first use in this server: {status.activity}, {status.seconds:.0f} s"
    if status.expected_seconds is None:
        return text + " so far (no earlier warm-up of this kind was measured on this installation)"
    left = status.remaining_seconds or 0.0
    expectation = f"it took {status.expected_seconds:.0f} s the last time it was measured here"
    if left <= 0:
        return f"{text} ({expectation}; finishing)"
    return f"{text} (about {left:.0f} s left: {expectation})"


def wait_until_warm(timeout: float | None = None) -> bool:
    """Block until the warm-up has finished (True) or ``timeout`` seconds passed (False)."""
    if _started_at is None:
        return False
    return _done.wait(timeout)


def fill_cache() -> tuple[CacheUse, float]:
    """Compile (or load) every path the Explore page uses once, writing the disk cache; report its use
    and the seconds it took (recorded as the measured warm-up time of its kind)."""
    folder = default_cache_dir()
    was_filled = cache_filled(folder)
    started = time.perf_counter()
    import_umap_with_cache(folder)
    run_warmup()
    seconds = time.perf_counter() - started
    record_timing(folder, was_filled, seconds)
    return cache_use(), seconds


if __name__ == "__main__":  # `python -m imbalance_core.maps.umap_warmup`: make run / make test set-up
    use, took = fill_cache()
    print(
        f"UMAP's compiled code in {default_cache_dir()}: {use.loaded} loaded, {use.compiled} compiled, "
        f"{use.uncacheable} not cacheable ({took:.1f} s)"
    )
