"""CLI `evaluate/report --model-out`: a model keeping patient rows needs --allow-patient-rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from imbalance_core.cli import main
from imbalance_core.share import model_file
from tests.cli.hcv_evaluate import TASK

ROOT = Path(__file__).resolve().parents[2]
HCV = ROOT / "sample_data" / "hcv_lab_values.csv"


def _evaluate(tmp_path: Path, classifier: str, *extra: str) -> tuple[list[str], Path]:
    out = tmp_path / f"{classifier}.skops"
    args = ["evaluate", str(HCV), *TASK, "--sampler", "smote", "--classifier", classifier, "--cv", "2",
            "--model-out", str(out), *extra]  # fmt: skip
    return args, out


@pytest.mark.parametrize("classifier", ["svm", "knn", "hist_gb"])
def test_model_with_patient_data_is_refused_without_the_flag(tmp_path, capsys, classifier):
    args, out = _evaluate(tmp_path, classifier)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--allow-patient-rows" in err and "Traceback" not in err
    assert err.count("\n") == 1  # one sentence
    assert not out.exists()


def test_svm_model_is_written_with_the_flag_and_says_how_many_rows(tmp_path, capsys):
    args, out = _evaluate(tmp_path, "svm", "--allow-patient-rows", "--param", "C=1")
    assert main(args) == 0
    err = capsys.readouterr().err
    meta = model_file.load_model(str(out)).metadata
    assert meta.training_data == "rows" and meta.training_rows > 0
    assert (
        f"note: This model (Support vector machine) keeps {meta.training_rows:,} training patients' rows"
        in err
    )


def test_knn_report_model_out_prints_the_notice(tmp_path, capsys):
    out = tmp_path / "k.skops"
    args = ["report", str(HCV), *TASK, "--sampler", "none", "--classifier", "knn", "--cv", "2", "--no-pca",
            "--out", str(tmp_path / "r.pdf"), "--model-out", str(out)]  # fmt: skip
    assert main(args) == 2 and not out.exists()
    capsys.readouterr()
    assert main([*args, "--allow-patient-rows"]) == 0
    assert "k-nearest neighbours) keeps" in capsys.readouterr().err
    assert model_file.load_model(str(out)).metadata.training_data == "rows"


def test_logreg_needs_no_flag(tmp_path):
    args, out = _evaluate(tmp_path, "logreg")
    assert main(args) == 0 and out.exists()


def test_a_forest_found_to_keep_training_values_needs_the_flag(tmp_path, capsys):
    """Random forests are declared to keep split midpoints, but on HCV a fitted forest holds real
    values (a midpoint of one bootstrap sample that is another patient's measurement): the file is
    marked so, and the CLI wrote it without asking (issue 31, item 7)."""
    args, out = _evaluate(tmp_path, "random_forest")
    assert main(args) == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "individual training values" in err and "--allow-patient-rows" in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert main([*args, "--allow-patient-rows"]) == 0
    meta = model_file.load_model(str(out)).metadata
    assert meta.training_data == "values" and meta.training_values > 0
    assert f"{meta.training_values:,} individual training values" in capsys.readouterr().err
