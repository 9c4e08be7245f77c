"""The command lines the pages show parse back, with the CLI's own parser, to the same task and settings."""

from __future__ import annotations

import shlex
from dataclasses import replace

import pytest

from imbalance_core import cli
from imbalance_core.cli import command_lines
from imbalance_core.cli.options import parse_ratio, settings_from_args, spec_from_args
from imbalance_core.intake import bundled
from imbalance_core.intake.task import TaskSpec
from imbalance_core.learn.training import TrainSettings


@pytest.fixture(scope="module")
def hcv_table():
    return bundled.load_bundled("hcv")


SPEC = TaskSpec(
    label="Category",
    positive=("1=Hepatitis", "2=Fibrosis"),
    ignore=("0s=suspect Blood Donor",),
    include=("unnamed_1",),
    exclude=("Sex",),
    zero_missing=("ALB", "CHE"),
)
SETTINGS = TrainSettings(
    sampler="smote",
    ratio=1 / 3,
    clip=False,
    clip_bounds=(("ALB", 10.0, 80.5),),
    weighting="custom",
    custom_weights=(1.0, 7.5),
    classifier="random_forest",
    params=(("n_estimators", "50"),),
    cv=4,
    test_size=0.3,
    seed=11,
)


def _parse(line: str):
    argv = shlex.split(line)
    assert argv[:3] == ["python", "-m", "imbalance_core"]
    return cli.build_parser().parse_args(argv[3:])


def test_evaluate_command_round_trips_every_task_and_training_setting(hcv_table):
    line = command_lines.evaluate_command("data/my file.csv", SPEC, SETTINGS, 0.123456789012, 0.02)
    args = _parse(line)
    assert args.command == "evaluate" and args.file == "data/my file.csv"
    assert spec_from_args(args, hcv_table) == SPEC
    assert settings_from_args(args, args.sampler, args.classifier) == SETTINGS
    assert args.threshold == 0.123456789012 and args.prevalence == 0.02


def test_defaults_give_a_short_line(hcv_table):
    spec = TaskSpec(label="Category")
    line = command_lines.evaluate_command("f.csv", spec, TrainSettings(), 0.5, 0.1)
    assert line == (
        "python -m imbalance_core evaluate f.csv --label Category --sampler none --classifier logreg "
        "--group-by none --threshold 0.5 --prevalence 0.1"
    )
    args = _parse(line)
    assert spec_from_args(args, hcv_table) == spec
    assert settings_from_args(args, args.sampler, args.classifier) == TrainSettings()


def test_project_command_round_trips_what_the_picture_depends_on(hcv_table):
    params = {"n_neighbors": 30, "min_dist": 0.25, "n_epochs": 500}
    line = command_lines.project_command("f.csv", SPEC, SETTINGS, "umap", 2, params)
    args = _parse(line)
    assert args.command == "project" and args.method == "umap"
    assert spec_from_args(args, hcv_table) == SPEC
    got = settings_from_args(args, args.sampler, args.classifier)
    # the picture depends on the split, the sampler and the seed, not on the classifier
    resampling = ("sampler", "ratio", "clip", "clip_bounds", "test_size", "seed")
    assert {f: getattr(got, f) for f in resampling} == {f: getattr(SETTINGS, f) for f in resampling}
    assert (int(args.n_neighbors), float(args.min_dist), int(args.n_epochs)) == (30, 0.25, 500)
    assert "--classifier" not in line and "--param" not in line
    pca = _parse(command_lines.project_command("f.csv", SPEC, replace(SETTINGS, ratio=1.0), "pca", 3))
    assert pca.method == "pca" and pca.dims == "3" and pca.ratio == 1.0


@pytest.mark.parametrize("ratio", [1.0, 0.5, 1 / 3, 0.25, 0.3, 0.1234567])
def test_ratio_text_parses_back_to_the_same_float(ratio):
    assert parse_ratio(command_lines.ratio_text(ratio)) == ratio


def test_file_argument_names_bundled_files_by_their_path_and_uploads_by_name():
    path = command_lines.file_argument("bundled:hcv", "ignored.csv")
    assert (command_lines.ROOT / path).resolve() == bundled.BUNDLED["hcv"].path.resolve()
    assert command_lines.file_argument("upload:abc", "labs.csv") == "labs.csv"


def test_label_marks_and_duplicates_chosen_on_the_page_are_in_the_command(hcv_table):
    # issue 24: "-" read as its own class, "." as missing, duplicate rows dropped: the printed line repeats
    # these choices (before, the command silently fell back to the defaults).
    spec = replace(SPEC, none_marks=("-",), missing_marks=(".",), duplicates="drop")
    args = _parse(command_lines.evaluate_command("my.csv", spec, SETTINGS, 0.2, 0.05))
    assert args.none_code == ["-"] and args.missing_code == ["."] and args.duplicates == "drop"
    dropped = replace(SPEC, duplicates="drop")  # (HCV has no '-' marks for spec_from_args to accept)
    back = _parse(command_lines.evaluate_command("my.csv", dropped, SETTINGS, 0.2, 0.05))
    assert spec_from_args(back, hcv_table) == dropped
    plain = _parse(command_lines.evaluate_command("my.csv", SPEC, SETTINGS, 0.2, 0.05))
    assert plain.none_code == [] and plain.duplicates == "together"
