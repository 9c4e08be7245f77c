"""The label / positive guess on a table of real-looking header layouts (written here, not tuned on the
bundled sets) and on the real public files in ../shared/data. Each case asserts the chosen label and
positive; the old rule (last column with 2-10 values, rarest class) fails most of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake.label_guess import guess_label
from imbalance_core.intake.label_values import guess_positive, reads_negative, reads_positive
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, label_classes, prepare

SHARED_DATA = Path("/work/shared/data")
N = 400


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _yn(rng: np.random.Generator, p: float = 0.8) -> np.ndarray:
    return np.where(rng.random(N) < p, "y", "n")


def thyroid_export() -> pd.DataFrame:
    """Diagnosis first ('negative' = no condition, letters = codes), trailing y/n *_measured flags."""
    rng = _rng()
    codes = rng.choice(["negative"] * 4 + ["F", "G", "K", "R", "S", "I", "M", "N", "AK"], N)
    frame = pd.DataFrame(
        {
            "diagnosis": codes,
            "age": rng.integers(18, 90, N),
            "sex": rng.choice(["F", "M"], N),
            "on_thyroxine": rng.choice(["f", "t"], N),
            "TSH": rng.lognormal(0.5, 1, N).round(2),
            "T3": rng.normal(2, 0.5, N).round(2),
            "TT4": rng.normal(110, 30, N).round(0),
            "referral_source": rng.choice(
                ["other", "SVI", "SVHC", "STMW", "SVHD"], N, p=[0.6, 0.2, 0.1, 0.09, 0.01]
            ),
        }
    )
    for analyte in ("TSH", "T3", "TT4", "T4U", "FTI", "TBG"):
        frame[f"{analyte}_measured"] = _yn(rng, 0.9 if analyte != "TBG" else 0.04)
    return frame


def referral_last() -> pd.DataFrame:
    """A label called 'Class' in the middle and a referral-source column last."""
    rng = _rng()
    return pd.DataFrame(
        {
            "patient_id": np.arange(1000, 1000 + N),
            "age": rng.integers(20, 80, N),
            "TSH": rng.lognormal(0.5, 1, N).round(2),
            "Class": rng.choice(["negative", "hypothyroid"], N, p=[0.9, 0.1]),
            "FTI": rng.normal(100, 20, N).round(0),
            "referral source": rng.choice(["other", "SVI", "SVHC", "STMW"], N, p=[0.6, 0.3, 0.092, 0.008]),
        }
    )


def ckd_clinic() -> pd.DataFrame:
    """250 ckd / 150 notckd: the disease is the majority; label last."""
    rng = _rng()
    return pd.DataFrame(
        {
            "id": np.arange(N),
            "age": rng.integers(20, 90, N),
            "bp": rng.integers(60, 110, N),
            "sg": rng.choice([1.005, 1.010, 1.015, 1.020, 1.025], N),
            "htn": rng.choice(["yes", "no"], N),
            "sc": rng.lognormal(0.3, 0.6, N).round(1),
            "classification": ["ckd"] * 250 + ["notckd"] * 150,
        }
    )


def outcome_first_codes() -> pd.DataFrame:
    """Label first with 0/1 codes, a 0/1 feature last."""
    rng = _rng()
    return pd.DataFrame(
        {
            "Outcome": rng.choice([0, 1], N, p=[0.65, 0.35]),
            "Glucose": rng.normal(120, 30, N).round(0),
            "BMI": rng.normal(32, 6, N).round(1),
            "Age": rng.integers(21, 80, N),
            "smoker": rng.choice([0, 1], N),
        }
    )


def mortality_text_codes() -> pd.DataFrame:
    """An ICU export: text codes alive/died, repeated encounter IDs, a 'status' of the ward bed."""
    rng = _rng()
    return pd.DataFrame(
        {
            "encounter_no": np.arange(5000, 5000 + N),
            "mrn": rng.integers(100000, 100200, N),
            "lactate": rng.lognormal(0.7, 0.5, N).round(1),
            "gender": rng.choice(["male", "female"], N),
            "hospital_mortality": rng.choice(["alive", "died"], N, p=[0.85, 0.15]),
            "admit_source": rng.choice(["ED", "OR", "ward"], N),
        }
    )


def stroke_registry() -> pd.DataFrame:
    """heart_disease and smoking_status are named like labels too; the label is 'stroke', last, 0/1."""
    rng = _rng()
    return pd.DataFrame(
        {
            "id": rng.permutation(N) + 9000,
            "gender": rng.choice(["Male", "Female"], N),
            "age": rng.integers(1, 90, N),
            "hypertension": rng.choice([0, 1], N),
            "heart_disease": rng.choice([0, 1], N, p=[0.9, 0.1]),
            "smoking_status": rng.choice(["never smoked", "smokes", "formerly smoked", "Unknown"], N),
            "bmi": rng.normal(28, 6, N).round(1),
            "stroke": rng.choice([0, 1], N, p=[0.95, 0.05]),
        }
    )


def icd_codes() -> pd.DataFrame:
    """dx holds 45 ICD-10 codes (more than 20 classes), most of them rare; 'normal' = none."""
    rng = _rng()
    rare = [f"E1{i}.{j}" for i in range(4) for j in range(10)] + ["I10", "I48", "J44", "N18"]
    values = rng.choice(["normal"] * 3 + rare, N)
    return pd.DataFrame({"age": rng.integers(30, 90, N), "hba1c": rng.normal(6, 1, N).round(1), "dx": values})


def target_yes_no_disease_majority() -> pd.DataFrame:
    """'target' yes/no where yes is 70 %: yes must be positive although it is the majority."""
    rng = _rng()
    return pd.DataFrame(
        {"target": rng.choice(["Yes", "No"], N, p=[0.7, 0.3]), "crp": rng.lognormal(1, 1, N).round(1)}
    )


def ilpd_like() -> pd.DataFrame:
    """Label 'Dataset' (1 = patient, 2 = not) last, no label-like name: chosen by values, reason says so."""
    rng = _rng()
    return pd.DataFrame(
        {
            "Age": rng.integers(4, 90, N),
            "Gender": rng.choice(["Male", "Female"], N),
            "Total_Bilirubin": rng.lognormal(0, 1, N).round(1),
            "Dataset": rng.choice([1, 2], N, p=[0.7, 0.3]),
        }
    )


#: (name, table builder, expected label, expected positive values)
LAYOUTS = [
    ("thyroid: diagnosis first, y/n *_measured flags last", thyroid_export, "diagnosis",
     ("AK", "F", "G", "I", "K", "M", "N", "R", "S")),
    ("Class in the middle, referral source last", referral_last, "Class", ("hypothyroid",)),
    ("CKD clinic 250 ckd / 150 notckd, label last", ckd_clinic, "classification", ("ckd",)),
    ("label first, 0/1 codes; 0/1 feature last", outcome_first_codes, "Outcome", ("1",)),
    ("text codes alive/died, encounter IDs", mortality_text_codes, "hospital_mortality", ("died",)),
    ("stroke last beside heart_disease / smoking_status", stroke_registry, "stroke", ("1",)),
    ("45 ICD-10 codes in dx, 'normal' = none", icd_codes, "dx", None),
    ("target Yes/No, disease 70 %", target_yes_no_disease_majority, "target", ("Yes",)),
    ("Dataset 1/2 (ILPD-like), no label name", ilpd_like, "Dataset", ("1",)),
]  # fmt: skip


def _table(frame: pd.DataFrame, tmp_path: Path, name: str):
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return read_table(path)


@pytest.mark.parametrize(("case", "build", "label", "positive"), LAYOUTS, ids=[c[0] for c in LAYOUTS])
def test_header_layouts(case, build, label, positive, tmp_path: Path) -> None:
    frame = build()
    table = _table(frame, tmp_path, "layout")
    guess = guess_label(table)
    assert guess.label == label, (case, guess)
    if positive is None:  # every code except the one meaning 'none'
        positive = tuple(sorted(set(frame[label]) - {"normal"}))
    assert tuple(sorted(guess.positive)) == tuple(sorted(positive)), (case, guess.positive)
    assert guess.label_reasons and guess.positive_reasons
    # The guess is a task the core accepts, and its positive count matches a hand count.
    data = prepare(table, TaskSpec(label=guess.label, positive=guess.positive))
    assert int(data.y.sum()) == int(frame[label].astype(str).isin(guess.positive).sum())


def test_thyroid_flags_are_named_as_passed_over(tmp_path: Path) -> None:
    guess = guess_label(_table(thyroid_export(), tmp_path, "thyroid"))
    assert any("TBG_measured" in r or "_measured" in r for r in guess.label_reasons)


def test_disease_majority_is_said(tmp_path: Path) -> None:
    guess = guess_label(_table(ckd_clinic(), tmp_path, "ckd"))
    assert any("majority" in r and "250" in r for r in guess.positive_reasons)


def test_ilpd_like_says_it_is_only_a_guess(tmp_path: Path) -> None:
    guess = guess_label(_table(ilpd_like(), tmp_path, "ilpd"))
    assert "only a guess" in guess.label_reasons[0]


@pytest.mark.parametrize(
    ("problem", "column"),
    [("single class", ["yes"] * N), ("empty", [None] * N), ("continuous", list(np.linspace(0, 1, N)))],
)
def test_unusable_label_named_column_is_reported_not_hidden(problem, column, tmp_path: Path) -> None:
    rng = _rng()
    frame = pd.DataFrame({"sex": rng.choice(["m", "f"], N), "crp": rng.normal(5, 1, N), "outcome": column})
    guess = guess_label(_table(frame, tmp_path, problem))
    assert guess.label == "sex"  # the only usable column, but not silently:
    assert any("'outcome' looks like the label" in p for p in guess.problems), guess.problems
    assert any("choose the label column yourself" in p for p in guess.problems)


def test_no_usable_label_is_a_data_error(tmp_path: Path) -> None:
    frame = pd.DataFrame({"outcome": ["yes"] * N, "crp": np.linspace(0, 1, N)})
    with pytest.raises(DataError, match=r"No column can be the label.*'outcome': it has only one class"):
        guess_label(_table(frame, tmp_path, "none"))


@pytest.mark.parametrize(
    ("counts", "positive"),
    [
        ({"0": 90, "1": 10}, ("1",)),
        ({"1": 10, "0": 90}, ("1",)),
        ({"FALSE": 5, "TRUE": 95}, ("TRUE",)),
        ({"negative": 20, "positive": 80}, ("positive",)),
        ({"absent": 3, "present": 9}, ("present",)),
        ({"normal": 70, "abnormal": 30}, ("abnormal",)),
        ({"-": 50, "+": 50}, ("+",)),
        ({"none": 80, "mild": 15, "severe": 5}, ("mild", "severe")),
        ({"healthy": 60, "sick": 40}, ("sick",)),
        ({"not diabetic": 30, "diabetic": 70}, ("diabetic",)),
        ({"B": 357, "M": 212}, ("M",)),
        ({"n": 300, "y": 30}, ("y",)),
        ({"0=Blood Donor": 533, "0s=suspect Blood Donor": 7, "1=Hepatitis": 24, "2=Fibrosis": 21}, None),
    ],
)
def test_positive_reads_as_disease_before_rarity(counts, positive) -> None:
    if positive is None:
        positive = ("1=Hepatitis", "2=Fibrosis")
    assert guess_positive(counts)[0] == positive


def test_positive_falls_back_to_rarest_and_says_so() -> None:
    positive, reasons = guess_positive({"A": 80, "C": 20})
    assert positive == ("C",) and "rarest" in reasons[0]


def test_letters_are_codes_in_a_multi_class_label() -> None:
    assert reads_negative("n") and reads_negative("-", binary=False)
    assert not reads_negative("F", binary=False) and not reads_positive("M", binary=False)
    assert reads_negative("notckd") and not reads_negative("abnormal") and reads_positive("abnormal")


def test_text_among_numeric_labels_is_said(tmp_path: Path) -> None:
    """A mostly numeric label with a few text cells (issue 18 item 10): rows not dropped in silence."""
    rng = _rng()
    labels = rng.choice(["0", "1"], N).astype(object)
    labels[:3] = "pending"
    frame = pd.DataFrame({"outcome": labels, "crp": rng.normal(5, 1, N).round(2)})
    table = _table(frame, tmp_path, "mixed")
    data = prepare(table, TaskSpec(label="outcome", positive=("1",)))
    assert len(data.y) == N - 3
    assert any("holding text were read as missing" in n and "3 cells" in n for n in data.notices), (
        data.notices
    )


# --------------------------------------------------------------------------- the real public files


@pytest.mark.parametrize(
    ("file", "label", "positive"),
    [
        ("hcv_lab_values.csv", "Category", ("1=Hepatitis", "2=Fibrosis", "3=Cirrhosis")),
        ("indian_liver_patients.csv", "Dataset", ("1",)),
        ("pima_diabetes.csv", "Outcome", ("1",)),
    ],
)
def test_real_files(file, label, positive) -> None:
    path = SHARED_DATA / file
    if not path.exists():
        pytest.skip(f"{path} not present")
    guess = guess_label(read_table(path))
    assert (guess.label, guess.positive) == (label, positive)


def test_code_label_counts_match_hand_count(tmp_path: Path) -> None:
    frame = icd_codes()
    table = _table(frame, tmp_path, "icd")
    counts = label_classes(table, "dx")
    assert counts == frame["dx"].value_counts().to_dict() | {}
    assert len(counts) > 20


def test_label_mostly_dash_marks_are_a_class_and_said(tmp_path: Path) -> None:
    """thyroid0387 writes '-' for 'no condition' (here 31 % of rows): it is read as a class, said so,
    and every code is positive ('any diagnosis vs none'); no row is dropped (issue 24)."""
    frame = thyroid_export()
    frame["diagnosis"] = frame["diagnosis"].replace("negative", "-")
    table = _table(frame, tmp_path, "dash")
    guess = guess_label(table)
    assert guess.label == "diagnosis"
    n_dash = int((frame["diagnosis"] == "-").sum())
    assert "-" not in guess.positive and set(guess.positive) == set(frame["diagnosis"]) - {"-"}
    assert any(f"{n_dash:,} rows" in r and "class of its own" in r for r in guess.reasons), guess.reasons
    assert prepare(table, TaskSpec("diagnosis", positive=guess.positive)).y.shape == (N,)
    dropped = prepare(table, TaskSpec("diagnosis", positive=("F",), missing_marks=("-",)))
    assert dropped.dropped_rows == {"missing label": n_dash}
