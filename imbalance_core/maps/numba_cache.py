"""Keep UMAP's and pynndescent's compiled numba code on disk, so a new server process loads it instead of
compiling it again.

Why: umap-learn compiles most of its numba functions without numba's on-disk cache, so every fresh
Python process (every server start, every training worker that draws a map) spent 30-110 s of one core
compiling the same code before its first map. numba can keep compiled code in files (``cache=True``);
umap-learn does not ask for it for most functions, and the functions are compiled as the modules are
imported (some eagerly, with explicit signatures). So :func:`import_umap_with_cache` imports umap and
pynndescent while ``numba.njit``/``numba.jit`` default to ``cache=True``; the decorators are restored
right after, and every module-level function gets a process-independent identity so that code compiled
for a distance function passed as an argument is found on disk too (:func:`_name_dispatchers_stably`).
The 2 functions numba cannot cache (they use dynamic globals) are compiled as before.

Where the files go: numba's ``NUMBA_CACHE_DIR`` when it is set, else ``numba-cache`` inside the Python
environment (``sys.prefix``; the ``.venv`` that ``make run`` creates). They hold machine code and type
signatures only — no data of any kind. ``make run`` and ``make test`` fill the folder once per
installation (``python -m imbalance_core.maps.umap_warmup``); a process that finds it empty fills it
itself (the start-up warm-up). numba checks each file against its function's source file's time stamp
and the CPU, so an upgraded umap-learn or another machine compiles afresh instead of loading stale code.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

#: Packages whose numba functions are cached; the app's UMAP maps use these and nothing else compiled.
CACHED_PACKAGES = ("pynndescent", "umap")
#: numba's own switch for the folder; respected when set.
CACHE_DIR_ENV = "NUMBA_CACHE_DIR"

_lock = threading.Lock()


def default_cache_dir() -> Path:
    """The folder the compiled code goes to: ``$NUMBA_CACHE_DIR`` or ``<sys.prefix>/numba-cache``."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    return Path(configured) if configured else Path(sys.prefix) / "numba-cache"


@contextlib.contextmanager
def _decorators_cache_by_default() -> Iterator[None]:
    """While inside, ``numba.njit``/``numba.jit`` (and their ``numba.core.decorators`` originals) add
    ``cache=True`` unless the caller said otherwise."""
    import numba
    import numba.core.decorators as decorators

    originals = {"njit": numba.njit, "jit": numba.jit}

    def caching(original: Callable) -> Callable:
        def decorator(*args, **kwargs):
            kwargs["cache"] = True
            return original(*args, **kwargs)

        decorator.__wrapped__ = original  # type: ignore[attr-defined]
        decorator.__doc__ = original.__doc__
        return decorator

    patched = {name: caching(fn) for name, fn in originals.items()}
    try:
        for name, fn in patched.items():
            setattr(numba, name, fn)
            setattr(decorators, name, fn)
        yield
    finally:
        for name, fn in originals.items():
            setattr(numba, name, fn)
            setattr(decorators, name, fn)


def cache_filled(folder: Path) -> bool:
    """True when ``folder`` already holds compiled code (numba's ``.nbi`` index files)."""
    try:
        return any(folder.rglob("*.nbi"))
    except OSError:
        return False


def _point_numba_at(folder: Path) -> bool:
    """Make numba write and read its cache in ``folder``; False (numba's default place) if it cannot."""
    import numba

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK):
        return False
    numba.config.CACHE_DIR = str(folder)
    return True


def import_umap_with_cache(folder: Path | None = None) -> ModuleType:
    """Import ``umap`` (and pynndescent) with numba's on-disk cache on for their functions; return umap.

    Idempotent and thread-safe: when umap is already imported, nothing changes (its functions keep the
    cache setting they were imported with) and the module is returned.
    """
    with _lock:
        if "umap" in sys.modules:
            return sys.modules["umap"]
        _point_numba_at(folder or default_cache_dir())
        # A function that numba cannot cache (it takes another compiled function as an argument) is
        # compiled as before; numba's note about it is expected, not a fault.
        warnings.filterwarnings("ignore", message="Cannot cache compiled function")
        with warnings.catch_warnings():
            # "cannot cache ... dynamic globals": such a function is simply compiled as before
            warnings.simplefilter("ignore")
            with _decorators_cache_by_default():
                import pynndescent  # noqa: F401  (its functions are decorated at import)
                import umap
        _name_dispatchers_stably()
        return umap


def _name_dispatchers_stably() -> int:
    """Give every module-level numba function of umap and pynndescent an identity that is the same in
    every process; return how many were named.

    Why: pynndescent passes its distance function to other compiled functions as an argument, and numba
    files the compiled code of those under the argument's type, which names the distance function by a
    random per-process id (``_uuid``). A new process then never finds that code on disk and compiles
    7 large functions again (about 10 s of one core). numba restores a function passed this way by that
    id (``Dispatcher._rebuild`` looks it up in ``_memo``), so a stable id — derived from the module and
    name, the same for every process — lets the cached entries be found.
    """
    import uuid

    from numba.core.registry import CPUDispatcher

    named = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in CACHED_PACKAGES:
            continue
        for value in list(vars(module).values()):
            if not isinstance(value, CPUDispatcher) or value._MemoMixin__uuid is not None:
                continue
            func = value.py_func
            stable = uuid.uuid5(uuid.NAMESPACE_URL, f"numba:{func.__module__}.{func.__qualname__}")
            value._set_uuid(str(stable))
            named += 1
    return named


@dataclass(frozen=True)
class CacheUse:
    """How the compiled functions of umap and pynndescent were obtained in this process.

    loaded: signatures loaded from the disk cache; compiled: signatures compiled here (a cache miss);
    uncacheable: functions numba could not cache (compiled in every process).
    """

    loaded: int
    compiled: int
    uncacheable: int


def cache_use() -> CacheUse:
    """Count cache hits and misses over every numba dispatcher in the umap and pynndescent modules."""
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    seen: set[int] = set()
    loaded = compiled = uncacheable = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in CACHED_PACKAGES:
            continue
        for value in list(vars(module).values()):
            if not isinstance(value, CPUDispatcher) or id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value._cache, NullCache):
                uncacheable += 1 if value.signatures else 0
                continue
            loaded += sum(value.stats.cache_hits.values())
            compiled += sum(value.stats.cache_misses.values())
    return CacheUse(loaded=loaded, compiled=compiled, uncacheable=uncacheable)
