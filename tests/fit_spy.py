"""Records every fitting call made in a block (any ``fit``, ``fit_resample``, ... in Python code).

For tests that prove a step only counts and never trains: moving the threshold, the bootstrap of the
threshold's uncertainty, rule-out / rule-in zones. Each such test also shows the spy sees a real fit.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

FIT_NAMES = frozenset({"fit", "fit_resample", "fit_transform", "partial_fit", "fit_predict"})


@contextmanager
def fit_calls() -> Iterator[list[str]]:
    """A list that collects the qualified name of every fitting function called inside the block."""
    seen: list[str] = []

    def spy(frame, event, arg):
        if event == "call" and frame.f_code.co_name in FIT_NAMES:
            seen.append(frame.f_code.co_qualname)

    old = sys.getprofile()
    sys.setprofile(spy)
    try:
        yield seen
    finally:
        sys.setprofile(old)
