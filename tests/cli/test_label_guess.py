"""CLI: ``profile`` without ``--label`` guesses label and positive with reasons; code labels with several
positive codes, a prefix (``'E1*'``), ``--group-prefix`` / ``--group-rare``; the page's command lines carry
the grouping and parse back to the same task."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core import cli
from imbalance_core.cli import command_lines, main
from imbalance_core.cli.options import spec_from_args
from imbalance_core.errors import DataError
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import MAX_CLASSES, TaskSpec, prepare
from imbalance_core.learn.training import TrainSettings
from tests.intake.test_label_guess import ckd_clinic, icd_codes, thyroid_export


def _csv(frame: pd.DataFrame, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_profile_without_label_prints_guess_and_reasons(tmp_path: Path, capsys) -> None:
    path = _csv(thyroid_export(), tmp_path, "thyroid.csv")
    assert main(["profile", str(path)]) == 0
    out = capsys.readouterr().out
    assert "label (guessed): diagnosis" in out
    assert "positive (guessed): " in out and "why: 'negative' reads as no disease" in out
    assert "TBG_measured" in out  # passed over, said


def test_profile_json_carries_label_and_positive_with_reasons(tmp_path: Path, capsys) -> None:
    frame = ckd_clinic()
    path = _csv(frame, tmp_path, "ckd.csv")
    assert main(["profile", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["label"] == "classification" and out["label_guessed"] is True
    assert out["positive"] == ["ckd"] and out["positive_guessed"] is True
    assert out["label_reasons"] and any("majority" in r for r in out["positive_reasons"])
    assert out["task_classes"]["ckd"] == int((frame["classification"] == "ckd").sum()) == 250


def test_profile_given_label_and_positive_is_not_guessed(tmp_path: Path, capsys) -> None:
    path = _csv(ckd_clinic(), tmp_path, "ckd.csv")
    assert main(["profile", str(path), "--label", "htn", "--positive", "no", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["label"], out["positive"], out["label_guessed"], out["positive_guessed"]) == (
        "htn",
        ["no"],
        False,
        False,
    )


def test_profile_unusable_file_exits_2_with_a_sentence(tmp_path: Path, capsys) -> None:
    frame = pd.DataFrame({"outcome": ["yes"] * 50, "crp": np.linspace(0, 1, 50)})
    assert main(["profile", str(_csv(frame, tmp_path, "one.csv"))]) == 2
    err = capsys.readouterr().err
    assert "No column can be the label" in err and "Traceback" not in err


def test_code_label_positive_prefix_counts_match_hand_count(tmp_path: Path, capsys) -> None:
    frame = icd_codes()
    path = _csv(frame, tmp_path, "icd.csv")
    assert frame["dx"].nunique() > MAX_CLASSES
    assert main(["profile", str(path), "--label", "dx", "--positive", "E1*", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    n_e1 = int(frame["dx"].str.startswith("E1").sum())
    assert out["task_classes"][out["positive_name"]] == n_e1
    assert sorted(out["positive"]) == sorted(v for v in frame["dx"].unique() if v.startswith("E1"))
    # several codes given one by one and by commas
    assert (
        main(["profile", str(path), "--label", "dx", "--positive", "I10,I48", "--positive", "J44", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["task_classes"][out["positive_name"]] == int(frame["dx"].isin(["I10", "I48", "J44"]).sum())


def test_multiclass_code_label_is_capped_with_a_grouping_hint(tmp_path: Path) -> None:
    table = read_table(_csv(icd_codes(), tmp_path, "icd.csv"))
    with pytest.raises(DataError, match=r"at most 20.*Group the codes"):
        prepare(table, TaskSpec(label="dx", multiclass=True))


def test_group_prefix_and_rare_match_hand_counts(tmp_path: Path, capsys) -> None:
    frame = icd_codes()
    path = _csv(frame, tmp_path, "icd.csv")
    assert main(["profile", str(path), "--label", "dx", "--multiclass", "--group-prefix", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["task_classes"] == frame["dx"].str[:1].value_counts().sort_index().to_dict()
    assert main(["profile", str(path), "--label", "dx", "--multiclass", "--group-rare", "12", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    counts = frame["dx"].value_counts()
    expected = counts[counts >= 12].to_dict() | {"other": int(counts[counts < 12].sum())}
    assert out["task_classes"] == dict(sorted(expected.items()))


def test_grouping_flags_round_trip_through_the_page_command(tmp_path: Path) -> None:
    table = read_table(_csv(icd_codes(), tmp_path, "icd.csv"))
    spec = TaskSpec(label="dx", positive=("E", "I"), group_prefix=1, group_rare=3)
    line = command_lines.evaluate_command("icd.csv", spec, TrainSettings(), 0.5, 0.1)
    assert "--group-prefix 1" in line and "--group-rare 3" in line
    args = cli.build_parser().parse_args(shlex.split(line)[3:])
    assert spec_from_args(args, table) == spec
    data = prepare(table, spec_from_args(args, table))
    assert int(data.y.sum()) == int(icd_codes()["dx"].str[:1].isin(["E", "I"]).sum())


@pytest.mark.parametrize("bad", ["-1", "x"])
def test_grouping_flags_refuse_bad_numbers(bad: str, tmp_path: Path, capsys) -> None:
    path = _csv(icd_codes(), tmp_path, "icd.csv")
    assert main(["profile", str(path), "--label", "dx", "--group-rare", bad]) == 2
    assert "--group-rare" in capsys.readouterr().err
