"""CLI ``compare``: one JSON line per pair with evaluate's fields, errors as lines, bad keys exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sklearn.metrics import confusion_matrix, roc_auc_score

from imbalance_core.cli import build_parser, main
from tests.cli.hcv_evaluate import HCV, TASK
from tests.conftest import ROOT

COMMON = ["--cv", "3", "--seed", "3"]


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def compare_lines() -> list[dict]:
    """compare --json over two pairs that work and one that cannot (SMOTE-N on numeric data)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "imbalance_core",
            "compare",
            HCV,
            *TASK,
            "--samplers",
            "none,smote,smoten",
            "--classifiers",
            "logreg",
            *COMMON,
            "--jobs",
            "1",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_one_json_line_per_pair_in_grid_order(compare_lines):
    assert [(d["sampler"], d["classifier"]) for d in compare_lines] == [
        ("none", "logreg"),
        ("smote", "logreg"),
        ("smoten", "logreg"),
    ]


OWN_DEFAULT = ("--json",)


@pytest.mark.parametrize("position,sampler", [(0, "none"), (1, "smote")])
def test_pair_json_equals_evaluate_json(capsys, compare_lines, position, sampler):
    code, out, _ = _run(
        capsys,
        # compare judges every pair at its own default threshold, as evaluate does without --threshold
        # (Youden on cross-validated training scores; issue 23: never a silent 0.5)
        ["evaluate", HCV, *TASK, "--sampler", sampler, "--classifier", "logreg", *COMMON, *OWN_DEFAULT],
    )
    assert code == 0
    evaluated = json.loads(out)
    row = compare_lines[position]
    keys = ("test", "cv", "train_counts", "resampled_counts", "settings", "notices", "data", "threshold")
    for key in (*keys, "threshold_origin"):
        assert row[key] == evaluated[key], key
    assert row["threshold"] != 0.5 and "brier" in row["cv"]
    assert set(row) - set(evaluated) == {"sampler", "classifier"}


def test_failed_pair_is_a_line_with_its_reason(compare_lines):
    bad = compare_lines[2]
    assert set(bad) == {"sampler", "classifier", "error"}
    assert "SMOTE-N" in bad["error"]


def test_scores_behind_the_json_match_sklearn(capsys, tmp_path, compare_lines):
    """evaluate --scores-out gives the hold-out scores; compare's counts and AUC follow from them."""
    scores = tmp_path / "scores.csv"
    code, _, _ = _run(
        capsys,
        [
            "evaluate",
            HCV,
            *TASK,
            "--sampler",
            "smote",
            "--classifier",
            "logreg",
            *COMMON,
            "--scores-out",
            str(scores),
            "--json",
        ],
    )
    assert code == 0
    import pandas as pd

    frame = pd.read_csv(scores)
    t = compare_lines[1]["threshold"]  # the pair's own default threshold
    tn, fp, fn, tp = confusion_matrix(frame["y_true"], (frame["score"] >= t).astype(int)).ravel()
    test = compare_lines[1]["test"]
    assert (test["tp"], test["fp"], test["tn"], test["fn"]) == (tp, fp, tn, fn)
    assert test["roc_auc"] == pytest.approx(roc_auc_score(frame["y_true"], frame["score"]), abs=1e-9)


def test_text_output_lists_every_pair(capsys):
    code, out, _ = _run(
        capsys,
        [
            "compare",
            HCV,
            *TASK,
            "--samplers",
            "none,random_under",
            "--classifiers",
            "logreg",
            *COMMON,
            "--jobs",
            "1",
        ],
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("sampler") and len(lines) == 3
    assert {line.split()[0] for line in lines[1:]} == {"none", "random_under"}


@pytest.mark.parametrize("flag,value", [("--samplers", "smote,not_a_method"), ("--classifiers", "nope")])
def test_unknown_key_exits_2_with_one_sentence(capsys, flag, value):
    argv = ["compare", HCV, *TASK, "--samplers", "none", "--classifiers", "logreg", "--jobs", "1"]
    argv[argv.index(flag) + 1] = value
    code, out, err = _run(capsys, argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_compare_has_help_text():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert "compare" in sub.choices and sub.choices["compare"].description


def test_tune_each_pair_writes_what_tuning_chose(capsys):
    """``compare --tune`` (issue 27): each pair tuned with evaluate's search on its training part only;
    its JSON carries the chosen values, and the pair is trained with them."""
    from imbalance_core.cli.options import load_prepared
    from imbalance_core.learn import training, tuning
    from imbalance_core.learn.training import TrainSettings

    argv = ["compare", HCV, *TASK, "--samplers", "none", "--classifiers", "logreg", *COMMON, "--jobs", "1"]
    code, out, _ = _run(capsys, [*argv, "--tune", "--json"])
    assert code == 0
    (line,) = [json.loads(text) for text in out.strip().splitlines()]
    args = build_parser().parse_args(argv)
    data = load_prepared(args)
    base = TrainSettings(classifier="logreg", cv=3, seed=3)
    train_idx, _ = training.split_indices(data, base)
    independent = tuning.tune(data, base, train_idx, tuning.TuneSpec(seed=3))
    assert line["tuning"] == json.loads(json.dumps(independent.as_dict()))
    code, text, _ = _run(capsys, [*argv, "--tune"])
    assert code == 0 and f"tuned none + logreg: {independent.chosen.label()}" in text
