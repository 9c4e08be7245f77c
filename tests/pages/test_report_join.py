"""Issue 24: the Report page's hold-out CSV joins back to the file (ID column, else the 1-based input row)
and carries the model file's id."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from imbalance_core.share import model_file
from pages.report import K_EXPORTS
from tests.pages.seating import seat_model

ROOT = Path(__file__).resolve().parents[2]


def test_holdout_csv_carries_the_row_key_and_the_model_id() -> None:
    table = bundled.load_bundled("hcv")
    spec = bundled.BUNDLED["hcv"].default_spec
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(classifier="logreg", cv=2))
    at = AppTest.from_file(str(ROOT / "pages" / "report.py"), default_timeout=120)
    seat_model(at, result, table=table, spec=spec, source="bundled:hcv", data=data, threshold=0.3)
    at.run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    exports = at.session_state[K_EXPORTS]
    holdout = pd.read_csv(io.BytesIO(exports["csv"]))
    key = holdout.columns[0]
    raw = pd.read_csv(bundled.BUNDLED["hcv"].path)
    expected = raw.iloc[data.source_rows[result.test_index]]
    # HCV's first (unnamed) column is a unique row number: the file's own ID column
    assert key == table.columns[0]
    assert holdout[key].tolist() == expected.iloc[:, 0].tolist()
    assert holdout["true_class"].tolist() == [data.class_names[int(c)] for c in result.y_test]
    assert (holdout["export_id"] == model_file.loads(exports["model"]).metadata.export_id).all()
