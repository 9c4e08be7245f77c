"""``evaluate``: train one sampler + classifier on a CSV file and judge it on the untouched hold-out set.

    python -m imbalance_core evaluate FILE --label COL --positive VALUE --sampler KEY --classifier KEY
        [--zero-missing COL] [--ratio R] [--weighting W] [--cv K] [--test-size F] [--seed S] [--threshold T]
        [--pick PICKER] [--prevalence P] [--one-vs-rest CLASS] [--scores-out CSV] [--json]
        [--subgroup COL [--subgroup COL]]

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
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from imbalance_core.cli import arguments
from imbalance_core.cli.calibration_args import add_calibration_args, add_calibration_output
from imbalance_core.cli.options import (
    add_common_training_args,
    add_data_args,
    add_model_args,
    add_pick_args,
    add_rule_args,
    add_subgroup_args,
    add_threshold_args,
    load_prepared,
    pick_from_args,
    rule_from_args,
    settings_from_args,
    subgroup_table_from_args,
    threshold_from_args,
)
from imbalance_core.cli.validation_args import add_validation_args, add_validation_output, tuned_settings
from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.intake.identifiers import id_column, join_key
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.summary import binary_view, result_json, rule_json, uncertainty_json
from imbalance_core.learn.training import TrainResult, train
from imbalance_core.share.predict import safe_frame

# --------------------------------------------------------------------------- argument groups


# --------------------------------------------------------------------------- result formatting


def write_scores(
    result: TrainResult,
    path: str,
    data: PreparedData | None = None,
    file: str | None = None,
    model_id: str = "",
) -> None:
    """Hold-out rows' join key, ``y_true`` (binary: 1 = positive; multi-class: class code), scores and the
    model file's id.

    The join key is the file's ID column (a repeating patient ID, else a unique ID column) or ``row``, the
    1-based row number of the input file (:func:`imbalance_core.intake.identifiers.join_key`);
    ``model_id`` is the export id of the ``--model-out`` file ("" without one).
    """
    frame = pd.DataFrame(index=range(len(result.y_test)))
    if data is not None:
        name, values = join_key(_table_frame(file, data), data, result.test_index)
        frame[name] = values
    frame["y_true"] = result.y_test.astype(int)
    if result.is_binary:
        frame["score"] = result.test_scores
    else:
        for c in range(result.test_scores.shape[1]):
            frame[f"score_{c}"] = result.test_scores[:, c]
    frame["model_id"] = model_id
    try:
        safe_frame(frame).to_csv(Path(path), index=False, float_format="%.17g")
    except OSError:
        raise DataError(
            "The scores file could not be written; check the folder exists and is writable."
        ) from None


def _table_frame(file: str | None, data: PreparedData) -> pd.DataFrame | None:
    """The file as read (for its ID column), or None when there is no ID column or it is not a CSV."""
    if file is None or id_column(data) is None:
        return None
    try:
        return read_table(file).frame
    except DataError:
        return None


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
            f"  at a prevalence of {percent(payload['prevalence'])}: "
            f"PPV {_fmt(test['ppv_at_prevalence'])}, NPV {_fmt(test['npv_at_prevalence'])}"
        )
    if payload.get("likelihood_ratios"):
        lines.append("  " + payload["likelihood_ratios"]["sentence"])
    if payload.get("clipped_values"):
        lines.append(
            "synthetic values changed by clipping: "
            + ", ".join(f"{k} {v}" for k, v in payload["clipped_values"].items())
        )
    if payload.get("threshold_uncertainty"):
        lines += uncertainty_text(payload["threshold_uncertainty"])
    if payload.get("rule"):
        lines += rule_text(payload["rule"])
    lines += [f"note: {n}" for n in payload["notices"]]
    return "\n".join(lines)


def add_rule_and_uncertainty(
    payload: dict[str, Any], view: Any, args: argparse.Namespace, rule: tuple[float, float] | None
) -> None:
    """Add ``threshold_uncertainty`` (with ``--pick``, unless ``--pick-boot 0``) and ``rule`` (with
    ``--rule-out``/``--rule-in``) to the JSON; keys documented in docs/THRESHOLDS.md."""
    boot = int(getattr(args, "pick_boot", 0) or 0)
    if getattr(args, "pick", None) and view is not None and boot > 0:
        payload["threshold_uncertainty"] = uncertainty_json(view, args.pick, args.prevalence, boot, args.seed)
    if rule is not None:
        payload["rule"] = rule_json(view, rule[0], rule[1], args.prevalence)


def add_likelihood_ratios(payload: dict[str, Any], args: argparse.Namespace) -> None:
    """Add ``likelihood_ratios`` (LR+ / LR- and post-test probabilities at the model's threshold, keys in
    :mod:`imbalance_core.evaluation.post_test_summary`) when the hold-out result is a 2x2 table.

    The pre-test probability is ``--pretest``, else the deployment prevalence (``--prevalence``), else the
    hold-out's own prevalence; which one is stated as ``pretest_source``.
    """
    from imbalance_core.evaluation.post_test_summary import summarise

    test = payload.get("test", {})
    if "tp" not in test or payload.get("threshold") is None:
        return
    if getattr(args, "pretest", None) is not None:
        pretest, source = float(args.pretest), "--pretest"
    elif getattr(args, "prevalence", None) is not None:
        pretest, source = float(args.prevalence), "the deployment prevalence (--prevalence)"
    else:
        pretest, source = payload.get("prevalence"), "the hold-out sample's prevalence"
    if pretest is None or not 0 < float(pretest) < 1:
        return
    counts = (int(test[k]) for k in ("tp", "fp", "tn", "fn"))
    payload["likelihood_ratios"] = summarise(*counts, float(pretest), source).to_json()


def uncertainty_text(block: Mapping[str, Any]) -> list[str]:
    """Terminal lines for ``threshold_uncertainty``."""
    n, seed = block["n_boot"], block["seed"]
    lines = [f"threshold uncertainty ({n} resamples of the cross-validated rows, seed {seed}):"]
    for key, p in block["picks"].items():
        lo, hi = _fmt(p["threshold_lo"]), _fmt(p["threshold_hi"])
        lines.append(f"  {key}: threshold {_fmt(p['threshold'])}, 95 % interval {lo}–{hi}")
        for m in ("sensitivity", "specificity", "ppv", "npv"):
            h = p["holdout"][m]
            has = "wilson_lo" in h
            ci = f" (Wilson 95 % CI {_fmt(h['wilson_lo'])}–{_fmt(h['wilson_hi'])})" if has else ""
            picks = f"{_fmt(h['lo'])}–{_fmt(h['hi'])}"
            lines.append(
                f"    hold-out {m} at this rule {_fmt(h['value'])}{ci}; "
                f"range the resampled picks deliver {picks} (not a confidence interval)"
            )
    return lines


def _iv(r: Mapping[str, Any]) -> str:
    return f"{_fmt(r['value'])} ({_fmt(r['lo'])}–{_fmt(r['hi'])})"


def rule_text(block: Mapping[str, Any]) -> list[str]:
    """Terminal lines for ``rule`` (the three zones)."""
    out, mid, inn = (block["zones"][k] for k in ("rule_out", "indeterminate", "rule_in"))
    low, high = block["rule_out_below"], block["rule_in_at_or_above"]
    return [
        f"rule: below {low:.4g} rule out; at or above {high:.4g} rule in; between: indeterminate "
        "(further testing)",
        f"  rule out      {out['n']} patients ({_fmt(out['share'])}), missed cases {out['missed']}, "
        f"NPV {_iv(out['npv'])}, at the prevalence {_iv(out['npv_deploy'])}",
        f"  indeterminate {mid['n']} patients ({_fmt(mid['share'])}), with the condition {mid['n_pos']}",
        f"  rule in       {inn['n']} patients ({_fmt(inn['share'])}), false alarms {inn['false_alarms']}, "
        f"PPV {_iv(inn['ppv'])}, at the prevalence {_iv(inn['ppv_deploy'])}",
        f"  per 1,000 patients at {_fmt(block['prevalence'])} prevalence: {_fmt(out['per1000'])} ruled out "
        f"({_fmt(out['missed_per1000'])} missed), {_fmt(mid['per1000'])} indeterminate, "
        f"{_fmt(inn['per1000'])} ruled in ({_fmt(inn['false_alarms_per1000'])} false alarms)",
    ]


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
    add_rule_args(p)
    arguments.add_pretest(p)
    p.add_argument(
        "--scores-out",
        metavar="CSV",
        help="write the hold-out rows to CSV: the file's ID column (or 'row', the 1-based input row number), "
        "y_true, score and model_id (the --model-out file's export id; empty without one)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--model-out", metavar="MODEL.skops", help="write the model with its threshold")
    from imbalance_core.cli.output import add_allow_patient_rows_arg

    add_allow_patient_rows_arg(p)
    add_calibration_args(p)
    add_subgroup_args(p)
    add_validation_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train, write scores if asked, print JSON or a summary."""
    rule = rule_from_args(args)  # checked before training: a bad pair fails at once
    data = load_prepared(args)
    base = settings_from_args(args, args.sampler, args.classifier, data)
    settings, tuned = tuned_settings(args, data, base)  # --tune: chosen on the training part only
    if getattr(args, "model_out", None):
        from imbalance_core.share.model_file import check_patient_rows_allowed

        check_patient_rows_allowed(args.classifier, args.allow_patient_rows)
    result = train(data, settings, scheduler=args.scheduler)
    view = binary_view(result, getattr(args, "one_vs_rest", None))
    if rule is not None and view is None:
        raise DataError(
            "--rule-out/--rule-in need a two-class task (positive vs the rest) or --one-vs-rest CLASS."
        )
    pick = pick_from_args(args, result)
    threshold, origin = threshold_from_args(args, result, pick)
    if getattr(args, "model_out", None):
        from imbalance_core.cli.output import write_model

        if view is not None and view.class_name is not None:
            raise DataError("--model-out saves the multi-class model; leave out --one-vs-rest with it.")
        saved = write_model(
            result,
            data,
            threshold,
            origin[:1].upper() + origin[1:] + ".",
            args.model_out,
            args.allow_patient_rows,
        )
        model_id = saved.metadata.export_id
    else:
        model_id = ""
    if args.scores_out:
        write_scores(result, args.scores_out, data, args.file, model_id)
    if data.duplicate_rows:
        print(f"note: {data.duplicates_text}", file=sys.stderr)
    payload = result_json(
        result, data, threshold, pick=pick, prevalence=args.prevalence, origin=origin, view=view
    )
    add_rule_and_uncertainty(payload, view, args, rule)
    add_likelihood_ratios(payload, args)
    extra = add_calibration_output(payload, result, data, args)  # docs/CALIBRATION.md
    groups = subgroup_table_from_args(args, data, result, threshold)
    if groups is not None:
        from imbalance_core.evaluation.subgroups import format_text as subgroup_text

        payload["subgroups"] = groups.as_dict()
        extra += "\n" + subgroup_text(groups)
    extra += add_validation_output(payload, args, data, base, tuned)  # docs/INTERNAL_VALIDATION.md
    print(json.dumps(payload, indent=2, ensure_ascii=False) if args.json else format_text(payload) + extra)
    return 0
