"""AppTest of the Threshold page's two modes: the rule-out / rule-in switch, its payload, the committed rule
in session state and sidebar, the threshold-uncertainty band data, and the equivalent command (run through
the CLI, its zones must equal the page's)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core import cli
from imbalance_core.evaluation import rule_zones
from imbalance_core.evaluation import threshold_sentences as ts
from imbalance_core.evaluation import threshold_uncertainty as tu
from imbalance_core.learn import training
from pages import session_state
from tests.pages.seating import seat_model, train_on_bundled

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "threshold.py")


@pytest.fixture(scope="module")
def hcv_result():
    table, spec, _, result = train_on_bundled(
        training.TrainSettings(sampler="none", classifier="logreg", cv=3)
    )
    return table, spec, result


def _app(hcv_result) -> AppTest:
    table, spec, result = hcv_result
    at = AppTest.from_file(PAGE, default_timeout=60)
    return seat_model(at, result, table=table, spec=spec, source="bundled:hcv", settings=False)


def _data(at: AppTest) -> dict:
    elements = list(at.get("bidi_component"))
    assert len(elements) == 1
    return json.loads(elements[0].proto.bytes)


def test_single_mode_carries_the_uncertainty_band_of_every_suggestion(hcv_result):
    result = hcv_result[2]
    at = _app(hcv_result).run()
    assert not at.exception
    data = _data(at)
    assert data.get("mode") is None
    core = tu.threshold_uncertainty(
        result.y_train, result.oof_scores, result.y_test, result.test_scores,
        tu.default_requests(0.95, 10.0, 2.0), n_boot=tu.N_BOOT, seed=result.settings.seed,
    )  # fmt: skip
    stops = np.array(data["stops"]["threshold"])
    for u in core.picks:
        band = data["uncertainty"][u.key]
        assert (
            stops[band["lo_index"]]
            <= u.threshold_lo
            < (stops[band["lo_index"] + 1] if band["lo_index"] + 1 < stops.size else np.inf)
        )
        assert stops[band["hi_index"]] <= u.threshold_hi
        assert "not a confidence interval" in band["text"] and "Wilson 95 % CI" in band["text"]
    # The sentence lives under the slider only; the "Threshold uncertainty" tab compares every suggestion's
    # interval in a table (issue 26: the sentence was on the page twice).
    youden = core.get("youden").holdout["sensitivity"]
    assert f"sensitivity at this rule {youden[0]:.2f}" in data["uncertainty"]["youden"]["text"]
    text = " ".join(m.value.replace("\\", "") for m in [*at.markdown, *at.caption])
    assert "sensitivity at this rule" not in text  # once on the page: under the slider (the explorer)
    frame = next(d.value for d in at.dataframe if "Suggestion" in d.value.columns)
    assert list(frame["Suggestion"]) == [u.label for u in core.picks]
    y = core.get("youden")
    lo, hi = (ts.threshold_text(v) for v in (y.threshold_lo, y.threshold_hi))
    assert f"{lo} to {hi}" in list(frame["95 % interval"])


def test_mode_switch_mounts_two_handles_and_commits_the_rule(hcv_result):
    result = hcv_result[2]
    at = _app(hcv_result).run()
    at.radio(key="thr_mode").set_value("rule").run()
    assert not at.exception
    data = _data(at)
    assert data["mode"] == "rule" and data["committed_rule"] is None
    assert set(data["zones"]) == {"share_below", "share_at_or_above", "per1000_below", "per1000_false_alarms"}
    pick = rule_zones.pick_rule(result.y_train, result.oof_scores, 0.98, 0.5, float(np.mean(result.y_test)))
    # the suggested pair is the stops the zone table is read at (issue 23: table and text agree)
    rp, stop_values = data["rule_pick"], data["stops"]["threshold"]
    assert (rp["t_low"], rp["t_high"]) == (stop_values[rp["low_index"]], stop_values[rp["high_index"]])
    assert rp["t_low"] <= pick.t_low and rp["t_high"] <= pick.t_high
    assert rp["t_low"] == pytest.approx(pick.t_low, abs=1e-3) and rp["t_high"] == pytest.approx(
        pick.t_high, abs=1e-3
    )
    # Commit a rule as the component would; the zones shown server-side are the core's.
    stops = data["stops"]["threshold"]
    low, high = stops.index(0.1), stops.index(0.6)
    at = _app(hcv_result)
    at.session_state[session_state.K_THR_MODE] = ("", "rule")  # as kept_inputs.persist keeps it
    at.run()
    key = at.session_state[session_state.K_THRESHOLD_MODEL]
    at.session_state[session_state.K_RULE] = {
        "model": key,
        "low": stops[low],
        "high": stops[high],
        "origin": "test",
    }
    at.run()
    assert not at.exception
    z = rule_zones.rule_zones(result.y_test, result.test_scores, stops[low], stops[high])
    text = " ".join(m.value.replace("\\", "") for m in at.markdown)  # plain_text.plain escapes ':' etc.
    assert f"Rule out: {z.rule_out.n:,} patients" in text and f"{z.missed} missed" in text
    assert f"Rule in: {z.rule_in.n:,} patients" in text
    assert "--rule-out 0.1 --rule-in 0.6" in at.code[0].value
    # Back to one cut-off: one explorer again, the rule stays in session state.
    at.radio(key="thr_mode").set_value("single").run()
    assert _data(at).get("mode") is None
    assert at.session_state[session_state.K_RULE]["low"] == 0.1


def test_rule_command_reproduces_the_page_zones(hcv_result, capsys):
    result = hcv_result[2]
    at = _app(hcv_result)
    at.session_state[session_state.K_THR_MODE] = ("", "rule")  # as kept_inputs.persist keeps it
    at.run()
    stops = _data(at)["stops"]
    i, j = stops["threshold"].index(0.05), stops["threshold"].index(0.45)
    key = at.session_state[session_state.K_THRESHOLD_MODEL]
    at.session_state[session_state.K_RULE] = {
        "model": key,
        "low": stops["threshold"][i],
        "high": stops["threshold"][j],
        "origin": "t",
    }
    at.run()
    argv = shlex.split(at.code[0].value)
    capsys.readouterr()
    assert cli.main([*argv[3:], "--json"]) == 0
    rule = json.loads(capsys.readouterr().out)["rule"]
    z = rule["zones"]
    # The explorer's two lookups: rule-out = test-negative row at stop i, rule-in = test-positive row at j.
    assert (z["rule_out"]["n_pos"], z["rule_out"]["n_neg"]) == (stops["fn"][i], stops["tn"][i])
    assert (z["rule_in"]["n_pos"], z["rule_in"]["n_neg"]) == (stops["tp"][j], stops["fp"][j])
    assert z["indeterminate"]["n"] == len(result.y_test) - z["rule_out"]["n"] - z["rule_in"]["n"]
    assert z["rule_out"]["npv"]["value"] == pytest.approx(stops["npv"][i], rel=1e-5)
    assert z["rule_in"]["ppv_deploy"]["value"] == pytest.approx(stops["ppv_deploy"][j], rel=1e-5)


def test_uncertainty_is_computed_once_per_view_never_on_threshold_moves(hcv_result, monkeypatch):
    calls: list[int] = []
    original = tu.threshold_uncertainty

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(tu, "threshold_uncertainty", counting)
    at = _app(hcv_result).run()
    at.number_input(key="thr_prevalence_1").set_value(3.21).run()  # a new view: computed once
    assert not at.exception
    after_view = len(calls)
    assert after_view >= 1
    stops = _data(at)["stops"]["threshold"]
    for t in (stops[100], stops[400], stops[900]):  # commits, as the explorer's release sends them
        at.session_state[session_state.K_THRESHOLD] = t
        at.run()
    at.radio(key="thr_mode").set_value("rule").run()  # the other mode reads the same cached payload
    assert not at.exception
    assert len(calls) == after_view
