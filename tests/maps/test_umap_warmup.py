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
