"""Augmentation as an over-sampler for images: new minority images made from training-fold images only.

Like random over-sampling, augmentation adds minority-class rows until the target ratio
(minority:majority) is reached — but each added row is the feature vector of a *changed copy* of a
minority training image (a small rotation and shift; a horizontal flip only when asked), not a repeat of
the same vector. Features are extracted from the augmented images with the same extractor.

Defaults for chest X-rays: rotations up to +-10 degrees and shifts up to 10 % of the side are on —
patients are not positioned identically; the **horizontal flip is off**, because a flipped chest X-ray
puts the heart on the right (dextrocardia), an anatomy the model should not learn as normal. Turn it on
(``flip=True``) for images without a left/right anatomy (skin lesions, cell slides).

Where it runs: :func:`imbalance_core.images.study.fit_and_score_images` calls :func:`augmented_features`
with the rows of the fit part of one fold (or of the whole training part for the final fit), never with
validation or hold-out rows; the spy test in ``tests/images/test_study.py`` proves it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.images.extractors import compute_features


@dataclass(frozen=True)
class AugmentSettings:
    """How copies are changed. max_rotation: degrees either way; max_shift: share of the side either way;
    flip: allow horizontal flips (off for chest X-rays: the heart would move to the right)."""

    max_rotation: float = 10.0
    max_shift: float = 0.10
    flip: bool = False


#: The defaults for chest X-rays (see the module docstring).
CHEST_XRAY = AugmentSettings()


def augment_image(image: np.ndarray, rng: np.random.Generator, settings: AugmentSettings) -> np.ndarray:
    """One changed copy of a uint8 (h, w, c) image: rotated, shifted, maybe flipped; border filled with
    the image's median so no black wedge becomes a feature of the minority class."""
    h, w, c = image.shape
    angle = float(rng.uniform(-settings.max_rotation, settings.max_rotation))
    dx = round(float(rng.uniform(-settings.max_shift, settings.max_shift)) * w)
    dy = round(float(rng.uniform(-settings.max_shift, settings.max_shift)) * h)
    flip = settings.flip and bool(rng.integers(0, 2))
    plane = image[..., 0] if c == 1 else image
    fill = int(np.median(plane)) if c == 1 else tuple(int(v) for v in np.median(plane, axis=(0, 1)))
    img = Image.fromarray(plane)
    if flip:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    out = np.asarray(
        img.rotate(angle, resample=Image.Resampling.BILINEAR, translate=(dx, dy), fillcolor=fill),
        dtype=np.uint8,
    )
    return out[..., None] if out.ndim == 2 else out


def rows_wanted(y: np.ndarray, ratio: float) -> dict[int, int]:
    """Class code -> copies to add so every class reaches ``ratio`` x the largest class (0 when it has)."""
    if not 0 < ratio <= 1:
        raise DataError("The target ratio must be above 0 and at most 1:1 (for example 1:3 or 0.333).")
    counts = np.bincount(y)
    top = int(counts.max())
    return {c: max(0, round(ratio * top) - int(n)) for c, n in enumerate(counts) if n > 0}


def augmented_features(
    images: np.ndarray,
    y: np.ndarray,
    fit_rows: np.ndarray,
    extractor: str,
    ratio: float = 1.0,
    seed: int = 0,
    settings: AugmentSettings = CHEST_XRAY,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of augmented copies of minority images among ``fit_rows`` (positions into ``images``).

    Returns (features (m, d), class codes (m,), source rows (m,) — the position each copy came from).
    Sources are drawn at random (with ``seed``) from the fit rows of their class only.
    """
    fit_rows = np.asarray(fit_rows, dtype=np.int64)
    y_fit = np.asarray(y)[fit_rows]
    rng = np.random.default_rng(seed)
    sources, codes = [], []
    for code, n_new in rows_wanted(y_fit, ratio).items():
        if n_new:
            pool = fit_rows[y_fit == code]
            sources.append(rng.choice(pool, size=n_new, replace=True))
            codes.append(np.full(n_new, code, dtype=np.int64))
    if not sources:
        empty = np.empty((0, 0), dtype=np.float32)
        return empty, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    source = np.concatenate(sources)
    copies = np.stack([augment_image(images[i], rng, settings) for i in source])
    return compute_features(copies, extractor), np.concatenate(codes), source
