"""``images-features``, ``images-study``, ``images-audit``: image zips (or the bundled PneumoniaMNIST).

    python -m imbalance_core images-features ZIP --extractor KEY --out features.csv
    python -m imbalance_core images-study ZIP [--extractor KEY] [--techniques K1,...] [--cv K] [--json]
    python -m imbalance_core images-audit ZIP [--extractor KEY] [--no-border] [--json]
    python -m imbalance_core images-quantize OUT.onnx [--calibration N] [--reduce-range on|off]

``ZIP`` is a zip of class folders (optionally ``train/`` + ``test/`` inside) or the word
``pneumoniamnist`` for the bundled demo. ``images-features`` writes one row per image: ``class``,
``file`` and the features; ``evaluate FILE --label class`` reads it (the file name is excluded as an
identifier). ``evaluate`` / ``compare`` / ``report`` also take ``ZIP --label class [--extractor KEY]``
directly (a zip's test/ folder is then the hold-out, as on the pages). ``images-study`` prints the chest
X-ray study's table: technique x (balanced accuracy, recall, F1, TP, TN, FP, FN) on the hold-out
(the zip's test/ folder; PneumoniaMNIST's 624 test images).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from imbalance_core.cli import arguments
from imbalance_core.cli.arguments import parse_keys
from imbalance_core.cli.output import write_bytes
from imbalance_core.errors import DataError
from imbalance_core.images.augment import CHEST_XRAY, AugmentSettings
from imbalance_core.images.bundled import load_pneumoniamnist
from imbalance_core.images.extractors import (
    CNN_KEY,
    CNN_PRECISION,
    DEFAULT_EXTRACTOR,
    EXTRACTORS,
    cnn_model,
    cnn_ready,
)
from imbalance_core.images.features import feature_table, image_table
from imbalance_core.images.intake import ImageSet, read_image_zip
from imbalance_core.images.study import (
    TECHNIQUES,
    format_ranking,
    format_study,
    rank_extractors,
    study_json,
    study_table,
)
from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.classifiers import CLASSIFIERS

#: The word that names the bundled image demo instead of a zip file.
BUNDLED_WORD = "pneumoniamnist"


def read_image_bytes(path: str) -> bytes:
    """The bytes of an image zip; DataError in plain words when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError:
        raise DataError("The image zip could not be read; check the path.") from None


def load_images(source: str, positive: str | None = None) -> ImageSet:
    """The bundled PneumoniaMNIST for ``pneumoniamnist``, else the zip file at ``source``."""
    if source.lower() == BUNDLED_WORD:
        return load_pneumoniamnist()
    return read_image_zip(read_image_bytes(source), positive=positive, source=Path(source).name)


def image_source_table(
    source: str, extractor: str | None = None, augment: AugmentSettings = CHEST_XRAY
) -> LoadedTable | None:
    """The feature table (``extractor``, else the default) of an image zip or the bundled demo; None for
    other files (DataError if an extractor was asked for a table: it would be silently ignored).

    Lets ``evaluate`` / ``compare`` / ``report`` take an image zip with ``--label class``; a zip's test/
    folder is the hold-out there too (as in ``images-study`` and on the pages), so the pages' printed
    ``evaluate`` line reproduces their numbers.
    """
    text = str(source)
    if not (text.lower().endswith(".zip") or text.lower() == BUNDLED_WORD):
        if extractor:
            raise DataError(
                f"--extractor applies to image zips and '{BUNDLED_WORD}' only; leave it out for a table."
            )
        return None
    images = load_images(text)
    prepare_cnn(extractor or DEFAULT_EXTRACTOR)
    return image_table(images, extractor or DEFAULT_EXTRACTOR, Path(text).name, _progress, augment)


def add_augment_args(parser: argparse.ArgumentParser) -> None:
    """How ``--sampler augment`` changes copies of rare-class training images (image zips only)."""
    g = parser.add_argument_group("augmentation (--sampler augment; image zips)")
    for flag, default, top, what in (
        ("--augment-rotation", CHEST_XRAY.max_rotation, 45.0, "largest rotation either way, degrees"),
        ("--augment-shift", CHEST_XRAY.max_shift, 0.5, "largest shift either way, share of the side"),
        ("--augment-brightness", CHEST_XRAY.brightness, 0.5, "largest brightness change, share of 255"),
        ("--augment-contrast", CHEST_XRAY.contrast, 0.5, "largest contrast change, share"),
    ):
        g.add_argument(
            flag, type=arguments.number(flag, 0.0, top, str(default)), default=default, metavar="X",
            help=f"{what} (default {default:g})",
        )  # fmt: skip
    g.add_argument(
        "--augment-flip",
        action="store_true",
        help="allow horizontal flips (off by default: a flipped chest X-ray puts the heart on the right)",
    )


def augment_from_args(args: argparse.Namespace) -> AugmentSettings:
    """The augmentation settings of :func:`add_augment_args` (defaults where a command lacks them)."""
    return AugmentSettings(
        max_rotation=float(getattr(args, "augment_rotation", CHEST_XRAY.max_rotation)),
        max_shift=float(getattr(args, "augment_shift", CHEST_XRAY.max_shift)),
        flip=bool(getattr(args, "augment_flip", False)),
        brightness=float(getattr(args, "augment_brightness", CHEST_XRAY.brightness)),
        contrast=float(getattr(args, "augment_contrast", CHEST_XRAY.contrast)),
    )


def prepare_cnn(extractor: str | None, precision: str = CNN_PRECISION) -> None:
    """One line on stderr before the int8 CNN is built (first CNN use in this run, 3-8 s), then build it."""
    if extractor == CNN_KEY and not cnn_ready(precision):
        print("Preparing the image network (int8, first use in this run, about 5 s) ...", file=sys.stderr)
        cnn_model(precision)


def prepare_cnn_for(saved: Any) -> None:
    """:func:`prepare_cnn` for a saved image model's own network (``predict`` / ``validate`` of a zip);
    nothing for a model not trained on CNN features (scoring it says why)."""
    from imbalance_core.images.predict import cnn_network_of

    try:
        precision = cnn_network_of(saved)
    except DataError:
        return
    if precision is not None:
        prepare_cnn(CNN_KEY, precision)


def _progress(done: int, total: int, rate: float, left: float) -> None:
    print(
        f"\rfeatures: {done}/{total} images, {rate:.0f} images/s, {left:.0f} s left", end="", file=sys.stderr
    )
    if done == total:
        print(file=sys.stderr)


def _add_source(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "zip", metavar="ZIP", help=f"a zip of class folders, or '{BUNDLED_WORD}' for the bundled demo"
    )
    p.add_argument(
        "--extractor",
        choices=list(EXTRACTORS),
        default=DEFAULT_EXTRACTOR,
        help=f"feature extractor (default {DEFAULT_EXTRACTOR}: best on the bundled benchmark)",
    )
    p.add_argument("--positive", metavar="FOLDER", help="the positive class folder (default: see the docs)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``images-features`` and ``images-study`` subcommands."""
    p = sub.add_parser(
        "images-features",
        help="turn an image zip into a feature table (CSV) the other commands read",
        description="Read a zip of class folders (or the bundled PneumoniaMNIST) and write one row "
        "per image: class, file name and the extractor's features.",
    )
    _add_source(p)
    p.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
    p.set_defaults(func=run_features)
    q = sub.add_parser(
        "images-study",
        help="the chest X-ray study's table: technique x balanced accuracy, recall, F1, TP, TN, FP, FN",
        description="Train every technique (baseline, random under/over, augmentation, SMOTE, "
        "Borderline-SMOTE, class weights, moved threshold) on image features and score the hold-out "
        "(the zip's test/ folder or PneumoniaMNIST's 624 test images).",
    )
    _add_source(q)
    q.add_argument(
        "--techniques",
        default=",".join(TECHNIQUES),
        metavar="K1,K2,...",
        help="subset of: " + ", ".join(TECHNIQUES),
    )
    q.add_argument(
        "--classifier", choices=list(CLASSIFIERS), default="logreg", help="classifier (default logreg)"
    )
    q.add_argument(
        "--cv", type=arguments.integer("--cv", 2, 20, "5"), default=5, help="cross-validation folds"
    )
    q.add_argument("--seed", type=int, default=0, help="random seed")
    q.add_argument("--json", action="store_true", help="print the table as JSON")
    q.add_argument(
        "--rank-extractors",
        metavar="K1,K2,...",
        help="instead of the table: rank these extractors by the baseline model's CV ROC AUC",
    )
    q.set_defaults(func=run_study)
    a = sub.add_parser(
        "images-audit",
        help="shortcut and leakage audit of an image zip: duplicates, image properties, border only",
        description="Before any result: exact and near-duplicate images within and across train/ and test/, "
        "how well image size, aspect ratio, bit depth, file format and mean intensity alone predict the "
        "class, and whether the image border alone (centre painted over) predicts it as well as the whole "
        "image. Each finding comes with what to do.",
    )
    _add_source(a)
    a.add_argument("--no-border", action="store_true", help="skip the border-only check (the slowest)")
    a.add_argument("--seed", type=int, default=0, help="random seed of the cross-validation")
    a.add_argument("--json", action="store_true", help="print the audit as JSON")
    a.set_defaults(func=run_audit)
    z = sub.add_parser(
        "images-quantize",
        help="write the int8 EfficientNet-Lite0 the CNN extractor runs, built from the bundled model",
        description="onnxruntime static quantisation of the bundled CNN, calibrated on bundled "
        "PneumoniaMNIST training images (the defaults give the extractor's own model); "
        "bench/images.py compares it with float32.",
    )
    z.add_argument("out", metavar="OUT", help="the .onnx file to write")
    z.add_argument("--calibration", type=int, default=64, help="calibration images (default 64)")
    z.add_argument("--seed", type=int, default=0, help="which calibration images")
    z.add_argument(
        "--reduce-range",
        choices=["on", "off"],
        default="on",
        help="7-bit weights in the 1 x 1 convolutions (default on: the extractor's own network, the same "
        "on every machine); off: 8-bit weights, the network of models saved with file format version 2",
    )
    z.set_defaults(func=run_quantize)


def run_features(args: argparse.Namespace) -> int:
    """Write the feature table."""
    images = load_images(args.zip, args.positive)
    for notice in images.notices:
        print(f"note: {notice}", file=sys.stderr)
    prepare_cnn(args.extractor)
    table = feature_table(images, args.extractor, _progress)
    write_bytes(args.out, table.to_csv(index=False).encode(), "feature table")
    print(f"{len(table)} images x {table.shape[1] - 2} features written to {args.out}")
    return 0


def run_study(args: argparse.Namespace) -> int:
    """Print the study's table."""
    techniques = parse_keys(args.techniques, TECHNIQUES, "techniques")
    images = load_images(args.zip, args.positive)
    for notice in images.notices:
        print(f"note: {notice}", file=sys.stderr)
    if args.rank_extractors:
        keys = parse_keys(args.rank_extractors, EXTRACTORS, "extractors")
        print(format_ranking(rank_extractors(images, keys, args.classifier, int(args.cv), int(args.seed))))
        return 0
    prepare_cnn(args.extractor)
    result = study_table(
        images,
        args.extractor,
        classifier=args.classifier,
        cv=int(args.cv),
        seed=int(args.seed),
        techniques=techniques,
        progress=lambda message, fraction: print(f"{message}", file=sys.stderr),
    )
    print(json.dumps(study_json(result), allow_nan=True) if args.json else format_study(result))
    return 0


def run_audit(args: argparse.Namespace) -> int:
    """Print the audit's findings (or JSON)."""
    from imbalance_core.images.audit import audit_images, format_audit

    raw = None
    if args.zip.lower() != BUNDLED_WORD:
        if not args.zip.lower().endswith(".zip"):
            raise DataError(
                f"images-audit reads a zip of class folders or '{BUNDLED_WORD}'; give a .zip file."
            )
        raw = read_image_bytes(args.zip)
        images = read_image_zip(raw, positive=args.positive, source=Path(args.zip).name)
    else:
        images = load_pneumoniamnist()
    prepare_cnn(args.extractor)
    result = audit_images(images, raw, args.extractor, int(args.seed), border=not args.no_border)
    print(json.dumps(result.as_dict(), allow_nan=True) if args.json else format_audit(result))
    return 0


def run_quantize(args: argparse.Namespace) -> int:
    """Write the int8 model."""
    if int(args.calibration) < 1:
        raise DataError("--calibration needs at least 1 image.")
    try:
        from imbalance_core.images.quantize import build_note, quantize_cnn

        reduce = args.reduce_range == "on"
        path = quantize_cnn(Path(args.out), int(args.calibration), int(args.seed), reduce_range=reduce)
    except ImportError:
        raise DataError("images-quantize needs the onnx package (pip install -r requirements.txt).") from None
    except OSError:
        raise DataError("The int8 model could not be written there; check the path.") from None
    print(f"int8 model written to {path} ({path.stat().st_size / 2**20:.1f} MB)")
    if reduce:
        print(build_note(), file=sys.stderr)
    else:
        print("8-bit weights everywhere (reduce_range off): the network models saved with file format "
              "version 2 were trained on.", file=sys.stderr)  # fmt: skip
    return 0


def duplicate_grouped(source: str, data: PreparedData) -> PreparedData:
    """``data`` of an image zip with its duplicate groups (``--group-by 'duplicate image group'``): every
    group of identical or nearly identical images stays in one CV fold and on one side of a drawn hold-out."""
    from imbalance_core.images.audit import find_duplicates, with_duplicate_groups

    text = str(source)
    if not (text.lower().endswith(".zip") or text.lower() == BUNDLED_WORD):
        raise DataError("Duplicate image groups exist for image zips only; choose another --group-by.")
    return with_duplicate_groups(data, find_duplicates(load_images(text)))
