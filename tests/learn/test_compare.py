"""The comparison grid: every row equals a separate ``training.train`` run, failures become rows, the
hold-out table and the rankings agree with scikit-learn and plain arithmetic."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, confusion_matrix, f1_score, recall_score, roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.evaluation.thresholds import pick_youden
from imbalance_core.figures.leaderboard import DEFAULT_METRICS, leaderboard_figure
from imbalance_core.learn import compare, training
from imbalance_core.learn.training import TrainSettings
from tests.helpers_training import hcv, hcv_numeric

BASE = TrainSettings(cv=3, seed=7)


@pytest.fixture(scope="module")
def grid() -> compare.CompareResult:
    """A small grid run in parallel worker processes (the path the app uses)."""
    return compare.run_grid(hcv(), ["none", "smote", "smoten"], ["logreg"], BASE, n_jobs=2)


def _same_result(a: training.TrainResult, b: training.TrainResult) -> None:
    np.testing.assert_array_equal(a.test_index, b.test_index)
    np.testing.assert_array_equal(a.train_index, b.train_index)
    np.testing.assert_allclose(a.test_scores, b.test_scores, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.oof_scores, b.oof_scores, rtol=0, atol=1e-12)
    assert a.cv_summary.keys() == b.cv_summary.keys()
    for key in a.cv_summary:
        assert a.cv_summary[key].mean == pytest.approx(b.cv_summary[key].mean, abs=1e-12)
        assert a.cv_summary[key].sd == pytest.approx(b.cv_summary[key].sd, abs=1e-12)
    assert a.train_counts == b.train_counts
    assert a.resampled_counts == b.resampled_counts
    assert a.notices == b.notices
    assert a.settings == b.settings


@pytest.mark.parametrize("sampler", ["none", "smote"])
def test_parallel_rows_equal_separate_training_runs(grid, sampler):
    row = next(r for r in grid.rows if r.sampler == sampler)
    assert row.error is None
    alone = training.train(hcv(), dataclasses.replace(BASE, sampler=sampler, classifier="logreg"))
    _same_result(row.result, alone)


def test_in_process_grid_equals_training_run_for_another_classifier():
    settings = dataclasses.replace(BASE, sampler="random_under", classifier="knn", ratio=0.5)
    result = compare.run_grid(hcv_numeric(), ["random_under"], ["knn"], settings, n_jobs=1)
    _same_result(result.rows[0].result, training.train(hcv_numeric(), settings))


def test_failing_pair_becomes_error_row_and_others_still_run(grid):
    assert [r.sampler for r in grid.rows] == ["none", "smote", "smoten"]
    bad = grid.rows[2]
    assert bad.error and "SMOTE-N" in bad.error
    assert bad.result is None and bad.tp is None and bad.cv == {}
    assert all(r.error is None and r.result is not None for r in grid.rows[:2])


def test_fold_level_failure_becomes_error_row():
    """Two positives in the training part and 2 folds: each SMOTE training fold holds one positive."""
    data = hcv_numeric()
    pos = np.flatnonzero(data.y == 1)[:3]
    keep = np.sort(np.concatenate([np.flatnonzero(data.y == 0)[:60], pos]))
    tiny = dataclasses.replace(data, X=data.X.iloc[keep].reset_index(drop=True), y=data.y[keep])
    settings = TrainSettings(cv=2, test_size=0.3, seed=0)
    train_idx, _ = training.split_indices(tiny, settings)
    assert int(tiny.y[train_idx].sum()) == 2  # precondition of the scenario
    result = compare.run_grid(tiny, ["none", "smote"], ["logreg"], settings, n_jobs=1)
    assert result.rows[0].error is None
    assert result.rows[1].error is not None and "SMOTE" in result.rows[1].error


def test_holdout_table_matches_sklearn(grid):
    """Each pair at its own default threshold (the Youden pick on its own out-of-fold scores)."""
    for row in grid.rows[:2]:
        r = row.result
        t = pick_youden(r.y_train, r.oof_scores).threshold
        assert row.threshold == t and row.threshold_origin.startswith("default: Youden")
        pred = (r.test_scores >= t).astype(int)
        tn, fp, fn, tp = confusion_matrix(r.y_test, pred, labels=[0, 1]).ravel()
        assert (row.tp, row.tn, row.fp, row.fn) == (tp, tn, fp, fn)
        assert row.holdout["sensitivity"] == pytest.approx(recall_score(r.y_test, pred))
        assert row.holdout["specificity"] == pytest.approx(recall_score(r.y_test, pred, pos_label=0))
        assert row.holdout["f1"] == pytest.approx(f1_score(r.y_test, pred))


def test_cv_means_match_sklearn_per_fold(grid):
    """CV mean ± sd recomputed from the out-of-fold scores and the same StratifiedKFold."""
    from sklearn.model_selection import StratifiedKFold

    r = grid.rows[1].result
    row_t = grid.rows[1].threshold
    folds = StratifiedKFold(BASE.cv, shuffle=True, random_state=BASE.seed).split(r.y_train, r.y_train)
    aucs, aps, sens = [], [], []
    for _, valid in folds:
        y, s = r.y_train[valid], r.oof_scores[valid]
        aucs.append(roc_auc_score(y, s))
        aps.append(average_precision_score(y, s))
        sens.append(recall_score(y, (s >= row_t).astype(int)))
    row = grid.rows[1]
    assert row.cv["roc_auc"].mean == pytest.approx(np.mean(aucs))
    assert row.cv["roc_auc"].sd == pytest.approx(np.std(aucs, ddof=1))
    assert row.cv["pr_auc"].mean == pytest.approx(np.mean(aps))
    assert row.cv["sensitivity"].mean == pytest.approx(np.mean(sens))


def test_threshold_moves_the_holdout_counts():
    low = compare.run_grid(hcv_numeric(), ["none"], ["logreg"], BASE, n_jobs=1, threshold=0.2).rows[0]
    r = low.result
    pred = (r.test_scores >= 0.2).astype(int)
    tn, fp, fn, tp = confusion_matrix(r.y_test, pred, labels=[0, 1]).ravel()
    assert (low.tp, low.tn, low.fp, low.fn) == (tp, tn, fp, fn)
    assert low.threshold == 0.2


def test_at_threshold_recounts_without_retraining(grid):
    moved = grid.at_threshold(0.3)
    assert moved.threshold_text == "one threshold for every pair, set by hand: 0.3000"
    assert grid.threshold is None and "own default" in grid.threshold_text
    for before, after in zip(grid.rows, moved.rows, strict=True):
        assert after.result is before.result
        if before.error:
            assert after.error == before.error and after.threshold == 0.3
            continue
        assert after.cv["roc_auc"] == before.cv["roc_auc"]  # threshold-free: unchanged
        oof = before.result.oof_scores >= 0.3
        fold_of = before.result.oof_fold
        y = before.result.y_train
        sens = [recall_score(y[fold_of == k], oof[fold_of == k]) for k in (1, 2, 3)]
        assert after.cv["sensitivity"].mean == pytest.approx(np.mean(sens))
        assert after.threshold_origin == compare.SET_BY_HAND
        pred = (before.result.test_scores >= 0.3).astype(int)
        tn, fp, fn, tp = confusion_matrix(before.result.y_test, pred, labels=[0, 1]).ravel()
        assert (after.tp, after.tn, after.fp, after.fn) == (tp, tn, fp, fn)
    with pytest.raises(DataError):
        grid.at_threshold(1.5)


def test_ranking_by_sensitivity_and_f1_puts_failed_rows_last(grid):
    ranked = grid.ranked("sensitivity_f1")
    ok = [r for r in grid.rows if r.error is None]
    expected = sorted(ok, key=lambda r: -(r.cv["sensitivity"].mean + r.cv["f1"].mean) / 2)
    assert [r.sampler for r in ranked[:2]] == [r.sampler for r in expected]
    assert ranked[-1].error is not None
    frame = grid.to_frame("sensitivity_f1")
    assert list(frame["sampler"]) == [r.sampler for r in ranked]
    assert list(frame["Rank"].iloc[:2]) == [1, 2] and frame["Rank"].isna().iloc[2]


def test_frame_has_pneumonia_table_columns(grid):
    frame = grid.to_frame()
    for column in (
        "CV ROC AUC",
        "CV PR AUC",
        "CV Balanced accuracy",
        "CV Sensitivity",
        "CV Specificity",
        "CV F1",
        "TP",
        "TN",
        "FP",
        "FN",
        "Test Sensitivity",
        "Error",
    ):
        assert column in frame.columns
    row = grid.rows[0]
    mean, sd = row.cv["f1"].mean, row.cv["f1"].sd
    assert frame.loc[0, "CV F1"] == f"{mean:.3f} ± {sd:.3f}"
    assert frame.loc[0, "TP"] == row.tp


def test_progress_is_reported_per_task_up_to_one():
    seen: list[float] = []
    result = compare.run_grid(
        hcv_numeric(),
        ["none", "random_over"],
        ["logreg"],
        BASE,
        n_jobs=1,
        progress=lambda message, fraction: seen.append(fraction),
    )
    assert result.n_tasks == 2 * (BASE.cv + 1)
    assert len(seen) == result.n_tasks + 1  # the start plus one per finished task
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_unknown_keys_and_empty_grid_are_refused():
    with pytest.raises(DataError):
        compare.run_grid(hcv(), ["no_such_method"], ["logreg"], BASE, n_jobs=1)
    with pytest.raises(DataError):
        compare.run_grid(hcv(), [], ["logreg"], BASE, n_jobs=1)


def test_leaderboard_figure_draws_each_successful_row(grid):
    fig = leaderboard_figure(grid.ranked())
    assert len(fig.data) == len(DEFAULT_METRICS)
    sens = next(t for t in fig.data if t.name == "Sensitivity")
    assert len(sens.y) == 2
    expected = [r.cv["sensitivity"].mean for r in grid.ranked()[:2]]
    np.testing.assert_allclose(np.asarray(sens.x, dtype=float), expected)


def test_platt_grid_on_low_prevalence_is_not_judged_at_half():
    """Issue 23 defect 2: with Platt every risk sits near the 5 % prevalence; at 0.5 every row read
    sensitivity 0.000 / F1 0.000 while its own threshold finds patients."""
    from tests.learn.test_operating_point import low_prevalence

    settings = TrainSettings(cv=3, recalibrate="platt")
    result = compare.run_grid(low_prevalence(), ["none", "random_under"], ["logreg"], settings, n_jobs=1)
    assert result.threshold is None
    for row in result.rows:
        r = row.result
        assert r.test_scores.max() < 0.5
        t = pick_youden(r.y_train, r.oof_scores).threshold
        assert row.threshold == t < 0.5
        tp = int(((r.test_scores >= t) & (r.y_test == 1)).sum())
        assert row.tp == tp > 0 and row.holdout["sensitivity"] > 0
        assert row.cv["sensitivity"].mean > 0.1


def test_multiclass_grid_names_no_threshold():
    from tests.helpers_training import hcv_multiclass

    grid = compare.run_grid(hcv_multiclass(), ["none"], ["logreg"], BASE, n_jobs=1)
    assert grid.rows[0].threshold is None and grid.rows[0].threshold_origin == "most probable class"
    assert grid.threshold_text.startswith("the most probable class")
