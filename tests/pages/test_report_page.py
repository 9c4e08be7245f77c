"""AppTest of the Report and Predict pages: the page's numbers are the PDF's numbers; bad input is refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from sklearn.metrics import confusion_matrix
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import task
from imbalance_core.learn import training
from imbalance_core.share import model_file
from pages import session_state
from pages.report import K_EXPORTS
from tests.pages.seating import seat_model, train_on_bundled

ROOT = Path(__file__).resolve().parents[2]
REPORT = str(ROOT / "pages" / "report.py")
PREDICT = str(ROOT / "pages" / "predict.py")
THRESHOLD = 0.3


@pytest.fixture(scope="module")
def hcv_result():
    return train_on_bundled(training.TrainSettings(sampler="smote", classifier="logreg", cv=2, ratio=0.5))


def _app(page: str, hcv_result, threshold: float | None = THRESHOLD) -> AppTest:
    table, spec, data, result = hcv_result
    at = AppTest.from_file(page, default_timeout=120)
    return seat_model(
        at, result, table=table, spec=spec, source="bundled:hcv", data=data, threshold=threshold
    )


def _table(at: AppTest, first_header: str):
    """A report table shown with st.table (its first column is the index), back as a plain frame."""
    for element in at.table:
        frame = element.value
        if frame.index.name == first_header or (not first_header and frame.index.name in (None, "")):
            return frame.reset_index()
    raise AssertionError(f"no table starting with {first_header!r}")


def test_without_result_points_to_train_page():
    at = AppTest.from_file(REPORT, default_timeout=30).run()
    assert not at.exception
    assert "Train a model first" in at.info[0].value


def test_page_numbers_match_independent_counts_and_the_pdf(hcv_result):
    _, _, _, result = hcv_result
    at = _app(REPORT, hcv_result).run()
    assert not at.exception, at.exception
    assert not at.error
    y, s = result.y_test, result.test_scores
    tn, fp, fn, tp = confusion_matrix(y, (s >= THRESHOLD).astype(int), labels=[0, 1]).ravel()
    two = _table(at, "")
    assert list(two.iloc[0, 1:3]) == [f"{tp:,}", f"{fp:,}"]
    assert list(two.iloc[1, 1:3]) == [f"{fn:,}", f"{tn:,}"]
    acc = _table(at, "Measure").set_index("Measure")["Value (95 % CI)"]
    assert acc["Sensitivity"].startswith(f"{tp / (tp + fn):.3f} (")

    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    exports = at.session_state[K_EXPORTS]
    assert exports["pdf"].startswith(b"%PDF")
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(exports["pdf"])).pages))
    for measure in ("Sensitivity", "Specificity", "PPV at deployment prevalence", "ROC AUC"):
        assert re.sub(r"\s+", "", acc[measure]) in text, measure
    assert exports["id"] in text
    saved = model_file.loads(exports["model"])
    assert saved.metadata.threshold == THRESHOLD
    assert exports["id"] in exports["html"].decode()
    assert exports["id"].encode() in exports["csv"]
    labels = [b.label for b in at.get("download_button")]
    assert any("PDF" in label for label in labels) and any("model" in label for label in labels)


def test_picker_choice_changes_threshold_without_retraining(hcv_result, monkeypatch):
    calls = []
    monkeypatch.setattr(training, "train", lambda *a, **k: calls.append(1))
    at = _app(REPORT, hcv_result).run()
    at.selectbox(key="rep_choice").set_value("youden").run()
    assert not at.exception, at.exception
    assert calls == []
    assert "Youden" in at.caption[0].value or any("Youden" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def hcv_multiclass():
    """The bundled HCV data as a multi-class task and a logistic model on it (trained once per module)."""
    spec = task.TaskSpec(label="Category", multiclass=True, ignore=("0s=suspect Blood Donor",))
    return train_on_bundled(training.TrainSettings(sampler="none", classifier="logreg", cv=2), spec=spec)


def multiclass_report_app(hcv_multiclass) -> AppTest:
    """The Report page with the multi-class model in session state (not yet run)."""
    table, spec, data, result = hcv_multiclass
    at = AppTest.from_file(REPORT, default_timeout=120)
    return seat_model(at, result, table=table, spec=spec, data=data, settings=False)


def test_multiclass_result_gets_confusion_matrix_and_downloads(hcv_multiclass):
    _, _, data, result = hcv_multiclass
    at = multiclass_report_app(hcv_multiclass)
    at.run()
    assert not at.exception, at.exception
    k = len(data.class_names)
    pred = np.argmax(result.test_scores, axis=1)
    cm = confusion_matrix(result.y_test, pred, labels=list(range(k)))
    shown = _table(at, "True class \\ predicted")
    for i in range(k):
        assert list(shown.iloc[i, 1 : k + 1]) == [f"{v:,}" for v in cm[i]]
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    exports = at.session_state[K_EXPORTS]
    assert exports["pdf"].startswith(b"%PDF")
    assert model_file.loads(exports["model"]).metadata.threshold is None


def test_predict_page_uses_session_model(hcv_result):
    at = _app(PREDICT, hcv_result).run()
    assert not at.exception, at.exception
    assert any(f"{THRESHOLD:.4f}" in t.value for t in at.text)
    assert session_state.K_TRAIN_RESULT in at.session_state
    saved = at.session_state["predict_session_model"][1]
    _, _, data, result = hcv_result
    X = data.X.iloc[result.test_index]
    np.testing.assert_array_equal(saved.scores(X), result.test_scores)


def test_compare_leaderboard_goes_into_the_pdf(hcv_result):
    from imbalance_core.learn import compare

    _, _, data, result = hcv_result
    grid = compare.run_grid(data, ["none", "random_under"], ["logreg"], result.settings, n_jobs=1)
    at = _app(REPORT, hcv_result)
    at.session_state[session_state.K_COMPARE_RESULT] = grid
    at.run()
    assert at.checkbox(key="rep_compare").value is True
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    pdf = at.session_state[K_EXPORTS]["pdf"]
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Compareleaderboard" in text and "Randomunder-sampling" in text


def test_report_starts_from_the_threshold_pages_deployment_prevalence(hcv_result):
    """The prevalence typed on the Threshold page is the Report's default; without one, the hold-out's."""
    at = _app(REPORT, hcv_result)
    at.session_state[session_state.K_PREVALENCE] = 0.05
    at.run()
    assert not at.exception
    assert at.number_input(key="rep_prevalence").value == pytest.approx(5.0)
    fresh = _app(REPORT, hcv_result).run()
    hold_out = float(np.mean(hcv_result[3].y_test))
    assert fresh.number_input(key="rep_prevalence").value == pytest.approx(round(100 * hold_out, 2))


def test_explore_and_report_resample_the_training_part_once(hcv_result, monkeypatch) -> None:
    """The Explore map and the report's PCA picture share one resampled view (at 100,000 rows
    SMOTE-NC takes about 8 s, so the page that comes second must not pay it again)."""
    table, spec, data, _ = hcv_result
    settings = training.TrainSettings(sampler="smote", classifier="logreg", cv=2, ratio=0.5, seed=7771)
    result = training.train(data, settings)
    calls: list[object] = []
    original = training.resample_for_view

    def counting(data_, settings_):
        calls.append(settings_)
        return original(data_, settings_)

    monkeypatch.setattr(training, "resample_for_view", counting)
    explore = _app(str(ROOT / "pages" / "explore.py"), (table, spec, data, result))
    explore.run()
    assert not explore.exception, explore.exception
    report_page = _app(REPORT, (table, spec, data, result))
    report_page.run()
    assert not report_page.exception, report_page.exception
    from pages.report import K_PCA

    assert next(iter(report_page.session_state[K_PCA].values())) is not None  # the picture was made
    assert calls == [settings]  # Explore resampled; the Report page reused it
