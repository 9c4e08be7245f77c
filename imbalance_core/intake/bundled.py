"""Real public medical data sets shipped in ``sample_data/``, each with a ready task.

The app starts on :data:`DEFAULT_KEY` so the first screen already shows an imbalanced class chart.
Origins, licences and column meanings are in ``sample_data/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from imbalance_core.errors import DataError
from imbalance_core.intake.read import LoadedTable, read_table
from imbalance_core.intake.task import TaskSpec

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
#: Pima columns in which 0 is physiologically impossible and stands for "not measured"
#: (sample_data/README.md); Pregnancies and the rest keep their zeros.
PIMA_ZERO_MISSING = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")


@dataclass(frozen=True)
class BundledDataset:
    """One bundled data set: where it is, what it is, and the task it opens with."""

    key: str
    title: str
    path: Path
    description: str
    default_spec: TaskSpec
    citation: str
    licence: str
    rows: int


BUNDLED: dict[str, BundledDataset] = {
    "hcv": BundledDataset(
        key="hcv",
        title="HCV lab values (blood donors vs liver disease)",
        path=SAMPLE_DATA / "hcv_lab_values.csv",
        description=(
            "Ten routine lab values, age and sex of 615 blood donors and hepatitis C patients from "
            "Hannover Medical School. Task: any liver disease (hepatitis, fibrosis, cirrhosis: 75 rows) "
            "vs blood donor (533 rows), about 7:1. The 7 suspect blood donors are left out and reported. "
            "The unnamed first column is a row number and is excluded."
        ),
        default_spec=TaskSpec(
            label="Category",
            positive=("1=Hepatitis", "2=Fibrosis", "3=Cirrhosis"),
            ignore=("0s=suspect Blood Donor",),
        ),
        citation=(
            "Lichtinghagen R, Klawonn F, Hoffmann G. HCV data. UCI Machine Learning Repository (id 571)."
        ),
        licence="CC BY 4.0",
        rows=615,
    ),
    "ilpd": BundledDataset(
        key="ilpd",
        title="Indian liver patients (ILPD)",
        path=SAMPLE_DATA / "indian_liver_patients.csv",
        description=(
            "Age, gender and nine liver tests of 583 people from Andhra Pradesh, India. Task: liver "
            "patient (Dataset = 1) vs not (Dataset = 2). Here the disease class is the MAJORITY "
            "(416 vs 167): the positive class is not the rare one. 12 rows are duplicates."
        ),
        default_spec=TaskSpec(label="Dataset", positive=("1",)),
        citation="Ramana BV, Babu MSP, Venkateswarlu NB. ILPD. UCI Machine Learning Repository (id 225).",
        licence="CC BY 4.0",
        rows=583,
    ),
    "pima": BundledDataset(
        key="pima",
        title="Pima Indians diabetes",
        path=SAMPLE_DATA / "pima_diabetes.csv",
        description=(
            "Eight measurements of 768 women of Pima heritage. Task: diabetes within five years "
            "(Outcome = 1, 268 rows) vs not (500 rows). A 0 in Glucose, BloodPressure, SkinThickness, "
            "Insulin or BMI means 'not measured', not a real zero; the file does not mark it as missing, "
            "so this task reads those zeros as missing values (change it under \"Zeros mean 'not "
            "measured' in\")."
        ),
        default_spec=TaskSpec(label="Outcome", positive=("1",), zero_missing=PIMA_ZERO_MISSING),
        citation="National Institute of Diabetes and Digestive and Kidney Diseases, via the UCI repository.",
        licence="CC0",
        rows=768,
    ),
}

#: The data set the app opens with.
DEFAULT_KEY = "hcv"


def load_bundled(key: str) -> LoadedTable:
    """Read one bundled data set through the same intake as an upload."""
    try:
        entry = BUNDLED[key]
    except KeyError:
        raise DataError(
            f"There is no bundled data set called '{key}'. Choose one of: {', '.join(BUNDLED)}."
        ) from None
    return read_table(entry.path, name=entry.path.name)
