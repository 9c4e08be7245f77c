"""evaluate's internal-validation flags and output: ``--validation``, ``--bootstrap-b``, ``--tune``.

    --validation auto|holdout|bootstrap|repeated-cv   (default: not run; the hold-out figures as before)
    --bootstrap-b B        bootstrap samples (default 200)
    --cv-repeats R         repeats of the stratified k-fold for repeated-cv (folds: --cv)
    --tune                 tune hyper-parameters and the sampler's ratio inside the training rows
    --tune-scoring S       pr_auc (default) or log_loss
    --learning-curve       add "would more patients help?" (cross-validated, 20-100 % of the patients)

``auto`` chooses bootstrap below 200 events and hold-out otherwise, and says why. The JSON gets
``internal_validation`` (apparent / optimism / corrected per measure, the stability figures, the tuning
chosen) and, with ``--tune``, ``tuning`` (the values the trained model uses, chosen on its training part).
Documented in docs/INTERNAL_VALIDATION.md.
"""

from __future__ import annotations

import argparse
from typing import Any

from imbalance_core.errors import DataError
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.internal_validation import (
    METHODS,
    N_BOOT,
    OTHER_SECTIONS,
    InternalValidation,
    ValidationSettings,
    choose_method,
    validate,
)
from imbalance_core.learn.training import TrainSettings, split_indices
from imbalance_core.learn.tuning import SCORINGS, TuneResult, TuneSpec, tune


def add_validation_args(parser: argparse.ArgumentParser, extras: bool = True) -> None:
    """Add the internal-validation group; ``extras``: also ``--tune`` and ``--learning-curve`` (evaluate)."""
    g = parser.add_argument_group("internal validation")
    g.add_argument(
        "--validation",
        choices=["auto", *METHODS],
        default=None,
        help="also validate internally, refitting the whole procedure: bootstrap (optimism-corrected), "
        "repeated-cv or holdout; auto = bootstrap below 200 events, else hold-out",
    )
    g.add_argument("--bootstrap-b", type=int, default=N_BOOT, metavar="B",
                   help=f"bootstrap samples for --validation bootstrap (default {N_BOOT})")  # fmt: skip
    g.add_argument("--cv-repeats", type=int, default=5, metavar="R",
                   help="repeats of the k-fold for --validation repeated-cv (default 5)")  # fmt: skip
    if not extras:
        return
    g.add_argument("--tune", action="store_true",
                   help="tune the classifier's main settings and the sampler's ratio by cross-validation "
                        "inside the training rows (and inside every validation sample)")  # fmt: skip
    g.add_argument("--tune-scoring", choices=list(SCORINGS), default="pr_auc",
                   help="what tuning optimises (default pr_auc)")  # fmt: skip
    g.add_argument("--learning-curve", action="store_true",
                   help="add 'would more patients help?' (CV at 20-100 %% of patients)")  # fmt: skip


def _tune_spec(args: argparse.Namespace, seed: int) -> TuneSpec | None:
    if not getattr(args, "tune", False):
        return None
    return TuneSpec(scoring=getattr(args, "tune_scoring", "pr_auc"), seed=seed)


def tuned_settings(
    args: argparse.Namespace, data: PreparedData, settings: TrainSettings
) -> tuple[TrainSettings, TuneResult | None]:
    """With ``--tune``: settings tuned on the training part of the hold-out split only; else as given."""
    spec = _tune_spec(args, settings.seed)
    if spec is None:
        return settings, None
    train_idx, _ = split_indices(data, settings)
    result = tune(data, settings, train_idx, spec)
    return result.settings, result


def _fixed(args: argparse.Namespace) -> float | None:
    value = getattr(args, "threshold", None)
    return None if value is None else float(value)


def run_validation(
    args: argparse.Namespace, data: PreparedData, base: TrainSettings
) -> InternalValidation | None:
    """The internal validation asked for by ``--validation`` (None when not asked for)."""
    requested = getattr(args, "validation", None)
    if requested is None:
        return None
    if len(data.class_names) != 2:
        raise DataError("--validation covers two-class tasks; leave it out for a multi-class model.")
    if int(args.bootstrap_b) < 2 or int(args.cv_repeats) < 1:
        raise DataError("--bootstrap-b needs at least 2 samples and --cv-repeats at least 1.")
    choice = choose_method(data.y, requested, base.classifier)
    settings = ValidationSettings(
        method=choice.method,
        n_boot=int(args.bootstrap_b),
        folds=int(base.cv),
        repeats=int(args.cv_repeats),
        pick=str(getattr(args, "pick", None) or ""),
        tune=_tune_spec(args, base.seed),
        fixed_threshold=_fixed(args),
    )
    reason = choice.reason
    if base.group_by and choice.method != "holdout":
        reason += (
            f" Resampled by row, not by {base.group_by}: one patient's rows can be in a sample and in "
            "the rows it is judged on, which flatters the figures."
        )
    return validate(data, base, settings, scheduler=getattr(args, "scheduler", ""), reason=reason)


def add_validation_output(
    payload: dict[str, Any],
    args: argparse.Namespace,
    data: PreparedData,
    base: TrainSettings,
    tuned: TuneResult | None,
) -> str:
    """Put ``tuning``, ``internal_validation`` (and ``learning_curve``) into ``payload``; return text."""
    text = ""
    if tuned is not None:
        payload["tuning"] = tuned.as_dict()
        text += "\n" + tuning_text(tuned)
    result = run_validation(args, data, base)
    if result is not None:
        payload["internal_validation"] = result.as_dict()
        text += "\n" + validation_text(result)
    if getattr(args, "learning_curve", False):
        from imbalance_core.learn.learning_curve import learning_curve

        curve = learning_curve(data, base, scheduler=getattr(args, "scheduler", ""))
        payload["learning_curve"] = curve.as_dict()
        text += "\n" + curve.text()
    return text


def tuning_text(tuned: TuneResult) -> str:
    """Terminal lines for the tuning of the trained model."""
    name = SCORINGS[tuned.spec.scoring][0]
    return (
        f"tuning ({len(tuned.candidates)} of {tuned.grid_size} grid points, {tuned.spec.folds}-fold CV "
        f"on the training part, {name}): chose {tuned.chosen.label()}"
    )


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def validation_text(result: InternalValidation) -> str:
    """Terminal lines: the scheme and why, apparent / optimism / corrected per measure, stability."""
    lines = [f"internal validation: {result.describe()}", f"  why: {result.reason}",
             f"  threshold rule: {result.threshold_rule()}",
             f"  {'measure':<30} {'apparent':>9} {'optimism':>9} {'corrected':>9}"]  # fmt: skip
    for row in result.as_dict()["measures"].values():
        lines.append(
            f"  {row['name']:<30} {_f(row['apparent']):>9} {_f(row['optimism']):>9} {_f(row['corrected']):>9}"
        )
    if result.caution():
        lines.append(f"  caution: {result.caution()}")
    stability = result.stability()
    if stability is not None:
        lines.append("  stability: " + stability.sentence())
    lines.append(f"  ({result.replicates} replicates on {result.where}, {result.seconds:.1f} s)")
    lines.append(f"  note: {OTHER_SECTIONS}")
    return "\n".join(lines)
