"""Every numeric input checked where it is typed (issue 18 item 5): CLI flags and TrainSettings.

The defects: ``evaluate --threshold nan`` (or inf) -> TypeError; custom class weights 0,0 ->
ZeroDivisionError (CLI and Train page); ``--class-weights 1`` for two classes accepted; ``--seed -1``
answered with a message about the test share.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import math

import pytest

from imbalance_core.cli import arguments, main
from imbalance_core.errors import DataError
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn.settings_check import MAX_SEED, check_settings
from imbalance_core.learn.training import TrainSettings, train
from tests.conftest import SAMPLE_DATA

PIMA = str(SAMPLE_DATA / "pima_diabetes.csv")
BASE = ["evaluate", PIMA, "--label", "Outcome", "--sampler", "none", "--classifier", "logreg", "--cv", "2"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (["--threshold", "nan"], "--threshold"),
        (["--threshold", "inf"], "--threshold"),
        (["--threshold=-inf"], "--threshold"),  # "-inf" alone reads as an option to argparse
        (["--threshold", "1.5"], "--threshold"),
        (["--prevalence", "nan"], "--prevalence"),
        (["--tradeoff", "nan", "--weighting", "tradeoff"], "--tradeoff"),
        (["--weighting", "custom", "--class-weights", "0,0"], "--class-weights"),
        (["--weighting", "custom", "--class-weights", "1,nan"], "--class-weights"),
        (["--weighting", "custom", "--class-weights", "1,,2"], "--class-weights"),
        (["--seed", "-1"], "--seed"),
        (["--seed", str(MAX_SEED + 1)], "--seed"),
        (["--cv", "1"], "--cv"),
        (["--test-size", "0"], "--test-size"),
        (["--clip-bound", "Age:nan:3"], "--clip-bound"),
        (["--clip-bound", "Age:5:3"], "--clip-bound"),
    ],
)
def test_bad_numbers_are_refused_naming_the_flag(extra, flag):
    status, _, err = _run([*BASE, *extra])
    assert status == 2
    assert err.startswith(f"error: argument {flag}: ") and err.count("\n") == 1  # one line, no usage
    assert "test share" not in err or flag == "--test-size"  # --seed -1 used to talk about the test share


def test_one_class_weight_for_two_classes_is_refused_with_a_sentence():
    status, _, err = _run([*BASE, "--weighting", "custom", "--class-weights", "1"])
    assert status == 2
    assert "1 given for 2 classes" in err and "one weight per class" in err


def test_good_numbers_still_run():
    status, out, err = _run([*BASE, "--weighting", "custom", "--class-weights", "1,3", "--seed", "7",
                             "--threshold", "0.3", "--json"])  # fmt: skip
    assert status == 0, err
    assert '"seed": 7' in out


@pytest.mark.parametrize(
    ("parse", "good", "bad"),
    [
        (arguments.threshold, {"0": 0.0, "1": 1.0, " 5e-1 ": 0.5}, ["nan", "inf", "-0.1", "1.01", "x", ""]),
        (arguments.prevalence, {"0.05": 0.05}, ["0", "1", "nan", "-inf"]),
        (arguments.test_size, {"0.25": 0.25}, ["0", "1", "1e400"]),
        (arguments.seed, {"0": 0, str(MAX_SEED): MAX_SEED}, ["-1", "1.5", "nan", str(MAX_SEED + 1)]),
        (arguments.folds, {"2": 2, "10": 10}, ["1", "0", "-3", "2.0", "101"]),
        (arguments.jobs, {"-1": -1, "1": 1}, ["0", "-2", "x"]),
    ],
)  # fmt: skip
def test_argument_types(parse, good, bad):
    for text, value in good.items():
        assert parse(text) == value
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError):
            parse(text)


def test_class_weights_and_clip_bound_types():
    assert arguments.class_weights(" 1, 10 ") == "1,10"
    assert arguments.clip_bound("a:b:0:1.5") == ("a:b", 0.0, 1.5)
    for text in ["0,0", "1,-1", "1,inf", "1,", "x"]:
        with pytest.raises(argparse.ArgumentTypeError):
            arguments.class_weights(text)
    for text in ["Age:1", ":0:1", "Age:2:1", "Age:0:inf"]:
        with pytest.raises(argparse.ArgumentTypeError):
            arguments.clip_bound(text)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"weighting": "custom", "custom_weights": (0.0, 0.0)}, "above 0"),
        ({"weighting": "custom", "custom_weights": (1.0,)}, "1 given for 2 classes"),
        ({"weighting": "custom", "custom_weights": (1.0, 2.0, 3.0)}, "3 given for 2 classes"),
        ({"weighting": "custom", "custom_weights": (1.0, math.nan)}, "finite"),
        ({"weighting": "tradeoff", "tradeoff": math.inf}, "trade-off"),
        ({"ratio": math.nan}, "ratio"),
        ({"test_size": math.nan}, "test share"),
        ({"seed": -1}, "random seed"),
        ({"seed": 2**40}, "random seed"),
        ({"cv": 1}, "folds"),
        ({"clip_bounds": (("Age", 5.0, 1.0),)}, "clipping bounds of 'Age'"),
    ],
)
def test_train_refuses_out_of_range_settings_with_a_sentence(changes, words):
    data = prepare(read_table(PIMA), TaskSpec("Outcome"))
    settings = dataclasses.replace(TrainSettings(cv=2), **changes)
    with pytest.raises(DataError, match=words):
        train(data, settings)


def test_check_settings_accepts_the_defaults_and_numpy_integers():
    import numpy as np

    check_settings(TrainSettings(), 2)
    check_settings(TrainSettings(seed=np.int64(3), cv=np.int32(4)), 2)
    check_settings(TrainSettings(weighting="custom", custom_weights=(1, 2.5, 3)), 3)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_classifier_setting_nan_is_named_not_blamed_on_the_folds(value):
    """``--param C=nan`` passed the range check (nan compares false) and failed inside the fit."""
    status, _, err = _run([*BASE, "--param", f"C={value}"])
    assert status == 2
    assert "finite number" in err and "Inverse regularisation C" in err
