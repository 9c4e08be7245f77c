"""Class balance and data quality of a table for a chosen task.

:func:`profile` answers the first two questions a person has about a data set: how imbalanced are
the classes (counts, shares, majority:minority ratio, plain-words guidance on what to do about it) and
what is wrong with the columns (missing values, detection limits, excluded columns and why,
duplicated rows, zeros that look like "not measured"). It runs :func:`imbalance_core.intake.task.prepare`,
so what it reports is exactly what training will see.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData, TaskSpec, is_numeric_column, prepare

#: Ratios (majority:minority) at which the guidance changes, from the domain notes.
MILD_RATIO = 4.0
SEVERE_RATIO = 10.0
#: Below this many minority rows SMOTE-family methods cannot interpolate meaningfully.
MIN_MINORITY_FOR_SMOTE = 10

#: "Zeros that look like missing values" (:func:`suspect_zeros`). A numeric column other than the label
#: is flagged only when ALL of these hold, so that real zeros (counts such as Pregnancies, scores,
#: concentrations below a detection limit) are left alone:
#:
#: 1. it has exact zeros and no negative values;
#: 2. it has at least ``ZERO_MIN_NONZERO`` non-zero values, with at least two different ones;
#: 3. the smallest non-zero value lies at least ``ZERO_GAP_STEPS`` steps of the column's own value grid
#:    above 0 (the step is the smallest difference between two different non-zero values). A count
#:    0, 1, 2, ... has its smallest non-zero value one step above 0: zero is simply the next value;
#: 4. the smallest non-zero value is at least ``ZERO_GAP_SHARE`` of the median non-zero value, so a
#:    skewed quantity whose small values crowd towards 0 is not flagged either.
#:
#: Pima: Glucose 44 (44 steps, 0.38 of the median), BloodPressure 24, SkinThickness 7, Insulin 14
#: (14 steps, 0.11 of the median), BMI 18.2 (182 steps of 0.1) are flagged; Pregnancies (1 step) is not.
ZERO_GAP_STEPS = 5
ZERO_GAP_SHARE = 0.05
ZERO_MIN_NONZERO = 20

Level = Literal["info", "warning", "action"]
Kind = Literal["numeric", "categorical", "label", "excluded"]


@dataclass(frozen=True)
class Guidance:
    """One piece of advice in plain words; ``level`` orders how urgent it is."""

    level: Level
    text: str


@dataclass(frozen=True)
class ColumnQuality:
    """Data-quality findings for one column of the loaded table."""

    name: str
    kind: Kind
    missing: int
    detection_limit: int = 0
    excluded_reason: str | None = None
    infinite: int = 0
    non_numeric: int = 0
    units: tuple[str, ...] = ()
    zeros_as_missing: int = 0


@dataclass(frozen=True)
class SuspectZeros:
    """A numeric column whose exact zeros look like "not measured" (rule: see ``ZERO_GAP_STEPS``).

    zeros: exact zeros in the rows the task uses; smallest_nonzero / median_nonzero / step: what the
    rule compared. chosen: the task already reads these zeros as missing (``TaskSpec.zero_missing``).
    """

    column: str
    zeros: int
    smallest_nonzero: float
    median_nonzero: float
    step: float
    chosen: bool = False

    @property
    def text(self) -> str:
        """The finding and what to do, in one plain sentence."""
        return (
            f"Column '{self.column}' has {self.zeros} zeros, but its smallest non-zero value is "
            f"{self.smallest_nonzero:g}: these zeros look like 'not measured' rather than real values. "
            "If a 0 is impossible here, read them as missing (Data page: \"Zeros mean 'not measured' "
            f'in"; command line: --zero-missing {self.column}) so they are imputed instead of '
            "distorting the model."
        )


@dataclass(frozen=True)
class DataProfile:
    """Class balance and data quality for one table and task.

    rows: rows used by the task (after dropping missing and ignored labels); ``rows_read`` before.
    classes: cleaned label value -> rows (ignored values not included).
    task_classes: task class name -> rows (binary: negative, positive); ``shares`` likewise.
    imbalance_ratio: majority:minority over the task classes, as ``majority / minority``.
    suspect_zeros: numeric columns whose zeros look like "not measured"; those not yet chosen in
        ``TaskSpec.zero_missing`` also give a sentence in ``warnings``.
    """

    name: str
    rows: int
    rows_read: int
    columns: int
    label: str
    classes: dict[str, int]
    task_classes: dict[str, int]
    shares: dict[str, float]
    positive: tuple[str, ...]
    positive_name: str | None
    imbalance_ratio: float
    minority_count: int
    guidance: tuple[Guidance, ...]
    quality: tuple[ColumnQuality, ...]
    duplicated_rows: int
    warnings: tuple[str, ...]
    notices: tuple[str, ...]
    excluded: dict[str, str] = field(default_factory=dict)
    dropped_rows: dict[str, int] = field(default_factory=dict)
    multiclass: bool = False
    suspect_zeros: tuple[SuspectZeros, ...] = ()
    label_marks: tuple[str, ...] = ()
    id_texts: tuple[str, ...] = ()
    duplicates_text: str = ""
    after_outcome: tuple[str, ...] = ()

    def to_json_dict(self) -> dict:
        """Plain JSON-able dict (the CLI's ``--json`` output)."""
        out = asdict(self)
        out["positive"] = list(self.positive)
        out["guidance"] = [asdict(g) for g in self.guidance]
        out["quality"] = [asdict(q) | {"units": list(q.units)} for q in self.quality]
        out["warnings"] = list(self.warnings)
        out["notices"] = list(self.notices)
        out["suspect_zeros"] = [asdict(z) | {"text": z.text} for z in self.suspect_zeros]
        for key in ("label_marks", "id_texts", "after_outcome"):
            out[key] = list(getattr(self, key))
        return out


# --------------------------------------------------------------------------- guidance rules


def _ratio_guidance(ratio: float, minority: int) -> tuple[Guidance, ...]:
    if ratio < 1.5:
        return (Guidance("info", "The classes are about balanced; no resampling or weighting is needed."),)
    if ratio < MILD_RATIO:
        return (
            Guidance(
                "info",
                f"Mild imbalance ({ratio:.1f}:1). Class weights are usually enough; "
                "resampling rarely helps here.",
            ),
        )
    if ratio <= SEVERE_RATIO:
        return (
            Guidance(
                "warning",
                f"Marked imbalance ({ratio:.1f}:1): take care. Accuracy will flatter "
                "the model — judge it by sensitivity, PR AUC and balanced accuracy, and "
                "consider class weights or a moderate resampling target such as 3:1.",
            ),
        )
    return (
        Guidance(
            "action",
            f"Severe imbalance ({ratio:.1f}:1): act. Use at least one remedy — class "
            "weights, resampling of the training folds, or a moved threshold — and do "
            "not trust accuracy.",
        ),
    )


def _minority_guidance(ratio: float, minority: int) -> tuple[Guidance, ...]:
    if minority >= MIN_MINORITY_FOR_SMOTE:
        return ()
    return (
        Guidance(
            "action",
            f"Only {minority} rows in the smallest class: SMOTE-family methods cannot "
            "interpolate meaningfully with this few. Prefer class weights or threshold "
            "moving, and collect more cases if you can.",
        ),
    )


def _when_not_to_resample(ratio: float, minority: int) -> tuple[Guidance, ...]:
    if ratio < MILD_RATIO:
        return ()
    return (
        Guidance(
            "info",
            "Resample only the training data, never the test data. If the model must "
            "meet the natural prevalence, you can also keep the data as it is and move "
            "the decision threshold instead.",
        ),
    )


#: Guidance rules, each (ratio, minority count) -> advice; applied in order.
GUIDANCE_RULES = (_ratio_guidance, _minority_guidance, _when_not_to_resample)


def guidance_for(ratio: float, minority: int) -> tuple[Guidance, ...]:
    """All advice for a majority:minority ratio and the size of the smallest class."""
    return tuple(g for rule in GUIDANCE_RULES for g in rule(ratio, minority))


# --------------------------------------------------------------------------- quality


def _quality(table: LoadedTable, data: PreparedData) -> tuple[ColumnQuality, ...]:
    rows = []
    all_rows = data.source_rows is None or len(data.source_rows) == table.n_rows
    if all_rows:
        missing = pd.Series(table.missing_counts, dtype="int64").reindex(table.columns, fill_value=0)
    else:
        missing = table.frame.iloc[data.source_rows].isna().sum()
    for name in table.columns:
        if name == data.label:
            kind: Kind = "label"
        elif name in data.excluded:
            kind = "excluded"
        elif name in data.categorical_features:
            kind = "categorical"
        else:
            kind = "numeric"
        rows.append(
            ColumnQuality(
                name=name,
                kind=kind,
                missing=int(missing[name]),
                detection_limit=table.detection_limit_counts.get(name, 0),
                excluded_reason=data.excluded.get(name),
                infinite=table.infinite_counts.get(name, 0),
                non_numeric=table.non_numeric_counts.get(name, 0),
                units=table.unit_columns.get(name, ()),
                zeros_as_missing=data.zero_missing_counts.get(name, 0),
            )
        )
    return tuple(rows)


def _value_step(distinct: np.ndarray) -> float:
    """Smallest difference between two sorted distinct values: the resolution the column is written in."""
    return float(np.min(np.diff(distinct)))


def zero_finding(values: np.ndarray, column: str) -> SuspectZeros | None:
    """The finding for one numeric column's values (NaN = missing), or None when the rule does not fire.

    Cheap tests first (any zero? any negative?) so most columns cost one pass.
    """
    values = values[~np.isnan(values)]
    zero = values == 0
    n_zeros = int(np.count_nonzero(zero))
    if n_zeros == 0 or np.any(values < 0):
        return None
    nonzero = values[~zero]
    if len(nonzero) < ZERO_MIN_NONZERO:
        return None
    distinct = np.unique(nonzero)
    if len(distinct) < 2:  # a 0/1 (or 0/x) column: nothing to judge a gap against
        return None
    smallest, step, median = float(distinct[0]), _value_step(distinct), float(np.median(nonzero))
    if smallest < ZERO_GAP_STEPS * step or smallest < ZERO_GAP_SHARE * median:
        return None
    return SuspectZeros(column, n_zeros, smallest, median, step)


def suspect_zeros(
    table: LoadedTable, data: PreparedData, chosen: tuple[str, ...] = ()
) -> tuple[SuspectZeros, ...]:
    """Numeric columns (not the label) of the task's rows whose zeros look like "not measured".

    Judged on the values as read (before ``TaskSpec.zero_missing`` turns zeros into NaN), so a column
    stays listed after it is chosen; ``chosen`` marks those.
    """
    rows = data.source_rows
    all_rows = rows is None or len(rows) == table.n_rows
    found = []
    for name in table.columns:
        col = table.frame[name]
        if name == data.label or not is_numeric_column(col):
            continue
        values = col.to_numpy(dtype="float64")
        finding = zero_finding(values if all_rows else values[rows], name)
        if finding is not None:
            found.append(replace(finding, chosen=name in chosen))
    return tuple(found)


def profile(table: LoadedTable, spec: TaskSpec, data: PreparedData | None = None) -> DataProfile:
    """Class balance, guidance and data quality of ``table`` for the task ``spec``.

    ``data``: ``prepare(table, spec)`` when the caller has it already (the Data page does), so a
    100,000-row file is not prepared twice.
    Raises DataError for the same reasons as :func:`imbalance_core.intake.task.prepare`.
    """
    data = prepare(table, spec) if data is None else data
    task_counts = data.class_counts
    counts = np.array(list(task_counts.values()))
    minority = int(counts.min())
    ratio = float(counts.max() / minority)
    total = int(counts.sum())
    warnings = list(data.warnings)
    zeros = suspect_zeros(table, data, tuple(spec.zero_missing))
    warnings.extend(z.text for z in zeros if not z.chosen)
    duplicated = data.duplicate_rows
    if duplicated and data.duplicates != "drop":
        warnings.append(data.duplicates_text)
    warnings.extend(a.text for a in data.after_outcome)
    guidance = guidance_for(ratio, minority)
    if not spec.multiclass and task_counts[data.positive_name] > total / 2:
        guidance += (
            Guidance(
                "info",
                "The positive class is the majority here; the imbalance methods "
                "will favour the negative class instead.",
            ),
        )
    warnings.extend(g.text for g in guidance if g.level != "info")
    return DataProfile(
        name=data.name,
        rows=total,
        rows_read=table.n_rows,
        columns=len(table.columns),
        label=data.label,
        classes=dict(data.label_counts),
        task_classes=task_counts,
        shares={k: v / total for k, v in task_counts.items()},
        positive=data.positive_values,
        positive_name=None if spec.multiclass else data.positive_name,
        imbalance_ratio=ratio,
        minority_count=minority,
        guidance=guidance,
        quality=_quality(table, data),
        duplicated_rows=duplicated,
        warnings=tuple(warnings),
        notices=tuple(table.notices) + tuple(data.notices) + tuple(r.text for r in data.repeated_ids),
        excluded=dict(data.excluded),
        dropped_rows=dict(data.dropped_rows),
        multiclass=spec.multiclass,
        suspect_zeros=zeros,
        label_marks=tuple(m.text for m in data.label_marks),
        id_texts=tuple(r.text for r in data.repeated_ids),
        duplicates_text=data.duplicates_text,
        after_outcome=tuple(a.text for a in data.after_outcome),
    )
