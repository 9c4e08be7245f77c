"""One threshold everywhere (issue 12 item 1) and twin commands (item 7), core and CLI side.

The default threshold is checked against an independent computation (scikit-learn's ROC curve: the
highest Youden J over every achievable operating point), and the CLI is checked to use it when no
threshold is given and to say so in ``--json``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, roc_curve

from imbalance_core.cli import main
from imbalance_core.errors import DataError
from imbalance_core.evaluation import thresholds
from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from tests.cli.hcv_evaluate import TASK as HCV_TASK
from tests.conftest import SAMPLE_DATA

HCV = str(SAMPLE_DATA / "hcv_lab_values.csv")
MULTI = ["--label", "Category", "--multiclass", "--ignore", "0s=suspect Blood Donor"]
SETTINGS = training.TrainSettings(sampler="smote", classifier="logreg", cv=3)


@pytest.fixture(scope="module")
def hcv():
    table = bundled.load_bundled("hcv")
    spec = task.TaskSpec(
        label="Category", positive=("1=Hepatitis", "2=Fibrosis", "3=Cirrhosis"),
        ignore=("0s=suspect Blood Donor",),
    )  # fmt: skip
    data = task.prepare(table, spec)
    return data, training.train(data, SETTINGS)


def _youden_by_roc(y: np.ndarray, s: np.ndarray) -> float:
    fpr, tpr, _ = roc_curve(y, s)
    return float(np.max(tpr - fpr))


def _youden_at(y: np.ndarray, s: np.ndarray, t: float) -> float:
    tn, fp, fn, tp = confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
    return tp / (tp + fn) + tn / (tn + fp) - 1


@pytest.mark.parametrize("seed", [0, 3])
def test_default_threshold_is_the_best_youden_point_on_oof_scores(seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(400) < 0.15).astype(int)
    s = np.clip(rng.normal(0.35 + 0.25 * y, 0.15), 0, 1)
    chosen = thresholds.default_threshold(y, s)
    assert chosen.is_default and chosen.origin == thresholds.DEFAULT_ORIGIN
    assert _youden_at(y, s, chosen.value) == pytest.approx(_youden_by_roc(y, s), abs=1e-12)


def test_default_for_result_binary_and_one_vs_rest(hcv):
    _, result = hcv
    chosen = thresholds.default_for_result(result)
    assert chosen.value == thresholds.pick_youden(result.y_train, result.oof_scores).threshold
    table = bundled.load_bundled("hcv")
    multi = task.prepare(table, task.TaskSpec(label="Category", multiclass=True,
                                                    ignore=("0s=suspect Blood Donor",)))  # fmt: skip
    res = training.train(multi, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    assert thresholds.default_for_result(res) is None  # most probable class: no threshold
    c = 1
    y, s = (res.y_train == c).astype(int), res.oof_scores[:, c]
    ovr = thresholds.default_for_result(res, c)
    assert _youden_at(y, s, ovr.value) == pytest.approx(_youden_by_roc(y, s), abs=1e-12)


def test_evaluate_without_threshold_uses_the_default_and_says_so(hcv, capsys, tmp_path):
    """Before: evaluate scored the hold-out at 0.5 while the app's Report used the Youden pick."""
    _, result = hcv
    scores = tmp_path / "scores.csv"
    assert main(["evaluate", HCV, *HCV_TASK, "--sampler", "smote", "--classifier", "logreg", "--cv", "3",
                 "--json", "--scores-out", str(scores)]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    expected = thresholds.default_for_result(result).value
    assert payload["threshold"] == expected and payload["test"]["threshold"] == expected
    assert payload["threshold_origin"] == thresholds.DEFAULT_ORIGIN
    import pandas as pd

    frame = pd.read_csv(scores)
    tn, fp, fn, tp = confusion_matrix(frame["y_true"], (frame["score"] >= expected).astype(int)).ravel()
    assert [payload["test"][k] for k in ("tp", "fp", "tn", "fn")] == [tp, fp, tn, fn]
    argv = ["evaluate", HCV, *HCV_TASK, "--sampler", "smote", "--classifier", "logreg", "--cv", "3"]
    assert main(argv) == 0
    assert "default: Youden on cross-validated training scores" in capsys.readouterr().out


def test_evaluate_with_threshold_says_set_by_hand(capsys):
    assert main(["evaluate", HCV, *HCV_TASK, "--sampler", "none", "--classifier", "logreg", "--cv", "2",
                 "--threshold", "0.3", "--json"]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["threshold"] == 0.3 and "by hand" in payload["threshold_origin"]


def test_report_command_default_is_the_same_threshold(hcv, capsys, tmp_path):
    _, result = hcv
    assert main(["report", HCV, *HCV_TASK, "--sampler", "smote", "--classifier", "logreg", "--cv", "3",
                 "--no-pca", "--out", str(tmp_path / "r.pdf"), "--json"]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["threshold"] == thresholds.default_for_result(result).value
    assert payload["threshold_reason"].startswith("Default: Youden on cross-validated training scores")


def test_one_vs_rest_prints_that_class_two_by_two(capsys, tmp_path):
    """Before: --multiclass ignored --threshold and printed macro metrics, not the page's 2x2 table."""
    scores = tmp_path / "s.csv"
    cls = "1=Hepatitis"
    assert main(["evaluate", HCV, *MULTI, "--sampler", "none", "--classifier", "logreg", "--cv", "2",
                 "--one-vs-rest", cls, "--threshold", "0.2", "--prevalence", "0.05", "--json",
                 "--scores-out", str(scores)]) == 0  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    import pandas as pd

    frame = pd.read_csv(scores)
    c = payload["data"]["class_names"].index(cls)
    y = (frame["y_true"] == c).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, (frame[f"score_{c}"] >= 0.2).astype(int)).ravel()
    assert payload["one_vs_rest"] == cls
    assert [payload["test"][k] for k in ("tp", "fp", "tn", "fn")] == [tp, fp, tn, fn]
    sens, spec = tp / (tp + fn), tn / (tn + fp)
    ppv = sens * 0.05 / (sens * 0.05 + (1 - spec) * 0.95)
    assert payload["test"]["ppv_at_prevalence"] == pytest.approx(ppv)
    assert "per_class_accuracy" in payload["test_multiclass"]  # the macro figures are kept, apart


def test_one_vs_rest_unknown_class_is_a_plain_error(capsys):
    status = main(["evaluate", HCV, *MULTI, "--sampler", "none", "--classifier", "logreg", "--cv", "2",
                   "--one-vs-rest", "nope"])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2 and "--one-vs-rest names no class" in err and "Traceback" not in err


def test_binary_view_refuses_one_vs_rest_on_a_two_class_task(hcv):
    from imbalance_core.learn.summary import binary_view

    with pytest.raises(DataError):
        binary_view(hcv[1], "1=Hepatitis")
