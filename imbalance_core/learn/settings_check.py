"""One check of every number in :class:`~imbalance_core.learn.training.TrainSettings`, before any work.

The CLI's argparse types refuse bad flags early; the pages have bounded widgets. But settings also
come from code, from stored sessions and from combinations a widget cannot judge (two custom weights
for three classes, weights that are all 0). :func:`check_settings` is the one place that says, in a
sentence naming the setting, what is wrong — instead of a ZeroDivisionError deep inside scikit-learn
or a message about the test share for a negative seed.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from imbalance_core.errors import DataError

#: numpy's random seeds must lie in [0, 2**32 - 1].
MAX_SEED = 2**32 - 1


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_custom_weights(weights: tuple[Any, ...], n_classes: int | None) -> None:
    example = ",".join(["1"] * ((n_classes or 2) - 1) + ["10"])
    if not weights:
        raise DataError(f"Custom class weights: give one weight per class, e.g. {example}.")
    if not all(_is_number(w) for w in weights):
        raise DataError(f"Custom class weights must be finite numbers, e.g. {example}.")
    if any(float(w) <= 0 for w in weights):
        raise DataError(
            "Custom class weights must all be above 0: a weight of 0 makes the model ignore that class "
            f"(all 0 leaves nothing to learn from). For example {example}."
        )
    if n_classes is not None and len(weights) != n_classes:
        raise DataError(
            f"Custom class weights: {len(weights)} given for {n_classes} classes; give one weight per "
            f"class in class order (negative first), e.g. {example}."
        )


def check_settings(settings: Any, n_classes: int | None = None) -> None:
    """Raise DataError naming the first setting of ``settings`` (a TrainSettings) that is out of range.

    ``n_classes`` (when known) checks that custom weights give exactly one weight per class.
    """
    if not _is_number(settings.ratio) or not 0 < settings.ratio <= 1:
        raise DataError("The target ratio must be minority:majority above 0 and at most 1:1, e.g. 1:3.")
    if not _is_number(settings.tradeoff) or not 0 <= settings.tradeoff <= 1:
        raise DataError("The trade-off t must be a number from 0 to 1, e.g. 0.5.")
    if settings.weighting == "custom":
        _check_custom_weights(tuple(settings.custom_weights), n_classes)
    if not _is_number(settings.test_size) or not 0 < settings.test_size < 1:
        raise DataError("The test share must lie strictly between 0 and 1, e.g. 0.25.")
    if not _is_whole(settings.cv) or settings.cv < 2:
        raise DataError("Cross-validation needs a whole number of at least 2 folds, e.g. 5.")
    if not _is_whole(settings.seed) or not 0 <= settings.seed <= MAX_SEED:
        raise DataError(f"The random seed must be a whole number from 0 to {MAX_SEED:,}, e.g. 42.")
    for column, low, high in settings.clip_bounds:
        if not (_is_number(low) and _is_number(high)) or low >= high:
            raise DataError(
                f"The clipping bounds of '{column}' must be two finite numbers, the lower below the upper."
            )
