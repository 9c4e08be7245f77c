"""``evaluate``: train one sampler + classifier on a CSV file and judge it on the untouched hold-out set.

    python -m imbalance_core evaluate FILE --label COL --positive VALUE --sampler KEY --classifier KEY
        [--zero-missing COL] [--ratio R] [--weighting W] [--cv K] [--test-size F] [--seed S] [--threshold T]
        [--pick PICKER] [--prevalence P] [--one-vs-rest CLASS] [--scores-out CSV] [--json]

Without ``--threshold`` or ``--pick`` the model's default threshold is used (the Youden pick on the
cross-validated training scores, the app's default); ``--json`` says so as ``threshold`` and
``threshold_origin``.

The argument groups are built by small functions other subcommands reuse: :func:`add_data_args`
(file and task), :func:`add_common_training_args` (everything in ``TrainSettings`` except sampler and
classifier) and :func:`add_threshold_args` (where threshold pickers and prevalence options belong).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imbalance_core.commands import arguments
from imbalance_core.commands.calibration_args import add_calibration_args, add_calibration_output
from imbalance_core.data import LoadedTable, read_table
from imbalance_core.dataset import PreparedData, TaskSpec, label_classes, prepare
from imbalance_core.errors import DataError
from imbalance_core.metrics import binary_table, multiclass_fold_metrics
from imbalance_core.models import CLASSIFIERS, WEIGHTINGS
from imbalance_core.recalibration import RECALIBRATORS
from imbalance_core.samplers import SAMPLERS
from imbalance_core.thresholds import (
    DEFAULT_ORIGIN,
    PICKERS,
    ThresholdPick,
    default_threshold,
    parse_pick,
    run_pick,
    score_curve,
    table_at,
)
from imbalance_core.training import TrainResult, TrainSettings, train

# --------------------------------------------------------------------------- argument groups


def parse_ratio(text: str) -> float:
    """A target minority:majority ratio from "1:3" or "0.333" (argparse type)."""
    try:
        if ":" in text:
            minority, majority = (float(part) for part in text.split(":", 1))
            value = minority / majority
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(
            "write the ratio as minority:majority, e.g. 1:3, or as 0.333"
        ) from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("the ratio must be minority:majority between 0 and 1:1, e.g. 1:3")
    return value


def _param(text: str) -> tuple[str, str]:
    """NAME=VALUE (argparse type)."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("write a classifier setting as NAME=VALUE, e.g. C=0.5")
    return name.strip(), value.strip()


def add_data_args(parser: argparse.ArgumentParser) -> None:
    """FILE and the task: label column, positive values, ignored values, multi-class, zero-missing columns."""
    parser.add_argument("file", metavar="FILE", help="the CSV file to read")
    parser.add_argument("--label", required=True, metavar="COL", help="the label (diagnosis) column")
    parser.add_argument(
        "--positive",
        action="append",
        default=[],
        metavar="VALUE",
        help="label value counted as positive; repeat or separate by commas for several; a value ending "
        "in * is a prefix ('E1*': every code starting with E1) (default: the rarest class)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="VALUE",
        help="label value whose rows are left out; may be repeated or comma-separated",
    )
    parser.add_argument(
        "--multiclass", action="store_true", help="keep every class instead of positive vs rest"
    )
    add_zero_missing_arg(parser)
    add_grouping_args(parser)
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="COL",
        help="put back a column excluded by default (ID-like, constant, label-leaking, ...); may be repeated",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="COL",
        help="leave out a column kept by default; may be repeated",
    )


def add_zero_missing_arg(parser: argparse.ArgumentParser) -> None:
    """``--zero-missing COL``: numeric columns whose zeros mean "not measured" (TaskSpec.zero_missing)."""
    parser.add_argument(
        "--zero-missing",
        action="append",
        default=[],
        metavar="COL",
        help="numeric column in which 0 means 'not measured': its zeros become missing values and are "
        "imputed (the profile flags likely columns); repeat or separate by commas for several",
    )


def _non_negative_int(text: str) -> int:
    """A whole number >= 0 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("write a whole number, e.g. 5 (0 = off)") from None
    if value < 0:
        raise argparse.ArgumentTypeError("write a whole number of 0 or more (0 = off)")
    return value


def add_grouping_args(parser: argparse.ArgumentParser) -> None:
    """``--group-prefix N`` and ``--group-rare N``: grouping of code labels (TaskSpec.group_*)."""
    parser.add_argument(
        "--group-prefix",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="group label codes by their first N characters (1: ICD-10 chapter letter); 0 = off",
    )
    parser.add_argument(
        "--group-rare",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="label values with fewer than N rows become one class 'other'; 0 = off",
    )


def add_model_args(parser: argparse.ArgumentParser, classifier_help: str | None = None) -> None:
    """``--sampler KEY`` (required) and ``--classifier KEY``: required, unless ``classifier_help`` is given
    (then optional with the default classifier and that help text)."""
    parser.add_argument(
        "--sampler",
        required=True,
        choices=tuple(SAMPLERS),
        metavar="KEY",
        help=f"resampling method: {', '.join(SAMPLERS)}",
    )
    parser.add_argument(
        "--classifier",
        required=classifier_help is None,
        default=None if classifier_help is None else TrainSettings().classifier,
        choices=tuple(CLASSIFIERS),
        metavar="KEY",
        help=classifier_help or f"classifier: {', '.join(CLASSIFIERS)}",
    )


def add_common_training_args(parser: argparse.ArgumentParser) -> None:
    """Every training setting except the sampler and classifier (whose flags differ per command)."""
    g = parser.add_argument_group("training")
    g.add_argument(
        "--ratio",
        type=parse_ratio,
        default=1.0,
        metavar="R",
        help="target minority:majority after resampling, e.g. 1:3 or 0.333 (default 1:1)",
    )
    g.add_argument("--weighting", choices=tuple(WEIGHTINGS), default="none", help="class weighting")
    g.add_argument(
        "--tradeoff",
        type=arguments.tradeoff,
        default=0.5,
        metavar="T",
        help="t in [0, 1] for --weighting tradeoff: positive weight = negatives/positives x t",
    )
    g.add_argument(
        "--class-weights",
        type=arguments.class_weights,
        default="",
        metavar="W0,W1,...",
        help="one weight per class (negative first) for --weighting custom",
    )
    g.add_argument(
        "--param",
        action="append",
        type=_param,
        default=[],
        metavar="NAME=VALUE",
        help="classifier setting; may be repeated",
    )
    g.add_argument(
        "--no-clip", action="store_true", help="do not clip synthetic rows to each column's observed range"
    )
    g.add_argument(
        "--clip-bound",
        action="append",
        type=arguments.clip_bound,
        default=[],
        metavar="COL:LOW:HIGH",
        help="clip synthetic values of a column to these bounds; may be repeated",
    )
    g.add_argument(
        "--cv", type=arguments.folds, default=5, metavar="K", help="cross-validation folds (default 5)"
    )
    g.add_argument(
        "--test-size",
        type=arguments.test_size,
        default=0.25,
        metavar="F",
        help="share of rows held out for the test set (default 0.25)",
    )
    g.add_argument("--seed", type=arguments.seed, default=0, metavar="S", help="random seed (default 0)")
    g.add_argument(
        "--recalibrate",
        choices=tuple(RECALIBRATORS),
        default="none",
        help="recalibrate the scores on out-of-fold training scores (default none)",
    )


def add_threshold_args(parser: argparse.ArgumentParser, default: float | None = 0.5) -> None:
    """How the hold-out scores are turned into decisions (threshold pickers and prevalence go here).

    ``default=None`` (``evaluate``): without ``--threshold`` the model's default threshold is used (the
    Youden pick on cross-validated training scores, as in the app); ``compare`` keeps one fixed 0.5.
    """
    g = parser.add_argument_group("decision threshold")
    g.add_argument(
        "--threshold",
        type=arguments.threshold,
        default=default,
        metavar="T",
        help="call a patient positive when the score is at or above T (default: "
        + (
            "the model's default threshold, the Youden pick on cross-validated training scores, "
            "as in the app)"
            if default is None
            else f"{default:g})"
        ),
    )


def add_pick_args(parser: argparse.ArgumentParser) -> None:
    """``--pick`` (threshold chosen on cross-validated training scores) and ``--prevalence`` (evaluate)."""
    g = parser.add_argument_group("threshold picker and deployment prevalence")
    g.add_argument(
        "--pick",
        metavar="PICKER",
        help=f"choose the threshold on cross-validated training scores (overrides "
        f"--threshold): {', '.join(PICKERS)}, a value after a colon, e.g. sensitivity:0.95, "
        "cost:10, fbeta:2",
    )
    g.add_argument(
        "--prevalence",
        type=arguments.prevalence,
        metavar="P",
        help="prevalence the model will meet, for PPV/NPV and the cost picker, e.g. 0.05 "
        "(default: the hold-out's own)",
    )
    g.add_argument(
        "--one-vs-rest",
        metavar="CLASS",
        help="with --multiclass: judge this class against the rest (the Threshold page's view); "
        "--threshold, --pick and --prevalence then apply to its 2x2 table",
    )


@dataclass(frozen=True)
class BinaryView:
    """Hold-out and out-of-fold labels (1 = the judged class) and scores of a two-class question.

    A two-class task's own, or one class against the rest of a multi-class task (``--one-vs-rest``).
    """

    y_test: np.ndarray
    test_scores: np.ndarray
    y_oof: np.ndarray
    oof_scores: np.ndarray
    class_name: str | None = None


def binary_view(result: TrainResult, one_vs_rest: str | None = None) -> BinaryView | None:
    """The two-class question the threshold applies to; None for a multi-class task without a class."""
    if result.is_binary:
        if one_vs_rest is not None:
            raise DataError("--one-vs-rest is for multi-class tasks (--multiclass); leave it out here.")
        return BinaryView(result.y_test, result.test_scores, result.y_train, result.oof_scores)
    if one_vs_rest is None:
        return None
    names = [str(n) for n in result.class_names]
    if one_vs_rest not in names:
        raise DataError(f"--one-vs-rest names no class of the label; classes: {', '.join(names[:20])}.")
    c = names.index(one_vs_rest)
    return BinaryView(
        (np.asarray(result.y_test) == c).astype(int), np.asarray(result.test_scores)[:, c],
        (np.asarray(result.y_train) == c).astype(int), np.asarray(result.oof_scores)[:, c], one_vs_rest,
    )  # fmt: skip


def pick_from_args(args: argparse.Namespace, result: TrainResult) -> ThresholdPick | None:
    """Run ``--pick`` on the out-of-fold training scores (never the hold-out); None without ``--pick``."""
    if not getattr(args, "pick", None):
        return None
    view = binary_view(result, getattr(args, "one_vs_rest", None))
    if view is None:
        raise DataError(
            "Threshold pickers need a two-class task (positive vs the rest) or --one-vs-rest CLASS."
        )
    prevalence = getattr(args, "prevalence", None)
    return run_pick(parse_pick(args.pick), view.y_oof, view.oof_scores, prevalence)


def threshold_from_args(
    args: argparse.Namespace, result: TrainResult, pick: ThresholdPick | None
) -> tuple[float | None, str]:
    """The threshold and its origin: ``--pick``, else ``--threshold``, else the model's default (Youden on
    cross-validated training scores, :func:`imbalance_core.thresholds.default_threshold`, as in the app).
    Multi-class without ``--one-vs-rest``: (None, ...) — the most probable class is called."""
    if pick is not None:
        return pick.threshold, f"{pick.label}: {pick.reason}"
    if getattr(args, "threshold", None) is not None:
        return float(args.threshold), "set by hand (--threshold)"
    view = binary_view(result, getattr(args, "one_vs_rest", None))
    if view is None:
        return None, "multi-class: each patient gets the most probable class"
    chosen = default_threshold(view.y_oof, view.oof_scores)
    return chosen.value, DEFAULT_ORIGIN


def prevalence_block(result: TrainResult, threshold: float, prevalence: float | None) -> dict[str, Any]:
    """Binary: PPV and NPV at the deployment prevalence (default the hold-out's) from the stop-table code."""
    if not result.is_binary:
        return {}
    return view_prevalence_block(binary_view(result), threshold, prevalence)


def view_prevalence_block(view: BinaryView, threshold: float, prevalence: float | None) -> dict[str, Any]:
    """PPV and NPV at the deployment prevalence of a two-class view (see :func:`prevalence_block`)."""
    table = table_at(score_curve(view.y_test, view.test_scores), [threshold], prevalence)
    return {
        "ppv_at_prevalence": float(table.ppv_deploy[0]),
        "npv_at_prevalence": float(table.npv_deploy[0]),
        "prevalence": table.prevalence,
    }


def _split_values(given: list[str], known: Mapping[str, int]) -> tuple[str, ...]:
    """Values (label values, column names) from repeated and/or comma-separated flags.

    A value that exists as is stays whole, so a name containing a comma still works.
    """
    out: list[str] = []
    for item in given:
        if item in known or "," not in item:
            out.append(item)
        else:
            out += [part.strip() for part in item.split(",") if part.strip()]
    return tuple(out)


def spec_from_args(args: argparse.Namespace, table: LoadedTable) -> TaskSpec:
    """The TaskSpec chosen by :func:`add_data_args` flags (label values and columns checked by prepare)."""
    group_prefix, group_rare = getattr(args, "group_prefix", 0), getattr(args, "group_rare", 0)
    known = label_classes(table, args.label, group_prefix, group_rare)
    columns = {c: 1 for c in table.columns}
    return TaskSpec(
        group_prefix=group_prefix,
        group_rare=group_rare,
        label=args.label,
        positive=_split_values(args.positive, known),
        multiclass=bool(args.multiclass),
        ignore=_split_values(args.ignore, known),
        zero_missing=_split_values(getattr(args, "zero_missing", []), columns),
        include=_columns(getattr(args, "include", []), columns, "--include"),
        exclude=_columns(getattr(args, "exclude", []), columns, "--exclude"),
    )


def _columns(given: list[str], known: Mapping[str, int], flag: str) -> tuple[str, ...]:
    """Column names given with ``flag`` (whole names: a column name may contain a comma), all known."""
    unknown = [name for name in given if name not in known]
    if unknown:
        raise DataError(
            f"{flag} names no column of the file: {', '.join(unknown)}. "
            f"Columns: {', '.join(list(known)[:20])}."
        )
    return tuple(dict.fromkeys(given))


def load_prepared(args: argparse.Namespace) -> PreparedData:
    """Read FILE and prepare the task chosen by :func:`add_data_args` flags."""
    table = read_table(args.file)
    return prepare(table, spec_from_args(args, table))


def _custom_weights(text: str) -> tuple[float, ...]:
    if not text:
        return ()
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise DataError("Give class weights as numbers separated by commas, e.g. 1,10.") from None


def settings_from_args(args: argparse.Namespace, sampler: str, classifier: str) -> TrainSettings:
    """TrainSettings from :func:`add_common_training_args` flags plus a sampler and classifier key."""
    if args.weighting == "custom" and not args.class_weights:
        raise DataError("--weighting custom needs --class-weights, e.g. --class-weights 1,10.")
    return TrainSettings(
        sampler=sampler,
        ratio=float(args.ratio),
        clip=not args.no_clip,
        clip_bounds=tuple(args.clip_bound),
        weighting=args.weighting,
        tradeoff=float(args.tradeoff),
        custom_weights=_custom_weights(args.class_weights),
        classifier=classifier,
        params=tuple(args.param),
        cv=int(args.cv),
        test_size=float(args.test_size),
        seed=int(args.seed),
        recalibrate=str(getattr(args, "recalibrate", "none")),
    )


# --------------------------------------------------------------------------- result formatting


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def holdout_block(result: TrainResult, threshold: float) -> dict[str, Any]:
    """Hold-out metrics: binary -> the 2x2 table and measures at ``threshold``; multi-class -> macro."""
    if result.is_binary:
        return binary_table(result.y_test, result.test_scores, threshold)
    metrics, per_class = multiclass_fold_metrics(result.y_test, result.test_scores)
    return {
        "n": len(result.y_test),
        **metrics,
        "per_class_accuracy": dict(zip(result.class_names, per_class, strict=True)),
    }


def cv_block(result: TrainResult) -> dict[str, Any]:
    """CV mean and sd per metric, and the per-fold rows."""
    block: dict[str, Any] = {key: {"mean": s.mean, "sd": s.sd} for key, s in result.cv_summary.items()}
    block["folds"] = [
        {
            "fold": f.fold,
            "n_train": f.n_train,
            "n_valid": f.n_valid,
            **{key: f.metric(key) for key in result.cv_summary},
        }
        for f in result.folds
    ]
    return block


def result_to_json(
    result: TrainResult, threshold: float = 0.5, data: PreparedData | None = None
) -> dict[str, Any]:
    """The whole evaluation as a JSON-able dict (NaN becomes null): evaluate's ``--json`` output.

    Keys: data, settings, test (hold-out at ``threshold``), cv ({metric: {mean, sd}}, folds),
    train_counts, resampled_counts, notices, timings.
    """
    s = result.settings
    about = {
        "name": data.name if data is not None else "data",
        "rows": len(data.y) if data is not None else len(result.y_train) + len(result.y_test),
        "class_names": list(result.class_names),
    }
    return _clean(
        {
            "data": about,
            "settings": {
                "sampler": s.sampler,
                "classifier": s.classifier,
                "ratio": s.ratio,
                "weighting": s.weighting,
                "cv": s.cv,
                "test_size": s.test_size,
                "seed": s.seed,
            },
            "test": holdout_block(result, threshold),
            "cv": cv_block(result),
            "train_counts": result.train_counts,
            "resampled_counts": result.resampled_counts,
            "clipped_values": getattr(result, "clipped_counts", {}),
            "notices": list(result.notices),
            "timings": result.timings,
        }
    )


def result_json(
    result: TrainResult,
    data: PreparedData | None,
    threshold: float | None,
    pick: ThresholdPick | None = None,
    prevalence: float | None = None,
    origin: str = "",
    view: BinaryView | None = None,
) -> dict[str, Any]:
    """evaluate's ``--json`` output: :func:`result_to_json` plus the threshold ``pick`` (None without
    ``--pick``), the deployment ``prevalence`` and PPV/NPV at it in the ``test`` block (binary tasks),
    ``threshold`` and ``threshold_origin`` (how it was chosen, e.g. the default Youden pick). With a
    one-vs-rest ``view``, ``test`` is that class's 2x2 table and the macro block moves to
    ``test_multiclass``."""
    payload = result_to_json(result, 0.5 if threshold is None else threshold, data)
    extra = {} if threshold is None else prevalence_block(result, threshold, prevalence)
    if view is not None and view.class_name is not None and threshold is not None:
        # One class against the rest: the Threshold page's 2x2 table, not the macro figures.
        payload["test_multiclass"] = payload["test"]
        payload["test"] = _clean(binary_table(view.y_test, view.test_scores, threshold))
        extra = view_prevalence_block(view, threshold, prevalence)
        payload["one_vs_rest"] = view.class_name
    payload["test"].update(_clean({k: v for k, v in extra.items() if k != "prevalence"}))
    payload["prevalence"] = _clean(extra.get("prevalence"))
    payload["threshold"] = _clean(threshold)
    payload["threshold_origin"] = origin
    payload["pick"] = (
        None
        if pick is None
        else _clean({"key": pick.key, "threshold": pick.threshold, "reason": pick.reason})
    )
    return payload


def write_scores(result: TrainResult, path: str) -> None:
    """Hold-out rows' ``y_true`` (binary: 1 = positive; multi-class: class code) and scores."""
    frame = pd.DataFrame({"y_true": result.y_test.astype(int)})
    if result.is_binary:
        frame["score"] = result.test_scores
    else:
        for c in range(result.test_scores.shape[1]):
            frame[f"score_{c}"] = result.test_scores[:, c]
    try:
        frame.to_csv(Path(path), index=False, float_format="%.17g")
    except OSError:
        raise DataError(
            "The scores file could not be written; check the folder exists and is writable."
        ) from None


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def format_text(payload: Mapping[str, Any]) -> str:
    """A readable summary of :func:`result_to_json`'s dict for a terminal."""
    s, test = payload["settings"], payload["test"]
    lines = [
        f"{payload['data']['name']}: {s['sampler']} + {s['classifier']}, ratio {s['ratio']:.3g}, "
        f"weighting {s['weighting']}, {s['cv']}-fold CV, seed {s['seed']}"
    ]
    counts = (("training rows: ", "train_counts"), ("after resampling: ", "resampled_counts"))
    for title, key in counts:
        lines.append(title + ", ".join(f"{k} {v}" for k, v in payload[key].items()))
    lines.append("cross-validation (mean ± sd):")
    lines += [
        f"  {key:<18} {_fmt(v['mean'])} ± {_fmt(v['sd'])}"
        for key, v in payload["cv"].items()
        if key != "folds"
    ]
    lines.append(f"hold-out test set ({test['n']} rows):")
    if payload.get("one_vs_rest"):
        lines.append(f"  class '{payload['one_vs_rest']}' against the rest:")
    if "tp" in test:
        lines.append(f"  threshold origin: {payload.get('threshold_origin') or 'set by hand'}")
        lines.append(
            f"  threshold {test['threshold']:.4g}: TP {test['tp']}  FP {test['fp']}  "
            f"TN {test['tn']}  FN {test['fn']}"
        )
    lines += [
        f"  {key:<18} {_fmt(test[key])}"
        for key in (
            "sensitivity",
            "specificity",
            "ppv",
            "npv",
            "f1",
            "balanced_accuracy",
            "accuracy",
            "roc_auc",
            "pr_auc",
        )
        if key in test
    ]
    per_class = test.get("per_class_accuracy", {})
    lines += [f"  accuracy in class {name}: {_fmt(v)}" for name, v in per_class.items()]
    if payload.get("pick"):
        lines.append(f"  threshold chosen by {payload['pick']['key']}: {payload['pick']['reason']}")
    if "ppv_at_prevalence" in test:
        lines.append(
            f"  at a prevalence of {payload['prevalence']:.1%}: "
            f"PPV {_fmt(test['ppv_at_prevalence'])}, NPV {_fmt(test['npv_at_prevalence'])}"
        )
    if payload.get("clipped_values"):
        lines.append(
            "synthetic values changed by clipping: "
            + ", ".join(f"{k} {v}" for k, v in payload["clipped_values"].items())
        )
    lines += [f"note: {n}" for n in payload["notices"]]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the subcommand


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand."""
    p = sub.add_parser(
        "evaluate",
        help="train one sampler + classifier and judge it on a held-out test set",
        description="Split off a stratified test set, cross-validate on the rest with resampling inside "
        "the training folds only, fit the final model and report hold-out metrics.",
    )
    add_data_args(p)
    add_model_args(p)
    add_common_training_args(p)
    add_threshold_args(p, default=None)
    add_pick_args(p)
    p.add_argument("--scores-out", metavar="CSV", help="write the hold-out rows' y_true and score to CSV")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--model-out", metavar="MODEL.skops", help="write the model with its threshold")
    from imbalance_core.commands.report import add_allow_patient_rows_arg

    add_allow_patient_rows_arg(p)
    add_calibration_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train, write scores if asked, print JSON or a summary."""
    data = load_prepared(args)
    settings = settings_from_args(args, args.sampler, args.classifier)
    if getattr(args, "model_out", None):
        from imbalance_core.model_io import check_patient_rows_allowed

        check_patient_rows_allowed(args.classifier, args.allow_patient_rows)
    result = train(data, settings)
    if args.scores_out:
        write_scores(result, args.scores_out)
    view = binary_view(result, getattr(args, "one_vs_rest", None))
    pick = pick_from_args(args, result)
    threshold, origin = threshold_from_args(args, result, pick)
    if getattr(args, "model_out", None):
        from imbalance_core.commands.report import write_model

        if view is not None and view.class_name is not None:
            raise DataError("--model-out saves the multi-class model; leave out --one-vs-rest with it.")
        write_model(result, data, threshold, origin[:1].upper() + origin[1:] + ".", args.model_out)
    payload = result_json(
        result, data, threshold, pick=pick, prevalence=args.prevalence, origin=origin, view=view
    )
    extra = add_calibration_output(payload, result, data, args)  # docs/CALIBRATION.md
    print(json.dumps(payload, indent=2, ensure_ascii=False) if args.json else format_text(payload) + extra)
    return 0
