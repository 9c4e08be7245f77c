"""Which class a multi-class model is judged for first, one against the rest.

The Threshold page judges one class at a time as "disease present" against all others. Opening on the
first class in the label's order put the reference group there: for the bundled HCV file the page opened
on "Disease present: 0=Blood Donor" with "disease in 87.5 %". The most frequent class in training is, in
a medical data set, nearly always that reference (donors, controls, "no finding"), so the page opens on
the first class in the label's order that is not the most frequent one.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def default_judged_class(y_train: Any, n_classes: int) -> int:
    """Index of the class judged first: the first class (label order) that is not the most frequent in
    ``y_train`` (class codes 0..n_classes-1).

    Ties for most frequent: the first of them is taken as the reference. One class, or no labels: 0.

    Examples
    --------
    >>> default_judged_class([0, 0, 0, 1, 2], 3)
    1
    >>> default_judged_class([0, 2, 2, 2, 1], 3)
    0
    """
    codes = np.asarray(y_train, dtype=np.int64).ravel()
    if n_classes < 2 or codes.size == 0:
        return 0
    counts = np.bincount(codes, minlength=n_classes)
    reference = int(np.argmax(counts))  # first of the largest
    return 1 if reference == 0 else 0
