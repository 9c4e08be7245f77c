"""The task: label cleaning, positive class, ignored values, feature exclusions, bundled data sets.

Expected counts come from an independent reading (Python's csv module / plain pandas) or from the
published class counts in ../shared/data/SOURCES.md, never from this code's own output.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake.bundled import BUNDLED, DEFAULT_KEY, load_bundled
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import (
    FEATURE_CHECKS,
    TaskSpec,
    default_exclusions,
    default_spec,
    label_classes,
    prepare,
)

HCV_POSITIVE = ("1=Hepatitis", "2=Fibrosis", "3=Cirrhosis")


def _raw_column(path: Path, name: str) -> list[str]:
    with path.open(newline="") as fh:
        return [row[name] for row in csv.DictReader(fh)]


def test_label_spellings_merged_into_one_class(bad_cases):
    path = bad_cases / "label_case_whitespace.csv"
    raw = _raw_column(path, "infection")
    table = read_table(path)
    expected_yes = sum(v.strip().lower() == "yes" for v in raw)
    assert label_classes(table, "infection") == {"no": len(raw) - expected_yes, "yes": expected_yes}
    data = prepare(table, TaskSpec("infection", positive=("yes",)))
    assert data.class_names == ("no", "yes")
    assert int(data.y.sum()) == expected_yes
    assert any("merged" in n and "'yes'" in n for n in data.notices)


def test_positive_value_matches_ignoring_case(bad_cases):
    table = read_table(bad_cases / "label_case_whitespace.csv")
    a = prepare(table, TaskSpec("infection", positive=("YES ",)))
    b = prepare(table, TaskSpec("infection", positive=("yes",)))
    assert np.array_equal(a.y, b.y)


def test_single_class_label_is_refused(bad_cases):
    table = read_table(bad_cases / "label_one_class.csv")
    with pytest.raises(DataError, match="only one class"):
        prepare(table, TaskSpec("infection"))
    with pytest.raises(DataError, match="only one class"):
        default_spec(table, "infection")


def test_continuous_label_is_refused(bad_cases):
    table = read_table(bad_cases / "continuous_label.csv")
    with pytest.raises(DataError, match="continuous"):
        label_classes(table, "infection")
    with pytest.raises(DataError, match="continuous"):
        prepare(table, TaskSpec("infection"))


def test_id_column_excluded_with_both_reasons_and_can_be_put_back(bad_cases):
    table = read_table(bad_cases / "id_column_leak.csv")
    data = prepare(table, TaskSpec("infection", positive=("1",)))
    reason = data.excluded["patient_id"]
    assert "unique in every row" in reason and "predicts the label" in reason
    assert "patient_id" not in data.X.columns
    assert any("patient_id" in n for n in data.notices)
    back = prepare(table, TaskSpec("infection", positive=("1",), include=("patient_id",)))
    assert "patient_id" in back.X.columns and "patient_id" not in back.excluded


def test_all_empty_and_constant_columns_excluded(bad_cases):
    data = prepare(read_table(bad_cases / "all_missing_column.csv"), TaskSpec("infection"))
    assert data.excluded == {"crp": "empty in every row"}
    table = read_table(b"a,const,y\n1,5,0\n1,5,1\n2,5,0\n2,5,1\n3,5,0\n")
    assert "same value" in prepare(table, TaskSpec("y")).excluded["const"]


def test_column_copying_the_label_is_excluded():
    rows = "".join(f"{i * 1.5},{'sick' if i % 3 == 0 else 'well'},{int(i % 3 == 0)}\n" for i in range(30))
    table = read_table(("crp,diagnosis_text,y\n" + rows).encode())
    data = prepare(table, TaskSpec("y", positive=("1",)))
    assert "predicts the label perfectly" in data.excluded["diagnosis_text"]
    assert data.X.columns.tolist() == ["crp"]


def test_user_exclusion_and_no_features_left(bad_cases):
    table = read_table(bad_cases / "ok_reference.csv")
    data = prepare(table, TaskSpec("infection", exclude=("age",)))
    assert data.excluded["age"] == "left out by you"
    with pytest.raises(DataError, match="No feature"):
        prepare(table, TaskSpec("infection", exclude=("age", "sex", "crp", "wbc", "creatinine")))


def test_feature_types(bad_cases):
    data = prepare(read_table(bad_cases / "ok_reference.csv"), TaskSpec("infection"))
    assert data.numeric_features == ("age", "crp", "wbc", "creatinine")
    assert data.categorical_features == ("sex",)
    assert all(data.X[c].dtype == np.float64 for c in data.numeric_features)
    assert data.X["sex"].dtype == object
    assert any("sex" in n and "categories" in n for n in data.notices)


def test_default_positive_is_the_rarest_class(bad_cases):
    path = bad_cases / "too_few_minority.csv"
    raw = pd.Series(_raw_column(path, "infection")).value_counts()
    table = read_table(path)
    spec = default_spec(table, "infection")
    assert spec.positive == (raw.idxmin(),)
    data = prepare(table, TaskSpec("infection"))
    assert int(data.y.sum()) == raw.min() == 3
    assert data.positive_values == (raw.idxmin(),)


def test_missing_labels_dropped_and_counted():
    body = "".join(f"{i % 7},{'' if i % 5 == 0 else i % 2}\n" for i in range(40))
    data = prepare(read_table(("a,y\n" + body).encode()), TaskSpec("y"))
    assert data.dropped_rows == {"missing label": 8}
    assert len(data.y) == 32 and len(data.X) == 32
    assert any("8 rows without a label" in n for n in data.notices)


def test_unknown_columns_and_classes_are_messages(bad_cases):
    table = read_table(bad_cases / "ok_reference.csv")
    with pytest.raises(DataError, match="no column"):
        prepare(table, TaskSpec("diagnosis"))
    with pytest.raises(DataError, match="positive"):
        prepare(table, TaskSpec("infection", positive=("maybe",)))
    with pytest.raises(DataError, match="negative"):
        prepare(table, TaskSpec("infection", positive=("0", "1")))


def test_multiclass_codes_follow_the_sorted_class_names():
    table = load_bundled("hcv")
    data = prepare(table, TaskSpec("Category", multiclass=True))
    independent = pd.read_csv(BUNDLED["hcv"].path)["Category"]
    assert data.class_names == tuple(sorted(independent.unique()))
    decoded = np.array(data.class_names, dtype=object)[data.y]
    assert decoded.tolist() == independent.tolist()


def test_source_rows_map_back_to_the_loaded_table():
    table = load_bundled("hcv")
    data = prepare(table, BUNDLED["hcv"].default_spec)
    labels = table.frame["Category"].iloc[data.source_rows].to_numpy()
    assert np.array_equal(np.isin(labels, HCV_POSITIVE).astype(int), data.y)


# --------------------------------------------------------------------------- bundled data sets

#: Published class counts (../shared/data/SOURCES.md): key -> (rows in file, negative, positive).
PUBLISHED = {"hcv": (615, 533, 75), "ilpd": (583, 167, 416), "pima": (768, 500, 268)}


@pytest.mark.parametrize("key", sorted(BUNDLED))
def test_every_bundled_set_loads_with_its_default_task(key):
    entry = BUNDLED[key]
    assert entry.key == key and entry.path.is_file()
    table = load_bundled(key)
    rows, negative, positive = PUBLISHED[key]
    assert table.n_rows == rows == entry.rows
    data = prepare(table, entry.default_spec)
    counts = np.bincount(data.y)
    assert (int(counts[0]), int(counts[1])) == (negative, positive)
    assert entry.description and entry.citation and entry.licence


def test_hcv_default_task_leaves_suspect_donors_out_visibly():
    data = prepare(load_bundled(DEFAULT_KEY), BUNDLED[DEFAULT_KEY].default_spec)
    assert DEFAULT_KEY == "hcv"
    assert "7 rows with label '0s=suspect Blood Donor' left out." in data.notices
    assert data.dropped_rows == {"label '0s=suspect Blood Donor' left out": 7}
    assert "unnamed_1" in data.excluded and "unnamed_1" not in data.X.columns
    assert data.categorical_features == ("Sex",)


def test_ilpd_description_says_disease_is_the_majority():
    assert "MAJORITY" in BUNDLED["ilpd"].description
    assert "0" in BUNDLED["pima"].description and "not measured" in BUNDLED["pima"].description


def test_unknown_bundled_key():
    with pytest.raises(DataError, match="no bundled data set"):
        load_bundled("nope")


def test_every_default_exclusion_check_fires_on_its_case():
    """One crafted column per entry of FEATURE_CHECKS; each must be excluded by that check alone."""
    n = 300
    rng = np.random.default_rng(0)
    y = (np.arange(n) % 10 == 0).astype(int)
    frame = pd.DataFrame(
        {
            "all_empty": np.full(n, np.nan),
            "constant": np.full(n, 4.0),
            "id_like": np.arange(n) + 1000,
            "label_leak": np.where(y == 1, "sick", "well"),
            "too_many_categories": [f"code{i % 250}" for i in range(n)],
            "crp": rng.normal(5, 2, n).round(1),
            "y": y,
        }
    )
    checks = dict(FEATURE_CHECKS)
    excluded = default_exclusions(frame, "y", y)
    assert set(excluded) == set(checks)
    for key, check in checks.items():
        assert excluded[key] == check(frame[key], key, y)


def test_numeric_class_names_sort_by_value():
    table = read_table(b"a,y\n1,2\n2,10\n3,1\n1,2\n2,10\n3,1\n1,10\n")
    assert list(label_classes(table, "y")) == ["1", "2", "10"]
    assert prepare(table, TaskSpec("y", multiclass=True)).class_names == ("1", "2", "10")


# --------------------------------------------------------------------------- zeros that mean "not measured"

PIMA_DOCUMENTED = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")


def test_pima_preset_reads_the_documented_zeros_as_missing():
    raw = pd.read_csv(BUNDLED["pima"].path)
    assert BUNDLED["pima"].default_spec.zero_missing == PIMA_DOCUMENTED
    readme = (BUNDLED["pima"].path.parent / "README.md").read_text(encoding="utf-8")
    pima_section = readme[readme.index("## `pima_diabetes.csv`") :]
    assert "Zeros read as missing" in pima_section
    assert all(f"`{c}`" in pima_section for c in PIMA_DOCUMENTED)
    table = load_bundled("pima")
    data = prepare(table, BUNDLED["pima"].default_spec)
    for col in raw.columns.drop("Outcome"):
        zeros = raw[col] == 0
        expected = int(zeros.sum()) if col in PIMA_DOCUMENTED else 0
        assert int(data.X[col].isna().sum()) == expected + int(raw[col].isna().sum()), col
        # Exactly the zeros: every other value is unchanged.
        np.testing.assert_array_equal(data.X[col][~zeros].to_numpy(), raw[col][~zeros].to_numpy(dtype=float))
        if col not in PIMA_DOCUMENTED:
            assert int((data.X[col] == 0).sum()) == int(zeros.sum()), col  # Pregnancies keeps its zeros
    assert data.zero_missing_counts == {c: int((raw[c] == 0).sum()) for c in PIMA_DOCUMENTED}
    notice = next(n for n in data.notices if n.startswith("Zeros read as 'not measured'"))
    assert all(f"{c} {int((raw[c] == 0).sum())}" in notice for c in PIMA_DOCUMENTED)
    # The loaded (cached, shared) table is not changed.
    assert int((table.frame["Insulin"] == 0).sum()) == int((raw["Insulin"] == 0).sum())


def test_zero_missing_counts_only_kept_rows():
    text = b"a,b,y\n0,1,yes\n0,2,\n5,0,no\n0,3,no\n7,4,yes\n"
    raw = pd.read_csv(io.BytesIO(text))
    kept = raw[raw["y"].notna()]
    data = prepare(read_table(text), TaskSpec("y", zero_missing=("a", "b")))
    assert data.zero_missing_counts == {"a": int((kept["a"] == 0).sum()), "b": int((kept["b"] == 0).sum())}
    assert data.X["a"].isna().tolist() == (kept["a"] == 0).tolist()


def test_zero_missing_bad_columns_are_named():
    table = load_bundled("hcv")
    spec = BUNDLED["hcv"].default_spec
    with pytest.raises(DataError, match="'Nope'") as err:
        prepare(table, dataclasses.replace(spec, zero_missing=("ALB", "Nope", "Also_not")))
    assert "'Also_not'" in str(err.value) and "'ALB'" not in str(err.value)
    with pytest.raises(DataError, match=r"'Sex'.*text"):
        prepare(table, dataclasses.replace(spec, zero_missing=("Sex",)))
    with pytest.raises(DataError, match="label column 'Category'"):
        prepare(table, dataclasses.replace(spec, zero_missing=("Category",)))


def test_zero_missing_column_that_becomes_empty_is_excluded_as_empty():
    text = b"a,b,y\n0,1.5,yes\n0,2.5,no\n0,1.5,no\n0,3.0,yes\n"
    data = prepare(read_table(text), TaskSpec("y", zero_missing=("a",)))
    assert data.excluded["a"] == "empty in every row"
    assert data.zero_missing_counts == {"a": 4}
