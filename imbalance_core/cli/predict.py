"""``python -m imbalance_core predict MODEL FILE --out predictions.csv``:
score new patients with a saved model.

The model file is checked before loading (skops, allow-listed types only); the patients' file goes
through the same intake as training data. Missing feature columns or text in numeric columns stop with
exit status 2 and one sentence naming the columns; extra columns are reported and ignored.
"""

from __future__ import annotations

import argparse
import sys

from imbalance_core.cli.images import prepare_cnn_for, read_image_bytes
from imbalance_core.cli.output import write_bytes
from imbalance_core.images.predict import predict_image_zip
from imbalance_core.share import model_file, predict


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``predict`` subcommand."""
    p = sub.add_parser(
        "predict",
        help="score a CSV of new patients with a saved .skops model",
        description="Load a model written by 'report --model-out' or downloaded from the Report page, "
        "score every row of FILE and write the rows with the score and the decision at the "
        "model's saved threshold.",
    )
    p.add_argument("model", metavar="MODEL", help="the .skops model file")
    p.add_argument("file", metavar="FILE", help="CSV of new patients with the model's feature columns")
    p.add_argument("--out", required=True, metavar="CSV", help="where to write the predictions")
    p.add_argument(
        "--with-features",
        action="store_true",
        help="image zips: also write every image's feature values (default: file, class, score, decision)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, score, write; notices go to stderr, the summary to stdout."""
    saved = model_file.load_model(args.model)
    check = None
    if str(args.file).lower().endswith(".zip"):  # new patients' images (issues 16, 29)
        prepare_cnn_for(saved)  # "Preparing the image network" on its first use
        images = predict_image_zip(saved, read_image_bytes(args.file), args.with_features)
        result, check = images.result, images.check
    else:
        result = predict.predict_file(saved, args.file)
    write_bytes(args.out, predict.csv_bytes(result.frame), "predictions file")
    for notice in (*saved.metadata.notices, *result.notices):
        print(f"note: {notice}", file=sys.stderr)
    print(result.summary())
    if check is not None:  # a labelled zip: judged like a hold-out
        print(check.text())
    print(f"predictions written to {args.out}")
    return 0
