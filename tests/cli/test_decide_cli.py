"""CLI: ``evaluate --subgroup COL`` (JSON and text, checked by hand count) and ``profile``'s sample size."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix

from imbalance_core.cli import main
from imbalance_core.evaluation import sample_size
from imbalance_core.intake import bundled, task
from tests.cli.hcv_evaluate import HCV
from tests.cli.hcv_evaluate import TASK as HCV_TASK
from tests.conftest import SAMPLE_DATA

TASK = ["--sampler", "none", "--classifier", "logreg", *HCV_TASK]


def test_subgroup_json_matches_a_hand_count_from_scores_out(capsys, tmp_path: Path):
    scores = tmp_path / "s.csv"
    argv = ["evaluate", HCV, *TASK, "--cv", "3", "--threshold", "0.4", "--json",
            "--subgroup", "Sex", "--subgroup", "Age", "--scores-out", str(scores)]  # fmt: skip
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    block = payload["subgroups"]
    assert block["columns"] == ["Sex", "Age"] and [b["kind"] for b in block["bands"]] == [
        "categories",
        "decades",
    ]
    held = pd.read_csv(scores)
    data = task.prepare(bundled.load_bundled("hcv"), bundled.BUNDLED["hcv"].default_spec)
    from imbalance_core.learn.training import TrainSettings, split_indices

    _, test_idx = split_indices(data, TrainSettings(cv=3))
    sex = data.X["Sex"].iloc[test_idx].to_numpy()
    decade = (np.floor(data.X["Age"].iloc[test_idx].to_numpy() / 10) * 10).astype(int)
    assert sum(g["n"] for g in block["groups"]) == len(held)
    for g in block["groups"]:
        s_part, a_part = g["group"].split(" · ")
        mask = (sex == s_part) & (decade == int(a_part.split("-")[0]))
        y, s = held["y_true"].to_numpy()[mask], held["score"].to_numpy()[mask]
        tn, fp, fn, tp = confusion_matrix(y, (s >= 0.4).astype(int), labels=[0, 1]).ravel()
        assert (g["n"], g["tp"], g["fp"], g["tn"], g["fn"]) == (mask.sum(), tp, fp, tn, fn)
        assert g["too_few"] == (y.sum() < 10 or (len(y) - y.sum()) < 10)


def test_subgroup_text_output(capsys):
    assert main(["evaluate", HCV, *TASK, "--cv", "3", "--subgroup", "Sex"]) == 0
    out = capsys.readouterr().out
    assert "subgroups by Sex" in out and "sens" in out


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--subgroup", "no_such"], "--subgroup names no column"),
        (
            ["--subgroup", "Sex", "--subgroup", "Age", "--subgroup", "ALB"],
            "--subgroup may be given at most 2",
        ),
        (["--subgroup", "Category"], "--subgroup cannot be the label"),
    ],
)
def test_bad_subgroup_exits_2_naming_the_argument(capsys, extra, words):
    assert main(["evaluate", HCV, *TASK, "--cv", "3", *extra]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_profile_json_has_the_sample_size_block(capsys):
    path = str(SAMPLE_DATA / "pima_diabetes.csv")
    assert main(["profile", path, "--label", "Outcome", "--positive", "1", "--json"]) == 0
    block = json.loads(capsys.readouterr().out)["sample_size"]
    data = task.prepare(bundled.load_bundled("pima"), bundled.BUNDLED["pima"].default_spec)
    y = np.asarray(data.y)
    want = sample_size.riley_binary(
        len(data.numeric_features), y.mean(), 0.15 * sample_size.max_r2cs(y.mean())
    )
    assert block["events"] == int(y.sum()) and block["minimum_n"] == want.minimum
    assert block["criteria"] == {
        "shrinkage": want.n_shrinkage,
        "optimism": want.n_optimism,
        "overall_risk": want.n_risk,
    }
    assert "conservative" in block["assumption"]
    assert main(["profile", path, "--label", "Outcome", "--positive", "1"]) == 0
    assert "sample size:" in capsys.readouterr().out


def test_report_with_subgroup_and_importance(capsys, tmp_path: Path):
    from io import BytesIO

    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    argv = [
        "report",
        HCV,
        *TASK,
        "--cv",
        "3",
        "--no-pca",
        "--out",
        str(out),
        "--subgroup",
        "Sex",
        "--importance",
    ]
    assert main(argv) == 0
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(out.read_bytes())).pages).replace("\n", " ")
    assert "Performance by subgroup" in text and "Permutation importance" in text and "TRIPOD+AI" in text
    assert main([*argv[:-3], "--subgroup", "nope"]) == 2
    assert "--subgroup names no column" in capsys.readouterr().err
