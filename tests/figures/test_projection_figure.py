"""The Explore figure's drawing order and titles (issue 26): removed rows under everything, the patients
with the disease on top, and panel titles short enough to stay whole."""

from __future__ import annotations

import numpy as np
import pytest

from imbalance_core.figures.projection import panel_titles, resampled_projection_figure
from imbalance_core.maps.projection import project_resampled, resample_arrays


def _blobs(n: int = 300, p: int = 4, minority: float = 0.3, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < minority).astype(np.int64)
    return rng.normal(size=(n, p)) + 1.0 * y[:, None], y


def _figure(method: str, dims: int = 2, names=("healthy", "sick")):
    X, y = _blobs()
    result = project_resampled(resample_arrays(X, y, method), "pca", dims)
    return result, resampled_projection_figure(result, names, "Random under-sampling")


@pytest.mark.parametrize("dims", [2, 3])
def test_removed_rows_are_drawn_first_and_positives_last_in_the_before_panel(dims):
    result, fig = _figure("random_under", dims)
    assert result.counts.removed > 0  # precondition: the sampler removed rows
    names = [t.name for t in fig.data]
    removed = [i for i, n in enumerate(names) if "removed" in n]
    kept = [i for i, n in enumerate(names) if "removed" not in n]
    assert max(removed) < min(kept)  # every removed trace under every kept one
    # in the before panel (the first axes / scene), the real positives are the topmost trace
    first = "scene" if dims == 3 else "x"
    before = [t.name for t in fig.data if (t.scene if dims == 3 else t.xaxis) == first]
    assert before[-1] == "sick · real"
    assert before.index("healthy · real") < before.index("sick · real")


def test_positive_on_top_even_when_it_is_the_larger_class():
    X, y = _blobs(minority=0.7)
    result = project_resampled(resample_arrays(X, y, "random_under"), "pca", 2)
    fig = resampled_projection_figure(result, ("healthy", "sick"))
    real = [t.name for t in fig.data if t.name.endswith("· real") and t.xaxis == "x"]
    assert real == ["healthy · real", "sick · real"]


def test_titles_take_two_short_lines_and_leave_room():
    result, fig = _figure("random_under")
    c = result.counts
    titles = [a.text for a in fig.layout.annotations][:2]
    assert titles == [
        f"Before resampling<br>{c.real:,} real training rows",
        f"After Random under-sampling<br>{c.after:,} rows: 0 synthetic, {c.removed:,} removed",
    ]
    for title in titles:
        assert all(len(line) <= 45 for line in title.split("<br>")), title
    assert fig.layout.margin.t >= 80  # two lines of 14 px above the plots


def test_no_resampling_is_not_called_after():
    assert (
        panel_titles(10, 10, 0, 0, "No resampling")[1] == "No resampling<br>10 rows: 0 synthetic, 0 removed"
    )


def test_long_sampler_name_still_fits():
    _, after = panel_titles(12345, 24690, 12345, 0, "Borderline-SMOTE + Tomek")
    assert all(len(line) <= 45 for line in after.split("<br>"))
