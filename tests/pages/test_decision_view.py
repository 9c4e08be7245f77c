"""AppTest of the decision panels on the Check the model page and the sample size on the Data page.

Subgroup rows are checked against a hand count on the stored hold-out scores; the what-if score against
the fitted pipeline's own prediction; and nothing is refitted while the panels run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.metrics import confusion_matrix
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation import sample_size
from imbalance_core.learn import training
from imbalance_core.learn.classifiers import WeightedClassifier
from pages import decision_view, session_state
from tests.pages.seating import seat_model, train_on_bundled

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "check_model.py")
THRESHOLD = 0.35


@pytest.fixture(scope="module")
def hcv_result():
    table, spec, data, result = train_on_bundled(
        training.TrainSettings(sampler="smote", classifier="logreg", cv=3)
    )
    return table, spec, result, data


def _app(hcv_result) -> AppTest:
    table, spec, result, data = hcv_result
    at = AppTest.from_file(PAGE, default_timeout=120)
    return seat_model(
        at,
        result,
        table=table,
        spec=spec,
        source="bundled:hcv",
        data=data,
        threshold=THRESHOLD,
        settings=False,
    )


@pytest.fixture
def no_fit(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the decision panels must never fit")

    monkeypatch.setattr(Pipeline, "fit", refuse)
    monkeypatch.setattr(WeightedClassifier, "fit", refuse)
    monkeypatch.setattr(training, "train", refuse)


def test_subgroups_importance_and_what_if(hcv_result, no_fit):
    _, _, result, data = hcv_result
    at = _app(hcv_result).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Check the model"]
    at.multiselect(key=decision_view.W_SUBGROUPS).set_value(["Sex"]).run()
    assert not at.exception
    frame = next(d.value for d in at.dataframe if "sensitivity" in d.value.columns)
    sex = data.X["Sex"].iloc[result.test_index].to_numpy()
    for _, row in frame.iterrows():
        mask = sex == row["group"]
        y, s = result.y_test[mask], result.test_scores[mask]
        tn, fp, fn, tp = confusion_matrix(y, (s >= THRESHOLD).astype(int), labels=[0, 1]).ravel()
        assert row["n"] == mask.sum() and row["events"] == y.sum()
        assert row["sensitivity"].startswith(f"{tp / (tp + fn):.3f} (")
        assert row["specificity"].startswith(f"{tn / (tn + fp):.3f} (")
    # importance behind a button, then cached for the model
    next(b for b in at.button if b.key == "dec_importance_button").click().run()
    assert not at.exception
    cached = list(at.session_state[decision_view.K_IMPORTANCE].values())
    assert len(cached) == 1
    imp = cached[0]
    assert any(c.key == "dec_importance_plot" for c in at.get("plotly_chart")) or at.get("plotly_chart")
    assert imp is not None and set(imp.features) == set(data.X.columns)
    # what-if: patient 3, edit the most important numeric feature
    at.selectbox(key=decision_view.W_PATIENT).set_value(3).run()
    feature = next(f for f in imp.features[: decision_view.WHATIF_FEATURES] if f in data.numeric_features)
    assert at.number_input(key=f"dec_whatif_3_{feature}")  # the most important are shown without a search
    box = at.number_input(key=f"dec_whatif_3_{feature}")
    new_value = float(data.X[feature].quantile(0.95))
    box.set_value(new_value).run()
    assert not at.exception
    row = data.X.iloc[[result.test_index[3]]].copy()
    row[feature] = new_value
    want = (
        float(result.calibrator.transform(result.pipeline.predict_proba(row)[:, 1])[0])
        if result.calibrator
        else float(result.pipeline.predict_proba(row)[0, 1])
    )
    score = next(m for m in at.metric if m.label == "Score")
    assert score.value == f"{want:.3f}"
    decision = next(m for m in at.metric if m.label == "Decision")
    assert decision.value == ("positive" if want >= THRESHOLD else "negative")
    flips = next(d.value for d in at.dataframe if "nearest change that flips" in d.value.columns)
    assert feature in set(flips["feature"])


def test_data_page_shows_the_sample_size(hcv_result):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert any("big enough" in s.value for s in at.subheader)
    data = at.session_state[session_state.K_PREPARED]
    found = sample_size.adequacy(data)
    shown = [m.value for m in (*at.success, *at.warning)]
    assert any(f"minimum of {found.criteria.minimum:,}" in v for v in shown), shown
    assert np.isclose(found.criteria.r2cs, 0.15 * sample_size.max_r2cs(np.mean(data.y)))


def test_report_page_carries_the_subgroups_chosen_on_the_check_page(hcv_result):
    import io
    import re

    from pypdf import PdfReader

    from pages.report import K_EXPORTS

    table, spec, result, data = hcv_result
    at = AppTest.from_file(str(ROOT / "pages" / "report.py"), default_timeout=120)
    seat_model(
        at,
        result,
        table=table,
        spec=spec,
        source="bundled:hcv",
        data=data,
        threshold=THRESHOLD,
        extra={decision_view.K_SUBGROUP_COLUMNS: ("Sex", "a column of other data")},
    )
    at.run()
    assert not at.exception
    at.button(key="rep_prepare").click().run()
    assert not at.exception, at.exception
    pdf = at.session_state[K_EXPORTS]["pdf"]
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Performancebysubgroupatthethreshold" in text and "Minimumsamplesize" in text
    assert "notacolumn" not in text  # a column of other data is dropped, not reported as an error
