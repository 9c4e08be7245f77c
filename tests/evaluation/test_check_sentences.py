"""The Check the model page's sentences against hand counts on small awkward data: the counts in the words
are the counts of the 2x2 per group, a group without a case says why it can't be estimated, and no
sentence ever shows ``nan``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.evaluation import check_sentences as cs
from imbalance_core.evaluation.subgroups import subgroup_table

THRESHOLD = 0.5


def _table(groups: list[str], y: list[int], s: list[float]):
    return subgroup_table(pd.DataFrame({"ward": groups}), np.array(y), np.array(s), THRESHOLD)


# Ward A: 4 with the disease (scores 0.9, 0.8, 0.2, 0.1 -> 2 found, 2 missed), 2 without (0.6 flagged, 0.3).
# Ward B: 3 with the disease, all found; 3 without, none flagged.
# Ward C: nobody with the disease; 2 without, one flagged.
WARDS = ["A"] * 6 + ["B"] * 6 + ["C"] * 2
Y = [*(1, 1, 1, 1, 0, 0), *(1, 1, 1, 0, 0, 0), *(0, 0)]
S = [*(0.9, 0.8, 0.2, 0.1, 0.6, 0.3), *(0.7, 0.9, 0.55, 0.1, 0.2, 0.4), *(0.8, 0.1)]


def test_subgroup_sentence_names_the_group_missed_most_with_hand_counts() -> None:
    table = _table(WARDS, Y, S)
    # overall: 7 with the disease, 5 found, 2 missed -> sensitivity 71 %
    text = cs.subgroup_sentence(table.rows, THRESHOLD, overall_tp=5, overall_fn=2)
    assert text.startswith(
        "At 0.5, the model misses 2 of 4 patients with the disease in group A (sensitivity 50 %)"
    )
    assert "against 71 % overall" in text
    assert "lowest of the 2 groups" in text
    assert "can't be estimated in group C: no patient with the disease there" in text
    assert "nan" not in text.lower()


def test_subgroup_sentence_when_nobody_is_missed_or_nobody_has_the_disease() -> None:
    table = _table(["A", "A", "B", "B"], [1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2])
    assert cs.subgroup_sentence(table.rows, THRESHOLD, 2, 0) == (
        "At 0.5, the model misses none of the 2 patients with the disease in any group."
    )
    none = _table(["A", "B"], [0, 0], [0.9, 0.1])
    text = cs.subgroup_sentence(none.rows, THRESHOLD, 0, 0)
    assert "can't be estimated in any group" in text and "nan" not in text


@pytest.mark.parametrize("metric", ["sensitivity", "specificity", "ppv", "npv"])
def test_plot_sentence_gives_the_lowest_and_highest_group_with_their_counts(metric) -> None:
    table = _table(WARDS, Y, S)
    y, s, wards = np.array(Y), np.array(S) >= THRESHOLD, np.array(WARDS)
    hand = {}
    for ward in "ABC":
        m = wards == ward
        tp, fp = int(np.sum(s[m] & (y[m] == 1))), int(np.sum(s[m] & (y[m] == 0)))
        fn, tn = int(np.sum(~s[m] & (y[m] == 1))), int(np.sum(~s[m] & (y[m] == 0)))
        hand[ward] = {
            "sensitivity": (tp, tp + fn), "specificity": (tn, tn + fp),
            "ppv": (tp, tp + fp), "npv": (tn, tn + fn),
        }[metric]  # fmt: skip
    known = {w: c for w, c in hand.items() if c[1] > 0}
    low = min(known, key=lambda w: known[w][0] / known[w][1])
    high = max(known, key=lambda w: known[w][0] / known[w][1])
    text = cs.subgroup_plot_sentence(table.rows, metric, THRESHOLD)
    assert "nan" not in text.lower()
    if len(known) < len(hand):
        assert "can't be estimated in group C" in text
    c, n = known[low]
    assert f"in group {low} ({c} of {n})" in text
    c2, n2 = known[high]
    if c / n != c2 / n2:
        assert f"to {round(100 * c2 / n2)} % in group {high} ({c2} of {n2})" in text
        lo_hi = proportion_confint(c, n, method="wilson")[1]
        hi_lo = proportion_confint(c2, n2, method="wilson")[0]
        assert ("do not overlap" in text) == (lo_hi < hi_lo)


def test_plot_sentence_says_why_when_no_group_can_be_judged() -> None:
    table = _table(["A", "B"], [1, 1], [0.1, 0.2])  # nobody flagged: PPV undefined everywhere
    assert cs.subgroup_plot_sentence(table.rows, "ppv", THRESHOLD) == (
        "At 0.5, PPV can't be estimated in any group: nobody in it is flagged."
    )


def test_importance_sentence_names_the_largest_drop() -> None:
    text = cs.importance_sentence(["age", "ALT", "AST", "sex"], [0.02, 0.08, 0.0004, -0.01], "PR AUC", 0.71)
    assert text.startswith("Shuffling ALT lowers PR AUC the most: by 0.080 (from 0.710).")
    assert "Next: age (0.020)." in text
    assert "Shuffling 2 of 4 features lowers it by less than 0.001, or not at all." in text
    loss = cs.importance_sentence(["a", "b"], [0.05, 0.01], "log-loss", 0.25, loss=True)
    assert loss.startswith("Shuffling a raises log-loss the most: by 0.050 (from 0.250).")


def test_importance_sentence_without_numbers_or_without_any_drop() -> None:
    text = cs.importance_sentence(["a", "b"], [math.nan, math.nan], "PR AUC", math.nan)
    assert "can't be estimated" in text and "nan" not in text.lower()
    flat = cs.importance_sentence(["a", "b"], [0.0, math.nan], "ROC AUC", 0.5)
    assert "leans on no single feature" in flat and "nan" not in flat.lower()


def test_whatif_features_sentence_says_which_are_shown_and_how_to_reach_the_rest() -> None:
    text = cs.whatif_features_sentence(total=12, top=8, extra=0, by_importance=True, scoring_name="PR AUC")
    assert text.startswith("Showing the 8 most important of 12 features")
    assert "any of the other 4" in text
    plain = cs.whatif_features_sentence(total=12, top=8, extra=2, by_importance=False)
    assert "first 8 of 12 features in the data's order" in plain and "2 more chosen there" in plain
    assert cs.whatif_features_sentence(5, 8, 0, True, "PR AUC").startswith("All 5 features can be edited")


def test_whatif_result_sentence_before_and_after_at_the_threshold() -> None:
    same = cs.whatif_result_sentence(0.3, 0.3, 0.5, [], "sick", "well")
    assert same.startswith(
        "As recorded, the score is 0.300, below the threshold 0.5: called negative ('well')"
    )
    flip = cs.whatif_result_sentence(0.3, 0.61, 0.5, [("AST", "32", "250")], "sick", "well")
    assert flip == (
        "With AST from 32 to 250, the score moves from 0.300 to 0.610: the decision turns from negative "
        "to positive ('sick') at the threshold 0.5."
    )
    stay = cs.whatif_result_sentence(0.7, 0.9, 0.5, [("a", "1", "2")] * 5, "sick", "well")
    assert "and 2 more features" in stay and "stays positive ('sick')" in stay
    assert "nan" not in cs.whatif_result_sentence(0.7, math.nan, 0.5, [("a", "1", "2")], "s", "w").lower()


def test_flips_sentence_counts() -> None:
    assert cs.flips_sentence([], 8, 0.046).startswith("None of the 8 features shown can move this patient")
    text = cs.flips_sentence(["a", "b", "c", "d", "e"], 9, 0.046)
    assert text.startswith(
        "5 of the 9 features shown can move this patient across 0.046 on its own (a, b, c and 2 more)"
    )


def test_threshold_line_says_where_the_threshold_came_from() -> None:
    chosen = cs.threshold_line(0.046, "suggestion on the Threshold page: Best F2", False)
    assert chosen == (
        "Judged at threshold 0.046, the one chosen on the Threshold page "
        "(suggestion on the Threshold page: Best F2)."
    )
    default = cs.threshold_line(0.046, "default: Youden", True)
    assert default.startswith("Judged at threshold 0.046, the model's default (Youden) until you move it")


def test_subgroup_auc_sentence_against_sklearn_per_group() -> None:
    from sklearn.metrics import roc_auc_score

    table = _table(WARDS, Y, S)
    w, y, s = np.array(WARDS), np.array(Y), np.array(S)
    auc = {g: roc_auc_score(y[w == g], s[w == g]) for g in ("A", "B")}  # C has no case: no AUC
    low, high = min(auc, key=auc.get), max(auc, key=auc.get)
    text = cs.subgroup_auc_sentence(table.rows)
    assert text.startswith(
        f"ROC AUC (any threshold) ranges from {auc[low]:.2f} in group {low} to "
        f"{auc[high]:.2f} in group {high}."
    )
    assert "can't be computed in group C: both classes are needed" in text
    assert "nan" not in text.lower()
    only_c = _table(["C", "C"], [0, 0], [0.8, 0.1])
    assert cs.subgroup_auc_sentence(only_c.rows).startswith("ROC AUC can't be computed in any group")
