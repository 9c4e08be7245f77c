"""``compare``: train several samplers x classifiers on a CSV file and print one result per pair.

    python -m imbalance_core compare FILE --label COL --positive VALUE --samplers K1,K2,...
        --classifiers C1,... [--cv K] [--tune [--tune-scoring S]] [--json]

With ``--json`` every pair is one line of JSON (JSON Lines) with exactly the fields of ``evaluate --json``
(``test``, ``cv``, ``train_counts``, ``resampled_counts``, ...) plus ``sampler`` and ``classifier``; a pair
that could not be trained is a line with ``sampler``, ``classifier`` and ``error``. Without it, a
leaderboard table. The flags and the JSON come from :mod:`imbalance_core.cli.evaluate`. ``--tune`` tunes
each pair first on its training part with evaluate's search (:mod:`imbalance_core.learn.tuning`); each JSON
line then carries ``tuning`` (the values chosen, each candidate's score).
"""

from __future__ import annotations

import argparse
import json

from imbalance_core.cli import arguments
from imbalance_core.cli.arguments import parse_keys
from imbalance_core.cli.options import (
    add_common_training_args,
    add_data_args,
    add_threshold_args,
    load_prepared,
    settings_from_args,
)
from imbalance_core.learn.classifiers import CLASSIFIERS
from imbalance_core.learn.compare import CompareRow, run_grid
from imbalance_core.learn.samplers import SAMPLERS
from imbalance_core.learn.summary import row_json
from imbalance_core.learn.tuning import SCORINGS, TuneSpec


def format_table(rows: list[CompareRow]) -> str:
    """A plain-text leaderboard: CV mean ± sd of the main metrics and the hold-out 2x2 counts."""
    metrics = ("roc_auc", "pr_auc", "balanced_accuracy", "sensitivity", "specificity", "f1")
    header = (
        f"{'sampler':<20} {'classifier':<14} "
        + " ".join(f"{m[:13]:>13}" for m in metrics)
        + f" {'TP':>5} {'TN':>5} {'FP':>5} {'FN':>5}"
    )
    lines = [header]
    for row in rows:
        start = f"{row.sampler:<20} {row.classifier:<14} "
        if row.error:
            lines.append(start + f"error: {row.error}")
            continue
        cells = " ".join(f"{row.cv[m].mean:>6.3f}±{row.cv[m].sd:<6.3f}" for m in metrics)
        counts = " ".join(f"{'-' if v is None else v:>5}" for v in (row.tp, row.tn, row.fp, row.fn))
        lines.append(start + cells + " " + counts)
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` subcommand."""
    p = sub.add_parser(
        "compare",
        help="train every sampler x classifier pair and compare them (one result per pair)",
        description="Like evaluate, for every pair of the given resampling methods and classifiers, "
        "run in parallel over the machine's cores. A pair that cannot be trained is "
        "reported with its reason; the others still run. Settings given with --param "
        "apply to the first classifier only; the others use their defaults.",
    )
    add_data_args(p)
    p.add_argument(
        "--samplers",
        required=True,
        metavar="K1,K2,...",
        help=f"comma-separated resampling methods: {', '.join(SAMPLERS)}",
    )
    p.add_argument(
        "--classifiers",
        required=True,
        metavar="C1,C2,...",
        help=f"comma-separated classifiers: {', '.join(CLASSIFIERS)}",
    )
    add_common_training_args(p)
    add_threshold_args(p, default=None)
    p.add_argument(
        "--jobs",
        type=arguments.jobs,
        default=-1,
        metavar="N",
        help="parallel workers (default -1: every core; 1: no extra processes)",
    )
    p.add_argument(
        "--tune",
        action="store_true",
        help="tune each pair's main settings and the sampler's ratio by cross-validation on its training "
        "part first (as evaluate --tune), then train it with the values chosen",
    )
    p.add_argument(
        "--tune-scoring",
        choices=list(SCORINGS),
        default="pr_auc",
        help="what tuning optimises (default pr_auc)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per pair, one per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the grid and print it."""
    samplers = parse_keys(args.samplers, SAMPLERS, "resampling methods")
    classifiers = parse_keys(args.classifiers, CLASSIFIERS, "classifiers")
    data = load_prepared(args)
    base = settings_from_args(args, samplers[0], classifiers[0], data)
    threshold = None if args.threshold is None else float(args.threshold)
    tune = TuneSpec(scoring=args.tune_scoring, seed=base.seed) if args.tune else None
    result = run_grid(
        data,
        samplers,
        classifiers,
        base,
        n_jobs=int(args.jobs),
        threshold=threshold,
        scheduler=args.scheduler,
        tune=tune,
    )
    if args.json:
        for row in result.rows:
            payload = row_json(row, data)
            if row.tuning is not None:
                payload["tuning"] = row.tuning.as_dict()
            print(json.dumps(payload, ensure_ascii=False, allow_nan=False))
    else:
        print(format_table(list(result.ranked())))
        for row in result.rows:
            if row.tuning is not None:
                print(f"tuned {row.sampler} + {row.classifier}: {row.tuning.chosen.label()}")
    return 0
