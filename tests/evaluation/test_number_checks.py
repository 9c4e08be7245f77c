"""One finite-number check for every sentence module: ``formatting.is_number``.

The sentence modules used to keep their own checks (threshold_sentences._ok, report_sentences._ok,
page_sentences._num, validate_sentences._num); they disagreed on bools and numeric strings. These tests
pin what each public sentence function prints for awkward values, so the checks could be replaced by the
one in formatting.py without changing a sentence. The rule they settle: a finite real number (Python or
numpy, float or int) is a number; None, NaN, +-inf, a bool (Python or numpy) and text (even "0.25") are
not — no caller passes a bool or a string, and a sentence never reads True as 1.

Expected texts are built with Python's own format specs, not copied from the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from imbalance_core.evaluation import page_sentences as ps
from imbalance_core.evaluation import threshold_sentences as ts
from imbalance_core.evaluation import validate_sentences as vs
from imbalance_core.evaluation.formatting import NOT_ESTIMABLE, decimal_text, is_number
from imbalance_core.share import report_sentences as rs

#: Values a sentence must treat as "no number".
NOT_NUMBERS = [
    None,
    float("nan"),
    np.float64("nan"),
    math.inf,
    -math.inf,
    np.float32("inf"),
    True,
    False,
    np.True_,
    np.False_,
    "0.25",
    "abc",
    "",
    b"0.25",
    [0.25],
    object(),
]
#: Finite numbers of every kind a page passes (plain, numpy float32/64, numpy and plain ints).
NUMBERS = [0.25, np.float64(0.25), np.float32(0.25), np.int64(3), np.int32(0), 3, 0, -0.5, 1e-5]


def _ids(value: object) -> str:
    """A stable test id (an object's default repr holds its address)."""
    return "object" if type(value) is object else repr(value)


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_is_number_refuses_what_is_not_a_finite_real_number(value) -> None:
    assert is_number(value) is False


@pytest.mark.parametrize("value", NUMBERS, ids=_ids)
def test_is_number_accepts_finite_numbers_of_every_kind(value) -> None:
    assert is_number(value) is True


@pytest.mark.parametrize("value", NUMBERS, ids=_ids)
def test_decimal_text_is_pythons_fixed_point(value) -> None:
    for digits in (2, 3, 4):
        assert decimal_text(value, digits) == f"{float(value):.{digits}f}"


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_decimal_text_says_the_word(value) -> None:
    assert decimal_text(value, 3) == NOT_ESTIMABLE
    assert decimal_text(value, 2, missing="not known") == "not known"


# --------------------------------------------------------------------------- Threshold page sentences


def _ts_threshold(v: float) -> str:
    """The explorer's threshold rule, written out independently: 4 decimals, 3 significant below 0.01."""
    v = float(v)
    if 0 < abs(v) < 1e-4:
        return "below 0.0001" if v > 0 else "above -0.0001"
    return f"{v:.4f}" if abs(v) >= 0.01 or v == 0 else f"{v:.3g}"


@pytest.mark.parametrize("value", NUMBERS, ids=_ids)
def test_threshold_sentences_numbers(value) -> None:
    assert ts.threshold_text(value) == _ts_threshold(value)
    text = ts.per_thousand(value, 315.2, 38.4, 11.0)
    assert text.startswith(f"At {_ts_threshold(value)}, the model flags 315 of 1,000")


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_threshold_sentences_not_numbers(value) -> None:
    assert ts.threshold_text(value) == "an undefined threshold"
    assert "cannot be worked out" in ts.per_thousand(0.3, value, 1, 2)
    assert ts.roc_sentence(value, 0.1, 0.9).startswith("The area under the ROC curve cannot be estimated")
    assert "(no interval: too few patients)" in ts.roc_sentence(0.8, value, 0.9)
    assert ts.pr_sentence(0.5, 0.4, 0.6, value).startswith("The precision-recall summary cannot be")
    assert "95 % CI" not in ts.pr_sentence(0.5, value, 0.6, 0.1)
    assert ts.calibration_curve_sentence(value, 0.2, 10).startswith("The calibration curve cannot be")
    assert ts.per_class_sentence(["a", "b"], [value, 0.5], [3, 4]).endswith(
        "No hold-out patients of a: their accuracy cannot be estimated."
    )
    entry = {"threshold_lo": value, "threshold_hi": 0.4, "holdout": {"sensitivity": {"value": value}}}
    text = ts.uncertainty_sentence(entry, 200, 1)
    assert "cannot be estimated (no patients with the disease)" in text
    assert "interval cannot be estimated (too few resampled picks)" in text
    assert ts.uncertainty_table_sentence({"k": entry}).startswith("No suggestion's threshold interval")
    ici = SimpleNamespace(ici=SimpleNamespace(value=value))
    assert ts.calibration_table_sentence([("raw", ici)]).startswith("No risk set has an estimable ICI")


def test_threshold_sentences_numbers_in_intervals() -> None:
    lo, hi = np.float32(0.7), np.int64(1)
    assert f"(95 % CI {float(lo):.2f} to {float(hi):.2f})" in ts.roc_sentence(np.float64(0.8), lo, hi)
    ici = SimpleNamespace(ici=SimpleNamespace(value=np.float64(0.0123)))
    assert f"{0.0123:.3f} away" in ts.calibration_table_sentence([("raw", ici)])


# --------------------------------------------------------------------------- Report / Predict sentences


@pytest.mark.parametrize("value", NUMBERS, ids=_ids)
def test_report_sentences_numbers(value) -> None:
    assert rs.threshold_text(value) == f"{float(value):.4g}"
    text = rs.two_by_two_sentence(3, 1, 1, 5, value, "x")
    assert text.startswith(f"At the threshold {float(value):.4g}, the model flags 4 of 10 patients")
    meta = SimpleNamespace(threshold=value, positive_class="sick", feature_names=("a",))
    assert f"at or above {float(value):.4g}." in rs.model_sentence(meta)


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_report_sentences_not_numbers(value) -> None:
    assert rs.threshold_text(value) == "not set"
    assert rs.in_words(value) == ""
    assert (
        rs.per_thousand_sentence(value, 1, 2, 0.1)
        == "The natural frequencies are not known for this threshold."
    )
    text = rs.accuracy_sentence({"sensitivity": value, "specificity": value, "ppv_deploy": value})
    assert "sensitivity is not known" in text and "clears" not in text and "Nobody is flagged" in text
    text = rs.accuracy_sentence({"sensitivity": 0.5, "sensitivity_lo": value, "sensitivity_hi": 0.7})
    assert "95 % CI" not in text
    assert rs.per_class_sentence({"a": value}).startswith("No class has patients in the hold-out set")
    meta = SimpleNamespace(threshold=value, positive_class="sick", feature_names=("a",))
    assert rs.model_sentence(meta).endswith("it gives each patient the most probable class.")
    text = rs.predictions_sentence([0.1, 0.9], [0, 1], value, ["a", "b"])
    assert "most common call is 'a' (1 of 2, 50.0 %)" in text


def test_report_sentences_numpy_shares() -> None:
    text = rs.per_class_sentence({"a": np.float32(0.5), "b": np.int64(1), "c": True})
    assert text == "The model finds 100.0 % of 'b' patients but only 50.0 % of 'a' patients."
    assert rs.in_words(np.float64(0.58)) == "about 6 in 10" and rs.in_words(np.int64(1)) == ""


# --------------------------------------------------------------------------- Train / Compare / Data sentences


@pytest.mark.parametrize("value", NUMBERS, ids=_ids)
def test_page_sentences_numbers(value) -> None:
    assert ps.holdout_sentence(1, 2, 3, 4, value).startswith(f"At {float(value):.4f}, of the 10 hold-out")
    assert (
        ps.compare_best_sentence("L", value, None, None)
        == f"Best cross-validated PR AUC: L, {float(value):.3f}."
    )
    text = ps.validation_measures_sentence("ROC AUC", value, value, True)
    assert f"ROC AUC is {float(value):.3f} instead of the apparent {float(value):.3f}" in text
    assert f"risk moves by {float(value):.3f}," in ps.instability_sentence(value, 0.1)
    assert (
        ps.cv_summary_sentence({"roc_auc": value}, 5) == f"Over 5 folds, ROC AUC averaged {float(value):.3f}."
    )


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_page_sentences_not_numbers(value) -> None:
    assert ps.holdout_sentence(1, 2, 3, 4, value).startswith(f"At {NOT_ESTIMABLE}, of the 10 hold-out")
    assert (
        ps.compare_best_sentence("L", value, None, None)
        == f"Best cross-validated PR AUC: L, {NOT_ESTIMABLE}."
    )
    assert ps.validation_measures_sentence("ROC AUC", 0.8, value, True) == (
        f"Corrected for optimism, ROC AUC is {NOT_ESTIMABLE} here."
    )
    assert f"instead of the apparent {NOT_ESTIMABLE}:" in ps.validation_measures_sentence(
        "A", value, 0.8, False
    )
    assert f"risk moves by {NOT_ESTIMABLE}, and {NOT_ESTIMABLE} of decisions" in ps.instability_sentence(
        value, value
    )
    text = ps.cv_summary_sentence({"roc_auc": value, "pr_auc": 0.5}, 3)
    assert text == f"Over 3 folds, ROC AUC averaged {NOT_ESTIMABLE} and PR AUC 0.500."


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_loadings_sentence_leaves_out_what_is_not_a_number(value) -> None:
    assert ps.loadings_sentence([value]).startswith("The share of variation the components explain could not")
    assert ps.loadings_sentence([np.float64(0.3), value]).startswith("The 1 component shown explain 30.0 %")


# --------------------------------------------------------------------------- Validate page sentences


@pytest.mark.parametrize("value", NUMBERS, ids=_ids)
def test_validate_sentences_numbers(value) -> None:
    v = f"{float(value):.2f}"
    assert vs.updating_sentence("", value, None, value, None) == (
        f"No update is needed: the saved risks already fit this file (slope {v}, E:O {v})."
    )


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=_ids)
def test_validate_sentences_not_numbers(value) -> None:
    text = vs.updating_sentence("Recalibration", value, 1.0, 0.9, value)
    assert text.startswith(f"Recalibration moves the calibration slope from {NOT_ESTIMABLE} to 1.00 and E:O ")
    assert f"from 0.90 to {NOT_ESTIMABLE} (1 is ideal" in text


SENTENCE_MODULES = sorted(
    [
        *(Path(__file__).resolve().parents[2] / "imbalance_core" / "evaluation").glob("*sentences.py"),
        Path(__file__).resolve().parents[2] / "imbalance_core" / "share" / "report_sentences.py",
    ]
)


@pytest.mark.parametrize("path", SENTENCE_MODULES, ids=lambda p: p.name)
def test_sentence_modules_keep_no_number_check_of_their_own(path: Path) -> None:
    """The copies are gone: no ``def _ok`` / ``def _num`` and no hand-written finite check on a value."""
    source = path.read_text(encoding="utf-8")
    for copy in ("def _ok(", "def _num(", "def _finite(", "_finite = "):
        assert copy not in source, (path.name, copy)
    assert "is not None and math.isfinite(float(" not in source, path.name
