"""Issue 24 — the right patients: outcome before predictor, 'no diagnosis' codes, real patient IDs,
duplicates kept together, columns recorded after the outcome.

Every layout below is written here (not the issue's files): header layouts of follow-up files,
comorbidity flags, a majority disease, diagnosis-code exports with '-' / '.' for "none", encounter
exports, screening exports with copies. One table test asserts, per layout, the label, the positive,
the grouping, the flagged columns and the rows used of rows read; :func:`layout_rows` prints that table
for the closing note (``python -m tests.intake.test_right_patients``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from imbalance_core.intake.after_outcome import single_column_auc
from imbalance_core.intake.identifiers import repeated_id
from imbalance_core.intake.label_guess import guess_label
from imbalance_core.intake.label_values import guess_positive, reads_negative
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, label_marks, prepare
from imbalance_core.learn.training import TrainSettings, cv_plan, split_indices

N = 300


def _rng(seed: int = 24) -> np.random.Generator:
    return np.random.default_rng(seed)


def _csv(frame: pd.DataFrame):
    return read_table(frame.to_csv(index=False).encode(), name="layout.csv")


# --------------------------------------------------------------------------- layouts written here


def heart_failure_followup() -> pd.DataFrame:
    """DEATH_EVENT last; a 0/1 'diabetes' comorbidity; CPK integers ~70 % distinct; follow-up 'time'."""
    rng = _rng()
    death = rng.random(N) < 0.32
    return pd.DataFrame(
        {
            "age": rng.integers(40, 95, N),
            "anaemia": rng.integers(0, 2, N),
            "creatinine_phosphokinase": np.concatenate(
                [rng.integers(23, 7861, N - 60), rng.integers(50, 60, 60)]
            ),
            "diabetes": rng.integers(0, 2, N),
            "ejection_fraction": rng.choice([20, 25, 30, 35, 38, 40, 45, 50, 60], N),
            "serum_creatinine": rng.lognormal(0.2, 0.4, N).round(2),
            "sex": rng.integers(0, 2, N),
            "time": np.where(death, rng.integers(4, 60, N), rng.integers(70, 285, N)),
            "DEATH_EVENT": death.astype(int),
        }
    )


def comorbidity_flags_first_outcome() -> pd.DataFrame:
    """readmitted_30d first (yes/no), comorbidity flags named after diseases, labs, 'stroke' flag last."""
    rng = _rng(1)
    return pd.DataFrame(
        {
            "readmitted_30d": rng.choice(["no", "yes"], N, p=[0.85, 0.15]),
            "diabetes": rng.integers(0, 2, N),
            "ckd": rng.integers(0, 2, N),
            "hba1c": rng.normal(6.5, 1, N).round(1),
            "sodium": rng.normal(139, 3, N).round(0),
            "stroke": rng.integers(0, 2, N),
        }
    )


def majority_disease_outcome() -> pd.DataFrame:
    """'outcome' disease 70 % / healthy 30 %, a 'cancer' comorbidity flag last."""
    rng = _rng(2)
    return pd.DataFrame(
        {
            "outcome": rng.choice(["disease", "healthy"], N, p=[0.7, 0.3]),
            "crp": rng.lognormal(1, 1, N).round(3),
            "age": rng.integers(20, 90, N),
            "cancer": rng.integers(0, 2, N),
        }
    )


def target_first_diabetes_last() -> pd.DataFrame:
    """'target' 0/1 first, 'diabetes' 0/1 last: the outcome word wins over the last position."""
    rng = _rng(3)
    return pd.DataFrame(
        {
            "target": rng.choice([0, 1], N, p=[0.8, 0.2]),
            "chol": rng.normal(220, 40, N).round(0),
            "thalach": rng.normal(150, 20, N).round(0),
            "diabetes": rng.integers(0, 2, N),
        }
    )


def dash_diagnosis_codes() -> pd.DataFrame:
    """A diagnosis-code export: '-' = no condition in 74 % of rows; codes, one of them in a single row."""
    rng = _rng(4)
    codes = rng.choice(["A", "B", "K", "R", "S"], N)
    dx = np.where(rng.random(N) < 0.74, "-", codes)
    dx[0] = "Z"  # one row: the old rarest-class guess
    return pd.DataFrame(
        {
            "dx_code": dx,
            "TSH": rng.lognormal(0.5, 1, N).round(2),
            "FTI": rng.normal(100, 20, N).round(0),
            "on_lithium": rng.choice(["f", "t"], N, p=[0.95, 0.05]),
        }
    )


def dot_finding_codes() -> pd.DataFrame:
    """'finding' codes with '.' for none (40 %), label in the middle."""
    rng = _rng(5)
    finding = np.where(rng.random(N) < 0.4, ".", rng.choice(["AF", "VT", "LBBB"], N))
    return pd.DataFrame(
        {"age": rng.integers(30, 90, N), "finding": finding, "qrs_ms": rng.normal(100, 15, N).round(0)}
    )


def status_with_negative_and_dash() -> pd.DataFrame:
    """status 0/1 with '-' in 25 % of rows: '0' already means none, so '-' means 'not recorded'."""
    rng = _rng(6)
    status = rng.choice(["0", "1"], N, p=[0.7, 0.3]).astype(object)
    status[rng.random(N) < 0.25] = "-"
    return pd.DataFrame({"status": status, "lactate": rng.lognormal(0.7, 0.5, N).round(1)})


def encounter_export() -> pd.DataFrame:
    """patient_id repeats (~120 patients, 300 encounters), encounter unique, in-hospital mortality last."""
    rng = _rng(7)
    pid = np.sort(rng.integers(100, 220, N))
    return pd.DataFrame(
        {
            "encounter": np.arange(90000, 90000 + N),
            "patient_id": pid,
            "lactate": rng.lognormal(0.7, 0.5, N).round(1),
            "length_of_stay": rng.integers(1, 30, N),
            "mortality": rng.choice(["alive", "died"], N, p=[0.85, 0.15]),
        }
    )


def unnamed_record_codes() -> pd.DataFrame:
    """'ref' holds text record codes (P0001 ...) that repeat: an ID by behaviour, shown as a guess."""
    rng = _rng(8)
    ref = np.array([f"P{k:05d}" for k in rng.integers(0, 200, N)])
    return pd.DataFrame(
        {
            "ref": ref,
            "glucose": rng.normal(110, 25, N).round(0),
            "class": rng.choice(["neg", "pos"], N, p=[0.8, 0.2]),
        }
    )


def screening_with_copies() -> pd.DataFrame:
    """A screening export in which 60 rows repeat an earlier row exactly (features and label)."""
    rng = _rng(9)
    base = pd.DataFrame(
        {
            "age": rng.integers(40, 75, N - 60),
            "psa": rng.lognormal(1, 0.6, N - 60).round(3),
            "result": rng.choice(["negative", "positive"], N - 60, p=[0.85, 0.15]),
        }
    )
    copies = base.iloc[rng.choice(N - 60, 60, replace=False)]
    return pd.concat([base, copies], ignore_index=True).sample(frac=1, random_state=3).reset_index(drop=True)


def survival_months_status() -> pd.DataFrame:
    """Oncology follow-up: survival_months (after the outcome by name), status alive/dead last."""
    rng = _rng(10)
    return pd.DataFrame(
        {
            "age": rng.integers(30, 85, N),
            "tumour_size": rng.normal(30, 10, N).round(0),
            "survival_months": rng.integers(1, 120, N),
            "status": rng.choice(["alive", "dead"], N, p=[0.75, 0.25]),
        }
    )


def relapse_with_mrn() -> pd.DataFrame:
    """relapse yes/no in the middle, mrn of fixed width repeating, hypertension flag last."""
    rng = _rng(11)
    return pd.DataFrame(
        {
            "mrn": rng.integers(1_000_000, 1_000_150, N),
            "wbc": rng.normal(7, 2, N).round(1),
            "relapse": rng.choice(["no", "yes"], N, p=[0.8, 0.2]),
            "hypertension": rng.integers(0, 2, N),
        }
    )


def class_first_smoking_status_last() -> pd.DataFrame:
    """'Class' first (benign/malignant), a qualified 'smoking_status' last."""
    rng = _rng(12)
    return pd.DataFrame(
        {
            "Class": rng.choice(["benign", "malignant"], N, p=[0.65, 0.35]),
            "radius": rng.normal(14, 3, N).round(2),
            "texture": rng.normal(19, 4, N).round(2),
            "smoking_status": rng.choice(["never", "former", "current"], N),
        }
    )


@dataclass(frozen=True)
class Layout:
    """A header layout and what must be chosen for it."""

    name: str
    build: Callable[[], pd.DataFrame]
    label: str
    positive: tuple[str, ...] | None  # None: every value but the none class
    groups: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    duplicates: int = 0
    rows_used: int = N


LAYOUTS = (
    Layout(
        "heart-failure follow-up: time, DEATH_EVENT",
        heart_failure_followup,
        "DEATH_EVENT",
        ("1",),
        after=("time",),
    ),
    Layout("comorbidity flags, outcome first", comorbidity_flags_first_outcome, "readmitted_30d", ("yes",)),
    Layout("majority disease, cancer flag last", majority_disease_outcome, "outcome", ("disease",)),
    Layout("target first, diabetes last", target_first_diabetes_last, "target", ("1",)),
    Layout("dx codes, '-' = none in 74 %", dash_diagnosis_codes, "dx_code", None),
    Layout("finding codes, '.' = none in 40 %", dot_finding_codes, "finding", None),
    Layout("status 0/1 with '-' = not recorded", status_with_negative_and_dash, "status", ("1",)),
    Layout(
        "encounters of repeated patients",
        encounter_export,
        "mortality",
        ("died",),
        groups=("patient_id",),
        after=("length_of_stay",),
    ),
    Layout("text record codes repeat (a guess)", unnamed_record_codes, "class", ("pos",), groups=("ref",)),
    Layout("screening export with copies", screening_with_copies, "result", ("positive",), duplicates=60),
    Layout(
        "survival_months, status last",
        survival_months_status,
        "status",
        ("dead",),
        after=("survival_months",),
    ),
    Layout("relapse in the middle, mrn", relapse_with_mrn, "relapse", ("yes",), groups=("mrn",)),
    Layout("Class first, smoking_status last", class_first_smoking_status_last, "Class", ("malignant",)),
)


def _rows_used(layout: Layout, frame: pd.DataFrame) -> int:
    if layout.build is status_with_negative_and_dash:
        return int((frame["status"] != "-").sum())
    return N


@pytest.mark.parametrize("layout", LAYOUTS, ids=[x.name for x in LAYOUTS])
def test_layout_label_positive_groups_flags_rows(layout: Layout) -> None:
    frame = layout.build()
    table = _csv(frame)
    guess = guess_label(table)
    assert guess.label == layout.label, guess.reasons
    expected = layout.positive
    if expected is None:  # any diagnosis vs none: every value except the none mark
        mark = "-" if "-" in set(frame[layout.label]) else "."
        expected = tuple(sorted(set(frame[layout.label]) - {mark}))
    assert tuple(sorted(guess.positive)) == tuple(sorted(expected)), guess.positive_reasons
    assert guess.label_reasons and guess.positive_reasons
    data = prepare(table, TaskSpec(guess.label, positive=guess.positive))
    assert tuple(r.column for r in data.repeated_ids) == layout.groups
    assert tuple(a.column for a in data.after_outcome) == layout.after
    # exact copies counted independently (pandas over every column of the rows used)
    assert data.duplicate_rows == int(frame.iloc[data.source_rows].duplicated().sum()) >= layout.duplicates
    assert len(data.y) == _rows_used(layout, frame)
    assert table.n_rows == N


# --------------------------------------------------------------------------- defect 1: 'none' codes


def test_dash_none_code_is_a_class_and_positive_is_any_diagnosis() -> None:
    """Failing before: '-' read as a missing label (74 % of rows dropped), positive = the 1-row code 'Z'."""
    frame = dash_diagnosis_codes()
    table = _csv(frame)
    guess = guess_label(table)
    assert "Z" in guess.positive and len(guess.positive) > 1 and "-" not in guess.positive
    data = prepare(table, TaskSpec("dx_code", positive=("K",)))  # "code vs the rest" keeps the healthy
    assert len(data.y) == N
    assert int(data.y.sum()) == int((frame["dx_code"] == "K").sum())
    assert data.label_counts["-"] == int((frame["dx_code"] == "-").sum())
    (mark,) = data.label_marks
    assert mark.as_class and mark.default_class and "--missing-code -" in mark.text


def test_one_switch_makes_the_mark_missing_again() -> None:
    frame = dash_diagnosis_codes()
    table = _csv(frame)
    data = prepare(table, TaskSpec("dx_code", positive=("K",), missing_marks=("-",)))
    assert len(data.y) == int((frame["dx_code"] != "-").sum())
    assert data.label_marks[0].as_class is False and "--none-code -" in data.label_marks[0].text


def test_dash_beside_a_negative_class_stays_missing_and_none_code_makes_it_a_class() -> None:
    frame = status_with_negative_and_dash()
    table = _csv(frame)
    n_dash = int((frame["status"] == "-").sum())
    assert prepare(table, TaskSpec("status", positive=("1",))).dropped_rows == {"missing label": n_dash}
    kept = prepare(table, TaskSpec("status", positive=("1",), none_marks=("-",)))
    assert len(kept.y) == N and kept.label_counts["-"] == n_dash


def test_a_rare_mark_is_missing_by_default() -> None:
    frame = dash_diagnosis_codes()
    frame.loc[frame["dx_code"] == "-", "dx_code"] = "none"
    frame.loc[:9, "dx_code"] = "-"  # 3 % of rows
    table = _csv(frame)
    (mark,) = label_marks(table, "dx_code")
    assert not mark.as_class and not mark.default_class


def test_positive_is_never_a_tiny_class_when_a_none_class_exists() -> None:
    counts = {"-": 2200, "A": 150, "B": 40, "Z": 1}
    positive, reasons = guess_positive(counts)
    assert set(positive) == {"A", "B", "Z"} and reads_negative("-", binary=False)
    assert "no disease" in reasons[0]


# --------------------------------------------------------------------------- defect 2: outcome first


def test_outcome_beats_a_diagnosis_named_binary_predictor() -> None:
    """Failing before: 'diabetes' (named like a diagnosis) beat the last column DEATH_EVENT."""
    guess = guess_label(_csv(heart_failure_followup()))
    assert guess.label == "DEATH_EVENT"
    assert "outcome" in guess.label_reasons[0] and "last column" in guess.label_reasons[0]
    assert any("diabetes" in r and "predictors" in r for r in guess.label_reasons)


# --------------------------------------------------------------------------- defect 3: IDs


def test_a_lab_value_with_repeating_integers_is_not_a_patient_id() -> None:
    """Failing before: creatinine_phosphokinase (70 % distinct whole numbers) was grouped by."""
    frame = heart_failure_followup()
    share = frame["creatinine_phosphokinase"].nunique() / N
    assert 0.5 < share < 1
    data = prepare(_csv(frame), TaskSpec("DEATH_EVENT", positive=("1",)))
    assert not data.repeated_ids and "creatinine_phosphokinase" in data.X.columns
    # the same values under an unnamed, unit-free name are no ID either: they spread over 2-4 digits
    assert repeated_id(frame["creatinine_phosphokinase"].rename("v"), "v") is None


def test_a_behaviour_guess_is_said_and_one_include_undoes_it() -> None:
    table = _csv(unnamed_record_codes())
    data = prepare(table, TaskSpec("class", positive=("pos",)))
    (found,) = data.repeated_ids
    assert found.guessed and "guess" in found.text and "--include ref" in found.text
    undone = prepare(table, TaskSpec("class", positive=("pos",), include=("ref",)))
    assert not undone.repeated_ids and not undone.groups and "ref" in undone.X.columns


def test_fixed_width_record_numbers_are_an_id_by_behaviour() -> None:
    rng = _rng(30)
    col = pd.Series(rng.permutation(np.r_[np.arange(200000, 200280), np.arange(200000, 200020)]))  # 6 digits
    found = repeated_id(col, "x1")
    assert found is not None and found.guessed


# --------------------------------------------------------------------------- defect 4: duplicates


def _copy_codes(frame: pd.DataFrame) -> np.ndarray:
    return frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()


@pytest.mark.parametrize("seed", [0, 5])
def test_copies_stay_on_one_side_of_the_holdout_and_of_every_fold(seed: int) -> None:
    """Failing before: copies were split freely between training and hold-out."""
    frame = screening_with_copies()
    data = prepare(_csv(frame), TaskSpec("result", positive=("positive",)))
    codes = _copy_codes(frame)  # independent: pandas groupby over every column read
    assert data.duplicate_rows == len(codes) - len(np.unique(codes)) >= 60
    settings = TrainSettings(seed=seed)
    train_idx, test_idx = split_indices(data, settings)
    assert len(np.intersect1d(codes[train_idx], codes[test_idx])) == 0
    for fit, valid in cv_plan(data, settings, train_idx):
        assert len(np.intersect1d(codes[fit], codes[valid])) == 0
    assert abs(len(test_idx) / N - 0.25) < 0.03
    assert "kept together" in data.duplicates_text and f"{data.duplicate_rows:,}" in data.duplicates_text


def test_copies_and_patient_groups_are_joined() -> None:
    frame = encounter_export()
    frame = frame.drop(columns=["encounter"])
    frame.iloc[N - 10 :] = frame.iloc[:10].to_numpy()  # ten copies of other rows (their patient too)
    data = prepare(_csv(frame), TaskSpec("mortality", positive=("died",), exclude=("length_of_stay",)))
    assert data.duplicate_groups is not None
    settings = TrainSettings(group_by="patient_id")
    train_idx, test_idx = split_indices(data, settings)
    pid = frame["patient_id"].to_numpy()
    codes = _copy_codes(frame)
    assert len(np.intersect1d(pid[train_idx], pid[test_idx])) == 0
    assert len(np.intersect1d(codes[train_idx], codes[test_idx])) == 0


def test_drop_keeps_the_first_copy_only() -> None:
    frame = screening_with_copies()
    data = prepare(_csv(frame), TaskSpec("result", positive=("positive",), duplicates="drop"))
    n_copies = int(frame.duplicated().sum())
    assert len(data.y) == N - n_copies and data.dropped_rows["exact duplicate rows"] == n_copies >= 60
    assert data.duplicate_groups is None and "dropped" in data.duplicates_text
    kept = frame.iloc[data.source_rows]
    assert not kept.duplicated().any()


def test_a_file_without_copies_splits_as_before() -> None:
    data = prepare(_csv(majority_disease_outcome()), TaskSpec("outcome", positive=("disease",)))
    assert data.duplicate_rows == 0 and data.duplicate_groups is None


# --------------------------------------------------------------------------- defect 5: after the outcome


def test_follow_up_time_is_flagged_by_name_and_behaviour() -> None:
    """Failing before: nothing warned about 'time'."""
    frame = heart_failure_followup()
    data = prepare(_csv(frame), TaskSpec("DEATH_EVENT", positive=("1",)))
    (flag,) = data.after_outcome
    assert flag.column == "time" and flag.by_name and flag.auc > 0.9
    assert "--exclude time" in flag.text
    assert "time" in data.X.columns  # flagged, not excluded: one click excludes it
    # independent check of the cross-validated single-column AUC: a depth-1 tree per fold (sklearn)
    y, x = frame["DEATH_EVENT"].to_numpy(), frame[["time"]].to_numpy(dtype=float)
    aucs = []
    for fit, valid in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        tree = DecisionTreeClassifier(max_depth=1).fit(x[fit], y[fit])
        aucs.append(roc_auc_score(y[valid], tree.predict_proba(x[valid])[:, 1]))
    assert min(np.mean(aucs), flag.auc) > 0.9


def test_an_unnamed_column_alone_with_auc_above_09_is_flagged_and_a_normal_one_is_not() -> None:
    rng = _rng(40)
    y = (rng.random(N) < 0.3).astype(int)
    frame = pd.DataFrame(
        {"xq": y * 5 + rng.normal(0, 1, N).round(2), "wbc": rng.normal(7, 2, N).round(1), "label": y}
    )
    data = prepare(_csv(frame), TaskSpec("label", positive=("1",)))
    assert [a.column for a in data.after_outcome] == ["xq"] and not data.after_outcome[0].by_name
    auc = single_column_auc(frame["wbc"].to_numpy(dtype=float), y)
    assert abs(auc - max(roc_auc_score(y, frame["wbc"]), 1 - roc_auc_score(y, frame["wbc"]))) < 0.1


# --------------------------------------------------------------------------- the table for the note


def layout_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(layout, label, positive, excluded, split groups, rows used / read) for every layout."""
    out = []
    for layout in LAYOUTS:
        table = _csv(layout.build())
        guess = guess_label(table)
        data = prepare(table, TaskSpec(guess.label, positive=guess.positive))
        groups = [r.column + (" (guess)" if r.guessed else "") for r in data.repeated_ids]
        if data.duplicate_rows:
            groups.append(f"{data.duplicate_rows} copies kept together")
        excluded = sorted(data.excluded) + [f"{a.column} (flagged after-outcome)" for a in data.after_outcome]
        out.append(
            (
                layout.name,
                guess.label,
                ", ".join(guess.positive),
                "; ".join(excluded) or "—",
                "; ".join(groups) or "rows",
                f"{len(data.y)}/{table.n_rows}",
            )
        )
    return out


if __name__ == "__main__":  # pragma: no cover - prints the closing note's table
    buffer = io.StringIO()
    for row in layout_rows():
        print(" | ".join(row), file=buffer)
    print(buffer.getvalue())


@pytest.mark.parametrize(
    ("encoding", "sep", "quoting", "comment"),
    [("utf-8", ",", 0, ""), ("cp1252", ";", 1, "# exported on 2024-01-01\n"), ("utf-16", "\t", 0, "")],
)
def test_marks_are_found_in_awkward_files(encoding: str, sep: str, quoting: int, comment: str) -> None:
    """'-' cells are found at the right rows whatever the delimiter, quoting, encoding or comment lines;
    a numeric column with '-' for 'not measured' still reads as numbers."""
    frame = dash_diagnosis_codes()
    frame["FTI"] = frame["FTI"].astype(object)
    frame.loc[frame.index % 7 == 0, "FTI"] = "-"
    text = comment + frame.to_csv(index=False, sep=sep, quoting=quoting)
    table = read_table(text.encode(encoding), name="awkward.csv")
    rows = table.none_mark_rows["dx_code"]["-"]
    assert np.array_equal(rows, np.flatnonzero(frame["dx_code"].to_numpy() == "-"))
    assert (
        table.frame["FTI"].dtype.kind == "f"
        and table.frame["FTI"].isna().sum() == (frame.index % 7 == 0).sum()
    )
    assert "FTI" not in table.none_mark_rows  # a measurement, not codes


def test_a_file_without_mark_cells_is_read_once(monkeypatch) -> None:
    from imbalance_core.intake import read

    calls = []
    real = read._parse
    monkeypatch.setattr(read, "_parse", lambda *a, **k: calls.append(k.get("usecols")) or real(*a, **k))
    frame = majority_disease_outcome()
    frame.loc[:20, "outcome"] = np.nan  # missing labels written as empty cells: no '-' anywhere
    read_table(frame.to_csv(index=False).encode(), name="plain.csv")
    assert calls == [None]
