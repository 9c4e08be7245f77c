"""AppTest of the image panels: an image zip uploaded on the Data page (grid, notices), a bad zip keeps
the old data, and the Threshold page's FN/FP thumbnails with a heat map and its honest caption."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from imbalance_core.images.features import image_table
from imbalance_core.images.intake import read_image_zip
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn import training
from pages import image_view, session_state
from pages.data import W_UPLOAD
from tests.images.shapes import shapes_zip
from tests.pages.seating import seat_data, seat_model

ROOT = Path(__file__).resolve().parents[2]


def test_image_zip_upload_shows_grid_and_bad_zip_keeps_data() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    raw = shapes_zip(10, 40, side=16)
    at.file_uploader(key=W_UPLOAD).set_value(("shapes.zip", raw, "application/zip")).run()
    assert not at.exception, at.exception
    data = at.session_state[session_state.K_PREPARED]
    assert data.class_counts == {"SQUARE": 40, "DISC": 10} and data.positive_name == "DISC"
    assert "file" in data.excluded  # the file name is not a feature
    assert any("DISC" in m.value and "10 images" in m.value for m in at.markdown)
    assert len(at.get("image")) == 2, "one example row per class"
    at.file_uploader(key=W_UPLOAD).set_value(("bad.zip", b"not a zip", "application/zip")).run()
    assert any("was not loaded" in e.value for e in at.error)
    assert at.session_state[session_state.K_PREPARED].class_counts == {"SQUARE": 40, "DISC": 10}


def test_threshold_page_shows_errors_and_a_heat_map_with_caption() -> None:
    images = read_image_zip(shapes_zip(16, 64, side=16))
    table = image_table(images, "pixels", "shapes.zip")
    spec = TaskSpec(label="class", positive=("DISC",))
    data = prepare(table, spec)
    result = training.train(data, training.TrainSettings(classifier="logreg", cv=3))
    at = AppTest.from_file(str(ROOT / "pages" / "threshold.py"), default_timeout=90)
    seat_model(
        at,
        result,
        table=table,
        spec=spec,
        source="upload:x",
        data=data,
        settings=False,
        threshold=0.9,  # high: some discs are missed
        extra={image_view.K_IMAGES: ("upload:x", images, "pixels")},
    )
    at.run()
    assert not at.exception, at.exception
    n_fn = int(((result.y_test == 1) & (result.test_scores < 0.9)).sum())
    assert n_fn > 0
    assert any(f"{n_fn} false negatives" in c.value for c in at.caption)
    assert any(
        "Where the model's evidence came from" in c.value and "Not where a lesion" in c.value
        for c in at.caption
    )
    assert at.selectbox(key=image_view.W_PICK).options
    assert np.isfinite(result.test_scores).all()


def test_compare_page_runs_the_study_table_for_images() -> None:
    images = read_image_zip(shapes_zip(12, 48, side=16, split=True))
    table = image_table(images, "pixels", "split.zip")
    spec = TaskSpec(label="class", positive=("DISC",))
    at = AppTest.from_file(str(ROOT / "pages" / "compare.py"), default_timeout=240)
    seat_data(
        at,
        table=table,
        spec=spec,
        source="upload:y",
        data=prepare(table, spec),
        extra={image_view.K_IMAGES: ("upload:y", images, "pixels")},
    )
    at.run()
    assert not at.exception, at.exception
    at.button(key="images_study_run").click().run()
    assert not at.exception, at.exception
    frame = at.dataframe[-1].value
    assert frame["Technique"].iloc[0].startswith("Baseline") and len(frame) == 8
    assert (frame["TP"] + frame["FN"] == 3).all() and (frame["TN"] + frame["FP"] == 12).all()
    assert any("differ from the published study" in c.value for c in at.caption)


def test_bundled_chest_xrays_button_loads_pneumoniamnist_features() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.selectbox(key=image_view.W_EXTRACTOR).set_value("pixels").run()
    at.button(key="images_bundled").click().run()
    assert not at.exception, at.exception
    data = at.session_state[session_state.K_PREPARED]
    assert data.class_counts == {"NORMAL": 757, "PNEUMONIA": 4273} and data.positive_name == "PNEUMONIA"
    assert len(data.numeric_features) <= 784
    assert any("bundled chest X-rays are in use" in c.value for c in at.caption)
    assert any("Bundled PneumoniaMNIST" in i.value for i in at.info)


def test_data_page_shows_the_audit_with_what_to_do() -> None:
    from tests.images.test_audit import _marker_set

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.selectbox(key=image_view.W_EXTRACTOR).set_value("pixels").run()
    at.file_uploader(key=W_UPLOAD).set_value(("marker.zip", _marker_set(True), "application/zip")).run()
    assert not at.exception, at.exception
    assert any("Shortcut and leakage audit" in s.value for s in at.subheader)
    assert any("No identical or nearly identical images" in s.value for s in at.success)
    at.button(key="images_audit_border").click().run()
    assert not at.exception, at.exception
    assert any("may read markers" in w.value for w in at.warning)
    assert any(c.value.startswith("What to do:") for c in at.caption)


def test_predict_page_judges_a_labelled_image_zip() -> None:
    from pages.predict import K_PATIENTS

    images = read_image_zip(shapes_zip(16, 64, side=16))
    table = image_table(images, "pixels", "shapes.zip")
    spec = TaskSpec(label="class", positive=("DISC",))
    data = prepare(table, spec)
    result = training.train(data, training.TrainSettings(classifier="logreg", cv=3))
    at = AppTest.from_file(str(ROOT / "pages" / "predict.py"), default_timeout=120)
    seat_model(
        at,
        result,
        table=table,
        spec=spec,
        source="upload:p",
        data=data,
        threshold=0.5,
        extra={K_PATIENTS: ("new.zip", shapes_zip(5, 10, side=16, seed=3))},
    )
    at.run()
    assert not at.exception, at.exception
    frame = at.dataframe[-1].value
    assert list(frame.columns) == ["file", "class", "score", "decision"]
    assert any("judged like a hold-out" in t.value and "sensitivity" in t.value for t in at.text)
