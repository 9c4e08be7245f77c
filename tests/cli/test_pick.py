"""CLI ``evaluate --pick ... --prevalence P``: the picker runs on out-of-fold training scores, the hold-out
figures are taken at its threshold, and PPV/NPV are re-weighted to the deployment prevalence."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from imbalance_core.cli import main
from imbalance_core.evaluation import thresholds
from tests.cli.hcv_evaluate import HCV, run_evaluate, train_like_the_cli

_run = run_evaluate


@pytest.fixture(scope="module")
def oof():
    """The same training run in-process: its out-of-fold scores are what the picker must use."""
    return train_like_the_cli()


@pytest.mark.parametrize("pick", ["youden", "sensitivity:0.9", "cost:20", "fbeta:2"])
def test_pick_uses_oof_scores_and_test_block_follows_its_threshold(capsys, tmp_path: Path, oof, pick):
    scores_path = tmp_path / "scores.csv"
    code, out, _ = _run(
        capsys, "--pick", pick, "--prevalence", "0.03", "--json", "--scores-out", str(scores_path)
    )
    assert code == 0
    payload = json.loads(out)
    expected = thresholds.run_pick(thresholds.parse_pick(pick), oof.y_train, oof.oof_scores, 0.03)
    assert payload["pick"] == {
        "key": expected.key, "threshold": expected.threshold, "reason": expected.reason
    }  # fmt: skip
    test = payload["test"]
    assert test["threshold"] == expected.threshold
    scores = pd.read_csv(scores_path)
    y, s = scores["y_true"].to_numpy(), scores["score"].to_numpy()
    pred = (s >= expected.threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    assert (test["tp"], test["fp"], test["tn"], test["fn"]) == (tp, fp, tn, fn)
    sens, spec = recall_score(y, pred), recall_score(y, pred, pos_label=0)
    p = 0.03
    assert payload["prevalence"] == p
    ppv = sens * p / (sens * p + (1 - spec) * (1 - p))
    npv = spec * (1 - p) / (spec * (1 - p) + (1 - sens) * p)
    assert test["ppv_at_prevalence"] == pytest.approx(ppv, abs=1e-12)
    assert test["npv_at_prevalence"] == pytest.approx(npv, abs=1e-12)


def test_without_pick_the_prevalence_is_the_holdout_one(capsys, tmp_path: Path):
    scores_path = tmp_path / "scores.csv"
    code, out, _ = _run(capsys, "--threshold", "0.4", "--json", "--scores-out", str(scores_path))
    assert code == 0
    payload = json.loads(out)
    y = pd.read_csv(scores_path)["y_true"].to_numpy()
    s = pd.read_csv(scores_path)["score"].to_numpy()
    assert payload["pick"] is None
    assert payload["prevalence"] == pytest.approx(y.mean(), abs=1e-12)
    pred = (s >= 0.4).astype(int)
    test = payload["test"]
    assert test["ppv_at_prevalence"] == pytest.approx(precision_score(y, pred), abs=1e-12)
    assert test["npv_at_prevalence"] == pytest.approx(precision_score(y, pred, pos_label=0), abs=1e-12)


def test_text_output_shows_the_reason_and_deployment_figures(capsys):
    code, out, _ = _run(capsys, "--pick", "youden", "--prevalence", "0.05")
    assert code == 0
    assert "threshold chosen by youden: Highest Youden J" in out
    assert "at a prevalence of 5.0 %: PPV" in out  # formatting.percent, as on the pages


@pytest.mark.parametrize(
    "extra",
    [["--pick", "best"], ["--pick", "sensitivity:abc"], ["--pick", "youden", "--prevalence", "1.5"],
     ["--prevalence", "0"]],
)  # fmt: skip
def test_bad_pick_or_prevalence_is_exit_2_with_one_sentence(capsys, extra):
    code, out, err = _run(capsys, *extra)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_pick_needs_a_binary_task(capsys):
    code = main(["evaluate", HCV, "--label", "Category", "--multiclass", "--ignore", "0s=suspect Blood Donor",
                 "--sampler", "none", "--classifier", "logreg", "--cv", "2", "--pick", "youden"])  # fmt: skip
    assert code == 2 and "two-class" in capsys.readouterr().err


def test_help_lists_pick_and_prevalence(capsys):
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    text = capsys.readouterr().out
    assert "--pick" in text and "--prevalence" in text and "sensitivity:0.95" in text
