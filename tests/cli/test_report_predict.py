"""CLI ``report``, ``predict`` and ``evaluate --model-out``: files written, exit codes, one-line errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.cli import build_parser, main
from imbalance_core.share import model_file, predict
from tests.cli.hcv_evaluate import TASK

ROOT = Path(__file__).resolve().parents[2]
HCV = ROOT / "sample_data" / "hcv_lab_values.csv"
TRAIN = ["--sampler", "smote", "--classifier", "logreg", "--cv", "2", "--ratio", "0.5"]


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    args = [
        "report",
        str(HCV),
        *TASK,
        *TRAIN,
        "--pick",
        "sensitivity:0.9",
        "--prevalence",
        "0.05",
        "--out",
        str(out / "r.pdf"),
        "--html-out",
        str(out / "r.html"),
        "--model-out",
        str(out / "m.skops"),
    ]
    code = main(args)
    return code, out


def test_report_writes_pdf_html_and_model(reported):
    code, out = reported
    assert code == 0
    assert (out / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "Imbalance Lab model report" in (out / "r.html").read_text(encoding="utf-8")
    saved = model_file.load_model(str(out / "m.skops"))
    assert saved.metadata.threshold_reason.startswith("Screening")


def test_predict_round_trip_and_exit_codes(reported, tmp_path, capsys):
    _, out = reported
    raw = pd.read_csv(HCV)
    patients = raw.drop(columns=["Category"]).head(25)
    patients.to_csv(tmp_path / "new.csv", index=False)
    assert (
        main(["predict", str(out / "m.skops"), str(tmp_path / "new.csv"), "--out", str(tmp_path / "p.csv")])
        == 0
    )
    got = pd.read_csv(tmp_path / "p.csv")
    assert len(got) == 25
    saved = model_file.load_model(str(out / "m.skops"))
    expected = saved.pipeline.predict_proba(patients[list(saved.metadata.feature_names)])[:, 1]
    np.testing.assert_allclose(got[predict.SCORE_COLUMN], expected, rtol=1e-9)
    names = np.array(saved.metadata.class_names, dtype=object)
    assert list(got[predict.DECISION_COLUMN]) == list(
        names[(expected >= saved.metadata.threshold).astype(int)]
    )
    assert "Scored 25 patients" in capsys.readouterr().out

    patients.drop(columns=["AST"]).to_csv(tmp_path / "missing.csv", index=False)
    assert (
        main(
            ["predict", str(out / "m.skops"), str(tmp_path / "missing.csv"), "--out", str(tmp_path / "q.csv")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "'AST'" in err and "Traceback" not in err and err.count("\n") == 1


def test_predict_refuses_a_pickle_model(tmp_path, capsys):
    (tmp_path / "m.skops").write_bytes(pickle.dumps({"model": 1}))
    (tmp_path / "new.csv").write_text("a,b\n1,2\n")
    assert (
        main(
            [
                "predict",
                str(tmp_path / "m.skops"),
                str(tmp_path / "new.csv"),
                "--out",
                str(tmp_path / "p.csv"),
            ]
        )
        == 2
    )
    assert "not an Imbalance Lab model" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_report_json_and_scores_out(tmp_path, capsys):
    import json

    args = ["report", str(HCV), *TASK, *TRAIN, "--threshold", "0.3", "--no-pca", "--json",
            "--out", str(tmp_path / "r.pdf"), "--scores-out", str(tmp_path / "s.csv")]  # fmt: skip
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    scores = pd.read_csv(tmp_path / "s.csv")
    tp = int(((scores["score"] >= 0.3) & (scores["y_true"] == 1)).sum())
    assert payload["numbers"]["tp"] == f"{tp:,}"
    assert payload["threshold"] == 0.3 and payload["files"]["pdf"].endswith("r.pdf")


def test_report_multiclass(tmp_path, capsys):
    args = ["report", str(HCV), "--label", "Category", "--multiclass", "--ignore", "0s=suspect Blood Donor",
            "--sampler", "none", "--classifier", "logreg", "--cv", "2", "--no-pca",
            "--out", str(tmp_path / "m.pdf"), "--model-out", str(tmp_path / "m.skops")]  # fmt: skip
    assert main(args) == 0
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    assert "most probable class" in capsys.readouterr().out
    assert model_file.load_model(str(tmp_path / "m.skops")).metadata.threshold is None
    assert main([*args, "--threshold", "0.3"]) == 2


def test_report_refuses_threshold_and_pick_together(tmp_path, capsys):
    args = [
        "report",
        str(HCV),
        *TASK,
        *TRAIN,
        "--threshold",
        "0.3",
        "--pick",
        "youden",
        "--no-pca",
        "--out",
        str(tmp_path / "r.pdf"),
    ]
    assert main(args) == 2
    assert "either --threshold or --pick" in capsys.readouterr().err


def test_report_to_unwritable_folder_is_exit_2(tmp_path, capsys):
    args = [
        "report",
        str(HCV),
        *TASK,
        *TRAIN,
        "--threshold",
        "0.3",
        "--no-pca",
        "--out",
        str(tmp_path / "no" / "such" / "r.pdf"),
    ]
    assert main(args) == 2
    assert "could not be written" in capsys.readouterr().err


def test_evaluate_model_out_writes_the_same_kind_of_file(tmp_path):
    path = tmp_path / "e.skops"
    assert main(["evaluate", str(HCV), *TASK, *TRAIN, "--threshold", "0.4", "--model-out", str(path)]) == 0
    saved = model_file.load_model(str(path))
    assert saved.metadata.threshold == 0.4
    assert not any(hasattr(s, "fit_resample") for _, s in saved.pipeline.steps)


def test_subcommands_have_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("report", "predict"):
        assert sub.choices[name].description
        assert any(a.help for a in sub.choices[name]._actions if a.dest not in ("help",))
