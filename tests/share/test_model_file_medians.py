"""Every model file keeps the training medians of its numeric columns; its metadata and the CLI say so
(issue 31, item 7: before, nothing said that real patients' values travel with every model)."""

from __future__ import annotations

import numpy as np

from imbalance_core.cli import main
from imbalance_core.learn import training
from imbalance_core.share import model_file
from tests.cli.hcv_evaluate import TASK
from tests.conftest import ROOT
from tests.helpers_training import hcv


def test_the_file_counts_and_names_the_medians_it_keeps():
    data = hcv()
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2, seed=1))
    saved = model_file.build_saved_model(result.pipeline, data, 0.5)
    loaded = model_file.loads(model_file.dumps(saved))
    numeric = list(data.numeric_features)
    assert loaded.metadata.column_medians == len(numeric) > 0
    # the numbers inside are the training rows' medians (independent: pandas)
    imputer = loaded.pipeline.named_steps["preprocess"].named_transformers_["num"]
    expected = data.X.iloc[result.train_index][numeric].median().to_numpy()
    np.testing.assert_allclose(imputer.statistics_, expected, rtol=0, atol=1e-12)
    note = model_file.medians_note(loaded.metadata)
    assert f"each of its {len(numeric)} numeric columns" in note and "real patients' measurements" in note
    assert ("Column medians inside the file", note) in model_file.describe(loaded.metadata).rows


def test_an_older_file_without_the_field_says_so():
    meta = model_file.ModelMetadata.from_dict(
        {k: v for k, v in _meta_dict().items() if k != "column_medians"}
    )
    assert meta.column_medians == 0 and model_file.medians_note(meta) == ""
    assert ("Column medians inside the file", "none recorded (older file)") in model_file.describe(meta).rows


def _meta_dict() -> dict:
    data = hcv()
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2, seed=1))
    return model_file.build_saved_model(result.pipeline, data, 0.5).metadata.to_dict()


def test_the_cli_prints_the_note_when_it_writes_a_model(tmp_path, capsys):
    out = tmp_path / "m.skops"
    csv = str(ROOT / "sample_data" / "hcv_lab_values.csv")
    args = ["evaluate", csv, *TASK, "--sampler", "none", "--classifier", "logreg", "--cv", "2"]
    assert main([*args, "--model-out", str(out)]) == 0
    assert "note: The file also keeps the training data's median of each" in capsys.readouterr().err
