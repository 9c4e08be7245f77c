"""``evaluate --pick top:5% | flags:30/400 | ppv:0.2 | sensitivity:0.9``: every picker of
``thresholds.PICKERS`` is accepted, runs on out-of-fold scores and gets its bootstrap band."""

from __future__ import annotations

import json

import pytest

from imbalance_core.evaluation import thresholds
from tests.cli.hcv_evaluate import run_evaluate, train_like_the_cli


@pytest.fixture(scope="module")
def oof():
    return train_like_the_cli()


@pytest.mark.parametrize(
    ("pick", "key"),
    [("top:5%", "top"), ("flags:30/400", "top"), ("ppv:0.2", "ppv"), ("sensitivity:0.9", "sensitivity")],
)
def test_new_pickers_on_the_command_line_with_their_band(capsys, oof, pick, key):
    code, out, err = run_evaluate(capsys, "--pick", pick, "--pick-boot", "60", "--json")
    assert code == 0, err
    payload = json.loads(out)
    expected = thresholds.run_pick(thresholds.parse_pick(pick), oof.y_train, oof.oof_scores)
    assert payload["pick"]["key"] == key and payload["threshold"] == expected.threshold
    band = payload["threshold_uncertainty"]["picks"][key]
    assert band["threshold"] == expected.threshold
    assert band["threshold_lo"] <= band["threshold"] <= band["threshold_hi"]
    assert payload["threshold_uncertainty"]["n_boot"] == 60
    assert "likelihood_ratios" in payload


def test_every_registered_picker_is_named_in_the_help(capsys):
    from imbalance_core.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command" or getattr(a, "choices", None))
    for command in ("evaluate", "report"):
        text = sub.choices[command].format_help()  # a bare '%' in a help string would raise here
        for key in thresholds.PICKERS:
            assert key in text
        assert "top:5%" in text and "--pretest" in text


def test_report_page_command_carries_the_pretest():
    from imbalance_core.cli import build_parser, command_lines
    from imbalance_core.intake.task import TaskSpec
    from imbalance_core.learn.training import TrainSettings

    spec = TaskSpec(label="y", positive=("1",))
    line = command_lines.report_command("f.csv", spec, TrainSettings(), 0.3, 0.05, pretest=0.1)
    assert "--pretest 0.1" in line
    argv = line.split()[3:]  # after 'python -m imbalance_core'
    assert build_parser().parse_args(argv).pretest == 0.1
