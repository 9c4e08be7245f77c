"""CV measures at the model's own threshold (issue 23, defect 1): counted per fold from the out-of-fold
scores and checked against scikit-learn on the folds rebuilt independently."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from imbalance_core.evaluation.thresholds import ChosenThreshold, pick_youden
from imbalance_core.intake import task
from imbalance_core.intake.read import read_table
from imbalance_core.learn.operating_point import (
    CV_MEASURES,
    FLATTERS,
    cv_at_threshold,
    model_threshold,
    threshold_words,
)
from imbalance_core.learn.training import TrainSettings, train
from tests.helpers_training import hcv_multiclass

LOW = Path(__file__).resolve().parents[1] / "fixtures" / "low_prevalence_readmission.csv"
PLATT = TrainSettings(cv=3, recalibrate="platt")


@cache
def low_prevalence():
    """5 % readmission within 30 days, mixed types (tests/fixtures/make_low_prevalence.py)."""
    table = read_table(LOW.read_bytes(), name=LOW.name)
    return task.prepare(table, task.TaskSpec(label="readmitted_30", positive=("yes",)))


@cache
def platt_result():
    return train(low_prevalence(), PLATT)


def test_platt_on_low_prevalence_finds_nobody_at_half_but_some_at_its_threshold():
    result = platt_result()
    assert result.test_scores.max() < 0.5  # every recalibrated risk sits far below 0.5
    chosen = model_threshold(result)
    assert chosen.is_default and chosen.value == pick_youden(result.y_train, result.oof_scores).threshold
    cv = cv_at_threshold(result, chosen)
    assert cv.summary["sensitivity"].mean > 0.3
    assert result.cv_summary["sensitivity"].mean < 0.05  # the stored 0.5 fold measures: nobody found
    assert cv.note == FLATTERS and cv.picked_on_these


def test_fold_measures_match_sklearn_on_independently_rebuilt_folds():
    result = platt_result()
    chosen = model_threshold(result)
    cv = cv_at_threshold(result, chosen)
    y = result.y_train
    splitter = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    for i, (_fit, valid) in enumerate(splitter.split(np.zeros(len(y)), y)):
        fold = cv.folds[i]
        assert fold["fold"] == i + 1 and fold["n_valid"] == len(valid)
        s, yv = result.oof_scores[valid], y[valid]
        assert fold["sensitivity"] == pytest.approx(recall_score(yv, s >= chosen.value))
        assert fold["specificity"] == pytest.approx(recall_score(1 - yv, s < chosen.value))
        assert fold["roc_auc"] == pytest.approx(roc_auc_score(yv, s))
        assert fold["brier"] == pytest.approx(brier_score_loss(yv, s))
    assert list(cv.summary) == list(CV_MEASURES)
    means = [f["sensitivity"] for f in cv.folds]
    assert cv.summary["sensitivity"].mean == pytest.approx(np.mean(means))
    assert cv.summary["sensitivity"].sd == pytest.approx(np.std(means, ddof=1))


def test_a_committed_threshold_is_used_and_named_and_does_not_flatter():
    result = platt_result()
    mine = ChosenThreshold(0.05, "chosen by hand", False)
    cv = cv_at_threshold(result, model_threshold(result, mine))
    assert cv.threshold == 0.05 and cv.note == ""
    folds = [result.oof_fold == k for k in (1, 2, 3)]
    expected = np.mean([recall_score(result.y_train[f], result.oof_scores[f] >= 0.05) for f in folds])
    assert cv.summary["sensitivity"].mean == pytest.approx(expected)
    assert threshold_words(mine) == "threshold 0.0500 (chosen by hand)"


def test_multiclass_has_no_threshold():
    result = train(hcv_multiclass(), TrainSettings(cv=3))
    assert model_threshold(result) is None
    cv = cv_at_threshold(result, None)
    assert cv.threshold is None and "brier" not in cv.summary
    assert cv.summary["roc_auc"] == result.cv_summary["roc_auc"]
    assert threshold_words(None) == "the most probable class"
