"""The LR / post-test bundle that evaluate --json, the terminal and the report print."""

from __future__ import annotations

import json
import math

import pytest

from imbalance_core.evaluation.post_test_summary import fagan_rows, lr_text, ratio_text, summarise


def test_json_numbers_equal_bayes_in_odds_form_at_the_pretest():
    s = summarise(tp=48, fp=120, tn=1096, fn=14, pretest=0.1, source="--pretest")
    out = s.to_json()
    sens, spec = 48 / 62, 1096 / 1216
    lr_pos = sens / (1 - spec)
    odds = 0.1 / 0.9 * lr_pos
    assert out["lr_pos"]["value"] == pytest.approx(lr_pos)
    assert out["post_test_positive"]["value"] == pytest.approx(odds / (1 + odds))
    se = math.sqrt(1 / 48 - 1 / 62 + 1 / 120 - 1 / 1216)
    lo_odds = 0.1 / 0.9 * lr_pos * math.exp(-1.959963984540054 * se)
    assert out["post_test_positive"]["lo"] == pytest.approx(lo_odds / (1 + lo_odds))
    assert out["pretest"] == 0.1 and out["pretest_source"] == "--pretest"
    assert "raises it to" in out["sentence"] and "nan" not in json.dumps(out).lower()


def test_a_zero_count_is_corrected_and_said():
    out = summarise(tp=10, fp=0, tn=50, fn=2, pretest=0.2, source="x").to_json()
    assert "0.5 added to every cell" in out["lr_pos"]["note"]
    # Haldane: (10.5/13) / (0.5/51)
    assert out["lr_pos"]["value"] == pytest.approx((10.5 / 13) / (0.5 / 51))
    assert "0.5 added" in out["sentence"]


def test_nobody_flagged_gives_a_reason_and_nulls_never_nan():
    s = summarise(tp=0, fp=0, tn=50, fn=12, pretest=0.1, source="x")
    out = s.to_json()
    assert out["lr_pos"]["value"] is None and "nobody is flagged" in out["lr_pos"]["reason"]
    assert out["post_test_positive"] == {
        "value": None, "lo": None, "hi": None, "reason": out["lr_pos"]["reason"]
    }  # fmt: skip
    text = json.dumps(out) + s.line() + " ".join(" ".join(r) for r in fagan_rows(s))
    assert "nan" not in text.lower() and "not estimable" in text.lower()


def test_fagan_rows_include_the_report_pretest_in_order():
    s = summarise(tp=48, fp=120, tn=1096, fn=14, pretest=0.07, source="x")
    rows = fagan_rows(s)
    labels = [r[0] for r in rows]
    assert labels == ["1.0 %", "5.0 %", "7.0 % (this report)", "10.0 %", "25.0 %", "50.0 %"]
    # a positive result raises and a negative result lowers every pre-test probability
    for label, pos, neg in rows:
        p = float(label.split("%")[0])
        assert float(pos.split("%")[0]) > p > float(neg.split("%")[0])


def test_texts():
    assert ratio_text(7.8512) == "7.85" and ratio_text(None) == "n/a" and ratio_text(float("nan")) == "n/a"
    s = summarise(tp=48, fp=120, tn=1096, fn=14, pretest=0.1, source="x")
    assert lr_text(s.ratios.positive) == "LR+ 7.85 (95 % CI 6.32 to 9.74)"
