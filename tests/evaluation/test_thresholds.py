"""Threshold core: counts and metrics against scikit-learn, stop table rows against direct counting,
pickers against brute force and TunedThresholdClassifierCV, and the explorer payload contract."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    class_likelihood_ratios,
    confusion_matrix,
    fbeta_score,
    make_scorer,
    matthews_corrcoef,
    precision_recall_fscore_support,
)
from sklearn.model_selection import TunedThresholdClassifierCV
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.errors import DataError
from imbalance_core.evaluation import thresholds as th
from tests.fit_spy import fit_calls

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning"),
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
]

TOL = {"rtol": 1e-12, "atol": 1e-12, "equal_nan": True}


def _data(n: int = 400, prev: float = 0.2, seed: int = 0, decimals: int | None = 2):
    """Imbalanced labels with informative scores in [0, 1]; rounding makes many ties."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prev).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.8 * y - 1.5)))
    if decimals is not None:
        s = np.round(s, decimals)
    return y, s


def _thresholds(s: np.ndarray, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    some = rng.choice(np.unique(s), 30, replace=False)
    return np.concatenate(
        [
            rng.uniform(-0.05, 1.05, 500),
            [0.0, 1.0, s.min(), s.max(), s.min() - 0.01, s.max() + 0.01, np.nextafter(s.max(), 2)],
            some,
            np.nextafter(some, -1),
            np.nextafter(some, 2),
        ]
    )


def _sklearn_row(y: np.ndarray, s: np.ndarray, t: float, beta: float) -> dict[str, float]:
    pred = (s >= t).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    prec, rec, _, _ = precision_recall_fscore_support(
        y, pred, labels=[0, 1], average=None, zero_division=np.nan
    )
    lr_pos, lr_neg = class_likelihood_ratios(y, pred, labels=[0, 1])
    return {
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "sensitivity": rec[1], "specificity": rec[0], "ppv": prec[1], "npv": prec[0],
        "f1": fbeta_score(y, pred, beta=1.0, zero_division=np.nan),
        "fbeta": fbeta_score(y, pred, beta=beta, zero_division=np.nan),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "accuracy": accuracy_score(y, pred),
        "mcc": matthews_corrcoef(y, pred),
        "youden": rec[1] + rec[0] - 1,
        "lr_pos": lr_pos, "lr_neg": lr_neg,
    }  # fmt: skip


def _lr_defined(row: dict[str, float], name: str) -> bool:
    """scikit-learn returns NaN for LR+ when FP = 0 and for LR- when TN = 0; ours gives inf/NaN there."""
    return row["fp"] > 0 if name == "lr_pos" else row["tn"] > 0


def test_counts_and_metrics_match_sklearn_at_random_and_edge_thresholds():
    y, s = _data()
    thr = _thresholds(s)
    table = th.table_at(th.score_curve(y, s), thr, beta=2.0)
    for i, t in enumerate(thr):
        ref = _sklearn_row(y, s, t, beta=2.0)
        ours = table.row(i)
        for name, value in ref.items():
            if name.startswith("lr_") and not _lr_defined(ref, name):
                continue
            np.testing.assert_allclose(ours[name], value, err_msg=f"{name} at {t!r}", **TOL)


def test_likelihood_ratios_where_sklearn_leaves_them_undefined():
    y, s = _data()
    table = th.table_at(th.score_curve(y, s), [s.max() + 0.5, s.min()])
    assert np.isnan(table.lr_pos[0])  # nobody flagged: sens 0 and 1 - spec 0
    assert np.isnan(table.lr_neg[1])  # everybody flagged: 1 - sens 0 and spec 0
    y2 = np.r_[np.zeros(5, int), np.ones(5, int)]
    s2 = np.r_[np.linspace(0.1, 0.2, 5), np.linspace(0.6, 0.9, 5)]
    t2 = th.table_at(th.score_curve(y2, s2), [0.5])
    assert t2.lr_pos[0] == np.inf and t2.lr_neg[0] == 0.0  # perfect split


def test_counts_at_is_vectorised_and_uses_greater_or_equal():
    y = np.array([0, 1, 0, 1, 1, 0])
    s = np.array([0.2, 0.4, 0.4, 0.4, 0.9, 0.0])
    c = th.counts_at(th.score_curve(y, s), [0.4, np.nextafter(0.4, 1), 0.0, 1.0])
    assert c.tp.tolist() == [3, 1, 3, 0]
    assert c.fp.tolist() == [1, 0, 3, 0]
    assert (c.tp + c.fn).tolist() == [3] * 4 and (c.fp + c.tn).tolist() == [3] * 4


def test_wilson_intervals_in_the_table_match_statsmodels():
    y, s = _data(n=300, prev=0.1, seed=3)
    thr = _thresholds(s)[:200]
    t = th.table_at(th.score_curve(y, s), thr)
    pairs = {
        "sensitivity": (t.tp, t.tp + t.fn),
        "specificity": (t.tn, t.tn + t.fp),
        "ppv": (t.tp, t.tp + t.fp),
        "npv": (t.tn, t.tn + t.fn),
    }
    for name, (k, nobs) in pairs.items():
        ok = nobs > 0
        lo, hi = proportion_confint(k[ok], nobs[ok], alpha=0.05, method="wilson")
        np.testing.assert_allclose(getattr(t, f"{name}_lo")[ok], lo, **TOL)
        np.testing.assert_allclose(getattr(t, f"{name}_hi")[ok], hi, **TOL)
        assert np.all(np.isnan(getattr(t, f"{name}_lo")[~ok]))


def test_every_stop_table_row_equals_direct_counting():
    y, s = _data(n=300, seed=5, decimals=3)
    prevalence = 0.03
    table = th.build_stop_table(y, s, extra_thresholds=(0.4242,), prevalence=prevalence, beta=2.0)
    thr = table.threshold
    flagged = s[None, :] >= thr[:, None]  # direct, no sorting or binary search
    pos = y.astype(bool)
    np.testing.assert_array_equal(table.tp, (flagged & pos).sum(1))
    np.testing.assert_array_equal(table.fp, (flagged & ~pos).sum(1))
    np.testing.assert_array_equal(table.tn, (~flagged & ~pos).sum(1))
    np.testing.assert_array_equal(table.fn, (~flagged & pos).sum(1))
    # Every row's Wilson intervals from the directly counted 2x2 tables, by statsmodels.
    tp, fp = (flagged & pos).sum(1), (flagged & ~pos).sum(1)
    for name, k, nobs in (("sensitivity", tp, np.full_like(tp, pos.sum())), ("ppv", tp, tp + fp)):
        ok = nobs > 0
        lo, hi = proportion_confint(k[ok], nobs[ok], alpha=0.05, method="wilson")
        np.testing.assert_allclose(getattr(table, f"{name}_lo")[ok], lo, **TOL)
        np.testing.assert_allclose(getattr(table, f"{name}_hi")[ok], hi, **TOL)
    # Metrics of a sample of rows against scikit-learn (the full sweep is in the test above).
    for i in np.linspace(0, len(table) - 1, 60).astype(int):
        ref = _sklearn_row(y, s, thr[i], beta=2.0)
        row = table.row(i)
        for name in ("sensitivity", "specificity", "ppv", "npv", "f1", "fbeta", "mcc", "balanced_accuracy"):
            np.testing.assert_allclose(row[name], ref[name], **TOL)
        sens, spec = ref["sensitivity"], ref["specificity"]
        # Bayes at the deployment prevalence, written out independently.
        exp_ppv = sens * prevalence / (sens * prevalence + (1 - spec) * (1 - prevalence))
        np.testing.assert_allclose(row["ppv_deploy"], exp_ppv, **TOL)
        np.testing.assert_allclose(row["per1000_missed"], 1000 * prevalence * (1 - sens), **TOL)


def test_deployment_columns_at_the_sample_prevalence_equal_sample_figures():
    y, s = _data(n=500, seed=7)
    table = th.build_stop_table(y, s)  # default prevalence: the sample's own
    assert table.prevalence == pytest.approx(y.mean(), abs=1e-15)
    ok = (table.tp + table.fp) > 0
    np.testing.assert_allclose(table.ppv_deploy[ok], table.ppv[ok], rtol=1e-12)
    ok = (table.tn + table.fn) > 0
    np.testing.assert_allclose(table.npv_deploy[ok], table.npv[ok], rtol=1e-12)
    np.testing.assert_allclose(table.per1000_flagged, 1000 * (table.tp + table.fp) / y.size, rtol=1e-12)
    np.testing.assert_allclose(table.per1000_true_pos, 1000 * table.tp / y.size, rtol=1e-12)


def test_stops_merge_grid_quantiles_and_extras():
    y, s = _data(n=5000, seed=9, decimals=None)
    s = s**6  # scores crowded near 0
    table = th.build_stop_table(y, s, extra_thresholds=(0.123456789,))
    thr = table.threshold
    assert np.all(np.diff(thr) > 0)
    assert np.isin(np.round(np.arange(1001) / 1000, 6), thr).all()
    assert 0.123456789 in thr
    assert np.count_nonzero(thr < 0.05) > 500  # quantile stops give fine steps where scores crowd
    assert len(table) <= 1001 + 1000 + 2
    assert table.tp[-1] == 0 and table.fp[-1] == 0  # top stop flags nobody
    assert table.index_of(0.5) == int(np.flatnonzero(thr == 0.5)[0])
    j = int(np.flatnonzero(thr == 0.5)[0])
    assert table.index_of(np.nextafter(0.5, 1)) == j  # at or just below
    assert table.index_of(-1.0) == 0
    with pytest.raises(ValueError):
        table.threshold[0] = 3.0  # columns are read-only


def test_stop_above_the_top_score_when_scores_reach_one():
    y = np.array([0, 1, 1, 0])
    s = np.array([0.0, 1.0, 1.0, 0.3])
    table = th.build_stop_table(y, s)
    assert table.threshold[-1] > 1.0 and table.tp[-1] == 0


# ------------------------------------------------------------------------------------------- pickers


def _candidates(s: np.ndarray) -> np.ndarray:
    return np.r_[np.unique(s), s.max() + 1.0]


def _achieved(y, s, t, fn):
    return fn(y, (s >= t).astype(int))


def test_youden_picker_matches_brute_force_and_tuned_threshold_classifier():
    y, s = _data(n=600, seed=11)
    pick = th.pick_youden(y, s)
    brute = max(balanced_accuracy_score(y, (s >= t).astype(int)) for t in _candidates(s))
    assert _achieved(y, s, pick.threshold, balanced_accuracy_score) == pytest.approx(brute, abs=1e-12)
    tuned = TunedThresholdClassifierCV(
        _ScoreAsProba().fit(s[:, None], y),
        cv="prefit", refit=False, thresholds=_candidates(s), scoring="balanced_accuracy",
    ).fit(s[:, None], y)  # fmt: skip
    got = _achieved(y, s, pick.threshold, balanced_accuracy_score)
    assert got == pytest.approx(tuned.best_score_, abs=1e-12)
    assert pick.key == "youden" and "Youden J" in pick.reason and "cross-validated" in pick.reason


def test_fbeta_picker_matches_brute_force_and_tuned_threshold_classifier():
    y, s = _data(n=600, seed=12)
    pick = th.pick_fbeta(y, s, beta=2.0)
    f2 = make_scorer(fbeta_score, beta=2.0, zero_division=0.0)
    tuned = TunedThresholdClassifierCV(
        _ScoreAsProba().fit(s[:, None], y), cv="prefit", refit=False, thresholds=_candidates(s), scoring=f2
    ).fit(s[:, None], y)
    got = fbeta_score(y, (s >= pick.threshold).astype(int), beta=2.0)
    assert got == pytest.approx(tuned.best_score_, abs=1e-12)


def test_sensitivity_picker_has_fewest_false_positives_reaching_the_target():
    y, s = _data(n=600, seed=13)
    for target in (0.8, 0.95, 1.0):
        pick = th.pick_sensitivity(y, s, target)
        pred = s >= pick.threshold
        _tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
        assert tp / (tp + fn) >= target
        feasible = [t for t in _candidates(s) if (s[y == 1] >= t).mean() >= target]
        assert fp == min(int(((s >= t) & (y == 0)).sum()) for t in feasible)


def test_cost_picker_minimises_expected_cost_at_the_given_prevalence():
    y, s = _data(n=600, seed=14)
    for ratio, prev in ((10.0, None), (10.0, 0.01), (1.0, 0.5), (50.0, 0.02)):
        pick = th.pick_cost(y, s, ratio, prev)
        p = y.mean() if prev is None else prev

        def cost(t, ratio=ratio, p=p):
            tn, fp, fn, tp = confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
            return ratio * p * fn / (fn + tp) + (1 - p) * fp / (fp + tn)

        assert cost(pick.threshold) == pytest.approx(min(cost(t) for t in _candidates(s)), abs=1e-12)
    # A rarer disease at deployment should not lower the threshold.
    assert th.pick_cost(y, s, 10.0, 0.01).threshold >= th.pick_cost(y, s, 10.0, 0.3).threshold


def test_pick_threshold_lies_between_neighbouring_scores():
    y, s = _data(n=300, seed=15, decimals=None)
    u = np.unique(s)
    for pick in (th.pick_youden(y, s), th.pick_fbeta(y, s), th.pick_sensitivity(y, s, 0.9)):
        i = int(np.searchsorted(u, pick.threshold))
        assert pick.threshold == u[0] or u[i - 1] < pick.threshold < u[i]
        if i > 0:
            assert pick.threshold == pytest.approx((u[i - 1] + u[i]) / 2, abs=1e-15)


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [("youden", "youden", None), ("sensitivity:0.95", "sensitivity", 0.95), ("cost:10", "cost", 10.0),
     ("fbeta:2", "fbeta", 2.0), (" Sensitivity ", "sensitivity", 0.95)],
)  # fmt: skip
def test_parse_pick(text, key, value):
    assert th.parse_pick(text) == th.PickRequest(key, value)


@pytest.mark.parametrize("text", ["best", "youden:3", "cost:ten", "sensitivity:1.5", "cost:-1", "fbeta:0"])
def test_bad_pick_is_a_data_error(text):
    y, s = _data(n=100)
    with pytest.raises(DataError):
        th.run_pick(th.parse_pick(text), y, s)


def test_run_pick_uses_the_registry():
    y, s = _data(n=200)
    assert set(th.PICKERS) == {"youden", "sensitivity", "cost", "fbeta", "top", "ppv"}
    for key in th.PICKERS:
        pick = th.run_pick(th.parse_pick(key), y, s, prevalence=0.05)
        assert pick.key == key and pick.reason.endswith(".")


def test_bad_inputs_are_data_errors():
    with pytest.raises(DataError):
        th.build_stop_table([0, 1], [0.1])
    with pytest.raises(DataError):
        th.build_stop_table([0, 1], [0.1, np.nan])
    with pytest.raises(DataError):
        th.build_stop_table([0, 2], [0.1, 0.2])
    with pytest.raises(DataError):
        th.build_stop_table([0, 1], [0.1, 0.2], prevalence=1.5)
    with pytest.raises(DataError):
        th.pick_youden([1, 1], [0.1, 0.2])


# ---------------------------------------------------------------------------------------- explorer


class _ScoreAsProba(ClassifierMixin, BaseEstimator):
    """A 'fitted model' whose positive-class probability is its single input column."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        x = np.asarray(X, dtype=float)[:, 0]
        return np.c_[1 - x, x]


PAYLOAD_STOP_KEYS = [
    "threshold", "tp", "fp", "tn", "fn", "sensitivity", "sensitivity_lo", "sensitivity_hi",
    "specificity", "specificity_lo", "specificity_hi", "ppv", "ppv_lo", "ppv_hi", "npv", "npv_lo", "npv_hi",
    "f1", "f1_lo", "f1_hi", "fbeta", "balanced_accuracy", "balanced_accuracy_lo", "balanced_accuracy_hi",
    "accuracy", "accuracy_lo", "accuracy_hi", "mcc", "mcc_lo", "mcc_hi", "youden", "lr_pos", "lr_neg",
    "lr_pos_lo", "lr_pos_hi", "lr_neg_lo", "lr_neg_hi",
    "ppv_deploy", "ppv_deploy_lo", "ppv_deploy_hi", "npv_deploy", "npv_deploy_lo", "npv_deploy_hi",
    "per1000_flagged", "per1000_true_pos", "per1000_missed",
]  # fmt: skip


def _explorer(**kw):
    y, s = _data(n=800, seed=21)
    yo, so = _data(n=1200, seed=22)
    label = "<img src=x onerror=alert(1)>"
    data = th.build_explorer_data(
        y, s, yo, so, positive_label=label, negative_label="healthy", n_boot=50, **kw
    )
    return y, s, data


def test_explorer_payload_follows_the_contract():
    y, _s, data = _explorer(prevalence=0.02)
    payload = data.to_payload()
    text = json.dumps(payload, allow_nan=False)  # no NaN/inf left
    assert set(payload) == {
        "n", "n_pos", "n_neg", "labels", "prevalence", "prevalence_text", "beta", "stops", "roc", "pr",
        "roc_auc", "pr_auc", "hist", "picks", "initial_index",
    }  # fmt: skip
    assert list(payload["stops"]) == PAYLOAD_STOP_KEYS
    lengths = {len(v) for v in payload["stops"].values()}
    assert len(lengths) == 1
    assert payload["labels"]["positive"] == "<img src=x onerror=alert(1)>"  # carried as plain data
    assert (payload["n"], payload["n_pos"]) == (y.size, int(y.sum()))
    assert payload["prevalence"] == 0.02 and payload["beta"] == 2.0
    stops = payload["stops"]
    assert stops["threshold"] == sorted(stops["threshold"])
    assert stops["threshold"][payload["initial_index"]] == 0.5
    assert [p["key"] for p in payload["picks"]] == ["youden", "sensitivity", "cost", "fbeta"]
    for p in payload["picks"]:
        assert stops["threshold"][p["index"]] == pytest.approx(p["threshold"], rel=1e-5)
        assert p["reason"] and p["label"]
    assert all(isinstance(v, int) for v in stops["tp"])
    assert len(payload["roc"]["fpr"]) <= 2001 and payload["roc"]["fpr"][0] == 0.0
    assert payload["roc"]["fpr"][-1] == 1.0 and payload["roc"]["tpr"][-1] == 1.0
    hist = payload["hist"]
    assert len(hist["edges"]) == len(hist["neg"]) + 1 == 51
    assert sum(hist["pos"]) == int(y.sum()) and sum(hist["neg"]) == int((y == 0).sum())
    lo, v, hi = (payload["roc_auc"][k] for k in ("lo", "value", "hi"))
    assert lo < v < hi
    assert len(text) < 1_000_000


def test_payload_rounds_metrics_to_six_significant_digits_and_maps_nan_to_none():
    _, _, data = _explorer()
    payload = data.to_payload()
    i = 0  # lowest stop flags everybody: specificity 0, LR- undefined
    assert payload["stops"]["lr_neg"][i] is None
    table = data.table
    j = payload["initial_index"]
    assert payload["stops"]["sensitivity"][j] == pytest.approx(table.sensitivity[j], rel=1e-6)
    metrics = {k: col for k, col in payload["stops"].items() if k != "threshold"}
    values = [x for col in metrics.values() for x in col if isinstance(x, float)]
    assert values and all(float(f"{x:.6g}") == x for x in values)
    # Thresholds travel exactly: a committed stop re-applied to the scores gives the counts shown.
    assert payload["stops"]["threshold"] == table.columns["threshold"].tolist()


def test_moving_threshold_prevalence_or_cost_fits_no_model():
    """Profile every Python call while 'moving' the controls: no fit / fit_resample / partial_fit at all."""
    y, s = _data(n=500, seed=31)
    yo, so = _data(n=700, seed=32)
    with fit_calls() as seen:
        curve = th.score_curve(y, s)
        for t in (0.1, 0.35, 0.9):
            th.table_at(curve, [t])
        for prev in (None, 0.01, 0.2):
            for cost in (2.0, 10.0, 40.0):
                th.build_explorer_data(
                    y, s, yo, so, positive_label="a", negative_label="b",
                    prevalence=prev, cost_ratio=cost, n_boot=5,
                ).table.index_of(0.3)  # fmt: skip
    assert seen == []
    with fit_calls() as seen:  # the spy does see fits when they happen
        _ScoreAsProba().fit(s[:, None], y)
    assert seen


def test_one_class_sample_still_counts_correctly():
    s = np.array([0.1, 0.5, 0.5, 0.9])
    for label in (0, 1):
        y = np.full(4, label)
        c = th.counts_at(th.score_curve(y, s), [0.0, 0.5, 0.95])
        flagged = np.array([4, 3, 0])
        assert (c.tp + c.fp).tolist() == flagged.tolist()
        assert (c.tp if label else c.fp).tolist() == flagged.tolist()


def test_quantile_stops_are_the_sorted_scores_at_their_ranks():
    y, s = _data(n=2345, seed=41, decimals=3)  # many ties
    curve = th.score_curve(y, s)
    ranks = np.arange(s.size)
    np.testing.assert_array_equal(th.sorted_score_at(curve, ranks), np.sort(s))
    np.testing.assert_array_equal(th.slider_stops(s), th.stops_for(curve))
