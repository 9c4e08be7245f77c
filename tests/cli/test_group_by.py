"""CLI --group-by: auto picks the repeating ID column, none splits by row, the page's line round-trips."""

from __future__ import annotations

import shlex

from imbalance_core import cli
from imbalance_core.cli import command_lines
from imbalance_core.cli.options import settings_from_args
from imbalance_core.learn.training import TrainSettings
from tests.learn.test_splitting import diabetes_head


def _args(*extra: str):
    return cli.build_parser().parse_args(
        ["evaluate", "x.csv", "--label", "readmitted", "--sampler", "none", "--classifier", "logreg", *extra]
    )


def test_auto_none_and_named() -> None:
    data = diabetes_head()
    assert settings_from_args(_args(), "none", "logreg", data).group_by == "patient_nbr"
    assert settings_from_args(_args("--group-by", "none"), "none", "logreg", data).group_by == ""
    named = settings_from_args(_args("--group-by", "patient_nbr"), "none", "logreg", data)
    assert named.group_by == "patient_nbr"
    assert settings_from_args(_args(), "none", "logreg", None).group_by == ""


def test_page_command_line_parses_back() -> None:
    settings = TrainSettings(group_by="patient_nbr")
    flags = command_lines.training_args(settings)
    assert flags[flags.index("--group-by") + 1] == "patient_nbr"
    args = _args(*shlex.split(shlex.join(flags)))
    assert settings_from_args(args, "none", "logreg", diabetes_head()).group_by == "patient_nbr"


def test_a_page_split_by_row_prints_none_so_auto_does_not_group_the_cli_run() -> None:
    """Split by patient turned off on the page: the line must not fall back to the CLI's 'auto'."""
    flags = command_lines.training_args(TrainSettings(group_by=""))
    assert flags[flags.index("--group-by") + 1] == "none"
    args = _args(*shlex.split(shlex.join(flags)))
    assert settings_from_args(args, "none", "logreg", diabetes_head()).group_by == ""
