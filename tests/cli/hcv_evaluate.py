"""The HCV `evaluate` run several CLI tests share: its flags, running it, the same training in-process."""

from __future__ import annotations

from imbalance_core.cli import build_parser, main
from imbalance_core.cli.options import load_prepared, settings_from_args
from imbalance_core.learn.training import TrainResult, train
from tests.conftest import SAMPLE_DATA

HCV = str(SAMPLE_DATA / "hcv_lab_values.csv")
TASK = ["--label", "Category", "--positive", "1=Hepatitis,2=Fibrosis,3=Cirrhosis",
        "--ignore", "0s=suspect Blood Donor"]  # fmt: skip
MODEL = ["--sampler", "random_over", "--classifier", "logreg", "--cv", "3", "--seed", "0"]


def run_evaluate(capsys, *extra: str) -> tuple[int, str, str]:
    """``evaluate`` on HCV with ``extra`` flags: exit code, stdout, stderr."""
    code = main(["evaluate", HCV, *TASK, *MODEL, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def train_like_the_cli() -> TrainResult:
    """The same training the CLI runs, in-process (its out-of-fold and hold-out scores)."""
    args = build_parser().parse_args(["evaluate", HCV, *TASK, *MODEL])
    return train(load_prepared(args), settings_from_args(args, args.sampler, args.classifier))
