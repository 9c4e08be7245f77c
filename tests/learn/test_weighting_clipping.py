"""Issue 12 item 6: weighting after a 1:1 sampler says it changes nothing; clipping reports what it changed.

Numbers are checked by hand on the resampled fold: the same sampler run without clipping gives the
synthetic rows, and the values outside the bounds are counted directly.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from imbalance_core.learn import training
from imbalance_core.learn.training import TrainSettings
from tests.cli.hcv_evaluate import TASK as HCV_TASK
from tests.helpers_training import hcv, hcv_numeric


@pytest.fixture(scope="module")
def smote_pair():
    data = hcv_numeric()
    base = TrainSettings(sampler="smote", classifier="logreg", ratio=1.0, cv=2, seed=4)
    plain = training.train(data, base)
    weighted = training.train(data, TrainSettings(**{**base.__dict__, "weighting": "balanced"}))
    return plain, weighted


def test_balanced_weights_after_smote_1_to_1_are_all_one_and_change_nothing(smote_pair):
    plain, weighted = smote_pair
    counts = weighted.resampled_counts
    assert len(set(counts.values())) == 1  # SMOTE 1:1: equal classes
    # balanced: n / (k * n_c) = 1 for equal classes (hand computation)
    assert weighted.pipeline.named_steps["classifier"].weights_ == {0: 1.0, 1: 1.0}
    np.testing.assert_allclose(weighted.test_scores, plain.test_scores, rtol=1e-9, atol=1e-12)
    y = plain.y_test
    assert (
        confusion_matrix(y, weighted.test_scores >= 0.5).tolist()
        == confusion_matrix(y, plain.test_scores >= 0.5).tolist()
    )
    assert any("nothing left to balance" in n for n in weighted.notices)
    assert not any("nothing left to balance" in n for n in plain.notices)


def test_balanced_weights_after_smote_1_to_2_act_and_say_nothing():
    data = hcv_numeric()
    result = training.train(
        data, TrainSettings(sampler="smote", ratio=0.5, weighting="balanced", cv=2, seed=4)
    )
    n0, n1 = result.resampled_counts.values()
    n = n0 + n1
    weights = result.pipeline.named_steps["classifier"].weights_
    assert weights == pytest.approx({0: n / (2 * n0), 1: n / (2 * n1)})
    assert weights[1] > 1.4
    assert not any("nothing left to balance" in x for x in result.notices)


def test_pre_training_notice_only_for_balancing_sampler_and_weights():
    notice = training.weighting_overlap_notice
    assert "nothing left to balance" in notice(TrainSettings(sampler="smote", weighting="balanced"))
    assert notice(TrainSettings(sampler="random_under", weighting="tradeoff")) is not None
    assert notice(TrainSettings(sampler="smote", ratio=0.5, weighting="balanced")) is None
    assert notice(TrainSettings(sampler="none", weighting="balanced")) is None
    assert notice(TrainSettings(sampler="tomek", weighting="balanced")) is None  # cleaning: no ratio
    assert notice(TrainSettings(sampler="smote", weighting="custom", custom_weights=(1, 5))) is None


def _unclipped_synthetic(data, settings):
    """The final fit's resampled fold without any clipping: synthetic rows and column names."""
    free = TrainSettings(**{**settings.__dict__, "clip": False, "clip_bounds": ()})
    view = training.resample_for_view(data, free)
    return view.X_after[view.is_synthetic], list(view.feature_names), view


@pytest.mark.parametrize("data_fn", [hcv_numeric, hcv])  # hcv adds a one-hot Sex column
def test_clipped_counts_equal_a_hand_count_on_the_resampled_fold(data_fn):
    data = data_fn()
    alt = np.asarray(data.X["ALT"], dtype=float)
    low, high = float(np.nanpercentile(alt, 20)), float(np.nanpercentile(alt, 70))
    bounds = (("ALT", low, high), ("CREA", 0.0, 90.0))
    settings = TrainSettings(sampler="smote", ratio=0.5, clip_bounds=bounds, cv=2, seed=2)
    synthetic, names, _ = _unclipped_synthetic(data, settings)
    hand = {}
    for column, lo, hi in bounds:
        values = synthetic[:, names.index(column)]
        hand[column] = int(((values < lo) | (values > hi)).sum())
    assert hand["ALT"] > 10 and hand["CREA"] > 0
    result = training.train(data, settings)
    assert result.clipped_counts == hand
    # ... and the model was really fitted on clipped values: the sampler's fold stays within bounds.
    pipe = training.build_pipeline(data, settings)
    X_pre = pipe.named_steps["preprocess"].fit_transform(data.X.iloc[result.train_index])
    X_after, _ = pipe.named_steps["sampler"].fit_resample(X_pre, data.y[result.train_index])
    j = names.index("ALT")
    assert X_after[:, j][pipe.named_steps["sampler"].origin_ < 0].max() <= high


def test_observed_range_clipping_changes_nothing_for_smote():
    data = hcv_numeric()
    settings = TrainSettings(sampler="smote", ratio=1.0, clip=True, cv=2, seed=2)
    synthetic, _, view = _unclipped_synthetic(data, settings)
    lo, hi = view.X_real.min(axis=0), view.X_real.max(axis=0)
    spread = hi - lo
    # interpolation never leaves the observed range (beyond float rounding)
    assert (synthetic >= lo - 1e-9 * spread).all() and (synthetic <= hi + 1e-9 * spread).all()
    assert training.train(data, settings).clipped_counts == {}


def test_cli_json_reports_clipped_values_and_the_weighting_notice(capsys):
    import json
    from pathlib import Path

    from imbalance_core.cli import main

    hcv_csv = Path(__file__).resolve().parents[2] / "sample_data" / "hcv_lab_values.csv"
    args = ["evaluate", str(hcv_csv), *HCV_TASK, "--sampler", "smote", "--classifier", "logreg", "--cv", "2",
            "--seed", "2", "--clip-bound", "ALT:5:40", "--weighting", "balanced", "--json"]  # fmt: skip
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    data = hcv()
    settings = TrainSettings(
        sampler="smote", clip_bounds=(("ALT", 5.0, 40.0),), weighting="balanced", cv=2, seed=2
    )
    synthetic, names, _ = _unclipped_synthetic(data, settings)
    alt = synthetic[:, names.index("ALT")]
    assert payload["clipped_values"] == {"ALT": int(((alt < 5) | (alt > 40)).sum())}
    assert payload["clipped_values"]["ALT"] > 0
    assert any("nothing left to balance" in n for n in payload["notices"])
