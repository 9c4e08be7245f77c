"""Prediction on new patients: same intake, named column problems, saved-threshold decisions, safe CSV."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.learn import training
from imbalance_core.share import model_file, predict
from tests.helpers_training import hcv

THRESHOLD = 0.35


@pytest.fixture(scope="module")
def trained():
    data = hcv()
    result = training.train(
        data, training.TrainSettings(sampler="smote", classifier="logreg", cv=2, ratio=0.5)
    )
    saved = model_file.loads(model_file.dumps(model_file.build_saved_model(result.pipeline, data, THRESHOLD)))
    return data, result, saved


def _holdout_csv(data, result, drop=(), extra=None, text_in=None) -> bytes:
    frame = data.X.iloc[result.test_index].reset_index(drop=True).copy()
    frame = frame.drop(columns=list(drop))
    if extra:
        frame[extra] = "anything"
    if text_in:
        frame[text_in] = ["high"] * len(frame)
    return frame.to_csv(index=False, float_format="%.17g").encode()


def test_scores_equal_the_hold_out_scores_and_decisions_use_threshold(trained):
    data, result, saved = trained
    out = predict.predict_file(saved, _holdout_csv(data, result), name="new.csv")
    np.testing.assert_allclose(out.scores, result.test_scores, rtol=0, atol=1e-12)
    expected = np.where(result.test_scores >= THRESHOLD, data.class_names[1], data.class_names[0])
    assert list(out.frame[predict.DECISION_COLUMN]) == list(expected)
    assert out.n_positive == int((result.test_scores >= THRESHOLD).sum())
    assert out.n_rows == len(result.test_index)
    # Input rows are kept as they were.
    pd.testing.assert_series_equal(
        out.frame["ALB"], data.X["ALB"].iloc[result.test_index].reset_index(drop=True), check_names=False
    )


def test_missing_columns_are_named(trained):
    data, result, saved = trained
    with pytest.raises(DataError, match="'ALT'") as err:
        predict.predict_file(saved, _holdout_csv(data, result, drop=("ALT", "Sex")))
    assert "'Sex'" in str(err.value)


def test_extra_columns_are_reported_and_ignored(trained):
    data, result, saved = trained
    out = predict.predict_file(saved, _holdout_csv(data, result, extra="Ward"))
    assert any("'Ward'" in n for n in out.notices)
    np.testing.assert_allclose(out.scores, result.test_scores, rtol=0, atol=1e-12)
    assert "Ward" in out.frame.columns


def test_text_in_numeric_column_is_named_without_cell_values(trained):
    data, result, saved = trained
    with pytest.raises(DataError, match="'CHE'") as err:
        predict.predict_file(saved, _holdout_csv(data, result, text_in="CHE"))
    assert "high" not in str(err.value)


def test_missing_values_are_filled_and_counted(trained):
    data, result, saved = trained
    frame = data.X.iloc[result.test_index[:10]].reset_index(drop=True).copy()
    frame.loc[0:2, "ALB"] = np.nan
    out = predict.predict_file(saved, frame.to_csv(index=False).encode())
    assert any("'ALB' (3)" in n for n in out.notices)
    assert np.all(np.isfinite(out.scores))


def test_same_intake_rules_decimal_comma_and_semicolons(trained):
    data, result, saved = trained
    frame = data.X.iloc[result.test_index].reset_index(drop=True)
    raw = frame.to_csv(index=False, sep=";", decimal=",", float_format="%.17g").encode()
    out = predict.predict_file(saved, raw)
    np.testing.assert_allclose(out.scores, result.test_scores, rtol=0, atol=1e-12)


def test_empty_or_unreadable_file_is_a_data_error(trained):
    _, _, saved = trained
    with pytest.raises(DataError):
        predict.predict_file(saved, b"")


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+cmd", "'+cmd"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
     ("-1.5", "-1.5"), ("+3", "+3"), ("plain", "plain"), ("1e-3", "1e-3")],
)  # fmt: skip
def test_neutralise_cell(cell, safe):
    assert predict.neutralise_cell(cell) == safe


def test_csv_export_neutralises_formulas_and_is_unique():
    frame = pd.DataFrame({"name": ["=1+1", "-2.5", "ok"], "value": [-1.5, 2.0, 3.0]})
    a = predict.csv_bytes(frame)
    b = predict.csv_bytes(frame)
    assert a != b
    back = pd.read_csv(io.BytesIO(a), dtype={"name": str})
    assert list(back["name"]) == ["'=1+1", "-2.5", "ok"]
    assert list(back["value"]) == [-1.5, 2.0, 3.0]
    assert back[predict.EXPORT_ID_COLUMN].nunique() == 1


def test_unseen_categories_are_counted_by_column(trained):
    data, result, saved = trained
    frame = data.X.iloc[result.test_index[:10]].reset_index(drop=True).copy()
    assert set(frame["Sex"].dropna()) <= set(data.X["Sex"].dropna())
    frame.loc[0:3, "Sex"] = "unknown-code"
    out = predict.predict_file(saved, frame.to_csv(index=False).encode())
    assert any("'Sex' (4)" in n for n in out.notices)
    assert not any("unknown-code" in n for n in out.notices)
    clean = predict.predict_file(saved, _holdout_csv(data, result))
    assert not any("never seen" in n for n in clean.notices)


# --------------------------------------------------------------------------- zeros that mean "not measured"

PIMA_DOCUMENTED = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")


@pytest.fixture(scope="module")
def pima_trained():
    from imbalance_core.intake.bundled import BUNDLED
    from tests.helpers_training import pima

    data = pima()
    assert data.zero_missing_counts  # the Pima preset reads the documented zeros as missing
    result = training.train(data, training.TrainSettings(sampler="smote", classifier="logreg", cv=2))
    saved = model_file.loads(model_file.dumps(model_file.build_saved_model(result.pipeline, data, 0.5)))
    raw = pd.read_csv(BUNDLED["pima"].path)
    rows = raw.iloc[data.source_rows[result.test_index]].drop(columns="Outcome").reset_index(drop=True)
    return result, saved, rows


def test_zeros_in_new_rows_score_like_missing_values(pima_trained):
    result, saved, rows = pima_trained
    zeros = rows[list(PIMA_DOCUMENTED)] == 0
    assert zeros.to_numpy().any() and (rows["Pregnancies"] == 0).any()
    as_nan = rows.copy()
    as_nan[list(PIMA_DOCUMENTED)] = rows[list(PIMA_DOCUMENTED)].mask(zeros)
    with_zeros = predict.predict_file(saved, rows.to_csv(index=False).encode())
    with_gaps = predict.predict_file(saved, as_nan.to_csv(index=False).encode())
    np.testing.assert_array_equal(with_zeros.scores, with_gaps.scores)
    np.testing.assert_array_equal(with_zeros.decisions, with_gaps.decisions)
    # ... and both equal the hold-out scores of training (where the same zeros were missing values).
    np.testing.assert_allclose(with_zeros.scores, result.test_scores, rtol=0, atol=1e-12)
    notice = next(n for n in with_zeros.notices if n.startswith("Zeros read as 'not measured'"))
    assert all(f"'{c}' ({int(zeros[c].sum())})" in notice for c in PIMA_DOCUMENTED)
    # Without the rule the zeros would count as real values and the scores would differ.
    raw_scores = saved.scores(rows.astype("float64"))
    changed = zeros.any(axis=1).to_numpy()
    assert not np.allclose(raw_scores[changed], with_zeros.scores[changed])
    np.testing.assert_allclose(raw_scores[~changed], with_zeros.scores[~changed], rtol=0, atol=1e-12)
    # The output keeps the rows as given (zeros stay zeros there).
    assert (with_zeros.frame["Insulin"] == 0).sum() == zeros["Insulin"].sum()
