"""Class counts of every cross-validation fold and of the hold-out: what each fit really saw.

The Train page's bar chart shows the whole training part before and after resampling (the final fit).
A clinician reading "SMOTE" also asks what each fold's model was trained on and judged on. The folds are
the ones training made (:func:`imbalance_core.learn.training.cv_plan`, recorded per training row in
``TrainResult.oof_fold``), and the counts after resampling are the ones the sampler reported inside each
fold's fit (``TrainResult.fold_resampled_counts``), so nothing is recomputed or guessed here.

The validation part of a fold and the hold-out are never resampled: their "after" equals "before".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imbalance_core.learn.training import TrainResult


@dataclass(frozen=True)
class PartCounts:
    """Class counts of one part: a fold's training and validation rows, or the hold-out.

    part: "Fold 1", ..., "Hold-out". train_before / train_after: class name -> rows of the part's training
    rows before / after resampling (after: None when not recorded); valid: class name -> rows it was judged
    on (never resampled). For the hold-out, the training rows are the whole training part (the final fit).
    """

    part: str
    train_before: dict[str, int]
    train_after: dict[str, int] | None
    valid: dict[str, int]


@dataclass(frozen=True)
class FoldCounts:
    """Every fold's counts, then the hold-out's; the positive class (binary) names the sentences."""

    parts: tuple[PartCounts, ...]
    class_names: tuple[str, ...]
    sampler: str

    @property
    def folds(self) -> tuple[PartCounts, ...]:
        """The CV folds only (without the hold-out line)."""
        return tuple(p for p in self.parts if p.part != HOLDOUT)

    def labels(self) -> dict[str, str]:
        """Class name -> short column word: two classes -> "disease" / "no disease" (positive first), so
        the table stays narrow whatever the label values are called; more classes -> the class names."""
        if len(self.class_names) == 2:
            return {self.class_names[1]: "disease", self.class_names[0]: "no disease"}
        return {name: name for name in self.class_names}

    def rows(self) -> list[dict[str, object]]:
        """One flat record per part for a table: training before / after resampling, then the rows judged
        on (never resampled), per class (two classes: the disease first)."""
        labels = self.labels()
        out = []
        for p in self.parts:
            record: dict[str, object] = {"Part": p.part}
            for name, word in labels.items():
                record[f"Train {word}"] = p.train_before[name]
                record[f"Train {word} after"] = None if p.train_after is None else p.train_after[name]
            for name, word in labels.items():
                record[f"Judged {word}"] = p.valid[name]
            out.append(record)
        return out


HOLDOUT = "Hold-out"


def _bincount(y: np.ndarray, class_names: tuple[str, ...]) -> dict[str, int]:
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=len(class_names))
    return {name: int(counts[c]) for c, name in enumerate(class_names)}


def fold_class_counts(result: TrainResult) -> FoldCounts | None:
    """Class counts per CV fold (training before / after resampling, validation) and of the hold-out.

    None when the result does not record which fold each training row was in (older results).
    """
    fold_of = getattr(result, "oof_fold", None)
    if fold_of is None or len(fold_of) != len(result.y_train):
        return None
    names = tuple(result.class_names)
    after = tuple(getattr(result, "fold_resampled_counts", ()) or ())
    y = np.asarray(result.y_train, dtype=np.int64)
    fold_of = np.asarray(fold_of, dtype=np.int64)
    parts = []
    for number in sorted(int(f) for f in np.unique(fold_of) if f > 0):
        inside = fold_of == number
        parts.append(
            PartCounts(
                part=f"Fold {number}",
                train_before=_bincount(y[~inside], names),
                train_after=dict(after[number - 1]) if len(after) >= number else None,
                valid=_bincount(y[inside], names),
            )
        )
    parts.append(
        PartCounts(
            part=HOLDOUT,
            train_before=dict(result.train_counts),
            train_after=dict(result.resampled_counts) if result.resampled_counts else None,
            valid=_bincount(result.y_test, names),
        )
    )
    return FoldCounts(parts=tuple(parts), class_names=names, sampler=result.settings.sampler)
