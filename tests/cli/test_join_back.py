"""Issue 24: results join back to patients. ``evaluate --scores-out`` carries the file's ID column (or the
1-based input row number) and the model file's id; predictions carry the input row and the model id."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from imbalance_core.cli import main
from imbalance_core.share import predict
from imbalance_core.share.model_file import loads


def _file(tmp_path: Path, with_id: bool) -> Path:
    rng = np.random.default_rng(3)
    n = 240
    frame = pd.DataFrame(
        {
            "crp": rng.lognormal(1, 1, n).round(3),
            "wbc": rng.normal(8, 2, n).round(2),
            "outcome": rng.choice(["no", "yes"], n, p=[0.7, 0.3]),
        }
    )
    if with_id:
        frame.insert(0, "patient_id", rng.permutation(n) + 5000)
    path = tmp_path / ("ids.csv" if with_id else "plain.csv")
    frame.to_csv(path, index=False)
    return path


def _evaluate(path: Path, tmp_path: Path) -> tuple[pd.DataFrame, str]:
    scores, model = tmp_path / "scores.csv", tmp_path / "model.skops"
    args = ["evaluate", str(path), "--label", "outcome", "--positive", "yes", "--sampler", "none"]
    args += ["--classifier", "logreg", "--cv", "3", "--scores-out", str(scores), "--model-out", str(model)]
    assert main(args) == 0
    return pd.read_csv(scores), loads(model.read_bytes()).metadata.export_id


def test_scores_out_carries_the_files_id_column_and_the_model_id(tmp_path: Path, capsys) -> None:
    """Failing before: only y_true and score were written."""
    path = _file(tmp_path, with_id=True)
    scores, model_id = _evaluate(path, tmp_path)
    capsys.readouterr()
    assert list(scores.columns) == ["patient_id", "y_true", "score", "model_id"]
    raw = pd.read_csv(path).set_index("patient_id")
    truth = (raw.loc[scores["patient_id"], "outcome"] == "yes").astype(int).to_numpy()
    assert np.array_equal(truth, scores["y_true"].to_numpy())
    assert (scores["model_id"] == model_id).all()


def test_scores_out_without_an_id_carries_the_input_row_number(tmp_path: Path, capsys) -> None:
    path = _file(tmp_path, with_id=False)
    scores, _ = _evaluate(path, tmp_path)
    capsys.readouterr()
    assert scores.columns[0] == "row"
    raw = pd.read_csv(path)
    truth = (raw["outcome"].iloc[scores["row"] - 1] == "yes").astype(int).to_numpy()
    assert np.array_equal(truth, scores["y_true"].to_numpy())


def test_predictions_carry_the_input_row_and_the_model_id(tmp_path: Path, capsys) -> None:
    path = _file(tmp_path, with_id=True)
    _, model_id = _evaluate(path, tmp_path)
    saved = loads((tmp_path / "model.skops").read_bytes())
    out = predict.predict_file(saved, path)
    assert (out.frame[predict.MODEL_ID_COLUMN] == model_id).all()
    assert out.frame[predict.ROW_COLUMN].tolist() == list(range(1, 241))
    assert "patient_id" in out.frame.columns
