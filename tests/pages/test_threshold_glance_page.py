"""AppTest of the Threshold page's layout for issue 26: the decision at a glance.

The settings that change the suggestions sit in one popover (not above the slider); curves, calibration,
decision curve, threshold uncertainty and the command sit in tabs below the explorer, each figure with
its sentence; every technical term has hover help from the glossary; the explorer's payload carries the
likelihood-ratio intervals, the glossary lines and the default pre-test probability; the subgroup /
importance / what-if section is gone from this page.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation import glossary
from imbalance_core.evaluation.likelihood_ratios import likelihood_ratios
from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from tests.pages.seating import seat_model

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "threshold.py")
SETTINGS = ("thr_prevalence_1", "thr_cost", "thr_target", "thr_beta")


@pytest.fixture(scope="module")
def app() -> AppTest:
    table = bundled.load_bundled("hcv")
    spec = bundled.BUNDLED["hcv"].default_spec
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=3))
    at = AppTest.from_file(PAGE, default_timeout=90)
    seat_model(at, result, table=table, spec=spec, source="bundled:hcv", settings=False)
    at.run()
    assert not at.exception
    return at


def _payload(at: AppTest) -> dict:
    (element,) = list(at.get("bidi_component"))
    return json.loads(element.proto.bytes)


def _main_children(at: AppTest) -> list:
    return list(at.main.children.values())


def test_settings_sit_in_one_popover_above_nothing_else(app):
    popovers = list(app.get("popover"))
    assert len(popovers) == 1 and popovers[0].proto.popover.label == "Suggestion settings"
    inside = {w.key for w in popovers[0].number_input}
    assert set(SETTINGS) <= inside
    # nothing but the title row (title, mode, the popover) comes before the explorer
    types = [getattr(c, "type", "") for c in _main_children(app)]
    assert types.index("bidi_component") == 1, types
    assert types[0] == "flex_container"
    assert types[2:4] == ["markdown", "tab_container"]  # the threshold line, then the tabs


def test_tabs_below_with_a_sentence_under_each_figure(app):
    tabs = list(app.tabs)
    assert [t.label for t in tabs] == [
        "Calibration",
        "Decision curve",
        "Threshold uncertainty",
        "Equivalent command",
    ]
    for tab in tabs[:2]:
        children = list(tab.children.values())
        charts = [i for i, c in enumerate(children) if getattr(c, "type", "") == "plotly_chart"]
        assert charts, tab.label
        for i in charts:
            nxt = children[i + 1]
            assert nxt.type == "caption" or "caption" in str(nxt.proto)[:200], (tab.label, nxt)
            assert len(nxt.value) > 40 and "nan" not in nxt.value.lower()


def test_calibration_tables_are_narrow_with_hover_help(app):
    frames = [d for d in app.tabs[0].dataframe]
    assert len(frames) == 2
    for d in frames:
        assert d.value.shape[1] == 5  # risk set + four metrics: no sideways scrolling
    columns = [c for d in frames for c in d.value.columns if c != "Risks"]
    assert columns == ["Intercept", "Slope", "E:O", "ICI", "E90", "Emax", "Brier", "Scaled Brier"]
    helps = {}
    for d in frames:
        for name, config in json.loads(d.proto.columns).items():
            helps[name] = config.get("help", "")
    for column, term in (("E:O", "E:O"), ("ICI", "ICI"), ("E90", "E90"), ("Emax", "Emax"),
                         ("Brier", "Brier score"), ("Scaled Brier", "Scaled Brier"),
                         ("Slope", "Calibration slope"), ("Intercept", "Calibration intercept")):  # fmt: skip
        assert helps[column].startswith(glossary.hover(term)), column


def test_uncertainty_appears_once_and_the_analyst_expander_holds_formulas(app):
    payload = _payload(app)
    texts = [m.value for m in [*app.markdown, *app.caption]]
    assert not any("sensitivity at this rule" in t for t in texts)  # only under the slider
    assert "sensitivity at this rule" in payload["uncertainty"]["youden"]["text"]
    labels = [e.label for e in app.expander]
    assert any(label.startswith("For the analyst") for label in labels)
    main_texts = [m.value for m in app.main.markdown]
    assert not any("expit(" in t for t in main_texts)


def test_payload_carries_lr_intervals_help_and_pretest(app):
    payload = _payload(app)
    stops = payload["stops"]
    assert math.isclose(payload["pretest_default"], payload["prevalence"])
    for term in ("LR+", "LR-", "PPV", "NPV", "MCC", "Youden", "Pre-test probability"):
        assert payload["help"][term] == glossary.hover(term)
    assert "Area under the ROC curve" in payload["sentences"]["roc"]
    i = payload["initial_index"]
    lr = likelihood_ratios(stops["tp"][i], stops["fp"][i], stops["tn"][i], stops["fn"][i])
    assert stops["lr_pos_lo"][i] == pytest.approx(lr.positive.lo, rel=1e-5)
    assert stops["lr_neg_hi"][i] == pytest.approx(lr.negative.hi, rel=1e-5)


def test_subgroups_importance_and_what_if_are_not_on_this_page(app):
    text = " ".join(str(e.value) for e in [*app.markdown, *app.caption, *app.subheader])
    for gone in ("Subgroup", "What-if", "what-if", "Permutation importance"):
        assert gone not in text


def test_a_setting_in_the_popover_still_moves_the_suggestions(app):
    before = {p["key"]: p["threshold"] for p in _payload(app)["picks"]}
    app.number_input(key="thr_target").set_value(0.6).run()
    after = {p["key"]: p["threshold"] for p in _payload(app)["picks"]}
    assert after["sensitivity"] != before["sensitivity"]  # the screening suggestion moved
    assert after["youden"] == before["youden"]  # Youden does not depend on the target
