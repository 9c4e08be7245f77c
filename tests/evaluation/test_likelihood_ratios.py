"""Likelihood ratios (log method of Simel et al. 1991) and post-test probabilities."""

from __future__ import annotations

import math

import numpy as np
import pytest

from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.likelihood_ratios import (
    likelihood_ratios,
    post_test,
    post_test_probability,
    to_json,
)


def test_lr_and_interval_equal_the_hand_computation():
    # 48 of 62 patients with the disease flagged; 120 of 1,216 without it flagged.
    lr = likelihood_ratios(tp=48, fp=120, tn=1096, fn=14)
    sens, spec = 48 / 62, 1096 / 1216
    assert lr.positive.value == pytest.approx(sens / (1 - spec), rel=1e-12)
    assert lr.negative.value == pytest.approx((1 - sens) / spec, rel=1e-12)
    se_pos = math.sqrt(1 / 48 - 1 / 62 + 1 / 120 - 1 / 1216)
    se_neg = math.sqrt(1 / 14 - 1 / 62 + 1 / 1096 - 1 / 1216)
    assert lr.positive.lo == pytest.approx(math.exp(math.log(sens / (1 - spec)) - 1.959963984540054 * se_pos))
    assert lr.positive.hi == pytest.approx(math.exp(math.log(sens / (1 - spec)) + 1.959963984540054 * se_pos))
    assert lr.negative.lo == pytest.approx(math.exp(math.log((1 - sens) / spec) - 1.959963984540054 * se_neg))
    # on paper: se+ = sqrt(1/48 - 1/62 + 1/120 - 1/1216) = 0.1105, e^(1.96 x 0.1105) = 1.242, so LR+ 7.85
    # (6.32 to 9.74); se- = 0.2354, e^(1.96 x 0.2354) = 1.586, so LR- 0.25 (0.16 to 0.40)
    pos, neg = lr.positive, lr.negative
    assert (round(pos.value, 2), round(pos.lo, 2), round(pos.hi, 2)) == (7.85, 6.32, 9.74)
    assert (round(neg.value, 2), round(neg.lo, 2), round(neg.hi, 2)) == (0.25, 0.16, 0.40)
    assert lr.positive.note == "" and lr.negative.reason == ""


def test_the_log_interval_covers_the_true_ratio_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    sens, spec, n_pos, n_neg = 0.8, 0.9, 80, 400
    true_pos, true_neg = sens / (1 - spec), (1 - sens) / spec
    hits_pos = hits_neg = 0
    runs = 2000
    for _ in range(runs):
        tp = int(rng.binomial(n_pos, sens))
        tn = int(rng.binomial(n_neg, spec))
        lr = likelihood_ratios(tp, n_neg - tn, tn, n_pos - tp)
        hits_pos += lr.positive.lo <= true_pos <= lr.positive.hi
        hits_neg += lr.negative.lo <= true_neg <= lr.negative.hi
    assert 0.93 <= hits_pos / runs <= 0.97
    assert 0.93 <= hits_neg / runs <= 0.97


def test_zero_cells_are_corrected_and_said_and_empty_classes_give_a_reason():
    no_fp = likelihood_ratios(tp=10, fp=0, tn=50, fn=2)
    assert no_fp.positive.value == pytest.approx((10.5 / 13) / (0.5 / 51))
    assert "0.5 added" in no_fp.positive.note and "no false positive" in no_fp.positive.note
    assert no_fp.negative.note == ""  # LR- needs no correction here
    nobody = likelihood_ratios(tp=0, fp=0, tn=50, fn=12)
    assert nobody.positive.value is None and "nobody is flagged" in nobody.positive.reason
    everybody = likelihood_ratios(tp=12, fp=50, tn=0, fn=0)
    assert everybody.negative.value is None and "everybody is flagged" in everybody.negative.reason
    no_disease = likelihood_ratios(tp=0, fp=3, tn=50, fn=0)
    assert no_disease.positive.value is None and "no patients with the disease" in no_disease.positive.reason
    assert math.isnan(no_disease.positive.as_interval().value)


def test_post_test_probability_is_bayes_in_odds_form():
    assert post_test_probability(0.2, 4.0) == pytest.approx(0.5)  # odds 0.25 x 4 = 1
    assert post_test_probability(0.05, 1.0) == pytest.approx(0.05)
    assert post_test_probability(0.3, math.inf) == 1.0
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        post_test_probability(1.0, 2.0)


def test_post_test_carries_the_lr_interval_and_reads_as_a_sentence():
    lr = likelihood_ratios(tp=48, fp=120, tn=1096, fn=14)
    post = post_test(0.05, lr)
    pos, neg = post.after_positive, post.after_negative
    assert pos.value == pytest.approx(post_test_probability(0.05, lr.positive.value))
    assert pos.lo < pos.value < pos.hi and neg.lo < neg.value < neg.hi < 0.05 < pos.lo
    text = post.sentence()
    assert "5.0 % before the test" in text and percent(pos.value) in text and percent(neg.value) in text
    blank = post_test(0.05, likelihood_ratios(tp=0, fp=0, tn=50, fn=12))
    assert blank.after_positive is None and "nobody is flagged" in blank.sentence()
    data = to_json(lr, post)
    assert data["lr_positive"]["value"] == lr.positive.value
    assert data["post_test"]["after_negative"]["hi"] == neg.hi
