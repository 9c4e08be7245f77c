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

import dataclasses
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.images.extractors import compute_features
from imbalance_core.learn.samplers import set_row_augmenter


@dataclass(frozen=True)
class AugmentSettings:
    """How copies are changed. max_rotation: degrees either way; max_shift: share of the side either way;
    flip: allow horizontal flips (off for chest X-rays: the heart would move to the right)."""

    max_rotation: float = 10.0
    max_shift: float = 0.10
    flip: bool = False
    brightness: float = 0.0
    contrast: float = 0.0

    def describe(self) -> str:
        """The settings in words (notices, the saved model's notes)."""
        parts = [
            f"rotation up to ±{self.max_rotation:g}°",
            f"shift up to ±{percent(self.max_shift)} of the side",
        ]
        if self.brightness:
            parts.append(f"brightness ±{percent(self.brightness)}")
        if self.contrast:
            parts.append(f"contrast ±{percent(self.contrast)}")
        parts.append(
            "horizontal flips" if self.flip else "no flip (a flipped chest X-ray puts the heart on the right)"
        )
        return ", ".join(parts)


#: The defaults for chest X-rays (see the module docstring): small brightness/contrast changes, no flip.
CHEST_XRAY = AugmentSettings(brightness=0.10, contrast=0.10)


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
    if settings.brightness or settings.contrast:
        gain = 1.0 + float(rng.uniform(-settings.contrast, settings.contrast))
        shift = 255.0 * float(rng.uniform(-settings.brightness, settings.brightness))
        centre = float(out.mean())
        out = np.clip((out.astype(np.float32) - centre) * gain + centre + shift, 0, 255).astype(np.uint8)
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


# ------------------------------------------------------------------ augmentation as a registry sampler

#: Key of the image source on a feature frame's ``attrs`` (travels with ``PreparedData.X`` to workers).
SOURCE_ATTR = "imbalance_lab_image_source"
#: Images up to this size travel with the data to Compare's worker processes; larger sets stay here.
SHIP_BYTES = 256 << 20
_SOURCES: OrderedDict[str, ImageSource] = OrderedDict()
_MAX_SOURCES = 4


class ImageSource:
    """The images behind a feature table, so the ``augment`` sampler can find the image of each training
    row (by the row's feature values) and extract features from changed copies.

    Pickles with its images (up to :data:`SHIP_BYTES`), and registers itself wherever it is unpickled: a
    Compare worker process that receives the data can then augment too.
    """

    def __init__(self, images: np.ndarray, features: np.ndarray, extractor: str, settings: AugmentSettings):
        self.images = images
        self.features = np.asarray(features, dtype=np.float32)
        self.extractor = extractor
        self.settings = settings
        self.key = hashlib.sha256(self.features.tobytes() + extractor.encode()).hexdigest()
        self._index: dict[int, dict[bytes, int]] = {}

    def __deepcopy__(self, memo: dict) -> ImageSource:
        """Shared, never copied: pandas deep-copies ``attrs`` whenever a frame is sliced."""
        return self

    def __getstate__(self) -> dict:
        ship = self.images.nbytes <= SHIP_BYTES
        return {
            "images": self.images if ship else None,
            "features": self.features,
            "extractor": self.extractor,
            "settings": self.settings,
            "key": self.key,
        }

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._index = {}
        if self.images is None and self.key in _SOURCES:
            self.images = _SOURCES[self.key].images
        if self.images is not None:
            register(self)

    def columns(self, n: int) -> np.ndarray | None:
        """Which feature columns a training matrix of ``n`` columns holds: all, or the non-constant ones
        (the intake drops constant columns); None when neither fits."""
        if n == self.features.shape[1]:
            return np.arange(n)
        varying = np.flatnonzero(np.ptp(self.features, axis=0) > 0)
        return varying if len(varying) == n else None

    def rows_of(self, X: np.ndarray) -> np.ndarray | None:
        """The image behind each row of ``X`` (by exact feature values), or None when some row is not here."""
        cols = self.columns(X.shape[1])
        if cols is None:
            return None
        if len(cols) not in self._index:
            table = self.features[:, cols].astype(np.float64)
            self._index[len(cols)] = {row.tobytes(): i for i, row in enumerate(table)}
        index = self._index[len(cols)]
        found = [index.get(np.ascontiguousarray(row, dtype=np.float64).tobytes()) for row in X]
        return None if any(i is None for i in found) else np.array(found, dtype=np.int64)


def register(source: ImageSource) -> None:
    """Keep ``source`` findable by the ``augment`` sampler in this process (the last few sets)."""
    _SOURCES[source.key] = source
    _SOURCES.move_to_end(source.key)
    while len(_SOURCES) > _MAX_SOURCES:
        _SOURCES.popitem(last=False)


def attach_source(
    frame: pd.DataFrame, images: np.ndarray, features: np.ndarray, extractor: str,
    settings: AugmentSettings = CHEST_XRAY,
) -> None:  # fmt: skip
    """Put the image source on ``frame.attrs`` (it follows the frame into PreparedData) and register it."""
    source = ImageSource(images, features, extractor, settings)
    register(source)
    frame.attrs[SOURCE_ATTR] = source


def augment_copies(
    images: np.ndarray, sources: np.ndarray, rng: np.random.Generator, settings: AugmentSettings
) -> np.ndarray:
    """Changed copies of ``images[sources]`` (positions into the image set). The one place images are
    augmented: the spy test watches it."""
    return np.stack([augment_image(images[i], rng, settings) for i in sources])


def settings_with(base: AugmentSettings, options: tuple[tuple[str, object], ...] = ()) -> AugmentSettings:
    """``base`` with the ``(name, value)`` pairs of ``options`` (``TrainSettings.augment``) applied; a
    name that is not a setting or a value out of range is refused in a sentence."""
    if not options:
        return base
    names = {f.name for f in dataclasses.fields(AugmentSettings)}
    unknown = sorted({str(k) for k, _ in options} - names)
    if unknown:
        raise DataError(f"Unknown augmentation setting; choose among: {', '.join(sorted(names))}.")
    values = {str(k): (bool(v) if k == "flip" else float(v)) for k, v in options}
    limits = {"max_rotation": 180.0, "max_shift": 0.5, "brightness": 1.0, "contrast": 1.0}
    for name, top in limits.items():
        if name in values and not 0.0 <= values[name] <= top:
            raise DataError(f"The augmentation setting {name} must lie between 0 and {top:g}.")
    return dataclasses.replace(base, **values)


def settings_pairs(settings: AugmentSettings) -> tuple[tuple[str, object], ...]:
    """``settings`` as the ``(name, value)`` pairs ``TrainSettings.augment`` holds (every field, in order)."""
    return tuple((f.name, getattr(settings, f.name)) for f in dataclasses.fields(AugmentSettings))


def augment_rows(
    X: np.ndarray,
    y: np.ndarray,
    wanted: dict[int, int],
    seed: int,
    options: tuple[tuple[str, object], ...] = (),
) -> tuple[np.ndarray, np.ndarray, str] | None:
    """New rows for the ``augment`` sampler: for each class code in ``wanted`` (rows wanted after), features
    of changed copies of that class's images among the rows of ``X`` (one training fold). None when the
    rows are not image features of a registered set. ``options`` (``TrainSettings.augment``) override the
    image set's settings."""
    for source in reversed(list(_SOURCES.values())):
        rows = source.rows_of(np.asarray(X))
        if rows is not None:
            break
    else:
        return None
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    picked, codes = [], []
    for code, goal in wanted.items():
        pool = rows[y == code]
        n_new = int(goal) - len(pool)
        if n_new > 0 and len(pool):
            picked.append(rng.choice(pool, size=n_new, replace=True))
            codes.append(np.full(n_new, code, dtype=y.dtype))
    cols = source.columns(X.shape[1])
    settings = settings_with(source.settings, options)
    if not picked:
        return np.empty((0, X.shape[1])), np.empty(0, dtype=y.dtype), ""
    chosen = np.concatenate(picked)
    copies = augment_copies(source.images, chosen, rng, settings)
    feats = compute_features(copies, source.extractor)[:, cols].astype(np.float64)
    note = (
        f"Augmentation added {len(chosen):,} changed copies of rare-class training images "
        f"({settings.describe()}); features were extracted from the changed images."
    )
    return feats, np.concatenate(codes), note


set_row_augmenter(augment_rows)
