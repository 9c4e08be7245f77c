"""One check of every number in :class:`~imbalance_core.learn.training.TrainSettings`, before any work.

The CLI's argparse types refuse bad flags early; the pages have bounded widgets. But settings also
come from code, from stored sessions and from combinations a widget cannot judge (two custom weights
for three classes, weights that are all 0). :func:`check_settings` is the one place that says, in a
sentence naming the setting, what is wrong — instead of a ZeroDivisionError deep inside scikit-learn
or a message about the test share for a negative seed.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace
from typing import Any

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import is_number

#: numpy's random seeds must lie in [0, 2**32 - 1].
MAX_SEED = 2**32 - 1


def _is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_custom_weights(weights: tuple[Any, ...], n_classes: int | None) -> None:
    example = ",".join(["1"] * ((n_classes or 2) - 1) + ["10"])
    if not weights:
        raise DataError(f"Custom class weights: give one weight per class, e.g. {example}.")
    if not all(is_number(w) for w in weights):
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
    if not is_number(settings.ratio) or not 0 < settings.ratio <= 1:
        raise DataError("The target ratio must be minority:majority above 0 and at most 1:1, e.g. 1:3.")
    if not is_number(settings.tradeoff) or not 0 <= settings.tradeoff <= 1:
        raise DataError("The trade-off t must be a number from 0 to 1, e.g. 0.5.")
    if settings.weighting == "custom":
        _check_custom_weights(tuple(settings.custom_weights), n_classes)
    if not is_number(settings.test_size) or not 0 < settings.test_size < 1:
        raise DataError("The test share must lie strictly between 0 and 1, e.g. 0.25.")
    if not _is_whole(settings.cv) or settings.cv < 2:
        raise DataError("Cross-validation needs a whole number of at least 2 folds, e.g. 5.")
    if not _is_whole(settings.seed) or not 0 <= settings.seed <= MAX_SEED:
        raise DataError(f"The random seed must be a whole number from 0 to {MAX_SEED:,}, e.g. 42.")
    for column, low, high in settings.clip_bounds:
        if not (is_number(low) and is_number(high)) or low >= high:
            raise DataError(
                f"The clipping bounds of '{column}' must be two finite numbers, the lower below the upper."
            )


# --------------------------------------------------------------------------- settings carried to new data

#: Fewest patients of the rarer class in the training part for a fitted recalibration (Platt, isotonic):
#: fewer leave the out-of-fold logistic or step fit without enough events to be estimated.
MIN_EVENTS_TO_RECALIBRATE = 10


@dataclass(frozen=True)
class FittedSettings:
    """Settings made to fit a data set, and one sentence per setting that was changed (empty: all fit)."""

    settings: Any
    changes: tuple[str, ...] = ()


def fit_to_data(settings: Any, data: Any) -> FittedSettings:
    """``settings`` (a TrainSettings, e.g. the last one trained, on another file) made to fit ``data``.

    Settings are carried from file to file (the Train page seeds its widgets with the last trained
    ones; the Compare page starts from them). Some cannot apply to a newly loaded file and used to make
    training fail outright or silently do something else. Each is reset here, before any training,
    with a sentence naming it:

    - a fitted recalibration on a multi-class task (it applies to two-class models only) or with too
      few rare patients in the training part to fit it (:data:`MIN_EVENTS_TO_RECALIBRATE`);
    - clipping bounds of columns this file has not (as numbers);
    - a "split by patient" column that does not repeat in this file;
    - custom class weights given for another number of classes.
    """
    from imbalance_core.learn.recalibration import RECALIBRATORS  # late: recalibration imports training

    changes: list[str] = []
    updates: dict[str, Any] = {}
    n_classes = len(data.class_names)
    key = getattr(settings, "recalibrate", "none")
    if key != "none":
        name = RECALIBRATORS[key].name if key in RECALIBRATORS else key
        rare = min(data.class_counts.values()) if data.class_counts else 0
        train_rare = int(rare * (1 - float(settings.test_size)))
        if key not in RECALIBRATORS:
            changes.append(f"Recalibration '{key}' is not known; it is set back to None.")
            updates["recalibrate"] = "none"
        elif n_classes != 2:
            changes.append(
                f"Recalibration ({name}) applies to two-class tasks only and this task has {n_classes} "
                "classes: it is set back to None."
            )
            updates["recalibrate"] = "none"
        elif key != "prior" and train_rare < MIN_EVENTS_TO_RECALIBRATE:
            changes.append(
                f"Recalibration ({name}) needs at least {MIN_EVENTS_TO_RECALIBRATE} patients of the rarer "
                f"class in the training part; this file gives about {train_rare}: it is set back to None."
            )
            updates["recalibrate"] = "none"
    numeric = set(getattr(data, "numeric_features", ()))
    bounds = tuple(settings.clip_bounds)
    kept = tuple(b for b in bounds if b[0] in numeric)
    if len(kept) != len(bounds):
        gone = ", ".join(b[0] for b in bounds if b[0] not in numeric)
        changes.append(f"Clipping bounds for {gone}: no such numeric column in this file; they are dropped.")
        updates["clip_bounds"] = kept
    group = getattr(settings, "group_by", "")
    repeated = [found.column for found in getattr(data, "repeated_ids", ())]
    if group and group not in repeated and group not in getattr(data, "groups", {}):  # e.g. duplicate images
        changes.append(
            f"Split by patient: '{group}' is not a repeating ID column of this file; rows are split "
            + (f"by '{repeated[0]}' instead." if repeated else "one by one.")
        )
        updates["group_by"] = repeated[0] if repeated else ""
    if settings.weighting == "custom" and len(settings.custom_weights) != n_classes:
        changes.append(
            f"Custom class weights were given for {len(settings.custom_weights)} classes and this task has "
            f"{n_classes}: weighting is set back to None."
        )
        updates.update(weighting="none", custom_weights=())
    if not updates:
        return FittedSettings(settings)
    return FittedSettings(replace(settings, **updates), tuple(changes))
