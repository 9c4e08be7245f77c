"""``python -m imbalance_core profile``: JSON output, text output, exit 2 with one sentence on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from imbalance_core.cli import build_parser, main
from imbalance_core.intake.bundled import BUNDLED

ROOT = BUNDLED["hcv"].path.parents[1]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imbalance_core", "profile", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_json_output_for_pima(capsys):
    path = BUNDLED["pima"].path
    assert main(["profile", str(path), "--label", "Outcome", "--positive", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    counts = pd.read_csv(path)["Outcome"].value_counts()
    assert out["rows"] == len(pd.read_csv(path)) == 768
    assert out["columns"] == 9
    assert out["label"] == "Outcome"
    assert out["classes"] == {str(k): int(v) for k, v in counts.items()}
    assert out["positive"] == ["1"]
    assert out["imbalance_ratio"] == pytest.approx(counts.max() / counts.min())
    assert out["excluded"] == {}
    assert isinstance(out["warnings"], list)


def test_json_hcv_with_several_positive_values_and_ignore(capsys):
    spec = BUNDLED["hcv"].default_spec
    argv = ["profile", str(BUNDLED["hcv"].path), "--label", "Category", "--json"]
    argv += [a for v in spec.positive for a in ("--positive", v)]
    argv += ["--ignore", spec.ignore[0]]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"] == 608
    assert out["positive"] == list(spec.positive)
    assert out["imbalance_ratio"] == pytest.approx(533 / 75)
    assert "unnamed_1" in out["excluded"]


def test_text_output(capsys):
    assert main(["profile", str(BUNDLED["ilpd"].path), "--label", "Dataset"]) == 0
    text = capsys.readouterr().out
    assert "imbalance ratio" in text and "416" in text and "167" in text


def test_default_positive_is_rarest(bad_cases, capsys):
    assert main(["profile", str(bad_cases / "too_few_minority.csv"), "--label", "infection", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["positive"] == ["1"]
    assert any("SMOTE" in w for w in out["warnings"])


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("empty.csv", "infection"),
        ("excel_renamed.csv", "infection"),
        ("continuous_label.csv", "infection"),
        ("label_one_class.csv", "infection"),
        ("ok_reference.csv", "no_such_column"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(bad_cases, name, label, capsys):
    assert main(["profile", str(bad_cases / name), "--label", label]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_real_process_exit_code_and_no_traceback(bad_cases):
    done = _run(str(bad_cases / "binary_garbage.csv"), "--label", "infection")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "not a readable text table" in done.stderr
    ok = _run(str(bad_cases / "semicolon_decimal_comma.csv"), "--label", "infection", "--json")
    assert ok.returncode == 0, ok.stderr
    assert (
        json.loads(ok.stdout)["classes"]
        == json.loads(_run(str(bad_cases / "ok_reference.csv"), "--label", "infection", "--json").stdout)[
            "classes"
        ]
    )


def test_profile_subcommand_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert "profile" in sub.choices
    assert sub.choices["profile"].description
    helps = {a.dest: a.help for a in sub.choices["profile"]._actions}
    assert all(helps[d] for d in ("label", "positive", "json"))


# --------------------------------------------------------------------------- --zero-missing

PIMA_DOCUMENTED = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")


def test_profile_flags_pima_zeros_and_zero_missing_reads_them_as_missing(capsys):
    path = str(BUNDLED["pima"].path)
    raw = pd.read_csv(path)
    assert main(["profile", path, "--label", "Outcome", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {z["column"] for z in out["suspect_zeros"]} == set(PIMA_DOCUMENTED)
    assert sum("look like 'not measured'" in w for w in out["warnings"]) == 5
    argv = ["profile", path, "--label", "Outcome", "--json", "--zero-missing", "Glucose", "--zero-missing"]
    assert main([*argv, "Insulin,BMI"]) == 0  # repeated and comma-separated
    out = json.loads(capsys.readouterr().out)
    chosen = {z["column"] for z in out["suspect_zeros"] if z["chosen"]}
    assert chosen == {"Glucose", "Insulin", "BMI"}
    quality = {q["name"]: q for q in out["quality"]}
    for col in PIMA_DOCUMENTED:
        expected = int((raw[col] == 0).sum()) if col in chosen else 0
        assert quality[col]["zeros_as_missing"] == expected
    assert sum("look like 'not measured'" in w for w in out["warnings"]) == 2


def test_zero_missing_with_an_unknown_column_exits_2(capsys):
    path = str(BUNDLED["pima"].path)
    assert main(["profile", path, "--label", "Outcome", "--zero-missing", "Glucoze"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'Glucoze'" in err[0]


def test_shared_data_args_carry_zero_missing_into_prepare():
    """evaluate, compare (and report) parse the data flags with ``add_data_args``."""
    from imbalance_core.cli.options import load_prepared

    path = str(BUNDLED["pima"].path)
    raw = pd.read_csv(path)
    argv = ["evaluate", path, "--label", "Outcome", "--sampler", "none", "--classifier", "logreg"]
    args = build_parser().parse_args([*argv, "--zero-missing", "Insulin", "--zero-missing", "BMI,Glucose"])
    data = load_prepared(args)
    assert data.zero_missing_counts == {c: int((raw[c] == 0).sum()) for c in ("Insulin", "BMI", "Glucose")}
    assert int(data.X["Insulin"].isna().sum()) == int((raw["Insulin"] == 0).sum())
    plain = load_prepared(build_parser().parse_args(argv))
    assert plain.zero_missing_counts == {} and int(plain.X["Insulin"].isna().sum()) == 0
