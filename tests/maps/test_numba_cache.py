"""UMAP's compiled code kept on disk: a fresh process loads it instead of compiling it again."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numba
import pytest

from imbalance_core.maps import numba_cache, umap_warmup

ROOT = Path(__file__).resolve().parents[2]


def test_decorators_cache_while_importing_and_are_restored_after():
    before = numba.njit
    with numba_cache._decorators_cache_by_default():

        @numba.njit(cache=False)  # pynndescent asks for no cache on its parallel functions: overruled
        def add_one(x):
            return x + 1

        @numba.njit
        def bare(x):  # the decorator without arguments
            return x * 2

    assert numba.njit is before
    assert add_one._cache.__class__.__name__ == "FunctionCache"
    assert bare(3) == 6

    @numba.njit
    def after(x):
        return x

    assert after._cache.__class__.__name__ == "NullCache"


def test_cache_folder_follows_numba_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv(numba_cache.CACHE_DIR_ENV, str(tmp_path))
    assert numba_cache.default_cache_dir() == tmp_path
    monkeypatch.delenv(numba_cache.CACHE_DIR_ENV)
    assert numba_cache.default_cache_dir() == Path(sys.prefix) / "numba-cache"
    assert not numba_cache.cache_filled(tmp_path)
    (tmp_path / "umap_x").mkdir()
    (tmp_path / "umap_x" / "f.nbi").write_bytes(b"")
    assert numba_cache.cache_filled(tmp_path)


def test_measured_timings_round_trip_and_shape_the_sentence(tmp_path):
    assert umap_warmup.read_timings(tmp_path) == {}
    umap_warmup.record_timing(tmp_path, from_cache=False, seconds=93.44)
    umap_warmup.record_timing(tmp_path, from_cache=True, seconds=6.02)
    assert umap_warmup.read_timings(tmp_path) == {"compile": 93.4, "cached": 6.0}
    (tmp_path / umap_warmup.TIMING_FILE).write_text("not json")
    assert umap_warmup.read_timings(tmp_path) == {}

    loading = umap_warmup.WarmupStatus("running", 2.0, from_cache=True, expected_seconds=6.0)
    text = umap_warmup.warmup_sentence(loading)
    assert "loading UMAP's compiled code from the disk cache" in text
    assert "2 s" in text and "about 4 s left" in text and "6 s the last time" in text
    unmeasured = umap_warmup.WarmupStatus("running", 30.0)
    assert "compiling" in umap_warmup.warmup_sentence(unmeasured)
    assert "no earlier warm-up" in umap_warmup.warmup_sentence(unmeasured)
    overdue = umap_warmup.WarmupStatus("running", 9.0, from_cache=True, expected_seconds=6.0)
    assert "finishing" in umap_warmup.warmup_sentence(overdue)


def _fill_in_fresh_process() -> tuple[int, int, float]:
    """Run the cache fill (the warm-up UMAP) in a new process; its loaded/compiled counts and seconds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-m", "imbalance_core.maps.umap_warmup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    ).stdout
    match = re.search(r"(\d+) loaded, (\d+) compiled, \d+ not cacheable \(([\d.]+) s\)", out)
    assert match, out
    return int(match.group(1)), int(match.group(2)), float(match.group(3))


@pytest.mark.slow
def test_a_second_fresh_process_loads_compiled_code_instead_of_compiling():
    _fill_in_fresh_process()  # fills the cache if `make` has not (a no-op load otherwise)
    loaded, compiled, _ = _fill_in_fresh_process()
    # Without the disk cache every one of UMAP's ~100 signatures is compiled again in each process (0 loaded).
    # Without stable names for the distance functions passed as arguments, 7 large ones were compiled again
    # (numba keys their cache entries on the argument's per-process id); now 2 that numba cannot cache.
    assert loaded >= 50, (loaded, compiled)
    assert compiled <= 3, (loaded, compiled)
    timings = json.loads((numba_cache.default_cache_dir() / umap_warmup.TIMING_FILE).read_text())
    assert set(timings) <= {"compile", "cached"}
