"""CLI ``evaluate --rule-out T1 --rule-in T2`` and ``--pick ... --pick-boot N``: the JSON against the core run
in-process on the same training result, and a hand count on the hold-out."""

from __future__ import annotations

import json

import numpy as np
import pytest

from imbalance_core.cli import main
from imbalance_core.evaluation import threshold_uncertainty as tu
from imbalance_core.evaluation import thresholds
from tests.cli.hcv_evaluate import HCV, MODEL, TASK, run_evaluate, train_like_the_cli

_run = run_evaluate


@pytest.fixture(scope="module")
def result():
    return train_like_the_cli()


def test_rule_zones_in_json_equal_a_hand_count_on_the_hold_out(capsys, result):
    code, out, err = _run(capsys, "--rule-out", "0.05", "--rule-in", "0.6", "--prevalence", "0.1", "--json")
    assert code == 0, err
    rule = json.loads(out)["rule"]
    y = np.asarray(result.y_test).astype(bool)
    s = np.asarray(result.test_scores)
    assert rule["rule_out_below"] == 0.05 and rule["rule_in_at_or_above"] == 0.6
    z = rule["zones"]
    assert (z["rule_out"]["n_pos"], z["rule_out"]["n_neg"]) == (
        (y & (s < 0.05)).sum(),
        (~y & (s < 0.05)).sum(),
    )
    assert (z["rule_in"]["n_pos"], z["rule_in"]["n_neg"]) == ((y & (s >= 0.6)).sum(), (~y & (s >= 0.6)).sum())
    assert z["rule_out"]["missed"] == (y & (s < 0.05)).sum()
    assert z["indeterminate"]["n"] == ((s >= 0.05) & (s < 0.6)).sum()
    assert z["rule_out"]["npv"]["value"] == pytest.approx(
        (~y & (s < 0.05)).sum() / (s < 0.05).sum(), rel=1e-5
    )
    assert rule["prevalence"] == 0.1


def test_rule_text_output(capsys):
    code, out, _ = _run(capsys, "--rule-out", "0.1", "--rule-in", "0.1")
    assert code == 0
    assert "rule: below 0.1 rule out" in out and "indeterminate 0 patients" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--rule-out", "0.7", "--rule-in", "0.2"], "--rule-out (0.7) must not be above --rule-in (0.2)"),
        (["--rule-out", "0.2"], "--rule-out and --rule-in go together"),
        (["--rule-out", "nan", "--rule-in", "0.5"], "argument --rule-out"),
        (["--rule-out", "0.1", "--rule-in", "1.5"], "argument --rule-in"),
    ],
)
def test_bad_rules_exit_2_naming_the_argument(capsys, args, needle):
    code, _out, err = _run(capsys, *args)
    assert code == 2
    assert needle in err and "Traceback" not in err


def test_pick_json_carries_the_bootstrap_of_the_picker(capsys, result):
    code, out, err = _run(capsys, "--pick", "sensitivity:0.9", "--pick-boot", "50", "--json")
    assert code == 0, err
    block = json.loads(out)["threshold_uncertainty"]
    assert block["n_boot"] == 50 and block["seed"] == 0 and list(block["picks"]) == ["sensitivity"]
    core = tu.threshold_uncertainty(
        result.y_train, result.oof_scores, result.y_test, result.test_scores,
        [thresholds.PickRequest("sensitivity", 0.9)], n_boot=50, seed=0,
    ).to_json()  # fmt: skip
    assert block == json.loads(json.dumps(core))
    p = block["picks"]["sensitivity"]
    assert p["threshold_lo"] <= p["threshold"] <= p["threshold_hi"]
    code, out, _ = _run(capsys, "--pick", "youden", "--pick-boot", "20")
    assert "range the resampled picks deliver" in out and "Wilson 95 % CI" in out
    code, out, _ = _run(capsys, "--pick", "youden", "--pick-boot", "0", "--json")
    assert "threshold_uncertainty" not in json.loads(out)


def test_report_command_states_the_rule(capsys, tmp_path):
    import subprocess

    out = tmp_path / "r.pdf"
    code = main(["report", HCV, *TASK, *MODEL, "--no-pca", "--rule-out", "0.05", "--rule-in", "0.6",
                 "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Rule-out / rule-in zones on the hold-out set" in text
    assert "score below 0.05 rules out" in text
    assert (
        main(["report", HCV, *TASK, *MODEL, "--rule-out", "0.7", "--rule-in", "0.1", "--out", str(out)]) == 2
    )
    assert "--rule-out (0.7) must not be above --rule-in (0.1)" in capsys.readouterr().err
