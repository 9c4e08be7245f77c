"""Report page: a model that keeps training rows is downloadable only after ticking a confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from imbalance_core.share import model_file
from tests.pages.seating import seat_model

ROOT = Path(__file__).resolve().parents[2]
REPORT = str(ROOT / "pages" / "report.py")


def _app(classifier: str, page: str = REPORT) -> tuple[AppTest, object]:
    table = bundled.load_bundled("hcv")
    spec = bundled.BUNDLED["hcv"].default_spec
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(sampler="smote", classifier=classifier, cv=2))
    at = AppTest.from_file(page, default_timeout=120)
    seat_model(at, result, table=table, spec=spec, source="bundled:hcv", data=data, threshold=0.5)
    return at, (data, result)


def _model_button(at: AppTest):
    return next(b for b in at.get("download_button") if b.proto.label.startswith("Download model"))


@pytest.mark.parametrize("classifier", ["svm"])
def test_svm_model_download_needs_the_confirmation(classifier):
    at, _ = _app(classifier)
    at.run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    rows = model_file.loads(at.session_state["report_exports"]["model"]).metadata.training_rows
    assert rows > 0
    assert _model_button(at).proto.disabled
    box = next(c for c in at.checkbox if c.label.startswith("I understand"))
    assert box.label.startswith(f"I understand this file contains {rows:,} training rows")
    assert any("support vectors" in w.value for w in at.warning)
    box.check().run()
    assert not _model_button(at).proto.disabled


def test_logreg_model_download_needs_no_confirmation():
    at, _ = _app("logreg")
    at.run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    assert not _model_button(at).proto.disabled
    assert not [c for c in at.checkbox if c.label.startswith("I understand")]


def test_predict_page_warns_that_the_svm_model_keeps_training_rows():
    at, _ = _app("svm", str(ROOT / "pages" / "predict.py"))
    at.run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning]
    assert any("support vectors" in w and "training patients' rows" in w for w in warnings), warnings


def _media_files() -> list[bytes]:
    """Every file Streamlit's media store holds now (what ``/media/...`` would serve)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return []
    storage = Runtime.instance().media_file_mgr._storage
    return [f.content for f in storage._files_by_id.values()]


def test_no_model_file_with_patient_rows_exists_before_the_tick():
    """Issue 31: the kNN/SVM model file (training rows) was put in /media when the page drew its
    disabled button, before the consent box was ticked; anyone with its URL could fetch it."""
    at, _ = _app("svm")
    at.run()
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    model_bytes = at.session_state["report_exports"]["model"]
    button = _model_button(at).proto
    assert button.disabled
    assert button.url == "" and not button.deferred_file_id, "a URL exists before consent"
    assert model_bytes not in _media_files()
    box = next(c for c in at.checkbox if c.label.startswith("I understand"))
    box.check().run()
    button = _model_button(at).proto
    assert not button.disabled
    assert button.url or button.deferred_file_id  # now it can be fetched (created on the click)
