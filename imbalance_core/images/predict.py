"""Predict for images: new patients' images (a zip, any folders) -> a table a person reads, and, when the
zip's folders are the model's classes, the same check as a hold-out.

A model trained on image features names its columns ``<extractor>_0000`` ...; :func:`extractor_of` reads
the extractor back from those names, so the new images get exactly the features the model was trained
on. Scoring is :func:`imbalance_core.share.predict.predict_frame` — the same as for a table.

The output has one row per image: ``file`` (its path in the zip), ``class`` (its folder, when the images
sit in folders), ``score`` and ``decision`` at the saved threshold — 1,764 HOG numbers beside a score
help nobody, so the features are added only when asked (``with_features``). When every image sits in a
folder named like one of the model's classes (``NORMAL/``, ``PNEUMONIA/``, also under ``test/`` or one
wrapping folder), the zip is labelled: :func:`labelled_check` gives the 2x2 table at the saved threshold,
sensitivity and specificity with Wilson 95 % intervals, the prevalence and the ROC AUC with DeLong's
interval — the numbers a hold-out gets (STARD).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import share_text
from imbalance_core.evaluation.intervals import Interval, delong_roc_auc, wilson
from imbalance_core.images.extractors import CNN_KEY, CNN_PRECISION, EXTRACTORS, compute_features
from imbalance_core.images.features import FILE, LABEL, feature_names
from imbalance_core.images.intake import read_unlabelled_zip
from imbalance_core.share.model_file import SavedModel
from imbalance_core.share.predict import DECISION_COLUMN, PredictionResult, predict_frame

#: Output columns of an image prediction (``class`` only when the images sit in folders).
SCORE = "score"
DECISION = "decision"
_SPLIT_FOLDERS = {"train", "training", "val", "valid", "validation", "test", "testing"}


def extractor_of(names: tuple[str, ...]) -> str:
    """The extractor whose feature columns the model uses; DataError when they are not image features."""
    prefixes = {str(n).rsplit("_", 1)[0] for n in names}
    if len(prefixes) == 1 and (key := prefixes.pop()) in EXTRACTORS:
        return key
    raise DataError("This model was not trained on image features; score a table of patients instead.")


#: The model-file format versions from which CNN features come from the int8 network, and from the int8
#: network with 7-bit weights in its 1 x 1 convolutions (share.model_file).
INT8_CNN_SINCE = 2
SEVEN_BIT_CNN_SINCE = 3


def cnn_precision_of(saved: SavedModel) -> str:
    """The CNN precision a saved model was trained with: ``float32`` for files written before the int8
    network became the default (format version 1), ``int8-8bit`` for version 2 (8-bit weights
    everywhere), else :data:`CNN_PRECISION`. Without this a model saved earlier would silently get
    slightly different features (cosine about 0.99 for float32) and scores."""
    version = saved.metadata.format_version
    if version < INT8_CNN_SINCE:
        return "float32"
    return "int8-8bit" if version < SEVEN_BIT_CNN_SINCE else CNN_PRECISION


def cnn_network_of(saved: SavedModel) -> str | None:
    """The CNN precision a saved image model needs (:func:`cnn_precision_of`), or None when its features do
    not come from the CNN. DataError when it was not trained on image features (:func:`extractor_of`)."""
    key = extractor_of(tuple(saved.metadata.feature_names))
    return cnn_precision_of(saved) if key == CNN_KEY else None


def saved_model_features(saved: SavedModel, images: np.ndarray) -> tuple[str, np.ndarray]:
    """(extractor key, features) of ``images`` exactly as the saved model was trained on them."""
    key = extractor_of(tuple(saved.metadata.feature_names))
    precision = cnn_precision_of(saved) if key == CNN_KEY else CNN_PRECISION
    return key, compute_features(images, key, precision=precision)


def folders_of(names: tuple[str, ...]) -> list[str] | None:
    """Each image's class folder (the folder above the file, past a train/test folder and one shared
    wrapping folder), or None when some image sits at the top of the zip."""
    parts = [[p for p in n.replace("\\", "/").split("/") if p] for n in names]
    if any(len(p) < 2 for p in parts):
        return None
    if all(len(p) > 2 for p in parts) and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]  # one wrapping folder (chest_xray/...)
    out = []
    for p in parts:
        top = p[0].lower() in _SPLIT_FOLDERS and len(p) > 2
        out.append(p[1] if top else p[0])
    return out


@dataclass(frozen=True)
class LabelledCheck:
    """A labelled zip judged like a hold-out at the saved threshold.

    tp/fn/fp/tn: the 2x2 table. sensitivity, specificity: Wilson 95 % intervals. roc_auc: DeLong.
    prevalence: share of images in the positive folder. positive, negative: the folder names.
    """

    tp: int
    fn: int
    fp: int
    tn: int
    sensitivity: Interval
    specificity: Interval
    roc_auc: Interval
    prevalence: float
    threshold: float
    positive: str
    negative: str

    def text(self) -> str:
        """The check as plain lines (CLI output)."""

        def iv(i: Interval) -> str:
            if not np.isfinite(i.value):
                return "not defined (no image of that class)"
            return f"{i.value:.3f} (95 % CI {i.lo:.3f} to {i.hi:.3f})"

        n = self.tp + self.fn + self.fp + self.tn
        return "\n".join(
            [
                f"Labelled zip ({n} images, {self.tp + self.fn} {self.positive} = prevalence "
                f"{share_text(self.prevalence)}) judged like a hold-out at the threshold "
                f"{self.threshold:.4f}:",
                f"{'':>22} {'called ' + self.positive:>20} {'called ' + self.negative:>20}",
                f"{self.positive:>22} {'TP ' + str(self.tp):>20} {'FN ' + str(self.fn):>20}",
                f"{self.negative:>22} {'FP ' + str(self.fp):>20} {'TN ' + str(self.tn):>20}",
                f"sensitivity {iv(self.sensitivity)}",
                f"specificity {iv(self.specificity)}",
                f"ROC AUC {iv(self.roc_auc)}",
            ]
        )

    def as_dict(self) -> dict:
        """JSON-ready."""
        return dataclasses.asdict(self)


def _interval(count: int, n: int) -> Interval:
    lo, hi = wilson(np.array(count), np.array(n))
    value = count / n if n else float("nan")
    return Interval(float(value), float(lo), float(hi), "wilson")


def labelled_check(
    y: np.ndarray, scores: np.ndarray, threshold: float, names: tuple[str, str]
) -> LabelledCheck:
    """2x2, sensitivity / specificity (Wilson), ROC AUC (DeLong) and prevalence for 0/1 labels ``y``."""
    y = np.asarray(y, dtype=bool)
    called = np.asarray(scores, dtype=float) >= threshold
    tp, fn = int(np.sum(called & y)), int(np.sum(~called & y))
    fp, tn = int(np.sum(called & ~y)), int(np.sum(~called & ~y))
    return LabelledCheck(
        tp=tp,
        fn=fn,
        fp=fp,
        tn=tn,
        sensitivity=_interval(tp, tp + fn),
        specificity=_interval(tn, tn + fp),
        roc_auc=delong_roc_auc(y, scores),
        prevalence=float(y.mean()) if len(y) else float("nan"),
        threshold=float(threshold),
        positive=names[1],
        negative=names[0],
    )


@dataclass(frozen=True)
class ImagePrediction:
    """The prediction table (``file``, [``class``], ``score``, ``decision``[, features]) with the scoring
    result behind it, and the hold-out check when the zip's folders are the model's classes."""

    result: PredictionResult
    check: LabelledCheck | None

    @property
    def frame(self) -> pd.DataFrame:
        """What is written and shown."""
        return self.result.frame


def _labels(folders: list[str] | None, class_names: tuple[str, ...]) -> np.ndarray | None:
    """0/1 per image when every folder is one of a binary model's classes (any case), else None."""
    if folders is None or len(class_names) != 2:
        return None
    lower = [c.lower() for c in class_names]
    if not all(f.lower() in lower for f in folders):
        return None
    return np.array([lower.index(f.lower()) for f in folders], dtype=np.int64)


def predict_image_zip(saved: SavedModel, raw: bytes, with_features: bool = False) -> ImagePrediction:
    """Scores and decisions for every image in the zip ``raw`` (see the module docstring)."""
    images = read_unlabelled_zip(raw)
    key, feats = saved_model_features(saved, images.images)
    columns = list(feature_names(key, feats.shape[1]))
    features = pd.DataFrame(feats.astype(float), columns=columns)
    result = predict_frame(saved, features, tuple(images.notices))
    folders = folders_of(images.names)
    out = pd.DataFrame({FILE: list(images.names)})
    if folders is not None:
        out[LABEL] = folders
    out[SCORE] = result.scores if result.scores.ndim == 1 else result.scores.max(axis=1)
    out[DECISION] = result.frame[DECISION_COLUMN].to_numpy()
    if with_features:
        out = pd.concat([out, features], axis=1)
    y = _labels(folders, saved.metadata.class_names)
    check = None
    notices = list(result.notices)
    if y is not None and saved.metadata.threshold is not None:
        names = saved.metadata.class_names
        check = labelled_check(y, result.scores, float(saved.metadata.threshold), (names[0], names[1]))
        notices.append(
            "The images sit in folders named like the model's classes, so the zip was judged like a "
            "hold-out (2x2 table, sensitivity and specificity with 95 % intervals)."
        )
    elif folders is not None:
        notices.append(
            "The images sit in folders that are not the model's classes; the folder is given in the "
            f"'{LABEL}' column but the zip was not judged as labelled."
        )
    return ImagePrediction(dataclasses.replace(result, frame=out, notices=tuple(notices)), check)
