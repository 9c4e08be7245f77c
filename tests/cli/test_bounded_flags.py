"""Numbers on the command line with an upper bound (issue 31, item 7): ``project --n-epochs`` with a
huge whole number gave an OverflowError traceback from inside UMAP; ``--calibration-boot`` took any
count (a billion resamples: a CLI that never ends)."""

from __future__ import annotations

import pytest

from imbalance_core.cli import main
from tests.cli.hcv_evaluate import TASK
from tests.conftest import ROOT

HCV = str(ROOT / "sample_data" / "hcv_lab_values.csv")
PROJECT = ["project", HCV, *TASK, "--sampler", "none", "--method", "umap"]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--n-epochs", "100000000000000000000"], "--n-epochs must be at most 10,000"),
        (["--n-epochs", "1e20"], "--n-epochs needs a whole number"),
        (["--n-neighbors", "99999999999999999999999"], "--n-neighbors must be at most 1,000"),
        (["--max-points", "10000000000000"], "--max-points must be at most 1,000,000"),
    ],
)
def test_project_numbers_out_of_range_are_one_sentence(capsys, extra, needle) -> None:
    assert main([*PROJECT, *extra]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "needle"),
    [("1000000000", "from 20 to 20,000"), ("20001", "from 20 to 20,000"), ("1e20", "a whole number")],
)
def test_calibration_boot_has_an_upper_bound(capsys, value, needle) -> None:
    args = ["evaluate", HCV, *TASK, "--sampler", "none", "--classifier", "logreg", "--cv", "2"]
    assert main([*args, "--calibration-boot", value]) == 2
    err = capsys.readouterr().err
    assert "--calibration-boot" in err and needle in err and err.count("\n") == 1
