"""Where the model's evidence came from: class-activation maps, occlusion sensitivity, FN/FP picks.

These maps show which parts of the image moved the score — they are **not** lesion locations. Saliency
maps localise pathology poorly (Arun et al., Radiology: AI 2021); a model can lean on a marker, a tube or
the image border. Every caption says so (:data:`CAPTION`).

* :func:`cnn_cam` — exact for the CNN extractor with a linear classifier (logistic regression): the
  classifier's weights, in feature units (divided by the scaler's spread), applied to the network's
  ``maps`` output (1280 x 7 x 7). Its mean over the 7 x 7 cells plus a constant is the model's logit,
  so the map adds up to the decision.
* :func:`occlusion_map` — for any extractor/classifier pair: cover one patch at a time with the image's
  median grey and record how much the positive-class score drops.
* :func:`errors_at` — the hold-out false negatives and false positives at a threshold, worst first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.images.extractors import cnn_outputs, compute_features
from imbalance_core.images.features import feature_names

CAPTION = (
    "Where the model's evidence came from (red: towards {positive}, blue: against). Not where a lesion "
    "is: saliency maps localise pathology poorly, and a model may rely on markers or borders."
)


@dataclass(frozen=True)
class SaliencyMap:
    """A heat map over an image. heat: float (h, w) at the image's size; method: "cam" or "occlusion";
    score: the model's positive-class score for the image."""

    heat: np.ndarray
    method: str
    score: float


def linear_weights(pipeline) -> tuple[np.ndarray, float] | None:
    """Weights and intercept of a fitted pipeline's linear classifier in the units of its input features.

    None when the classifier is not linear (no ``coef_``) or the task is not binary.
    """
    model = getattr(pipeline.named_steps["classifier"], "estimator_", None)
    coef = getattr(model, "coef_", None)
    if coef is None or coef.shape[0] != 1:
        return None
    w = np.asarray(coef[0], dtype=np.float64)
    b = float(model.intercept_[0])
    scaler = pipeline.named_steps.get("scale")
    if scaler is not None:
        w = w / scaler.scale_
        b = b - float(np.dot(w, scaler.mean_))
    return w, b


def _upsample(heat: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    img = Image.fromarray(heat.astype(np.float32), mode="F")
    return np.asarray(img.resize((size[1], size[0]), Image.Resampling.BILINEAR), dtype=np.float64)


def cnn_cam(image: np.ndarray, pipeline) -> SaliencyMap:
    """Exact class-activation map of one uint8 (h, w, c) image for CNN features + a linear classifier."""
    weights = linear_weights(pipeline)
    if weights is None:
        raise DataError(
            "An exact activation map needs a linear classifier (logistic regression) on CNN features."
        )
    w, b = weights
    names = getattr(pipeline, "feature_names_in_", None)
    if names is not None and len(names) != w.shape[0]:
        raise DataError("The model's columns do not match its weights; train it again.")
    maps, feat = cnn_outputs(image[None], ("maps", "feat"))
    if names is not None:  # a table reader may have left out constant feature columns
        full = np.zeros(maps.shape[1])
        full[[int(str(n).rsplit("_", 1)[-1]) for n in names]] = w
        w = full
    cam = np.tensordot(w, maps[0].astype(np.float64), axes=(0, 0))  # (7, 7)
    logit = float(np.dot(w, feat[0]) + b)
    return SaliencyMap(_upsample(cam, image.shape[:2]), "cam", float(1 / (1 + np.exp(-logit))))


def occlusion_map(
    image: np.ndarray,
    score: Callable[[np.ndarray], np.ndarray],
    patch: int | None = None,
    stride: int | None = None,
) -> SaliencyMap:
    """Score drop when a square patch is covered with the median grey, at every patch position.

    ``score`` maps uint8 images (n, h, w, c) to positive-class scores. The heat at a pixel is the mean
    drop over the patches covering it (positive: the covered part supported the positive class).
    """
    h, w, _ = image.shape
    patch = patch or max(2, min(h, w) // 4)
    stride = stride or max(1, patch // 2)
    fill = np.median(image, axis=(0, 1)).astype(np.uint8)
    tops = list(range(0, max(h - patch, 0) + 1, stride))
    lefts = list(range(0, max(w - patch, 0) + 1, stride))
    covered = []
    for top in tops:
        for left in lefts:
            copy = image.copy()
            copy[top : top + patch, left : left + patch] = fill
            covered.append(copy)
    scores = score(np.stack([image, *covered]))
    base, drops = float(scores[0]), base_drops(scores)
    heat, count = np.zeros((h, w)), np.zeros((h, w))
    for k, (top, left) in enumerate((t, lft) for t in tops for lft in lefts):
        heat[top : top + patch, left : left + patch] += drops[k]
        count[top : top + patch, left : left + patch] += 1
    return SaliencyMap(np.divide(heat, count, out=np.zeros_like(heat), where=count > 0), "occlusion", base)


def base_drops(scores: np.ndarray) -> np.ndarray:
    """Score of the whole image minus the score of each covered copy (first entry is the whole image)."""
    return float(scores[0]) - np.asarray(scores[1:], dtype=np.float64)


def pipeline_scorer(pipeline, extractor: str) -> Callable[[np.ndarray], np.ndarray]:
    """A function images -> positive-class scores: extract features, then the fitted pipeline."""
    import pandas as pd

    def score(images: np.ndarray) -> np.ndarray:
        feats = compute_features(images, extractor).astype(np.float64)
        frame = pd.DataFrame(feats, columns=list(feature_names(extractor, feats.shape[1])))
        names = getattr(pipeline, "feature_names_in_", None)
        if names is not None:  # the columns the model was fitted on (constant ones may be left out)
            frame = frame[list(names)]
        proba = pipeline.predict_proba(frame)
        return proba[:, list(pipeline.classes_).index(1)]

    return score


def saliency(image: np.ndarray, pipeline, extractor: str) -> SaliencyMap:
    """The exact CAM when possible (CNN + linear classifier), occlusion sensitivity otherwise."""
    if extractor == "efficientnet_lite0" and linear_weights(pipeline) is not None:
        return cnn_cam(image, pipeline)
    return occlusion_map(image, pipeline_scorer(pipeline, extractor))


def overlay(image: np.ndarray, heat: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """RGB uint8 image with the heat map laid over it: red for positive evidence, blue for negative."""
    grey = image[..., 0] if image.shape[2] == 1 else image.mean(axis=2)
    base = np.repeat(grey[..., None].astype(np.float64), 3, axis=2)
    top = float(np.abs(heat).max()) or 1.0
    h = heat / top
    colour = np.zeros_like(base)
    colour[..., 0] = np.clip(h, 0, 1) * 255
    colour[..., 2] = np.clip(-h, 0, 1) * 255
    weight = alpha * np.abs(h)[..., None]
    return np.clip(base * (1 - weight) + colour * weight, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class ErrorPicks:
    """Hold-out rows the model got wrong at a threshold, worst first (positions into the image set)."""

    false_negatives: tuple[int, ...]
    false_positives: tuple[int, ...]


def errors_at(test_index: np.ndarray, y_test: np.ndarray, scores: np.ndarray, threshold: float) -> ErrorPicks:
    """False negatives (positive, score < threshold; lowest first) and false positives (highest first)."""
    y, s = np.asarray(y_test), np.asarray(scores, dtype=np.float64)
    fn = np.flatnonzero((y == 1) & (s < threshold))
    fp = np.flatnonzero((y == 0) & (s >= threshold))
    return ErrorPicks(
        tuple(int(test_index[i]) for i in fn[np.argsort(s[fn], kind="stable")]),
        tuple(int(test_index[i]) for i in fp[np.argsort(-s[fp], kind="stable")]),
    )
