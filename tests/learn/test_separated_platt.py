"""Issue 25 (2): Platt on scores that separate the classes completes training, and says why it is penalised.

Without recalibration the same file used to print "slope nan (nan to nan)": now every line has a number
or words. The data are made here: one marker separates the classes perfectly (as the kidney-disease file
does for logistic regression).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.cli import main
from imbalance_core.intake import read, task
from imbalance_core.learn import training
from imbalance_core.learn.calibration_summary import calibration_summary, format_summary


def _separated_frame(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.25).astype(int)
    return pd.DataFrame({"marker": y * 5 + rng.random(n), "noise": rng.normal(size=n), "outcome": y})


@pytest.fixture(scope="module")
def separated_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sep") / "separated.csv"
    _separated_frame().to_csv(path, index=False)
    return path


def _prepared(path: Path) -> task.PreparedData:
    table = read.read_table(path)
    return task.prepare(table, task.TaskSpec(label="outcome", positive=("1",)))


def test_platt_on_separated_scores_completes_training_and_states_the_penalty(separated_csv: Path):
    data = _prepared(separated_csv)
    r = training.train(data, training.TrainSettings(classifier="logreg", recalibrate="platt", cv=3))
    assert r.calibrator is not None and np.isfinite([r.calibrator.a, r.calibrator.b]).all()
    assert "Firth" in r.calibrator.describe() and "separate the classes" in r.calibrator.describe()
    assert any("Firth" in note for note in r.notices)
    text = format_summary(calibration_summary(r, n_boot=20))
    assert "nan" not in text.lower()


def test_cli_platt_on_separated_scores_exits_0_with_the_reason_and_no_nan(separated_csv: Path, capsys):
    args = ["evaluate", str(separated_csv), "--label", "outcome", "--positive", "1", "--sampler", "none",
            "--classifier", "logreg", "--cv", "3", "--calibration-boot", "20"]  # fmt: skip
    assert main([*args, "--recalibrate", "platt"]) == 0
    out = capsys.readouterr()
    assert "separate the classes" in out.out and "Firth" in out.out and "nan" not in out.out.lower()
    assert main(args) == 0  # without recalibration: numbers or words, never nan
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and "Calibration slope" in out


def test_a_missing_intercept_does_not_silently_block_the_decision_curve():
    import dataclasses
    from types import SimpleNamespace

    from imbalance_core.evaluation.calibration import Estimate, calibration_metrics
    from imbalance_core.learn.calibration_summary import risk_honesty

    rng = np.random.default_rng(2)
    lp = -1.5 + rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-lp))).astype(int)
    good = calibration_metrics(y, 1 / (1 + np.exp(-lp)), n_boot=20)
    nan = float("nan")
    missing = dataclasses.replace(good, intercept=Estimate(nan, nan, nan, "not estimable: for the test"))
    result = SimpleNamespace(settings=SimpleNamespace(sampler="none", weighting="none"), calibrator=None)
    ok, why = risk_honesty(result, missing)
    assert ok and "Calibration intercept (in the large) could not be judged" in why and "nan" not in why
