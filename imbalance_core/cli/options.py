"""The flags several subcommands share, and turning parsed flags into the library's objects.

Data and task flags (``--label``, ``--positive``, grouping, columns), training flags (sampler, ratio,
weights, classifier, folds, seed, recalibration), threshold and picker flags; ``spec_from_args``,
``settings_from_args`` and ``load_prepared`` build a TaskSpec, TrainSettings and PreparedData from them.
Value checks live in :mod:`imbalance_core.cli.arguments` (argparse types naming the flag).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

from imbalance_core.cli import arguments
from imbalance_core.cli.images import (
    add_augment_args,
    augment_from_args,
    duplicate_grouped,
    image_source_table,
)
from imbalance_core.errors import DataError
from imbalance_core.evaluation import subgroups
from imbalance_core.evaluation.thresholds import (
    DEFAULT_ORIGIN,
    PICKERS,
    ThresholdPick,
    default_threshold,
    parse_pick,
    run_pick,
)
from imbalance_core.images.audit import DUPLICATE_GROUPS
from imbalance_core.images.extractors import DEFAULT_EXTRACTOR, EXTRACTORS
from imbalance_core.intake.read import LoadedTable, read_table
from imbalance_core.intake.task import PreparedData, TaskSpec, label_classes, prepare
from imbalance_core.learn.classifiers import CLASSIFIERS, WEIGHTINGS
from imbalance_core.learn.recalibration import RECALIBRATORS
from imbalance_core.learn.samplers import SAMPLERS
from imbalance_core.learn.summary import binary_view
from imbalance_core.learn.training import TrainResult, TrainSettings


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
        "in * is a prefix ('E1*': every code starting with E1) (default: the disease — a value that reads "
        "as healthy, such as NORMAL, no or 0, is never the positive; else the rarest class)",
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
    add_patient_args(parser)
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
    parser.add_argument(
        "--extractor",
        choices=list(EXTRACTORS),
        default=None,
        help="image zips and 'pneumoniamnist' only: how an image becomes features "
        f"(default {DEFAULT_EXTRACTOR}); a zip's test/ folder is the hold-out",
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


def add_patient_args(parser: argparse.ArgumentParser) -> None:
    """``--none-code MARK`` / ``--missing-code MARK`` (how '-' or '.' in the label is read) and
    ``--duplicates together|drop`` (exact duplicate rows)."""
    parser.add_argument(
        "--none-code",
        action="append",
        default=[],
        metavar="MARK",
        help="a missing-looking mark of the label ('-' or '.') that means 'no diagnosis': read it as a class "
        "(the default when it stands in more than 20%% of rows and no value reads as 'none')",
    )
    parser.add_argument(
        "--missing-code",
        action="append",
        default=[],
        metavar="MARK",
        help="a mark of the label ('-' or '.') meaning 'not recorded': those rows are left out",
    )
    parser.add_argument(
        "--duplicates",
        choices=("together", "drop"),
        default="together",
        help="exact duplicate rows (every column and the label equal): keep each set of copies on one side "
        "of every split and in one CV fold (together, the default) or keep only the first copy (drop)",
    )


def marks_from_args(args: argparse.Namespace) -> dict[str, tuple[str, ...]]:
    """``none_marks`` / ``missing_marks`` for TaskSpec / label_classes from the flags."""
    return {
        "none_marks": tuple(getattr(args, "none_code", []) or []),
        "missing_marks": tuple(getattr(args, "missing_code", []) or []),
    }


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
    add_augment_args(parser)
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
        "--scheduler",
        default=None,
        metavar="tcp://HOST:8786",
        help="run the CV folds (and compare's grid) on this Dask scheduler; default: the environment "
        "variable IMBALANCE_LAB_DASK_SCHEDULER, else this machine",
    )
    g.add_argument(
        "--group-by",
        default="auto",
        metavar="COL",
        help="split the test set and the folds by this repeating ID column (a patient's rows stay "
        "together); 'auto' (default) = the first ID column that repeats, 'none' = split by row",
    )
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
        f"--threshold): {', '.join(PICKERS)}, a value after a colon, e.g. sensitivity:0.95 (highest "
        "specificity with sensitivity >= 0.95), cost:10, fbeta:2, top:5%% or flags:30/400 (workload), "
        "ppv:0.2 (highest sensitivity with PPV >= 0.2)",
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


def add_rule_args(parser: argparse.ArgumentParser, boot: bool = True) -> None:
    """``--rule-out T1 --rule-in T2`` (two cut-offs, docs/THRESHOLDS.md) and, with ``boot``, ``--pick-boot N``
    (evaluate; the report always states the picked threshold's interval)."""
    g = parser.add_argument_group("rule-out / rule-in (two cut-offs) and threshold uncertainty")
    g.add_argument(
        "--rule-out",
        type=arguments.number("--rule-out", 0, 1, "0.05"),
        metavar="T1",
        help="with --rule-in: scores below T1 rule out, at or above T2 rule in, between is indeterminate",
    )
    g.add_argument(
        "--rule-in", type=arguments.number("--rule-in", 0, 1, "0.6"), metavar="T2",
        help="with --rule-out: the rule-in cut-off (T1 <= T2)",
    )  # fmt: skip
    if not boot:
        return
    g.add_argument(
        "--pick-boot", type=arguments.integer("--pick-boot", 0, 5000, "300"), default=300, metavar="N",
        help="with --pick: resamples of the out-of-fold rows to bootstrap the pick (0 = off; default 300)",
    )  # fmt: skip


def rule_from_args(args: argparse.Namespace) -> tuple[float, float] | None:
    """The two cut-offs of ``--rule-out``/``--rule-in`` (both or neither; T1 <= T2), else None."""
    low, high = getattr(args, "rule_out", None), getattr(args, "rule_in", None)
    if low is None and high is None:
        return None
    if low is None or high is None:
        raise DataError(
            "--rule-out and --rule-in go together; give both cut-offs, e.g. --rule-out 0.05 --rule-in 0.6."
        )
    if low > high:
        raise DataError(
            f"--rule-out ({low:g}) must not be above --rule-in ({high:g}); patients between them are the "
            "indeterminate zone."
        )
    return float(low), float(high)


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
    cross-validated training scores, :func:`imbalance_core.evaluation.thresholds.default_threshold`, as in
    the app).
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
    marks = marks_from_args(args)
    known = label_classes(table, args.label, group_prefix, group_rare, **marks)
    columns = {c: 1 for c in table.columns}
    return TaskSpec(
        **marks,
        duplicates=str(getattr(args, "duplicates", "together") or "together"),
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


def add_subgroup_args(parser: argparse.ArgumentParser) -> None:
    """``--subgroup COL`` (up to twice): the hold-out table by subgroup at the threshold."""
    parser.add_argument(
        "--subgroup", action="append", default=[], metavar="COL",
        help="judge the hold-out set per group of this column at the threshold (text as is, numbers in "
        "bands: age by decade, else quartiles; missing values their own group); give it twice to cross "
        "two columns",
    )  # fmt: skip


def subgroup_table_from_args(
    args: argparse.Namespace, data: PreparedData, result: TrainResult, threshold: float
) -> subgroups.SubgroupTable | None:
    """The subgroup table asked for by ``--subgroup`` (columns checked, exit 2 naming it), or None."""

    given = list(getattr(args, "subgroup", []) or [])
    if not given:
        return None
    if len(given) > subgroups.MAX_COLUMNS:
        raise DataError(f"--subgroup may be given at most {subgroups.MAX_COLUMNS} times.")
    if not result.is_binary or getattr(args, "one_vs_rest", None):
        raise DataError("--subgroup needs a two-class task (a positive class), not --multiclass.")
    table = read_table(args.file)
    columns = _columns(given, {c: 1 for c in table.columns}, "--subgroup")
    if data.label in columns:
        raise DataError("--subgroup cannot be the label column; choose another column.")
    frame = subgroups.holdout_frame(data, result.test_index, columns, table)
    return subgroups.subgroup_table(frame, result.y_test, result.test_scores, threshold)


def load_prepared(args: argparse.Namespace) -> PreparedData:
    """Read FILE and prepare the task chosen by :func:`add_data_args` flags.

    An image zip (or ``pneumoniamnist``) is read as its feature table (``--extractor``, else the default;
    label ``class``; a zip's test/ folder is the hold-out, as on the pages).
    """
    table = image_source_table(args.file, getattr(args, "extractor", None), augment_from_args(args))
    table = table or read_table(args.file)
    data = prepare(table, spec_from_args(args, table))
    if str(getattr(args, "group_by", "") or "") == DUPLICATE_GROUPS:  # image zips: duplicates kept together
        data = duplicate_grouped(args.file, data)
    if not args.positive and not args.multiclass:  # say which class was taken as the disease, and why
        for notice in (n for n in data.notices if "positive class" in n):
            print(f"note: {notice} Give --positive to choose another.", file=sys.stderr)
    return data


def _custom_weights(text: str) -> tuple[float, ...]:
    if not text:
        return ()
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise DataError("Give class weights as numbers separated by commas, e.g. 1,10.") from None


def group_by_from_args(args: argparse.Namespace, data: PreparedData | None) -> str:
    """The ``--group-by`` column: 'auto' -> the data's first repeating ID column (or none), 'none' -> ''."""
    given = str(getattr(args, "group_by", "auto") or "auto")
    if given.casefold() == "none":
        return ""
    if given.casefold() == "auto":
        return data.repeated_ids[0].column if data is not None and data.repeated_ids else ""
    return given


def settings_from_args(
    args: argparse.Namespace, sampler: str, classifier: str, data: PreparedData | None = None
) -> TrainSettings:
    """TrainSettings from :func:`add_common_training_args` flags plus a sampler and classifier key.

    ``data`` resolves ``--group-by auto`` (without it, auto splits by row).
    """
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
        group_by=group_by_from_args(args, data),
        augment=_augment_pairs(args) if sampler == "augment" else (),
    )


def _augment_pairs(args: argparse.Namespace) -> tuple[tuple[str, Any], ...]:
    """The ``--augment-*`` flags as ``TrainSettings.augment`` pairs (recorded with the model)."""
    from imbalance_core.cli.images import augment_from_args  # (import cycle)
    from imbalance_core.images.augment import settings_pairs

    return settings_pairs(augment_from_args(args))
