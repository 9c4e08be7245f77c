"""``profile``: class balance, guidance and data quality of a CSV file for a chosen label.

python -m imbalance_core profile FILE [--label COL] [--positive VALUE] [--zero-missing COL]
    [--group-prefix N] [--group-rare N] [--json]

``--json`` carries ``sample_size``: events per candidate predictor parameter and the Riley et al. (BMJ
2020) minimum sample size under the conservative anticipated R2 (no model yet;
:mod:`imbalance_core.evaluation.sample_size`).

Without ``--label`` the label column and positive class are guessed the way the app guesses them for an
upload (:mod:`imbalance_core.intake.label_guess`) and the reasons are printed (``--json``: ``label`` and
``positive`` with ``label_reasons`` / ``positive_reasons``). Without ``--positive`` for a chosen
label the positive is guessed from its values likewise.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace

from imbalance_core.cli.options import (
    _split_values,
    add_grouping_args,
    add_patient_args,
    add_zero_missing_arg,
    marks_from_args,
)
from imbalance_core.evaluation.formatting import percent
from imbalance_core.intake import label_guess
from imbalance_core.intake.profile import DataProfile, profile
from imbalance_core.intake.read import LoadedTable, read_table
from imbalance_core.intake.task import TaskSpec, label_classes


@dataclass(frozen=True)
class TaskChoice:
    """The label and positive used, whether each was given or guessed, and why (for the output)."""

    label: str
    positive: tuple[str, ...]
    label_guessed: bool
    positive_guessed: bool
    label_reasons: tuple[str, ...] = ()
    positive_reasons: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def to_json_dict(self) -> dict:
        """``label`` (column) and ``positive`` (values) as in the profile, with whether each was guessed
        and why (``label_reasons``, ``label_problems``, ``positive_reasons``)."""
        return {
            "label": self.label,
            "label_guessed": self.label_guessed,
            "label_reasons": list(self.label_reasons),
            "label_problems": list(self.problems),
            "positive": list(self.positive),
            "positive_guessed": self.positive_guessed,
            "positive_reasons": list(self.positive_reasons),
        }


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``profile`` subcommand."""
    p = sub.add_parser(
        "profile",
        help="class balance, guidance and data quality of a CSV file",
        description="Read a CSV file the way the app does and report its class balance and data quality.",
    )
    p.add_argument("file", metavar="FILE", help="the CSV file to read")
    p.add_argument(
        "--label",
        metavar="COL",
        help="the label (diagnosis) column (default: guessed from column names and values, reasons printed)",
    )
    p.add_argument(
        "--positive",
        action="append",
        default=[],
        metavar="VALUE",
        help="label value that counts as positive; repeat for several; a value ending in * is a prefix "
        "(default: the value that reads as disease, else the rarest class; reasons printed)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="VALUE",
        help="label value whose rows are left out; may be repeated",
    )
    p.add_argument("--multiclass", action="store_true", help="keep every class instead of positive vs rest")
    add_zero_missing_arg(p)
    add_grouping_args(p)
    add_patient_args(p)
    p.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="COL",
        help="put back a column excluded by default (a guessed patient ID becomes a feature); repeatable",
    )
    p.add_argument(
        "--exclude", action="append", default=[], metavar="COL", help="leave out a column; may be repeated"
    )
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(func=run)


def choose_task(args: argparse.Namespace, table: LoadedTable) -> TaskChoice:
    """The label and positive from the flags, the missing ones guessed with their reasons."""
    if args.label is None:
        guess = label_guess.guess_label(table)
        label, reasons, problems = guess.label, guess.label_reasons, guess.problems
    else:
        label, reasons, problems = args.label, (), ()
    counts = label_classes(table, label, args.group_prefix, args.group_rare, **marks_from_args(args))
    if args.positive or args.multiclass:
        positive, positive_reasons = _split_values(args.positive, counts), ()
    else:
        positive, positive_reasons = label_guess.guess_positive(counts)
    return TaskChoice(
        label=label,
        positive=tuple(positive),
        label_guessed=args.label is None,
        positive_guessed=not (args.positive or args.multiclass),
        label_reasons=reasons,
        positive_reasons=positive_reasons,
        problems=problems,
    )


def run(args: argparse.Namespace) -> int:
    """Profile the file and print the result; DataError propagates to ``cli.main`` (exit 2)."""
    table = read_table(args.file)
    choice = choose_task(args, table)
    columns = {c: 1 for c in table.columns}
    spec = TaskSpec(
        label=choice.label,
        positive=choice.positive,
        multiclass=args.multiclass,
        ignore=tuple(args.ignore),
        zero_missing=_split_values(args.zero_missing, columns),
        group_prefix=args.group_prefix,
        group_rare=args.group_rare,
        include=_known_columns(args.include, columns, "--include"),
        exclude=_known_columns(args.exclude, columns, "--exclude"),
        duplicates=args.duplicates,
        **marks_from_args(args),
    )
    result = profile(table, spec)
    choice = replace(choice, positive=result.positive)  # 'E1*' -> the codes it matched
    size = sample_size_block(table, spec)
    if args.json:
        block = {"sample_size": size.as_dict() if size is not None else None}
        print(json.dumps(result.to_json_dict() | choice.to_json_dict() | block, indent=2, ensure_ascii=False))
    else:
        print(format_choice(choice))
        print(format_text(result))
        if size is not None:
            print(f"sample size: {size.sentence()}")
    return 0


def _known_columns(given: list[str], columns: dict[str, int], flag: str) -> tuple[str, ...]:
    from imbalance_core.cli.options import _columns

    return _columns(list(given or []), columns, flag)


def sample_size_block(table: LoadedTable, spec: TaskSpec):
    """Riley et al. sample size adequacy before training (conservative R2), or None for multi-class."""
    from imbalance_core.errors import DataError
    from imbalance_core.evaluation.sample_size import adequacy
    from imbalance_core.intake.task import prepare

    if spec.multiclass:
        return None
    try:
        return adequacy(prepare(table, spec))
    except DataError:
        return None


def format_choice(choice: TaskChoice) -> str:
    """Which label and positive were guessed, and why; empty when both were given."""
    lines = []
    if choice.label_guessed:
        lines.append(f"label (guessed): {choice.label}")
        lines += [f"  why: {r}" for r in choice.label_reasons]
        lines += [f"  problem: {p}" for p in choice.problems]
    if choice.positive_guessed:
        lines.append(f"positive (guessed): {', '.join(choice.positive)}")
        lines += [f"  why: {r}" for r in choice.positive_reasons]
    return "\n".join(lines)


def format_text(result: DataProfile) -> str:
    """The profile as a few readable lines for a terminal."""
    lines = [
        f"{result.name}: {result.rows} rows used of {result.rows_read}, {result.columns} columns, "
        f"label '{result.label}'",
        "classes:",
        *(f"  {name}: {n} ({percent(result.shares[name])})" for name, n in result.task_classes.items()),
        f"imbalance ratio (majority:minority): {result.imbalance_ratio:.2f}:1",
    ]
    if result.positive:
        lines.append(f"positive class: {', '.join(result.positive)}")
    lines += [f"excluded: {col} ({reason})" for col, reason in result.excluded.items()]
    lines += [f"label mark: {m}" for m in result.label_marks]
    lines += [f"patient ID: {r}" for r in result.id_texts]
    if result.duplicates_text:
        lines.append(f"duplicates: {result.duplicates_text}")
    lines += [f"after the outcome?: {a}" for a in result.after_outcome]
    lines += [f"note: {n}" for n in result.notices]
    lines += [f"warning: {w}" for w in result.warnings]
    lines += [f"advice: {g.text}" for g in result.guidance if g.level == "info"]
    return "\n".join(lines)
