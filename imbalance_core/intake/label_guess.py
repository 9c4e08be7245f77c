"""Guess the label column and the positive (disease) class of a table the way a clinician would.

Why: a wrong default is worse than none. The old rule (the last column with 2-10 values, the rarest
class as positive) modelled a bookkeeping flag (``TBG_measured`` = "y") on a thyroid export and
called the healthy class positive in a clinic where the disease is the majority. The rules here:

Label column (:func:`guess_label`)
    1. Names first, outcome before predictor: a column named like an outcome or a diagnosis column
       (:data:`OUTCOME_WORDS`: ``death``, ``died``, ``mortality``, ``event``, ``outcome``,
       ``readmitted``, ``relapse``, ``survival``, ``status``, ``target``, ``class``, ``diagnosis``,
       ``label`` ...) beats a column named after a disease (:data:`DISEASE_WORDS`: ``diabetes``,
       ``stroke``, ``ckd`` ...), which in a follow-up file is usually a comorbidity flag, a 0/1
       predictor; those beat columns named like neither. A bare name (``diagnosis``) beats a
       qualified one (``smoking_status``). Names that mark bookkeeping (``*_measured``, ``flag``,
       ``referral``, ``source``, ``id``, ``date``, ``comment`` ...) never win on their name;
       demographics (``sex``, ``age``) are pushed back. A label is usually the last or the first
       column: both earn a little.
    2. The column must be usable: not ID-like, not empty, at least two classes, not a continuous
       measurement, not free text. An unusable column named like the label is *reported*
       (:attr:`LabelGuess.problems`) instead of being passed over in silence.
    3. Ties: two classes before many, the last column before others, then the first.

Positive class (:func:`~imbalance_core.intake.label_values.guess_positive`)
    The value that reads as disease (yes, 1, true, positive, present, abnormal, a disease word)
    or, when the other values read as healthy (no, 0, negative, normal, none, ``-``, healthy,
    not..., non..., blood donor, control), every value that does not. Only when the values say
    nothing is the rarest class taken, and the reason says so.

Every decision carries a sentence (:attr:`LabelGuess.reasons`) the Data page and ``profile`` show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.intake import task
from imbalance_core.intake.label_values import guess_positive, quote_values
from imbalance_core.intake.read import LoadedTable

#: Names (whole name or one of its words) of an outcome or diagnosis column: the strongest label names.
OUTCOME_WORDS = frozenset(
    {
        "diagnosis", "diag", "dx", "classification", "outcome", "outcomes", "class", "target", "label", "y",
        "result", "status", "death", "died", "dead", "deceased", "event", "mortality", "category",
        "response", "readmitted", "readmission", "relapse", "recurrence", "survival", "survived",
        "case", "cases", "finding", "endpoint",
    }
)  # fmt: skip
#: Names of a disease or condition: the label in a registry of that disease, but in a follow-up file
#: usually a comorbidity flag (a predictor), so they come after the outcome words.
DISEASE_WORDS = frozenset(
    {
        "disease", "condition", "malignant", "malignancy", "cancer", "stroke", "diabetes", "ckd",
        "sepsis", "infection", "hepatitis", "cirrhosis", "pneumonia", "positive", "anaemia", "anemia",
        "hypertension",
    }
)  # fmt: skip
#: Every word that makes a column "named like a label".
LABEL_WORDS = OUTCOME_WORDS | DISEASE_WORDS
#: Words that mark a bookkeeping column: never chosen for its name.
BOOKKEEPING_WORDS = frozenset(
    {
        "measured", "flag", "flags", "referral", "source", "id", "ids", "no", "nr", "number",
        "num", "date", "time", "name", "comment", "comments", "note", "notes", "text", "remark",
        "remarks", "index", "row", "record", "visit", "batch", "file",
    }
)  # fmt: skip
#: Demographic columns: few values, but rarely what the model should predict.
DEMOGRAPHIC_WORDS = frozenset({"sex", "gender", "age", "race", "ethnicity", "married", "smoker", "smoking"})


@dataclass(frozen=True)
class LabelCandidate:
    """One column judged as a label: its score and either why it fits or why it cannot be used."""

    column: str
    score: float
    named_like_label: bool
    problem: str | None = None
    bookkeeping: bool = False
    name_score: float = 0.0
    n_values: int = 0
    position: int = 0
    n_columns: int = 0

    @property
    def kind(self) -> str:
        """What the name says: 'outcome', 'disease', 'bookkeeping' or ''."""
        return name_kind(self.column)

    @property
    def where(self) -> str:
        """'the last column', 'the first column' or ''."""
        if self.n_columns and self.position == self.n_columns - 1:
            return "the last column"
        return "the first column" if self.position == 0 else ""


@dataclass(frozen=True)
class LabelGuess:
    """The guessed label column and positive class, with the reasons a person can check.

    label: the chosen column. positive: its label values that count as positive (disease).
    label_reasons / positive_reasons: sentences saying why. problems: columns named like a label
    that could not be used, each with the reason (shown as a warning, never hidden).
    """

    label: str
    positive: tuple[str, ...]
    label_reasons: tuple[str, ...]
    positive_reasons: tuple[str, ...]
    problems: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """All sentences, label first."""
        return self.label_reasons + self.positive_reasons


# --------------------------------------------------------------------------- names


def name_words(name: str) -> list[str]:
    """Lower-case words of a column name: split at non-letters/digits and camelCase ("TBG_measured",
    "HeartDisease" -> ["heart", "disease"])."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name))
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.casefold()) if w]


def name_kind(name: str) -> str:
    """'outcome', 'disease', 'bookkeeping' or '' for what a column's name says it holds."""
    words = name_words(name)
    if not words or any(w in BOOKKEEPING_WORDS for w in words):
        return "bookkeeping"
    if any(w in OUTCOME_WORDS for w in words):
        return "outcome"
    if any(w in DISEASE_WORDS for w in words):
        return "disease"
    return ""


def name_score(name: str) -> tuple[float, bool]:
    """(score from the name alone, named like a label). Bookkeeping words veto the label words;
    outcome words (10 bare, 8-10 qualified) beat disease words (5 bare, 4 qualified)."""
    words = name_words(name)
    kind = name_kind(name)
    if kind == "bookkeeping":
        return -8.0, False
    score = 0.0
    if kind == "outcome":
        score = 10.0 if len(words) == 1 else 8.0 + (words[-1] in OUTCOME_WORDS)
        score += 1.0 if len(words) > 1 and all(w in OUTCOME_WORDS for w in words) else 0.0
    elif kind == "disease":
        score = 5.0 if len(words) == 1 else 4.0
    if any(w in DEMOGRAPHIC_WORDS for w in words):
        score -= 3.0
    return score, bool(kind in ("outcome", "disease"))


# --------------------------------------------------------------------------- usability


def _unusable(col: pd.Series, name: str) -> str | None:
    """Why a column cannot be a label, or None. The reasons never quote a cell value."""
    values = col.dropna()
    if values.empty:
        return "it is empty in every row"
    if task._is_id_like(col, name):
        return "it is unique in every row, like a row number or patient ID"
    n = int(values.nunique())
    if n < 2:
        return "it has only one class; a classifier needs at least two"
    numeric = task.is_numeric_column(col)
    if numeric and n > task.MAX_CLASSES:
        return f"it holds {n} different numbers, a measurement rather than classes"
    if not numeric and n > task.MAX_CLASSES and n > task.MAX_CODE_SHARE * len(values):
        return f"it holds {n} different texts in {len(values)} rows, free text rather than classes"
    return None


def _candidate(frame: pd.DataFrame, position: int) -> LabelCandidate:
    name = str(frame.columns[position])
    col = frame.iloc[:, position]
    score, named = name_score(name)
    problem = _unusable(col, name)
    by_name = score
    n = int(col.nunique(dropna=True))
    if problem is None:
        score += 2.0 if n == 2 else (1.0 if n <= task.MAX_CLASSES else 0.0)
        if position == len(frame.columns) - 1:
            score += 2.0
        elif position == 0:
            score += 1.0
    bookkeeping = any(w in BOOKKEEPING_WORDS for w in name_words(name))
    return LabelCandidate(name, score, named, problem, bookkeeping, by_name, n, position, len(frame.columns))


def label_candidates(table: LoadedTable) -> tuple[LabelCandidate, ...]:
    """Every column judged as a label, best first (usable before unusable, then by score, later
    column first on ties)."""
    frame = table.frame
    found = [_candidate(frame, i) for i in range(len(frame.columns))]
    order = sorted(
        range(len(found)), key=lambda i: (found[i].problem is None, found[i].score, i), reverse=True
    )
    return tuple(found[i] for i in order)


# --------------------------------------------------------------------------- the guess


def _label_reason(best: LabelCandidate, passed_over: list[LabelCandidate], n_classes: int) -> tuple[str, ...]:
    where = f", {best.where}" if best.where else ""
    if best.kind == "outcome":
        first = f"'{best.column}' is named like a diagnosis or outcome column{where}"
    elif best.named_like_label:
        first = (
            f"'{best.column}' is named after a disease{where}, and no column is named like an outcome "
            "(death, event, outcome, status, class ...)"
        )
    else:
        first = (
            f"No usable column is named like a diagnosis or outcome; '{best.column}' is only a guess from "
            f"its values{where}. Check it and choose the label column if it is another"
        )
    reasons = [f"{first}; it has {n_classes} classes and is neither an ID nor a measurement."]
    predictors = [
        c.column
        for c in passed_over
        if c.problem is None and c.column != best.column and c.kind == "disease" and best.kind == "outcome"
    ]
    if predictors:
        reasons.append(
            f"Columns named after a disease ({quote_values(predictors, 3)}) were read as predictors "
            "(comorbidity flags): an outcome column comes first."
        )
    flags = [
        c.column
        for c in passed_over
        if c.problem is None
        and c.bookkeeping
        and (c.n_values == 2 or any(w in LABEL_WORDS for w in name_words(c.column)))
    ]
    if flags:
        reasons.append(
            f"Passed over as bookkeeping (measured/flag/source/ID/date columns): {quote_values(flags, 3)}."
        )
    return tuple(reasons)


def guess_label(table: LoadedTable) -> LabelGuess:
    """The label column and positive class a clinician would pick, with reasons (see module docs).

    Raises DataError when no column can be a label (each is empty, single-class, ID-like,
    continuous or free text), naming the columns that looked most like one and why.
    """
    candidates = label_candidates(table)
    usable = [c for c in candidates if c.problem is None]
    best_name = usable[0].name_score if usable else float("-inf")
    # Unusable columns named at least as much like a label as the chosen one: the person may have meant them.
    named_problems = [
        c for c in candidates if c.problem is not None and c.named_like_label and c.name_score >= best_name
    ]
    problems = tuple(
        f"Column '{c.column}' looks like the label by its name, but {c.problem}." for c in named_problems
    )
    if not usable:
        shown = named_problems or [c for c in candidates if c.problem][:3]
        detail = "; ".join(f"'{c.column}': {c.problem}" for c in shown[:3])
        raise DataError(
            f"No column can be the label ({detail}). A label column needs at least two classes, e.g. "
            "a diagnosis coded yes/no; check that this is the right file."
        )
    best = usable[0]
    if named_problems and not best.named_like_label:
        problems += (
            f"'{best.column}' was chosen for now only because it has few values; choose the label column "
            "yourself.",
        )
    counts = task.label_classes(table, best.column)
    positive, positive_reasons = guess_positive(counts)
    marks = task.label_marks(table, best.column)
    positive_reasons = tuple(m.text for m in marks if m.as_class) + positive_reasons
    as_class = sum(m.rows for m in marks if m.as_class)
    missing = int(table.frame[best.column].isna().sum()) - as_class
    if 5 * missing > table.n_rows:
        switch = [m for m in marks if not m.as_class]
        problems += (
            f"'{best.column}' is empty or a missing-value mark (NA, ?, -) in {missing:,} of {table.n_rows:,} "
            "rows; those rows are left out."
            + (
                " " + " ".join(m.text for m in switch)
                if switch
                else " If such a mark means 'no condition' in this file, write it as a word (e.g. "
                "'negative') so those patients are kept."
            ),
        )
    return LabelGuess(
        label=best.column,
        positive=positive,
        label_reasons=_label_reason(best, list(candidates), len(counts)),
        positive_reasons=positive_reasons,
        problems=problems,
    )


def spec_for(table: LoadedTable, label: str) -> tuple[task.TaskSpec, tuple[str, ...]]:
    """A binary task for a label the person chose, with the positive guessed from its values.

    Returns the spec and the reasons for the positive. Raises DataError for an unusable label.
    """
    counts = task.label_classes(table, label)
    if len(counts) < 2:
        raise DataError(task._one_class_message(label))
    positive, reasons = guess_positive(counts)
    return task.TaskSpec(label=label, positive=positive), reasons


__all__ = [
    "LabelCandidate",
    "LabelGuess",
    "guess_label",
    "guess_positive",
    "label_candidates",
    "name_words",
    "spec_for",
]
