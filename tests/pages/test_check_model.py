"""AppTest of the Check the model page and the Glossary page (issue 26).

The page says the threshold every number is judged at; under the subgroup table, the forest plot, the
importance chart and the what-if a sentence whose counts are checked by hand; the what-if reaches a
feature beyond the first eight through the search box, and its score is the fitted pipeline's own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation import glossary, thresholds
from pages import decision_view, session_state
from tests.pages.seating import seat_model
from tests.pages.test_decision_view import THRESHOLD, _app, hcv_result  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "check_model.py")


def _texts(at: AppTest) -> list[str]:
    """What the page says in sentences (markdown and captions), escapes removed."""
    return [e.value.replace("\\", "") for e in (*at.markdown, *at.caption)]


def _said(at: AppTest, start: str) -> str:
    found = [t for t in _texts(at) if start in t]
    assert found, (start, _texts(at))
    return found[0]


def test_without_a_model_the_page_sends_you_to_train() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/check_model.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Check the model"]
    assert any("Train a model first" in i.value for i in at.info)
    assert not at.multiselect and not at.dataframe


def test_the_threshold_line_names_the_current_threshold(hcv_result) -> None:  # noqa: F811
    at = _app(hcv_result).run()
    assert not at.exception
    line = _said(at, "Judged at threshold")
    assert line.startswith(f"Judged at threshold {THRESHOLD:.4g}, the one chosen on the Threshold page")
    # nothing chosen yet: the documented default, said to be one
    result = hcv_result[2]
    fresh = _app(hcv_result)
    del fresh.session_state[session_state.K_THRESHOLD]
    fresh.run()
    default = thresholds.default_for_result(result)
    line = _said(fresh, "Judged at threshold")
    assert line.startswith(f"Judged at threshold {default.value:.4g}, the model's default")
    assert "nan" not in line.lower()


def test_every_table_and_figure_has_its_sentence_with_hand_counts(hcv_result) -> None:  # noqa: F811
    _, _, result, data = hcv_result
    at = _app(hcv_result).run()
    at.multiselect(key=decision_view.W_SUBGROUPS).set_value(["Sex"]).run()
    assert not at.exception
    # hand count per sex at the threshold: the group missing the largest share of its cases
    sex = data.X["Sex"].iloc[result.test_index].to_numpy()
    called = result.test_scores >= THRESHOLD
    counts = {}
    for group in np.unique(sex):
        m = (sex == group) & (result.y_test == 1)
        counts[str(group)] = (int(np.sum(~called[m])), int(m.sum()))
    worst = min(counts, key=lambda g: 1 - counts[g][0] / counts[g][1])
    missed, cases = counts[worst]
    overall = np.sum(called & (result.y_test == 1)) / np.sum(result.y_test == 1)
    text = _said(at, f"At {THRESHOLD:.4g}, the model misses")
    assert f"misses {missed} of {cases} patients with the disease in group {worst}" in text
    assert f"against {round(100 * overall)} % overall" in text
    table = next(d.value for d in at.dataframe if "sensitivity" in d.value.columns)
    beyond = next(d.value for d in at.dataframe if "ROC AUC" in d.value.columns)
    # two narrow tables (neither scrolls sideways at 1,400 px): the 2x2 rates, then the threshold-free columns
    assert "ROC AUC" not in table.columns and "sensitivity" not in beyond.columns
    assert list(beyond["group"]) == list(table["group"])
    cells = [str(v).lower() for v in (*table.to_numpy().ravel(), *beyond.to_numpy().ravel())]
    assert not [c for c in cells if "nan" in c], cells  # 3 cases in one group: no interval, said so
    assert _said(at, f"At {THRESHOLD:.4g}, sensitivity ")  # under the forest plot
    at.radio(key=decision_view.W_METRIC).set_value("npv").run()
    assert _said(at, f"At {THRESHOLD:.4g}, NPV ")
    # importance: its sentence names the feature with the largest drop
    next(b for b in at.button if b.key == "dec_importance_button").click().run()
    imp = next(iter(at.session_state[decision_view.K_IMPORTANCE].values()))
    top = imp.features[int(np.nanargmax(imp.mean))]
    assert _said(
        at, f"Shuffling {top} lowers PR AUC (average precision) the most: by {np.nanmax(imp.mean):.3f}"
    )
    # what-if: the recorded patient, and how many features can flip the call
    assert _said(at, "As recorded, the score is")
    assert _said(at, "features shown can move this patient across")
    assert _said(at, "Showing the 8 most important of")
    assert not any("nan" in t.lower().split() for t in _texts(at))


def test_the_what_if_reaches_a_feature_beyond_the_eighth(hcv_result) -> None:  # noqa: F811
    _, _, result, data = hcv_result
    at = _app(hcv_result).run()
    features = decision_view.ranked_features(data, None)
    assert len(features) > decision_view.WHATIF_FEATURES  # else the test would prove nothing
    last = next(f for f in reversed(features) if f in data.numeric_features)
    assert features.index(last) >= decision_view.WHATIF_FEATURES
    total = len(features)
    assert _said(at, f"Showing the first 8 of {total} features in the data's order")
    assert not [n for n in at.number_input if n.key == f"dec_whatif_0_{last}"]  # not shown at first
    at.multiselect(key=decision_view.W_MORE).set_value([last]).run()
    assert not at.exception
    new_value = float(data.X[last].quantile(0.99))
    at.number_input(key=f"dec_whatif_0_{last}").set_value(new_value).run()
    assert not at.exception
    row = data.X.iloc[[result.test_index[0]]].copy()
    row[last] = new_value
    want = float(result.pipeline.predict_proba(row)[0, 1])
    if result.calibrator:
        want = float(result.calibrator.transform(np.array([want]))[0])
    assert next(m for m in at.metric if m.label == "Score").value == f"{want:.3f}"
    before = float(result.test_scores[0])
    text = _said(at, f"With {last} from ")
    assert f"the score moves from {before:.3f} to {want:.3f}" in text
    call = "positive" if want >= THRESHOLD else "negative"
    assert (f"stays {call}" in text) == ((before >= THRESHOLD) == (want >= THRESHOLD))
    assert _said(at, "1 more chosen there")


def test_the_glossary_lists_every_term_and_searches() -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "glossary.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Glossary"]
    shown = " ".join(m.value.replace("\\", "") for m in at.markdown)
    for term in glossary.GLOSSARY.values():
        assert f"{term.name}**: {term.short}" in shown
    at.text_input(key="glossary_search").set_value("likelihood").run()
    names = [m.value.replace("\\", "").split("**")[1] for m in at.markdown]
    assert names == ["LR+", "LR-"], names
    at.text_input(key="glossary_search").set_value("no such word anywhere").run()
    assert any("No term matches" in i.value for i in at.info)


@pytest.mark.parametrize("name", ["Subgroup", "Permutation importance", "What-if"])
def test_the_page_terms_are_in_the_glossary(name: str) -> None:
    assert glossary.hover(name)


def test_a_multiclass_model_gets_a_sentence_not_the_panels() -> None:
    from imbalance_core.learn import training
    from tests.helpers_training import hcv_multiclass

    data = hcv_multiclass()
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    at = AppTest.from_file(PAGE, default_timeout=120)
    seat_model(at, result, data=data, settings=False)
    at.run()
    assert not at.exception
    assert any("one yes/no decision" in i.value for i in at.info)
    assert not at.multiselect and not at.metric
