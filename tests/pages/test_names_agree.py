"""Issue 23 defect 5, names and numbers that agree: a pressed picker keeps its own name when two pickers
tie; the suggested rule is labelled as such and its text uses the zone table's own cut-offs; one
formatter prints every percentage (4.8 % vs 4.9 % before)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation import rule_zones
from imbalance_core.evaluation.formatting import percent, share_text
from imbalance_core.learn import training
from imbalance_core.share.report import fmt_pct
from pages import session_state
from tests.pages.seating import seat_model, train_on_bundled

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "threshold.py")

#: Two suggestions on one stop (Lowest cost listed first, as the page lists them).
TIED = [
    {"key": "cost", "label": "Lowest cost", "reason": "cost 10:1", "stop": 0.31, "threshold": 0.3101},
    {"key": "fbeta", "label": "Best F2", "reason": "F2 0.71", "stop": 0.31, "threshold": 0.3102},
    {"key": "youden", "label": "Best balance (Youden J)", "reason": "J 0.6", "stop": 0.42, "threshold": 0.42},
]


def test_pressed_picker_keeps_its_name_when_values_tie():
    from pages.threshold import commit_origin, pick_reason

    assert commit_origin(TIED, 0.31, "fbeta") == "suggestion on the Threshold page: Best F2"
    assert commit_origin(TIED, 0.31, "cost") == "suggestion on the Threshold page: Lowest cost"
    assert pick_reason(TIED, 0.31, "fbeta") == "Best F2: F2 0.71"
    # no button pressed (a drag onto the stop): the first suggestion there, as before; off any: by hand
    assert commit_origin(TIED, 0.31) == "suggestion on the Threshold page: Lowest cost"
    assert commit_origin(TIED, 0.5, "fbeta") == "chosen by hand on the Threshold page"


def test_explorer_sends_the_pressed_pickers_key_with_the_threshold():
    js = (Path(PAGE).parent / "widgets" / "threshold_explorer.js").read_text()
    assert 'setStateValue("pick", pick)' in js and "inst.pressedPick = p.key" in js
    assert "commit(inst, false)" in js  # a drag clears the pressed picker
    assert "te-hist-line-low" in js  # rule mode draws both cut-offs on the histogram
    assert '"— (empty zone)"' in js and "PPV ${fmtP(s.ppv[j])}" not in js  # an empty zone says why


@pytest.fixture(scope="module")
def hcv_result():
    table, spec, _, result = train_on_bundled(
        training.TrainSettings(sampler="none", classifier="logreg", cv=3)
    )
    return table, spec, result


def test_suggested_rule_is_labelled_and_its_text_uses_the_tables_cut_offs(hcv_result):
    table, spec, result = hcv_result
    at = AppTest.from_file(PAGE, default_timeout=60)
    seat_model(
        at,
        result,
        table=table,
        spec=spec,
        source="bundled:hcv",
        settings=False,
        extra={session_state.K_THR_MODE: ("", "rule")},
    )
    at.run()
    assert not at.exception, at.exception
    headings = [h.value for h in at.subheader]
    assert "The suggested rule (not committed)" in headings and "The committed rule" not in headings
    data = json.loads(next(iter(at.get("bidi_component"))).proto.bytes)
    rp, stops = data["rule_pick"], data["stops"]
    i, j = rp["low_index"], rp["high_index"]
    # the zone table (JS) reads the stop columns at i and j; the text must give the same counts
    out_n = stops["fn"][i] + stops["tn"][i]
    in_n = stops["tp"][j] + stops["fp"][j]
    y, s = result.y_test, result.test_scores
    assert out_n == int((s < rp["t_low"]).sum()) and in_n == int((s >= rp["t_high"]).sum())
    text = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert f"Rule out: {out_n:,} patients" in text and f"Rule in: {in_n:,} patients" in text
    assert f"{rp['t_low']:.4g}" in text and f"{rp['t_high']:.4g}" in text
    zones = rule_zones.rule_zones(y, s, rp["t_low"], rp["t_high"], data["prevalence"])
    assert data["prevalence_text"] == percent(data["prevalence"])
    assert f"At {percent(zones.prevalence)} prevalence" in " ".join(zones.sentences())


@pytest.mark.parametrize("share", [0.04875, 62 / 1280, 0.0485, 0.125, 0.0049, 1 / 3, 0.0, 1.0])
def test_one_percentage_formatter(share):
    digits = 2 if share < 0.01 else 1
    exact = (Decimal(share) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert percent(share) == f"{exact} %"
    if digits == 1:
        assert fmt_pct(share) == percent(share)  # the report's formatter is the same one
    if 0 < share < 1:
        y, s = np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8])
        zones = rule_zones.rule_zones(y, s, 0.3, 0.7, share)
        assert f"At {percent(share)} prevalence" in zones.sentences()[-1]


def test_share_text_says_why_instead_of_nan() -> None:
    assert share_text(0.04875) == "4.9 %" and share_text(float("nan")) == "not estimable"
    assert share_text(None, missing="not known") == "not known" and share_text(True) == "not estimable"
