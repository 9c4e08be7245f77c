"""Issue 23 defect 3 on the Predict page: an uploaded model file removed from the uploader (or the page left
and re-entered, which empties the uploader) is forgotten with a sentence, instead of going on scoring new
patients at its old threshold while the sidebar shows the session model's."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.learn import training
from imbalance_core.share import model_file
from pages.predict import FORGOTTEN, K_UPLOADED_MODEL, UPLOAD
from tests.pages.seating import seat_model, train_on_bundled

APP = str(Path(__file__).resolve().parents[2] / "app.py")
OLD = 0.7777  # the uploaded file's own threshold


@pytest.fixture(scope="module")
def hcv():
    _, _, data, result = train_on_bundled(training.TrainSettings(cv=3))
    saved = model_file.build_saved_model(result.pipeline, data, OLD, "Set by hand.", result.settings)
    return data, result, model_file.dumps(saved)


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _with_upload(hcv) -> AppTest:
    _data, result, raw = hcv
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    seat_model(at, result)
    _go(at, "pages/predict.py")
    at.radio(key="pred_source").set_value(UPLOAD).run()
    at.file_uploader(key="pred_model_file").set_value(("old.skops", raw, "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert any(f"{OLD:.4f}" in t.value for t in at.text)
    return at


def _forgotten(at: AppTest) -> None:
    assert K_UPLOADED_MODEL not in at.session_state
    assert not any(f"{OLD:.4f}" in t.value for t in at.text)
    assert any(i.value == FORGOTTEN for i in at.info)
    assert not any(u.key == "pred_patients" for u in at.get("file_uploader"))  # nothing left to score


def test_model_removed_from_the_uploader_is_forgotten_with_a_sentence(hcv):
    at = _with_upload(hcv)
    at.file_uploader(key="pred_model_file").set_value(None).run()
    assert not at.exception, at.exception
    _forgotten(at)


def test_model_is_forgotten_when_the_page_is_left_and_reentered(hcv):
    at = _with_upload(hcv)
    _go(at, "pages/data.py")
    _go(at, "pages/predict.py")
    if at.radio(key="pred_source").value != UPLOAD:
        at.radio(key="pred_source").set_value(UPLOAD).run()
    _forgotten(at)
