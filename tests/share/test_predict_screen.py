"""The Predict page's on-screen table (``predict.screen_table``): narrow, threshold in the decision's header,
identifier columns kept, counts in the note checked by hand; and the missing-column sentence's number."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.learn import training
from imbalance_core.share import model_file, predict
from tests.helpers_training import hcv

THRESHOLD = 0.35


@pytest.fixture(scope="module")
def trained():
    data = hcv()
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    saved = model_file.loads(model_file.dumps(model_file.build_saved_model(result.pipeline, data, THRESHOLD)))
    return data, result, saved


def _patients(data, result, n: int = 30) -> pd.DataFrame:
    return data.X.iloc[result.test_index[:n]].reset_index(drop=True).copy()


def test_screen_table_is_narrow_and_states_the_threshold(trained):
    data, result, saved = trained
    frame = _patients(data, result)
    frame.insert(0, "patient_id", [f"P{i:03d}" for i in range(len(frame))])
    out = predict.predict_frame(saved, frame)
    screen = predict.screen_table(out, saved)
    cols = list(screen.frame.columns)
    # score and decision first (as in the download), then the row and the file's own identifier
    flags = [predict.FLAGS_COLUMN] if frame[list(saved.metadata.feature_names)].isna().any().any() else []
    assert cols == [predict.SCORE_COLUMN, predict.DECISION_COLUMN, *flags, predict.ROW_COLUMN, "patient_id"]
    assert not set(cols) & set(saved.metadata.feature_names)  # the model's inputs stay in the download
    assert len(out.frame.columns) == 4 + len(saved.metadata.feature_names) + 1  # + model_id
    assert f"{THRESHOLD:.4f}" in screen.headers[predict.DECISION_COLUMN]
    assert set(screen.headers) <= set(cols)
    # the values are the result's, row for row
    np.testing.assert_array_equal(screen.frame[predict.SCORE_COLUMN], out.scores)
    assert list(screen.frame["patient_id"]) == list(frame["patient_id"])
    assert list(screen.frame[predict.ROW_COLUMN]) == list(range(1, len(frame) + 1))


def test_screen_note_counts_by_hand_and_points_to_the_download(trained):
    data, result, saved = trained
    frame = _patients(data, result, 25)
    out = predict.predict_frame(saved, frame)
    note = predict.screen_table(out, saved).note
    flagged = int(np.sum(out.scores >= THRESHOLD))  # independent count: the saved rule, by hand
    assert f"{flagged:,} of 25 patients ({percent(flagged / 25)}) are flagged" in note
    assert f"median {np.median(out.scores):.3g}" in note
    assert f"all {len(out.frame.columns)} columns" in note
    assert "nan" not in note.lower()
    # the count of flagged patients is said once above the table (summary); the note adds the share
    assert note.count(f"{flagged:,} of 25") == 1


def test_at_most_three_identifier_columns_are_shown(trained):
    data, result, saved = trained
    frame = _patients(data, result, 5)
    for k in range(5):
        frame[f"note_{k}"] = "x"
    out = predict.predict_frame(saved, frame)
    screen = predict.screen_table(out, saved)
    assert [c for c in screen.frame.columns if str(c).startswith("note_")] == ["note_0", "note_1", "note_2"]
    assert predict.MAX_SCREEN_EXTRA == 3


def test_nan_scores_do_not_reach_the_note(trained):
    """An awkward result (scores that are not numbers) gives a sentence without 'nan'."""
    data, result, saved = trained
    out = predict.predict_frame(saved, _patients(data, result, 4))
    broken = predict.PredictionResult(
        frame=out.frame,
        scores=np.full(4, np.nan),
        decisions=np.zeros(4, dtype=int),
        threshold=THRESHOLD,
        class_names=out.class_names,
        notices=(),
        n_rows=4,
    )
    note = predict.screen_table(broken, saved).note
    assert f"0 of 4 patients ({percent(0.0)}) are flagged." in note
    assert not re.search(r"\bnan\b", note.lower())


def test_multiclass_screen_shows_probabilities_and_the_most_probable_class():
    from tests.helpers_training import hcv_multiclass

    data = hcv_multiclass()
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    saved = model_file.build_saved_model(result.pipeline, data, None)
    out = predict.predict_frame(saved, data.X.iloc[result.test_index[:10]].reset_index(drop=True))
    screen = predict.screen_table(out, saved)
    k = len(data.class_names)
    assert list(screen.frame.columns[:k]) == [f"{predict.SCORE_COLUMN}_{n}" for n in data.class_names]
    assert screen.headers[predict.DECISION_COLUMN] == "Most probable class"
    assert [c for c in screen.frame.columns[k:] if c != predict.FLAGS_COLUMN] == [
        predict.DECISION_COLUMN,
        predict.ROW_COLUMN,
    ]
    np.testing.assert_allclose(screen.frame.iloc[:, :k].to_numpy(dtype=float), out.scores)
    assert "flagged" not in screen.note


def test_each_patient_names_the_values_filled_in_or_unknown(trained):
    """Awkward rows: a missing lab value, a zero-free unknown category, both, and a clean row."""
    data, result, saved = trained
    frame = _patients(data, result, 40)
    frame = (
        frame[frame[list(saved.metadata.feature_names)].notna().all(axis=1)].head(4).reset_index(drop=True)
    )
    assert len(frame) == 4
    frame["Sex"] = frame["Sex"].astype(object)
    frame.loc[0, "ALT"] = np.nan
    frame.loc[1, "Sex"] = "x"
    frame.loc[2, ["ALT", "CHOL"]] = np.nan
    frame.loc[2, "Sex"] = "unknown"
    out = predict.predict_frame(saved, frame)
    flags = predict.input_flags(saved, out.frame)
    assert list(flags) == ["filled: ALT", "unknown: Sex", "filled: ALT, CHOL; unknown: Sex", ""]
    # the per-row names add up to the per-column counts the notices give
    filled = sum(f.count("ALT") for f in flags)
    assert filled == int(frame["ALT"].isna().sum()) == 2
    assert any("'Sex' (2)" in n for n in out.notices)
    screen = predict.screen_table(out, saved)
    assert list(screen.frame[predict.FLAGS_COLUMN]) == list(flags)
    assert "The score of 3 patients rests partly on values filled in" in screen.note
    clean = predict.screen_table(predict.predict_frame(saved, frame.iloc[[3]]), saved)
    assert predict.FLAGS_COLUMN not in clean.frame.columns and "filled in" not in clean.note


def test_missing_columns_sentence_has_the_right_number(trained):
    data, result, saved = trained
    one = _patients(data, result, 5).drop(columns=["ALT"])
    with pytest.raises(DataError, match=r"^The file lacks the column 'ALT' that the model needs\."):
        predict.predict_frame(saved, one)
    two = _patients(data, result, 5).drop(columns=["ALT", "Sex"])
    with pytest.raises(DataError, match=r"^The file lacks 2 columns the model needs: '") as err:
        predict.predict_frame(saved, two)
    assert "'ALT'" in str(err.value) and "'Sex'" in str(err.value) and "column(s)" not in str(err.value)
