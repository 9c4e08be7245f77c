"""Clinical bounds suggested by column name, with the unit guessed from the values (issue 12 item 6)."""

from __future__ import annotations

import numpy as np
import pytest

from imbalance_core.learn.clinical_bounds import match_analyte, suggest

NAMES = [  # (column name as found in public exports, analyte key or None)
    ("Age", "age"), ("age", "age"), ("BMI", "bmi"), ("Glucose", "glucose"), ("avg_glucose_level", "glucose"),
    ("BloodPressure", "diastolic"), ("ap_hi", "systolic"), ("ALT", "alt"), ("ALT (U/L)", "alt"),
    ("Alamine_Aminotransferase", "alt"), ("Aspartate_Aminotransferase", "ast"), ("CREA", "creatinine"),
    ("serum_creatinine", "creatinine"), ("Total_Bilirubin", "bilirubin"), ("CHOL", "cholesterol"),
    ("Albumin", "albumin"), ("Albumin_and_Globulin_Ratio", None), ("TBG_measured", None), ("CHE", None),
    ("GGT", None), ("SkinThickness", None), ("patient_id", None), ("sex", None), ("hypertension", None),
]  # fmt: skip


@pytest.mark.parametrize(("column", "key"), NAMES)
def test_column_names_read_as_the_right_analyte(column, key):
    analyte = match_analyte(column)
    assert (analyte.key if analyte else None) == key


def test_unit_is_guessed_from_the_values():
    rng = np.random.default_rng(0)
    mg = suggest("Glucose", rng.normal(110, 30, 500).clip(40, 400))
    mmol = suggest("Glucose", rng.normal(6, 1.5, 500).clip(2, 25))
    assert (mg.unit, mg.low, mg.high) == ("mg/dL", 10, 1500)
    assert (mmol.unit, mmol.low, mmol.high) == ("mmol/L", 0.5, 85)
    assert "check it" in mmol.note
    umol = suggest("creatinine", rng.normal(90, 30, 500).clip(30, 900))
    assert umol.unit == "µmol/L"


def test_no_default_narrower_than_the_observed_values():
    # HCV's bilirubin is in µmol/L (0.8-254): most values also fit mg/dL (0-50), which would clip at 50.
    bil = np.r_[np.full(95, 7.0), np.linspace(60, 254, 5)]
    assert suggest("BIL", bil).unit == "µmol/L"
    wild = np.r_[np.full(97, 40.0), [82.0, 95.0, 120.0]]  # albumin g/L with impossible values
    none = suggest("ALB", wild)
    assert none.low is None and "outside every usual range" in none.note
    assert suggest("GGT", [1, 2, 3]).low is None
