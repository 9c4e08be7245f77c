"""``profile``: class balance, guidance and data quality of a CSV file for a chosen label.

python -m imbalance_core profile FILE --label COL [--positive VALUE] [--zero-missing COL] [--json]
"""

from __future__ import annotations

import argparse
import json

from imbalance_core.commands.evaluate import _split_values, add_zero_missing_arg
from imbalance_core.data import read_table
from imbalance_core.dataset import TaskSpec
from imbalance_core.profile import DataProfile, profile


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``profile`` subcommand."""
    p = sub.add_parser(
        "profile",
        help="class balance, guidance and data quality of a CSV file",
        description="Read a CSV file the way the app does and report its class balance and data quality.",
    )
    p.add_argument("file", metavar="FILE", help="the CSV file to read")
    p.add_argument("--label", required=True, metavar="COL", help="the label (diagnosis) column")
    p.add_argument(
        "--positive",
        action="append",
        default=[],
        metavar="VALUE",
        help="label value that counts as positive; repeat for several (default: the rarest class)",
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
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Profile the file and print the result; DataError propagates to ``cli.main`` (exit 2)."""
    table = read_table(args.file)
    columns = {c: 1 for c in table.columns}
    spec = TaskSpec(
        label=args.label,
        positive=tuple(args.positive),
        multiclass=args.multiclass,
        ignore=tuple(args.ignore),
        zero_missing=_split_values(args.zero_missing, columns),
    )
    result = profile(table, spec)
    if args.json:
        print(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_text(result))
    return 0


def format_text(result: DataProfile) -> str:
    """The profile as a few readable lines for a terminal."""
    lines = [
        f"{result.name}: {result.rows} rows used of {result.rows_read}, {result.columns} columns, "
        f"label '{result.label}'",
        "classes:",
        *(f"  {name}: {n} ({result.shares[name]:.1%})" for name, n in result.task_classes.items()),
        f"imbalance ratio (majority:minority): {result.imbalance_ratio:.2f}:1",
    ]
    if result.positive:
        lines.append(f"positive class: {', '.join(result.positive)}")
    lines += [f"excluded: {col} ({reason})" for col, reason in result.excluded.items()]
    lines += [f"note: {n}" for n in result.notices]
    lines += [f"warning: {w}" for w in result.warnings]
    lines += [f"advice: {g.text}" for g in result.guidance if g.level == "info"]
    return "\n".join(lines)
