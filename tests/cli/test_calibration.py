"""evaluate --recalibrate ... --json: every calibration metric with its interval, checked against scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.metrics import brier_score_loss

from imbalance_core.cli import main
from imbalance_core.cli.command_lines import training_args
from imbalance_core.evaluation.calibration import METRIC_KEYS
from imbalance_core.learn.training import TrainSettings
from tests.conftest import SAMPLE_DATA

PIMA = str(SAMPLE_DATA / "pima_diabetes.csv")
TASK = ["--label", "Outcome", "--positive", "1", "--sampler", "smote", "--classifier", "logreg", "--cv", "3"]


def _run(capsys, *extra: str) -> dict:
    status = main(["evaluate", PIMA, *TASK, "--json", "--calibration-boot", "30", *extra])
    out = capsys.readouterr().out
    assert status == 0
    return json.loads(out)


def test_json_reports_every_calibration_metric_with_interval_matching_the_scores(capsys, tmp_path: Path):
    scores_path = tmp_path / "s.csv"
    payload = _run(capsys, "--recalibrate", "platt", "--scores-out", str(scores_path))
    cal = payload["calibration"]
    assert cal["recalibrate"] == "platt" and "logit(risk)" in cal["calibrator"]
    for block in ("holdout", "oof", "raw_holdout", "raw_oof"):
        for key in METRIC_KEYS:
            est = cal[block][key]
            assert set(est) == {"value", "low", "high", "method"}
            assert est["low"] <= est["value"] <= est["high"] or est["method"].startswith("bootstrap")
        assert cal[block]["n_boot"] == 30
    frame = pd.read_csv(scores_path)
    y, s = frame["y_true"].to_numpy(), frame["score"].to_numpy()
    assert cal["holdout"]["brier"]["value"] == pytest.approx(brier_score_loss(y, s), abs=1e-12)
    lp = np.log(s / (1 - s))
    glm = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit(tol=1e-14)
    assert cal["holdout"]["slope"]["value"] == pytest.approx(glm.params[1], abs=1e-8)
    assert payload["resampling_effect"] is None


def test_without_recalibration_raw_blocks_are_null_and_baseline_comparison_works(capsys):
    payload = _run(capsys, "--compare-baseline")
    assert payload["calibration"]["raw_holdout"] is None and payload["calibration"]["recalibrate"] == "none"
    effect = payload["resampling_effect"]
    assert effect["baseline"]["label"].startswith("same classifier")
    assert effect["auc_diff"]["low"] <= effect["auc_diff"]["value"] <= effect["auc_diff"]["high"]
    assert "discrimination" in effect["sentence"]


def test_bad_recalibration_and_too_few_resamples_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", PIMA, *TASK, "--recalibrate", "magic"])
    assert exc.value.code == 2
    assert main(["evaluate", PIMA, *TASK, "--calibration-boot", "5"]) == 2
    assert "from 20 to 20,000" in capsys.readouterr().err


def test_equivalent_command_carries_recalibrate():
    assert training_args(TrainSettings(recalibrate="isotonic"))[-2:] == ["--recalibrate", "isotonic"]
    assert "--recalibrate" not in training_args(TrainSettings())
