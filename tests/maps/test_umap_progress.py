"""UMAP progress (issue 12 item 10): the bar moves with the layout passes UMAP reports, never an estimate
stuck at 95 %; the Explore page shows this fraction with the pass count and elapsed seconds."""

from __future__ import annotations

import pytest

from imbalance_core.maps.projection import FIT_SHARE, umap_progress


def test_before_the_first_pass_nothing_is_claimed():
    assert umap_progress([], placing=False, places=True) == 0.0


def test_fit_passes_fill_the_fit_share_then_placing_fills_the_rest():
    assert umap_progress([(50, 200)], placing=False, places=True) == pytest.approx(FIT_SHARE / 4)
    assert umap_progress([(50, 200), (200, 200)], placing=False, places=True) == pytest.approx(FIT_SHARE)
    mid = umap_progress([(200, 200), (33, 66)], placing=True, places=True)
    assert mid == pytest.approx(FIT_SHARE + (1 - FIT_SHARE) / 2)
    assert umap_progress([(66, 66)], placing=True, places=True) == pytest.approx(1.0)


def test_without_rows_to_place_the_fit_fills_the_whole_bar():
    assert umap_progress([(100, 200)], placing=False, places=False) == pytest.approx(0.5)
