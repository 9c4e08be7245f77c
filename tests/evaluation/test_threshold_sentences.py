"""The plain sentences under the Threshold page's figures and tables (issue 26): the numbers in each
sentence are the numbers of the result they describe (checked against an independent computation), and no
sentence ever says ``nan`` — it says why a number cannot be estimated."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, roc_auc_score

from imbalance_core.evaluation import curves
from imbalance_core.evaluation import threshold_sentences as ts
from imbalance_core.evaluation import thresholds as th
from imbalance_core.evaluation.calibration import calibration_metrics

NAN = float("nan")


def _no_nan(text: str) -> str:
    assert "nan" not in text.lower().replace("financ", ""), text
    assert "inf" not in text.split(), text
    return text


def _data(n: int = 600, prevalence: float = 0.1, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(-2.2, 1, n) + 1.8 * y)))
    return y, s


def test_per_thousand_reads_the_stop_and_matches_a_hand_count():
    y, s = _data()
    table = th.table_at(th.score_curve(y, s), [0.12], prevalence=0.08)
    r = table.row(0)
    text = _no_nan(ts.per_thousand(0.12, r["per1000_flagged"], r["per1000_true_pos"], r["per1000_missed"]))
    tn, fp, fn, tp = confusion_matrix(y, (s >= 0.12).astype(int)).ravel()
    sens, spec = tp / (tp + fn), tn / (tn + fp)
    flagged = 1000 * (sens * 0.08 + (1 - spec) * 0.92)
    assert text.startswith("At 0.1200, the model flags ")
    assert f"flags {round(flagged):,} of 1,000" in text
    assert f"; {round(1000 * sens * 0.08)} of them" in text
    assert f"and {round(1000 * (1 - sens) * 0.08)} with the disease" in text


def test_per_thousand_singular_and_missing():
    assert "1 of them has the disease and 1 with the disease is missed" in ts.per_thousand(0.5, 3, 1, 1)
    assert "cannot be worked out" in _no_nan(ts.per_thousand(0.5, NAN, NAN, NAN))
    assert ts.threshold_text(0.0012) == "0.0012" and ts.threshold_text(0.046) == "0.0460"
    assert ts.threshold_text(5.902e-26) == "below 0.0001"  # not "5.9e-26"


def test_roc_and_pr_sentences():
    y, s = _data()
    auc = roc_auc_score(y, s)
    text = _no_nan(ts.roc_sentence(auc, auc - 0.05, auc + 0.04))
    assert f"{auc:.2f}" in text and f"about {round(100 * auc)}" in text
    assert "cannot be estimated" in _no_nan(ts.roc_sentence(NAN, NAN, NAN))
    assert "no interval" in _no_nan(ts.roc_sentence(0.8, NAN, NAN))
    text = _no_nan(ts.pr_sentence(0.41, 0.3, 0.5, y.mean()))
    assert f"against {y.mean():.2f}" in text
    assert "cannot be estimated" in _no_nan(ts.pr_sentence(NAN, NAN, NAN, 0.1))


def test_histogram_sentence_counts_each_class_above_the_line():
    y, s = _data()
    t = 0.2
    pos_above, neg_above = int(((s >= t) & (y == 1)).sum()), int(((s >= t) & (y == 0)).sum())
    text = _no_nan(ts.histogram_sentence(t, pos_above, int(y.sum()), neg_above, int((1 - y).sum())))
    assert f"{pos_above:,} of {int(y.sum()):,} patients with the disease" in text
    assert f"{neg_above:,} of {int((1 - y).sum()):,} without" in text
    assert "lacks one of the two classes" in ts.histogram_sentence(t, 0, 0, 3, 10)


def test_calibration_sentence_says_too_high_when_risks_are_inflated():
    y, s = _data(n=1500, seed=9)
    inflated = np.clip(s * 3, 0, 0.999)  # predicts about three times the cases
    m = calibration_metrics(y, inflated, n_boot=20, seed=0)
    text = _no_nan(ts.calibration_sentence(m))
    assert "too high" in text
    assert f"{m.e_to_o.value:.2f} times" in text
    assert f"{m.n:,} patients, {m.events:,} with the disease" in text


def test_calibration_sentence_on_well_calibrated_risks():
    rng = np.random.default_rng(4)
    p = rng.uniform(0.02, 0.6, 4000)
    y = (rng.random(4000) < p).astype(int)
    text = _no_nan(ts.calibration_sentence(calibration_metrics(y, p, n_boot=20, seed=0)))
    assert "about as many cases as occurred" in text and "spread fits" in text


def test_calibration_table_sentence_names_the_smallest_ici():
    y, s = _data(n=1500, seed=9)
    good = calibration_metrics(y, s, n_boot=20, seed=0)
    bad = calibration_metrics(y, np.clip(s * 3, 0, 0.999), n_boot=20, seed=0)
    best = "raw" if good.ici.value < bad.ici.value else "inflated"
    text = _no_nan(ts.calibration_table_sentence([("raw", good), ("inflated", bad)]))
    assert f"the {best} risks" in text
    one = ts.calibration_table_sentence([("model", good)])
    assert f"{good.ici.value:.3f}" in one


def test_decision_curve_sentence_reads_the_nearest_threshold_probability():
    y, s = _data(n=2000, seed=11)
    dc = curves.decision_curve(y, s)
    text = _no_nan(ts.decision_curve_sentence(dc, 0.104))
    i = int(np.argmin(np.abs(dc.thresholds - 0.104)))
    # independent: net benefit = TP/n - FP/n * pt/(1-pt) at pt = 0.10
    pt = 0.10
    pred = s >= pt
    tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())
    nb = tp / len(y) - fp / len(y) * pt / (1 - pt)
    assert dc.thresholds[i] == pytest.approx(pt)
    assert f"net benefit {nb:.3f}" in text
    assert f"worth {round(1000 * nb):,} patients" in text


def test_uncertainty_sentences():
    entry = {
        "label": "Youden",
        "threshold_lo": 0.031,
        "threshold_hi": 0.08,
        "holdout": {"sensitivity": {"value": 0.8, "lo": 0.7, "hi": 0.9, "wilson_lo": 0.66, "wilson_hi": 0.9}},
    }
    text = _no_nan(ts.uncertainty_sentence(entry, 200, 0))
    assert "Youden: sensitivity at this rule 0.80 (Wilson 95 % CI 0.66 to 0.90)" in text
    assert "0.0310 to 0.0800" in text and "200 resamples, seed 0" in text
    assert "deliver sensitivities of 0.70 to 0.90" in text
    narrow = {
        **entry,
        "holdout": {"sensitivity": {**entry["holdout"]["sensitivity"], "lo": 0.8412, "hi": 0.8449}},
    }
    text = ts.uncertainty_sentence(narrow, 200, 0)
    assert "all deliver a sensitivity of 0.84" in text and "0.84 to 0.84" not in text
    hollow = {"label": "F2", "threshold_lo": None, "threshold_hi": None, "holdout": {"sensitivity": {}}}
    assert "cannot be estimated" in _no_nan(ts.uncertainty_sentence(hollow, 200, 0))
    assert "Chosen by hand" in ts.uncertainty_sentence(None, 200, 0)
    other = {**entry, "label": "Lowest cost", "threshold_lo": 0.01, "threshold_hi": 0.3}
    text = ts.uncertainty_table_sentence({"youden": entry, "cost": other})
    assert "Steadiest suggestion: Youden" in text and "least steady: Lowest cost" in text
    assert "could be estimated" in ts.uncertainty_table_sentence({"x": hollow})


def test_per_class_sentence():
    text = _no_nan(ts.per_class_sentence(["A", "B", "C"], [0.9, 0.4, NAN], [50, 20, 0]))
    assert "recognises A best (90.0 % of 50" in text and "B worst (40.0 % of 20)" in text
    assert "No hold-out patients of C" in text
    assert "No class" in ts.per_class_sentence(["A"], [NAN], [0])


@pytest.mark.parametrize("value", [NAN, math.inf, None])
def test_no_sentence_ever_prints_nan(value):
    texts = [
        ts.per_thousand(value, value, value, value),
        ts.roc_sentence(value, value, value),
        ts.pr_sentence(value, value, value, value),
        ts.threshold_text(value),
    ]
    for text in texts:
        assert not re.search(r"\bnan\b|\binf\b|None", text), text


def test_decision_curve_sentence_says_harm_when_treating_everybody_is_worse_than_nobody():
    y, s = _data(n=2000, seed=11)
    dc = curves.decision_curve(y, s)
    text = _no_nan(ts.decision_curve_sentence(dc, 0.5))
    i = int(np.argmin(np.abs(dc.thresholds - 0.5)))
    assert dc.treat_all[i] < 0
    assert f"harm for treating everybody (net benefit {dc.treat_all[i]:.3f})" in text
