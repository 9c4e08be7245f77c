"""CLI ``evaluate --validation / --tune``: the JSON equals the library run in-process; plain errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from imbalance_core.cli import build_parser, main
from imbalance_core.cli.options import load_prepared, settings_from_args
from imbalance_core.evaluation.optimism import MEASURES
from imbalance_core.learn.internal_validation import ValidationSettings, validate
from imbalance_core.learn.training import split_indices, train
from imbalance_core.learn.tuning import TuneSpec, tune
from tests.cli.hcv_evaluate import HCV, TASK

FAST = ["--sampler", "none", "--classifier", "logreg", "--cv", "3", "--seed", "2"]


def _run(capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["evaluate", HCV, *TASK, *FAST, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_bootstrap_json_equals_the_library_and_states_the_choice(capsys):
    code, out, _ = _run(capsys, "--validation", "auto", "--bootstrap-b", "3", "--json")
    assert code == 0
    block = json.loads(out)["internal_validation"]
    assert block["method"] == "bootstrap" and "75 events, fewer than 200" in block["reason"]
    assert block["replicates"] == 3 and set(block["measures"]) == set(MEASURES)
    assert "hold-out split" in block["other_sections"]
    args = build_parser().parse_args(["evaluate", HCV, *TASK, *FAST])
    data = load_prepared(args)
    direct = validate(data, settings_from_args(args, "none", "logreg", data), ValidationSettings(n_boot=3))
    for key in MEASURES:
        row, mine = block["measures"][key], direct.measure(key)
        assert row["corrected"] == pytest.approx(mine.corrected, abs=1e-12)
        assert row["optimism"] == pytest.approx(mine.optimism, abs=1e-12)
    stability = block["stability"]
    assert stability["models"] == 3 and 0 <= stability["flip_share"] <= 1
    assert "would be classified differently" in stability["sentence"] or "No patient" in stability["sentence"]


def test_text_output_shows_the_table_and_the_reason(capsys):
    code, out, _ = _run(capsys, "--validation", "repeated-cv", "--cv-repeats", "1")
    assert code == 0
    assert "Repeated stratified cross-validation: 3 folds x 1 repeats" in out
    assert "apparent  optimism corrected" in out
    assert "Calibration slope" in out and "nan" not in out.split("internal validation:")[1]


def test_tune_chooses_on_the_training_part_and_the_model_uses_it(capsys, tmp_path):
    scores = tmp_path / "scores.csv"
    code, out, _ = _run(capsys, "--tune", "--json", "--scores-out", str(scores))
    assert code == 0
    payload = json.loads(out)
    chosen = payload["tuning"]["chosen"]["params"]
    args = build_parser().parse_args(["evaluate", HCV, *TASK, *FAST])
    data = load_prepared(args)
    base = settings_from_args(args, "none", "logreg", data)
    train_idx, _ = split_indices(data, base)
    direct = tune(data, base, train_idx, TuneSpec(seed=2))
    assert chosen == dict(direct.chosen.params)
    assert payload["tuning"]["tried"] == 4 and payload["tuning"]["scoring"] == "pr_auc"
    written = pd.read_csv(scores)["score"].to_numpy()
    np.testing.assert_allclose(written, train(data, direct.settings).test_scores, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "flags, says",
    [
        (["--validation", "bootstrap", "--bootstrap-b", "1"], "--bootstrap-b needs at least 2"),
        (["--validation", "bootstrap", "--pick", "magic"], "picker"),
    ],
)
def test_bad_validation_flags_exit_2_with_one_sentence(capsys, flags, says):
    code, _out, err = _run(capsys, *flags)
    assert code == 2 and says in err and "Traceback" not in err


def test_multiclass_validation_is_refused(capsys):
    flags = [
        "--label",
        "Category",
        "--multiclass",
        "--sampler",
        "none",
        "--classifier",
        "logreg",
        "--cv",
        "3",
    ]
    code = main(["evaluate", HCV, *flags, "--validation", "bootstrap", "--bootstrap-b", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "two-class" in err
