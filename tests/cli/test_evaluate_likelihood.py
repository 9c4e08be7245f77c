"""``evaluate --json --pretest P``: LR+ / LR- with log-method intervals and post-test probabilities at the
model's threshold, checked against a hand computation on the written hold-out predictions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix

from tests.cli.hcv_evaluate import run_evaluate

Z = 1.959963984540054


def _by_hand(tp: int, fp: int, tn: int, fn: int, pretest: float) -> dict[str, float]:
    """LR+/LR- (Simel log method) and post-test probabilities, written out independently."""
    sens, spec = tp / (tp + fn), tn / (tn + fp)
    lr_pos, lr_neg = sens / (1 - spec), (1 - sens) / spec
    se_pos = math.sqrt(1 / tp - 1 / (tp + fn) + 1 / fp - 1 / (fp + tn))
    se_neg = math.sqrt(1 / fn - 1 / (tp + fn) + 1 / tn - 1 / (fp + tn))
    odds = pretest / (1 - pretest)

    def prob(ratio: float) -> float:
        return odds * ratio / (1 + odds * ratio)

    return {
        "lr_pos": lr_pos, "lr_pos_lo": lr_pos * math.exp(-Z * se_pos),
        "lr_pos_hi": lr_pos * math.exp(Z * se_pos),
        "lr_neg": lr_neg, "lr_neg_lo": lr_neg * math.exp(-Z * se_neg),
        "lr_neg_hi": lr_neg * math.exp(Z * se_neg),
        "post_pos": prob(lr_pos), "post_pos_lo": prob(lr_pos * math.exp(-Z * se_pos)),
        "post_pos_hi": prob(lr_pos * math.exp(Z * se_pos)),
        "post_neg": prob(lr_neg), "post_neg_lo": prob(lr_neg * math.exp(-Z * se_neg)),
        "post_neg_hi": prob(lr_neg * math.exp(Z * se_neg)),
    }  # fmt: skip


def test_evaluate_json_pretest_gives_lrs_and_post_test_probabilities(capsys, tmp_path: Path):
    scores = tmp_path / "scores.csv"
    code, out, err = run_evaluate(capsys, "--json", "--pretest", "0.1", "--scores-out", str(scores))
    assert code == 0, err
    payload = json.loads(out)
    block = payload["likelihood_ratios"]
    frame = pd.read_csv(scores)
    pred = (frame["score"].to_numpy() >= payload["threshold"]).astype(int)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(frame["y_true"], pred, labels=[0, 1]).ravel())
    assert min(tp, fp, tn, fn) > 0  # the plain log method applies (no continuity correction)
    assert block["counts"] == {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    hand = _by_hand(tp, fp, tn, fn, 0.1)
    assert block["pretest"] == 0.1 and block["pretest_source"] == "--pretest"
    for key, name in (("lr_pos", "lr_pos"), ("lr_neg", "lr_neg")):
        got = block[key]
        assert (got["value"], got["lo"], got["hi"]) == pytest.approx(
            (hand[name], hand[f"{name}_lo"], hand[f"{name}_hi"]), rel=1e-12
        )
        assert got["note"] == "" and got["reason"] == ""
    for key, name in (("post_test_positive", "post_pos"), ("post_test_negative", "post_neg")):
        got = block[key]
        assert (got["value"], got["lo"], got["hi"]) == pytest.approx(
            (hand[name], hand[f"{name}_lo"], hand[f"{name}_hi"]), rel=1e-12
        )
    assert "nan" not in out.lower()


def test_pretest_defaults_to_the_deployment_then_the_holdout_prevalence(capsys):
    code, out, _ = run_evaluate(capsys, "--json", "--prevalence", "0.03")
    assert code == 0
    block = json.loads(out)["likelihood_ratios"]
    assert block["pretest"] == 0.03 and "deployment prevalence" in block["pretest_source"]
    code, out, _ = run_evaluate(capsys, "--json")
    payload = json.loads(out)
    assert payload["likelihood_ratios"]["pretest"] == pytest.approx(payload["prevalence"])
    assert "hold-out" in payload["likelihood_ratios"]["pretest_source"]


def test_text_output_has_one_likelihood_line(capsys):
    code, out, _ = run_evaluate(capsys, "--pretest", "0.1")
    assert code == 0
    lines = [line for line in out.splitlines() if "likelihood ratios: LR+" in line]
    assert len(lines) == 1
    assert "chance of disease is 10.0 % before the test" in lines[0] and "nan" not in lines[0]


@pytest.mark.parametrize("bad", ["0", "1", "1.5", "nan", "ten"])
def test_a_bad_pretest_is_exit_2_with_one_sentence(capsys, bad):
    code, _, err = run_evaluate(capsys, "--pretest", bad)
    assert code == 2
    assert "--pretest" in err and "Traceback" not in err
