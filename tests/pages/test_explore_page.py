"""AppTest of the Explore page: PCA at once, counts that match the resampled training rows, the
Train page's sampler as default, 3-D, and UMAP computed in the background without blocking a rerun."""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core import cli
from imbalance_core.intake import bundled, task
from imbalance_core.learn.training import TrainSettings, resample_for_view
from imbalance_core.maps.projection import UMAP_EPOCHS
from pages import session_state
from tests.pages.seating import seat_data

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "explore.py")


@pytest.fixture(scope="module")
def hcv():
    table = bundled.load_bundled("hcv")
    spec = bundled.BUNDLED["hcv"].default_spec
    return table, spec, task.prepare(table, spec)


def _app(hcv, settings: TrainSettings | None = None) -> AppTest:
    table, spec, data = hcv
    at = AppTest.from_file(PAGE, default_timeout=60)
    seat_data(at, table=table, spec=spec, source="bundled:hcv", data=data)
    if settings is not None:
        at.session_state[session_state.K_TRAIN_SETTINGS] = settings
    return at


def _metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value.replace(",", "")) for m in at.metric}


def _chart(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_pca_with_train_page_sampler_by_default(hcv):
    settings = TrainSettings(sampler="random_under", ratio=0.5)
    at = _app(hcv, settings).run()
    assert not at.exception
    assert at.selectbox(key="explore_sampler").value == "random_under"
    assert at.select_slider(key="explore_ratio").value == "1:2"
    view = resample_for_view(hcv[2], settings)
    n_min = int(np.sum(view.y_real == 1))
    n_maj = len(view.y_real) - n_min
    counts = _metrics(at)
    assert counts["Real training rows"] == len(view.y_real)
    assert counts["Removed by the sampler"] == n_maj - 2 * n_min  # majority lowered to 2x minority
    assert counts["Synthetic"] == 0
    assert counts["After resampling"] == 3 * n_min
    spec = _chart(at)
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("PC1 (")
    assert any("removed" in trace["name"] for trace in spec["data"])
    loadings = at.dataframe[0].value
    assert list(loadings["Component"]) == ["PC1", "PC2"]
    # a sentence under the chart and under the table, from the same counts (issue 26)
    captions = [c.value.replace("\\", "") for c in at.caption]
    removed = n_maj - 2 * n_min
    assert any(
        f"after Random under-sampling, {3 * n_min:,} rows" in c and f"{removed:,} removed" in c
        for c in captions
    )
    assert any(c.startswith("The 2 components shown explain") for c in captions)
    # removed rows are drawn under the kept ones (their crosses never hide a patient)
    names = [trace["name"] for trace in spec["data"]]
    assert max(i for i, n in enumerate(names) if "removed" in n) < min(
        i for i, n in enumerate(names) if "removed" not in n
    )


def test_smote_and_3d(hcv):
    at = _app(hcv).run()
    at.selectbox(key="explore_sampler").set_value("smote").run()
    at.select_slider(key="explore_ratio").set_value("1:1").run()
    counts = _metrics(at)
    assert counts["Synthetic"] > 0 and counts["Removed by the sampler"] == 0
    assert counts["After resampling"] == counts["Real training rows"] + counts["Synthetic"]
    at.radio(key="explore_dims").set_value("3-D").run()
    assert not at.exception
    spec = _chart(at)
    assert "scene2" in spec["layout"]
    assert any(t["type"] == "scatter3d" and "synthetic" in t["name"] for t in spec["data"])
    assert len(at.dataframe[0].value) == 3


@pytest.mark.slow
def test_umap_runs_in_background_and_page_stays_usable(hcv):
    at = _app(hcv).run()
    start = time.monotonic()
    at.segmented_control(key="explore_method").set_value("umap").run()
    first = time.monotonic() - start
    assert not at.exception
    jobs = at.session_state["explore_umap_jobs"]
    assert len(jobs) == 1
    job = next(iter(jobs.values()))
    if not job.future.done():  # still computing (cold numba): the page shows PCA and a progress bar
        assert first < 20
        assert at.get("progress")
        assert _chart(at)["layout"]["xaxis"]["title"]["text"].startswith("PC1")
        start = time.monotonic()
        at.segmented_control(key="explore_method").set_value("pca").run()  # other widgets still answer
        assert not at.exception and time.monotonic() - start < 20
        assert at.radio(key="explore_dims").value == "2-D"
        at.radio(key="explore_dims").set_value("3-D").run()
        at.segmented_control(key="explore_method").set_value("umap").run()
        assert not at.exception  # a job from an earlier run of the page script is still recognised
        # the same job, not a second one (or none: it may have finished while PCA was shown)
        still = at.session_state["explore_umap_jobs"]
        assert len(still) <= 1 and all(j.future is job.future for j in still.values())
    job.future.result(timeout=400)
    at.run()
    assert not at.exception
    spec = _chart(at)
    assert spec["layout"]["xaxis"]["title"]["text"] == "UMAP 1"
    assert at.slider(key="explore_n_neighbors").value == 15
    # cached by (data, settings): asking again starts no new job and draws at once
    at.run()
    assert not at.session_state["explore_umap_jobs"]
    assert _chart(at)["layout"]["xaxis"]["title"]["text"] == "UMAP 1"
    assert at.select_slider(key="explore_n_epochs").value == UMAP_EPOCHS
    assert any(f"n_epochs = {UMAP_EPOCHS}" in c.value for c in at.caption)
    # fewer layout passes: a new map with its own settings, named in the caption
    at.select_slider(key="explore_n_epochs").set_value(100).run()
    jobs = at.session_state["explore_umap_jobs"]
    assert [dict(key[2])["n_epochs"] for key in jobs] == [100]
    next(iter(jobs.values())).future.result(timeout=120)
    at.run()
    assert not at.exception
    assert any("n_epochs = 100" in c.value for c in at.caption)


def test_equivalent_command_draws_the_same_picture(hcv, capsys):
    """The page's `project` line, run through the CLI, gives the page's counts and explained variance."""
    settings = TrainSettings(sampler="random_under", ratio=0.5, seed=3)
    at = _app(hcv, settings).run()
    at.radio(key="explore_dims").set_value("3-D").run()
    assert not at.exception
    argv = shlex.split(at.code[0].value)
    assert argv[:4] == ["python", "-m", "imbalance_core", "project"]
    capsys.readouterr()
    assert cli.main([*argv[3:], "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    page = _metrics(at)
    counts = summary["counts"]
    assert (counts["real"], counts["removed"], counts["synthetic"], counts["after"]) == (
        page["Real training rows"],
        page["Removed by the sampler"],
        page["Synthetic"],
        page["After resampling"],
    )
    shown = [float(v.rstrip("%")) / 100 for v in at.dataframe[0].value["Explained variance"]]
    cli_ratios = [c["explained_variance_ratio"] for c in summary["components"]]
    assert len(cli_ratios) == 3
    np.testing.assert_allclose(cli_ratios, shown, atol=6e-4)  # the page shows one decimal of a percent
