"""``python -m imbalance_core report FILE ... --out report.pdf``:
train, choose the threshold, write the report.

Takes the same data and training options as ``evaluate``, plus how the threshold is chosen (``--pick``
on the cross-validated training scores, or ``--threshold``), the deployment ``--prevalence``, and where
to write the PDF (``--out``), the HTML (``--html-out``) and the model (``--model-out``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from imbalance_core.cli import arguments
from imbalance_core.cli.evaluate import write_scores
from imbalance_core.cli.images import image_source_table
from imbalance_core.cli.options import (
    add_common_training_args,
    add_data_args,
    add_model_args,
    add_rule_args,
    rule_from_args,
    spec_from_args,
)
from imbalance_core.cli.options import settings_from_args as _settings_from_args
from imbalance_core.cli.output import add_allow_patient_rows_arg, write_bytes, write_model
from imbalance_core.cli.validation_args import add_validation_args, run_validation
from imbalance_core.errors import DataError
from imbalance_core.evaluation import thresholds
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import prepare
from imbalance_core.learn.training import train
from imbalance_core.share import model_file, report, report_html

DEFAULT_PICK = "youden"


def add_report_args(parser: argparse.ArgumentParser) -> None:
    """Threshold choice, prevalence and output files shared by ``report``."""
    g = parser.add_argument_group("decision threshold")
    g.add_argument(
        "--pick",
        metavar="PICKER",
        help=f"choose the threshold on cross-validated training scores: {', '.join(thresholds.PICKERS)} "
        "(value after a colon, e.g. sensitivity:0.95, top:5%%, flags:30/400, ppv:0.2); default youden",
    )
    g.add_argument(
        "--threshold", type=arguments.threshold, metavar="T", help="use this threshold instead of a picker"
    )
    g.add_argument(
        "--prevalence",
        type=arguments.prevalence,
        metavar="P",
        help="deployment prevalence for PPV/NPV, e.g. 0.05 (default: the hold-out's own)",
    )
    arguments.add_pretest(g)
    g.add_argument("--no-pca", action="store_true", help="leave out the before/after resampling PCA figure")
    o = parser.add_argument_group("output")
    o.add_argument("--out", required=True, metavar="PDF", help="where to write the PDF report")
    o.add_argument(
        "--html-out", metavar="HTML", help="also write the report as HTML with interactive figures"
    )
    o.add_argument("--model-out", metavar="MODEL.skops", help="also write the model (skops file, no sampler)")
    add_allow_patient_rows_arg(o)
    o.add_argument(
        "--scores-out", metavar="CSV", help="also write the hold-out rows' y_true and score to CSV"
    )
    o.add_argument("--json", action="store_true", help="print the key numbers as JSON instead of a sentence")


def choose_threshold(args: argparse.Namespace, result: object) -> tuple[float, str]:
    """The threshold and the sentence saying how it was chosen (``--threshold`` or a picker)."""
    if args.threshold is not None and args.pick:
        raise DataError("Give either --threshold or --pick, not both.")
    if args.threshold is not None:
        return float(args.threshold), "Set by hand (--threshold)."
    if not args.pick:  # the model's default threshold, the same one the app and ``evaluate`` use
        pick = thresholds.pick_youden(result.y_train, result.oof_scores)
        chosen = thresholds.default_threshold(result.y_train, result.oof_scores)
        origin = chosen.origin[:1].upper() + chosen.origin[1:]
        return chosen.value, f"{origin} — {pick.label}: {pick.reason}"
    request = thresholds.parse_pick(args.pick)
    pick = thresholds.run_pick(request, result.y_train, result.oof_scores, args.prevalence)
    return pick.threshold, f"{pick.label}: {pick.reason}"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report",
        help="train like evaluate, choose a threshold and write the PDF report (and HTML, model)",
        description="Train one sampler + classifier like 'evaluate', choose the decision threshold on the "
        "cross-validated training scores (or take --threshold), and write a PDF report in "
        "STARD/TRIPOD order.",
    )
    add_data_args(p)
    add_model_args(p)
    add_common_training_args(p)
    add_report_args(p)
    add_decision_report_args(p)
    add_rule_args(p, boot=False)  # the report states a rule-out / rule-in rule when given
    add_validation_args(p, extras=False)  # --validation, --bootstrap-b, --cv-repeats (issue 27)
    p.set_defaults(func=run)


def add_decision_report_args(parser: argparse.ArgumentParser) -> None:
    """``--subgroup COL`` (up to twice) and ``--importance``: the report's decision sections."""
    from imbalance_core.cli.options import add_subgroup_args

    add_subgroup_args(parser)
    parser.add_argument(
        "--importance", action="store_true",
        help="add permutation importance on the hold-out set (PR AUC, 5 shuffles; predictions only)",
    )  # fmt: skip


def decision_request(args: argparse.Namespace, table: Any) -> Any:
    """The report's :class:`~imbalance_core.share.report_decision.DecisionRequest` from the flags."""
    from imbalance_core.cli.options import _columns
    from imbalance_core.share.report_decision import DecisionRequest

    given = list(getattr(args, "subgroup", []) or [])
    if len(given) > 2:
        raise DataError("--subgroup may be given at most 2 times.")
    columns = _columns(given, {c: 1 for c in table.columns}, "--subgroup")
    return DecisionRequest(subgroups=columns, compute_importance=bool(getattr(args, "importance", False)))


def run(args: argparse.Namespace) -> int:
    """Read, train, pick, build the content once, render the PDF (and HTML / model if asked)."""
    rule = rule_from_args(args)  # checked before training: a bad pair fails at once
    table = image_source_table(args.file, args.extractor) or read_table(args.file)  # an image zip
    spec = spec_from_args(args, table)
    data = prepare(table, spec)
    settings = _settings_from_args(args, args.sampler, args.classifier, data)
    if args.model_out:
        model_file.check_patient_rows_allowed(args.classifier, args.allow_patient_rows)
    result = train(data, settings, scheduler=args.scheduler)
    if result.is_binary:
        threshold, reason = choose_threshold(args, result)
    elif args.threshold is not None or args.pick:
        raise DataError(
            "A multi-class model calls the most probable class; leave out --threshold and --pick."
        )
    else:
        threshold, reason = None, "Multi-class: each patient gets the most probable class."
    projection = None if args.no_pca else report.pca_view(data, settings, seed=settings.seed)
    inputs = report.ReportInputs(
        data=data,
        result=result,
        threshold=threshold,
        threshold_reason=reason,
        prevalence=args.prevalence,
        table=table,
        projection=projection,
        decision=decision_request(args, table),  # subgroups, importance (share/report_decision.py)
        rule=rule if result.is_binary else None,
        validation=run_validation(args, data, settings),  # --validation (docs/INTERNAL_VALIDATION.md)
        pretest=args.pretest,  # post-test probabilities (share/report_likelihood.py)
        pick=args.pick if args.threshold is None else None,  # names the picker and its uncertainty band
    )
    content = report.build_report_content(inputs)
    write_bytes(args.out, report.render_pdf(content), "PDF report")
    written = {"pdf": args.out}
    if args.html_out:
        write_bytes(args.html_out, report_html.render_html(content).encode("utf-8"), "HTML report")
        written["html"] = args.html_out
    if args.model_out:
        write_model(result, data, threshold, reason, args.model_out, args.allow_patient_rows)
        written["model"] = args.model_out
    if args.scores_out:
        write_scores(result, args.scores_out)
        written["scores"] = args.scores_out
    if args.json:
        payload = {
            "threshold": threshold,
            "threshold_reason": reason,
            "export_id": content.export_id,
            "numbers": content.key_numbers,
            "files": written,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(reason if threshold is None else f"threshold {report.fmt_threshold(threshold)} ({reason})")
        print(
            ", ".join(f"{name} {value}" for name, value in content.key_numbers.items() if name != "threshold")
        )
        for what, path in written.items():
            print(f"{what} written to {path}")
    return 0
