"""The sentences under every figure and table: the numbers they quote come from the inputs, counted here
by hand, and a number that cannot be estimated is said in words (never "nan")."""

from __future__ import annotations

import math

import pytest

from imbalance_core.evaluation import page_sentences as ps

NAMES = ("healthy", "sick")


def test_fold_counts_sentence_gives_the_range_before_and_after():
    before = [{"healthy": 640, "sick": 31}, {"healthy": 640, "sick": 32}, {"healthy": 641, "sick": 32}]
    after = [{"healthy": 640, "sick": 640}, {"healthy": 640, "sick": 640}, {"healthy": 641, "sick": 641}]
    text = ps.fold_counts_sentence(before, after, NAMES, "SMOTE", True)
    assert text.startswith("Each of the 3 training folds has 31-32 patients with the disease and 640-641")
    assert "before SMOTE, and 640-641 patients with the disease after" in text
    assert text.endswith("the validation folds are never resampled.")


def test_fold_counts_sentence_without_sampler_or_record():
    before = [{"healthy": 10, "sick": 5}] * 2
    assert "nothing is resampled" in ps.fold_counts_sentence(
        before, [None, None], NAMES, "No resampling", False
    )
    assert "before SMOTE; the validation" in ps.fold_counts_sentence(
        before, [None, None], NAMES, "SMOTE", True
    )
    assert "No cross-validation" in ps.fold_counts_sentence([], [], NAMES, "SMOTE", True)


def test_fold_counts_sentence_multiclass_names_the_rarest():
    names = ("a", "b", "c")
    before = [{"a": 50, "b": 7, "c": 20}, {"a": 50, "b": 8, "c": 20}]
    text = ps.fold_counts_sentence(before, before, names, "ROS", True)
    assert "7-8 patients of the rarest class (b)" in text


def test_holdout_sentence_counts():
    text = ps.holdout_sentence(tp=29, fn=11, fp=60, tn=100, threshold=0.046)
    assert text == (
        "At 0.0460, of the 200 hold-out patients the model finds 29 of 40 with the disease (misses 11) "
        "and flags 60 of 160 without it."
    )


def test_compare_best_sentence_and_missing_counts():
    text = ps.compare_best_sentence("SMOTE + Logistic regression", 0.41, 6, 40)
    assert text == (
        "Best cross-validated PR AUC: SMOTE + Logistic regression, 0.410; on the hold-out it misses 6 of "
        "40 patients with the disease at its own threshold."
    )
    assert (
        ps.compare_best_sentence("x", math.nan, None, None)
        == "Best cross-validated PR AUC: x, not estimable."
    )


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, "text"])
def test_no_nan_ever(bad):
    sentences = [
        ps.cv_summary_sentence({"roc_auc": bad, "pr_auc": 0.4, "sensitivity": bad}, 5),
        ps.compare_best_sentence("x", bad, 1, 2),
        ps.validation_measures_sentence("ROC AUC", bad, bad, True),
        ps.instability_sentence(bad if not isinstance(bad, str) else None, math.nan),
        ps.loadings_sentence([math.nan]),
    ]
    for text in sentences:
        assert "nan" not in text.lower().replace("not estimable", "")
        assert "inf" not in text.lower().replace("information", "")


def test_cv_summary_sentence():
    text = ps.cv_summary_sentence(
        {"roc_auc": 0.8321, "pr_auc": 0.4119, "sensitivity": 0.8, "specificity": 0.7}, 5
    )
    assert text == (
        "Over 5 folds, ROC AUC averaged 0.832 and PR AUC 0.412; at the model's threshold, sensitivity "
        "averaged 0.800 and specificity 0.700."
    )


def test_resampling_and_holdout_counts_sentences():
    text = ps.resampling_counts_sentence(
        NAMES, {"healthy": 380, "sick": 45}, {"healthy": 380, "sick": 380}, "SMOTE"
    )
    assert "45 patients with the disease and 380 without; after SMOTE the final fit sees 380 and 380" in text
    same = ps.resampling_counts_sentence(NAMES, {"healthy": 3, "sick": 1}, {"healthy": 3, "sick": 1}, "none")
    assert same.endswith("uses them as they are.")
    assert "38 patients with the disease and 640 without (678 in all)" in ps.holdout_counts_sentence(
        {"healthy": 640, "sick": 38}, NAMES
    )


def test_data_page_sentences():
    text = ps.class_balance_sentence({"healthy": 563, "sick": 45}, "sick")
    assert text == "45 of 608 patients (7.4 %) have the disease (sick): about 1 in 14."
    assert "None of the 3 columns" in ps.quality_sentence({"a": 0, "b": 0, "c": 0}, 10)
    text = ps.quality_sentence({"a": 0, "ALP": 18, "c": 2}, 615)
    assert text.startswith("2 of 3 columns have missing values; most in ALP (18 of 615 rows).")


def test_explore_sentences():
    text = ps.projection_sentence(real=425, removed=0, synthetic=335, after=760, sampler_name="SMOTE")
    assert "after SMOTE, 760 rows — 335 synthetic, none removed" in text
    assert "nothing added or removed" in ps.projection_sentence(10, 0, 0, 10, "No resampling")
    assert ps.loadings_sentence([0.301, 0.151]).startswith("The 2 components shown explain 45.2 % of")
