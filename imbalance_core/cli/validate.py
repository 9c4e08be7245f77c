"""``python -m imbalance_core validate MODEL FILE [--label COL] [--development FILE] [--json]``:
the saved model on new patients.

With ``--label``: external validation (discrimination, calibration, the 2x2 at the saved threshold beside
the development figures in the model file), threshold transport, updating (cross-validated within the
file; ``--update-out`` writes the updated model file), case mix, the membership model when
``--development`` gives the development file, the validation sample size. Without ``--label``: the new
batch's expected prevalence (EM) and its case mix. The core is :mod:`imbalance_core.share.validate`.
"""

from __future__ import annotations

import argparse
import json
import sys

from imbalance_core.cli.output import write_bytes
from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.share import model_file
from imbalance_core.share import validate as core
from imbalance_core.share.validate_report import difference_text, estimate_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand."""
    p = sub.add_parser(
        "validate",
        help="validate a saved .skops model on a new file (external validation, updating, drift)",
        description="Judge a saved model on new patients: with --label, its discrimination, calibration "
        "and the 2x2 at the saved threshold next to its development figures, and updated in "
        "Steyerberg's order; without --label, the expected prevalence of the unlabelled batch.",
    )
    p.add_argument("model", metavar="MODEL", help="the .skops model file")
    p.add_argument(
        "file",
        metavar="FILE",
        help="CSV of new patients with the model's feature columns, or for an image model a zip of images "
        "in class folders (the folders are the outcome)",
    )
    p.add_argument("--label", metavar="COL", help="the outcome column (omit for an unlabelled batch)")
    p.add_argument("--positive", action="append", default=[], metavar="VALUE",
                   help="outcome value counted as positive (default: the model's positive values); "
                        "repeat or separate by commas")  # fmt: skip
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="VALUE",
        help="outcome value whose rows are left out; may be repeated or comma-separated",
    )
    p.add_argument(
        "--development",
        metavar="FILE",
        help="the development file, for the membership model (can the two files be told apart?)",
    )
    p.add_argument(
        "--update",
        choices=("recommended", "intercept", "logistic"),
        default="recommended",
        help="which update --update-out writes (default: the one closed testing recommends)",
    )
    p.add_argument("--update-out", metavar="SKOPS", help="write the updated model file here (needs --label)")
    p.add_argument(
        "--pdf-out", metavar="PDF", help="write the external-validation report here (needs --label)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstraps and folds (default 0)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def _split(values: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in values:
        out += [part.strip() for part in item.split(",") if part.strip()]
    return tuple(out)


PERCENT = {"sensitivity", "specificity", "ppv", "npv"}


def _print_drift(d: core.DriftReport) -> None:
    print("\nCase mix (development summaries in the model file vs this file):")
    if d.case_mix is None:
        print(f"  {d.case_mix_note}")
    else:
        print(f"  {d.case_mix.summary()}")
        for f in d.case_mix.features[:10]:
            smd = (
                f"SMD {f.smd:+.2f}" if f.smd == f.smd else f"largest share change {percent(f.largest_shift)}"
            )
            print(f"  {f.feature:<24} {f.verdict:<15} {smd}{'; ' + f.detail if f.detail else ''}")
    print("Membership model:")
    print(f"  {d.membership.summary() if d.membership else d.membership_note}")


def _print_prevalence(p: object, note: str = "", caveat: str = "") -> None:
    if p is None:
        print(f"  {note or 'Not estimable.'}")
        return
    if caveat:
        print(f"  caution: {caveat}")
    print(f"  {p.summary()}")
    if p.ppv is not None and not p.at_edge:
        print(
            f"  At that prevalence and the saved threshold: PPV {estimate_text(p.ppv, True)}, "
            f"NPV {estimate_text(p.npv, True)}."
        )
    if p.warning:
        print(f"  warning: {p.warning}")


def _print_labelled(v: core.LabelledValidation) -> None:
    f = v.figures
    t = f.table
    prevalence = percent(f.prevalence)
    print(f"{v.name}: {f.n:,} patients, {f.events:,} positive ({prevalence}); threshold {f.threshold:.4g}")
    print(f"2x2 at the saved threshold: TP {t.tp}, FP {t.fp}, TN {t.tn}, FN {t.fn}")
    print(f"\n{'figure':<28} {'development (' + v.development_source + ')':<34} {'this file':<34} difference")
    for r in v.rows:
        pct = r.key in PERCENT
        diff = difference_text(r.difference, pct)
        development, external = estimate_text(r.development, pct), estimate_text(r.external, pct)
        print(f"{r.name:<28} {development:<34} {external:<34} {diff}")
    print(f"\nThreshold transport: {v.transport.summary()}")
    print("\nUpdating (figures from cross-validation within this file, test folds only):")
    if v.updating is None:
        print(f"  {v.updating_note}")
    else:
        for r in v.updating.results:
            e = r.figures.estimates()
            intercept, slope = estimate_text(e["intercept"], False), estimate_text(e["slope"], False)
            print(f"  {r.name:<44} intercept {intercept}, slope {slope}, "
                  f"E:O {estimate_text(e['e_to_o'], False)}; {r.calibrator.describe()}")  # fmt: skip
        print(f"  Recommended: {core.UPDATES[v.updating.recommended]} — {v.updating.reason}.")
    _print_drift(v.drift)
    print("\nSample size for validation (Riley et al. 2021):")
    print(f"  {v.size.summary() if v.size else 'not computed'}")
    print("\nPrevalence estimated from the risks alone (check against the observed one):")
    _print_prevalence(v.prevalence, caveat=v.prevalence_caveat)


def _read(saved: model_file.SavedModel, args: argparse.Namespace):
    """The new patients and the optional development rows: a CSV, or for an image model a zip of images
    (labelled by its class folders, which need no --label; see :mod:`imbalance_core.images.validation`)."""
    from imbalance_core.images import validation as zips  # the image room only for zips

    if zips.is_zip(args.file):
        from imbalance_core.cli.images import prepare_cnn_for

        prepare_cnn_for(saved)  # "Preparing the image network" on its first use
        new = zips.read_new_images(saved, args.file, label=args.label, positive=_split(args.positive))
    else:
        new = core.read_new_patients(saved, args.file, label=args.label, positive=_split(args.positive),
                                     ignore=_split(args.ignore))  # fmt: skip
    dev = None
    if args.development:
        read = zips.read_development_images if zips.is_zip(args.development) else core.read_development
        dev = read(saved, args.development)
    return new, dev


def run(args: argparse.Namespace) -> int:
    """Load, read, validate or describe; print; write the updated model when asked."""
    saved = model_file.load_model(args.model)
    new, dev = _read(saved, args)
    labelled = new.y is not None
    if args.update_out and not labelled:
        raise DataError("--update-out needs --label: a model is updated on patients with known outcomes.")
    if args.pdf_out and not labelled:
        raise DataError("--pdf-out needs --label: the report compares figures that need the outcomes.")
    if labelled:
        result = core.validate_labelled(saved, new, dev, seed=args.seed)
        payload = core.labelled_json(result)
        if args.update_out:
            method = (
                result.updating.recommended
                if result.updating and args.update == "recommended"
                else args.update
            )
            if method == "none":
                method = "intercept"
                print("note: the original model needs no update; writing the intercept update as asked.",
                      file=sys.stderr)  # fmt: skip
            updated = core.updated_model(saved, result, method)
            write_bytes(args.update_out, model_file.dumps(updated), "updated model file")
            payload["updated_model"] = {"path": args.update_out, "method": method,
                                        "parent_id": updated.metadata.parent_id,
                                        "export_id": updated.metadata.export_id}  # fmt: skip
        if args.pdf_out:
            from imbalance_core.share.validate_report import render_validation_pdf

            write_bytes(args.pdf_out, render_validation_pdf(result, saved), "report")
            payload["report"] = args.pdf_out
        if args.json:
            print(json.dumps(payload, indent=2))
        else:
            _print_labelled(result)
            if args.pdf_out:
                print(f"\nreport written to {args.pdf_out}")
            if args.update_out:
                print(f"\nupdated model ({payload['updated_model']['method']}) written to {args.update_out}")
    else:
        batch = core.describe_batch(saved, new, dev, seed=args.seed)
        if args.json:
            print(json.dumps(core.batch_json(batch), indent=2))
        else:
            print(f"{batch.name}: {batch.n:,} patients without outcomes")
            print("Expected prevalence:")
            _print_prevalence(batch.prevalence, batch.prevalence_note, batch.prevalence_caveat)
            _print_drift(batch.drift)
    for notice in new.notices:
        print(f"note: {notice}", file=sys.stderr)
    return 0
