"""Issue 24 on the command line: profile prints label marks, copies and columns recorded after the outcome;
--none-code / --missing-code / --duplicates change the rows used; a wrong mark is one sentence, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from imbalance_core.cli import main
from tests.intake.test_right_patients import (
    N,
    dash_diagnosis_codes,
    heart_failure_followup,
    screening_with_copies,
)


def _write(tmp_path: Path, name: str, frame) -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_profile_prints_after_outcome_and_the_guessed_label(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, "hf.csv", heart_failure_followup())
    assert main(["profile", path]) == 0
    out = capsys.readouterr().out
    assert "label (guessed): DEATH_EVENT" in out and "comorbidity flags" in out
    assert "after the outcome?: Column 'time'" in out and "--exclude time" in out
    assert "patient ID" not in out  # creatinine_phosphokinase is no ID


def test_profile_none_and_missing_code(tmp_path: Path, capsys) -> None:
    frame = dash_diagnosis_codes()
    path = _write(tmp_path, "dx.csv", frame)
    assert main(["profile", path, "--label", "dx_code", "--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["rows"] == N and "class of its own" in default["label_marks"][0]
    assert (
        main(["profile", path, "--label", "dx_code", "--missing-code", "-", "--positive", "K", "--json"]) == 0
    )
    missing = json.loads(capsys.readouterr().out)
    assert missing["rows"] == int((frame["dx_code"] != "-").sum())
    assert main(["profile", path, "--label", "dx_code", "--none-code", "?"]) == 2
    err = capsys.readouterr().err
    assert "no cell written as '?'" in err and "Traceback" not in err


def test_duplicates_drop_on_the_command_line(tmp_path: Path, capsys) -> None:
    frame = screening_with_copies()
    path = _write(tmp_path, "screen.csv", frame)
    n_copies = int(frame.duplicated().sum())
    assert main(["profile", path, "--label", "result", "--json"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert kept["rows"] == N and kept["duplicated_rows"] == n_copies
    assert "kept together" in kept["duplicates_text"]
    assert main(["profile", path, "--label", "result", "--duplicates", "drop", "--json"]) == 0
    dropped = json.loads(capsys.readouterr().out)
    assert dropped["rows"] == N - n_copies and dropped["dropped_rows"]["exact duplicate rows"] == n_copies
