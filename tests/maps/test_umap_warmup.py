"""The UMAP warm-up's switch and status (the warm-up itself is exercised by the Explore tests)."""

from __future__ import annotations

import pytest

from imbalance_core.maps import umap_warmup


@pytest.mark.parametrize(
    ("value", "wanted"),
    [(None, True), ("on", True), ("1", True), ("off", False), (" OFF ", False), ("0", False), ("no", False)],
)
def test_warmup_switch(value, wanted):
    environ = {} if value is None else {umap_warmup.ENV_SWITCH: value}
    assert umap_warmup.warmup_wanted(environ) is wanted


def test_switched_off_starts_nothing(monkeypatch):
    monkeypatch.setattr(umap_warmup, "_thread", None)
    monkeypatch.setattr(umap_warmup, "_started_at", None)
    assert umap_warmup.start_background_warmup({umap_warmup.ENV_SWITCH: "off"}) is False
    assert umap_warmup._thread is None
    status = umap_warmup.warmup_status()
    assert status.state == "idle" and not status.ready
    assert umap_warmup.wait_until_warm(timeout=0.01) is False


def _fresh(monkeypatch, warmup):
    """A process state with no warm-up run yet, and ``warmup`` in place of the real (slow) compile."""
    import threading

    monkeypatch.setattr(umap_warmup, "_thread", None)
    monkeypatch.setattr(umap_warmup, "_started_at", None)
    monkeypatch.setattr(umap_warmup, "_finished_at", None)
    monkeypatch.setattr(umap_warmup, "_error", "")
    monkeypatch.setattr(umap_warmup, "_done", threading.Event())
    monkeypatch.setattr(umap_warmup, "run_warmup", warmup)
    first_page = threading.Event()
    first_page.set()
    monkeypatch.setattr(umap_warmup, "_first_page_drawn", first_page)
    monkeypatch.setattr(umap_warmup, "compile_in_low_priority_process", lambda: True)


def test_on_done_runs_after_a_successful_warmup(monkeypatch):
    _fresh(monkeypatch, lambda: None)
    called = []
    assert umap_warmup.start_background_warmup({}, on_done=lambda: called.append(True)) is True
    umap_warmup._thread.join(timeout=10)
    assert umap_warmup.warmup_status().state == "done" and called == [True]
    assert umap_warmup.start_background_warmup({}, on_done=lambda: called.append(True)) is False  # once


def test_on_done_is_skipped_when_the_warmup_fails(monkeypatch):
    def broken() -> None:
        raise RuntimeError("no compiler")

    _fresh(monkeypatch, broken)
    called = []
    umap_warmup.start_background_warmup({}, on_done=lambda: called.append(True))
    umap_warmup._thread.join(timeout=10)
    status = umap_warmup.warmup_status()
    assert status.state == "failed" and status.error == "RuntimeError" and status.ready
    assert called == []


def test_waits_for_the_first_page_and_compiles_in_a_process_only_without_a_cache(monkeypatch, tmp_path):
    import threading

    from imbalance_core.maps import numba_cache

    order: list[str] = []
    _fresh(monkeypatch, lambda: order.append("load in this process"))
    waiting = threading.Event()
    monkeypatch.setattr(umap_warmup, "_first_page_drawn", waiting)
    monkeypatch.setattr(
        umap_warmup, "compile_in_low_priority_process", lambda: order.append("compile") or True
    )
    monkeypatch.setenv(numba_cache.CACHE_DIR_ENV, str(tmp_path))  # an empty cache folder
    assert umap_warmup.start_background_warmup({}) is True
    umap_warmup._thread.join(timeout=0.3)
    assert order == [] and umap_warmup.warmup_status().state == "running"  # the first page comes first
    umap_warmup.note_first_page_drawn()
    umap_warmup._thread.join(timeout=10)
    assert order == ["compile", "load in this process"]  # compile_in_low_priority_process's result: ignored
    status = umap_warmup.warmup_status()
    assert status.state == "done" and not status.from_cache and "low-priority" in status.activity
    assert umap_warmup.read_timings(tmp_path).keys() == {"compile"}  # measured, for the next start

    order.clear()
    _fresh(monkeypatch, lambda: order.append("load in this process"))
    monkeypatch.setattr(
        umap_warmup, "compile_in_low_priority_process", lambda: order.append("compile") or True
    )
    (tmp_path / "umap_x").mkdir()
    (tmp_path / "umap_x" / "f.nbi").write_bytes(b"")  # now the cache holds compiled code
    umap_warmup.start_background_warmup({})
    umap_warmup._thread.join(timeout=10)
    assert order == ["load in this process"]
    status = umap_warmup.warmup_status()
    assert status.from_cache and status.expected_seconds == umap_warmup.read_timings(tmp_path)["cached"]
    assert set(umap_warmup.read_timings(tmp_path)) == {"compile", "cached"}


def test_the_compile_process_is_niced_and_its_failure_is_a_plain_false(monkeypatch):
    import subprocess

    seen = {}

    def fake_run(args, **kwargs):
        seen["args"], seen["preexec"] = args, kwargs.get("preexec_fn")
        return subprocess.CompletedProcess(args, 1)

    monkeypatch.setattr(umap_warmup.subprocess, "run", fake_run)
    assert umap_warmup.compile_in_low_priority_process() is False
    assert seen["args"][1:] == ["-m", "imbalance_core.maps.umap_warmup"] and seen["preexec"] is not None
