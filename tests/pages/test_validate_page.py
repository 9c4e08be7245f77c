"""AppTest of the Validate page: an uploaded model on a labelled and an unlabelled new file, the page's
numbers are the core's, the updated model names its parent, bad files get a sentence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import task
from imbalance_core.intake.read import read_table
from imbalance_core.learn import training
from imbalance_core.share import model_file
from tests.conftest import SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "validate.py")


@pytest.fixture(scope="module")
def model_and_files():
    frame = pd.read_csv(SAMPLE_DATA / "pima_diabetes.csv")
    young, old = frame[frame.Age < 30], frame[frame.Age >= 30]
    table = read_table(young.to_csv(index=False).encode(), name="young.csv")
    data = task.prepare(table, task.TaskSpec(label="Outcome", positive=("1",)))
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=3))
    saved = model_file.build_saved_model(result.pipeline, data, 0.3, "test", result.settings, result=result)
    return model_file.dumps(saved), old, young


def _app(raw_model: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.run()
    at.file_uploader(key="val_model_file").set_value(("m.skops", raw_model, "application/octet-stream")).run()
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error)]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # plain() escapes markdown marks


def test_labelled_file_shows_development_beside_external_and_updates(model_and_files) -> None:
    raw, old, young = model_and_files
    at = _app(raw)
    at.file_uploader(key="val_new").set_value(("old.csv", old.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="val_label").value == "Outcome"
    frames = [d.value for d in at.dataframe]
    figures = next(f for f in frames if "Figure" in f.columns and "Development" in f.columns)
    saved = model_file.loads(raw)
    X = old.drop(columns="Outcome")
    auc = roc_auc_score(old["Outcome"], saved.scores(X))
    row = figures[figures["Figure"] == "ROC AUC"].iloc[0]
    assert row["This file"].startswith(f"{auc:.3f}")
    assert row["Development"] != "—"
    # A difference of two rates is in percentage points: hand computation from the two columns' values.
    sens = figures[figures["Figure"] == "Sensitivity"].iloc[0]
    dev, ext = (float(sens[c].split(" %")[0]) for c in ("Development", "This file"))
    points = sens["Difference (rates in pp)"]
    assert points.endswith(" pp") and abs(float(points.removesuffix(" pp")) - (ext - dev)) <= 0.11
    text = _texts(at)
    assert "Threshold transport" in " ".join(s.value for s in at.subheader)
    assert "Recommended:" in text
    assert "development file" in text  # membership model: why it is not shown
    assert "nan" not in " ".join(str(f.to_string()) for f in frames).replace("Pregnancies", "")
    at.button(key="val_prepare_update").click().run()
    download = at.get("download_button")
    assert download, "the updated model download appears once prepared"
    at.button(key="val_prepare_pdf").click().run()
    assert not at.exception
    assert len(at.get("download_button")) == 2  # the model and the PDF, each only once asked for
    # with the development file the membership model is shown
    at.file_uploader(key="val_dev").set_value(
        ("young.csv", young.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert "cross-validated AUC" in _texts(at)


def test_unlabelled_batch_and_a_bad_file(model_and_files) -> None:
    raw, old, _ = model_and_files
    at = _app(raw)
    unlabelled = old.drop(columns="Outcome").to_csv(index=False).encode()
    at.file_uploader(key="val_new").set_value(("batch.csv", unlabelled, "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="val_label").value == "(no outcome column: an unlabelled batch)"
    labels = [m.label for m in at.metric]
    assert "Expected prevalence (EM)" in labels
    assert "validate model.skops batch.csv" in at.code[0].value
    at.file_uploader(key="val_new").set_value(("bad.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not at.exception
    assert any("lacks" in e.value for e in at.error)


def test_a_pickle_is_refused_with_a_sentence() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.file_uploader(key="val_model_file").set_value(
        ("m.skops", b"\x80\x04K\x01.", "application/octet-stream")
    )
    at.run()
    assert not at.exception
    assert any("not an Imbalance Lab model" in e.value for e in at.error)
