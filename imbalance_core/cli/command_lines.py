"""The ``python -m imbalance_core`` line that reproduces what a page shows.

Why: every result of the app must be reproducible from a script. The pages show the exact command for
the current data, task and settings (Threshold: ``evaluate``; Explore: ``project``); these builders are
the single place that turns a :class:`~imbalance_core.intake.task.TaskSpec` and a
:class:`~imbalance_core.learn.training.TrainSettings` back into flags, so a new setting cannot be forgotten
on one page and remembered on another. Tests parse the lines with the CLI's own parser.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from imbalance_core.intake import bundled
from imbalance_core.intake.task import TaskSpec
from imbalance_core.learn.training import TrainSettings
from imbalance_core.learn.tuning import TuneSpec

#: Where ``python -m imbalance_core`` is run from (the checkout), for bundled files' relative paths.
ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ("python", "-m", "imbalance_core")


def file_argument(source: str, file_name: str) -> str:
    """FILE for the CLI: a bundled set's path relative to the checkout, else the uploaded file's name.

    source: the app's data source tag, ``"bundled:<key>"``, ``"images:<word>"`` (the bundled image set,
    which the CLI names by that word, e.g. ``pneumoniamnist``) or anything else for an upload.
    """
    kind, _, key = source.partition(":")
    if kind == "images" and key:
        return key
    if kind == "bundled" and key in bundled.BUNDLED:
        path = bundled.BUNDLED[key].path
        return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    return file_name


def with_extractor(line: str, extractor: str | None) -> str:
    """``line`` with ``--extractor KEY`` appended for image data (None: a table, unchanged).

    The page's features came from that extractor; without the flag the CLI would use the default one
    and print other numbers.
    """
    return line if not extractor else f"{line} {shlex.join(['--extractor', extractor])}"


def ratio_text(ratio: float) -> str:
    """A ratio as "1:3" when it is 1/k for a whole k (parsed back to the same float), else its exact repr."""
    k = 1.0 / ratio
    if abs(k - round(k)) < 1e-9 and 1.0 / round(k) == ratio:
        return f"1:{round(k)}"
    return repr(float(ratio))


def task_args(file_arg: str, spec: TaskSpec) -> list[str]:
    """FILE and the task flags: label, positive and ignored values, multi-class, columns put back or left
    out, zeros read as missing, label marks read as a class or as missing, duplicates dropped."""
    args = [file_arg, "--label", spec.label]
    for flag, values in (
        ("--positive", spec.positive),
        ("--ignore", spec.ignore),
        ("--zero-missing", spec.zero_missing),
        ("--include", spec.include),
        ("--exclude", spec.exclude),
        ("--none-code", spec.none_marks),
        ("--missing-code", spec.missing_marks),
    ):
        for value in values:
            args += [flag, str(value)]
    if spec.multiclass:
        args.append("--multiclass")
    if spec.duplicates != "together":  # the default
        args += ["--duplicates", spec.duplicates]
    for flag, number in (("--group-prefix", spec.group_prefix), ("--group-rare", spec.group_rare)):
        if number:
            args += [flag, str(number)]
    return args


def training_args(settings: TrainSettings, *, classifier: bool = True) -> list[str]:
    """Flags for every training setting that differs from the default (sampler and classifier always).

    classifier=False leaves out ``--classifier`` and ``--param`` (the ``project`` command resamples only).
    """
    defaults = TrainSettings()
    args = ["--sampler", settings.sampler]
    if classifier:
        args += ["--classifier", settings.classifier]
    optional: tuple[tuple[str, bool, str], ...] = (
        ("--ratio", settings.ratio != defaults.ratio, ratio_text(settings.ratio)),
        ("--weighting", classifier and settings.weighting != defaults.weighting, settings.weighting),
        ("--tradeoff", classifier and settings.weighting == "tradeoff", f"{settings.tradeoff:g}"),
        (
            "--class-weights",
            classifier and settings.weighting == "custom",
            ",".join(f"{w:g}" for w in settings.custom_weights),
        ),
        ("--cv", classifier and settings.cv != defaults.cv, str(settings.cv)),
        ("--test-size", settings.test_size != defaults.test_size, f"{settings.test_size:g}"),
        ("--seed", settings.seed != defaults.seed, str(settings.seed)),
        # always said: the CLI's default 'auto' groups by a repeating ID column, so a page split by row
        # on such data must print 'none' for the command to reproduce it
        ("--group-by", True, settings.group_by or "none"),
        ("--recalibrate", classifier and settings.recalibrate != defaults.recalibrate, settings.recalibrate),
    )
    for flag, wanted, value in optional:
        if wanted:
            args += [flag, value]
    if not settings.clip:
        args.append("--no-clip")
    for column, low, high in settings.clip_bounds:
        args += ["--clip-bound", f"{column}:{low:g}:{high:g}"]
    if classifier:
        for name, value in settings.params:
            args += ["--param", f"{name}={value}"]
    if settings.sampler == "augment":
        args += augment_args(settings.augment)
    return args


#: ``TrainSettings.augment`` names -> the ``--augment-*`` flags of the CLI (``cli.images.add_augment_args``).
AUGMENT_FLAGS = {
    "max_rotation": "--augment-rotation",
    "max_shift": "--augment-shift",
    "brightness": "--augment-brightness",
    "contrast": "--augment-contrast",
}


def augment_args(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    """The ``--augment-*`` flags for the augmentation settings that differ from the chest X-ray defaults."""
    from imbalance_core.images.augment import CHEST_XRAY  # the image room only when augmenting

    args: list[str] = []
    for name, value in pairs:
        if name == "flip":
            args += ["--augment-flip"] if value else []
        elif name in AUGMENT_FLAGS and float(value) != float(getattr(CHEST_XRAY, name)):
            args += [AUGMENT_FLAGS[name], f"{float(value):g}"]
    return args


def evaluate_command(
    file_arg: str,
    spec: TaskSpec,
    settings: TrainSettings,
    threshold: float,
    prevalence: float,
    one_vs_rest: str | None = None,
    rule: tuple[float, float] | None = None,
) -> str:
    """The ``evaluate`` line that retrains this model and reports it at ``threshold``.

    ``rule``: a rule-out / rule-in pair, written exactly as ``--rule-out T1 --rule-in T2``.

    The threshold is written exactly (shortest repr): rounding could move it past a patient's score.
    ``one_vs_rest`` (multi-class tasks): the class judged against the rest, whose 2x2 table the CLI then
    prints at the threshold and prevalence (without it a multi-class run ignores both).
    """
    args = [*PROGRAM, "evaluate", *task_args(file_arg, spec), *training_args(settings)]
    if one_vs_rest is not None:
        args += ["--one-vs-rest", str(one_vs_rest)]
    args += ["--threshold", repr(float(threshold)), "--prevalence", f"{prevalence:.6g}"]
    if rule is not None:
        args += ["--rule-out", repr(float(rule[0])), "--rule-in", repr(float(rule[1]))]
    return shlex.join(args)


def project_command(
    file_arg: str,
    spec: TaskSpec,
    settings: TrainSettings,
    method: str,
    n_components: int = 2,
    params: Mapping[str, Any] | None = None,
    extra: Sequence[str] = (),
) -> str:
    """The ``project`` line that draws the same Explore picture (same split, sampler, map and seed)."""
    args = [*PROGRAM, "project", *task_args(file_arg, spec), *training_args(settings, classifier=False)]
    args += ["--method", method]
    if method == "pca" and n_components != 2:
        args += ["--dims", str(n_components)]
    for name, value in sorted((params or {}).items()):
        args += [f"--{name.replace('_', '-')}", f"{value:g}" if isinstance(value, float) else str(value)]
    args += list(extra)
    return shlex.join(args)


def validate_command(
    model_name: str,
    file_name: str,
    label: str | None,
    positive: Sequence[str] = (),
    development: str | None = None,
) -> str:
    """The ``validate`` line for the Validate page: the model file, the new file, its outcome column
    (none: an unlabelled batch), the positive values and the optional development file."""
    args = [*PROGRAM, "validate", model_name, file_name]
    if label:
        args += ["--label", label]
        args += [a for value in positive for a in ("--positive", str(value))]
    if development:
        args += ["--development", development]
    return shlex.join(args)


def train_command(file_arg: str, spec: TaskSpec, settings: TrainSettings, threshold: float | None) -> str:
    """The Train page's twin: ``evaluate --json`` for this model, its CV summary and hold-out at the
    model's threshold.

    ``threshold`` None: the model's default (the Youden pick on cross-validated training scores), which
    ``evaluate`` uses without ``--threshold`` and names the same way; else the committed value, exactly.
    """
    args = [*PROGRAM, "evaluate", *task_args(file_arg, spec), *training_args(settings)]
    if threshold is not None:
        args += ["--threshold", repr(float(threshold))]
    return shlex.join([*args, "--json"])


def compare_command(
    file_arg: str,
    spec: TaskSpec,
    settings: TrainSettings,
    samplers: Sequence[str],
    classifiers: Sequence[str],
    threshold: float | None = None,
    tune: TuneSpec | None = None,
) -> str:
    """The Compare page's twin: ``compare --json`` over the same grid, at each pair's own default
    (``threshold`` None) or at the one threshold the person typed; ``--tune`` when each pair is tuned.

    The shared settings are the base settings' (ratio, weighting, clipping, folds, test share, seed,
    recalibration, split); classifier parameters apply to the first classifier only on the command line,
    as in the grid, where they apply to the pairs of the Train page's classifier: written only when that
    classifier comes first.
    """
    if not classifiers or settings.classifier != classifiers[0]:
        settings = replace(settings, params=())
    shared = training_args(settings)[4:]  # without --sampler S --classifier C
    args = [*PROGRAM, "compare", *task_args(file_arg, spec)]
    args += ["--samplers", ",".join(samplers), "--classifiers", ",".join(classifiers), *shared]
    if threshold is not None:
        args += ["--threshold", repr(float(threshold))]
    if tune is not None:
        args.append("--tune")
        if tune.scoring != "pr_auc":
            args += ["--tune-scoring", tune.scoring]
    return shlex.join([*args, "--json"])


def report_command(
    file_arg: str,
    spec: TaskSpec,
    settings: TrainSettings,
    threshold: float | None,
    prevalence: float | None,
    rule: tuple[float, float] | None = None,
    out: str = "report.pdf",
    pretest: float | None = None,
) -> str:
    """The Report page's twin: ``report --json --out report.pdf`` at the report's threshold and prevalence
    (a multi-class model has no threshold: none is written); ``--pretest`` when one was typed."""
    args = [*PROGRAM, "report", *task_args(file_arg, spec), *training_args(settings)]
    if threshold is not None:
        args += ["--threshold", repr(float(threshold))]
    if prevalence is not None:
        args += ["--prevalence", f"{prevalence:.6g}"]
    if rule is not None:
        args += ["--rule-out", repr(float(rule[0])), "--rule-in", repr(float(rule[1]))]
    if pretest is not None:
        args += ["--pretest", f"{pretest:.6g}"]
    return shlex.join([*args, "--out", out, "--json"])


def predict_command(model_name: str, patients_name: str, out: str = "predictions.csv") -> str:
    """The Predict page's twin: ``predict MODEL FILE --out CSV`` (the model file as downloaded from the
    Report page or uploaded here, the patients' file by its name)."""
    return shlex.join([*PROGRAM, "predict", model_name, patients_name, "--out", out])
