"""Sentences under the Report and Predict pages' tables: numbers from independent counts, never 'nan'."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from imbalance_core.share import report_sentences as rs

NAN = float("nan")


def _no_nan(text: str) -> None:
    assert not re.search(r"\bnan\b|\binf\b", text.lower()), text


def test_two_by_two_sentence_counts_equal_sklearn():
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.1).astype(int)
    s = rng.random(500) * 0.5 + 0.4 * y
    t = 0.42
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel())
    text = rs.two_by_two_sentence(tp, fp, fn, tn, t, "sepsis")
    assert text == (
        f"At the threshold 0.42, the model flags {tp + fp:,} of 500 patients in the hold-out set: it finds "
        f"{tp} of the {int(y.sum())} with 'sepsis' and misses {fn}; {fp} of the {int((1 - y).sum())} "
        "without it get a false alarm."
    )


def test_per_thousand_and_accuracy_sentences():
    text = rs.per_thousand_sentence(315.2, 38.4, 11.0, 0.049)
    assert text == (
        "Of 1,000 patients at a prevalence of 4.9 %, the model flags 315; 38 of them have the disease, and "
        "11 with the disease are missed."
    )
    row = {"sensitivity": 0.58, "sensitivity_lo": 0.36, "sensitivity_hi": 0.77, "specificity": 0.985,
           "specificity_lo": 0.95, "specificity_hi": 0.996, "ppv_deploy": 0.67,
           "prevalence_deploy": 0.05}  # fmt: skip
    text = rs.accuracy_sentence(row)
    assert "finds 58.0 % of patients with the disease (about 6 in 10), 95 % CI 36.0 % to 77.0 %" in text
    assert "(about 1 in 67 of them get a false alarm)" in text  # 1 / 0.015 = 66.7
    assert "At a prevalence of 5.0 %, 67.0 % of flagged patients have the disease." in text


@pytest.mark.parametrize(
    "row",
    [
        {"sensitivity": NAN, "specificity": 1.0, "ppv_deploy": NAN, "prevalence_deploy": 0.1},
        {"sensitivity": None, "specificity": None},
        {"sensitivity": 0.0, "specificity": 1.0, "sensitivity_lo": NAN, "sensitivity_hi": 0.2},
    ],
)
def test_awkward_rows_never_say_nan(row):
    _no_nan(rs.accuracy_sentence(row))
    _no_nan(rs.per_thousand_sentence(NAN, 1, 2, NAN))
    _no_nan(rs.two_by_two_sentence(0, 0, 0, 10, NAN, "x"))
    _no_nan(rs.two_by_two_sentence(3, 0, 1, 0, 0.5, "x"))


def test_confusion_and_per_class_sentences():
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 1])
    p = np.array([0, 0, 1, 1, 2, 2, 2, 1, 1, 1])
    cm = confusion_matrix(y, p, labels=[0, 1, 2])
    text = rs.confusion_sentence(cm, ["a", "b", "c"])
    assert text.startswith(
        f"The model calls the right class for {int((y == p).sum())} of 10 hold-out patients"
    )
    assert "'c' called 'b' (2 patients)" in text
    assert rs.confusion_sentence(np.zeros((2, 2)), ["a", "b"]) == "No hold-out patients to count."
    text = rs.per_class_sentence({"a": 2 / 3, "b": 2 / 3 + 0.01, "c": 0.5, "d": NAN})
    assert text == "The model finds 67.7 % of 'b' patients but only 50.0 % of 'c' patients."
    _no_nan(rs.per_class_sentence({"a": NAN}))


def test_predictions_sentence_counts_flags_like_numpy():
    rng = np.random.default_rng(2)
    scores = rng.random(37)
    decisions = (scores >= 0.7).astype(int)
    text = rs.predictions_sentence(scores, decisions, 0.7, ("no", "yes"))
    k = int((scores >= 0.7).sum())
    assert (
        f"{k} of 37 patients ({100 * k / 37:.1f} %) have a score at or above 0.7 and are called 'yes'" in text
    )
    assert f"median {np.median(scores):.3g}" in text
    multi = rs.predictions_sentence(np.zeros((4, 3)), np.array([2, 2, 0, 1]), None, ("a", "b", "c"))
    assert "most common call is 'c' (2 of 4, 50.0 %)" in multi
    assert rs.predictions_sentence([], [], 0.5, ("a", "b")) == "No patients were scored."
    _no_nan(rs.predictions_sentence([NAN, NAN], [0, 0], 0.5, ("a", "b")))


def test_model_sentence():
    meta = SimpleNamespace(settings={"sampler": "smote", "classifier": "logreg"}, data_name="hcv.csv",
                           feature_names=("a", "b"), threshold=0.27, positive_class="ill")  # fmt: skip
    assert rs.model_sentence(meta) == (
        "The model (smote + logreg) was trained on 'hcv.csv' with 2 features; it calls a patient 'ill' when "
        "the score is at or above 0.27."
    )
    multi = SimpleNamespace(
        settings={}, data_name="", feature_names=("a",), threshold=None, positive_class=None
    )
    assert rs.model_sentence(multi).endswith("it gives each patient the most probable class.")


def test_small_helpers():
    assert rs.pct(NAN) == rs.UNKNOWN and rs.pct(None) == rs.UNKNOWN and rs.pct(0.1234) == "12.3 %"
    assert rs.in_words(0.58) == "about 6 in 10" and rs.in_words(0.0) == "" and rs.in_words(math.inf) == ""
    assert rs.threshold_text(NAN) == "not set" and rs.count(1, "row") == "1 row"
