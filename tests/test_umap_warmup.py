"""The UMAP warm-up's switch and status (the warm-up itself is exercised by the Explore tests)."""

from __future__ import annotations

import pytest

from imbalance_core import umap_warmup


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
