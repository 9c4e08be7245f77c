"""The class the Threshold page judges first (multi-class): never the reference group."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd

from imbalance_core.evaluation import one_vs_rest
from imbalance_core.evaluation.one_vs_rest import default_judged_class
from tests.helpers_training import hcv_multiclass


def test_bundled_hcv_opens_on_a_disease_not_the_blood_donors():
    data = hcv_multiclass()
    k = default_judged_class(data.y, len(data.class_names))
    # independent: the largest class by a pandas count is the donors, and the chosen class is another one
    largest = pd.Series(np.asarray(data.class_names)[data.y]).value_counts().idxmax()
    assert largest.startswith("0=Blood Donor")
    assert data.class_names[k] != largest
    assert data.class_names[k].startswith("1=Hepatitis")


def test_awkward_label_sets():
    assert default_judged_class([2, 2, 2, 0, 1], 3) == 0  # the reference is last: judge the first class
    assert default_judged_class([1, 1, 1, 0, 2], 3) == 0
    assert default_judged_class([0, 0, 1, 1, 2], 3) == 1  # a tie: the first of the largest is the reference
    assert default_judged_class([0, 0, 0], 3) == 1  # classes absent from training still count
    assert default_judged_class([], 4) == 0
    assert default_judged_class([0, 0], 1) == 0
    assert default_judged_class(np.array([[0], [0], [1]]), 2) == 1  # any shape


def test_doctests():
    assert doctest.testmod(one_vs_rest).failed == 0
