"""Plausible clinical bounds for synthetic values, suggested from a column's name and its values.

SMOTE-type methods place a new patient on the line between two real ones, so a synthetic value never
leaves the observed range; what can still be implausible is the observed range itself (a typo of 9999,
a unit mix-up). Clipping synthetic values to physiological bounds keeps interpolated patients
believable. This module only *suggests* bounds: a column whose name reads as a known analyte (age, BMI,
glucose, creatinine, ...) gets the widest range a living patient can show, in the unit its values
suggest. Many analytes are reported in two units (glucose in mg/dL or mmol/L); the unit whose range
holds every observed value is chosen, and none when no unit fits — the person confirms on the Train page
or gives ``--clip-bound COL:LOW:HIGH`` on the command line.

The bounds are deliberately wide (survivable extremes, not reference intervals): they exist to stop
nonsense, not to judge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Unit:
    """One reporting unit of an analyte with the widest plausible range in it."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class Analyte:
    """A lab value or vital sign recognised by column name.

    names: whole words or word pairs (lower case) that identify it in a column name, e.g. "glucose",
    "glu", "fasting glucose". units: candidate units, the most common first.
    """

    key: str
    label: str
    names: tuple[str, ...]
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class BoundSuggestion:
    """Suggested bounds for one column (None when the name or the values fit no known analyte)."""

    column: str
    analyte: str
    unit: str
    low: float | None
    high: float | None
    note: str


ANALYTES: tuple[Analyte, ...] = (
    Analyte("age", "Age", ("age", "age years", "patient age"), (Unit("years", 0, 120),)),
    Analyte("bmi", "Body-mass index", ("bmi", "body mass index"), (Unit("kg/m²", 10, 80),)),
    Analyte(
        "glucose",
        "Glucose",
        ("glucose", "glu", "glc", "avg glucose level", "blood glucose", "fasting glucose", "fbs"),
        (Unit("mg/dL", 10, 1500), Unit("mmol/L", 0.5, 85)),
    ),
    Analyte(
        "alt",
        "ALT",
        ("alt", "sgpt", "alat", "alamine aminotransferase", "alanine aminotransferase"),
        (Unit("U/L", 0, 10000),),
    ),
    Analyte("ast", "AST", ("ast", "sgot", "asat", "aspartate aminotransferase"), (Unit("U/L", 0, 10000),)),
    Analyte(
        "creatinine",
        "Creatinine",
        ("creatinine", "crea", "creat", "cr", "sc", "serum creatinine"),
        (Unit("mg/dL", 0.1, 25), Unit("µmol/L", 5, 2500)),
    ),
    Analyte("albumin", "Albumin", ("albumin", "alb"), (Unit("g/dL", 0.5, 7), Unit("g/L", 5, 70))),
    Analyte(
        "bilirubin",
        "Bilirubin",
        ("bilirubin", "bil", "tbil", "total bilirubin", "direct bilirubin", "db", "tb"),
        (Unit("mg/dL", 0, 50), Unit("µmol/L", 0, 850)),
    ),
    Analyte(
        "cholesterol",
        "Cholesterol",
        ("cholesterol", "chol", "tc", "total cholesterol", "ldl", "hdl"),
        (Unit("mmol/L", 0.1, 30), Unit("mg/dL", 5, 1200)),
    ),
    Analyte(
        "systolic",
        "Systolic blood pressure",
        ("systolic", "sbp", "systolic bp", "ap hi", "trestbps", "systolic blood pressure"),
        (Unit("mmHg", 40, 300),),
    ),
    Analyte(
        "diastolic",
        "Diastolic blood pressure",
        ("diastolic", "dbp", "diastolic bp", "ap lo", "bloodpressure", "blood pressure", "bp"),
        (Unit("mmHg", 10, 200),),
    ),
    Analyte(
        "heart_rate", "Heart rate", ("heart rate", "hr", "pulse", "thalach"), (Unit("beats/min", 20, 300),)
    ),
    Analyte(
        "hemoglobin",
        "Haemoglobin",
        ("hemoglobin", "haemoglobin", "hb", "hgb", "hemo"),
        (Unit("g/dL", 2, 25), Unit("g/L", 20, 250)),
    ),
    Analyte("sodium", "Sodium", ("sodium", "na", "sod"), (Unit("mmol/L", 90, 200),)),
    Analyte("potassium", "Potassium", ("potassium", "k", "pot"), (Unit("mmol/L", 1, 10),)),
    Analyte("insulin", "Insulin", ("insulin",), (Unit("µU/mL", 0, 3000),)),
    Analyte(
        "temperature", "Body temperature", ("temperature", "temp"), (Unit("°C", 25, 45), Unit("°F", 77, 113))
    ),
)


def _words(name: str) -> str:
    """A column name as lower-case words, units in brackets dropped: "avg_glucose_level" -> "avg glucose
    level", "ALT (U/L)" -> "alt"."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", re.sub(r"\(.*?\)|\[.*?\]", " ", str(name)))
    return " ".join(re.findall(r"[a-z]+", spaced.lower()))


#: Words that make a column something derived from an analyte (a ratio, a flag), not the analyte itself.
NOT_A_VALUE = frozenset(
    {"ratio", "measured", "flag", "change", "delta", "log", "unit", "units", "date", "time"}
)


def match_analyte(column: str) -> Analyte | None:
    """The analyte a column name reads as: the whole name, or a run of its words, equals one of its names.

    Names of three letters or fewer ("alt", "hr") must be the whole column name; derived columns
    (ratios, ``*_measured`` flags, dates) match nothing.
    """
    words = _words(column)
    if not words or NOT_A_VALUE & set(words.split()):
        return None
    padded = f" {words} "
    best: tuple[int, Analyte] | None = None
    for analyte in ANALYTES:
        for name in analyte.names:
            if words == name or (len(name) > 3 and f" {name} " in padded):
                score = len(name) + (100 if words == name else 0)
                if best is None or score > best[0]:
                    best = (score, analyte)
    return best[1] if best else None


def _fits(values: np.ndarray, unit: Unit) -> bool:
    """The unit's range holds every observed value.

    Why every value: a guess that holds most values would put a column in µmol/L (bilirubin 0.8-254) in
    mg/dL (0-50) and clip real-scale synthetic values at 50; narrowing bounds below what was observed is
    the person's decision, never a default.
    """
    return not len(values) or bool(unit.low <= values.min() and values.max() <= unit.high)


def suggest(column: str, values: Sequence[float] | np.ndarray) -> BoundSuggestion:
    """Bounds for ``column`` from its name and observed ``values`` (the first unit that holds them all)."""
    analyte = match_analyte(column)
    if analyte is None:
        return BoundSuggestion(
            column, "", "", None, None, "Not a known analyte: give bounds if you want them."
        )
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    for unit in analyte.units:
        if _fits(v, unit):
            note = f"{analyte.label}, {unit.name}"
            if len(analyte.units) > 1:
                note += " (unit guessed from the values: check it)"
            return BoundSuggestion(column, analyte.label, unit.name, float(unit.low), float(unit.high), note)
    return BoundSuggestion(
        column,
        analyte.label,
        "",
        None,
        None,
        f"Reads as {analyte.label}, but some values lie outside every usual range: check them, give bounds "
        "yourself.",
    )


def suggest_all(columns: Sequence[str], X: np.ndarray) -> tuple[BoundSuggestion, ...]:
    """One suggestion per numeric column (``X`` holds those columns, in order)."""
    X = np.asarray(X, dtype=float)
    return tuple(suggest(c, X[:, j]) for j, c in enumerate(columns))
