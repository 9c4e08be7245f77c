"""Curves against scikit-learn, decimation against the full curve, decision curve against its formula."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, precision_recall_curve, roc_curve

from imbalance_core.errors import DataError
from imbalance_core.evaluation import curves as cv
from imbalance_core.evaluation.formatting import share_text


def _data(n=3000, prev=0.1, seed=0, decimals=None, shift=0.0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prev).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(size=n) + 2.0 * y - 2.5 + shift)))
    return y, (np.round(s, decimals) if decimals is not None else s)


def test_full_roc_and_pr_match_sklearn():
    y, s = _data(n=800, decimals=2)
    r = cv.roc(y, s)
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(r.fpr, fpr, atol=1e-12)
    np.testing.assert_allclose(r.tpr, tpr, atol=1e-12)
    p = cv.pr(y, s)
    precision, recall, _ = precision_recall_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(p.recall, recall[::-1], atol=1e-12)
    np.testing.assert_allclose(p.precision, precision[::-1], atol=1e-12)


def _max_gap(x, y, kx, ky):
    """Largest distance from a full-curve point to the nearest kept point (bounds the drawn error)."""
    pts = np.c_[x, y]
    kept = np.c_[kx, ky]
    worst = 0.0
    for chunk in np.array_split(pts, max(1, pts.shape[0] // 2000)):
        d = np.sqrt(((chunk[:, None, :] - kept[None, :, :]) ** 2).sum(-1)).min(1)
        worst = max(worst, float(d.max()))
    return worst


@pytest.mark.parametrize("max_points", [200, 2000])
def test_decimated_curves_keep_ends_and_stay_close(max_points):
    y, s = _data(n=30_000, seed=1)
    full_roc, full_pr = cv.roc(y, s), cv.pr(y, s)
    assert full_roc.fpr.size > max_points
    d_roc, d_pr = cv.decimate_roc(full_roc, max_points), cv.decimate_pr(full_pr, max_points)
    assert d_roc.fpr.size <= max_points + 2 and d_pr.recall.size <= max_points + 2
    assert (d_roc.fpr[0], d_roc.tpr[0], d_roc.fpr[-1], d_roc.tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert (d_pr.recall[0], d_pr.precision[0]) == (full_pr.recall[0], full_pr.precision[0])
    assert (d_pr.recall[-1], d_pr.precision[-1]) == (full_pr.recall[-1], full_pr.precision[-1])
    for full, dec, xs in ((full_roc, d_roc, ("fpr", "tpr")), (full_pr, d_pr, ("recall", "precision"))):
        x, yv = getattr(full, xs[0]), getattr(full, xs[1])
        length = np.hypot(np.diff(x), np.diff(yv)).sum()
        gap = _max_gap(x, yv, getattr(dec, xs[0]), getattr(dec, xs[1]))
        assert gap <= length / (max_points - 1) + 1e-12


def test_short_curves_are_not_decimated():
    y, s = _data(n=300, decimals=2)
    r = cv.roc(y, s)
    d = cv.decimate_roc(r)
    np.testing.assert_array_equal(d.fpr, r.fpr)


def test_calibration_matches_sklearn_and_brier():
    y, s = _data(n=2000, seed=2)
    for strategy in ("uniform", "quantile"):
        cal = cv.calibration(y, s, n_bins=10, strategy=strategy)
        prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy=strategy)
        np.testing.assert_allclose(cal.prob_true, prob_true, atol=1e-12)
        np.testing.assert_allclose(cal.prob_pred, prob_pred, atol=1e-12)
        assert cal.bin_counts.sum() == y.size and cal.bin_counts.size == prob_true.size
        # count x mean predicted, summed over bins, is the sum of all probabilities (and likewise positives)
        assert np.sum(cal.bin_counts * cal.prob_pred) == pytest.approx(s.sum(), rel=1e-12)
        assert np.sum(cal.bin_counts * cal.prob_true) == pytest.approx(y.sum(), rel=1e-12)
    assert cal.brier == pytest.approx(brier_score_loss(y, s), abs=1e-12)


def test_calibration_flags_probabilities_distorted_by_resampling():
    y, s = _data(n=4000, seed=3)  # roughly calibrated scores
    assert not cv.calibration(y, s).distorted
    _, inflated = _data(n=4000, seed=3, shift=2.0)  # as after 1:1 oversampling: risks inflated
    cal = cv.calibration(y, inflated)
    assert cal.distorted and "above" in cal.message and "resampling" in cal.message
    assert cal.mean_predicted > 1.5 * cal.observed
    # both shares by the one formatter, from numpy's own means ("12.3 %", never "12.3%")
    assert f"({share_text(float(np.mean(inflated)))}) is far above" in cal.message
    assert f"positives ({share_text(float(np.mean(y)))})" in cal.message


def test_decision_curve_matches_direct_formula():
    y, s = _data(n=1500, seed=4, decimals=2)
    dc = cv.decision_curve(y, s)
    n = y.size
    prev = y.mean()
    for k, pt in enumerate(dc.thresholds):
        treat = s >= pt
        tp = np.sum(treat & (y == 1))
        fp = np.sum(treat & (y == 0))
        w = pt / (1 - pt)
        assert dc.net_benefit[k] == pytest.approx(tp / n - fp / n * w, abs=1e-12)
        assert dc.treat_all[k] == pytest.approx(prev - (1 - prev) * w, abs=1e-12)
    assert np.all(dc.treat_none == 0)
    assert dc.thresholds[0] == 0.01 and dc.thresholds[-1] == 0.99


def test_decision_curve_at_a_deployment_prevalence():
    y, s = _data(n=1500, seed=5)
    pt = np.array([0.05, 0.2, 0.5])
    dc = cv.decision_curve(y, s, pt, prevalence=0.02)
    for k, t in enumerate(pt):
        sens = np.mean(s[y == 1] >= t)
        fpr = np.mean(s[y == 0] >= t)
        expected = sens * 0.02 - fpr * 0.98 * t / (1 - t)
        assert dc.net_benefit[k] == pytest.approx(expected, abs=1e-12)


def test_curve_input_errors():
    with pytest.raises(DataError):
        cv.roc([0, 0], [0.1, 0.2])
    with pytest.raises(DataError):
        cv.calibration([0, 1], [0.1, 1.4])
    with pytest.raises(DataError):
        cv.decision_curve([0, 1], [0.1, 0.4], thresholds=[0.0, 0.5])


def test_figures_draw_the_given_results_and_escape_labels():
    from imbalance_core.evaluation import thresholds as th
    from imbalance_core.evaluation.intervals import delong_roc_auc
    from imbalance_core.figures import curves as fc

    y, s = _data(n=1000, seed=6)
    roc = cv.decimate_roc(cv.roc(y, s))
    fig = fc.roc_figure(roc, delong_roc_auc(y, s), operating_point=(0.1, 0.7))
    assert np.array_equal(np.asarray(fig.data[1].x), roc.fpr)
    assert (fig.data[-1].x[0], fig.data[-1].y[0]) == (0.1, 0.7)
    assert "AUC" in fig.layout.title.text and "95 % CI" in fig.layout.title.text
    fig = fc.pr_figure(cv.decimate_pr(cv.pr(y, s)), prevalence=float(y.mean()), operating_point=(0.7, 0.3))
    assert fig.data[0].y[0] == pytest.approx(y.mean())
    cal = cv.calibration(y, s)
    assert np.array_equal(np.asarray(fc.calibration_figure(cal, 0.3).data[1].y), cal.prob_true)
    dc = cv.decision_curve(y, s)
    assert np.array_equal(np.asarray(fc.decision_curve_figure(dc, 0.2).data[2].y), dc.net_benefit)
    hist = th.score_histogram(y, s)
    fig = fc.score_histogram_figure(hist, "<img src=x onerror=alert(1)>", "healthy", threshold=0.5)
    assert fig.data[1].name == "&lt;img src=x onerror=alert(1)&gt;"
    assert sum(fig.data[0].y) + sum(fig.data[1].y) == y.size
