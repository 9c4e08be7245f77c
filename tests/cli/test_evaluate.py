"""CLI ``evaluate``: JSON metrics equal scikit-learn's on the written hold-out scores; plain errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from imbalance_core.cli import build_parser, main
from imbalance_core.cli.options import parse_ratio
from tests.cli.hcv_evaluate import HCV
from tests.cli.hcv_evaluate import TASK as HCV_TASK
from tests.conftest import ROOT


def _evaluate(capsys, *extra: str) -> dict:
    status = main(["evaluate", HCV, *HCV_TASK, "--cv", "3", "--json", *extra])
    out = capsys.readouterr().out
    assert status == 0
    return json.loads(out)


@pytest.mark.parametrize("threshold", ["0.5", "0.3"])
def test_json_metrics_equal_scikit_learn_on_scores_out(capsys, tmp_path: Path, threshold: str):
    scores_path = tmp_path / "scores.csv"
    payload = _evaluate(
        capsys,
        "--sampler",
        "smote",
        "--classifier",
        "logreg",
        "--ratio",
        "1:2",
        "--threshold",
        threshold,
        "--scores-out",
        str(scores_path),
    )
    scores = pd.read_csv(scores_path)
    assert list(scores.columns)[1:] == ["y_true", "score", "model_id"]  # [0]: the join key (issue 24)
    y, s = scores["y_true"].to_numpy(), scores["score"].to_numpy()
    t = float(threshold)
    pred = (s >= t).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    test = payload["test"]
    assert (test["tp"], test["fp"], test["tn"], test["fn"]) == (tp, fp, tn, fn)
    assert test["n"] == len(y) and test["n_positive"] == int(y.sum()) and test["threshold"] == t
    expected = {
        "sensitivity": recall_score(y, pred),
        "specificity": recall_score(y, pred, pos_label=0),
        "ppv": precision_score(y, pred),
        "npv": precision_score(y, pred, pos_label=0),
        "f1": f1_score(y, pred),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "accuracy": accuracy_score(y, pred),
        "roc_auc": roc_auc_score(y, s),
        "pr_auc": average_precision_score(y, s),
    }
    for key, value in expected.items():
        assert test[key] == pytest.approx(value, abs=1e-9), key
    # 608 rows kept (7 suspect donors ignored), 25 % held out, stratified
    assert test["n"] == 152 and test["n_positive"] == 19


def test_json_shape_cv_and_counts(capsys):
    payload = _evaluate(capsys, "--sampler", "random_under", "--classifier", "logreg", "--ratio", "1:3")
    assert set(payload["cv"]) >= {
        "roc_auc",
        "pr_auc",
        "balanced_accuracy",
        "sensitivity",
        "specificity",
        "f1",
        "accuracy",
        "folds",
    }
    folds = payload["cv"]["folds"]
    assert len(folds) == 3
    aucs = [f["roc_auc"] for f in folds]
    assert payload["cv"]["roc_auc"]["mean"] == pytest.approx(np.mean(aucs))
    assert payload["cv"]["roc_auc"]["sd"] == pytest.approx(np.std(aucs, ddof=1))
    neg, pos = payload["data"]["class_names"]
    assert payload["train_counts"] == {neg: 400, pos: 56}
    assert payload["resampled_counts"] == {neg: int(56 / (1 / 3)), pos: 56}


def test_repeated_positive_equals_comma_separated(capsys):
    common = [
        "evaluate",
        HCV,
        "--label",
        "Category",
        "--ignore",
        "0s=suspect Blood Donor",
        "--cv",
        "3",
        "--sampler",
        "none",
        "--classifier",
        "logreg",
        "--json",
    ]
    main([*common, "--positive", "1=Hepatitis,2=Fibrosis,3=Cirrhosis"])
    a = json.loads(capsys.readouterr().out)
    main([*common, "--positive", "1=Hepatitis", "--positive", "2=Fibrosis", "--positive", "3=Cirrhosis"])
    b = json.loads(capsys.readouterr().out)
    assert a["test"] == b["test"] and a["train_counts"] == b["train_counts"]


def test_readable_summary_without_json(capsys):
    status = main(["evaluate", HCV, *HCV_TASK, "--cv", "3", "--sampler", "smote", "--classifier", "knn"])
    out = capsys.readouterr().out
    assert status == 0
    assert "hold-out test set (152 rows)" in out and "TP " in out and "cross-validation" in out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--label", "Nope", "--sampler", "smote", "--classifier", "logreg"], ""),
        ([*HCV_TASK, "--sampler", "smote", "--classifier", "logreg", "--cv", "60"], "folds"),
        ([*HCV_TASK, "--sampler", "smoten", "--classifier", "logreg"], "SMOTE-N"),
        (
            [*HCV_TASK, "--sampler", "none", "--classifier", "logreg", "--weighting", "custom"],
            "class-weights",
        ),
    ],
)
def test_bad_input_exits_2_with_one_plain_line(capsys, extra, needle):
    status = main(["evaluate", HCV, *extra])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert needle in err


def test_ratio_parsing():
    assert parse_ratio("1:3") == pytest.approx(1 / 3)
    assert parse_ratio("0.333") == pytest.approx(0.333)
    assert parse_ratio("1:1") == 1.0
    for bad in ("3:1", "0", "a:b", "1:0"):
        with pytest.raises(Exception, match="ratio"):
            parse_ratio(bad)


def test_evaluate_has_help_text():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert "evaluate" in sub.choices and sub.choices["evaluate"].description
    helps = {a.dest: a.help for a in sub.choices["evaluate"]._actions}
    assert all(helps[d] for d in ("sampler", "classifier", "ratio", "threshold", "scores_out", "cv"))


def test_python_dash_m_runs_and_bad_sampler_is_exit_2():
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "imbalance_core",
            "evaluate",
            HCV,
            *HCV_TASK,
            "--sampler",
            "none",
            "--classifier",
            "logreg",
            "--cv",
            "2",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["test"]["n"] == 152
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "imbalance_core",
            "evaluate",
            HCV,
            *HCV_TASK,
            "--sampler",
            "magic",
            "--classifier",
            "logreg",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
