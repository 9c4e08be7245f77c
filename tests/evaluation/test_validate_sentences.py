"""The Validate page's sentences: numbers checked against hand counts and statsmodels' calibration fit,
words against planted miscalibration, and never ``nan`` whatever is missing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from imbalance_core.evaluation import validate_sentences as vs
from imbalance_core.evaluation.calibration import Estimate, calibration_intercept, calibration_slope, e_to_o
from imbalance_core.evaluation.external import (
    SideBySide,
    Table2x2,
    side_by_side,
    table_at,
    validation_figures,
)

NAN = float("nan")


def _simulated(seed: int, distort) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes drawn from true risks; the model reports ``distort(logit)``."""
    rng = np.random.default_rng(seed)
    eta = rng.normal(-1.5, 1.2, 4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-eta))).astype(int)
    return y, 1 / (1 + np.exp(-distort(eta)))


def test_table_sentence_matches_a_hand_count() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.clip(y * 0.3 + rng.random(300) * 0.7, 0, 1)
    t = table_at(y, s, 0.5)
    tp = int(((s >= 0.5) & (y == 1)).sum())
    fn = int(((s < 0.5) & (y == 1)).sum())
    fp = int(((s >= 0.5) & (y == 0)).sum())
    text = vs.table_sentence(t)
    assert f"Of the {tp + fn:,} patients with the outcome, the model flagged {tp:,}" in text
    assert f"missed {fn:,}" in text and f"{fp:,} were flagged wrongly" in text
    assert f"sensitivity {100 * tp / (tp + fn):.1f} %" in text


def test_table_sentence_without_one_class_says_so() -> None:
    text = vs.table_sentence(Table2x2(tp=0, fp=3, tn=7, fn=0))
    assert "No patient in this file has the outcome" in text and "nan" not in text.lower()
    text = vs.table_sentence(Table2x2(tp=1, fp=0, tn=0, fn=0))
    assert "1 patient with the outcome" in text and "specificity cannot be judged" in text


@pytest.mark.parametrize(
    ("distort", "level", "spread"),
    [
        (lambda e: e, "match what happened", "spread fits"),
        (lambda e: 2.0 * e + 1.5, "", "too extreme"),
        (lambda e: 0.5 * e - 0.75, "", "too modest"),
        (lambda e: e + 0.8, "too high on average", "spread fits"),
        (lambda e: e - 0.8, "too low on average", "spread fits"),
    ],
)
def test_calibration_words_follow_planted_miscalibration(distort, level, spread) -> None:
    y, p = _simulated(1, distort)
    slope = calibration_slope(y, p)
    # independent check of the slope the sentence quotes: statsmodels' logistic fit on logit(p)
    fit = sm.GLM(y, sm.add_constant(np.log(p / (1 - p))), family=sm.families.Binomial()).fit()
    assert slope.value == pytest.approx(fit.params[1], rel=1e-4)
    text = vs.calibration_sentence(calibration_intercept(y, p), slope, e_to_o(y, p))
    assert spread in text and level in text
    assert f"slope {slope.value:.2f}" in text and "nan" not in text.lower()


def test_figures_sentence_gives_the_difference_from_development() -> None:
    y, p = _simulated(2, lambda e: e)
    figures = validation_figures(y, p, 0.3, n_boot=20)
    record = {"auc": figures.auc.value + 0.07, "auc_lo": NAN, "auc_hi": NAN, "sensitivity": 0.9}
    rows = side_by_side(record, figures)
    text = vs.figures_sentence(rows)
    assert f"ROC AUC {figures.auc.value:.2f}" in text and "0.07 lower than in development" in text
    sens = figures.table.rate("sensitivity").value
    assert f"sensitivity is {100 * sens:.1f} %" in text
    assert "records no development AUC" in vs.figures_sentence(side_by_side({}, figures))


def test_updating_and_case_mix_sentences() -> None:
    text = vs.updating_sentence("Logistic recalibration", 0.62, 1.01, 1.4, 1.0)
    assert "from 0.62 to 1.01" in text and "from 1.40 to 1.00" in text
    assert vs.updating_sentence("", 0.98, None, 1.01, None).startswith("No update is needed")
    text = vs.case_mix_sentence(["similar", "very different", "different", "different", "not known"], 0.81)
    assert "Of 4 compared features, 1 look very different and 2 different" in text and "0.81 (easy" in text
    assert "All 2 compared features look similar" in vs.case_mix_sentence(["similar", "similar"], 0.52)


def test_no_sentence_ever_says_nan() -> None:
    missing = Estimate(NAN, NAN, NAN, "none")
    row = SideBySide("auc", "ROC AUC", None, missing, NAN)
    texts = [
        vs.calibration_sentence(missing, missing, missing),
        vs.calibration_sentence(None, None, None),
        vs.figures_sentence([row]),
        vs.figures_sentence([]),
        vs.updating_sentence("Recalibration in the large", NAN, None, NAN, math.inf),
        vs.case_mix_sentence([], NAN),
        vs.case_mix_sentence(["not known"], None),
        vs.table_sentence(Table2x2(0, 0, 0, 0)),
    ]
    for text in texts:
        assert text and "nan" not in text.lower() and "inf" not in text.lower(), text
    assert "not estimable" in texts[0]
