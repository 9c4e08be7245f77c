"""``--pretest`` is declared once (cli/arguments.add_pretest) and behaves the same in ``evaluate`` and
``report``: the same values pass, the same are refused with one sentence and exit 2, the same help."""

from __future__ import annotations

import argparse
import re

import pytest

from imbalance_core.cli import build_parser, main
from tests.cli.hcv_evaluate import HCV, MODEL, TASK

#: The smallest argument list of each command, before ``--pretest``.
COMMANDS = {
    "evaluate": ["evaluate", HCV, *TASK, *MODEL],
    "report": ["report", HCV, *TASK, *MODEL, "--out", "never-written.pdf"],
}


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[command]


def _pretest_action(command: str) -> argparse.Action:
    return next(a for a in _subparser(command)._actions if "--pretest" in a.option_strings)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("text", ["0.1", "0.5", "1e-3", "0.999", " 0.25"])
def test_both_commands_accept_the_same_values(command: str, text: str) -> None:
    args = build_parser().parse_args([*COMMANDS[command], "--pretest", text])
    assert args.pretest == float(text)


@pytest.mark.parametrize("command", COMMANDS)
def test_without_the_flag_both_fall_back_to_the_prevalence(command: str) -> None:
    assert build_parser().parse_args(COMMANDS[command]).pretest is None  # then --prevalence, then hold-out


@pytest.mark.parametrize("text", ["0", "1", "-0.1", "abc", "nan", "inf", "1.5", ""])
def test_both_commands_refuse_the_same_values_in_one_sentence(capsys, text: str) -> None:
    errors = []
    for command, argv in COMMANDS.items():
        assert main([*argv, "--pretest", text]) == 2, command
        captured = capsys.readouterr()
        err = captured.err
        assert captured.out == "" and err.count("\n") == 1 and "Traceback" not in err, (command, err)
        assert "--pretest" in err and "usage:" not in err, (command, err)
        errors.append(err)
    assert errors[0] == errors[1]


def _help_paragraph(command: str) -> str:
    """The ``--pretest`` entry of the command's ``--help``, whitespace folded (argparse wraps lines)."""
    text = _subparser(command).format_help()
    match = re.search(r"\n\s+--pretest P\s+(.*?)(?=\n {2}-|\n\n|\Z)", text, re.S)
    assert match, text
    return " ".join(match.group(1).split())


def test_help_shows_the_same_wording_for_the_flag() -> None:
    evaluate, report = _help_paragraph("evaluate"), _help_paragraph("report")
    assert evaluate == report
    assert "default" in evaluate and "--prevalence" in evaluate and "hold-out" in evaluate
    assert _pretest_action("evaluate").type is _pretest_action("report").type


def test_declared_once() -> None:
    from pathlib import Path

    cli = Path(__file__).resolve().parents[2] / "imbalance_core" / "cli"
    declares = re.compile(r"add_argument\(\s*\"--pretest\"")
    found = {p.name: len(declares.findall(p.read_text(encoding="utf-8"))) for p in cli.glob("*.py")}
    assert {name: n for name, n in found.items() if n} == {"arguments.py": 1}
