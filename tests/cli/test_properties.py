"""Property-based test of the CLI's argument space (issue 18 item 5): exit 0 or 2, never a traceback.

Hypothesis draws, for every subcommand (profile, evaluate, compare, report, predict, project), a
valid base command line plus a random set of optional flags whose values come from a pool of awkward
numbers and strings (nan, inf, negatives, huge, empty, unicode digits, odd separators) and arbitrary
floats, integers and short texts. The CLI runs in-process; whatever it prints, it must return 0 or
2 (argparse's and DataError's status) and raise nothing else.

Bounded to run in well under a minute: a 120-row extract of the bundled Pima data, logistic regression,
derandomised examples (the same ones on every run, so CI is stable), a fixed number per subcommand,
and PCA only for ``project`` (UMAP's first compile would take longer than the whole test).
"""

from __future__ import annotations

import contextlib
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from imbalance_core.cli import main
from tests.conftest import SAMPLE_DATA

ODD = [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "-1", "-0", "0", "1", "2", "0.5",
    "0.25", "3", "10", "99999999999999999999999", "-2147483649", "4294967296", "", " ", "abc", "1:3", "0:0",
    "1:0", "3:1", "0,0", "1", "1,10", "1,2,3", ",", "½", "٣", "0x10", "1_000", "1e3", "+.5", "--", "=", "a=b",
    "C=0.5", "C=nan", "C=-1", "Age:0:120", "Age:nan:1", "Age:5:1", "x:y", "youden", "sensitivity:0.95",
    "sensitivity:nan", "cost:-1", "fbeta:inf", "pca", "umapx", "2", "3", "4",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=6),
)
TRAINING_FLAGS = [
    "--ratio", "--tradeoff", "--class-weights", "--param", "--clip-bound", "--cv", "--test-size", "--seed",
]  # fmt: skip
FLAGS = {
    "profile": [],
    "evaluate": [*TRAINING_FLAGS, "--threshold", "--pick", "--prevalence"],
    "compare": [*TRAINING_FLAGS, "--threshold", "--jobs"],
    "report": [*TRAINING_FLAGS, "--threshold", "--pick", "--prevalence"],
    "project": [*TRAINING_FLAGS, "--dims", "--max-points", "--n-neighbors", "--min-dist", "--n-epochs"],
    "predict": [],
}
#: In-range values, so that a share of the examples gets past argparse into reading and training.
VALID = {
    "--ratio": ["1:2", "0.5"], "--tradeoff": ["0.3"], "--class-weights": ["1,4"], "--param": ["C=0.5"],
    "--clip-bound": ["Age:0:120"], "--cv": ["2", "3"], "--test-size": ["0.3"], "--seed": ["0", "7"],
    "--threshold": ["0.3", "0.7"], "--pick": ["youden", "sensitivity:0.9"], "--prevalence": ["0.1"],
    "--jobs": ["1"], "--dims": ["2", "3"], "--max-points": ["500"], "--n-neighbors": ["5"],
    "--min-dist": ["0.2"], "--n-epochs": ["50"], "--positive": ["1"],
}  # fmt: skip
WEIGHTINGS = st.sampled_from(
    [[], ["--weighting", "custom"], ["--weighting", "tradeoff"], ["--weighting", "x"]]
)
EXAMPLES = {"profile": 25, "evaluate": 40, "compare": 12, "report": 6, "project": 20, "predict": 10}
SETTINGS = settings(
    max_examples=40,
    deadline=60_000,  # ms: catches a hang, not a slow shared machine
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A small labelled CSV, a model trained on it, and files that are not models."""
    folder = tmp_path_factory.mktemp("cli_properties")
    frame = pd.read_csv(SAMPLE_DATA / "pima_diabetes.csv")
    small = pd.concat([frame[frame.Outcome == 0].head(80), frame[frame.Outcome == 1].head(40)])
    data = folder / "small.csv"
    small.to_csv(data, index=False)
    model = folder / "model.skops"
    base = ["evaluate", str(data), "--label", "Outcome", "--sampler", "none", "--classifier", "logreg"]
    assert _run([*base, "--cv", "2", "--model-out", str(model)])[0] == 0
    empty = folder / "empty.skops"
    empty.write_bytes(b"")
    return {"data": str(data), "model": str(model), "empty": str(empty), "out": str(folder / "out")}


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code
    return status, err.getvalue()


def _base(command: str, files: dict[str, str]) -> list[str]:
    task = [files["data"], "--label", "Outcome"]
    model = ["--sampler", "none", "--classifier", "logreg"]
    return {
        "profile": ["profile", *task],
        "evaluate": ["evaluate", *task, *model],
        "compare": ["compare", *task, "--samplers", "none", "--classifiers", "logreg", "--jobs", "1"],
        "report": ["report", *task, *model, "--no-pca", "--out", files["out"] + ".pdf"],
        "project": ["project", *task, "--sampler", "random_under", "--method", "pca"],
        "predict": ["predict"],
    }[command]


def _check(argv: list[str]) -> None:
    status, err = _run(argv)
    assert status in (0, 2), (argv, status, err)
    assert "Traceback" not in err, (argv, err)


@pytest.mark.parametrize("command", [c for c in FLAGS if c != "predict"])
def test_any_flag_values_exit_0_or_2_without_a_traceback(files, command):
    flags = FLAGS[command] or ["--positive"]

    @settings(SETTINGS, max_examples=EXAMPLES[command])
    @given(
        picked=st.lists(
            st.sampled_from(flags).flatmap(
                lambda f: st.tuples(st.just(f), st.one_of(st.sampled_from(VALID[f]), VALUES))
            ),
            max_size=3,
        ),
        weighting=WEIGHTINGS if FLAGS[command] else st.just([]),
    )
    def run(picked, weighting):
        # a value starting with '-' is taken as a flag by argparse; '--flag=value' passes it as a value
        extra = [f"{flag}={value}" for flag, value in picked]
        _check([*_base(command, files), *weighting, *extra])

    run()


def test_predict_any_model_and_data_paths_exit_0_or_2(files):
    paths = st.sampled_from([files["model"], files["empty"], files["data"], files["out"] + "-missing", ""])

    @settings(SETTINGS, max_examples=EXAMPLES["predict"])
    @given(model=paths, data=paths)
    @example(model=files["model"], data=files["data"])
    def run(model, data):
        _check(["predict", model, data, "--out", files["out"] + ".csv"])

    run()


def test_the_check_catches_the_old_crash(files, monkeypatch):
    """With ``--threshold`` typed as plain float again, nan crashes as it did: the check must see it."""
    from imbalance_core.cli import arguments

    monkeypatch.setattr(arguments, "threshold", float)
    with pytest.raises(TypeError):
        _check([*_base("evaluate", files), "--threshold=nan"])
